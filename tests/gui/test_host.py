"""The window as the host of its features: they reach it only through host.py, and their
long work runs through one helper (operations.py) that checks, shows progress with
Cancel, says what went wrong, and tells the views what changed."""

from __future__ import annotations

import ast
import re
import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from xarchive import gui
from xarchive.core.archive import Archive
from xarchive.core.errors import ImportAborted
from xarchive.core.jobs import CancelToken, Progress, ProgressCallback
from xarchive.gui.main_window import MainWindow
from xarchive.gui.operations import EVERYTHING, NOTHING, Changes, Operation

from .conftest import Dialogs

GUI = Path(gui.__file__).parent


def test_features_know_the_window_only_through_the_host() -> None:
    """Not even for type checking (import-linter leaves those imports out), and never its
    private methods."""
    for path in sorted(GUI.rglob("*.py")):
        name = path.relative_to(GUI).as_posix()
        if name in ("app.py", "main_window.py"):
            continue
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom):
                assert "main_window" not in (node.module or ""), name
        assert not re.search(r"\bwindow\._[a-z]", text), f"{name} calls the window's privates"


def test_no_gui_module_imports_one_that_imports_it_back_even_for_type_checking() -> None:
    """import-linter's contracts leave `if TYPE_CHECKING:` imports out; a circle through
    one is still a circle for the reader (main_window ↔ the features it had)."""
    runtime: dict[str, set[str]] = {}
    typing_only: dict[str, set[str]] = {}
    for path in GUI.rglob("*.py"):
        parts = ["xarchive", "gui", *path.relative_to(GUI).with_suffix("").parts]
        package = parts[:-1]  # what a relative import starts from
        name = ".".join(parts if parts[-1] != "__init__" else parts[:-1])
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test)
            for inner in ast.walk(node)
        }
        runtime[name], typing_only[name] = set(), set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            found = {target, *(f"{target}.{a.name}" for a in node.names)}
            (typing_only if id(node) in guarded else runtime)[name].update(found)

    def reached(start: str) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in runtime.get(todo.pop(), set()) & runtime.keys():
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    circles = [
        f"{name} -> {target}"
        for name, targets in typing_only.items()
        for target in targets & runtime.keys()
        if name in reached(target)
    ]
    assert circles == []


def test_changes_say_whether_anything_changed() -> None:
    assert not NOTHING and Changes(suggestions=True) and EVERYTHING


def test_a_failed_operation_says_why_and_refreshes_what_it_had_changed(
    qtbot: QtBot, opened: MainWindow, dialogs: Dialogs
) -> None:
    checked = threading.Event()  # the job runs on until the test has seen it busy

    def work(archive: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> int:
        assert archive is not None and archive is not opened.session.archive  # a sibling
        progress(Progress("importing", 1, 2))
        checked.wait(10)
        raise ImportAborted("the disk is full")

    changed: list[Changes] = []
    opened.changed.connect(changed.append)
    with qtbot.waitSignal(opened.job_ended, timeout=10_000) as ended:
        job = opened.run(Operation("Importing", work, writes="importing", changes=EVERYTHING))
        assert job is not None
        assert opened.busy and not opened.actions["import-files"].isEnabled()
        checked.set()
    title, exc = ended.args[0]
    assert title == "Importing" and isinstance(exc, ImportAborted)
    assert dialogs.titles == ["Importing stopped"]
    assert changed == [EVERYTHING]  # what it committed before it stopped is shown
    assert not opened.busy and opened.actions["import-files"].isEnabled()


def test_an_operation_is_refused_while_another_runs_and_cancel_stops_it(
    qtbot: QtBot, opened: MainWindow, dialogs: Dialogs
) -> None:
    started = threading.Event()

    def wait_for_cancel(
        archive: Archive | None, progress: ProgressCallback, cancel: CancelToken
    ) -> int:
        started.set()
        while not cancel.cancelled:
            threading.Event().wait(0.01)
        cancel.raise_if_cancelled()
        return 0

    done: list[int] = []
    job = opened.run(Operation("Waiting", wait_for_cancel, done.append))
    assert job is not None
    qtbot.waitUntil(started.is_set)
    assert opened.run(Operation("Another", wait_for_cancel)) is None
    assert dialogs.titles == ["Please wait"]
    dialog = opened.progress_dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(opened.job_ended, timeout=10_000):
        dialog.request_cancel()
    assert not dialog.isVisible() and done == []
    assert "Waiting: cancelled" in opened.statusBar().currentMessage()
    assert dialogs.titles == ["Please wait"]  # a cancellation is no error


def test_a_writing_operation_is_refused_on_a_read_only_archive(
    qtbot: QtBot, window: MainWindow, archive_copy: Path, dialogs: Dialogs
) -> None:
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(archive_copy, readonly=True)
    ran: list[str] = []

    def work(archive: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> None:
        ran.append("ran")

    assert window.run(Operation("Tagging", work, writes="tagging")) is None
    assert dialogs.titles[-1] == "This archive is read-only here"
    assert ran == []
