"""Core jobs run off the GUI thread, their `Progress` reports turned into Qt signals.

A job is a function ``fn(archive, progress, cancel) -> result`` from the core
(import_paths, reindex, catch_up …). `Job` runs it in a QThreadPool thread and
emits `progress`, then exactly one of `finished`, `failed`.

SQLite connections belong to one thread, so the job gets its own `Archive`
object on the same folder: `Archive.sibling()` of the window's, made in the job's
thread. The window's `Archive` holds the archive's flock — the promise that one
*process* writes — and keeps holding it while the job runs; the sibling borrows
that promise instead of taking the lock again, which flock would refuse to a
second open file in the same process. Inside the process, writes are serialised
by SQLite itself (WAL, BEGIN IMMEDIATE, busy_timeout) and by the window running
one writing job at a time.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..core.archive import Archive
from ..core.errors import Cancelled
from ..core.jobs import CancelToken, Progress

log = logging.getLogger(__name__)

#: Progress reports closer together than this are merged: the GUI repaints at ~20 Hz.
PROGRESS_INTERVAL = 0.05

JobFunction = Callable[[Archive | None, Callable[[Progress], None], CancelToken], Any]


class _Signals(QObject):
    progress = Signal(object)  # Progress
    finished = Signal(object)  # the job's result
    failed = Signal(object)  # the exception it raised (Cancelled when cancelled early)


class Job(QRunnable):
    """One core job. Keep a reference until `finished` or `failed` (the pool does not)."""

    def __init__(self, title: str, fn: JobFunction, owner: Archive | None) -> None:
        """`fn` gets a sibling of `owner` (None: no archive), which must stay open
        until the job is done."""
        super().__init__()
        self.setAutoDelete(False)
        self.title = title
        self._fn = fn
        self._owner = owner
        self.cancel_token = CancelToken()
        self.signals = _Signals()
        self.progress = self.signals.progress
        self.finished = self.signals.finished
        self.failed = self.signals.failed
        self._done = threading.Event()
        # Set just before `finished` or `failed` is emitted: the slots that run on them
        # (the window's actions) must already see the job as over, not still busy.
        self._ended = threading.Event()
        self._last_emit = 0.0
        self._last_phase = ""
        #: The newest report (set in the worker thread; reading a reference is atomic).
        self.latest: Progress | None = None

    def cancel(self) -> None:
        """Ask the job to stop at its next safe point (returns at once)."""
        self.cancel_token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.cancelled

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def ended(self) -> bool:
        """True once the job has its result (it may still be closing its archive)."""
        return self._ended.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has returned (for shutdown only; never from a slot)."""
        return self._done.wait(timeout)

    def _report(self, progress: Progress) -> None:
        # Called in the worker thread, possibly thousands of times a second: keep the
        # latest report for whoever polls it, and emit at most ~20 signals a second.
        self.latest = progress
        now = time.monotonic()
        final = progress.total and progress.done >= progress.total
        if (
            progress.phase != self._last_phase
            or final
            or now - self._last_emit >= PROGRESS_INTERVAL
        ):
            self._last_emit = now
            self._last_phase = progress.phase
            self.signals.progress.emit(progress)

    def run(self) -> None:
        archive = None
        try:
            if self._owner is not None:
                archive = self._owner.sibling()
            result = self._fn(archive, self._report, self.cancel_token)
        except Cancelled as exc:
            self._emit_failed(exc)
        except BaseException as exc:  # reported to the GUI thread, never lost
            log.debug("job %s failed", self.title, exc_info=True)
            self._emit_failed(exc)
        else:
            self._ended.set()
            self._emit(self.signals.finished, result)
        finally:
            if archive is not None:
                archive.close()
            self._done.set()

    def _emit_failed(self, exc: BaseException) -> None:
        self._ended.set()
        self._emit(self.signals.failed, exc)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        with contextlib.suppress(RuntimeError):  # the receiving window was closed meanwhile
            signal.emit(value)


class JobRunner(QObject):
    """Runs jobs on a private pool, at most one at a time, and stops them on shutdown."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._jobs: list[Job] = []

    @property
    def busy(self) -> bool:
        self._jobs = [j for j in self._jobs if not j.done]  # kept alive until run() returns
        return any(not j.ended for j in self._jobs)

    def start(self, job: Job) -> Job:
        self._jobs.append(job)
        self._pool.start(job)
        return job

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel every job and wait for the pool; True if all stopped in time."""
        for job in self._jobs:
            job.cancel()
        stopped = self._pool.waitForDone(timeout_ms)
        self._jobs = [j for j in self._jobs if not j.done]
        return bool(stopped)
