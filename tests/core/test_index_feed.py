"""When an import starts writing a segment of the index (core/ingest/index_feed.py).

A segment started just before the reading ends is written by one worker while the
others have nothing left to do; near the end, what waits is kept for the last
segments, which are cut between the workers by the text they hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xarchive.core.archive import Archive
from xarchive.core.importing import ImportOptions, import_paths
from xarchive.core.index.engine import SearchIndex
from xarchive.core.ingest import index_feed, pool
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store


def _archive_of_notes(tmp_path: Path, sizes: list[int]) -> Archive:
    folder = tmp_path / "notes"
    folder.mkdir()
    for n, size in enumerate(sizes):
        words = " ".join(f"hearing{n}" if i == 0 else "court" for i in range(size))
        (folder / f"note{n:03}.txt").write_text(words + "\n")
    archive = Archive.create(tmp_path / "case.xarchive")
    import_paths(archive, [folder], ImportOptions(workers=0))
    return archive


def _feed(archive: Archive, tmp_path: Path) -> index_feed.IndexFeed:
    feed = index_feed.open_feed(archive, archive.search_index(), tmp_path / "staging", 2)
    assert feed is not None
    ids = item_store.item_ids(archive.db)
    with archive.transaction():
        item_store.mark_indexed(archive.db, ids, indexed=False)
    feed.add(ids, replace=True)
    return feed


def _segment_sizes(archive: Archive) -> list[int]:
    return SearchIndex.segment_sizes(archive.index_dir)


def test_a_full_segment_waits_when_the_reading_is_nearly_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_feed, "SEGMENT_CHARS", 10_000)
    with _archive_of_notes(tmp_path, [60] * 48) as archive:  # 48 notes of 360 characters
        feed = _feed(archive, tmp_path)
        executor = pool.InlineExecutor()
        try:
            feed.reading_left(read_bytes=1000, left_bytes=10**6)  # much more to come
            feed.pump(executor)
            assert not feed.waiting  # written at once
            feed.add(item_store.item_ids(archive.db), replace=True)
            feed.reading_left(read_bytes=10**6, left_bytes=1000)  # almost all read
            feed.pump(executor)
            assert len(feed.waiting) == 48  # kept for the last segments
            feed.finish(executor)
            assert not feed.waiting
        finally:
            feed.committer.close()
        searcher = Searcher(archive)
        assert searcher.search("court", limit=1).total == 48
        assert all(searcher.search(f"hearing{n}", limit=1).total == 1 for n in range(48))
        assert item_store.unindexed_ids(archive.db) == []


def test_the_last_segments_are_cut_by_the_text_they_hold(tmp_path: Path) -> None:
    """One long text and 45 short ones, for two workers: the long one alone in one
    segment, not half of the items in each."""
    with _archive_of_notes(tmp_path, [4000] + [20] * 45) as archive:
        feed = _feed(archive, tmp_path)
        try:
            feed.finish(pool.InlineExecutor())
        finally:
            feed.committer.close()
        assert _segment_sizes(archive)[-2:] == [1, 45]
        assert Searcher(archive).search("court", limit=1).total == 46


def test_cutting_keeps_the_order_and_every_item() -> None:
    waiting = {i: {"content": "x" * size} for i, size in enumerate([900, 50, 50, 50, 900, 50])}
    parts = index_feed._parts(waiting, 2)  # type: ignore[arg-type]
    assert [i for part in parts for i in part] == list(waiting)
    assert parts == [[0, 1, 2], [3, 4, 5]]
    assert index_feed._parts(waiting, 1) == [list(waiting)]  # type: ignore[arg-type]
    assert index_feed._parts({}, 2) == []


def test_the_last_segments_each_stay_within_the_text_a_segment_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What waited for the end may be more than a segment's worth of text (held back
    near the end, or one large file of posts): it is cut into as many segments."""
    monkeypatch.setattr(index_feed, "SEGMENT_CHARS", 4000)
    with _archive_of_notes(tmp_path, [60] * 48) as archive:  # 17 280 characters
        feed = _feed(archive, tmp_path)
        try:
            feed.finish(pool.InlineExecutor())
        finally:
            feed.committer.close()
        written = [n for n in _segment_sizes(archive) if n]  # the first import's: all deleted
        assert len(written) >= 5 and sum(written) == 48
        assert Searcher(archive).search("court", limit=1).total == 48


def test_a_merge_is_started_only_when_the_import_has_enough_left_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge still running when the import ends is stopped with the workers, its work
    lost. At 100 000 items a re-import of 1 % of the files started one at every run, and
    one of its two workers merged for the whole import, for nothing: a tier is merged
    only if the import has at least as many items still to write as the tier holds."""
    from xarchive.core.index import writing

    monkeypatch.setattr(writing, "MERGE_FACTOR", 2)
    with _archive_of_notes(tmp_path, [20] * 20) as archive:
        more = tmp_path / "more"
        more.mkdir()
        for n in range(20):
            (more / f"more{n:03}.txt").write_text(f"session{n} " + "court " * 20 + "\n")
        import_paths(archive, [more], ImportOptions(workers=0))
        assert sorted(n for n in _segment_sizes(archive) if n) == [20, 20]  # a full tier
        ids = item_store.item_ids(archive.db)[:4]
        feed = index_feed.open_feed(archive, archive.search_index(), tmp_path / "staging", 2)
        assert feed is not None
        executor = pool.InlineExecutor()
        try:
            feed.add(ids, replace=True)
            feed.reading_left(read_bytes=1000, left_bytes=100)  # 4 items read, ~0.4 to come
            feed.pump(executor)
            assert feed.merging is None
            feed.add(ids, replace=True)
            feed.reading_left(read_bytes=1000, left_bytes=10**5)  # ~400 items to come
            feed.pump(executor)
            assert feed.merging is not None
            feed.finish(executor)
        finally:
            feed.committer.close()
        searcher = Searcher(archive)
        assert searcher.search("court", limit=1).total == 40
        assert all(searcher.search(f"session{n}", limit=1).total == 1 for n in range(20))
