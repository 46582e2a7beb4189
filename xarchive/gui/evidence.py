"""Posts as evidence in the window (issue 13): the badges of result cards (withheld,
deleted, suspended, not found, edited), said to screen readers and tooltips too; the
archive's compliance events marked on the timeline; and View ▸ Post Versions, Post
Captures and Post Author's Account for the post shown — wired through the host interface.

The post card's own badges and its versions, captures and account views are the post
viewer's (views/post.py, views/evidence.py, views/post_evidence.py).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from ..core.archive import Archive
from ..core.errors import StorageError
from ..core.posts import evidence as ev
from .badges import CardBadges

if TYPE_CHECKING:
    from .docks.timeline import TimelineDock
    from .host import Host
    from .models.results import ResultsModel
    from .operations import Changes
    from .views.item import ItemViewer
    from .widgets.results_view import ResultsView

log = logging.getLogger(__name__)

#: The timeline's kinds of events, by the actions of the core (posts/evidence.py).
TIMELINE_KINDS = {
    "delete": "deletion",
    "withheld": "withholding",
    "suspend": "suspension",
    "not_found": "not-found",
}


def event_days(archive: Archive) -> dict[date, dict[str, int]]:
    """The archive's compliance events by day, by kind: deletion, withholding, suspension,
    not found (a lookup) and other (a location removed, a post dropped, an account
    protected …)."""
    every = ev.event_day_counts(archive)
    found: dict[date, dict[str, int]] = {}
    named = {day: 0 for day in every}
    for action, kind in TIMELINE_KINDS.items():
        for day, count in ev.event_day_counts(archive, [action]).items():
            found.setdefault(day, {})[kind] = count
            named[day] = named.get(day, 0) + count
    for day, count in every.items():
        if count > named.get(day, 0):
            found.setdefault(day, {})["other"] = count - named.get(day, 0)
    return found


class EvidenceUi:
    """The feature: result cards' badges and the timeline's marks, per archive open."""

    def __init__(
        self,
        host: Host,
        results: ResultsView,
        model: ResultsModel,
        timeline: TimelineDock,
        viewer: ItemViewer,
    ) -> None:
        self.host, self.results, self.model, self.timeline = host, results, model, timeline
        self.viewer = viewer
        for key, tab in (("post-versions", "versions"), ("post-captures", "captures"),
                         ("post-account", "account")):  # fmt: skip
            host.add_action(key, lambda t=tab: viewer.post.show_evidence(t), self._post_shown)
        host.archive_opened.connect(lambda _root: self._opened())
        host.changed.connect(self._changed)

    def _post_shown(self) -> bool:
        item = self.viewer.item
        return item is not None and item.kind == "post" and self.viewer.post.card is not None

    def _opened(self) -> None:
        self.viewer.post.close_evidence()  # another archive's item #12 is another post
        session = self.host.session
        badges = CardBadges(session.archive) if session is not None else None
        self.results.delegate.evidence = badges
        self.model.describe = badges.describe if badges is not None else None
        self._mark_timeline()

    def _changed(self, changes: Changes) -> None:
        badges = self.results.delegate.evidence
        if badges is not None:
            badges.forget()
        self.results.viewport().update()
        self._mark_timeline()
        dialog = self.viewer.post.evidence_dialog  # an import may have brought a capture
        session = self.host.session
        if dialog is not None and dialog.isVisible() and session is not None:
            dialog.refresh(session)

    def _mark_timeline(self) -> None:
        session = self.host.session
        if session is None:
            self.timeline.set_events({})
            return
        try:
            self.timeline.set_events(event_days(session.archive))
        except StorageError:
            log.warning("the events could not be read for the timeline", exc_info=True)
            self.timeline.set_events({})
