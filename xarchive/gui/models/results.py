"""The results list: a lazy table model that asks the core for pages of hits on demand.

Only the rows a view has scrolled to are fetched (`canFetchMore`/`fetchMore`),
a page at a time, so a query matching 100 000 items costs one page of work
until the user scrolls. The total and the facet counts come with the first page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ...core.errors import XArchiveError
from ...core.search import Hit, SearchResults
from ..filters import KIND_TITLES, format_day
from ..resources import kind_icon

log = logging.getLogger(__name__)

PAGE_SIZE = 100

Index = QModelIndex | QPersistentModelIndex


class SearchFunction(Protocol):
    """The shape of `xarchive.core.search.Searcher.search`."""

    def __call__(
        self,
        query: str,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        facets: bool = True,
        snippets: bool = True,
    ) -> SearchResults: ...


class ResultsModel(QAbstractTableModel):
    """Hits of one query, in the order the core gives them."""

    COLUMNS = ("Title", "Date", "Author", "Kind")
    HitRole = Qt.ItemDataRole.UserRole + 1
    ItemIdRole = Qt.ItemDataRole.UserRole + 2

    #: A new query's first page arrived: its SearchResults (total, facets).
    searched = Signal(object)
    #: Rows were appended by fetchMore (how many rows there are now).
    fetched = Signal(int)

    def __init__(self, search: SearchFunction | None = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self._search = search
        self.page_size = page_size
        self._hits: list[Hit] = []
        self._total = 0
        self.query = ""
        self.sort = "relevance"
        self.fetch_count = 0  # pages fetched since the last reset (tests, diagnostics)
        self._on_error: Callable[[Exception], None] | None = None

    # -- running queries ---------------------------------------------------------------
    def set_search_function(self, search: SearchFunction | None) -> None:
        self._search = search
        self.clear()

    def run(self, query: str, sort: str = "relevance") -> SearchResults:
        """Search anew and show the first page. Raises QueryError / IndexUnavailable
        (the model is left unchanged then)."""
        if self._search is None:
            raise XArchiveError("no archive is open")
        results = self._search(query, offset=0, limit=self.page_size, sort=sort, facets=True)
        self.beginResetModel()
        self.query, self.sort = query, sort
        self._hits = list(results.hits)
        self._total = results.total
        self.fetch_count = 1
        self.endResetModel()
        self.searched.emit(results)
        return results

    def clear(self) -> None:
        self.beginResetModel()
        self._hits, self._total, self.query, self.fetch_count = [], 0, "", 0
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def row_of_item(self, item_id: int) -> int:
        for row, hit in enumerate(self._hits):
            if hit.item.id == item_id:
                return row
        return -1

    # -- lazy loading ----------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._hits) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._search is None or not self.canFetchMore():
            return
        offset = len(self._hits)
        try:
            page = self._search(
                self.query, offset=offset, limit=self.page_size, sort=self.sort, facets=False
            )
        except Exception:
            # The index changed under us (a rebuild, a damaged file): stop here
            # rather than asking again on every scroll; the next search starts afresh.
            log.exception("fetching results %d… failed", offset)
            self._total = offset
            return
        hits = page.hits[: max(0, self._total - offset)]
        if not hits:
            self._total = offset
            return
        self.beginInsertRows(QModelIndex(), offset, offset + len(hits) - 1)
        self._hits.extend(hits)
        self.fetch_count += 1
        self.endInsertRows()
        self.fetched.emit(len(self._hits))

    # -- the model --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        item, column = hit.item, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return item.title
            if column == 1:
                return format_day(item.date)
            if column == 2:
                return item.author
            return KIND_TITLES.get(item.kind, item.kind)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return kind_icon(item.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.title}\n{item.original_name}"
        if role == self.HitRole:
            return hit
        if role == self.ItemIdRole:
            return item.id
        return None
