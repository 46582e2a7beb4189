"""Light and dark themes: Fusion with our palettes, following the system unless overridden."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

CHOICES = ("system", "light", "dark")


@dataclass(frozen=True, slots=True)
class Colors:
    window: str
    base: str
    alternate: str
    text: str
    muted: str
    button: str
    border: str
    highlight: str
    highlighted_text: str
    link: str
    match_bg: str  # a searched word, marked in results and viewers
    match_fg: str
    chip_bg: str
    error: str
    info_bg: str


LIGHT = Colors(
    window="#f3f4f6",
    base="#ffffff",
    alternate="#f8f9fb",
    text="#1d2127",
    muted="#667080",
    button="#f7f8fa",
    border="#d5d9df",
    highlight="#2f6fb3",
    highlighted_text="#ffffff",
    link="#2160a8",
    match_bg="#ffe58a",
    match_fg="#1d2127",
    chip_bg="#e3ecf7",
    error="#b3261e",
    info_bg="#fff4d6",
)
DARK = Colors(
    window="#202226",
    base="#17191c",
    alternate="#1c1e22",
    text="#e4e6ea",
    muted="#9299a5",
    button="#2a2d32",
    border="#3a3e45",
    highlight="#3d7fc4",
    highlighted_text="#ffffff",
    link="#7db3ee",
    match_bg="#8a6d13",
    match_fg="#fff6d8",
    chip_bg="#2c3a4d",
    error="#f2857d",
    info_bg="#3d3520",
)

_current = LIGHT


def colors() -> Colors:
    """The colours of the theme in use (for delegates and HTML the palette does not cover)."""
    return _current


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(choice: str) -> Colors:
    if choice == "dark":
        return DARK
    if choice == "light":
        return LIGHT
    return DARK if system_is_dark() else LIGHT


def apply(app: QApplication, choice: str) -> Colors:
    """Apply the theme `choice` ("system", "light" or "dark") to the whole app."""
    global _current
    _current = resolve(choice)
    app.setStyle("Fusion")
    app.setPalette(_palette(_current))
    app.setStyleSheet(_stylesheet(_current))
    return _current


def _palette(c: Colors) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.base),
        (role.AlternateBase, c.alternate),
        (role.Text, c.text),
        (role.Button, c.button),
        (role.ButtonText, c.text),
        (role.Highlight, c.highlight),
        (role.HighlightedText, c.highlighted_text),
        (role.Link, c.link),
        (role.ToolTipBase, c.base),
        (role.ToolTipText, c.text),
        (role.PlaceholderText, c.muted),
        (role.Mid, c.border),
        (role.Dark, c.border),
        (role.BrightText, c.error),
    ):
        p.setColor(r, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(disabled, r, QColor(c.muted))
    return p


def _stylesheet(c: Colors) -> str:
    return f"""
QLineEdit#searchField {{
    border: 1px solid {c.border}; border-radius: 7px; padding: 5px 8px;
    background: {c.base}; font-size: 11pt;
}}
QLineEdit#searchField:focus {{ border: 1px solid {c.highlight}; }}
QLineEdit#searchField[invalid="true"] {{ border: 1px solid {c.error}; }}
QLabel#queryError, QLabel#error {{ color: {c.error}; }}
QLabel#hitCount {{ color: {c.muted}; }}
QLabel#muted {{ color: {c.muted}; }}
QToolButton#chip {{
    background: {c.chip_bg}; border: 1px solid {c.border}; border-radius: 10px;
    padding: 1px 6px 1px 8px;
}}
QToolButton#chip:hover {{ border-color: {c.highlight}; }}
QFrame#infoBar {{ background: {c.info_bg}; border-bottom: 1px solid {c.border}; }}
QLabel#viewerTitle {{ font-size: 12pt; font-weight: 600; }}
QFrame#viewerHeader {{ border-bottom: 1px solid {c.border}; background: {c.base}; }}
QTreeWidget#facets {{ border: none; background: {c.window}; }}
QListWidget#savedSearches {{ border: none; background: {c.window}; }}
QListView#results {{ border: none; }}
QDockWidget::title {{ padding: 4px 6px; background: {c.window}; }}
QSplitter::handle {{ background: {c.border}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
QTextBrowser {{ border: none; }}
"""
