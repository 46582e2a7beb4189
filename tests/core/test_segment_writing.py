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
