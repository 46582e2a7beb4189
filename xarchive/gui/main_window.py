"""The main window: search bar on top, facets and saved searches on the left, results in
the middle, the viewer on the right, the timeline below; the archive open, the search and
the index. Its features (annotate/, bundles, imports, delete, suggest) plug in through the
host interface (host.py), its menus come from actions.py, its jobs run as operations."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import properties
from ..core.archive import Archive
from ..core.demo import ensure_demo_archive
from ..core.errors import StorageError, XArchiveError
from ..core.jobs import CancelToken, ProgressCallback
from ..core.paths import demo_archive_dir
from ..core.wording import READ_ONLY_TITLE, READ_ONLY_WHY, counted
from . import settings as cfg
from . import theme
from .accessibility import name_controls
from .actions import ActionSet
from .annotate.window import AnnotateUi
from .bundles import BundleUi
from .delete import DeleteUi
from .dialogs import errors
from .dialogs.about import AboutDialog
from .dialogs.import_report import ImportReportDialog
from .dialogs.progress import JobProgressDialog
from .dialogs.properties import PropertiesDialog
from .dialogs.shortcuts import ShortcutsDialog
from .docks.facets import FacetsDock
from .docks.saved_searches import SavedSearchesDock
from .docks.timeline import TimelineDock
from .evidence import EvidenceUi
from .imports import ImportUi
from .indexing import IndexUi
from .layout import RESULTS_MIN_WIDTH, VIEWER_MIN_WIDTH, WindowLayout
from .messages import (
    CHOOSE_ANOTHER,
    OPEN_READ_ONLY,
    REBUILD_INDEX,
    REMOVE_RECENT,
    Problem,
    opening_problem,
    sentence,
)
from .models.results import ResultsModel
from .operations import BUSY_OPENING, Changes, Operation, Operations
from .resources import app_icon
from .searching import SearchUi
from .sensitive import SensitiveUi
from .session import ArchiveSession, item_count
from .suggest import SuggestUi
from .tour import Tour
from .views.item import ItemViewer
from .widgets.info_bar import InfoBar
from .widgets.results_view import ResultsView
from .widgets.search_bar import SearchBar
from .workers import Job

if TYPE_CHECKING:
    from ..core.importing import ImportOptions
    from .dialogs.search_syntax import SearchSyntaxDialog

log = logging.getLogger(__name__)

OPEN_ERRORS = (XArchiveError, OSError)


class MainWindow(QMainWindow):
    """The window, and the host of its features (host.Host): annotating, bundles,
    importing, deleting and suggestions each get from it only what host.py names."""

    #: A search ran: its SearchResults, or None when the query did not parse.
    search_finished = Signal(object)
    #: A job ended: (title, result or exception).
    job_ended = Signal(object)
    #: An archive was opened (its root).
    archive_opened = Signal(object)
    #: The archive changed: what changed (operations.Changes).
    changed = Signal(object)

    def __init__(
        self,
        settings: cfg.UserSettings | None = None,
        import_options: ImportOptions | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or cfg.UserSettings()
        self.session: ArchiveSession | None = None
        self.operations = Operations(self, self, {REBUILD_INDEX: lambda: self.start_reindex()})
        self.operations.started.connect(lambda _job: self._update_actions())
        self.operations.ended.connect(lambda _payload: self._update_actions())
        self.operations.ended.connect(self.job_ended.emit)
        self.runner = self.operations.runner
        self.properties_dialog: PropertiesDialog | None = None
        self.syntax_dialog: SearchSyntaxDialog | None = None

        self.setWindowTitle("xarchive")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowNestedDocks
        )
        self._build_central()
        self._build_docks()
        # per screen size; reading mode
        self.window_layout = WindowLayout(self, self.settings, self.splitter, self.viewer)
        self.actions = ActionSet(self)  # every menu entry, from actions.MENUS
        # The features: each adds its docks, actions and overlays through the host interface.
        self.searching = SearchUi(
            self,
            self.search_bar,
            self.model,
            self.results,
            self.empty_label,
            (self.facets, self.saved, self.timeline),
            self.viewer,
            lambda: self.indexing.check(ask=False),
        )
        self.searching.finished.connect(self.search_finished)
        self.annotate = AnnotateUi(self, self.viewer, self.results, self.model, self.search_bar)
        self.suggesting = SuggestUi(
            self, self.annotate.controller, self.viewer, self.annotate.open_item
        )
        self.suggestions = self.suggesting.dock
        self.bundles = BundleUi(
            self,
            query=self.search_bar.query,
            total=lambda: getattr(self.searching.last_results, "total", 0),
            selected=self.annotate.selected_ids,
        )
        self.importing = ImportUi(self, import_options)
        self.deleting = DeleteUi(self, self.viewer, self.annotate.controller)
        self.indexing = IndexUi(self, self.info_bar, self._stop_reading, self.suggesting.offer)
        self.sensitive = SensitiveUi(
            self, self.settings, self.viewer, self.results, self.annotate.controller
        )
        self.evidence = EvidenceUi(self, self.results, self.model, self.timeline, self.viewer)
        self._place_feature_docks()
        self._connect_actions()
        self._build_status_bar()
        # hints shown on the demo's first opening, and from Help
        self.tour = Tour(self, self.settings, self.window_layout)
        self.window_layout.restore()
        self._update_actions()
        self._make_keyboard_and_reader_friendly()

    # == building ===========================================================================
    def _build_central(self) -> None:
        self.search_bar = SearchBar(self.settings.get(cfg.SEARCH_DELAY_MS), self)
        self.search_bar.field.setAcceptDrops(False)  # dropped files import, never paste paths
        self.search_bar.set_sort(self.settings.get(cfg.SORT))
        self.info_bar = InfoBar(self)

        self.model = ResultsModel()
        self.results = ResultsView(self)
        self.results.setModel(self.model)
        self.results.activated.connect(lambda _: self.viewer.setFocus())
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        results_box = QWidget(self)
        results_layout = QVBoxLayout(results_box)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.results, 1)
        results_layout.addWidget(self.empty_label, 1)

        self.viewer = ItemViewer(self)
        self.viewer.text.browser.link_clicked.connect(self._link_clicked)
        self.viewer.details.browser.link_clicked.connect(self._link_clicked)
        self.viewer.post.link_clicked.connect(self._link_clicked)
        self.viewer.post.open_item.connect(lambda item_id: self.annotate.open_item(item_id))
        self.viewer.item_shown.connect(lambda _item: self._update_actions())

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(results_box)
        self.splitter.addWidget(self.viewer)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([430, 650])
        self.splitter.setChildrenCollapsible(False)
        # However wide what the viewer shows, the titles of the results stay readable.
        results_box.setMinimumWidth(RESULTS_MIN_WIDTH)
        self.viewer.setMinimumWidth(VIEWER_MIN_WIDTH)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.search_bar)
        layout.addWidget(self.info_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _build_docks(self) -> None:
        self.facets = FacetsDock(self)
        self.saved = SavedSearchesDock(self)
        self.timeline = TimelineDock(self)
        self.timeline.set_bucket(self.settings.get(cfg.TIMELINE_BUCKET))
        self.timeline.bucket_changed.connect(lambda b: self.settings.set(cfg.TIMELINE_BUCKET, b))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.facets)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.saved)
        self.splitDockWidget(self.facets, self.saved, Qt.Orientation.Vertical)
        self.resizeDocks([self.facets, self.saved], [420, 160], Qt.Orientation.Vertical)
        self.resizeDocks([self.facets], [240], Qt.Orientation.Horizontal)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.timeline)
        self.resizeDocks([self.timeline], [190], Qt.Orientation.Vertical)

    def _place_feature_docks(self) -> None:
        """Annotations above Links on the right, Suggestions a tab beside Links."""
        right = Qt.DockWidgetArea.RightDockWidgetArea
        notes, links = self.annotate.annotations_dock, self.annotate.links_dock
        self.addDockWidget(right, notes)
        self.addDockWidget(right, links)
        self.splitDockWidget(notes, links, Qt.Orientation.Vertical)
        self.resizeDocks([notes], [300], Qt.Orientation.Horizontal)
        self.addDockWidget(right, self.suggestions)
        self.tabifyDockWidget(links, self.suggestions)
        links.raise_()

    def _connect_actions(self) -> None:
        """What the window's own entries of actions.MENUS do; then the menu bar."""
        pdf = self.viewer.pdf
        own: dict[str, Callable[[], object]] = {
            "new-archive": self.new_archive,
            "open-archive": self.choose_archive,
            "open-demo": self.open_demo,
            "properties": self.edit_properties,
            "quit": self.close,
            "reading-mode": lambda: self.window_layout.set_reading(
                self.actions["reading-mode"].isChecked()
            ),
            "show-details": lambda: self.window_layout.set_details(
                self.actions["show-details"].isChecked()
            ),
            "zoom-in": self._zoom_in,
            "zoom-out": self._zoom_out,
            "fit": self._fit,
            "next-page": pdf.next_page,
            "previous-page": pdf.previous_page,
            "shortcuts": self.show_shortcuts,
            "search-syntax": self.show_query_help,
            "tour": self.show_tour,
            "about": self.show_about,
            "open-log-folder": lambda: errors.open_log_folder(self),
        }
        for choice in THEMES:
            own[f"theme-{choice}"] = lambda c=choice: self.set_theme(c)
        for key, slot in own.items():
            self.actions.connect(key, slot)
        self.actions.check_connected()
        self.actions.build_menus(self.menuBar())

        self.actions[f"theme-{self.settings.get(cfg.THEME)}"].setChecked(True)
        self.recent_menu = self.actions.menus["recent"]
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        reading = self.actions["reading-mode"]
        self.window_layout.reading_changed.connect(reading.setChecked)
        details = self.actions["show-details"]
        details.setChecked(not self.window_layout.details_folded)
        self.window_layout.details_changed.connect(details.setChecked)
        self.reading_button = QToolButton(self)
        self.reading_button.setObjectName("readingButton")
        self.reading_button.setDefaultAction(reading)
        self.reading_button.setAutoRaise(True)
        self.reading_button.setAccessibleName("Reading mode")
        self.search_bar.add_tool(self.reading_button)
        from .urdu_font import UrduFontMenu

        self.urdu_font = UrduFontMenu(self.actions.menus["urdu-font"], self.settings, self)
        self.urdu_font.changed.connect(self.refresh_colors)  # lays the item shown out again

    def _make_keyboard_and_reader_friendly(self) -> None:
        """Tab from the query to its tools, then to the results and the item; every menu
        entry with a letter of its own (Alt+letter, actions.py); a name on every control."""
        for first, then in (
            (self.search_bar.field, self.search_bar.sort_box),
            (self.search_bar.sort_box, self.reading_button),
            (self.reading_button, self.results),
            (self.results, self.viewer),
        ):
            QWidget.setTabOrder(first, then)
        self.suggestions.toggleViewAction().setText("S&uggestions")  # not in a menu
        name_controls(self)
        # Views build controls as they show an item (a post's card): name those too.
        self.viewer.item_shown.connect(
            lambda _item: QTimer.singleShot(0, self, lambda: name_controls(self))
        )

    def _build_status_bar(self) -> None:
        self.archive_label = QLabel(self)
        self.archive_label.setObjectName("muted")
        self.statusBar().addPermanentWidget(self.archive_label)
        self.statusBar().setSizeGripEnabled(True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.window_layout.shown()

    def save_layout(self) -> None:
        self.window_layout.save()
        self.settings.set(cfg.SORT, self.search_bar.sort)
        self.settings.sync()

    # == the host of the features (host.Host) ===============================================
    @property
    def busy(self) -> bool:
        return self.runner.busy

    def add_action(
        self, key: str, slot: Callable[[], object], enabled: Callable[[], bool] | None = None
    ) -> QAction:
        return self.actions.connect(key, slot, enabled)

    def can_write(self, what: str) -> bool:
        return self.operations.can_write(what)

    def tell(self, problem: Problem) -> str | None:
        return errors.ask(self, problem)

    def show_status(self, text: str, timeout_ms: int = 10_000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def run(self, op: Operation[Any]) -> Job | None:
        return self.operations.run(op)

    def start_reindex(self) -> Job | None:
        return self.indexing.start_reindex()

    def _stop_reading(self) -> None:
        """Before the index is rebuilt (its folder is swapped): stop reading the old one."""
        if self.session is not None and self.session.searcher is not None:
            self.session.searcher.close()
            self.session.searcher = None
        self.searching.reset(wait=True)
        self.model.clear()

    def after_write(self, changes: Changes) -> None:
        """After the archive changed: reopen the index if another connection wrote it,
        refresh the counts and the results if items changed, then tell the features."""
        if self.session is None:
            return
        if changes.index:
            self.session.open_searcher()
            self.searching.reset()
        self.indexing.check(ask=False)
        if changes.items or changes.index:
            self._update_status()
            self.searching.run()
        elif changes.tags:
            self.searching.refresh_facets()
        self.changed.emit(changes)

    @property
    def progress_dialog(self) -> JobProgressDialog | None:
        return self.operations.progress_dialog

    @property
    def report_dialog(self) -> ImportReportDialog | None:
        return self.importing.report_dialog

    # == archives ===========================================================================
    def open_archive(self, path: Path, readonly: bool = False) -> bool:
        """Open the archive at `path` (replacing the one open); on failure say why and
        offer the fix. Returns whether an archive was opened."""
        path = Path(path).expanduser().absolute()
        if self.runner.busy:
            self.tell(BUSY_OPENING)
            return False
        try:
            session = ArchiveSession.open(path, readonly=readonly)
        except OPEN_ERRORS as exc:
            log.info("could not open %s: %s", path, exc)
            fix = errors.ask(self, opening_problem(exc, path))
            if fix == OPEN_READ_ONLY:
                return self.open_archive(path, readonly=True)
            if fix == CHOOSE_ANOTHER:
                return self.choose_archive()
            if fix == REMOVE_RECENT:
                self.settings.remove_recent(str(path))
            return False
        self._set_session(session)
        return True

    def _set_session(self, session: ArchiveSession) -> None:
        self.close_archive()
        self.session = session
        self.searching.open(session)
        self.settings.add_recent(session.root)
        self.setWindowTitle(f"{session.name} — xarchive")
        self.viewer.clear()
        self._update_actions()
        self._update_status()
        self.indexing.check(ask=True)
        if not session.writable and self.info_bar.isHidden():
            self.info_bar.show_message(
                f"{READ_ONLY_TITLE}. {READ_ONLY_WHY} You can search and read; importing is off.",
                kind="warning",
            )
        self.search_bar.set_query("", [])
        self.archive_opened.emit(session.root)
        if not self.settings.get(cfg.TOUR_SHOWN) and _same_folder(session.root, demo_archive_dir()):
            QTimer.singleShot(0, self, self.show_tour)  # once the window has its layout

    def close_archive(self) -> None:
        if self.session is None:
            return
        self.viewer.clear()
        self.searching.close()
        self.annotate.set_session(None)
        self.session.close()
        self.session = None
        self.info_bar.hide()
        self.setWindowTitle("xarchive")
        self._update_actions()

    def edit_properties(self) -> bool:
        """File ▸ Archive Properties…; True if something was changed."""
        session = self.session
        if session is None:
            return False
        dialog = PropertiesDialog(session.archive, session.writable, self)
        self.properties_dialog = dialog
        while dialog.exec() == PropertiesDialog.DialogCode.Accepted and session.writable:
            try:
                changed = properties.write(session.archive, dialog.values())
            except properties.InvalidProperty as exc:
                dialog.show_error(sentence(str(exc)))
                continue
            except StorageError as exc:
                dialog.show_error(f"The archive refused the change ({exc}).")
                continue
            if changed:
                self.setWindowTitle(f"{session.name} — xarchive")
                self._update_status()
                self.show_status("The archive's properties were saved.", 6000)
            return bool(changed)
        return False

    def choose_archive(self) -> bool:
        start = str(self.session.root.parent) if self.session else str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Open archive", start)
        return bool(chosen) and self.open_archive(Path(chosen))

    def new_archive(self) -> None:
        start = str(
            (self.session.root.parent if self.session else Path.home()) / "New case.xarchive"
        )
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "New archive: choose a name for its folder",
            start,
            "",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if chosen:
            self.create_archive(Path(chosen))

    def create_archive(self, path: Path) -> bool:
        if self.runner.busy:
            return False
        self.close_archive()
        try:
            Archive.create(path).close()
        except OPEN_ERRORS as exc:
            errors.ask(self, opening_problem(exc, path))
            return False
        return self.open_archive(path)

    def open_default(self) -> None:
        """At start-up: the archive open last time if it is still there, else the demo."""
        last = self.settings.get(cfg.LAST_ARCHIVE)
        usable = last and (Path(last) / "archive.sqlite").is_file()
        if usable and Path(last) != demo_archive_dir() and self.open_archive(Path(last)):
            return
        self.open_demo()

    def open_demo(self) -> None:
        """Open the demo archive, building it first (with progress) if need be."""
        root = demo_archive_dir()
        if (root / "archive.sqlite").is_file() and self.settings.get(cfg.DEMO_BUILT):
            self.open_archive(root)
            return
        if self.runner.busy:
            return
        self.close_archive()
        self.viewer.clear("Building the demo archive from the sample documents…")

        def build(_: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> Path:
            return ensure_demo_archive(progress, cancel, target=root)

        def built(path: Path) -> None:
            if self.operations.current is not None and not self.operations.current.cancelled:
                self.settings.set(cfg.DEMO_BUILT, True)
            self.open_archive(Path(path))

        self.run(Operation("Building the demo archive", build, built, on_archive=False))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_archives()
        for entry in recent:
            action = self.recent_menu.addAction(Path(entry).name)
            action.setToolTip(entry)
            action.setStatusTip(entry)
            action.triggered.connect(lambda _=False, p=entry: self.open_archive(Path(p)))
        if not recent:
            self.recent_menu.addAction("No recent archives").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear the List", self.settings.clear_recent)

    # == importing ========================================================================
    def start_import(self, paths: list[Path]) -> Job | None:
        """Import files and folders in the background (imports.py); dropped files too."""
        return self.importing.start(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_paths(event.mimeData().urls()) and self.session is not None:
            event.acceptProposedAction()
            self.statusBar().showMessage("Drop to import into the archive")
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _local_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.start_import(paths)

    # == view and help ======================================================================
    def _zoom_in(self) -> None:
        if self.viewer.stack.currentWidget() is self.viewer.image:
            self.viewer.image.zoom_in()
        else:
            self.viewer.pdf.zoom_in()

    def _zoom_out(self) -> None:
        if self.viewer.stack.currentWidget() is self.viewer.image:
            self.viewer.image.zoom_out()
        else:
            self.viewer.pdf.zoom_out()

    def _fit(self) -> None:
        if self.viewer.stack.currentWidget() is self.viewer.image:
            self.viewer.image.canvas.fit_to_window()
        else:
            self.viewer.pdf.fit_width()

    def set_theme(self, choice: str) -> None:
        self.settings.set(cfg.THEME, choice)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, choice)
        self.actions[f"theme-{choice}"].setChecked(True)
        self.refresh_colors()

    def refresh_colors(self) -> None:
        """Redraw what has theme colours baked in (result cards, the item shown)."""
        self.results.delegate.clear_cache()
        self.results.viewport().update()
        self.timeline.chart.update()
        row = self.results.currentIndex().row()
        if row >= 0:
            self.searching.show_result(row)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def show_tour(self) -> None:
        """Help ▸ Take the Tour: the hints of the first run, again."""
        if self.isVisible():
            self.tour.start()

    def show_about(self) -> None:
        AboutDialog(self).exec()

    def show_query_help(self) -> SearchSyntaxDialog:
        """Help ▸ Search Syntax: beside the window, its examples run when clicked."""
        from .dialogs.search_syntax import SearchSyntaxDialog

        if self.syntax_dialog is None:
            self.syntax_dialog = SearchSyntaxDialog(self)
            self.syntax_dialog.example_chosen.connect(lambda q: self.search_bar.set_query(q, []))
        self.syntax_dialog.show()
        self.syntax_dialog.raise_()
        self.syntax_dialog.activateWindow()
        return self.syntax_dialog

    def _link_clicked(self, url: QUrl) -> None:
        # Links in archived pages are evidence, not navigation: show, never open.
        self.statusBar().showMessage(f"Link (not opened): {url.toString()}", 15_000)

    def _update_actions(self) -> None:
        session = self.session
        self.actions.update(
            has_archive=session is not None,
            writable=session is not None and session.writable,
            busy=self.runner.busy,
        )

    def _update_status(self) -> None:
        if self.session is None:
            self.archive_label.setText("")
            return
        count = item_count(self.session)
        mode = "" if self.session.writable else "  ·  read-only"
        self.archive_label.setText(f"{self.session.name}  ·  {counted(count, 'item')}{mode}")
        self.archive_label.setToolTip(str(self.session.root))

    # == closing ============================================================================
    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop jobs (cancelling them), close the archive. Safe to call twice."""
        if not self.operations.shutdown(15_000):
            log.warning("a job did not stop in time")
        self.viewer.shutdown()
        self.close_archive()


THEMES = ("system", "light", "dark")


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _local_paths(urls: list[QUrl]) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile()]
