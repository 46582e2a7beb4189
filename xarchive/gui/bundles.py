"""File ▸ Export Bundle…, Verify Bundle… and Import Bundle…: the core's bundle jobs in the app.

`BundleUi(window)` runs each as a `Job` through the window's machinery (progress
dialog with Cancel, one job at a time, `job_ended`), and shows what came of it
in the dialogs of dialogs/bundle.py. An export and a verification only read the
archive; an import is a writing job, refreshed afterwards like any import.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from ..core.archive import Archive
from ..core.bundles.errors import BundleRejected
from ..core.bundles.layout import SETTING_DESCRIPTION, SETTING_ORGANIZATION
from ..core.errors import Cancelled
from ..core.jobs import CancelToken, ProgressCallback
from ..core.store.annotations import tag_counts
from .dialogs import bundle as bundle_dialogs
from .dialogs import errors
from .dialogs.bundle import (
    BundleCheckDialog,
    BundleImportedDialog,
    ExportBundleDialog,
    ExportChoice,
    ExportDoneDialog,
)
from .messages import Problem, job_problem
from .workers import Job

# The export, the import and the check load when a job starts, not with the window.
if TYPE_CHECKING:
    from ..core.bundles import BundleCheck, BundleImportReport, ExportReport
    from .main_window import MainWindow

log = logging.getLogger(__name__)

EXPORTING = "Exporting a bundle"
VERIFYING = "Verifying a bundle"
IMPORTING = "Importing a bundle"


class BundleUi(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.export_dialog: ExportBundleDialog | None = None
        #: The last result shown (export, verification or import), for tests and screenshots.
        self.result_dialog: ExportDoneDialog | BundleCheckDialog | BundleImportedDialog | None = (
            None
        )
        self._start = Path.home()  # where the file dialogs open: where the last bundle was

    # -- export ---------------------------------------------------------------------------
    def choose_export(self) -> None:
        """Ask what to export (non-modal: `export_dialog`), then where; then export."""
        window = self.window
        session = window.session
        if session is None or self._busy():
            return
        archive = session.archive
        try:
            tags = [(t.name, t.count) for t in tag_counts(archive.db) if t.count]
            organization = archive.setting(SETTING_ORGANIZATION)
            description = archive.setting(SETTING_DESCRIPTION)
        except sqlite3.Error as exc:
            errors.ask(window, job_problem(EXPORTING, exc))
            return
        total = window.last_results.total if window.last_results is not None else 0
        self.export_dialog = ExportBundleDialog(
            window.search_bar.query(),
            total,
            tags,
            window.annotate.selected_ids(),
            organization,
            description,
            session.writable,
            window,
        )
        self.export_dialog.accepted.connect(self._export_chosen)
        self.export_dialog.open()

    def _export_chosen(self) -> None:
        window = self.window
        if self.export_dialog is None or window.session is None:
            return
        choice = self.export_dialog.choice()
        if choice.remember:
            self._remember(choice)
        name = bundle_dialogs.suggested_name(window.session.name, choice.options.zipped)
        out = bundle_dialogs.choose_export_target(window, self._start / name, choice.options.zipped)
        if out is None:
            return
        if out.exists() or out.is_symlink():
            errors.ask(
                window,
                Problem(
                    "There is already something there",
                    f"‘{out.name}’ already exists in {out.parent}; a bundle never replaces a file.",
                    "Export again and choose a new name.",
                ),
            )
            return
        self.start_export(choice, out)

    def _remember(self, choice: ExportChoice) -> None:
        session = self.window.session
        if session is None or not session.writable:
            return
        archive = session.archive
        try:
            with archive.transaction():
                archive.set_setting(SETTING_ORGANIZATION, choice.options.organization or "")
                archive.set_setting(SETTING_DESCRIPTION, choice.options.description or "")
        except sqlite3.Error as exc:  # the export itself does not need them saved
            log.warning("could not save the bundle defaults: %s", exc)
            self.window.statusBar().showMessage(
                "The organisation and description could not be saved as defaults.", 10_000
            )

    def start_export(self, choice: ExportChoice, out: Path) -> Job | None:
        """Export `choice` to `out` as a job; a cancelled export leaves nothing at `out`."""
        window = self.window
        session = window.session
        if session is None or self._busy():
            return None
        from ..core.bundles.export import export_bundle
        from ..core.bundles.selection import select_items

        def run(
            archive: Archive | None, progress: ProgressCallback, cancel: CancelToken
        ) -> ExportReport:
            assert archive is not None  # the window's, as a sibling for this thread
            selection = select_items(
                archive,
                query=choice.query,
                tag=choice.tag,
                ids=list(choice.ids) if choice.ids is not None else None,
                context=choice.context,
            )
            return export_bundle(archive, selection, out, choice.options, progress, cancel)

        job = Job(EXPORTING, run, session.archive)
        self._start_job(job, lambda report: self._exported(report, choice, job), "nothing is kept")
        self._start = out.parent
        return job

    def _exported(self, report: ExportReport, choice: ExportChoice, job: Job) -> None:
        self.result_dialog = ExportDoneDialog(report, choice.options.notes, self.window)
        self.result_dialog.open()
        self.window.statusBar().showMessage(f"Bundle exported to {report.path}", 10_000)
        self.window.job_ended.emit((job.title, report))

    # -- verify ---------------------------------------------------------------------------
    def choose_verify(self) -> None:
        if self.window.session is None or self._busy():
            return
        path = bundle_dialogs.choose_bundle(self.window, "Verify a bundle", self._start)
        if path is not None:
            self.start_verify(path)

    def start_verify(self, path: Path) -> Job | None:
        """Check every checksum of the bundle at `path` as a job; show what was found."""
        if self._busy():
            return None
        from ..core.bundles import verify_bundle

        def run(_: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> BundleCheck:
            return verify_bundle(path, progress, cancel)

        job = Job(VERIFYING, run, None)
        self._start_job(job, lambda check: self._verified(check, path, job))
        self._start = path.parent
        return job

    def _verified(self, check: BundleCheck, path: Path, job: Job) -> None:
        self.result_dialog = BundleCheckDialog(check, path, self.window)
        self.result_dialog.open()
        verdict = "intact" if check.ok else f"FAILED: {len(check.problems())} problem(s)"
        self.window.statusBar().showMessage(f"The bundle ‘{check.bundle}’ is {verdict}", 10_000)
        self.window.job_ended.emit((job.title, check))

    # -- import ---------------------------------------------------------------------------
    def choose_import(self) -> None:
        if not self.window._can_write("importing a bundle"):
            return
        path = bundle_dialogs.choose_bundle(self.window, "Import a bundle", self._start)
        if path is not None:
            self.start_import(path)

    def start_import(self, path: Path) -> Job | None:
        """Verify the bundle at `path` and merge it into the archive, as a writing job."""
        window = self.window
        if not window._can_write("importing a bundle"):
            return None
        assert window.session is not None
        from ..core.bundles.importing import import_bundle

        def run(
            archive: Archive | None, progress: ProgressCallback, cancel: CancelToken
        ) -> BundleImportReport:
            assert archive is not None
            return import_bundle(archive, path, progress, cancel)

        job = Job(IMPORTING, run, window.session.archive)
        self._start_job(job, lambda report: self._imported(report, job), writes=True)
        self._start = path.parent
        return job

    def _imported(self, report: BundleImportReport, job: Job) -> None:
        self.window._after_write()
        self.result_dialog = BundleImportedDialog(report, self.window)
        self.result_dialog.open()
        self.window.statusBar().showMessage(
            f"Bundle imported: {len(report.added)} new items, {len(report.merged)} already here",
            10_000,
        )
        self.window.job_ended.emit((job.title, report))

    # -- jobs -----------------------------------------------------------------------------
    def _busy(self) -> bool:
        if not self.window.runner.busy:
            return False
        errors.ask(
            self.window,
            Problem(
                "Please wait",
                "Another task is still running.",
                "Wait for it to finish or cancel it.",
                severity="info",
            ),
        )
        return True

    def _start_job(
        self,
        job: Job,
        finished: Callable[[Any], None],
        after_cancel: str = "",
        writes: bool = False,
    ) -> None:
        window = self.window
        window._start_job(job, finished, lambda exc: self._failed(job, exc, writes))
        dialog = window.progress_dialog
        if dialog is not None and after_cancel:
            dialog.cancel_button.setToolTip(f"Stop now; {after_cancel}")
            dialog.stopping_text = f"Stopping… ({after_cancel})"

    def _failed(self, job: Job, exc: BaseException, writes: bool) -> None:
        window = self.window
        if writes:
            window._after_write()
        if isinstance(exc, Cancelled):
            window.statusBar().showMessage(f"{job.title}: cancelled.", 10_000)
        elif isinstance(exc, BundleRejected):
            errors.ask(window, bundle_dialogs.refused_problem(exc, importing=writes))
        else:  # an unexpected one is logged, and the dialog names the log file
            errors.ask(window, job_problem(job.title, exc))
        window.job_ended.emit((job.title, exc))
