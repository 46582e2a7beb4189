"""Help ▸ About names every version a bug report needs: the app's, its formats', and those
of Qt, Whoosh and tesseract, asked off the window's thread."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QTimer, qVersion
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import xarchive
from xarchive.core import ocr
from xarchive.core.archive import Archive
from xarchive.core.index.state import INDEX_SCHEMA_VERSION
from xarchive.gui.dialogs.about import CHECKING, AboutDialog
from xarchive.gui.main_window import MainWindow


def open_about(window: MainWindow) -> str:
    """Help ▸ About, as a user picks it; its text once tesseract has answered."""
    about = window.actions["about"]
    seen: list[AboutDialog] = []
    waited = [0]

    def close_when_answered() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, AboutDialog):
            seen[:] = [dialog]
            waited[0] += 1
            if CHECKING not in dialog.text.toPlainText() or waited[0] > 1500:
                dialog.accept()
                return
        QTimer.singleShot(20, close_when_answered)

    QTimer.singleShot(0, close_when_answered)
    about.trigger()  # exec(): returns when the dialog is closed
    [dialog] = seen
    return dialog.text.toPlainText()


def tesseract_says() -> str:
    program = shutil.which("tesseract")
    assert program, "the test wants tesseract installed (scripts/setup installs it)"
    out = subprocess.run([program, "--version"], capture_output=True, text=True, check=True)
    return (out.stdout + out.stderr).split()[1]


@pytest.fixture
def fresh_tesseract_answer() -> Iterator[None]:
    """`tesseract --version` is asked once per process: ask it again in each test."""
    ocr.tesseract_version.cache_clear()
    yield
    ocr.tesseract_version.cache_clear()


@pytest.mark.usefixtures("fresh_tesseract_answer")
def test_about_names_every_version(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    text = open_about(window)
    with Archive.create(tmp_path / "new.xarchive") as archive:
        schema = archive.db.execute("PRAGMA user_version").fetchone()[0]
    assert f"xarchive {xarchive.__version__}" in text
    assert f"Archive format\nschema {schema}" in text
    assert f"Search index format\nschema {INDEX_SCHEMA_VERSION}" in text
    assert f"Qt\n{qVersion()}" in text
    assert f"PySide6\n{PySide6.__version__}" in text
    assert f"Whoosh\n{metadata.version('whoosh3')}" in text
    assert f"Tesseract OCR\n{tesseract_says()}" in text


@pytest.mark.usefixtures("fresh_tesseract_answer")
def test_about_says_when_tesseract_is_not_installed(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without tesseract
    assert "Tesseract OCR\nnot installed" in open_about(window)


@pytest.mark.usefixtures("fresh_tesseract_answer")
def test_the_dialog_opens_before_tesseract_answers(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tesseract slow to answer (a busy machine) neither holds the dialog nor the window."""
    slow = tmp_path / "tesseract"
    slow.write_text("#!/bin/sh\nsleep 3\necho tesseract 9.9.9\n", encoding="utf-8")
    slow.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    dialog = AboutDialog(window)
    qtbot.addWidget(dialog)
    assert "Tesseract OCR\nchecking…" in dialog.text.toPlainText()
    qtbot.waitUntil(lambda: "Tesseract OCR\n9.9.9" in dialog.text.toPlainText(), timeout=20_000)
