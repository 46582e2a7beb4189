"""Starting the app: the demo archive (built on first run), an archive by path, remembered state."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_ITEMS
from xarchive.gui import app, theme
from xarchive.gui import main_window as main_window_module
from xarchive.gui import settings as cfg
from xarchive.gui.dialogs.about import AboutDialog
from xarchive.gui.dialogs.shortcuts import ShortcutsDialog
from xarchive.gui.main_window import MainWindow

from .conftest import Dialogs


@pytest.fixture
def demo_dir(monkeypatch: pytest.MonkeyPatch, demo_archive_path: Path, tmp_path: Path) -> Path:
    """The user's demo archive, already holding the samples (building from scratch runs OCR)."""
    target = tmp_path / "data" / "Demo.xarchive"
    shutil.copytree(demo_archive_path, target, ignore=shutil.ignore_patterns("archive.lock"))
    monkeypatch.setattr(main_window_module, "demo_archive_dir", lambda: target)
    return target


def test_first_run_builds_the_demo_with_progress_then_opens_it(
    qtbot: QtBot, dialogs: Dialogs, demo_dir: Path, user_settings: cfg.UserSettings
) -> None:
    window = MainWindow(user_settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.archive_opened, timeout=30_000):
        window.open_default()
        progress = window.progress_dialog
        assert progress is not None and progress.job.title == "Building the demo archive"
        assert progress.isVisible()
    assert window.session is not None and window.session.root == demo_dir
    assert user_settings.get(cfg.DEMO_BUILT)
    qtbot.waitUntil(lambda: window.model.total == DEMO_ITEMS, timeout=15_000)
    window.shutdown()


def test_later_runs_open_the_demo_at_once(
    qtbot: QtBot, dialogs: Dialogs, demo_dir: Path, user_settings: cfg.UserSettings
) -> None:
    user_settings.set(cfg.DEMO_BUILT, True)
    window = app.start([], user_settings)
    qtbot.addWidget(window)
    assert window.session is not None and window.session.root == demo_dir
    assert window.progress_dialog is None
    window.shutdown()


def test_an_archive_given_by_path_is_opened_and_remembered(
    qtbot: QtBot, dialogs: Dialogs, archive_copy: Path, user_settings: cfg.UserSettings
) -> None:
    window = app.start([str(archive_copy)], user_settings)
    qtbot.addWidget(window)
    assert window.session is not None and window.session.root == archive_copy
    window.resize(760, 560)  # within the offscreen screen (800 × 800), above the minimum
    window.timeline.hide()
    window.close()
    assert user_settings.get(cfg.LAST_ARCHIVE) == str(archive_copy)
    assert user_settings.recent_archives()[0] == str(archive_copy)

    again = MainWindow(user_settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (760, 560)
    again.open_default()  # the archive open last time, not the demo
    assert again.session is not None and again.session.root == archive_copy
    assert again.timeline.isHidden()
    again.shutdown()


def test_theme_follows_the_choice(qtbot: QtBot, window: MainWindow) -> None:
    window.set_theme("dark")
    assert QApplication.palette().window().color().name() == theme.DARK.window
    assert window.settings.get(cfg.THEME) == "dark"
    window.set_theme("light")
    assert QApplication.palette().window().color().name() == theme.LIGHT.window
    window.set_theme("system")
    assert window.actions["theme-system"].isChecked()


def test_shortcuts_are_listed_and_about_has_version_and_licences(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    rows = dict(dialog.rows())
    assert rows["Find"] == "Ctrl+L, Ctrl+F"
    assert rows["Import Files…"] == "Ctrl+I"
    assert rows["Timeline"] == "Ctrl+T"
    about = AboutDialog(window)
    qtbot.addWidget(about)
    text = about.text.toPlainText()
    assert "0.1.0" in text and "GPL-3.0-or-later" in text and "LGPL" in text
