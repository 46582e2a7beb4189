"""Room to read: a results list that stays readable, reading mode, a layout per screen size."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout
from PySide6.QtWidgets import QDockWidget, QTabBar, QToolButton
from pytestqt.qtbot import QtBot

from xarchive.core.importing import ImportOptions
from xarchive.gui import settings as cfg
from xarchive.gui.filters import Filter
from xarchive.gui.layout import RESULTS_MIN_WIDTH
from xarchive.gui.main_window import MainWindow
from xarchive.gui.views import pdf as pdf_view
from xarchive.gui.widgets.results_view import card_title


def open_row(qtbot: QtBot, window: MainWindow, row: int) -> None:
    window.results.setCurrentIndex(window.model.index(row, 0))
    item = window.model.hit(row).item  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.viewer.item is not None and window.viewer.item.id == item.id)


def visible_docks(window: MainWindow) -> set[str]:
    return {d.objectName() for d in window.findChildren(QDockWidget) if d.isVisible()}


def test_long_file_names_never_squeeze_the_results_list(qtbot: QtBot, opened: MainWindow) -> None:
    """Issue 12, item 4: opening an item with a long file name pushed the list to 140 px."""
    opened.resize(1280, 720)
    names = {
        row: len(hit.item.original_name) + len(hit.item.title)
        for row in range(opened.model.rowCount())
        if (hit := opened.model.hit(row)) is not None
    }
    longest = sorted(names, key=names.__getitem__, reverse=True)[:4]
    for row in longest:
        open_row(qtbot, opened, row)
        qtbot.wait(20)  # a layout pass
        assert opened.splitter.sizes()[0] >= RESULTS_MIN_WIDTH
        assert opened.results.width() >= RESULTS_MIN_WIDTH - 2
    # The SHA-256 wraps in the details rather than hiding its end behind a scroll bar.
    details = opened.viewer.details.browser
    assert opened.viewer.item is not None
    assert opened.viewer.item.sha256 in details.toPlainText().replace("\u2028", "")
    assert details.horizontalScrollBar().maximum() == 0


def test_dragging_the_splitter_stops_at_a_readable_results_list(opened: MainWindow) -> None:
    opened.splitter.setSizes([40, 2000])
    assert opened.splitter.sizes()[0] >= RESULTS_MIN_WIDTH


def test_urdu_titles_lose_their_end_not_their_beginning() -> None:
    """An elided Urdu title showed its ellipsis at the right: where an Urdu reader starts."""
    metrics = QFontMetrics(QFont())
    heading = "پاکستان میں ایکس پر پابندی: عدالت نے وزارت داخلہ سے جواب طلب کر لیا"
    text, option = card_title(heading, metrics, 160)
    assert text.endswith("…") and text != heading
    layout = QTextLayout(text, QFont())
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(400)
    layout.endLayout()
    ellipsis_x = line.cursorToX(len(text) - 1)[0]
    first_x = line.cursorToX(0)[0]
    assert ellipsis_x < first_x  # the ellipsis is at the left, the first word at the right
    assert option.alignment() & Qt.AlignmentFlag.AlignRight
    english, english_option = card_title("Interior Ministry confirms X ban " * 4, metrics, 160)
    assert english.endswith("…")
    assert english_option.alignment() & Qt.AlignmentFlag.AlignLeft


def test_f11_gives_the_viewer_the_window_and_escape_gives_it_back(
    qtbot: QtBot, opened: MainWindow
) -> None:
    open_row(qtbot, opened, 0)
    opened.window_layout.set_details(True)  # at 1280×800 they start folded
    qtbot.waitUntil(lambda: opened.viewer.details.height() > 0)
    before = visible_docks(opened)
    assert before
    widths = {d.objectName(): d.width() for d in opened.findChildren(QDockWidget)}
    results_width = opened.results.width()
    qtbot.keyClick(opened, Qt.Key.Key_F11)
    assert opened.window_layout.reading and opened.actions["reading-mode"].isChecked()
    assert visible_docks(opened) == set()
    assert not opened.results.isVisible()
    qtbot.waitUntil(lambda: opened.viewer.width() > opened.width() - 40)
    # Another result (Alt+Down) keeps the details folded away.
    qtbot.keyClick(opened, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: opened.viewer.item is not None)
    assert opened.viewer.details.height() == 0 or not opened.viewer.details.isVisible()
    qtbot.keyClick(opened.viewer, Qt.Key.Key_Escape)
    assert not opened.window_layout.reading and not opened.actions["reading-mode"].isChecked()
    assert visible_docks(opened) == before
    assert opened.results.isVisible() and opened.viewer.details.height() > 0
    # Each panel is back at its width, the results list too.
    qtbot.waitUntil(lambda: opened.results.width() == results_width)
    for dock in (opened.facets, opened.saved, opened.annotate.annotations_dock):
        assert abs(dock.width() - widths[dock.objectName()]) <= 2, dock.objectName()


def _tab_bars(window: MainWindow) -> list[list[str]]:
    """The tabs of each tab bar of the window's docks that is on screen."""
    bars = window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return sorted(
        [b.tabText(i) for i in range(b.count())]
        for b in bars
        if b.isVisible() and window.rect().intersects(b.geometry())
    )


def test_leaving_reading_mode_leaves_one_tab_bar_per_group_of_panels(
    qtbot: QtBot, opened: MainWindow
) -> None:
    """Links and Suggestions share a place: back from reading mode they had a second,
    stale tab bar left over the timeline."""
    opened.resize(1440, 900)
    opened.window_layout.fit_to_window()
    qtbot.waitUntil(lambda: ["Links", "Suggestions"] in _tab_bars(opened))
    before = _tab_bars(opened)
    for _ in range(2):
        qtbot.keyClick(opened, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: not opened.results.isVisible())
        qtbot.keyClick(opened, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: opened.results.isVisible() and opened.facets.isVisible())
    opened.timeline.show()
    qtbot.waitUntil(lambda: opened.timeline.isVisible())
    assert _tab_bars(opened) == before
    assert not [b for b in opened.findChildren(QTabBar) if b.isVisible() and b.count() == 0]


def test_the_reading_mode_button_beside_the_search_field(qtbot: QtBot, opened: MainWindow) -> None:
    buttons = [
        b
        for b in opened.search_bar.findChildren(QToolButton)
        if b.defaultAction() is opened.actions["reading-mode"]
    ]
    assert len(buttons) == 1 and buttons[0].accessibleName()
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert opened.window_layout.reading
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert not opened.window_layout.reading


def new_window(qtbot: QtBot, settings: cfg.UserSettings, width: int, height: int) -> MainWindow:
    w = MainWindow(settings, ImportOptions(workers=0))
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.window_layout.defaults_pending)  # made for the window's size
    qtbot.wait(20)
    return w


def test_a_laptop_screen_gets_a_layout_made_for_it(
    qtbot: QtBot, user_settings: cfg.UserSettings, tmp_path: Path
) -> None:
    small = new_window(qtbot, user_settings, 1280, 720)
    assert not small.timeline.isVisible()  # a quarter of a 720 px window
    assert small.splitter.sizes()[0] >= RESULTS_MIN_WIDTH
    assert small.viewer.width() >= 420
    small.close()
    large = new_window(qtbot, cfg.UserSettings(tmp_path / "other.ini"), 1920, 1080)
    assert large.timeline.isVisible()
    assert large.splitter.sizes()[0] >= RESULTS_MIN_WIDTH
    large.close()


def test_the_layout_is_remembered_per_screen_size(
    qtbot: QtBot, user_settings: cfg.UserSettings
) -> None:
    window = new_window(qtbot, user_settings, 1440, 900)
    layout = window.window_layout
    laptop = layout.key
    window.saved.hide()
    window.splitter.setSizes([520, 700])
    qtbot.wait(20)
    results_width = window.splitter.sizes()[0]
    # Moved to a monitor of another size: a layout of its own, the laptop's kept.
    layout.use_screen("1920x1080")
    assert window.saved.isVisible()
    window.timeline.hide()
    layout.use_screen(laptop)
    assert not window.saved.isVisible()
    assert window.timeline.isVisible() == (window.height() >= 860)
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == results_width)
    window.close()  # saves
    assert not user_settings.get(cfg.for_screen(cfg.WINDOW_STATE, laptop)).isEmpty()
    assert not user_settings.get(cfg.for_screen(cfg.WINDOW_STATE, "1920x1080")).isEmpty()
    again = new_window(qtbot, user_settings, 1440, 900)
    assert not again.saved.isVisible()
    qtbot.waitUntil(lambda: again.splitter.sizes()[0] == results_width)
    again.close()


def test_a_narrow_window_folds_the_side_panels_away_and_back(
    qtbot: QtBot, opened: MainWindow, user_settings: cfg.UserSettings
) -> None:
    opened.resize(1280, 760)
    qtbot.waitUntil(lambda: "facetsDock" in visible_docks(opened))
    sides = {"facetsDock", "savedSearchesDock", "annotationsDock", "linksDock"}
    assert sides <= visible_docks(opened)
    opened.resize(780, 560)  # half of a small screen
    qtbot.waitUntil(lambda: opened.width() == 780)
    assert not sides & visible_docks(opened)
    qtbot.waitUntil(lambda: opened.splitter.sizes()[0] >= RESULTS_MIN_WIDTH)
    open_row(qtbot, opened, 0)
    assert opened.viewer.width() > 400
    opened.close()  # remembered narrow, panels folded…
    again = MainWindow(user_settings, ImportOptions(workers=0))
    qtbot.addWidget(again)
    again.show()
    assert again.width() == 780 and not sides & visible_docks(again)
    again.resize(1280, 760)  # …and they come back when there is room
    qtbot.waitUntil(lambda: sides <= visible_docks(again))
    again.close()


def test_reading_mode_keeps_the_page_being_read(qtbot: QtBot, opened: MainWindow) -> None:
    rows = [
        r
        for r in range(opened.model.rowCount())
        if (h := opened.model.hit(r)) is not None and h.item.kind == "document"
    ]
    open_row(qtbot, opened, rows[0])
    pdf = opened.viewer.pdf
    qtbot.waitUntil(lambda: pdf.page_count() > 1)
    qtbot.wait(50)
    pdf.go_to_page(2)
    qtbot.waitUntil(lambda: pdf.current_page() == 2, timeout=2000)
    qtbot.keyClick(opened, Qt.Key.Key_F11)
    qtbot.wait(50)  # the view is laid out again at its new width
    assert pdf.current_page() == 2
    qtbot.keyClick(opened.viewer, Qt.Key.Key_Escape)
    qtbot.wait(50)
    assert pdf.current_page() == 2


def test_opening_a_pdf_leaves_the_panels_where_they_were(qtbot: QtBot, opened: MainWindow) -> None:
    """The PDF's tools are the viewer's widest: were they its minimum, opening a PDF
    squeezed the panels beside it and moved the page it had just opened on."""
    opened.resize(1280, 720)
    kinds = {}
    for row in range(opened.model.rowCount()):
        hit = opened.model.hit(row)
        if hit is not None:
            kinds.setdefault(hit.item.kind, row)
    open_row(qtbot, opened, kinds["post"])
    qtbot.wait(50)
    before = (
        opened.facets.width(),
        opened.annotate.annotations_dock.width(),
        opened.results.width(),
    )
    open_row(qtbot, opened, kinds["document"])
    qtbot.wait(50)
    after = (
        opened.facets.width(),
        opened.annotate.annotations_dock.width(),
        opened.results.width(),
    )
    assert after == before


@pytest.mark.skipif(not pdf_view.HAVE_QTPDF, reason="the pages need QtPdf")
def test_a_pdf_page_keeps_room_to_be_read_on_a_laptop(qtbot: QtBot, opened: MainWindow) -> None:
    """At 1280×720 the matching pages beside a PDF left its page 345 px, its text a few
    pixels high: in a narrow viewer they fold to a strip that says how many there are,
    and open again on demand; in a wide one they are open."""
    pdf = opened.viewer.pdf

    def open_pdf() -> None:
        with qtbot.waitSignal(opened.search_finished):
            opened.search_bar.set_query('"national security"', [Filter("kind", "document")])
        open_row(qtbot, opened, 0)
        qtbot.waitUntil(lambda: pdf.hits_list.count() > 0 and pdf.page_count() > 1)

    opened.resize(1920, 1080)
    opened.window_layout.fit_to_window()
    open_pdf()
    qtbot.waitUntil(lambda: pdf.hits_list.isVisible())
    qtbot.waitUntil(lambda: pdf.hits_list.width() >= pdf_view.HITS_WIDTH - 20)
    assert not pdf.hits_count.isVisible()

    opened.resize(1280, 720)
    opened.window_layout.fit_to_window()
    qtbot.waitUntil(lambda: not pdf.hits_list.isVisible())
    qtbot.waitUntil(lambda: pdf.view.width() >= pdf_view.PAGE_READABLE_WIDTH)
    assert pdf.hits_count.isVisible() and pdf.hits_count.text() == str(pdf.hits_list.count())
    assert pdf.hits_fold.accessibleName().startswith("Show the matching pages")
    assert pdf.hits_panel.width() < 40

    # Asked for, they open beside the page, and a click on one goes to its page.
    qtbot.mouseClick(pdf.hits_fold, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pdf.hits_list.isVisible() and pdf.hits_list.width() >= 120)
    assert pdf.view.width() >= pdf_view.PAGE_MIN_WIDTH
    entry = pdf.hits_list.item(pdf.hits_list.count() - 1)
    wanted = int(entry.data(Qt.ItemDataRole.UserRole))
    pdf.go_to_page(1 if wanted != 1 else 2)
    rect = pdf.hits_list.visualItemRect(entry)
    qtbot.mouseClick(pdf.hits_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: pdf.current_page() == wanted)
    # The choice holds for the next document, until it is folded again.
    open_pdf()
    assert pdf.hits_list.isVisible()
    qtbot.mouseClick(pdf.hits_fold, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not pdf.hits_list.isVisible())
    qtbot.waitUntil(lambda: pdf.view.width() >= pdf_view.PAGE_READABLE_WIDTH)


@pytest.mark.skipif(not pdf_view.HAVE_QTPDF, reason="the pages need QtPdf")
def test_at_1280_by_720_a_pdf_page_has_the_viewer_s_height(
    qtbot: QtBot, user_settings: cfg.UserSettings, archive_copy: Path, dialogs: object
) -> None:
    """At 1280×720 the details under the item took 120 px of a PDF page's 330: in a low
    window they start folded, View ▸ Item Details unfolds them, and the choice is kept."""
    window = new_window(qtbot, user_settings, 1280, 720)
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(archive_copy)
    with qtbot.waitSignal(window.search_finished):
        window.search_bar.set_query('"national security"', [Filter("kind", "document")])
    open_row(qtbot, window, 0)
    pdf = window.viewer.pdf
    qtbot.waitUntil(lambda: pdf.page_count() > 1)
    page = pdf.view.viewport()
    qtbot.waitUntil(lambda: page.height() >= 440)
    assert page.width() >= 480
    assert window.viewer.details.height() == 0
    details = window.actions["show-details"]
    assert not details.isChecked()
    details.trigger()  # View ▸ Item Details
    qtbot.waitUntil(lambda: window.viewer.details.height() >= 120)
    assert details.isChecked() and page.height() < 440
    details.trigger()
    qtbot.waitUntil(lambda: window.viewer.details.height() == 0)
    qtbot.waitUntil(lambda: page.height() >= 440)
    # Another item keeps them folded; dragged open by the splitter's handle, they are shown.
    open_row(qtbot, window, 0)
    assert window.viewer.details.height() == 0
    window.viewer.splitter.moveSplitter(window.viewer.splitter.height() - 150, 1)
    qtbot.waitUntil(lambda: details.isChecked())
    window.close()  # remembered for this screen size
    again = new_window(qtbot, user_settings, 1280, 720)
    assert not again.window_layout.details_folded and again.actions["show-details"].isChecked()
    again.close()
    # A full-HD screen has the room: the details are shown there from the start.
    large = new_window(qtbot, cfg.UserSettings(archive_copy.parent / "hd.ini"), 1920, 1080)
    assert not large.window_layout.details_folded
    large.close()
