"""Long work on the archive, run one way: the checks, a `Job` off the GUI thread, progress
with Cancel, the error dialog, and a note of what changed so that each view refreshes
only what concerns it.

After Anki's `aqt/operations`: a feature describes an `Operation` (what to run on the
job's thread, what to do with its result, what it may change) and hands it to the host
(`host.run(op)`); `Operations` does the rest, the same for every feature:

- the checks before it starts: an archive is open, and writable when the operation
  writes; no other job is running (one at a time: SQLite has one writer);
- the `Job` on a sibling of the window's archive (workers.py), its progress dialog with
  Cancel saying what stopping keeps;
- on success, the operation's `success`; on failure, one dialog that says what happened
  (`job_problem` unless the operation words it itself) and runs the fix chosen; a
  cancellation is said in the status bar;
- either way, what the operation may have changed (`Changes`) goes to the host's
  `after_write`: a failed or cancelled import keeps what it committed, so the views
  refresh after a failure as after a success.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..core.archive import Archive
from ..core.errors import Cancelled
from ..core.jobs import CancelToken, ProgressCallback
from ..core.wording import READ_ONLY_TITLE, READ_ONLY_WHY
from .dialogs.progress import JobProgressDialog
from .messages import Problem, job_problem
from .session import ArchiveSession
from .workers import Job, JobRunner

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation or an edit changed, so that each view refreshes only that
    (Anki's `OpChanges`)."""

    #: Items were added, changed or deleted: the results, the counts and the status bar.
    items: bool = False
    #: The search index was written on another connection (an import, a rebuild): reopen it.
    index: bool = False
    #: Notes, highlights, regions, tags or links.
    annotations: bool = False
    #: Tags were given, taken off, renamed or deleted: the Tag facet's counts.
    tags: bool = False
    #: Suggested links between items.
    suggestions: bool = False

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


#: Nothing in the archive changed (an export, a verification).
NOTHING = Changes()
#: Anything may have changed: new items, their text in the index, their annotations and
#: suggested links (an import of files or of a bundle).
EVERYTHING = Changes(items=True, index=True, annotations=True, suggestions=True)


@dataclass(frozen=True, slots=True)
class Operation(Generic[T]):
    """Long work for `Operations.run`."""

    #: What the progress dialog, the status bar and an error dialog call it ("Importing").
    title: str
    #: Runs on the job's thread with a sibling of the archive open (None when `on_archive`
    #: is False); reports progress, checks the token at safe points.
    work: Callable[[Archive | None, ProgressCallback, CancelToken], T]
    #: Runs on the GUI thread with the result, once the progress dialog closed.
    success: Callable[[T], object] = lambda _result: None
    #: What it writes, to end the sentence of the write check ("importing a bundle");
    #: empty: it only reads, and runs on a read-only archive too.
    writes: str = ""
    #: What it may change, also when it fails or is cancelled midway.
    changes: Changes = NOTHING
    #: False: it runs without an archive (building the demo).
    on_archive: bool = True
    #: What Cancel keeps, for the progress dialog ("nothing is kept").
    after_cancel: str = ""
    #: The problem a failure is told as; None: `job_problem`.
    problem: Callable[[BaseException], Problem] | None = None


#: Said when a job is asked for while another runs.
BUSY = Problem(
    "Please wait",
    "Another task is still running.",
    "Wait for it to finish or cancel it.",
    severity="info",
)
#: … and when another archive is to be opened meanwhile.
BUSY_OPENING = Problem(
    "Please wait",
    "A task is still running on the open archive.",
    "Wait for it to finish or cancel it, then open the other archive.",
    severity="info",
)


class OperationHost(Protocol):
    """What `Operations` needs of the window (a part of host.Host)."""

    @property
    def session(self) -> ArchiveSession | None: ...

    def tell(self, problem: Problem) -> str | None: ...

    def show_status(self, text: str, timeout_ms: int = 10_000) -> None: ...

    def after_write(self, changes: Changes) -> None: ...


class Operations(QObject):
    """Runs the window's operations, one at a time."""

    #: An operation started.
    started = Signal(object)  # Job
    #: An operation ended: (title, its result or the exception it raised).
    ended = Signal(object)

    def __init__(
        self,
        host: OperationHost,
        parent: QWidget,
        fixes: dict[str, Callable[[], object]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self._parent = parent
        #: What to run when an error dialog's fix is chosen (messages.REBUILD_INDEX …).
        self.fixes = fixes if fixes is not None else {}
        self.runner = JobRunner(self)
        #: The newest operation's job, and its progress dialog.
        self.current: Job | None = None
        self.progress_dialog: JobProgressDialog | None = None

    def can_write(self, what: str) -> bool:
        """Whether the archive can be written now; if not, the user was told why
        ("… before {what}.")."""
        session = self.host.session
        if session is None:
            self.host.tell(
                Problem(
                    "No archive is open",
                    f"Open or create an archive before {what}.",
                    severity="info",
                )
            )
            return False
        if not session.writable:
            self.host.tell(
                Problem(
                    READ_ONLY_TITLE,
                    READ_ONLY_WHY,
                    f"Close it there and open it again here before {what}.",
                    severity="info",
                )
            )
            return False
        return self.idle()

    def idle(self) -> bool:
        """Whether no job is running; if one is, the user was told to wait."""
        if self.runner.busy:
            self.host.tell(BUSY)
            return False
        return True

    def ready(self, op: Operation[Any]) -> bool:
        """Whether `op` may start now; if not, the user was told why."""
        if op.writes:
            return self.can_write(op.writes)
        if op.on_archive and self.host.session is None:
            return False  # its action is disabled: nothing to say
        return self.idle()

    def run(self, op: Operation[T]) -> Job | None:
        """Start `op` if it may start (see `ready`); returns its job, or None."""
        if not self.ready(op):
            return None
        session = self.host.session
        owner = session.archive if op.on_archive and session is not None else None
        job = Job(op.title, op.work, owner)
        self.current = job
        # Connected first, so it closes before the result is shown.
        self.progress_dialog = JobProgressDialog(job, self._parent)
        if op.after_cancel:
            self.progress_dialog.cancel_button.setToolTip(f"Stop now; {op.after_cancel}")
            self.progress_dialog.stopping_text = f"Stopping… ({op.after_cancel})"
        job.finished.connect(lambda result: self._succeeded(op, job, result))
        job.failed.connect(lambda exc: self._failed(op, job, exc))
        self.runner.start(job)
        self.progress_dialog.open()
        self.started.emit(job)
        return job

    def _succeeded(self, op: Operation[T], job: Job, result: T) -> None:
        if op.changes:
            self.host.after_write(op.changes)
        op.success(result)
        self.ended.emit((job.title, result))

    def _failed(self, op: Operation[Any], job: Job, exc: BaseException) -> None:
        if op.changes and self.host.session is not None:
            self.host.after_write(op.changes)  # what was committed before it stopped stays
        if isinstance(exc, Cancelled):
            self.host.show_status(f"{job.title}: cancelled. {exc}")
        else:
            problem = op.problem(exc) if op.problem is not None else job_problem(job.title, exc)
            fix = self.host.tell(problem)
            if fix in self.fixes:
                self.fixes[fix]()
        self.ended.emit((job.title, exc))

    def shutdown(self, timeout_ms: int) -> bool:
        """Cancel the running job and wait for it; True if it stopped in time."""
        stopped = self.runner.shutdown(timeout_ms)
        if self.progress_dialog is not None:
            self.progress_dialog.done(0)
        return stopped
