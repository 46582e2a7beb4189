"""The rows the chain of custody seals, the chained audit log, and what changed since.

Each writable connection gets TEMP triggers that note every row inserted, changed
or deleted in the sealed tables (an item's pages count as the item) in a TEMP
table: a change made by another program (the sqlite3 shell, a forger) goes
unnoted, and so unsealed, which `verify` finds.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

#: The columns each sealed table is sealed by (never `indexed`: the index's state).
#: A column added later is sealed once it is listed here (and SEAL_VERSION raised).
SEALED: dict[str, tuple[str, ...]] = {
    "items": (
        "id", "sha256", "kind", "title", "original_name", "original_path", "size",
        "media_type", "language", "published_at", "captured_at", "imported_at", "author",
        "source_url", "import_run_id", "source_root", "ocr_status", "page_count", "warnings",
        "extra",
    ),
    "annotations": (
        "id", "uid", "kind", "item_id", "target_sha256", "note", "colour", "page", "exact",
        "prefix", "suffix", "start_char", "end_char", "x", "y", "w", "h", "anchor", "via",
        "creator", "created_at", "modified_at",
    ),
    "tags": ("id", "name", "key", "creator", "created_at", "modified_at"),
    "item_tags": (
        "id", "uid", "item_id", "target_sha256", "tag_id", "via", "creator", "created_at",
        "modified_at",
    ),
    "links": (
        "id", "uid", "source_id", "source_sha256", "target_id", "target_sha256", "relation",
        "note", "via", "creator", "created_at", "modified_at",
    ),
}  # fmt: skip
SEAL_VERSION = 1
_DIRTY = "temp.xarchive_unsealed"


def watch(conn: sqlite3.Connection) -> None:
    """Note, on this connection, every change to a sealed row (idempotent)."""
    statements = [
        "CREATE TEMP TABLE IF NOT EXISTS xarchive_unsealed "
        "(tbl TEXT NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (tbl, row))"
    ]
    for table, columns in SEALED.items():
        listed = ", ".join(c for c in columns if c != "id")
        for event, ref in (("INSERT", "new.id"), (f"UPDATE OF {listed}", "new.id"),
                           ("DELETE", "old.id")):  # fmt: skip
            name = f"xarchive_seal_{table}_{event.split()[0].lower()}"
            statements.append(
                f"CREATE TEMP TRIGGER IF NOT EXISTS {name} AFTER {event} ON main.{table} "
                f"BEGIN INSERT OR IGNORE INTO xarchive_unsealed VALUES ('{table}', {ref}); END"
            )
    for event, ref in (("INSERT", "new.item_id"), ("UPDATE", "new.item_id"),
                       ("DELETE", "old.item_id")):  # fmt: skip
        statements.append(
            f"CREATE TEMP TRIGGER IF NOT EXISTS xarchive_seal_pages_{event.lower()} "
            f"AFTER {event} ON main.pages "
            f"BEGIN INSERT OR IGNORE INTO xarchive_unsealed VALUES ('items', {ref}); END"
        )
    for statement in statements:
        conn.execute(statement)


def take_unsealed(conn: sqlite3.Connection) -> dict[str, list[int]]:
    """The rows changed on this connection since the last call, by table (and forget them)."""
    try:
        rows = conn.execute(f"SELECT tbl, row FROM {_DIRTY} ORDER BY tbl, row").fetchall()
    except sqlite3.OperationalError:  # not watched
        return {}
    if rows:
        conn.execute(f"DELETE FROM {_DIRTY}")
    found: dict[str, list[int]] = {}
    for table, row in rows:
        found.setdefault(str(table), []).append(int(row))
    return found


def has_unsealed(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute(f"SELECT 1 FROM {_DIRTY} LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # not watched
        return False


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def row_seals(
    conn: sqlite3.Connection, table: str, ids: Iterable[int] | None = None
) -> Iterator[tuple[int, str | list[str]]]:
    """(id, seal) of rows of a sealed table (all of them, or `ids`; a gone row is not given).

    An item's seal is [its metadata's digest, its text's digest], so that a report
    can say which changed; other rows have one digest.
    """
    columns = SEALED[table]
    select = f"SELECT {', '.join(columns)} FROM {table}"
    if ids is None:
        rows: Iterable[Any] = conn.execute(f"{select} ORDER BY id")
    else:
        wanted = sorted(set(ids))
        rows = [
            row
            for start in range(0, len(wanted), 500)
            for row in conn.execute(
                f"{select} WHERE id IN ({','.join('?' * len(wanted[start : start + 500]))})",
                wanted[start : start + 500],
            )
        ]
    for row in rows:
        meta = hashlib.sha256(_canonical([table, SEAL_VERSION, *row])).hexdigest()
        if table != "items":
            yield int(row[0]), meta
            continue
        text = hashlib.sha256()
        for page_no, page_text, from_ocr in conn.execute(
            "SELECT page_no, text, from_ocr FROM pages WHERE item_id = ? ORDER BY page_no",
            (row[0],),
        ):
            text.update(_canonical([page_no, page_text, from_ocr]))
            text.update(b"\n")
        yield int(row[0]), [meta, text.hexdigest()]


# -- the chained audit log ---------------------------------------------------------------


def entry_hash(entry_id: int, prev_hash: str, at: str, user: str, action: str, detail: str) -> str:
    """The hash an audit entry carries: of itself and of the one before it."""
    return hashlib.sha256(_canonical([entry_id, prev_hash, at, user, action, detail])).hexdigest()


def append(conn: sqlite3.Connection, at: str, user: str, action: str, detail: str) -> None:
    """Append an entry to the audit log, chained to the one before (caller's transaction)."""
    last = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = str(last[0]) if last else ""
    cursor = conn.execute(
        "INSERT INTO audit_log (at, user_name, action, detail, prev_hash) VALUES (?, ?, ?, ?, ?)",
        (at, user, action, detail, prev),
    )
    entry_id = cursor.lastrowid
    assert entry_id is not None
    conn.execute(
        "UPDATE audit_log SET hash = ? WHERE id = ?",
        (entry_hash(entry_id, prev, at, user, action, detail), entry_id),
    )


def head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def hash_of(conn: sqlite3.Connection, entry_id: int) -> str | None:
    """The hash of an entry as it is now (recomputed, whatever its `hash` column says)."""
    row = conn.execute(
        "SELECT at, user_name, action, detail, prev_hash FROM audit_log WHERE id = ?",
        (entry_id,),
    ).fetchone()
    if row is None:
        return None
    at, user, action, detail, prev = (str(v) for v in row)
    return entry_hash(entry_id, prev, at, user, action, detail)


def entries(conn: sqlite3.Connection) -> Iterator[tuple[int, str, str, str, str, str, str]]:
    """(id, at, user, action, detail, prev_hash, hash) of every entry, in order."""
    for row in conn.execute(
        "SELECT id, at, user_name, action, detail, prev_hash, hash FROM audit_log ORDER BY id"
    ):
        yield int(row[0]), *(str(v) for v in row[1:])  # type: ignore[misc]


def chain_unchained(conn: sqlite3.Connection) -> int:
    """Chain the entries written before the chain existed, in order; return how many."""
    count = 0
    prev = ""
    for entry_id, at, user, action, detail, _prev, hashed in list(entries(conn)):
        if not hashed:
            hashed = entry_hash(entry_id, prev, at, user, action, detail)
            conn.execute(
                "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
                (prev, hashed, entry_id),
            )
            count += 1
        prev = hashed
    return count


def chain_started(conn: sqlite3.Connection) -> bool:
    return (
        conn.execute("SELECT 1 FROM audit_log WHERE action = 'custody.start' LIMIT 1").fetchone()
        is not None
    )


def has_chain(conn: sqlite3.Connection) -> bool:
    """Whether the schema has the chain's columns (an archive migrated far enough)."""
    columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(audit_log)")}
    return "hash" in columns
