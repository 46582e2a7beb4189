"""A captured page (WARC, MHTML) opens as it was captured: its picture from the capture,
nothing fetched, a bar naming the address and the time, a switch to the extracted text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from tests.captures import (
    IMAGE_URL,
    PAGE_URL,
    court_notice_email,
    news_capture,
    write_mhtml,
    write_warc,
)
from tests.conftest import run_import
from xarchive.core.archive import Archive
from xarchive.core.store import items as item_store
from xarchive.gui.session import ArchiveSession
from xarchive.gui.views.item import ItemViewer


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


def test_an_mhtml_page_shows_its_saved_picture(
    qtbot: QtBot, archive: Archive, tmp_path: Path
) -> None:
    run_import(archive, write_mhtml(tmp_path / "saved.mhtml"))
    (item,) = item_store.items(archive.db)
    viewer = _viewer(qtbot)
    viewer.show_item(ArchiveSession(archive), item.id)
    _shown_from_capture(viewer)
    assert "— from the MHTML file's Date header" in viewer.details.text()


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
