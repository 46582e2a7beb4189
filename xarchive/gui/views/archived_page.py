"""An archived page as it was captured (core/captures.py), and the bar above it.

The page is drawn by a SafeTextBrowser, so no script can run and nothing is
fetched; the one thing it may load is what the capture itself holds: the
`capture:N` pictures the core resolves from the WARC, WACZ or MHTML, and `data:`
pictures (SingleFile). The searched words are marked on the page as in the text
viewer, and so are the item's highlights: words selected on the page are highlighted
there (gui/annotate), anchored in the text xarchive keeps, so that the same highlight
shows on the page and in its extracted text. The bar states the address and the time
of capture, and switches to the extracted text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QPixmap,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..theme import colors
from .safe_browser import SafeTextBrowser
from .text import find_all

if TYPE_CHECKING:  # the reader of captures (lxml, nh3) loads with the first captured page
    from ...core.captures import ArchivedPage

#: core.captures.SCHEME, named here so that the window does not load the reader of captures.
SCHEME = "capture"


class CaptureBrowser(SafeTextBrowser):
    """A SafeTextBrowser that takes pictures from the capture of the page it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page: ArchivedPage | None = None
        self.loaded: list[str] = []  # what came from the capture (tests, diagnostics)
        #: Each picture's place in the page and the size the page asks for (0: none).
        self._asked: dict[int, tuple[float, float]] = {}
        self._walked = False  # the page was looked through for its pictures

    def loadResource(self, type: int, name: QUrl) -> Any:  # noqa: A002 (Qt's name)
        address = name.toString()
        wanted = address.startswith(f"{SCHEME}:") or address.startswith("data:image/")
        if self.page is not None and wanted and type == QTextDocument.ResourceType.ImageResource:
            data = self.page.resource(address)
            if data is not None:
                image = QImage.fromData(data)
                if not image.isNull():
                    self.loaded.append(address)
                    return image
        return super().loadResource(type, name)  # refused and recorded

    def show_page(self, page: ArchivedPage) -> None:
        self.page = page
        self.loaded = []
        self.refused = []
        self.document().setDefaultStyleSheet(page.style)
        self.setHtml(page.markup)
        self._asked, self._walked = {}, False
        self.fit_pictures()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_pictures()

    def fit_pictures(self) -> None:
        """Draw a picture wider than the view at the view's width, its shape kept, as a
        browser draws a page whose style keeps pictures within it: a figure of the page
        is seen whole, not cut off at the viewer's edge. The capture is not changed, and
        a picture that fits is drawn at the size the page gives it."""
        document = self.document()
        room = self.viewport().width() - 2 * document.documentMargin() - 8
        if room <= 0 or self.page is None:
            return
        cursor = QTextCursor(document)
        if self._walked:  # only its pictures are looked at again, not the whole page
            pictures = []
            for position in self._asked:
                cursor.setPosition(position + 1)
                pictures.append((position, cursor.charFormat().toImageFormat()))
        else:
            pictures, self._walked = self._pictures(), True
        for position, look in pictures:
            asked = self._asked.setdefault(position, (look.width(), look.height()))
            size = self._size(look.name(), *asked)
            if size is None:
                continue
            width, height = size
            if width > room:
                width, height = room, height * room / width
            if abs(look.width() - width) < 0.5 and abs(look.height() - height) < 0.5:
                continue
            look.setWidth(width)
            look.setHeight(height)
            cursor.setPosition(position)
            cursor.setPosition(position + 1, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(look)

    def _pictures(self) -> list[tuple[int, QTextImageFormat]]:
        """Where each picture of the page stands, with its format."""
        found = []
        block = self.document().begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                if fragment.charFormat().isImageFormat():
                    found.append((fragment.position(), fragment.charFormat().toImageFormat()))
                fragments += 1
            block = block.next()
        return found

    def _size(self, name: str, width: float, height: float) -> tuple[float, float] | None:
        """The size a picture is drawn at: the page's, else its own (one side given: the
        other in its proportion); None if the capture lacks it."""
        image = self.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        if not isinstance(image, QImage | QPixmap) or image.isNull() or image.width() <= 0:
            return None
        if width > 0 and height > 0:
            return width, height
        if width > 0:
            return width, image.height() * width / image.width()
        if height > 0:
            return image.width() * height / image.height(), height
        return float(image.width()), float(image.height())


class CaptureBar(QFrame):
    """The address and time of capture, and the switch to the extracted text."""

    #: True: show the page as captured; False: its extracted text.
    mode_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captureBar")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.switch = QPushButton("Show extracted text", self)
        self.switch.setCheckable(True)
        self.switch.setToolTip("Switch between the page as captured and the text taken from it")
        self.switch.toggled.connect(self._toggled)
        self.label.setAccessibleName("Where and when the page was captured")
        self.switch.setAccessibleName("Show extracted text or the page as captured")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.switch, 0, Qt.AlignmentFlag.AlignTop)

    @property
    def as_captured(self) -> bool:
        return not self.switch.isChecked()

    def show_page(self, page: ArchivedPage) -> None:
        text = page.banner
        if page.missing:
            count = len(page.missing)
            verb = "are" if count != 1 else "is"
            text += f" {count} of the pictures and styles it names {verb} not in the capture."
        self.label.setText(text)
        self.show()

    def _toggled(self, text_wanted: bool) -> None:
        self.switch.setText("Show page as captured" if text_wanted else "Show extracted text")
        self.mode_changed.emit(not text_wanted)


class CapturedPageView(QWidget):
    """The captured page, in its browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = CaptureBrowser(self)
        self.browser.document().setDocumentMargin(16)
        self.browser.setAccessibleName("Archived page as captured")
        self.setAccessibleName("Archived page")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.matches: list[QTextCursor] = []
        self._marks: list[QTextEdit.ExtraSelection] = []
        #: Highlights drawn under the searched words (set by gui/annotate).
        self.highlights: list[QTextEdit.ExtraSelection] = []

    def show_page(self, page: ArchivedPage, words: list[str] | None = None) -> None:
        """Show the page as captured, every occurrence of `words` marked (the first
        scrolled to), as the extracted text marks them."""
        self.highlights = []
        self.browser.show_page(page)
        self.mark(words or [])

    def set_highlights(self, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Draw these highlights, with the searched words marked over them."""
        self.highlights = list(selections)
        self.browser.setExtraSelections(self.highlights + self._marks)

    def mark(self, words: list[str]) -> None:
        c = colors()
        self.matches = find_all(self.browser.document(), words)
        marks = []
        for cursor in self.matches:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            look = QTextCharFormat()
            look.setBackground(QColor(c.match_bg))
            look.setForeground(QColor(c.match_fg))
            selection.format = look
            marks.append(selection)
        self._marks = marks
        self.browser.setExtraSelections(self.highlights + marks)
        if self.matches:
            cursor = QTextCursor(self.matches[0])
            cursor.clearSelection()
            self.browser.setTextCursor(cursor)
            self.browser.ensureCursorVisible()
        else:
            self.browser.moveCursor(QTextCursor.MoveOperation.Start)
