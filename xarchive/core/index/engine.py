"""`SearchIndex`: the Whoosh index folder, writing documents and searching them."""

from __future__ import annotations

import heapq
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from whoosh import highlight, index
from whoosh.index import Index
from whoosh.qparser import QueryParser
from whoosh.query import Phrase, Query, Term

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
        with self._ix.searcher() as searcher:
            ranked, segments = _ranked(searcher, query, sort)
            stop = offset + limit if limit else len(ranked)
            # Newest first for "date": equal dates then come in the reverse of the index order.
            window = _first(ranked, stop, reverse=sort in ("date", "date-desc"))[offset:]
            terms = _matched_text_terms(searcher, query, [docnum for _, docnum in window])
            hits = tuple(
                RawHit(
                    int(searcher.stored_fields(docnum)["id"]),
                    _score(key),
                    offset + n,
                    terms.get(docnum, frozenset()),
                )
                for n, (key, docnum) in enumerate(window)
            )
            facet_counts: dict[str, tuple[tuple[str, int], ...]] = {}
            if facets:
                for name, fieldname in FACETS.items():
                    facet_counts[name] = _facet_counts(segments, fieldname)
        return RawResults(len(ranked), hits, facet_counts)

    def day_counts(self, text: str) -> dict[date, int]:
        """Hits of `text` per calendar day of their `date` field (undated ones left out)."""
        query = self.parse(text)
        counts: dict[date, int] = {}
        with self._ix.searcher() as searcher:
            field = searcher.schema["date"]
            for sub, _offset in searcher.leaf_searchers():
                if not sub.reader().has_column("date"):  # an empty index; nothing dated
                    continue
                # Unscored matching and one column read per hit: nothing is ranked.
                column = sub.reader().column_reader("date", translate=False)
                keys = Counter(column.sort_key(docnum) for docnum in query.docs(sub))
                for key, count in keys.items():
                    value = field.from_column_value(key)
                    if isinstance(value, datetime):
                        day = value.date()
                        counts[day] = counts.get(day, 0) + count
        return counts

    def phrase_marks(self, text: str) -> PhraseMarks | None:
        """For a query with phrases: the words to mark only where their phrase stands.

        None when every matched word may be marked wherever it is (no phrase, or a
        prefix or fuzzy term that could match any word). Raises QueryError.
        """
        phrases: set[tuple[str, ...]] = set()
        loose: set[str] = set()
        for leaf in self.parse(text).leaves():
            if getattr(leaf, "fieldname", None) not in _TEXT_FIELDS:
                continue
            if isinstance(leaf, Phrase):
                phrases.add(tuple(str(w) for w in leaf.words))
            elif type(leaf) is Term:
                loose.add(str(leaf.text))
            else:  # prefix, fuzzy, wildcard, range: any word may be theirs
                return None
        only = {w for phrase in phrases for w in phrase} - loose
        return PhraseMarks(tuple(sorted(phrases)), frozenset(only)) if only else None

    def snippet(
        self,
        terms: frozenset[str],
        pages: Sequence[str],
        max_chars: int = 220,
        marks: PhraseMarks | None = None,
    ) -> Snippet | None:
        """The best passage of `pages` for the matched `terms` (RawHit.terms), with its page.

        With `marks` (from `phrase_marks`), a word of a phrase is marked only where
        the whole phrase stands ("nation" of "national security" is not marked in
        "integrity of the nation"). None when none of the terms occurs in the text
        (e.g. a hit on the title only).
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

        def marked_in_phrases(only: frozenset[str], phrases: Sequence[tuple[str, ...]]) -> Any:
            tokens = [
                t.copy() for t in analyzer(joined, chars=True, mode="index", removestops=False)
            ]
            words = [t.text for t in tokens]
            for token in tokens:
                token.matched = token.text in terms and token.text not in only
            for phrase in phrases:
                size = len(phrase)
                for i, word in enumerate(words):
                    if word == phrase[0] and tuple(words[i : i + size]) == phrase:
                        for token in tokens[i : i + size]:
                            token.matched = True
            return iter(tokens)

        stream = marked()
        if marks is not None and marks.only & terms:
            stream = marked_in_phrases(marks.only, marks.phrases)
        fragmenter = highlight.ContextFragmenter(maxchars=max_chars, surround=max_chars // 3)
        fragments = list(fragmenter.fragment_tokens(joined, stream))
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


#: Each segment's reader with the hits in it (segment docnums, ascending).
_Segments = list[tuple[Any, list[int]]]

#: The fields whose matched words are marked in snippets and viewers.
_TEXT_FIELDS = ("content", "title", "note")


def _ranked(searcher: Any, query: Query, sort: str) -> tuple[list[tuple[Any, int]], _Segments]:
    """(sort key, docnum) of every hit, unsorted (the keys sort the hits as asked),
    and each segment's reader with its hits (segment docnums, ascending).

    Relevance: (-score, date newest first), so that ties (every hit of
    `kind:post` or of `*` scores the same) are broken by date rather than by the
    order of indexing. Date: the date column's sort key. One pass over the hits,
    with no per-hit facet or term bookkeeping.
    """
    ranked: list[tuple[Any, int]] = []
    segments: _Segments = []
    by_relevance = sort not in ("date", "date-desc", "date-asc")
    context = searcher.context(needs_current=True)
    for sub, offset in searcher.leaf_searchers():
        start = len(ranked)
        reader = sub.reader()
        if reader.has_column("date"):
            date_key = reader.column_reader("date", reverse=by_relevance, translate=False).sort_key
        else:  # an empty index (its reader has no columns), or nothing in it dated

            def date_key(docnum: int) -> int:
                return 0

        matcher = query.matcher(sub, context)
        if by_relevance:
            while matcher.is_active():
                docnum = matcher.id()
                ranked.append(((0 - matcher.score(), date_key(docnum)), docnum + offset))
                matcher.next()
        else:
            ranked.extend((date_key(d), d + offset) for d in matcher.all_ids())
        segments.append((sub.reader(), [docnum - offset for _, docnum in ranked[start:]]))
    return ranked, segments


def _first(ranked: list[tuple[Any, int]], count: int, reverse: bool) -> list[tuple[Any, int]]:
    """The first `count` of `ranked` in order; a page near the top of 100 000 hits
    does not pay for sorting all of them."""
    if count < len(ranked) // 4:
        pick = heapq.nlargest if reverse else heapq.nsmallest
        return pick(count, ranked)
    return sorted(ranked, reverse=reverse)[:count]


def _matched_text_terms(
    searcher: Any, query: Query, docnums: Sequence[int]
) -> dict[int, frozenset[str]]:
    """The words of the query (prefix and fuzzy terms expanded) that each of
    `docnums` holds in its text fields; read from the postings of those words
    for these documents only, not recorded while matching every hit."""
    found: dict[int, set[str]] = {}
    if not docnums:
        return {}
    reader = searcher.reader()
    wanted = sorted(docnums)
    for fieldname, btext in _text_terms(reader, query):
        word = btext.decode("utf-8")
        postings = reader.postings(fieldname, btext)
        for docnum in wanted:
            if not postings.is_active():
                break
            if postings.id() < docnum:
                postings.skip_to(docnum)
                if not postings.is_active():
                    break
            if postings.id() == docnum:
                found.setdefault(docnum, set()).add(word)
    return {docnum: frozenset(words) for docnum, words in found.items()}


def _count_at(postings: Any, docnums: Sequence[int]) -> int:
    """How many of `docnums` (ascending) the postings hold."""
    count = 0
    for docnum in docnums:
        if not postings.is_active():  # e.g. a value whose documents are all deleted
            break
        if postings.id() < docnum:
            postings.skip_to(docnum)
            if not postings.is_active():
                break
        if postings.id() == docnum:
            count += 1
    return count


def _text_terms(reader: Any, query: Query) -> set[tuple[str, bytes]]:
    """The words of `query` in the text fields that the index holds, prefix and fuzzy
    terms expanded. (Not `Query.existing_terms`: it keeps only the first field's.)"""
    found: set[tuple[str, bytes]] = set()
    for leaf in query.leaves():
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            if fieldname not in _TEXT_FIELDS:
                continue
            try:
                btext = reader.schema[fieldname].to_bytes(text)
            except ValueError:
                continue
            if (fieldname, btext) in reader:
                found.add((fieldname, btext))
    return found


def _facet_counts(segments: _Segments, fieldname: str) -> tuple[tuple[str, int], ...]:
    """How many hits hold each value of `fieldname`, most first (empty values left out).

    Counted per segment and per value from the value's postings (intersected with
    the hits in C, or skipped through when the hits are few) rather than by
    looking up the values of every hit, and without a term lookup per segment
    for every value, which a multi-segment reader would do.
    """
    counts: Counter[str] = Counter()
    for reader, hits in segments:
        if not hits:
            continue
        field = reader.schema[fieldname]
        few = len(hits) * 32 < reader.doc_count_all()
        hitset = None if few else set(hits)
        for btext in field.sortable_terms(reader, fieldname):
            value = field.from_bytes(btext)
            if value in (None, ""):
                continue
            postings = reader.postings(fieldname, btext)
            if hitset is None:
                count = _count_at(postings, hits)
            else:
                count = len(hitset.intersection(postings.all_ids()))
            if count:
                counts[str(value)] += count
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
