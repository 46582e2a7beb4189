"""Help ▸ Open Log Folder opens the folder of the log that error dialogs name."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from xarchive.core.paths import log_exception, log_path
from xarchive.gui.main_window import MainWindow


class _FileManager(QObject):
    """Stands where the desktop's file manager would: Qt hands it file:// addresses."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


def test_open_log_folder_shows_the_folder_of_the_logged_error(
    qtbot: QtBot, window: MainWindow
) -> None:
    named = log_exception(ValueError("a search that failed"), "searching: x")
    manager = _FileManager()
    QDesktopServices.setUrlHandler("file", manager, "open")
    try:
        window.actions["open-log-folder"].trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in manager.opened] == [str(log_path().parent)]
    assert named == log_path() and "a search that failed" in named.read_text("utf-8")
    assert window.actions["open-log-folder"].text().replace("&", "") == "Open Log Folder"
