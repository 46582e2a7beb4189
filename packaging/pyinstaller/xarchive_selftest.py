"""`xarchive --self-test FOLDER`: the built program shows it works on this machine, then quits.

What a person does on first start, without a person: the window opens on the demo
archive (building it from the sample documents when it is not there yet) and shows
the first search's results; a born-digital PDF of the demo is shown, its text as
the import stored it checked against PDFium's (pypdfium2) in this program; the
demo's video is shown with the poster frame its import wrote (PyAV) and played
until Qt Multimedia draws a frame; FOLDER is imported with the window's own import
job; a search for WORD (`--word`, default: the words of the first file in FOLDER
that has any) finds what was imported. Each step prints one line; the exit code is 0
when all passed, 1 when one failed, 3 when a dialog asked something (its words
are printed), 4 on time-out. Runs offscreen when QT_QPA_PLATFORM says so; nothing
of the user's is touched when XARCHIVE_DATA_DIR points elsewhere (packaging/check
does both). Only in the frozen program (packaging/pyinstaller/xarchive_main.py),
not in the `xarchive` of a clone.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

STARTED = time.monotonic()


def say(*words: object) -> None:
    print(f"self-test {time.monotonic() - STARTED:6.1f}s", *words, flush=True)


def _first_word(folder: Path) -> str:
    for path in sorted(folder.rglob("*.txt")):
        words = [
            w for w in path.read_text(encoding="utf-8", errors="replace").split() if w.isalpha()
        ]
        if words:
            return max(words, key=len)
    raise SystemExit(f"self-test: no .txt file with words in {folder}; give --word")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="xarchive --self-test", description=__doc__.split("\n")[0]
    )
    parser.add_argument("folder", type=Path, help="a folder of files to import")
    parser.add_argument("--word", help="what to search for after the import")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before giving up")
    args = parser.parse_args(argv)
    folder = args.folder.absolute()
    word = args.word or _first_word(folder)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    import xarchive
    from xarchive.core.offline import forbid_network
    from xarchive.gui import app as gui_app
    from xarchive.gui import settings as cfg
    from xarchive.gui.dialogs.import_report import ImportReportDialog
    from xarchive.gui.dialogs.progress import JobProgressDialog

    forbid_network()
    say("xarchive", xarchive.__version__, "from", sys.executable)
    qapp = gui_app.create_app()
    settings_dir = tempfile.mkdtemp(prefix="xarchive-self-test-")
    settings = cfg.UserSettings(Path(settings_dir) / "settings.ini")
    window: Any = None
    state: dict[str, Any] = {"stage": "demo", "code": None}

    def finish(code: int, *why: object) -> None:
        if state["code"] is not None:
            return
        state["code"] = code
        if why:
            say("FAILED" if code else "passed", *why)
        if window is not None:
            window.shutdown()
        qapp.exit(code)

    def watch_dialogs() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or isinstance(dialog, JobProgressDialog | ImportReportDialog):
            return
        words = [dialog.windowTitle(), *(label.text() for label in dialog.findChildren(QLabel))]
        finish(3, "a dialog asked:", " / ".join(w for w in words if w)[:400])

    def start_import() -> None:
        state["stage"] = "import"
        say("importing", folder)
        if window.start_import([folder]) is None:
            finish(1, "the import could not start")

    def searched(results: object) -> None:
        model = window.model
        if state["stage"] == "demo":
            if results is None or model.rowCount() == 0:
                finish(1, "the demo archive's first search showed nothing")
                return
            say("demo archive open:", window.session.name, f"— {model.total} results shown")
            state["stage"] = "media"
            problem = _check_pdf(window)
            if problem:
                finish(1, problem)
                return
            _play_video(window, lambda problem: finish(1, problem) if problem else start_import())
        elif state["stage"] == "search":
            if results is None or model.total == 0:
                finish(1, f"searching {word!r} after the import found nothing")
                return
            say(f"search {word!r}: {model.total} results")
            finish(0, "the app opened the demo, imported a folder and found it")

    def job_ended(ended: object) -> None:
        title, outcome = ended  # type: ignore[misc]
        if state["stage"] != "import" or title != "Importing":
            return
        imported = len(outcome.imported)
        say(f"import {outcome.status}: {imported} imported, {len(outcome.failed)} failed")
        report = getattr(window, "report_dialog", None)
        if report is not None:
            report.close()
        if not imported and not outcome.skipped:
            finish(1, "the import brought nothing in", outcome.failed)
            return
        state["stage"] = "search"
        window.search_bar.set_query(word)
        window.search_bar.search_now()

    watch = QTimer()
    watch.timeout.connect(watch_dialogs)
    watch.start(200)
    QTimer.singleShot(int(args.timeout * 1000), lambda: finish(4, f"no end after {args.timeout} s"))

    window = gui_app.start([], settings)  # no archive named: the demo, as on a first start
    window.search_finished.connect(searched)
    window.job_ended.connect(job_ended)
    say("window shown on", os.environ.get("QT_QPA_PLATFORM", "the default platform"))
    code = qapp.exec()
    return int(state["code"] if state["code"] is not None else code)


def _items(window: Any, query: str) -> list[Any]:
    return [hit.item for hit in window.session.search(query, limit=50, facets=False).hits]


def _words(text: str) -> list[str]:
    return "".join(c if c.isprintable() else " " for c in text).split()


def _check_pdf(window: Any) -> str:
    """A born-digital PDF of the demo: its text as stored by the import (in the program's
    own workers) is PDFium's text of the file, read here again; "" when it is."""
    import pypdfium2 as pdfium

    session = window.session
    for item in _items(window, "kind:document"):
        pages = session.pages(item.id)
        if not pages or any(page.from_ocr for page in pages) or not pages[0].text.strip():
            continue  # a scan, read by OCR
        document = pdfium.PdfDocument(session.original_path(item))
        try:
            textpage = document[0].get_textpage()
            read = textpage.get_text_range()
            textpage.close()
        finally:
            document.close()
        stored, pdfium_words = _words(pages[0].text)[:40], _words(read)[:40]
        if not stored or stored != pdfium_words:
            return f"the PDF {item.title!r}: stored {stored[:8]}, PDFium reads {pdfium_words[:8]}"
        window.viewer.show_item(session, item.id)
        if window.viewer.stack.currentWidget() is not window.viewer.pdf:
            return f"the PDF {item.title!r} is not shown in the PDF viewer"
        say(f"PDF {item.title!r}: {len(pages)} pages, text read with PDFium, shown")
        return ""
    return "no born-digital PDF with text in the demo archive"


def _play_video(window: Any, done: Any) -> None:
    """The demo's video: shown with the poster frame the import wrote with PyAV, then
    played until a frame is drawn; done(problem), problem "" when it played."""
    from PySide6.QtCore import QTimer

    from xarchive.gui.views import video as video_view

    videos = _items(window, "kind:video")
    if not videos:
        done("no video in the demo archive")
        return
    item = videos[0]
    extra = item.extra if isinstance(item.extra, dict) else {}
    if not extra.get("duration") or not (extra.get("poster") or extra.get("thumbnail")):
        done(f"the video {item.title!r} has no duration or poster frame: {extra}")
        return
    window.viewer.show_item(window.session, item.id)
    player = window.viewer.video
    if window.viewer.stack.currentWidget() is not player or player.poster.source.isNull():
        done(f"the video {item.title!r} is not shown with its poster frame")
        return
    problem = video_view.playback_problem()
    if problem:
        done(f"videos cannot be played: {problem}")
        return
    player.play()
    waited = {"ticks": 0}
    timer = QTimer(window)

    def tick() -> None:
        waited["ticks"] += 1
        if player.frames_shown > 0:
            timer.stop()
            say(f"video {item.title!r}: poster frame, {extra['duration']} s, played "
                f"({player.frames_shown} frames drawn)")  # fmt: skip
            player.stop()
            done("")
        elif player.message.isVisible() or waited["ticks"] > 600:  # a minute
            timer.stop()
            done(f"the video {item.title!r} did not play: {player.message.text() or 'no frame'}")

    timer.timeout.connect(tick)
    timer.start(100)
