"""A Whoosh query's hits and scores in one segment, computed a whole array at a time.

Each query node becomes a `Matches`: a boolean mask over the segment's documents
and the score of each (0 where it does not match). Term postings come from
`SegmentArrays`; And, Or, Not and their kin are mask operations; BM25F scores are
computed for a whole posting list at once with the statistics Whoosh itself uses
(the index-wide document frequency and average field length, the same B and K1),
so the hits and their order are Whoosh's. A node this module does not know is
asked of Whoosh's own matcher, one document at a time: slower, never different.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.fields import DATETIME
from whoosh.query.positional import Phrase
from whoosh.query.ranges import NumericRange
from whoosh.query.terms import MultiTerm
from whoosh.query.wrappers import ConstantScoreQuery, Not
from whoosh.scoring import BM25F

from .arrays import SegmentArrays
from .pairs import pair_key

_BM25 = BM25F()


@dataclass(slots=True)
class Matches:
    mask: np.ndarray  # bool, one per document of the segment
    scores: np.ndarray  # float64, 0 where mask is False


class Evaluator:
    """Evaluates queries against the segments of one open Whoosh searcher."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher  # the top-level searcher: global statistics
        self._doc_count_all = int(searcher.doc_count_all())
        self._idf: dict[tuple[str, bytes], float] = {}
        self._avgfl: dict[str, float] = {}

    def matches(self, query: wq.Query, seg: SegmentArrays, sub: Any) -> Matches:
        """The documents of the segment (`sub`: its leaf searcher) that match, and
        their scores; deleted documents never match."""
        found = self._node(query, seg, sub, scored=True)
        found.mask &= seg.alive
        return found

    # -- the nodes ---------------------------------------------------------------------
    def _node(self, q: wq.Query, seg: SegmentArrays, sub: Any, scored: bool) -> Matches:
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return _none(seg)
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost, seg, scored)
        if isinstance(q, wq.And):
            return self._compound(q.subqueries, True, q.boost, seg, sub, scored)
        if isinstance(q, wq.Or) and not q.scale:
            return self._compound(q.subqueries, False, q.boost, seg, sub, scored)
        if isinstance(q, wq.AndNot):
            a = self._node(q.a, seg, sub, scored)
            b = self._node(q.b, seg, sub, scored=False)
            return _masked(a.mask & ~b.mask, a.scores)
        if isinstance(q, wq.AndMaybe):
            a = self._node(q.a, seg, sub, scored)
            b = self._node(q.b, seg, sub, scored)
            return _masked(a.mask, a.scores + b.scores)
        if isinstance(q, wq.Require):
            a = self._node(q.a, seg, sub, scored)
            b = self._node(q.b, seg, sub, scored=False)
            return _masked(a.mask & b.mask, a.scores)
        if isinstance(q, Not):
            inner = self._node(q.query, seg, sub, scored=False)
            return _constant(~inner.mask, q.boost)
        if isinstance(q, wq.Every) and q.fieldname in (None, "", "*"):
            return _constant(np.ones(seg.size, dtype=bool), q.boost)
        if isinstance(q, ConstantScoreQuery):
            inner = self._node(q.child, seg, sub, scored=False)
            return _constant(inner.mask, q.score)
        if isinstance(q, NumericRange):
            return self._range(q, seg, sub, scored)
        if isinstance(q, Phrase):
            return self._phrase(q, seg, sub, scored)
        if isinstance(q, MultiTerm):
            return self._multiterm(q, seg, sub, scored)
        return self._by_whoosh(q, seg, sub, scored)

    def _term(
        self, fieldname: str, text: Any, boost: float, seg: SegmentArrays, scored: bool
    ) -> Matches:
        schema = seg.reader.schema
        if fieldname not in schema:
            return _none(seg)
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return _none(seg)
        postings = seg.postings(fieldname, btext)
        mask = np.zeros(seg.size, dtype=bool)
        scores = np.zeros(seg.size)
        if not len(postings.ids):
            return Matches(mask, scores)
        mask[postings.ids] = True
        if not scored:  # Whoosh's unscored leaf: the weight is the score
            values = postings.weights
        elif field.scorable:
            values = self._bm25(
                fieldname, btext, postings.weights, seg.lengths(fieldname)[postings.ids]
            )
        else:
            values = postings.weights
        scores[postings.ids] = values * boost if boost != 1.0 else values
        return Matches(mask, scores)

    def _bm25(self, fieldname: str, btext: bytes, tf: np.ndarray, fl: np.ndarray) -> np.ndarray:
        key = (fieldname, btext)
        idf = self._idf.get(key)
        if idf is None:
            df = self.searcher.doc_frequency(fieldname, btext)
            idf = self._idf[key] = log(self._doc_count_all / (df + 1)) + 1
        avgfl = self._avgfl.get(fieldname)
        if avgfl is None:
            avgfl = self._avgfl[fieldname] = self.searcher.avg_field_length(fieldname) or 1
        b, k1 = _BM25.B, _BM25.K1
        result: np.ndarray = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        return result

    def _compound(
        self, subs: Any, every: bool, boost: float, seg: SegmentArrays, sub: Any, scored: bool
    ) -> Matches:
        """And (`every`) or Or of `subs`: the documents matching all or any of them,
        scored by the sum of the scores of those that match, as Whoosh does."""
        if not subs:
            return _none(seg)
        if len(subs) == 1:
            return self._node(subs[0], seg, sub, scored)
        mask = np.full(seg.size, every, dtype=bool)
        scores = np.zeros(seg.size)
        for child in subs:
            found = self._node(child, seg, sub, scored)
            if every:
                mask &= found.mask
            else:
                mask |= found.mask
            scores += found.scores
        return _boosted(_masked(mask, scores) if every else Matches(mask, scores), boost)

    def _multiterm(self, q: MultiTerm, seg: SegmentArrays, sub: Any, scored: bool) -> Matches:
        fieldname = q.field()
        words = seg.expanded(q, sub.reader())
        if not words:
            return _none(seg)
        if len(words) == 1:
            return self._term(fieldname, words[0], q.boost, seg, scored)
        # A "constant-score" pattern still scores each word with BM25F in Whoosh
        # (its searcher falls back to the default weighting); the boost is each word's.
        mask = np.zeros(seg.size, dtype=bool)
        scores = np.zeros(seg.size)
        for word in words:
            found = self._term(fieldname, word, q.boost, seg, scored)
            mask |= found.mask
            scores += found.scores
        return Matches(mask, scores)

    def _range(self, q: NumericRange, seg: SegmentArrays, sub: Any, scored: bool) -> Matches:
        """A date range from the field's column (a range of terms costs a read of
        every term in it); other ranges as Whoosh compiles them."""
        schema = seg.reader.schema
        field = schema[q.fieldname] if q.fieldname in schema else None  # noqa: SIM401 (not a dict)
        if not (
            isinstance(field, DATETIME) and q.constantscore and seg.reader.has_column(q.fieldname)
        ):
            return self._node(q._compile_query(sub.reader()), seg, sub, scored)
        values, mask = seg.dates(q.fieldname)
        mask = mask.copy()
        if q.start is not None:
            mask &= values > q.start if q.startexcl else values >= q.start
        if q.end is not None:
            mask &= values < q.end if q.endexcl else values <= q.end
        return _constant(mask, q.boost)

    def _phrase(self, q: Phrase, seg: SegmentArrays, sub: Any, scored: bool) -> Matches:
        """Documents with every word, narrowed to those with every adjacent pair
        of them (the segment's pair table, pairs.py) — for two words that is the
        answer; for more, positions are checked in those documents only. Scored
        as Whoosh does: the sum of the words' scores."""
        schema = seg.reader.schema
        if q.fieldname not in schema or not q.words:
            return _none(seg)
        words = [self._term(q.fieldname, w, 1.0, seg, scored) for w in q.words]
        mask = words[0].mask.copy()
        for found in words[1:]:
            mask &= found.mask
        table = seg.pairs() if q.fieldname == "content" and q.slop == 1 else None
        if table is not None and mask.any():
            for first, second in zip(q.words, q.words[1:], strict=False):
                paired = np.zeros(seg.size, dtype=bool)
                paired[table.docs_of(pair_key(first, second))] = True
                mask &= paired
        if not mask.any():
            return _none(seg)
        if len(q.words) > 2 or (len(q.words) == 2 and table is None):
            mask = self._in_order(q, seg, mask)
        scores = np.zeros(seg.size)
        for found in words:
            scores += found.scores
        return _boosted(_masked(mask, scores), q.boost)

    def _in_order(self, q: Phrase, seg: SegmentArrays, mask: np.ndarray) -> np.ndarray:
        """Of the documents in `mask` (which hold every word), those in which the
        words stand one after another (within the phrase's slop)."""
        field = seg.reader.schema[q.fieldname]
        docs = np.flatnonzero(mask)
        btexts = [field.to_bytes(w) for w in q.words]
        per_word = [seg.positions(q.fieldname, b, docs) for b in btexts]
        slop = q.slop
        verified = np.zeros(seg.size, dtype=bool)
        for n, docnum in enumerate(docs.tolist()):
            starts = per_word[0][n]
            for later in per_word[1:]:
                following = later[n]
                # a word may follow the one before it by 1…slop positions
                starts = [p for p in following if any(0 < p - s <= slop for s in starts)]
                if not starts:
                    break
            else:
                verified[docnum] = True
        return verified

    def _by_whoosh(self, q: wq.Query, seg: SegmentArrays, sub: Any, scored: bool) -> Matches:
        context = sub.context(needs_current=False) if scored else sub.boolean_context()
        matcher = q.matcher(sub, context)
        mask = np.zeros(seg.size, dtype=bool)
        scores = np.zeros(seg.size)
        while matcher.is_active():
            docnum = matcher.id()
            mask[docnum] = True
            scores[docnum] = matcher.score() if scored else 1.0
            matcher.next()
        return Matches(mask, scores)


def _none(seg: SegmentArrays) -> Matches:
    return Matches(np.zeros(seg.size, dtype=bool), np.zeros(seg.size))


def _constant(mask: np.ndarray, score: float) -> Matches:
    return Matches(mask, mask * float(score))


def _masked(mask: np.ndarray, scores: np.ndarray) -> Matches:
    return Matches(mask, np.where(mask, scores, 0.0))


def _boosted(found: Matches, boost: float) -> Matches:
    if boost != 1.0:
        found.scores *= boost
    return found
