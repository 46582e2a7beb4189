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
from itertools import repeat
from operator import itemgetter, methodcaller
from typing import Any, NamedTuple


class Sealed(NamedTuple):
    """How the rows of a table are sealed: by `key`, over `columns` (never a column that
    is the index's or a cache's state, such as `items.indexed`). Where one key has many
    rows (an item's OCR pages), `order` orders them and they share one seal.

    A named tuple: a verify loads no dataclasses (jobs.py's Progress says why)."""

    columns: tuple[str, ...]
    key: str = "id"
    order: str = ""
    #: What a person calls one sealed unit, `{key}` its key, and all of them.
    name: str = ""
    many: str = ""
    #: 1: sealed since the chain began; 2: since the seal was extended (`SCOPE`).
    since: int = 1


#: What the chain seals. A column added later is sealed once it is listed here; a
#: table added later gets `since` of a new scope, and `core/custody.py` extends the
#: seal to it on the first writable open (`custody.extend`), as a migration would.
SEALED: dict[str, Sealed] = {
    "items": Sealed((
        "id", "sha256", "kind", "title", "original_name", "original_path", "size",
        "media_type", "language", "published_at", "captured_at", "imported_at", "author",
        "source_url", "import_run_id", "source_root", "ocr_status", "page_count", "warnings",
        "extra",
    ), name="item #{key}", many="items"),
    "annotations": Sealed((
        "id", "uid", "kind", "item_id", "target_sha256", "note", "colour", "page", "exact",
        "prefix", "suffix", "start_char", "end_char", "x", "y", "w", "h", "anchor", "via",
        "creator", "created_at", "modified_at",
    ), name="annotation #{key}", many="annotations"),
    "tags": Sealed(("id", "name", "key", "creator", "created_at", "modified_at"),
                   name="tag #{key}", many="tags"),
    "item_tags": Sealed((
        "id", "uid", "item_id", "target_sha256", "tag_id", "via", "creator", "created_at",
        "modified_at",
    ), name="tag on an item #{key}", many="tags on items"),
    "links": Sealed((
        "id", "uid", "source_id", "source_sha256", "target_id", "target_sha256", "relation",
        "note", "via", "creator", "created_at", "modified_at",
    ), name="link #{key}", many="links"),
    # Scope 2: where each item came from, the runs that brought it, posts and what the
    # platforms did to them, the words OCR read, and the archive's settings (its name,
    # who works in it: the creator of every note).
    "settings": Sealed(
        ("key", "value"), key="key", name="the setting ‘{key}’",
        many="the archive's settings", since=2,
    ),
    "import_runs": Sealed((
        "id", "started_at", "finished_at", "status", "sources", "user_name", "tool_version",
        "imported", "skipped", "failed",
    ), name="import run #{key}", many="import runs", since=2),
    "import_errors": Sealed(
        ("id", "run_id", "path", "reason"), name="import failure #{key}",
        many="import failures", since=2,
    ),
    "item_sources": Sealed(
        ("id", "item_id", "run_id", "path", "root", "seen_at"),
        name="provenance record #{key}", many="the provenance of items", since=2,
    ),
    "containers": Sealed((
        "id", "sha256", "kind", "name", "size", "media_type", "parent_id", "member", "title",
        "captured_at", "import_run_id", "imported_at", "extra",
    ), name="container #{key}", many="containers", since=2),
    "container_sources": Sealed(
        ("id", "container_id", "run_id", "path", "root", "seen_at"),
        name="provenance record #{key} of a container", many="the provenance of containers",
        since=2,
    ),
    "posts": Sealed((
        "item_id", "platform_id", "account", "display_name", "account_id", "url",
        "original_text", "reply_to_id", "reply_to_account", "quote_of_id", "retweet_of_id",
        "retweet_of_account", "conversation_id", "is_retweet", "is_deleted", "deleted_at",
        "is_long", "is_referenced", "hashtags", "mentions", "links", "counts", "counts_seen_at",
    ), key="item_id", name="the post of item #{key}", many="posts", since=2),
    "post_sources": Sealed((
        "id", "item_id", "container_id", "member", "locator", "record_sha256", "counts",
        "run_id", "seen_at", "captured_at", "state",
    ), name="capture #{key} of a post", many="captures of posts", since=2),
    "post_media": Sealed((
        "post_id", "position", "media_item_id", "media_key", "type", "url", "alt_text",
        "member",
    ), key="post_id", order="position", name="the media of the post of item #{key}",
       many="posts' media", since=2),
    "post_versions": Sealed(
        ("platform_id", "initial_id"), key="platform_id", name="the version record of {key}",
        many="post versions", since=2,
    ),
    "accounts": Sealed(
        ("platform_id", "account_id", "handle", "state", "seen_at"), key="platform_id",
        name="account {key}", many="accounts", since=2,
    ),
    "account_captures": Sealed((
        "id", "platform_id", "container_id", "member", "locator", "record", "state",
        "captured_at", "run_id", "seen_at",
    ), name="capture #{key} of an account", many="captures of accounts", since=2),
    "platform_events": Sealed((
        "id", "subject", "platform_id", "action", "at", "details", "container_id", "member",
        "locator", "run_id", "seen_at",
    ), name="platform event #{key}", many="platform events", since=2),
    "ocr_words": Sealed(
        ("item_id", "page_no", "words"), key="item_id", order="page_no",
        name="the OCR words of item #{key}", many="OCR word boxes", since=2,
    ),
}  # fmt: skip
#: The version of the seals' digests (the same for every scope).
SEAL_VERSION = 1
#: The latest scope: what `SEALED` holds, and what a chain started or extended now covers.
SCOPE = max(s.since for s in SEALED.values())
_DIRTY = "temp.xarchive_unsealed"


def scope_tables(scope: int) -> tuple[str, ...]:
    """The tables a chain of scope `scope` seals."""
    return tuple(t for t, s in SEALED.items() if s.since <= scope)


def watch(conn: sqlite3.Connection) -> None:
    """Note, on this connection, every change to a sealed row (idempotent)."""
    # No type on `row`: keys are numbers or text (a setting's name, a platform id).
    statements = [
        "CREATE TEMP TABLE IF NOT EXISTS xarchive_unsealed "
        "(tbl TEXT NOT NULL, row NOT NULL, PRIMARY KEY (tbl, row))"
    ]

    def note(table: str, ref: str) -> str:
        # Not INSERT OR IGNORE: an upsert's policy would override the trigger's.
        return (
            f"INSERT INTO xarchive_unsealed SELECT '{table}', {ref} WHERE NOT EXISTS "
            f"(SELECT 1 FROM xarchive_unsealed WHERE tbl = '{table}' AND row = {ref});"
        )

    for table, sealed in SEALED.items():
        key = sealed.key
        if sealed.since == 1:  # as the chain began: `items.indexed` is left out
            changed = ", ".join(c for c in sealed.columns if c != key)
            update = note(table, f"new.{key}")
        else:  # a changed key leaves its old key gone and its new one new: both noted
            changed = ", ".join(sealed.columns)
            update = note(table, f"old.{key}") + " " + note(table, f"new.{key}")
        for event, body in (
            ("INSERT", note(table, f"new.{key}")),
            (f"UPDATE OF {changed}", update),
            ("DELETE", note(table, f"old.{key}")),
        ):
            name = f"xarchive_seal_{table}_{event.split()[0].lower()}"
            statements.append(
                f"CREATE TEMP TRIGGER IF NOT EXISTS {name} AFTER {event} ON main.{table} "
                f"BEGIN {body} END"
            )
    for event, ref in (("INSERT", "new.item_id"), ("UPDATE", "new.item_id"),
                       ("DELETE", "old.item_id")):  # fmt: skip
        statements.append(
            f"CREATE TEMP TRIGGER IF NOT EXISTS xarchive_seal_pages_{event.lower()} "
            f"AFTER {event} ON main.pages BEGIN {note('items', ref)} END"
        )
    for statement in statements:
        conn.execute(statement)


def take_unsealed(conn: sqlite3.Connection) -> dict[str, list[int | str]]:
    """The rows changed on this connection since the last call, by table (and forget them)."""
    try:
        rows = conn.execute(f"SELECT tbl, row FROM {_DIRTY} ORDER BY tbl, row").fetchall()
    except sqlite3.OperationalError:  # not watched
        return {}
    if rows:
        conn.execute(f"DELETE FROM {_DIRTY}")
    found: dict[str, list[int | str]] = {}
    for table, row in rows:
        found.setdefault(str(table), []).append(row)
    return found


def has_unsealed(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute(f"SELECT 1 FROM {_DIRTY} LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # not watched
        return False


#: What a seal digests: canonical JSON. One encoder for all of them (json.dumps makes one
#: a call, a tenth of sealing a small row).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
#: The C function that JSONEncoder.encode makes anew each call, around it two calls
#: of Python (a third of sealing a small row): made once, with the same options and
#: no check for circular references (rows are flat). None where json has no C part.
_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)  # undeclared in typeshed
_ENCODE = (
    _MAKE_ENCODER(None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",",
                  True, False, True)
    if _MAKE_ENCODER is not None
    else None
)  # fmt: skip


def _canonical(value: Any) -> bytes:
    if _ENCODE is None:
        return _ENCODER.encode(value).encode()
    return "".join(_ENCODE(value, 0)).encode()


_HEXDIGEST = methodcaller("hexdigest")


def _digests(rows: list[Any]) -> Iterable[str]:
    """The hex SHA-256 of each of `rows`' canonical JSON, in their order.

    By C functions mapped over the rows, with no call of Python's per row: sealing one
    took 5 µs through `_canonical`, ~1.5 µs so (a sixth of a verify's chain check went on
    the calls around the encoder). A row from SQLite is a tuple, which JSON writes as
    the list it stands for."""
    if _ENCODE is None:
        return [hashlib.sha256(_canonical(row)).hexdigest() for row in rows]
    encoded = map(str.encode, map("".join, map(_ENCODE, rows, repeat(0))))
    return map(_HEXDIGEST, map(hashlib.sha256, encoded))


#: The characters JSON escapes with a letter, and how (json.encoder's ESCAPE_DCT);
#: the backslash first, which every escape adds.
_LETTER_ESCAPES = ((b"\\", b"\\\\"), (b'"', b'\\"'), (b"\n", b"\\n"), (b"\r", b"\\r"),
                   (b"\t", b"\\t"), (b"\b", b"\\b"), (b"\f", b"\\f"))  # fmt: skip
#: The other control characters, which JSON writes as \u00XX.
_OTHER_CONTROLS = bytes(c for c in range(0x20) if c not in b"\n\r\t\b\f")
#: What JSON escapes but the newline: a text holding none of it needs only its newlines
#: escaped, which most texts have and little else.
_BUT_NEWLINE = bytes(c for c in range(0x20) if c != 0x0A) + b'"\\'


def _json_string(utf8: bytes) -> bytes | None:
    """The inside of the JSON string (ensure_ascii=False) of the text whose UTF-8 is
    `utf8`, as `_canonical` writes it; None if it holds a control character JSON writes
    as \\u00XX (rare: the caller encodes it the slow way).

    A page's text is most of what a verify digests, and json.dumps escapes it one
    character at a time: 30 ms for the 4 MB of text of the 1 000-item bench archive,
    most of the chain's check. Its UTF-8 is the same but for the escapes; bytes.replace
    writes those at the speed of memchr, UTF-8 keeping every ASCII byte for itself.
    One pass first tells whether there is anything but newlines to escape: for most
    texts there is not, and the seven looks for each escape cost as much as that pass."""
    if len(utf8.translate(None, _BUT_NEWLINE)) == len(utf8):
        return utf8.replace(b"\n", b"\\n")
    for char, escape in _LETTER_ESCAPES:
        if char in utf8:
            utf8 = utf8.replace(char, escape)
    if len(utf8.translate(None, _OTHER_CONTROLS)) != len(utf8):
        return None
    return utf8


#: Rows sealed at a time: bounded memory at 100 000 items, and one query of an item's
#: pages for as many items.
_ROWS_AT_ONCE = 500


def row_seals(
    conn: sqlite3.Connection, table: str, keys: Iterable[int | str] | None = None
) -> Iterator[tuple[int | str, str | list[str]]]:
    """(key, seal) of the rows of a sealed table (all of them, or those of `keys`; a gone
    row is not given), in the order of their keys.

    An item's seal is [its metadata's digest, its text's digest], so that a report
    can say which changed; other rows have one digest, and the rows of one key (an
    item's OCR pages) one digest together.
    """
    sealed = SEALED[table]
    # A seal digests [table, SEAL_VERSION, *row]: SQLite gives those two first, so that
    # each row is the very list to digest (see `_digests`).
    select = f"SELECT ?, ?, {', '.join(sealed.columns)} FROM {table}"
    order = f"{sealed.key}, {sealed.order}" if sealed.order else sealed.key
    chunks: Iterable[list[Any]]
    if keys is None:
        chunks = _fetched(conn.execute(f"{select} ORDER BY {order}", (table, SEAL_VERSION)))
    else:
        wanted = sorted(set(keys), key=lambda k: (isinstance(k, str), k))
        parts = (wanted[s : s + _ROWS_AT_ONCE] for s in range(0, len(wanted), _ROWS_AT_ONCE))
        chunks = (
            conn.execute(
                f"{select} WHERE {sealed.key} IN ({','.join('?' * len(part))}) ORDER BY {order}",
                (table, SEAL_VERSION, *part),
            ).fetchall()
            for part in parts
        )
    at = 2 + sealed.columns.index(sealed.key)
    if sealed.order:
        yield from _grouped_seals((row for chunk in chunks for row in chunk), at)
    elif table != "items":
        for chunk in chunks:
            yield from zip(map(itemgetter(at), chunk), _digests(chunk), strict=True)
    else:
        for chunk in chunks:
            yield from _item_seals(conn, chunk)


def _fetched(cursor: sqlite3.Cursor) -> Iterator[list[Any]]:
    while chunk := cursor.fetchmany(_ROWS_AT_ONCE):
        yield chunk


def _item_seals(conn: sqlite3.Connection, rows: list[Any]) -> Iterator[tuple[int, list[str]]]:
    """Items' seals (`rows` from `row_seals`), their pages read with one query for all."""
    if not rows:
        return
    ids = [row[2] for row in rows]  # each id, after the table and the version
    texts: dict[int, Any] = {}
    # A text is read as its UTF-8 (what SQLite keeps, in an archive's UTF-8 database),
    # neither decoded nor encoded again: `_add_page` digests those bytes.
    text_sql = _TEXT_AS_UTF8 if _is_utf8(conn) else "text"
    for item_id, page_no, page_text, from_ocr, kind in conn.execute(
        f"SELECT item_id, page_no, {text_sql}, from_ocr, typeof(text) FROM pages WHERE item_id IN "
        f"({','.join('?' * len(ids))}) ORDER BY item_id, page_no",
        ids,
    ):
        text = texts.get(item_id)
        if text is None:
            text = texts[item_id] = hashlib.sha256()
        _add_page(text, page_no, page_text, from_ocr, kind == "text")
    empty = hashlib.sha256().hexdigest()
    for item_id, meta in zip(ids, _digests(rows), strict=True):
        text = texts.get(item_id)
        yield int(item_id), [meta, empty if text is None else text.hexdigest()]


#: A page's text as the bytes SQLite keeps (its UTF-8 in a UTF-8 database); other values
#: (a NULL, a number) as they are.
_TEXT_AS_UTF8 = "CASE typeof(text) WHEN 'text' THEN CAST(text AS BLOB) ELSE text END"


def _is_utf8(conn: sqlite3.Connection) -> bool:
    return str(conn.execute("PRAGMA encoding").fetchone()[0]).upper() == "UTF-8"


def _add_page(digest: Any, page_no: Any, page_text: Any, from_ocr: Any, text: bool) -> None:
    """Add a page, `_canonical([page_no, its text, from_ocr])` and a newline, to `digest`;
    `page_text` is the text's UTF-8 when `text` (SQLite's type is TEXT), else the value."""
    inside = None
    if text and isinstance(page_text, bytes) and type(page_no) is int and type(from_ocr) is int:
        inside = _json_string(page_text)
    if inside is None:  # a NULL, a BLOB, a number, or a text with a rare control character
        if text and isinstance(page_text, bytes):
            # A text that is not UTF-8 was written behind xarchive's back: its digest
            # then matches no seal, and verify names the item
            page_text = page_text.decode(errors="replace")
        digest.update(_canonical([page_no, page_text, from_ocr]))
        digest.update(b"\n")
        return
    digest.update(b'[%d,"' % page_no)
    digest.update(inside)
    digest.update(b'",%d]\n' % from_ocr)


def _grouped_seals(rows: Iterable[Any], at: int) -> Iterator[tuple[Any, str]]:
    """One digest per key of rows from `row_seals` (in key order): of each row's
    canonical JSON and a newline, in turn."""
    digest = None
    key: Any = None
    for row in rows:
        if digest is None or row[at] != key:
            if digest is not None:
                yield key, digest.hexdigest()
            key, digest = row[at], hashlib.sha256()
        digest.update(_canonical(row))
        digest.update(b"\n")
    if digest is not None:
        yield key, digest.hexdigest()


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


def entry_scope(action: str, data: dict[str, Any]) -> int:
    """The scope a `custody.start` or `custody.extend` entry's detail gives (0: neither).
    A start without one is the first chain's: scope 1."""
    if action not in ("custody.start", "custody.extend"):
        return 0
    scope = data.get("scope", 1 if action == "custody.start" else 0)
    return scope if isinstance(scope, int) else 0


def chain_scope(conn: sqlite3.Connection) -> int:
    """What the chain seals (`SEALED`'s `since`): the widest scope its start or an
    extension gave; 0 if it has not started."""
    found = 0
    for action, detail in conn.execute(
        "SELECT action, detail FROM audit_log WHERE action IN ('custody.extend', "
        "'custody.start') ORDER BY id DESC"
    ):
        try:
            data = json.loads(detail)
        except json.JSONDecodeError:  # a rewritten entry: verify names it
            continue
        found = max(found, entry_scope(str(action), data if isinstance(data, dict) else {}))
        if found >= SCOPE:
            break
    return found


def has_chain(conn: sqlite3.Connection) -> bool:
    """Whether the schema has the chain's columns (an archive migrated far enough)."""
    columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(audit_log)")}
    return "hash" in columns
