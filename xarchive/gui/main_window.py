"""The main window: search bar on top, facets and saved searches on the left, results in
the middle, the viewer on the right, the timeline below; menus, shortcuts, jobs."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import properties
from ..core.archive import Archive
from ..core.demo import ensure_demo_archive
from ..core.errors import Cancelled, IndexUnavailable, ItemNotFound, QueryError, XArchiveError
from ..core.indexing import catch_up, reindex
from ..core.jobs import CancelToken, ProgressCallback
from ..core.paths import demo_archive_dir
from ..core.search import SearchResults
from ..core.suggest import Suggestions
from . import settings as cfg
from . import theme
from .accessibility import name_controls
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
from .docks.suggestions import SuggestionsDock
from .docks.timeline import TimelineDock
from .filters import Filter
from .layout import RESULTS_MIN_WIDTH, VIEWER_MIN_WIDTH, WindowLayout
from .messages import (
    CHOOSE_ANOTHER,
    OPEN_READ_ONLY,
    REBUILD_INDEX,
    REMOVE_RECENT,
    Problem,
    index_problem,
    job_problem,
    opening_problem,
    sentence,
)
from .models.results import ResultsModel
from .resources import app_icon, icon
from .search_service import SearchService, archive_searcher
from .session import ArchiveSession, item_count
from .tour import Tour
from .views.item import ItemViewer
from .widgets.info_bar import InfoBar
from .widgets.results_view import ResultsView
from .widgets.search_bar import SearchBar
from .workers import Job, JobRunner

# The import pipeline (and the importers, Pillow among them) loads when an import
# starts, not with the window: most sessions only search.
if TYPE_CHECKING:
    from ..core.importing import ImportOptions, ImportReport
    from .dialogs.search_syntax import SearchSyntaxDialog

log = logging.getLogger(__name__)

OPEN_ERRORS = (XArchiveError, OSError, sqlite3.Error)


#: The title of the job that rebuilds the index.
REBUILDING_INDEX = "Rebuilding the search index"
#: What the bar says while an index of an older version is rebuilt.
OUTDATED_INDEX = "This version of xarchive indexes differently: rebuilding the search index."


class MainWindow(QMainWindow):
    #: A search ran: its SearchResults, or None when the query did not parse.
    search_finished = Signal(object)
    #: A job ended: (title, result or exception).
    job_ended = Signal(object)
    #: An archive was opened (its root).
    archive_opened = Signal(object)

    def __init__(
        self,
        settings: cfg.UserSettings | None = None,
        import_options: ImportOptions | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or cfg.UserSettings()
        #: How `start_import` imports; None: the pipeline's defaults.
        self.import_options = import_options
        self.session: ArchiveSession | None = None
        self.runner = JobRunner(self)
        self.current_job: Job | None = None
        self.progress_dialog: JobProgressDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.last_results: SearchResults | None = None
        self.search_service: SearchService | None = None
        self.properties_dialog: PropertiesDialog | None = None
        self.syntax_dialog: SearchSyntaxDialog | None = None
        self.menu_actions: list[tuple[str, QAction]] = []

        self.setWindowTitle("xarchive")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowNestedDocks
        )
        self._build_central()
        self._build_docks()
        self.window_layout = WindowLayout(self)  # per screen size; reading mode
        self._build_actions()
        self.annotate = AnnotateUi(self)  # docks, Edit and Annotate menus, viewer overlays
        self.bundles = BundleUi(self)  # File ▸ Export, Verify and Import Bundle…
        self._build_suggestions()
        self.deleting = DeleteUi(self)  # Edit ▸ Delete Item…
        self.viewer.item_shown.connect(lambda _item: self.deleting.update())
        self._build_status_bar()
        self.tour = Tour(self)  # hints shown on the demo's first opening, and from Help
        self._restore_layout()
        self._update_actions()
        self._make_keyboard_and_reader_friendly()

    # == building ===========================================================================
    def _build_central(self) -> None:
        self.search_bar = SearchBar(self.settings.get(cfg.SEARCH_DELAY_MS), self)
        self.search_bar.field.setAcceptDrops(False)  # dropped files import, never paste paths
        self.search_bar.set_sort(self.settings.get(cfg.SORT))
        self.search_bar.search_requested.connect(self.run_search)
        self.search_bar.focus_results.connect(self._focus_results)
        self.info_bar = InfoBar(self)

        self.model = ResultsModel()
        self.model.searched.connect(self._search_done)
        self.model.failed.connect(self._search_failed)
        self.results = ResultsView(self)
        self.results.setModel(self.model)
        self.results.selectionModel().currentChanged.connect(self._current_changed)
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

    def _build_suggestions(self) -> None:
        """Suggested links of the item shown, beside the Links dock (accepting one is an
        annotation edit: it goes through the annotation controller and its undo)."""
        self.suggestions = SuggestionsDock(self.annotate.controller, self)
        self.suggestions.open_item.connect(self.annotate.open_item)
        self.viewer.item_shown.connect(self.suggestions.show_item)
        self.job_ended.connect(lambda _payload: self.suggestions.refresh())
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.suggestions)
        self.tabifyDockWidget(self.annotate.links_dock, self.suggestions)
        self.annotate.links_dock.raise_()
        menu = self.annotate.annotate_menu
        menu.addSeparator()
        self.find_links_action = self._action(
            menu,
            "Annotate",
            "Find Suggested &Links",
            self.start_suggest_scan,
            None,
            "link",
            "Compare the items not compared yet and suggest links between them",
        )

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
            except sqlite3.Error as exc:
                dialog.show_error(f"The archive refused the change ({exc}).")
                continue
            if changed:
                self.setWindowTitle(f"{session.name} — xarchive")
                self._update_status()
                self.statusBar().showMessage("The archive's properties were saved.", 6000)
            return bool(changed)
        return False

    def start_suggest_scan(self) -> Job | None:
        """Compare the items not compared yet (imported before suggestions existed)."""
        if not self._can_write("finding suggested links"):
            return None
        assert self.session is not None

        def run(archive: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> int:
            assert archive is not None
            return Suggestions(archive).scan(None, progress, cancel).new

        def found(count: int) -> None:
            self._after_write()
            self.statusBar().showMessage(
                f"{count:,} new link{'s' if count != 1 else ''} suggested "
                "(see the Suggestions panel of each item).",
                10_000,
            )
            self.job_ended.emit((job.title, count))

        job = Job("Finding suggested links", run, self.session.archive)
        return self._start_job(job, found, lambda e: self._job_failed(job, e))

    def _offer_suggest_scan(self) -> bool:
        """Offer to compare items imported before suggestions existed; True if offered."""
        session = self.session
        if session is None or not session.writable:
            return False
        try:
            waiting = Suggestions(session.archive).unscanned()
        except (sqlite3.Error, XArchiveError):
            log.warning("could not count the items to compare", exc_info=True)
            return False
        if not waiting:
            return False
        self.info_bar.show_message(
            f"{waiting:,} item{'s were' if waiting != 1 else ' was'} imported before xarchive "
            "suggested links between items, and not compared yet.",
            "Find Links",
            self.start_suggest_scan,
        )
        return True

    def _build_docks(self) -> None:
        self.facets = FacetsDock(self)
        self.facets.facet_chosen.connect(self.search_bar.add_filter)
        self.saved = SavedSearchesDock(self)
        self.saved.run_requested.connect(lambda q: self.search_bar.set_query(q))
        self.saved.save_requested.connect(self.save_current_search)
        self.saved.changed.connect(self._store_saved_searches)
        self.timeline = TimelineDock(self)
        self.timeline.set_bucket(self.settings.get(cfg.TIMELINE_BUCKET))
        self.timeline.range_chosen.connect(self._timeline_range)
        self.timeline.bucket_changed.connect(lambda b: self.settings.set(cfg.TIMELINE_BUCKET, b))
        self.timeline.visibilityChanged.connect(
            lambda visible: visible and self._refresh_timeline()
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.facets)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.saved)
        self.splitDockWidget(self.facets, self.saved, Qt.Orientation.Vertical)
        self.resizeDocks([self.facets, self.saved], [420, 160], Qt.Orientation.Vertical)
        self.resizeDocks([self.facets], [240], Qt.Orientation.Horizontal)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.timeline)
        self.resizeDocks([self.timeline], [190], Qt.Orientation.Vertical)

    def _action(
        self,
        menu: QMenu,
        menu_name: str,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence.StandardKey | str | list[str] | None = None,
        icon_name: str = "",
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if isinstance(shortcut, list):
            action.setShortcuts([QKeySequence(s) for s in shortcut])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        self.menu_actions.append((menu_name, action))
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        add = self._action
        keys = QKeySequence.StandardKey
        self.new_action = add(
            file,
            "File",
            "&New Archive…",
            self.new_archive,
            keys.New,
            "archive-new",
            "Create an empty archive in a new folder",
        )
        self.open_action = add(
            file,
            "File",
            "&Open Archive…",
            self.choose_archive,
            keys.Open,
            "archive-open",
            "Open an archive folder",
        )
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        add(
            file,
            "File",
            "Open the &Demo Archive",
            self.open_demo,
            tip="The sample case: the 2024 blocking of X in Pakistan",
        )
        file.addSeparator()
        self.import_files_action = add(
            file,
            "File",
            "&Import Files…",
            self.choose_import_files,
            "Ctrl+I",
            "import-files",
            "Add files to the archive (or drop them on the window)",
        )
        self.import_folder_action = add(
            file,
            "File",
            "Import &Folder…",
            self.choose_import_folder,
            "Ctrl+Shift+I",
            "import-folder",
            "Add a folder and everything in it to the archive",
        )
        file.addSeparator()
        self.export_bundle_action = add(
            file,
            "File",
            "&Export Bundle…",
            lambda: self.bundles.choose_export(),
            "Ctrl+Shift+E",
            "bundle-export",
            tip="Export the results, a tag or the selection as a verifiable bundle",
        )
        self.verify_bundle_action = add(
            file,
            "File",
            "&Verify Bundle…",
            lambda: self.bundles.choose_verify(),
            icon_name="bundle-verify",
            tip="Check that nothing in a bundle is missing, added or altered",
        )
        self.import_bundle_action = add(
            file,
            "File",
            "Import &Bundle…",
            lambda: self.bundles.choose_import(),
            "Ctrl+Shift+B",
            "bundle-import",
            tip="Verify a bundle and merge its items, notes and links into this archive",
        )
        file.addSeparator()
        self.reindex_action = add(
            file,
            "File",
            "Rebuild &Search Index",
            self.start_reindex,
            None,
            "rebuild",
            "Rebuild the search index from the archive",
        )
        file.addSeparator()
        self.properties_action = add(
            file,
            "File",
            "Archive &Properties…",
            self.edit_properties,
            None,
            "details",
            "The archive's name, your name as the author of notes, and what bundles say",
        )
        file.addSeparator()
        add(file, "File", "&Quit", self.close, keys.Quit, "quit")

        search = bar.addMenu("&Search")
        self.find_action = add(
            search,
            "Search",
            "&Find",
            self.search_bar.focus,
            ["Ctrl+L", "Ctrl+F"],
            "search",
            "Go to the search field",
        )
        add(search, "Search", "Search &Again", self.run_search, "F5", "rebuild")
        self.save_search_action = add(
            search,
            "Search",
            "&Save Search…",
            self.save_current_search,
            keys.Save,
            "bookmark-add",
            "Keep this search in the archive",
        )
        add(
            search,
            "Search",
            "&Clear Filters",
            self.search_bar.clear_filters,
            "Ctrl+Shift+Backspace",
            "filter",
        )
        search.addSeparator()
        add(search, "Search", "&Next Result", lambda: self._step_result(1), "Alt+Down", "go-down")
        add(search, "Search", "&Previous Result", lambda: self._step_result(-1), "Alt+Up", "go-up")
        search.addSeparator()
        for key, label, shortcut in (
            ("relevance", "Sort by &Relevance", "Ctrl+1"),
            ("date", "Sort by Date, Ne&west First", "Ctrl+2"),
            ("date-asc", "Sort by Date, &Oldest First", "Ctrl+3"),
        ):
            add(search, "Search", label, lambda k=key: self._set_sort(k), shortcut)

        view = bar.addMenu("&View")
        for dock, shortcut in (
            (self.facets, "Ctrl+Shift+L"),
            (self.saved, "Ctrl+Shift+S"),
            (self.timeline, "Ctrl+T"),
        ):
            action = dock.toggleViewAction()
            action.setShortcut(QKeySequence(shortcut))
            view.addAction(action)
            self.menu_actions.append(("View", action))
        self.timeline.toggleViewAction().setIcon(icon("timeline"))
        self.reading_action = add(
            view,
            "View",
            "&Reading Mode",
            lambda: self.window_layout.set_reading(self.reading_action.isChecked()),
            "F11",
            "reading-mode",
            "Give the viewer the whole window (F11 or Escape to leave)",
        )
        self.reading_action.setCheckable(True)
        self.window_layout.reading_changed.connect(self.reading_action.setChecked)
        self.reading_button = QToolButton(self)
        self.reading_button.setDefaultAction(self.reading_action)
        self.reading_button.setAutoRaise(True)
        self.reading_button.setAccessibleName("Reading mode")
        self.search_bar.add_tool(self.reading_button)
        view.addSeparator()
        pdf = self.viewer.pdf
        add(view, "View", "Zoom &In", self._zoom_in, keys.ZoomIn, "zoom-in")
        add(view, "View", "Zoom &Out", self._zoom_out, keys.ZoomOut, "zoom-out")
        add(view, "View", "&Fit", self._fit, "Ctrl+0", "fit-page")
        add(view, "View", "Next &Page", pdf.next_page, "Ctrl+PgDown", "go-next")
        add(view, "View", "Previous P&age", pdf.previous_page, "Ctrl+PgUp", "go-previous")
        view.addSeparator()
        theme_menu = view.addMenu(icon("theme"), "&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        current = self.settings.get(cfg.THEME)
        for key, label in (
            ("system", "Follow the &System"),
            ("light", "&Light"),
            ("dark", "&Dark"),
        ):
            action = QAction(label, self, checkable=True)
            action.setChecked(key == current)
            action.triggered.connect(lambda _=False, k=key: self.set_theme(k))
            group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[key] = action
        from .urdu_font import UrduFontMenu

        self.urdu_font = UrduFontMenu(view, self.settings, self)
        self.urdu_font.changed.connect(self.refresh_colors)  # lays the item shown out again

        help_menu = bar.addMenu("&Help")
        self._action(
            help_menu,
            "Help",
            "&Keyboard Shortcuts",
            self.show_shortcuts,
            ["Ctrl+/", "F1"],
            "keyboard",
        )
        self._action(
            help_menu,
            "Help",
            "&Search Syntax",
            self.show_query_help,
            "Shift+F1",
            "search",
            "Every part of the query language, with examples that run when clicked",
        )
        self._action(
            help_menu,
            "Help",
            "Take the &Tour",
            self.show_tour,
            icon_name="help-tour",
            tip="A few hints on searching, filters, the timeline, annotations and links",
        )
        self._action(help_menu, "Help", "&About xarchive", self.show_about, icon_name="info")

    def _make_keyboard_and_reader_friendly(self) -> None:
        """Tab from the query to its tools, then to the results and the item; every menu
        entry with a letter of its own (Alt+letter); a name on every control."""
        for first, then in (
            (self.search_bar.field, self.search_bar.sort_box),
            (self.search_bar.sort_box, self.reading_button),
            (self.reading_button, self.results),
            (self.results, self.viewer),
        ):
            QWidget.setTabOrder(first, then)
        for dock, text in (
            (self.facets, "Fi&lters"),
            (self.saved, "&Saved Searches"),
            (self.timeline, "Ti&meline"),
            (self.annotate.annotations_dock, "A&nnotations"),
            (self.annotate.links_dock, "Lin&ks"),
            (self.suggestions, "S&uggestions"),
        ):
            dock.toggleViewAction().setText(text)
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

    def _restore_layout(self) -> None:
        self.window_layout.restore()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.window_layout.shown()

    def save_layout(self) -> None:
        self.window_layout.save()
        self.settings.set(cfg.SORT, self.search_bar.sort)
        self.settings.sync()

    # == archives ===========================================================================
    def open_archive(self, path: Path, readonly: bool = False) -> bool:
        """Open the archive at `path` (replacing the one open); on failure say why and
        offer the fix. Returns whether an archive was opened."""
        path = Path(path).expanduser().absolute()
        if self.runner.busy:
            self._tell(
                Problem(
                    "Please wait",
                    "A task is still running on the open archive.",
                    "Wait for it to finish or cancel it, then open the other archive.",
                    severity="info",
                )
            )
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
        self.search_service = SearchService(archive_searcher(session.root), self)
        self.model.set_service(self.search_service)
        self.settings.add_recent(session.root)
        self.setWindowTitle(f"{session.name} — xarchive")
        self.saved.set_searches(cfg.saved_searches(session.archive), session.writable)
        self.viewer.clear()
        self._update_actions()
        self._update_status()
        self._check_index(ask=True)
        if not session.writable and self.info_bar.isHidden():
            self.info_bar.show_message(
                "This archive is open read-only: another xarchive window or program is "
                "changing it. You can search and read; importing is off.",
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
        self.model.set_service(None)
        if self.search_service is not None:
            self.search_service.close()
            self.search_service.deleteLater()
            self.search_service = None
        self.annotate.set_session(None)
        self.session.close()
        self.session = None
        self.info_bar.hide()
        self.setWindowTitle("xarchive")
        self._update_actions()

    def _check_index(self, ask: bool) -> None:
        """Say so when the index cannot be used or lags behind the database; offer the fix."""
        session = self.session
        if session is None:
            return
        rebuilding = (
            self.current_job is not None
            and not self.current_job.done
            and self.current_job.title == REBUILDING_INDEX
        )
        if session.index_outdated and session.writable and (ask or rebuilding):
            # an update of xarchive changed what the index holds: nothing is wrong and
            # nothing to decide. Rebuilding shows its progress and can be cancelled
            # (then the bar below offers it again)
            self.info_bar.show_message(OUTDATED_INDEX, "", None, "info")
            if not rebuilding:
                self.start_reindex()
            return
        if session.index_problem:
            problem = index_problem(session.index_problem)
            self.info_bar.show_message(
                f"{problem.text} Searching is off until it is rebuilt.",
                "Rebuild Index" if session.writable else "",
                self.start_reindex,
                "warning",
            )
            if ask and session.writable and errors.ask(self, problem) == REBUILD_INDEX:
                self.start_reindex()
            return
        try:
            state = session.index_state()
        except sqlite3.Error:
            return
        if state.pending and session.writable:
            self.info_bar.show_message(
                f"{state.pending} of {state.items} items are not in the search index yet.",
                "Index Them",
                self.start_catch_up,
            )
        elif self._offer_suggest_scan():
            pass
        elif self.info_bar.button.isVisible():
            self.info_bar.hide()

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

        job = Job("Building the demo archive", build, None)
        self._start_job(
            job, lambda path: self._demo_built(Path(path), job), lambda e: self._job_failed(job, e)
        )

    def _demo_built(self, root: Path, job: Job) -> None:
        if not job.cancelled:
            self.settings.set(cfg.DEMO_BUILT, True)
        self.open_archive(root)
        self.job_ended.emit((job.title, root))

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

    # == searching ==========================================================================
    def run_search(self) -> None:
        """Run the search bar's query on the search thread; `_search_done` or
        `_search_failed` show the results, counts and facets, or why it cannot run."""
        if self.session is None:
            return
        text = self.search_bar.text
        try:
            self.session.check_query(text)  # so that error positions refer to what was typed
            self.model.run(self.search_bar.query(), self.search_bar.sort)
        except (QueryError, IndexUnavailable) as exc:
            self._search_failed(exc)
            return
        self.search_bar.show_busy(True)

    def _search_failed(self, exc: BaseException) -> None:
        self.search_bar.show_busy(False)
        if isinstance(exc, QueryError):
            # The last good results would pass for this query's (those of "d" for
            # "date:2024-13"): clear them, and say why the list is empty.
            self.model.clear()
            self.facets.show_facets({}, self.search_bar.filters)
            self.search_bar.show_error(str(exc))
            self.search_bar.show_count(None)
            self._show_empty("No results: the search is not valid. Correct it above.")
        elif isinstance(exc, IndexUnavailable):
            self.model.clear()
            self.search_bar.show_count(None)
            self._check_index(ask=False)
            self._show_empty("Searching is off until the search index is rebuilt.")
        else:
            self.model.clear()
            self.search_bar.show_count(None)
            self._show_empty("The search failed. Search again (F5).")
            self._tell(job_problem("Searching", exc, f"the query {self.search_bar.query()!r}"))
        self.search_finished.emit(None)

    def _search_done(self, results: SearchResults) -> None:
        text = self.search_bar.text
        self.search_bar.show_busy(False)
        self.last_results = results
        self.search_bar.show_error("")
        self.search_bar.show_count(results.total)
        self.facets.show_facets(results.facets, self.search_bar.filters)
        if results.total == 0:
            self._show_empty(
                "Nothing matches."
                if text.strip() or self.search_bar.filters
                else "This archive is empty. Import files with File ▸ Import, or drop them here."
            )
        else:
            self._show_empty("")
        self.timeline.stale = True
        if self.timeline.isVisible():
            self._refresh_timeline()
        shown = self.viewer.item
        if shown is not None and self.model.row_of_item(shown.id) < 0:
            self.viewer.clear()
        self.search_finished.emit(results)

    def _show_empty(self, message: str) -> None:
        self.empty_label.setText(message)
        self.empty_label.setVisible(bool(message))
        self.results.setVisible(not message)

    def _set_sort(self, sort: str) -> None:
        self.search_bar.set_sort(sort)
        self.search_bar.search_now()

    def _focus_results(self) -> None:
        self.results.setFocus()
        if not self.results.currentIndex().isValid() and self.model.rowCount():
            self.results.setCurrentIndex(self.model.index(0, 0))

    def _step_result(self, step: int) -> None:
        row = self.results.currentIndex().row() + step
        if 0 <= row < self.model.rowCount():
            self.results.setCurrentIndex(self.model.index(row, 0))

    def _current_changed(self, current: QModelIndex, _: QModelIndex) -> None:
        self.show_result(current.row())

    def show_result(self, row: int) -> None:
        """Show the hit in `row` in the viewer (on its page, its words marked)."""
        hit = self.model.hit(row)
        if hit is None or self.session is None:
            return
        try:
            self.viewer.show_item(self.session, hit.item.id, hit.terms, hit.snippet, hit.marks)
        except ItemNotFound:
            self.viewer.clear("This item is no longer in the archive. Search again (F5).")

    def save_current_search(self) -> None:
        if self.session is None or not self.session.writable:
            return
        query = self.search_bar.query()
        name, ok = QInputDialog.getText(
            self, "Save search", "Name:", text=self.search_bar.text or query
        )
        if ok and name.strip():
            self.saved.add(name.strip(), query)

    def _store_saved_searches(self, searches: list[cfg.SavedSearch]) -> None:
        if self.session is None:
            return
        try:
            cfg.store_saved_searches(self.session.archive, searches)
        except sqlite3.Error as exc:
            self._tell(
                Problem(
                    "The search could not be saved",
                    f"The archive refused the change ({exc}).",
                    severity="error",
                )
            )
        self.saved.set_searches(cfg.saved_searches(self.session.archive), self.session.writable)

    # == timeline ===========================================================================
    def _refresh_timeline(self) -> None:
        if self.session is None or self.search_service is None or not self.timeline.stale:
            return
        query = self.model.query
        self.timeline.stale = False

        def answer(days: Any, error: BaseException | None) -> None:
            if error is not None:
                log.info("timeline of %r: %s", query, error)
            self.timeline.set_days(days if error is None else {})

        self.search_service.call(lambda source: source.day_counts(query), answer)

    def _timeline_range(self, first: date, last: date) -> None:
        value = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        self.search_bar.add_filter(Filter("date", value))

    # == jobs ===============================================================================
    def _start_job(
        self, job: Job, finished: Callable[[Any], None], failed: Callable[[BaseException], None]
    ) -> Job:
        """Run `job` with a progress dialog; `finished`/`failed` run after the dialog closed."""
        self.current_job = job
        self.progress_dialog = JobProgressDialog(job, self)  # connected first: closes first
        job.finished.connect(finished)
        job.failed.connect(failed)
        job.finished.connect(lambda _: self._update_actions())
        job.failed.connect(lambda _: self._update_actions())
        self.runner.start(job)
        self.progress_dialog.open()
        self._update_actions()
        return job

    def _can_write(self, what: str) -> bool:
        if self.session is None:
            self._tell(
                Problem(
                    "No archive is open",
                    f"Open or create an archive before {what}.",
                    severity="info",
                )
            )
            return False
        if not self.session.writable:
            self._tell(
                Problem(
                    "This archive is read-only here",
                    "Another xarchive window or program is changing it.",
                    f"Close it there and open it again here before {what}.",
                    severity="info",
                )
            )
            return False
        if self.runner.busy:
            self._tell(
                Problem(
                    "Please wait",
                    "Another task is still running.",
                    "Wait for it to finish or cancel it.",
                    severity="info",
                )
            )
            return False
        return True

    def start_import(self, paths: list[Path]) -> Job | None:
        """Import files and folders in the background, with progress and a report."""
        if not paths or not self._can_write("importing"):
            return None
        assert self.session is not None
        from ..core.importing import ImportOptions, import_paths

        options = self.import_options or ImportOptions()
        chosen = list(paths)

        def run(
            archive: Archive | None, progress: ProgressCallback, cancel: CancelToken
        ) -> ImportReport:
            assert archive is not None
            return import_paths(archive, chosen, options, progress, cancel)

        job = Job("Importing", run, self.session.archive)
        return self._start_job(
            job,
            lambda report: self._import_finished(report, job),
            lambda e: self._job_failed(job, e),
        )

    def _import_finished(self, report: ImportReport, job: Job) -> None:
        self._after_write()
        self.report_dialog = ImportReportDialog(report, self)
        self.report_dialog.open()
        self.statusBar().showMessage(
            f"Import {report.status}: {len(report.imported)} imported, "
            f"{len(report.skipped)} skipped, {len(report.failed)} failed",
            10_000,
        )
        self.job_ended.emit((job.title, report))

    def start_reindex(self) -> Job | None:
        """Rebuild the index from the database, as a job (cancel keeps the old index)."""
        if not self._can_write("rebuilding the index"):
            return None
        assert self.session is not None
        if self.session.searcher is not None:
            # The rebuild swaps the index folder; stop reading the old one first.
            self.session.searcher.close()
            self.session.searcher = None
        if self.search_service is not None:
            self.search_service.reset(wait=True)
        self.model.clear()

        def run(archive: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> int:
            assert archive is not None
            return reindex(archive, progress, cancel)

        job = Job(REBUILDING_INDEX, run, self.session.archive)
        return self._start_job(
            job, lambda count: self._reindexed(count, job), lambda e: self._job_failed(job, e)
        )

    def _reindexed(self, count: int, job: Job) -> None:
        if self.info_bar.text_label.text() == OUTDATED_INDEX:
            self.info_bar.hide()  # done: what the bar says would be stale
        self._after_write()
        self.statusBar().showMessage(f"The search index was rebuilt: {count:,} items.", 10_000)
        self.job_ended.emit((job.title, count))

    def start_catch_up(self) -> Job | None:
        """Index the items the database has and the index lacks."""
        if not self._can_write("indexing"):
            return None
        assert self.session is not None

        def run(archive: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> int:
            assert archive is not None
            return catch_up(archive, archive.search_index(), progress, cancel)

        def indexed(count: int) -> None:
            self._after_write()
            self.job_ended.emit((job.title, count))

        job = Job("Indexing", run, self.session.archive)
        return self._start_job(job, indexed, lambda e: self._job_failed(job, e))

    def _after_write(self) -> None:
        """After a job changed the archive: reopen the index, refresh what is shown."""
        if self.session is None:
            return
        self.session.open_searcher()
        if self.search_service is not None:
            self.search_service.reset()
        self._check_index(ask=False)
        self._update_status()
        self.run_search()

    def _job_failed(self, job: Job, exc: BaseException) -> None:
        if self.session is not None:
            self._after_write()
        if isinstance(exc, Cancelled):
            self.statusBar().showMessage(f"{job.title}: cancelled. {exc}", 10_000)
        else:
            fix = self._tell(job_problem(job.title, exc))
            if fix == REBUILD_INDEX:
                self.start_reindex()
        self.job_ended.emit((job.title, exc))

    def _tell(self, problem: Problem) -> str | None:
        return errors.ask(self, problem)

    # == import by menu and drag-and-drop ===================================================
    def choose_import_files(self) -> None:
        if not self._can_write("importing"):
            return
        files, _ = QFileDialog.getOpenFileNames(self, "Import files", str(Path.home()))
        if files:
            self.start_import([Path(f) for f in files])

    def choose_import_folder(self) -> None:
        if not self._can_write("importing"):
            return
        folder = QFileDialog.getExistingDirectory(self, "Import a folder", str(Path.home()))
        if folder:
            self.start_import([Path(folder)])

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

    # == view ===============================================================================
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
        self.theme_actions[choice].setChecked(True)
        self.refresh_colors()

    def refresh_colors(self) -> None:
        """Redraw what has theme colours baked in (result cards, the item shown)."""
        self.results.delegate.clear_cache()
        self.results.viewport().update()
        self.timeline.chart.update()
        row = self.results.currentIndex().row()
        if row >= 0:
            self.show_result(row)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.menu_actions, self).exec()

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
        has = self.session is not None
        writable = has and self.session is not None and self.session.writable
        busy = self.runner.busy
        for action in (self.import_files_action, self.import_folder_action, self.reindex_action):
            action.setEnabled(bool(writable) and not busy)
        self.import_bundle_action.setEnabled(bool(writable) and not busy)
        self.export_bundle_action.setEnabled(has and not busy)
        self.verify_bundle_action.setEnabled(has and not busy)
        self.save_search_action.setEnabled(bool(writable))
        self.find_action.setEnabled(has)
        self.properties_action.setEnabled(has)
        self.find_links_action.setEnabled(bool(writable) and not busy)
        self.deleting.update()

    def _update_status(self) -> None:
        if self.session is None:
            self.archive_label.setText("")
            return
        count = item_count(self.session)
        mode = "" if self.session.writable else "  ·  read-only"
        self.archive_label.setText(
            f"{self.session.name}  ·  {count:,} item{'s' if count != 1 else ''}{mode}"
        )
        self.archive_label.setToolTip(str(self.session.root))

    # == closing ============================================================================
    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop jobs (cancelling them), close the archive. Safe to call twice."""
        if not self.runner.shutdown(15_000):
            log.warning("a job did not stop in time")
        if self.progress_dialog is not None:
            self.progress_dialog.done(0)
        self.viewer.shutdown()
        self.close_archive()


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _local_paths(urls: list[QUrl]) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile()]
