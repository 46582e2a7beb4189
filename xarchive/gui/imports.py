"""File ▸ Import Files… and Import Folder…, and files dropped on the window: the import
pipeline as an operation, and its report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from ..core.archive import Archive
from ..core.jobs import CancelToken, ProgressCallback
from .dialogs.import_report import ImportReportDialog
from .host import Host
from .operations import EVERYTHING, Operation
from .workers import Job

# The import pipeline (and the importers, Pillow among them) loads when an import
# starts, not with the window: most sessions only search.
if TYPE_CHECKING:
    from ..core.importing import ImportOptions, ImportReport

IMPORTING = "Importing"


class ImportUi(QObject):
    def __init__(self, host: Host, options: ImportOptions | None = None) -> None:
        super().__init__(host.window())
        self.host = host
        #: How imports run; None: the pipeline's defaults.
        self.options = options
        #: The report of the last import.
        self.report_dialog: ImportReportDialog | None = None
        host.add_action("import-files", self.choose_files)
        host.add_action("import-folder", self.choose_folder)

    def choose_files(self) -> None:
        if not self.host.can_write("importing"):
            return
        files, _ = QFileDialog.getOpenFileNames(
            self.host.window(), "Import files", str(Path.home())
        )
        if files:
            self.start([Path(f) for f in files])

    def choose_folder(self) -> None:
        if not self.host.can_write("importing"):
            return
        folder = QFileDialog.getExistingDirectory(
            self.host.window(), "Import a folder", str(Path.home())
        )
        if folder:
            self.start([Path(folder)])

    def start(self, paths: list[Path]) -> Job | None:
        """Import files and folders in the background, with progress and a report."""
        if not paths:
            return None
        from ..core.importing import ImportOptions, import_paths

        options = self.options or ImportOptions()
        chosen = list(paths)

        def work(
            archive: Archive | None, progress: ProgressCallback, cancel: CancelToken
        ) -> ImportReport:
            assert archive is not None
            return import_paths(archive, chosen, options, progress, cancel)

        return self.host.run(
            Operation(IMPORTING, work, self._finished, writes="importing", changes=EVERYTHING)
        )

    def _finished(self, report: ImportReport) -> None:
        self.report_dialog = ImportReportDialog(report, self.host.window())
        self.report_dialog.open()
        self.host.show_status(
            f"Import {report.status}: {len(report.imported)} imported, "
            f"{len(report.skipped)} skipped, {len(report.failed)} failed"
        )
