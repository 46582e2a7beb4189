"""What an import did: every file imported, skipped or failed, with the reason."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.names import shown
from ...core.wording import import_counts
from ..resources import icon

if TYPE_CHECKING:  # the import pipeline loads when an import starts, not with the window
    from ...core.importing import ImportReport, Outcome


def summary(report: ImportReport) -> str:
    head = {
        "cancelled": "The import was cancelled. Everything imported before that is kept.",
        "failed": "The import stopped early. Everything imported before that is kept.",
    }.get(report.status, "The import is complete.")
    return f"{head}\n{import_counts(report)}."


class _WrappedToColumn(QStyledItemDelegate):
    """Draws a row's text from its top, wrapped (`wrap`) at its column's width, and
    sizes the row to fit it. QTreeView asks a delegate for a row's height with no
    width in the option, so a wrapped reason got one line and was cut after a few
    words."""

    def __init__(self, tree: QTreeWidget, wrap: bool) -> None:
        super().__init__(tree)
        self.tree = tree
        self.wrap = wrap

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        # A file's name beside the first line of its reason, not beside its middle.
        option.displayAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        if self.wrap:
            option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if not self.wrap:
            return super().sizeHint(option, index)
        wrapped = QStyleOptionViewItem(option)
        # A rect Qt's style takes as a width to wrap at (a valid one: one line high).
        wrapped.rect = QRect(0, 0, self.tree.columnWidth(index.column()), 1)
        return super().sizeHint(wrapped, index)


class ReportList(QTreeWidget):
    """One tab of the report: a file per row and what was said of it, wrapped in
    full in a column that takes the width the file's name leaves."""

    def __init__(self, headers: tuple[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(list(headers))
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long name keeps both ends
        self.setItemDelegateForColumn(0, _WrappedToColumn(self, wrap=False))
        self.setItemDelegateForColumn(1, _WrappedToColumn(self, wrap=True))
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(80)
        self.setColumnWidth(0, 260)
        # A column made narrower or wider wraps its reasons again.
        header.sectionResized.connect(lambda *_: self.doItemsLayout())

    def fill(self, rows: Iterable[tuple[str, str, int | None]]) -> None:
        """One row per (path, what was said of it, item id or None)."""
        entries = []
        for path, said, item_id in rows:
            text = shown(said)  # a newline in a name must not make it look like two
            entry = QTreeWidgetItem([shown(Path(path).name), text])
            entry.setToolTip(0, shown(path))
            entry.setToolTip(1, text)
            entry.setData(0, Qt.ItemDataRole.UserRole, item_id)
            entries.append(entry)
        self.addTopLevelItems(entries)


class ImportReportDialog(QDialog):
    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Import report")
        self.resize(820, 520)
        self.summary_label = QLabel(summary(report), self)
        self.summary_label.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.lists: dict[str, ReportList] = {}
        for status, title, icon_name, column in (
            ("imported", "Imported", "info", "Title"),
            ("skipped", "Skipped", "info", "Why"),
            ("failed", "Failed", "error", "Why"),
        ):
            outcomes = [o for o in report.outcomes if o.status == status]
            tree = self._tree(status, title, outcomes, column)
            index = self.tabs.addTab(tree, f"{title} ({len(outcomes)})")
            if status == "failed" and outcomes:
                self.tabs.setTabIcon(index, icon(icon_name))
        held = report.containers  # what each file of posts held: posts, accounts, events
        if held:
            tree = self._list("containers", "Files of posts", "What it held")
            tree.fill((o.path, o.reason or o.title, None) for o in held)
            self.tabs.addTab(tree, f"Files of posts ({len(held)})")
        warnings = report.warnings
        if warnings:
            tree = self._list("warnings", "Warnings", "Warning")
            tree.fill((path, warning, None) for path, warning in warnings)
            self.tabs.addTab(tree, icon("warning"), f"Warnings ({len(warnings)})")
        # The chosen row in full, to read at leisure and to copy into a note or a
        # bug report: a path or a reason longer than the window is never cut here.
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("The chosen file and what was said of it, in full")
        self.details.setPlaceholderText("Choose a file to read all that was said of it.")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        self.tabs.currentChanged.connect(lambda _: self._show_details())
        if report.failed:
            self.tabs.setCurrentWidget(self.lists["failed"])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

    def _list(self, name: str, title: str, column: str) -> ReportList:
        tree = ReportList(("File", column), self)
        tree.setAccessibleName(f"{title}: each file and {column.lower()}")
        tree.currentItemChanged.connect(lambda *_: self._show_details())
        self.lists[name] = tree
        return tree

    def _tree(self, status: str, title: str, outcomes: list[Outcome], column: str) -> ReportList:
        tree = self._list(status, title, column)
        tree.fill((o.path, _said(o), o.item_id) for o in outcomes)
        return tree

    def _show_details(self) -> None:
        tree = self.tabs.currentWidget()
        entry = tree.currentItem() if isinstance(tree, ReportList) else None
        if not isinstance(tree, ReportList) or entry is None:
            self.details.clear()
            return
        heading = tree.headerItem().text(1)
        self.details.setPlainText(f"{entry.toolTip(0)}\n{heading}: {entry.text(1)}")


def _said(outcome: Outcome) -> str:
    if outcome.status != "imported":
        return outcome.reason
    return f"{outcome.title} — {outcome.reason}" if outcome.reason else outcome.title
