"""Keeping the Whoosh index in step with the database, and rebuilding it from it."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .archive import Archive
from .errors import Cancelled
from .index.api import IndexHealth, SearchEngine
from .index.engine import SearchIndex
from .index.schema import IndexDocument
from .jobs import CancelToken, Progress, ProgressCallback, no_progress
from .store import annotations as annotation_store
from .store import items as item_store
from .store import posts as post_store
from .store.posts import PostIndexFields

BATCH = 500


@dataclass(frozen=True, slots=True)
class ArchiveIndexState:
    """How the index stands against the database."""

    health: IndexHealth
    items: int
    pending: int  # items committed to the database but not yet in the index

    @property
    def usable(self) -> bool:
        return self.health.ok

    def describe(self) -> str:
        if not self.health.ok:
            return f"{self.health.reason}; run `xarchive reindex` to rebuild it from the archive"
        if self.pending:
            return (
                f"{self.pending} of {self.items} items are not in the search index yet; "
                "run `xarchive reindex` (or import again) to add them"
            )
        if self.health.doc_count != self.items:
            return (
                f"the search index holds {self.health.doc_count} items but the archive "
                f"{self.items}; run `xarchive reindex` to rebuild it"
            )
        return "the search index is up to date"

    @property
    def up_to_date(self) -> bool:
        return self.health.ok and not self.pending and self.health.doc_count == self.items


def index_state(archive: Archive) -> ArchiveIndexState:
    health = SearchIndex.health(archive.index_dir)
    total = item_store.count_items(archive.db)
    pending = len(item_store.unindexed_ids(archive.db))
    return ArchiveIndexState(health, total, pending)


def open_index(archive: Archive) -> SearchEngine:
    """The archive's kept index (`Archive.search_index`): never close it yourself."""
    return archive.search_index()


def documents(conn: sqlite3.Connection, ids: Iterable[int]) -> list[IndexDocument]:
    """Index documents for the given items, read from the database alone.

    Besides the item's own text: its tags, and the notes on it, its highlights,
    its regions and its links (either way), so that they are searched with it;
    for a post, its account, hashtags, mentions, kind of post and the
    descriptions of its pictures, and for a picture in a post, that account and
    its description.
    """
    ids = list(ids)
    tags = annotation_store.tag_names_for(conn, ids)
    notes = annotation_store.note_texts_for(conn, ids)
    post_fields = post_store.index_fields_for(conn, ids)
    docs = []
    for item in item_store.items(conn, ids):
        page_texts = tuple(p.text for p in item_store.pages(conn, item.id))
        post = post_fields.get(item.id, PostIndexFields())
        docs.append(
            IndexDocument(
                item_id=item.id,
                kind=item.kind,
                title=item.title,
                pages=page_texts,
                original_name=item.original_name,
                author=item.author,
                language=item.language,
                source_url=item.source_url,
                published_at=item.published_at,
                captured_at=item.captured_at,
                imported_at=item.imported_at,
                ocr_status=item.ocr_status,
                tags=tuple(tags.get(item.id, ())),
                notes=tuple(notes.get(item.id, ())),
                accounts=post.accounts,
                hashtags=post.hashtags,
                mentions=post.mentions,
                flags=post.flags,
                has=post.has,
                alt_texts=post.alt_texts,
            )
        )
    return docs


def index_items(
    archive: Archive, index: SearchEngine, ids: Sequence[int], new: bool = False
) -> None:
    """Write these items to the index, then mark them indexed in the database.

    The order matters: a crash in between leaves them marked unindexed, and the
    next catch-up writes them again (update by id, so never twice in the index).
    `new=True` promises they were never indexed, which skips the lookup for an
    older copy.
    """
    conn = archive.db
    if not ids:
        return
    index.write(documents(conn, ids), update=not new)
    with archive.transaction(conn):
        item_store.mark_indexed(conn, ids)


def catch_up(
    archive: Archive,
    index: SearchEngine,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Index every item the database has and the index lacks; return how many."""
    pending = item_store.unindexed_ids(archive.db)
    for start in range(0, len(pending), BATCH):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress("indexing", start, len(pending)))
        index_items(archive, index, pending[start : start + BATCH])
    return len(pending)


def reindex(
    archive: Archive, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
) -> int:
    """Rebuild the index from the database alone; return the number of items indexed.

    The new index is built beside the old one and swapped in only when complete,
    so a cancelled or killed rebuild leaves the previous index in place.
    """
    building = archive.root / "index.building"
    index = SearchIndex.create(building)
    all_ids = [int(r[0]) for r in archive.db.execute("SELECT id FROM items ORDER BY id").fetchall()]
    total = len(all_ids)

    def everything() -> Iterator[IndexDocument]:
        for start in range(0, total, BATCH):
            if cancel is not None and cancel.cancelled:
                raise Cancelled("reindex cancelled; the previous index is unchanged")
            progress(Progress("indexing", start, total, f"items {start + 1}–{start + BATCH}"))
            yield from documents(archive.db, all_ids[start : start + BATCH])
        progress(Progress("indexing", total, total, "writing the index"))

    try:
        index.write_new(everything())
    except BaseException:
        index.close()
        shutil.rmtree(building, ignore_errors=True)
        raise
    index.close()
    _swap_in(building, archive.index_dir)
    with archive.transaction():
        item_store.mark_indexed(archive.db, all_ids)
        archive.audit("reindex", items=total)
    progress(Progress("indexing", total, total))
    return total


def _swap_in(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
