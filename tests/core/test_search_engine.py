"""The index's array-at-a-time evaluation gives Whoosh's own answers.

`core/index/evaluate.py` computes hits and BM25F scores with numpy over postings
read straight from Whoosh's files; here every answer is checked against
Whoosh's own matchers on the same index — the demo archive, and an index of
several segments with deleted and replaced documents — so that a change in
Whoosh (or in our reading of it) fails here rather than in a researcher's
results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xarchive.core.archive import Archive
from xarchive.core.index.document import IndexDocument
from xarchive.core.index.engine import FACETS, SearchIndex, _top, _within_sorted
from xarchive.core.indexing import documents

QUERIES = [
    "*",
    "court",
    "blocked",
    "platform OR election",
    "platform NOT censorship",
    "(block OR ban) NOT tiktok",
    '"national security"',
    '"security national"',
    '"national security and public order"',
    '"security, public order"',
    'title:"pakistan"',
    "kind:post",
    "kind:document OR kind:image",
    "lang:ur",
    "پابندی",
    "censor*",
    "judgement~",
    "account:demo_reporter",
    "is:reply",
    "has:media",
    "tag:evidence",
    "note:admission",
    "court kind:document",
    "x ministry",
]


#: Date queries, with the words they also ask for and the dates they find: each date
#: is a column only, with no terms (schema.DateColumn), so Whoosh's own searcher finds
#: nothing for them; the documents' own fields say what they should find.
DATE_QUERIES: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "date:2024-02": ("*", lambda f: (f["date"].year, f["date"].month) == (2024, 2)),
    "date:2024-02-01..2024-04-30": (
        "*",
        lambda f: date(2024, 2, 1) <= f["date"].date() <= date(2024, 4, 30),
    ),
    "date:>=2024-03": ("*", lambda f: f["date"].date() >= date(2024, 3, 1)),
    "published:2024": ("*", lambda f: "published" in f and f["published"].year == 2024),
    "court date:2024-02": ("court", lambda f: (f["date"].year, f["date"].month) == (2024, 2)),
}


def whoosh_answer(index: SearchIndex, text: str) -> dict[int, float]:
    """Item id -> score, as Whoosh's own collector finds them."""
    query = index.parse(text)
    with index._ix.searcher() as searcher:
        results = searcher.search(query, limit=None)
        return {int(hit["id"]): float(hit.score) for hit in results}


def our_answer(index: SearchIndex, text: str) -> dict[int, float]:
    results = index.search(text, limit=0, facets=False)
    assert results.total == len(results.hits)
    return {hit.item_id: hit.score for hit in results.hits}


def check_same(index: SearchIndex, text: str) -> None:
    ours = our_answer(index, text)
    theirs = whoosh_answer(index, text)
    assert ours.keys() == theirs.keys(), text
    for item_id, score in theirs.items():
        assert ours[item_id] == pytest.approx(score, rel=1e-9), (text, item_id)


@pytest.mark.parametrize("text", QUERIES)
def test_hits_and_scores_are_whooshs_on_the_demo(demo: Archive, text: str) -> None:
    index = SearchIndex.open(demo.index_dir)
    try:
        check_same(index, text)
    finally:
        index.close()


@pytest.mark.parametrize("text", DATE_QUERIES)
def test_date_queries_find_the_documents_of_those_dates(demo: Archive, text: str) -> None:
    words, dated = DATE_QUERIES[text]
    ids = [row[0] for row in demo.db.execute("SELECT id FROM items")]
    fields = {doc.item_id: doc.fields() for doc in documents(demo.db, ids)}
    index = SearchIndex.open(demo.index_dir)
    try:
        expected = {i for i in whoosh_answer(index, words) if dated(fields[i])}
        assert expected, text  # the demo has some
        assert our_answer(index, text).keys() == expected
    finally:
        index.close()


def test_facets_count_every_hit_once(demo: Archive) -> None:
    """For `*`, each facet value counts the documents whose postings hold it."""
    index = SearchIndex.open(demo.index_dir)
    try:
        results = index.search("*", limit=0)
        with index._ix.searcher() as searcher:
            for name, fieldname in FACETS.items():
                expected: Counter[str] = Counter()
                for btext in searcher.lexicon(fieldname):
                    value = searcher.schema[fieldname].from_bytes(btext)
                    if value not in (None, ""):
                        expected[str(value)] += len(
                            list(searcher.postings(fieldname, btext).all_ids())
                        )
                assert dict(results.facets[name]) == dict(expected), name
    finally:
        index.close()


def document(item_id: int, text: str, day: int, kind: str = "text") -> IndexDocument:
    when = datetime(2024, 2, day, 12).isoformat() + "Z"
    return IndexDocument(
        item_id=item_id,
        kind=kind,
        title=f"Item {item_id}",
        pages=(text,),
        original_name=f"item-{item_id}.txt",
        author="desk" if item_id % 2 else "",
        language="en",
        source_url="",
        published_at=when,
        captured_at="",
        imported_at=when,
        ocr_status="none",
        tags=("evidence",) if item_id % 3 == 0 else (),
    )


def test_several_segments_with_deletions_and_a_refresh(tmp_path: Path) -> None:
    """Commits add segments, updates delete documents; the kept searcher sees each
    change, and answers as Whoosh does across segments."""
    index = SearchIndex.create(tmp_path / "index")
    try:
        words = ["court", "ministry", "platform", "ban", "election", "national", "security"]
        index.write(
            [
                document(i, " ".join(words[j % 7] for j in range(i, i + 9)), 1 + i % 20)
                for i in range(1, 60)
            ],
            update=False,
        )
        assert index.search("court", limit=0).total > 0
        before = index.search("*", limit=0).total
        # a second segment, replacing some documents and deleting others
        index.write(
            [document(i, "court national security ruling", 25) for i in range(1, 60, 5)],
            delete_ids=[2, 4, 6],
        )
        # 3 deleted, and one of them (6) written again: the kept searcher sees it
        assert index.search("*", limit=0).total == before - 2
        for text in ["*", "court", "ruling", '"national security"', "tag:evidence"]:
            check_same(index, text)
        # dates are columns only (schema.DateColumn): Whoosh's searcher finds none
        assert our_answer(index, "date:2024-02-25").keys() == set(range(1, 60, 5))
        days = index.day_counts("ruling")
        assert sum(days.values()) == index.search("ruling", limit=0).total == 12
        assert set(days) == {datetime(2024, 2, 25).date()}
    finally:
        index.close()


@pytest.mark.parametrize("offsets_kept", [False, True])
def test_each_hits_item_is_the_one_whoosh_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offsets_kept: bool
) -> None:
    """The item of a document is read from the stored-fields column by the segment's
    arrays (arrays.py `item_id`): the same as Whoosh's reader says, in a segment that
    keeps no offsets (fewer than 32 768 documents) and in one that keeps them."""
    from whoosh.columns import VarBytesColumn

    if offsets_kept:  # as a segment past 32 768 documents is written
        monkeypatch.setattr(VarBytesColumn.Writer.__init__, "__defaults__", (True, 0))
    index = SearchIndex.create(tmp_path / "index")
    try:
        index.write([document(i, "court " * (i % 5 + 1), 1 + i % 20) for i in range(1, 40)])
        index.write([document(i, "court ruling", 25) for i in range(1, 40, 4)], delete_ids=[3])
        view = index._view()
        compared = 0
        for seg, sub, start in view:
            assert (seg._stored_extents() is None) is offsets_kept
            for docnum in range(seg.size):
                if seg.alive[docnum]:
                    expected = int(sub.reader().stored_fields(docnum)["id"])
                    assert seg.item_id(docnum) == view.item_id(start + docnum) == expected
                    compared += 1
        assert compared == 38
        assert {h.item_id for h in index.search("court", limit=0).hits} == set(range(1, 40)) - {3}
    finally:
        index.close()


def test_order_is_score_then_newest_then_index_order(tmp_path: Path) -> None:
    index = SearchIndex.create(tmp_path / "index")
    try:
        index.write([document(i, "court", day) for i, day in [(1, 3), (2, 9), (3, 9), (4, 1)]])
        by_relevance = [h.item_id for h in index.search("kind:text", limit=0).hits]
        assert by_relevance == [2, 3, 1, 4]  # equal scores: newest first, then indexed first
        assert [h.item_id for h in index.search("*", sort="date", limit=0).hits] == [3, 2, 1, 4]
        assert [h.item_id for h in index.search("*", sort="date-asc", limit=0).hits] == [4, 1, 2, 3]
        page = index.search("*", sort="date-asc", offset=1, limit=2)
        assert [h.item_id for h in page.hits] == [1, 2] and [h.rank for h in page.hits] == [1, 2]
    finally:
        index.close()


def test_a_rebuilt_index_swapped_into_the_folder_is_reopened(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    index = SearchIndex.create(folder)
    try:
        index.write([document(1, "court", 3)])
        assert index.search("court").total == 1
        rebuilt = SearchIndex.create(tmp_path / "index.building")
        rebuilt.write([document(1, "ministry", 3), document(2, "ministry court", 4)])
        rebuilt.close()
        folder.rename(tmp_path / "index.old")
        (tmp_path / "index.building").rename(folder)
        assert index.search("ministry").total == 2
        assert index.search("court").total == 1
    finally:
        index.close()


def test_the_first_page_is_the_head_of_the_whole_order() -> None:
    """_top sorts only what can be on the page; it must agree with sorting everything."""
    rng = np.random.default_rng(7)
    for size in (1, 5, 100, 5000):
        scores = -rng.integers(0, 3, size).astype(float)  # many ties
        dates = -rng.integers(0, 4, size)
        docs = np.arange(size)
        whole = np.lexsort((docs, dates, scores))
        for count in (1, 3, 20, size):
            assert _top(count, scores, dates, docs).tolist() == whole[:count].tolist()


def _index_with_kept_facets(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """An index of 29 documents that has searched (and so kept its facet arrays beside
    its segment): the facets of "court", and the file they are kept in."""
    index = SearchIndex.create(tmp_path / "index")
    try:
        index.write([document(i, "court ruling", 1 + i % 5) for i in range(1, 30)])
        first = index.search("court", limit=0).facets
    finally:
        index.close()
    (kept,) = (tmp_path / "index").glob("*.xarchive_facets.bin")
    return first, kept


def _facets_reopened(tmp_path: Path) -> dict[str, Any]:
    again = SearchIndex.open(tmp_path / "index")
    try:
        return dict(again.search("court", limit=0).facets)
    finally:
        again.close()


def test_facets_kept_on_disk_answer_the_same_and_a_damaged_file_is_read_again(
    tmp_path: Path,
) -> None:
    first, kept = _index_with_kept_facets(tmp_path)
    written = kept.stat().st_ino
    assert _facets_reopened(tmp_path) == first
    assert kept.stat().st_ino == written  # read from the file, not computed and kept again
    kept.write_bytes(b"not a facet file")
    damaged = SearchIndex.open(tmp_path / "index")
    try:
        assert damaged.search("court", limit=0).facets == first
        assert damaged.search("tag:evidence", limit=0).facets["tag"] == (("evidence", 9),)
    finally:
        damaged.close()
    assert kept.read_bytes().startswith(b"XAFACET1")  # written again


def test_facets_kept_by_an_earlier_version_are_read_once_and_kept_anew(tmp_path: Path) -> None:
    """Earlier versions kept a segment's facet arrays in an .npz (a zip, slow to read);
    an index that has one is answered from it, and the arrays are kept in the new file."""
    import numpy as np

    from xarchive.core.index.api import FACETS
    from xarchive.core.index.arrays import _load_facets

    first, kept = _index_with_kept_facets(tmp_path)
    arrays: dict[str, np.ndarray] = {}
    for name, values in _load_facets(kept, list(FACETS.values()), 29).items():
        arrays[f"{name}.values"] = np.asarray(values.values, dtype=np.str_)
        arrays[f"{name}.docs"], arrays[f"{name}.ords"] = values.docs, values.ords
    older = kept.with_name(kept.name.replace(".bin", ".npz"))
    np.savez(older, **arrays)  # type: ignore[arg-type]  # the stubs take **kwds for allow_pickle
    kept.unlink()
    assert _facets_reopened(tmp_path) == first
    assert kept.read_bytes().startswith(b"XAFACET1") and not older.exists()
    kept.write_bytes(kept.read_bytes()[:-8])  # its last pair cut off (a full disk)
    assert _load_facets(kept, ["tag"], 29) == {}
    assert _facets_reopened(tmp_path) == first
    data = bytearray(kept.read_bytes())
    data[-1] = 0x7F  # a flipped bit: the last ordinal far past the values
    kept.write_bytes(bytes(data))
    assert _load_facets(kept, list(FACETS.values()), 29) == {}
    assert _facets_reopened(tmp_path) == first


def test_a_kept_facet_file_of_a_segment_larger_than_its_header_is_read(tmp_path: Path) -> None:
    """The loader checked docnums against the header's length instead of the segment's
    size: at 100 000 items 9 of 12 segments' files were refused, read again from the
    postings and written again at every search (a quarter of a CLI search)."""
    import numpy as np

    from xarchive.core.index.arrays import FacetValues, _load_facets, _save_facets

    size = 5000  # far more documents than the header has bytes
    kept = tmp_path / "segment.xarchive_facets.bin"
    docs = np.arange(size, dtype=np.int64)
    assert _save_facets(kept, {"kind": FacetValues(("post", "article"), docs, docs % 2)})
    (values,) = _load_facets(kept, ["kind"], size).values()
    assert values.values == ("post", "article")
    assert values.docs.tolist() == docs.tolist() and values.ords.tolist() == (docs % 2).tolist()
    assert _load_facets(kept, ["kind"], size - 1) == {}  # a docnum past the segment's end


def test_merged_segments_take_their_facet_files_with_them(tmp_path: Path) -> None:
    index = SearchIndex.create(tmp_path / "index")
    try:
        for i in range(1, 14):  # one commit each: Whoosh merges the small segments
            index.write([document(i, "court", 1 + i % 5)])
            index.search("court", limit=1)
        names = [p.name for p in (tmp_path / "index").glob("MAIN_*")]
        segments = {n.split(".")[0] for n in names if n.endswith(".trm")}
        kept = {n.split(".")[0] for n in names if n.endswith(".xarchive_facets.bin")}
        assert len(segments) < 13 and kept <= segments
    finally:
        index.close()


def test_snippets_mark_words_whose_stem_differs_from_their_spelling(tmp_path: Path) -> None:
    """Words are ruled out by their first letter and length before being analysed:
    'dying' (die), 'skies' (sky), 'Happily' (happili) and 'Café' (cafe) must survive it."""
    text = "Filler words here. The dying skies, Happily, at the Café were generously lit."
    index = SearchIndex.create(tmp_path / "index")
    try:
        index.write([document(1, text, 3)])
        (hit,) = index.search("die sky happily cafe generous").hits
        snippet = index.snippet(hit.terms, [text])
    finally:
        index.close()
    assert snippet is not None
    marked = {t for t, m in snippet.parts if m}
    assert marked == {"dying", "skies", "Happily", "Café", "generously"}


def pair_tables(folder: Path) -> tuple[set[str], set[str]]:
    """The index's segments, and those with a table of word pairs beside them."""
    names = [p.name for p in folder.glob("MAIN_*")]
    segments = {n.split(".")[0] for n in names if n.endswith(".trm")}
    tabled = {n.split(".")[0] for n in names if n.endswith(".xarchive_pairkeys.npy")}
    return segments, tabled


PHRASES = [
    '"national security"',
    '"security national"',
    '"court ruling"',
    '"ban on the platform"',
    '"national security court"',
    '"ministry election ban"',
    '"ruling court"',
]


def test_phrases_across_merges_deletions_and_replacements(tmp_path: Path) -> None:
    """Each commit merges small segments (Whoosh's policy) and with them their pair
    tables, renumbering documents past the deleted ones; phrases still find what
    Whoosh's position check finds, and every segment keeps its table."""
    rng = np.random.default_rng(7)
    words = [f"word{chr(97 + n)}" for n in range(26)]  # pairs of them are rare
    index = SearchIndex.create(tmp_path / "index")
    try:
        for commit in range(12):
            batch = [
                document(i, " ".join(rng.choice(words, size=10)), 1 + i % 20)
                for i in range(commit * 10 + 1, commit * 10 + 11)
            ]
            replaced = [
                document(i, "worda wordb wordc " + " ".join(rng.choice(words, size=5)), 3)
                for i in range(1, commit * 10, 7)
            ]
            deleted = rng.choice(commit * 10, size=3).tolist() if commit else []
            index.write(batch + replaced, delete_ids=deleted)
            index.search('"worda wordb"', limit=1)  # a kept searcher across the merges
        segments, tabled = pair_tables(tmp_path / "index")
        assert 1 < len(segments) < 12 and tabled == segments
        assert all(seg.pairs() is not None for seg, _, _ in index._view())  # none damaged
        phrases = ['"worda wordb"', '"worda wordb wordc"', '"wordb worda"']
        phrases += [f'"{a} {b}"' for a, b in rng.choice(words, size=(40, 2))]
        found = 0
        for text in phrases:
            check_same(index, text)
            found += index.search(text, limit=0).total
        assert found > 40
    finally:
        index.close()


def test_a_segment_without_its_pair_table_is_answered_from_positions(tmp_path: Path) -> None:
    index = SearchIndex.create(tmp_path / "index")
    texts = ["national security court", "security national court", "national court security"]
    index.write([document(i, texts[i % 3], 1 + i % 9) for i in range(1, 31)], update=False)
    index.close()
    for table in (tmp_path / "index").glob("*.xarchive_pairkeys.npy"):
        table.write_bytes(b"damaged")  # an unreadable table: not a wrong answer
    damaged = SearchIndex.open(tmp_path / "index")
    try:
        assert damaged.search('"national security"', limit=0).total == 10
        for text in PHRASES:
            check_same(damaged, text)
    finally:
        damaged.close()


@pytest.mark.parametrize("suffix", [".xarchive_pairkeys.npy", ".xarchive_pairdocs.npy"])
def test_a_pair_table_left_empty_by_a_crash_is_answered_from_positions(
    tmp_path: Path, suffix: str
) -> None:
    """A table renamed into place but never flushed (the power cut after the commit)
    is a file of no bytes: numpy raises EOFError for it, not the ValueError of other
    damage. Phrases are answered from positions, and a commit that merges the segment
    (Whoosh's MERGE_SMALL) still goes through."""
    index = SearchIndex.create(tmp_path / "index")
    texts = ["national security court", "security national court", "national court security"]
    index.write([document(i, texts[i % 3], 1 + i % 9) for i in range(1, 31)], update=False)
    index.close()
    for table in (tmp_path / "index").glob(f"*{suffix}"):
        table.write_bytes(b"")
    damaged = SearchIndex.open(tmp_path / "index")
    try:
        assert damaged.search('"national security"', limit=0).total == 10
        for text in PHRASES:
            check_same(damaged, text)
        for i in range(31, 45):  # one commit each: Whoosh merges the small segments
            damaged.write([document(i, "national security", 2)])
        assert damaged.search('"national security"', limit=0).total == 24
        check_same(damaged, '"national security"')
    finally:
        damaged.close()


def test_a_facet_file_left_empty_by_a_crash_is_read_again(tmp_path: Path) -> None:
    first, kept = _index_with_kept_facets(tmp_path)
    kept.write_bytes(b"")
    assert _facets_reopened(tmp_path) == first
    assert kept.read_bytes().startswith(b"XAFACET1")  # written again


def test_an_index_of_an_older_version_is_outdated_even_if_it_cannot_be_read(
    tmp_path: Path,
) -> None:
    """Whoosh's table of contents holds the schema pickled, and an older one may name a
    class this version no longer has (schema 3's PairAnalyzer): the version decides
    first, so the app rebuilds it as outdated instead of calling it damaged."""
    folder = tmp_path / "index"
    SearchIndex.create(folder).close()
    (folder / "xarchive-index.json").write_text('{"schema_version": 3}')
    for toc in folder.glob("_MAIN_*.toc"):
        toc.write_bytes(b"a schema naming xarchive.core.index.pairs.PairAnalyzer")
    health = SearchIndex.health(folder)
    assert health.state == "outdated", health.reason


def test_a_snippet_keeps_the_at_sign_and_the_full_stop_at_its_edges(tmp_path: Path) -> None:
    # "@demo_reporter شکریہ، تصاویر دیکھ لی ہیں۔" came back as "demo_reporter … ہیں"
    text = "@demo_reporter شکریہ، تصاویر دیکھ لی ہیں۔"
    index = SearchIndex.create(tmp_path / "index")
    index.write([document(1, text, 1)])
    [hit] = index.search("تصاویر").hits
    snippet = index.snippet(hit.terms, [text])
    index.close()
    assert snippet is not None
    assert "".join(t for t, _ in snippet.parts) == text


def test_a_search_caught_in_a_rebuild_swap_is_told_the_index_is_missing(tmp_path: Path) -> None:
    """A rebuild swaps the folder in two renames; a search in between (the app's
    search thread) gets IndexUnavailable, which the app explains, not Whoosh's own
    error, and searches again once the new index is in place."""
    from xarchive.core.errors import IndexUnavailable

    folder = tmp_path / "index"
    kept = SearchIndex.create(folder)
    try:
        kept.write([document(1, "court ruling", 3)], update=False)
        assert kept.search("court", limit=1).total == 1
        folder.rename(tmp_path / "index.old")
        folder.mkdir()  # a folder there, and no index in it yet
        with pytest.raises(IndexUnavailable) as caught:
            kept.search("court", limit=1)
        assert caught.value.state == "missing"
        folder.rmdir()
        rebuilt = SearchIndex.create(folder)
        rebuilt.write([document(1, "court ruling", 3), document(2, "court", 4)], update=False)
        rebuilt.close()
        assert kept.search("court", limit=1).total == 2
    finally:
        kept.close()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 60), max_size=30), st.sets(st.integers(0, 60), max_size=30))
def test_membership_in_postings_by_binary_search_is_isins(values: list[int], ids: set[int]) -> None:
    """engine._within_sorted answers what np.isin answers, for ascending postings."""
    wanted = np.asarray(values, dtype=np.int64)
    postings = np.asarray(sorted(ids), dtype=np.int64)
    assert _within_sorted(wanted, postings).tolist() == np.isin(wanted, postings).tolist()


@given(
    st.text(alphabet="ab c,\u064b\u0627\u200c_1é", max_size=40),
    st.sampled_from(["a", "ab", "ba", "اً", "é1", "c"]),
)
def test_a_snippets_words_are_found_where_they_stand_whole(text: str, word: str) -> None:
    """engine._whole_word_starts (str.find) finds what the regular expression it replaced
    finds: the word with no word character (a letter, digit, _ or combining mark) either side."""
    import re

    from xarchive.core.index.engine import _WORD_CHAR, _whole_word_starts

    pattern = re.compile(rf"(?<!(?:{_WORD_CHAR})){re.escape(word)}(?!(?:{_WORD_CHAR}))")
    assert list(_whole_word_starts(text, word)) == [m.start() for m in pattern.finditer(text)]
