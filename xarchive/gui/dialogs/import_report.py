"""What an import did: every file imported, skipped or failed, with the reason."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
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


class ImportReportDialog(QDialog):
    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Import report")
        self.resize(760, 460)
        self.summary_label = QLabel(summary(report), self)
        self.summary_label.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.lists: dict[str, QTreeWidget] = {}
        for status, title, icon_name, column in (
            ("imported", "Imported", "info", "Title"),
            ("skipped", "Skipped", "info", "Why"),
            ("failed", "Failed", "error", "Why"),
        ):
            outcomes = [o for o in report.outcomes if o.status == status]
            tree = self._tree(outcomes, column)
            self.lists[status] = tree
            index = self.tabs.addTab(tree, f"{title} ({len(outcomes)})")
            if status == "failed" and outcomes:
                self.tabs.setTabIcon(index, icon(icon_name))
        held = report.containers  # what each file of posts held: posts, accounts, events
        if held:
            tree = QTreeWidget(self)
            tree.setHeaderLabels(["File", "What it held"])
            tree.setRootIsDecorated(False)
            for outcome in held:
                said = outcome.reason or outcome.title
                entry = QTreeWidgetItem([shown(Path(outcome.path).name), shown(said)])
                entry.setToolTip(0, outcome.path)
                entry.setToolTip(1, said)
                tree.addTopLevelItem(entry)
            tree.setColumnWidth(0, 260)
            self.lists["containers"] = tree
            self.tabs.addTab(tree, f"Files of posts ({len(held)})")
        warnings = report.warnings
        if warnings:
            tree = QTreeWidget(self)
            tree.setHeaderLabels(["File", "Warning"])
            tree.setRootIsDecorated(False)
            for path, warning in warnings:
                entry = QTreeWidgetItem([shown(Path(path).name), shown(warning)])
                entry.setToolTip(0, path)
                entry.setToolTip(1, warning)
                tree.addTopLevelItem(entry)
            tree.setColumnWidth(0, 260)
            self.lists["warnings"] = tree
            self.tabs.addTab(tree, icon("warning"), f"Warnings ({len(warnings)})")
        if report.failed:
            self.tabs.setCurrentWidget(self.lists["failed"])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def _tree(self, outcomes: list[Outcome], column: str) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setHeaderLabels(["File", column])
        tree.setRootIsDecorated(False)
        tree.setAlternatingRowColors(True)
        for outcome in outcomes:
            text = outcome.title if outcome.status == "imported" else outcome.reason
            if outcome.status == "imported" and outcome.reason:
                text = f"{outcome.title} — {outcome.reason}"
            text = shown(text)  # a newline in a name must not make it look like two
            entry = QTreeWidgetItem([shown(Path(outcome.path).name), text])
            entry.setToolTip(0, shown(outcome.path))
            entry.setToolTip(1, text)
            entry.setData(0, Qt.ItemDataRole.UserRole, outcome.item_id)
            tree.addTopLevelItem(entry)
        tree.setColumnWidth(0, 300)
        return tree
