"""A post as a card — avatar, name, @account, local date, text, pictures, counts — in its
thread: the posts it answers above, the replies below, each a small card that opens it.

Links in the text show their expanded address and are never opened: a click goes to
the window's link handling (`link_clicked`). Hashtags and mentions are styled, not
links. Right-to-left posts (Urdu) are laid out right-to-left. The searched words are
marked on every card; the post's own text can be selected and shows its highlights
(drawn by gui/annotate, as in the text viewer).
"""

from __future__ import annotations

import contextlib
import html
import logging
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, QSize, QSizeF, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QIcon,
    QMouseEvent,
    QPainter,
    QPixmap,
    QPolygon,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core import sensitive as core_sensitive
from ...core.errors import ItemNotFound, StorageError
from ...core.model import VIDEO_TYPES, Post, PostMedia
from ...core.posts.threads import Thread, thread
from ...core.wording import clock, media_noun
from ..bidi import is_rtl, isolate
from ..session import ArchiveSession
from ..theme import colors
from ..widgets.sensitive import blurred, item_why_sensitive, sensitive_media
from .evidence import EvidenceStrip
from .post_evidence import PostEvidenceDialog, open_evidence
from .safe_browser import SafeTextBrowser
from .text import find_all

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"(https?://[^\s<>\"]+)|(?<![\w@#])([#@])(\w{1,100})")
_COUNT_NAMES = (("replies", "reply", "replies"), ("reposts", "repost", "reposts"),
                ("quotes", "quote", "quotes"), ("likes", "like", "likes"))  # fmt: skip
_LEADING_MENTIONS = re.compile(r"^(?:\s*[@.]\w+)+\s*")
AVATAR = 44
#: LEFT-TO-RIGHT MARK; annotate/text_highlights reads it as a space, so quotes still match.
LRM = "\u200e"
SMALL_AVATAR = 28


def posted_time(iso: str) -> str:
    """An ISO time as the archive's dates are, in UTC: the day the timeline, the result
    cards and date: searches give it. Where the computer's clock is in another time
    zone, the time there follows: '30 Nov 2024, 22:00 UTC (1 Dec 2024, 03:00 PKT)'.
    Shown in the clock's zone alone, a post of 1 Dec in Karachi was one the timeline
    put under 30 Nov (issue 12)."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        return moment.strftime("%-d %b %Y, %H:%M")
    utc = moment.astimezone(UTC)
    shown = f"{utc.strftime('%-d %b %Y, %H:%M')} UTC"
    local = moment.astimezone()
    if not local.utcoffset():
        return shown
    zone = local.strftime("%Z") or local.strftime("%z")
    there = local.strftime("%H:%M" if local.date() == utc.date() else "%-d %b %Y, %H:%M")
    return f"{shown} ({there} {zone})"


def initials(post: Post) -> str:
    name = post.display_name or post.account or "?"
    words = [w for w in re.split(r"[\s_]+", name) if w]
    letters = "".join(w[0] for w in words[:2]) or "?"
    return letters.upper()


def post_html(post: Post) -> str:
    """The post's text as HTML: links (expanded addresses) clickable, hashtags and mentions
    styled, everything else escaped. In a right-to-left post a left-to-right mark goes
    before each handle and hashtag, so that '@' and '#' stay with their word."""
    c = colors()
    out: list[str] = []
    text = post.text
    lrm = LRM if post_is_rtl(text) else ""
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(html.escape(text[position : match.start()]))
        if match.group(1):
            url = match.group(1).rstrip(".,;:!?)…")
            tail = match.group(1)[len(url) :]
            out.append(f'<a href="{html.escape(url, quote=True)}" style="color:{c.link}">'
                       f"{html.escape(url)}</a>{html.escape(tail)}")  # fmt: skip
        else:
            kind = "hashtag" if match.group(2) == "#" else "mention"
            out.append(f'{lrm}<span class="{kind}" style="color:{c.link}; font-weight:600">'
                       f"{html.escape(match.group(0))}</span>")  # fmt: skip
        position = match.end()
    out.append(html.escape(text[position:]))
    return "".join(out).replace("\n", "<br>")


def avatar(post: Post, size: int) -> QPixmap:
    """A circle in a colour chosen by the account, with the initials."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    hue = sum(ord(ch) for ch in (post.account or post.display_name)) * 37 % 360
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor.fromHsv(hue, 110, 190))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.4))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, initials(post))
    painter.end()
    return pixmap


def post_is_rtl(text: str) -> bool:
    """Whether the post reads right to left: judged by its words, not by the @handles
    a reply starts with, nor by links."""
    words = _LEADING_MENTIONS.sub("", text)
    words = re.sub(r"https?://\S+", "", words)
    return is_rtl(words or text)


class PostText(SafeTextBrowser):
    """A post's text as the card shows it, as tall as its text (the thread scrolls, not it).

    Searched words are marked, highlights drawn under them (`set_highlights`), both as
    extra selections: the text itself stays what `post_html` made of the post. The
    main card's text can be selected and its links clicked (reported, never opened); a
    compact card's text lets every click through to the card.
    """

    def __init__(self, post: Post, interactive: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postText")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setStyleSheet("QTextBrowser#postText { background: transparent; border: none; }")
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(0)
        if interactive:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        else:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            for widget in (self, self.viewport()):
                widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.matches: list[QTextCursor] = []
        self._marks: list[QTextEdit.ExtraSelection] = []
        #: Highlights drawn under the searched words (set by gui/annotate).
        self.highlights: list[QTextEdit.ExtraSelection] = []
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.setHtml(post_html(post) or "<i>(no text)</i>")
        self._set_direction(post_is_rtl(post.text))

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copy the post's words without the marks that keep @handles whole in RTL text."""
        data = super().createMimeDataFromSelection()
        copied = QMimeData()
        copied.setText(data.text().replace(LRM, ""))
        return copied

    def _set_direction(self, rtl: bool) -> None:
        direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        self.setLayoutDirection(direction)
        document = self.document()
        option = document.defaultTextOption()
        option.setTextDirection(direction)
        option.setAlignment(Qt.AlignmentFlag.AlignLeading)  # the right edge when RTL
        document.setDefaultTextOption(option)
        cursor = QTextCursor(document)
        block = document.begin()
        while block.isValid():
            fmt = block.blockFormat()
            fmt.setLayoutDirection(direction)
            fmt.setAlignment(Qt.AlignmentFlag.AlignLeading)
            cursor.setPosition(block.position())
            cursor.setBlockFormat(fmt)
            block = block.next()

    def _fit(self, size: QSizeF) -> None:
        self.setFixedHeight(math.ceil(size.height()) + 2 * self.frameWidth())

    def mark(self, words: Sequence[str]) -> None:
        """Mark every occurrence of the searched `words`."""
        c = colors()
        self.matches = find_all(self.document(), list(words))
        self._marks = []
        for cursor in self.matches:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(c.match_bg))
            fmt.setForeground(QColor(c.match_fg))
            selection.format = fmt
            self._marks.append(selection)
        self.setExtraSelections(self.highlights + self._marks)

    def set_highlights(self, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Draw these highlights, with the searched words marked over them."""
        self.highlights = list(selections)
        self.setExtraSelections(self.highlights + self._marks)


class PostCard(QFrame):
    """One post, `words` marked. `compact`: a line of the thread (smaller, clickable, no
    pictures, no selecting)."""

    clicked = Signal(int)
    link_clicked = Signal(QUrl)
    open_item = Signal(int)
    #: Its versions, captures or account asked for ("versions", "captures", "account").
    evidence_requested = Signal(str)
    #: One of its pictures or videos to be marked sensitive (True) or unmarked.
    mark_media = Signal(int, bool)

    def __init__(
        self,
        session: ArchiveSession,
        post: Post,
        compact: bool = False,
        depth: int = 0,
        parent: QWidget | None = None,
        words: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.post = post
        self.compact = compact
        self.setObjectName("postCardCompact" if compact else "postCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        c = colors()
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ border: 1px solid {c.border}; border-radius: 8px; "
            f"background: {c.base}; }}"
        )
        if compact:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip("Open this post")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10 + 18 * depth, 8, 10, 8)
        self.avatar = QLabel(self)
        self.avatar.setPixmap(avatar(post, SMALL_AVATAR if compact else AVATAR))
        self.avatar.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        body = QVBoxLayout()
        body.setSpacing(4)
        layout.addLayout(body, 1)

        self.name_label = QLabel(self)
        # Each part isolated: beside an Urdu name, "@urdu_khabar_demo · 17 Feb 2024, 17:03
        # UTC" was laid out right to left and read "urdu_khabar_demo · … UTC@" (issue 12).
        name = html.escape(isolate(post.display_name or post.account or "unknown account"))
        handle = html.escape(isolate(f"@{post.account}")) if post.account else ""
        when = html.escape(isolate(posted_time(post.published_at))) if post.published_at else ""
        # Left to right as the window is, whatever script the name is in (Qt would take
        # the paragraph's direction from the name's letters, isolated or not).
        self.name_label.setText(
            f"<div dir='ltr'><b>{name}</b> <span style='color:{c.muted}'>"
            + " · ".join(part for part in (handle, when) if part)
            + "</span></div>"
        )
        self.name_label.setTextFormat(Qt.TextFormat.RichText)
        body.addWidget(self.name_label)

        # What the platform did to it (withheld, deleted…), and its evidence views.
        self.evidence = EvidenceStrip(session.archive, post.item_id, compact, self)
        self.evidence.requested.connect(self.evidence_requested)
        body.addWidget(self.evidence)

        context = self._context()
        self.context_label = QLabel(context, self)
        self.context_label.setObjectName("muted")
        self.context_label.setVisible(bool(context))
        body.addWidget(self.context_label)

        self.text_view = PostText(post, interactive=not compact, parent=self)
        self.text_view.link_clicked.connect(self.link_clicked)
        if not compact:
            font = self.text_view.font()
            font.setPointSizeF(font.pointSizeF() * 1.15)
            self.text_view.setFont(font)
        self.text_view.mark(words)
        body.addWidget(self.text_view)

        self.media_buttons: list[MediaButton] = []
        if not compact and post.media:
            row = QHBoxLayout()
            facts = _media_facts(session, post.item_id)
            for media in post.media:
                button = MediaButton(session, media, facts.get(media.key, {}), self)
                button.open_item.connect(self.open_item)
                button.mark_requested.connect(self.mark_media)
                row.addWidget(button)
                self.media_buttons.append(button)
            row.addStretch(1)
            body.addLayout(row)

        counts = [f"{post.counts[key]:,} {one if post.counts[key] == 1 else many}"
                  for key, one, many in _COUNT_NAMES if key in post.counts]  # fmt: skip
        self.counts_label = QLabel("   ".join(counts), self)
        self.counts_label.setObjectName("muted")
        self.counts_label.setVisible(bool(counts) and not compact)
        body.addWidget(self.counts_label)

    def _context(self) -> str:
        post = self.post
        bits = []
        if post.is_retweet:
            who = f" @{post.retweet_of_account}" if post.retweet_of_account else ""
            bits.append(f"🔁 Repost of{who}")
        elif post.reply_to_id:
            who = f"@{post.reply_to_account}" if post.reply_to_account else "a post"
            bits.append(f"↩ Reply to {who}")
        if post.quote_of_id:
            bits.append("❝ Quotes a post")
        if post.is_deleted and not any(b.kind == "deleted" for b in self.evidence.badges):
            bits.append("Deleted" + (f" {post.deleted_at[:10]}" if post.deleted_at else ""))
        return "  ·  ".join(bits)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.compact and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.post.item_id)
            event.accept()
            return
        super().mousePressEvent(event)


class MediaButton(QToolButton):
    """A picture or video of a post: its thumbnail (a video's with ▶ and its duration),
    blurred while it is sensitive and not revealed — then a click reveals it, the next
    opens it. Its menu (right click, the Menu key) marks it sensitive, or unmarks it,
    without opening it first: a researcher marks what she has seen once."""

    open_item = Signal(int)
    #: (its item, sensitive): the reader asked to mark it sensitive or to unmark it.
    mark_requested = Signal(int, bool)

    def __init__(
        self,
        session: ArchiveSession,
        media: PostMedia,
        facts: dict[str, Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("postMedia")
        self.setIconSize(QSize(150, 110))
        self.media = media
        self._session = session
        self.why = item_why_sensitive(session, media.item_id)
        self.marked = self._read_mark()
        self._thumb = _thumbnail(session, media.item_id)
        if self._thumb is not None:  # at the size shown: a small video's frame too
            self._thumb = self._thumb.scaled(
                self.iconSize(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        video = media.type in VIDEO_TYPES
        duration = facts.get("duration")
        if media.item_id is not None and video:
            with contextlib.suppress(ItemNotFound):
                duration = session.item(media.item_id).extra.get("duration", duration)
        self.duration = (
            clock(float(duration), total=True) if isinstance(duration, int | float) else ""
        )
        what = media_noun(media.type)
        if self._thumb is not None and video:
            self._thumb = _with_play_badge(self._thumb, self.duration)
        if self._thumb is None:
            self.setText(" ".join(b for b in (what, self.duration) if b))
        self._tip = (
            (media.alt_text or f"A {what} of the post")
            + (f" ({self.duration})" if self.duration else "")
            + ("" if media.item_id is not None else " (not in the archive)")
        )
        self.setEnabled(media.item_id is not None)
        self.clicked.connect(self._clicked)
        sensitive_media().changed.connect(self.refresh)
        self.refresh()

    @property
    def hidden(self) -> bool:
        """Whether it is shown blurred now."""
        item_id = self.media.item_id
        return item_id is not None and sensitive_media().hidden(item_id, bool(self.why))

    def _read_mark(self) -> bool:
        item_id = self.media.item_id
        return item_id is not None and core_sensitive.is_marked(self._session.archive, item_id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.context_menu()
        if menu is not None:
            menu.exec(event.globalPos())

    def context_menu(self) -> QMenu | None:
        """Its menu: Mark as Sensitive (checked when it is marked) and Open; None for a
        medium the archive does not hold."""
        item_id = self.media.item_id
        if item_id is None:
            return None
        menu = QMenu(self)
        mark = menu.addAction("Mark as &Sensitive")
        mark.setCheckable(True)
        mark.setChecked(self.marked)
        mark.setToolTip("Blur it in cards and viewers until clicked (the tag ‘sensitive’)")
        mark.toggled.connect(lambda on: self.mark_requested.emit(item_id, on))
        menu.addAction("&Open", lambda: self.open_item.emit(item_id))
        return menu

    def refresh(self) -> None:
        if self.media.item_id is not None:  # marked or unmarked meanwhile (a tag)
            try:
                self.why = item_why_sensitive(self._session, self.media.item_id)
                self.marked = self._read_mark()
            except StorageError:  # its archive closed while the card is let go: it stays
                log.debug("the sensitive mark of #%s could not be read", self.media.item_id)
        if self._thumb is not None:
            shown = blurred(self._thumb, "Sensitive") if self.hidden else self._thumb
            self.setIcon(QIcon(shown))
        if self.hidden:
            self.setToolTip(f"Sensitive media ({self.why}): click to show it")
            self.setAccessibleName("Sensitive media, blurred: press to show it")
        else:
            self.setToolTip(self._tip)
            self.setAccessibleName(self._tip)

    def _clicked(self) -> None:
        item_id = self.media.item_id
        if item_id is None:
            return
        if self.hidden:
            sensitive_media().reveal(item_id)
        else:
            self.open_item.emit(item_id)


def _media_facts(session: ArchiveSession, post_item_id: int) -> dict[str, dict[str, Any]]:
    """What the post's data says of its videos (duration…), by media key."""
    try:
        extra = session.item(post_item_id).extra
    except ItemNotFound:
        return {}
    infos = extra.get("media_info") if isinstance(extra, dict) else None
    if not isinstance(infos, list):
        return {}
    return {str(i.get("key")): i for i in infos if isinstance(i, dict) and i.get("key")}


def _with_play_badge(thumb: QPixmap, duration: str) -> QPixmap:
    """The thumbnail with a ▶ in a circle at its centre and the duration at a corner."""
    badged = QPixmap(thumb)
    painter = QPainter(badged)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = max(14, min(badged.width(), badged.height()) // 3)
    centre = badged.rect().center()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 150))
    painter.drawEllipse(centre, side // 2, side // 2)
    painter.setBrush(QColor("white"))
    third = side // 5
    painter.drawPolygon(
        QPolygon([centre + QPoint(-third, -third - 2), centre + QPoint(-third, third + 2),
                  centre + QPoint(third + 4, 0)])
    )  # fmt: skip
    if duration:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(9, badged.height() // 9))
        painter.setFont(font)
        box = painter.fontMetrics().boundingRect(duration).adjusted(-4, -2, 4, 2)
        box.moveBottomRight(badged.rect().bottomRight() - QPoint(4, 4))
        painter.fillRect(box, QColor(0, 0, 0, 170))
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, duration)
    painter.end()
    return badged


def _thumbnail(session: ArchiveSession, item_id: int | None) -> QPixmap | None:
    if item_id is None:
        return None
    try:
        item = session.item(item_id)
    except ItemNotFound:
        return None
    extra = item.extra if isinstance(item.extra, dict) else {}
    path = session.derived_path(extra.get("thumbnail"))
    if path is None or not path.is_file():
        return None
    pixmap = QPixmap(str(path))
    return None if pixmap.isNull() else pixmap


class PostViewer(QScrollArea):
    """The post card with its thread; emits `open_item` for a post or picture clicked."""

    open_item = Signal(int)
    #: A picture or video of the post shown to be marked sensitive (True) or unmarked.
    mark_media = Signal(int, bool)
    link_clicked = Signal(QUrl)
    #: A post's card was made (its PostCard), before its item is announced as shown.
    card_shown = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postViewer")
        self.setWidgetResizable(True)
        self.thread: Thread | None = None
        self.card: PostCard | None = None
        self.above: list[PostCard] = []
        self.below: list[PostCard] = []
        self._body = QWidget(self)
        self.setWidget(self._body)
        self._session: ArchiveSession | None = None
        #: The versions, captures and account of the post shown (post_evidence.py).
        self.evidence_dialog: PostEvidenceDialog | None = None

    def close_evidence(self) -> None:
        if self.evidence_dialog is not None:
            self.evidence_dialog.close()

    def show_evidence(self, tab: str = "versions") -> PostEvidenceDialog | None:
        """Open the versions, captures or account (`tab`) of the post shown."""
        if self.card is None or self._session is None:
            return None
        self.evidence_dialog = open_evidence(
            self.evidence_dialog, self, self._session, self.card.post.item_id, tab,
            self.open_item.emit,
        )  # fmt: skip
        return self.evidence_dialog

    def show_post(self, session: ArchiveSession, item_id: int, words: Sequence[str] = ()) -> None:
        """Show post `item_id` in its thread, the searched `words` marked on every card.

        Raises ItemNotFound if it is no post."""
        found = thread(session.archive, item_id)
        self.thread = found
        self._session = session
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(6)
        self.above, self.below = [], []
        if found.missing_parent:
            missing = QLabel("↑ It answers a post that is not in the archive.", body)
            missing.setObjectName("muted")
            layout.addWidget(missing)
        for post in found.ancestors:
            self.above.append(self._compact(session, post, 0, body, layout, words))
        self.card = PostCard(session, found.post, parent=body, words=words)
        self.card.link_clicked.connect(self.link_clicked)
        self.card.open_item.connect(self.open_item)
        self.card.evidence_requested.connect(self.show_evidence)
        self.card.mark_media.connect(self.mark_media)
        layout.addWidget(self.card)
        for label, other in (("Quoted post", found.quoted), ("Reposted post", found.retweeted)):
            if other is not None:
                heading = QLabel(label, body)
                heading.setObjectName("muted")
                layout.addWidget(heading)
                self.below.append(self._compact(session, other, 1, body, layout, words))
        if found.replies:
            heading = QLabel(
                f"{len(found.replies)} repl{'y' if len(found.replies) == 1 else 'ies'} "
                "in the archive",
                body,
            )
            heading.setObjectName("muted")
            layout.addWidget(heading)
        for reply in found.replies:
            self.below.append(self._compact(session, reply.post, reply.depth, body, layout, words))
        layout.addStretch(1)
        old = self.takeWidget()
        self.setWidget(body)
        if old is not None:
            old.deleteLater()
        self._body = body
        if found.ancestors:  # the post itself in view, its context just above
            self.ensureWidgetVisible(self.card)
        self.card_shown.emit(self.card)

    def reveal_cursor(self) -> None:
        """Scroll the thread so that the place of the card's text cursor is in view."""
        if self.card is None:
            return
        text = self.card.text_view
        layout = self._body.layout()
        if layout is not None:
            layout.activate()  # a card just made has no place yet
        rect = text.cursorRect()
        point = text.viewport().mapTo(self._body, rect.center())
        self.ensureVisible(point.x(), point.y(), 20, max(60, rect.height() * 2))

    def _compact(
        self,
        session: ArchiveSession,
        post: Post,
        depth: int,
        parent: QWidget,
        layout: QVBoxLayout,
        words: Sequence[str],
    ) -> PostCard:
        card = PostCard(
            session, post, compact=True, depth=min(depth, 6), parent=parent, words=words
        )
        card.clicked.connect(self.open_item)
        layout.addWidget(card)
        return card
