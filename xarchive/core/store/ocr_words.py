"""The words OCR read on each page, with their boxes: the `ocr_words` table."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from ..words import Word, dumps, loads
from .connection import chunks


def save(conn: sqlite3.Connection, item_id: int, pages: Mapping[int, Sequence[Word]]) -> None:
    """Store (or replace) the words of the given pages of an item; the caller owns the
    transaction."""
    conn.executemany(
        "INSERT OR REPLACE INTO ocr_words (item_id, page_no, words) VALUES (?, ?, ?)",
        [(item_id, page, dumps(words)) for page, words in sorted(pages.items()) if words],
    )


def page_words(conn: sqlite3.Connection, item_id: int) -> dict[int, tuple[Word, ...]]:
    """Page (1-based) → the words OCR read on it; empty for items imported before boxes
    were kept, and for pages with a text layer."""
    rows = conn.execute(
        "SELECT page_no, words FROM ocr_words WHERE item_id = ? ORDER BY page_no", (item_id,)
    ).fetchall()
    found = {int(page): loads(stored) for page, stored in rows}
    return {page: words for page, words in found.items() if words}


def page_words_of_items(
    conn: sqlite3.Connection, item_ids: Sequence[int]
) -> dict[int, dict[int, tuple[Word, ...]]]:
    """`page_words` of each of these items (an item with no words kept is left out)."""
    found: dict[int, dict[int, tuple[Word, ...]]] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT item_id, page_no, words FROM ocr_words WHERE item_id IN ({marks}) "
            "ORDER BY item_id, page_no",
            chunk,
        )
        for item_id, page, stored in rows:
            words = loads(stored)
            if words:
                found.setdefault(int(item_id), {})[int(page)] = words
    return found
