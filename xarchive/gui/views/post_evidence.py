"""The evidence of one post, in three views a post card opens (issue 13):

- **Versions**: every version of an edited post in order, each with what its text
  changed from the one before (added words underlined, removed ones struck through),
  each openable;
- **Captures**: every capture of the post (when, from which file and record, the
  record's SHA-256) and what changed between consecutive captures — text, counts,
  media, withheld state, reply and quote targets — down to its disappearance; and the
  screenshots that show it;
- **Account**: the author's account record (handle, name, bio, location, creation,
  counts, protected, verified, withheld, suspended), its captures and events, and its
  posts in the archive, each openable.

Everything is read from the archive open, at once and off the GUI thread
(`read_evidence`, a job with its own connection: a post with hundreds of captures or
an account with thousands of posts keeps the window responsive), then shown; nothing
is loaded from anywhere else. What was read is kept, so that a change of theme draws
the views again in its colours without reading again. A window beside the main one,
not modal: a researcher compares it with the post while writing.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.archive import Archive
from ...core.errors import ItemNotFound
from ...core.model import Post
from ...core.posts import evidence as ev
from ..badges import Badge, post_badges
from ..bidi import is_rtl, isolate, isolate_runs
from ..session import ArchiveSession
from ..theme import Colors, colors
from ..workers import Job
from .evidence import diff_html, diff_words
from .metadata import human_date
from .safe_browser import SafeTextBrowser

log = logging.getLogger(__name__)

TABS = ("versions", "captures", "account")
LRM = "\u200e"


@dataclass(frozen=True, slots=True)
class EvidenceRead:
    """All the three views show of one post, read at once (`read_evidence`)."""

    item_id: int
    handle: str  # the post's account, as the post names it
    chain: ev.Versions
    captures: tuple[ev.Capture, ...]
    changes: tuple[ev.CaptureChange, ...]
    pictures: tuple[ev.PictureCapture, ...]
    events: tuple[ev.Event, ...]
    account: ev.Account | None
    account_captures: tuple[ev.AccountCapture, ...] = ()
    account_posts: tuple[Post, ...] = ()  # oldest first
    badges: dict[int, tuple[Badge, ...]] | None = None  # of the account's posts


def read_evidence(archive: Archive, item_id: int) -> EvidenceRead:
    """Read the versions, captures, events and account of post `item_id` (on a job's
    thread, with its own connection). Raises ItemNotFound for an item that is no post."""
    post = archive.post(item_id)
    account = ev.account_of(archive, item_id)
    captures: tuple[ev.AccountCapture, ...] = ()
    posts: tuple[Post, ...] = ()
    badges: dict[int, tuple[Badge, ...]] = {}
    if account is not None:
        captures = tuple(ev.account_captures(archive, account))
        ids = ev.account_posts(archive, account)
        posts = tuple(archive.posts(ids))
        badges = post_badges(archive, ids)
    return EvidenceRead(
        item_id, post.account, ev.versions(archive, item_id),
        tuple(ev.captures(archive, item_id)), tuple(ev.changes(archive, item_id)),
        tuple(ev.picture_captures(archive, item_id)), tuple(ev.events(archive, item_id)),
        account, captures, posts, badges,
    )  # fmt: skip


def _text_html(text: str) -> str:
    shown = html.escape(text).replace("\n", "<br>") or "<i>(no text)</i>"
    return f'<div dir="{"rtl" if is_rtl(text) else "ltr"}">{shown}</div>'


def _cell(value: str) -> str:
    """A value in a row of a table of facts: escaped, its Urdu runs isolated."""
    c = colors()
    if not value:
        return f'<span style="color:{c.muted};">—</span>'
    # Left to right as the labels are (an Urdu name alone would start the line at the right).
    return LRM + html.escape(isolate_runs(value, rtl=False))


def _rows(pairs: Sequence[tuple[str, str]]) -> str:
    c = colors()
    return "".join(
        f'<tr><td style="color:{c.muted}; padding-right:12px; white-space:nowrap;">'
        f"{html.escape(label)}</td><td>{_cell(value)}</td></tr>"
        for label, value in pairs
    )


class FitBrowser(SafeTextBrowser):
    """Read-only rich text as tall as it is (the view around it scrolls)."""

    def __init__(self, body: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)  # Tab goes on to the next view, not into the text
        self.document().setDocumentMargin(4)
        self.document().documentLayout().documentSizeChanged.connect(
            lambda size: self.setFixedHeight(int(size.height()) + 4)
        )
        self.setHtml(body)


def _scrolled(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() + 1)
    label.setFont(font)
    return label


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def _open_button(text: str, item_id: int | None, opener: Callable[[int], None]) -> QPushButton:
    button = QPushButton(text)
    button.setAutoDefault(False)
    button.setEnabled(item_id is not None)
    if item_id is not None:
        button.clicked.connect(lambda _=False: opener(item_id))
    return button


class VersionsView(QWidget):
    """The versions of an edited post, oldest first, each with its differences."""

    def __init__(self, read: EvidenceRead, opener: Callable[[int], None]) -> None:
        super().__init__()
        self.setObjectName("versionsView")
        item_id = read.item_id
        self.chain = read.chain
        layout = QVBoxLayout(self)
        self.heading = _heading(
            self.chain.describe() if self.chain.edited else "This post was not edited", self
        )
        layout.addWidget(self.heading)
        if self.chain.edited:
            layout.addWidget(
                _note(
                    "Oldest first. Each version shows what it changed from the one before: added "
                    "words underlined, removed words struck through.",
                    self,
                )
            )
        self.frames: list[QFrame] = []
        self.open_buttons: list[QPushButton] = []
        self.texts: list[FitBrowser] = []
        total = len(self.chain.versions)
        for version in self.chain.versions if self.chain.edited else ():
            frame = QFrame(self)
            frame.setObjectName("version")
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            box = QVBoxLayout(frame)
            this = " — the post shown" if version.item_id == item_id else ""
            when = human_date(version.published_at).split("   (")[0]
            title = f"Version {version.number} of {total}{this}"
            facts = " · ".join(
                b for b in (when, f"id {version.platform_id.partition(':')[2]}") if b
            )
            box.addWidget(_heading(title, frame))
            box.addWidget(_note(facts, frame))
            if version.item_id is None:
                body = (
                    "<i>This version is not in the archive: the platform lists it, no "
                    "capture of it was imported.</i>"
                )
                said = "not in the archive"
            elif version.diff:
                body = diff_html(version.diff)
                said = diff_words(version.diff)
            else:
                body = _text_html(version.text)
                said = "the first version"
            text = FitBrowser(body, f"Version {version.number}: {said}", frame)
            box.addWidget(text)
            button = _open_button(f"Open version {version.number}", version.item_id, opener)
            button.setAccessibleName(f"Open version {version.number} of {total}")
            box.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(frame)
            self.frames.append(frame)
            self.texts.append(text)
            self.open_buttons.append(button)
        layout.addStretch(1)


class CapturesView(QWidget):
    """Every capture of the post, what changed between them, and the screenshots of it."""

    def __init__(self, read: EvidenceRead, opener: Callable[[int], None]) -> None:
        super().__init__()
        self.setObjectName("capturesView")
        self.captures = list(read.captures)
        self.changes = list(read.changes)
        self.pictures = list(read.pictures)
        count = len(self.captures)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _heading(
                f"{count} capture{'s' if count != 1 else ''} of this post"
                + (
                    f", {len(self.pictures)} screenshot{'s' if len(self.pictures) != 1 else ''}"
                    if self.pictures
                    else ""
                ),
                self,
            )
        )
        layout.addWidget(
            _note(
                "Each time the archive read this post — another export, a later collection, an "
                "X archive — with when the source took it from the platform and what changed "
                "from the capture before.",
                self,
            )
        )
        after = {change.before.number: change for change in self.changes}
        self.blocks: list[FitBrowser] = []
        for capture in self.captures:
            block = FitBrowser(self._capture_html(capture), f"Capture {capture.number}", self)
            layout.addWidget(block)
            self.blocks.append(block)
            change = after.get(capture.number)
            if change is not None:
                block = FitBrowser(self._change_html(change), self._change_name(change), self)
                block.setObjectName("captureChange")
                layout.addWidget(block)
                self.blocks.append(block)
        self.events = list(read.events)
        if self.events:
            block = FitBrowser(self._events_html(self.events), "What the platform did", self)
            layout.addWidget(block)
            self.blocks.append(block)
        self.picture_buttons: list[QPushButton] = []
        if self.pictures:
            layout.addWidget(_heading("Screenshots that show it", self))
            for picture in self.pictures:
                taken = human_date(picture.captured_at).split("   (")[0] or "date unknown"
                button = _open_button(
                    f"Open {isolate(picture.title)} (taken {taken})", picture.item_id, opener
                )
                if picture.link_note:
                    button.setToolTip(picture.link_note)
                layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
                self.picture_buttons.append(button)
        layout.addStretch(1)

    def text(self) -> str:
        return "\n".join(b.toPlainText() for b in self.blocks)

    @staticmethod
    def _capture_html(capture: ev.Capture) -> str:
        rows = [
            ("Taken", human_date(capture.captured_at) or "not said by the source"),
            ("Imported", human_date(capture.imported_at)),
            ("Source", capture.source),
            ("File", capture.container_name),
            ("Where", capture.where),
            ("Record SHA-256", capture.record_sha256),
        ]
        if capture.known:
            counts = ", ".join(f"{n} {k}" for k, n in sorted(capture.counts.items()))
            rows += [("Counts", counts)]
            if capture.withheld is not None:
                codes = ", ".join(capture.withheld.country_codes) or "some countries"
                rows += [
                    (
                        "Withheld",
                        f"in {codes}" + (" (copyright)" if capture.withheld.copyright else ""),
                    )
                ]
            if capture.media:
                rows += [("Media", ", ".join(capture.media))]
        else:
            rows += [("Said", "not kept: imported before xarchive kept what captures said")]
        title = f"<b>Capture {capture.number}</b>"
        said = ""
        if capture.known:  # what the post said then, in its own direction
            c = colors()
            said = (f'<p style="color:{c.muted};">What it said</p>'
                    f'<div style="margin-left:8px;">{_text_html(capture.text)}</div>')  # fmt: skip
        return f'<p>{title}</p><table cellspacing="0" cellpadding="1">{_rows(rows)}</table>{said}'

    @staticmethod
    def _events_html(events: Sequence[ev.Event]) -> str:
        listed = "".join(
            f"<li>{html.escape(e.label)} — {html.escape(e.source)}"
            + (f", {html.escape(e.where)}" if e.where else "")
            + (f" (also in {html.escape(', '.join(e.also_in))})" if e.also_in else "")
            + "</li>"
            for e in events
        )
        return f"<p><b>What the platform did to the post and its account</b></p><ul>{listed}</ul>"

    @staticmethod
    def _change_name(change: ev.CaptureChange) -> str:
        if change.after is None:
            return f"After capture {change.before.number}: it disappeared"
        return f"What changed from capture {change.before.number} to {change.after.number}"

    @classmethod
    def _change_html(cls, change: ev.CaptureChange) -> str:
        c = colors()
        items = []
        for found in change.changes:
            if found.name == "text" and found.diff:
                items.append(
                    f"<li><b>text</b> (added underlined, removed struck through):"
                    f"{diff_html(found.diff)}</li>"
                )
            else:
                items.append(
                    f"<li><b>{html.escape(found.name)}</b>: "
                    f"{html.escape(isolate_runs(found.summary, rtl=False))}</li>"
                )
        return (
            f'<div style="margin-left:16px; color:{c.text};">'
            f"<p><b>↓ {html.escape(cls._change_name(change))}</b></p>"
            f"<ul>{''.join(items)}</ul></div>"
        )


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


class AccountView(QWidget):
    """The author's account record, its captures and events, and its posts."""

    def __init__(self, read: EvidenceRead, opener: Callable[[int], None]) -> None:
        super().__init__()
        self.setObjectName("accountView")
        self.opener = opener
        item_id = read.item_id
        self.account = read.account
        layout = QVBoxLayout(self)
        self.posts = QListWidget(self)
        self.posts.setObjectName("accountPosts")
        self.posts.setAccessibleName("The account's posts in the archive")
        self.posts.itemActivated.connect(self._activated)
        self.facts: FitBrowser | None = None
        self.captures: list[ev.AccountCapture] = []
        if self.account is None:
            layout.addWidget(
                _heading(f"@{read.handle}" if read.handle else "Unknown account", self)
            )
            layout.addWidget(
                _note(
                    "The archive holds no record of this account: none of the files imported "
                    "described it.",
                    self,
                )
            )
            layout.addStretch(1)
            return
        who = self.account
        title = (
            f"{isolate(who.display_name)} (@{who.handle})" if who.display_name else f"@{who.handle}"
        )
        self.heading = _heading(LRM + title, self)
        layout.addWidget(self.heading)
        self.captures = list(read.account_captures)
        self.facts = FitBrowser(self._facts_html(who), f"The account {who.title}", self)
        layout.addWidget(self.facts)
        badges = read.badges or {}
        posts = {p.item_id: p for p in read.account_posts}
        ids = [p.item_id for p in read.account_posts]
        layout.addWidget(_heading(f"Its posts in the archive ({len(ids)})", self))
        layout.addWidget(_note("Oldest first. Enter or a double click opens one.", self))
        self.posts.setWordWrap(True)
        self.posts.setTextElideMode(Qt.TextElideMode.ElideNone)
        for post_id in ids:
            post = posts.get(post_id)
            if post is None:
                continue
            day = human_date(post.published_at).split(",")[0] or "undated"
            said = " ".join(post.text.split())
            said = said if len(said) <= 140 else said[:139] + "…"
            marks = "".join(f" · {b.sign} {b.short}" for b in badges.get(post_id, ()))
            # The date and badges first, left to right; the text after them, isolated.
            row = QListWidgetItem(f"{LRM}{day}{marks} — {isolate(said)}")
            row.setData(Qt.ItemDataRole.UserRole, post_id)
            row.setToolTip(" ".join(b.detail for b in badges.get(post_id, ())) or said)
            if post_id == item_id:
                font = row.font()
                font.setBold(True)
                row.setFont(font)
            self.posts.addItem(row)
        self.posts.setMinimumHeight(160)
        layout.addWidget(self.posts, 1)

    def _activated(self, row: QListWidgetItem) -> None:
        item_id = row.data(Qt.ItemDataRole.UserRole)
        if isinstance(item_id, int):
            self.opener(item_id)

    def _facts_html(self, who: ev.Account) -> str:
        counts = ", ".join(f"{n:,} {k}" for k, n in sorted(who.counts.items()))
        withheld = ""
        if who.withheld is not None:
            withheld = "in " + (", ".join(who.withheld.country_codes) or "some countries")
        verified = _yes_no(who.verified)
        if who.verified and who.verified_type and who.verified_type != "none":
            verified += f" ({who.verified_type})"
        rows = [
            ("Handle", f"@{who.handle}"),
            ("Name", who.display_name),
            ("Bio", who.bio),
            ("Location", who.location),
            ("Created", human_date(who.created_at).split("   (")[0]),
            ("Counts", counts),
            ("Protected", _yes_no(who.protected)),
            ("Verified", verified),
            ("Withheld", withheld or "no"),
            ("Suspended", "yes" if who.suspended else "no"),
            ("Deleted", "yes" if who.deleted else "no"),
            ("Account id", who.platform_id),
            ("Last seen", human_date(who.seen_at).split("   (")[0]),
        ]
        body = f'<table cellspacing="0" cellpadding="1">{_rows(rows)}</table>'
        if who.events:
            body += (
                "<p><b>Events</b></p><ul>"
                + "".join(
                    f"<li>{html.escape(e.label)} — {html.escape(e.source)}"
                    + (f", {html.escape(e.where)}" if e.where else "")
                    + "</li>"
                    for e in who.events
                )
                + "</ul>"
            )
        if self.captures:
            body += f"<p><b>Captures of the account ({len(self.captures)})</b></p><ol>"
            for capture in self.captures:
                when = human_date(capture.captured_at).split("   (")[0] or "date unknown"
                changed = "; ".join(capture.changed)
                body += (
                    f"<li>{html.escape(when)} — {html.escape(capture.source)}"
                    + (f", {html.escape(capture.where)}" if capture.where else "")
                    + (
                        f"<br><i>changed: {html.escape(isolate_runs(changed, False))}</i>"
                        if changed
                        else ""
                    )
                    + "</li>"
                )
            body += "</ol>"
        return body


class PostEvidenceDialog(QDialog):
    """The versions, captures and account of one post, as tabs (Ctrl+1…3 choose one)."""

    #: An item to show in the main window (a version, a screenshot, a post of the account).
    open_item = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postEvidence")
        self.setWindowTitle("Post evidence")
        self.resize(720, 640)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.loading = QLabel("Reading the evidence of this post…", self)
        self.loading.setObjectName("muted")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.insertWidget(0, self.loading)
        self.item_id: int | None = None
        #: What the views show, once read (None while it is being read).
        self.read: EvidenceRead | None = None
        self._drawn_in: Colors | None = None  # the theme the views were drawn in
        self._wanted_tab = "versions"
        self._job: Job | None = None  # the read whose answer is awaited
        self._jobs: list[Job] = []
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.versions: VersionsView | None = None
        self.captures: CapturesView | None = None
        self.account: AccountView | None = None
        for number in range(len(TABS)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self)
            shortcut.activated.connect(lambda n=number: self.tabs.setCurrentIndex(n))

    def show_post(self, session: ArchiveSession, item_id: int, tab: str = "versions") -> None:
        """Show the evidence of post `item_id`, on `tab`: the window at once, the views
        when they have been read (`ready`). Raises ItemNotFound for an item that is no post."""
        post = session.archive.post(item_id)
        said = " ".join(post.text.split())
        said = said if len(said) <= 50 else said[:49] + "…"
        self.setWindowTitle(f"@{post.account}: {isolate(said)} — evidence")
        self._wanted_tab = tab if tab in TABS else "versions"
        if item_id != self.item_id or self.read is None:
            self.item_id, self.read = item_id, None
            self._clear()
            self._read(session)
        else:
            self.tabs.setCurrentIndex(TABS.index(self._wanted_tab))
        self.show()
        self.raise_()
        self.activateWindow()

    def refresh(self, session: ArchiveSession) -> None:
        """Read the post's evidence again (the archive changed: an import brought a
        capture or an event), keeping the views shown until it has been read."""
        if self.item_id is not None:
            self._read(session)

    def _read(self, session: ArchiveSession) -> None:
        item_id = self.item_id
        assert item_id is not None
        job = Job("Reading a post's evidence", lambda a, _p, _c: read_evidence(a, item_id),
                  session.archive)  # fmt: skip
        job.finished.connect(lambda read, j=job: self._arrived(j, read))
        job.failed.connect(lambda exc, j=job: self._failed(j, exc))
        self._job = job
        self._jobs = [j for j in self._jobs if not j.done] + [job]  # kept until they end
        self._pool.start(job)

    @property
    def ready(self) -> bool:
        """The views show the post's evidence (it has been read)."""
        return self.read is not None and self.versions is not None

    @property
    def tab(self) -> str:
        if self.read is None:
            return self._wanted_tab
        return TABS[self.tabs.currentIndex()] if self.tabs.currentIndex() >= 0 else ""

    def _arrived(self, job: Job, read: object) -> None:
        if job is not self._job or not isinstance(read, EvidenceRead):
            return  # the answer to a read asked before the one awaited
        self._job = None
        shown = self.versions is not None and read.item_id == getattr(self.read, "item_id", None)
        self.read = read
        self._draw(self.tab if shown else self._wanted_tab)

    def _failed(self, job: Job, exc: object) -> None:
        if job is not self._job:
            return
        self._job = None
        if self.read is not None:  # a read again failed: what is shown stays
            log.warning("the evidence of item #%s could not be read again", self.item_id)
            return
        log.warning("the evidence of item #%s could not be read", self.item_id, exc_info=exc
                    if isinstance(exc, BaseException) else None)  # fmt: skip
        self.loading.setText(
            "The evidence of this post could not be read"
            + (f": {exc}" if isinstance(exc, Exception) and str(exc) else ".")
        )
        self.loading.show()

    def _clear(self) -> None:
        self.tabs.clear()
        self.versions = self.captures = self.account = None
        self.loading.setText("Reading the evidence of this post…")

    def _draw(self, tab: str) -> None:
        """(Re)build the three views from what was read, in the theme in use."""
        read = self.read
        if read is None:
            return
        self.tabs.clear()
        self.loading.hide()
        self.versions = VersionsView(read, self.open_item.emit)
        self.captures = CapturesView(read, self.open_item.emit)
        self.account = AccountView(read, self.open_item.emit)
        self.tabs.addTab(_scrolled(self.versions), "&Versions")
        self.tabs.addTab(_scrolled(self.captures), "&Captures")
        self.tabs.addTab(_scrolled(self.account), "&Account")
        self.tabs.setCurrentIndex(TABS.index(tab) if tab in TABS else 0)
        self._drawn_in = colors()

    def changeEvent(self, event: QEvent) -> None:
        """A change of theme (the app's palette) draws the views again in its colours:
        their texts carry colours of their own (muted labels, marked differences)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.read is not None:
            QTimer.singleShot(0, self._follow_theme)

    def _follow_theme(self) -> None:
        if self.read is not None and self._drawn_in is not colors():
            self._draw(self.tab)

    def closeEvent(self, event: object) -> None:  # type: ignore[override]
        self._pool.waitForDone(10_000)  # a read under way finishes (milliseconds) first
        super().closeEvent(event)  # type: ignore[arg-type]


def open_evidence(
    dialog: PostEvidenceDialog | None,
    parent: QWidget,
    session: ArchiveSession,
    item_id: int,
    tab: str,
    opener: Callable[[int], None],
) -> PostEvidenceDialog | None:
    """Show the evidence of `item_id` in `dialog` (made if None); None if it is no post."""
    if dialog is None:
        dialog = PostEvidenceDialog(parent)
        dialog.open_item.connect(opener)
    try:
        dialog.show_post(session, item_id, tab)
    except ItemNotFound:
        return None
    return dialog
