"""The session's `Annotations`, as Qt signals: one place that changes annotations.

Every dock, viewer overlay and dialog makes its changes here. A change is saved
by the core at once (its own transaction), re-indexed, and goes on the undo
stack; this object then says so with `changed`, and views redraw what they show.
Errors from the core (`XArchiveError`) become a message for a person, never a
traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from ...core.annotate import Annotations, Change, ItemAnnotations, UndoStack
from ...core.errors import StorageError, XArchiveError
from ...core.wording import READ_ONLY_TITLE, READ_ONLY_WHY, sentence
from ..session import ArchiveSession

log = logging.getLogger(__name__)

T = TypeVar("T")


class AnnotationController(QObject):
    #: Something changed (an edit, an undo, a redo): the core's Change.
    changed = Signal(object)
    #: What Undo and Redo would do now changed.
    history_changed = Signal()
    #: An edit could not be made: (title, sentence for a person).
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: ArchiveSession | None = None
        self.notes: Annotations | None = None

    # -- the archive -------------------------------------------------------------------
    def set_session(self, session: ArchiveSession | None) -> None:
        """Annotate `session` from now on (None: no archive open). The history starts afresh."""
        if session is self.session:
            return
        self.session = session
        self.notes = None
        if session is not None:
            stack = UndoStack()
            stack.add_listener(self.history_changed.emit)
            self.notes = Annotations(session.archive, None, stack)
            self.notes.add_listener(self.changed.emit)
        self.history_changed.emit()
        self.changed.emit(None)

    @property
    def writable(self) -> bool:
        return self.session is not None and self.session.writable and self.notes is not None

    def _ready(self) -> Annotations | None:
        if self.notes is None or self.session is None:
            self.failed.emit("No archive is open", "Open an archive to annotate its items.")
            return None
        if not self.session.writable:
            self.failed.emit(
                READ_ONLY_TITLE,
                f"{READ_ONLY_WHY} Close it there and open the archive again here to annotate.",
            )
            return None
        # The session reopens its index after every import or rebuild: use the open one.
        searcher = self.session.searcher
        self.notes.index = searcher.index if searcher is not None else None
        return self.notes

    def run(self, title: str, edit: Callable[[Annotations], T]) -> T | None:
        """Make an edit; on failure say why (`failed`) and return None."""
        notes = self._ready()
        if notes is None:
            return None
        try:
            return edit(notes)
        except StorageError as exc:  # before XArchiveError, which it is too
            log.warning("%s failed", title, exc_info=True)
            self.failed.emit(title, f"The archive refused the change ({exc}).")
        except XArchiveError as exc:
            self.failed.emit(title, sentence(str(exc)))
        return None

    # -- reading -----------------------------------------------------------------------
    def of_item(self, item_id: int) -> ItemAnnotations | None:
        if self.notes is None:
            return None
        try:
            return self.notes.of_item(item_id)
        except XArchiveError:  # a StorageError too
            log.warning("could not read the annotations of #%s", item_id, exc_info=True)
            return None

    def tag_names(self) -> list[str]:
        """Every tag, most used first (for completion)."""
        if self.notes is None:
            return []
        try:
            return [t.name for t in self.notes.tags()]
        except StorageError:
            return []

    # -- undo and redo -----------------------------------------------------------------
    @property
    def undo_text(self) -> str:
        return self.notes.undo_stack.undo_text if self.notes else ""

    @property
    def redo_text(self) -> str:
        return self.notes.undo_stack.redo_text if self.notes else ""

    def undo(self) -> Change | None:
        if self.notes is None or not self.notes.undo_stack.can_undo:
            return None
        return self.run("Could not undo", lambda n: n.undo())

    def redo(self) -> Change | None:
        if self.notes is None or not self.notes.undo_stack.can_redo:
            return None
        return self.run("Could not redo", lambda n: n.redo())

    def reindex_pending(self) -> None:
        """After an import or a rebuild: index the items edited while the index was busy."""
        if self.notes is None or self.session is None or not self.session.writable:
            return
        searcher = self.session.searcher
        self.notes.index = searcher.index if searcher is not None else None
        if self.notes.index is not None and self.notes.unindexed:
            self.notes.reindex_pending()
