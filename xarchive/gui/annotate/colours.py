"""The colours highlights and regions are drawn in."""

from __future__ import annotations

from PySide6.QtGui import QColor

#: What the colour menu offers: (name, code). "" is the default, drawn yellow.
HIGHLIGHT_COLOURS = (
    ("Yellow", ""),
    ("Green", "#a5d6a7"),
    ("Blue", "#90caf9"),
    ("Pink", "#f48fb1"),
    ("Orange", "#ffcc80"),
)
DEFAULT_HIGHLIGHT = "#ffd54f"
#: Text on a highlight: dark, so that it reads on the light colours in either theme.
HIGHLIGHT_TEXT = "#1d2127"
REGION = "#e8590c"
REGION_SELECTED = "#2f6fb3"


def highlight_colour(code: str, alpha: int = 255) -> QColor:
    """The colour of a highlight stored with `code` ("" or unknown: the default)."""
    colour = QColor(code or DEFAULT_HIGHLIGHT)
    if not colour.isValid():
        colour = QColor(DEFAULT_HIGHLIGHT)
    colour.setAlpha(alpha)
    return colour
