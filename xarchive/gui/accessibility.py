"""Names for screen readers, and a sensible way through the window by keyboard.

A screen reader announces a control by its accessible name. Qt derives one from
a button's text, but an icon-only button, a list or a text field has none
unless it is given one: Orca then says "push button" and nothing more. Rather
than leave that to each of thirty widgets, `name_controls` gives every control
without a name the one its purpose already has in the code: its tooltip (the
words shown on hover), its placeholder, or the panel it belongs to.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollBar,
    QTabBar,
    QWidget,
)

#: Controls whose name is not in their tooltip, by object name.
NAMES = {
    "facets": "Filters: kinds, months, authors, accounts, hashtags, languages, tags",
    "savedSearches": "Saved searches",
    "annotationsList": "Notes and highlights of the item shown",
    "linksTree": "Links and backlinks of the item shown",
    "pdfHits": "Pages where the searched words occur",
    "postViewer": "Post and its thread",
    "postText": "Text of the post",
    "results": "Search results",
}
#: Kinds of widget, by class name, with the name they are announced by.
CLASS_NAMES = {
    "QPdfView": "Pages of the document",
    "_Canvas": "Picture",
    "TimelineChart": "Timeline: items by date",
}
#: Text views inside a viewer, by the viewer's class name.
VIEWER_NAMES = {
    "TextViewer": "Text of the item",
    "PdfViewer": "Text of the document",
    "PostViewer": "Post and its thread",
    "ImageViewer": "Picture",
}
CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QAbstractScrollArea,
    QTabBar,
)
_TRAILING_PART = re.compile(r"\s*\(([^()]*)\)\s*$")
_KEY_WORDS = ("Ctrl", "Shift", "Alt", "Page ", "Delete", "Enter", "Esc", "F2")


def is_control(widget: QWidget) -> bool:
    """A widget a user operates, not one of Qt's own parts of another (a scroll bar, the
    clear button of a field, the line edit inside a spin box)."""
    if isinstance(widget, (QScrollBar, QHeaderView, QLabel)):
        return False
    if widget.objectName().startswith("qt_"):
        return False
    parent = widget.parentWidget()
    if isinstance(parent, (QLineEdit, QAbstractSpinBox, QComboBox)):
        return False
    if isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget:
        return False
    if parent is not None and isinstance(parent.parentWidget(), QComboBox):
        return False  # the list a combo box pops up
    if isinstance(widget, CONTROLS):
        return True
    return bool(widget.focusPolicy().value & 0x1) and type(widget).__name__ in CLASS_NAMES


def derived_name(widget: QWidget) -> str:
    """The name `widget`'s purpose gives it, or ''."""
    name = NAMES.get(widget.objectName()) or CLASS_NAMES.get(type(widget).__name__, "")
    if name:
        return name
    if isinstance(widget, QAbstractButton) and widget.text():
        return widget.text().replace("&", "")
    tip = widget.toolTip().split("\n", 1)[0].strip()
    if tip:
        return _without_keys(tip)
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        return widget.placeholderText()
    if isinstance(widget, QTabBar):
        return "Panels"
    viewer = widget.parentWidget()
    while viewer is not None and type(viewer).__name__ not in VIEWER_NAMES:
        viewer = viewer.parentWidget()
    if viewer is not None:
        return VIEWER_NAMES[type(viewer).__name__]
    dock = _dock_of(widget)
    return dock.windowTitle() if dock is not None else ""


def name_controls(root: QWidget) -> None:
    """Give every control under `root` that has no accessible name its derived one.

    Cheap enough to run again whenever a view builds new controls (a post's card)."""
    for widget in root.findChildren(QWidget):
        if not widget.accessibleName() and is_control(widget):
            name = derived_name(widget)
            if name:
                widget.setAccessibleName(name)


def _without_keys(tip: str) -> str:
    """'Zoom in (Ctrl++)' → 'Zoom in': the keys are announced from the shortcut itself."""
    match = _TRAILING_PART.search(tip)
    if match is None:
        return tip
    inside = match.group(1)
    if len(inside) <= 3 or any(word in inside for word in _KEY_WORDS):
        return tip[: match.start()]
    return tip


def _dock_of(widget: QWidget) -> QDockWidget | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return parent
