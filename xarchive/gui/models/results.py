"""The results list: a lazy table model that asks the core for pages of hits on demand.

Only the rows a view has scrolled to are fetched (`canFetchMore`/`fetchMore`),
a page at a time, so a query matching 100 000 items costs one page of work
until the user scrolls. The total and the facet counts come with the first page.
In the app the pages are read on the search thread (`SearchService`) and arrive
as signals, so neither typing nor scrolling waits for the disk.

The versions of an edited post are one row (issue 13): the first hit of a version
takes a row, and the hits of its other versions, wherever they rank, join that row
(`VersionsRole`) instead of taking rows of their own. The hits stay in the core's
order underneath, so that pages are fetched by offset as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ...core.errors import XArchiveError
from ...core.model import Item
from ...core.search import Hit, SearchResults
from ..filters import KIND_TITLES, format_day
from ..resources import kind_icon
from ..search_service import SearchFunction, SearchService

log = logging.getLogger(__name__)

PAGE_SIZE = 100
#: Rows whose hits keep their snippets; farther up, only what the row shows (the
#: item) is kept and the snippet is fetched again if the row is shown: scrolling
#: through 100 000 hits kept ~3.5 kB each, a third of a gigabyte.
FULL_ROWS = 20_000

Index = QModelIndex | QPersistentModelIndex


class ResultsModel(QAbstractTableModel):
    """Hits of one query, in the order the core gives them."""

    COLUMNS = ("Title", "Date", "Author", "Kind")
    HitRole = Qt.ItemDataRole.UserRole + 1
    ItemIdRole = Qt.ItemDataRole.UserRole + 2
    #: The hits of the row's post's versions that the query found, in their version
    #: order (the row's own among them); () for a post never edited and other items.
    VersionsRole = Qt.ItemDataRole.UserRole + 3

    #: A new query's first page arrived: its SearchResults (total, facets).
    searched = Signal(object)
    #: Rows were appended by fetchMore (how many rows there are now).
    fetched = Signal(int)
    #: A new query failed on the search thread: the exception (QueryError, IndexUnavailable…).
    failed = Signal(object)

    def __init__(self, search: SearchFunction | None = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self._search = search
        self._service: SearchService | None = None
        self._generation = 0  # bumped by each new query: late answers to older ones are dropped
        self._fetching = False
        self._awaiting_first = False
        self.page_size = page_size
        self._hits: list[Hit] = []
        self._rows: list[int] = []  # the hit each row shows (indexes of _hits)
        self._row_of_hit: list[int] = []  # the row each hit is shown on
        self._group_rows: dict[str, int] = {}  # edited post (its first version's id) → row
        self._row_versions: dict[int, list[int]] = {}  # row of an edited post → its hits
        self._total = 0
        self.query = ""
        self.sort = "relevance"
        self.fetch_count = 0  # pages fetched since the last reset (tests, diagnostics)
        self.full_rows = FULL_ROWS
        self._thin_pages: set[int] = set()  # pages whose hits lost their snippets
        self._refetching: set[int] = set()
        self._on_error: Callable[[Exception], None] | None = None
        #: More to say of an item to a tooltip and a screen reader than its title (what
        #: the platform did to a post: gui/evidence.py), "" for nothing.
        self.describe: Callable[[Item], str] | None = None

    # -- running queries ---------------------------------------------------------------
    def set_search_function(self, search: SearchFunction | None) -> None:
        """Search synchronously with `search` (a stand-in index, tests)."""
        self._search, self._service = search, None
        self.clear()

    def set_service(self, service: SearchService | None) -> None:
        """Search on `service`'s worker thread (the app)."""
        self._service, self._search = service, None
        self.clear()

    @property
    def searching(self) -> bool:
        """True while a new query's first page is on its way."""
        return self._awaiting_first

    def run(self, query: str, sort: str = "relevance") -> SearchResults | None:
        """Search anew and show the first page.

        With a search function the page is there on return (and returned); errors
        (QueryError, IndexUnavailable) are raised, the model left unchanged. With a
        service, the page arrives later: `searched` or `failed` tells when.
        """
        if self._search is None and self._service is None:
            raise XArchiveError("no archive is open")
        if self._service is not None:
            self._service.supersede()
        self._generation += 1
        generation = self._generation
        self._fetching = False
        self._awaiting_first = True
        outcome: list[SearchResults | BaseException] = []

        def answer(results: Any, error: BaseException | None) -> None:
            if generation != self._generation:
                return
            self._awaiting_first = False
            if error is not None:
                outcome.append(error)
                if self._service is not None:
                    self.failed.emit(error)
                return
            outcome.append(results)
            self._show_first(query, sort, results)

        self._request(query, 0, sort, True, answer)
        if outcome and isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0] if outcome else None

    def _show_first(self, query: str, sort: str, results: SearchResults) -> None:
        self.beginResetModel()
        self.query, self.sort = query, sort
        self._hits = []
        self._rows, self._row_of_hit, self._group_rows = [], [], {}
        self._row_versions = {}
        self._add_hits(results.hits)
        self._thin_pages.clear()
        self._refetching.clear()
        self._total = results.total
        self.fetch_count = 1
        self.endResetModel()
        self.searched.emit(results)

    def _request(
        self,
        query: str,
        offset: int,
        sort: str,
        facets: bool,
        answer: Callable[[Any, BaseException | None], None],
    ) -> None:
        limit = self.page_size
        if self._service is not None:
            self._service.call(
                lambda source: source.search(
                    query, offset=offset, limit=limit, sort=sort, facets=facets
                ),
                answer,
            )
            return
        assert self._search is not None
        try:
            results = self._search(query, offset=offset, limit=limit, sort=sort, facets=facets)
        except Exception as exc:
            answer(None, exc)
        else:
            answer(results, None)

    def clear(self) -> None:
        self._generation += 1
        self._fetching = self._awaiting_first = False
        self.beginResetModel()
        self._hits, self._total, self.query, self.fetch_count = [], 0, "", 0
        self._rows, self._row_of_hit, self._group_rows = [], [], {}
        self._row_versions = {}
        self._thin_pages.clear()
        self._refetching.clear()
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def hit(self, row: int) -> Hit | None:
        return self._hits[self._rows[row]] if 0 <= row < len(self._rows) else None

    def row_of_item(self, item_id: int) -> int:
        """The row showing `item_id` (a version of an edited post: the row of its
        versions), -1 if none has been fetched."""
        for at, hit in enumerate(self._hits):
            if hit.item.id == item_id:
                return self._row_of_hit[at]
        return -1

    def versions(self, row: int) -> tuple[Hit, ...]:
        """The hits of the versions of the row's post the query found, oldest version
        first; () for a row that is no edited post."""
        if not 0 <= row < len(self._rows):
            return ()
        found = [self._hits[at] for at in self._row_versions.get(row, ())]
        return tuple(sorted(found, key=lambda h: h.version.number if h.version else 0))

    def _new_rows(self, hits: tuple[Hit, ...] | list[Hit]) -> int:
        """How many rows these hits would add (a version of a post shown adds none)."""
        groups = set(self._group_rows)
        count = 0
        for hit in hits:
            if hit.version is None:
                count += 1
            elif hit.version.group not in groups:
                groups.add(hit.version.group)
                count += 1
        return count

    def _add_hits(self, hits: tuple[Hit, ...] | list[Hit]) -> set[int]:
        """Append hits, each on a row of its own or on its post's versions' row; return
        the rows that were there before and gained a version."""
        before = len(self._rows)
        joined: set[int] = set()
        for hit in hits:
            group = hit.version.group if hit.version is not None else ""
            row = self._group_rows.get(group, -1) if group else -1
            if row < 0:
                row = len(self._rows)
                self._rows.append(len(self._hits))
                if group:
                    self._group_rows[group] = row
            elif row < before:
                joined.add(row)
            if group:
                self._row_versions.setdefault(row, []).append(len(self._hits))
            self._row_of_hit.append(row)
            self._hits.append(hit)
        return joined

    # -- lazy loading ----------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._hits) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Ask for the next page; rows are appended when it arrives (one page at a time)."""
        if parent.isValid() or self._fetching or not self.canFetchMore():
            return
        if self._search is None and self._service is None:
            return
        offset = len(self._hits)
        generation = self._generation
        self._fetching = True

        def answer(page: Any, error: BaseException | None) -> None:
            if generation != self._generation:
                return
            self._fetching = False
            self._append(offset, page, error)

        self._request(self.query, offset, self.sort, False, answer)

    def _append(self, offset: int, page: SearchResults | None, error: BaseException | None) -> None:
        if error is not None or page is None:
            # The index changed under us (a rebuild, a damaged file): stop here
            # rather than asking again on every scroll; the next search starts afresh.
            log.error("fetching results %d… failed", offset, exc_info=error)
            self._total = offset
            return
        if offset != len(self._hits):
            return
        hits = page.hits[: max(0, self._total - offset)]
        if not hits:
            self._total = offset
            return
        first_row = len(self._rows)
        new_rows = self._new_rows(hits)
        if new_rows:
            self.beginInsertRows(QModelIndex(), first_row, first_row + new_rows - 1)
        joined = self._add_hits(hits)
        self.fetch_count += 1
        if new_rows:
            self.endInsertRows()
        for row in sorted(joined):  # a card that now counts another version
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
        self._thin_far_pages()
        self.fetched.emit(len(self._rows))
        if not new_rows and self.canFetchMore():
            self.fetchMore()  # a page of versions only: no row for the view to scroll to

    # -- keeping memory bounded -----------------------------------------------------------
    def _thin_far_pages(self) -> None:
        """Drop the snippets (and leads) of pages more than `full_rows` above the last row."""
        last_thin = (len(self._hits) - self.full_rows) // self.page_size
        for page in range(last_thin):
            if page in self._thin_pages:
                continue
            start = page * self.page_size
            for row in range(start, min(start + self.page_size, len(self._hits))):
                hit = self._hits[row]
                # the matched words stay: opening the row marks them in the viewer
                self._hits[row] = Hit(
                    hit.item, hit.score, hit.rank, None, hit.terms, "", hit.marks, hit.version
                )
            self._thin_pages.add(page)

    def _hit_for_view(self, row: int) -> Hit:
        """The row's hit; on a thinned page, its snippets are fetched again (the row
        is repainted when they arrive)."""
        at = self._rows[row]
        page = at // self.page_size
        if page in self._thin_pages and page not in self._refetching:
            self._refetch(page)
        return self._hits[at]

    def _refetch(self, page: int) -> None:
        if self._search is None and self._service is None:
            return
        generation = self._generation
        offset = page * self.page_size
        self._refetching.add(page)

        def answer(results: Any, error: BaseException | None) -> None:
            if generation != self._generation:
                return
            self._refetching.discard(page)
            if error is not None or results is None:
                log.error("fetching results %d… again failed", offset, exc_info=error)
                return
            stop = min(offset + len(results.hits), len(self._hits))
            for at in range(offset, stop):
                self._hits[at] = results.hits[at - offset]
            self._thin_pages.discard(page)
            if stop > offset:
                rows = self._row_of_hit[offset:stop]
                self.dataChanged.emit(
                    self.index(min(rows), 0), self.index(max(rows), len(self.COLUMNS) - 1)
                )

        self._request(self.query, offset, self.sort, False, answer)

    # -- the model --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        hit = self._hits[self._rows[index.row()]]
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
            more = self.describe(item) if self.describe is not None else ""
            more = " ".join(t for t in (self._versions_found(index.row()), more) if t)
            return f"{item.title}\n{item.original_name}" + (f"\n{more}" if more else "")
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            more = self.describe(item) if self.describe is not None else ""
            return " ".join(t for t in (self._versions_found(index.row()), more) if t) or None
        if role == self.VersionsRole:
            return self.versions(index.row())
        if role == self.HitRole:
            return self._hit_for_view(index.row())
        if role == self.ItemIdRole:
            return item.id
        return None

    def _versions_found(self, row: int) -> str:
        """'Versions 1 and 2 of 2 match.' for a row of an edited post ("" otherwise)."""
        return versions_found(self.versions(row))


def versions_found(hits: tuple[Hit, ...]) -> str:
    """What a card of an edited post says of the versions a query found: "Version 1 of 2
    matches." or "Versions 1 and 2 of 2 match." ("" for no edited post)."""
    numbers = [h.version.number for h in hits if h.version is not None]
    if not numbers or hits[0].version is None:
        return ""
    total = hits[0].version.total
    if len(numbers) == 1:
        return f"Version {numbers[0]} of {total} matches."
    listed = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
    return f"Versions {listed} of {total} match."
