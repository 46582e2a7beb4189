"""The import's side of the search index (step 6 of the pipeline): the new items written
as segments by the workers while extraction goes on, each committed into the index
before its items are marked indexed. `ready_index` first brings the index up to
date (or rebuilds it) so that new items go into an index that holds the old ones.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..archive import Archive
from ..errors import IndexBusy, IndexUnavailable
from ..index import writing
from ..index.engine import SearchIndex
from ..indexing import catch_up, documents, reindex
from ..jobs import CancelToken, ProgressCallback
from ..store import items as item_store
from . import pool

log = logging.getLogger(__name__)

#: Items written to the index by a worker as one segment: a segment is started
#: when this many wait, or SEGMENT_CHARS of their text (a segment's postings
#: then fit in the writer's memory, writing.LIMIT_MB, and both workers share
#: the work), or after SEGMENT_SECONDS (new items show up in searches).
SEGMENT_ITEMS = 2000
SEGMENT_CHARS = 2_000_000
SEGMENT_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class _Segment:
    """Items being written to the index as one segment by a worker."""

    fields: list[writing.Fields]
    ids: list[int]
    replace: frozenset[int]  # those whose older copies the index holds


@dataclass(slots=True)
class IndexFeed:
    """Items committed to the database on their way into the index (step 6).

    Items wait here until there are enough for a segment, which a worker writes
    while extraction goes on; each finished segment is committed into the index
    (with the deletion of the older copies of the items it replaces) and only
    then are its items marked indexed. When a tier of like-sized segments is
    full, a worker merges it meanwhile; a segment that deletes older copies
    waits for that merge, which would otherwise bring them back. Without
    workers (a cancelled import, or workers=0) the writer writes what is left
    itself.
    """

    archive: Archive
    committer: writing.SegmentCommitter
    staging: Path
    workers: int
    waiting: dict[int, writing.Fields] = field(default_factory=dict)
    replace: set[int] = field(default_factory=set)
    chars: int = 0
    since: float = 0.0
    in_flight: dict[cf.Future[Any], _Segment] = field(default_factory=dict)
    #: written, waiting for the merge in flight to be committed first
    deferred: list[tuple[writing.StagedSegment, _Segment]] = field(default_factory=list)
    merging: cf.Future[Any] | None = None
    lost: list[_Segment] = field(default_factory=list)
    #: the items queued so far and their text, and the bytes of the files they came from
    queued_items: int = 0
    queued_chars: int = 0
    read_bytes: int = 0
    #: bytes of the files not yet read (`reading_left`): near the end, segments wait
    #: to be split between the workers
    left_bytes: int | None = None

    def add(self, ids: Sequence[int], replace: bool = False) -> None:
        """Queue items committed to the database (`replace`: the index holds older copies)."""
        if not ids:
            return
        conn = self.archive.db
        if replace:
            # A crash before their new copies are committed must leave them to the catch-up.
            with self.archive.transaction():
                item_store.mark_indexed(conn, ids, indexed=False)
            self.replace.update(ids)
            unsettled = [s.ids for s in self.in_flight.values()] + [s.ids for _, s in self.deferred]
            if any(i in chunk for chunk in unsettled for i in ids):
                self.settle()  # an older copy must be in the index before it is replaced
        if not self.waiting:
            self.since = time.monotonic()
        for doc in documents(conn, ids):
            fields = doc.fields()
            self.waiting[doc.item_id] = fields  # a newer copy of a waiting item replaces it
            chars = len(str(fields.get("content", "")))
            self.chars += chars
            self.queued_chars += chars
            self.queued_items += 1

    def reading_left(self, read_bytes: int, left_bytes: int) -> None:
        """How far the import has read: bytes of the files read so far, and of those not
        yet read."""
        self.read_bytes, self.left_bytes = read_bytes, left_bytes

    def _last_stretch(self) -> bool:
        """Whether what waits and what is still to come (estimated from the bytes left,
        at the items and text per byte read so far) make less than two segments: a
        segment started now would be the one a single worker writes after the others
        are done (a tenth of a 1 000-file import's time); at the end, what waits is
        split between all of them instead."""
        if self.left_bytes is None or self.read_bytes <= 0 or self.workers < 2:
            return False
        share = self.left_bytes / self.read_bytes
        return (
            self.chars + self.queued_chars * share < 2 * SEGMENT_CHARS
            and len(self.waiting) + self.queued_items * share < 2 * SEGMENT_ITEMS
        )

    def _worth_merging(self, tier: Sequence[Any]) -> bool:
        """Whether a merge of `tier` is likely done before the import is: one still running
        at the end is stopped with the workers, its work lost, and meanwhile it held a
        worker. A merge takes a worker about as long per document as writing it (a tier
        of 100 000 items' index: a minute or more), so it pays if the import has at least
        as many items still to write (estimated from the bytes left, at the items per byte
        read so far). A re-import of 1 % of 64 000 files started one at every run, and
        one of its two workers merged for the whole of it, for nothing."""
        if self.left_bytes is None:  # not told how far the reading is
            return True
        if self.read_bytes <= 0:
            return False
        to_come = len(self.waiting) + self.queued_items * self.left_bytes / self.read_bytes
        return bool(sum(segment.doc_count() for segment in tier) <= to_come)

    def pump(self, executor: cf.Executor | None, final: bool = False) -> None:
        """Commit the segments that are finished; start one if enough items wait
        (near the end of the reading, not until the end, `_last_stretch`) or they have
        waited SEGMENT_SECONDS, and a merge if a tier of segments is full and the import
        has enough left to do for it to finish (`_worth_merging`; never at the end: it
        would make the import wait)."""
        self.collect()
        if executor is not None and self.merging is None and not final:
            tier = self.committer.segments_to_merge()
            if tier and self._worth_merging(tier):
                self.merging = pool.submit(
                    executor, writing.merge_segments, self.committer.directory, tier, self.staging
                )
        if not self.waiting:
            return
        full = len(self.waiting) >= SEGMENT_ITEMS or self.chars >= SEGMENT_CHARS
        if not (
            final
            or time.monotonic() - self.since >= SEGMENT_SECONDS  # to be found meanwhile
            or (full and not self._last_stretch())
        ):
            return
        # At the end, one segment per worker, so that none waits for the other, and as
        # many more as keep each within SEGMENT_CHARS (what waited near the end may be
        # up to twice that, or more where a file of posts came in large).
        parts = 1
        if final:
            parts = max(
                1, min(self.workers, len(self.waiting) // 20), -(-self.chars // SEGMENT_CHARS)
            )
        for chunk in _parts(self.waiting, parts):
            segment = _Segment(
                [self.waiting[i] for i in chunk], chunk, frozenset(self.replace.intersection(chunk))
            )
            if executor is None:
                self.lost.append(segment)
            else:
                future = pool.submit(executor, writing.write_segment, self.staging, segment.fields)
                self.in_flight[future] = segment
        self.waiting.clear()
        self.replace.clear()
        self.chars = 0

    def collect(self) -> None:
        """Commit what the workers have finished."""
        if self.merging is not None and self.merging.done():
            merging, self.merging = self.merging, None
            try:
                self.committer.commit([merging.result()])
            except Exception:  # a worker that died or was stopped: the segments stay as they were
                log.warning("segments of the index were not merged", exc_info=True)
        for future in [f for f in self.in_flight if f.done()]:
            segment = self.in_flight.pop(future)
            try:
                staged: writing.StagedSegment = future.result()
            except Exception:  # a worker that died or was stopped: written here instead
                log.warning("a segment of %s items was not written", len(segment.ids),
                            exc_info=True)  # fmt: skip
                self.lost.append(segment)
                continue
            self.deferred.append((staged, segment))
        if self.merging is None:
            for staged, segment in self.deferred:
                self.committer.commit([staged], segment.replace)
                self._indexed(segment.ids)
            self.deferred.clear()
        else:  # a merge in flight: only segments that delete nothing may pass it
            for staged, segment in [d for d in self.deferred if not d[1].replace]:
                self.committer.commit([staged])
                self._indexed(segment.ids)
            self.deferred = [d for d in self.deferred if d[1].replace]

    def settle(self) -> None:
        """Wait for the segments and the merge in flight, and commit them."""
        cf.wait([*self.in_flight, *([self.merging] if self.merging is not None else [])])
        self.collect()

    def finish(self, executor: cf.Executor | None) -> None:
        """Write everything still waiting or lost.

        Without `executor` (its workers were stopped), segments not finished
        are written here.
        """
        self.pump(executor, final=True)
        if executor is None:
            self.collect()
            self.lost.extend(self.in_flight.values())
            self.in_flight.clear()
            self.merging = None  # never committed: its segments stay as they were
            self.collect()
        else:
            # A merge still running is left to be stopped with the workers: waiting for
            # it would make the import wait; its segments stay as they are.
            self.merging = None
            self.settle()
        while self.lost:
            segment = self.lost.pop()
            self.committer.write_here(segment.fields, segment.replace)
            self._indexed(segment.ids)

    def _indexed(self, ids: Sequence[int]) -> None:
        with self.archive.transaction():
            item_store.mark_indexed(self.archive.db, ids)


def _parts(waiting: dict[int, writing.Fields], parts: int) -> list[list[int]]:
    """The ids of `waiting`, in order, cut into `parts` runs of about the same text (a
    run of PDFs is slower to write than one of posts)."""
    ids = list(waiting)
    if parts <= 1:
        return [ids]
    sizes = [len(str(waiting[i].get("content", ""))) + 200 for i in ids]  # 200: the rest
    share = sum(sizes) / parts
    runs: list[list[int]] = [[]]
    held = 0
    for item_id, size in zip(ids, sizes, strict=True):
        if held >= share * len(runs) and len(runs) < parts:
            runs.append([])
        runs[-1].append(item_id)
        held += size
    return [run for run in runs if run]


def ready_index(
    archive: Archive, progress: ProgressCallback, cancel: CancelToken
) -> SearchIndex | None:
    """The index, brought up to date (or rebuilt) before new items are added."""
    health = SearchIndex.health(archive.index_dir)
    if health.state == "missing" and item_store.count_items(archive.db) == 0:
        return SearchIndex.create(archive.index_dir)
    if not health.ok:
        reindex(archive, progress, cancel)
    try:
        index = SearchIndex.open(archive.index_dir)
    except IndexUnavailable:
        log.exception("index unusable after rebuild")
        return None
    catch_up(archive, index, progress, cancel)
    return index


def open_feed(
    archive: Archive, index: SearchIndex | None, staging: Path, workers: int | None
) -> IndexFeed | None:
    """The index's side of the import; None without an index, or when another task
    holds it (the items then wait for the next catch-up)."""
    if index is None:
        return None
    try:
        committer = writing.SegmentCommitter(index.directory)
    except IndexBusy:
        log.warning("the search index is busy: the imported items will be indexed later")
        return None
    count = (os.cpu_count() or 2) if workers is None else max(workers, 1)
    return IndexFeed(archive, committer, staging / "index", count)
