"""`xarchive FILE` with the marker of an archive folder, as a file manager's double-click
runs it (the .desktop file's `Exec=xarchive %f`): the archive it is in opens."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot

from xarchive.core import marker
from xarchive.core.archive import Archive
from xarchive.gui import app
from xarchive.gui import settings as cfg

from .conftest import Dialogs


def test_the_marker_opens_the_archive_it_is_in(
    qtbot: QtBot, dialogs: Dialogs, tmp_path: Path, user_settings: cfg.UserSettings
) -> None:
    root = tmp_path / "Case.xarchive"
    Archive.create(root, name="Case").close()
    window = app.start([str(root / marker.MARKER_NAME)], user_settings)
    qtbot.addWidget(window)
    assert dialogs.shown == []
    assert window.session is not None and window.session.root == root
    assert window.windowTitle() == "Case — xarchive"
    window.shutdown()


def test_a_marker_out_of_its_archive_says_no_archive_there(
    qtbot: QtBot, dialogs: Dialogs, tmp_path: Path, user_settings: cfg.UserSettings
) -> None:
    root = tmp_path / "Case.xarchive"
    Archive.create(root).close()
    elsewhere = tmp_path / "Downloads"
    elsewhere.mkdir()
    shutil.copy(root / marker.MARKER_NAME, elsewhere)
    window = app.start([str(elsewhere / marker.MARKER_NAME)], user_settings)
    qtbot.addWidget(window)
    assert window.session is None
    [problem] = dialogs.shown
    assert problem.title == "No archive there"
    assert "Downloads" in problem.text and "archive.sqlite" in problem.text
    assert [p.name for p in elsewhere.iterdir()] == [marker.MARKER_NAME]  # nothing made there
    window.shutdown()
