"""Posts as evidence in the window (issue 13): the badges of result cards (withheld,
deleted, suspended, not found, edited), said to screen readers and tooltips too; and
View ▸ Post Versions, Post Captures and Post Author's Account for the post shown — wired
through the host interface. The timeline's marks of compliance events come with the
results' days (searching.py, core/posts/timeline.py).

The post card's own badges and its versions, captures and account views are the post
viewer's (views/post.py, views/evidence.py, views/post_evidence.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .badges import CardBadges

if TYPE_CHECKING:
    from .docks.timeline import TimelineDock
    from .host import Host
    from .models.results import ResultsModel
    from .operations import Changes
    from .views.item import ItemViewer
    from .widgets.results_view import ResultsView


class EvidenceUi:
    """The feature: result cards' badges, per archive open."""

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
        self.timeline.set_events({})  # another archive's: the search marks its own

    def _changed(self, changes: Changes) -> None:
        badges = self.results.delegate.evidence
        if badges is not None:
            badges.forget()
        self.results.viewport().update()
        dialog = self.viewer.post.evidence_dialog  # an import may have brought a capture
        session = self.host.session
        if dialog is not None and dialog.isVisible() and session is not None:
            dialog.refresh(session)
