"""Text direction of a paragraph, decided by its first strong character (Unicode's rule P2)."""

from __future__ import annotations

import re
import unicodedata


def is_rtl(text: str) -> bool:
    """True if the first letter with a direction in `text` is right-to-left (Urdu, Arabic…)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def mostly_rtl(text: str) -> bool:
    """True if most letters with a direction in `text` are right-to-left."""
    rtl = ltr = 0
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L":
            ltr += 1
    return rtl > ltr


def isolate(text: str) -> str:
    """`text` wrapped in Unicode first-strong isolates, so that an Urdu name inside an
    English line (or a date inside an Urdu one) keeps its own direction and place."""
    return f"\u2068{text}\u2069" if text else text


def join_isolated(parts: list[str], separator: str = "  ·  ") -> str:
    return separator.join(isolate(p) for p in parts if p)


LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_STRONG_L = frozenset({"L"})
_STRONG_R = frozenset({"R", "AL"})


def _direction_of(token: str) -> str:
    """The direction of one word's letters: L, R, LR (both: "اردو.html", left as it is)
    or "" (none: digits, punctuation, symbols)."""
    found = ""
    for ch in token:
        kind = unicodedata.bidirectional(ch)
        if kind in _STRONG_R and "R" not in found:
            found += "R"
        elif kind in _STRONG_L and "L" not in found:
            found += "L"
    return "LR" if len(found) == 2 else found


def isolation_marks(text: str, rtl: bool) -> dict[int, str]:
    """Where to put bidi isolates in `text`, shown in a paragraph of direction `rtl`, so
    that each run of words in the other direction keeps its order and its neutrals.

    A run starts at a word of the other direction (or at the numbers just before it:
    "17 Feb") and takes in the words after it up to the last such word, with numbers and
    punctuation between them ("17 Feb 2024, 17:03 UTC"). A word keeps the "@" or "#"
    before it, which the paragraph's direction would otherwise move to its other end
    ("demo_reporter@"); the punctuation after the run's last word and brackets around it
    stay outside, with the sentence they belong to, unless the run is in brackets of its
    own ("(Reconstruction … article.)"), when its punctuation up to the closing bracket is
    its own. Returns offset → the marks to
    insert before `text[offset]`.
    """
    other = "L" if rtl else "R"
    opener = LRI if rtl else RLI
    marks: dict[int, str] = {}
    start = end = numbers = -1

    def close() -> None:
        nonlocal end
        # A run in brackets of its own, "(Reconstruction … article.)", is a sentence of
        # its own: the punctuation up to its closing bracket reads with it.
        closer = _CLOSING.get(text[start - 1]) if start > 0 else None
        if closer is not None:
            at = end
            while at < len(text) and text[at] in _TRAILING_OUTSIDE and text[at] != closer:
                at += 1
            if at < len(text) and text[at] == closer:
                end = at
        marks[start] = marks.get(start, "") + opener
        marks[end] = PDI + marks.get(end, "")

    for match in _WORDS.finditer(text):
        word = match.group(0)
        lead = len(word) - len(word.lstrip(_LEADING_OUTSIDE))
        trail = len(word) - len(word.rstrip(_TRAILING_OUTSIDE))
        direction = _direction_of(word)
        if direction == other:
            if start < 0:
                start = numbers if numbers >= 0 else match.start() + lead
            end = max(match.start() + lead, match.end() - trail)
            numbers = -1
        elif direction:
            if start >= 0:
                close()
            start = end = numbers = -1
        elif _NUMBER.fullmatch(word):
            if numbers < 0 and start < 0:
                numbers = match.start()
        else:
            numbers = -1
    if start >= 0:
        close()
    return marks


def isolate_runs(text: str, rtl: bool) -> str:
    """`text` with its runs of the other direction isolated (see `isolation_marks`)."""
    marks = isolation_marks(text, rtl)
    if not marks:
        return text
    out, previous = [], 0
    for offset in sorted(marks):
        out.append(text[previous:offset])
        out.append(marks[offset])
        previous = offset
    out.append(text[previous:])
    return "".join(out)


def strip_marks(text: str) -> str:
    """`text` without the isolates and direction marks added for showing it (for copying)."""
    return text.translate(_MARKS)


_WORDS = re.compile(r"\S+")
_NUMBER = re.compile(r"[\d.,:/\-]*\d[\d.,:/\-]*")
# Punctuation that belongs to the sentence around a word, not to the word ("@" and "#" do).
_LEADING_OUTSIDE = "([{«“‘\"'"
_TRAILING_OUTSIDE = ".,;:!?)]}»”’\"'…،؛؟۔"
_CLOSING = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”"}
_MARKS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"))
