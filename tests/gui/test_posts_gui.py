"""Posts in the app: a reply as a card in its thread, Urdu right-to-left, links shown and
never opened, pictures that open; and a suggested link accepted from the Suggestions dock."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from xarchive.core.annotate import Annotations
from xarchive.core.archive import Archive
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow


def open_hit(qtbot: QtBot, window: MainWindow, query: str, kind: str, title_start: str) -> int:
    """Search, then click the result whose title starts with `title_start`; its item id."""
    with qtbot.waitSignal(window.search_finished):
        window.search_bar.set_query(query, [Filter("kind", kind)])
    row = next(
        r for r in range(window.model.rowCount())
        if (hit := window.model.hit(r)) is not None and hit.item.title.startswith(title_start)
    )  # fmt: skip
    hit = window.model.hit(row)
    assert hit is not None
    rect = window.results.visualRect(window.model.index(row, 0))
    qtbot.mouseClick(window.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.viewer.item is not None and window.viewer.item.id == hit.item.id)
    return hit.item.id


def test_a_reply_is_a_card_in_its_thread(qtbot: QtBot, opened: MainWindow) -> None:
    open_hit(qtbot, opened, "signatories", "post", "@demo_reporter: @sample_rights_watch Is")
    viewer = opened.viewer
    assert viewer.stack.currentWidget() is viewer.post
    card = viewer.post.card
    assert card is not None
    assert "@demo_reporter" in card.name_label.text()
    assert "Reply to @sample_rights_watch" in card.context_label.text()
    assert "signatories" in card.text_view.toPlainText()
    assert "@sample_rights_watch" in card.text_view.toPlainText()
    links = re.findall(r'href="([^"]*)"', card.text_view.toHtml())
    assert not any("sample_rights_watch" in link for link in links)  # styled, not a link
    assert not card.avatar.pixmap().isNull()
    # the post it answers above, the answer to it below
    (above,) = viewer.post.above
    assert above.post.text.startswith("Amnesty International and 27")
    assert [c.post.account for c in viewer.post.below] == ["sample_rights_watch"]
    assert viewer.post.below[0].post.text.startswith("@demo_reporter Yes, the statement")
    # a click on the post above opens it
    qtbot.mouseClick(above, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: viewer.item is not None and viewer.item.id == above.post.item_id)
    assert viewer.post.card is not None and viewer.post.card.post.account == "sample_rights_watch"
    assert viewer.post.above == []


def test_an_urdu_reply_reads_right_to_left(qtbot: QtBot, opened: MainWindow) -> None:
    open_hit(qtbot, opened, "تصاویر", "post", "@demo_reporter: @karachi_demo_voice")
    card = opened.viewer.post.card
    assert card is not None
    assert card.text_view.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert card.text_view.document().begin().textDirection() == Qt.LayoutDirection.RightToLeft
    (above,) = opened.viewer.post.above
    assert above.text_view.layoutDirection() == Qt.LayoutDirection.RightToLeft
    # The text starts with a handle; its '@' stays with it (a left-to-right mark before).
    assert card.text_view.toPlainText().startswith("\u200e@karachi_demo_voice ")


def test_links_are_shown_not_opened_and_pictures_open(qtbot: QtBot, opened: MainWindow) -> None:
    open_hit(qtbot, opened, '"Indus Ledger has the story"', "post", "@demo_reporter: The Indus")
    card = opened.viewer.post.card
    assert card is not None
    url = "https://indusledger.example/pakistan/2024/04/17/interior-ministry-confirms-x-ban"
    text = card.text_view
    assert f'href="{url}"' in text.toHtml()
    # A click on the link shows it in the status bar; nothing is opened, not even in the card.
    inside = QTextCursor(text.document())
    inside.setPosition(text.document().find(url).selectionStart() + 5)
    middle = text.cursorRect(inside).center()
    assert text.anchorAt(middle) == url
    qtbot.mouseClick(text.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert url in opened.statusBar().currentMessage()
    assert "not opened" in opened.statusBar().currentMessage()
    assert text.source().isEmpty() and url in text.toPlainText()

    open_hit(qtbot, opened, '"Photos of the reply below"', "post", "@demo_reporter: For the first")
    card = opened.viewer.post.card
    assert card is not None
    assert len(card.media_buttons) == 2
    assert all(not b.icon().isNull() for b in card.media_buttons)
    assert "likes" in card.counts_label.text()
    qtbot.mouseClick(card.media_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened.viewer.item is not None and opened.viewer.item.kind == "image")
    assert opened.viewer.stack.currentWidget() is opened.viewer.image


def test_accepting_a_suggestion_makes_the_link(qtbot: QtBot, opened: MainWindow) -> None:
    shot = open_hit(qtbot, opened, "NetBlocks", "image", "2024-02-17 demo reporter")
    dock = opened.suggestions
    qtbot.waitUntil(lambda: len(dock.rows) == 1)
    (row,) = dock.rows
    post_id = row.suggestion.target_id
    assert row.suggestion.relation == "shows"
    assert "shows" in row.title.text() and "screenshot" in row.reason.text()
    assert "(1 of" not in dock.windowTitle() and dock.windowTitle() == "Suggestions (1)"
    qtbot.mouseClick(row.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.rows == [])
    session = opened.session
    assert session is not None
    links = Annotations(session.archive).of_item(shot).links
    assert [(k.relation, k.target_id) for k in links] == [("shows", post_id)]
    # undo takes the link back and the suggestion returns
    opened.annotate.controller.undo()
    assert Annotations(session.archive).of_item(shot).links == ()
    qtbot.waitUntil(lambda: len(dock.rows) == 1)
    # dismissed: gone, also after the archive is opened again
    qtbot.mouseClick(dock.rows[0].dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.rows == [])
    root = session.root
    opened.close_archive()
    with Archive.open(root, readonly=True) as archive:
        from xarchive.core.suggest import Suggestions

        assert Suggestions(archive).pending(shot) == []
