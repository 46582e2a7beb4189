"""xarchive's segment writer against Whoosh's own: the same index files, byte for byte.

PairsWriter (core/index/pairs.py) writes a segment its own quicker way — the
field lengths read once per field, the word pairs beside it; whatever it does,
Whoosh's files must come out as Whoosh's own writer writes them — a writer that
pickles its blocks of postings at our protocol (postings.PICKLE_PROTOCOL).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import whoosh.codec.whoosh3
from whoosh import index
from whoosh.writing import SegmentWriter

from xarchive.core.archive import Archive
from xarchive.core.index.pairs import PairsWriter
from xarchive.core.index.postings import PICKLE_PROTOCOL
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


@pytest.fixture(autouse=True)
def whoosh_at_our_protocol(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Whoosh's writer pickling its blocks (and their infos) at our protocol, not 2."""
    assert PICKLE_PROTOCOL != 2  # else this fixture has nothing to do

    def dumps(obj: Any, protocol: int | None = None) -> bytes:
        assert protocol == 2  # what Whoosh asks for: if that changes, so must this
        return pickle.dumps(obj, PICKLE_PROTOCOL)

    monkeypatch.setattr(whoosh.codec.whoosh3, "dumps", dumps)
    yield


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


def _write(
    folder: Path, writer_class: type[SegmentWriter], docs: list[dict[str, object]] | None = None
) -> dict[str, bytes]:
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema())
    writer = writer_class(ix, compound=False)
    for doc in _documents() if docs is None else docs:
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


def _zipf_documents(count: int) -> list[dict[str, object]]:
    """Texts in English and Urdu whose common words are in more documents than a block of
    postings holds (128), with rare words found once, weights that differ, and long texts
    whose postings compress."""
    words = [*WORDS, "پابندی", "عدالت", "درخواست", "وزارت", "سماعت"]
    words += [f"rare{n}" for n in range(400)]
    docs: list[dict[str, object]] = []
    for n in range(count):
        size = 3 + (n * 37) % 300
        text = " ".join(words[int(len(words) * ((i * 7919 + n) % 1000 / 1000) ** 4)]
                        for i in range(size))  # fmt: skip
        kind, lang = "text" if n % 4 else "post", "ur" if n % 5 == 0 else "en"
        doc: dict[str, object] = {"id": str(n), "kind": kind, "content": text, "lang": lang}
        if n % 2:
            doc["title"] = " ".join(words[(n + k) % 40] for k in range(n % 6 + 1))
        if n % 3 == 0:
            doc["tag"] = "evidence,court" if n % 2 else "evidence"
            doc["account"] = f"reporter{n % 7}"
        docs.append(doc)
    return docs


def test_postings_of_many_blocks_and_fields_are_written_as_whoosh_writes_them(
    tmp_path: Path, demo: Archive
) -> None:
    """The postings written by core/index/postings.py, term by term, against Whoosh's own
    writer: the demo's documents (every field it uses, posts, Urdu, PDFs) and texts
    whose common words span several blocks."""
    from xarchive.core import indexing
    from xarchive.core.index.postings import can_write
    from xarchive.core.store import items as item_store

    ids = [item.id for item in item_store.items(demo.db)]
    docs = [doc.fields() for doc in indexing.documents(demo.db, ids)] + _zipf_documents(300)
    ours = _write(tmp_path / "ours", PairsWriter, docs)
    whooshs = _write(tmp_path / "whoosh", SegmentWriter, docs)
    assert len(whooshs["pst"]) > 200_000 and ours.keys() == whooshs.keys()
    for name in whooshs:
        assert ours[name] == whooshs[name], name
    (tmp_path / "probe").mkdir()
    ix = index.create_in(str(tmp_path / "probe"), build_schema())
    writer = PairsWriter(ix)
    assert can_write(writer.fieldwriter, ix.schema)  # the quick path is the one tested
    writer.cancel()
    ix.close()


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
    kept = staged.folder / f"{staged.segment.segment_id()}.xarchive_facets.bin"
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


@pytest.mark.parametrize(("deletions", "added_too"), [(True, False), (False, False), (True, True)])
def test_a_merge_is_written_as_whooshs_own_writer_writes_it(
    tmp_path: Path, deletions: bool, added_too: bool
) -> None:
    """Segments merged (add_reader: postings of several readers, deleted documents left
    out), then flushed by xarchive's writer and by Whoosh's: the same files. The merge
    reads each term's postings again when it writes them (merging.py); with documents
    added to the same writer (`added_too`) it goes through Whoosh's pool."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    source = tmp_path / "source"
    source.mkdir()
    ix = index.create_in(str(source), build_schema())
    docs = _zipf_documents(240)
    for part in (docs[:100], docs[100:]):
        writer = SegmentWriter(ix, compound=False)
        for doc in part:
            writer.add_document(**doc)
        writer.commit(merge=False)
    if deletions:
        writer = SegmentWriter(ix, compound=False)
        for n in range(0, 240, 9):
            writer.delete_by_term("id", str(n))
        writer.commit(merge=False)
    segments = ix._read_toc().segments
    assert len(segments) == 2 and all(s.has_deletions() == deletions for s in segments)

    def merged(folder: Path, writer_class: type[SegmentWriter]) -> dict[str, bytes]:
        folder.mkdir()
        out = index.create_in(str(folder), build_schema())
        merging = writer_class(out, compound=False)
        if added_too:
            for doc in _zipf_documents(30):
                merging.add_document(**{**doc, "id": f"new-{doc['id']}"})
        for segment in segments:
            reader = SegmentReader(FileStorage(str(source)), ix.schema, segment)
            merging.add_reader(reader)
            reader.close()
        if writer_class is PairsWriter:  # the merge read a term at a time, or Whoosh's pool
            assert bool(merging._merged) == (not added_too)
        merging.commit(merge=False)
        (new,) = out._read_toc().segments
        out.close()
        prefix = f"{new.segment_id()}."
        return {p.name.removeprefix(prefix): p.read_bytes() for p in folder.iterdir()
                if p.name.startswith(prefix) and "xarchive_" not in p.name}  # fmt: skip

    ours, whooshs = (
        merged(tmp_path / "ours", PairsWriter),
        merged(tmp_path / "whoosh", SegmentWriter),
    )
    assert "pst" in whooshs and ours.keys() == whooshs.keys()
    for name in whooshs:
        assert ours[name] == whooshs[name], name
    ix.close()


def test_a_segment_that_outgrows_its_memory_is_written_as_whoosh_writes_it(
    tmp_path: Path,
) -> None:
    """Postings are held term by term in memory (postings.TermPool) until they outgrow
    its limit; then they go to Whoosh's pool, which sorts them on disk in runs. A segment
    that does so halfway through: the same files as Whoosh's own writer's."""
    docs = _zipf_documents(300)
    spilled: list[bool] = []

    class SmallMemory(PairsWriter):  # type: ignore[misc]
        def __init__(self, ix: object, **kwargs: object) -> None:
            super().__init__(ix, **{**kwargs, "limitmb": 1})
            assert self.terms is not None
            self.terms.limit = 100_000

        def _flush_segment(self) -> None:
            spilled.append(self.terms is None and bool(self.pool.runs))
            super()._flush_segment()

    class WhooshSmallMemory(SegmentWriter):  # type: ignore[misc]
        def __init__(self, ix: object, **kwargs: object) -> None:
            super().__init__(ix, **{**kwargs, "limitmb": 1})

    # (Whoosh's runs give other files than its memory does: the comparison is with
    # Whoosh's writer in as little memory)
    ours = _write(tmp_path / "ours", SmallMemory, docs)
    whooshs = _write(tmp_path / "whoosh", WhooshSmallMemory, docs)
    assert spilled == [True]  # held in memory, then in Whoosh's runs on disk
    assert ours.keys() == whooshs.keys()
    for name in whooshs:
        assert ours[name] == whooshs[name], name


def test_postings_read_the_same_from_a_segment_pickled_at_whooshs_protocol(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index written before PICKLE_PROTOCOL (Whoosh's own writer, protocol 2) gives
    the same postings, weights and positions as one written now: older indexes need no
    rebuild."""
    monkeypatch.undo()  # Whoosh's writer as it is
    assert whoosh.codec.whoosh3.dumps is pickle.dumps
    docs = _zipf_documents(200)

    def postings(folder: Path, writer_class: type[SegmentWriter]) -> dict[Any, list[Any]]:
        folder.mkdir()
        ix = index.create_in(str(folder), build_schema())
        writer = writer_class(ix, compound=False)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit(merge=False)
        found: dict[Any, list[Any]] = {}
        with ix.reader() as reader:
            for fieldname, text in reader.all_terms():
                matcher = reader.postings(fieldname, text)
                found[fieldname, text] = [(m.id(), m.weight(), m.value()) for m in _each(matcher)]
        ix.close()
        return found

    ours, whooshs = (
        postings(tmp_path / "ours", PairsWriter),
        postings(tmp_path / "w", SegmentWriter),
    )
    assert len(whooshs) > 400 and any(len(p) > 128 for p in whooshs.values())
    assert ours == whooshs


def _each(matcher: Any) -> Iterator[Any]:
    while matcher.is_active():
        yield matcher
        matcher.next()


def test_a_pool_keeps_a_fields_terms_together_whichever_way_they_were_added() -> None:
    """TermPool keeps the words of texts by the word and other terms by their bytes; a
    field written both ways (a text Whoosh analysed, then one xarchive did) gives each
    term once, with its postings in the order of their documents."""
    from xarchive.core.index.formats import WordPositions
    from xarchive.core.index.postings import TermPool

    encode = WordPositions().encode
    pool = TermPool(1 << 30)
    pool.add("content", b"court", 0, 1.0, encode([3]))
    pool.add("content", "عدالت".encode(), 0, 2.0, encode([0, 4]))
    pool.add_found("content", 1, {"court": [0, 2], "ban": [1]}, encode, 1.0, 1.0)
    pool.add("content", b"ban", 2, 1.0, encode([7]))
    pool.add("title", b"court", 2, 2.0, None)
    written = [
        (field, btext, list(ids), list(weights), list(values))
        for field, terms in pool.in_order()
        for btext, (ids, weights, values) in terms
    ]
    assert written == [
        ("content", b"ban", [1, 2], [1.0, 1.0], [encode([1]), encode([7])]),
        ("content", b"court", [0, 1], [1.0, 2.0], [encode([3]), encode([0, 2])]),
        ("content", "عدالت".encode(), [0], [2.0], [encode([0, 4])]),
        ("title", b"court", [2], [2.0], [None]),
    ]
