"""What the platform said and did to a post, on its card (issue 13): its badges
(gui/badges.py), the buttons that open its versions, captures and account
(views/post_evidence.py), and the text differences between versions — struck through or
underlined, not only coloured: a reader who cannot tell red from green reads them too.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from ...core.archive import Archive
from ...core.errors import ItemNotFound
from ...core.posts import evidence as ev
from ..badges import Badge, post_badges, tone
from ..bidi import is_rtl, isolate
from ..theme import DARK, colors

# -- on a post card ------------------------------------------------------------------------


class BadgeLabel(QLabel):
    """A badge on a post card: its sign and words on its colour, the whole sentence as its
    tooltip and accessible name. It takes the keyboard focus, so that a screen reader
    user who tabs through the card hears it."""

    def __init__(self, badge: Badge, compact: bool, parent: QWidget | None = None) -> None:
        super().__init__(f"{badge.sign} {isolate(badge.short if compact else badge.text)}", parent)
        self.badge = badge
        self.setObjectName(f"badge-{badge.kind}")
        background, foreground = tone(badge.kind)
        self.setStyleSheet(
            f"QLabel {{ background: {background}; color: {foreground}; border: 1px solid "
            f"{foreground}; border-radius: 4px; padding: 1px 6px; }}"
            f"QLabel:focus {{ border: 2px solid {colors().highlight}; }}"
        )
        self.setToolTip(badge.detail)
        self.setAccessibleName(badge.text)
        self.setAccessibleDescription(badge.detail)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus if compact else Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        if compact:
            font = QFont(self.font())
            font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
            self.setFont(font)


class EvidenceStrip(QWidget):
    """Under a post card's name: its badges, and buttons that open its versions, its
    captures and its account (`requested`: "versions", "captures" or "account")."""

    requested = Signal(str)

    def __init__(
        self,
        archive: Archive,
        item_id: int,
        compact: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceStrip")
        try:
            self.badges = post_badges(archive, [item_id]).get(item_id, ())
        except ItemNotFound:
            self.badges = ()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.labels = [BadgeLabel(b, compact, self) for b in self.badges]
        for label in self.labels:
            layout.addWidget(label)
        self.buttons: dict[str, QPushButton] = {}
        if not compact:
            for key, text, tip in self._views(archive, item_id):
                button = QPushButton(text, self)
                button.setObjectName(f"evidence-{key}")
                button.setToolTip(tip)
                button.setAccessibleName(f"{text.rstrip('…')} of this post")
                button.setAccessibleDescription(tip)
                button.setAutoDefault(False)
                button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
                button.clicked.connect(lambda _=False, k=key: self.requested.emit(k))
                layout.addWidget(button)
                self.buttons[key] = button
        layout.addStretch(1)
        self.setVisible(bool(self.labels or self.buttons))

    def _views(self, archive: Archive, item_id: int) -> list[tuple[str, str, str]]:
        """The views this post has something for: (key, button text, tooltip)."""
        found = []
        edited = any(b.kind == "edited" for b in self.badges)
        if edited:
            found.append(
                (
                    "versions",
                    "Versions…",
                    "The versions of this post, with what changed (Ctrl+Shift+V)",
                )
            )
        try:
            count = len(ev.captures(archive, item_id)) + len(ev.picture_captures(archive, item_id))
            author = ev.account_of(archive, item_id)
        except ItemNotFound:
            return found
        if count:
            found.append(
                (
                    "captures",
                    "Captures…",
                    f"Every capture of this post ({count}) and what changed between them"
                    " (Ctrl+Shift+C)",
                )
            )
        if author is not None:
            found.append(
                ("account", "Account…", f"The account {author.title} and its posts (Ctrl+Shift+O)")
            )
        return found


# -- text differences ------------------------------------------------------------------------


def diff_html(parts: Sequence[ev.TextPart], rtl: bool | None = None) -> str:
    """The differences as HTML: what was added underlined on green, what was removed struck
    through on red — the lines and the signs say it without the colours. `rtl`: the text's
    direction (judged by its letters when None)."""
    c = colors()
    dark = c is DARK
    added_bg, added_fg = ("#1f4a2a", "#c9f2d2") if dark else ("#d8f5dd", "#0f5323")
    removed_bg, removed_fg = ("#5a2626", "#f6c7c3") if dark else ("#fbe0de", "#8f1d16")
    whole = "".join(p.text for p in parts)
    if rtl is None:
        rtl = is_rtl(whole)
    out = []
    for part in parts:
        text = html.escape(part.text).replace("\n", "<br>")
        if part.change == "added":
            out.append(
                f'<span style="background:{added_bg}; color:{added_fg}; '
                f'text-decoration: underline;" title="added">{text}</span>'
            )
        elif part.change == "removed":
            out.append(
                f'<span style="background:{removed_bg}; color:{removed_fg}; '
                f'text-decoration: line-through;" title="removed">{text}</span>'
            )
        else:
            out.append(text)
    return f'<div dir="{"rtl" if rtl else "ltr"}">{"".join(out)}</div>'


def diff_words(parts: Sequence[ev.TextPart]) -> str:
    """The differences as plain words, for a screen reader: 'removed: …; added: …'."""
    said = []
    for part in parts:
        if part.change == "removed" and part.text.strip():
            said.append(f"removed “{part.text.strip()}”")
        elif part.change == "added" and part.text.strip():
            said.append(f"added “{part.text.strip()}”")
    return "; ".join(said) or "no difference in the text"
