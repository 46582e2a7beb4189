"""The text OCR read on a scanned page or a picture, in a pane of its own, shown on demand.

What was searched is the OCR text, not the picture: a researcher checks here
what tesseract made of a page (a misread name, a missing line) before relying
on a search that found nothing. Urdu paragraphs read right to left.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import QLabel, QTextEdit, QToolButton, QVBoxLayout, QWidget

from ..fonts import reading_family
from ..theme import colors
from .safe_browser import SafeTextBrowser
from .text import find_all, set_directions, text_to_html


class OcrTextPane(QWidget):
    """The OCR text of one page, its searched words marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ocrTextPane")
        self.title = QLabel("Text read by OCR", self)
        self.title.setObjectName("muted")
        self.browser = SafeTextBrowser(self)
        self.browser.setAccessibleName("Text read by OCR")
        self.browser.document().setDocumentMargin(12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.browser, 1)
        self.text = ""

    def show_text(self, text: str, page: int | None, words: list[str]) -> None:
        """Show `text` (of `page`, 1-based, None for a picture) with `words` marked."""
        self.text = text
        where = f" on page {page}" if page is not None else ""
        if text.strip():
            self.title.setText(f"Text read by OCR{where}")
            self.browser.setHtml(text_to_html(text))
            set_directions(self.browser.document(), reading_family())
        else:
            self.title.setText(f"No text was read by OCR{where}")
            self.browser.setHtml(
                f'<p style="color:{colors().muted};">This page has its own text layer, or '
                "OCR found no text on it.</p>"
            )
        self.mark(words)

    def mark(self, words: list[str]) -> None:
        selections = []
        for cursor in find_all(self.browser.document(), words):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor  # type: ignore[attr-defined]
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(colors().match_bg))
            selection.format = fmt  # type: ignore[attr-defined]
            selections.append(selection)
        self.browser.setExtraSelections(selections)


def ocr_toggle(parent: QWidget) -> QToolButton:
    """The toolbar button that shows and hides the OCR text pane."""
    button = QToolButton(parent)
    button.setText("OCR text")
    button.setCheckable(True)
    button.setAutoRaise(True)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setToolTip("Show the text OCR read on this page, as it was searched")
    button.setAccessibleName("Show the OCR text")
    return button
