"""Help ▸ Keyboard Shortcuts: every action with a shortcut, read from the actions themselves."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: Keys handled by widgets rather than actions.
VIEWER_KEYS = (
    ("Results", "Down (in the search field)", "Move to the results"),
    ("Results", "Up / Down, Enter", "Choose a result"),
    ("Search", "Escape (in the search field)", "Clear the query"),
    ("View", "Escape (in reading mode)", "Bring the panels back"),
    ("Help", "Enter / Escape (in the tour)", "Next hint / close the tour"),
    ("Help", "Enter (on an example of Search Syntax)", "Run the example"),
    ("PDF", "Page Up / Page Down", "Previous / next page"),
    ("Image", "+ / −, mouse wheel", "Zoom in / out"),
    ("Image", "F", "Fit to the window"),
    ("Image", "1", "Actual size"),
    ("Image", "Drag", "Pan"),
    ("Timeline", "Drag across bars", "Narrow the search to those dates"),
    ("Annotate", "Shift+drag on a picture or a PDF page", "Draw a region note"),
    ("Annotate", "Drag on a PDF page", "Select words (then Ctrl+H to highlight them)"),
    ("Annotate", "Delete (a region selected)", "Delete the region"),
    ("Annotate", "Ctrl+Enter (in a note)", "Save the note"),
    ("Annotate", "Drag a result onto the viewer", "Link the item shown to it"),
)


class ShortcutsDialog(QDialog):
    def __init__(
        self, actions: Iterable[tuple[str, QAction]], parent: QWidget | None = None
    ) -> None:
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

        for menu, action in actions:
            keys = ", ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
            )
            if keys:
                group(menu).addChild(QTreeWidgetItem([action.text().replace("&", ""), keys]))
        for area, keys, what in VIEWER_KEYS:
            group(area).addChild(QTreeWidgetItem([what, keys]))
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
