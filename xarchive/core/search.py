"""Searching an archive: the index's hits joined with what the database knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .archive import Archive
from .index.api import FACETS, SORTS, PhraseMarks, SearchEngine, Snippet
from .model import Item
from .posts.versions import VersionPlace, edited_posts, version_places
from .store import items as item_store


@dataclass(frozen=True, slots=True)
class Hit:
    item: Item
    score: float
    rank: int
    snippet: Snippet | None
    #: The words (as indexed) this hit matched in its text, to mark them in a viewer.
    terms: frozenset[str] = field(default=frozenset())
    #: Without a snippet (no words searched, or they are only in the title): how the
    #: item's text begins, after what its title already shows.
    lead: str = ""
    #: The query's phrases, whose words are marked only where the phrase stands.
    marks: PhraseMarks | None = None
    #: A version of an edited post: which of how many, and the group it shares with the
    #: other versions (the results show the versions a query finds on one card).
    version: VersionPlace | None = None


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    total: int
    offset: int
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[tuple[str, int], ...]]
    #: How many results a list shows, the versions of an edited post found being one
    #: (with the facets only: None without them).
    cards: int | None = None

    @property
    def card_count(self) -> int:
        """The results as a list shows them: the versions a query finds of one post count once."""
        return self.total if self.cards is None else self.cards


class Searcher:
    """Searches one open archive. Not thread-safe: one per thread, like the archive's connection.

    It reads the archive's kept index (`Archive.search_index`), so opening one
    costs nothing once the archive has searched; raises IndexUnavailable.
    """

    def __init__(self, archive: Archive, index: SearchEngine | None = None) -> None:
        self.archive = archive
        self.index = index or archive.search_index()

    def search(
        self,
        query: str,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        facets: bool = True,
        snippets: bool = True,
    ) -> SearchResults:
        """Run `query` (the language in index/query.py). Raises QueryError."""
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        raw = self.index.search(query, offset=offset, limit=limit, sort=sort, facets=facets)
        marks = self.index.phrase_marks(query) if snippets and raw.hits else None
        hits = []
        places = version_places(self.archive.db, [h.item_id for h in raw.hits])
        for raw_hit in raw.hits:
            item = item_store.get_item(self.archive.db, raw_hit.item_id)
            snippet = None
            lead = ""
            if snippets and raw_hit.terms:
                texts = [p.text for p in item_store.pages(self.archive.db, item.id)]
                snippet = self.index.snippet(raw_hit.terms, texts, marks=marks)
            if snippets and snippet is None:
                # A post's title is its account and first words; its lead is all of it.
                title = "" if item.kind == "post" else item.title
                lead = lead_text(title, item_store.opening_text(self.archive.db, item.id))
            hits.append(
                Hit(
                    item, raw_hit.score, raw_hit.rank, snippet, raw_hit.terms, lead, marks,
                    places.get(item.id),
                )
            )  # fmt: skip
        cards = raw.total - self._versions_beside(query) if facets else None
        return SearchResults(query, raw.total, offset, tuple(hits), raw.facets, cards)

    def _versions_beside(self, query: str) -> int:
        """How many of the query's hits are versions of a post another hit is a version of
        (shown on that hit's card): a query for the archive's edited posts, few."""
        groups = edited_posts(self.archive.db)
        if not groups:
            return 0
        found = self.index.matching(query, groups.keys())
        return len(found) - len({groups[item_id] for item_id in found})

    def event_days(self, query: str) -> dict[date, dict[str, int]]:
        """The platform's events (deletions, withholdings, suspensions …) of the posts that
        match `query` and of their accounts, by day and kind, for a timeline; for an
        empty query or `*`, every event of the archive (of posts not in it too).
        Raises QueryError like `search`."""
        from .posts.timeline import event_days, posts_with_events  # only the timeline's

        if query.strip() in ("", "*"):
            return event_days(self.archive.db)
        posts = posts_with_events(self.archive.db)
        found = self.index.matching(query, posts) if posts else set()
        return event_days(self.archive.db, found)

    def day_counts(self, query: str) -> dict[date, int]:
        """How many items matching `query` fall on each day (published, else captured).

        Read from the index alone, so a timeline of 100 000 hits loads no item.
        Raises QueryError like `search`.
        """
        return self.index.day_counts(query)

    def close(self) -> None:
        """Nothing to release: the index is the archive's (closed with it)."""


def lead_text(title: str, text: str, chars: int = 240) -> str:
    """How `text` begins, whitespace folded, cut at a word; what `title` already
    shows of it (a heading repeated as the first line) is left out."""
    text = " ".join(text.split())
    shown = " ".join(title.split())
    if shown.endswith("…"):  # cut short, perhaps inside a word: keep the whole words
        shown = shown[:-1].rsplit(" ", 1)[0]
    shown = shown.rstrip(". ")
    if len(shown) >= 12 and text.startswith(shown):
        rest = text[len(shown) :].lstrip()
        # Only the title's full stop left (a one-line note): no lead, not "…."
        text = "…" + rest if any(ch.isalnum() for ch in rest) else ""
    if len(text) > chars:
        cut = text.rfind(" ", 0, chars)
        text = text[: cut if cut > chars // 2 else chars].rstrip(" ,;:") + "…"
    return text


__all__ = ["FACETS", "Hit", "SearchResults", "Searcher", "SORTS", "lead_text"]
