"""Highlights in a text view (article, text, post): drawn as extra selections, made
from the mouse selection, with Highlight in the view's context menu."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QTextEdit

from ...core.annotate import Annotation
from ...core.annotate.anchoring import Quote
from .colours import HIGHLIGHT_TEXT, highlight_colour
from .textmap import find_span, quote_in

#: Bidi marks and isolates a view puts in to lay text out (a post's handles in Urdu, a
#: Latin date in an Urdu line), which are not in the stored text: left out of the text
#: quotes are read from and found in, and stepped over in positions.
_BIDI_MARKS = frozenset("\u200e\u200f\u2066\u2067\u2068\u2069")


class _Shown:
    """The text a browser shows without its bidi marks, and where each of its characters
    is in the document (Qt counts UTF-16 units, Python code points)."""

    def __init__(self, raw: str) -> None:
        kept: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        at = 0
        for ch in raw:
            width = 2 if ord(ch) > 0xFFFF else 1
            if ch not in _BIDI_MARKS:
                kept.append(ch)
                self.starts.append(at)
                self.ends.append(at + width)
            at += width
        self.text = "".join(kept)

    def index(self, position: int) -> int:
        """The index in `text` of the first character at or after document `position`."""
        return bisect_left(self.starts, position)

    def positions(self, start: int, end: int) -> tuple[int, int]:
        """The document positions of text[start:end]."""
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else (self.ends or [0])[-1]
            return at, at
        return self.starts[start], self.ends[end - 1]


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

    def _shown(self) -> _Shown:
        return _Shown(self.browser.document().toRawText())

    def selection(self) -> Quote | None:
        """The selected text with its context, or None when nothing is selected."""
        cursor = self.browser.textCursor()
        if not cursor.hasSelection():
            return None
        shown = self._shown()
        start = shown.index(cursor.selectionStart())
        end = shown.index(cursor.selectionEnd())
        quote = quote_in(shown.text, start, end)
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
            found = find_span(shown.text, highlight.span)
            if found is None:
                continue
            start, end = shown.positions(*found)
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
