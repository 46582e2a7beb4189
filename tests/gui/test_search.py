"""Typing queries: rows, counts, errors, facets, sort, the timeline, saved searches."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_ITEMS
from xarchive.core.archive import Archive
from xarchive.core.search import Searcher
from xarchive.gui import settings as cfg
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow


def titles(window: MainWindow) -> list[str]:
    model = window.model
    return [model.hit(row).item.title for row in range(model.rowCount())]  # type: ignore[union-attr]


def core_titles(window: MainWindow, query: str) -> list[str]:
    assert window.session is not None
    searcher = Searcher(window.session.archive)
    try:
        return [h.item.title for h in searcher.search(query, limit=100).hits]
    finally:
        searcher.close()


def type_query(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type `text` into the search field as a person would (Urdu through an input method)."""
    field = window.search_bar.field
    field.clear()
    with qtbot.waitSignal(window.search_finished, timeout=3000):
        if text.isascii():
            qtbot.keyClicks(field, text)
        else:
            event = QInputMethodEvent()
            event.setCommitString(text)
            QApplication.sendEvent(field, event)


def test_everything_is_listed_when_an_archive_opens(opened: MainWindow) -> None:
    assert opened.model.total == DEMO_ITEMS
    # The two versions of the demo's edited post are one result.
    assert opened.search_bar.count_label.text() == f"{DEMO_ITEMS - 1} results"
    assert "demo" not in opened.windowTitle() or "xarchive" in opened.windowTitle()


def test_typing_a_query_shows_the_matching_items(qtbot: QtBot, opened: MainWindow) -> None:
    type_query(qtbot, opened, '"national security"')
    qtbot.waitUntil(lambda: opened.model.query == '"national security"')
    assert titles(opened) == core_titles(opened, '"national security"')
    assert "Interior Ministry confirms X ban, citing national security" in titles(opened)
    assert opened.search_bar.count_label.text() == f"{opened.model.total} items"
    first = opened.model.hit(0)
    assert first is not None and first.snippet is not None
    assert any(matched for _, matched in first.snippet.parts)


def test_a_query_that_does_not_parse_says_where(qtbot: QtBot, opened: MainWindow) -> None:
    type_query(qtbot, opened, "court")
    shown = titles(opened)
    type_query(qtbot, opened, '  court AND "blocking')
    error = opened.search_bar.error_label
    assert error.isVisible()
    assert "quote at position 13 is never closed" in error.text()  # leading spaces counted
    assert opened.search_bar.error_position() == 12
    assert '⟦"⟧blocking' in error.text()  # the quote itself is marked
    assert opened.search_bar.count_label.text() == "—"
    assert shown and titles(opened) == []  # the last good results would pass for this one's


def test_clicking_a_facet_narrows_the_search(qtbot: QtBot, opened: MainWindow) -> None:
    documents = next(
        item
        for item in opened.facets.value_items("kind")
        if item.data(0, Qt.ItemDataRole.UserRole) == Filter("kind", "document")
    )
    assert documents.text(1) == "3"
    with qtbot.waitSignal(opened.search_finished):
        opened.facets.tree.itemClicked.emit(documents, 0)
    assert opened.model.total == 3
    assert {opened.model.hit(r).item.kind for r in range(3)} == {"document"}  # type: ignore[union-attr]
    chips = opened.search_bar.chip_buttons()
    assert [c.text() for c in chips] == ["Kind: Document"]
    assert [i.text(1) for i in opened.facets.value_items("kind")] == ["3"]
    with qtbot.waitSignal(opened.search_finished):
        qtbot.mouseClick(chips[0], Qt.MouseButton.LeftButton)
    assert opened.model.total == DEMO_ITEMS


def test_facets_combine_with_typed_words(qtbot: QtBot, opened: MainWindow) -> None:
    with qtbot.waitSignal(opened.search_finished):
        opened.search_bar.add_filter(Filter("language", "ur"))
    urdu = opened.model.total
    assert 0 < urdu < DEMO_ITEMS
    type_query(qtbot, opened, "پابندی")
    assert opened.search_bar.query() == "(پابندی) lang:ur"
    assert 0 < opened.model.total <= urdu
    assert all(opened.model.hit(r).item.language == "ur" for r in range(opened.model.rowCount()))  # type: ignore[union-attr]


def test_sorting_by_date(qtbot: QtBot, opened: MainWindow) -> None:
    with qtbot.waitSignal(opened.search_finished):
        opened.search_bar.sort_box.setCurrentIndex(opened.search_bar.sort_box.findData("date-asc"))
    dates = [opened.model.hit(r).item.date for r in range(opened.model.rowCount())]  # type: ignore[union-attr]
    assert dates[0] <= dates[-1]
    assert opened.model.sort == "date-asc"


def test_timeline_range_narrows_the_search(qtbot: QtBot, opened: MainWindow) -> None:
    opened.timeline.show()
    opened.timeline.set_bucket("week")
    qtbot.waitUntil(lambda: bool(opened.timeline.chart.slots))
    slots = opened.timeline.chart.slots
    assert sum(s.count for s in slots) == DEMO_ITEMS
    weeks = {s.start for s in slots if s.count}
    assert date(2024, 2, 12) in weeks and date(2024, 4, 15) in weeks  # 17 Feb, 17 Apr
    first = next(i for i, s in enumerate(slots) if s.start == date(2024, 2, 12))
    with qtbot.waitSignal(opened.search_finished):
        opened.timeline.chart.choose(first, first)
    assert opened.search_bar.filters == [Filter("date", "2024-02-12..2024-02-18")]
    assert opened.model.total == slots[first].count
    qtbot.waitUntil(lambda: opened.timeline.chart.slots[0].count == slots[first].count)
    assert len([s for s in opened.timeline.chart.slots if s.count]) == 1


def test_saved_searches_are_kept_in_the_archive(qtbot: QtBot, opened: MainWindow) -> None:
    opened.saved.add("Ministry", "ministry kind:document")
    opened.saved.rename(0, "Ministry papers")
    opened.saved.add("Urdu", "lang:ur")
    opened.saved.remove(1)
    assert opened.session is not None
    root = opened.session.root
    opened.close_archive()
    with Archive.open(root, readonly=True) as archive:
        assert cfg.saved_searches(archive) == [
            cfg.SavedSearch("Ministry papers", "ministry kind:document")
        ]
    opened.open_archive(root)
    with qtbot.waitSignal(opened.search_finished):
        opened.saved.list.itemClicked.emit(opened.saved.list.item(0))
    assert opened.search_bar.text == "ministry kind:document"
    assert {opened.model.hit(r).item.kind for r in range(opened.model.rowCount())} == {"document"}  # type: ignore[union-attr]


def test_find_shortcut_focuses_the_search_field(qtbot: QtBot, opened: MainWindow) -> None:
    opened.results.setFocus()
    opened.activateWindow()
    qtbot.waitUntil(lambda: opened.results.hasFocus() or not opened.isActiveWindow())
    opened.actions["find"].trigger()
    assert opened.search_bar.field.hasFocus() or opened.focusWidget() is opened.search_bar.field
    keys = [s.toString() for s in opened.actions["find"].shortcuts()]
    assert keys == ["Ctrl+L", "Ctrl+F"]


def test_post_facets_account_hashtag_and_mention(qtbot: QtBot, opened: MainWindow) -> None:
    accounts = {i.text(0): i for i in opened.facets.value_items("account")}
    assert "@demo_reporter" in accounts
    count = int(accounts["@demo_reporter"].text(1))
    assert 0 < count < DEMO_ITEMS
    with qtbot.waitSignal(opened.search_finished):
        opened.facets.tree.itemClicked.emit(accounts["@demo_reporter"], 0)
    assert opened.search_bar.query() == "account:demo_reporter"
    assert opened.model.total == count
    assert [c.text() for c in opened.search_bar.chip_buttons()] == ["Account: @demo_reporter"]
    hashtags = [i.text(0) for i in opened.facets.value_items("hashtag")]
    assert hashtags and all(h.startswith("#") for h in hashtags)


def test_a_facet_with_many_values_shows_the_top_ones_and_more_on_request(
    opened: MainWindow,
) -> None:
    many = tuple((f"tag{n:03}", 200 - n) for n in range(40))
    opened.facets.show_facets({"hashtag": many}, [Filter("hashtag", "tag035")])
    rows = [i.text(0) for i in opened.facets.value_items("hashtag")]
    assert rows[:10] == [f"#tag{n:03}" for n in range(10)]
    assert "#tag035" in rows  # an active filter is never hidden
    assert rows[-1] == "Show all (29 more)…"
    opened.facets.tree.itemClicked.emit(opened.facets.value_items("hashtag")[-1], 0)
    assert len(opened.facets.value_items("hashtag")) == 40
