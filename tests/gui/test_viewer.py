"""Opening hits: a PDF on the hit's page, an Urdu article right-to-left, an image, details."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, Qt, QUrl
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow
from xarchive.gui.views import pdf as pdf_view
from xarchive.gui.views.safe_browser import SafeTextBrowser


def search(qtbot: QtBot, window: MainWindow, text: str, *filters: Filter) -> None:
    with qtbot.waitSignal(window.search_finished):
        window.search_bar.set_query(text, list(filters))


def open_row(qtbot: QtBot, window: MainWindow, row: int) -> None:
    index = window.model.index(row, 0)
    rect = window.results.visualRect(index)
    qtbot.mouseClick(window.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.viewer.item is not None)


def test_a_pdf_hit_opens_on_the_page_with_the_hit(qtbot: QtBot, opened: MainWindow) -> None:
    search(qtbot, opened, '"national security"', Filter("kind", "document"))
    row = next(
        r
        for r in range(opened.model.rowCount())
        if (h := opened.model.hit(r)) and h.snippet is not None and h.snippet.page > 1
    )
    hit = opened.model.hit(row)
    assert hit is not None and hit.snippet is not None
    open_row(qtbot, opened, row)
    viewer = opened.viewer
    assert viewer.stack.currentWidget() is viewer.pdf
    qtbot.waitUntil(lambda: viewer.pdf.current_page() == hit.snippet.page)  # type: ignore[union-attr]
    assert viewer.pdf.page_box.value() == hit.snippet.page
    assert viewer.pdf.page_count() == hit.item.page_count
    listed = [
        viewer.pdf.hits_list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(viewer.pdf.hits_list.count())
    ]
    assert hit.snippet.page in listed
    assert viewer.pdf.find_field.text().lower() == "national security"
    if pdf_view.HAVE_QTPDF:
        assert viewer.pdf.stack.currentWidget() is viewer.pdf.view
        qtbot.waitUntil(lambda: viewer.pdf.result_label.text() != "")
    viewer.pdf.next_page()
    assert viewer.pdf.current_page() == min(hit.snippet.page + 1, hit.item.page_count)


@pytest.mark.skipif(not pdf_view.HAVE_QTPDF, reason="the pages need QtPdf")
@pytest.mark.parametrize("width", [1280, 740])
def test_the_pdf_toolbar_shows_its_match_count_on_a_laptop(
    qtbot: QtBot, opened: MainWindow, width: int
) -> None:
    """At 1280×720 the count read "1 of 3 matc": the bar now makes room for it, down to
    the narrowest window that keeps results and viewer side by side."""
    opened.resize(width, 720)
    opened.window_layout.fit_to_window()
    search(qtbot, opened, '"national security"', Filter("kind", "document"))
    open_row(qtbot, opened, 0)
    pdf = opened.viewer.pdf
    qtbot.waitUntil(lambda: "match" in pdf.result_label.toolTip())
    label, bar = pdf.result_label, pdf.toolbar
    qtbot.waitUntil(lambda: label.geometry().right() < bar.width())
    assert label.width() >= label.sizeHint().width()  # the whole of its text
    assert pdf.find_field.width() >= pdf_view.FIND_FIELD_MIN_WIDTH // 2
    count = label.toolTip()
    assert label.text() in (count, count.replace(" of ", "/").split(" match")[0])
    assert label.accessibleName() == count


@pytest.mark.skipif(not pdf_view.HAVE_QTPDF, reason="the pages need QtPdf")
def test_the_pdf_zoom_level_says_what_the_page_is_fit_to(qtbot: QtBot, opened: MainWindow) -> None:
    """Fit to the width, QPdfView reports no zoom factor: the label stood empty between
    the zoom buttons."""
    opened.resize(1920, 1080)
    search(qtbot, opened, '"national security"', Filter("kind", "document"))
    open_row(qtbot, opened, 0)
    pdf = opened.viewer.pdf
    qtbot.waitUntil(lambda: pdf.zoom_label.isVisible())
    assert pdf.zoom_label.text() == "Width"
    pdf.zoom_in()
    assert pdf.zoom_label.text().endswith("%") and pdf.zoom_label.text() != "100%"
    pdf.fit_page()
    assert pdf.zoom_label.text() == "Page"
    assert pdf.zoom_label.accessibleName() == "Zoomed to fit the whole page"


def test_an_urdu_article_reads_right_to_left(qtbot: QtBot, opened: MainWindow) -> None:
    search(qtbot, opened, "پابندی", Filter("kind", "article"), Filter("language", "ur"))
    assert opened.model.total >= 1
    open_row(qtbot, opened, 0)
    text = opened.viewer.text
    assert opened.viewer.stack.currentWidget() is text
    assert text.used_sanitized_html
    assert text.rtl_paragraphs >= 1
    document = text.browser.document()
    block = document.begin()
    urdu_blocks = []
    while block.isValid():
        if "پابندی" in block.text():
            urdu_blocks.append(block)
        block = block.next()
    assert urdu_blocks
    for block in urdu_blocks:
        assert block.blockFormat().layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert block.textDirection() == Qt.LayoutDirection.RightToLeft
        layout = block.layout()
        last = layout.lineAt(layout.lineCount() - 1)
        rect = last.naturalTextRect()
        # Laid out from the right: the last line ends at the right edge, any gap is on the left.
        assert abs(rect.right() - (last.x() + last.width())) <= 3
        if rect.width() < last.width() - 20:
            assert rect.left() > last.x() + 10
    assert any("پابندی" in c.selectedText() for c in text.matches)


def test_an_image_shows_its_thumbnail_then_the_full_image(qtbot: QtBot, opened: MainWindow) -> None:
    search(qtbot, opened, "", Filter("kind", "image"))
    open_row(qtbot, opened, 0)
    image = opened.viewer.image
    assert opened.viewer.stack.currentWidget() is image
    qtbot.waitUntil(lambda: image.full_loaded, timeout=5000)
    item = opened.viewer.item
    assert item is not None
    assert (image.image_size.width(), image.image_size.height()) == (
        item.extra["width"],
        item.extra["height"],
    )
    before = image.canvas.zoom
    image.zoom_in()
    assert image.canvas.zoom > before
    image.canvas.set_zoom(1.0)
    assert abs(image.canvas.zoom - 1.0) < 1e-6
    image.canvas.fit_to_window()
    assert image.canvas.fit


def test_details_show_dates_hash_and_provenance(qtbot: QtBot, opened: MainWindow) -> None:
    search(qtbot, opened, '"national security"', Filter("kind", "article"))
    open_row(qtbot, opened, 0)
    item = opened.viewer.item
    assert item is not None
    details = opened.viewer.details.text()
    for expected in (
        item.sha256,
        item.published_at,
        item.imported_at,
        item.source_url,
        item.original_name,
        "Provenance",
        "Import run",
    ):
        assert expected in details
    # The source URL is text, not a link that could be opened by a click.
    assert "<a " not in opened.viewer.details.browser.toHtml().lower()


def test_archived_pages_load_nothing_from_outside(qtbot: QtBot) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    browser.setHtml(
        '<p>x</p><img src="https://tracker.example/p.gif"><a href="https://e.example">l</a>'
    )
    browser.resize(300, 200)
    browser.show()
    qtbot.waitExposed(browser)
    assert any("tracker.example" in url for url in browser.refused)
    clicked: list[QUrl] = []
    browser.link_clicked.connect(clicked.append)
    browser.setSource(QUrl("https://e.example"))
    assert clicked == [QUrl("https://e.example")]
    assert browser.source().isEmpty()


def test_every_searched_word_is_marked_on_the_pdf_page(qtbot: QtBot, opened: MainWindow) -> None:
    if not pdf_view.HAVE_QTPDF:
        pytest.skip("QtPdf is not installed")
    search(qtbot, opened, "blocking OR ministry", Filter("kind", "document"))
    open_row(qtbot, opened, 0)
    pdf = opened.viewer.pdf
    layer = opened.annotate.pdf
    qtbot.waitUntil(lambda: pdf.document.status() == QPdfDocument.Status.Ready)
    words = {w.lower() for w in pdf.words}
    # both words (as written on the pages: "blocked", "block"…), not only the longest
    assert "ministry" in words and any(w.startswith("block") for w in words)
    page = pdf.current_page() - 1
    text = layer.page_text(page).lower()
    expected = sum(text.count(w) for w in words)
    assert text.count("ministry") and expected > text.count("ministry")
    assert len(layer.word_marks(page)) >= expected


@pytest.mark.skipif(not pdf_view.HAVE_QTPDF, reason="the pages need QtPdf")
def test_a_pdf_match_is_marked_one_box_a_line(qtbot: QtBot, opened: MainWindow) -> None:
    """QtPdf gives a match a box a glyph: outlined one by one, the current match was a row
    of small boxes over its letters ("national security" could not be read)."""
    from xarchive.gui.annotate.pdf_layer import line_rects

    search(qtbot, opened, '"national security"', Filter("kind", "document"))
    open_row(qtbot, opened, 0)
    pdf = opened.viewer.pdf
    qtbot.waitUntil(lambda: bool(pdf.find_results), timeout=5000)
    one_line = next(
        r for r in pdf.find_results if len(r.rects) > 1 and r.rects[0].top() == r.rects[-1].top()
    )
    [box] = line_rects(one_line.rects)
    assert all(box.contains(r) for r in one_line.rects)
    # a match over two lines keeps two boxes, each a line's
    first, second = QRectF(0, 0, 10, 10), QRectF(12, 1, 10, 9)
    below = QRectF(0, 14, 30, 10)
    assert line_rects([below, second, first]) == [first.united(second), below]
