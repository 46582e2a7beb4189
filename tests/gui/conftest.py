"""GUI fixtures: the real main window on a copy of the demo archive, dialogs answered by tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from xarchive.core.archive import Archive
from xarchive.core.demo_annotations import annotate_demo
from xarchive.core.importing import ImportOptions
from xarchive.gui import settings as cfg
from xarchive.gui.dialogs import errors
from xarchive.gui.main_window import MainWindow
from xarchive.gui.messages import Problem


class Dialogs:
    """Stands in for modal dialogs: records each problem shown and gives a chosen answer."""

    def __init__(self) -> None:
        self.shown: list[Problem] = []
        self.answer: str | None = None

    def __call__(self, parent: object, problem: Problem) -> str | None:
        self.shown.append(problem)
        return self.answer

    @property
    def titles(self) -> list[str]:
        return [p.title for p in self.shown]


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    stand_in = Dialogs()
    monkeypatch.setattr(errors, "ask", stand_in)
    return stand_in


@pytest.fixture
def archive_copy(demo_archive_path: Path, tmp_path: Path) -> Path:
    """A private copy of the demo archive that a test may change (and lock)."""
    target = tmp_path / "case.xarchive"
    shutil.copytree(demo_archive_path, target, ignore=shutil.ignore_patterns("archive.lock"))
    return target


@pytest.fixture
def user_settings(tmp_path: Path) -> cfg.UserSettings:
    return cfg.UserSettings(tmp_path / "settings.ini")


@pytest.fixture
def window(qtbot: QtBot, dialogs: Dialogs, user_settings: cfg.UserSettings) -> Iterator[MainWindow]:
    """The main window with no archive open; imports run in-process (workers=0)."""
    w = MainWindow(user_settings, ImportOptions(workers=0))
    w.search_bar._timer.setInterval(10)  # as-you-type, without the human pause
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    yield w
    w.shutdown()


@pytest.fixture
def annotated_copy(archive_copy: Path) -> Path:
    """The demo archive's copy with the demo's notes, tags and links, as the app ships it."""
    with Archive.open(archive_copy) as archive:
        annotate_demo(archive)
    return archive_copy


@pytest.fixture
def annotated(qtbot: QtBot, window: MainWindow, annotated_copy: Path) -> MainWindow:
    """The window on `annotated_copy`, its first search (everything) shown."""
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(annotated_copy)
    return window


@pytest.fixture
def opened(qtbot: QtBot, window: MainWindow, archive_copy: Path) -> MainWindow:
    """The window on a copy of the demo archive, its first search (everything) shown."""
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(archive_copy)
    return window
