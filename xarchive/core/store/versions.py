"""The versions of edited posts (table post_versions, migration 9): which posts are
versions of one, and in what order.

Apart from store/evidence.py, whose records (core/model/evidence.py) a search never
makes: a page of hits asks here which of its posts are versions of an edited post
(posts/versions.py), and compiling those records' dataclass methods was 5-9 ms of a
whole `xarchive search` (issue 10, target 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .connection import chunks

if TYPE_CHECKING:
    import sqlite3


def add_versions(conn: sqlite3.Connection, platform_ids: Sequence[str], initial_id: str) -> bool:
    """Record `platform_ids` as versions of one post whose first version is `initial_id`.

    Lists from different sources may overlap (a later version lists more): the
    groups they name become one, under the oldest first version. Returns whether
    anything changed. The caller owns the transaction.
    """
    ids = [*dict.fromkeys(p for p in (initial_id, *platform_ids) if p)]
    if len(ids) < 2:
        return False
    known = {
        str(r[0])
        for r in conn.execute(
            f"SELECT initial_id FROM post_versions WHERE platform_id IN "
            f"({', '.join('?' * len(ids))})",
            ids,
        )
    }
    members = set(ids)
    for other in known:
        members.update(versions_in(conn, other))
    first = min(members | known, key=_id_order)
    before = conn.total_changes
    for platform_id in members:
        conn.execute(
            "INSERT INTO post_versions (platform_id, initial_id) VALUES (?, ?) "
            "ON CONFLICT (platform_id) DO UPDATE SET initial_id = excluded.initial_id "
            "WHERE post_versions.initial_id != excluded.initial_id",
            (platform_id, first),
        )
    return conn.total_changes != before


def all_version_ids(conn: sqlite3.Connection) -> list[str]:
    """The platform id of every version the archive knows of."""
    return [str(r[0]) for r in conn.execute("SELECT platform_id FROM post_versions")]


def versions_in(conn: sqlite3.Connection, initial_id: str) -> list[str]:
    """Platform ids of every version of the post first posted as `initial_id`, oldest first."""
    rows = conn.execute(
        "SELECT platform_id FROM post_versions WHERE initial_id = ?", (initial_id,)
    ).fetchall()
    return sorted((str(r[0]) for r in rows), key=_id_order)


def initial_ids(conn: sqlite3.Connection, platform_ids: Sequence[str]) -> dict[str, str]:
    """The first version of each of these posts that has versions."""
    found: dict[str, str] = {}
    for chunk in chunks(list(platform_ids)):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT platform_id, initial_id FROM post_versions WHERE platform_id IN ({marks})",
            chunk,
        )
        found.update({str(a): str(b) for a, b in rows})
    return found


def version_counts(conn: sqlite3.Connection, initials: Iterable[str]) -> dict[str, int]:
    """How many versions are known of each post (by its first version)."""
    found: dict[str, int] = {}
    for chunk in chunks(list(set(initials))):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT initial_id, count(*) FROM post_versions WHERE initial_id IN ({marks}) "
            "GROUP BY initial_id",
            chunk,
        )
        found.update({str(a): int(b) for a, b in rows})
    return found


def edited_post_items(conn: sqlite3.Connection) -> dict[int, str]:
    """Every post of the archive that is a version of an edited post: its item id → its
    first version's platform id (one query, on the versions' table)."""
    rows = conn.execute(
        "SELECT p.item_id, v.initial_id FROM post_versions v "
        "JOIN posts p ON p.platform_id = v.platform_id"
    )
    return {int(a): str(b) for a, b in rows}


def _id_order(platform_id: str) -> tuple[int, str]:
    """Post ids are snowflakes: their order is the order in time."""
    number = platform_id.partition(":")[2]
    return (int(number) if number.isdigit() else 0, platform_id)


def post_platform_ids(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, str]:
    """The platform id of each post among these items (others are left out)."""
    found: dict[int, str] = {}
    for chunk in chunks(list(item_ids)):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT item_id, platform_id FROM posts WHERE item_id IN ({marks})", chunk
        )
        found.update({int(a): str(b) for a, b in rows})
    return found
