"""The first-run tour: hints on the demo's first opening, once; again from Help."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from pytestqt.qtbot import QtBot

from xarchive.core.paths import demo_archive_dir
from xarchive.gui import settings as cfg
from xarchive.gui.main_window import MainWindow
from xarchive.gui.tour import STOPS


def users_demo(annotated_copy: Path, settings: cfg.UserSettings) -> Path:
    """The demo archive where the app keeps it, as if built on an earlier run."""
    target = demo_archive_dir()
    shutil.copytree(annotated_copy, target, ignore=shutil.ignore_patterns("archive.lock"))
    settings.set(cfg.DEMO_BUILT, True)
    return target


def test_the_demo_opens_with_a_tour_shown_once(
    qtbot: QtBot, window: MainWindow, annotated_copy: Path, user_settings: cfg.UserSettings
) -> None:
    users_demo(annotated_copy, user_settings)
    window.resize(1280, 720)
    window.open_demo()
    hint = window.tour.hint
    qtbot.waitUntil(hint.isVisible)
    assert user_settings.get(cfg.TOUR_SHOWN)
    seen = []
    for number, stop in enumerate(STOPS, 1):
        qtbot.waitUntil(lambda s=stop: hint.title.text() == s.title)  # noqa: B023
        assert hint.step.text() == f"{number} of {len(STOPS)}"
        target = window.tour.target_of(stop)
        assert target.isVisible()  # the timeline opens for its hint on a laptop screen
        where = QRect(target.mapTo(window, QPoint(0, 0)), target.size())
        assert window.rect().contains(hint.geometry())  # inside the window, beside its target
        assert (hint.geometry().adjusted(-60, -60, 60, 60)).intersects(where)
        assert hint.next.hasFocus()  # Enter goes on
        seen.append(stop.title)
        qtbot.keyClick(hint.next, Qt.Key.Key_Return)
    assert not hint.isVisible() and not window.tour.active
    assert not window.timeline.isVisible()  # closed again, as it was
    assert len(seen) == len(STOPS) >= 5
    # Shown once: opening the demo again shows no hint.
    window.close_archive()
    window.open_demo()
    qtbot.wait(50)
    assert not hint.isVisible()


def test_the_tour_reopens_from_help_and_escape_dismisses_it(
    qtbot: QtBot, opened: MainWindow
) -> None:
    hint = opened.tour.hint
    assert not hint.isVisible()  # not the demo: no tour at first
    action = opened.actions["tour"]
    action.trigger()
    assert hint.isVisible() and hint.title.text() == STOPS[0].title
    qtbot.keyClick(hint.next, Qt.Key.Key_Return)
    assert hint.title.text() == STOPS[1].title
    qtbot.mouseClick(hint.back, Qt.MouseButton.LeftButton)
    assert hint.title.text() == STOPS[0].title
    qtbot.keyClick(hint.next, Qt.Key.Key_Escape)
    assert not hint.isVisible()
    action.trigger()
    qtbot.mouseClick(hint.close_button, Qt.MouseButton.LeftButton)
    assert not hint.isVisible()
