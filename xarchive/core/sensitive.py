"""Sensitive media: pictures and videos shown blurred until a person asks to see them.

People who review footage of violence day after day ask not to meet it unawares. An
item is sensitive when the platform flagged it (``possibly_sensitive`` on the post
that shows it, kept in the item's `extra` by the importer, see
importers/post_media.py) or when a person marked it so: the tag ``sensitive``. A tag,
not a new kind of record, so that marking is one change like any other — undone with
Edit ▸ Undo, written to the audit log, carried in bundles as a W3C tagging annotation,
and searchable (``tag:sensitive``) — and a tag of that name that a team already uses
means the same.
Unmarking takes the tag off; what the platform flagged stays flagged (it is part of
the evidence), and is revealed by a click like the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .model import Item
from .store import annotations as store
from .store import posts as post_store

if TYPE_CHECKING:
    from .annotate import Annotations
    from .archive import Archive

#: The tag that marks an item sensitive.
SENSITIVE_TAG = "sensitive"
#: The kinds whose content is a picture that can be blurred.
VISUAL_KINDS = ("image", "video")


def flagged_by_platform(item: Item) -> bool:
    """Whether the data the item came from marks it possibly sensitive."""
    extra = item.extra if isinstance(item.extra, dict) else {}
    return extra.get("possibly_sensitive") is True


def marked_ids(archive: Archive, item_ids: Iterable[int]) -> set[int]:
    """Those of `item_ids` a person marked sensitive (tagged ``sensitive``)."""
    tag = store.tag_by_key(archive.db, store.tag_key(SENSITIVE_TAG))
    if tag is None:
        return set()
    wanted = set(item_ids)
    return wanted & set(store.items_with_tag(archive.db, tag.id))


def is_marked(archive: Archive, item_id: int) -> bool:
    return bool(marked_ids(archive, (item_id,)))


def why_sensitive(archive: Archive, item: Item) -> str:
    """Why `item` is shown blurred, for the person looking ("" if it is not sensitive):
    "marked sensitive by the platform", "marked sensitive in this archive"."""
    if is_marked(archive, item.id):
        return "marked sensitive in this archive"
    if flagged_by_platform(item):
        return "marked possibly sensitive by the platform"
    if item.kind in VISUAL_KINDS:
        return _shown_by_sensitive_post(archive, item.id)
    return ""


def _shown_by_sensitive_post(archive: Archive, item_id: int) -> str:
    """A picture a sensitive post shows is sensitive too, even one imported before with
    another post (its own flag came with the first)."""
    posts = post_store.posts_showing(archive.db, item_id)
    if not posts:
        return ""
    if marked_ids(archive, posts):
        return "shown by a post marked sensitive"
    if any(flagged_by_platform(archive.item(post)) for post in posts):
        return "shown by a post the platform marked possibly sensitive"
    return ""


def mark(annotations: Annotations, item_id: int, sensitive: bool) -> None:
    """Mark an item sensitive (or take the mark off): one change, undoable and audited.

    Raises what Annotations.tag/untag raise (ItemNotFound, a read-only archive).
    """
    if sensitive:
        annotations.tag(item_id, SENSITIVE_TAG)
    elif is_marked(annotations.archive, item_id):
        annotations.untag(item_id, SENSITIVE_TAG)
