"""Annotating in the app: highlight, draw regions, tag, link, undo — on the real widgets,
checked in the archive (through the core) and in what the docks and viewers show."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import item_named
from xarchive.core.annotate import Annotations
from xarchive.core.demo_annotations import (
    LEDGER_APRIL,
    MOI_REPLY,
    PETITION,
    REPLY_PHOTOS,
)
from xarchive.gui import settings as cfg
from xarchive.gui.annotate.link_picker import item_mime
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow
from xarchive.gui.views import pdf as pdf_view

from .conftest import Dialogs


@pytest.fixture
def app(annotated: MainWindow) -> MainWindow:
    return annotated


def item_id(window: MainWindow, name: str) -> int:
    assert window.session is not None
    return item_named(window.session.archive, name)


def core(window: MainWindow) -> Annotations:
    """A separate reader of the archive: what is really stored."""
    assert window.session is not None
    return Annotations(window.session.archive)


def search(qtbot: QtBot, window: MainWindow, text: str, *filters: Filter) -> None:
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        window.search_bar.set_query(text, list(filters))


def click_row(
    qtbot: QtBot,
    window: MainWindow,
    row: int,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    rect = window.results.visualRect(window.model.index(row, 0))
    qtbot.mouseClick(window.results.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def open_named(qtbot: QtBot, window: MainWindow, name: str, kind: str) -> int:
    """Find the item among the results of its kind and click it."""
    wanted = item_id(window, name)
    search(qtbot, window, "", Filter("kind", kind))
    row = window.model.row_of_item(wanted)
    assert row >= 0
    window.results.scrollTo(window.model.index(row, 0))
    click_row(qtbot, window, row)
    qtbot.waitUntil(lambda: window.viewer.item is not None and window.viewer.item.id == wanted)
    return wanted


def drop_item(target: QWidget, item_id: int) -> None:
    """Drag a result row (its item) onto `target` and drop it there; both accepted."""
    mime: QMimeData = item_mime([item_id])
    point = target.rect().center()
    enter = QDragEnterEvent(point, Qt.DropAction.LinkAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(point), Qt.DropAction.LinkAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted()


def select_in_text(window: MainWindow, words: str) -> None:
    browser = window.viewer.text.browser
    cursor = browser.document().find(words)
    assert not cursor.isNull(), words
    browser.setTextCursor(cursor)


def test_select_text_in_an_article_and_highlight_it(qtbot: QtBot, app: MainWindow) -> None:
    article = open_named(qtbot, app, LEDGER_APRIL, "article")
    ui = app.annotate
    assert app.viewer.stack.currentWidget() is app.viewer.text
    assert ui.highlight_action.shortcut().toString() == "Ctrl+H"
    # Some words of the article's text, as it is stored for the item.
    assert app.session is not None
    stored = app.session.pages(article)[0].text
    words = " ".join(stored.split()[12:18])
    select_in_text(app, words)
    ui.highlight_action.trigger()

    highlights = core(app).of_item(article).highlights
    assert len(highlights) == 1
    span = highlights[0].span
    assert span is not None and " ".join(span.exact.split()) == words
    assert stored[span.start : span.end] == span.exact  # offsets in the stored page text
    # Listed in the dock, drawn in the viewer, the selection gone.
    dock_texts = [
        ui.annotations_dock.list.item(i).text() for i in range(ui.annotations_dock.list.count())
    ]
    assert any(words in " ".join(t.split()) for t in dock_texts)
    drawn = [" ".join(s.cursor.selectedText().split()) for s in app.viewer.text.highlights]
    assert words in drawn
    assert not app.viewer.text.browser.textCursor().hasSelection()
    # Searchable at once, by the note written on it.
    ui.annotations_dock.edit_note(highlights[0].uid)
    qtbot.keyClicks(ui.annotations_dock.note_field, "quoted by the ministry")
    qtbot.mouseClick(ui.annotations_dock.save_button, Qt.MouseButton.LeftButton)
    assert core(app).of_item(article).highlights[0].note == "quoted by the ministry"
    search(qtbot, app, 'note:"quoted by the ministry"')
    assert app.model.total == 1 and app.model.hit(0).item.id == article  # type: ignore[union-attr]


def test_a_selection_outside_the_stored_text_is_refused_with_a_message(
    qtbot: QtBot, app: MainWindow, dialogs: Dialogs
) -> None:
    open_named(qtbot, app, LEDGER_APRIL, "article")
    app.viewer.text.browser.moveCursor(QTextCursor.MoveOperation.Start)
    app.annotate.highlight_action.trigger()  # nothing selected
    assert dialogs.titles == ["Nothing is selected"]


def test_highlight_with_a_note_and_a_colour(qtbot: QtBot, app: MainWindow) -> None:
    article = open_named(qtbot, app, LEDGER_APRIL, "article")
    ui = app.annotate
    assert app.session is not None
    stored = app.session.pages(article)[0].text
    words = " ".join(stored.split()[30:34])
    select_in_text(app, words)
    ui.highlight_note_action.trigger()
    dock = ui.annotations_dock
    assert dock.editor.isVisible() and dock.editing
    qtbot.keyClicks(dock.note_field, "the second source")
    dock.colour_box.setCurrentIndex(dock.colour_box.findText("Green"))
    qtbot.keyClick(dock.note_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dock.editor.isVisible()
    [highlight] = core(app).of_item(article).highlights
    assert highlight.note == "the second source" and highlight.colour == "#a5d6a7"
    assert "the second source" in dock.list.currentItem().text()


def test_draw_move_and_delete_a_region_on_an_image_at_half_size(
    qtbot: QtBot, app: MainWindow
) -> None:
    photos = open_named(qtbot, app, REPLY_PHOTOS, "image")
    image = app.viewer.image
    qtbot.waitUntil(lambda: image.full_loaded, timeout=5000)
    before = {r.uid for r in core(app).of_item(photos).regions}
    image.canvas.set_zoom(0.5)
    # An empty part of the picture (the demo's regions are lower down), in view.
    image.canvas.centerOn(QPointF(300, 70))
    viewport = image.canvas.viewport()
    start = image.canvas.mapFromScene(QPointF(100, 20))
    end = image.canvas.mapFromScene(QPointF(500, 120))
    assert viewport.rect().contains(start) and viewport.rect().contains(end)
    assert end - start == QPoint(200, 50)  # 400×100 pixels at 50%
    scene_start = image.canvas.mapToScene(start)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, start)
    qtbot.mouseMove(viewport, start + QPoint(100, 25))
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, end)

    [region] = [r for r in core(app).of_item(photos).regions if r.uid not in before]
    box = region.box
    assert box is not None and box.page is None
    # Stored in the picture's pixels, not the screen's.
    assert abs(box.x - scene_start.x()) < 1 and abs(box.y - scene_start.y()) < 1
    assert abs(box.x - 100) < 2 and abs(box.y - 20) < 2
    assert abs(box.w - 400) < 2 and abs(box.h - 100) < 2
    # Its note is asked for in the dock; the region is drawn in the picture.
    dock = app.annotate.annotations_dock
    assert dock.editing == region.uid
    qtbot.keyClicks(dock.note_field, "the reply's first page")
    qtbot.mouseClick(dock.save_button, Qt.MouseButton.LeftButton)
    assert core(app).get(region.uid).note == "the reply's first page"
    drawn = app.annotate.regions.items[region.uid]
    assert drawn.toolTip() == "the reply's first page"

    # Drag it 50 screen pixels right: 100 picture pixels.
    inside = image.canvas.mapFromScene(drawn.scene_rect().center())
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=inside)
    qtbot.mouseMove(viewport, inside + QPoint(25, 0))
    qtbot.mouseMove(viewport, inside + QPoint(50, 0))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=inside + QPoint(50, 0))
    moved = core(app).get(region.uid).box
    assert moved is not None
    assert abs(moved.x - (box.x + 100)) < 1.5 and abs(moved.w - box.w) < 0.5

    # Selected, the Delete key deletes it; undo brings it back.
    assert app.annotate.regions.items[region.uid].isSelected()
    image.canvas.setFocus()
    app.annotate.regions.items[region.uid].setFocus()
    qtbot.keyClick(viewport, Qt.Key.Key_Delete)
    assert region.uid not in {r.uid for r in core(app).of_item(photos).regions}
    assert region.uid not in app.annotate.regions.items
    app.annotate.undo_action.trigger()
    assert region.uid in {r.uid for r in core(app).of_item(photos).regions}
    assert region.uid in app.annotate.regions.items


def test_link_two_items_in_the_picker_and_see_the_backlink(qtbot: QtBot, app: MainWindow) -> None:
    petition = item_id(app, PETITION)
    article = open_named(qtbot, app, LEDGER_APRIL, "article")
    ui = app.annotate
    assert ui.link_action.shortcut().toString() == "Ctrl+K"
    ui.link_action.trigger()
    picker = ui.picker
    assert picker is not None and picker.isVisible()
    qtbot.keyClicks(picker.query, "writ petition")
    qtbot.waitUntil(lambda: any(
        picker.results.item(i).data(Qt.ItemDataRole.UserRole) == petition
        for i in range(picker.results.count())
    ))  # fmt: skip
    row = next(i for i in range(picker.results.count())
               if picker.results.item(i).data(Qt.ItemDataRole.UserRole) == petition)  # fmt: skip
    picker.results.setCurrentRow(row)
    picker.relation.setCurrentText("contradicts")
    qtbot.keyClicks(picker.note, "says the block was lawful")
    qtbot.mouseClick(
        picker.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert not picker.isVisible()

    links = core(app).of_item(article).links
    assert any(lk.relation == "contradicts" and lk.target_id == petition
               and lk.note == "says the block was lawful" for lk in links)  # fmt: skip
    outgoing = ui.links_dock.entries(outgoing=True)
    assert ("contradicts", petition) in [(r, other) for r, other, _ in outgoing]

    # A click on the link opens the petition, whose Links dock shows the backlink.
    group = ui.links_dock.outgoing
    entry = next(group.child(i) for i in range(group.childCount())
                 if group.child(i).data(0, Qt.ItemDataRole.UserRole + 1) == petition)  # fmt: skip
    tree = ui.links_dock.tree
    rect = tree.visualItemRect(entry)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: app.viewer.item is not None and app.viewer.item.id == petition)
    backlinks = ui.links_dock.entries(outgoing=False)
    assert ("contradicts", article) in [(r, other) for r, other, _ in backlinks]


def test_a_result_dropped_on_the_viewer_opens_the_picker_with_it_chosen(
    qtbot: QtBot, app: MainWindow
) -> None:
    petition = item_id(app, PETITION)
    open_named(qtbot, app, REPLY_PHOTOS, "image")
    drop_item(app.viewer.image.canvas.viewport(), petition)
    picker = app.annotate.picker
    assert picker is not None and picker.isVisible()
    assert picker.chosen() == petition
    picker.relation.setCurrentText("shows")
    picker.accept()
    assert any(lk.target_id == petition and lk.relation == "shows"
               for lk in core(app).of_item(item_id(app, REPLY_PHOTOS)).links)  # fmt: skip


def test_a_result_dropped_on_a_post_card_links_the_post(qtbot: QtBot, app: MainWindow) -> None:
    petition = item_id(app, PETITION)
    search(qtbot, app, "", Filter("kind", "post"))
    app.results.setCurrentIndex(app.model.index(0, 0))
    qtbot.waitUntil(lambda: app.viewer.post.card is not None)
    post = app.viewer.item
    card = app.viewer.post.card
    assert post is not None and post.kind == "post" and card is not None
    drop_item(card.text_view, petition)  # on the words of the post
    picker = app.annotate.picker
    assert picker is not None and picker.isVisible() and picker.chosen() == petition
    picker.relation.setCurrentText("cites")
    picker.accept()
    assert any(lk.target_id == petition and lk.relation == "cites"
               for lk in core(app).of_item(post.id).links)  # fmt: skip


def test_tag_two_selected_results_at_once_then_undo_and_redo(qtbot: QtBot, app: MainWindow) -> None:
    search(qtbot, app, "", Filter("kind", "article"))
    click_row(qtbot, app, 0)
    click_row(qtbot, app, 1, Qt.KeyboardModifier.ControlModifier)
    ids = app.annotate.selected_ids()
    assert len(ids) == 2
    app.annotate.tag_action.trigger()
    dialog = app.annotate.tag_dialog
    assert dialog is not None and dialog.isVisible()
    # Completion offers the archive's tags.
    assert "court" in dialog.editor.completions.stringList()
    qtbot.keyClicks(dialog.editor.field, "hearing")
    qtbot.keyClick(dialog.editor.field, Qt.Key.Key_Return)
    for i in ids:
        assert "hearing" in [t.name for t in core(app).of_item(i).tags]
    assert dialog.editor.chip("hearing") is not None
    assert "2 items" in app.annotate.undo_action.text()

    # One undo takes it off both; redo puts it back on both.
    app.annotate.undo_action.trigger()
    for i in ids:
        assert "hearing" not in [t.name for t in core(app).of_item(i).tags]
    assert dialog.editor.chip("hearing") is None
    app.annotate.redo_action.trigger()
    for i in ids:
        assert "hearing" in [t.name for t in core(app).of_item(i).tags]
    # The chip's × takes it off all of them.
    chip = dialog.editor.chip("hearing")
    assert chip is not None
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    for i in ids:
        assert "hearing" not in [t.name for t in core(app).of_item(i).tags]
    dialog.close()


def test_tag_from_the_viewer_and_undo_names_the_change(qtbot: QtBot, app: MainWindow) -> None:
    article = open_named(qtbot, app, LEDGER_APRIL, "article")
    dock = app.annotate.annotations_dock
    qtbot.keyClicks(dock.tags.field, "press")
    qtbot.keyClick(dock.tags.field, Qt.Key.Key_Return)
    assert "press" in [t.name for t in core(app).of_item(article).tags]
    assert dock.tags.chip("press") is not None
    undo = app.annotate.undo_action
    assert undo.isEnabled() and undo.text() == f"&Undo Tag #{article} ‘press’"
    assert undo.shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in [s.toString() for s in app.annotate.redo_action.shortcuts()]
    undo.trigger()
    assert "press" not in [t.name for t in core(app).of_item(article).tags]
    assert dock.tags.chip("press") is None
    assert app.annotate.redo_action.text() == f"&Redo Tag #{article} ‘press’"
    app.annotate.redo_action.trigger()
    assert dock.tags.chip("press") is not None
    search(qtbot, app, "tag:press")
    assert [app.model.hit(r).item.id for r in range(app.model.rowCount())] == [article]  # type: ignore[union-attr]


def test_a_note_added_in_the_dock_survives_closing_and_reopening(
    qtbot: QtBot,
    app: MainWindow,
    annotated_copy: Path,
    dialogs: Dialogs,
    user_settings: cfg.UserSettings,
) -> None:
    article = open_named(qtbot, app, LEDGER_APRIL, "article")
    dock = app.annotate.annotations_dock
    qtbot.mouseClick(dock.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dock.note_field, "Check the byline with the editor")
    qtbot.mouseClick(dock.save_button, Qt.MouseButton.LeftButton)
    assert app.session is not None
    stored = app.session.pages(article)[0].text
    select_in_text(app, " ".join(stored.split()[12:16]))
    app.annotate.highlight_action.trigger()
    app.close()
    assert app.session is None

    again = MainWindow(user_settings)
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitSignal(again.search_finished, timeout=10_000):
        assert again.open_archive(annotated_copy)
    open_named(qtbot, again, LEDGER_APRIL, "article")
    shown = again.annotate.annotations_dock
    entries = [shown.list.item(i).text() for i in range(shown.list.count())]
    assert "Check the byline with the editor" in entries
    assert len(again.viewer.text.highlights) == 1
    # The demo's links are there too, as backlinks and links.
    assert again.annotate.links_dock.entries(outgoing=True)
    again.shutdown()


def test_the_link_graph_shows_the_demo_links_and_opens_an_item(
    qtbot: QtBot, app: MainWindow
) -> None:
    graph = app.annotate.show_graph()
    assert graph is not None
    graph.show_all()
    expected = {(lk.source_id, lk.relation, lk.target_id) for lk in core(app).all_links()}
    assert len(expected) >= 5
    assert set(graph.edge_labels()) == expected
    moi = item_id(app, MOI_REPLY)
    assert moi in graph.nodes
    # Around one item: its neighbours only.
    graph.set_focus(item_id(app, PETITION))
    assert (item_id(app, MOI_REPLY), "replies-to", item_id(app, PETITION)) in graph.edge_labels()
    node = graph.nodes[moi]
    point = graph.view.mapFromScene(node.scenePos())
    qtbot.mouseClick(graph.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: app.viewer.item is not None and app.viewer.item.id == moi)
    graph.close()


def test_the_link_graph_s_labels_are_as_large_as_the_window_s_text(
    qtbot: QtBot, app: MainWindow
) -> None:
    """Scaled to fit the whole archive in the dialog, the arrows' relations and the
    items' titles were 8 px: the graph now opens at its own size and scrolls."""
    from PySide6.QtGui import QFontMetricsF

    from xarchive.gui.annotate.graph import NODE_H

    graph = app.annotate.show_graph()
    assert graph is not None
    graph.show_all()
    qtbot.waitExposed(graph)
    normal = QFontMetricsF(QApplication.font()).height()
    title, label = graph.on_screen_pixels()
    assert len(graph.nodes) > 20 and graph.edges
    assert title >= normal and label >= normal
    # Each label measured as the painter will draw it, on the real widget.
    for edge in graph.edges:
        on_screen = graph.view.mapFromScene(edge.label.sceneBoundingRect()).boundingRect()
        assert on_screen.height() >= normal - 1, edge.edge.relation
    # Every title keeps to two lines, inside its box.
    for node in graph.nodes.values():
        lines = node.title.split("\n")
        assert len(lines) <= 2
        assert len(lines) * QFontMetricsF(node.title_font()).lineSpacing() <= NODE_H
    # Too large for the dialog, it scrolls from its first items; around one item, the
    # graph is centred on it.
    assert graph.view.horizontalScrollBar().maximum() > 0
    graph.set_focus(item_id(app, PETITION))
    focus = graph.nodes[item_id(app, PETITION)]
    assert graph.view.viewport().rect().contains(graph.view.mapFromScene(focus.scenePos()))
    assert graph.on_screen_pixels()[0] >= normal
    graph.close()


@pytest.mark.skipif(not pdf_view.HAVE_QTPDF, reason="QtPdf is not installed")
def test_select_words_on_a_pdf_page_highlight_them_and_draw_a_region(
    qtbot: QtBot, app: MainWindow
) -> None:
    moi = open_named(qtbot, app, MOI_REPLY, "document")
    pdf = app.viewer.pdf
    layer = app.annotate.pdf
    assert layer is not None
    pdf.go_to_page(3)
    qtbot.waitUntil(lambda: pdf.current_page() == 3)
    page = 2  # 0-based
    text = layer.page_text(page)
    words = "Cybercrime Wing of the Federal Investigation Agency"
    assert words in text
    start = text.index(words)
    box = QRectF()
    for polygon in pdf.document.getSelectionAtIndex(page, start, len(words)).bounds():
        box = box.united(polygon.boundingRect())
    a = layer.to_view(page, QPointF(box.left() + 1, box.center().y())).toPoint()
    b = layer.to_view(page, QPointF(box.right() - 1, box.center().y())).toPoint()
    viewport = pdf.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, (a + b) / 2)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)
    selected = layer.selection()
    assert selected is not None and selected[0] == 3
    assert " ".join(selected[1].exact.split()) == words
    before = {h.uid for h in core(app).of_item(moi).highlights}
    app.annotate.highlight_action.trigger()
    [made] = [h for h in core(app).of_item(moi).highlights if h.uid not in before]
    assert made.span is not None and made.span.page == 3
    assert " ".join(made.span.exact.split()) == words
    assert made.uid in layer.highlights

    # Shift+drag: a region on the page, in the page's points.
    p1 = layer.to_view(page, QPointF(100, 100)).toPoint()
    p2 = layer.to_view(page, QPointF(300, 200)).toPoint()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, p1)
    qtbot.mouseMove(viewport, p2)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, p2)
    [region] = core(app).of_item(moi).regions
    assert region.box is not None and region.box.page == 3
    tolerance = 2 * pdf.document.pagePointSize(page).width() / layer.page_rect(page).width()
    assert abs(region.box.x - 100) < tolerance and abs(region.box.y - 100) < tolerance
    assert abs(region.box.w - 200) < tolerance and abs(region.box.h - 100) < tolerance
    assert region.uid in layer.regions


def test_a_new_tag_is_in_the_tag_facet_at_once(qtbot: QtBot, window: MainWindow,
                                               archive_copy: Path) -> None:  # fmt: skip
    """Issue 12.11: after tagging, no Tag facet appeared until another search."""
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(archive_copy)  # the demo without its tags
    assert window.facets.value_items("tag") == []
    article = open_named(qtbot, window, LEDGER_APRIL, "article")
    dock = window.annotate.annotations_dock
    qtbot.keyClicks(dock.tags.field, "press")
    qtbot.keyClick(dock.tags.field, Qt.Key.Key_Return)
    assert "press" in [t.name for t in core(window).of_item(article).tags]

    def tag_rows() -> list[tuple[str, str]]:
        return [(i.text(0), i.text(1)) for i in window.facets.value_items("tag")]

    qtbot.waitUntil(lambda: tag_rows() == [("press", "1")], timeout=10_000)
    window.annotate.undo_action.trigger()
    qtbot.waitUntil(lambda: tag_rows() == [], timeout=10_000)
