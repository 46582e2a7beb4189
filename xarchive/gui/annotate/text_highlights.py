"""Highlights in a text view (article, text, post): drawn as extra selections, made
from the mouse selection, with Highlight in the view's context menu."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QTextEdit

from ...core.annotate import Annotation
from ...core.annotate.anchoring import Quote
from .colours import HIGHLIGHT_TEXT, highlight_colour
from .textmap import find_span, from_utf16, quote_in, to_utf16

#: Bidi marks a view puts in to lay text out (a post's handles in Urdu), which are not in
#: the stored text: read as spaces, which quotes match loosely and positions keep.
_BIDI_MARKS = str.maketrans({"\u200e": " ", "\u200f": " "})


class TextHighlights(QObject):
    """Draws an item's highlights in a QTextBrowser and reads what is selected in it."""

    def __init__(self, browser: QTextBrowser, apply: object, actions: Sequence[QAction]) -> None:
        super().__init__(browser)
        self.browser = browser
        self._apply = apply  # TextViewer.set_highlights
        self._actions = list(actions)
        #: Where each highlight drawn is, in document positions (UTF-16).
        self.positions: dict[str, tuple[int, int]] = {}
        browser.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        browser.customContextMenuRequested.connect(self._context_menu)

    def _shown(self) -> str:
        return self.browser.document().toRawText().translate(_BIDI_MARKS)

    def selection(self) -> Quote | None:
        """The selected text with its context, or None when nothing is selected."""
        cursor = self.browser.textCursor()
        if not cursor.hasSelection():
            return None
        shown = self._shown()
        start = from_utf16(shown, cursor.selectionStart())
        end = from_utf16(shown, cursor.selectionEnd())
        quote = quote_in(shown, start, end)
        return quote if quote.exact.strip() else None

    def draw(self, highlights: Sequence[Annotation], selected: str | None = None) -> None:
        """Draw `highlights` (those whose quote is in the text shown)."""
        shown = self._shown()
        document = self.browser.document()
        self.positions.clear()
        selections = []
        for highlight in highlights:
            if highlight.span is None:
                continue
            found = find_span(shown, highlight.span)
            if found is None:
                continue
            start, end = to_utf16(shown, found[0]), to_utf16(shown, found[1])
            self.positions[highlight.uid] = (start, end)
            cursor = QTextCursor(document)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(highlight_colour(highlight.colour, 230))
            fmt.setForeground(QColor(HIGHLIGHT_TEXT))
            if highlight.uid == selected:
                fmt.setFontUnderline(True)
            if highlight.note:
                fmt.setToolTip(highlight.note)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor  # type: ignore[attr-defined]
            selection.format = fmt  # type: ignore[attr-defined]
            selections.append(selection)
        self._apply(selections)  # type: ignore[operator]

    def scroll_to(self, uid: str) -> bool:
        """Bring a drawn highlight into view; False if it is not in the text shown."""
        found = self.positions.get(uid)
        if found is None:
            return False
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(found[1])
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()
        cursor.setPosition(found[0])
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()
        return True

    def uid_at(self, point: QPoint) -> str | None:
        position = self.browser.cursorForPosition(point).position()
        for uid, (start, end) in self.positions.items():
            if start <= position < end:
                return uid
        return None

    def _context_menu(self, point: QPoint) -> None:
        menu = self.browser.createStandardContextMenu(point)
        menu.addSeparator()
        for action in self._actions:
            menu.addAction(action)
        menu.exec(self.browser.viewport().mapToGlobal(point))
        menu.deleteLater()
