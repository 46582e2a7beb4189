"""Room to read: the window's layout for the screen it is on, and a reading mode.

A researcher reads on a 1280×720 laptop as often as on a 1920×1080 monitor, and
what suits one is wrong for the other. So:

- the layout (window geometry, panels, splitters) is remembered per screen size,
  and a screen size seen for the first time gets a layout made for it: narrower
  side panels and no timeline when the screen is small;
- the results list never gets narrower than `RESULTS_MIN_WIDTH` (its cards elide
  what does not fit), however wide what the viewer shows;
- in a window narrower than `NARROW_WIDTH` (half a screen) the side panels step
  aside, and come back when it is widened again;
- in a window lower than `DETAILS_ROOM` the item's details start folded under
  it: the page gets the height (View ▸ Item Details, Ctrl+Shift+D, or the
  splitter's handle unfolds them);
- reading mode (View ▸ Reading Mode, F11, or the button beside the search field)
  gives the viewer the window: panels, results and details step aside until it
  is left again (F11, Escape or the button).
"""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDockWidget,
    QMainWindow,
    QSplitter,
    QTabBar,
    QWidget,
)

from . import settings as cfg
from .views.item import ItemViewer

#: Narrower than this, result titles read "Minist…".
RESULTS_MIN_WIDTH = 300
#: Windows narrower or lower than these get the laptop layout.
COMPACT_WIDTH = 1500
COMPACT_HEIGHT = 860
#: Windows lower than this start with the item's details folded: at 1280×720 they took
#: 120 px of a PDF page's 330, at 1440×900 (the timeline shown) 130 of 310.
DETAILS_ROOM = 1000
#: The details' height under the item, where they are shown.
DETAILS_HEIGHT = 190
#: Narrower than this, the side panels collapse: results and viewer need the room.
NARROW_WIDTH = 1000
#: The viewer's, whatever it shows: were it the widest view's (a PDF's tools), opening
#: a PDF would lay the window out again, squeeze the panels and move the page shown.
VIEWER_MIN_WIDTH = 440
#: Results and viewer side by side.
MIN_WINDOW_WIDTH = RESULTS_MIN_WIDTH + VIEWER_MIN_WIDTH
_SIDES = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)


def _tabs(bar: QTabBar) -> tuple[str, ...]:
    return tuple(bar.tabText(i) for i in range(bar.count()))


def screen_key(screen: QScreen | None) -> str:
    """'1280x720': the name a screen's layout is remembered under."""
    if screen is None:
        return "default"
    size = screen.size()
    return f"{size.width()}x{size.height()}"


class WindowLayout(QObject):
    """Restores, adapts and saves the main window's layout; owns reading mode."""

    #: Reading mode was entered (True) or left (False).
    reading_changed = Signal(bool)
    #: The item's details were shown (True) or folded away (False).
    details_changed = Signal(bool)

    def __init__(
        self,
        window: QMainWindow,
        settings: cfg.UserSettings,
        splitter: QSplitter,
        viewer: ItemViewer,
    ) -> None:
        """`splitter` holds the results and `viewer`; the docks are found by name."""
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.splitter = splitter
        self.viewer = viewer
        self.reading = False
        #: The item's details are folded away under it (outside reading mode too).
        self.details_folded = False
        self._hidden_docks: list[QDockWidget] = []
        self._viewer_sizes: list[int] = []
        self._panels_before = QByteArray()
        self._splitter_before = QByteArray()
        self._tab_bars_before: list[QTabBar] = []
        #: Side panels collapsed because the window is narrow (shown again when it widens).
        self._collapsed: list[QDockWidget] = []
        #: A layout is to be made for the window's size once it is shown (nothing was
        #: remembered for this screen size).
        self.defaults_pending = False
        self.key = screen_key(window.screen() or QGuiApplication.primaryScreen())
        self._leave_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self._leave_shortcut.setEnabled(False)
        self._leave_shortcut.activated.connect(lambda: self.set_reading(False))
        self.viewer.item_shown.connect(lambda _item: self._keep_details_aside())
        self.viewer.splitter.splitterMoved.connect(lambda *_: self._details_moved())
        window.installEventFilter(self)
        # Set here, the window's minimum is not the one its layout would set (every panel
        # beside the list and the viewer): a narrow window folds the panels away instead.
        window.setMinimumSize(MIN_WINDOW_WIDTH, 480)

    # -- per screen size ------------------------------------------------------------------
    def _get(self, setting: cfg.Setting[cfg.T]) -> cfg.T:
        return self.settings.get(cfg.for_screen(setting, self.key))

    def restore(self) -> None:
        """The layout last used on a screen of this size, or one made for it."""
        window = self.window
        geometry = self._get(cfg.WINDOW_GEOMETRY)
        if geometry.isEmpty() or not window.restoreGeometry(geometry):
            screen = window.screen() or QGuiApplication.primaryScreen()
            available = screen.availableGeometry() if screen else None
            if available is not None and available.width() > 200:
                window.resize(min(1440, available.width() - 80), min(900, available.height() - 80))
            else:
                window.resize(1440, 900)
        self._restore_panels()

    def _restore_panels(self) -> None:
        window = self.window
        state = self._get(cfg.WINDOW_STATE)
        self.defaults_pending = state.isEmpty() or not window.restoreState(state)
        self._restore_splitters()
        # Again once the panels have taken their room: the split shifts as they settle.
        QTimer.singleShot(0, self, self._restore_splitters)
        try:
            names = json.loads(self._get(cfg.COLLAPSED_PANELS))
        except ValueError:
            names = []
        by_name = {d.objectName(): d for d in window.findChildren(QDockWidget)}
        self._collapsed = [by_name[n] for n in names if n in by_name]
        self._fold_details(self._get(cfg.DETAILS_FOLDED))
        self.fit_width()
        if self.defaults_pending and window.isVisible():
            self.fit_to_window()

    def _restore_splitters(self) -> None:
        splitter = self._get(cfg.SPLITTER_STATE)
        if not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        viewer_split = self._get(cfg.VIEWER_SPLITTER_STATE)
        if not viewer_split.isEmpty():
            self.viewer.splitter.restoreState(viewer_split)

    def shown(self) -> None:
        """The window is on screen: lay it out for its size if nothing was remembered,
        and follow it to other screens."""
        handle = self.window.windowHandle()
        if handle is not None and not handle.property("xarchiveFollowsScreen"):
            handle.setProperty("xarchiveFollowsScreen", True)
            handle.screenChanged.connect(self.screen_changed)
        if self.defaults_pending:
            # After the first layout pass: the docks' sizes are known then.
            QTimer.singleShot(0, self.fit_to_window)

    def screen_changed(self, screen: QScreen | None) -> None:
        self.use_screen(screen_key(screen))

    def use_screen(self, key: str) -> None:
        """Moved to a screen of another size: keep this layout, take up that one's."""
        if key == self.key:
            return
        self.save()
        self.key = key
        self._restore_panels()

    def fit_to_window(self) -> None:
        """A layout made for the window's size: on a laptop, narrower side panels and
        no timeline (View ▸ Timeline brings it back); the results list readable."""
        self.defaults_pending = False
        window = self.window
        width, height = window.width(), window.height()
        compact = width < COMPACT_WIDTH
        low = height < COMPACT_HEIGHT
        left = 190 if compact else 250
        right = 240 if compact else 330
        self._collapsed = []
        facets, saved_searches, timeline = (
            self._dock("facetsDock"), self._dock("savedSearchesDock"), self._dock("timelineDock")
        )  # fmt: skip
        notes, links = self._dock("annotationsDock"), self._dock("linksDock")
        for dock in (facets, saved_searches, self._dock("suggestionsDock"), links, notes):
            dock.show()
        links.raise_()
        timeline.setVisible(not low)
        window.resizeDocks([facets], [left], Qt.Orientation.Horizontal)
        window.resizeDocks([notes], [right], Qt.Orientation.Horizontal)
        saved = 120 if low else 160
        window.resizeDocks(
            [facets, saved_searches], [max(200, height - saved - 140), saved],
            Qt.Orientation.Vertical,
        )  # fmt: skip
        if not low:
            window.resizeDocks([timeline], [140], Qt.Orientation.Vertical)
        centre = max(self.splitter.width(), width - left - right)
        results = max(RESULTS_MIN_WIDTH, min(460, int(centre * 0.36)))
        self.splitter.setSizes([results, max(1, centre - results)])
        viewer_height = max(self.viewer.splitter.height(), height - 200)
        self.viewer.splitter.setSizes([max(1, viewer_height - DETAILS_HEIGHT), DETAILS_HEIGHT])
        self._fold_details(height < DETAILS_ROOM)
        self.fit_width()

    def _dock(self, name: str) -> QDockWidget:
        dock = self.window.findChild(QDockWidget, name)
        assert dock is not None, name
        return dock

    def save(self) -> None:
        """Remember the layout for this screen size (the one outside reading mode)."""
        if self.reading:
            self.set_reading(False)
        window = self.window
        collapsed = json.dumps([d.objectName() for d in self._collapsed])
        for setting, value in (
            (cfg.COLLAPSED_PANELS, collapsed),
            (cfg.WINDOW_GEOMETRY, window.saveGeometry()),
            (cfg.WINDOW_STATE, window.saveState()),
            (cfg.SPLITTER_STATE, self.splitter.saveState()),
            (cfg.VIEWER_SPLITTER_STATE, self.viewer.splitter.saveState()),
            (cfg.DETAILS_FOLDED, self.details_folded),
        ):
            self.settings.set(cfg.for_screen(setting, self.key), value)

    # -- narrow windows -------------------------------------------------------------------
    def fit_width(self) -> None:
        """Collapse the side panels in a narrow window; bring them back when it widens."""
        if self.reading:
            return
        window = self.window
        width = window.width()
        if width < NARROW_WIDTH and not self._collapsed:
            self._collapsed = [
                d
                for d in window.findChildren(QDockWidget)
                if d.isVisible() and not d.isFloating() and window.dockWidgetArea(d) in _SIDES
            ]
            for dock in self._collapsed:
                dock.hide()
        elif width >= NARROW_WIDTH + 40 and self._collapsed:
            docks, self._collapsed = self._collapsed, []
            for dock in docks:
                dock.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize:
            self.fit_width()
        return False

    # -- reading mode ---------------------------------------------------------------------
    def set_reading(self, on: bool) -> None:
        """Give the viewer the window (True), or bring the panels back (False)."""
        if on == self.reading:
            return
        window = self.window
        self.reading = on
        results_box = self.splitter.widget(0)
        assert results_box is not None
        self._keep_place()
        if on:
            self._hidden_docks = [
                d for d in window.findChildren(QDockWidget) if d.isVisible() and not d.isFloating()
            ]
            self._viewer_sizes = self.viewer.splitter.sizes()
            # The panels come back at the sizes they had (shown again one by one, Qt would
            # give each a size of its own choosing).
            self._panels_before = window.saveState()
            self._tab_bars_before = window.findChildren(
                QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
            self._splitter_before = self.splitter.saveState()
            for dock in self._hidden_docks:
                dock.hide()
            results_box.hide()
            self._keep_details_aside()
            self.viewer.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            results_box.show()
            for dock in self._hidden_docks:
                dock.show()
            self._hidden_docks = []
            window.restoreState(self._panels_before)
            # Qt gives a group of tabbed panels shown again a new tab bar and leaves the old
            # one on screen, where the group was: over the timeline or the status bar.
            bars = window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
            new = {_tabs(b) for b in bars if b.isVisible() and b not in self._tab_bars_before}
            for bar in self._tab_bars_before:
                if _tabs(bar) in new or bar.count() == 0:
                    bar.hide()
            self.splitter.restoreState(self._splitter_before)
            if sum(self._viewer_sizes) > 0:
                self.viewer.splitter.setSizes(self._viewer_sizes)
            self.fit_width()
        self._leave_shortcut.setEnabled(on)
        self.reading_changed.emit(on)

    def _keep_place(self) -> None:
        """Keep the reader's place while the viewer changes width: a PDF fit to the width
        grows taller, and the same scroll offset would show an earlier page."""
        shown = self.viewer.stack.currentWidget()
        areas = [a for a in shown.findChildren(QAbstractScrollArea) if a.isVisible()]
        if not areas:
            return
        bar = max(areas, key=lambda a: a.width() * a.height()).verticalScrollBar()
        fraction = bar.value() / bar.maximum() if bar.maximum() else 0.0

        def restore(_minimum: int, maximum: int) -> None:
            bar.setValue(round(fraction * maximum))

        bar.rangeChanged.connect(restore)
        QTimer.singleShot(600, bar, lambda: bar.rangeChanged.disconnect(restore))

    def _keep_details_aside(self) -> None:
        # Showing an item shows its details again; in reading mode, or folded by the
        # reader, they stay folded away.
        if self.reading or self.details_folded:
            splitter = self.viewer.splitter
            splitter.setSizes([sum(splitter.sizes()) or 1, 0])

    # -- the item's details ---------------------------------------------------------------
    def set_details(self, shown: bool) -> None:
        """Show the item's details under it (True) or fold them away (False)."""
        if self.reading and shown:
            self.set_reading(False)
        self._fold_details(not shown)
        splitter = self.viewer.splitter
        total = sum(splitter.sizes()) or splitter.height() or 1
        if shown:
            details = min(DETAILS_HEIGHT, total // 3)
            splitter.setSizes([max(1, total - details), details])
        else:
            splitter.setSizes([total, 0])

    def _fold_details(self, folded: bool) -> None:
        if folded != self.details_folded:
            self.details_folded = folded
            self.details_changed.emit(not folded)
        self._keep_details_aside()

    def _details_moved(self) -> None:
        # Dragged to nothing, or out of nothing, by the splitter's handle.
        if not self.reading and self.viewer.details.isVisible():
            self._fold_details(self.viewer.splitter.sizes()[1] == 0)

    def visible_panels(self) -> list[QWidget]:
        """The docks shown now (for tests and the tour)."""
        return [d for d in self.window.findChildren(QDockWidget) if d.isVisible()]
