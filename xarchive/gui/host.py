"""What a feature of the app (annotating, bundles, deleting, suggestions, importing …)
may ask of the window it lives in — and all it may ask.

Features depend on this small interface, never on `MainWindow` (which satisfies it): they
can be read, changed and tested without the window's insides, and main_window.py imports
them without their importing it back (a rule the build checks, pyproject.toml).

The widgets a feature works on (the viewer, the results) it is given when it is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from .messages import Problem
from .operations import Changes, Operation
from .session import ArchiveSession
from .workers import Job


class Host(Protocol):
    #: An archive was opened: its root.
    archive_opened: SignalInstance
    #: The archive changed (after an operation, an edit, a deletion): the `Changes`.
    changed: SignalInstance
    #: An operation ended: (title, result or exception).
    job_ended: SignalInstance

    @property
    def session(self) -> ArchiveSession | None:
        """The archive open, or None."""
        ...

    @property
    def busy(self) -> bool:
        """A job is running (one at a time)."""
        ...

    def window(self) -> QWidget:
        """The window: the parent of a feature's docks and dialogs."""
        ...

    def add_action(
        self, key: str, slot: Callable[[], object], enabled: Callable[[], bool] | None = None
    ) -> QAction:
        """The action `key` of actions.MENUS, doing `slot`; `enabled`: a condition beside
        its row's `when` (checked whenever the window's state changes)."""
        ...

    def can_write(self, what: str) -> bool:
        """Whether the archive can be written now; if not, the user was told why
        ("Open or create an archive before {what}.")."""
        ...

    def tell(self, problem: Problem) -> str | None:
        """Show `problem`; the fix chosen, or None."""
        ...

    def show_status(self, text: str, timeout_ms: int = 10_000) -> None:
        """A passing word in the status bar."""
        ...

    def run(self, op: Operation[Any]) -> Job | None:
        """Run `op` in the background (operations.py); its job, or None if it may not start."""
        ...

    def after_write(self, changes: Changes) -> None:
        """The archive was changed outside an operation: refresh what `changes` names."""
        ...
