"""Edit ▸ Delete Item…: never silently, and never losing what was said about the item.

The core (`core/annotate/deletion.py`) refuses to delete an item with notes,
highlights, regions, tags or links until told what becomes of them; here the
user is asked, naming what is attached: delete them too, or keep them orphaned
(listed among the orphaned annotations, attached again if the same file is
imported again). The original is not destroyed: it moves to the archive's
trash/ folder, and the audit log keeps who deleted what and when.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from ..core.annotate.deletion import DeletedItem, Policy, delete_item
from ..core.annotate.deletion import attached as item_attached
from ..core.errors import StorageError, XArchiveError
from .annotate.controller import AnnotationController
from .host import Host
from .messages import Problem, job_problem
from .operations import Changes
from .views.item import ItemViewer

log = logging.getLogger(__name__)

DELETE = "Delete"
KEEP_ANNOTATIONS = "Delete, Keep Its Annotations"
DELETE_ANNOTATIONS = "Delete It and Its Annotations"


class DeleteUi(QObject):
    """The Delete Item action of a main window."""

    def __init__(self, host: Host, viewer: ItemViewer, controller: AnnotationController) -> None:
        super().__init__(host.window())
        self.host = host
        self.viewer = viewer
        self.controller = controller
        self.action = host.add_action(
            "delete-item", self.delete_shown, enabled=lambda: viewer.item is not None
        )

    def delete_shown(self) -> DeletedItem | None:
        """Ask, then delete the item in the viewer. Returns what was done (None if not)."""
        item = self.viewer.item
        if item is None or not self.host.can_write("deleting an item"):
            return None
        session = self.host.session
        assert session is not None
        try:
            attached = item_attached(session.archive, item.id)
        except StorageError as exc:
            self.host.tell(job_problem("Deleting the item", exc))
            return None
        has_links = bool(attached.links_out or attached.links_in)
        has_any = bool(attached.annotations or has_links)
        text = (
            f"#{item.id} ‘{item.title}’ leaves the archive and the search. Its original "
            "is not destroyed: it moves to the archive's trash folder, from where it can "
            "be imported again."
        )
        if has_any:
            advice = (
                f"It has {attached.describe()}. Keep them, and they stay in the archive, "
                "orphaned, and come back to the item if the same file is imported again; "
                "or delete them with it."
            )
            fixes: tuple[str, ...] = (KEEP_ANNOTATIONS, DELETE_ANNOTATIONS)
        else:
            advice, fixes = "Nothing is attached to it: no notes, tags or links.", (DELETE,)
        answer = self.host.tell(
            Problem(f"Delete ‘{item.title}’?", text, advice, fixes, severity="warning")
        )
        if answer not in fixes:
            return None
        policy: Policy = "delete" if answer == DELETE_ANNOTATIONS else "keep-orphaned"
        try:
            done = delete_item(
                session.archive,
                item.id,
                annotations=policy if attached.annotations else None,
                links=policy if has_links else None,
                index=session.searcher.index if session.searcher is not None else None,
            )
        except (XArchiveError, OSError) as exc:  # a StorageError is an XArchiveError
            log.info("deleting #%s failed: %s", item.id, exc)
            self.host.tell(job_problem("Deleting the item", exc))
            return None
        self.viewer.clear("The item was deleted.")
        notes = self.controller.notes
        if notes is not None:
            # Earlier edits may name the item or its annotations: they cannot be undone now.
            notes.undo_stack.clear()
        self.controller.changed.emit(None)
        self.host.after_write(Changes(items=True))
        where = f" Its original is in {done.trashed}." if done.trashed else ""
        self.host.show_status(f"Deleted #{item.id} ‘{item.title}’.{where}", 15_000)
        return done
