"""Screenshots of the app's main views, taken under Xvfb, for review and documentation.

    .venv/bin/python scripts/screenshots.py [--out screenshots/] [--data-dir DIR] [--size 1280x720]

Starts itself again under `xvfb-run` when there is no display, builds the demo
archive in the user's data folder if it is not there yet (or in --data-dir),
works on a temporary copy of it (the import shot changes the archive), and
writes one PNG per view: search results, a PDF on its hit page, an Urdu article,
an image, a web page as captured with a highlight made on it, its extracted text, an
e-mail with To and Cc among the filters, the timeline, the import report, a query error,
a post card in its thread, a video playing and then marked sensitive (blurred in its card, the
viewer and its post), posts as evidence (badges on cards, the details, the versions with
their differences, the captures, an account, the timeline's marks), a PDF with marks and
annotations, the link graph, reading mode, the search syntax, the tour and the dark theme;
the Urdu article in each face of View ▸ Urdu Font, a scanned PDF with its hits marked and
its OCR text pane, and the window laid out for 1280×720, 1440×900 and 1920×1080 screens.
Your own settings are not touched: the window uses a throw-away settings file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCREEN = (1600, 1000)
#: The screen sizes the window is laid out for, as on a first start on such a screen.
LAYOUTS = ((1280, 720), (1440, 900), (1920, 1080))


def _ensure_display(argv: list[str]) -> None:
    """Re-run this script under xvfb-run when there is no X display to draw on."""
    if os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return
    if os.environ.get("XARCHIVE_SCREENSHOTS_CHILD"):
        sys.exit("screenshots: no display even under xvfb-run")
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        # No Xvfb: Qt's offscreen platform draws the same widgets without a server.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    env = dict(os.environ, XARCHIVE_SCREENSHOTS_CHILD="1")
    # Room for the largest layout; the other shots are taken of SCREEN's corner.
    width = max(SCREEN[0], *(w for w, _ in LAYOUTS))
    height = max(SCREEN[1], *(h for _, h in LAYOUTS))
    screen = f"-screen 0 {width}x{height}x24 -dpi 96"
    command = [xvfb_run, "-a", "-s", screen, sys.executable, __file__, *argv]
    sys.exit(subprocess.call(command, env=env))


def main(argv: list[str]) -> int:
    global SCREEN
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=REPO / "screenshots", help="folder for the PNGs"
    )
    parser.add_argument("--data-dir", type=Path, help="xarchive data folder (default: the user's)")
    parser.add_argument(
        "--size", default="x".join(map(str, SCREEN)), help="screen size, e.g. 1280x720"
    )
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    SCREEN = (int(width), int(height))
    _ensure_display(argv)
    if args.data_dir:
        os.environ["XARCHIVE_DATA_DIR"] = str(args.data_dir.absolute())
    os.environ.setdefault("QT_SCALE_FACTOR", "1")

    # Imported here: the re-run under Xvfb must happen before Qt is loaded.
    from xarchive.core.demo import ensure_demo_archive
    from xarchive.core.offline import forbid_network
    from xarchive.core.paths import demo_archive_dir

    forbid_network()
    demo = demo_archive_dir()
    if not (demo / "archive.sqlite").is_file():
        print(f"screenshots: building the demo archive in {demo} (once)…", flush=True)
        ensure_demo_archive()
    with tempfile.TemporaryDirectory(prefix="xarchive-shots-") as tmp:
        work = Path(tmp)
        archive = work / "Demo - Pakistan X block.xarchive"
        shutil.copytree(demo, archive, ignore=shutil.ignore_patterns("archive.lock"))
        return _shoot(archive, work, args.out.absolute())


def _shoot(archive: Path, work: Path, out: Path) -> int:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QWidget

    from xarchive.core.demo import DEMO_QUERY
    from xarchive.gui import app as gui_app
    from xarchive.gui import settings as cfg
    from xarchive.gui.filters import Filter
    from xarchive.gui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    qapp = gui_app.create_app()
    settings = cfg.UserSettings(work / "settings.ini")
    settings.set(cfg.THEME, "light")
    window: MainWindow = gui_app.start([str(archive)], settings)
    window.move(0, 0)
    window.resize(*SCREEN)
    window.timeline.hide()
    taken: list[Path] = []

    def settle(condition: Callable[[], bool] = lambda: True, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            qapp.processEvents()
            if condition():
                break
            time.sleep(0.02)
        end = time.monotonic() + 0.3  # let deferred layouts and repaints run
        while time.monotonic() < end:
            qapp.processEvents()
            time.sleep(0.01)

    def shot(name: str, widget: QWidget | None = None) -> None:
        settle()
        target = widget or window
        path = out / f"{name}.png"
        screen = qapp.primaryScreen()
        if (
            widget is None
            and screen is not None
            and os.environ.get("QT_QPA_PLATFORM") != "offscreen"
        ):
            pixmap = screen.grabWindow(0, 0, 0, SCREEN[0], SCREEN[1])
        else:
            pixmap = target.grab()
        pixmap.save(str(path))
        taken.append(path)
        print(f"screenshots: {path}", flush=True)

    def search(text: str, *filters: Filter) -> None:
        window.search_bar.set_query(text, list(filters))
        window.search_bar.search_now()
        settle(lambda: not window.model.searching)

    def open_row(row: int) -> None:
        window.results.setCurrentIndex(window.model.index(row, 0))
        settle(lambda: window.viewer.item is not None)

    def center(dialog: QWidget) -> None:
        x = (SCREEN[0] - dialog.width()) // 2
        y = (SCREEN[1] - dialog.height()) // 3
        dialog.move(QPoint(x, y))

    settle(lambda: window.session is not None)

    # 1. Search results with a query, the best hit open.
    search(DEMO_QUERY)
    open_row(0)
    shot("01-search-results")

    # 2. A PDF on the page of its hit.
    search('"national security"', Filter("kind", "document"))
    row = next(
        (r for r in range(window.model.rowCount())
         if (h := window.model.hit(r)) and h.snippet is not None and h.snippet.page > 1),
        0,
    )  # fmt: skip
    open_row(row)
    settle(lambda: window.viewer.pdf.result_label.text() != "", timeout=5)
    shot("02-pdf-hit-page")

    # 2b. The same page in reading mode (F11): the viewer has the window.
    window.window_layout.set_reading(True)
    settle()
    shot("02b-reading-mode")
    window.window_layout.set_reading(False)

    # 3. An Urdu article, right to left.
    search("پابندی", Filter("kind", "article"), Filter("language", "ur"))
    open_row(0)
    shot("03-urdu-article")

    # 3b. The same article in each face of View ▸ Urdu Font, the reader's body only.
    from xarchive.gui import fonts

    for key in fonts.URDU_FACES:
        window.urdu_font.choose(key)
        settle()
        shot(f"03{'bcd'[list(fonts.URDU_FACES).index(key)]}-urdu-article-{key}", window.viewer)
    window.urdu_font.choose("")

    # 4. An image (a screenshot of a post).
    search("ministry", Filter("kind", "image"))
    if window.model.rowCount() == 0:
        search("", Filter("kind", "image"))
    open_row(0)
    settle(lambda: window.viewer.image.full_loaded, timeout=10)
    shot("04-image")

    # 4b. A web page as captured (the demo's WACZ): its own picture and style, the searched
    # words marked, a highlight made on the page itself; 4c. its extracted text, the same
    # highlight; 4d. an e-mail with its court notice attached, To and Cc among the filters.
    search('"lawful directives"', Filter("source", "margalla-times.example"))
    open_row(0)
    page = window.viewer.captured.browser
    words = page.document().find("misuse of the service")
    if not words.isNull():
        page.setTextCursor(words)
        window.annotate.highlight()
    shot("04b-archived-page")
    window.viewer.capture_bar.switch.click()
    shot("04c-archived-page-text")
    window.viewer.capture_bar.switch.click()
    search("", Filter("kind", "message"))
    open_row(0)
    shot("04d-message")

    # 5. The timeline of everything, by week.
    window.timeline.show()
    window.timeline.set_bucket("week")
    search("")
    window.resizeDocks([window.timeline], [300], Qt.Orientation.Vertical)
    open_row(0)
    shot("05-timeline")
    window.timeline.hide()

    # 6. The report of an import: imported, skipped (already there), failed.
    incoming = work / "incoming"
    incoming.mkdir()
    (incoming / "call-log-2024-02-19.txt").write_text(
        "Calls with the PTA helpline about X, 19 February 2024.", encoding="utf-8"
    )
    (incoming / "meeting-notes.md").write_text(
        "# Meeting with the lawyers\n\nPetition strategy for the Islamabad High Court.",
        encoding="utf-8",
    )
    sample_note = REPO / "sample_archive" / "notes" / "researcher_timeline_x_block_pakistan.txt"
    shutil.copy(sample_note, incoming / "timeline-copy.txt")  # already archived: skipped
    (incoming / "scan-damaged.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 16)
    job = window.start_import([incoming])
    if job is not None:
        settle(lambda: job.done and window.report_dialog is not None, timeout=60)
    dialog = window.report_dialog
    if dialog is not None:
        dialog.tabs.setCurrentIndex(0)
        center(dialog)
        settle()
        shot("06-import-report")
        dialog.tabs.setCurrentWidget(dialog.lists["failed"])
        shot("06b-import-report-failed")
        dialog.close()

    # 7. A query that does not parse says where.
    window.search_bar.field.setText('court AND ("blocking OR ban')
    window.search_bar.search_now()
    shot("07-query-error")

    # 9. A post as a card, in its thread, with its suggested links.
    search("is:reply", Filter("account", "demo_reporter"))
    open_row(0)
    window.suggestions.raise_()
    shot("09-post-thread")

    # 14. A video of a post, played: its frames where the poster was, the controls below.
    search("", Filter("kind", "video"))
    if window.model.rowCount():
        open_row(0)
        player = window.viewer.video
        player.play()
        settle(lambda: player.position_ms > 1500, timeout=8)
        player.pause()
        shot("14-video-player")

        # 15. The same video marked sensitive, as a reviewer does (Annotate ▸ Mark as
        # Sensitive): its result card and the viewer blurred until clicked.
        window.actions["mark-sensitive"].trigger()
        settle(lambda: window.viewer.covered)
        shot("15-sensitive-blurred")
        search("", Filter("kind", "post"), Filter("has", "media"))
        row = next(
            (r for r in range(window.model.rowCount())
             if (h := window.model.hit(r)) and "screen recording" in h.item.title.lower()),
            0,
        )  # fmt: skip
        open_row(row)
        shot("15b-sensitive-post-card")

    # 16. Posts as evidence: the badges of results and of the post card (withheld in PK,
    # captured twice), and the details pane's section on what the platform did.
    def evidence_post(query: str, start: str = "") -> None:
        search(query, Filter("kind", "post"))
        row = next(
            (r for r in range(window.model.rowCount())
             if (h := window.model.hit(r)) and h.item.title.split(": ", 1)[-1].startswith(start)),
            0,
        )  # fmt: skip
        open_row(row)

    def evidence_view(tab: str, name: str) -> None:
        dialog = window.viewer.post.show_evidence(tab)
        if dialog is None:
            return
        dialog.resize(760, 720)
        center(dialog)
        settle(lambda: dialog.ready)  # read off the GUI thread, then drawn
        shot(name)
        dialog.close()

    evidence_post("is:withheld OR is:deleted OR is:edited")
    evidence_post("is:withheld OR is:deleted OR is:edited", "The ministry's reply confirms")
    details = window.viewer.details.browser
    found = details.document().find("As evidence")
    if not found.isNull():  # the section at the top of the pane
        bar = details.verticalScrollBar()
        bar.setValue(bar.value() + details.cursorRect(found).top() - 6)
    shot("16-evidence-badges")
    # 17. Its captures: each with its date, file and record, and what changed between them.
    evidence_view("captures", "17-post-captures")
    # 18. An edited post: both versions, the words changed struck through and underlined.
    evidence_post("is:edited", "The Sindh High Court")
    evidence_view("versions", "18-post-versions")
    # 19. A deleted Urdu post: its badges, and its account (Urdu name) with its posts.
    evidence_post("is:deleted", "کراچی")
    shot("19-deleted-urdu-post")
    evidence_view("account", "19b-post-account")
    evidence_view("captures", "19c-deleted-post-captures")
    # 20. The timeline marks the days of deletions, withholdings and suspensions.
    window.timeline.show()
    window.timeline.set_bucket("week")
    search("", Filter("kind", "post"))
    window.resizeDocks([window.timeline], [260], Qt.Orientation.Vertical)
    shot("20-timeline-events")
    window.timeline.hide()

    # 10. A court filing: every searched word marked, the demo's highlight and note.
    window.annotate.links_dock.raise_()
    search("blocking OR ministry", Filter("kind", "document"))
    row = next(
        (r for r in range(window.model.rowCount())
         if (h := window.model.hit(r)) and "Ministry of Interior" in h.item.title),
        0,
    )  # fmt: skip
    open_row(row)
    settle(lambda: window.viewer.pdf.document.status().name == "Ready", timeout=5)
    shot("10-pdf-words-and-highlight")

    # 10b. A scanned filing: no text layer, its hits marked on the words OCR read.
    search("court order", Filter("kind", "document"))
    row = next(
        (r for r in range(window.model.rowCount())
         if (h := window.model.hit(r)) and "scanned" in h.item.title.lower()),
        0,
    )  # fmt: skip
    open_row(row)
    pdf = window.viewer.pdf
    settle(lambda: pdf.document.status().name == "Ready" and bool(pdf.find_results), timeout=8)
    shot("10b-scanned-pdf-hits")
    # 10c. The text OCR read on that page, in its own pane.
    pdf.ocr_button.setChecked(True)
    shot("10c-ocr-text-pane")
    pdf.ocr_button.setChecked(False)

    # 11. How the evidence hangs together: the link graph of the whole archive.
    graph = window.annotate.show_graph()
    if graph is not None:
        graph.resize(1300, 850)
        center(graph)
        index = graph.scope.findData("all")
        graph.scope.setCurrentIndex(index)
        settle()
        shot("11-link-graph")
        graph.close()

    # 12. Help ▸ Search Syntax, beside the window; an example clicked runs.
    syntax = window.show_query_help()
    center(syntax)
    settle()
    shot("12-search-syntax")
    syntax.close()

    # 13. The first-run tour: its hint on the filters.
    window.tour.start()
    window.tour.go(1)
    shot("13-tour")
    window.tour.close()

    # 21. The window as laid out for a first start on a laptop, a 1440×900 and a full-HD
    # screen: the results readable, a PDF's page and tools, the timeline where it fits.
    for width, height in LAYOUTS:
        window.resize(width, height)
        settle()
        window.window_layout.fit_to_window()
        search('"national security"', Filter("kind", "document"))
        open_row(0)
        settle(lambda: bool(window.viewer.pdf.find_results), timeout=8)
        # Drawn afresh from the widgets: the screen still holds the larger window's pixels.
        shot(f"21-layout-{width}x{height}", window)
    window.resize(*SCREEN)
    window.window_layout.fit_to_window()
    window.timeline.hide()

    # 8. The dark theme.
    window.set_theme("dark")
    search('"national security"')
    open_row(0)
    shot("08-dark-theme")
    # 8b. Badges and the differences of versions in the dark theme.
    evidence_post("is:withheld OR is:deleted OR is:edited", "The Sindh High Court")
    shot("08b-dark-evidence")
    evidence_view("versions", "08c-dark-post-versions")

    window.shutdown()
    window.close()
    print(f"screenshots: {len(taken)} written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
