"""The badges of a post — what the platform said and did to it — as result cards and post
cards show them (issue 13): "Withheld in PK, IN", "Deleted 3 Mar 2024", "Suspended
account", "Not found on 2 May 2024", "Edited — 2 versions", "Captured 2 times".

The facts come from the core (core/posts/evidence.py); here they are worded short for a
card, with the whole of it for a tooltip and a screen reader ("Withheld in PK, IN (seen
21 Apr 2024)…"). Each badge carries a sign as well as a colour, and each colour pair
reads at a contrast of 4.5:1 or more in the light and the dark theme.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen

from ..core.archive import Archive
from ..core.errors import ItemNotFound, StorageError
from ..core.model import Item
from ..core.posts import evidence as ev
from .theme import DARK, colors

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Badge:
    """One thing a card says of a post: withheld, deleted, suspended, not found, edited…"""

    kind: str  # "withheld", "deleted", "suspended", "not-found", "edited", "captures"
    text: str  # on a post card: "Withheld in PK, IN · seen 21 Apr 2024"
    short: str  # on a result card: "Withheld in PK, IN"
    detail: str  # for a tooltip and a screen reader: everything, in a sentence or two

    @property
    def sign(self) -> str:
        return SIGNS.get(self.kind, "•")


#: A sign beside each badge's words (DejaVu Sans has each), so that colour is not all.
SIGNS = {
    "withheld": "⊘",
    "deleted": "✕",
    "suspended": "⊗",
    "not-found": "?",
    "edited": "✎",
    "captures": "⧉",
}
#: (background, text) of each kind of badge, light theme then dark; each pair reads at a
#: contrast of 4.5:1 or more.
_TONES = {
    "withheld": (("#fff1d6", "#7a4a00"), ("#45391b", "#f6d28f")),
    "deleted": (("#fde8e6", "#9b2119"), ("#4d2624", "#f7aaa3")),
    "suspended": (("#fde8e6", "#9b2119"), ("#4d2624", "#f7aaa3")),
    "not-found": (("#eceef1", "#3f4651"), ("#30343a", "#d3d7de")),
    "edited": (("#e3ecf7", "#1d4a80"), ("#2c3a4d", "#b3d1f3")),
    "captures": (("#eceef1", "#3f4651"), ("#30343a", "#d3d7de")),
}
#: The order badges are shown in: what a platform did first, then what the archive holds.
ORDER = ("withheld", "deleted", "suspended", "not-found", "edited", "captures")


def tone(kind: str) -> tuple[str, str]:
    """The (background, text) colours of a badge of `kind` in the theme in use."""
    light, dark = _TONES.get(kind, _TONES["captures"])
    return dark if colors() is DARK else light


def post_badges(archive: Archive, item_ids: Sequence[int]) -> dict[int, tuple[Badge, ...]]:
    """The badges of each post among `item_ids` (items that are no post have none)."""
    found = ev.evidence_fields(archive, list(item_ids))
    return {item_id: _badges(archive, item_id, fields) for item_id, fields in found.items()}


def _badges(archive: Archive, item_id: int, fields: ev.EvidenceFields) -> tuple[Badge, ...]:
    out: list[Badge] = []
    held = fields.withheld
    if held is not None:
        seen = held.describe()
        short = seen.split(" (seen")[0]
        text = short + (f" · seen {ev.day_label(held.first_seen_at)}" if held.first_seen_at else "")
        detail = seen
        if held.scope == "user" and held.via == "post":
            detail += "; the whole account is withheld there"
        if not held.current:
            detail += "; the latest capture no longer shows it withheld"
        out.append(Badge("withheld", text, short, detail + "."))
    if fields.deleted:
        when = ev.day_label(fields.deleted_at)
        text = f"Deleted {when}" if when else "Deleted"
        out.append(
            Badge("deleted", text, text, text + ("" if when else " (the date is not known)") + ".")
        )
    happened: list[ev.Event] | None = None
    if "suspended" in fields.flags:
        happened = ev.events(archive, item_id)
        told = [e.label for e in happened if e.action == "suspend"]
        detail = "The account of this post was suspended" + (f": {told[-1]}" if told else "")
        out.append(Badge("suspended", "Suspended account", "Suspended account", detail + "."))
    if "disappeared" in fields.changed:
        happened = happened if happened is not None else ev.events(archive, item_id)
        out.append(_gone(archive, item_id, happened))
    if fields.versions > 1:
        text = f"Edited — {fields.versions} versions"
        detail = f"{text}; this is version {fields.version} of {fields.versions}."
        out.append(Badge("edited", text, text, detail))
    if fields.captures > 1:
        text = f"Captured {fields.captures} times"
        out.append(Badge("captures", text, text, text + " (see Captures)."))
    return tuple(out)


def _gone(archive: Archive, item_id: int, happened: Sequence[ev.Event]) -> Badge:
    """'Not found on 2 May 2024' (a lookup did not find it) or 'Gone from a later archive'."""
    missing = [e for e in happened if e.action == "not_found"]
    if missing:
        last = missing[-1]
        when = ev.day_label(last.at)
        text = f"Not found on {when}" if when else "Not found by the API"
        return Badge("not-found", text, text, f"{text}: a lookup in {last.source} did not find it.")
    summary = ""
    try:
        steps = ev.changes(archive, item_id)
    except ItemNotFound:
        steps = []
    if steps and steps[-1].after is None:
        summary = steps[-1].changes[0].summary if steps[-1].changes else ""
        when = ev.day_label(steps[-1].missing_at)
        text = f"Gone by {when}" if when else "Gone from a later archive"
    else:
        text = "Gone from a later archive"
    return Badge("not-found", text, text, (summary[:1].upper() + summary[1:] or text) + ".")


class CardBadges:
    """The badges of result cards (all but "Captured 3 times"), read once per post (GUI
    thread, on the session's archive: a few small queries a post) and kept for the cards
    scrolled past."""

    LIMIT = 2000

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._kept: OrderedDict[int, tuple[Badge, ...]] = OrderedDict()

    def badges(self, item: Item) -> tuple[Badge, ...]:
        if item.kind != "post":
            return ()
        kept = self._kept.get(item.id)
        if kept is not None:
            self._kept.move_to_end(item.id)
            return kept
        try:
            found = post_badges(self.archive, [item.id]).get(item.id, ())
            # What the platform did, not how often the archive read it: the card is narrow.
            found = tuple(b for b in found if b.kind != "captures")
        except (StorageError, ItemNotFound):
            log.warning("the badges of item #%s could not be read", item.id, exc_info=True)
            found = ()
        self._kept[item.id] = found
        if len(self._kept) > self.LIMIT:
            self._kept.popitem(last=False)
        return found

    def describe(self, item: Item) -> str:
        """The badges in words, for a tooltip and a screen reader ("" for none)."""
        return " ".join(b.detail for b in self.badges(item))

    def forget(self) -> None:
        """The archive changed (an import brought events, captures): read them again."""
        self._kept.clear()


# -- drawing badges ----------------------------------------------------------------------


def badge_width(badge: Badge, metrics: QFontMetrics) -> int:
    return metrics.horizontalAdvance(f"{badge.sign} {badge.short}") + 12


def paint_badges(
    painter: QPainter, badges: Sequence[Badge], right: int, top: int, height: int, room: int
) -> int:
    """Draw `badges` as chips leftwards from `right`, in at most `room` pixels (those that
    do not fit are counted in a last "+2" chip); the width used."""
    metrics = painter.fontMetrics()
    widths = [badge_width(b, metrics) for b in badges]
    shown = len(badges)
    more = ""
    while shown and sum(widths[:shown]) + 4 * shown + _more_width(badges, shown, metrics) > room:
        shown -= 1
    if shown < len(badges):
        more = f"+{len(badges) - shown}"
    x = right
    if more:
        width = metrics.horizontalAdvance(more) + 10
        x -= width
        _chip(painter, QRect(x, top, width, height), more, tone("captures"))
        x -= 4
    for badge, width in reversed(list(zip(badges[:shown], widths[:shown], strict=True))):
        x -= width
        _chip(
            painter, QRect(x, top, width, height), f"{badge.sign} {badge.short}", tone(badge.kind)
        )
        x -= 4
    return right - x


def _more_width(badges: Sequence[Badge], shown: int, metrics: QFontMetrics) -> int:
    if shown == len(badges):
        return 0
    return metrics.horizontalAdvance(f"+{len(badges) - shown}") + 14


def _chip(painter: QPainter, rect: QRect, text: str, colours: tuple[str, str]) -> None:
    background, foreground = colours
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(foreground), 1))
    painter.setBrush(QColor(background))
    painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
    painter.setPen(QColor(foreground))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
