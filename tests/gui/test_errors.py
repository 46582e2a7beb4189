"""Errors reach the user as a dialog saying what happened and offering the fix; no traceback."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_ITEMS
from xarchive.core.archive import Archive
from xarchive.core.paths import log_path
from xarchive.gui.dialogs.errors import UnexpectedErrorHandler
from xarchive.gui.main_window import MainWindow
from xarchive.gui.messages import CHOOSE_ANOTHER, OPEN_READ_ONLY, REBUILD_INDEX, REMOVE_RECENT

from .conftest import Dialogs


def test_an_archive_in_use_elsewhere_can_be_opened_read_only(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, archive_copy: Path
) -> None:
    with Archive.open(archive_copy):  # another writer holds the lock
        dialogs.answer = OPEN_READ_ONLY
        assert window.open_archive(archive_copy)
        problem = dialogs.shown[0]
        assert "in use" in problem.title and OPEN_READ_ONLY in problem.fixes
        assert "Traceback" not in problem.text
        assert window.session is not None and not window.session.writable
        # searching works read-only
        qtbot.waitUntil(lambda: window.model.total == DEMO_ITEMS, timeout=15_000)
        assert not window.actions["import-files"].isEnabled()
        assert "read-only" in window.info_bar.text_label.text()
        assert "read-only" in window.archive_label.text()


def test_a_missing_archive_says_so_and_can_leave_the_recent_list(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    gone = tmp_path / "moved-away.xarchive"
    window.settings.add_recent(gone)
    dialogs.answer = REMOVE_RECENT
    assert not window.open_archive(gone)
    problem = dialogs.shown[0]
    assert "missing" in problem.title and {CHOOSE_ANOTHER, REMOVE_RECENT} <= set(problem.fixes)
    assert str(gone) not in window.settings.recent_archives()


def test_a_folder_that_is_no_archive(window: MainWindow, dialogs: Dialogs, tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"x")
    assert not window.open_archive(tmp_path / "photos")
    assert dialogs.titles == ["No archive there"]


def test_an_empty_folder_is_no_archive_yet_and_no_command_is_named(
    window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    (tmp_path / "new case").mkdir()
    assert not window.open_archive(tmp_path / "new case")
    problem = dialogs.shown[0]
    assert problem.title == "No archive there" and problem.text == "The folder ‘new case’ is empty."
    said = problem.text + problem.advice
    assert "xarchive init" not in said and "`" not in said  # a desktop user types no command
    assert "New Archive" in problem.advice


def test_an_archive_from_a_newer_version(
    window: MainWindow, dialogs: Dialogs, archive_copy: Path
) -> None:
    with sqlite3.connect(archive_copy / "archive.sqlite") as conn:
        conn.execute("PRAGMA user_version = 999")
    assert not window.open_archive(archive_copy)
    problem = dialogs.shown[0]
    assert "newer xarchive" in problem.title
    assert "Update xarchive" in problem.advice
    assert problem.fixes == ()


def test_a_missing_index_is_rebuilt_on_request(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, archive_copy: Path
) -> None:
    shutil.rmtree(archive_copy / "index")
    dialogs.answer = REBUILD_INDEX
    with qtbot.waitSignal(window.job_ended, timeout=15_000) as ended:
        assert window.open_archive(archive_copy)
    assert dialogs.titles[0] == "The search index needs rebuilding"
    assert ended.args[0] == ("Rebuilding the search index", DEMO_ITEMS)
    qtbot.waitUntil(lambda: window.model.total == DEMO_ITEMS, timeout=15_000)
    assert window.session is not None and not window.session.index_problem


def test_an_index_problem_can_be_fixed_later_from_the_bar(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, archive_copy: Path
) -> None:
    shutil.rmtree(archive_copy / "index")
    dialogs.answer = None  # "Not now"
    assert window.open_archive(archive_copy)
    assert window.info_bar.isVisible() and window.info_bar.button.text() == "Rebuild Index"
    assert window.search_bar.count_label.text() == "—"
    with qtbot.waitSignal(window.job_ended, timeout=15_000):
        window.info_bar.button.click()
    qtbot.waitUntil(lambda: window.model.total == DEMO_ITEMS, timeout=15_000)


def test_unexpected_errors_are_logged_and_told_briefly(
    window: MainWindow, dialogs: Dialogs
) -> None:
    handler = UnexpectedErrorHandler()
    try:
        raise RuntimeError("a bug in a slot")
    except RuntimeError as exc:
        handler(type(exc), exc, exc.__traceback__)
    log = log_path().read_text(encoding="utf-8")
    assert "RuntimeError: a bug in a slot" in log and "Traceback" in log
    problem = dialogs.shown[-1]
    assert str(log_path()) in problem.advice
    assert "Traceback" not in problem.text + problem.advice


def test_an_index_from_an_older_version_is_rebuilt_without_asking(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, archive_copy: Path
) -> None:
    """An update that changes what the index holds is nobody's fault: the app rebuilds
    the index on opening (with progress and Cancel), asking nothing."""
    (archive_copy / "index" / "xarchive-index.json").write_text('{"schema_version": 3}')
    with qtbot.waitSignal(window.job_ended, timeout=30_000) as ended:
        assert window.open_archive(archive_copy)
        assert "rebuilding the search index" in window.info_bar.text_label.text()
    assert dialogs.shown == []
    assert ended.args[0] == ("Rebuilding the search index", DEMO_ITEMS)
    qtbot.waitUntil(lambda: window.model.total == DEMO_ITEMS, timeout=15_000)
    assert window.session is not None and not window.session.index_problem
    assert window.info_bar.isHidden()  # it said 'rebuilding'
