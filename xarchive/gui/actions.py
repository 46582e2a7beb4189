"""Every menu entry and every shortcut of the app, as data: the menus are built from
`MENUS` and Help ▸ Keyboard Shortcuts lists `MENUS` and `WIDGET_KEYS`, so the two never
disagree.

To add an entry: add an `Action` where it goes in the menu below (its key, text, keys,
icon, tooltip, and `when` it can be used), then give it what it does with
`host.add_action(key, slot)` — in the feature it belongs to, or in main_window.py. A row
nobody connects is an error when the window is built (`ActionSet.check_connected`).

A dock's show/hide entry names the dock (`dock=`, its object name): Qt makes that action,
the table gives it its text, keys and icon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMenuBar

from .resources import icon

_std = QKeySequence.StandardKey

#: When an action can be used; the window enables it accordingly (`ActionSet.update`).
ALWAYS = ""
ARCHIVE = "archive"  # an archive is open
WRITABLE = "writable"  # the archive open is writable here
ARCHIVE_IDLE = "archive, idle"  # … and no job is running
WRITABLE_IDLE = "writable, idle"
#: The feature that connects it enables it itself (annotating: by what the viewer shows).
FEATURE = "feature"


@dataclass(frozen=True, slots=True)
class Action:
    key: str
    text: str
    #: Shortcuts, the first the main one; a StandardKey is the platform's binding.
    keys: tuple[str | QKeySequence.StandardKey, ...] = ()
    icon: str = ""
    tip: str = ""
    when: str = ALWAYS
    checkable: bool = False
    #: Actions of one group are exclusive (radio items).
    group: str = ""
    #: The object name of the dock this entry shows and hides.
    dock: str = ""


@dataclass(frozen=True, slots=True)
class Menu:
    key: str
    title: str
    entries: tuple[Action | Menu | None, ...] = ()  # None: a separator
    icon: str = ""

    @property
    def name(self) -> str:
        """The title without its mnemonic: "File"."""
        return self.title.replace("&", "")


SEPARATOR = None

MENUS: tuple[Menu, ...] = (
    Menu("file", "&File", (
        Action("new-archive", "&New Archive…", (_std.New,), "archive-new",
               "Create an empty archive in a new folder"),
        Action("open-archive", "&Open Archive…", (_std.Open,), "archive-open",
               "Open an archive folder"),
        Menu("recent", "Open &Recent"),  # filled as it opens
        Action("open-demo", "Open the &Demo Archive",
               tip="The sample case: the 2024 blocking of X in Pakistan"),
        SEPARATOR,
        Action("import-files", "&Import Files…", ("Ctrl+I",), "import-files",
               "Add files to the archive (or drop them on the window)", WRITABLE_IDLE),
        Action("import-folder", "Import &Folder…", ("Ctrl+Shift+I",), "import-folder",
               "Add a folder and everything in it to the archive", WRITABLE_IDLE),
        SEPARATOR,
        Action("export-bundle", "&Export Bundle…", ("Ctrl+Shift+E",), "bundle-export",
               "Export the results, a tag or the selection as a verifiable bundle",
               ARCHIVE_IDLE),
        Action("verify-bundle", "&Verify Bundle…", (), "bundle-verify",
               "Check that nothing in a bundle is missing, added or altered", ARCHIVE_IDLE),
        Action("import-bundle", "Import &Bundle…", ("Ctrl+Shift+B",), "bundle-import",
               "Verify a bundle and merge its items, notes and links into this archive",
               WRITABLE_IDLE),
        SEPARATOR,
        Action("reindex", "Rebuild &Search Index", (), "rebuild",
               "Rebuild the search index from the archive", WRITABLE_IDLE),
        SEPARATOR,
        Action("properties", "Archive &Properties…", (), "details",
               "The archive's name, your name as the author of notes, and what bundles say",
               ARCHIVE),
        SEPARATOR,
        Action("quit", "&Quit", (_std.Quit,), "quit"),
    )),
    Menu("edit", "&Edit", (
        Action("undo", "&Undo", (_std.Undo,), "undo", when=FEATURE),
        Action("redo", "&Redo", ("Ctrl+Shift+Z", _std.Redo), "redo", when=FEATURE),
        SEPARATOR,
        Action("delete-item", "&Delete Item…", ("Ctrl+Del",), "clear",
               "Delete the item shown; its original goes to the archive's trash folder",
               WRITABLE_IDLE),
    )),
    Menu("search", "&Search", (
        Action("find", "&Find", ("Ctrl+L", "Ctrl+F"), "search", "Go to the search field",
               ARCHIVE),
        Action("search-again", "Search &Again", ("F5",), "rebuild"),
        Action("save-search", "&Save Search…", (_std.Save,), "bookmark-add",
               "Keep this search in the archive", WRITABLE),
        Action("clear-filters", "&Clear Filters", ("Ctrl+Shift+Backspace",), "filter"),
        SEPARATOR,
        Action("next-result", "&Next Result", ("Alt+Down",), "go-down"),
        Action("previous-result", "&Previous Result", ("Alt+Up",), "go-up"),
        SEPARATOR,
        Action("sort-relevance", "Sort by &Relevance", ("Ctrl+1",)),
        Action("sort-date", "Sort by Date, Ne&west First", ("Ctrl+2",)),
        Action("sort-date-asc", "Sort by Date, &Oldest First", ("Ctrl+3",)),
    )),
    Menu("annotate", "&Annotate", (
        Action("highlight", "&Highlight", ("Ctrl+H",), "highlight",
               "Highlight the selected text", FEATURE),
        Action("highlight-note", "Highlight with a &Note…", ("Ctrl+Shift+H",), "highlight",
               "Highlight the selected text and write a note on it", FEATURE),
        Action("draw-regions", "Draw &Regions", ("Ctrl+Shift+R",), "region",
               "Drag on the picture or the page to mark a region (or Shift+drag)", FEATURE,
               checkable=True),
        Action("note", "Add a Note to the &Item…", ("Ctrl+Shift+N",), "note",
               "A note on the whole item", FEATURE),
        SEPARATOR,
        Action("tag", "&Tag…", ("Ctrl+Shift+T",), "tag",
               "Tag the item shown, or all the results selected", FEATURE),
        Action("manage-tags", "&Manage Tags…", (), "tag", "Rename, merge and delete tags",
               FEATURE),
        Action("mark-sensitive", "Mark as &Sensitive", (), "warning",
               "Blur this picture or video, and those of this post, until clicked "
               "(the tag ‘sensitive’)", FEATURE, checkable=True),
        SEPARATOR,
        Action("link", "&Link to…", ("Ctrl+K",), "link",
               "Link the item shown to another item (or drag a result onto the viewer)",
               FEATURE),
        SEPARATOR,
        Action("find-links", "&Find Suggested Links", (), "link",
               "Compare the items not compared yet and suggest links between them",
               WRITABLE_IDLE),
    )),
    Menu("view", "&View", (
        Action("show-filters", "Fi&lters", ("Ctrl+Shift+L",), dock="facetsDock"),
        Action("show-saved-searches", "&Saved Searches", ("Ctrl+Shift+S",),
               dock="savedSearchesDock"),
        Action("show-timeline", "Ti&meline", ("Ctrl+T",), "timeline", dock="timelineDock"),
        Action("show-annotations", "A&nnotations", ("Ctrl+Shift+A",), "note",
               dock="annotationsDock"),
        Action("show-links", "Lin&ks", ("Ctrl+Shift+K",), "link", dock="linksDock"),
        Action("link-graph", "Link &Graph…", ("Ctrl+G",), "graph",
               "How the items are linked: the item shown, or all"),
        Action("post-versions", "Post &Versions…", ("Ctrl+Shift+V",), "copy",
               "The versions of the edited post shown, with what each changed", ARCHIVE),
        Action("post-captures", "Post &Captures…", ("Ctrl+Shift+C",), "details",
               "Every capture of the post shown, and what changed between them", ARCHIVE),
        Action("post-account", "Post Aut&hor's Account…", ("Ctrl+Shift+O",), "person",
               "The account of the post shown: its record, captures and posts", ARCHIVE),
        Action("show-details", "Item &Details", ("Ctrl+Shift+D",), "details",
               "The details of the item shown, under it: dates, origin, file, hashes",
               checkable=True),
        Action("reading-mode", "&Reading Mode", ("F11",), "reading-mode",
               "Give the viewer the whole window (F11 or Escape to leave)", checkable=True),
        Action("blur-sensitive", "&Blur Sensitive Media",
               tip="Pictures and videos marked sensitive are blurred until clicked",
               checkable=True),
        SEPARATOR,
        Action("zoom-in", "Zoom &In", (_std.ZoomIn,), "zoom-in"),
        Action("zoom-out", "Zoom &Out", (_std.ZoomOut,), "zoom-out"),
        Action("fit", "&Fit", ("Ctrl+0",), "fit-page"),
        Action("next-page", "Next &Page", ("Ctrl+PgDown",), "go-next"),
        Action("previous-page", "Previous P&age", ("Ctrl+PgUp",), "go-previous"),
        SEPARATOR,
        Menu("theme", "&Theme", (
            Action("theme-system", "Follow the &System", checkable=True, group="theme"),
            Action("theme-light", "&Light", checkable=True, group="theme"),
            Action("theme-dark", "&Dark", checkable=True, group="theme"),
        ), icon="theme"),
        Menu("urdu-font", "&Urdu Font"),  # its faces: urdu_font.py
    )),
    Menu("help", "&Help", (
        Action("shortcuts", "&Keyboard Shortcuts", ("Ctrl+/", "F1"), "keyboard"),
        Action("search-syntax", "&Search Syntax", ("Shift+F1",), "search",
               "Every part of the query language, with examples that run when clicked"),
        Action("tour", "Take the &Tour", (), "help-tour",
               "A few hints on searching, filters, the timeline, annotations and links"),
        Action("open-log-folder", "Open &Log Folder", (), "details",
               "The folder of the log that error messages name, in the file manager"),
        Action("about", "&About xarchive", (), "info"),
    )),
)  # fmt: skip

#: Keys that widgets handle themselves, not actions: (where, keys, what they do).
WIDGET_KEYS = (
    ("Results", "Down (in the search field)", "Move to the results"),
    ("Results", "Up / Down, Enter", "Choose a result"),
    ("Search", "Escape (in the search field)", "Clear the query"),
    ("View", "Escape (in reading mode)", "Bring the panels back"),
    ("Video", "Space or K / Left, Right / Home", "Play or pause / 5 s back, on / the start"),
    ("Help", "Enter / Escape (in the tour)", "Next hint / close the tour"),
    ("Help", "Enter (on an example of Search Syntax)", "Run the example"),
    ("PDF", "Page Up / Page Down", "Previous / next page"),
    ("Post evidence", "Ctrl+1 / Ctrl+2 / Ctrl+3", "Versions / Captures / Account"),
    ("Image", "+ / −, mouse wheel", "Zoom in / out"),
    ("Image", "F", "Fit to the window"),
    ("Image", "1", "Actual size"),
    ("Image", "Drag", "Pan"),
    ("Timeline", "Drag across bars", "Narrow the search to those dates"),
    (
        "Timeline",
        "Left / Right, Shift+Left / Right, Enter",
        "Go to a bar / take in the next, narrow the search to them",
    ),
    ("Annotate", "Shift+drag on a picture or a PDF page", "Draw a region note"),
    (
        "Annotate",
        "Enter (in Draw Regions, on a page or picture)",
        "Draw a region note there (around the words selected)",
    ),
    ("Annotate", "Ctrl+arrows / Ctrl+Shift+arrows (a region selected)", "Move / size the region"),
    ("Annotate", "Drag on a PDF page", "Select words (then Ctrl+H to highlight them)"),
    (
        "Annotate",
        "Shift+arrows on a page or picture",
        "Select words from the match found (or the first word), then Ctrl+H",
    ),
    ("Annotate", "Delete (a region selected)", "Delete the region"),
    ("Annotate", "Ctrl+Enter (in a note)", "Save the note"),
    ("Annotate", "Escape (in a note)", "Leave the note unsaved"),
    ("Annotate", "Drag a result onto the viewer", "Link the item shown to it"),
)


def walk(menus: tuple[Menu, ...] = MENUS) -> Iterator[tuple[Menu, Action]]:
    """Every action of `menus` with the top-level menu it is in, in menu order."""

    def inside(top: Menu, menu: Menu) -> Iterator[tuple[Menu, Action]]:
        for entry in menu.entries:
            if isinstance(entry, Menu):
                yield from inside(top, entry)
            elif entry is not None:
                yield top, entry

    for top in menus:
        yield from inside(top, top)


def sequences(action: Action) -> list[QKeySequence]:
    """The shortcuts of `action` as Qt has them on this platform (a StandardKey: its
    first binding; none where the platform has none), each once: a StandardKey may be
    bound to a key the row also names (Redo is Ctrl+Shift+Z on Linux desktops)."""
    found: list[QKeySequence] = []
    for key in action.keys:
        sequence = QKeySequence(key)
        if not sequence.isEmpty() and sequence not in found:
            found.append(sequence)
    return found


class ActionSet:
    """The QActions of `MENUS` for one window, and its menu bar built from them."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self._connected: set[str] = set()
        self._extra: dict[str, Callable[[], bool]] = {}
        groups: dict[str, QActionGroup] = {}
        for _menu, spec in walk():
            if spec.dock:
                continue  # made by its dock; see build_menus
            action = QAction(spec.text, window)
            self._dress(action, spec)
            action.setCheckable(spec.checkable)
            if spec.group:
                groups.setdefault(spec.group, QActionGroup(window)).addAction(action)
            self.actions[spec.key] = action

    @staticmethod
    def _dress(action: QAction, spec: Action) -> None:
        action.setText(spec.text)
        if spec.icon:
            action.setIcon(icon(spec.icon))
            # A toggle is ticked in its menu, as those without an icon are: with one, the
            # style draws the icon sunken instead, and the View menu mixed the two.
            action.setIconVisibleInMenu(not (spec.checkable or spec.dock))
        keys = sequences(spec)
        if keys:
            action.setShortcuts(keys)
        if spec.tip:
            action.setToolTip(spec.tip)
            action.setStatusTip(spec.tip)

    def __getitem__(self, key: str) -> QAction:
        return self.actions[key]

    def connect(
        self,
        key: str,
        slot: Callable[[], object],
        enabled: Callable[[], bool] | None = None,
    ) -> QAction:
        """Give the action `key` what it does (and, optionally, a further condition on
        when it can be used, beside its row's `when`)."""
        action = self.actions[key]
        action.triggered.connect(lambda _=False: slot())  # a checkable one: read isChecked()
        self._connected.add(key)
        if enabled is not None:
            self._extra[key] = enabled
        return action

    def check_connected(self) -> None:
        """Raise if a row of the table was given nothing to do."""
        loose = [
            spec.key for _menu, spec in walk() if not spec.dock and spec.key not in self._connected
        ]
        if loose:
            raise RuntimeError(f"actions without a slot: {', '.join(loose)}")

    def build_menus(self, bar: QMenuBar) -> None:
        """The menu bar of `MENUS`; dock entries take the docks' own toggle actions."""
        docks = {d.objectName(): d for d in self.window.findChildren(QDockWidget)}

        def fill(qmenu: QMenu, menu: Menu) -> None:
            self.menus[menu.key] = qmenu
            for entry in menu.entries:
                if entry is None:
                    qmenu.addSeparator()
                elif isinstance(entry, Menu):
                    sub = qmenu.addMenu(entry.title)
                    if entry.icon:
                        sub.setIcon(icon(entry.icon))
                    fill(sub, entry)
                elif entry.dock:
                    toggle = docks[entry.dock].toggleViewAction()
                    self._dress(toggle, entry)
                    self.actions[entry.key] = toggle
                    qmenu.addAction(toggle)
                else:
                    qmenu.addAction(self.actions[entry.key])

        for menu in MENUS:
            fill(bar.addMenu(menu.title), menu)

    def update(self, has_archive: bool, writable: bool, busy: bool) -> None:
        """Enable each action by its row's `when` and its feature's condition."""
        state = {
            ALWAYS: True,
            ARCHIVE: has_archive,
            WRITABLE: writable,
            ARCHIVE_IDLE: has_archive and not busy,
            WRITABLE_IDLE: writable and not busy,
        }
        for _menu, spec in walk():
            if spec.when == FEATURE or spec.key not in self.actions:
                continue
            extra = self._extra.get(spec.key)
            self.actions[spec.key].setEnabled(state[spec.when] and (extra is None or extra()))
