"""Keeping the Whoosh index in step with the database, and rebuilding it from it."""

from __future__ import annotations

import collections
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .archive import Archive
from .errors import Cancelled
from .index.api import IndexHealth, SearchEngine
from .index.engine import SearchIndex
from .jobs import CancelToken, Progress, ProgressCallback, no_progress
from .store import items as item_store

if TYPE_CHECKING:  # a search needs none of them (`xarchive search` imports this module)
    import concurrent.futures as cf
    import sqlite3

    from .index.document import IndexDocument

BATCH = 500
#: Items in each segment a rebuild writes: sorted in memory and written once.
REINDEX_SEGMENT = 10_000
#: Processes that write a rebuild's segments (None: one per core). With fewer
#: than two segments to write, the rebuild is written in this process.
REINDEX_WORKERS: int | None = None
#: A rebuild of fewer items than this many per worker is written in this process:
#: starting the workers costs what writing a few hundred items does.
REINDEX_MIN_PART = 250


@dataclass(frozen=True, slots=True)
class ArchiveIndexState:
    """How the index stands against the database."""

    health: IndexHealth
    items: int
    pending: int  # items committed to the database but not yet in the index

    @property
    def usable(self) -> bool:
        return self.health.ok

    @property
    def up_to_date(self) -> bool:
        return self.health.ok and not self.pending and self.health.doc_count == self.items


def index_state(archive: Archive) -> ArchiveIndexState:
    """How the archive's index stands; from its kept searcher when a search has opened
    it (`xarchive search` asks after searching), else from the folder."""
    health = archive.kept_index_health() or SearchIndex.health(archive.index_dir)
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
    its description; for a message, the addresses it is from and to.
    """
    from .index.document import IndexDocument  # a search needs none of these (issue 10)
    from .model import PostIndexFields, shared_values
    from .posts.evidence import EvidenceFields, evidence_fields
    from .store import annotations as annotation_store
    from .store import posts as post_store

    ids = list(ids)
    tags = annotation_store.tag_names_for(conn, ids)
    notes = annotation_store.note_texts_for(conn, ids)
    post_fields = post_store.index_fields_for(conn, ids)
    evidence = evidence_fields(conn, ids)
    no_evidence = EvidenceFields((), (), ())
    docs = []
    for item in item_store.items(conn, ids):
        page_texts = tuple(p.text for p in item_store.pages(conn, item.id))
        post = post_fields.get(item.id, PostIndexFields())
        proof = evidence.get(item.id, no_evidence)
        extra = item.extra if item.kind == "message" and isinstance(item.extra, dict) else {}
        docs.append(
            IndexDocument(
                **shared_values(item, IndexDocument),  # kind, title, dates, author …
                item_id=item.id,
                pages=page_texts,
                tags=tuple(tags.get(item.id, ())),
                notes=tuple(notes.get(item.id, ())),
                accounts=post.accounts,
                hashtags=post.hashtags,
                mentions=post.mentions,
                flags=tuple(dict.fromkeys(post.flags + proof.flags)),
                has=post.has,
                alt_texts=post.alt_texts,
                withheld_in=proof.withheld_in,
                withheld_copyright=bool(proof.withheld and proof.withheld.copyright),
                changed=proof.changed,
                senders=addresses(extra.get("from")),
                recipients=addresses(extra.get("to"), extra.get("cc")),
                sent_to=addresses(extra.get("to")),
                cc=addresses(extra.get("cc")),
                message_id=str(extra.get("message_id") or ""),
            )
        )
    return docs


def addresses(*headers: object) -> tuple[str, ...]:
    """The e-mail addresses of address headers ("Name <a@b.example>, c@d.example"), in
    lower case, each followed by its "@domain": what from: and to: match."""
    from email.utils import getaddresses

    found: list[str] = []
    values = [str(h) for h in headers if isinstance(h, str) and h.strip()]
    for _name, address in getaddresses(values):
        address = address.strip().lower()
        if "@" in address.strip("@"):
            found += [address, "@" + address.rpartition("@")[2]]
    return tuple(dict.fromkeys(found))


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
    so a cancelled or killed rebuild leaves the previous index in place. Posts imported
    before schema 9 first get what their records say as evidence (posts/recapture.py
    reads their containers again, posts/evidence.py `backfill` their own records): the
    rebuild a new index format asks for is when an older archive gains it.
    """
    if archive.writable:
        from .posts.evidence import backfill
        from .posts.recapture import read_again

        read_again(archive)  # first: what a container read again says beats a guess
        backfill(archive)
    building = archive.root / "index.building"
    all_ids = item_store.item_ids(archive.db)
    total = len(all_ids)
    cores = REINDEX_WORKERS or os.cpu_count() or 1
    count = part_count(total, cores)
    parts = [all_ids[n * total // count : (n + 1) * total // count] for n in range(count)]
    workers = min(cores, len(parts))
    try:
        if workers > 1:
            _rebuild_in_workers(archive, building, parts, workers, progress, cancel)
        else:
            _rebuild_here(archive, building, all_ids, progress, cancel)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap_in(building, archive.index_dir)
    with archive.transaction():
        item_store.mark_indexed(archive.db, all_ids)
        archive.audit("reindex", items=total)
    progress(Progress("indexing", total, total))
    return total


def part_count(total: int, cores: int) -> int:
    """Into how many segments of (nearly) equal size a rebuild of `total` items goes.

    Each holds at most REINDEX_SEGMENT items, and there is one per worker once there
    are enough items to share (1 000 items were one segment, written by one process).
    Past that they are as many as a multiple of the workers: 100 300 items were 11
    segments of 9 119 for two workers, and the eleventh was written by one while the
    other had nothing left to do, a twelfth of the rebuild with a core idle.
    """
    count = max(-(-total // REINDEX_SEGMENT), min(cores, total // REINDEX_MIN_PART), 1)
    if count > cores:
        count = -(-count // cores) * cores
    return count


def _rebuild_here(
    archive: Archive,
    building: Path,
    all_ids: list[int],
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> None:
    total = len(all_ids)

    def everything() -> Iterator[IndexDocument]:
        for start in range(0, total, BATCH):
            if cancel is not None and cancel.cancelled:
                raise Cancelled("reindex cancelled; the previous index is unchanged")
            progress(Progress("indexing", start, total, f"items {start + 1}–{start + BATCH}"))
            yield from documents(archive.db, all_ids[start : start + BATCH])
        progress(Progress("indexing", total, total, "writing the index"))

    index = SearchIndex.create(building)
    try:
        index.write_new(everything(), segment_size=REINDEX_SEGMENT)
    finally:
        index.close()


def _rebuild_in_workers(
    archive: Archive,
    building: Path,
    parts: list[list[int]],
    workers: int,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> None:
    """Each part's segment written by a worker process while this one reads the
    next part from the database; committed in order as they are done.

    Analysis is nearly all of a rebuild's time, and one process used one core.
    """
    from .index.writing import SegmentCommitter, StagedSegment, write_segment

    total = sum(len(p) for p in parts)
    staging = building.with_name("index.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    SearchIndex.create(building).close()
    committer = SegmentCommitter(building)
    try:
        pool = _segment_pool(workers)
    except BaseException:  # no processes to be had: the lock must not stay held
        committer.close()
        raise
    pending: collections.deque[cf.Future[StagedSegment]] = collections.deque()
    done = 0

    def commit_oldest() -> None:
        nonlocal done
        staged = pending.popleft().result()
        committer.commit([staged])
        done += staged.doc_count
        progress(Progress("indexing", done, total, f"{done} of {total} items indexed"))

    try:
        for part in parts:
            if cancel is not None and cancel.cancelled:
                raise Cancelled("reindex cancelled; the previous index is unchanged")
            fields = [
                doc.fields()
                for start in range(0, len(part), BATCH)
                for doc in documents(archive.db, part[start : start + BATCH])
            ]
            pending.append(pool.submit(write_segment, staging, fields))
            del fields
            while len(pending) > workers:  # one part read ahead while each worker writes
                commit_oldest()
        while pending:
            if cancel is not None and cancel.cancelled:
                raise Cancelled("reindex cancelled; the previous index is unchanged")
            commit_oldest()
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()  # a segment takes seconds to write: do not wait for it
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        committer.close()
        shutil.rmtree(staging, ignore_errors=True)


def _segment_pool(workers: int) -> cf.ProcessPoolExecutor:
    import concurrent.futures as cf
    import multiprocessing

    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    from . import lifeline

    lifeline.keep_working_folder_off_path()
    if method == "forkserver":  # no effect when an import has started the server already

        # lifeline first: the fork server, and then each worker, die with this process.
        context.set_forkserver_preload(
            ["xarchive.core.lifeline", "xarchive.core.index.writing", "xarchive.core.forked"]
        )
        lifeline.start_fork_server()
    return cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),)
    )


def _worker_init(main_pid: int) -> None:
    import signal

    from .collector import collect_less
    from .lifeline import bind_worker
    from .offline import forbid_network

    bind_worker(main_pid)  # a killed reindex must not leave its workers behind
    forbid_network()
    collect_less()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl+C


def _swap_in(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
