"""Writing the index while an import runs: segments built in worker processes, few commits.

An import used to write its index a batch of 200 items at a time from the one
writer process: every batch analysed its text there (two thirds of that
process's time), flushed a segment, and merged it with the segments the
batches before had flushed. Here the work is split the way Whoosh's own
multiprocessing writer splits it, over the import's worker processes:

* `write_segment` (in a worker) builds a whole segment of documents in a
  private index of its own under a staging folder, analysis and flushing
  included — so that two workers build two segments at once;
* `SegmentCommitter` (in the one writer process) holds the index's write lock
  for the whole import, moves each finished segment into the index and commits
  it (a new table of contents: a few milliseconds), deleting the older copies
  of the items it replaces in the same commit; `merge_segments` (in a worker)
  merges small segments when there are many.

A segment is visible and durable only once committed; the caller marks its
items indexed in the database after that, so that a crash before leaves them
for the next catch-up (DESIGN.md §1: the index is a cache of the database).
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.util.filelock import try_for
from whoosh.writing import SegmentWriter

from ..errors import IndexBusy
from .api import FACETS
from .arrays import SegmentArrays
from .pairs import PairsWriter
from .schema import build_schema

log = logging.getLogger(__name__)

#: Memory for one segment's postings before they are sorted on disk in runs
#: (which cost a quarter of the writing when a segment overflowed them).
LIMIT_MB = 320
#: A tier of segments of like size (powers of MERGE_FACTOR documents) is merged
#: into one when it has MERGE_FACTOR of them: a log-structured merge, so that
#: each document is rewritten only a few times however large the archive grows.
MERGE_FACTOR = 10

#: The fields of one document, as IndexDocument.fields() gives them.
Fields = dict[str, object]


@dataclass(frozen=True, slots=True)
class StagedSegment:
    """A segment written outside the index, waiting to be committed into it."""

    folder: Path  # its private index folder
    segment: Any  # whoosh.codec.base.Segment, picklable
    doc_count: int
    #: segments it replaces, when it is a merge of them (their segment ids)
    replaces: tuple[str, ...] = ()


def write_segment(staging: Path, documents: Sequence[Fields]) -> StagedSegment:
    """Index `documents` into a new segment under `staging` (run in a worker process)."""
    folder = staging / f"segment-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    ix = index.create_in(str(folder), build_schema())
    writer = PairsWriter(ix, limitmb=LIMIT_MB, compound=False)
    try:
        for fields in documents:
            writer.add_document(**fields)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)
    (segment,) = ix._read_toc().segments  # no public way to the new segment
    _keep_facets(ix, folder)
    ix.close()
    return StagedSegment(folder, segment, len(documents))


def merge_segments(directory: Path, segments: Sequence[Any], staging: Path) -> StagedSegment:
    """One segment holding the live documents of `segments` of the index in `directory`.

    Run in a worker process while the writer process holds the lock and
    deletes nothing in those segments until the merge is committed.
    """
    folder = staging / f"merge-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    source = FileStorage(str(directory))
    schema = index.open_dir(str(directory)).schema
    ix = index.create_in(str(folder), schema)
    writer = PairsWriter(ix, limitmb=LIMIT_MB, compound=False)
    count = 0
    try:
        for segment in segments:
            reader = SegmentReader(source, schema, segment)
            try:
                writer.add_reader(reader)
                count += reader.doc_count()
            finally:
                reader.close()
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)
    (merged,) = ix._read_toc().segments
    _keep_facets(ix, folder)
    ix.close()
    return StagedSegment(folder, merged, count, tuple(s.segment_id() for s in segments))


def _keep_facets(ix: Any, folder: Path) -> None:
    """Read the new segment's facet arrays here, in the worker, and keep them beside it
    (arrays.py; they move into the index with the segment's other files). Otherwise
    the first search after the segment is committed reads them from its postings:
    0.2 s more for that search at 20 000 items, a second after a large merge — the
    slowest searches of an app searching while it imports. Never an error: the
    searcher reads them itself when they are missing."""
    try:
        with ix.reader() as reader:
            SegmentArrays(reader, folder=folder).facets(tuple(FACETS.values()))
    except Exception:
        log.warning("facet arrays of a new segment not kept", exc_info=True)


class SegmentCommitter:
    """Commits staged segments into the index in `directory`, holding its write lock.

    Other writers (the GUI writing an annotation into the index) meanwhile get
    IndexBusy, which they already expect while an import runs. Raises IndexBusy
    when the lock cannot be had within `lock_timeout` seconds.
    """

    def __init__(self, directory: Path, lock_timeout: float = 10.0) -> None:
        self.directory = directory
        self._ix = index.open_dir(str(directory))
        self._lock = self._ix.lock("WRITELOCK")
        if not try_for(self._lock.acquire, timeout=lock_timeout, delay=0.1):
            self._ix.close()
            raise IndexBusy("the search index is being written by another task")
        #: the index's segments as of this committer's last commit: nobody else writes
        #: while it holds the lock, and reading the table of contents (the pickled
        #: schema with it) at every batch was a sixth of the writer process's time
        self._segments: list[Any] | None = None

    def commit(self, staged: Sequence[StagedSegment], delete_ids: Iterable[int] = ()) -> None:
        """Make the staged segments part of the index, and delete the documents of
        `delete_ids` that the index held before (older copies of replaced items)."""
        writer = SegmentWriter(self._ix, _lk=False)
        try:
            for item_id in delete_ids:
                writer.delete_by_term("id", str(item_id))
            for part in staged:
                _move_files(part, self.directory)
        except BaseException:
            writer.cancel()
            raise
        replaced = {name for part in staged for name in part.replaces}
        added = [part.segment for part in staged]

        def policy(_writer: Any, segments: list[Any]) -> list[Any]:
            return [s for s in segments if s.segment_id() not in replaced] + added

        self._segments = None
        writer.commit(mergetype=policy)
        for part in staged:
            shutil.rmtree(part.folder, ignore_errors=True)

    def write_here(self, documents: Iterable[Fields], delete_ids: Iterable[int] = ()) -> int:
        """Write documents in this process (when there are no workers left to do it)."""
        self._segments = None
        writer = PairsWriter(self._ix, _lk=False, limitmb=LIMIT_MB, compound=False)
        count = 0
        try:
            for item_id in delete_ids:
                writer.delete_by_term("id", str(item_id))
            for fields in documents:
                writer.add_document(**fields)
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)
        return count

    def segments_to_merge(self) -> list[Any]:
        """The segments of the fullest tier, if it has MERGE_FACTOR segments; else none."""
        tiers: dict[int, list[Any]] = {}
        if self._segments is None:
            self._segments = list(self._ix._segments())  # no public API for the list
        for segment in self._segments:
            size = max(segment.doc_count(), 1)
            tiers.setdefault(int(math.log(size, MERGE_FACTOR)), []).append(segment)
        full = [tier for tier in tiers.values() if len(tier) >= MERGE_FACTOR]
        return min(full, key=lambda t: sum(s.doc_count() for s in t)) if full else []

    def close(self) -> None:
        try:
            self._lock.release()
        finally:
            self._ix.close()


def _move_files(part: StagedSegment, directory: Path) -> None:
    storage = FileStorage(str(part.folder))
    for name in part.segment.list_files(storage):
        os.replace(part.folder / name, directory / name)
