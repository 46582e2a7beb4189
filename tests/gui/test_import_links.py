"""File ▸ Import Folder… with a link out of the folder: left out and named unless the box
'Follow links that lead out of the folder' is ticked (issue 11, the CLI's --follow-links)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.makefiles import text_file
from xarchive.core.store import items as item_store
from xarchive.gui.dialogs.import_choice import FOLLOW_LINKS
from xarchive.gui.main_window import MainWindow


@pytest.fixture
def unpacked(tmp_path: Path) -> Path:
    """A folder from someone else, with a link to the researcher's own file."""
    private = text_file(tmp_path / "home" / "secret.txt", "the researcher's own password")
    folder = tmp_path / "unpacked"
    text_file(folder / "post.txt", "A post about the ban.")
    (folder / "shadow.txt").symlink_to(private)
    return folder


def _import_folder(qtbot: QtBot, window: MainWindow, folder: Path, tick: bool) -> list[str]:
    """Import Folder… as a user does it: the menu, the folder chosen, the box, Import."""
    window.actions["import-folder"].trigger()
    chooser = window.importing.chooser
    assert chooser is not None
    qtbot.waitUntil(chooser.isVisible, timeout=5_000)
    assert chooser.follow_links.text() == FOLLOW_LINKS and chooser.follow_links.isVisible()
    assert not chooser.follow_links.isChecked()  # off unless asked, each time
    if tick:
        chooser.follow_links.click()
    chooser.setDirectory(str(folder.parent))
    chooser.selectFile(str(folder))
    with qtbot.waitSignal(window.job_ended, timeout=20_000) as ended:
        chooser.accept()
    report = ended.args[0][1]
    assert report.status == "completed"
    assert window.report_dialog is not None
    window.report_dialog.close()
    assert window.session is not None
    db = window.session.archive.db
    return [p.text for i in item_store.items(db) for p in item_store.pages(db, i.id)]


def test_a_link_out_of_the_folder_is_left_out_and_named(
    qtbot: QtBot, window: MainWindow, unpacked: Path, tmp_path: Path
) -> None:
    assert window.create_archive(tmp_path / "a.xarchive")
    assert _import_folder(qtbot, window, unpacked, tick=False) == ["A post about the ban."]
    report = window.importing.report_dialog
    assert report is not None
    assert [Path(o.path).name for o in report.report.links_not_followed] == ["shadow.txt"]


def test_the_box_ticked_follows_it(
    qtbot: QtBot, window: MainWindow, unpacked: Path, tmp_path: Path
) -> None:
    assert window.create_archive(tmp_path / "b.xarchive")
    texts = _import_folder(qtbot, window, unpacked, tick=True)
    assert sorted(texts) == ["A post about the ban.", "the researcher's own password"]
