"""Reading what an import was given: the scan, and the files unchanged since the last
import skipped; the rest are read by the workers (extraction.py) into the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..archive import Archive
from ..index.state import looks_usable
from ..jobs import CancelToken, Progress, ProgressCallback
from ..store import items as item_store
from ..store import posts as post_store
from ..store import runs
from .batch import Batch
from .report import ImportOptions, Outcome
from .scan import Candidate, scan

if TYPE_CHECKING:
    from ..index.engine import SearchIndex


@dataclass(slots=True)
class Import:
    """One import as it runs: what it was asked, and its batch."""

    archive: Archive
    options: ImportOptions
    progress: ProgressCallback
    cancel: CancelToken
    batch: Batch
    index: SearchIndex | None = None
    extra_total: int = 0  # pictures found in containers, counted in the progress
    todo_bytes: int = 0  # of the files to read, for what a full disk needs freed

def read(job: Import, paths: Sequence[Path]) -> None:
    """Scan `paths`, read what changed in the workers and commit it batch by batch; the
    last batch is committed (and the index's last segments written) before it returns."""
    archive, cancel, progress = job.archive, job.cancel, job.progress
    candidates = _scanned(job, paths)
    total = len(candidates) + len(job.batch.report.outcomes)
    to_process = _changed(job, candidates)
    done = len(job.batch.report.outcomes)
    progress(Progress("importing", done, total))
    # An unchanged folder needs no index: opening it (a searcher, to check its
    # health) was most of a re-import's time at 100 000 items.
    if (
        to_process
        or item_store.unindexed_ids(archive.db)
        or not looks_usable(archive.index_dir)
    ):
        from .index_feed import open_feed, ready_index

        job.index = ready_index(archive, progress, cancel)
        job.batch.feed = open_feed(archive, job.index, job.batch.staging, job.options.workers)
    if not to_process:
        return
    job.todo_bytes = sum(candidate.size for candidate, _ in to_process)
    # Only now what reading files takes: the workers, the importers, the index writer
    # (numpy, Whoosh), a container's posts — none of which a re-import of an unchanged
    # folder needs (tests/core/test_cli_startup.py).
    from .extraction import read_files

    read_files(job, to_process, total, done)


def _scanned(job: Import, paths: Sequence[Path]) -> list[Candidate]:
    """The files under `paths`; those that cannot be read are recorded as failed."""
    candidates: list[Candidate] = []
    scanned = scan(paths, exclude=job.archive.root, follow_links=job.options.follow_links)
    for found in scanned:
        job.cancel.raise_if_cancelled()
        if isinstance(found, Outcome):
            job.batch.record(found)
        else:
            candidates.append(found)
        if len(candidates) % 500 == 0:
            where = str(getattr(found, "path", ""))
            job.progress(Progress("scanning", len(candidates), 0, where))
    return candidates


def _changed(job: Import, candidates: list[Candidate]) -> list[tuple[Candidate, int | None]]:
    """The files to read, each with the item its path held if it changed since; those
    whose path, size and time match the last import are recorded as skipped."""
    conn = job.archive.db
    to_process: list[tuple[Candidate, int | None]] = []
    states = runs.file_states(conn, [str(c.path) for c in candidates])
    for candidate in candidates:
        state = states.get(str(candidate.path))
        if (
            state is not None
            and state.size == candidate.size
            and state.mtime_ns == candidate.mtime_ns
            and (
                state.item_id is not None
                or post_store.container_by_sha(conn, state.sha256) is not None
            )
        ):
            unchanged = "unchanged since the last import"
            job.batch.record(Outcome(str(candidate.path), "skipped", unchanged, state.item_id))
        else:
            to_process.append((candidate, state.item_id if state else None))
    return to_process
