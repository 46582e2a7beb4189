"""Between what a text viewer shows and the item's stored page text.

A viewer shows an article's sanitised HTML, a post as a card, a PDF page as
QtPdf reads it: not the characters the importer stored in `pages`, where the
core anchors highlights. A selection is carried across by its quote and the
text around it (what the W3C TextQuoteSelector is for), found with the core's
own anchoring; a stored highlight is drawn by finding its quote the same way
in the viewer's text.

Qt counts positions in UTF-16 code units, Python in code points: an emoji in a
post is two of one and one of the other, so positions are converted both ways.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...core.annotate.anchoring import CONTEXT, Quote, locate
from ...core.model import TextSpan

#: Characters a QTextDocument puts in its raw text that are not text.
_OBJECT = "\ufffc"


def to_utf16(text: str, index: int) -> int:
    """The UTF-16 position of code point `index` of `text`."""
    head = text[:index]
    return index + sum(1 for c in head if ord(c) > 0xFFFF)


def from_utf16(text: str, position: int) -> int:
    """The code point index of UTF-16 position `position` in `text`."""
    if text.isascii() or all(ord(c) <= 0xFFFF for c in text):
        return min(position, len(text))
    units = 0
    for i, c in enumerate(text):
        if units >= position:
            return i
        units += 2 if ord(c) > 0xFFFF else 1
    return len(text)


@dataclass(frozen=True, slots=True)
class PageSpan:
    page: int  # 1-based
    start: int
    end: int
    anchor: str  # "ok"/"moved": the very words; "fuzzy": something close


def quote_in(shown: str, start: int, end: int) -> Quote:
    """The selection shown[start:end] as a quote with its context (objects as spaces)."""
    clean = shown.replace(_OBJECT, " ")
    return Quote(
        clean[start:end], clean[max(0, start - CONTEXT) : start], clean[end : end + CONTEXT]
    )


def find_in_pages(pages: Sequence[str], quote: Quote, near_page: int = 1) -> PageSpan | None:
    """Where the quote is in the stored pages (its context picks the occurrence)."""
    exact = quote.exact.strip()
    if not exact or not pages:
        return None
    lead = len(quote.exact) - len(quote.exact.lstrip())
    trimmed = Quote(
        exact,
        quote.prefix + quote.exact[:lead],
        quote.exact[lead + len(exact) :] + quote.suffix,
    )
    found = locate(pages, near_page, 0, 0, trimmed)
    if found is None:
        return None
    return PageSpan(found.page, found.start, found.end, found.anchor)


def find_span(shown: str, span: TextSpan) -> tuple[int, int] | None:
    """Where a stored highlight is in the text shown (code points), if it is there."""
    found = locate(
        [shown.replace(_OBJECT, " ")], 1, 0, 0, Quote(span.exact, span.prefix, span.suffix)
    )
    return None if found is None else (found.start, found.end)
