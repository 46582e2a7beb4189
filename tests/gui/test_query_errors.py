"""What the window shows when a search cannot run: pasted quotes with commas, queries
that do not parse, and failures nobody foresaw (logged, and the dialog names the log)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from xarchive.core.index.engine import SearchIndex
from xarchive.core.paths import log_path
from xarchive.core.search import Searcher
from xarchive.gui.main_window import MainWindow

from .conftest import Dialogs


def type_query(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.search_finished, timeout=15_000):
        qtbot.keyClicks(window.search_bar.field, text)


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


def test_a_pasted_quote_with_commas_finds_the_filings(
    qtbot: QtBot, opened: MainWindow, dialogs: Dialogs
) -> None:
    type_query(qtbot, opened, '"national security, public order"')
    qtbot.waitUntil(lambda: opened.model.query == '"national security, public order"')
    assert dialogs.shown == []
    assert not opened.search_bar.error_label.isVisible()
    assert titles(opened) == core_titles(opened, '"national security, public order"')
    assert "RESEARCH NOTE - blocking of X (Twitter) in Pakistan, 2024" in titles(opened)


def test_a_query_error_clears_the_results_of_the_last_keystroke(
    qtbot: QtBot, opened: MainWindow
) -> None:
    type_query(qtbot, opened, "d")
    assert opened.model.rowCount() > 0
    type_query(qtbot, opened, "ate:2024-13")
    assert opened.search_bar.text == "date:2024-13"
    assert "not a real date" in opened.search_bar.error_label.text()
    assert opened.search_bar.error_label.isVisible()
    assert opened.model.rowCount() == 0 and opened.model.total == 0
    assert not opened.results.isVisible()
    assert opened.empty_label.isVisible() and "not valid" in opened.empty_label.text()
    assert opened.facets.tree.topLevelItemCount() == 0  # no counts of the old results
    assert opened.search_bar.count_label.text() == "—"
    # corrected, the results come back
    field = opened.search_bar.field
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, "02")
    qtbot.waitUntil(lambda: opened.model.query == "date:2024-02", timeout=15_000)
    assert opened.results.isVisible()
    assert not opened.search_bar.error_label.isVisible()
    assert opened.model.total == int(opened.search_bar.count_label.text().split()[0])


def test_an_unexpected_search_failure_is_logged_and_the_dialog_names_the_log(
    qtbot: QtBot, opened: MainWindow, dialogs: Dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the index reader broke")

    monkeypatch.setattr(SearchIndex, "search", broken)
    type_query(qtbot, opened, "court")
    problem = dialogs.shown[-1]
    assert problem.title == "Searching failed"
    assert str(log_path()) in problem.advice
    log = log_path().read_text(encoding="utf-8")
    assert "Searching: the query 'court'" in log
    assert "RuntimeError: the index reader broke" in log and "Traceback" in log
    assert opened.model.rowCount() == 0
    assert "failed" in opened.empty_label.text()
