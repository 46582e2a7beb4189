"""The viewer pane: a header, the viewer for the item's kind, and its details below."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import ItemNotFound
from ...core.index.api import PhraseMarks, Snippet
from ...core.model import Item
from ...core.posts.evidence import PostEvidence
from ...core.posts.evidence import evidence as post_evidence
from ...core.sensitive import VISUAL_KINDS
from ..bidi import isolate_runs, join_isolated, mostly_rtl
from ..filters import KIND_TITLES, format_day
from ..resources import app_icon, kind_icon
from ..session import ArchiveSession, PageHit
from ..widgets.elided_label import ElidedLabel
from ..widgets.sensitive import SensitiveCover, sensitive_media, why_sensitive
from .archived_page import CaptureBar, CapturedPageView
from .image import ImageViewer
from .metadata import MetadataPanel
from .pdf import PdfViewer
from .post import PostViewer
from .text import TextViewer
from .video import VideoViewer, video_facts

if TYPE_CHECKING:
    from ...core.captures import ArchivedPage

log = logging.getLogger(__name__)


def matched_words(hits: list[PageHit], snippet: Snippet | None) -> list[str]:
    """The words as they appear in the text (e.g. 'censorship' for censor*), longest first."""
    words = {text for hit in hits for text, matched in hit.snippet.parts if matched}
    if snippet is not None:
        words.update(text for text, matched in snippet.parts if matched)
    return sorted(words, key=lambda w: (-len(w), w))


class _Placeholder(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel("Select a result to see it here.", self)
        self.label.setObjectName("muted")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        layout.addStretch(1)
        layout.addWidget(logo)
        layout.addWidget(self.label)
        layout.addStretch(2)


class ItemViewer(QWidget):
    """Shows one item by kind: PDF, image, article/text/post; details underneath."""

    #: The item shown changed: its Item, or None when nothing is shown.
    item_shown = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: Item | None = None

        self.header = QFrame(self)
        self.header.setObjectName("viewerHeader")
        self.kind_label = QLabel(self.header)
        self.title_label = QLabel(self.header)
        self.title_label.setObjectName("viewerTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Neither a long title nor a long file name may widen the viewer and squeeze the
        # results list beside it: the title wraps at the width it is given, the rest elides.
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title_label.setMinimumWidth(1)
        self.subtitle_label = ElidedLabel("", self.header)
        self.subtitle_label.setObjectName("muted")
        titles = QVBoxLayout()
        titles.setSpacing(1)
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        header_layout = QHBoxLayout(self.header)
        header_layout.setContentsMargins(12, 8, 12, 8)
        header_layout.addWidget(self.kind_label, 0, Qt.AlignmentFlag.AlignTop)
        header_layout.addLayout(titles, 1)
        self.header.hide()

        self.placeholder = _Placeholder(self)
        self.pdf = PdfViewer(self)
        self.image = ImageViewer(self)
        self.text = TextViewer(self)
        self.post = PostViewer(self)  # posts as a card in their thread
        self.video = VideoViewer(self)
        # A sensitive picture or video is covered, blurred, until the person asks to see it.
        self.cover = SensitiveCover(self)
        self.cover.reveal_requested.connect(self._reveal)
        sensitive_media().changed.connect(self._sensitive_changed)
        self._session: ArchiveSession | None = None
        self._behind: QWidget | None = None  # what the cover hides
        # A page from a web capture is shown as it was captured, the bar above it
        # stating where and when, with the switch to its extracted text.
        self.captured = CapturedPageView(self)
        self.capture_bar = CaptureBar(self)
        self.capture_bar.hide()
        self.capture_bar.mode_changed.connect(self._show_capture_mode)
        self.stack = QStackedWidget(self)
        for widget in (self.placeholder, self.pdf, self.image, self.text, self.post, self.video):
            self.stack.addWidget(widget)
        self.stack.addWidget(self.cover)
        self.stack.addWidget(self.captured)
        self.details = MetadataPanel(self)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([600, 220])
        self.details.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.capture_bar)
        layout.addWidget(self.splitter, 1)

    def clear(self, message: str = "Select a result to see it here.") -> None:
        self.item = None
        self.video.stop()
        self.header.hide()
        self.capture_bar.hide()
        self.details.hide()
        self.placeholder.label.setText(message)
        self.stack.setCurrentWidget(self.placeholder)
        self.item_shown.emit(None)

    def show_item(
        self,
        session: ArchiveSession,
        item_id: int,
        terms: frozenset[str] = frozenset(),
        snippet: Snippet | None = None,
        marks: PhraseMarks | None = None,
    ) -> None:
        """Show item `item_id`, on the page of `snippet` when it has one, `terms` marked
        (a phrase's words only where the phrase stands: `marks`).

        Raises the core's ItemNotFound if the item is gone (e.g. another archive).
        """
        item = session.item(item_id)
        self.item = item
        self._session = session
        self.video.stop()
        hits = session.matching_pages(terms, item.id, marks)
        words = matched_words(hits, snippet)
        self._show_header(item)
        self.capture_bar.hide()
        extra = item.extra if isinstance(item.extra, dict) else {}
        if item.kind == "document":
            page = snippet.page if snippet is not None else (hits[0].page if hits else 1)
            self.pdf.show_document(
                session.original_path(item), session.pages(item.id), page, hits, words,
                session.ocr_words(item.id),
            )  # fmt: skip
            self.stack.setCurrentWidget(self.pdf)
        elif item.kind == "image":
            thumbnail = session.derived_path(extra.get("thumbnail"))
            self.image.show_image(session.original_path(item), thumbnail, _image_size(extra))
            ocr_text = "\n\n".join(p.text for p in session.pages(item.id) if p.from_ocr)
            self.image.set_text(ocr_text, session.ocr_words(item.id).get(1, ()), words)
            self.stack.setCurrentWidget(self.image)
        elif item.kind == "post" and self._show_post(session, item.id, words):
            self.stack.setCurrentWidget(self.post)
        elif item.kind == "video":
            self.video.show_video(
                session.original_path(item),
                session.derived_path(extra.get("poster") or extra.get("thumbnail")),
                float(extra.get("duration") or 0),
                video_facts(extra),
            )
            self.stack.setCurrentWidget(self.video)
        else:
            body = "\n\n".join(p.text for p in session.pages(item.id))
            sanitized = session.derived_path(extra.get("sanitized_html"))
            self.text.show_item(item, body, sanitized, words)
            self.stack.setCurrentWidget(self.text)
            page = _archived_page(session, item)
            if page is not None:
                self.captured.show_page(page, words)
                self.capture_bar.show_page(page)
                self._show_capture_mode(self.capture_bar.as_captured)
        self._behind = self.stack.currentWidget()
        self._cover_if_sensitive()
        self.details.show_item(item, session.sources(item.id), _evidence(session, item))
        self.details.show()
        self.item_shown.emit(item)

    @property
    def covered(self) -> bool:
        """Whether the item shown is a sensitive picture or video, blurred."""
        return self.stack.currentWidget() is self.cover

    def _cover_if_sensitive(self) -> None:
        item, session = self.item, self._session
        if item is None or session is None or item.kind not in VISUAL_KINDS:
            return
        why = why_sensitive(session, item)
        if not sensitive_media().hidden(item.id, bool(why)):
            if self.covered and self._behind is not None:
                self.stack.setCurrentWidget(self._behind)
            return
        extra = item.extra if isinstance(item.extra, dict) else {}
        picture = session.derived_path(extra.get("poster") or extra.get("thumbnail"))
        pixmap = QPixmap(str(picture)) if picture is not None and picture.is_file() else None
        self.video.stop()
        self.cover.show_cover(pixmap, "video" if item.kind == "video" else "picture", why)
        self.stack.setCurrentWidget(self.cover)

    def _reveal(self) -> None:
        if self.item is not None:
            sensitive_media().reveal(self.item.id)

    def _sensitive_changed(self) -> None:
        """Blurring was switched, an item revealed or (un)marked: cover or uncover."""
        if self.item is not None and self._behind is not None:
            self._cover_if_sensitive()

    def _show_capture_mode(self, as_captured: bool) -> None:
        """The captured page, or its extracted text (both show and take highlights)."""
        self.stack.setCurrentWidget(self.captured if as_captured else self.text)

    def _show_post(self, session: ArchiveSession, item_id: int, words: list[str]) -> bool:
        """The post card; False (shown as text instead) if the post's row is missing."""
        try:
            self.post.show_post(session, item_id, words)
        except ItemNotFound:
            log.warning("item #%s is a post without its post data", item_id)
            return False
        return True

    def _show_header(self, item: Item) -> None:
        self.kind_label.setPixmap(kind_icon(item.kind).pixmap(32, 32))
        self.kind_label.setToolTip(KIND_TITLES.get(item.kind, item.kind))
        # A post's title starts with its @handle: an Urdu post's reads right to left, the
        # handle isolated, not as an English line with the Urdu run turned round in it.
        rtl = mostly_rtl(item.title)
        self.title_label.setText(("\u200f" if rtl else "") + isolate_runs(item.title, rtl))
        bits = [KIND_TITLES.get(item.kind, item.kind)]
        if item.author:
            bits.append(item.author)
        if item.date:
            bits.append(format_day(item.date))
        bits.append(item.original_name)
        self.subtitle_label.setText(join_isolated(bits))
        self.header.show()

    def shutdown(self) -> None:
        self.video.shutdown()
        self.image.shutdown()
        self.pdf.shutdown()


def _archived_page(session: ArchiveSession, item: Item) -> ArchivedPage | None:
    """The article as captured, if it came from a web capture; the reader of captures
    (lxml, nh3, warcio) is loaded when the first article is shown, not with the window."""
    if item.kind != "article":
        return None
    from ...core.captures import archived_page

    return archived_page(session.archive, item)


def _evidence(session: ArchiveSession, item: Item) -> PostEvidence | None:
    """What the platform said and did to a post, for its details; None for other items."""
    if item.kind != "post":
        return None
    try:
        return post_evidence(session.archive, item.id)
    except ItemNotFound:
        return None


def _image_size(extra: dict[str, object]) -> tuple[int, int] | None:
    """The full image's size if the importer recorded it (to scale the thumbnail up)."""
    width, height = extra.get("width"), extra.get("height")
    if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
        return width, height
    return None
