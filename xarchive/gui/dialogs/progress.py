"""The progress of a running job: phase, items done of total, current file, Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.jobs import Progress
from ..workers import Job

PHASES = {
    "scanning": "Looking for files…",
    "importing": "Importing",
    "indexing": "Updating the search index",
    "verifying": "Checking files",
    "exporting": "Writing the bundle",
}


class JobProgressDialog(QDialog):
    """Follows one `Job`; closes itself when the job ends. Cancel asks the job to stop."""

    def __init__(self, job: Job, parent: QWidget | None = None, cancellable: bool = True) -> None:
        super().__init__(parent)
        self.job = job
        self.setWindowTitle(job.title)
        self.setModal(True)
        self.setMinimumWidth(460)
        self.phase_label = QLabel(f"{job.title}…", self)
        self.phase_label.setStyleSheet("font-weight: 600;")
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy until the first report with a total
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("muted")
        self.current_label = QLabel("", self)
        self.current_label.setObjectName("muted")
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
        self.current_label.setMinimumWidth(420)
        buttons = QDialogButtonBox(self)
        self.cancel_button: QPushButton = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setToolTip("Stop now; what was already imported is kept")
        self.cancel_button.setEnabled(cancellable)
        self.cancel_button.clicked.connect(self.request_cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.bar)
        layout.addWidget(self.count_label)
        layout.addWidget(self.current_label)
        layout.addWidget(buttons)
        job.progress.connect(self.show_progress)
        # Signals are throttled; a poll shows the newest report even when a file
        # takes long (OCR) and no further report comes for a while.
        self._poll = QTimer(self)
        self._poll.setInterval(150)
        self._poll.timeout.connect(self._poll_latest)
        self._poll.start()
        job.finished.connect(self._ended)
        job.failed.connect(self._ended)
        self.last: Progress | None = None
        #: Shown once Cancel is pressed: what stopping keeps (a job may say otherwise).
        self.stopping_text = "Stopping… (what is done is kept)"

    def _poll_latest(self) -> None:
        latest = self.job.latest
        if latest is not None and latest is not self.last:
            self.show_progress(latest)

    def show_progress(self, progress: Progress) -> None:
        self.last = progress
        if self.job.cancelled:
            return
        self.phase_label.setText(PHASES.get(progress.phase, progress.phase.capitalize()))
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
            self.count_label.setText(f"{progress.done:,} of {progress.total:,}")
        else:
            self.bar.setRange(0, 0)
            self.count_label.setText(f"{progress.done:,} found" if progress.done else "")
        current = progress.current
        metrics = self.current_label.fontMetrics()
        self.current_label.setText(
            metrics.elidedText(current, Qt.TextElideMode.ElideMiddle, self.current_label.width())
        )

    def request_cancel(self) -> None:
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.phase_label.setText(self.stopping_text)

    def _ended(self, _: object) -> None:
        self._poll.stop()
        self.accept()

    def reject(self) -> None:
        # Escape or the window's close button: cancel the job; the dialog closes when it ends.
        if not self.job.done:
            self.request_cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.job.done:
            self.request_cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)
