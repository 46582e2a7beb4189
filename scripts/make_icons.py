"""Render the app icon's PNGs (16–512 px) from resources/icons/org.xarchive.xarchive.svg.

    .venv/bin/python scripts/make_icons.py

Writes resources/icons/hicolor/<N>x<N>/apps/org.xarchive.xarchive.png, the sizes
desktops and software centres look for. Run it again after changing the SVG and
commit the PNGs (Qt's SVG renderer, offscreen: no display needed).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ICON = "org.xarchive.xarchive"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (QImage painting needs one)
    renderer = QSvgRenderer(str(REPO / "resources" / "icons" / f"{ICON}.svg"))
    if not renderer.isValid():
        sys.exit("make_icons: the SVG does not render")
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = REPO / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(out), "PNG"):
            sys.exit(f"make_icons: could not write {out}")
        print(out.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
