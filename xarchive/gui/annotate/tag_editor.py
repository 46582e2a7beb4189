"""Tags as removable chips, with a field that completes from the archive's tags;
a dialog to tag several items at once; the Tags manager (rename, merge, delete)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.annotate import tag_key
from ..resources import icon
from ..theme import colors
from .controller import AnnotationController


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping onto new lines (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line > 0:
                x, y, line = rect.x(), y + line + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


class TagChip(QToolButton):
    """One tag; its × takes it off."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setText(name)
        self.setIcon(icon("clear"))
        self.setIconSize(QSize(12, 12))
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # the × after the name
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setToolTip(f"Remove the tag ‘{name}’")
        self.setAccessibleName(f"Tag {name}, remove")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        c = colors()
        self.setStyleSheet(
            f"QToolButton {{ background: {c.chip_bg}; border: none; border-radius: 9px;"
            " padding: 1px 6px; }"
        )


class TagEditor(QWidget):
    """The tags of an item (or of several): chips, and a field to add more."""

    tag_added = Signal(str)
    tag_removed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self.chips = QWidget(self)
        self.flow = FlowLayout(self.chips)
        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Add a tag…")
        self.field.setClearButtonEnabled(True)
        self.field.setToolTip("Type a tag and press Enter; existing tags are completed")
        self.completions = QStringListModel(self)
        self.completer = QCompleter(self.completions, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.field.setCompleter(self.completer)
        self.field.returnPressed.connect(self._add_typed)
        self.completer.activated.connect(lambda _text: self._add_typed())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.chips)
        layout.addWidget(self.field)

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def set_tags(self, names: Sequence[str]) -> None:
        self._names = list(names)
        while self.flow.count():
            taken = self.flow.takeAt(0)
            if taken is not None and taken.widget() is not None:
                old = taken.widget()
                old.hide()  # at once: deleteLater waits for the event loop, and an old
                old.deleteLater()  # chip would still be drawn under the new ones
        for name in self._names:
            chip = TagChip(name, self.chips)
            chip.clicked.connect(lambda _=False, n=name: self.tag_removed.emit(n))
            self.flow.addWidget(chip)
        self.chips.setVisible(bool(self._names))
        self.flow.invalidate()
        self.chips.updateGeometry()

    def chip(self, name: str) -> TagChip | None:
        for i in range(self.flow.count()):
            item = self.flow.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, TagChip) and widget.name == name:
                return widget
        return None

    def set_completions(self, names: Sequence[str]) -> None:
        self.completions.setStringList(list(names))

    def _add_typed(self) -> None:
        # A comma separates tags typed together ("court, evidence").
        typed = [n.strip() for n in self.field.text().split(",") if n.strip()]
        self.field.clear()
        have = {tag_key(n) for n in self._names}
        for name in typed:
            if tag_key(name) not in have:
                have.add(tag_key(name))
                self.tag_added.emit(name)


class TagItemsDialog(QDialog):
    """Tag several items at once: the tags they all carry as chips; add or remove for all."""

    def __init__(
        self, controller: AnnotationController, item_ids: Sequence[int], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.item_ids = list(dict.fromkeys(item_ids))
        self.setWindowTitle(f"Tag {len(self.item_ids)} items")
        self.resize(420, 220)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.editor = TagEditor(self)
        self.editor.tag_added.connect(self._add)
        self.editor.tag_removed.connect(self._remove)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.editor)
        layout.addStretch(1)
        layout.addWidget(buttons)
        controller.changed.connect(self._refresh)
        self._refresh()
        self.editor.field.setFocus()

    def _refresh(self, *_: object) -> None:
        counts: dict[str, tuple[str, int]] = {}
        for item_id in self.item_ids:
            found = self.controller.of_item(item_id)
            for use in found.tags if found else ():
                name, n = counts.get(tag_key(use.name), (use.name, 0))
                counts[tag_key(use.name)] = (name, n + 1)
        every = [name for name, n in counts.values() if n == len(self.item_ids)]
        some = [name for name, n in counts.values() if n < len(self.item_ids)]
        self.editor.set_tags(sorted(every, key=str.casefold))
        self.editor.set_completions(self.controller.tag_names())
        text = f"Tags on all {len(self.item_ids)} selected items. Add one to tag them all."
        if some:
            text += f" On some of them: {', '.join(sorted(some, key=str.casefold))}."
        self.summary.setText(text)

    def _add(self, name: str) -> None:
        self.controller.run("Could not tag the items", lambda n: n.tag_items(self.item_ids, name))

    def _remove(self, name: str) -> None:
        self.controller.run(
            "Could not untag the items", lambda n: n.untag_items(self.item_ids, name)
        )


class TagsManagerDialog(QDialog):
    """Every tag with its count: rename, merge several into one, delete."""

    #: Search for the items with this tag.
    show_tag = Signal(str)

    def __init__(self, controller: AnnotationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Tags")
        self.resize(420, 440)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Tag", "Items"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSortingEnabled(True)
        self.tree.itemDoubleClicked.connect(lambda entry, _c: self.show_tag.emit(entry.text(0)))
        self.rename_button = QPushButton("&Rename…", self)
        self.merge_button = QPushButton("&Merge…", self)
        self.delete_button = QPushButton("&Delete", self)
        self.delete_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TrashIcon))
        self.rename_button.clicked.connect(self.rename)
        self.merge_button.clicked.connect(self.merge)
        self.delete_button.clicked.connect(self.delete)
        side = QVBoxLayout()
        for b in (self.rename_button, self.merge_button, self.delete_button):
            side.addWidget(b)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.tree, 1)
        row.addLayout(side)
        hint = QLabel("Double-click a tag to find its items. Every change can be undone.", self)
        hint.setObjectName("muted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        controller.changed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_: object) -> None:
        selected = set(self.selected())
        self.tree.setSortingEnabled(False)
        self.tree.clear()
        if self.controller.notes is not None:
            for count in self.controller.notes.tags():
                entry = QTreeWidgetItem([count.name, ""])
                entry.setData(1, Qt.ItemDataRole.DisplayRole, count.count)
                entry.setIcon(0, icon("tag"))
                self.tree.addTopLevelItem(entry)
                entry.setSelected(count.name in selected)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.tree.resizeColumnToContents(0)
        self._update_buttons()

    def selected(self) -> list[str]:
        return [entry.text(0) for entry in self.tree.selectedItems()]

    def _update_buttons(self) -> None:
        n = len(self.selected())
        writable = self.controller.writable
        self.rename_button.setEnabled(writable and n == 1)
        self.merge_button.setEnabled(writable and n >= 1)
        self.delete_button.setEnabled(writable and n >= 1)

    def rename(self) -> None:
        names = self.selected()
        if len(names) != 1:
            return
        new, ok = QInputDialog.getText(self, "Rename tag", "New name:", text=names[0])
        if ok and new.strip():
            self.controller.run("Could not rename the tag", lambda n: n.rename_tag(names[0], new))

    def merge(self) -> None:
        names = self.selected()
        if not names:
            return
        into, ok = QInputDialog.getText(
            self, "Merge tags", f"Merge {', '.join(names)} into the tag:", text=names[0]
        )
        if ok and into.strip():
            self.controller.run("Could not merge the tags", lambda n: n.merge_tags(names, into))

    def delete(self) -> None:
        for name in self.selected():
            self.controller.run("Could not delete the tag", lambda n, t=name: n.delete_tag(t))
