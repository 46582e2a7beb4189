"""Importing files and folders: scan, stage, extract in worker processes, commit in batches.

The pipeline, for each file found:

1. *skip cheaply*: a file whose path, size and modification time match the last
   import is not read again;
2. *stage* (worker): copy the bytes into blobs/.tmp while hashing them, fsync;
3. *dedup* (main): bytes already in the archive add only a provenance record;
4. *extract* (worker): the importer chosen by content reads the staged copy;
5. *commit* (main, the one writer): the staged copy is renamed to its content
   address, then the item, its pages and provenance are inserted, a batch per
   transaction; then the batch is written to the index and marked indexed.

A failure of one file is recorded with its reason and the import goes on. A
cancel stops within a fraction of a second: workers are terminated, what was
extracted is committed, nothing half-written is visible.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import signal
import sqlite3
import stat
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from . import blobs
from .archive import Archive, utc_now
from .errors import Cancelled, ImportAborted, IndexUnavailable, UnreadableFile
from .importers import sniff
from .importers.base import ExtractContext, Extracted
from .index.engine import SearchIndex
from .indexing import catch_up, index_items, reindex
from .jobs import CancelToken, Progress, ProgressCallback, no_progress
from .offline import forbid_network
from .store import items as item_store
from .store import runs

log = logging.getLogger(__name__)

#: Files that are never evidence: operating-system litter.
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".directory"})
BATCH_ITEMS = 200
BATCH_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class ImportOptions:
    ocr: bool = True
    ocr_languages: str = "eng+urd"
    #: Worker processes; None = one per CPU, 0 = extract in this process (tests, debugging).
    workers: int | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one file."""

    path: str
    status: str  # "imported", "skipped", "failed"
    reason: str = ""
    item_id: int | None = None
    title: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class ImportReport:
    run_id: int
    outcomes: list[Outcome] = field(default_factory=list)
    status: str = "running"  # then "completed" or "cancelled"

    def _with(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def imported(self) -> list[Outcome]:
        return self._with("imported")

    @property
    def skipped(self) -> list[Outcome]:
        return self._with("skipped")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed")

    @property
    def warnings(self) -> list[tuple[str, str]]:
        return [(o.path, w) for o in self.outcomes for w in o.warnings]

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


@dataclass(frozen=True, slots=True)
class _Candidate:
    path: Path
    root: Path
    size: int
    mtime_ns: int


# -- scanning ------------------------------------------------------------------


def scan(paths: Sequence[Path], exclude: Path | None = None) -> Iterator[_Candidate | Outcome]:
    """Every file under `paths`, or an Outcome saying why a path cannot be imported.

    Symbolic links are followed, but a folder is never visited twice, so link
    loops end; a link to nowhere or a loop of links is reported.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        problem = _unusable(path)
        if problem:
            yield Outcome(str(path), "failed", problem)
            continue
        if path.is_dir():
            yield from _walk(path, path, seen_dirs, exclude)
        else:
            yield from _file(path, path.parent)


def _unusable(path: Path) -> str:
    try:
        path.lstat()
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return _os_reason(exc)
    try:
        path.stat()
    except OSError as exc:
        return _os_reason(exc, path)
    return ""


def _walk(
    directory: Path, root: Path, seen: set[tuple[int, int]], exclude: Path | None
) -> Iterator[_Candidate | Outcome]:
    try:
        info = directory.stat()
    except OSError as exc:
        yield Outcome(str(directory), "failed", _os_reason(exc, directory))
        return
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return
    seen.add(key)
    if exclude is not None and directory == exclude:
        return
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        yield Outcome(str(directory), "failed", f"the folder cannot be read: {_os_reason(exc)}")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name in IGNORED_NAMES or entry.name.startswith("._"):
            continue
        if entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
            continue  # .git, .Trash and the like
        problem = _unusable(path)
        if problem:
            yield Outcome(str(path), "failed", problem)
            continue
        if path.is_dir():
            yield from _walk(path, root, seen, exclude)
        else:
            yield from _file(path, root)


def _file(path: Path, root: Path) -> Iterator[_Candidate | Outcome]:
    try:
        info = path.stat()
    except OSError as exc:
        yield Outcome(str(path), "failed", _os_reason(exc, path))
        return
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a named pipe" if stat.S_ISFIFO(info.st_mode)
            else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a socket" if stat.S_ISSOCK(info.st_mode)
            else "not a regular file"
        )  # fmt: skip
        yield Outcome(str(path), "failed", f"is {kind}, not a file")
        return
    yield _Candidate(path, root, info.st_size, info.st_mtime_ns)


def _os_reason(exc: OSError, path: Path | None = None) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return "is a symbolic link that loops back on itself"
    if exc.errno == errno.ENOENT and path is not None and path.is_symlink():
        return f"is a symbolic link to {os.readlink(path)}, which does not exist"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    if exc.errno == errno.ENOSPC:
        return "could not be stored: the disk is full"
    if exc.errno == errno.EIO:
        return "cannot be read: input/output error (a failing disk?)"
    return f"cannot be read: {exc.strerror or exc}"


# -- worker side ----------------------------------------------------------------


def _worker_init() -> None:
    forbid_network()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl+C
    logging.getLogger().setLevel(logging.ERROR)


def _stage(path: str, staging: str) -> blobs.StagedFile:
    return blobs.stage_copy(Path(path), Path(staging))


def _extract(
    staged: blobs.StagedFile, original_name: str, ctx: ExtractContext, blobs_dir: str
) -> Extracted:
    """Extract with the importer chosen by content, then store the original.

    The importer reads the staged copy under the file's original name. Only if it
    succeeds is the copy moved to its content address, fsynced here in the worker so
    that the one writer never waits for the disk.
    """
    view_dir = staged.tmp_path.parent / f"{uuid.uuid4().hex}.view"
    view_dir.mkdir()
    view = view_dir / original_name
    try:
        view.symlink_to(staged.tmp_path)
        importer = sniff(view)
        result: Extracted = importer.extract(view, ctx)
    finally:
        view.unlink(missing_ok=True)
        view_dir.rmdir()
    blobs.commit_blob(Path(blobs_dir), staged)
    return result


class _InlineExecutor(cf.Executor):
    """Runs tasks at once in this process (workers=0)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def _make_executor(workers: int | None, files: int) -> cf.Executor:
    if workers == 0 or files == 0:
        return _InlineExecutor()
    count = min(workers or os.cpu_count() or 2, max(files, 1))
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return cf.ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context(method),
        initializer=_worker_init,
    )


def _stop_executor(executor: cf.Executor) -> None:
    """Stop at once: drop queued tasks and terminate workers still busy (OCR can be long)."""
    if isinstance(executor, cf.ProcessPoolExecutor):
        processes = list((executor._processes or {}).values())  # no public API for this
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=2)
    else:
        executor.shutdown(wait=False, cancel_futures=True)


# -- the import job -------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    """An item extracted and committed to blobs/, waiting for its database batch."""

    candidate: _Candidate
    staged: blobs.StagedFile
    extracted: Extracted
    previous_item: int | None


@dataclass(slots=True)
class _Importer:
    archive: Archive
    options: ImportOptions
    progress: ProgressCallback
    cancel: CancelToken
    report: ImportReport
    index: SearchIndex | None
    staging: Path
    batch: list[_Pending] = field(default_factory=list)
    dup_batch: list[tuple[_Candidate, str, int | None]] = field(default_factory=list)
    error_batch: list[Outcome] = field(default_factory=list)
    in_flight_shas: dict[str, _Candidate] = field(default_factory=dict)
    last_flush: float = field(default_factory=time.monotonic)

    def record(self, outcome: Outcome) -> None:
        self.report.outcomes.append(outcome)
        if outcome.status == "failed":
            self.error_batch.append(outcome)

    def flush(self, force: bool = False) -> None:
        due = len(self.batch) >= BATCH_ITEMS or time.monotonic() - self.last_flush >= BATCH_SECONDS
        if not (force or due):
            return
        if not (self.batch or self.dup_batch or self.error_batch):
            return
        conn = self.archive.db
        now = utc_now()
        new_ids: list[int] = []
        try:
            with self.archive.transaction():
                for pending in self.batch:
                    new_ids.append(self._insert(conn, pending, now))
                waiting = []
                for candidate, sha, known in self.dup_batch:
                    item_id = item_store.item_by_sha(conn, sha)
                    if item_id is None:
                        if sha in self.in_flight_shas and not force:
                            waiting.append((candidate, sha, known))  # twin still extracting
                        continue  # else its twin failed to import
                    item_store.add_source(
                        conn, item_id, self.report.run_id, str(candidate.path),
                        str(candidate.root), now,
                    )  # fmt: skip
                    runs.set_file_state(
                        conn, str(candidate.path), candidate.size, candidate.mtime_ns, sha, item_id
                    )
                for outcome in self.error_batch:
                    runs.record_error(conn, self.report.run_id, outcome.path, outcome.reason)
        except sqlite3.OperationalError as exc:
            if "full" in str(exc).lower():
                raise ImportAborted(
                    "the disk is full: the import stopped; everything imported before "
                    "this batch is safe. Free some space and import again."
                ) from exc
            raise
        for pending, item_id in zip(self.batch, new_ids, strict=True):
            self.in_flight_shas.pop(pending.staged.sha256, None)
            self.report.outcomes.append(
                Outcome(
                    str(pending.candidate.path),
                    "imported",
                    _changed_note(pending.previous_item),
                    item_id,
                    pending.extracted.title,
                    pending.extracted.warnings,
                )
            )
        self.batch.clear()
        self.dup_batch = waiting
        self.error_batch.clear()
        if self.index is not None and new_ids:
            index_items(self.archive, self.index, new_ids, new=True)
        self.last_flush = time.monotonic()

    def _insert(self, conn: sqlite3.Connection, pending: _Pending, now: str) -> int:
        candidate, extracted = pending.candidate, pending.extracted
        extra = dict(extracted.extra)
        captured = extracted.captured_at
        if not captured:
            captured = _iso_from_ns(candidate.mtime_ns)
            extra["captured_at_source"] = "file modification time"
        if pending.previous_item is not None:
            extra["previous_version"] = pending.previous_item
        new = item_store.NewItem(
            sha256=pending.staged.sha256,
            kind=extracted.kind,
            title=extracted.title or candidate.path.stem,
            original_name=candidate.path.name,
            original_path=str(candidate.path),
            size=pending.staged.size,
            media_type=extracted.media_type,
            language=extracted.language,
            published_at=extracted.published_at,
            captured_at=captured,
            imported_at=now,
            author=extracted.author,
            source_url=extracted.source_url,
            import_run_id=self.report.run_id,
            source_root=str(candidate.root),
            ocr_status=extracted.ocr_status,
            pages=extracted.pages or ("",),
            ocr_pages=extracted.ocr_pages,
            warnings=extracted.warnings,
            extra=extra,
        )
        item_id = item_store.insert_item(conn, new)
        item_store.add_source(
            conn, item_id, self.report.run_id, str(candidate.path), str(candidate.root), now
        )
        runs.set_file_state(
            conn, str(candidate.path), candidate.size, candidate.mtime_ns,
            pending.staged.sha256, item_id,
        )  # fmt: skip
        return item_id


def _changed_note(previous: int | None) -> str:
    if previous is None:
        return ""
    return f"changed since the last import; the earlier version stays as item #{previous}"


def _iso_from_ns(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, UTC).isoformat(timespec="seconds")


def import_paths(
    archive: Archive,
    paths: Sequence[Path],
    options: ImportOptions | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import files and folders into `archive`; a report of every file's outcome.

    Never raises for a bad file (each is an outcome with its reason). Raises
    ImportAborted when the archive itself cannot be written (disk full), after
    keeping everything committed so far. A cancelled import returns its report
    with status "cancelled".
    """
    options = options or ImportOptions()
    cancel = cancel or CancelToken()
    conn = archive.db
    run_id = runs.start_run(
        conn, utc_now(), [str(Path(p).absolute()) for p in paths], archive.user_name, __version__
    )
    report = ImportReport(run_id)
    staging = blobs.staging_dir(archive.blobs_dir) / f"run-{run_id}"
    job = _Importer(archive, options, progress, cancel, report, None, staging)
    aborted: ImportAborted | None = None
    try:
        job.index = _ready_index(archive, progress, cancel)
        _run(job, paths)
        job.flush(force=True)
        report.status = "completed"
    except (Cancelled, KeyboardInterrupt):
        report.status = "cancelled"
        job.flush(force=True)  # what was extracted before the cancel is kept
    except ImportAborted as exc:
        aborted = exc
        report.status = "failed"
        for pending in job.batch:  # rolled back with the batch that could not be written
            report.outcomes.append(
                Outcome(str(pending.candidate.path), "failed", "not stored: the disk is full")
            )
    finally:
        if report.status == "running":
            report.status = "failed"
        blobs.clear_staging(staging)
        if job.index is not None:
            job.index.close()
        _finish(archive, report)
    if aborted is not None:
        raise aborted
    return report


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
    except sqlite3.Error:
        log.exception("could not record the end of import run %s", report.run_id)


def _ready_index(
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


def _run(job: _Importer, paths: Sequence[Path]) -> None:
    archive, cancel, progress = job.archive, job.cancel, job.progress
    candidates: list[_Candidate] = []
    for found in scan(paths, exclude=archive.root):
        cancel.raise_if_cancelled()
        if isinstance(found, Outcome):
            job.record(found)
        else:
            candidates.append(found)
        if len(candidates) % 500 == 0:
            progress(Progress("scanning", len(candidates), 0, str(getattr(found, "path", ""))))
    total = len(candidates) + len(job.report.outcomes)
    done = len(job.report.outcomes)

    to_process: list[tuple[_Candidate, int | None]] = []
    for candidate in candidates:
        state = runs.file_state(archive.db, str(candidate.path))
        if (
            state is not None
            and state.item_id is not None
            and state.size == candidate.size
            and state.mtime_ns == candidate.mtime_ns
        ):
            job.record(Outcome(str(candidate.path), "skipped", "unchanged since the last import",
                               state.item_id))  # fmt: skip
            done += 1
        else:
            to_process.append((candidate, state.item_id if state else None))
    progress(Progress("importing", done, total))
    if not to_process:
        return

    ctx = ExtractContext(
        sha256="",
        derived_dir=archive.derived_dir,
        ocr=job.options.ocr,
        ocr_languages=job.options.ocr_languages,
    )
    job.staging.mkdir(parents=True, exist_ok=True)
    executor = _make_executor(job.options.workers, len(to_process))
    queue = list(reversed(to_process))
    # Files that were being read when a worker process died (a crash in a
    # decoder, the kernel's out-of-memory killer): each is tried again alone, so
    # that only a file that kills its reader by itself is reported as failed.
    suspects: list[tuple[_Candidate, int | None]] = []
    futures: dict[cf.Future[Any], _Task] = {}
    limit = 2 * getattr(executor, "_max_workers", 1)
    try:
        while queue or suspects or futures:
            solo = bool(suspects)
            while (suspects or queue) and len(futures) < (1 if solo else limit):
                candidate, previous = suspects.pop() if solo else queue.pop()
                future = executor.submit(_stage, str(candidate.path), str(job.staging))
                futures[future] = _Task("stage", candidate, previous, None, solo)
            finished, _ = cf.wait(futures, timeout=0.1, return_when=cf.FIRST_COMPLETED)
            cancel.raise_if_cancelled()
            broken = False
            for future in finished:
                task = futures.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True
                    futures[future] = task  # handled with the others below
                    continue
                if task.step == "stage":
                    done += _after_stage(job, executor, futures, future, task, ctx)
                else:
                    done += _after_extract(job, future, task)
                progress(Progress("importing", done, total, task.candidate.path.name))
            if broken:
                done += _recover(job, futures, suspects)
                _stop_executor(executor)
                executor = _make_executor(job.options.workers, len(queue) + len(suspects) + 1)
            job.flush()
    finally:
        _stop_executor(executor)


@dataclass(frozen=True, slots=True)
class _Task:
    step: str  # "stage" or "extract"
    candidate: _Candidate
    previous: int | None  # the item this path held before, if it changed
    staged: blobs.StagedFile | None
    solo: bool  # run alone, after a worker died


def _recover(
    job: _Importer,
    futures: dict[cf.Future[Any], _Task],
    suspects: list[tuple[_Candidate, int | None]],
) -> int:
    """A worker died: every task in flight is lost. Retry each alone, unless it was alone."""
    failed = 0
    for task in futures.values():
        if task.staged is not None:
            job.in_flight_shas.pop(task.staged.sha256, None)
            task.staged.tmp_path.unlink(missing_ok=True)
        if task.solo:
            reason = "the program reading it crashed (the file may be malformed or too large)"
            job.record(Outcome(str(task.candidate.path), "failed", reason))
            failed += 1
        else:
            suspects.append((task.candidate, task.previous))
    futures.clear()
    return failed


def _after_stage(
    job: _Importer,
    executor: cf.Executor,
    futures: dict[cf.Future[Any], _Task],
    future: cf.Future[Any],
    task: _Task,
    ctx: ExtractContext,
) -> int:
    """Dedup a staged file or send it on to extraction; return 1 if it is finished."""
    candidate, previous = task.candidate, task.previous
    try:
        staged: blobs.StagedFile = future.result()
    except OSError as exc:
        job.record(Outcome(str(candidate.path), "failed", _os_reason(exc, candidate.path)))
        return 1
    existing = item_store.item_by_sha(job.archive.db, staged.sha256)
    twin = job.in_flight_shas.get(staged.sha256)
    if existing is not None or twin is not None:
        staged.tmp_path.unlink(missing_ok=True)
        if existing is not None:
            title = item_store.get_item(job.archive.db, existing).title
            reason = f"same content as item #{existing} (‘{title}’)"
            if previous == existing:
                reason = "unchanged content (only the file's date changed)"
        else:
            assert twin is not None
            reason = f"same content as {twin.path.name} in this import"
        job.dup_batch.append((candidate, staged.sha256, existing))
        job.report.outcomes.append(Outcome(str(candidate.path), "skipped", reason, existing))
        return 1
    job.in_flight_shas[staged.sha256] = candidate
    task_ctx = replace(ctx, sha256=staged.sha256)
    next_future = executor.submit(
        _extract, staged, candidate.path.name, task_ctx, str(job.archive.blobs_dir)
    )
    futures[next_future] = _Task("extract", candidate, previous, staged, task.solo)
    return 0


def _after_extract(job: _Importer, future: cf.Future[Any], task: _Task) -> int:
    candidate, staged = task.candidate, task.staged
    assert staged is not None
    try:
        extracted: Extracted = future.result()
    except UnreadableFile as exc:
        reason = str(exc)
    except Exception as exc:  # an importer's bug must not stop the import
        log.error("importer failed on %s:\n%s", candidate.path, "".join(
            traceback.format_exception(exc)))  # fmt: skip
        reason = f"unexpected error while reading it ({type(exc).__name__}: {exc})"
    else:
        job.batch.append(_Pending(candidate, staged, extracted, task.previous))
        return 1
    job.in_flight_shas.pop(staged.sha256, None)
    staged.tmp_path.unlink(missing_ok=True)
    job.record(Outcome(str(candidate.path), "failed", reason))
    return 1
