"""The app on an archive, reporting when its results are shown: bench/run.py's hook into the GUI.

    .venv/bin/python bench/app_driver.py ARCHIVE --settings FILE [--scroll-seconds 120]
                                         [--screenshot PNG]
    .venv/bin/python bench/app_driver.py --bare

Starts xarchive the way `xarchive ARCHIVE` does (it imports `xarchive.cli`, then does
what `xarchive.gui.app.main` does: the application, the main window on the archive,
the event loop) and watches the window: once the first search's results are in the
results list and the event loop has painted them, it prints `shown`. Then it does
what a user does next — scrolls the whole result list to its end (page by page, as
the list fetches them), opens the timeline and waits for its day counts (the facets
came with the results) — and prints the peak RSS, and quits.

`--bare` is the peer: a bare PySide6 window with a 20-row table, shown and painted.

Lines on stdout (times are seconds since this process started, as Linux counts it):

    shown SECONDS RSS_MB
    scrolled ROWS TOTAL SECONDS_SPENT     (ROWS < TOTAL when --scroll-seconds ran out)
    timeline DAYS
    peak RSS_MB
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def since_start() -> float:
    """Seconds since this process was started (from /proc, so interpreter start-up counts)."""
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/self/stat") as f:
        started = int(f.read().rsplit(")", 1)[1].split()[19]) / ticks
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - started


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    return _status_mb("VmRSS:")


def peak_mb() -> float:
    """The peak RSS of this program. Not getrusage's ru_maxrss: Linux carries that over
    from the parent across fork and exec (a benchmark of 300 MB would be every child's
    floor); VmHWM belongs to this process's own memory."""
    return _status_mb("VmHWM:")


def say(*words: object) -> None:
    print(*words, flush=True)


def bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    model = QStandardItemModel(20, 4)
    for row in range(20):
        for column in range(4):
            model.setItem(row, column, QStandardItem(f"result {row} / {column}"))
    view = QTableView()
    view.setModel(model)
    window.setCentralWidget(view)
    window.resize(1280, 800)
    window.show()

    def shown() -> None:
        say("shown", f"{since_start():.3f}", f"{rss_mb():.1f}")
        say("scrolled", 20, 20, "0")
        say("timeline", 0)
        say("peak", f"{peak_mb():.1f}")
        app.quit()

    QTimer.singleShot(0, shown)
    return int(app.exec())


def _give_up_on_dialog(qapp: object) -> None:
    from PySide6.QtWidgets import QApplication, QLabel

    dialog = QApplication.activeModalWidget()
    if dialog is None:
        return
    words = [dialog.windowTitle(), *(label.text() for label in dialog.findChildren(QLabel))]
    say("failed", "a dialog asked:", " / ".join(w for w in words if w)[:300])
    os._exit(3)


def app(archive: Path, settings_file: Path, scroll_seconds: float, shot: Path | None) -> int:
    # in the order the `xarchive` command imports them: the order matters (gui/app.py)
    import xarchive.cli  # noqa: F401
    from xarchive.core.offline import forbid_network
    from xarchive.gui import app as gui_app
    from xarchive.gui import settings as cfg

    # isort: split
    from PySide6.QtCore import QModelIndex, QTimer

    forbid_network()
    qapp = gui_app.create_app()
    # A dialog (an index to rebuild, a locked archive…) would wait for a person: say
    # what it asks and stop, rather than hang. Its loop runs this timer too.
    watch = QTimer()
    watch.timeout.connect(lambda: _give_up_on_dialog(qapp))
    watch.start(200)
    settings = cfg.UserSettings(settings_file)
    window = gui_app.start([str(archive)], settings)
    model = window.model
    view = window.results
    state = {"scroll_started": 0.0, "stage": "first"}

    def finish() -> None:
        say("peak", f"{peak_mb():.1f}")
        window.shutdown()
        qapp.quit()

    def days_arrived(days: object, events: object = None) -> None:
        original_set_days(days, events)  # type: ignore[arg-type]
        if state["stage"] == "timeline":
            state["stage"] = "done"
            say("timeline", len(days))  # type: ignore[arg-type]
            QTimer.singleShot(0, finish)

    original_set_days = window.timeline.set_days
    window.timeline.set_days = days_arrived  # type: ignore[method-assign]

    def open_timeline() -> None:
        state["stage"] = "timeline"
        if window.timeline.isVisible():
            window.timeline.stale = True
            window.timeline.hide()
        window.timeline.show()

    def scroll() -> None:
        spent = time.monotonic() - float(state["scroll_started"])
        if not model.canFetchMore() or spent > scroll_seconds:
            say("scrolled", model.rowCount(), model.total, f"{spent:.2f}")
            state["stage"] = "scrolled"
            QTimer.singleShot(0, open_timeline)
            return
        view.scrollToBottom()
        model.fetchMore(QModelIndex())

    model.fetched.connect(lambda _rows: QTimer.singleShot(0, scroll))

    def painted() -> None:
        say("shown", f"{since_start():.3f}", f"{rss_mb():.1f}")
        if shot is not None:
            window.grab().save(str(shot))
        state["stage"] = "scrolling"
        state["scroll_started"] = time.monotonic()
        scroll()

    def search_finished(results: object) -> None:
        if state["stage"] != "first":
            return
        if results is None or model.rowCount() == 0:
            say("failed", "the first search showed nothing")
            finish()
            return
        state["stage"] = "painting"
        view.viewport().repaint()  # the rows are painted before we say they are shown
        QTimer.singleShot(0, painted)

    window.search_finished.connect(search_finished)
    try:
        return int(qapp.exec())
    finally:
        window.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path, nargs="?")
    parser.add_argument("--settings", type=Path, help="the user settings file (a fresh one)")
    parser.add_argument("--bare", action="store_true", help="a bare PySide6 window (the peer)")
    parser.add_argument("--scroll-seconds", type=float, default=120.0)
    parser.add_argument("--screenshot", type=Path, help="save the window when results are shown")
    args = parser.parse_args()
    if args.bare:
        return bare()
    if args.archive is None or args.settings is None:
        parser.error("give ARCHIVE and --settings (or --bare)")
    return app(args.archive.absolute(), args.settings, args.scroll_seconds, args.screenshot)


if __name__ == "__main__":
    sys.exit(main())
