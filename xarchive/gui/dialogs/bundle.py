"""Bundles in the app: what to export, where; what an export, a verification or an import found.

The file choosers are module functions so that tests can answer them, as they
answer `errors.ask`; everything else here is a plain dialog that shows values
from the core and never opens a file or a folder by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.bundles.check import UNREADABLE
from ...core.bundles.layout import ZIP_SUFFIX, info_value, slug
from ...core.wording import bundle_imported, counted, human_size
from ..messages import Problem

# The export and the import load when a job starts, not with the window.
if TYPE_CHECKING:
    from ...core.bundles import BundleCheck, BundleImportReport, BundleRejected, ExportOptions
    from ...core.bundles.export import ExportReport

#: How many of a refused bundle's reasons the dialog's text lists (the details have all).
REASONS_SHOWN = 8
RESULT_WIDTH = 560


# -- choosing files (tests replace these) -------------------------------------------------
def choose_export_target(parent: QWidget | None, suggested: Path, zipped: bool) -> Path | None:
    """Ask where to write a new bundle; None if the user cancelled.

    A zip gets ".xbundle.zip" added when the name does not end in ".zip" (a name the
    user typed that does is kept); a folder bundle is a new folder.
    """
    if zipped:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, "Export bundle as a zip file", str(suggested), "Zip files (*.zip)"
        )
    else:
        chosen, _ = QFileDialog.getSaveFileName(
            parent,
            "Export bundle: choose a name for its new folder",
            str(suggested),
            "",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
    if not chosen:
        return None
    path = Path(chosen)
    if zipped and path.suffix.lower() != ".zip":
        path = path.with_name(path.name + ZIP_SUFFIX)
    return path


def choose_bundle(parent: QWidget | None, title: str, start: Path) -> Path | None:
    """Ask for a bundle: a .zip, or the bagit.txt of a folder bundle (meaning its folder)."""
    chosen, _ = QFileDialog.getOpenFileName(
        parent,
        f"{title} (a .zip, or the bagit.txt inside a bundle folder)",
        str(start),
        "Bundles (*.zip bagit.txt);;All files (*)",
    )
    return bundle_path(Path(chosen)) if chosen else None


def bundle_path(chosen: Path) -> Path:
    """The bundle a chosen file stands for: a folder bundle is chosen by its bagit.txt."""
    return chosen.parent if chosen.name == "bagit.txt" else chosen


def suggested_name(archive_name: str, zipped: bool, today: date | None = None) -> str:
    """``Demo-the-2024-blocking-bundle-2025-03-01.xbundle.zip``: safe on every system, and
    typed as an xarchive bundle by desktops (resources/mime/org.xarchive.xarchive.xml)."""
    stem = f"{slug(archive_name, 40) or 'archive'}-bundle-{(today or date.today()).isoformat()}"
    return f"{stem}{ZIP_SUFFIX}" if zipped else stem


# -- what to export -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ExportChoice:
    """What the export dialog was told: exactly one of query, tag, ids; and the options."""

    query: str | None
    tag: str | None
    ids: tuple[int, ...] | None
    context: bool
    options: ExportOptions
    remember: bool  # save organisation and description as the archive's defaults


class ExportBundleDialog(QDialog):
    """File ▸ Export Bundle…: the items (results, a tag or the selection) and the options."""

    def __init__(
        self,
        query: str,
        total: int,
        tags: Sequence[tuple[str, int]],
        selected: Sequence[int],
        organization: str,
        description: str,
        can_remember: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export bundle")
        self.setMinimumWidth(520)
        self.query = query
        self.selected = tuple(selected)

        items = QGroupBox("Items", self)
        self.results_radio = QRadioButton(self._results_text(query, total), items)
        self.results_radio.setToolTip(f"The search: {query}" if query.strip() else "Every item")
        self.results_radio.setEnabled(total > 0)
        self.tag_radio = QRadioButton("Items tagged", items)
        self.tag_combo = QComboBox(items)
        for name, count in tags:
            self.tag_combo.addItem(f"{name} ({count})", name)
        self.tag_radio.setEnabled(bool(tags))
        self.tag_combo.setEnabled(False)
        self.tag_radio.toggled.connect(self.tag_combo.setEnabled)
        count = len(self.selected)
        self.selection_radio = QRadioButton(
            f"The selected result{'' if count == 1 else 's'} ({count})"
            if count
            else "The selected results (none selected)",
            items,
        )
        self.selection_radio.setEnabled(bool(count))
        self.item_group = QButtonGroup(self)
        for radio in (self.results_radio, self.tag_radio, self.selection_radio):
            self.item_group.addButton(radio)
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tag_radio)
        tag_row.addWidget(self.tag_combo, 1)
        box = QVBoxLayout(items)
        box.addWidget(self.results_radio)
        box.addLayout(tag_row)
        box.addWidget(self.selection_radio)
        if count > 1 or (count and total == 0):
            self.selection_radio.setChecked(True)
        elif total:
            self.results_radio.setChecked(True)
        elif tags:
            self.tag_radio.setChecked(True)

        contents = QGroupBox("Contents", self)
        self.context_check = QCheckBox("Include linked items as context", contents)
        self.context_check.setToolTip(
            "Items linked to or from those chosen, so that every link in the bundle leads "
            "somewhere; the report marks them as context"
        )
        self.context_check.setChecked(True)
        self.notes_check = QCheckBox("Include notes", contents)
        self.notes_check.setToolTip(
            "Leave out to share the evidence without private notes: highlights, regions, "
            "tags and links are kept, their notes are not"
        )
        self.notes_check.setChecked(True)
        self.zip_radio = QRadioButton("One zip file", contents)
        self.folder_radio = QRadioButton("A folder", contents)
        self.zip_radio.setChecked(True)
        self.form_group = QButtonGroup(self)
        self.form_group.addButton(self.zip_radio)
        self.form_group.addButton(self.folder_radio)
        form_row = QHBoxLayout()
        form_row.addWidget(QLabel("Write as:", contents))
        form_row.addWidget(self.zip_radio)
        form_row.addWidget(self.folder_radio)
        form_row.addStretch(1)
        box = QVBoxLayout(contents)
        box.addWidget(self.context_check)
        box.addWidget(self.notes_check)
        box.addLayout(form_row)

        about = QGroupBox("About the bundle (written into bag-info.txt and the report)", self)
        self.organization_edit = QLineEdit(organization, about)
        self.organization_edit.setPlaceholderText("Who is handing the bundle over")
        self.description_edit = QPlainTextEdit(description, about)
        self.description_edit.setPlaceholderText("What the bundle is, for its reader")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.remember_check = QCheckBox("Use these for this archive's next bundles", about)
        self.remember_check.setEnabled(can_remember)
        if not can_remember:
            self.remember_check.setToolTip("The archive is open read-only")
        form = QFormLayout(about)
        form.addRow("Organisation:", self.organization_edit)
        form.addRow("Description:", self.description_edit)
        form.addRow("", self.remember_check)

        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.export_button.setEnabled(self.item_group.checkedButton() is not None)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.item_group.buttonToggled.connect(
            lambda *_: self.export_button.setEnabled(self.item_group.checkedButton() is not None)
        )
        layout = QVBoxLayout(self)
        layout.addWidget(items)
        layout.addWidget(contents)
        layout.addWidget(about)
        layout.addWidget(buttons)

    @staticmethod
    def _results_text(query: str, total: int) -> str:
        items = counted(total, "item")
        if not query.strip() or query.strip() == "*":
            return f"The current results: everything ({items})"
        shown = query if len(query) <= 48 else query[:47] + "…"
        return f"The current results ({items}): {shown}"

    def choice(self) -> ExportChoice:
        from ...core.bundles.export import ExportOptions

        query = tag = ids = None
        if self.tag_radio.isChecked():
            tag = str(self.tag_combo.currentData())
        elif self.selection_radio.isChecked():
            ids = self.selected
        else:
            query = self.query if self.query.strip() else "*"
        return ExportChoice(
            query,
            tag,
            ids,
            self.context_check.isChecked(),
            ExportOptions(
                zipped=self.zip_radio.isChecked(),
                notes=self.notes_check.isChecked(),
                organization=self.organization_edit.text().strip(),
                description=" ".join(self.description_edit.toPlainText().split()),
            ),
            self.remember_check.isChecked() and self.remember_check.isEnabled(),
        )


# -- results --------------------------------------------------------------------------------
def _path_row(parent: QWidget, path: Path) -> tuple[QHBoxLayout, QLineEdit, QPushButton]:
    """The path, selectable, with a Copy button: shown, never opened."""
    field = QLineEdit(str(path), parent)
    field.setReadOnly(True)
    field.setCursorPosition(0)
    copy = QPushButton("Copy Path", parent)
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(str(path)))
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(copy)
    return row, field, copy


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setMinimumWidth(RESULT_WIDTH)  # the width the wrapped lines below are laid out in
    label.setStyleSheet("font-weight: 600;")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _text(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def export_summary(report: ExportReport, notes: bool) -> str:
    items = counted(report.items, "item")
    context = f" and {report.context:,} linked for context" if report.context else ""
    return (
        f"{items}{context}, {report.annotations:,} annotations "
        f"(notes {'included' if notes else 'left out'}); "
        f"{report.files:,} files, {human_size(report.bytes)}."
    )


class ExportDoneDialog(QDialog):
    def __init__(self, report: ExportReport, notes: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bundle exported")
        self.setMinimumWidth(560)
        self.heading = _heading("The bundle is written.", self)
        self.summary_label = _text(export_summary(report, notes), self)
        row, self.path_field, self.copy_button = _path_row(self, report.path)
        hint = _text(
            "Anyone can check it with File ▸ Verify Bundle… or any BagIt tool, and read "
            "data/report/index.html in a browser, offline.",
            self,
        )
        hint.setObjectName("muted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary_label)
        layout.addLayout(row)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)


class BundleCheckDialog(QDialog):
    """File ▸ Verify Bundle…: intact with the counts, or every missing, added, altered file."""

    def __init__(self, check: BundleCheck, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = check
        self.setWindowTitle("Bundle verified" if check.ok else "Bundle failed verification")
        self.setMinimumWidth(620)
        if not check.ok:
            self.resize(720, 420)
        files = counted(check.files, "file")
        if check.ok:
            self.heading = _heading(f"‘{check.bundle}’ is intact.", self)
            sums = " and ".join(a.upper() for a in check.algorithms)
            text = (
                f"All {files} ({human_size(check.bytes)}) match their {sums} checksums, "
                "and so do the tag files and the Payload-Oxum, if any. Nothing is missing, "
                "added or altered."
            )
        else:
            count = len(check.problems())
            problems = counted(count, "problem")
            self.heading = _heading(f"‘{check.bundle}’ failed verification: {problems}.", self)
            text = (
                f"It holds {files} ({human_size(check.bytes)}). The files below are not as "
                "they were when the bundle was made; do not rely on them."
            )
        self.summary_label = _text(text, self)
        self.info_label = _text(made_text(check), self)
        self.info_label.setObjectName("muted")
        self.info_label.setVisible(bool(self.info_label.text()))
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Problem", "File", "Detail"])
        self.tree.setRootIsDecorated(False)
        for path_ in check.missing:
            self._row("Missing", path_, "named in a manifest, not in the bundle")
        for fetch in check.to_fetch:  # an incomplete bag: xarchive never fetches
            self._row("Missing", fetch.path, f"listed in fetch.txt, to fetch from {fetch.url}")
        for path_ in check.added:
            self._row("Added", path_, "in the bundle, in no manifest")
        for altered in check.altered:
            detail = (
                "its bytes fail the zip's own CRC-32 check"
                if altered.actual == UNREADABLE
                else f"{altered.algorithm.upper()} {altered.actual}"
            )
            self._row("Altered", altered.path, f"{detail}; expected {altered.expected}")
        for error in check.errors:
            self._row("Error", "", error)
        self.tree.setColumnWidth(0, 90)
        self.tree.setColumnWidth(1, 300)
        self.tree.setVisible(not check.ok)
        row, self.path_field, _ = _path_row(self, path)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.info_label)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        if check.ok:  # as tall as its text (wrapped labels otherwise leave a gap)
            layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)

    def _row(self, kind: str, path: str, detail: str) -> None:
        entry = QTreeWidgetItem([kind, path, detail])
        entry.setToolTip(1, path)
        entry.setToolTip(2, detail)
        self.tree.addTopLevelItem(entry)

    def rows(self) -> list[tuple[str, str]]:
        """(kind, file) of every problem listed."""
        found = []
        for i in range(self.tree.topLevelItemCount()):
            entry = self.tree.topLevelItem(i)
            if entry is not None:
                found.append((entry.text(0), entry.text(1)))
        return found


def made_text(check: BundleCheck) -> str:
    """ "Made by ORG on DATE (search: …)" from bag-info.txt; "" when it says nothing."""
    organization = info_value(check.info, "Source-Organization")
    day = info_value(check.info, "Bagging-Date")
    selection = info_value(check.info, "X-Xarchive-Selection")
    parts = [f"by {organization}" if organization else "", f"on {day}" if day else ""]
    text = " ".join(p for p in parts if p)
    text = f"Made {text}" if text else ""
    return f"{text} ({selection})".strip() if selection else text


class BundleImportedDialog(QDialog):
    def __init__(self, report: BundleImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bundle imported")
        self.setMinimumWidth(520)
        self.heading = _heading("The bundle is imported.", self)
        self.summary_label = _text(bundle_imported(report), self)
        self.warning_label = _text(
            "The search index could not be updated: rebuild it with File ▸ Rebuild Search "
            "Index to find the new items.",
            self,
        )
        self.warning_label.setVisible(report.unindexed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)


def refused_problem(exc: BundleRejected, importing: bool) -> Problem:
    """What to say about a bundle that cannot be read, verified or imported safely."""
    shown = exc.problems[:REASONS_SHOWN]
    more = len(exc.problems) - len(shown)
    reasons = "\n".join(f"• {p}" for p in shown) + (f"\n… and {more} more" if more else "")
    nothing = " Nothing was imported." if importing else ""
    return Problem(
        "The bundle was refused" if importing else "The bundle cannot be verified",
        f"‘{exc.bundle}’ did not pass its checks:{nothing}\n{reasons}",
        "Ask its sender for a new copy; a bundle that fails its checks may have been "
        "damaged or changed on the way.",
        details="\n".join(exc.problems),
        severity="error",
    )
