"""Import runs, their per-file errors, the source-file state cache and the audit log (the
records, `ImportRun` and `FileState`, are core/model/'s)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from ..model import FileState, ImportRun
from ..names import storable
from . import custody


def start_run(
    conn: sqlite3.Connection, started_at: str, sources: list[str], user: str, version: str
) -> int:
    """Record a run begun; the caller owns the transaction (`Archive.transaction`, in which
    the run is sealed in the chain of custody)."""
    cursor = conn.execute(
        "INSERT INTO import_runs (started_at, sources, user_name, tool_version) "
        "VALUES (?, ?, ?, ?)",
        (
            started_at,
            json.dumps([storable(s) for s in sources], ensure_ascii=False),
            user,
            version,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def finish_run(
    conn: sqlite3.Connection,
    run_id: int,
    finished_at: str,
    status: str,
    imported: int,
    skipped: int,
    failed: int,
) -> None:
    """Record a run's end (the caller's transaction, as `start_run`)."""
    conn.execute(
        "UPDATE import_runs SET finished_at = ?, status = ?, imported = ?, skipped = ?, "
        "failed = ? WHERE id = ?",
        (finished_at, status, imported, skipped, failed, run_id),
    )


def mark_interrupted_runs(conn: sqlite3.Connection) -> int:
    """Runs left 'running' by a process that died are 'interrupted'; return how many."""
    cursor = conn.execute("UPDATE import_runs SET status = 'interrupted' WHERE status = 'running'")
    return cursor.rowcount


def get_run(conn: sqlite3.Connection, run_id: int) -> ImportRun:
    row = conn.execute(
        "SELECT id, started_at, finished_at, status, sources, user_name, tool_version, "
        "imported, skipped, failed FROM import_runs WHERE id = ?",
        (run_id,),
    ).fetchone()
    values = list(row)
    values[4] = tuple(json.loads(values[4]))
    return ImportRun(*values)


def record_error(conn: sqlite3.Connection, run_id: int, path: str, reason: str) -> None:
    conn.execute(
        "INSERT INTO import_errors (run_id, path, reason) VALUES (?, ?, ?)",
        (run_id, storable(path), storable(reason)),
    )


def run_errors(conn: sqlite3.Connection, run_id: int) -> list[tuple[str, str]]:
    return [
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT path, reason FROM import_errors WHERE run_id = ? ORDER BY id", (run_id,)
        )
    ]


def file_state(conn: sqlite3.Connection, path: str) -> FileState | None:
    row = conn.execute(
        "SELECT size, mtime_ns, sha256, item_id FROM file_state WHERE path = ?", (storable(path),)
    ).fetchone()
    return None if row is None else FileState(*row)


def file_states(conn: sqlite3.Connection, paths: Sequence[str]) -> dict[str, FileState]:
    """`file_state` of many paths at once (those without one left out): a query per
    few hundred paths, not one per file, for a re-import of a large folder."""
    stored = {storable(p): p for p in paths}
    found: dict[str, FileState] = {}
    keys = list(stored)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = conn.execute(
            "SELECT path, size, mtime_ns, sha256, item_id FROM file_state "
            f"WHERE path IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        for path, *state in rows:
            found[stored[path]] = FileState(*state)
    return found


def set_file_state(
    conn: sqlite3.Connection, path: str, size: int, mtime_ns: int, sha256: str, item_id: int
) -> None:
    conn.execute(
        "INSERT INTO file_state (path, size, mtime_ns, sha256, item_id) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
        "sha256 = excluded.sha256, item_id = excluded.item_id",
        (storable(path), size, mtime_ns, sha256, item_id),
    )


def audit(
    conn: sqlite3.Connection, at: str, user: str, action: str, detail: dict[str, Any]
) -> None:
    """Append to the audit log, chained to the entry before (store/custody.py); the caller
    owns the transaction."""
    custody.append(conn, at, user, action, json.dumps(detail, ensure_ascii=False, sort_keys=True))


def relocate_run(conn: sqlite3.Connection, run_id: int, old: str, new: str) -> None:
    """Name `new` instead of the folder `old` in what run `run_id` recorded: its sources,
    items, provenance and errors (files imported from a staging copy of a bag). The file
    state kept for re-imports is dropped: the staging copy is gone."""
    like = old.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    swap = "? || substr({0}, ?)"
    start = len(old) + 1
    conn.execute("UPDATE import_runs SET sources = ? WHERE id = ?", (json.dumps([new]), run_id))
    for table, column, key in (
        ("item_sources", "path", "run_id"), ("item_sources", "root", "run_id"),
        ("items", "original_path", "import_run_id"), ("items", "source_root", "import_run_id"),
        ("import_errors", "path", "run_id"), ("container_sources", "path", "run_id"),
        ("container_sources", "root", "run_id"),
    ):  # fmt: skip
        conn.execute(
            f"UPDATE {table} SET {column} = {swap.format(column)} "
            f"WHERE {key} = ? AND {column} LIKE ? ESCAPE '\\'",
            (new, start, run_id, like),
        )
    conn.execute("DELETE FROM file_state WHERE path LIKE ? ESCAPE '\\'", (like,))
