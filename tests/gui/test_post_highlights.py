"""A post's card as a text to read closely: the searched words marked on it and on its
thread, words of the post highlighted, listed, found again from the dock, undone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QTextCursor
from pytestqt.qtbot import QtBot

from xarchive.core.annotate import Annotations
from xarchive.gui.main_window import MainWindow
from xarchive.gui.theme import colors
from xarchive.gui.views.post import PostText

from .test_posts_gui import open_hit


@pytest.fixture
def app(annotated: MainWindow) -> MainWindow:
    return annotated


def stored(window: MainWindow) -> Annotations:
    """A separate reader of the archive: what is really stored."""
    assert window.session is not None
    return Annotations(window.session.archive)


def marked_in(text: PostText) -> list[tuple[str, str]]:
    """The words drawn with a background on the card's text, with that background."""
    return [
        (s.cursor.selectedText(), s.format.background().color().name())
        for s in text.extraSelections()
    ]


def select(text: PostText, words: str, from_start: bool = False) -> tuple[int, int]:
    """Select `words` on the card (from the very start of the text: `from_start`)."""
    found = text.document().find(words)
    assert not found.isNull(), words
    cursor = QTextCursor(text.document())
    cursor.setPosition(0 if from_start else found.selectionStart())
    cursor.setPosition(found.selectionEnd(), QTextCursor.MoveMode.KeepAnchor)
    text.setTextCursor(cursor)
    return cursor.selectionStart(), cursor.selectionEnd()


def test_highlight_words_of_a_post_find_them_from_the_dock_and_undo(
    qtbot: QtBot, app: MainWindow
) -> None:
    post_id = open_hit(qtbot, app, "signatories", "post", "@demo_reporter: @sample_rights_watch Is")
    viewer, ui = app.viewer, app.annotate
    card = viewer.post.card
    assert card is not None and viewer.stack.currentWidget() is viewer.post
    text = card.text_view
    match_bg = QColor(colors().match_bg).name()
    assert marked_in(text) == [("signatories", match_bg)]
    assert text.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert ui.highlight_action.isEnabled()
    assert app.session is not None
    page = app.session.pages(post_id)[0].text
    assert stored(app).of_item(post_id).highlights == ()

    phrase = "full list of the 27"
    where = select(text, phrase)
    ui.highlight_action.trigger()

    (made,) = stored(app).of_item(post_id).highlights
    assert made.span is not None and made.span.page == 1
    assert made.span.exact == phrase
    assert (made.span.start, made.span.end) == (
        page.index(phrase),
        page.index(phrase) + len(phrase),
    )
    # Drawn on the card in its colour, the searched word still marked; the selection gone.
    assert ui.post_text is not None and ui.post_text.positions[made.uid] == where
    assert [s.cursor.selectedText() for s in text.highlights] == [phrase]
    assert (phrase, match_bg) not in marked_in(text) and ("signatories", match_bg) in marked_in(
        text
    )
    assert not text.textCursor().hasSelection()
    # Listed in the Annotations dock; a click there brings it into view on the card.
    dock = ui.annotations_dock
    rows = [dock.list.item(i) for i in range(dock.list.count())]
    (row,) = [r for r in rows if phrase in r.text()]
    viewer.splitter.setSizes([120, 700])  # a short viewer: the thread must scroll
    post = viewer.post
    qtbot.waitUntil(lambda: post.verticalScrollBar().maximum() > 0)
    post.verticalScrollBar().setValue(post.verticalScrollBar().maximum())

    def highlight_in_view() -> bool:
        cursor = QTextCursor(text.document())
        cursor.setPosition(where[0])
        rect = text.cursorRect(cursor)
        top_left = text.viewport().mapTo(post.viewport(), rect.topLeft())
        return post.viewport().rect().contains(QRect(top_left, rect.size()))

    assert not highlight_in_view()
    qtbot.mouseClick(
        dock.list.viewport(), Qt.MouseButton.LeftButton, pos=dock.list.visualItemRect(row).center()
    )
    qtbot.waitUntil(highlight_in_view)
    assert text.textCursor().position() == where[0]

    # Undo takes it off the card and out of the archive; redo brings it back.
    ui.undo_action.trigger()
    assert stored(app).of_item(post_id).highlights == ()
    assert text.highlights == [] and ("signatories", match_bg) in marked_in(text)
    ui.redo_action.trigger()
    assert [s.cursor.selectedText() for s in text.highlights] == [phrase]


def test_an_urdu_post_is_highlighted_from_its_first_handle_and_stays_right_to_left(
    qtbot: QtBot, app: MainWindow
) -> None:
    post_id = open_hit(qtbot, app, "تصاویر", "post", "@demo_reporter: @karachi_demo_voice")
    viewer, ui = app.viewer, app.annotate
    card = viewer.post.card
    assert card is not None
    text = card.text_view
    match_bg = QColor(colors().match_bg).name()
    assert ("تصاویر", match_bg) in marked_in(text)
    # the reply in the thread has the searched word too, and it is marked there
    (reply,) = viewer.post.below
    assert ("تصاویر", match_bg) in marked_in(reply.text_view)
    assert reply.text_view.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction

    select(text, "جی ہاں", from_start=True)  # the handle and the first words
    copied = text.createMimeDataFromSelection().text()  # what Ctrl+C puts on the clipboard
    assert copied == "@karachi_demo_voice جی ہاں"  # without the marks that place the @
    ui.highlight_action.trigger()
    assert app.session is not None
    page = app.session.pages(post_id)[0].text
    (made,) = stored(app).of_item(post_id).highlights
    assert made.span is not None
    assert made.span.exact == "@karachi_demo_voice جی ہاں"
    assert page[made.span.start : made.span.end] == made.span.exact and made.span.start == 0
    assert [s.cursor.selectedText().lstrip("\u200e") for s in text.highlights] == [made.span.exact]
    assert text.document().begin().textDirection() == Qt.LayoutDirection.RightToLeft
    # Right-to-left: the first line starts at the right edge.
    line = text.document().begin().layout().lineAt(0)
    assert abs(line.naturalTextRect().right() - text.viewport().width()) <= 2

    # Opened again, the post shows its highlight; clicking a compact card still opens it.
    qtbot.mouseClick(reply, Qt.MouseButton.LeftButton, pos=QPoint(30, 10))
    qtbot.waitUntil(lambda: viewer.item is not None and viewer.item.id == reply.post.item_id)
    open_hit(qtbot, app, "تصاویر", "post", "@demo_reporter: @karachi_demo_voice")
    card = viewer.post.card
    assert card is not None
    assert len(card.text_view.highlights) == 1
