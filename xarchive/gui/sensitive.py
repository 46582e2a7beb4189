"""The feature of sensitive media: View ▸ Blur Sensitive Media (remembered in the user's
settings, settings.BLUR_SENSITIVE), Annotate ▸ Mark as Sensitive, and the result cards'
thumbnails, wired to the window through its host interface. What the views draw with
(the switch, the blur, the cover) is widgets/sensitive.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import sensitive as core_sensitive
from . import settings as cfg
from .widgets.sensitive import MediaThumbnails, sensitive_media

if TYPE_CHECKING:
    from .annotate.controller import AnnotationController
    from .host import Host
    from .views.item import ItemViewer
    from .widgets.results_view import ResultsView


class SensitiveUi:
    """The feature: View ▸ Blur Sensitive Media and Annotate ▸ Mark as Sensitive, and the
    result cards' thumbnails, wired to the window through its host interface."""

    def __init__(
        self,
        host: Host,
        settings: cfg.UserSettings,
        viewer: ItemViewer,
        results: ResultsView,
        controller: AnnotationController,
    ) -> None:
        self.host, self.settings, self.viewer, self.results = host, settings, viewer, results
        self.controller = controller
        self.media = sensitive_media()
        self.media.set_blur(bool(settings.get(cfg.BLUR_SENSITIVE)))
        self.blur_action = host.add_action("blur-sensitive", self.toggle_blur)
        self.blur_action.setChecked(self.media.blur)
        self.mark_action = host.add_action(
            "mark-sensitive", self.toggle_mark, enabled=self._can_mark
        )
        viewer.item_shown.connect(lambda _item: self._show_mark())
        viewer.post.mark_media.connect(self.mark_media)  # a post card's picture's menu
        host.archive_opened.connect(lambda _root: self._opened())
        # Marks are tags: one marked, unmarked or undone changes what is blurred.
        controller.changed.connect(lambda _change: self._marks_changed())
        self.media.changed.connect(results.viewport().update)

    def _opened(self) -> None:
        self.media.forget_revealed()
        session = self.host.session
        self.results.delegate.media = MediaThumbnails(session) if session is not None else None

    def toggle_blur(self) -> None:
        blur = self.blur_action.isChecked()
        self.settings.set(cfg.BLUR_SENSITIVE, blur)
        self.media.set_blur(blur)
        self.host.show_status(
            "Sensitive media are blurred until clicked." if blur else "Sensitive media are shown."
        )

    def _can_mark(self) -> bool:
        return self.viewer.item is not None and self.controller.writable

    def _show_mark(self) -> None:
        item, session = self.viewer.item, self.host.session
        marked = (
            item is not None
            and session is not None
            and core_sensitive.is_marked(session.archive, item.id)
        )
        self.mark_action.setChecked(marked)
        self.mark_action.setEnabled(self._can_mark())

    def toggle_mark(self) -> None:
        item = self.viewer.item
        sensitive = self.mark_action.isChecked()  # the check the menu just turned
        if item is not None and self.host.can_write("marking media sensitive"):
            title = "Mark as sensitive" if sensitive else "Unmark sensitive"
            self.controller.run(title, lambda notes: core_sensitive.mark(notes, item.id, sensitive))
        self._show_mark()  # what the archive says now, whether or not the change was made

    def mark_media(self, item_id: int, sensitive: bool) -> None:
        """Mark a post's picture or video sensitive (or unmark it) from the post card,
        without opening it: an annotation, undone like the others."""
        if self.controller.writable and self.host.can_write("marking media sensitive"):
            title = "Mark as sensitive" if sensitive else "Unmark sensitive"
            self.controller.run(title, lambda notes: core_sensitive.mark(notes, item_id, sensitive))
        self.media.changed.emit()  # the card shows what the archive says now, either way

    def _marks_changed(self) -> None:
        delegate_media = self.results.delegate.media
        if delegate_media is not None:
            delegate_media.forget_marks()
        self._show_mark()
        self.media.changed.emit()
