"""Suggested links in the window: the Suggestions dock beside Links, and Annotate ▸ Find
Suggested Links, which compares the items not compared yet (those imported before
xarchive suggested links) as an operation."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject

from ..core.archive import Archive
from ..core.errors import XArchiveError
from ..core.jobs import CancelToken, ProgressCallback
from ..core.suggest import Suggestions
from ..core.wording import counted
from .annotate.controller import AnnotationController
from .docks.suggestions import SuggestionsDock
from .host import Host
from .operations import Changes, Operation
from .views.item import ItemViewer
from .widgets.info_bar import InfoBar
from .workers import Job

log = logging.getLogger(__name__)

FINDING = "Finding suggested links"


class SuggestUi(QObject):
    def __init__(
        self,
        host: Host,
        controller: AnnotationController,
        viewer: ItemViewer,
        open_item: Callable[[int], object],
    ) -> None:
        super().__init__(host.window())
        self.host = host
        # Accepting a suggestion is an annotation edit: through the controller and its undo.
        self.dock = SuggestionsDock(controller, host.window())
        self.dock.open_item.connect(open_item)
        viewer.item_shown.connect(self.dock.show_item)
        host.changed.connect(lambda changes: changes.suggestions and self.dock.refresh())
        self.action = host.add_action("find-links", self.start_scan)

    def waiting(self) -> int:
        """How many items were never compared (0 on a read-only archive, or if unknown)."""
        session = self.host.session
        if session is None or not session.writable:
            return 0
        try:
            return Suggestions(session.archive).unscanned()
        except XArchiveError:  # a StorageError too
            log.warning("could not count the items to compare", exc_info=True)
            return 0

    def offer(self, bar: InfoBar) -> bool:
        """Offer in `bar` to compare the items never compared; True if there are some."""
        waiting = self.waiting()
        if waiting:
            bar.show_message(
                f"{waiting:,} item{'s were' if waiting != 1 else ' was'} imported before "
                "xarchive suggested links between items, and not compared yet.",
                "Find Links",
                self.start_scan,
            )
        return bool(waiting)

    def start_scan(self) -> Job | None:
        """Compare the items not compared yet (imported before suggestions existed)."""

        def work(archive: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> int:
            assert archive is not None
            return Suggestions(archive).scan(None, progress, cancel).new

        def found(count: int) -> None:
            self.host.show_status(
                f"{counted(count, 'new link')} suggested (see the Suggestions panel of each item)."
            )

        return self.host.run(
            Operation(
                FINDING,
                work,
                found,
                writes="finding suggested links",
                changes=Changes(suggestions=True),
            )
        )
