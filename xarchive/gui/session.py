"""The open archive as the GUI thread sees it: the Archive, its Searcher, and reads for views.

Everything here runs on the GUI thread with the Archive's own connection;
jobs that write use their own (see workers.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..core import blobs
from ..core.archive import Archive
from ..core.errors import IndexUnavailable
from ..core.index.api import PhraseMarks, Snippet
from ..core.indexing import ArchiveIndexState, index_state
from ..core.model import Item, Page, Source
from ..core.search import Searcher, SearchResults
from ..core.words import Word

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageHit:
    """A page of an item that matches the query, with its best passage."""

    page: int
    snippet: Snippet


class ArchiveSession:
    """One open archive. `searcher` is None while the index cannot be used."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.searcher: Searcher | None = None
        #: why the index cannot be used (with its remedy, a rebuild), while it cannot
        self.index_problem: IndexUnavailable | None = None
        #: the index was built by another version of xarchive (rebuilt without asking)
        self.index_outdated = False
        self.open_searcher()

    @classmethod
    def open(cls, root: Path, readonly: bool = False) -> ArchiveSession:
        """Open the archive at `root`. Raises the core's ArchiveNotFound, ArchiveLocked,
        ArchiveTooNew, ArchiveCorrupt, or OSError."""
        return cls(Archive.open(root, readonly=readonly))

    @property
    def root(self) -> Path:
        return self.archive.root

    @property
    def name(self) -> str:
        try:
            return self.archive.name
        except Exception:  # a settings read must never stop a title bar
            return self.archive.root.name

    @property
    def writable(self) -> bool:
        return self.archive.writable

    def open_searcher(self) -> None:
        """(Re)open the index; on failure keep the error in `index_problem`."""
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None
        try:
            self.searcher = Searcher(self.archive)
            self.index_problem = None
            self.index_outdated = False
        except IndexUnavailable as exc:
            self.index_problem = exc
            self.index_outdated = exc.state == "outdated"

    def _unavailable(self) -> IndexUnavailable:
        # a new error each time: raising the kept one again would grow its traceback
        kept = self.index_problem
        error = IndexUnavailable(str(kept or "the search index is not open"), archive=self.root)
        error.state = kept.state if kept is not None else ""
        return error

    def index_state(self) -> ArchiveIndexState:
        return index_state(self.archive)

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None
        self.archive.close()

    # -- searching ------------------------------------------------------------------
    def search(
        self,
        query: str,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        facets: bool = True,
        snippets: bool = True,
    ) -> SearchResults:
        """Searcher.search, or IndexUnavailable when there is no usable index."""
        if self.searcher is None:
            raise self._unavailable()
        return self.searcher.search(query, offset, limit, sort, facets, snippets)

    def check_query(self, query: str) -> None:
        """Raise QueryError if `query` does not parse (nothing is searched), or
        IndexUnavailable when there is no usable index."""
        if self.searcher is None:
            raise self._unavailable()
        self.searcher.index.check(query)

    def matching_pages(
        self, terms: frozenset[str], item_id: int, marks: PhraseMarks | None = None
    ) -> list[PageHit]:
        """The pages of an item where any of `terms` occurs (a phrase's words: where the
        phrase stands, see `PhraseMarks`), with a passage of each."""
        if self.searcher is None or not terms:
            return []
        result = []
        for page in self.pages(item_id):
            snippet = self.searcher.index.snippet(terms, [page.text], max_chars=160, marks=marks)
            if snippet is not None:
                result.append(PageHit(page.page_no, Snippet(page.page_no, snippet.parts)))
        return result

    # -- items --------------------------------------------------------------------------
    def item(self, item_id: int) -> Item:
        return self.archive.item(item_id)

    def pages(self, item_id: int) -> list[Page]:
        return self.archive.pages(item_id)

    def ocr_words(self, item_id: int) -> dict[int, tuple[Word, ...]]:
        """Page (1-based) → the words OCR read there, with their boxes; {} if none kept."""
        return self.archive.ocr_words(item_id)

    def sources(self, item_id: int) -> list[Source]:
        return self.archive.sources(item_id)

    def original_path(self, item: Item) -> Path:
        """Where the original bytes are (read-only; may be missing if the archive is damaged)."""
        return blobs.blob_path(self.archive.blobs_dir, item.sha256)

    def derived_path(self, relative: object) -> Path | None:
        """A file under derived/ named in item.extra, if it exists and stays inside derived/."""
        if not isinstance(relative, str) or not relative:
            return None
        base = self.archive.derived_dir.resolve()
        path = (base / relative).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            return None
        return path


def parse_day(value: str) -> date | None:
    """The calendar day of an ISO date or date-time ("" or garbage gives None)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def item_count(session: ArchiveSession) -> int:
    """How many items the archive holds (0 if the database cannot say)."""
    try:
        return session.archive.item_count()
    except Exception:  # a status bar must never raise
        log.warning("could not count items", exc_info=True)
        return 0
