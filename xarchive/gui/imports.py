"""File ▸ Import Files… and Import Folder…, and files dropped on the window: the import
pipeline as an operation, and its report."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ..core.archive import Archive
from ..core.jobs import CancelToken, ProgressCallback
from ..core.wording import import_counts
from .dialogs.import_choice import ImportChooser
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
        #: The file dialog of the last File ▸ Import Files… or Import Folder….
        self.chooser: ImportChooser | None = None
        host.add_action("import-files", self.choose_files)
        host.add_action("import-folder", self.choose_folder)

    def choose_files(self) -> None:
        self._choose(folder=False)

    def choose_folder(self) -> None:
        self._choose(folder=True)

    def _choose(self, folder: bool) -> None:
        if not self.host.can_write("importing"):
            return
        self.chooser = ImportChooser(self.host.window(), folder)
        self.chooser.accepted.connect(self._chosen)
        self.chooser.open()

    def _chosen(self) -> None:
        chooser = self.chooser
        if chooser is not None and chooser.chosen():
            self.start(chooser.chosen(), follow_links=chooser.follow_links.isChecked())

    def start(self, paths: list[Path], follow_links: bool = False) -> Job | None:
        """Import files and folders in the background, with progress and a report;
        `follow_links`: follow links that lead out of a folder (never for a drop)."""
        if not paths:
            return None
        from ..core.importing import ImportOptions, import_paths

        options = replace(self.options or ImportOptions(), follow_links=follow_links)
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
        self.host.show_status(f"Import {report.status}: {import_counts(report)}")
