"""Help ▸ Keyboard Shortcuts: every shortcut of the menus and of the widgets, read from
the table the menus are built from (actions.py)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..actions import MENUS, WIDGET_KEYS, sequences, walk


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 520)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(True)
        groups: dict[str, QTreeWidgetItem] = {}

        def group(name: str) -> QTreeWidgetItem:
            if name not in groups:
                groups[name] = QTreeWidgetItem([name, ""])
                self.tree.addTopLevelItem(groups[name])
            return groups[name]

        for menu in MENUS:
            group(menu.name)  # in the menu bar's order, before the widgets' areas
        for menu, action in walk():
            keys = ", ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences(action)
            )
            if keys:
                group(menu.name).addChild(QTreeWidgetItem([action.text.replace("&", ""), keys]))
        for area, keys, what in WIDGET_KEYS:
            group(area).addChild(QTreeWidgetItem([what, keys]))
        for name, item in list(groups.items()):
            if not item.childCount():
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
                del groups[name]
        self.tree.expandAll()
        self.tree.setColumnWidth(0, 300)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str]]:
        found = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                found.append((group.child(j).text(0), group.child(j).text(1)))
        return found

    def groups(self) -> dict[str, list[tuple[str, str]]]:
        """Area or menu → its (what, keys) rows."""
        found: dict[str, list[tuple[str, str]]] = {}
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            found[group.text(0)] = [
                (group.child(j).text(0), group.child(j).text(1)) for j in range(group.childCount())
            ]
        return found
