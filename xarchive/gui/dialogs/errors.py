"""Dialogs that say what happened and offer the fix; and the handler for unexpected errors."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ...core.paths import log_exception, log_path
from ..messages import FIX_LABELS, Problem

log = logging.getLogger(__name__)


def ask(parent: QWidget | None, problem: Problem) -> str | None:
    """Show `problem` modally; return the fix the user chose, or None.

    Tests replace this function to answer without a modal loop.
    """
    box = QMessageBox(parent)
    box.setWindowTitle(problem.title)
    box.setIcon(
        {
            "error": QMessageBox.Icon.Critical,
            "info": QMessageBox.Icon.Information,
        }.get(problem.severity, QMessageBox.Icon.Warning)
    )
    box.setText(f"<b>{_escape(problem.title)}</b>")
    box.setInformativeText(
        _escape(problem.text) + ("<br><br>" + _escape(problem.advice) if problem.advice else "")
    )
    if problem.details:
        box.setDetailedText(problem.details)
    buttons = {}
    for fix in problem.fixes:
        buttons[box.addButton(FIX_LABELS.get(fix, fix), QMessageBox.ButtonRole.AcceptRole)] = fix
    close = box.addButton(
        QMessageBox.StandardButton.Cancel if problem.fixes else QMessageBox.StandardButton.Ok
    )
    box.setDefaultButton(next(iter(buttons), close))  # type: ignore[arg-type]
    box.exec()
    return buttons.get(box.clickedButton())


def open_log_folder(parent: QWidget | None) -> bool:
    """Help ▸ Open Log Folder: the folder of the log that error dialogs name, in the file
    manager. Where none opens it, say where it is. Returns whether it was opened."""
    folder = log_path().parent
    folder.mkdir(parents=True, exist_ok=True)
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    ask(
        parent,
        Problem(
            "The log folder could not be opened",
            f"No file manager opened {folder}.",
            f"The log is the file {log_path().name} in that folder: open it with any text editor.",
            severity="info",
        ),
    )
    return False


def _escape(text: str) -> str:
    import html

    return html.escape(text).replace("\n", "<br>")


class UnexpectedErrorHandler:
    """sys.excepthook for the app: log the traceback, show a short dialog with the log's path."""

    def __init__(self) -> None:
        self._showing = False

    def install(self) -> None:
        sys.excepthook = self

    def __call__(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        path = log_exception(exc)
        log.error("unexpected error, logged to %s", path)
        if self._showing or QApplication.instance() is None:
            return  # one dialog at a time; the log has them all
        self._showing = True
        try:
            ask(
                QApplication.activeWindow(),
                Problem(
                    "Something went wrong",
                    f"xarchive ran into an unexpected problem ({exc_type.__name__}). "
                    "Your archive is safe: every change is committed whole or not at all.",
                    f"The details were written to {path}. Please include that file "
                    "when you report the problem.",
                    severity="error",
                ),
            )
        finally:
            self._showing = False
