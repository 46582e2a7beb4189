"""Every original the archive keeps, as `verify` checks them: the items', the containers'
(an X archive zip, a JSONL file) and the records later captures of posts read.

Apart from the modules of the rows they belong to (items.py, posts.py, evidence.py),
so that verifying loads none of their records (core/model/'s dataclasses, a third of
a verify's start).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

#: (id, sha256, size, name): the row that names the original, and how to show it.
Original = tuple[int, str, int, str]


def items(conn: sqlite3.Connection) -> Iterator[Original]:
    """(id, sha256, size, original_name) of every item."""
    for row in conn.execute("SELECT id, sha256, size, original_name FROM items ORDER BY id"):
        yield int(row[0]), str(row[1]), int(row[2]), str(row[3])


def containers(conn: sqlite3.Connection) -> Iterator[Original]:
    """(id, sha256, size, name) of every container."""
    for row in conn.execute("SELECT id, sha256, size, name FROM containers ORDER BY id"):
        yield int(row[0]), str(row[1]), int(row[2]), str(row[3])


def capture_records(conn: sqlite3.Connection) -> Iterator[Original]:
    """(capture id, sha256, 0, name) of each capture's record: every capture kept since
    schema 9 (older ones kept no record of their own). Their size is not kept."""
    rows = conn.execute(
        "SELECT s.id, s.record_sha256, p.platform_id, c.name, s.locator FROM post_sources s "
        "JOIN posts p ON p.item_id = s.item_id JOIN containers c ON c.id = s.container_id "
        "WHERE s.state != '' ORDER BY s.id"
    )
    for source_id, sha256, platform_id, name, locator in rows:
        yield int(source_id), str(sha256), 0, f"post {platform_id} as read in {name}, {locator}"
