"""Words read by OCR with the place each stands on its page or picture.

OCR keeps them so that a scanned page or a screenshot can be searched *on the
page*: hits and Find in Document marked where the words are, text selected and
highlighted on the picture as on a born-digital page. A box is in fractions of
the page as shown (0..1, top left origin, after the page's rotation), so it
fits the page at any zoom or resolution and whatever picture was OCRed.

`page_text` is the text the boxes spell (a line a line, words one space
apart); `spans` says which characters of it each word is, so a match or a
selection in that text turns into boxes and back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: The version of the stored form; a form this code does not know reads as no words.
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Word:
    """One word OCR read, and where it stands, in fractions of the page."""

    text: str
    x: float
    y: float
    w: float
    h: float
    #: Which line of the page it is on (0, 1, …, in reading order).
    line: int


def page_text(words: Sequence[Word]) -> str:
    """The text the words spell: words of a line one space apart, lines on lines of their own."""
    return _layout(words)[0]


def spans(words: Sequence[Word]) -> list[tuple[int, int]]:
    """(start, end) of each word in `page_text(words)`."""
    return _layout(words)[1]


def _layout(words: Sequence[Word]) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    where: list[tuple[int, int]] = []
    at = 0
    previous: int | None = None
    for word in words:
        if previous is not None:
            gap = " " if word.line == previous else "\n"
            parts.append(gap)
            at += 1
        parts.append(word.text)
        where.append((at, at + len(word.text)))
        at += len(word.text)
        previous = word.line
    return "".join(parts), where


def words_between(words: Sequence[Word], start: int, end: int) -> list[int]:
    """The indices of the words that characters `start`…`end` of `page_text` touch."""
    return [i for i, (a, b) in enumerate(spans(words)) if a < end and b > start]


def dumps(words: Iterable[Word]) -> str:
    """The stored form: compact JSON, boxes to 1/10 000 of the page."""
    rows = [
        [w.text, round(w.x, 4), round(w.y, 4), round(w.w, 4), round(w.h, 4), w.line] for w in words
    ]
    return json.dumps({"v": FORMAT, "words": rows}, ensure_ascii=False, separators=(",", ":"))


def loads(stored: str) -> tuple[Word, ...]:
    """The words of a stored form; none if it is damaged or of a later version."""
    try:
        data = json.loads(stored)
        if data.get("v") != FORMAT:
            return ()
        return tuple(
            Word(str(t), float(x), float(y), float(w), float(h), int(line))
            for t, x, y, w, h, line in data["words"]
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return ()


def nearest(
    words: Sequence[Word], x: float, y: float, width: float = 1.0, height: float = 1.0
) -> int:
    """The index of the word under the point (`x`, `y`) of a page `width` × `height` (in any
    unit, words' boxes being fractions of it), else of the closest word; -1 if none.

    A point beside a line is nearer its words than a point as far above or below it.
    """
    best, distance = -1, float("inf")
    for i, word in enumerate(words):
        left, top = word.x * width, word.y * height
        right, bottom = left + word.w * width, top + word.h * height
        dx = max(left - x, 0.0, x - right)
        dy = max(top - y, 0.0, y - bottom)
        if dx + 3 * dy < distance:
            best, distance = i, dx + 3 * dy
    return best
