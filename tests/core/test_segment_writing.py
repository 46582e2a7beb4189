"""xarchive's segment writer against Whoosh's own: the same index files, byte for byte.

PairsWriter (core/index/pairs.py) writes a segment its own quicker way — the
field lengths read once per field, the word pairs beside it; whatever it does,
Whoosh's files must come out as Whoosh's own writer writes them.
"""

from __future__ import annotations

from pathlib import Path

from whoosh import index
from whoosh.writing import SegmentWriter

from xarchive.core.index.pairs import PairsWriter
from xarchive.core.index.schema import build_schema

WORDS = [
    "court",
    "ministry",
    "blocked",
    "platform",
    "security",
    "order",
    "petition",
    "hearing",
    "reply",
    "vpn",
]


def _documents() -> list[dict[str, object]]:
    docs: list[dict[str, object]] = []
    for n in range(120):
        words = [WORDS[(n * 7 + i * i) % len(WORDS)] for i in range(5 + n % 40)]
        doc: dict[str, object] = {"id": str(n), "kind": "text", "content": " ".join(words)}
        if n % 3:  # some documents without a title or an author: lengths of 0
            doc["title"] = f"Note {n} on the {WORDS[n % len(WORDS)]}"
        if n % 5 == 0:
            doc["author"] = "Demo Reporter"
        docs.append(doc)
    return docs


def _write(folder: Path, writer_class: type[SegmentWriter]) -> dict[str, bytes]:
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema())
    writer = writer_class(ix, compound=False)
    for doc in _documents():
        writer.add_document(**doc)
    writer.commit(merge=False)
    (segment,) = ix._read_toc().segments
    ix.close()
    prefix = f"{segment.segment_id()}."
    return {
        path.name.removeprefix(prefix): path.read_bytes()
        for path in folder.iterdir()
        if path.name.startswith(prefix) and "xarchive_" not in path.name
    }


def test_a_segment_is_written_as_whooshs_own_writer_writes_it(tmp_path: Path) -> None:
    ours = _write(tmp_path / "ours", PairsWriter)
    whooshs = _write(tmp_path / "whoosh", SegmentWriter)
    assert {"trm", "pst", "_content_len.col", "_title_len.col"} <= set(whooshs)
    assert ours.keys() == whooshs.keys()
    for name in whooshs:
        assert ours[name] == whooshs[name], name


def test_a_segment_comes_with_its_facet_arrays_and_they_are_the_searchers_own(
    tmp_path: Path,
) -> None:
    """write_segment keeps the facet arrays beside the segment, so that the first
    search after its commit need not read them; they are what the searcher reads."""
    from xarchive.core.index.api import FACETS
    from xarchive.core.index.arrays import SegmentArrays
    from xarchive.core.index.writing import write_segment

    docs = _documents()
    for n, doc in enumerate(docs):
        doc.update(lang="ur" if n % 4 == 0 else "en", ym=f"2024-0{1 + n % 3}")
    staged = write_segment(tmp_path / "staging", docs)
    kept = staged.folder / f"{staged.segment.segment_id()}.xarchive_facets.npz"
    assert kept.exists()
    ix = index.open_dir(str(staged.folder))
    with ix.reader() as reader:
        fields = tuple(FACETS.values())
        from_file = SegmentArrays(reader, folder=staged.folder).facets(fields)
        read_now = SegmentArrays(reader).facets(fields)  # no folder: from the postings
    ix.close()
    for a, b in zip(from_file, read_now, strict=True):
        assert a.values == b.values
        assert a.docs.tolist() == b.docs.tolist() and a.ords.tolist() == b.ords.tolist()
    assert any(len(f.values) > 1 for f in read_now)
