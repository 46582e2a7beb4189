"""The menus and Help ▸ Keyboard Shortcuts are both read from one table (gui/actions.py):
what the menu bar shows, what the dialog lists and what the table says agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMenu
from pytestqt.qtbot import QtBot

from xarchive.gui.actions import MENUS, WIDGET_KEYS, Action, ActionSet, Menu, sequences, walk
from xarchive.gui.dialogs.shortcuts import ShortcutsDialog
from xarchive.gui.main_window import MainWindow
from xarchive.gui.views.post_evidence import PostEvidenceDialog


def native(keys: list[QKeySequence]) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)


def test_the_menu_bar_is_the_table(window: MainWindow) -> None:
    bar = [a.menu() for a in window.menuBar().actions()]
    assert [m.title() for m in bar if isinstance(m, QMenu)] == [m.title for m in MENUS]

    def compare(qmenu: QMenu, menu: Menu) -> None:
        shown = qmenu.actions()
        assert len(shown) == len(menu.entries), menu.title
        for action, entry in zip(shown, menu.entries, strict=True):
            if entry is None:
                assert action.isSeparator(), f"{menu.title}: a separator"
            elif isinstance(entry, Menu):
                sub = action.menu()
                assert isinstance(sub, QMenu) and sub.title() == entry.title
                if entry.entries:  # those filled by code (Open Recent, Urdu Font) aside
                    compare(sub, entry)
            else:
                assert action.text() == entry.text
                assert action is window.actions[entry.key]
                assert [k.toString() for k in action.shortcuts()] == [
                    k.toString() for k in sequences(entry)
                ], entry.text
                assert action.isCheckable() == (entry.checkable or bool(entry.dock))
                assert action.icon().isNull() == (not entry.icon), entry.text
                assert action.statusTip() == entry.tip, entry.text

    for qmenu, menu in zip(bar, MENUS, strict=True):
        assert isinstance(qmenu, QMenu)
        compare(qmenu, menu)


def test_the_shortcuts_dialog_lists_every_key_of_the_menus_and_widgets(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = ShortcutsDialog(window)  # what Help ▸ Keyboard Shortcuts opens
    qtbot.addWidget(dialog)
    listed = dialog.groups()
    expected: dict[str, list[tuple[str, str]]] = {}
    for menu, spec in walk():
        action = window.actions[spec.key]
        if action.shortcuts():  # as the menu has it, not as the table says
            row = (action.text().replace("&", ""), native(action.shortcuts()))
            expected.setdefault(menu.name, []).append(row)
    for area, keys, what in WIDGET_KEYS:
        expected.setdefault(area, []).append((what, keys))
    assert listed == expected
    rows = dict(dialog.rows())
    assert rows["Find"] == native([QKeySequence("Ctrl+L"), QKeySequence("Ctrl+F")])
    assert rows["Import Files…"] == native([QKeySequence("Ctrl+I")])
    assert rows["Timeline"] == native([QKeySequence("Ctrl+T")])


def test_every_shortcut_a_widget_takes_is_in_the_table(window: MainWindow) -> None:
    """A QShortcut made by a widget (not a menu's action) is listed in WIDGET_KEYS, so
    that Help ▸ Keyboard Shortcuts names it: the note editor's, reading mode's, and the
    post evidence window's (Ctrl+1…3 were missing)."""
    PostEvidenceDialog(window)  # made when a post's evidence is opened; the window's child
    shortcuts = window.findChildren(QShortcut)
    taken = {k.toString() for s in shortcuts for k in s.keys()}  # noqa: SIM118 (not a dict)
    assert {"Ctrl+1", "Ctrl+Return", "Esc"} <= taken
    listed = " | ".join(keys for _area, keys, _what in WIDGET_KEYS)
    spoken = {"Return": "Enter", "Esc": "Escape"}  # as the table says them

    def said(key: str) -> str:
        return "+".join(spoken.get(part, part) for part in key.split("+"))

    missing = [
        key for key in taken if not re.search(rf"(?<![\w+]){re.escape(said(key))}(?![\w+])", listed)
    ]
    assert missing == []


def test_a_key_the_platform_binds_too_is_listed_once() -> None:
    """Redo is Ctrl+Shift+Z and the platform's Redo, which on Linux desktops is
    Ctrl+Shift+Z as well: Help ▸ Keyboard Shortcuts said 'Ctrl+Shift+Z, Ctrl+Shift+Z'."""
    redo = Action("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Shift+Z", QKeySequence.StandardKey.Redo))
    shown = [s.toString() for s in sequences(redo)]
    assert shown.count("Ctrl+Shift+Z") == 1 and len(shown) == len(set(shown))


def test_no_two_actions_share_a_key_or_a_shortcut() -> None:
    keys = [spec.key for _menu, spec in walk()]
    assert len(keys) == len(set(keys))
    taken: dict[str, str] = {}
    for _menu, spec in walk():
        for sequence in sequences(spec):
            text = sequence.toString()
            assert text not in taken, f"{text}: {spec.key} and {taken[text]}"
            taken[text] = spec.key


def test_a_row_nobody_gives_a_slot_is_an_error(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    actions = ActionSet(window)
    for _menu, spec in walk():
        if not spec.dock and spec.key != "about":
            actions.connect(spec.key, lambda: None)
    with pytest.raises(RuntimeError, match="about"):
        actions.check_connected()
    fired: list[str] = []
    actions.connect("about", lambda: fired.append("about"))
    actions.check_connected()
    actions["about"].trigger()
    assert fired == ["about"]


def test_actions_are_enabled_by_what_the_archive_allows(
    qtbot: QtBot, window: MainWindow, archive_copy: Path
) -> None:
    def enabled(key: str) -> bool:
        action: QAction = window.actions[key]
        return action.isEnabled()

    assert not enabled("import-files") and not enabled("export-bundle") and not enabled("find")
    assert enabled("about") and enabled("open-archive")
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(archive_copy, readonly=True)
    assert enabled("find") and enabled("export-bundle") and enabled("properties")
    assert not enabled("import-files") and not enabled("save-search")
    assert not enabled("delete-item")  # nothing shown, and read-only


def test_every_toggle_of_the_menus_is_ticked_not_drawn_sunken(window: MainWindow) -> None:
    """The View menu mixed check marks (Filters, Saved Searches) and sunken icons
    (Timeline, Annotations, Links) for the same kind of toggle: a checkable entry with
    an icon is drawn by the style with its icon pressed in instead of a tick."""
    toggles: list[str] = []

    def walk_menu(qmenu: QMenu) -> None:
        for action in qmenu.actions():
            if action.menu() is not None:
                walk_menu(action.menu())  # type: ignore[arg-type]
            elif action.isCheckable():
                toggles.append(action.text())
                shown = action.isIconVisibleInMenu() and not action.icon().isNull()
                assert not shown, f"{action.text()}: its icon in place of a tick"

    for top in window.menuBar().actions():
        if isinstance(top.menu(), QMenu):
            walk_menu(top.menu())  # type: ignore[arg-type]
    assert {"Ti&meline", "Fi&lters", "&Reading Mode", "Draw &Regions"} <= set(toggles)
    # The reading-mode button beside the search field keeps its icon.
    assert not window.actions["reading-mode"].icon().isNull()
