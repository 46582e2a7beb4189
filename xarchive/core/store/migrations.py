"""Numbered schema migrations. Never edit a published one: add the next number.

`PRAGMA user_version` holds the schema version; `schema_migrations` records when
each step was applied. An archive written by a newer xarchive (a higher version
than `LATEST`) is refused rather than guessed at.
"""

from __future__ import annotations

import re
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
    # Annotations, tags and links, each a W3C Web Annotation (see core/annotate/w3c.py).
    # An annotation names its item twice: by row id (NULL once the item is deleted
    # and the annotation kept) and by the SHA-256 of the original, its W3C target
    # `urn:sha256:…`, which survives deletion, export and import. No ON DELETE
    # action: deleting an item that still has annotations fails instead of
    # dropping them (annotate/deletion.py asks what to do first).
    2: """
    CREATE TABLE annotations (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        uid            TEXT NOT NULL UNIQUE,        -- 'urn:uuid:…', the annotation's W3C id
        kind           TEXT NOT NULL CHECK (kind IN ('note', 'highlight', 'region')),
        item_id        INTEGER REFERENCES items(id),
        target_sha256  TEXT NOT NULL,
        note           TEXT NOT NULL DEFAULT '',    -- body, purpose "commenting"
        colour         TEXT NOT NULL DEFAULT '',    -- highlights; '' = the default colour
        page           INTEGER,                     -- 1-based; highlights, regions on PDFs
        exact          TEXT NOT NULL DEFAULT '',    -- TextQuoteSelector
        prefix         TEXT NOT NULL DEFAULT '',
        suffix         TEXT NOT NULL DEFAULT '',
        start_char     INTEGER,                     -- TextPositionSelector, in the page's text
        end_char       INTEGER,
        x              REAL,                        -- region: media-fragment xywh, in pixels
        y              REAL,                        -- of the image or PDF points of the page,
        w              REAL,                        -- from the top-left corner
        h              REAL,
        anchor         TEXT NOT NULL DEFAULT 'ok'
                       CHECK (anchor IN ('ok', 'moved', 'fuzzy', 'orphaned')),
        via            TEXT NOT NULL DEFAULT '',    -- uid of the annotation this was copied from
        creator        TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        modified_at    TEXT NOT NULL,
        CHECK (kind != 'highlight' OR (page >= 1 AND start_char >= 0 AND end_char > start_char)),
        CHECK (kind != 'region' OR (x >= 0 AND y >= 0 AND w > 0 AND h > 0))
    );
    CREATE INDEX annotations_item ON annotations(item_id);
    CREATE INDEX annotations_target ON annotations(target_sha256);
    CREATE TABLE tags (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        name         TEXT NOT NULL,                 -- as typed
        key          TEXT NOT NULL UNIQUE,          -- casefolded: names are unique in any case
        creator      TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        modified_at  TEXT NOT NULL
    );
    -- A tag on an item is a W3C annotation too (motivation "tagging"), with its own id.
    CREATE TABLE item_tags (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        uid            TEXT NOT NULL UNIQUE,
        item_id        INTEGER REFERENCES items(id),
        target_sha256  TEXT NOT NULL,
        tag_id         INTEGER NOT NULL REFERENCES tags(id),
        via            TEXT NOT NULL DEFAULT '',
        creator        TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        modified_at    TEXT NOT NULL
    );
    CREATE UNIQUE INDEX item_tags_once ON item_tags(item_id, tag_id);
    CREATE INDEX item_tags_tag ON item_tags(tag_id);
    CREATE INDEX item_tags_target ON item_tags(target_sha256);
    -- A link from one item to another (motivation "linking"): source `relation` target.
    CREATE TABLE links (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        uid            TEXT NOT NULL UNIQUE,
        source_id      INTEGER REFERENCES items(id),
        source_sha256  TEXT NOT NULL,
        target_id      INTEGER REFERENCES items(id),
        target_sha256  TEXT NOT NULL,
        relation       TEXT NOT NULL CHECK (relation != ''),
        note           TEXT NOT NULL DEFAULT '',
        via            TEXT NOT NULL DEFAULT '',
        creator        TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        modified_at    TEXT NOT NULL
    );
    CREATE INDEX links_source ON links(source_id);
    CREATE INDEX links_target ON links(target_id);
    CREATE INDEX links_source_sha ON links(source_sha256);
    CREATE INDEX links_target_sha ON links(target_sha256);
    """,
    # Posts as data (store/posts.py). A *container* is an original holding many
    # items — an X account archive (zip, or a folder: then its listing and each data
    # file read), a twarc2 JSON-lines file — stored as a blob like any file. A post
    # is an item of kind 'post' (its blob: its record as canonical JSON, see
    # core/model/) plus a `posts` row; posts are unique by platform id, and each
    # place a post was read (container, file inside it, record) is a `post_sources`
    # row. Pictures of a post are image items, attached by `post_media`.
    3: """
    CREATE TABLE containers (
        id             INTEGER PRIMARY KEY,
        sha256         TEXT NOT NULL UNIQUE,
        kind           TEXT NOT NULL,  -- x-archive, x-archive-folder, x-archive-file, twarc2
        name           TEXT NOT NULL,
        size           INTEGER NOT NULL,
        media_type     TEXT NOT NULL,
        parent_id      INTEGER REFERENCES containers(id),  -- a data file of a folder: the folder
        member         TEXT NOT NULL DEFAULT '',           -- its path inside the parent
        title          TEXT NOT NULL DEFAULT '',
        captured_at    TEXT NOT NULL DEFAULT '',
        import_run_id  INTEGER NOT NULL REFERENCES import_runs(id),
        imported_at    TEXT NOT NULL,
        extra          TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE container_sources (
        id            INTEGER PRIMARY KEY,
        container_id  INTEGER NOT NULL REFERENCES containers(id),
        run_id        INTEGER NOT NULL REFERENCES import_runs(id),
        path          TEXT NOT NULL,
        root          TEXT NOT NULL,
        seen_at       TEXT NOT NULL,
        UNIQUE (container_id, run_id, path)
    );
    CREATE TABLE posts (
        item_id             INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        platform_id         TEXT NOT NULL UNIQUE,          -- 'x:1758123456789012345'
        account             TEXT NOT NULL DEFAULT '',      -- handle, without '@'
        display_name        TEXT NOT NULL DEFAULT '',
        account_id          TEXT NOT NULL DEFAULT '',
        url                 TEXT NOT NULL DEFAULT '',
        original_text       TEXT NOT NULL DEFAULT '',      -- as the source wrote it
        reply_to_id         TEXT NOT NULL DEFAULT '',      -- platform ids, '' if none
        reply_to_account    TEXT NOT NULL DEFAULT '',
        quote_of_id         TEXT NOT NULL DEFAULT '',
        retweet_of_id       TEXT NOT NULL DEFAULT '',
        retweet_of_account  TEXT NOT NULL DEFAULT '',
        conversation_id     TEXT NOT NULL DEFAULT '',
        is_retweet          INTEGER NOT NULL DEFAULT 0,
        is_deleted          INTEGER NOT NULL DEFAULT 0,
        deleted_at          TEXT NOT NULL DEFAULT '',
        is_long             INTEGER NOT NULL DEFAULT 0,
        is_referenced       INTEGER NOT NULL DEFAULT 0,    -- only referred to by collected posts
        hashtags            TEXT NOT NULL DEFAULT '[]',    -- JSON lists
        mentions            TEXT NOT NULL DEFAULT '[]',
        links               TEXT NOT NULL DEFAULT '[]',    -- [[short, expanded], …]
        counts              TEXT NOT NULL DEFAULT '{}',    -- {"likes": 3, "reposts": 1, …}
        counts_seen_at      TEXT NOT NULL DEFAULT ''       -- when those counts were taken
    );
    CREATE INDEX posts_reply_to ON posts(reply_to_id) WHERE reply_to_id != '';
    CREATE INDEX posts_quote_of ON posts(quote_of_id) WHERE quote_of_id != '';
    CREATE INDEX posts_retweet_of ON posts(retweet_of_id) WHERE retweet_of_id != '';
    CREATE INDEX posts_account ON posts(account COLLATE NOCASE);
    CREATE TABLE post_sources (
        id             INTEGER PRIMARY KEY,
        item_id        INTEGER NOT NULL REFERENCES posts(item_id) ON DELETE CASCADE,
        container_id   INTEGER NOT NULL REFERENCES containers(id),
        member         TEXT NOT NULL DEFAULT '',   -- 'data/tweets.js'
        locator        TEXT NOT NULL DEFAULT '',   -- 'record 12', 'line 3, data[4]'
        record_sha256  TEXT NOT NULL,              -- the record as read here (counts change)
        counts         TEXT NOT NULL DEFAULT '{}',
        run_id         INTEGER NOT NULL REFERENCES import_runs(id),
        seen_at        TEXT NOT NULL,
        UNIQUE (item_id, container_id, member, locator)
    );
    CREATE INDEX post_sources_container ON post_sources(container_id);
    CREATE TABLE post_media (
        post_id        INTEGER NOT NULL REFERENCES posts(item_id) ON DELETE CASCADE,
        position       INTEGER NOT NULL,            -- 1-based, in the order of the post
        media_item_id  INTEGER REFERENCES items(id) ON DELETE SET NULL,  -- NULL: not in the archive
        media_key      TEXT NOT NULL DEFAULT '',
        type           TEXT NOT NULL DEFAULT 'photo',
        url            TEXT NOT NULL DEFAULT '',
        alt_text       TEXT NOT NULL DEFAULT '',
        member         TEXT NOT NULL DEFAULT '',    -- its file in the container, '' if absent
        PRIMARY KEY (post_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX post_media_item ON post_media(media_item_id);
    """,
    # Suggested links (core/suggest/): "this screenshot shows that post", "this post
    # cites that article", "these two tell the same story". A suggestion is offered
    # until accepted (then it is a link, made through Annotations.link) or dismissed
    # (then never offered again: the row stays, unique per source, target, relation).
    # The other tables are what the detectors remember of each item so that new
    # items are compared with the archive without reading it all again: the items
    # scanned, the URLs each has or mentions, and MinHash LSH band buckets. They are
    # caches: `xarchive suggestions recompute` rebuilds them. ON DELETE CASCADE: a
    # deleted item takes its suggestions and cache rows with it.
    4: """
    CREATE TABLE suggestions (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id    INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        target_id    INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        relation     TEXT NOT NULL CHECK (relation != ''),
        score        REAL NOT NULL CHECK (score >= 0 AND score <= 1),
        reason       TEXT NOT NULL,                -- for a person: why
        detector     TEXT NOT NULL,                -- 'screenshot', 'cites', 'near-duplicate'
        status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'accepted', 'dismissed')),
        link_uid     TEXT NOT NULL DEFAULT '',     -- the link made when accepted
        created_at   TEXT NOT NULL,
        decided_at   TEXT NOT NULL DEFAULT '',
        decided_by   TEXT NOT NULL DEFAULT '',
        CHECK (source_id != target_id),
        UNIQUE (source_id, target_id, relation)
    );
    CREATE INDEX suggestions_target ON suggestions(target_id);
    CREATE INDEX suggestions_status ON suggestions(status);
    CREATE TABLE suggest_scanned (
        item_id     INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        version     INTEGER NOT NULL,
        scanned_at  TEXT NOT NULL
    );
    CREATE TABLE suggest_urls (
        url      TEXT NOT NULL,                    -- normalised (suggest/urls.py)
        role     TEXT NOT NULL CHECK (role IN ('self', 'mentions')),
        item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        PRIMARY KEY (url, role, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX suggest_urls_item ON suggest_urls(item_id);
    CREATE TABLE suggest_bands (
        band     INTEGER NOT NULL,
        bucket   INTEGER NOT NULL,
        item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        PRIMARY KEY (band, bucket, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX suggest_bands_item ON suggest_bands(item_id);
    """,
    # The words OCR read on a scanned page or a picture, with their boxes (core/words.py),
    # one row a page: hits, Find in Document and highlights are marked on the picture.
    # Archives imported before have none; their pages show the OCR text alone.
    5: """
    CREATE TABLE ocr_words (
        item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        page_no  INTEGER NOT NULL,              -- 1-based
        words    TEXT NOT NULL,                 -- JSON, core/words.py `dumps`
        PRIMARY KEY (item_id, page_no)
    ) WITHOUT ROWID;
    """,
    # E-mail messages are items of a kind of their own (issue 14). SQLite cannot alter a
    # CHECK constraint, and rebuilding `items` with foreign keys on would cascade-delete
    # every page, source and annotation, so the constraint's text is rewritten in place:
    # SQLite's documented way for a change that every stored row still satisfies. The
    # table made and dropped after it changes the schema cookie, so that every other
    # connection reads the new schema.
    6: """
    PRAGMA writable_schema = ON;
    UPDATE sqlite_master
       SET sql = replace(sql, '''post'', ''text'')', '''post'', ''text'', ''message'')')
     WHERE type = 'table' AND name = 'items';
    PRAGMA writable_schema = RESET;
    CREATE TABLE schema_cookie_bump (x INTEGER);
    DROP TABLE schema_cookie_bump;
    """,
    # The chain of custody (core/custody.py, issue 11): each audit entry carries the
    # hash of the one before it and its own. The entries already there are chained,
    # and every row sealed, by the first writable open after this step (hashing is
    # not SQL); that entry, `custody.start`, says the chain started on an older archive.
    7: """
    ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
    ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
    """,
    # Videos and animated GIFs (X archives' media, issue 13) are items of a kind of
    # their own; the CHECK constraint is rewritten in place as in step 6.
    8: """
    PRAGMA writable_schema = ON;
    UPDATE sqlite_master
       SET sql = replace(sql, '''text'', ''message'')', '''text'', ''message'', ''video'')')
     WHERE type = 'table' AND name = 'items' AND sql NOT LIKE '%''video''%';
    PRAGMA writable_schema = RESET;
    CREATE TABLE schema_cookie_bump (x INTEGER);
    DROP TABLE schema_cookie_bump;
    """,
    # Posts as evidence (issue 13, store/evidence.py, posts/evidence.py). Every capture
    # of a post (a `post_sources` row) keeps when the source took it from the platform
    # and what it said then (its `state`: text, counts, media, withheld, targets), so
    # that captures can be compared; rows from before have no state ('') and compare
    # as unknown. Versions of an edited post share the platform id of the first;
    # accounts are records of their own, with each capture; compliance events and
    # deletions are dated events on a post or account by platform id, kept even when
    # the post or account is not (yet) in the archive.
    9: """
    ALTER TABLE post_sources ADD COLUMN captured_at TEXT NOT NULL DEFAULT '';
    ALTER TABLE post_sources ADD COLUMN state TEXT NOT NULL DEFAULT '';
    CREATE TABLE post_versions (
        platform_id  TEXT PRIMARY KEY,          -- a version: 'x:1758…'
        initial_id   TEXT NOT NULL              -- the first version of the post
    ) WITHOUT ROWID;
    CREATE INDEX post_versions_initial ON post_versions(initial_id);
    CREATE TABLE accounts (
        platform_id  TEXT PRIMARY KEY,          -- 'x:1456…', the platform's account id
        account_id   TEXT NOT NULL,             -- '1456…', as posts.account_id has it
        handle       TEXT NOT NULL DEFAULT '',
        state        TEXT NOT NULL DEFAULT '{}',  -- the latest capture's state (JSON)
        seen_at      TEXT NOT NULL DEFAULT ''   -- when that capture was taken
    ) WITHOUT ROWID;
    CREATE INDEX accounts_handle ON accounts(handle COLLATE NOCASE);
    CREATE INDEX accounts_account_id ON accounts(account_id);
    CREATE TABLE account_captures (
        id            INTEGER PRIMARY KEY,
        platform_id   TEXT NOT NULL,
        container_id  INTEGER NOT NULL REFERENCES containers(id),
        member        TEXT NOT NULL DEFAULT '',
        locator       TEXT NOT NULL DEFAULT '',
        record        TEXT NOT NULL,            -- the source's object(s), canonical JSON
        state         TEXT NOT NULL,
        captured_at   TEXT NOT NULL DEFAULT '',
        run_id        INTEGER NOT NULL REFERENCES import_runs(id),
        seen_at       TEXT NOT NULL,
        UNIQUE (platform_id, container_id, member, locator)
    );
    CREATE INDEX account_captures_account ON account_captures(platform_id);
    CREATE TABLE platform_events (
        id            INTEGER PRIMARY KEY,
        subject       TEXT NOT NULL CHECK (subject IN ('post', 'account')),
        platform_id   TEXT NOT NULL,            -- of the post or account, in the archive or not
        action        TEXT NOT NULL,            -- 'delete', 'withheld', 'suspend' …
        at            TEXT NOT NULL DEFAULT '', -- when it happened, '' unknown
        details       TEXT NOT NULL DEFAULT '{}',
        container_id  INTEGER NOT NULL REFERENCES containers(id),
        member        TEXT NOT NULL DEFAULT '',
        locator       TEXT NOT NULL DEFAULT '',
        run_id        INTEGER NOT NULL REFERENCES import_runs(id),
        seen_at       TEXT NOT NULL,
        UNIQUE (subject, platform_id, action, at, container_id)
    );
    CREATE INDEX platform_events_subject ON platform_events(platform_id, subject);
    """,
    # The chain of custody seals more (issue 11, store/custody.py `SEALED`, scope 2):
    # where each item came from, import runs and their failures, containers, posts and
    # their captures, media, versions, accounts and platform events, OCR word boxes and
    # the archive's settings. The first writable open after this step seals every row
    # of them as it is then (hashing is not SQL), in an entry `custody.extend` that says
    # what was changed before cannot be checked. The step also keeps an earlier xarchive,
    # which would change these rows without sealing them, from writing to the archive;
    # the index finds the chain's start and extensions on every open without a scan.
    10: """
    CREATE INDEX audit_log_action ON audit_log(action);
    """,
}

LATEST = max(MIGRATIONS)
_ADDS_COLUMN = re.compile(r"ALTER\s+TABLE\s+\S+\s+ADD\s+(COLUMN\s+)?", re.IGNORECASE)
_CREATES = re.compile(r"CREATE\s+(UNIQUE\s+)?(TABLE|INDEX)\s+", re.IGNORECASE)


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
                try:
                    conn.execute(statement)
                except sqlite3.OperationalError as exc:
                    # The column, table or index is there already (an archive put back
                    # to an older version by hand, as tests do): making it again
                    # changes nothing.
                    again = (_ADDS_COLUMN.match(statement) and "duplicate column" in str(exc)) or (
                        _CREATES.match(statement) and "already exists" in str(exc)
                    )
                    if not again:
                        raise
            conn.execute(
                "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)",
                (version, now),
            )
            conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except BaseException:
            # A Ctrl+C may come before BEGIN or after COMMIT: a ROLLBACK then failed
            # ("no transaction is active") and the import said its database was unreadable.
            if conn.in_transaction:
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
