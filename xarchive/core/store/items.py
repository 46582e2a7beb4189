"""Items, pages and provenance: the queries on them (the records are core/model/'s)."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ItemNotFound
from ..model import Item, Page, Source, field_names
from ..names import storable
from .connection import chunks

if TYPE_CHECKING:  # what an import writes: a search reads items (model/extracted.py)
    from ..model import NewItem

#: The columns of `items`, named as the fields of `Item` (core/model/).
_NAMES = field_names(Item)
_COLUMNS = ", ".join(_NAMES)
#: What an insert writes: all but what the archive sets itself (the id, `indexed`).
_WRITTEN = tuple(name for name in _NAMES if name not in ("id", "indexed"))
_INSERT = f"INSERT INTO items ({', '.join(_WRITTEN)}) VALUES ({', '.join('?' * len(_WRITTEN))})"
#: Text that may come from a file name not UTF-8: the importer keeps its bytes
#: (names.storable).
_NAMED = frozenset({"title", "original_name", "original_path", "source_root"})

#: Columns whose few values repeat from item to item (kind, media type, language,
#: source folder, OCR status): one string each, not one per item in memory.
_REPEATED = ("kind", "media_type", "language", "source_root", "ocr_status")
_NO_EXTRA = "{}"


def _item(row: Sequence[Any]) -> Item:
    values = dict(zip(_NAMES, row, strict=True))
    for column in _REPEATED:
        if isinstance(values[column], str):
            values[column] = sys.intern(values[column])
    warnings, extra = values["warnings"], values["extra"]
    values["warnings"] = tuple(json.loads(warnings)) if warnings != "[]" else ()
    values["extra"] = json.loads(extra) if extra != _NO_EXTRA else {}
    values["indexed"] = bool(values["indexed"])
    return Item(**values)


def _written(new: NewItem) -> list[Any]:
    values: list[Any] = []
    for name in _WRITTEN:
        if name == "page_count":
            values.append(len(new.pages))
        elif name == "warnings":
            values.append(json.dumps(list(new.warnings), ensure_ascii=False))
        elif name == "extra":
            values.append(json.dumps(new.extra, ensure_ascii=False, sort_keys=True))
        elif name in _NAMED:
            values.append(storable(getattr(new, name)))
        else:
            values.append(getattr(new, name))
    return values


def insert_item(conn: sqlite3.Connection, new: NewItem) -> int:
    """Insert an item with its pages; the caller owns the transaction."""
    cursor = conn.execute(_INSERT, _written(new))
    item_id = cursor.lastrowid
    assert item_id is not None
    ocr_pages = set(new.ocr_pages)
    conn.executemany(
        "INSERT INTO pages (item_id, page_no, text, from_ocr) VALUES (?, ?, ?, ?)",
        [(item_id, no, text, int(no in ocr_pages)) for no, text in enumerate(new.pages, 1)],
    )
    if new.ocr_words:
        from . import ocr_words  # with core/words.py's records: a search reads none

        ocr_words.save(conn, item_id, new.ocr_words)
    return item_id


def add_source(
    conn: sqlite3.Connection, item_id: int, run_id: int, path: str, root: str, seen_at: str
) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO item_sources (item_id, run_id, path, root, seen_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (item_id, run_id, storable(path), storable(root), seen_at),
    )


def get_item(conn: sqlite3.Connection, item_id: int) -> Item:
    row = conn.execute(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise ItemNotFound(f"no item with id {item_id}")
    return _item(row)


def find_item(conn: sqlite3.Connection, ref: str) -> Item:
    """An item by id (``42``) or by SHA-256 or a unique prefix of it (at least 6 hex digits)."""
    ref = ref.strip().lower().removeprefix("#").removeprefix("sha256:")
    if ref.isdigit() and len(ref) < 12:
        return get_item(conn, int(ref))
    if len(ref) >= 6 and all(c in "0123456789abcdef" for c in ref):
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM items WHERE sha256 LIKE ? LIMIT 2", (ref + "%",)
        ).fetchall()
        if len(rows) == 1:
            return _item(rows[0])
        if len(rows) > 1:
            raise ItemNotFound(f"‘{ref}’ matches several items; give more of the hash")
    raise ItemNotFound(f"no item with id or hash ‘{ref}’")


def item_by_sha(conn: sqlite3.Connection, sha256: str) -> int | None:
    row = conn.execute("SELECT id FROM items WHERE sha256 = ?", (sha256,)).fetchone()
    return None if row is None else int(row[0])


def delete_item(conn: sqlite3.Connection, item_id: int) -> None:
    """Delete the item's row; what refers to it follows its ON DELETE rule (migrations.py)."""
    conn.execute("DELETE FROM items WHERE id = ?", (item_id,))


def latest_by_name(conn: sqlite3.Connection) -> dict[str, int]:
    """The newest item (the last version imported) of each original file name."""
    rows = conn.execute("SELECT original_name, max(id) FROM items GROUP BY original_name")
    return {str(name): int(item_id) for name, item_id in rows}


def item_exists(conn: sqlite3.Connection, item_id: int) -> bool:
    return conn.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is not None


def versions_of(
    conn: sqlite3.Connection, ids: Sequence[int]
) -> Iterator[tuple[int, str, int | None]]:
    """(id, SHA-256, the item it is a new version of, if any) of each of the items."""
    for chunk in chunks(ids):
        marks = ", ".join("?" * len(chunk))
        for item_id, sha, previous in conn.execute(
            "SELECT id, sha256, json_extract(extra, '$.previous_version') FROM items "
            f"WHERE id IN ({marks})",
            chunk,
        ):
            yield int(item_id), str(sha), None if previous is None else int(previous)


def latest_named(conn: sqlite3.Connection, original_name: str) -> int | None:
    """The newest item (the last version imported) whose original had this file name."""
    row = conn.execute(
        "SELECT max(id) FROM items WHERE original_name = ?", (original_name,)
    ).fetchone()
    return None if row[0] is None else int(row[0])


def items(conn: sqlite3.Connection, ids: Iterable[int] | None = None) -> Iterator[Item]:
    """Every item (in id order), or the given ones."""
    if ids is None:
        cursor = conn.execute(f"SELECT {_COLUMNS} FROM items ORDER BY id")
        for row in cursor:
            yield _item(row)
        return
    for item_id in ids:
        yield get_item(conn, item_id)


def items_by_id(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, Item]:
    """These items by their ids, read a few hundred a statement; raises ItemNotFound for
    an id that is no item (as `get_item`)."""
    found: dict[int, Item] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {_COLUMNS} FROM items WHERE id IN ({marks})", chunk):
            item = _item(row)
            found[item.id] = item
    for item_id in item_ids:
        if item_id not in found:
            raise ItemNotFound(f"no item with id {item_id}")
    return found


def item_dates(conn: sqlite3.Connection) -> list[tuple[int, str, str, str]]:
    """(id, published_at, captured_at, imported_at) of every item, in id order: what
    listing them by date needs, without reading whole items."""
    rows = conn.execute("SELECT id, published_at, captured_at, imported_at FROM items ORDER BY id")
    return [(int(i), str(p), str(c), str(m)) for i, p, c, m in rows]


def item_ids(conn: sqlite3.Connection) -> list[int]:
    """Every item's id, in order."""
    return [int(r[0]) for r in conn.execute("SELECT id FROM items ORDER BY id")]


def count_items(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])


def kind_counts(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(kind, how many items are of it) for every kind the archive holds, by kind."""
    rows = conn.execute("SELECT kind, count(*) FROM items GROUP BY kind ORDER BY kind")
    return [(str(kind), int(count)) for kind, count in rows]


def pages(conn: sqlite3.Connection, item_id: int) -> list[Page]:
    rows = conn.execute(
        "SELECT item_id, page_no, text, from_ocr FROM pages WHERE item_id = ? ORDER BY page_no",
        (item_id,),
    ).fetchall()
    return [Page(r[0], r[1], r[2], bool(r[3])) for r in rows]


def pages_of_items(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, list[Page]]:
    """`pages` of each of these items (an item without pages is left out)."""
    found: dict[int, list[Page]] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT item_id, page_no, text, from_ocr FROM pages WHERE item_id IN ({marks}) "
            "ORDER BY item_id, page_no",
            chunk,
        )
        for r in rows:
            found.setdefault(r[0], []).append(Page(r[0], r[1], r[2], bool(r[3])))
    return found


def page_text(conn: sqlite3.Connection, item_id: int, page_no: int) -> str | None:
    """The text of one page of an item; None if it has no such page."""
    row = conn.execute(
        "SELECT text FROM pages WHERE item_id = ? AND page_no = ?", (item_id, page_no)
    ).fetchone()
    return None if row is None else str(row[0])


def opening_text(conn: sqlite3.Connection, item_id: int, chars: int = 400) -> str:
    """The first `chars` characters of an item's first page that has any text."""
    row = conn.execute(
        "SELECT substr(text, 1, ?) FROM pages WHERE item_id = ? AND trim(text) != '' "
        "ORDER BY page_no LIMIT 1",
        (chars, item_id),
    ).fetchone()
    return str(row[0]) if row else ""


def sources(conn: sqlite3.Connection, item_id: int) -> list[Source]:
    rows = conn.execute(
        "SELECT run_id, path, root, seen_at FROM item_sources WHERE item_id = ? ORDER BY id",
        (item_id,),
    ).fetchall()
    return [Source(*r) for r in rows]


def sources_of_items(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, list[Source]]:
    """`sources` of each of these items (an item without any is left out)."""
    found: dict[int, list[Source]] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT item_id, run_id, path, root, seen_at FROM item_sources "
            f"WHERE item_id IN ({marks}) ORDER BY id",
            chunk,
        )
        for item_id, *values in rows:
            found.setdefault(item_id, []).append(Source(*values))
    return found


def source_row(conn: sqlite3.Connection, source_id: int) -> tuple[int, str] | None:
    """(item id, path) of one provenance record, or None if it is gone."""
    row = conn.execute(
        "SELECT item_id, path FROM item_sources WHERE id = ?", (source_id,)
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def title_of(conn: sqlite3.Connection, item_id: int) -> str | None:
    """The item's title, or None if there is no such item."""
    row = conn.execute("SELECT title FROM items WHERE id = ?", (item_id,)).fetchone()
    return None if row is None else str(row[0])


def unindexed_ids(conn: sqlite3.Connection) -> list[int]:
    return [int(r[0]) for r in conn.execute("SELECT id FROM items WHERE indexed = 0")]


def mark_indexed(conn: sqlite3.Connection, ids: Iterable[int], indexed: bool = True) -> None:
    conn.executemany("UPDATE items SET indexed = ? WHERE id = ?", [(int(indexed), i) for i in ids])


def mark_all_unindexed(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE items SET indexed = 0")
