"""Help ▸ Search Syntax: the whole language, and examples that run when clicked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from xarchive.core.index.schema import FIELD_ALIASES, FIELD_CHOICES, FLAG_VALUES, KNOWN_FIELDS
from xarchive.gui.dialogs.search_syntax import SearchSyntaxDialog, explained_fields
from xarchive.gui.main_window import MainWindow


def open_from_the_help_menu(qtbot: QtBot, window: MainWindow) -> SearchSyntaxDialog:
    action = window.actions["search-syntax"]
    action.trigger()
    dialog = window.syntax_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def links(dialog: SearchSyntaxDialog) -> dict[str, int]:
    """Each example link's text, with where it begins in the page."""
    found = {}
    block = dialog.page.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.charFormat().isAnchor():
                found[fragment.text().replace("\xa0", " ")] = fragment.position()
            fragments += 1
        block = block.next()
    return found


def click(qtbot: QtBot, dialog: SearchSyntaxDialog, position: int) -> None:
    """Click on the link that begins at `position`, as a person would."""
    page = dialog.page
    cursor = QTextCursor(page.document())
    cursor.setPosition(position + 1)
    page.setTextCursor(cursor)
    page.ensureCursorVisible()
    where = page.cursorRect(cursor).center()
    qtbot.mouseClick(page.viewport(), Qt.MouseButton.LeftButton, pos=where)


def test_every_field_and_operator_of_the_language_is_explained(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = open_from_the_help_menu(qtbot, window)
    assert dialog.isVisible() and not dialog.isModal()
    assert KNOWN_FIELDS - {"ym"} <= explained_fields()
    text = dialog.page.toPlainText()
    for alias in FIELD_ALIASES:
        assert f"{alias}:" in text
    for name, fields in FIELD_CHOICES.items():  # from: and to: say which fields they ask
        assert f"{name}: asks {fields[0]}: and {fields[1]}: at once" in text
    for field, values in FLAG_VALUES.items():
        for value in values:
            assert f"{field}:{value}" in text
    for part in ('"', " OR ", " AND ", " NOT ", "(", "*", "~", "..", ">=", "<=", "پابندی"):
        assert part in text, part


def test_clicking_an_example_runs_it(qtbot: QtBot, annotated: MainWindow) -> None:
    opened = annotated  # the demo as it ships: with notes and tags
    dialog = open_from_the_help_menu(qtbot, opened)
    found = {}
    on_page = links(dialog)
    assert list(on_page) == dialog.examples()  # every example is a link
    for query, position in on_page.items():
        with qtbot.waitSignal(opened.search_finished, timeout=5000) as done:
            click(qtbot, dialog, position)
        assert opened.search_bar.text == query
        results = done.args[0]
        assert results is not None, f"{query}: {opened.search_bar.error_label.text()}"
        found[query] = results.total
    # Every example finds something in the demo archive: the dialog teaches on it.
    assert [q for q, total in found.items() if total == 0] == [], [
        q for q, t in found.items() if t == 0
    ]
    # By keyboard: Tab goes from link to link, Enter runs the one with the focus.
    dialog.page.setFocus()
    dialog.page.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClick(dialog.page, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.page, Qt.Key.Key_Tab)
    with qtbot.waitSignal(opened.search_finished, timeout=5000):
        qtbot.keyClick(dialog.page, Qt.Key.Key_Return)
    assert opened.search_bar.text == dialog.examples()[1]
