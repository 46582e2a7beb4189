"""File ▸ Export Bundle…, Verify Bundle… and Import Bundle…: the core's bundle jobs in the app.

`BundleUi(host, …)` runs each as an operation of its host (operations.py: progress
dialog with Cancel, one job at a time, the error dialog), and shows what came of it
in the dialogs of dialogs/bundle.py. An export and a verification only read the
archive; an import writes, and the views refresh afterwards as after any import.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ..core.archive import Archive
from ..core.bundles.errors import BundleRejected
from ..core.bundles.layout import SETTING_DESCRIPTION, SETTING_ORGANIZATION
from ..core.errors import StorageError
from ..core.jobs import CancelToken, ProgressCallback
from ..core.wording import bundle_counts, counted
from .dialogs import bundle as bundle_dialogs
from .dialogs.bundle import (
    BundleCheckDialog,
    BundleImportedDialog,
    ExportBundleDialog,
    ExportChoice,
    ExportDoneDialog,
)
from .host import Host
from .messages import Problem, job_problem
from .operations import BUSY, EVERYTHING, Operation
from .workers import Job

# The export, the import and the check load when a job starts, not with the window.
if TYPE_CHECKING:
    from ..core.bundles import BundleCheck, BundleImportReport, ExportReport

log = logging.getLogger(__name__)

EXPORTING = "Exporting a bundle"
VERIFYING = "Verifying a bundle"
IMPORTING = "Importing a bundle"


class BundleUi(QObject):
    def __init__(
        self,
        host: Host,
        query: Callable[[], str],
        total: Callable[[], int],
        selected: Callable[[], list[int]],
    ) -> None:
        """`query`, `total` and `selected`: the search shown, how many it found, and the
        ids of the results selected — what an export may choose from."""
        super().__init__(host.window())
        self.host = host
        self._query, self._total, self._selected = query, total, selected
        self.export_dialog: ExportBundleDialog | None = None
        #: The last result shown (export, verification or import), for tests and screenshots.
        self.result_dialog: ExportDoneDialog | BundleCheckDialog | BundleImportedDialog | None = (
            None
        )
        self._start = Path.home()  # where the file dialogs open: where the last bundle was
        host.add_action("export-bundle", self.choose_export)
        host.add_action("verify-bundle", self.choose_verify)
        host.add_action("import-bundle", self.choose_import)

    # -- export ---------------------------------------------------------------------------
    def choose_export(self) -> None:
        """Ask what to export (non-modal: `export_dialog`), then where; then export."""
        session = self.host.session
        if session is None or self._busy():
            return
        archive = session.archive
        try:
            tags = [(t.name, t.count) for t in archive.tag_counts() if t.count]
            organization = archive.setting(SETTING_ORGANIZATION)
            description = archive.setting(SETTING_DESCRIPTION)
        except StorageError as exc:
            self.host.tell(job_problem(EXPORTING, exc))
            return
        self.export_dialog = ExportBundleDialog(
            self._query(),
            self._total(),
            tags,
            self._selected(),
            organization,
            description,
            session.writable,
            self.host.window(),
        )
        self.export_dialog.accepted.connect(self._export_chosen)
        self.export_dialog.open()

    def _export_chosen(self) -> None:
        session = self.host.session
        if self.export_dialog is None or session is None:
            return
        choice = self.export_dialog.choice()
        if choice.remember:
            self._remember(choice)
        name = bundle_dialogs.suggested_name(session.name, choice.options.zipped)
        out = bundle_dialogs.choose_export_target(
            self.host.window(), self._start / name, choice.options.zipped
        )
        if out is None:
            return
        if out.exists() or out.is_symlink():
            self.host.tell(
                Problem(
                    "There is already something there",
                    f"‘{out.name}’ already exists in {out.parent}; a bundle never replaces a file.",
                    "Export again and choose a new name.",
                ),
            )
            return
        self.start_export(choice, out)

    def _remember(self, choice: ExportChoice) -> None:
        session = self.host.session
        if session is None or not session.writable:
            return
        archive = session.archive
        try:
            with archive.transaction():
                archive.set_setting(SETTING_ORGANIZATION, choice.options.organization or "")
                archive.set_setting(SETTING_DESCRIPTION, choice.options.description or "")
        except StorageError as exc:  # the export itself does not need them saved
            log.warning("could not save the bundle defaults: %s", exc)
            self.host.show_status(
                "The organisation and description could not be saved as defaults."
            )

    def start_export(self, choice: ExportChoice, out: Path) -> Job | None:
        """Export `choice` to `out` as a job; a cancelled export leaves nothing at `out`."""
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

        job = self.host.run(
            Operation(
                EXPORTING,
                run,
                lambda report: self._exported(report, choice),
                after_cancel="nothing is kept",
                problem=self._problem(EXPORTING),
            )
        )
        if job is not None:
            self._start = out.parent
        return job

    def _exported(self, report: ExportReport, choice: ExportChoice) -> None:
        self.result_dialog = ExportDoneDialog(report, choice.options.notes, self.host.window())
        self.result_dialog.open()
        self.host.show_status(f"Bundle exported to {report.path}")

    # -- verify ---------------------------------------------------------------------------
    def choose_verify(self) -> None:
        if self.host.session is None or self._busy():
            return
        path = bundle_dialogs.choose_bundle(self.host.window(), "Verify a bundle", self._start)
        if path is not None:
            self.start_verify(path)

    def start_verify(self, path: Path) -> Job | None:
        """Check every checksum of the bundle at `path` as a job; show what was found."""
        from ..core.bundles import verify_bundle

        def run(_: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> BundleCheck:
            return verify_bundle(path, progress, cancel)

        job = self.host.run(
            Operation(
                VERIFYING,
                run,
                lambda check: self._verified(check, path),
                on_archive=False,
                problem=self._problem(VERIFYING),
            )
        )
        if job is not None:
            self._start = path.parent
        return job

    def _verified(self, check: BundleCheck, path: Path) -> None:
        self.result_dialog = BundleCheckDialog(check, path, self.host.window())
        self.result_dialog.open()
        verdict = "intact" if check.ok else f"FAILED: {counted(len(check.problems()), 'problem')}"
        self.host.show_status(f"The bundle ‘{check.bundle}’ is {verdict}")

    # -- import ---------------------------------------------------------------------------
    def choose_import(self) -> None:
        if not self.host.can_write("importing a bundle"):
            return
        path = bundle_dialogs.choose_bundle(self.host.window(), "Import a bundle", self._start)
        if path is not None:
            self.start_import(path)

    def start_import(self, path: Path) -> Job | None:
        """Verify the bundle at `path` and merge it into the archive, as a writing job."""
        from ..core.bundles.importing import import_bundle

        def run(
            archive: Archive | None, progress: ProgressCallback, cancel: CancelToken
        ) -> BundleImportReport:
            assert archive is not None
            return import_bundle(archive, path, progress, cancel)

        job = self.host.run(
            Operation(
                IMPORTING,
                run,
                self._imported,
                writes="importing a bundle",
                changes=EVERYTHING,
                problem=self._problem(IMPORTING, importing=True),
            )
        )
        if job is not None:
            self._start = path.parent
        return job

    def _imported(self, report: BundleImportReport) -> None:
        self.result_dialog = BundleImportedDialog(report, self.host.window())
        self.result_dialog.open()
        self.host.show_status(f"Bundle imported: {bundle_counts(report)}")

    # -- the checks, and what a failure says -----------------------------------------------
    def _busy(self) -> bool:
        if self.host.busy:
            self.host.tell(BUSY)
        return self.host.busy

    @staticmethod
    def _problem(title: str, importing: bool = False) -> Callable[[BaseException], Problem]:
        """What a failure of `title` says: a refused bundle, why; else as any job."""

        def problem(exc: BaseException) -> Problem:
            if isinstance(exc, BundleRejected):
                return bundle_dialogs.refused_problem(exc, importing=importing)
            return job_problem(title, exc)  # an unexpected one is logged, the log named

        return problem
