"""The import, from the paths given to its report: `import_paths`.

It opens an import run, reads what it was given (reading.py) into batches that
commit (batch.py), and closes the run; a cancel keeps what was read, a full disk
keeps what fits and says what to free. Everything else is in the modules it ties:
scan.py, worker.py, pool.py, batch.py, index_feed.py, report.py, hooks.py.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

from ... import __version__
from .. import blobs, collector
from ..archive import Archive, utc_now
from ..errors import Cancelled, ImportAborted, StorageError
from ..jobs import CancelToken, ProgressCallback, no_progress
from ..store import items as item_store
from ..store import posts as post_store
from ..store import runs
from ..store.connection import OperationalError
from .batch import Batch, DiskFull, full_disk
from .hooks import AfterImport
from .reading import Import, read
from .report import ImportOptions, ImportReport, Outcome

log = logging.getLogger(__name__)


def import_paths(
    archive: Archive,
    paths: Sequence[Path],
    options: ImportOptions | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    subscribers: Sequence[AfterImport] = (),
) -> ImportReport:
    """Import files and folders into `archive`; a report of every file's outcome.

    Never raises for a bad file (each is an outcome with its reason). Raises
    ImportAborted when the archive itself cannot be written (disk full), after
    keeping everything committed so far. A cancelled import returns its report
    with status "cancelled". Each batch of new items is handed to the `subscribers`
    (hooks.py).
    """
    options = options or ImportOptions()
    cancel = cancel or CancelToken()
    conn = archive.db
    with archive.transaction():  # the run is sealed in the chain of custody as it starts
        run_id = runs.start_run(
            conn, utc_now(), [str(Path(p).absolute()) for p in paths], archive.user_name,
            __version__,
        )  # fmt: skip
    report = ImportReport(run_id)
    staging = blobs.staging_dir(archive.blobs_dir) / f"run-{run_id}"
    batch = Batch(archive, report, staging, subscribers)
    job = Import(archive, options, progress, cancel, batch)
    aborted: ImportAborted | None = None
    try:
        with collector.collecting_less():
            read(job, paths)
            batch.flush(force=True, final=True)
            if batch.feed is not None:
                batch.feed.finish(None)
        report.status = "completed"
    except (Cancelled, KeyboardInterrupt):
        report.status = "cancelled"
        batch.flush(force=True)  # what was extracted before the cancel is kept
        if batch.feed is not None:
            batch.feed.finish(None)
    except (DiskFull, OSError, OperationalError) as exc:  # the index: a transaction
        full = full_disk(exc)  # of its own
        if full is None:
            raise
        aborted = _stopped_by_full_disk(job, full)
    finally:
        if report.status == "running":
            report.status = "failed"
        if batch.feed is not None:
            batch.feed.committer.close()
        blobs.clear_staging(staging)
        _drop_empty(blobs.staging_dir(archive.blobs_dir))
        if job.index is not None:
            job.index.close()
        _finish(archive, report)
    if aborted is not None:
        aborted.report = report  # for the front end to show
        raise aborted
    return report


def _stopped_by_full_disk(job: Import, exc: DiskFull) -> ImportAborted:
    """Keep what can be kept, leave no stray file, and say what to do.

    The staging area is emptied first: its copies may be what filled the disk,
    and SQLite needs a little room to commit what was extracted already. Blobs
    that workers stored for items whose rows could not be committed are removed:
    nothing the database does not name stays behind.
    """
    batch, archive = job.batch, job.archive
    report = batch.report
    report.status = "failed"
    blobs.clear_staging(batch.staging)
    # What was extracted goes in if it fits: all at once, else one file at a time.
    waiting, batch.items = batch.items, []
    step = len(waiting)
    while waiting or batch.errors or batch.duplicates:
        batch.items, waiting = waiting[:step], waiting[step:]
        try:
            batch.flush(force=True)
        except (ImportAborted, OSError, OperationalError):
            log.debug("a batch could not be committed on a full disk", exc_info=True)
            waiting = batch.items + waiting
            batch.items = []
            if step == 1:
                break
            step = 1
    batch.items = waiting
    for pending in batch.items:  # rolled back with the batch that could not be written
        report.outcomes.append(
            Outcome(str(pending.candidate.path), "failed", "not stored: the disk is full")
        )
    orphans = {p.staged.sha256 for p in batch.items} | set(batch.reading)
    for box in batch.containers:
        orphans.update(post.sha256 for post in box.found.posts)
    for sha in orphans:
        named = item_store.item_by_sha(archive.db, sha) or post_store.container_by_sha(
            archive.db, sha
        )
        if named is None:
            path = blobs.blob_path(archive.blobs_dir, sha)
            path.unlink(missing_ok=True)
            _drop_empty(path.parent)
            _drop_empty(path.parent.parent)
    imported = report.imported
    done_bytes = sum(item_store.get_item(archive.db, o.item_id).size
                     for o in imported if o.item_id is not None)  # fmt: skip
    need = max(job.todo_bytes - done_bytes, 0) * 2 + (50 << 20)  # the text and index too
    try:
        free = shutil.disk_usage(archive.root).free
    except OSError:
        free = 0
    where = f" at ‘{exc.at.name}’" if exc.at is not None else ""
    message = (
        f"The disk is full: the import stopped{where} ({_size(free)} free on the archive's disk). "
        f"{len(imported)} file{' was' if len(imported) == 1 else 's were'} imported before it "
        f"and {'is' if len(imported) == 1 else 'are'} safe (import run #{report.run_id}); "
        "the others were not stored. Free about "
        f"{_size(need)} on that disk, or move the archive to a larger one, and import again: "
        "what was imported is skipped."
    )
    aborted = ImportAborted(message)
    aborted.__cause__ = exc.__cause__ or exc
    return aborted


def _size(count: int) -> str:
    if count >= 1 << 30:
        return f"{count / (1 << 30):.1f} GB"
    return f"{max(count, 0) / (1 << 20):.1f} MB"


def _drop_empty(directory: Path) -> None:
    with contextlib.suppress(OSError):
        directory.rmdir()  # only if empty: another task's files stay


def _finish(archive: Archive, report: ImportReport) -> None:
    """Close the run's record; on a full disk this may fail too, and the run stays open."""
    counts = len(report.imported), len(report.skipped), len(report.failed)
    try:
        with archive.transaction():
            archive.audit(
                "import",
                run_id=report.run_id,
                status=report.status,
                imported=counts[0],
                skipped=counts[1],
                failed=counts[2],
            )
            runs.finish_run(archive.db, report.run_id, utc_now(), report.status, *counts)
    except StorageError:
        log.exception("could not record the end of import run %s", report.run_id)
