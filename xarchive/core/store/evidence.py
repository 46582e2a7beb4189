"""What posts say as evidence: captures' states, versions, accounts, events (migration 9).

The queries behind posts/evidence.py, which explains what each means (the records are
core/model/'s: `CaptureRow`, `AccountRow`, `EventRow` …). Posts are named
by platform id (``x:1758…``) here, not by item id: an event or a version may be
known before its post is in the archive, and is found by it when it arrives.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..model import (
    AccountCaptureRow,
    AccountRow,
    BundledCapture,
    CaptureRow,
    EventRow,
    PostKey,
    UnknownCapture,
)
from .connection import chunks

if TYPE_CHECKING:  # what importers read: a search, which reads versions here, needs none
    from ..model import ExtractedAccount, ExtractedEvent

# -- captures of a post --------------------------------------------------------------------


def captures_of(conn: sqlite3.Connection, item_id: int) -> list[CaptureRow]:
    """Every capture of post `item_id`, oldest capture first (then in import order)."""
    return captures_of_items(conn, [item_id]).get(item_id, [])


def captures_of_items(
    conn: sqlite3.Connection, item_ids: Sequence[int]
) -> dict[int, list[CaptureRow]]:
    """`captures_of` each of these posts, a few hundred a statement (one with none is left out)."""
    found: dict[int, list[CaptureRow]] = {}
    for chunk in chunks(list(item_ids)):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT s.id, s.item_id, s.container_id, c.name, c.kind, c.title, s.member, "
            "s.locator, s.record_sha256, CASE WHEN s.captured_at != '' THEN s.captured_at "
            "ELSE c.captured_at END, s.seen_at, s.run_id, s.state FROM post_sources s "
            f"JOIN containers c ON c.id = s.container_id WHERE s.item_id IN ({marks})",
            chunk,
        ).fetchall()
        for r in rows:
            found.setdefault(int(r[1]), []).append(
                CaptureRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                           r[11], json.loads(r[12]) if r[12] else None)
            )  # fmt: skip
    return {
        item_id: sorted(rows, key=lambda c: (c.captured_at or c.imported_at, c.source_id))
        for item_id, rows in found.items()
    }


def capture_states(
    conn: sqlite3.Connection, item_ids: Sequence[int]
) -> dict[int, list[tuple[str, dict[str, Any]]]]:
    """(captured at, state) of each capture with a state, per post, oldest first."""
    found: dict[int, list[tuple[str, int, dict[str, Any]]]] = {}
    for chunk in chunks(list(item_ids)):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT s.item_id, s.id, CASE WHEN s.captured_at != '' THEN s.captured_at "
            "ELSE c.captured_at END, s.state FROM post_sources s "
            f"JOIN containers c ON c.id = s.container_id WHERE s.item_id IN ({marks}) "
            "AND s.state != ''",
            chunk,
        ).fetchall()
        for item_id, source_id, at, state in rows:
            found.setdefault(int(item_id), []).append((at or "", int(source_id), json.loads(state)))
    return {
        item_id: [(at, state) for at, _, state in sorted(states, key=lambda s: (s[0], s[1]))]
        for item_id, states in found.items()
    }


def unfilled_first_captures(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """The captures imported before schema 9 whose record is their post's original (what
    `backfill` can read again): (capture id, item id, container id, member, locator,
    counts as JSON, run id, seen at, the container's captured at) each."""
    return conn.execute(
        "SELECT s.id, s.item_id, s.container_id, s.member, s.locator, s.counts, s.run_id, "
        "s.seen_at, c.captured_at FROM post_sources s JOIN items i ON i.id = s.item_id "
        "JOIN containers c ON c.id = s.container_id "
        "WHERE s.state = '' AND s.record_sha256 = i.sha256"
    ).fetchall()


def set_capture_state(
    conn: sqlite3.Connection, source_id: int, state: dict[str, Any], captured_at: str = ""
) -> None:
    """Give a capture imported before schema 9 the state read again from its record (and
    when the source took it, where the record says)."""
    conn.execute(
        "UPDATE post_sources SET state = ?, captured_at = CASE WHEN ? != '' THEN ? "
        "ELSE captured_at END WHERE id = ?",
        (_json(state), captured_at, captured_at, source_id),
    )


def unknown_captures(conn: sqlite3.Connection, kinds: Sequence[str]) -> list[UnknownCapture]:
    """The captures without a state read from containers of these kinds."""
    rows = conn.execute(
        "SELECT s.id, s.item_id, s.container_id, c.parent_id, s.member, s.locator, "
        "s.record_sha256 FROM post_sources s JOIN containers c ON c.id = s.container_id "
        f"WHERE s.state = '' AND c.kind IN ({', '.join('?' * len(kinds))}) ORDER BY s.id",
        list(kinds),
    )
    return [UnknownCapture(*row) for row in rows]


def add_bundled_capture(
    conn: sqlite3.Connection, capture: BundledCapture, run_id: int, now: str
) -> bool:
    """Record a capture read from a bundle; False if this bundle's was known."""
    state = capture.state
    cursor = conn.execute(
        "INSERT OR IGNORE INTO post_sources (item_id, container_id, member, locator, "
        "record_sha256, counts, run_id, seen_at, captured_at, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (capture.item_id, capture.container_id, capture.member, capture.locator,
         capture.record_sha256, _json((state or {}).get("counts") or {}), run_id, now,
         capture.captured_at, "" if state is None else _json(state)),
    )  # fmt: skip
    return cursor.rowcount > 0


def item_sha(conn: sqlite3.Connection, item_id: int) -> str:
    return str(conn.execute("SELECT sha256 FROM items WHERE id = ?", (item_id,)).fetchone()[0])


def capture_counts(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, int]:
    """How many captures the archive holds of each of these posts (one record taken at one
    time counts once, however many files hold it)."""
    found: dict[int, int] = {}
    for chunk in chunks(list(item_ids)):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT s.item_id, count(DISTINCT s.record_sha256 || '|' || CASE WHEN "
            "s.captured_at != '' THEN s.captured_at ELSE c.captured_at END) FROM post_sources s "
            f"JOIN containers c ON c.id = s.container_id WHERE s.item_id IN ({marks}) "
            "GROUP BY s.item_id",
            chunk,
        )
        found.update({int(a): int(b) for a, b in rows})
    return found


def top_containers_of_post(conn: sqlite3.Connection, item_id: int) -> set[int]:
    """The containers a post was read from, a folder's data file counted as its folder."""
    return top_containers_of_posts(conn, [item_id]).get(item_id, set())


def top_containers_of_posts(
    conn: sqlite3.Connection, item_ids: Sequence[int]
) -> dict[int, set[int]]:
    """`top_containers_of_post` of each of these posts (one read from none is left out)."""
    found: dict[int, set[int]] = {}
    for chunk in chunks(list(item_ids)):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT s.item_id, coalesce(c.parent_id, c.id) FROM post_sources s "
            f"JOIN containers c ON c.id = s.container_id WHERE s.item_id IN ({marks})",
            chunk,
        )
        for item_id, container_id in rows:
            found.setdefault(int(item_id), set()).add(int(container_id))
    return found


def archives_of_account(conn: sqlite3.Connection, account_id: str) -> list[tuple[int, str, str]]:
    """(id, title, captured at) of the X archives of this account ("1456…"), oldest first.

    An X archive holds every post of its account (deleted ones in deleted-tweets.js), so a
    post missing from a later one had gone from the platform by then.
    """
    rows = conn.execute(
        "SELECT id, title, captured_at FROM containers WHERE kind IN ('x-archive', "
        "'x-archive-folder') AND json_extract(extra, '$.account_id') = ? "
        "ORDER BY captured_at, id",
        (account_id,),
    )
    return [(int(a), str(b), str(c)) for a, b, c in rows]


# -- accounts --------------------------------------------------------------------------------


def add_account(
    conn: sqlite3.Connection, account: ExtractedAccount, container_id: int, run_id: int, now: str
) -> bool:
    """Record a capture of an account; the account's record takes the newest capture's
    state. False if this capture was known (the same container and place)."""
    state = account.state()
    cursor = conn.execute(
        "INSERT OR IGNORE INTO account_captures (platform_id, container_id, member, locator, "
        "record, state, captured_at, run_id, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (account.platform_id, container_id, account.member, account.locator,
         account.record.decode("utf-8"), _json(state), account.captured_at, run_id, now),
    )  # fmt: skip
    if cursor.rowcount == 0:
        return False
    row = conn.execute(
        "SELECT seen_at, state FROM accounts WHERE platform_id = ?", (account.platform_id,)
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO accounts (platform_id, account_id, handle, state, seen_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (account.platform_id, account.account_id, account.handle, _json(state),
             account.captured_at),
        )  # fmt: skip
    elif not row[0] or account.captured_at >= row[0]:
        # What the newer capture does not say, the older one still does.
        merged = json.loads(row[1])
        merged.update({k: v for k, v in state.items() if v not in (None, "", {})})
        conn.execute(
            "UPDATE accounts SET handle = ?, state = ?, seen_at = ? WHERE platform_id = ?",
            (account.handle or merged.get("handle", ""), _json(merged),
             account.captured_at or row[0], account.platform_id),
        )  # fmt: skip
    return True


_ACCOUNT_COLUMNS = "platform_id, account_id, handle, state, seen_at"


def _account(row: Sequence[Any]) -> AccountRow:
    return AccountRow(str(row[0]), str(row[1]), str(row[2]), json.loads(row[3]), str(row[4]))


def get_account(conn: sqlite3.Connection, platform_id: str) -> AccountRow | None:
    row = conn.execute(
        f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE platform_id = ?", (platform_id,)
    ).fetchone()
    return None if row is None else _account(row)


def account_by_handle(conn: sqlite3.Connection, handle: str) -> AccountRow | None:
    """The account with this handle (any case); the most recently seen if several had it."""
    row = conn.execute(
        f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE handle = ? COLLATE NOCASE "
        "ORDER BY seen_at DESC LIMIT 1",
        (handle.removeprefix("@"),),
    ).fetchone()
    return None if row is None else _account(row)


def accounts(conn: sqlite3.Connection) -> list[AccountRow]:
    rows = conn.execute(
        f"SELECT {_ACCOUNT_COLUMNS} FROM accounts ORDER BY handle COLLATE NOCASE, platform_id"
    )
    return [_account(r) for r in rows]


def accounts_by_id(conn: sqlite3.Connection, account_ids: Iterable[str]) -> dict[str, AccountRow]:
    """The accounts with these platform account ids ("1456…", as posts have them)."""
    found: dict[str, AccountRow] = {}
    for chunk in chunks([a for a in set(account_ids) if a]):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE account_id IN ({marks})", chunk
        )
        for row in rows:
            account = _account(row)
            found[account.account_id] = account
    return found


def account_captures(conn: sqlite3.Connection, platform_id: str) -> list[AccountCaptureRow]:
    rows = conn.execute(
        "SELECT a.id, a.platform_id, a.container_id, c.name, a.member, a.locator, a.record, "
        "a.state, CASE WHEN a.captured_at != '' THEN a.captured_at ELSE c.captured_at END, "
        "a.run_id, a.seen_at FROM account_captures a JOIN containers c ON c.id = a.container_id "
        "WHERE a.platform_id = ? ORDER BY 9, a.id",
        (platform_id,),
    ).fetchall()
    return [
        AccountCaptureRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8], r[9],
                          r[10])
        for r in rows
    ]  # fmt: skip


def post_ids_of_account(conn: sqlite3.Connection, account_id: str, handle: str) -> list[int]:
    """Item ids of the posts of an account (by its id, or by handle where a post has no id),
    oldest first."""
    rows = conn.execute(
        "SELECT p.item_id FROM posts p JOIN items i ON i.id = p.item_id "
        "WHERE (p.account_id = ? AND p.account_id != '') "
        "OR (p.account_id = '' AND ? != '' AND p.account = ? COLLATE NOCASE) "
        "ORDER BY i.published_at, p.item_id",
        (account_id, handle, handle),
    )
    return [int(r[0]) for r in rows]


def post_ids_of_handle(conn: sqlite3.Connection, handle: str) -> list[int]:
    """Item ids of the posts whose account has this handle (in any case)."""
    rows = conn.execute(
        "SELECT item_id FROM posts WHERE account = ? COLLATE NOCASE ORDER BY item_id", (handle,)
    )
    return [int(r[0]) for r in rows]


# -- events ----------------------------------------------------------------------------------


def add_event(
    conn: sqlite3.Connection, event: ExtractedEvent, container_id: int, run_id: int, now: str
) -> bool:
    """Record an event; False if this container recorded it already."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO platform_events (subject, platform_id, action, at, details, "
        "container_id, member, locator, run_id, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event.subject, event.platform_id, event.action, event.at, _json(event.details),
         container_id, event.member, event.locator, run_id, now),
    )  # fmt: skip
    return cursor.rowcount > 0


def events_of(
    conn: sqlite3.Connection, subject: str, platform_ids: Sequence[str]
) -> dict[str, list[EventRow]]:
    """The events of these posts or accounts, each one's oldest first."""
    found: dict[str, list[EventRow]] = {}
    for chunk in chunks(list(dict.fromkeys(platform_ids))):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT e.id, e.subject, e.platform_id, e.action, e.at, e.details, e.container_id, "
            "c.name, e.member, e.locator, e.run_id, e.seen_at FROM platform_events e "
            "JOIN containers c ON c.id = e.container_id "
            f"WHERE e.subject = ? AND e.platform_id IN ({marks}) ORDER BY e.at, e.id",
            [subject, *chunk],
        )
        for r in rows:
            row = EventRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7], r[8],
                           r[9], r[10], r[11])  # fmt: skip
            found.setdefault(row.platform_id, []).append(row)
    return found


def event_dates(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(date, action) of every dated event, once per subject, action and date."""
    return [(at, action) for _, _, action, at in dated_events(conn)]


def dated_events(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """(subject, platform id, action, date) of every dated event, once each (a timeline's)."""
    rows = conn.execute(
        "SELECT DISTINCT subject, platform_id, action, at FROM platform_events WHERE at != ''"
    )
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]


def events_without_post(conn: sqlite3.Connection) -> list[EventRow]:
    """Events of posts the archive does not hold (yet)."""
    rows = conn.execute(
        "SELECT e.platform_id FROM platform_events e WHERE e.subject = 'post' AND NOT EXISTS "
        "(SELECT 1 FROM posts p WHERE p.platform_id = e.platform_id)"
    ).fetchall()
    ids = [str(r[0]) for r in rows]
    return [event for events in events_of(conn, "post", ids).values() for event in events]


def post_keys(conn: sqlite3.Connection, item_ids: Sequence[int]) -> list[PostKey]:
    """The posts among these items, in no particular order."""
    found: list[PostKey] = []
    for chunk in chunks(list(item_ids)):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT item_id, platform_id, account_id, is_deleted, deleted_at, account FROM posts "
            f"WHERE item_id IN ({marks})",
            chunk,
        )
        found.extend(
            PostKey(int(a), str(b), str(c), bool(d), str(e), str(f or ""))
            for a, b, c, d, e, f in rows
        )
    return found


def post_item_ids(conn: sqlite3.Connection, platform_ids: Iterable[str]) -> dict[str, int]:
    """The item id of each of these posts the archive holds."""
    found: dict[str, int] = {}
    for chunk in chunks(list(set(platform_ids))):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT platform_id, item_id FROM posts WHERE platform_id IN ({marks})", chunk
        )
        found.update({str(a): int(b) for a, b in rows})
    return found


def post_ids_of_accounts(conn: sqlite3.Connection, account_ids: Iterable[str]) -> list[int]:
    """Item ids of every post of these accounts ("1456…")."""
    found: list[int] = []
    for chunk in chunks([a for a in set(account_ids) if a]):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(f"SELECT item_id FROM posts WHERE account_id IN ({marks})", chunk)
        found.extend(int(r[0]) for r in rows)
    return found


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
