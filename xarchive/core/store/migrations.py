"""Numbered schema migrations. Never edit a published one: add the next number.

`PRAGMA user_version` holds the schema version; `schema_migrations` records when
each step was applied. An archive written by a newer xarchive (a higher version
than `LATEST`) is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from ..errors import ArchiveTooNew

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE schema_migrations (
        version     INTEGER PRIMARY KEY,
        applied_at  TEXT NOT NULL
    );
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE import_runs (
        id            INTEGER PRIMARY KEY,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        status        TEXT NOT NULL DEFAULT 'running'
                      CHECK (status IN ('running', 'completed', 'cancelled',
                                        'failed', 'interrupted')),
        sources       TEXT NOT NULL,            -- JSON list of the paths given
        user_name     TEXT NOT NULL DEFAULT '',
        tool_version  TEXT NOT NULL,
        imported      INTEGER NOT NULL DEFAULT 0,
        skipped       INTEGER NOT NULL DEFAULT 0,
        failed        INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE items (
        id             INTEGER PRIMARY KEY,
        sha256         TEXT NOT NULL UNIQUE,
        kind           TEXT NOT NULL
                       CHECK (kind IN ('document', 'image', 'article', 'post', 'text')),
        title          TEXT NOT NULL,
        original_name  TEXT NOT NULL,
        original_path  TEXT NOT NULL,
        size           INTEGER NOT NULL,
        media_type     TEXT NOT NULL,
        language       TEXT NOT NULL DEFAULT '',
        published_at   TEXT NOT NULL DEFAULT '',
        captured_at    TEXT NOT NULL DEFAULT '',
        imported_at    TEXT NOT NULL,
        author         TEXT NOT NULL DEFAULT '',
        source_url     TEXT NOT NULL DEFAULT '',
        import_run_id  INTEGER NOT NULL REFERENCES import_runs(id),
        source_root    TEXT NOT NULL DEFAULT '',
        ocr_status     TEXT NOT NULL DEFAULT 'none',
        page_count     INTEGER NOT NULL DEFAULT 0,
        warnings       TEXT NOT NULL DEFAULT '[]',  -- JSON list of sentences
        extra          TEXT NOT NULL DEFAULT '{}',  -- JSON, per format
        indexed        INTEGER NOT NULL DEFAULT 0   -- 1 once in the Whoosh index
    );
    CREATE INDEX items_kind ON items(kind);
    CREATE INDEX items_indexed ON items(indexed) WHERE indexed = 0;
    CREATE TABLE pages (
        item_id   INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        page_no   INTEGER NOT NULL,              -- 1-based
        text      TEXT NOT NULL,
        from_ocr  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (item_id, page_no)
    ) WITHOUT ROWID;
    -- Every place an item's bytes were seen: provenance is never lost, even for
    -- duplicates that add no new item.
    CREATE TABLE item_sources (
        id         INTEGER PRIMARY KEY,
        item_id    INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        run_id     INTEGER NOT NULL REFERENCES import_runs(id),
        path       TEXT NOT NULL,
        root       TEXT NOT NULL,
        seen_at    TEXT NOT NULL,
        UNIQUE (item_id, run_id, path)
    );
    -- What each source file looked like when last imported, so that re-importing
    -- a folder skips unchanged files without reading them.
    CREATE TABLE file_state (
        path      TEXT PRIMARY KEY,
        size      INTEGER NOT NULL,
        mtime_ns  INTEGER NOT NULL,
        sha256    TEXT NOT NULL,
        item_id   INTEGER REFERENCES items(id) ON DELETE SET NULL
    );
    CREATE TABLE import_errors (
        id      INTEGER PRIMARY KEY,
        run_id  INTEGER NOT NULL REFERENCES import_runs(id),
        path    TEXT NOT NULL,
        reason  TEXT NOT NULL
    );
    CREATE INDEX import_errors_run ON import_errors(run_id);
    CREATE TABLE audit_log (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        user_name  TEXT NOT NULL,
        action     TEXT NOT NULL,
        detail     TEXT NOT NULL DEFAULT '{}'
    );
    """,
}

LATEST = max(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Bring the schema up to `LATEST`; return the versions applied.

    Raises `ArchiveTooNew` if the archive's schema is newer than this program's.
    Each step runs in its own transaction, so a crash mid-way leaves the archive
    at the last complete version.
    """
    current = schema_version(conn)
    if current > LATEST:
        raise ArchiveTooNew(
            f"this archive was written by a newer xarchive (schema {current}; this "
            f"version knows up to {LATEST}); update xarchive to open it"
        )
    applied = []
    for version in range(current + 1, LATEST + 1):
        script = MIGRATIONS[version]
        now = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)",
                (version, now),
            )
            conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit)."""
    parts: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            parts.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        parts.append(buffer.strip())
    return parts
