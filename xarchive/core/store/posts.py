"""Posts, their sources and media, and the containers they came from (schema migration 3).

A post is an item of kind "post" (items, pages: its text) with a `posts` row
for what only posts have. It is unique by platform id; each container it was
read from adds a `post_sources` row, with the counts as seen there. Its
pictures are image items joined by `post_media`. Containers (an X archive zip
or folder, a twarc2 file) have their own rows and provenance, like items. The
records read from them (`Post`, `PostMedia`, `Container` …) are core/model/'s.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ItemNotFound
from ..model import (
    Container,
    MissingMedia,
    NewContainer,
    Post,
    PostFields,
    PostIndexFields,
    PostMedia,
    PostSource,
    field_names,
)
from ..names import storable
from .connection import chunks

if TYPE_CHECKING:  # what importers read: an export, which reads posts here, needs neither
    from ..model import ExtractedPost, MediaRef

# -- containers --------------------------------------------------------------------------


_CONTAINER_COLUMNS = (
    "id, sha256, kind, name, size, media_type, parent_id, member, title, captured_at, "
    "import_run_id, imported_at, extra"
)


def _container(row: Sequence[Any]) -> Container:
    values = list(row)
    values[12] = json.loads(values[12])
    return Container(*values)


def container_by_sha(conn: sqlite3.Connection, sha256: str) -> Container | None:
    row = conn.execute(
        f"SELECT {_CONTAINER_COLUMNS} FROM containers WHERE sha256 = ?", (sha256,)
    ).fetchone()
    return None if row is None else _container(row)


def get_container(conn: sqlite3.Connection, container_id: int) -> Container:
    row = conn.execute(
        f"SELECT {_CONTAINER_COLUMNS} FROM containers WHERE id = ?", (container_id,)
    ).fetchone()
    if row is None:
        raise ItemNotFound(f"no container with id {container_id}")
    return _container(row)


def part_ids(conn: sqlite3.Connection, container_id: int) -> dict[str, int]:
    """The container id of each data file read of an unpacked archive, by its member."""
    rows = conn.execute(
        "SELECT member, id FROM containers WHERE parent_id = ?", (container_id,)
    ).fetchall()
    return {str(member): int(part) for member, part in rows}


def containers(conn: sqlite3.Connection) -> list[Container]:
    rows = conn.execute(f"SELECT {_CONTAINER_COLUMNS} FROM containers ORDER BY id").fetchall()
    return [_container(r) for r in rows]


def insert_container(conn: sqlite3.Connection, new: NewContainer) -> int:
    """Insert a container, or return the id of the one with the same SHA-256."""
    known = container_by_sha(conn, new.sha256)
    if known is not None:
        return known.id
    cursor = conn.execute(
        "INSERT INTO containers (sha256, kind, name, size, media_type, parent_id, member, "
        "title, captured_at, import_run_id, imported_at, extra) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.sha256, new.kind, storable(new.name), new.size, new.media_type, new.parent_id,
            new.member, new.title, new.captured_at, new.import_run_id, new.imported_at,
            json.dumps(new.extra, ensure_ascii=False, sort_keys=True),
        ),
    )  # fmt: skip
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def add_container_source(
    conn: sqlite3.Connection, container_id: int, run_id: int, path: str, root: str, seen_at: str
) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO container_sources (container_id, run_id, path, root, seen_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (container_id, run_id, storable(path), storable(root), seen_at),
    )


def container_paths(conn: sqlite3.Connection, container_id: int) -> list[str]:
    """Every path the container was imported from, first first."""
    rows = conn.execute(
        "SELECT path FROM container_sources WHERE container_id = ? ORDER BY id", (container_id,)
    )
    return [str(r[0]) for r in rows]


def set_container_file_state(
    conn: sqlite3.Connection, path: str, size: int, mtime_ns: int, sha256: str
) -> None:
    """Remember a container file (or folder) as imported, so that it is skipped while unchanged."""
    conn.execute(
        "INSERT INTO file_state (path, size, mtime_ns, sha256, item_id) VALUES (?, ?, ?, ?, NULL) "
        "ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
        "sha256 = excluded.sha256, item_id = NULL",
        (storable(path), size, mtime_ns, sha256),
    )


# -- posts -------------------------------------------------------------------------------------


#: A post's fields (but its media, read apart) as the query below reads them: from
#: `posts` but its date and language (its item's) and its text (its item's first page).
_POST_NAMES = tuple(name for name in field_names(Post) if name != "media")
_POST_READ = {
    "published_at": "i.published_at",
    "language": "i.language",
    "text": "coalesce(pg.text, '')",
}
_POST_COLUMNS = ", ".join(_POST_READ.get(name, f"p.{name}") for name in _POST_NAMES)
_POST_ID = _POST_NAMES.index("item_id")
_POST_FLAGS = ("is_retweet", "is_deleted", "is_long", "is_referenced")
_POST_FROM = (
    "FROM posts p JOIN items i ON i.id = p.item_id "
    "LEFT JOIN pages pg ON pg.item_id = p.item_id AND pg.page_no = 1 "
)


def _post(
    conn: sqlite3.Connection, row: Sequence[Any], media: Sequence[PostMedia] | None = None
) -> Post:
    """The post of a row of _POST_COLUMNS, with its `media` (None: read them)."""
    values = dict(zip(_POST_NAMES, row, strict=True))
    for name in ("hashtags", "mentions"):
        values[name] = tuple(json.loads(values[name]))
    values["links"] = tuple(tuple(pair) for pair in json.loads(values["links"]))
    values["counts"] = json.loads(values["counts"])
    for name in _POST_FLAGS:
        values[name] = bool(values[name])
    if media is None:
        media = post_media(conn, int(values["item_id"]))
    return Post(**values, media=tuple(media))


def get_post(conn: sqlite3.Connection, item_id: int) -> Post:
    """The post that is item `item_id`; raises ItemNotFound if that item is no post."""
    known = _remembered.get(id(conn))
    if known is not None and item_id in known:
        return known[item_id]
    row = conn.execute(f"SELECT {_POST_COLUMNS} {_POST_FROM} WHERE p.item_id = ?", (item_id,))
    found = row.fetchone()
    if found is None:
        raise ItemNotFound(f"item #{item_id} is not a post")
    post = _post(conn, found)
    if known is not None:
        known[item_id] = post
    return post


#: Posts read through a connection inside `remembering(conn)`, by the connection's id.
_remembered: dict[int, dict[int, Post]] = {}


@contextlib.contextmanager
def remembering(conn: sqlite3.Connection, item_ids: Sequence[int] = ()) -> Iterator[None]:
    """Within the block, `get_post` reads each post from the database once: for a reader
    that writes nothing and asks for the same posts many times — an export, whose
    record of a post as evidence (posts/evidence.py) read it eight times, a third of
    the export's work. The posts among `item_ids` are read at once, as it starts."""
    key = id(conn)
    if key in _remembered:  # nested: the outer block keeps and forgets them
        yield
        return
    _remembered[key] = {}
    try:
        _remembered[key].update((p.item_id, p) for p in posts(conn, item_ids))
        yield
    finally:
        del _remembered[key]


def posts(conn: sqlite3.Connection, item_ids: Sequence[int]) -> list[Post]:
    """The posts among these items, in the order given."""
    found: dict[int, Post] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(f"SELECT {_POST_COLUMNS} {_POST_FROM} WHERE p.item_id IN ({marks})",
                            chunk).fetchall()  # fmt: skip
        media = post_media_of_items(conn, [row[_POST_ID] for row in rows])
        for row in rows:
            post = _post(conn, row, media.get(row[_POST_ID], ()))
            found[post.item_id] = post
    return [found[i] for i in item_ids if i in found]


def post_item_id(conn: sqlite3.Connection, platform_id: str) -> int | None:
    row = conn.execute("SELECT item_id FROM posts WHERE platform_id = ?", (platform_id,)).fetchone()
    return None if row is None else int(row[0])


def post_by_platform_id(conn: sqlite3.Connection, platform_id: str) -> Post | None:
    item_id = post_item_id(conn, platform_id)
    return None if item_id is None else get_post(conn, item_id)


def _ids(conn: sqlite3.Connection, column: str, platform_id: str) -> list[int]:
    # "!= ''" lets SQLite use the partial index on the column.
    rows = conn.execute(
        f"SELECT p.item_id FROM posts p JOIN items i ON i.id = p.item_id "
        f"WHERE p.{column} = ? AND p.{column} != '' ORDER BY i.published_at, p.item_id",
        (platform_id,),
    )
    return [int(r[0]) for r in rows]


def replies_to(conn: sqlite3.Connection, platform_id: str) -> list[int]:
    """Item ids of the posts answering `platform_id`, oldest first."""
    return _ids(conn, "reply_to_id", platform_id)


def quotes_of(conn: sqlite3.Connection, platform_id: str) -> list[int]:
    return _ids(conn, "quote_of_id", platform_id)


def retweets_of(conn: sqlite3.Connection, platform_id: str) -> list[int]:
    return _ids(conn, "retweet_of_id", platform_id)


def accounts_posting(conn: sqlite3.Connection) -> list[str]:
    """Every account (its handle) some archived post is by."""
    rows = conn.execute("SELECT DISTINCT account FROM posts WHERE account != ''")
    return [str(r[0]) for r in rows]


def own_posts_of(conn: sqlite3.Connection, account: str) -> list[int]:
    """Item ids of the posts this account wrote itself (its reposts left out)."""
    rows = conn.execute(
        "SELECT item_id FROM posts WHERE account = ? AND is_retweet = 0", (account,)
    ).fetchall()
    return [int(r[0]) for r in rows]


def own_account(conn: sqlite3.Connection, item_id: int) -> str:
    """The account that wrote this post; '' for a repost or an item that is no post."""
    row = conn.execute(
        "SELECT account FROM posts WHERE item_id = ? AND is_retweet = 0", (item_id,)
    ).fetchone()
    return "" if row is None or not row[0] else str(row[0])


#: What an insert writes of a post: its fields but those its item holds (`_POST_READ`),
#: then whether it was only referred to and when its counts were seen.
_POST_WRITTEN = tuple(name for name in field_names(PostFields) if name not in _POST_READ)
_POST_INSERT = (
    f"INSERT INTO posts (item_id, {', '.join(_POST_WRITTEN)}, is_referenced, counts_seen_at) "
    f"VALUES ({', '.join('?' * (len(_POST_WRITTEN) + 3))})"
)


def insert_post(conn: sqlite3.Connection, item_id: int, post: ExtractedPost, seen_at: str) -> None:
    """The `posts` row of a post item just inserted; the caller owns the transaction."""
    values: list[Any] = [item_id]
    for name in _POST_WRITTEN:
        value = getattr(post, name)
        if name in ("hashtags", "mentions", "links", "counts"):
            value = _json(value)  # a tuple as a JSON list
        elif name in _POST_FLAGS:
            value = int(value)
        values.append(value)
    conn.execute(_POST_INSERT, [*values, int(post.referenced), seen_at])


def merge_seen_again(
    conn: sqlite3.Connection, item_id: int, post: ExtractedPost, seen_at: str
) -> bool:
    """A post read again: newer counts replace older ones; flags only ever get added.

    A post first known as referenced (twarc2 includes) becomes collected; one
    deleted since becomes deleted; a reply or quote target learnt now is kept.
    Returns whether what the search index holds of it changed.
    """
    row = conn.execute(
        "SELECT counts_seen_at, is_deleted, is_referenced FROM posts WHERE item_id = ?",
        (item_id,),
    ).fetchone()
    if row is None:
        return False
    changed = False
    if post.counts and (not row[0] or (seen_at and seen_at >= row[0])):
        conn.execute(
            "UPDATE posts SET counts = ?, counts_seen_at = ? WHERE item_id = ?",
            (_json(post.counts), seen_at, item_id),
        )
    if post.is_deleted and not row[1]:
        conn.execute(
            "UPDATE posts SET is_deleted = 1, deleted_at = ? WHERE item_id = ?",
            (post.deleted_at, item_id),
        )
        changed = True
    if row[2] and not post.referenced:
        conn.execute("UPDATE posts SET is_referenced = 0 WHERE item_id = ?", (item_id,))
    for column, value in (
        ("reply_to_id", post.reply_to_id),
        ("reply_to_account", post.reply_to_account),
        ("quote_of_id", post.quote_of_id),
        ("retweet_of_id", post.retweet_of_id),
        ("retweet_of_account", post.retweet_of_account),
        ("conversation_id", post.conversation_id),
        ("display_name", post.display_name),
    ):
        if value:
            cursor = conn.execute(
                f"UPDATE posts SET {column} = ? WHERE item_id = ? AND {column} = ''",
                (value, item_id),
            )
            changed = changed or (cursor.rowcount > 0 and column.endswith("_id"))
    return changed


def add_post_source(
    conn: sqlite3.Connection,
    item_id: int,
    container_id: int,
    post: ExtractedPost,
    run_id: int,
    seen_at: str,
    captured_at: str = "",
) -> bool:
    """Record that `post` was read from this container (a capture of it, taken from the
    platform at `captured_at`, with what it said then); False if that was known."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO post_sources (item_id, container_id, member, locator, "
        "record_sha256, counts, run_id, seen_at, captured_at, state) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (item_id, container_id, post.member, post.locator, post.sha256, _json(post.counts),
         run_id, seen_at, captured_at, _json(post.state())),
    )  # fmt: skip
    return cursor.rowcount > 0


def mark_deleted(conn: sqlite3.Connection, item_id: int, deleted_at: str) -> bool:
    """A post known to be deleted (an event, a later capture); the earliest date is kept.
    Returns whether that changed what the post says."""
    cursor = conn.execute(
        "UPDATE posts SET is_deleted = 1, deleted_at = ? WHERE item_id = ? AND (is_deleted = 0 "
        "OR (? != '' AND (deleted_at = '' OR deleted_at > ?)))",
        (deleted_at, item_id, deleted_at, deleted_at),
    )
    return cursor.rowcount > 0


def post_sources(conn: sqlite3.Connection, item_id: int) -> list[PostSource]:
    rows = conn.execute(
        "SELECT s.container_id, c.name, c.kind, s.member, s.locator, s.record_sha256, s.counts, "
        "s.run_id, s.seen_at FROM post_sources s JOIN containers c ON c.id = s.container_id "
        "WHERE s.item_id = ? ORDER BY s.id",
        (item_id,),
    ).fetchall()
    return [PostSource(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8])
            for r in rows]  # fmt: skip


def post_sources_of_items(
    conn: sqlite3.Connection, item_ids: Sequence[int]
) -> dict[int, list[PostSource]]:
    """`post_sources` of each of these items (one that is no post is left out)."""
    found: dict[int, list[PostSource]] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT s.item_id, s.container_id, c.name, c.kind, s.member, s.locator, "
            "s.record_sha256, s.counts, s.run_id, s.seen_at FROM post_sources s "
            "JOIN containers c ON c.id = s.container_id "
            f"WHERE s.item_id IN ({marks}) ORDER BY s.id",
            chunk,
        )
        for r in rows:
            found.setdefault(r[0], []).append(
                PostSource(r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8], r[9])
            )
    return found


def set_media(
    conn: sqlite3.Connection, post_id: int, media: Sequence[tuple[MediaRef, int | None]]
) -> bool:
    """A post's media, in order, each with its image item (None if absent from the archive).

    Media already recorded keep their row; a picture found now that was absent
    before is attached. Returns whether anything was added.
    """
    before = conn.total_changes
    for position, (ref, item_id) in enumerate(media, 1):
        conn.execute(
            "INSERT INTO post_media (post_id, position, media_item_id, media_key, type, url, "
            "alt_text, member) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (post_id, position) DO UPDATE SET "
            "media_item_id = coalesce(post_media.media_item_id, excluded.media_item_id), "
            "alt_text = CASE WHEN post_media.alt_text = '' THEN excluded.alt_text "
            "ELSE post_media.alt_text END",
            (post_id, position, item_id, ref.key, ref.type, ref.url, ref.alt_text, ref.member),
        )
    return conn.total_changes != before


def post_media(conn: sqlite3.Connection, post_id: int) -> list[PostMedia]:
    rows = conn.execute(
        "SELECT position, media_item_id, media_key, type, url, alt_text, member FROM post_media "
        "WHERE post_id = ? ORDER BY position",
        (post_id,),
    ).fetchall()
    return [PostMedia(*r) for r in rows]


def post_media_of_items(
    conn: sqlite3.Connection, post_ids: Sequence[int]
) -> dict[int, list[PostMedia]]:
    """`post_media` of each of these items (one without media, or no post, is left out)."""
    found: dict[int, list[PostMedia]] = {}
    for chunk in chunks(post_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT post_id, position, media_item_id, media_key, type, url, alt_text, member "
            f"FROM post_media WHERE post_id IN ({marks}) ORDER BY post_id, position",
            chunk,
        )
        for post_id, *values in rows:
            found.setdefault(post_id, []).append(PostMedia(*values))
    return found


def posts_showing(conn: sqlite3.Connection, media_item_id: int) -> list[int]:
    """Item ids of the posts that show this picture."""
    rows = conn.execute(
        "SELECT DISTINCT post_id FROM post_media WHERE media_item_id = ? ORDER BY post_id",
        (media_item_id,),
    )
    return [int(r[0]) for r in rows]


def media_items(conn: sqlite3.Connection, item_ids: Sequence[int]) -> list[int]:
    """The pictures and videos among these items."""
    found: list[int] = []
    for chunk in chunks(list(item_ids)):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT id FROM items WHERE id IN ({marks}) AND kind IN ('image', 'video') "
            "ORDER BY id",
            chunk,
        )
        found.extend(int(r[0]) for r in rows)
    return found


def missing_media_named(conn: sqlite3.Connection, key: str, base: str) -> list[MissingMedia]:
    """Media of posts not in the archive whose media key is `key`, or whose address (or
    the address of one of a video's variants) ends in `/base`; with the paths of the
    files each post was read from."""
    like = "%/" + base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute(
        "SELECT m.post_id, m.position, m.media_key, m.type, m.url, p.platform_id, i.extra "
        "FROM post_media m JOIN posts p ON p.item_id = m.post_id JOIN items i ON i.id = m.post_id "
        "WHERE m.media_item_id IS NULL AND ((? != '' AND m.media_key = ?) "
        "OR m.url LIKE ? ESCAPE '\\' OR (m.type != 'photo' AND instr(i.extra, ?) > 0)) "
        "ORDER BY m.post_id, m.position",
        (key, key, like, "/" + base),
    ).fetchall()
    found = []
    for post_id, position, media_key, kind, url, platform_id, extra in rows:
        infos = json.loads(extra or "{}").get("media_info") or []
        variants = tuple(
            str(v.get("url", ""))
            for info in infos
            if isinstance(info, dict) and info.get("key") == media_key and media_key
            for v in info.get("variants") or []
            if isinstance(v, dict)
        )
        paths = conn.execute(
            "SELECT DISTINCT cs.path FROM post_sources s "
            "JOIN container_sources cs ON cs.container_id = s.container_id WHERE s.item_id = ?",
            (post_id,),
        ).fetchall()
        found.append(
            MissingMedia(int(post_id), int(position), str(media_key), str(kind), str(url),
                         str(platform_id), variants, tuple(str(r[0]) for r in paths))
        )  # fmt: skip
    return found


def link_media(
    conn: sqlite3.Connection, post_id: int, position: int, media_item_id: int, member: str
) -> bool:
    """Attach an item as a post's picture or video that the archive did not hold."""
    before = conn.total_changes
    conn.execute(
        "UPDATE post_media SET media_item_id = ?, member = ? "
        "WHERE post_id = ? AND position = ? AND media_item_id IS NULL",
        (media_item_id, member, post_id, position),
    )
    return conn.total_changes != before


# -- what the search index holds of them ------------------------------------------------------


def index_fields_for(
    conn: sqlite3.Connection, item_ids: Sequence[int]
) -> dict[int, PostIndexFields]:
    """Post fields for the posts among these items, and account and alt text for their pictures."""
    found: dict[int, PostIndexFields] = {}
    for chunk in chunks(item_ids):
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT item_id, account, hashtags, mentions, links, reply_to_id, quote_of_id, "
            "is_retweet, is_deleted, is_long, "
            "(SELECT count(*) FROM post_media m WHERE m.post_id = p.item_id), "
            "(SELECT group_concat(alt_text, char(10)) FROM post_media m "
            " WHERE m.post_id = p.item_id AND alt_text != '') "
            f"FROM posts p WHERE item_id IN ({marks})",
            chunk,
        ).fetchall()
        for row in rows:
            flags = [
                name
                for name, on in (
                    ("reply", row[5]), ("retweet", row[7]), ("quote", row[6]),
                    ("deleted", row[8]), ("long", row[9]),
                )
                if on
            ]  # fmt: skip
            has = (["media"] if row[10] else []) + (["links"] if json.loads(row[4]) else [])
            found[int(row[0])] = PostIndexFields(
                accounts=(row[1],) if row[1] else (),
                hashtags=tuple(json.loads(row[2])),
                mentions=tuple(json.loads(row[3])),
                flags=tuple(flags),
                has=tuple(has),
                alt_texts=tuple(row[11].split("\n")) if row[11] else (),
            )
        rows = conn.execute(
            "SELECT m.media_item_id, p.account, m.alt_text FROM post_media m "
            "JOIN posts p ON p.item_id = m.post_id "
            f"WHERE m.media_item_id IN ({marks}) ORDER BY m.post_id, m.position",
            chunk,
        ).fetchall()
        pictures: dict[int, tuple[list[str], list[str]]] = {}
        for media_id, account, alt in rows:
            accounts, alts = pictures.setdefault(int(media_id), ([], []))
            if account and account not in accounts:
                accounts.append(account)
            if alt and alt not in alts:
                alts.append(alt)
        for media_id, (accounts, alts) in pictures.items():
            if media_id not in found:
                found[media_id] = PostIndexFields(accounts=tuple(accounts), alt_texts=tuple(alts))
    return found


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
