"""Searching: words, phrases, fields, dates, fuzzy, prefix, snippets, facets, reindex."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run_import
from tests.makefiles import html_article, text_file
from xarchive.core.archive import Archive
from xarchive.core.errors import IndexUnavailable, QueryError
from xarchive.core.indexing import index_state, reindex
from xarchive.core.search import Searcher


@pytest.fixture
def searchable(archive: Archive, tmp_path: Path) -> Archive:
    folder = tmp_path / "collected"
    html_article(
        folder / "ministry.html",
        "Ministry confirms the ban",
        "The Interior Ministry told the court that national security required the block.\n\n"
        "Critics called the blocking of platforms censorship.",
    )
    html_article(
        folder / "urdu.html",
        "ایکس پر پابندی",
        "وزارت داخلہ نے عدالت کو بتایا کہ پاکستان میں ایکس پر پابندی لگائی گئی۔",
        lang="ur",
    )
    text_file(folder / "timeline.md", "# Timeline\n\nThe election was held on 8 February 2024.")
    text_file(folder / "vpn.txt", "Many users reached the platform through VPN services.")
    run_import(archive, folder)
    return archive


def titles(archive: Archive, query: str, **kwargs: object) -> list[str]:
    searcher = Searcher(archive)
    try:
        return [h.item.title for h in searcher.search(query, limit=50, **kwargs).hits]  # type: ignore[arg-type]
    finally:
        searcher.close()


def test_words_stems_and_phrases(searchable: Archive) -> None:
    assert titles(searchable, "blocked") == ["Ministry confirms the ban"]  # stem of "block"
    assert titles(searchable, '"national security"') == ["Ministry confirms the ban"]
    assert titles(searchable, '"security national"') == []
    assert (
        sorted(titles(searchable, "platform OR election"))
        == sorted(["Ministry confirms the ban", "Timeline", "vpn"])
        or len(titles(searchable, "platform OR election")) == 3
    )


def test_boolean_prefix_and_fuzzy(searchable: Archive) -> None:
    assert titles(searchable, "platform NOT censorship") == [titles(searchable, "VPN")[0]]
    assert titles(searchable, "censor*") == ["Ministry confirms the ban"]
    assert titles(searchable, "censorshp~") == ["Ministry confirms the ban"]
    assert titles(searchable, "sekurity~") == ["Ministry confirms the ban"]


def test_urdu_words_are_found_whatever_the_keyboard(searchable: Archive) -> None:
    assert titles(searchable, "پابندی") == ["ایکس پر پابندی"]
    assert titles(searchable, "پاكستان") == ["ایکس پر پابندی"]  # Arabic kaf typed
    assert titles(searchable, "lang:ur") == ["ایکس پر پابندی"]


def test_fields_and_dates(searchable: Archive) -> None:
    assert sorted(titles(searchable, "kind:article")) == [
        "Ministry confirms the ban",
        "ایکس پر پابندی",
    ]
    assert titles(searchable, "author:desk kind:article lang:en") == ["Ministry confirms the ban"]
    assert len(titles(searchable, "date:2024-04-18")) == 2  # the articles' published date
    assert titles(searchable, "date:2024-04-01..2024-04-30 ministry") == [
        "Ministry confirms the ban"
    ]
    assert titles(searchable, "date:..2023-12-31") == []


def test_snippets_mark_the_words_and_name_the_page(searchable: Archive) -> None:
    searcher = Searcher(searchable)
    (hit,) = searcher.search("censorship").hits
    assert hit.snippet is not None and hit.snippet.page == 1
    assert ("censorship", True) in hit.snippet.parts
    assert "[censorship]" in hit.snippet.marked()
    searcher.close()


def test_facets_count_the_whole_result(searchable: Archive) -> None:
    searcher = Searcher(searchable)
    results = searcher.search("*", limit=1)
    assert results.total == 4 and len(results.hits) == 1
    assert dict(results.facets["kind"]) == {"article": 2, "text": 2}
    assert dict(results.facets["language"])["ur"] == 1
    assert dict(results.facets["source"]) == {"test-outlet.example": 2}
    assert "2024-04" in dict(results.facets["month"])
    searcher.close()


def test_sort_by_date(searchable: Archive) -> None:
    searcher = Searcher(searchable)
    dates = [h.item.date for h in searcher.search("*", sort="date").hits]
    assert dates == sorted(dates, reverse=True)
    dates = [h.item.date for h in searcher.search("*", sort="date-asc").hits]
    assert dates == sorted(dates)
    searcher.close()


def test_equal_scores_list_the_newest_first(searchable: Archive) -> None:
    """Everything, or a facet alone, scores every hit the same: newest first, not by import."""
    searcher = Searcher(searchable)
    for query in ("", "*", "kind:article"):
        hits = searcher.search(query, limit=50).hits
        dates = [h.item.date for h in hits if h.item.date]
        assert len(dates) > 1 and dates == sorted(dates, reverse=True), query
        assert len({h.score for h in hits}) == 1
    scored = searcher.search("block OR ministry OR court OR platform", limit=50).hits
    scores = [h.score for h in scored]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) > 1  # relevance first
    searcher.close()


def test_paging_through_results(searchable: Archive) -> None:
    searcher = Searcher(searchable)
    all_ids = [h.item.id for h in searcher.search("*", limit=10).hits]
    paged = [h.item.id for off in range(4) for h in searcher.search("*", offset=off, limit=1).hits]
    assert paged == all_ids
    searcher.close()


def test_a_bad_query_raises_a_clear_error(searchable: Archive) -> None:
    searcher = Searcher(searchable)
    with pytest.raises(QueryError, match="never closed"):
        searcher.search('"national security')
    searcher.close()


def test_reindex_from_the_database_alone_gives_the_same_results(searchable: Archive) -> None:
    queries = ["blocked", '"national security"', "پابندی", "kind:text", "date:2024-04", "*"]
    before = {q: titles(searchable, q) for q in queries}
    shutil.rmtree(searchable.index_dir)
    state = index_state(searchable)
    assert state.health.state == "missing" and not state.usable and not state.up_to_date
    with pytest.raises(IndexUnavailable, match="missing"):
        Searcher(searchable)
    assert reindex(searchable) == 4
    assert {q: titles(searchable, q) for q in queries} == before
    assert index_state(searchable).up_to_date


def test_a_damaged_index_is_detected_not_a_crash(searchable: Archive) -> None:
    for segment in searchable.index_dir.glob("*.seg"):
        segment.write_bytes(b"garbage")
    for toc in searchable.index_dir.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    state = index_state(searchable)
    assert state.health.state == "corrupt"
    with pytest.raises(IndexUnavailable, match="damaged"):
        Searcher(searchable)
    reindex(searchable)
    assert titles(searchable, "blocked") == ["Ministry confirms the ban"]


LATE_TITLE = "A late note: the ban was lifted in May."


def test_a_damaged_table_of_contents_loses_nothing_on_an_unchanged_re_import(
    searchable: Archive, tmp_path: Path
) -> None:
    """An unchanged folder imported again judges the index by its files' names alone
    (index/state.py), so it does not see a damaged table of contents: it must skip
    every file and stop there, the search must still say the index is damaged, and
    the next import with something new must rebuild it."""
    for toc in searchable.index_dir.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    again = run_import(searchable, tmp_path / "collected")
    assert again.failed == [] and len(again.skipped) == 4 and searchable.item_count() == 4
    with pytest.raises(IndexUnavailable, match="damaged"):
        Searcher(searchable)
    text_file(tmp_path / "more" / "late.txt", "A late note: the ban was lifted in May.")
    assert len(run_import(searchable, tmp_path / "more").imported) == 1
    assert sorted(titles(searchable, "lifted OR ministry")) == sorted(
        ["Ministry confirms the ban", LATE_TITLE]
    )


def test_hits_without_a_snippet_lead_with_the_start_of_their_text(searchable: Archive) -> None:
    searcher = Searcher(searchable)
    hits = searcher.search("*", limit=50).hits
    assert all(h.snippet is None for h in hits)
    with_text = [h for h in hits if h.lead]
    assert with_text and all(len(h.lead) <= 241 for h in with_text)
    assert all("\n" not in h.lead and "  " not in h.lead for h in with_text)
    worded = searcher.search("ministry", limit=50).hits
    assert all(h.lead == "" for h in worded if h.snippet is not None)
    searcher.close()


def test_a_lead_leaves_out_what_the_title_shows() -> None:
    from xarchive.core.search import lead_text

    text = "For the first time the Interior Ministry admits that X was blocked on its orders."
    title = "For the first time the Interior Ministry a…"
    assert lead_text(title, text) == "…admits that X was blocked on its orders."
    assert lead_text("Report", "Report\n\n  of the   ministry") == "Report of the ministry"
    # Issue 12.11: a one-line text file's card read "…." under its title.
    line = "A one-line note about the blocking."
    assert lead_text(line, line + "\n") == "" and lead_text(line.rstrip("."), line) == ""
    long = "word " * 100
    assert lead_text("", long).endswith("…") and len(lead_text("", long)) <= 241


def test_an_empty_archive_searches_to_nothing(tmp_path: Path) -> None:
    with Archive.create(tmp_path / "empty.xarchive") as archive:
        searcher = Searcher(archive)
        for query in ("", "*", "petition", "kind:post date:2024"):
            results = searcher.search(query)
            assert results.total == 0 and results.hits == () and not any(results.facets.values())
            assert searcher.day_counts(query) == {}
        searcher.close()


def test_an_empty_archive_can_be_reindexed(tmp_path: Path) -> None:
    """`xarchive reindex` of a new archive said "unexpected error (ValueError: range()
    arg 3 must not be zero)": its one part had no items, so a size of 0."""
    with Archive.create(tmp_path / "empty.xarchive") as archive:
        assert reindex(archive) == 0
        assert index_state(archive).up_to_date
        searcher = Searcher(archive)
        assert searcher.search("*").total == 0
        searcher.close()


def test_a_cancelled_reindex_leaves_the_previous_index(
    searchable: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xarchive.core import indexing
    from xarchive.core.errors import Cancelled
    from xarchive.core.jobs import CancelToken, Progress

    monkeypatch.setattr(indexing, "BATCH", 1)  # a batch per item: 4 of them
    before = titles(searchable, "*")
    cancel = CancelToken()
    seen: list[Progress] = []

    def progress(report: Progress) -> None:
        seen.append(report)
        if report.done >= 2:  # midway, while the new index is being written
            cancel.cancel()

    with pytest.raises(Cancelled, match="previous index is unchanged"):
        reindex(searchable, progress, cancel)
    assert [p.done for p in seen] == [0, 1, 2]
    assert not (searchable.root / "index.building").exists()
    assert titles(searchable, "*") == before
    assert index_state(searchable).up_to_date


def test_a_phrase_marks_its_words_only_where_the_phrase_stands(demo_archive_path: Path) -> None:
    with Archive.open(demo_archive_path, readonly=True) as archive:
        searcher = Searcher(archive)
        hits = searcher.search('"national security"', limit=20).hits
        snippets = [h.snippet for h in hits if h.snippet is not None]
        assert snippets
        for snippet in snippets:
            marked = [text.lower() for text, matched in snippet.parts if matched]
            assert marked and len(marked) % 2 == 0, snippet.marked()
            assert set(marked[0::2]) == {"national"} and set(marked[1::2]) == {"security"}
        # "nation" typed as a word of its own is marked wherever it is
        loose = searcher.search('nation "national security"', limit=20).hits
        assert any(
            (text.lower(), True) == ("nation", matched)
            for h in loose if h.snippet is not None for text, matched in h.snippet.parts
        )  # fmt: skip
        searcher.close()


def test_a_hit_deep_in_a_long_text_has_its_snippet(archive: Archive, tmp_path: Path) -> None:
    """Issue 12.3: a word past the 32 768th character came back without a snippet."""
    filler = "The hearing was adjourned again without a ruling on the petition. " * 800
    text_file(tmp_path / "long" / "manual.txt", filler + "The regulator cited zanzibarite rules.")
    run_import(archive, tmp_path / "long")
    searcher = Searcher(archive)
    try:
        (hit,) = searcher.search("zanzibarite").hits
    finally:
        searcher.close()
    assert hit.snippet is not None
    assert "[zanzibarite]" in hit.snippet.marked()
    assert hit.snippet.text.startswith("The") or hit.snippet.text[0].isalpha()


def copy_of_demo(demo_archive_path: Path, tmp_path: Path) -> Archive:
    root = tmp_path / "demo.xarchive"
    shutil.copytree(demo_archive_path, root)
    return Archive.open(root)


def test_a_reindex_in_worker_processes_gives_the_same_results(
    demo_archive_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large archive is rebuilt a segment at a time by two worker processes."""
    from xarchive.core import indexing

    queries = ["court", '"national security"', "پابندی", "kind:post", "date:2024-02", "*"]
    with copy_of_demo(demo_archive_path, tmp_path) as archive:
        # rebuilt in this process first: ties (same score and date) then stand in the
        # order of item ids, where the import left them in the order its workers ended
        monkeypatch.setattr(indexing, "REINDEX_WORKERS", 1)
        reindex(archive)
        before = {q: titles(archive, q) for q in queries}
        monkeypatch.setattr(indexing, "REINDEX_SEGMENT", 9)  # several segments even here
        monkeypatch.setattr(indexing, "REINDEX_WORKERS", 2)
        seen: list[int] = []
        total = reindex(archive, lambda p: seen.append(p.done))
        segments = list(archive.index_dir.glob("*.trm"))
        tables = list(archive.index_dir.glob("*.xarchive_pairkeys.npy"))
        assert len(segments) == indexing.part_count(total, 2) == len(tables) > 2
        assert len(segments) % 2 == 0  # no worker idles while the other writes the last
        assert seen == sorted(seen) and seen[-1] == total
        assert {q: titles(archive, q) for q in queries} == before
        assert index_state(archive).up_to_date
        assert not (archive.root / "index.staging").exists()


def test_a_rebuild_is_cut_into_segments_that_keep_every_worker_busy() -> None:
    from xarchive.core.indexing import REINDEX_MIN_PART, REINDEX_SEGMENT, part_count

    assert part_count(0, 2) == part_count(REINDEX_MIN_PART, 2) == 1  # one process
    assert part_count(2 * REINDEX_MIN_PART, 2) == 2
    assert part_count(REINDEX_SEGMENT * 2, 2) == 2
    # 100 300 items: 11 segments of at most 10 000 would leave a worker idle for the last
    assert part_count(100_300, 2) == 12
    assert part_count(100_300, 4) == 12
    assert part_count(100_300, 3) == 12
    assert part_count(REINDEX_SEGMENT * 10 + 1, 8) == 16
    for total in (1, 999, 10_001, 100_300):
        for cores in (1, 2, 3, 8):
            count = part_count(total, cores)
            assert -(-total // count) <= REINDEX_SEGMENT
            assert count <= cores or count % cores == 0


def test_a_reindex_of_a_few_hundred_items_is_shared_by_the_workers(
    demo_archive_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fewer items than a segment holds were one segment, written by one process while
    the other cores idled: now one part each, once there are enough to share."""
    from xarchive.core import indexing

    with copy_of_demo(demo_archive_path, tmp_path) as archive:
        before = titles(archive, "court")
        monkeypatch.setattr(indexing, "REINDEX_WORKERS", 2)
        monkeypatch.setattr(indexing, "REINDEX_MIN_PART", 20)  # the demo: about 100 items
        total = reindex(archive)
        assert total > 2 * 20
        assert len(list(archive.index_dir.glob("*.trm"))) == 2
        assert titles(archive, "court") == before
        monkeypatch.setattr(indexing, "REINDEX_MIN_PART", total)  # too few: one process
        reindex(archive)
        assert len(list(archive.index_dir.glob("*.trm"))) == 1


def test_a_reindex_in_workers_cancelled_leaves_the_previous_index(
    demo_archive_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xarchive.core import indexing
    from xarchive.core.errors import Cancelled
    from xarchive.core.jobs import CancelToken, Progress

    with copy_of_demo(demo_archive_path, tmp_path) as archive:
        before = titles(archive, "*")
        monkeypatch.setattr(indexing, "REINDEX_SEGMENT", 9)
        monkeypatch.setattr(indexing, "REINDEX_WORKERS", 2)
        cancel = CancelToken()

        def progress(report: Progress) -> None:
            cancel.cancel()  # at the first segment committed

        with pytest.raises(Cancelled, match="previous index is unchanged"):
            reindex(archive, progress, cancel)
        for leftover in ("index.building", "index.staging"):
            assert not (archive.root / leftover).exists()
        assert titles(archive, "*") == before
        assert index_state(archive).up_to_date
