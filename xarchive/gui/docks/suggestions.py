"""Suggested links of the item shown: relation, the other item, score, why; Accept or Dismiss.

Accepting makes the link through the window's Annotations (so Edit ▸ Undo takes it
back, and the suggestion returns); dismissing hides it for good.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import ItemNotFound, XArchiveError
from ...core.model import Item
from ...core.suggest import Suggestion, Suggestions
from ..annotate.controller import AnnotationController
from ..bidi import isolate

log = logging.getLogger(__name__)

RELATION_TEXT = {
    "shows": ("shows", "is shown in"),
    "cites": ("cites", "is cited by"),
    "duplicate-of": ("duplicates", "is duplicated by"),
    "same-event": ("tells the same story as", "tells the same story as"),
}


class SuggestionRow(QFrame):
    accept_clicked = Signal(int)
    dismiss_clicked = Signal(int)
    open_clicked = Signal(int)

    def __init__(
        self, suggestion: Suggestion, item_id: int, other_title: str, writable: bool,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.suggestion = suggestion
        self.setObjectName("suggestionRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        forward, backward = RELATION_TEXT.get(
            suggestion.relation, (suggestion.relation, f"← {suggestion.relation}")
        )
        relation = forward if suggestion.source_id == item_id else backward
        other = suggestion.other(item_id)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setText(
            f"This item {relation} #{other} {isolate(other_title)}  ({suggestion.score:.0%})"
        )
        layout.addWidget(self.title)
        self.reason = QLabel(suggestion.reason, self)
        self.reason.setObjectName("muted")
        self.reason.setWordWrap(True)
        layout.addWidget(self.reason)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open", self)
        self.open_button.setToolTip(f"Show #{other}")
        self.accept_button = QPushButton("Accept", self)
        self.accept_button.setToolTip("Make this link (Edit ▸ Undo takes it back)")
        self.dismiss_button = QPushButton("Dismiss", self)
        self.dismiss_button.setToolTip("Never suggest this again")
        for button in (self.accept_button, self.dismiss_button):
            button.setEnabled(writable)
        self.open_button.clicked.connect(lambda: self.open_clicked.emit(other))
        self.accept_button.clicked.connect(lambda: self.accept_clicked.emit(suggestion.id))
        self.dismiss_button.clicked.connect(lambda: self.dismiss_clicked.emit(suggestion.id))
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout.addLayout(buttons)


class SuggestionsDock(QDockWidget):
    """The pending suggestions of the item shown."""

    open_item = Signal(int)

    def __init__(self, controller: AnnotationController, parent: QWidget | None = None) -> None:
        super().__init__("Suggestions", parent)
        self.setObjectName("suggestionsDock")
        self.controller = controller
        self.item_id: int | None = None
        self.rows: list[SuggestionRow] = []
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.empty = QLabel("", self)
        self.setWidget(self.scroll)
        controller.changed.connect(lambda _change: self.refresh())
        self.refresh()

    def show_item(self, item: Item | int | None) -> None:
        self.item_id = item.id if isinstance(item, Item) else item
        self.refresh()

    def refresh(self) -> None:
        session = self.controller.session
        body = QWidget(self.scroll)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        self.rows = []
        found: list[Suggestion] = []
        message = "Select an item to see the links suggested for it."
        if session is not None and self.item_id is not None:
            try:
                found = Suggestions(session.archive).pending(self.item_id)
            except XArchiveError:  # a StorageError too
                log.warning("could not read suggestions of #%s", self.item_id, exc_info=True)
                message = "The suggestions could not be read."
            else:
                message = "No links are suggested for this item."
        for suggestion in found:
            other = suggestion.other(self.item_id or 0)
            try:
                title = session.item(other).title if session is not None else ""
            except ItemNotFound:
                continue
            row = SuggestionRow(suggestion, self.item_id or 0, title,
                                self.controller.writable, body)  # fmt: skip
            row.accept_clicked.connect(self.accept)
            row.dismiss_clicked.connect(self.dismiss)
            row.open_clicked.connect(self.open_item)
            layout.addWidget(row)
            self.rows.append(row)
        if not self.rows:
            label = QLabel(message, body)
            label.setObjectName("muted")
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addStretch(1)
        old = self.scroll.takeWidget()
        self.scroll.setWidget(body)
        if old is not None:
            old.deleteLater()
        self.setWindowTitle(f"Suggestions ({len(self.rows)})" if self.rows else "Suggestions")

    def accept(self, suggestion_id: int) -> None:
        session = self.controller.session
        if session is None:
            return
        self.controller.run(
            "Could not make the suggested link",
            lambda notes: Suggestions(session.archive, notes).accept(suggestion_id),
        )
        self.refresh()

    def dismiss(self, suggestion_id: int) -> None:
        session = self.controller.session
        if session is None:
            return
        self.controller.run(
            "Could not dismiss the suggestion",
            lambda notes: Suggestions(session.archive, notes).dismiss(suggestion_id),
        )
        self.refresh()
