"""Threads: the posts a post answers, and the replies to it, as far as the archive has them.

Reply, quote and retweet targets are kept on each post by platform id
(store/posts.py), so a thread is found even when its posts came from different
containers, and a reply imported before the post it answers finds it when that
arrives. Each resolved relation is also a link between the two items (the
`links` table of migration 2: ``replies-to``, ``quotes``, ``retweets``), so that
every post shows its backlinks like any item; those links are made by the
import, with `LINK_CREATOR` as their creator.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..archive import Archive
from ..model import Post
from ..store import annotations as link_store
from ..store import items as item_store
from ..store import posts as post_store

if TYPE_CHECKING:
    import sqlite3

#: The creator of the links an import makes between posts.
LINK_CREATOR = "xarchive import"
#: Relation names of those links: post field → relation.
RELATIONS = {"reply_to_id": "replies-to", "quote_of_id": "quotes", "retweet_of_id": "retweets"}
MAX_THREAD_POSTS = 2000


@dataclass(frozen=True, slots=True)
class ThreadReply:
    depth: int  # 1: answers the post itself; 2: answers one of those …
    post: Post


@dataclass(frozen=True, slots=True)
class Thread:
    """A post in its conversation."""

    #: The posts above it, the first post of the conversation first, its parent last.
    ancestors: tuple[Post, ...]
    post: Post
    #: Every reply below it, depth first, oldest first among siblings.
    replies: tuple[ThreadReply, ...]
    #: Platform id of the post the top ancestor answers, when that is not in the archive.
    missing_parent: str = ""
    quoted: Post | None = None
    retweeted: Post | None = None


def thread(archive: Archive | sqlite3.Connection, item_id: int) -> Thread:
    """The thread of post `item_id`. Raises ItemNotFound if that item is no post."""
    conn = archive.db if isinstance(archive, Archive) else archive
    post = post_store.get_post(conn, item_id)
    ancestors: list[Post] = []
    seen = {post.platform_id}
    missing = ""
    current = post
    while current.reply_to_id and len(ancestors) < MAX_THREAD_POSTS:
        if current.reply_to_id in seen:
            break  # a loop in the data: stop rather than go round
        parent = post_store.post_by_platform_id(conn, current.reply_to_id)
        if parent is None:
            missing = current.reply_to_id
            break
        seen.add(parent.platform_id)
        ancestors.append(parent)
        current = parent
    ancestors.reverse()
    replies = _replies(conn, post, seen)
    quoted = post_store.post_by_platform_id(conn, post.quote_of_id) if post.quote_of_id else None
    retweeted = (
        post_store.post_by_platform_id(conn, post.retweet_of_id) if post.retweet_of_id else None
    )
    return Thread(tuple(ancestors), post, tuple(replies), missing, quoted, retweeted)


def _replies(conn: sqlite3.Connection, top: Post, seen: set[str]) -> list[ThreadReply]:
    """Every reply below `top`, depth first (without recursion: threads can be long)."""
    out: list[ThreadReply] = []
    stack: list[tuple[int, int]] = [
        (1, child) for child in reversed(post_store.replies_to(conn, top.platform_id))
    ]
    while stack and len(out) < MAX_THREAD_POSTS:
        depth, child_id = stack.pop()
        child = post_store.get_post(conn, child_id)
        if child.platform_id in seen:
            continue
        seen.add(child.platform_id)
        out.append(ThreadReply(depth, child))
        grandchildren = post_store.replies_to(conn, child.platform_id)
        stack.extend((depth + 1, grandchild) for grandchild in reversed(grandchildren))
    return out


def link_post(conn: sqlite3.Connection, item_id: int, now: str) -> int:
    """Link a post just stored to the posts it answers, quotes or retweets, and those
    that answer, quote or retweet it; return how many links were made.

    Existing links are not made twice. The caller owns the transaction.
    """
    post = post_store.get_post(conn, item_id)
    made = 0
    for column, relation in RELATIONS.items():
        target = getattr(post, column)
        if target:
            target_id = post_store.post_item_id(conn, target)
            if target_id is not None:
                made += _link(conn, item_id, relation, target_id, now)
        for source_id in _pointing_at(conn, column, post.platform_id):
            made += _link(conn, source_id, relation, item_id, now)
    return made


def _pointing_at(conn: sqlite3.Connection, column: str, platform_id: str) -> list[int]:
    if column == "reply_to_id":
        return post_store.replies_to(conn, platform_id)
    if column == "quote_of_id":
        return post_store.quotes_of(conn, platform_id)
    return post_store.retweets_of(conn, platform_id)


def link_items(
    conn: sqlite3.Connection, source_id: int, relation: str, target_id: int, now: str
) -> int:
    """Link two items as the import does (a captured picture `part-of` its page); 1 if
    a link was made, 0 if it was there already. The caller owns the transaction."""
    return _link(conn, source_id, relation, target_id, now)


def _link(conn: sqlite3.Connection, source_id: int, relation: str, target_id: int, now: str) -> int:
    if source_id == target_id or link_store.find_link(conn, source_id, relation, target_id):
        return 0
    source = item_store.get_item(conn, source_id)
    target = item_store.get_item(conn, target_id)
    link_store.insert_row(
        conn,
        "links",
        {
            "uid": f"urn:uuid:{uuid.uuid4()}",
            "source_id": source_id,
            "source_sha256": source.sha256,
            "target_id": target_id,
            "target_sha256": target.sha256,
            "relation": relation,
            "creator": LINK_CREATOR,
            "created_at": now,
            "modified_at": now,
        },
    )
    return 1
