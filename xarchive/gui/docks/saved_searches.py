"""Saved searches, kept in the archive (they travel with it): run, save, rename, remove."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..resources import icon
from ..settings import SavedSearch


class SavedSearchesDock(QDockWidget):
    run_requested = Signal(str)  # the saved query
    save_requested = Signal()  # save the current search (the window knows it)
    changed = Signal(list)  # the new list[SavedSearch], to store

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Saved searches", parent)
        self.setObjectName("savedSearchesDock")
        self.searches: list[SavedSearch] = []
        self.list = QListWidget(self)
        self.list.setObjectName("savedSearches")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemActivated.connect(self._run)
        self.list.itemClicked.connect(self._run)
        self.add_button = self._button(
            "bookmark-add", "Save the current search (Ctrl+S)", self.save_requested.emit
        )
        self.rename_button = self._button(
            "details", "Rename the selected search (F2)", self.rename_selected
        )
        self.remove_button = self._button(
            "clear", "Remove the selected search (Delete)", self.remove_selected
        )
        buttons = QHBoxLayout()
        buttons.setContentsMargins(4, 0, 4, 0)
        for b in (self.add_button, self.rename_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.set_searches([], writable=True)

    def _button(self, name: str, tip: str, slot: object) -> QToolButton:
        b = QToolButton(self)
        b.setIcon(icon(name))
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.clicked.connect(slot)
        return b

    def set_searches(self, searches: list[SavedSearch], writable: bool) -> None:
        self.searches = list(searches)
        self.list.clear()
        for s in self.searches:
            entry = QListWidgetItem(icon("bookmark"), s.name)
            entry.setToolTip(s.query or "(everything)")
            self.list.addItem(entry)
        if not self.searches:
            hint = QListWidgetItem("No saved searches yet")
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(hint)
        for b in (self.add_button, self.rename_button, self.remove_button):
            b.setEnabled(writable)

    def add(self, name: str, query: str) -> None:
        self.searches = [s for s in self.searches if s.name != name] + [SavedSearch(name, query)]
        self.changed.emit(self.searches)

    def rename(self, row: int, name: str) -> None:
        if 0 <= row < len(self.searches) and name.strip():
            self.searches[row] = SavedSearch(name.strip(), self.searches[row].query)
            self.changed.emit(self.searches)

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.searches):
            del self.searches[row]
            self.changed.emit(self.searches)

    def rename_selected(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.searches):
            return
        name, ok = QInputDialog.getText(
            self, "Rename saved search", "Name:", text=self.searches[row].name
        )
        if ok:
            self.rename(row, name)

    def remove_selected(self) -> None:
        self.remove(self.list.currentRow())

    def _run(self, entry: QListWidgetItem) -> None:
        row = self.list.row(entry)
        if 0 <= row < len(self.searches):
            self.run_requested.emit(self.searches[row].query)

    def _menu(self, pos: QPoint) -> None:
        row = self.list.indexAt(pos).row()
        if not 0 <= row < len(self.searches) or not self.add_button.isEnabled():
            return
        self.list.setCurrentRow(row)
        menu = QMenu(self)
        menu.addAction("Run", lambda: self.run_requested.emit(self.searches[row].query))
        menu.addAction("Rename…", self.rename_selected)
        menu.addAction("Remove", self.remove_selected)
        menu.exec(self.list.viewport().mapToGlobal(pos))
