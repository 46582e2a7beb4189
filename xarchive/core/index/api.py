"""The search engine's interface: what the rest of xarchive may ask of an index.

The archive's index is a cache of archive.sqlite that any full-text engine could
hold. Everything outside `core/index/` speaks to it through `SearchEngine` and
these engine-neutral values, never through Whoosh; `SearchIndex`
(core/index/engine.py) is the Whoosh engine, and tests/core/test_engine_contract.py
is what any engine put in its place must pass. docs/search-engine.md maps the
interface onto a server engine (OpenSearch) for an archive that outgrows one
machine.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .document import IndexDocument

#: Facets offered with every search: name -> index field.
FACETS = {
    "kind": "kind",
    "tag": "tag",
    "month": "ym",
    "author": "author_facet",
    "language": "lang",
    "source": "source",
    "account": "account",
    "hashtag": "hashtag",
    "mention": "mention",
    "withheld": "withheld_in",  # "Withheld in": country codes
    "to": "to_facet",  # a message's To and Cc, an address a value
    "cc": "cc_facet",
}

#: How hits can be ordered: by relevance (ties newest first), newest or oldest first.
SORTS = ("relevance", "date", "date-asc")


@dataclass(frozen=True, slots=True)
class Snippet:
    """A piece of an item's text around a hit, with the matched words marked."""

    page: int  # 1-based
    parts: tuple[tuple[str, bool], ...]  # (text, is_match)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.parts)

    def marked(self, before: str = "[", after: str = "]") -> str:
        return "".join(f"{before}{t}{after}" if m else t for t, m in self.parts)


@dataclass(frozen=True, slots=True)
class PhraseMarks:
    """The phrases of a query (analysed words) and the words marked only inside them."""

    phrases: tuple[tuple[str, ...], ...]
    only: frozenset[str]


@dataclass(frozen=True, slots=True)
class RawHit:
    item_id: int
    score: float
    rank: int  # 0-based position in the whole result list
    #: The words of the item's text that matched (prefix and fuzzy terms expanded).
    terms: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RawResults:
    total: int
    hits: tuple[RawHit, ...]
    facets: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndexHealth:
    state: str  # "ok", "missing", "corrupt", "outdated"
    reason: str = ""
    doc_count: int = 0

    @property
    def ok(self) -> bool:
        return self.state == "ok"


class SearchEngine(Protocol):
    """An open index of one archive. One per thread; `close()` when done.

    Every method that takes a query raises QueryError (with a sentence that
    points at the mistake) for one that does not parse; `write` raises
    IndexBusy when another writer holds the index.
    """

    directory: Path

    def write(
        self,
        documents: Iterable[IndexDocument],
        delete_ids: Iterable[int] = (),
        update: bool = True,
    ) -> int:
        """Add (`update`: or replace, by item id) documents and delete others, in one
        commit that readers see whole or not at all; return how many were added."""
        ...

    def write_new(self, documents: Iterable[IndexDocument], segment_size: int = 10_000) -> int:
        """Add documents never indexed before (a rebuild into an empty index), as
        fast as the engine can; the same answers as `write` afterwards."""
        ...

    def search(
        self,
        text: str,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        facets: bool = True,
    ) -> RawResults:
        """Hits `offset`…`offset+limit` (all with `limit=0`) in `sort` order, the
        total, and (`facets`) the count of hits for each value of each of FACETS."""
        ...

    def day_counts(self, text: str) -> dict[date, int]:
        """Hits per calendar day of their date (published, else captured, else
        imported); undated ones left out."""
        ...

    def matching(self, text: str, item_ids: Collection[int]) -> set[int]:
        """Which of `item_ids` match `text` (the posts of a search that were edited, or
        acted on by the platform), without listing every hit."""
        ...

    def phrase_marks(self, text: str) -> PhraseMarks | None:
        """The query's phrases, whose words are marked only where the phrase stands."""
        ...

    def snippet(
        self,
        terms: frozenset[str],
        pages: Sequence[str],
        max_chars: int = 220,
        marks: PhraseMarks | None = None,
    ) -> Snippet | None:
        """The best passage of an item's `pages` for its matched `terms` (RawHit.terms)."""
        ...

    def check(self, text: str) -> None:
        """Raise QueryError if `text` is not a query the engine understands."""
        ...

    def doc_count(self) -> int:
        """How many items the index holds."""
        ...

    def close(self) -> None: ...
