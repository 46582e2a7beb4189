"""The search in the window: the query runs on the search thread (search_service.py); the
results list and what it says when it is empty, the count, the facets and the timeline's
day counts follow; a facet, a saved search or a range of days narrows it; the result
chosen is shown in the viewer. Search ▸ Find, Search Again, Save Search…, Clear Filters,
Next/Previous Result and the sort orders are its actions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Signal
from PySide6.QtWidgets import QInputDialog, QLabel

from ..core.errors import IndexUnavailable, ItemNotFound, QueryError, StorageError
from ..core.search import SearchResults
from . import settings as cfg
from .docks.facets import FacetsDock
from .docks.saved_searches import SavedSearchesDock
from .docks.timeline import TimelineDock
from .filters import Filter
from .host import Host
from .messages import Problem, job_problem
from .models.results import ResultsModel
from .search_service import SearchService, archive_searcher
from .session import ArchiveSession
from .views.item import ItemViewer
from .widgets.results_view import ResultsView
from .widgets.search_bar import SearchBar

log = logging.getLogger(__name__)


class SearchUi(QObject):
    #: A search ran: its SearchResults, or None when it could not run.
    finished = Signal(object)

    def __init__(
        self,
        host: Host,
        bar: SearchBar,
        model: ResultsModel,
        results: ResultsView,
        empty_label: QLabel,
        docks: tuple[FacetsDock, SavedSearchesDock, TimelineDock],
        viewer: ItemViewer,
        check_index: Callable[[], None],
    ) -> None:
        """`empty_label` stands in for `results` when there is nothing to list;
        `check_index` says in the window why the index cannot be searched."""
        super().__init__(host.window())
        self.host = host
        self.bar, self.model, self.results, self.empty_label = bar, model, results, empty_label
        self.facets, self.saved, self.timeline = docks
        self.viewer = viewer
        self._check_index = check_index
        #: The searcher thread of the archive open.
        self.service: SearchService | None = None
        self.last_results: SearchResults | None = None
        #: The query whose days and events the timeline shows (None: none yet).
        self.timeline_query: str | None = None

        bar.search_requested.connect(self.run)
        bar.focus_results.connect(self.focus_results)
        model.searched.connect(self._done)
        model.failed.connect(self._failed)
        results.selectionModel().currentChanged.connect(self._current_changed)
        self.facets.facet_chosen.connect(bar.add_filter)
        self.saved.run_requested.connect(lambda q: bar.set_query(q))
        self.saved.save_requested.connect(self.save_current)
        self.saved.changed.connect(self._store_saved)
        self.timeline.range_chosen.connect(self._timeline_range)
        self.timeline.visibilityChanged.connect(lambda shown: shown and self._refresh_timeline())

        add = host.add_action
        add("find", bar.focus)
        add("search-again", self.run)
        add("save-search", self.save_current)
        add("clear-filters", bar.clear_filters)
        add("next-result", lambda: self._step(1))
        add("previous-result", lambda: self._step(-1))
        for key, sort in (
            ("sort-relevance", "relevance"),
            ("sort-date", "date"),
            ("sort-date-asc", "date-asc"),
        ):
            add(key, lambda s=sort: self._sort(s))

    # -- the archive ------------------------------------------------------------------------
    def open(self, session: ArchiveSession) -> None:
        """Search `session` from now on (its own thread, its saved searches)."""
        self.service = SearchService(archive_searcher(session.root), self)
        self.model.set_service(self.service)
        self.saved.set_searches(cfg.saved_searches(session.archive), session.writable)

    def close(self) -> None:
        self.model.set_service(None)
        if self.service is not None:
            self.service.close()
            self.service.deleteLater()
            self.service = None

    def reset(self, wait: bool = False) -> None:
        """Let the search thread open the index anew (it was rebuilt or written)."""
        if self.service is not None:
            self.service.reset(wait=wait)

    # -- searching --------------------------------------------------------------------------
    def run(self) -> None:
        """Run the search bar's query on the search thread; `_done` or `_failed` show the
        results, counts and facets, or why it cannot run."""
        session = self.host.session
        if session is None:
            return
        try:
            session.check_query(self.bar.text)  # so that error positions refer to what was typed
            self.model.run(self.bar.query(), self.bar.sort)
        except (QueryError, IndexUnavailable) as exc:
            self._failed(exc)
            return
        self.bar.show_busy(True)

    def _failed(self, exc: BaseException) -> None:
        self.bar.show_busy(False)
        self.model.clear()
        self.bar.show_count(None)
        if isinstance(exc, QueryError):
            # The last good results would pass for this query's (those of "d" for
            # "date:2024-13"): clear them, and say why the list is empty.
            self.facets.show_facets({}, self.bar.filters)
            self.bar.show_error(str(exc))
            self.show_empty("No results: the search is not valid. Correct it above.")
        elif isinstance(exc, IndexUnavailable):
            self._check_index()
            self.show_empty("Searching is off until the search index is rebuilt.")
        else:
            self.show_empty("The search failed. Search again (F5).")
            self.host.tell(job_problem("Searching", exc, f"the query {self.bar.query()!r}"))
        self.finished.emit(None)

    def _done(self, results: SearchResults) -> None:
        self.bar.show_busy(False)
        self.last_results = results
        self.bar.show_error("")
        self.bar.show_count(results.total, results.cards)
        self.facets.show_facets(results.facets, self.bar.filters)
        if results.total == 0:
            self.show_empty(
                "Nothing matches."
                if self.bar.text.strip() or self.bar.filters
                else "This archive is empty. Import files with File ▸ Import, or drop them here."
            )
        else:
            self.show_empty("")
        self.timeline.stale = True
        if self.timeline.isVisible():
            self._refresh_timeline()
        shown = self.viewer.item
        if shown is not None and self.model.row_of_item(shown.id) < 0:
            self.viewer.clear()
        self.finished.emit(results)

    def refresh_facets(self) -> None:
        """Count the facets of the results shown again (after tags changed: a new tag is
        in the Tag facet at once, not after the next search), on the search thread,
        without running the search again: the list keeps its rows and its selection."""
        if self.host.session is None or self.service is None or self.last_results is None:
            return
        query = self.model.query

        def answer(found: Any, error: BaseException | None) -> None:
            if error is not None:
                log.info("facets of %r: %s", query, error)
            elif query == self.model.query:
                self.facets.show_facets(found.facets, self.bar.filters)

        self.service.call(lambda source: source.search(query, limit=1, snippets=False), answer)

    def show_empty(self, message: str) -> None:
        """Say `message` where the results are ("": show the results)."""
        self.empty_label.setText(message)
        self.empty_label.setVisible(bool(message))
        self.results.setVisible(not message)

    def _sort(self, sort: str) -> None:
        self.bar.set_sort(sort)
        self.bar.search_now()

    # -- the results ------------------------------------------------------------------------
    def focus_results(self) -> None:
        self.results.setFocus()
        if not self.results.currentIndex().isValid() and self.model.rowCount():
            self.results.setCurrentIndex(self.model.index(0, 0))

    def _step(self, step: int) -> None:
        row = self.results.currentIndex().row() + step
        if 0 <= row < self.model.rowCount():
            self.results.setCurrentIndex(self.model.index(row, 0))

    def _current_changed(self, current: QModelIndex, _: QModelIndex) -> None:
        self.show_result(current.row())

    def show_result(self, row: int) -> None:
        """Show the hit in `row` in the viewer (on its page, its words marked)."""
        hit = self.model.hit(row)
        session = self.host.session
        if hit is None or session is None:
            return
        try:
            self.viewer.show_item(session, hit.item.id, hit.terms, hit.snippet, hit.marks)
        except ItemNotFound:
            self.viewer.clear("This item is no longer in the archive. Search again (F5).")

    # -- saved searches ---------------------------------------------------------------------
    def save_current(self) -> None:
        session = self.host.session
        if session is None or not session.writable:
            return
        query = self.bar.query()
        name, ok = QInputDialog.getText(
            self.host.window(), "Save search", "Name:", text=self.bar.text or query
        )
        if ok and name.strip():
            self.saved.add(name.strip(), query)

    def _store_saved(self, searches: list[cfg.SavedSearch]) -> None:
        session = self.host.session
        if session is None:
            return
        try:
            cfg.store_saved_searches(session.archive, searches)
        except StorageError as exc:
            self.host.tell(
                Problem(
                    "The search could not be saved",
                    f"The archive refused the change ({exc}).",
                    severity="error",
                )
            )
        self.saved.set_searches(cfg.saved_searches(session.archive), session.writable)

    # -- the timeline -----------------------------------------------------------------------
    def _refresh_timeline(self) -> None:
        if self.host.session is None or self.service is None or not self.timeline.stale:
            return
        query = self.model.query
        self.timeline.stale = False

        def answer(found: Any, error: BaseException | None) -> None:
            if error is not None:
                log.info("timeline of %r: %s", query, error)
            days, events = found if error is None else ({}, {})
            self.timeline.set_days(days, events)
            self.timeline_query = query

        # The marks of the platform's events are the results' own, read with their days.
        self.service.call(
            lambda source: (source.day_counts(query), source.event_days(query)), answer
        )

    def _timeline_range(self, first: date, last: date) -> None:
        value = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        self.bar.add_filter(Filter("date", value))
