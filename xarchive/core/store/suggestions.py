"""Suggested links and what the detectors remember of each item (schema migration 4).

A suggestion is a link not made yet: source `relation` target, with a score in
0–1, a sentence saying why, and the detector that found it. Its status is
pending until a person accepts it (a link is made, its uid kept here) or
dismisses it (it is never offered again). An accepted suggestion whose link was
undone or removed since counts as pending again: the person took back the
decision, not the evidence. The records (`Suggestion`, `Found`) are core/model/'s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from ..errors import XArchiveError
from ..model import Found, Suggestion
from .connection import chunks

STATUSES = ("pending", "accepted", "dismissed")


class SuggestionNotFound(XArchiveError):
    """No suggestion has that id."""


# The status as a person sees it: an accepted suggestion whose link is gone is pending.
_STATUS = (
    "CASE WHEN s.status = 'accepted' AND NOT EXISTS "
    "(SELECT 1 FROM links l WHERE l.uid = s.link_uid) THEN 'pending' ELSE s.status END"
)
_COLUMNS = (
    "s.id, s.source_id, s.target_id, s.relation, s.score, s.reason, s.detector, "
    f"{_STATUS}, s.link_uid, s.created_at, s.decided_at, s.decided_by"
)


def _suggestion(row: Sequence[object]) -> Suggestion:
    values = list(row)
    return Suggestion(
        int(values[0]),  # type: ignore[call-overload]
        int(values[1]),  # type: ignore[call-overload]
        int(values[2]),  # type: ignore[call-overload]
        str(values[3]),
        float(values[4]),  # type: ignore[arg-type]
        str(values[5]),
        str(values[6]),
        str(values[7]),
        str(values[8]),
        str(values[9]),
        str(values[10]),
        str(values[11]),
    )


def get(conn: sqlite3.Connection, suggestion_id: int) -> Suggestion:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM suggestions s WHERE s.id = ?", (suggestion_id,)
    ).fetchone()
    if row is None:
        raise SuggestionNotFound(f"no suggestion has the id {suggestion_id}")
    return _suggestion(row)


def listing(
    conn: sqlite3.Connection,
    item_id: int | None = None,
    statuses: Iterable[str] = ("pending",),
    limit: int | None = None,
) -> list[Suggestion]:
    """Suggestions with these statuses (of one item, either end, or of all), best first.

    A pending suggestion between two items that are linked already (by any
    relation, either way) is left out: the link says more than the guess.
    """
    where, params = _where(tuple(statuses), item_id)
    sql = f"SELECT {_COLUMNS} FROM suggestions s WHERE {where} ORDER BY s.score DESC, s.id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_suggestion(r) for r in conn.execute(sql, params)]


def _where(wanted: tuple[str, ...], item_id: int | None) -> tuple[str, list[object]]:
    """The condition of `listing` on `suggestions s`, and its parameters."""
    where = [f"({_STATUS}) IN ({', '.join('?' * len(wanted))})"]
    params: list[object] = list(wanted)
    if item_id is not None:
        where.append("(s.source_id = ? OR s.target_id = ?)")
        params += [item_id, item_id]
    where.append(
        f"NOT (({_STATUS}) = 'pending' AND EXISTS (SELECT 1 FROM links l WHERE "
        "(l.source_id = s.source_id AND l.target_id = s.target_id) OR "
        "(l.source_id = s.target_id AND l.target_id = s.source_id)))"
    )
    return " AND ".join(where), params


def count_pending(conn: sqlite3.Connection) -> int:
    """How many `listing` gives: counted by SQLite, not listed (an import counts them
    after every batch; at 100 000 items the listing was a tenth of its main process)."""
    where, params = _where(("pending",), None)
    return int(
        conn.execute(f"SELECT COUNT(*) FROM suggestions s WHERE {where}", params).fetchone()[0]
    )


def add(conn: sqlite3.Connection, found: Found, now: str) -> bool:
    """Store a suggestion unless one exists for the pair; a pending one gets the new score.

    Returns whether a new suggestion was stored. The caller owns the transaction.
    """
    score = min(1.0, max(0.0, round(found.score, 4)))
    row = conn.execute(
        "SELECT id, status FROM suggestions WHERE source_id = ? AND target_id = ? AND relation = ?",
        (found.source_id, found.target_id, found.relation),
    ).fetchone()
    if row is not None:
        if row[1] == "pending":
            conn.execute(
                "UPDATE suggestions SET score = ?, reason = ? WHERE id = ?",
                (score, found.reason, row[0]),
            )
        return False
    conn.execute(
        "INSERT INTO suggestions (source_id, target_id, relation, score, reason, detector, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (found.source_id, found.target_id, found.relation, score, found.reason, found.detector,
         now),
    )  # fmt: skip
    return True


def decided(conn: sqlite3.Connection, a: int, b: int, detector: str) -> bool:
    """Whether a person dismissed a suggestion of this detector between these items (either way)."""
    row = conn.execute(
        "SELECT 1 FROM suggestions WHERE detector = ? AND status = 'dismissed' AND "
        "((source_id = ? AND target_id = ?) OR (source_id = ? AND target_id = ?)) LIMIT 1",
        (detector, a, b, b, a),
    ).fetchone()
    return row is not None


def linked(conn: sqlite3.Connection, a: int, b: int) -> bool:
    """Whether the two items are linked, by any relation, either way."""
    row = conn.execute(
        "SELECT 1 FROM links WHERE (source_id = ? AND target_id = ?) OR "
        "(source_id = ? AND target_id = ?) LIMIT 1",
        (a, b, b, a),
    ).fetchone()
    return row is not None


def set_status(
    conn: sqlite3.Connection,
    suggestion_id: int,
    status: str,
    now: str,
    by: str,
    link_uid: str = "",
) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    conn.execute(
        "UPDATE suggestions SET status = ?, decided_at = ?, decided_by = ?, link_uid = ? "
        "WHERE id = ?",
        (status, now if status != "pending" else "", by if status != "pending" else "",
         link_uid, suggestion_id),
    )  # fmt: skip


def forget_pending_except(conn: sqlite3.Connection, keep: set[tuple[int, int, str]]) -> int:
    """Drop the pending suggestions not in `keep` (source, target, relation); decisions stay."""
    rows = conn.execute(
        "SELECT id, source_id, target_id, relation FROM suggestions WHERE status = 'pending'"
    ).fetchall()
    gone = [(r[0],) for r in rows if (r[1], r[2], r[3]) not in keep]
    conn.executemany("DELETE FROM suggestions WHERE id = ?", gone)
    return len(gone)


# -- what the detectors remember --------------------------------------------------------------


def unscanned(conn: sqlite3.Connection, version: int) -> list[int]:
    """Items not scanned yet, or scanned by an older version of the detectors."""
    rows = conn.execute(
        "SELECT i.id FROM items i LEFT JOIN suggest_scanned s ON s.item_id = i.id "
        "WHERE s.item_id IS NULL OR s.version < ? ORDER BY i.id",
        (version,),
    )
    return [int(r[0]) for r in rows]


def count_unscanned(conn: sqlite3.Connection, version: int) -> int:
    """len(unscanned(conn, version)), counted by SQLite (the app asks at every opening)."""
    row = conn.execute(
        "SELECT count(*) FROM items i LEFT JOIN suggest_scanned s ON s.item_id = i.id "
        "WHERE s.item_id IS NULL OR s.version < ?",
        (version,),
    ).fetchone()
    return int(row[0])


def forget_scans(conn: sqlite3.Connection, item_ids: Sequence[int] | None = None) -> None:
    tables = ("suggest_scanned", "suggest_urls", "suggest_bands")
    if item_ids is None:
        for table in tables:
            conn.execute(f"DELETE FROM {table}")
        return
    for chunk in chunks(list(item_ids)):
        marks = ", ".join("?" * len(chunk))
        for table in tables:
            conn.execute(f"DELETE FROM {table} WHERE item_id IN ({marks})", chunk)


def mark_scanned(conn: sqlite3.Connection, item_ids: Sequence[int], version: int, now: str) -> None:
    conn.executemany(
        "INSERT INTO suggest_scanned (item_id, version, scanned_at) VALUES (?, ?, ?) "
        "ON CONFLICT(item_id) DO UPDATE SET version = excluded.version, "
        "scanned_at = excluded.scanned_at",
        [(item_id, version, now) for item_id in item_ids],
    )


def add_urls(conn: sqlite3.Connection, found: Iterable[tuple[int, str, Iterable[str]]]) -> None:
    """Each (item, role, addresses) of `found`, in one statement."""
    conn.executemany(
        "INSERT OR IGNORE INTO suggest_urls (url, role, item_id) VALUES (?, ?, ?)",
        sorted((url, role, item_id) for item_id, role, urls in found for url in set(urls) if url),
    )


def items_with_url(conn: sqlite3.Connection, url: str, role: str) -> list[int]:
    rows = conn.execute(
        "SELECT item_id FROM suggest_urls WHERE url = ? AND role = ? ORDER BY item_id",
        (url, role),
    )
    return [int(r[0]) for r in rows]


def handles_read(conn: sqlite3.Connection) -> list[str]:
    """Every account handle read in a picture (without its "@")."""
    rows = conn.execute(
        "SELECT DISTINCT url FROM suggest_urls WHERE role = 'mentions' AND url LIKE '@%'"
    )
    return [str(r[0])[1:] for r in rows]


def urls_of(conn: sqlite3.Connection, item_id: int, role: str) -> list[str]:
    rows = conn.execute(
        "SELECT url FROM suggest_urls WHERE item_id = ? AND role = ? ORDER BY url",
        (item_id, role),
    )
    return [str(r[0]) for r in rows]


def add_bands(conn: sqlite3.Connection, found: Iterable[tuple[int, Sequence[int]]]) -> None:
    """Each (item, band buckets) of `found`, in one statement, in the order of the
    table's key (inserted in order, each row lands next to the one before)."""
    conn.executemany(
        "INSERT OR IGNORE INTO suggest_bands (band, bucket, item_id) VALUES (?, ?, ?)",
        sorted(
            (band, bucket, item_id)
            for item_id, buckets in found
            for band, bucket in enumerate(buckets)
        ),
    )


def band_neighbours(conn: sqlite3.Connection, item_id: int, limit: int) -> list[tuple[int, int]]:
    """(other item, number of shared band buckets) for items sharing a bucket, most first."""
    rows = conn.execute(
        "SELECT o.item_id, count(*) AS shared FROM suggest_bands b "
        "JOIN suggest_bands o ON o.band = b.band AND o.bucket = b.bucket "
        "WHERE b.item_id = ? AND o.item_id != b.item_id "
        "GROUP BY o.item_id ORDER BY shared DESC, o.item_id LIMIT ?",
        (item_id, limit),
    )
    return [(int(r[0]), int(r[1])) for r in rows]
