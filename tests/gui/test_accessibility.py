"""Keyboard and screen readers: a name on every control, a way through by Tab, menus by Alt."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from xarchive.gui.main_window import MainWindow

OPERATED = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QTextEdit,
    QTabBar,
)


def operated_by_user(widget: QWidget) -> bool:
    """Anything one clicks, types in or moves to with Tab; not Qt's parts of another
    control (a field's clear button, a spin box's text, scroll bars)."""
    if isinstance(widget, (QScrollBar, QHeaderView, QLabel)):
        return False
    if widget.objectName().startswith("qt_"):
        return False
    parent = widget.parentWidget()
    if isinstance(parent, (QLineEdit, QAbstractSpinBox, QComboBox)):
        return False
    if isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget:
        return False  # the surface a view draws on: the view has the name
    if parent is not None and isinstance(parent.parentWidget(), QComboBox):
        return False  # the list a combo box pops up
    return isinstance(widget, OPERATED) or bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def announced_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None and interface.isValid()
    return interface.text(QAccessible.Text.Name).strip()


def unnamed_controls(window: MainWindow) -> list[str]:
    """The controls on screen that a screen reader could not name."""
    return [
        f"{type(w).__name__} {w.objectName()!r} in {type(w.parentWidget()).__name__}"
        for w in window.findChildren(QWidget)
        if w.isVisible() and operated_by_user(w) and not announced_name(w)
    ]


def test_every_control_of_the_main_window_has_a_name(qtbot: QtBot, annotated: MainWindow) -> None:
    window = annotated
    unnamed = set(unnamed_controls(window))
    kinds: dict[str, int] = {}
    for row in range(window.model.rowCount()):
        hit = window.model.hit(row)
        if hit is not None:
            kinds.setdefault(hit.item.kind, row)
    assert {"document", "image", "post", "article", "text"} <= set(kinds)
    for row in kinds.values():
        item = window.model.hit(row).item  # type: ignore[union-attr]
        window.results.setCurrentIndex(window.model.index(row, 0))
        qtbot.waitUntil(
            lambda i=item: window.viewer.item is not None and window.viewer.item.id == i.id
        )
        qtbot.wait(10)  # controls a view builds for the item get their names
        unnamed.update(unnamed_controls(window))
    window.show_query_help()
    window.tour.start()
    unnamed.update(unnamed_controls(window))
    assert sorted(unnamed) == []
    controls = [w for w in window.findChildren(QWidget) if operated_by_user(w)]
    assert len(controls) > 40
    # Names say what a control is for, not which keys it has.
    zoom = [w for w in controls if announced_name(w).startswith("Zoom in")]
    assert zoom and all("Ctrl" not in announced_name(w) for w in zoom)


def test_tab_goes_from_the_query_to_its_tools_the_results_and_the_item(
    qtbot: QtBot, opened: MainWindow
) -> None:
    opened.results.setCurrentIndex(opened.model.index(0, 0))
    qtbot.waitUntil(lambda: opened.viewer.item is not None)
    opened.search_bar.field.setFocus()
    order = []
    for _ in range(5):
        order.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    bar = opened.search_bar
    assert order[:4] == [bar.field, bar.sort_box, opened.reading_button, opened.results]
    assert opened.viewer.isAncestorOf(order[4]) or order[4] is opened.viewer


def test_every_menu_entry_has_a_letter_of_its_own(window: MainWindow) -> None:
    """Alt+letter opens a menu; a letter then chooses its entry. Two entries with one
    letter, or one with none, cannot be reached that way."""
    menus = [window.menuBar()] + window.menuBar().findChildren(QMenu)
    problems = []
    for menu in menus:
        letters: dict[str, str] = {}
        for action in menu.actions():
            text = action.menu().title() if action.menu() else action.text()
            if action.isSeparator() or not text or not action.isVisible():
                continue
            match = re.search(r"&(\w)", text)
            if match is None:
                problems.append(f"{menu.title() or 'menu bar'}: {text!r} has no letter")
                continue
            letter = match.group(1).lower()
            if letter in letters:
                problems.append(f"{menu.title()}: {text!r} and {letters[letter]!r}")
            letters[letter] = text
    assert problems == []
