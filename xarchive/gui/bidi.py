"""Text direction of a paragraph, decided by its first strong character (Unicode's rule P2)."""

from __future__ import annotations

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
