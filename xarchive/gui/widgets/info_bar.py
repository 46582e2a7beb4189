"""A bar under the search field for what the user should know now: a read-only archive,
an index that needs rebuilding; with the fix as a button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from ..resources import icon


class InfoBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoBar")
        self.icon_label = QLabel(self)
        self.text_label = QLabel(self)
        self.text_label.setWordWrap(True)
        self.button = QPushButton(self)
        self.button.hide()
        close = QToolButton(self)
        close.setIcon(icon("clear"))
        close.setAutoRaise(True)
        close.setToolTip("Hide this message")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.button)
        layout.addWidget(close)
        self._callback: Callable[[], None] | None = None
        self.button.clicked.connect(self._clicked)
        self.hide()

    def show_message(
        self,
        text: str,
        button: str = "",
        callback: Callable[[], None] | None = None,
        kind: str = "info",
    ) -> None:
        self.icon_label.setPixmap(icon(kind).pixmap(18, 18))
        self.text_label.setText(text)
        self._callback = callback
        self.button.setText(button)
        self.button.setVisible(bool(button and callback))
        self.show()

    def _clicked(self) -> None:
        if self._callback is not None:
            self._callback()
