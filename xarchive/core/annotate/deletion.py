"""Deleting an item: never silently, never losing what was said about it.

An item with notes, highlights, regions, tags or links is deleted only once the
caller says what becomes of them — "delete" them, or "keep-orphaned": kept,
detached from the item but still naming its original by SHA-256, listed among
the orphaned annotations and attached again if the same file is imported again.

The item's row, pages and provenance go; the provenance and the metadata are
kept in the audit log and beside the original in the trash. The original itself
is not destroyed: it moves from blobs/ to ``trash/<sha256>/<original name>``
inside the archive, with ``trash/<sha256>.json`` describing it, so it can be
restored by importing that folder again. `xarchive verify` checks the originals
of items only, so it does not report a trashed original as missing.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .. import blobs
from ..archive import Archive, utc_now
from ..errors import IndexBusy, IndexUnavailable, InvalidAnnotation, ItemHasAnnotations
from ..index.api import SearchEngine
from ..indexing import index_items
from ..model import Attached, Item
from ..store import annotations as store
from ..store import items as item_store
from .w3c import annotation_jsonld, link_jsonld, tagging_jsonld

log = logging.getLogger(__name__)

Policy = Literal["delete", "keep-orphaned"]
POLICIES: tuple[Policy, ...] = ("delete", "keep-orphaned")
TRASH = "trash"


@dataclass(frozen=True, slots=True)
class DeletedItem:
    """What `delete_item` did."""

    item: Item
    attached: Attached
    annotations: Policy | None  # what became of its notes, highlights, regions and tags
    links: Policy | None
    trashed: Path | None  # where the original went (None if it was already missing)


def trash_dir(archive: Archive) -> Path:
    return archive.root / TRASH


def attached(archive: Archive, item_id: int) -> Attached:
    """What is attached to the item: what `delete_item` asks to decide about first."""
    return store.attached(archive.db, item_id)


def delete_item(
    archive: Archive,
    item_id: int,
    annotations: Policy | None = None,
    links: Policy | None = None,
    index: SearchEngine | None = None,
) -> DeletedItem:
    """Delete an item, saying what becomes of its annotations and of the links to and from it.

    Raises ItemHasAnnotations — naming what is attached — when the item has
    annotations (or links) and `annotations` (or `links`) is None; ItemNotFound;
    IndexBusy when the search index is being written by an import.
    """
    conn = archive.db
    item = item_store.get_item(conn, item_id)
    for name, policy in (("annotations", annotations), ("links", links)):
        if policy is not None and policy not in POLICIES:
            raise InvalidAnnotation(f"{name} must be one of {', '.join(POLICIES)}, not {policy}")
    what = store.attached(conn, item.id)
    undecided = []
    if what.annotations and annotations is None:
        undecided.append("annotations")
    if what.links and links is None:
        undecided.append("links")
    if undecided:
        raise ItemHasAnnotations(
            f"#{item.id} ‘{item.title}’ has {what.describe()}; say what to do with its "
            f"{' and '.join(undecided)}: delete them, or keep them orphaned"
        )

    if index is None:
        try:
            index = archive.search_index()
        except IndexUnavailable:
            index = None  # it will be rebuilt from the database, which is what counts
    provenance = [
        {"path": s.path, "root": s.root, "seen_at": s.seen_at, "run_id": s.run_id}
        for s in item_store.sources(conn, item.id)
    ]
    others = _delete(archive, item, what, annotations, links, index, provenance)
    if index is not None and others:
        index_items(archive, index, sorted(others))
    trashed = _to_trash(archive, item, provenance)
    return DeletedItem(
        item,
        what,
        annotations if what.annotations else None,
        links if what.links else None,
        trashed,
    )


def _delete(
    archive: Archive,
    item: Item,
    what: Attached,
    annotations: Policy | None,
    links: Policy | None,
    index: SearchEngine | None,
    provenance: list[dict[str, Any]],
) -> set[int]:
    """Delete the rows; return the other items whose index entries changed (link ends)."""
    conn = archive.db
    # Out of the index first: a crash after this leaves the item in the database,
    # marked unindexed, and the next catch-up puts it back. The other order could
    # leave the index naming an item that no longer exists.
    with archive.transaction():
        item_store.mark_indexed(conn, [item.id], indexed=False)
    if index is not None:
        try:
            index.write([], delete_ids=[item.id])
        except IndexBusy as exc:
            raise IndexBusy(
                "the search index is being written by another task (an import?); "
                "delete the item when it has finished"
            ) from exc

    kept: list[dict[str, Any]] = []
    others: set[int] = set()
    with archive.transaction():
        for annotation in store.annotations_of(conn, item.id):
            kept.append(annotation_jsonld(annotation))
            if annotations == "delete":
                store.delete_row(conn, "annotations", annotation.id)
            else:
                store.update_row(conn, "annotations", annotation.id, {"item_id": None})
        for use in store.item_tags_of(conn, item.id):
            kept.append(tagging_jsonld(use))
            if annotations == "delete":
                store.delete_row(conn, "item_tags", use.id)
            else:
                store.update_row(conn, "item_tags", use.id, {"item_id": None})
        for link in store.links_from(conn, item.id) + store.links_to(conn, item.id):
            kept.append(link_jsonld(link))
            other = link.other(item.id)
            if other is not None:
                others.add(other)
            if links == "delete":
                store.delete_row(conn, "links", link.id)
            else:
                end = "source_id" if link.source_id == item.id else "target_id"
                store.update_row(conn, "links", link.id, {end: None})
        item_store.delete_item(conn, item.id)
        item_store.mark_indexed(conn, others, indexed=False)
        archive.audit(
            "item.delete",
            item=_describe(item),
            provenance=provenance,
            attached=what.describe(),
            annotations=annotations if what.annotations else None,
            links=links if what.links else None,
            annotations_jsonld=kept,
            trash=f"{TRASH}/{item.sha256}/",
        )
    return others


def _describe(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "sha256": item.sha256,
        "kind": item.kind,
        "title": item.title,
        "original_name": item.original_name,
        "original_path": item.original_path,
        "size": item.size,
        "media_type": item.media_type,
        "published_at": item.published_at,
        "captured_at": item.captured_at,
        "imported_at": item.imported_at,
        "author": item.author,
        "source_url": item.source_url,
        "import_run_id": item.import_run_id,
    }


def _to_trash(archive: Archive, item: Item, provenance: list[dict[str, Any]]) -> Path | None:
    """Move the original to trash/<sha256>/<its name>, described in trash/<sha256>.json.

    None if the original was already missing (verify would have said so) or
    could not be moved (then it stays in blobs/).
    """
    source = blobs.blob_path(archive.blobs_dir, item.sha256)
    folder = trash_dir(archive) / item.sha256
    name = Path(item.original_name).name or item.sha256
    description = {
        **_describe(item),
        "deleted_at": utc_now(),
        "deleted_by": archive.user_name,
        "provenance": provenance,
        "original": f"{TRASH}/{item.sha256}/{name}",
        "restore": f"xarchive import {TRASH}/{item.sha256} (in the archive's folder)",
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sidecar = trash_dir(archive) / f"{item.sha256}.json"
        sidecar.write_text(json.dumps(description, ensure_ascii=False, indent=2), encoding="utf-8")
        if not source.is_file():
            log.warning("the original of deleted item #%s was missing: %s", item.id, source)
            return None
        os.replace(source, folder / name)
    except OSError:
        # The item is deleted; its original stays in blobs/, where verify lists it
        # as belonging to no item. Nothing is lost.
        log.exception("could not move the original of deleted item #%s to the trash", item.id)
        return None
    return folder / name
