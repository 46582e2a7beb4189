"""What any search engine behind `core/index/api.SearchEngine` must do.

Written against the interface alone, so that another engine (an OpenSearch one,
docs/search-engine.md) is added to ENGINES and must pass the same tests. Only
the Whoosh engine exists today.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from xarchive.core.errors import IndexBusy, QueryError
from xarchive.core.index.api import FACETS, SearchEngine
from xarchive.core.index.document import IndexDocument
from xarchive.core.index.engine import SearchIndex

#: name -> (create an empty index in a folder, open the index in a folder)
ENGINES: dict[str, tuple[Callable[[Path], SearchEngine], Callable[[Path], SearchEngine]]] = {
    "whoosh": (SearchIndex.create, SearchIndex.open),
}


@pytest.fixture(params=sorted(ENGINES))
def engine_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(engine_kind: str, tmp_path: Path) -> Iterator[SearchEngine]:
    create, _ = ENGINES[engine_kind]
    opened = create(tmp_path / "index")
    yield opened
    opened.close()


def doc(
    item_id: int, text: str, when: str = "2024-02-17T10:00:00Z", **extra: object
) -> IndexDocument:
    fields: dict[str, object] = {
        "item_id": item_id,
        "kind": "text",
        "title": f"Item {item_id}",
        "pages": (text,),
        "original_name": f"item-{item_id}.txt",
        "author": "",
        "language": "en",
        "source_url": "",
        "published_at": when,
        "captured_at": "",
        "imported_at": "2024-05-01T00:00:00Z",
        "ocr_status": "none",
    }
    fields.update(extra)
    return IndexDocument(**fields)  # type: ignore[arg-type]


def ids(engine: SearchEngine, query: str, **kwargs: object) -> list[int]:
    return [h.item_id for h in engine.search(query, limit=0, facets=False, **kwargs).hits]  # type: ignore[arg-type]


def test_written_documents_are_found_replaced_and_deleted(engine: SearchEngine) -> None:
    assert engine.write([doc(1, "The court blocked the platform"), doc(2, "A ruling on VPNs")]) == 2
    assert engine.doc_count() == 2
    assert ids(engine, "court") == [1]
    assert ids(engine, "blocking") == [1]  # English words match their other forms
    engine.write([doc(1, "The ministry replied")])  # replaces item 1
    assert ids(engine, "court") == [] and ids(engine, "ministry") == [1]
    engine.write([], delete_ids=[2])
    assert ids(engine, "*") == [1] and engine.doc_count() == 1


def test_a_rebuild_written_in_parts_answers_like_one_write(
    engine_kind: str, tmp_path: Path
) -> None:
    create, _ = ENGINES[engine_kind]
    texts = ["court ruling", "ministry court", "national security", "court", "vpn users"]
    whole, parts = create(tmp_path / "whole"), create(tmp_path / "parts")
    try:
        whole.write([doc(i, t) for i, t in enumerate(texts, 1)])
        assert parts.write_new((doc(i, t) for i, t in enumerate(texts, 1)), segment_size=2) == 5
        for query in ["court", "*", '"national security"', "court NOT ruling"]:
            assert ids(parts, query) == ids(whole, query), query
        assert parts.search("court").facets == whole.search("court").facets
    finally:
        whole.close()
        parts.close()


def test_words_phrases_booleans_fields_prefixes_and_urdu(engine: SearchEngine) -> None:
    engine.write(
        [
            doc(1, "for national security, public order and decency", kind="document"),
            doc(2, "security of the nation, public outcry"),
            doc(3, "وزارت داخلہ نے پابندی لگائی", language="ur"),
        ]
    )
    assert ids(engine, '"national security"') == [1]
    assert ids(engine, '"security national"') == []
    assert ids(engine, '"security, public order"') == [1]
    assert sorted(ids(engine, "security OR پابندی")) == [1, 2, 3]
    assert ids(engine, "security NOT decency") == [2]
    assert ids(engine, "kind:document") == [1]
    assert ids(engine, "lang:ur") == [3]
    assert ids(engine, "outc*") == [2]
    assert sorted(ids(engine, "pablic~")) == [1, 2]
    assert ids(engine, "پابندي") == [3]  # Arabic yeh typed: the same letter to the search


def test_a_hit_names_the_words_a_prefix_or_fuzzy_term_matched_in_it(
    engine: SearchEngine,
) -> None:
    """The words marked in a hit's snippet and viewer: a pattern's expansions that
    this hit holds, not the pattern, and not another hit's expansions; a second
    search with the same pattern (which may reuse the first's expansions) agrees."""
    engine.write([doc(1, "public outcry"), doc(2, "pablic order"), doc(3, "the ministry")])
    for _ in range(2):
        found = {h.item_id: h.terms for h in engine.search("pablic~ OR ord*").hits}
        assert found == {1: frozenset({"public"}), 2: frozenset({"pablic", "order"})}


def test_pages_offsets_and_the_three_orders(engine: SearchEngine) -> None:
    days = ["2024-02-03", "2024-02-09", "2024-02-09", "2024-02-01"]
    engine.write([doc(i + 1, "court", f"{d}T12:00:00Z") for i, d in enumerate(days)])
    # equal relevance: newest first, then the order they were written
    assert ids(engine, "court") == [2, 3, 1, 4]
    assert ids(engine, "court", sort="date") == [3, 2, 1, 4]
    assert ids(engine, "court", sort="date-asc") == [4, 1, 2, 3]
    page = engine.search("court", offset=1, limit=2, sort="date-asc")
    assert page.total == 4
    assert [(h.item_id, h.rank) for h in page.hits] == [(1, 1), (2, 2)]
    assert engine.search("court", offset=10).hits == ()


def test_facets_and_day_counts_cover_every_hit(engine: SearchEngine) -> None:
    engine.write(
        [
            doc(1, "court", "2024-02-17T09:00:00Z", tags=("evidence",), author="Desk"),
            doc(2, "court", "2024-02-17T23:00:00Z", tags=("evidence", "court file")),
            doc(3, "court", "2024-03-02T12:00:00Z", kind="post", accounts=("demo_reporter",)),
            doc(4, "ministry", "2024-03-02T12:00:00Z"),
        ]
    )
    results = engine.search("court", limit=1)
    assert results.total == 3 and len(results.hits) == 1
    assert set(results.facets) == set(FACETS)
    assert dict(results.facets["kind"]) == {"text": 2, "post": 1}
    assert dict(results.facets["tag"]) == {"evidence": 2, "court file": 1}
    assert dict(results.facets["month"]) == {"2024-02": 2, "2024-03": 1}
    assert dict(results.facets["account"]) == {"demo_reporter": 1}
    assert results.facets["tag"][0] == ("evidence", 2)  # most first
    assert engine.day_counts("court") == {date(2024, 2, 17): 2, date(2024, 3, 2): 1}
    assert sorted(ids(engine, "date:2024-03")) == [3, 4]
    assert sorted(ids(engine, "date:2024-02-01..2024-02-29")) == [1, 2]


def test_snippets_mark_the_matched_words_and_phrases(engine: SearchEngine) -> None:
    text = "The integrity of the nation. Later the court cited national security at length."
    engine.write([doc(1, text)])
    (hit,) = engine.search('"national security" court').hits
    marks = engine.phrase_marks('"national security" court')
    snippet = engine.snippet(hit.terms, [text], marks=marks)
    assert snippet is not None and snippet.page == 1
    marked = snippet.marked()
    assert "[national] [security]" in marked and "[court]" in marked
    assert "[nation]" not in marked  # a phrase's word is marked only inside the phrase
    assert engine.snippet(frozenset({"absent"}), [text]) is None


def test_queries_that_do_not_parse_are_explained(engine: SearchEngine) -> None:
    for bad in ['"never closed', "(court", "nosuchfield:x", "date:2024-13", "court AND"]:
        with pytest.raises(QueryError):
            engine.check(bad)
        with pytest.raises(QueryError):
            engine.search(bad)
    engine.check("court")  # no error


def test_a_commit_by_another_writer_is_seen(engine_kind: str, tmp_path: Path) -> None:
    create, open_ = ENGINES[engine_kind]
    first = create(tmp_path / "index")
    try:
        first.write([doc(1, "court")])
        reader = open_(tmp_path / "index")
        try:
            assert ids(reader, "court") == [1]
            first.write([doc(2, "court")])
            assert sorted(ids(reader, "court")) == [1, 2]
        finally:
            reader.close()
    finally:
        first.close()


def test_a_document_is_dated_by_its_publication_else_its_capture_else_its_import(
    engine: SearchEngine,
) -> None:
    engine.write(
        [
            doc(1, "court", "2024-02-17T10:00:00Z"),
            doc(2, "court", "", captured_at="2024-03-01T10:00:00Z"),
            doc(3, "court", ""),
        ]
    )
    assert engine.day_counts("court") == {
        date(2024, 2, 17): 1,
        date(2024, 3, 1): 1,
        datetime(2024, 5, 1).date(): 1,
    }
    assert ids(engine, "published:2024-02") == [1] and ids(engine, "captured:2024-03") == [2]


def test_a_second_writer_is_told_the_index_is_busy(engine_kind: str, tmp_path: Path) -> None:
    create, open_ = ENGINES[engine_kind]
    first = create(tmp_path / "index")
    second = open_(tmp_path / "index")
    try:
        if not isinstance(first, SearchIndex):
            pytest.skip("only the Whoosh engine has a writer lock to hold")
        writer = first._ix.writer()  # hold the lock as an import's writer would
        try:
            with pytest.raises(IndexBusy):
                second.write([doc(1, "court")])
        finally:
            writer.cancel()
    finally:
        second.close()
        first.close()


def test_which_of_some_items_match_is_told_without_listing_the_hits(
    engine_kind: str, tmp_path: Path
) -> None:
    """What the results' count (versions of a post on one card) and the timeline's marks
    (the events of the posts found) ask: which of a few items a query matches — across
    segments, an item replaced or deleted matching as it is now."""
    create, _ = ENGINES[engine_kind]
    engine = create(tmp_path / "index")
    try:
        engine.write_new((doc(i, "court" if i % 2 else "ministry") for i in range(1, 7)),
                         segment_size=2)  # fmt: skip
        assert engine.matching("court", [1, 2, 3, 99]) == {1, 3}
        assert engine.matching("*", [2, 4, 6]) == {2, 4, 6}
        assert engine.matching("court", []) == set()
        engine.write([doc(2, "court again"), doc(3, "the ministry")], delete_ids=[5])
        assert engine.matching("court", range(1, 7)) == {1, 2}
        assert engine.matching("court OR ministry", range(1, 7)) == {1, 2, 3, 4, 6}
        with pytest.raises(QueryError):
            engine.matching('"court', [1])
    finally:
        engine.close()
