"""A captured page (WARC, MHTML) opens as it was captured: its picture from the capture,
nothing fetched, a bar naming the address and the time, a switch to the extracted text;
words selected on it are highlighted there. A message: its fields, To and Cc as facets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit
from pytestqt.qtbot import QtBot

from tests.captures import (
    IMAGE_URL,
    PAGE_URL,
    court_notice_email,
    news_capture,
    png_bytes,
    write_mhtml,
    write_warc,
)
from tests.conftest import run_import
from xarchive.core.annotate import Annotations
from xarchive.core.archive import Archive
from xarchive.core.store import items as item_store
from xarchive.gui.main_window import MainWindow
from xarchive.gui.session import ArchiveSession
from xarchive.gui.views.item import ItemViewer

from .test_posts_gui import open_hit


def _viewer(qtbot: QtBot) -> ItemViewer:
    viewer = ItemViewer()
    qtbot.addWidget(viewer)
    viewer.resize(900, 700)
    viewer.show()
    return viewer


def _shown_from_capture(viewer: ItemViewer) -> None:
    browser = viewer.captured.browser
    assert viewer.stack.currentWidget() is viewer.captured
    page = browser.page
    assert page is not None
    (key,) = [k for k, address in page.addresses.items() if address == IMAGE_URL]
    image = browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(key))
    assert image is not None and not image.isNull()  # drawn from the capture's own bytes
    assert key in browser.loaded
    assert not [a for a in browser.refused if a.startswith(("http:", "https:", "file:"))]


def test_a_page_from_a_warc_shows_its_picture_from_the_capture(
    qtbot: QtBot, archive: Archive, tmp_path: Path
) -> None:
    run_import(archive, write_warc(tmp_path / "capture.warc.gz", news_capture()))
    page_id = next(i.id for i in item_store.items(archive.db) if i.source_url == PAGE_URL)
    viewer = _viewer(qtbot)
    viewer.show_item(ArchiveSession(archive), page_id)
    _shown_from_capture(viewer)
    assert viewer.capture_bar.isVisible()
    banner = viewer.capture_bar.label.text()
    assert PAGE_URL in banner and "2024-04-17 15:10:00 UTC" in banner
    assert "citing national security" in viewer.captured.browser.toPlainText()
    details = viewer.details.text()
    assert "record 2 of capture.warc.gz" in details and "Record digest" in details
    # the switch: the extracted text, where highlights are made, and back
    viewer.capture_bar.switch.click()
    assert viewer.stack.currentWidget() is viewer.text
    viewer.capture_bar.switch.click()
    assert viewer.stack.currentWidget() is viewer.captured


def _pictures(browser: QTextEdit) -> list[tuple[float, float]]:
    """The size each picture of the page is drawn at."""
    sizes = []
    block = browser.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            look = fragments.fragment().charFormat()
            if look.isImageFormat():
                image = look.toImageFormat()
                sizes.append((image.width(), image.height()))
            fragments += 1
        block = block.next()
    return sizes


def test_a_picture_wider_than_the_view_is_drawn_whole_at_its_width(
    qtbot: QtBot, archive: Archive, tmp_path: Path
) -> None:
    from tests.captures import Response

    wide = [r if r.url != IMAGE_URL else Response(IMAGE_URL, png_bytes(size=(1400, 280)),
            "image/png", referer=PAGE_URL) for r in news_capture()]  # fmt: skip
    run_import(archive, write_warc(tmp_path / "capture.warc.gz", wide))
    page_id = next(i.id for i in item_store.items(archive.db) if i.source_url == PAGE_URL)
    viewer = _viewer(qtbot)  # 900 pixels wide
    viewer.show_item(ArchiveSession(archive), page_id)
    browser = viewer.captured.browser
    ((width, height),) = _pictures(browser)
    assert 700 < width <= browser.viewport().width() and height == pytest.approx(width / 5)
    assert browser.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways to
    viewer.resize(1700, 700)  # room for it: drawn at its own size
    qtbot.waitUntil(lambda: _pictures(browser) == [(1400, 280)])
    # only how the picture is drawn changed, not the page
    assert "citing national security" in browser.toPlainText()


def test_an_mhtml_page_shows_its_saved_picture(
    qtbot: QtBot, archive: Archive, tmp_path: Path
) -> None:
    run_import(archive, write_mhtml(tmp_path / "saved.mhtml"))
    (item,) = item_store.items(archive.db)
    viewer = _viewer(qtbot)
    viewer.show_item(ArchiveSession(archive), item.id)
    _shown_from_capture(viewer)
    assert "— from the MHTML file's Date header" in viewer.details.text()


def test_a_singlefile_page_shows_its_inlined_picture(
    qtbot: QtBot, archive: Archive, tmp_path: Path
) -> None:
    import base64

    from tests.core.test_captures import SINGLEFILE

    saved = tmp_path / "Court hears the X block petition.html"
    picture = base64.b64encode(png_bytes()).decode()
    saved.write_text(SINGLEFILE.replace("{picture}", picture))
    run_import(archive, saved)
    (item,) = item_store.items(archive.db)
    viewer = _viewer(qtbot)
    viewer.show_item(ArchiveSession(archive), item.id)
    browser = viewer.captured.browser
    assert viewer.stack.currentWidget() is viewer.captured
    (inlined,) = browser.loaded
    assert inlined.startswith("data:image/png;base64,")
    image = browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(inlined))
    assert image is not None and not image.isNull()
    assert browser.refused == []
    assert "saved with SingleFile" in viewer.capture_bar.label.text()


def test_a_message_says_which_header_dated_it(
    qtbot: QtBot, archive: Archive, tmp_path: Path
) -> None:
    eml = tmp_path / "notice.eml"
    eml.write_bytes(court_notice_email(with_pdf=False).as_bytes())  # no Received header
    run_import(archive, eml)
    (message,) = item_store.items(archive.db)
    viewer = _viewer(qtbot)
    viewer.show_item(ArchiveSession(archive), message.id)
    details = viewer.details.text()
    assert "— from the Date header (the message has no Received header)" in details
    assert "the the" not in details
    assert "counsel@rights-group.example" in details  # To, as its own field
    # the message reads as a mail program shows it: who wrote to whom, then the text
    shown = viewer.text.browser.toPlainText()
    header = shown[: shown.index("fixed for hearing")]
    for said in (
        "From",
        "Registrar <registrar@ihc.example>",
        "To",
        "Counsel <counsel@rights-group",
        "Cc",
        "عدالت <court@ihc.example>",
        "16 Apr 2024, 09:30 UTC",
        "Notice of hearing",
    ):
        assert said in header, said


def test_the_view_names_the_scheme_of_captures_as_the_core_does() -> None:
    from xarchive.core import captures
    from xarchive.gui.views import archived_page as view

    assert view.SCHEME == captures.SCHEME  # named there without loading the reader


def test_the_searched_words_are_marked_on_the_page_as_captured(
    qtbot: QtBot, archive: Archive, tmp_path: Path
) -> None:
    from xarchive.core.search import Searcher

    run_import(archive, write_warc(tmp_path / "capture.warc.gz", news_capture()))
    (hit,) = [h for h in Searcher(archive).search("security unlawful").hits
              if h.item.source_url == PAGE_URL]  # fmt: skip
    viewer = _viewer(qtbot)
    viewer.show_item(ArchiveSession(archive), hit.item.id, hit.terms, hit.snippet, hit.marks)
    _shown_from_capture(viewer)
    captured = viewer.captured
    marked = [c.selectedText().lower() for c in captured.matches]
    assert sorted(marked) == ["security", "unlawful"]
    drawn = captured.browser.extraSelections()
    assert [s.cursor.selectedText().lower() for s in drawn] == marked
    # the first is scrolled to: the cursor stands at it
    assert captured.browser.textCursor().position() == captured.matches[0].selectionEnd()
    viewer.show_item(ArchiveSession(archive), hit.item.id)  # shown again, unsearched
    assert viewer.captured.matches == [] and viewer.captured.browser.extraSelections() == []


def _drawn(browser: QTextEdit) -> list[str]:
    """The words drawn over the page: highlights and searched words."""
    return [s.cursor.selectedText() for s in browser.extraSelections()]


def test_words_selected_on_the_page_as_captured_are_highlighted_there_and_again_on_reopening(
    qtbot: QtBot, opened: MainWindow
) -> None:
    page_id = open_hit(qtbot, opened, '"lawful directives"', "article", "Ministry admits it")
    viewer, ui = opened.viewer, opened.annotate
    captured = viewer.captured
    assert viewer.stack.currentWidget() is captured  # the demo's WACZ page, as captured
    assert ui.highlight_action.isEnabled()
    phrase = "misuse of the service"
    found = captured.browser.document().find(phrase)
    assert not found.isNull()
    captured.browser.setTextCursor(found)  # selected with the mouse, on the page itself
    captured.browser.setFocus()
    qtbot.keyClick(captured.browser, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)

    assert opened.session is not None
    (made,) = Annotations(opened.session.archive).of_item(page_id).highlights
    text = opened.session.pages(page_id)[0].text
    assert made.span is not None and made.span.exact == phrase
    at = text.index(phrase)
    assert (made.span.start, made.span.end) == (at, at + len(phrase))
    # drawn on the page, the searched words still marked over it; the selection gone
    assert [s.cursor.selectedText() for s in captured.highlights] == [phrase]
    assert _drawn(captured.browser) == [phrase, "lawful", "directives"]
    assert not captured.browser.textCursor().hasSelection()
    # the same highlight in the extracted text, and on the page again when switched back
    viewer.capture_bar.switch.click()
    assert viewer.stack.currentWidget() is viewer.text
    assert [s.cursor.selectedText() for s in viewer.text.highlights] == [phrase]
    viewer.capture_bar.switch.click()
    assert [s.cursor.selectedText() for s in captured.highlights] == [phrase]

    # another item, then the page again: its highlight is there, on the page as captured
    open_hit(qtbot, opened, "acknowledge receipt", "message", "Notice")
    assert viewer.stack.currentWidget() is not captured
    open_hit(qtbot, opened, "*", "article", "Ministry admits it")
    assert viewer.stack.currentWidget() is captured
    assert [s.cursor.selectedText() for s in captured.highlights] == [phrase]
    # from the Annotations dock: brought into view on the page
    dock = ui.annotations_dock
    (row,) = [dock.list.item(i) for i in range(dock.list.count())
              if phrase in dock.list.item(i).text()]  # fmt: skip
    captured.browser.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.mouseClick(
        dock.list.viewport(), Qt.MouseButton.LeftButton, pos=dock.list.visualItemRect(row).center()
    )
    start = ui.captured_text.positions[made.uid][0]
    qtbot.waitUntil(lambda: captured.browser.textCursor().position() == start)


def test_to_and_cc_are_facets_that_narrow_to_the_message(qtbot: QtBot, opened: MainWindow) -> None:
    facets = opened.facets
    (to,) = facets.value_items("to")
    (cc,) = facets.value_items("cc")
    assert (to.text(0), to.text(1)) == ("counsel@demo-press-club.example", "1")
    assert (cc.text(0), cc.text(1)) == ("litigation@interior-demo.example", "1")
    with qtbot.waitSignal(opened.search_finished):
        facets.tree.itemClicked.emit(cc, 0)
    assert opened.model.total == 1
    hit = opened.model.hit(0)
    assert hit is not None and hit.item.kind == "message"
    assert "Cc: litigation@interior-demo.example" in [f.label for f in opened.search_bar.filters]
    assert "cc:litigation@interior-demo.example" in opened.search_bar.query()
