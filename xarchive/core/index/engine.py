"""`SearchIndex`: the Whoosh engine — the index folder, writing documents and searching them."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import highlight, index
from whoosh.analysis import Token
from whoosh.index import Index, LockError
from whoosh.qparser import QueryParser
from whoosh.query import Phrase, Query, Term
from whoosh.query.terms import MultiTerm

from ..errors import IndexBusy, IndexUnavailable
from .analysis import WORD_PATTERN
from .api import FACETS, IndexHealth, PhraseMarks, RawHit, RawResults, Snippet
from .arrays import SegmentArrays
from .evaluate import Evaluator
from .pairs import PairsWriter
from .query import make_parser, parse_query
from .schema import PAGE_BREAK, build_schema
from .state import INDEX_SCHEMA_VERSION, META_NAME

if TYPE_CHECKING:
    from .document import IndexDocument

_FACET_FIELDS = tuple(FACETS.values())


class SearchIndex:
    """The Whoosh engine (api.SearchEngine) over the index in `directory`.

    Open with `SearchIndex.open`, or `create` a new one. It keeps one searcher,
    refreshed when the index changed; `Archive.search_index` keeps one of these
    per open archive.
    """

    def __init__(self, directory: Path, ix: Index, searcher: Any = None) -> None:
        self.directory = directory
        self._ix = ix
        self._schema = ix.schema  # (Index.schema reads the table of contents again)
        self._parser: QueryParser = make_parser(self._schema)
        self._words: dict[str, str] = {}  # word -> as analysed, for snippets
        self._queries: dict[str, Query] = {}  # text -> parsed, for the last queries
        self._folder = _folder_identity(directory)
        self._searcher = searcher
        self._current: _View | None = None
        self._arrays: dict[Any, SegmentArrays] = {}

    # -- life cycle -------------------------------------------------------------
    @staticmethod
    def health(directory: Path) -> IndexHealth:
        """Whether the index in `directory` can be used, without raising."""
        found = _check_folder(directory)
        if found is not None:
            return found
        try:
            ix = index.open_dir(str(directory))
            with ix.searcher() as searcher:
                count = searcher.doc_count()
            ix.close()
        except Exception as exc:  # Whoosh raises many kinds on a damaged index
            return IndexHealth("corrupt", f"the search index is damaged ({exc})")
        return IndexHealth("ok", doc_count=count)

    @staticmethod
    def segment_sizes(directory: Path) -> list[int]:
        """The live documents of each segment of the index in `directory`, smallest
        first: how an import's segments were merged (its tiers), as on disk now."""
        ix = index.open_dir(str(directory))
        try:
            return sorted(segment.doc_count() for segment in ix._segments())
        finally:
            ix.close()

    @classmethod
    def open(cls, directory: Path) -> SearchIndex:
        """Open the index, and a searcher on it that is kept for every search.

        Raises IndexUnavailable (missing/outdated/corrupt), with the state as its
        `state` attribute.
        """
        found = _check_folder(directory)
        if found is not None:
            raise _unavailable(found)
        try:
            ix = index.open_dir(str(directory))
            searcher = ix.searcher()
            searcher.doc_count()
        except Exception as exc:  # Whoosh raises many kinds on a damaged index
            raise _unavailable(
                IndexHealth("corrupt", f"the search index is damaged ({exc})")
            ) from exc
        return cls(directory, ix, searcher)

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
        self._release()
        self._ix.close()

    @property
    def moved(self) -> bool:
        """Whether the folder it opened is no longer at `directory` (deleted, or a
        rebuilt index swapped in)."""
        return _folder_identity(self.directory) != self._folder

    def _release(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._current = None
        self._arrays.clear()

    def _view(self) -> _View:
        """The kept searcher with its segments' arrays, refreshed only when the
        index changed since (a commit, here or in another process) and reopened
        when a rebuilt index was swapped into the folder."""
        folder = _folder_identity(self.directory)
        if folder != self._folder:
            if folder is None:
                raise IndexUnavailable("the search index is missing")
            self._release()
            self._ix.close()
            try:
                self._ix = index.open_dir(str(self.directory))
            except Exception as exc:  # caught between a rebuild's two renames, or damaged
                raise _unavailable(
                    _check_folder(self.directory)
                    or IndexHealth("corrupt", f"the search index is damaged ({exc})")
                ) from exc
            self._schema = self._ix.schema
            self._parser = make_parser(self._schema)
            self._words.clear()
            self._queries.clear()
            self._folder = folder
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        elif not self._searcher.up_to_date():
            # A new searcher, not Searcher.refresh(): the readers it reuses keep
            # their segments' old deletions (and it fails on an empty index). The
            # arrays of unchanged segments are kept all the same (see _View).
            self._searcher.close()
            self._searcher = self._ix.searcher()
            self._current = None
        if self._current is None:
            self._current = _View(self._searcher, self._arrays, self.directory)
        return self._current

    # -- writing ------------------------------------------------------------------
    def write(
        self,
        documents: Iterable[IndexDocument],
        delete_ids: Iterable[int] = (),
        update: bool = True,
    ) -> int:
        """Add (or replace) documents and delete others in one commit; return how many added.

        Raises IndexBusy when another writer holds the index's lock.
        """
        writer = self._writer(limitmb=128)
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

    def write_new(self, documents: Iterable[IndexDocument], segment_size: int = 10_000) -> int:
        """Add documents never indexed before (a rebuild), a segment of `segment_size`
        at a time, each committed as it is written and none merged; return how many.

        One writer for everything spilled its postings to disk in sorted runs and
        merged them all at the end, and per-batch commits merged segments again
        and again: both cost more than the analysis. A segment that fits in memory
        is sorted once and written once. Raises IndexBusy like `write`.
        """
        count = 0
        batch: list[IndexDocument] = []

        def commit() -> None:
            writer = self._writer(limitmb=768)
            try:
                for doc in batch:
                    writer.add_document(**doc.fields())
            except BaseException:
                writer.cancel()
                raise
            writer.commit(merge=False)
            batch.clear()

        for doc in documents:
            batch.append(doc)
            count += 1
            if len(batch) >= segment_size:
                commit()
        if batch:
            commit()
        return count

    def _writer(self, limitmb: int) -> Any:
        """A Whoosh writer (IndexBusy if another holds the lock), writing segments as
        separate files: a reader opens a compound segment by copying its terms and
        postings out into memory (BufferFile over BytesIO) -- 333 MB and most of a
        search's time at 100 000 items; separate files are read in place."""
        try:
            return PairsWriter(self._ix, limitmb=limitmb, compound=False)
        except LockError as exc:
            raise IndexBusy("the search index is being written by another task") from exc

    def doc_count(self) -> int:
        return int(self._view().searcher.doc_count())

    # -- searching ----------------------------------------------------------------
    def parse(self, text: str) -> Query:
        """The Whoosh query for `text`; raises QueryError with a reason.

        Remembered for the last queries: a search parses its query again for its
        phrase marks, its day counts and every page the results list fetches.
        """
        found = self._queries.get(text)
        if found is None:
            found = parse_query(text, self._parser)
            self._queries[text] = found
            if len(self._queries) > 64:
                self._queries.pop(next(iter(self._queries)))
        return found

    def check(self, text: str) -> None:
        """Raise QueryError if `text` does not parse."""
        self.parse(text)

    def search(
        self,
        text: str,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        facets: bool = True,
    ) -> RawResults:
        """Run a query; hits `offset`…`offset+limit` and facet counts over all hits.

        Relevance ties (every hit of `kind:post` or of `*` scores the same) are
        broken by date, newest first, then by the order of indexing; "date" lists
        the newest first (equal dates in the reverse of the index order),
        "date-asc" the oldest first.
        """
        query = self.parse(text)
        view = self._view()
        parts = [(seg, start, view.evaluator.matches(query, seg, sub)) for seg, sub, start in view]
        local = [np.flatnonzero(found.mask) for _, _, found in parts]
        docs = _concat([ids + start for ids, (_, start, _) in zip(local, parts, strict=True)])
        scores = _concat(
            [found.scores[ids] for ids, (_, _, found) in zip(local, parts, strict=True)]
        )
        dates = _concat(
            [seg.dates()[0][ids] for ids, (seg, _, _) in zip(local, parts, strict=True)]
        )
        stop = min(offset + limit, len(docs)) if limit else len(docs)
        if sort in ("date", "date-desc"):
            order = _top(stop, -dates, -docs)
        elif sort == "date-asc":
            order = _top(stop, dates, docs)
        else:
            order = _top(stop, -scores, -dates, docs)
        window = order[offset:stop]
        window_docs = docs[window].tolist()
        terms = self._matched_text_terms(view, query, window_docs)
        hits = tuple(
            RawHit(
                view.item_id(docnum),
                float(scores[i]),
                offset + n,
                terms.get(docnum, frozenset()),
            )
            for n, (i, docnum) in enumerate(zip(window.tolist(), window_docs, strict=True))
        )
        facet_counts: dict[str, tuple[tuple[str, int], ...]] = {}
        if facets:
            per_segment = [(seg.facets(_FACET_FIELDS), found.mask) for seg, _, found in parts]
            for n, (name, fieldname) in enumerate(FACETS.items()):
                values, places = view.facet_values(fieldname)
                counts = np.zeros(len(values), dtype=np.int64)
                for (facet_arrays, mask), place in zip(per_segment, places, strict=True):
                    counts[place] += facet_arrays[n].counts(mask)
                held = np.flatnonzero(counts)
                ranked = sorted(
                    zip((-counts[held]).tolist(), [values[i] for i in held.tolist()], strict=True)
                )
                facet_counts[name] = tuple((value, -count) for count, value in ranked)
        return RawResults(len(docs), hits, facet_counts)

    def day_counts(self, text: str) -> dict[date, int]:
        """Hits of `text` per calendar day of their `date` field (undated ones left out)."""
        query = self.parse(text)
        view = self._view()
        counts: dict[date, int] = {}
        for seg, sub, _start in view:
            found = view.evaluator.matches(query, seg, sub)
            values, dated = seg.dates()
            days = values[found.mask & dated] // _MICROSECONDS_PER_DAY
            for day, count in zip(*np.unique(days, return_counts=True), strict=True):
                when = date.fromordinal(int(day) + 1)  # the column counts from 0001-01-01
                counts[when] = counts.get(when, 0) + int(count)
        return counts

    def matching(self, text: str, item_ids: Collection[int]) -> set[int]:
        """Which of `item_ids` match `text`: the query's documents looked up by id (a
        posting each), not its hits listed."""
        if not item_ids:
            return set()
        query = self.parse(text)
        view = self._view()
        terms = [(item_id, str(item_id).encode("utf-8")) for item_id in item_ids]
        found: set[int] = set()
        for seg, sub, _start in view:
            mask = view.evaluator.matches(query, seg, sub).mask
            for item_id, btext in terms:
                docs = seg.postings("id", btext).ids
                if item_id not in found and len(docs) and bool(mask[docs].any()):
                    found.add(item_id)
        return found

    def _matched_text_terms(
        self, view: _View, query: Query, docnums: Sequence[int]
    ) -> dict[int, frozenset[str]]:
        """The words of the query (prefix and fuzzy terms expanded) that each of
        `docnums` holds in its text fields, from those words' postings."""
        found: dict[int, set[str]] = {}
        if not docnums:
            return {}
        wanted = np.asarray(docnums, dtype=np.int64)
        for seg, sub, start in view:
            inside = wanted[(wanted >= start) & (wanted < start + seg.size)]
            if not len(inside):
                continue
            for fieldname, btext in _text_terms(sub.reader(), query, seg):
                word = btext.decode("utf-8")
                present = _within_sorted(inside - start, seg.postings(fieldname, btext).ids)
                for docnum in inside[present].tolist():
                    found.setdefault(docnum, set()).add(word)
        return {docnum: frozenset(words) for docnum, words in found.items()}

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
        regions = self._regions(joined, terms, max_chars)
        if not regions:
            return None

        def tokens() -> Any:
            # Only the text around the matched words is read: a long text's other
            # words cannot be in its snippet. Each word is analysed as the content
            # analyzer does it (its filters work word by word), and remembered.
            token = Token(positions=False, chars=True, removestops=False, mode="index")
            token.boost, token.stopped = 1.0, False
            for start, end in regions:
                for match in WORD_PATTERN.finditer(joined, start, end):
                    text = self._analysed(match.group())
                    if text:
                        token.text, token.startchar, token.endchar = text, *match.span()
                        yield token

        def marked() -> Any:
            # The analyzer reuses one token object and the fragmenter copies the
            # matched ones it keeps, so marking in place costs no copies.
            for token in tokens():
                token.matched = token.text in terms
                yield token

        def marked_in_phrases(only: frozenset[str], phrases: Sequence[tuple[str, ...]]) -> Any:
            copies = [t.copy() for t in tokens()]
            words = [t.text for t in copies]
            for token in copies:
                token.matched = token.text in terms and token.text not in only
            for phrase in phrases:
                size = len(phrase)
                for i, word in enumerate(words):
                    if word == phrase[0] and tuple(words[i : i + size]) == phrase:
                        for token in copies[i : i + size]:
                            token.matched = True
            return iter(copies)

        stream = marked()
        if marks is not None and marks.only & terms:
            stream = marked_in_phrases(marks.only, marks.phrases)
        # charlimit=None: Whoosh's default stops at the 32 768th character, which
        # left hits deep in a long PDF without a snippet.
        fragmenter = highlight.ContextFragmenter(
            maxchars=max_chars, surround=max_chars // 3, charlimit=None
        )
        fragments = list(fragmenter.fragment_tokens(joined, stream))
        if not fragments:
            return None
        scorer = highlight.BasicFragmentScorer()
        best = max(fragments, key=lambda f: (scorer(f), -f.startchar))
        # The fragment runs from a word's first letter to a word's last: the "@" of a
        # handle or the "۔" ending a sentence at its edges belong to the passage.
        first, end = best.startchar, best.endchar
        while first > 0 and not joined[first - 1].isspace():
            first -= 1
        while end < len(joined) and not joined[end].isspace():
            end += 1
        page = joined.count("\f", 0, first) + 1
        parts: list[tuple[str, bool]] = []
        pos = first
        for tok in sorted(best.matches, key=lambda t: t.startchar):
            if tok.startchar < pos:
                continue
            parts.append((_WHITESPACE.sub(" ", joined[pos : tok.startchar]), False))
            parts.append((joined[tok.startchar : tok.endchar], True))
            pos = tok.endchar
        parts.append((_WHITESPACE.sub(" ", joined[pos:end]), False))
        if parts and not parts[0][1]:
            parts[0] = (parts[0][0].lstrip(), False)
        if parts and not parts[-1][1]:
            parts[-1] = (parts[-1][0].rstrip(), False)
        return Snippet(page, tuple(p for p in parts if p[0]))

    def _regions(self, joined: str, terms: frozenset[str], reach: int) -> list[tuple[int, int]]:
        """Where in `joined` its snippet can be: around the stretch of `reach`
        characters that holds the most words analysed to one of `terms` (the
        earliest of equals), widened to whole words."""
        # A Latin word keeps its first letter when stemmed, and its stem is never
        # longer: most words are ruled out without being analysed.
        latin = {t for t in terms if t.isascii()}
        firsts = {t[0] for t in latin}
        shortest = min((len(t) for t in latin), default=0)
        wanted = [
            w
            for w in set(WORD_PATTERN.findall(joined))
            if (
                (w[0].lower() in firsts and len(w) >= shortest)
                if w.isascii()
                else True  # accents and ligatures fold to Latin letters
            )
            and self._analysed(w) in terms
        ]
        if not wanted:
            return []
        # Where each stands as a whole word: found by str.find, not by a regular
        # expression of all of them run over the whole text again (a tenth of a search).
        starts = sorted(at for word in wanted for at in _whole_word_starts(joined, word))
        if not starts:
            return []
        best, most, last = starts[0], 0, 0
        for first, at in enumerate(starts):  # a sliding window over the matches
            while last < len(starts) and starts[last] < at + reach:
                last += 1
            if last - first > most:
                best, most = at, last - first
        # The fragmenter starts a third of `reach` before the first match it keeps
        # and ends `reach` after its start: half of `reach` either side is room enough.
        start, end = max(0, best - reach // 2), min(len(joined), best + reach + reach // 2)
        return [_whole_words(joined, start, end)]

    def _analysed(self, word: str) -> str:
        """What the content analyzer makes of one word ("" if nothing), remembered."""
        found = self._words.get(word)
        if found is None:
            analyzer = self._schema["content"].analyzer
            texts = [t.text for t in analyzer(word, mode="index", removestops=False)]
            found = texts[0] if len(texts) == 1 else ""
            if len(self._words) > 200_000:
                self._words.clear()
            self._words[word] = found
        return found


_WHITESPACE = re.compile(r"\s+")
#: A character of a word, as the analyzer's tokenizer (WORD_PATTERN) sees it.
_WORD_CHAR = WORD_PATTERN.pattern.removeprefix("(?:").removesuffix(")+")
_is_word_char = re.compile(_WORD_CHAR).match


def _whole_word_starts(text: str, word: str) -> Iterator[int]:
    """Where `word` stands in `text` with no word character on either side."""
    size = len(word)
    at = text.find(word)
    while at >= 0:
        if not (at and _is_word_char(text, at - 1)) and not _is_word_char(text, at + size):
            yield at
        at = text.find(word, at + size)


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) moved outwards so that no word is cut in two."""
    while start > 0 and WORD_PATTERN.match(text, start - 1, start):
        start -= 1
    while end < len(text) and WORD_PATTERN.match(text, end, end + 1):
        end += 1
    return start, end


_MICROSECONDS_PER_DAY = 86_400 * 1_000_000


def _check_folder(directory: Path) -> IndexHealth | None:
    """What is wrong with the folder (missing, outdated, a damaged table of
    contents) that shows without opening the index; None if nothing."""
    meta = directory / META_NAME
    try:
        version = int(json.loads(meta.read_text(encoding="utf-8")).get("schema_version", 0))
    except FileNotFoundError:
        version = None
    except (OSError, ValueError, AttributeError):
        version = 0
    outdated = IndexHealth("outdated", "the search index was built by another version of xarchive")
    # before Whoosh reads the table of contents: it holds the schema pickled, and an
    # older schema may name classes this version no longer has
    if version is not None and version != INDEX_SCHEMA_VERSION:
        return outdated
    try:
        exists = directory.is_dir() and index.exists_in(str(directory))
    except Exception as exc:  # a damaged table of contents
        return IndexHealth("corrupt", f"the search index is damaged ({exc})")
    if not exists:
        return IndexHealth("missing", "the search index is missing")
    return outdated if version is None else None


def _unavailable(health: IndexHealth) -> IndexUnavailable:
    error = IndexUnavailable(health.reason)
    error.state = health.state
    return error


def _folder_identity(directory: Path) -> tuple[int, int] | None:
    """Which folder is at `directory` now: a rebuilt index is swapped in as a new one."""
    try:
        info = os.stat(directory)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


class _View:
    """An open searcher with the arrays of its segments: what every search reads."""

    def __init__(
        self, searcher: Any, arrays: dict[Any, SegmentArrays], folder: Path | None
    ) -> None:
        self.searcher = searcher
        self.evaluator = Evaluator(searcher)
        self.segments: list[tuple[SegmentArrays, Any, int]] = []
        self._facet_values: dict[str, tuple[list[str], list[np.ndarray]]] = {}
        kept: dict[Any, SegmentArrays] = {}
        for sub, start in searcher.leaf_searchers():
            reader = sub.reader()
            if not reader.doc_count_all():  # an empty index: nothing to find
                continue
            segment = reader.segment()
            key = segment.segment_id() if segment is not None else id(reader)
            # The segment's documents never change; its deletions may have.
            seg = SegmentArrays(reader, previous=arrays.get(key), folder=folder)
            kept[key] = seg
            self.segments.append((seg, sub, start))
        arrays.clear()
        arrays.update(kept)

    def __iter__(self) -> Iterator[tuple[SegmentArrays, Any, int]]:
        return iter(self.segments)

    def item_id(self, docnum: int) -> int:
        """The item the searcher's document `docnum` is."""
        for seg, _, start in self.segments:
            if start <= docnum < start + seg.size:
                return seg.item_id(docnum - start)
        raise IndexError(f"no document {docnum} in the index")

    def facet_values(self, fieldname: str) -> tuple[list[str], list[np.ndarray]]:
        """Every value of a facet in any segment, and for each segment where each
        of its values stands in that list: counts add up in one array, not in a
        dictionary lookup per value and segment."""
        found = self._facet_values.get(fieldname)
        if found is None:
            where: dict[str, int] = {}
            places = []
            for seg, _, _ in self.segments:
                (values,) = seg.facets((fieldname,))
                places.append(
                    np.asarray(
                        [where.setdefault(v, len(where)) for v in values.values], dtype=np.int64
                    )
                )
            found = self._facet_values[fieldname] = (list(where), places)
        return found


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _top(count: int, *keys: np.ndarray) -> np.ndarray:
    """Positions of the first `count` entries ordered by `keys` (the first key
    first, ascending). Only the entries that can be among them are sorted: a
    first page of 100 000 hits does not pay for sorting all of them."""
    size = len(keys[0])
    if not size or count <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = _candidates(count, keys, np.arange(size))
    order = np.lexsort(tuple(key[candidates] for key in reversed(keys)))
    result: np.ndarray = candidates[order[:count]]
    return result


def _candidates(count: int, keys: tuple[np.ndarray, ...], among: np.ndarray) -> np.ndarray:
    """A subset of `among` that holds its first `count` by `keys`: those before the
    `count`-th by the first key, and of those tied with it, the first by the
    next keys (every hit of `kind:post` scores the same: the date decides)."""
    if count >= len(among) // 4 or not keys:
        return among
    first = keys[0][among]
    threshold = np.partition(first, count - 1)[count - 1]
    ahead = among[first < threshold]
    tied = among[first == threshold]
    rest = _candidates(count - len(ahead), keys[1:], tied)
    return np.concatenate([ahead, rest])


#: The fields whose matched words are marked in snippets and viewers.
_TEXT_FIELDS = ("content", "title", "note")


def _within_sorted(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Which of `values` stand in `ids` (ascending, as postings are): np.isin's answer
    by binary search, without its sort, whose first call imports numpy.ma (10-20 ms of
    a whole `xarchive search`)."""
    if not len(ids):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ids, values), len(ids) - 1)
    present: np.ndarray = ids[at] == values
    return present


def _text_terms(reader: Any, query: Query, seg: SegmentArrays) -> set[tuple[str, bytes]]:
    """The words of `query` in the text fields that the index holds, prefix and fuzzy
    terms expanded. (Not `Query.existing_terms`: it keeps only the first field's.)

    A prefix or fuzzy term's words come from the segment's expansions, which the
    evaluator has just filled for the same term: expanding a fuzzy term walks the
    term dictionary, nine tenths of a fuzzy search when it was done twice."""
    found: set[tuple[str, bytes]] = set()
    for leaf in query.leaves():
        if isinstance(leaf, MultiTerm):
            fieldname = leaf.field()
            if fieldname in _TEXT_FIELDS:
                found.update((fieldname, word) for word in seg.expanded(leaf, reader))
            continue
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


__all__ = [
    "FACETS",
    "META_NAME",
    "IndexHealth",
    "PhraseMarks",
    "RawHit",
    "RawResults",
    "SearchIndex",
    "Snippet",
]
