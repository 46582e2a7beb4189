"""Scanned pages and screenshots searchable on the page (issue 12, items 6 and 7).

The demo's scanned court order has no text layer: its words come from OCR with
their boxes. Find in Document counts, marks and steps through them; searched
words are marked there; words are selected with the mouse and highlighted as
on a born-digital page. The current match is translucent, outlined, the word
still readable under it.
"""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from xarchive.core.annotate import Annotations
from xarchive.core.demo_annotations import MOI_REPLY
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow
from xarchive.gui.views import pdf as pdf_view

from .test_annotate_gui import item_id, open_named, search

SCAN = "2024-04-17_sindh_high_court_order_scanned.pdf"

pytestmark = [
    pytest.mark.skipif(not pdf_view.HAVE_QTPDF, reason="QtPdf is not installed"),
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract"),
]


def _open(qtbot: QtBot, app: MainWindow, name: str) -> pdf_view.PdfViewer:
    open_named(qtbot, app, name, "document")
    pdf = app.viewer.pdf
    qtbot.waitUntil(lambda: pdf.document.status() == QPdfDocument.Status.Ready)
    return pdf


def _find(qtbot: QtBot, pdf: pdf_view.PdfViewer, text: str) -> None:
    pdf.find_field.clear()
    qtbot.keyClicks(pdf.find_field, text)
    qtbot.keyClick(pdf.find_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pdf.result_label.text() not in ("", "Searching…"), timeout=5000)


def test_find_in_a_scanned_pdf_counts_marks_and_steps(qtbot: QtBot, annotated: MainWindow) -> None:
    pdf = _open(qtbot, annotated, SCAN)
    layer = annotated.annotate.pdf
    assert layer is not None
    assert pdf.scanned(0) and pdf.scanned(1)
    _find(qtbot, pdf, "Telecommunication Authority")
    count = len(pdf.find_results)
    assert count >= 1
    # said in full (the bar may show it short, "1/3", when it is narrow)
    said = pdf.result_label.accessibleName()
    assert said.endswith(f"{count} match" + ("" if count == 1 else "es"))
    pdf._step_result(1)
    assert pdf.result_label.accessibleName().startswith("1 of ")
    result = pdf.find_results[pdf.current_result]
    size = pdf.document.pagePointSize(result.page)
    page_box = QRectF(0, 0, size.width(), size.height())
    assert result.rects and all(page_box.contains(r) for r in result.rects)
    # where the boxes are, the page's OCR text says those words
    text = layer.page_text(result.page)
    assert "Telecommunication Authority" in " ".join(text.split())

    _find(qtbot, pdf, "no such words anywhere")
    assert pdf.result_label.text() == "Not found"
    assert pdf.find_results == []


def test_searched_words_are_marked_on_a_scanned_page(qtbot: QtBot, annotated: MainWindow) -> None:
    pdf = _open(qtbot, annotated, SCAN)
    layer = annotated.annotate.pdf
    assert layer is not None
    pdf.words = ["Pakistan"]
    layer._word_marks.clear()
    text = layer.page_text(0)
    assert text.count("Pakistan") >= 2
    assert len(layer.word_marks(0)) == text.count("Pakistan")


def test_words_on_a_scanned_page_are_selected_and_highlighted(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    pdf = _open(qtbot, annotated, SCAN)
    layer = annotated.annotate.pdf
    assert layer is not None
    item = annotated.viewer.item
    assert item is not None
    page = 0
    words = pdf.ocr_words[page + 1]
    wanted = ["Pakistan", "Telecommunication", "Authority"]
    first = next(
        i
        for i in range(len(words) - 2)
        if [w.text.strip("().,") for w in words[i : i + 3]] == wanted
    )
    size = pdf.document.pagePointSize(page)

    def centre(index: int, side: float) -> QPointF:
        word = words[index]
        return QPointF(
            (word.x + side * word.w) * size.width(), (word.y + word.h / 2) * size.height()
        )

    viewport = pdf.view.viewport()
    pdf.go_to_page(1)
    a = layer.to_view(page, centre(first, 0.1)).toPoint()
    b = layer.to_view(page, centre(first + 2, 0.9)).toPoint()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)
    selected = layer.selection()
    assert selected is not None and selected[0] == 1
    assert selected[1].exact.strip("().,") == "Pakistan Telecommunication Authority"
    assert len(layer.selection_bounds) == 1  # one line, one mark
    before = {h.uid for h in Annotations(annotated.session.archive).of_item(item.id).highlights}  # type: ignore[union-attr]
    annotated.annotate.highlight_action.trigger()
    stored = Annotations(annotated.session.archive).of_item(item.id).highlights  # type: ignore[union-attr]
    [made] = [h for h in stored if h.uid not in before]
    assert made.span is not None and made.span.page == 1
    assert "Pakistan Telecommunication Authority" in made.span.exact
    assert made.uid in layer.highlights
    _, polygons, _ = layer.highlights[made.uid]
    box = polygons[0].boundingRect()
    word = words[first]
    assert abs(box.left() - word.x * size.width()) < 2
    assert abs(box.top() - word.y * size.height()) < 4


def test_the_current_match_leaves_the_word_readable(qtbot: QtBot, annotated: MainWindow) -> None:
    pdf = _open(qtbot, annotated, MOI_REPLY)
    layer = annotated.annotate.pdf
    assert layer is not None
    assert pdf.view.searchModel() is None  # QPdfView's opaque box is not drawn
    pdf.view.setZoomMode(pdf.view.ZoomMode.Custom)
    pdf.view.setZoomFactor(2.0)  # big enough to look inside the mark
    _find(qtbot, pdf, "Ministry")
    pdf._step_result(1)
    result = pdf.find_results[pdf.current_result]
    qtbot.waitUntil(lambda: pdf.current_page() == result.page + 1)
    rect = layer.view_rect(result.page, result.rects[0]).toRect()
    assert not rect.isEmpty() and pdf.view.viewport().rect().contains(rect)

    def inside() -> list[QColor]:
        picture = pdf.view.viewport().grab().toImage()
        return [
            QColor(picture.pixel(x, y))
            for x in range(rect.left() + 3, rect.right() - 2)
            for y in range(rect.top() + 3, rect.bottom() - 2)
        ]

    # The letters show dark through the mark (once QPdfView has rendered the page;
    # an opaque box never lets them), and the mark tints the paper around them.
    qtbot.waitUntil(lambda: min(c.lightness() for c in inside()) < 90, timeout=5000)
    assert any(c.lightness() > 150 and c.red() > c.blue() + 20 for c in inside())
    picture = pdf.view.viewport().grab().toImage()
    border = [QColor(picture.pixel(rect.left() - d, rect.center().y())) for d in range(1, 6)]
    assert any(c.red() > 150 and c.green() < 120 and c.blue() < 100 for c in border)  # outline


URDU_SHOT = "2024-02-17_urdu_khabar_demo_x_band.png"


def test_a_screenshot_marks_its_hits_and_finds_words_on_the_picture(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    search(qtbot, annotated, "پاکستان", Filter("kind", "image"))
    wanted = item_id(annotated, URDU_SHOT)
    row = annotated.model.row_of_item(wanted)
    assert row >= 0
    annotated.results.setCurrentIndex(annotated.model.index(row, 0))
    qtbot.waitUntil(
        lambda: annotated.viewer.item is not None and annotated.viewer.item.id == wanted
    )
    image = annotated.viewer.image
    assert image.ocr_words, "the screenshot's words were kept with their boxes"
    # the searched word is marked where OCR read it, inside the picture
    assert image.marks.searched
    for box in image.marks.searched:
        assert QRectF(0, 0, 1, 1).contains(box)

    image.find_field.clear()
    qtbot.keyClicks(image.find_field, "urdu_khabar_demo")
    qtbot.keyClick(image.find_field, Qt.Key.Key_Return)
    assert image.result_label.text() == "1 of 1"
    [boxes] = image.marks.found
    word = next(w for w in image.ocr_words if "urdu_khabar_demo" in w.text)
    assert abs(boxes[0].x() - word.x) < 1e-6

    image.set_search("no such words")
    assert image.result_label.text() == "Not found"

    # the OCR text on demand, Urdu right to left
    qtbot.mouseClick(image.ocr_button, Qt.MouseButton.LeftButton)
    assert image.ocr_pane.isVisible()
    document = image.ocr_pane.browser.document()
    assert "پاکستان" in document.toPlainText()
    block = document.begin()
    directions = []
    while block.isValid():
        if block.text().strip():
            directions.append((block.text()[:12], block.blockFormat().layoutDirection()))
        block = block.next()
    assert any(d == Qt.LayoutDirection.RightToLeft for _, d in directions)
    assert any(d == Qt.LayoutDirection.LeftToRight for _, d in directions)


def test_a_scanned_pdf_opened_after_a_born_digital_one_is_searched_on_its_words(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    """Opening the scan reset the find of the PDF before it, while that one was still
    loaded: its text layer was taken for the scan's, and Find said "Not found"."""
    moi = _open(qtbot, annotated, MOI_REPLY)
    _find(qtbot, moi, "national security")
    pdf = _open(qtbot, annotated, SCAN)
    assert pdf.scanned(0) and pdf.scanned(1)
    _find(qtbot, pdf, "Telecommunication Authority")
    assert pdf.find_results and pdf.result_label.text() != "Not found"


def test_the_ocr_text_of_a_scanned_page_shows_on_demand(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    pdf = _open(qtbot, annotated, SCAN)
    assert pdf.ocr_button.isEnabled()
    pdf.ocr_button.click()
    assert pdf.ocr_pane.isVisible()
    assert "HIGH COURT OF SINDH" in pdf.ocr_pane.browser.toPlainText()
    pdf.go_to_page(2)
    assert "page 2" in pdf.ocr_pane.title.text()
    # Closed and opened again on page 2, in a 1280-wide window: the page stays the one
    # read (it went back to page 1), and keeps room beside the pane.
    pdf.ocr_button.click()
    qtbot.waitUntil(lambda: not pdf.ocr_pane.isVisible())
    qtbot.waitUntil(lambda: pdf.current_page() == 2)
    wide = pdf.view.width()
    pdf.ocr_button.click()
    qtbot.waitUntil(lambda: pdf.view.width() < wide)  # laid out again beside the pane
    qtbot.waitUntil(lambda: pdf.current_page() == 2)
    assert "page 2" in pdf.ocr_pane.title.text()
    assert pdf.view.width() > pdf.ocr_pane.width()


def test_the_matching_pages_step_aside_for_the_ocr_text_and_come_back(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    search(qtbot, annotated, "court order", Filter("kind", "document"))
    row = annotated.model.row_of_item(item_id(annotated, SCAN))
    annotated.results.setCurrentIndex(annotated.model.index(row, 0))
    pdf = annotated.viewer.pdf
    qtbot.waitUntil(lambda: pdf.hits_list.count() == 2 and pdf.splitter.sizes()[0] > 0)
    hits = pdf.splitter.sizes()[0]
    pdf.ocr_button.click()
    # in a 1280-wide window the page keeps the room, wider than the pane beside it
    qtbot.waitUntil(lambda: pdf.ocr_pane.isVisible() and pdf.splitter.sizes()[0] == 0)
    assert pdf.view.width() > pdf.ocr_pane.width()
    pdf.ocr_button.click()
    qtbot.waitUntil(lambda: not pdf.ocr_pane.isVisible())
    assert abs(pdf.splitter.sizes()[0] - hits) <= 2  # as they were
    moi = _open(qtbot, annotated, MOI_REPLY)  # born digital: nothing was OCRed
    assert not moi.ocr_button.isEnabled() and not moi.ocr_pane.isVisible()


def test_words_on_a_screenshot_are_selected_and_highlighted(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    search(qtbot, annotated, "", Filter("kind", "image"))
    wanted = item_id(annotated, URDU_SHOT)
    annotated.results.setCurrentIndex(annotated.model.index(annotated.model.row_of_item(wanted), 0))
    qtbot.waitUntil(
        lambda: annotated.viewer.item is not None and annotated.viewer.item.id == wanted
    )
    image = annotated.viewer.image
    qtbot.waitUntil(lambda: image.full_loaded)
    words = image.ocr_words
    first = next(
        i
        for i in range(len(words) - 2)
        if words[i].line == words[i + 2].line and len(words[i].text) > 2
        and "\u0600" <= words[i].text[0] <= "\u06ff"
    )  # fmt: skip
    area = image._pixmap_item.sceneBoundingRect()

    def point(index: int) -> QPoint:
        word = words[index]
        scene = QPointF(
            area.x() + (word.x + word.w / 2) * area.width(),
            area.y() + (word.y + word.h / 2) * area.height(),
        )
        return image.canvas.mapFromScene(scene)

    viewport = image.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=point(first))
    qtbot.mouseMove(viewport, point(first + 2))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=point(first + 2))
    assert image.selected == (first, first + 2)
    expected = " ".join(w.text for w in words[first : first + 3])
    text, start, end = image.selected_span()  # type: ignore[misc]
    assert text[start:end] == expected
    assert annotated.session is not None
    before = {h.uid for h in Annotations(annotated.session.archive).of_item(wanted).highlights}
    annotated.annotate.highlight_action.trigger()
    stored = Annotations(annotated.session.archive).of_item(wanted).highlights
    [made] = [h for h in stored if h.uid not in before]
    assert made.span is not None and " ".join(made.span.exact.split()) == expected
    annotated.annotate.refresh_viewer()
    [(boxes, _colour)] = image.marks.highlights
    line = QRectF()
    for i in range(first, first + 3):
        line = line.united(QRectF(words[i].x, words[i].y, words[i].w, words[i].h))
    assert boxes == [line]  # drawn on those words, on the picture
    assert image.selected is None
