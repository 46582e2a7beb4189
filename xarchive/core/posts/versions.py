"""Which version of an edited post each of a page of hits is: what a search needs of the
evidence of posts, kept apart from posts/evidence.py so that `xarchive search` loads
none of the rest (a tenth of its start; issue 10, target 4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..store import versions as store

if TYPE_CHECKING:
    import sqlite3


@dataclass(frozen=True, slots=True)
class VersionPlace:
    """Where a post stands among the versions of an edited post."""

    group: str  # the first version's platform id: the same for every version
    number: int  # which version this post is (1: the first)
    total: int  # how many versions the platform lists


def version_places(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, VersionPlace]:
    """The place of each edited post among these items (a page of hits: a search groups
    the versions of one post on one card); posts never edited and other items are left
    out. A few queries for the whole page."""
    posts = store.post_platform_ids(conn, item_ids)
    initials = store.initial_ids(conn, list(posts.values()))
    if not initials:
        return {}
    orders = {initial: store.versions_in(conn, initial) for initial in set(initials.values())}
    found: dict[int, VersionPlace] = {}
    for item_id, platform_id in posts.items():
        initial = initials.get(platform_id)
        order = orders.get(initial or "", [])
        if len(order) > 1 and platform_id in order:
            found[item_id] = VersionPlace(initial or "", order.index(platform_id) + 1, len(order))
    return found


def edited_posts(conn: sqlite3.Connection) -> dict[int, str]:
    """The archive's posts that are versions of an edited post, each with the group it
    shares with its other versions (`VersionPlace.group`); {} when none was edited."""
    return store.edited_post_items(conn)
