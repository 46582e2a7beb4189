"""`SearchIndex`: the Whoosh index folder, writing documents and searching them."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from whoosh import highlight, index, sorting
from whoosh.index import Index
from whoosh.qparser import QueryParser
from whoosh.query import Query

from ..errors import IndexUnavailable
from .query import make_parser, parse_query
from .schema import INDEX_SCHEMA_VERSION, PAGE_BREAK, IndexDocument, build_schema

META_NAME = "xarchive-index.json"

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
}


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


class SearchIndex:
    """The index in `directory`. Open with `SearchIndex.open`, or `create` a new one."""

    def __init__(self, directory: Path, ix: Index) -> None:
        self.directory = directory
        self._ix = ix
        self._parser: QueryParser = make_parser(ix.schema)

    # -- life cycle -------------------------------------------------------------
    @staticmethod
    def health(directory: Path) -> IndexHealth:
        """Whether the index in `directory` can be used, without raising."""
        try:
            exists = directory.is_dir() and index.exists_in(str(directory))
        except Exception as exc:  # a damaged table of contents
            return IndexHealth("corrupt", f"the search index is damaged ({exc})")
        if not exists:
            return IndexHealth("missing", "the search index is missing")
        try:
            meta = json.loads((directory / META_NAME).read_text(encoding="utf-8"))
            version = int(meta.get("schema_version", 0))
        except (OSError, ValueError, AttributeError):
            version = 0
        if version != INDEX_SCHEMA_VERSION:
            return IndexHealth(
                "outdated", "the search index was built by another version of xarchive"
            )
        try:
            ix = index.open_dir(str(directory))
            with ix.searcher() as searcher:
                count = searcher.doc_count()
            ix.close()
        except Exception as exc:  # Whoosh raises many kinds on a damaged index
            return IndexHealth("corrupt", f"the search index is damaged ({exc})")
        return IndexHealth("ok", doc_count=count)

    @classmethod
    def open(cls, directory: Path) -> SearchIndex:
        """Open the index; raises IndexUnavailable (missing/outdated/corrupt)."""
        health = cls.health(directory)
        if not health.ok:
            raise IndexUnavailable(health.reason)
        return cls(directory, index.open_dir(str(directory)))

    @classmethod
    def create(cls, directory: Path) -> SearchIndex:
        """A new, empty index in `directory` (replacing whatever is there)."""
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        ix = index.create_in(str(directory), build_schema())
        (directory / META_NAME).write_text(
            json.dumps({"schema_version": INDEX_SCHEMA_VERSION}), encoding="utf-8"
        )
        return cls(directory, ix)

    def close(self) -> None:
        self._ix.close()

    # -- writing ------------------------------------------------------------------
    def write(
        self,
        documents: Iterable[IndexDocument],
        delete_ids: Iterable[int] = (),
        update: bool = True,
    ) -> int:
        """Add (or replace) documents and delete others in one commit; return how many added."""
        writer = self._ix.writer(limitmb=128)
        count = 0
        try:
            for item_id in delete_ids:
                writer.delete_by_term("id", str(item_id))
            for doc in documents:
                if update:
                    writer.update_document(**doc.fields())
                else:
                    writer.add_document(**doc.fields())
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def doc_count(self) -> int:
        with self._ix.searcher() as searcher:
            return int(searcher.doc_count())

    # -- searching ----------------------------------------------------------------
    def parse(self, text: str) -> Query:
        """The Whoosh query for `text`; raises QueryError with a reason."""
        return parse_query(text, self._parser)

    def search(
        self,
        text: str,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        facets: bool = True,
        within: Sequence[int] | None = None,
    ) -> RawResults:
        """Run a query; hits `offset`…`offset+limit` and facet counts over all hits."""
        query = self.parse(text)
        groupedby = None
        if facets:
            groupedby = {
                name: sorting.FieldFacet(
                    fieldname, allow_overlap=fieldname in ("tag", "account", "hashtag", "mention")
                )
                for name, fieldname in FACETS.items()
            }
        # Relevance ties (every hit of `kind:post` or of "" scores the same) are
        # broken by date, newest first, rather than by the order of indexing.
        sortedby: Any = [sorting.ScoreFacet(), sorting.FieldFacet("date", reverse=True)]
        reverse = False
        if sort in ("date", "date-desc"):
            sortedby, reverse = "date", True
        elif sort == "date-asc":
            sortedby = "date"
        with self._ix.searcher() as searcher:
            results = searcher.search(
                query,
                limit=offset + limit if limit else None,
                sortedby=sortedby,
                reverse=reverse,
                groupedby=groupedby,
                maptype=sorting.Count,
                terms=True,
            )
            total = len(results)
            window = results[offset : offset + limit] if limit else list(results)
            hits = tuple(
                RawHit(int(h["id"]), _score(h.score), h.rank, _text_terms(h)) for h in window
            )
            facet_counts: dict[str, tuple[tuple[str, int], ...]] = {}
            if facets:
                for name in FACETS:
                    groups = results.groups(name)
                    facet_counts[name] = tuple(
                        sorted(
                            ((str(k), int(v)) for k, v in groups.items() if k not in (None, "")),
                            key=lambda kv: (-kv[1], kv[0]),
                        )
                    )
        return RawResults(total, hits, facet_counts)

    def day_counts(self, text: str) -> dict[date, int]:
        """Hits of `text` per calendar day of their `date` field (undated ones left out)."""
        query = self.parse(text)
        counts: dict[date, int] = {}
        with self._ix.searcher() as searcher:
            results = searcher.search(
                query,
                limit=1,
                groupedby={"day": sorting.FieldFacet("date")},
                maptype=sorting.Count,
            )
            for key, count in results.groups("day").items():
                if isinstance(key, datetime):
                    day = key.date()
                    counts[day] = counts.get(day, 0) + int(count)
        return counts

    def snippet(
        self, terms: frozenset[str], pages: Sequence[str], max_chars: int = 220
    ) -> Snippet | None:
        """The best passage of `pages` for the matched `terms` (RawHit.terms), with its page.

        None when none of the terms occurs in the text (e.g. a hit on the title only).
        """
        if not terms:
            return None
        joined = PAGE_BREAK.join(pages)
        analyzer = self._ix.schema["content"].analyzer

        def marked() -> Any:
            # The analyzer reuses one token object and the fragmenter copies the
            # matched ones it keeps, so marking in place costs no copies.
            for token in analyzer(joined, chars=True, mode="index", removestops=False):
                token.matched = token.text in terms
                yield token

        fragmenter = highlight.ContextFragmenter(maxchars=max_chars, surround=max_chars // 3)
        fragments = list(fragmenter.fragment_tokens(joined, marked()))
        if not fragments:
            return None
        scorer = highlight.BasicFragmentScorer()
        best = max(fragments, key=lambda f: (scorer(f), -f.startchar))
        page = joined.count("\f", 0, best.startchar) + 1
        parts: list[tuple[str, bool]] = []
        pos = best.startchar
        for tok in sorted(best.matches, key=lambda t: t.startchar):
            if tok.startchar < pos:
                continue
            parts.append((_WHITESPACE.sub(" ", joined[pos : tok.startchar]), False))
            parts.append((joined[tok.startchar : tok.endchar], True))
            pos = tok.endchar
        parts.append((_WHITESPACE.sub(" ", joined[pos : best.endchar]), False))
        if parts and not parts[0][1]:
            parts[0] = (parts[0][0].lstrip(), False)
        if parts and not parts[-1][1]:
            parts[-1] = (parts[-1][0].rstrip(), False)
        return Snippet(page, tuple(p for p in parts if p[0]))


_WHITESPACE = re.compile(r"\s+")


def _score(key: Any) -> float:
    """A hit's relevance score. Sorted by (score, date), its sort key is (-score, -date)."""
    if isinstance(key, tuple):
        return float(-key[0]) if key and isinstance(key[0], int | float) else 0.0
    return float(key or 0.0)


def _text_terms(hit: Any) -> frozenset[str]:
    """The words a hit matched in its text fields (not in ids, dates or facets)."""
    if not hit.results.has_matched_terms():
        return frozenset()
    return frozenset(
        word.decode("utf-8") if isinstance(word, bytes) else str(word)
        for fieldname, word in hit.matched_terms()
        if fieldname in ("content", "title", "note")
    )
