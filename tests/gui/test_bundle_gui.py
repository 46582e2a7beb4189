"""Bundles through the window: File ▸ Export, Verify and Import Bundle…, as a user runs them.

The file choosers are answered by the test (as `errors.ask` is, by `dialogs`);
everything else is the real window, the real jobs and the real core.
"""

from __future__ import annotations

import json
import shutil
import struct
import threading
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Dialogs
from xarchive.core.bundles.layout import SETTING_DESCRIPTION, SETTING_ORGANIZATION
from xarchive.core.errors import Cancelled
from xarchive.core.jobs import Progress
from xarchive.gui import workers
from xarchive.gui.dialogs import bundle as bundle_dialogs
from xarchive.gui.dialogs.bundle import BundleCheckDialog, BundleImportedDialog, ExportDoneDialog
from xarchive.gui.dialogs.shortcuts import ShortcutsDialog
from xarchive.gui.main_window import MainWindow

QUERY = "petition"
PAUSE_AT = 3


class FileChooser:
    """Stands in for the file dialogs: answers with `answer`, records what it was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answer: Path | None = None
        self.asked: list[tuple[Path, bool]] = []
        monkeypatch.setattr(bundle_dialogs, "choose_export_target", self._target)
        monkeypatch.setattr(bundle_dialogs, "choose_bundle", self._bundle)

    def _target(self, parent: object, suggested: Path, zipped: bool) -> Path | None:
        self.asked.append((suggested, zipped))
        return self.answer

    def _bundle(self, parent: object, title: str, start: Path) -> Path | None:
        return self.answer


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> FileChooser:
    return FileChooser(monkeypatch)


def search(qtbot: QtBot, window: MainWindow, query: str) -> int:
    with qtbot.waitSignal(window.search_finished, timeout=10_000) as done:
        window.search_bar.set_query(query)
    assert done.args[0] is not None, f"the query {query!r} did not run"
    return int(done.args[0].total)


def shown_hashes(window: MainWindow) -> set[str]:
    hashes = set()
    for row in range(window.model.rowCount()):
        hit = window.model.hit(row)
        assert hit is not None
        hashes.add(hit.item.sha256)
    return hashes


def export_through_dialog(qtbot: QtBot, window: MainWindow, files: FileChooser, out: Path) -> None:
    """File ▸ Export Bundle…, the dialog as it comes (except what the test set), Export…"""
    files.answer = out
    with qtbot.waitSignal(window.job_ended, timeout=30_000):
        qtbot.mouseClick(window.bundles.export_dialog.export_button, Qt.MouseButton.LeftButton)


def open_export_dialog(qtbot: QtBot, window: MainWindow) -> bundle_dialogs.ExportBundleDialog:
    qtbot.waitUntil(window.actions["export-bundle"].isEnabled)  # as a user waits to click it
    window.actions["export-bundle"].trigger()
    dialog = window.bundles.export_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def verify_through_menu(qtbot: QtBot, window: MainWindow, files: FileChooser, path: Path) -> object:
    files.answer = path
    qtbot.waitUntil(window.actions["verify-bundle"].isEnabled)  # as a user waits to click it
    with qtbot.waitSignal(window.job_ended, timeout=30_000) as ended:
        window.actions["verify-bundle"].trigger()
    return ended.args[0][1]


def flip_a_byte_of_an_original(bundle: Path, copy: Path) -> str:
    """Copy the zip, changing one byte inside an original stored as it is; its bag path."""
    with zipfile.ZipFile(bundle) as zf:
        info = next(
            i
            for i in zf.infolist()
            if "/data/items/" in i.filename
            and i.compress_type == zipfile.ZIP_STORED
            and i.file_size > 200
        )
    data = bytearray(bundle.read_bytes())
    # The local header: 30 bytes, then the name and the extra field (their lengths at 26).
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    data[info.header_offset + 30 + name_length + extra_length + 100] ^= 0x01
    copy.write_bytes(bytes(data))
    return info.filename.split("/", 1)[1]


def test_export_verify_tamper_and_import_into_another_archive(
    qtbot: QtBot, opened: MainWindow, dialogs: Dialogs, files: FileChooser, tmp_path: Path
) -> None:
    window = opened
    total = search(qtbot, window, QUERY)
    assert 0 < total < 20  # one page: every hit is in the model
    exported = shown_hashes(window)

    dialog = open_export_dialog(qtbot, window)
    assert dialog.results_radio.isChecked()
    assert f"({total} items): {QUERY}" in dialog.results_radio.text()
    assert dialog.context_check.isChecked() and dialog.notes_check.isChecked()
    assert dialog.zip_radio.isChecked()
    out = tmp_path / "out" / "petition.zip"
    out.parent.mkdir()
    export_through_dialog(qtbot, window, files, out)

    assert files.asked and files.asked[0][1] is True  # asked for a zip's name
    assert dialogs.shown == []
    done = window.bundles.result_dialog
    assert isinstance(done, ExportDoneDialog) and done.isVisible()
    assert done.path_field.text() == str(out) and done.path_field.isReadOnly()
    assert f"{total} items" in done.summary_label.text()
    assert [p.name for p in out.parent.iterdir()] == ["petition.zip"]  # nothing beside it
    with zipfile.ZipFile(out) as zf:
        top = zf.namelist()[0].split("/")[0]
        items = json.loads(zf.read(f"{top}/data/items.json"))
        info = zf.read(f"{top}/bag-info.txt").decode()
    selected = {i["sha256"] for i in items["items"] if i["role"] == "selected"}
    assert selected == exported
    assert f"search: {QUERY}" in info
    done.close()

    check = verify_through_menu(qtbot, window, files, out)
    result = window.bundles.result_dialog
    assert isinstance(result, BundleCheckDialog) and result.isVisible()
    assert check is result.check and result.check.ok
    assert "is intact" in result.heading.text()
    assert f"All {result.check.files} files" in result.summary_label.text()
    assert result.rows() == []
    result.close()

    tampered = tmp_path / "tampered.zip"
    victim = flip_a_byte_of_an_original(out, tampered)
    verify_through_menu(qtbot, window, files, tampered)
    result = window.bundles.result_dialog
    assert isinstance(result, BundleCheckDialog) and not result.check.ok
    assert "failed verification" in result.heading.text()
    assert result.rows() == [("Altered", victim)]
    assert dialogs.shown == []  # a result, not an error
    result.close()

    # Another, empty archive: the tampered bundle is refused, the intact one imported.
    other = tmp_path / "colleague.xarchive"
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.create_archive(other)
    assert window.actions["import-bundle"].isEnabled()
    files.answer = tampered
    with qtbot.waitSignal(window.job_ended, timeout=30_000):
        window.actions["import-bundle"].trigger()
    assert dialogs.titles == ["The bundle was refused"]
    assert victim in dialogs.shown[0].text and "Nothing was imported" in dialogs.shown[0].text
    assert search(qtbot, window, "*") == 0

    files.answer = out
    qtbot.waitUntil(window.actions["import-bundle"].isEnabled)
    with qtbot.waitSignal(window.job_ended, timeout=60_000) as ended:
        window.actions["import-bundle"].trigger()
    report = ended.args[0][1]
    assert len(report.added) == len(items["items"])
    imported = window.bundles.result_dialog
    assert isinstance(imported, BundleImportedDialog) and imported.isVisible()
    assert f"{len(report.added)} new items" in imported.summary_label.text()
    qtbot.waitUntil(lambda: not window.model.searching, timeout=15_000)
    assert search(qtbot, window, QUERY) == total
    assert shown_hashes(window) == exported
    assert len(dialogs.shown) == 1


def test_cancelling_an_export_midway_leaves_no_file(
    qtbot: QtBot,
    opened: MainWindow,
    dialogs: Dialogs,
    files: FileChooser,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = opened
    reached = threading.Event()
    report = workers.Job._report

    def held(self: workers.Job, progress: Progress) -> None:
        # Holds the export at its PAUSE_AT-th original until Cancel: "midway" is exact.
        report(self, progress)
        if progress.phase == "exporting" and progress.done >= PAUSE_AT and not self.cancelled:
            reached.set()
            self.cancel_token._event.wait(10)

    monkeypatch.setattr(workers.Job, "_report", held)
    folder = tmp_path / "out"
    folder.mkdir()
    for zipped in (True, False):
        dialog = open_export_dialog(qtbot, window)
        (dialog.zip_radio if zipped else dialog.folder_radio).setChecked(True)
        files.answer = folder / ("everything.zip" if zipped else "everything")
        reached.clear()
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(reached.is_set, timeout=10_000)
        progress = window.progress_dialog
        assert progress is not None and progress.isVisible()
        assert not window.actions["export-bundle"].isEnabled()  # one job at a time
        assert any(p.name.startswith(".everything") for p in folder.iterdir())  # being written
        with qtbot.waitSignal(window.job_ended, timeout=10_000) as ended:
            qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
        assert isinstance(ended.args[0][1], Cancelled)
        assert list(folder.iterdir()) == []
        assert not progress.isVisible()
        assert "cancelled" in window.statusBar().currentMessage()
        assert window.actions["export-bundle"].isEnabled()
    assert dialogs.shown == []


def test_export_the_selection_as_a_folder_without_notes_and_remember_the_sender(
    qtbot: QtBot, opened: MainWindow, dialogs: Dialogs, files: FileChooser, tmp_path: Path
) -> None:
    window = opened
    assert search(qtbot, window, "VPN") > 3
    chosen = []
    for row in (0, 2):
        index = window.model.index(row, 0)
        window.results.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )
        hit = window.model.hit(row)
        assert hit is not None
        chosen.append(hit.item.id)

    dialog = open_export_dialog(qtbot, window)
    assert dialog.selection_radio.isChecked()  # several rows selected: those
    assert dialog.selection_radio.text() == "The selected results (2)"
    dialog.folder_radio.setChecked(True)
    dialog.notes_check.setChecked(False)
    dialog.context_check.setChecked(False)
    dialog.organization_edit.setText("Digital Rights Desk")
    dialog.description_edit.setPlainText("Two posts about VPNs,\nfor counsel.")
    dialog.remember_check.setChecked(True)
    out = tmp_path / "two posts"
    export_through_dialog(qtbot, window, files, out)

    assert dialogs.shown == []
    assert files.asked[0][1] is False and files.asked[0][0].suffix == ""
    items = json.loads((out / "data" / "items.json").read_text())
    assert sorted(i["id"] for i in items["items"]) == sorted(chosen)
    assert {i["role"] for i in items["items"]} == {"selected"}
    info = (out / "bag-info.txt").read_text()
    assert "Source-Organization: Digital Rights Desk" in info
    assert "External-Description: Two posts about VPNs, for counsel." in info
    assert "X-Xarchive-Notes: left out" in info
    archive = window.session.archive
    assert archive.setting(SETTING_ORGANIZATION) == "Digital Rights Desk"
    assert archive.setting(SETTING_DESCRIPTION) == "Two posts about VPNs, for counsel."
    window.bundles.result_dialog.close()

    # The next export starts from them; an existing name is refused before any work.
    dialog = open_export_dialog(qtbot, window)
    assert dialog.organization_edit.text() == "Digital Rights Desk"
    files.answer = out
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialogs.titles == ["There is already something there"]
    assert not window.runner.busy


def test_bundle_actions_need_an_archive_and_are_listed_with_their_keys(
    qtbot: QtBot, window: MainWindow, demo_archive_path: Path, tmp_path: Path
) -> None:
    actions = (
        window.actions["export-bundle"],
        window.actions["verify-bundle"],
        window.actions["import-bundle"],
    )
    assert not any(a.isEnabled() for a in actions)
    copy = tmp_path / "ro.xarchive"
    shutil.copytree(demo_archive_path, copy, ignore=shutil.ignore_patterns("archive.lock"))
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(copy, readonly=True)
    assert window.actions["export-bundle"].isEnabled()
    assert window.actions["verify-bundle"].isEnabled()
    assert not window.actions["import-bundle"].isEnabled()  # it writes
    window.close_archive()
    assert not any(a.isEnabled() for a in actions)
    rows = dict(ShortcutsDialog(window).rows())
    assert rows["Export Bundle…"] == "Ctrl+Shift+E"
    assert rows["Import Bundle…"] == "Ctrl+Shift+B"
