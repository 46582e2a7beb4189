"""Icons and other files from `resources/`, with monochrome icons tinted to the theme.

Monochrome icons are SVGs drawn with ``currentColor``; `icon()` returns a QIcon
whose engine renders the SVG at paint time in the palette's text colour, so a
theme switch recolours every icon without rebuilding menus. Coloured icons (the
app icon, the kind tiles) are drawn as they are.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

KINDS = ("document", "image", "article", "post", "text", "message", "video")


def resources_dir() -> Path:
    """`resources/`: beside the package in a clone, under <prefix>/share/xarchive when
    installed from a wheel ($XARCHIVE_RESOURCES overrides, for packagers)."""
    override = os.environ.get("XARCHIVE_RESOURCES")
    if override:
        return Path(override)
    beside = Path(__file__).resolve().parents[2] / "resources"
    if (beside / "icons").is_dir():
        return beside
    for prefix in (sys.prefix, sys.base_prefix, "/usr/local", "/usr"):
        installed = Path(prefix) / "share" / "xarchive" / "resources"
        if (installed / "icons").is_dir():
            return installed
    return beside


@cache
def _svg(name: str) -> bytes:
    path = resources_dir() / "icons" / f"{name}.svg"
    try:
        return path.read_bytes()
    except OSError:
        # A missing icon must not stop the app; a blank square is drawn instead.
        return b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"/>'


class _TintedSvgEngine(QIconEngine):
    """Renders a ``currentColor`` SVG in the current palette's colour for the icon's mode."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    def _color(self, mode: QIcon.Mode) -> QColor:
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        if mode == QIcon.Mode.Selected:
            return palette.color(QPalette.ColorRole.HighlightedText)
        return palette.color(QPalette.ColorRole.WindowText)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        data = _svg(self._name).replace(b"currentColor", self._color(mode).name().encode())
        QSvgRenderer(QByteArray(data)).render(painter, rect)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self._name)


# QIcon does not keep the Python engine object alive by itself.
_engines: list[QIconEngine] = []


def icon(name: str) -> QIcon:
    """A monochrome icon from resources/icons/NAME.svg, tinted to the theme."""
    engine = _TintedSvgEngine(name)
    _engines.append(engine)
    return QIcon(engine)


@cache
def color_icon(name: str) -> QIcon:
    """A coloured icon from resources/icons/NAME.svg, drawn as it is."""
    renderer = QSvgRenderer(QByteArray(_svg(name)))
    result = QIcon()
    for side in (16, 20, 24, 32, 48, 64, 128, 256):
        pixmap = QPixmap(side, side)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        result.addPixmap(pixmap)
    return result


def kind_icon(kind: str) -> QIcon:
    """The coloured tile for an item kind (a neutral one for kinds we do not know)."""
    return color_icon(f"kind-{kind}" if kind in KINDS else "kind-unknown")


def app_icon() -> QIcon:
    return color_icon("org.xarchive.xarchive")  # the name the .desktop file uses
