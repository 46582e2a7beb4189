"""Painting must not eat references to None (PySide6 6.12 on Python 3.11 did; see pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QFont, QImage, QPainter
from pytestqt.qtbot import QtBot

from xarchive.gui.main_window import MainWindow

REPAINTS = 300


def test_painting_does_not_drop_references_to_none(qtbot: QtBot, opened: MainWindow) -> None:
    image = QImage(1280, 800, QImage.Format.Format_ARGB32)
    before = sys.getrefcount(None)
    for _ in range(REPAINTS):
        painter = QPainter(image)
        painter.setFont(QFont())
        painter.setPen(QColor("black"))
        painter.end()
        opened.render(image)  # the whole window: results cards, facets, viewer
    after = sys.getrefcount(None)
    # Python 3.12+ reports a constant (None is immortal); on 3.11 the count may grow
    # with new references, but a binding that releases one it never took makes it
    # fall by at least one per call — thousands here, and then a crash.
    assert after >= before - REPAINTS // 10, (before, after)
