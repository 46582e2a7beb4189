"""A row's seal is the SHA-256 of its canonical JSON (store/custody.py), and must stay so:
the seals already in every archive's audit log were written that way. An item's text
is digested from its UTF-8 without json.dumps (the fast way, most of a verify's check):
its digest must be the same for every text, whatever characters JSON escapes in it."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from xarchive.core.store import custody as store

ITEM_COLUMNS = store.SEALED["items"].columns


def _canonical(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _database(pages: list[tuple[int, object, object]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE items ({', '.join(ITEM_COLUMNS)})")
    conn.execute("CREATE TABLE pages (item_id, page_no, text, from_ocr)")
    values = {c: None for c in ITEM_COLUMNS} | {"id": 1, "title": 'A "quoted"\\ title\n'}
    conn.execute(f"INSERT INTO items VALUES ({','.join('?' * len(values))})", list(values.values()))
    conn.executemany("INSERT INTO pages VALUES (1, ?, ?, ?)", pages)
    return conn


def _expected(pages: list[tuple[int, object, object]]) -> list[str]:
    """The seal as its format says, computed the plain way."""
    values = {c: None for c in ITEM_COLUMNS} | {"id": 1, "title": 'A "quoted"\\ title\n'}
    meta = hashlib.sha256(_canonical(["items", store.SEAL_VERSION, *values.values()]))
    text = hashlib.sha256()
    for page_no, page_text, from_ocr in sorted(pages, key=lambda p: p[0]):
        text.update(_canonical([page_no, page_text, from_ocr]) + b"\n")
    return [meta.hexdigest(), text.hexdigest()]


TRICKY = [
    "",
    "plain words",
    'a "quote", a back\\slash and \\u0041 written out',
    "lines\nand\r\nreturns\tand tabs\x08\x0c",
    "every control character: " + "".join(map(chr, range(32))) + "\x7f",
    "عدالت نے درخواست سنی\u2028\u2029 and ✊🏽 𝕏",
]


def test_an_items_seal_is_that_of_its_canonical_json() -> None:
    pages = [(n, text, n % 2) for n, text in enumerate(TRICKY, 1)]
    conn = _database(pages)
    assert dict(store.row_seals(conn, "items")) == {1: _expected(pages)}


def test_a_page_of_no_text_or_of_odd_types_is_sealed_as_json_writes_it() -> None:
    pages: list[tuple[int, object, object]] = [(1, None, 0), (2, 42, 1), (3, "text", 2.5)]
    conn = _database(pages)
    assert dict(store.row_seals(conn, "items")) == {1: _expected(pages)}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=3))
def test_any_text_is_sealed_as_its_canonical_json(texts: list[str]) -> None:
    pages = [(n, text, 0) for n, text in enumerate(texts, 1)]
    conn = _database(pages)
    assert dict(store.row_seals(conn, "items")) == {1: _expected(pages)}


def test_other_rows_and_audit_entries_are_sealed_as_their_canonical_json() -> None:
    columns = store.SEALED["links"].columns
    values: list[object] = [7, 'uid "7"', 1, "a\\b\n", 2, None, "cites\x01", "note ✊🏽", 0.5]
    values += [float("inf"), 2**62, -3][: len(columns) - len(values)]
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE links ({', '.join(columns)})")
    conn.execute(f"INSERT INTO links VALUES ({','.join('?' * len(values))})", values)
    (stored,) = conn.execute("SELECT * FROM links").fetchall()
    expected = hashlib.sha256(_canonical(["links", store.SEAL_VERSION, *stored])).hexdigest()
    assert list(store.row_seals(conn, "links")) == [(7, expected)]
    entry = (3, "ab" * 32, "2026-12-03T10:00:00+00:00", "Researcher ‘A’", "tag.add", '{"k": "v"}')
    assert store.entry_hash(*entry) == hashlib.sha256(_canonical(list(entry))).hexdigest()
