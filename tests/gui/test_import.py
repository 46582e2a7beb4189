"""Importing through the window: progress, cancel midway, the report, the archive after."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QStyle
from pytestqt.qtbot import QtBot

from tests.conftest import run_import
from tests.makefiles import text_file
from xarchive.core.archive import Archive
from xarchive.core.jobs import Progress
from xarchive.core.store import items as item_store
from xarchive.gui import workers
from xarchive.gui.main_window import MainWindow

FILES = 120
PAUSE_AT = 15


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "field notes"
    for n in range(FILES):
        text_file(
            folder / f"note-{n:03d}.txt",
            f"Field note {n}: the platform was unreachable in district {n}.",
        )
    return folder


@pytest.fixture
def empty_archive(window: MainWindow, tmp_path: Path) -> Path:
    root = tmp_path / "new.xarchive"
    assert window.create_archive(root)
    return root


@pytest.fixture
def pause_midway(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Holds the import at file PAUSE_AT until Cancel is pressed, so 'midway' is exact."""
    reached = threading.Event()
    report = workers.Job._report

    def held(self: workers.Job, progress: Progress) -> None:
        report(self, progress)
        if progress.phase == "importing" and progress.done >= PAUSE_AT and not self.cancelled:
            reached.set()
            self.cancel_token._event.wait(10)

    monkeypatch.setattr(workers.Job, "_report", held)
    return reached


def test_import_can_be_cancelled_midway_and_keeps_what_was_done(
    qtbot: QtBot,
    window: MainWindow,
    empty_archive: Path,
    notes: Path,
    pause_midway: threading.Event,
) -> None:
    job = window.start_import([notes])
    assert job is not None
    dialog = window.progress_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(pause_midway.is_set)
    qtbot.waitUntil(lambda: dialog.last is not None and dialog.last.done >= PAUSE_AT)
    assert dialog.count_label.text().endswith(f"of {FILES}")
    assert not window.actions["import-files"].isEnabled()  # one writing job at a time
    with qtbot.waitSignal(window.job_ended, timeout=10_000) as ended:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    title, report = ended.args[0]
    # the archive is searched again
    qtbot.waitUntil(lambda: not window.model.searching, timeout=15_000)
    assert report.cancelled
    assert not dialog.isVisible()
    assert job.done
    imported = len(report.imported)
    assert 0 < imported < FILES
    # The report dialog says what happened, file by file.
    shown = window.report_dialog
    assert shown is not None and shown.isVisible()
    assert "cancelled" in shown.summary_label.text()
    assert shown.lists["imported"].topLevelItemCount() == imported
    # The archive holds exactly what the report says was imported, all searchable.
    assert window.model.total == imported
    with Archive.open(empty_archive, readonly=True) as archive:
        assert item_store.count_items(archive.db) == imported
        assert not item_store.unindexed_ids(archive.db)
    shown.close()
    assert window.actions["import-files"].isEnabled()


def test_a_completed_import_reports_every_file(
    qtbot: QtBot, window: MainWindow, empty_archive: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    text_file(folder / "a.txt", "Statement on the blocking of X.")
    text_file(folder / "b.txt", "Statement on the blocking of X.")  # same bytes: skipped
    (folder / "junk.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)  # damaged: failed
    with qtbot.waitSignal(window.job_ended, timeout=10_000) as ended:
        window.start_import([folder])
    report = ended.args[0][1]
    qtbot.waitUntil(lambda: not window.model.searching, timeout=15_000)
    assert (len(report.imported), len(report.skipped), len(report.failed)) == (1, 1, 1)
    dialog = window.report_dialog
    assert dialog is not None
    failed = dialog.lists["failed"].topLevelItem(0)
    assert failed.text(0) == "junk.pdf" and failed.text(1)  # with its reason
    assert dialog.lists["skipped"].topLevelItem(0).text(1).startswith("same content")
    assert window.model.total == 1
    dialog.close()


def test_the_import_report_shows_a_long_reason_whole(qtbot: QtBot, tmp_path: Path) -> None:
    """A reason longer than its column wraps over as many lines as it needs: it was
    cut at the column's edge, one line a row, and only a tooltip held the rest."""
    from xarchive.gui.dialogs.import_report import ImportReportDialog

    folder = tmp_path / "filings from the court of the district and sessions judge"
    folder.mkdir()
    (folder / "junk.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)  # damaged
    with Archive.create(tmp_path / "a.xarchive") as archive:
        report = run_import(archive, folder)
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.resize(640, 480)
    dialog.show()
    tree = dialog.lists["failed"]
    assert dialog.tabs.currentWidget() is tree
    row = tree.topLevelItem(0)
    reason = row.text(1)
    assert reason.startswith("‘junk.pdf’ is damaged") and reason.endswith("import it again.")
    metrics = tree.fontMetrics()
    # The column reaches the dialog's edge, and the reason is still wider than it.
    header = tree.header()
    assert header.sectionPosition(1) + header.sectionSize(1) == tree.viewport().width()
    assert metrics.horizontalAdvance(reason) > tree.columnWidth(1)

    def lines_needed() -> int:
        margin = tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree)
        width = tree.columnWidth(1) - 2 * (margin + 1)
        wrapped = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, reason)
        return round(wrapped.height() / metrics.lineSpacing())

    def lines_shown() -> int:
        return tree.visualItemRect(row).height() // metrics.lineSpacing()

    before = lines_needed()
    assert before >= 2 and lines_shown() >= before
    dialog.resize(420, 480)  # a narrower column: more lines, and all of them shown
    qtbot.waitUntil(lambda: lines_needed() > before)
    assert lines_shown() >= lines_needed()
    assert row.toolTip(1) == reason and row.toolTip(0) == str(folder / "junk.pdf")
    # The row chosen, the pane under the list gives its path and reason whole, to copy.
    tree.setCurrentItem(row)
    assert dialog.details.toPlainText() == f"{folder / 'junk.pdf'}\nWhy: {reason}"
    assert dialog.details.isReadOnly() and dialog.details.isVisible()


def test_dropping_files_on_the_window_imports_them(
    qtbot: QtBot, window: MainWindow, empty_archive: Path, tmp_path: Path
) -> None:
    path = text_file(tmp_path / "dropped.txt", "A note dropped on the window.")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(50, 50),  # QDragEnterEvent takes a QPoint (QDropEvent a QPointF)
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.job_ended, timeout=10_000):
        QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=15_000)
    assert window.model.hit(0).item.original_name == "dropped.txt"  # type: ignore[union-attr]
    assert window.report_dialog is not None
    window.report_dialog.close()


def test_the_window_stays_responsive_while_importing(
    qtbot: QtBot,
    window: MainWindow,
    empty_archive: Path,
    notes: Path,
    pause_midway: threading.Event,
) -> None:
    window.start_import([notes])
    qtbot.waitUntil(pause_midway.is_set)
    # The import is busy in its thread; the window still searches and repaints.
    with qtbot.waitSignal(window.search_finished):
        window.search_bar.set_query("platform")
    assert window.search_bar.error_label.isHidden()
    assert window.progress_dialog is not None
    with qtbot.waitSignal(window.job_ended, timeout=10_000):
        window.progress_dialog.request_cancel()
    assert window.report_dialog is not None
    window.report_dialog.close()
