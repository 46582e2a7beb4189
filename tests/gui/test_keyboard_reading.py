"""Reading and marking without a mouse (issue 12, "every action reachable by keyboard"):
the timeline's span, words selected and highlighted on a PDF page and on a screenshot,
region notes drawn, moved, sized and deleted, all from the keys."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from xarchive.core.demo_annotations import MOI_REPLY, REPLY_PHOTOS
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow
from xarchive.gui.views import pdf as pdf_view

from .test_annotate_gui import core, open_named

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def test_the_timeline_narrows_the_search_from_the_keys(qtbot: QtBot, opened: MainWindow) -> None:
    opened.timeline.show()
    opened.timeline.set_bucket("week")
    chart = opened.timeline.chart
    qtbot.waitUntil(lambda: bool(chart.slots))
    slots = chart.slots
    first = next(i for i, s in enumerate(slots) if s.start == date(2024, 2, 12))
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    for _ in range(first):
        qtbot.keyClick(chart, Qt.Key.Key_Right)
    assert chart.cursor_slot == first
    assert chart.accessibleDescription().startswith("Week of 12 Feb 2024: ")
    qtbot.keyClick(chart, Qt.Key.Key_Right, SHIFT)
    assert "taking in 12 Feb 2024 – " in chart.accessibleDescription()
    with qtbot.waitSignal(opened.search_finished):
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    last = slots[first + 1].last_day.isoformat()
    assert opened.search_bar.filters == [Filter("date", f"2024-02-12..{last}")]
    assert opened.model.total == slots[first].count + slots[first + 1].count


@pytest.mark.skipif(not pdf_view.HAVE_QTPDF, reason="the pages need QtPdf")
def test_words_on_a_pdf_page_are_selected_highlighted_and_boxed_from_the_keys(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    moi = open_named(qtbot, annotated, MOI_REPLY, "document")
    pdf, layer = annotated.viewer.pdf, annotated.annotate.pdf
    assert layer is not None
    qtbot.waitUntil(lambda: pdf.document.status().name == "Ready")
    pdf.set_search("national security")
    qtbot.waitUntil(lambda: bool(pdf.find_results), timeout=5000)
    page = pdf.find_results[0].page
    pdf.go_to_page(page + 1)
    qtbot.waitUntil(lambda: pdf.current_page() == page + 1)
    view = pdf.view
    view.setFocus()
    # The first Shift+→ takes the current match, the next one the word after it.
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    selected = layer.selection()
    assert selected is not None and selected[1].exact.lower() == "national security"
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    selected = layer.selection()
    assert selected is not None and selected[0] == page + 1
    taken = selected[1].exact
    assert taken.lower().startswith("national security ") and len(taken.split()) == 3
    assert layer.selection_bounds  # drawn on the page
    before = {h.uid for h in core(annotated).of_item(moi).highlights}
    annotated.annotate.highlight_action.trigger()  # Ctrl+H
    [made] = [h for h in core(annotated).of_item(moi).highlights if h.uid not in before]
    assert made.span is not None and made.span.exact == taken and made.span.page == page + 1

    # Region mode (Ctrl+Shift+R), Enter: a region on the page; Ctrl+arrows move it,
    # Ctrl+Shift+arrows size it, Delete takes it away.
    annotated.actions["draw-regions"].trigger()
    old = {r.uid for r in core(annotated).of_item(moi).regions}
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    [region] = [r for r in core(annotated).of_item(moi).regions if r.uid not in old]
    box = region.box
    assert box is not None and box.page == pdf.current_page()
    annotated.actions["draw-regions"].trigger()
    layer.selected_uid = region.uid  # as choosing it in the Annotations panel does
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Down, CTRL | SHIFT)
    moved = core(annotated).get(region.uid).box
    assert moved is not None and moved.x > box.x and moved.h > box.h
    assert abs(moved.y - box.y) < 0.01 and abs(moved.w - box.w) < 0.01
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert region.uid not in {r.uid for r in core(annotated).of_item(moi).regions}


def test_words_of_a_screenshot_and_its_regions_from_the_keys(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    photos = open_named(qtbot, annotated, REPLY_PHOTOS, "image")
    image = annotated.viewer.image
    qtbot.waitUntil(lambda: image.full_loaded, timeout=5000)
    assert image.ocr_words
    word = next(w.text for w in image.ocr_words if len(w.text) > 4 and w.text.isalpha())
    image.set_search(word)
    canvas = image.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Right, SHIFT)
    assert image.selected is not None
    first, last = image.selected
    assert first == last and image.ocr_words[first].text == word
    qtbot.keyClick(canvas, Qt.Key.Key_Right, SHIFT)
    assert image.selected == (first, first + 1)
    before = {h.uid for h in core(annotated).of_item(photos).highlights}
    annotated.annotate.highlight_action.trigger()
    [made] = [h for h in core(annotated).of_item(photos).highlights if h.uid not in before]
    assert made.span is not None and made.span.exact.startswith(word)

    annotated.actions["draw-regions"].trigger()
    old = {r.uid for r in core(annotated).of_item(photos).regions}
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    [region] = [r for r in core(annotated).of_item(photos).regions if r.uid not in old]
    annotated.actions["draw-regions"].trigger()
    box = region.box
    assert box is not None and box.w > 0 and box.h > 0
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Left, CTRL)
    qtbot.keyClick(canvas, Qt.Key.Key_Right, CTRL | SHIFT)
    moved = core(annotated).get(region.uid).box
    assert moved is not None and moved.x < box.x and moved.w > box.w
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert region.uid not in {r.uid for r in core(annotated).of_item(photos).regions}
