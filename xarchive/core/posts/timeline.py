"""The platform's events on a timeline: what was done to posts and accounts, by day and
kind — of the whole archive, or of the posts a search found and of their accounts
(`Searcher.event_days`), so that the marks under a search's bars are its own.

An event counts once per post or account, action and day, however many files recorded it
(posts/evidence.py lists each); undated events have no place on a timeline.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

from ..model import handle_key
from ..store import evidence as store

if TYPE_CHECKING:
    import sqlite3

#: The timeline's kinds of events, by the platform's actions (core/model/); every other
#: action (a location removed, a post dropped, an account protected …) is "other".
TIMELINE_KINDS = {
    "delete": "deletion",
    "withheld": "withholding",
    "suspend": "suspension",
    "not_found": "not-found",
}


def event_days(
    conn: sqlite3.Connection, item_ids: Collection[int] | None = None
) -> dict[date, dict[str, int]]:
    """Events by day, by kind (TIMELINE_KINDS, else "other"): of the posts `item_ids` and
    of their accounts, or (None) every event of the archive, of posts not in it too."""
    wanted = None if item_ids is None else _subjects(conn, item_ids)
    found: dict[date, dict[str, int]] = {}
    for subject, platform_id, action, at in store.dated_events(conn):
        if wanted is not None and (subject, platform_id) not in wanted:
            continue
        try:
            day = date.fromisoformat(at[:10])
        except ValueError:
            continue
        kinds = found.setdefault(day, {})
        kind = TIMELINE_KINDS.get(action, "other")
        kinds[kind] = kinds.get(kind, 0) + 1
    order = [*TIMELINE_KINDS.values(), "other"]  # days in order, and their kinds
    return {
        day: {kind: found[day][kind] for kind in order if kind in found[day]}
        for day in sorted(found)
    }


def posts_with_events(conn: sqlite3.Connection) -> list[int]:
    """Item ids of the posts that have a dated event of their own or of their account
    (by its id, or by the handle a refusal named): those a search's events can be of."""
    found: set[int] = set()
    posts, account_ids = [], []
    for subject, platform_id in {(s, p) for s, p, _, _ in store.dated_events(conn)}:
        if subject == "post":
            posts.append(platform_id)
            continue
        who = platform_id.partition(":")[2]
        if who.startswith("@"):
            found.update(store.post_ids_of_handle(conn, who[1:]))
        else:
            account_ids.append(who)
    found.update(store.post_item_ids(conn, posts).values())
    found.update(store.post_ids_of_accounts(conn, account_ids))
    return sorted(found)


def _subjects(conn: sqlite3.Connection, item_ids: Collection[int]) -> set[tuple[str, str]]:
    """What the events of these posts are kept under: each post's platform id, and its
    account's id and handle."""
    found: set[tuple[str, str]] = set()
    for post in store.post_keys(conn, list(item_ids)):
        platform = post.platform_id.partition(":")[0]
        found.add(("post", post.platform_id))
        if post.account_id:
            found.add(("account", f"{platform}:{post.account_id}"))
        if post.handle:
            found.add(("account", handle_key(platform, post.handle)))
    return found
