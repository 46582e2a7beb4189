"""Finding a highlighted passage again after the text around it changed.

A highlight remembers its page, its position in the page's text, the quote
itself and up to 32 characters on each side (W3C TextPositionSelector and
TextQuoteSelector). When the text changes — a re-import of an edited file, a new
OCR — `locate` looks for it in this order, as Hypothesis and other annotators do:

1. the same page and position still hold the quote: "ok";
2. the quote with its context (prefix and suffix) elsewhere: "moved";
3. the quote alone, the occurrence nearest the old place: "moved";
4. something close to the quote (difflib), near its context: "fuzzy";
5. nothing: the caller keeps the highlight at its old place as "orphaned".

Pure functions on strings: no database here. Differences in white space (lines
re-wrapped by OCR or another PDF producer) and in quote marks and dashes do not
count as changes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

#: Characters of context kept on each side of a quote.
CONTEXT = 32
#: How close a fuzzy match must be to the quote (difflib ratio) to be accepted: by
#: characters, and by words (so that the same words in another order do not count).
FUZZY_THRESHOLD = 0.75
FUZZY_WORD_THRESHOLD = 0.6
#: Quotes shorter than this are too weak to be found by a fuzzy match.
FUZZY_MIN_LENGTH = 8

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
# Characters that look alike to a person typing a quote.
_ALIKE = {
    "'": "'‘’‛`´",
    '"': '"“”„‟«»',
    "-": "-‐‑‒–—−",
}
_ALIKE_CLASS = {c: "[" + re.escape(group) + "]" for group in _ALIKE.values() for c in group}


@dataclass(frozen=True, slots=True)
class Quote:
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Found:
    page: int  # 1-based
    start: int
    end: int
    anchor: str  # "ok", "moved" or "fuzzy"


def quote_at(text: str, start: int, end: int, context: int = CONTEXT) -> Quote:
    """The quote text[start:end] with up to `context` characters on each side."""
    return Quote(text[start:end], text[max(0, start - context) : start], text[end : end + context])


def _pattern(quote: str) -> re.Pattern[str] | None:
    words = quote.split()
    if not words:
        return None
    parts = []
    for word in words:
        parts.append("".join(_ALIKE_CLASS.get(c) or re.escape(c) for c in word))
    return re.compile(r"\s+".join(parts))


def find_quote(text: str, quote: str, ignore_case: bool = False) -> list[tuple[int, int]]:
    """Every (start, end) of `quote` in `text`, however the white space and quote marks differ.

    Case matters unless `ignore_case`. An empty or blank quote is found nowhere.
    """
    pattern = _pattern(quote)
    if pattern is None:
        return []
    if ignore_case:
        pattern = re.compile(pattern.pattern, re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def locate(pages: Sequence[str], page: int, start: int, end: int, quote: Quote) -> Found | None:
    """Where the highlight (page, start, end, quote) is in `pages` now; None if nowhere."""
    if not quote.exact.strip():
        return None
    full = float(bool(quote.prefix)) + float(bool(quote.suffix))
    # Still there, and not another occurrence that slid into its place?
    if (
        1 <= page <= len(pages)
        and pages[page - 1][start:end] == quote.exact
        and _context_score(pages[page - 1], start, end, quote) >= full
    ):
        return Found(page, start, end, "ok")
    order = sorted(range(1, len(pages) + 1), key=lambda p: (abs(p - page), p))

    # The quote itself: the best context, then the nearest to where it was.
    best: tuple[tuple[float, int, int], Found] | None = None
    for p in order:
        text = pages[p - 1]
        for s, e in find_quote(text, quote.exact):
            score = _context_score(text, s, e, quote)
            rank = (-score, abs(p - page), abs(s - start) if p == page else s)
            if best is None or rank < best[0]:
                best = (rank, Found(p, s, e, "ok" if (p, s, e) == (page, start, end) else "moved"))
    if best is not None:
        return best[1]

    fuzzy: tuple[tuple[float, int, int], Found] | None = None
    for p in order:
        text = pages[p - 1]
        hint = start if p == page else 0
        match = _fuzzy(text, quote, hint)
        if match is None:
            continue
        s, e, score = match
        rank = (-round(score, 3), abs(p - page), abs(s - hint))
        if fuzzy is None or rank < fuzzy[0]:
            fuzzy = (rank, Found(p, s, e, "fuzzy"))
    return None if fuzzy is None else fuzzy[1]


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text)


def _context_score(text: str, start: int, end: int, quote: Quote) -> float:
    """How well the text around (start, end) matches the quote's prefix and suffix: 0…2."""
    score = 0.0
    if quote.prefix:
        before = _squash(text[max(0, start - 2 * CONTEXT) : start])
        want = _squash(quote.prefix)
        score += _tail_similarity(before, want)
    if quote.suffix:
        after = _squash(text[end : end + 2 * CONTEXT])
        want = _squash(quote.suffix)
        score += _tail_similarity(after[::-1], want[::-1])
    return score


def _tail_similarity(have: str, want: str) -> float:
    """1.0 when `have` ends with `want`; else the share of `want`'s end that matches."""
    if not want:
        return 0.0
    have_tail = have[-len(want) :]
    if have_tail == want:
        return 1.0
    return difflib.SequenceMatcher(None, have_tail, want, autojunk=False).ratio() * 0.9


def _fuzzy(text: str, quote: Quote, hint: int) -> tuple[int, int, float] | None:
    """The span of `text` closest to the quote, with its score, if close enough."""
    exact = quote.exact
    n = len(exact)
    if n < FUZZY_MIN_LENGTH or not text:
        return None
    # Seeds: where pieces of the quote occur verbatim; each suggests where the
    # quote would start. Only those windows are compared in full.
    k = max(4, min(12, n // 4))
    starts: set[int] = set()
    for offset in range(0, n - k + 1, max(1, k // 2)):
        piece = exact[offset : offset + k]
        if not piece.strip():
            continue
        found = text.find(piece)
        count = 0
        while found != -1 and count < 50:
            starts.add(found - offset)
            found = text.find(piece, found + 1)
            count += 1
    if not starts:
        return None
    candidates = sorted(starts, key=lambda s: abs(s - hint))[:200]
    seen: set[tuple[int, int]] = set()
    best: tuple[float, int, int] | None = None
    slack = max(8, n // 2)
    for guess in candidates:
        lo = max(0, guess - slack)
        hi = min(len(text), guess + n + slack)
        span = _best_span(text, lo, hi, exact)
        if span is None or span in seen:
            continue
        seen.add(span)
        s, e = span
        ratio = difflib.SequenceMatcher(None, _squash(text[s:e]), _squash(exact), False).ratio()
        if ratio < FUZZY_THRESHOLD or _word_ratio(text[s:e], exact) < FUZZY_WORD_THRESHOLD:
            continue
        score = ratio + 0.05 * _context_score(text, s, e, quote)
        if best is None or score > best[0] + 1e-9:
            best = (score, s, e)
    if best is None:
        return None
    return best[1], best[2], best[0]


def _word_ratio(a: str, b: str) -> float:
    words_a, words_b = _WORD.findall(a.casefold()), _WORD.findall(b.casefold())
    if len(words_b) < 3:
        return 1.0  # too few words to judge by; the characters decide
    return difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


def _best_span(text: str, lo: int, hi: int, exact: str) -> tuple[int, int] | None:
    """The part of text[lo:hi] that lines up with `exact`: from its first to its last match."""
    window = text[lo:hi]
    matcher = difflib.SequenceMatcher(None, window, exact, autojunk=False)
    longest = matcher.find_longest_match(0, len(window), 0, len(exact))
    if longest.size < 3:
        return None
    # Where the quote would begin and end if it lined up with the longest match.
    begin = longest.a - longest.b
    finish = longest.a + (len(exact) - longest.b)
    margin = max(4, len(exact) // 5)
    blocks = [
        b
        for b in matcher.get_matching_blocks()
        if b.size >= 2 and b.a >= begin - margin and b.a + b.size <= finish + margin
    ]
    if not blocks:
        return None
    s = min(b.a for b in blocks)
    e = max(b.a + b.size for b in blocks)
    # Do not begin or end inside a word when the quote does not.
    while s > 0 and exact[:1].isalnum() and window[s - 1 : s].isalnum():
        s -= 1
    while e < len(window) and exact[-1:].isalnum() and window[e : e + 1].isalnum():
        e += 1
    return lo + s, lo + e
