"""The batch: what the one writer commits in one transaction, in the order of the scan.

Items read (`Pending`, their originals already stored by the workers), files whose
bytes the archive holds already (a provenance record each), the failures, and the
containers whose pictures are all stored wait here; `Batch.flush` writes them in one
transaction, then hands the new items to the index feed and to the subscribers
(hooks.py). A full disk, whichever layer finds it, becomes one `DiskFull`
(`full_disk`), which the pipeline turns into what to free.
"""

from __future__ import annotations

import concurrent.futures as cf
import errno
import logging
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..archive import Archive, iso_from_ns, utc_now
from ..blobs import StagedFile
from ..errors import ImportAborted
from ..model import Extracted, NewItem
from ..names import raw_name_bytes, storable
from ..store import items as item_store
from ..store import posts as post_store
from ..store import runs
from ..store.connection import OperationalError, savepoint
from .hooks import AfterImport
from .report import ImportReport, Outcome, changed_note
from .scan import Candidate

if TYPE_CHECKING:
    import sqlite3

    from ..posts.containers import Committed, Container
    from .index_feed import IndexFeed

log = logging.getLogger(__name__)

BATCH_ITEMS = 200
#: Items read that may wait for a slower file before them, to be committed in order.
HOLD_ITEMS = 2000
BATCH_SECONDS = 2.0


class DiskFull(ImportAborted):
    """The disk holding the archive is full; `at` is the file the import was on, if known."""

    def __init__(self, at: Path | None) -> None:
        super().__init__("the disk is full")
        self.at = at


def full_disk(exc: BaseException, at: Path | None = None) -> DiskFull | None:
    """`exc` as a DiskFull if it says the disk is full (the system's ENOSPC or EDQUOT,
    SQLite's "database or disk is full"), else None."""
    if isinstance(exc, DiskFull):
        return exc
    if isinstance(exc, OSError):
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    else:
        full = isinstance(exc, OperationalError) and "full" in str(exc).lower()
    return DiskFull(at) if full else None


@dataclass(slots=True)
class Pending:
    """An item extracted and committed to blobs/, waiting for its database batch."""

    candidate: Candidate
    staged: StagedFile
    extracted: Extracted
    previous_item: int | None
    #: For a picture of a container: the container, and the picture's name in it.
    container: Container | None = None
    member: str = ""
    #: what each subscriber read of it in the worker, by name (hooks.py)
    notes: dict[str, Any] = field(default_factory=dict)


#: A file whose bytes are those of an item or container (the SHA-256), the item if known.
Duplicate = tuple[Candidate, str, "int | None"]


@dataclass(slots=True)
class Batch:
    archive: Archive
    report: ImportReport
    staging: Path
    subscribers: Sequence[AfterImport] = ()
    feed: IndexFeed | None = None
    executor: cf.Executor | None = None  # while workers run
    items: list[Pending] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    errors: list[Outcome] = field(default_factory=list)
    #: containers read, waiting for their pictures, then for their commit
    containers: list[Container] = field(default_factory=list)
    #: SHA-256 → the file being read with those bytes (an item, or a container)
    reading: dict[str, Candidate] = field(default_factory=dict)
    reading_containers: dict[str, Candidate] = field(default_factory=dict)
    last_flush: float = field(default_factory=time.monotonic)
    #: Each file's place in the sorted scan: items are committed in that order, so
    #: that their numbers do not depend on which worker finished first.
    ranks: dict[Path, int] = field(default_factory=dict)
    #: The paths still being read (set by the pipeline): files, and containers' pictures.
    unfinished: Callable[[], Iterator[Path]] = lambda: iter(())

    def record(self, outcome: Outcome) -> None:
        self.report.outcomes.append(outcome)
        if outcome.status == "failed":
            self.errors.append(outcome)

    def rank(self, path: Path) -> int:
        return self.ranks.get(path, -1)

    def _rank_of(self, pending: Pending) -> int:
        # a picture of a container goes with its container
        return self.rank(pending.container.path if pending.container else pending.candidate.path)

    def flush(self, force: bool = False, final: bool = False) -> None:
        """Commit what is waiting, in the order of the scan: what was read before a file
        that is still being read waits for it (unless `force`, or too much waits).
        `final`: the import is complete, every container goes."""
        open_ranks = [self.rank(path) for path in self.unfinished()]
        first_open = min(open_ranks) if open_ranks and not force else None
        held: list[Pending] = []
        if first_open is not None:
            held = [p for p in self.items if self._rank_of(p) >= first_open]
            if len(held) > HOLD_ITEMS:  # memory first: a slow file must not hold everything
                held, first_open = [], None
        kept = {id(p) for p in held}
        self.items = sorted((p for p in self.items if id(p) not in kept), key=self._rank_of)
        try:
            self._flush(force, final, first_open)
        finally:
            self.items += held

    def _flush(self, force: bool, final: bool, first_open: int | None) -> None:
        # in the order of the scan, not of the workers: where two containers hold the same
        # post, the one scanned first gives its record, whichever worker finished first
        ready = sorted(
            (c for c in self.containers
             if c.waiting == 0 and (first_open is None or self.rank(c.path) < first_open)),
            key=lambda c: self.rank(c.path),
        )  # fmt: skip
        due = (
            len(self.items) >= BATCH_ITEMS
            or time.monotonic() - self.last_flush >= BATCH_SECONDS
            or bool(ready)
        )
        if not (force or due):
            return
        if not (self.items or self.duplicates or self.errors or ready):
            return
        now = utc_now()
        new_ids: list[int] = []
        committed: list[Committed] = []
        try:
            if ready:  # posts' code only for a batch with containers
                from ..posts.containers import store_records
            for box in ready:  # the blobs before the rows that name them
                store_records(box, self.staging, self.archive.blobs_dir)
            with self.archive.transaction():
                conn = self.archive.db
                for pending in self.items:
                    new_ids.append(self._insert(conn, pending, now))
                for box in ready:
                    if not (final or self._pictures_settled(box)):
                        break  # the containers after it wait too, to keep the scan's order
                    done = self._commit_safely(conn, box, now)
                    if done is not None:
                        committed.append(done)
                waiting = self._duplicates(conn, now, force)
                for outcome in self.errors:
                    runs.record_error(conn, self.report.run_id, outcome.path, outcome.reason)
        except (OSError, OperationalError) as exc:  # an OSError: storing a record
            full = full_disk(exc, self.items[0].candidate.path if self.items else None)
            if full is None:
                raise
            if isinstance(exc, OSError):
                full.at = None  # a post's record, not the first item's file
            raise full from exc
        notes: dict[str, dict[int, Any]] = {s.name: {} for s in self.subscribers}
        for pending, item_id in zip(self.items, new_ids, strict=True):
            for name, note in pending.notes.items():
                notes[name][item_id] = note
            self.reading.pop(pending.staged.sha256, None)
            self.report.outcomes.append(
                Outcome(
                    str(pending.candidate.path),
                    "imported",
                    changed_note(pending.previous_item),
                    item_id,
                    pending.extracted.title,
                    pending.extracted.warnings,
                )
            )
        changed: set[int] = set()
        for done in committed:
            self._committed(done)
            new_ids.extend(done.new_ids)
            changed |= done.changed_ids
        self.items.clear()
        self.duplicates = waiting
        self.errors.clear()
        if new_ids:
            for subscriber in self.subscribers:
                if subscriber.before_index is not None:
                    changed.update(subscriber.before_index(self.archive, new_ids))
        changed -= set(new_ids)
        if self.feed is not None:
            self.feed.add(new_ids)
            self.feed.add(sorted(changed), replace=True)
            self.feed.pump(self.executor)
        if new_ids:
            for subscriber in self.subscribers:
                if subscriber.after_index is not None:
                    subscriber.after_index(self.archive, new_ids, notes[subscriber.name])
        self.last_flush = time.monotonic()

    def _duplicates(self, conn: sqlite3.Connection, now: str, force: bool) -> list[Duplicate]:
        """A provenance record for each file whose bytes the archive holds; those whose
        twin is still being read wait (returned)."""
        waiting: list[Duplicate] = []
        for candidate, sha, known in self.duplicates:
            item_id = item_store.item_by_sha(conn, sha)
            if item_id is None:
                box = post_store.container_by_sha(conn, sha)
                if box is not None:  # the same container as another file
                    post_store.add_container_source(
                        conn, box.id, self.report.run_id, str(candidate.path),
                        str(candidate.root), now,
                    )  # fmt: skip
                    post_store.set_container_file_state(
                        conn, str(candidate.path), candidate.size, candidate.mtime_ns, sha
                    )
                elif (sha in self.reading or sha in self.reading_containers) and not force:
                    waiting.append((candidate, sha, known))  # twin still extracting
                continue  # else its twin failed to import
            item_store.add_source(
                conn, item_id, self.report.run_id, str(candidate.path),
                str(candidate.root), now,
            )  # fmt: skip
            runs.set_file_state(
                conn, str(candidate.path), candidate.size, candidate.mtime_ns, sha, item_id
            )
        return waiting

    def _insert(self, conn: sqlite3.Connection, pending: Pending, now: str) -> int:
        candidate, extracted = pending.candidate, pending.extracted
        extra = dict(extracted.extra)
        captured = extracted.captured_at
        if not captured:
            captured = iso_from_ns(candidate.mtime_ns)
            extra["captured_at_source"] = "file modification time"
        if pending.previous_item is not None:
            extra["previous_version"] = pending.previous_item
        if raw_name_bytes(str(candidate.path)):  # not UTF-8: its exact bytes, for the record
            extra["original_path_bytes"] = raw_name_bytes(str(candidate.path))
        new = NewItem.of(
            extracted,
            title=storable(extracted.title or candidate.path.stem),
            captured_at=captured,
            pages=extracted.pages or ("",),
            extra=extra,
            sha256=pending.staged.sha256,
            original_name=storable(candidate.path.name),
            original_path=storable(str(candidate.path)),
            size=pending.staged.size,
            imported_at=now,
            import_run_id=self.report.run_id,
            source_root=str(candidate.root),
        )
        item_id = item_store.insert_item(conn, new)
        item_store.add_source(
            conn, item_id, self.report.run_id, str(candidate.path), str(candidate.root), now
        )
        if pending.container is not None:
            pending.container.media_ids[pending.member] = item_id
        if not candidate.virtual:
            runs.set_file_state(
                conn, str(candidate.path), candidate.size, candidate.mtime_ns,
                pending.staged.sha256, item_id,
            )  # fmt: skip
        return item_id

    def _commit_safely(
        self, conn: sqlite3.Connection, box: Container, now: str
    ) -> Committed | None:
        """Commit a container inside a savepoint: if it fails, the rest of the batch stays."""
        from ..posts.containers import commit_container

        with savepoint(conn, "container") as undo:
            try:
                return commit_container(conn, box, self.report.run_id, now)
            except OperationalError:
                raise  # a full disk, a locked database: the whole batch stops
            except Exception as exc:  # a bug must not cost the other files of the batch
                undo()
                log.error("could not store the container %s:\n%s", box.path, "".join(
                    traceback.format_exception(exc)))  # fmt: skip
                reason = f"could not be stored ({type(exc).__name__}: {exc})"
                path = str(box.path)
                runs.record_error(conn, self.report.run_id, path, reason)
                self.report.outcomes.append(Outcome(path, "failed", reason))
                self.containers.remove(box)
                self.reading_containers.pop(box.sha256, None)
                return None

    def _committed(self, done: Committed) -> None:
        box = done.container
        self.containers.remove(box)
        self.reading_containers.pop(box.sha256, None)
        self.report.outcomes.extend(
            Outcome(post.location, "imported", "", post.item_id, post.title, post.warnings)
            for post in done.imported
        )
        self.report.outcomes.append(
            Outcome(
                str(box.path),
                "container",
                done.summary,
                None,
                box.found.title,
                (*box.found.warnings, *box.failed_posts),
            )
        )

    def _pictures_settled(self, box: Container) -> bool:
        """Whether every picture extracted for another file of this import has been stored."""
        conn = self.archive.db
        return all(
            sha not in self.reading or item_store.item_by_sha(conn, sha) is not None
            for sha in box.elsewhere.values()
        )
