"""The results model stays lazy: 100 000 hits scroll from top to bottom a page at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from pytestqt.qtbot import QtBot

from xarchive.core.index.api import Snippet
from xarchive.core.model import Item
from xarchive.core.search import Hit, SearchResults
from xarchive.gui.models.results import ResultsModel
from xarchive.gui.search_service import SearchService
from xarchive.gui.widgets.results_view import ResultsView

TOTAL = 100_000
KINDS = ("document", "image", "article", "post", "text")


def fake_item(n: int) -> Item:
    return Item(
        id=n + 1,
        sha256=f"{n:064x}",
        kind=KINDS[n % 5],
        title=f"Item number {n}",
        original_name=f"item-{n}.txt",
        original_path=f"/evidence/item-{n}.txt",
        size=100,
        media_type="text/plain",
        language="en",
        published_at="2024-02-17T10:00:00+00:00",
        captured_at="",
        imported_at="2024-05-01T00:00:00+00:00",
        author="Desk",
        source_url="",
        import_run_id=1,
        source_root="/evidence",
        ocr_status="none",
        page_count=1,
        warnings=(),
        extra={},
        indexed=True,
    )


@dataclass
class FakeSearcher:
    """The shape of Searcher.search over TOTAL made-up hits; records every call."""

    calls: list[tuple[int, int]] = field(default_factory=list)
    threads: set[int] = field(default_factory=set)
    closed: bool = False

    def search(
        self,
        query: str,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        facets: bool = True,
        snippets: bool = True,
    ) -> SearchResults:
        self.calls.append((offset, limit))
        self.threads.add(threading.get_ident())
        end = min(TOTAL, offset + limit)
        hits = tuple(
            Hit(
                fake_item(n),
                1.0,
                n,
                Snippet(1, (("the ", False), ("platform", True), (" was down", False))),
            )
            for n in range(offset, end)
        )
        return SearchResults(query, TOTAL, offset, hits, {"kind": (("document", TOTAL // 5),)})

    def close(self) -> None:
        self.closed = True


@pytest.fixture(params=["search thread", "in place"])
def lazy_model(request: pytest.FixtureRequest) -> Iterator[tuple[ResultsModel, FakeSearcher]]:
    """The real model over 100 000 made-up hits: read on the app's search thread, or in place."""
    searcher = FakeSearcher()
    model = ResultsModel(page_size=500)
    if request.param == "in place":
        model.set_search_function(searcher.search)
        yield model, searcher
        return
    service = SearchService(lambda: searcher)
    model.set_service(service)
    yield model, searcher
    service.close()
    assert searcher.closed
    assert searcher.threads and threading.get_ident() not in searcher.threads


def test_100000_hits_scroll_top_to_bottom_a_page_at_a_time(
    qtbot: QtBot, lazy_model: tuple[ResultsModel, FakeSearcher]
) -> None:
    model, searcher = lazy_model
    view = ResultsView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(480, 700)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(model.searched) as searched:
        model.run("platform")
    results = searched.args[0]
    assert results.total == TOTAL
    assert model.rowCount() == 500 and model.canFetchMore()

    bar = view.verticalScrollBar()
    pages_seen = 1
    while model.canFetchMore():
        qtbot.waitUntil(lambda: bar.maximum() > bar.value())  # the view laid the new rows out
        bar.setValue(bar.maximum())  # the user drags the scroll bar to the end
        qtbot.waitUntil(
            lambda seen=pages_seen: model.fetch_count > seen or not model.canFetchMore()
        )
        pages_seen = model.fetch_count
        # Never more than one page per step: the model grows as the user scrolls.
        assert model.rowCount() <= pages_seen * 500

    assert model.rowCount() == TOTAL
    assert all(limit == 500 for _, limit in searcher.calls)
    assert [offset for offset, _ in searcher.calls] == list(range(0, TOTAL, 500))
    last = model.hit(TOTAL - 1)
    assert last is not None and last.item.title == f"Item number {TOTAL - 1}"
    view.scrollToBottom()
    assert view.indexAt(view.viewport().rect().bottomLeft()).row() > TOTAL - 20


def test_a_new_query_starts_again_from_the_first_page(qtbot: QtBot) -> None:
    searcher = FakeSearcher()
    model = ResultsModel(searcher.search, page_size=100)
    model.run("a")
    model.fetchMore()
    assert model.rowCount() == 200
    model.run("b")
    assert model.rowCount() == 100 and model.query == "b"
    assert searcher.calls[-1] == (0, 100)


def test_a_late_answer_to_an_older_query_is_dropped(qtbot: QtBot) -> None:
    """Typing fast: only the newest query's rows are shown, whatever order answers arrive in."""
    release = threading.Event()
    searcher = FakeSearcher()

    class Slow(FakeSearcher):
        def search(self, query: str, *args: object, **kwargs: object) -> SearchResults:
            if query == "slow":
                release.wait(5)
            return searcher.search(query, *args, **kwargs)  # type: ignore[arg-type]

    service = SearchService(Slow)
    model = ResultsModel(page_size=50)
    model.set_service(service)
    try:
        model.run("slow")
        model.run("fast")
        release.set()
        qtbot.waitUntil(lambda: model.query == "fast" and not model.searching)
        qtbot.wait(100)  # the slow answer, had it not been dropped, would land now
        assert model.query == "fast" and model.rowCount() == 50
        assert service.pending == 0
    finally:
        release.set()
        service.close()


def test_far_rows_let_go_of_their_snippets_and_get_them_back_when_shown(qtbot: QtBot) -> None:
    """Memory stays bounded at 100 000 hits: rows far above the last keep only their
    item; a row scrolled back into view fetches its page's snippets again."""
    searcher = FakeSearcher()
    model = ResultsModel(searcher.search, page_size=100)
    model.full_rows = 1_000
    model.run("platform")
    while model.rowCount() < 3_000:
        model.fetchMore()
    first = model.hit(0)
    assert first is not None and first.snippet is None and first.item.title == "Item number 0"
    assert model.hit(2_500) is not None and model.hit(2_500).snippet is not None  # type: ignore[union-attr]
    calls = len(searcher.calls)
    with qtbot.waitSignal(model.dataChanged):
        model.index(5, 0).data(ResultsModel.HitRole)  # the view paints row 5
    assert searcher.calls[calls:] == [(0, 100)]
    again = model.hit(5)
    assert again is not None and again.snippet is not None and again.rank == 5
