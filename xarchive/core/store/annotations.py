"""Annotations, tags and links: the rows (schema migration 2) and the queries on them.

Four tables, each row a W3C Web Annotation (annotate/w3c.py maps them):
`annotations` (notes, highlights, regions), `tags` with `item_tags` (a tag on an
item), and `links` (one item to another). Every row has a stable `uid`
(``urn:uuid:…``), its creator and its created/modified times. The records read from
them (`Annotation`, `Tag`, `ItemTag`, `Link` …) are core/model/'s.

Writes go through four generic row operations (`insert_row`, `update_row`,
`delete_row`, `get_row`) so that annotate/changes.py can record each change with
the row before and after it — which is what undo, redo and the audit log use.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..model import Annotation, Attached, Box, ItemTag, Link, Tag, TagCount, TextSpan
from .connection import chunks

#: The columns of each table this module writes, `id` first.
COLUMNS: dict[str, tuple[str, ...]] = {
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

Row = dict[str, Any]


def tag_key(name: str) -> str:
    """What makes two tag names the same: case, Unicode forms and spacing do not count."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


# -- generic row operations (the caller owns the transaction) ------------------------


def _check(table: str, names: Iterable[str]) -> None:
    known = COLUMNS.get(table)
    if known is None:
        raise ValueError(f"unknown table {table!r}")
    unknown = set(names) - set(known)
    if unknown:
        raise ValueError(f"unknown columns for {table}: {sorted(unknown)}")


def get_row(conn: sqlite3.Connection, table: str, row_id: int) -> Row | None:
    _check(table, ())
    columns = COLUMNS[table]
    found = conn.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?", (row_id,)
    ).fetchone()
    return None if found is None else dict(zip(columns, found, strict=True))


def insert_row(conn: sqlite3.Connection, table: str, values: Mapping[str, Any]) -> int:
    """Insert a row (with its `id` if given, as when undoing a delete); return its id."""
    _check(table, values)
    names = list(values)
    cursor = conn.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [values[n] for n in names],
    )
    assert cursor.lastrowid is not None
    return int(values.get("id") or cursor.lastrowid)


def update_row(
    conn: sqlite3.Connection, table: str, row_id: int, values: Mapping[str, Any]
) -> None:
    _check(table, values)
    if not values:
        return
    names = list(values)
    conn.execute(
        f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
        [*(values[n] for n in names), row_id],
    )


def delete_row(conn: sqlite3.Connection, table: str, row_id: int) -> None:
    _check(table, ())
    conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))


# -- annotations -------------------------------------------------------------------

_ANNOTATION_COLUMNS = ", ".join(COLUMNS["annotations"])


def annotation_from_row(row: Mapping[str, Any]) -> Annotation:
    span = None
    if row["kind"] == "highlight":
        span = TextSpan(
            int(row["page"]), int(row["start_char"]), int(row["end_char"]),
            row["exact"], row["prefix"], row["suffix"],
        )  # fmt: skip
    box = None
    if row["kind"] == "region":
        page = None if row["page"] is None else int(row["page"])
        box = Box(float(row["x"]), float(row["y"]), float(row["w"]), float(row["h"]), page)
    return Annotation(
        id=int(row["id"]),
        uid=row["uid"],
        kind=row["kind"],
        item_id=None if row["item_id"] is None else int(row["item_id"]),
        target_sha256=row["target_sha256"],
        note=row["note"],
        colour=row["colour"],
        span=span,
        box=box,
        anchor=row["anchor"],
        via=row["via"],
        creator=row["creator"],
        created_at=row["created_at"],
        modified_at=row["modified_at"],
    )


def uids_starting(conn: sqlite3.Connection, table: str, prefix: str, most: int = 2) -> list[str]:
    """The uids in `table` (annotations, item_tags, links) that start with `prefix`."""
    _check(table, ())
    rows = conn.execute(
        f"SELECT uid FROM {table} WHERE uid LIKE ? LIMIT ?", (f"{prefix}%", most)
    ).fetchall()
    return [str(uid) for (uid,) in rows]


def uid_known(conn: sqlite3.Connection, table: str, uid: str) -> bool:
    _check(table, ())
    return conn.execute(f"SELECT 1 FROM {table} WHERE uid = ?", (uid,)).fetchone() is not None


def _annotations(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> list[Annotation]:
    columns = COLUMNS["annotations"]
    rows = conn.execute(
        f"SELECT {_ANNOTATION_COLUMNS} FROM annotations WHERE {where} ORDER BY "
        "CASE kind WHEN 'note' THEN 0 WHEN 'highlight' THEN 1 ELSE 2 END, "
        "page, start_char, y, x, id",
        params,
    ).fetchall()
    return [annotation_from_row(dict(zip(columns, r, strict=True))) for r in rows]


def annotation_by_uid(conn: sqlite3.Connection, uid: str) -> Annotation | None:
    found = _annotations(conn, "uid = ?", (uid,))
    return found[0] if found else None


def annotations_of(conn: sqlite3.Connection, item_id: int) -> list[Annotation]:
    """An item's notes, then highlights (in text order), then regions."""
    return _annotations(conn, "item_id = ?", (item_id,))


def annotations_of_items(
    conn: sqlite3.Connection, item_ids: Sequence[int]
) -> dict[int, list[Annotation]]:
    """`annotations_of` each of these items, in a statement for hundreds of them (an item
    with none is left out)."""
    found: dict[int, list[Annotation]] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        for annotation in _annotations(conn, f"item_id IN ({marks})", chunk):
            assert annotation.item_id is not None
            found.setdefault(annotation.item_id, []).append(annotation)
    return found


def detached_annotations(conn: sqlite3.Connection, sha256s: Sequence[str]) -> list[Annotation]:
    """Annotations kept when their item was deleted, whose original has one of these hashes."""
    found: list[Annotation] = []
    for chunk in chunks(sha256s):
        marks = ", ".join("?" * len(chunk))
        found += _annotations(conn, f"item_id IS NULL AND target_sha256 IN ({marks})", chunk)
    return found


def orphaned_annotations(conn: sqlite3.Connection) -> list[Annotation]:
    """Annotations whose item was deleted, or whose quote is no longer in its text."""
    return _annotations(conn, "item_id IS NULL OR anchor = 'orphaned'", ())


# -- tags -----------------------------------------------------------------------------


def _tag(row: Sequence[Any]) -> Tag:
    return Tag(int(row[0]), row[1], row[2], row[3], row[4])


def tag_by_key(conn: sqlite3.Connection, key: str) -> Tag | None:
    row = conn.execute(
        "SELECT id, name, creator, created_at, modified_at FROM tags WHERE key = ?", (key,)
    ).fetchone()
    return None if row is None else _tag(row)


def tag_counts(conn: sqlite3.Connection) -> list[TagCount]:
    """Every tag with the number of items carrying it, most used first."""
    rows = conn.execute(
        "SELECT t.id, t.name, t.creator, t.created_at, t.modified_at, count(it.item_id) AS n "
        "FROM tags t LEFT JOIN item_tags it ON it.tag_id = t.id "
        "GROUP BY t.id ORDER BY n DESC, t.key"
    ).fetchall()
    return [TagCount(_tag(r), int(r[5])) for r in rows]


_ITEM_TAG_SELECT = (
    "SELECT it.id, it.uid, it.item_id, it.target_sha256, it.tag_id, t.name, it.via, "
    "it.creator, it.created_at, it.modified_at FROM item_tags it JOIN tags t ON t.id = it.tag_id "
)


def _item_tag(row: Sequence[Any]) -> ItemTag:
    item_id = None if row[2] is None else int(row[2])
    return ItemTag(int(row[0]), row[1], item_id, row[3], int(row[4]), *row[5:])


def count_all(conn: sqlite3.Connection) -> int:
    """Annotations, tags given and links, together."""
    return sum(
        int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in ("annotations", "item_tags", "links")
    )


def has_tag(conn: sqlite3.Connection, item_id: int, tag_id: int) -> bool:
    found = conn.execute(
        "SELECT 1 FROM item_tags WHERE item_id = ? AND tag_id = ?", (item_id, tag_id)
    ).fetchone()
    return found is not None


def item_tags_of(conn: sqlite3.Connection, item_id: int) -> list[ItemTag]:
    rows = conn.execute(_ITEM_TAG_SELECT + "WHERE it.item_id = ? ORDER BY t.key", (item_id,))
    return [_item_tag(r) for r in rows]


def item_tags_of_items(
    conn: sqlite3.Connection, item_ids: Sequence[int]
) -> dict[int, list[ItemTag]]:
    """`item_tags_of` each of these items (an item with none is left out)."""
    found: dict[int, list[ItemTag]] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(_ITEM_TAG_SELECT + f"WHERE it.item_id IN ({marks}) ORDER BY t.key",
                            chunk)  # fmt: skip
        for row in rows:
            tag = _item_tag(row)
            assert tag.item_id is not None
            found.setdefault(tag.item_id, []).append(tag)
    return found


def item_tags_with(conn: sqlite3.Connection, tag_id: int) -> list[ItemTag]:
    """Every use of one tag, including on deleted items whose tags were kept."""
    rows = conn.execute(_ITEM_TAG_SELECT + "WHERE it.tag_id = ? ORDER BY it.id", (tag_id,))
    return [_item_tag(r) for r in rows]


def item_tag_by_uid(conn: sqlite3.Connection, uid: str) -> ItemTag | None:
    row = conn.execute(_ITEM_TAG_SELECT + "WHERE it.uid = ?", (uid,)).fetchone()
    return None if row is None else _item_tag(row)


def detached_item_tags(conn: sqlite3.Connection, sha256s: Sequence[str]) -> list[ItemTag]:
    found: list[ItemTag] = []
    for chunk in chunks(sha256s):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            _ITEM_TAG_SELECT + f"WHERE it.item_id IS NULL AND it.target_sha256 IN ({marks})",
            chunk,
        )
        found += [_item_tag(r) for r in rows]
    return found


def detached_item_tags_all(conn: sqlite3.Connection) -> list[ItemTag]:
    """Tags kept when their item was deleted."""
    rows = conn.execute(_ITEM_TAG_SELECT + "WHERE it.item_id IS NULL ORDER BY it.id")
    return [_item_tag(r) for r in rows]


def items_with_tag(conn: sqlite3.Connection, tag_id: int) -> list[int]:
    rows = conn.execute(
        "SELECT item_id FROM item_tags WHERE tag_id = ? AND item_id IS NOT NULL ORDER BY item_id",
        (tag_id,),
    )
    return [int(r[0]) for r in rows]


# -- links ----------------------------------------------------------------------------

_LINK_COLUMNS = ", ".join(COLUMNS["links"])


def _link(row: Sequence[Any]) -> Link:
    values = list(row)
    for i in (2, 4):
        values[i] = None if values[i] is None else int(values[i])
    return Link(*values)


def links_from(conn: sqlite3.Connection, item_id: int) -> list[Link]:
    rows = conn.execute(
        f"SELECT {_LINK_COLUMNS} FROM links WHERE source_id = ? ORDER BY relation, id", (item_id,)
    )
    return [_link(r) for r in rows]


def links_to(conn: sqlite3.Connection, item_id: int) -> list[Link]:
    """Backlinks: the links from other items to this one."""
    rows = conn.execute(
        f"SELECT {_LINK_COLUMNS} FROM links WHERE target_id = ? ORDER BY relation, id", (item_id,)
    )
    return [_link(r) for r in rows]


def links_of_items(
    conn: sqlite3.Connection, item_ids: Sequence[int], end: str = "source"
) -> dict[int, list[Link]]:
    """`links_from` each of these items (`end` "source"), or `links_to` each ("target"),
    in a statement for hundreds of them; an item with none is left out."""
    if end not in ("source", "target"):
        raise ValueError(f"a link's end is its source or its target, not {end!r}")
    found: dict[int, list[Link]] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT {_LINK_COLUMNS} FROM links WHERE {end}_id IN ({marks}) ORDER BY relation, id",
            chunk,
        )
        for row in rows:
            link = _link(row)
            item_id = link.source_id if end == "source" else link.target_id
            assert item_id is not None
            found.setdefault(item_id, []).append(link)
    return found


def link_by_uid(conn: sqlite3.Connection, uid: str) -> Link | None:
    row = conn.execute(f"SELECT {_LINK_COLUMNS} FROM links WHERE uid = ?", (uid,)).fetchone()
    return None if row is None else _link(row)


def find_link(
    conn: sqlite3.Connection, source_id: int, relation: str, target_id: int
) -> Link | None:
    row = conn.execute(
        f"SELECT {_LINK_COLUMNS} FROM links WHERE source_id = ? AND target_id = ? AND relation = ?",
        (source_id, target_id, relation),
    ).fetchone()
    return None if row is None else _link(row)


def links_between_items(conn: sqlite3.Connection) -> list[Link]:
    """Every link whose two items are both in the archive (for a graph of the whole case)."""
    rows = conn.execute(
        f"SELECT {_LINK_COLUMNS} FROM links WHERE source_id IS NOT NULL AND target_id IS NOT NULL "
        "ORDER BY id"
    )
    return [_link(r) for r in rows]


def detached_links(conn: sqlite3.Connection, sha256s: Sequence[str]) -> list[Link]:
    """Links with an end whose item was deleted (the link kept) and has one of these hashes."""
    found: list[Link] = []
    for chunk in chunks(sha256s):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT {_LINK_COLUMNS} FROM links WHERE (source_id IS NULL AND source_sha256 "
            f"IN ({marks})) OR (target_id IS NULL AND target_sha256 IN ({marks}))",
            [*chunk, *chunk],
        )
        found += [_link(r) for r in rows]
    return found


def detached_links_all(conn: sqlite3.Connection) -> list[Link]:
    rows = conn.execute(
        f"SELECT {_LINK_COLUMNS} FROM links WHERE source_id IS NULL OR target_id IS NULL "
        "ORDER BY id"
    )
    return [_link(r) for r in rows]


# -- what the search index holds of them -------------------------------------------------


def tag_names_for(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, list[str]]:
    """The tag names on each of these items (as typed), for the index."""
    found: dict[int, list[str]] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT it.item_id, t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id "
            f"WHERE it.item_id IN ({marks}) ORDER BY t.key",
            chunk,
        )
        for item_id, name in rows:
            found.setdefault(int(item_id), []).append(str(name))
    return found


def note_texts_for(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, list[str]]:
    """The notes of each item — on it, its highlights and regions, and its links — for the index."""
    found: dict[int, list[str]] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT item_id, note FROM annotations WHERE item_id IN ({marks}) AND note != '' "
            "UNION ALL "
            f"SELECT source_id, note FROM links WHERE source_id IN ({marks}) AND note != '' "
            "UNION ALL "
            f"SELECT target_id, note FROM links WHERE target_id IN ({marks}) AND note != ''",
            [*chunk, *chunk, *chunk],
        )
        for item_id, note in rows:
            found.setdefault(int(item_id), []).append(str(note))
    return found


def attached(conn: sqlite3.Connection, item_id: int) -> Attached:
    counts = dict.fromkeys(("note", "highlight", "region"), 0)
    for kind, n in conn.execute(
        "SELECT kind, count(*) FROM annotations WHERE item_id = ? GROUP BY kind", (item_id,)
    ):
        counts[str(kind)] = int(n)

    def count(sql: str) -> int:
        return int(conn.execute(sql, (item_id,)).fetchone()[0])

    return Attached(
        notes=counts["note"],
        highlights=counts["highlight"],
        regions=counts["region"],
        tags=count("SELECT count(*) FROM item_tags WHERE item_id = ?"),
        links_out=count("SELECT count(*) FROM links WHERE source_id = ?"),
        links_in=count("SELECT count(*) FROM links WHERE target_id = ?"),
    )
