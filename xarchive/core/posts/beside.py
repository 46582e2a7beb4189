"""Media that arrive after their posts: a twarc2 file imported once, then its pictures and
videos fetched beside it (``twarc2 media``, a download by hand) and the folder imported
again. The file of posts is unchanged, so the import skips it and never reads its posts
again: each new picture or video is matched here to the post that names it instead.

A file is a post's when it lies where the post's own file would have found it
(`media.names_beside`: beside the file the post was read from, or in its ``media/``
folder, under the name of one of its variants or its address, after the post's id, or
its media key) and the archive did not hold that medium yet. It is then attached to the
post as if it had been there the first time; the post and the file are indexed again.
This runs after each batch of an import (importing.py names it), for the new pictures
and videos only: a post costs nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..archive import Archive
from ..importers.post_media import media_names
from ..model import MissingMedia
from ..store import items as item_store
from ..store import posts as post_store


def link_arrived_media(archive: Archive, item_ids: Sequence[int]) -> set[int]:
    """Attach each new picture or video among `item_ids` to the post that names it and
    lacks it; return the items to index again (the posts and the files)."""
    conn = archive.db
    found: list[tuple[MissingMedia, int, str]] = []
    for item_id in post_store.media_items(conn, item_ids):
        paths = [Path(s.path) for s in item_store.sources(conn, item_id)]
        for path in dict.fromkeys(paths):
            base = path.name
            missing = post_store.missing_media_named(conn, base.split(".", 1)[0], base)
            if "-" in base:  # "<post id>-<name>", as X archives name them
                missing += post_store.missing_media_named(conn, "", base.split("-", 1)[1])
            for medium in missing:
                member = _member(medium, path)
                if member:
                    found.append((medium, item_id, member))
    changed: set[int] = set()
    if not found:
        return changed
    with archive.transaction():
        for medium, item_id, member in found:
            if post_store.link_media(conn, medium.post_id, medium.position, item_id, member):
                changed.update((medium.post_id, item_id))
    return changed


def _member(missing: MissingMedia, path: Path) -> str:
    """The name `path` has beside one of the files the post was read from, if it is one
    of the names the post's medium may have there; "" if none."""
    number = missing.platform_id.partition(":")[2]
    names = set(media_names(number, missing.key, missing.url, missing.variants))
    for container in missing.container_paths:
        try:
            relative = path.relative_to(Path(container).parent).as_posix()
        except ValueError:
            continue
        if relative in names:
            return relative
    return ""
