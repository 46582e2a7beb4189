"""An archive on disk: open or create it, its folders, its database and its lock.

Case.xarchive/
  archive.sqlite   the truth (WAL, foreign keys, numbered migrations)
  blobs/           originals by SHA-256, never modified
  derived/         thumbnails, OCR text, sanitised HTML: rebuildable caches
  index/           the Whoosh index: a rebuildable cache of archive.sqlite
  archive.lock     held (flock) by the one process allowed to write
  Open-in-xarchive.xarchive.txt, .directory   what a file manager opens and shows (marker.py)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from .. import __version__
from . import custody, marker
from .errors import (
    ArchiveCorrupt,
    ArchiveExists,
    ArchiveLocked,
    ArchiveNotFound,
    IndexUnavailable,
    Remedy,
)
from .store import connection as sql
from .store import custody as store_custody
from .store import migrations, settings
from .store.connection import DatabaseError, connect

# The engine (Whoosh, numpy) is imported when the index is first used: verify,
# show and the like open an archive without searching it. The stores of items and of
# import runs (with core/model/'s records, a third of a verify's start) when an item
# is first read or a change audited: verify does neither. So are getpass and the store
# of OCR words (with core/words.py), for who makes a change and an item's OCR boxes.
if TYPE_CHECKING:
    import sqlite3

    from .index.api import IndexHealth
    from .index.engine import SearchIndex
    from .model import ImportRun, Item, Page, Post, Source, TagCount
    from .words import Word

DB_NAME = "archive.sqlite"
LOCK_NAME = "archive.lock"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def iso_from_ns(ns: int) -> str:
    """A file time (nanoseconds since the epoch) as the archive writes times."""
    return datetime.fromtimestamp(ns / 1e9, UTC).isoformat(timespec="seconds")


class Archive:
    """One open archive. Use `Archive.create` or `Archive.open`, then `close()`."""

    def __init__(
        self,
        root: Path,
        conn: sqlite3.Connection,
        lock: IO[bytes] | None,
        borrowed: bool = False,
    ) -> None:
        self.root = root
        self.db = conn
        self._lock = lock
        # True for a sibling (see `sibling`) of a writable Archive in this process.
        self._borrowed = borrowed
        self._index: SearchIndex | None = None
        if self.writable:  # every change xarchive makes to a sealed row is sealed
            store_custody.watch(conn)
            self._heads = custody.HeadKeeper(root)

    # -- paths ---------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def blobs_dir(self) -> Path:
        return self.root / "blobs"

    @property
    def derived_dir(self) -> Path:
        return self.root / "derived"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def writable(self) -> bool:
        return self._lock is not None or self._borrowed

    # -- life cycle ------------------------------------------------------------
    @classmethod
    def create(cls, root: Path, name: str = "") -> Archive:
        """Create an empty archive in `root` (which may exist if empty).

        Raises ArchiveExists if there is an archive there already, and OSError
        if the folder cannot be written.
        """
        root = Path(root).expanduser().absolute()
        if (root / DB_NAME).exists():
            raise ArchiveExists(f"there is already an archive in {root}")
        if root.exists() and any(root.iterdir()):
            raise ArchiveExists(f"{root} is not empty; choose a new or empty folder")
        for sub in ("blobs", "derived", "index"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        marker.write(root)  # what a double-click in a file manager opens (core/marker.py)
        connect(root / DB_NAME).close()
        from .index.engine import SearchIndex

        SearchIndex.create(root / "index").close()
        archive = cls.open(root)
        with archive.transaction():
            archive.set_setting("name", name or root.name)
            archive.set_setting("created_at", utc_now())
            archive.set_setting("created_by_version", __version__)
        return archive

    @classmethod
    def open(cls, root: Path, readonly: bool = False) -> Archive:
        """Open an existing archive, migrating its schema if it is older.

        Read-only opens take no lock and can run beside a writer. Raises
        ArchiveNotFound, ArchiveLocked (another process is writing), ArchiveTooNew
        or ArchiveCorrupt.
        """
        root = Path(root).expanduser().absolute()
        db_path = root / DB_NAME
        if not db_path.is_file():
            if root.is_dir() and not any(root.iterdir()):
                raise ArchiveNotFound(
                    f"{root} is empty", remedy=Remedy.CREATE_ARCHIVE, archive=root
                )
            raise ArchiveNotFound(f"{root} is not an xarchive archive (no {DB_NAME})")
        lock = None if readonly else _acquire_lock(root / LOCK_NAME)
        older = False  # an archive made by an earlier version, migrated now
        try:
            try:
                conn = connect(db_path, readonly=readonly)
            except DatabaseError as exc:
                raise ArchiveCorrupt(f"{db_path} cannot be read as a database: {exc}") from exc
            try:
                with sql.translating():  # while reading rows, too
                    sql.probe(conn)
                    if readonly:
                        version = migrations.schema_version(conn)
                        if version > migrations.LATEST:
                            migrations.migrate(conn)  # raises ArchiveTooNew, changing nothing
                        if version < migrations.LATEST or custody.needs(conn)[0]:
                            # Written by an older xarchive: upgrade it first (briefly
                            # taking the lock), then read the upgraded database.
                            conn.close()
                            _upgrade(root, db_path)
                            conn = connect(db_path, readonly=True)
                    else:
                        older = migrations.schema_version(conn) > 0
                        migrations.migrate(conn)
                        store_custody.watch(conn)  # runs marked interrupted are sealed too
                        from .store import runs

                        runs.mark_interrupted_runs(conn)
            except DatabaseError as exc:
                conn.close()
                raise ArchiveCorrupt(f"{db_path} cannot be read as a database: {exc}") from exc
        except BaseException:
            if lock is not None:
                lock.close()
            raise
        for sub in ("blobs", "derived", "index"):
            if not readonly:
                (root / sub).mkdir(exist_ok=True)
        if not readonly:
            marker.write(root)  # an archive made before there was one
        archive = cls(root, conn, lock)
        if not readonly:
            try:
                archive._start_custody(migrated=older)
            except BaseException:
                archive.close()
                raise
        return archive

    def close(self) -> None:
        # A sibling's too: a job's changes are sealed before its connection goes.
        with contextlib.suppress(sql.Error), sql.translating():
            self.seal_pending()
        if self._index is not None:
            self._index.close()
            self._index = None
        with contextlib.suppress(sql.Error):
            self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def sibling(self) -> Archive:
        """Another Archive on this folder, with its own connection, for another thread.

        SQLite connections belong to one thread. The sibling takes no lock: flock
        would refuse a second open file in the same process. It borrows this
        object's promise that one process writes, so it is writable exactly when
        this one is, and is only valid while this one stays open. Inside the
        process, writers are serialised by SQLite (WAL, BEGIN IMMEDIATE, busy_timeout).
        """
        conn = connect(self.db_path, readonly=not self.writable)
        return Archive(self.root, conn, lock=None, borrowed=self.writable)

    # -- the search index ------------------------------------------------------------
    def search_index(self) -> SearchIndex:
        """The archive's search index, opened on first use and kept until `close()`.

        It is the one keeper of the archive's searcher: opened once, refreshed
        when the index changed (an import's commit, here or in another process),
        reopened when a rebuilt index is swapped in. An empty, writable archive
        without an index gets a new one. Raises IndexUnavailable (missing,
        outdated or damaged; its `state` says which), whose remedy is a reindex.
        """
        if self._index is not None and self._index.moved:  # deleted or rebuilt: open anew
            self._index.close()
            self._index = None
        if self._index is None:
            from .index.engine import SearchIndex

            try:
                self._index = SearchIndex.open(self.index_dir)
            except IndexUnavailable as exc:
                if exc.state == "missing" and self.writable and not self.item_count():
                    self._index = SearchIndex.create(self.index_dir)
                else:
                    error = IndexUnavailable(str(exc), archive=self.root)
                    error.state = exc.state
                    raise error from None
        return self._index

    def kept_index_health(self) -> IndexHealth | None:
        """How the kept index stands, if `search_index` has opened it and it is still
        the index in the folder: its searcher counts the documents, where
        `SearchIndex.health` opens the index a second time (at 100 000 items, every
        segment's reader). None when it is not open."""
        if self._index is None or self._index.moved:
            return None
        from .index.api import IndexHealth

        try:
            return IndexHealth("ok", doc_count=self._index.doc_count())
        except IndexUnavailable:  # removed or swapped since: the folder says
            return None

    # -- database ---------------------------------------------------------------
    def new_connection(self) -> sqlite3.Connection:
        """A fresh connection for another thread (SQLite connections are per thread)."""
        return connect(self.db_path, readonly=not self.writable)

    @contextlib.contextmanager
    def transaction(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back if the block raises."""
        conn = conn or self.db
        if self.writable and conn is not self.db:
            store_custody.watch(conn)
        sql.begin(conn)
        head: tuple[int, str] | None = None
        locked = committed = False
        try:
            yield conn
            if self.writable:
                # The rows changed are sealed in the same transaction; the chain's new
                # head is written beside the database around the commit (custody.py).
                custody.seal_changes(conn, self._auditor(conn))
                self._heads.lock.acquire()
                locked = True
                head = self._heads.before_commit(conn)
            sql.commit(conn)
            committed = True
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (e.g. disk full)
                sql.rollback(conn)
            raise
        finally:
            if locked:
                try:
                    self._heads.after_commit(head, committed)
                finally:
                    self._heads.lock.release()

    def seal_pending(self) -> None:
        """Seal the rows this connection changed outside a transaction (xarchive's own
        changes, not yet in the chain of custody)."""
        if self.writable and store_custody.has_unsealed(self.db):
            with self.transaction():
                pass

    def _auditor(self, conn: sqlite3.Connection) -> custody.Audit:
        user = self.user_name
        from .store import runs

        return lambda action, detail: runs.audit(conn, utc_now(), user, action, detail)

    def _start_custody(self, migrated: bool) -> None:
        """Start the chain of custody if it has not started (a new or a migrated archive),
        or extend its seal to what this version seals; seal what the opening changed."""
        behind, scope = custody.needs(self.db)
        if not behind and not store_custody.has_unsealed(self.db):
            return
        with self.transaction():
            if not store_custody.chain_started(self.db):
                custody.start(self.db, self._auditor(self.db), __version__, migrated)
            elif behind:
                custody.extend(self.db, self._auditor(self.db), __version__, scope)

    def holds_head(self, head: str) -> bool:
        """Whether the audit log still holds, unchanged, the entry `head` ("<id> <hash>",
        as a bundle records it): the log was not rewritten up to that entry."""
        return custody.holds_head(self.db, head)

    # -- settings (archive-level, kept in the database) ---------------------------
    def setting(self, key: str, default: str = "") -> str:
        value = settings.get(self.db, key)
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        settings.put(self.db, key, value)

    @property
    def user_name(self) -> str:
        """Who is making changes: the archive's `user_name` setting, else the login."""
        return self.setting("user_name") or _login_name()

    @property
    def name(self) -> str:
        return self.setting("name", self.root.name)

    def audit(self, action: str, **detail: Any) -> None:
        """Record a change in the audit log (inside the caller's transaction)."""
        from .store import runs

        runs.audit(self.db, utc_now(), self.user_name, action, detail)

    # -- reading: what the front ends ask of items, never through the connection ----
    def item(self, item_id: int) -> Item:
        """The item with this id; raises ItemNotFound."""
        from .store import items as item_store

        return item_store.get_item(self.db, item_id)

    def find_item(self, ref: str) -> Item:
        """The item a person named: by id (``42``, ``#42``) or by its SHA-256 or a unique
        prefix of it (at least 6 hex digits); raises ItemNotFound."""
        from .store import items as item_store

        return item_store.find_item(self.db, ref)

    def pages(self, item_id: int) -> list[Page]:
        from .store import items as item_store

        return item_store.pages(self.db, item_id)

    def ocr_words(self, item_id: int) -> dict[int, tuple[Word, ...]]:
        """Page → the words OCR read on it, with their boxes (none for a text layer)."""
        from .store import ocr_words

        return ocr_words.page_words(self.db, item_id)

    def sources(self, item_id: int) -> list[Source]:
        """Where the item came from: each file, folder or bundle, by which run, when."""
        from .store import items as item_store

        return item_store.sources(self.db, item_id)

    def import_run(self, run_id: int) -> ImportRun:
        from .store import runs

        return runs.get_run(self.db, run_id)

    def post(self, item_id: int) -> Post:
        """The post item `item_id` is; raises ItemNotFound if it is no post."""
        from .store import posts as post_store  # with the posts' model: not every open's

        return post_store.get_post(self.db, item_id)

    def posts(self, item_ids: Sequence[int]) -> list[Post]:
        """The posts among these items, in their order."""
        from .store import posts as post_store

        return post_store.posts(self.db, item_ids)

    def tag_counts(self) -> list[TagCount]:
        """Every tag, with how many items have it."""
        from .store import annotations as annotation_store  # a search needs none

        return annotation_store.tag_counts(self.db)

    def item_count(self) -> int:
        from .store import items as item_store

        return item_store.count_items(self.db)

    def kind_counts(self) -> list[tuple[str, int]]:
        """(kind, how many items are of it) for each kind the archive holds."""
        from .store import items as item_store

        return item_store.kind_counts(self.db)


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _upgrade(root: Path, db_path: Path) -> None:
    """Apply pending migrations for a reader: needs the write lock for a moment."""
    try:
        lock = _acquire_lock(root / LOCK_NAME)
    except ArchiveLocked as exc:
        busy = ArchiveLocked(
            f"{root} was written by an older xarchive and needs a schema upgrade, but "
            "another xarchive process is using it; close it there and try again"
        )
        busy.remedy = None  # opening it read-only needs the same upgrade
        raise busy from exc
    try:
        conn = connect(db_path)
        try:
            older = migrations.schema_version(conn) > 0
            migrations.migrate(conn)
            Archive(root, conn, lock)._start_custody(migrated=older)
        finally:
            conn.close()
    finally:
        lock.close()


def _acquire_lock(path: Path) -> IO[bytes]:
    try:
        handle = path.open("a+b")
    except OSError as exc:
        raise ArchiveLocked(f"cannot open the archive for writing: {exc.strerror}") from exc
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise ArchiveLocked(
            f"the archive {path.parent} is in use by another xarchive process; "
            "close it there and try again"
        ) from exc
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n".encode())
    handle.flush()
    return handle
