"""A QTextBrowser that never loads anything: no remote images, no local files, no scripts.

QTextBrowser runs no scripts at all; what is left is resources (images,
style sheets) that an HTML page names, which `loadResource` would fetch, and
links, which it would follow. Both are refused here: archived pages are shown
as evidence, and opening them must not tell anyone that they were looked at.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from ..bidi import strip_marks


class SafeTextBrowser(QTextBrowser):
    #: A link was clicked: its URL, for the window to show (never opened).
    link_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self.link_clicked)
        self.refused: list[str] = []  # what a page asked to load (tests, diagnostics)

    def loadResource(self, type: int, name: QUrl) -> Any:  # noqa: A002 (Qt's name)
        self.refused.append(name.toString())
        return None

    def createMimeDataFromSelection(self) -> QMimeData:
        """What is copied, without the bidi isolates and marks put in to lay the text out:
        pasted into the search bar or a filing, they would be invisible characters."""
        data = super().createMimeDataFromSelection()
        copied = QMimeData()
        copied.setText(strip_marks(data.text()))
        if data.hasHtml():
            copied.setHtml(strip_marks(data.html()))
        return copied

    def setSource(self, url: QUrl, type: Any = None) -> None:  # noqa: A002
        # Never navigate; a click on a link only reports it.
        self.link_clicked.emit(url)
