"""Importing files and folders: scan, stage, extract in worker processes, commit in batches.

The pipeline, for each file found:

1. *skip cheaply*: a file whose path, size and modification time match the last
   import is not read again;
2. *stage* (worker): copy the bytes into blobs/.tmp while hashing them, fsync;
3. *dedup* (main): bytes already in the archive add only a provenance record;
4. *extract* (worker): the importer chosen by content reads the staged copy;
5. *commit* (main, the one writer): the staged copy is renamed to its content
   address, then the item, its pages and provenance are inserted, a batch per
   transaction;
6. *index* (worker): a few batches at a time, the new items are written as a
   segment of the index by a worker (index/writing.py); the writer commits the
   segment into the index, then marks its items indexed. The writer holds the
   index's lock for the whole import.

A *container* — an X account archive (zip, or its unpacked folder, which the scan
takes as one unit) or a twarc2 file — holds many items. Its importer
(`extract_many`) returns posts and the pictures it copied to the staging area;
each picture then goes through dedup and extraction like a file, and once all
are done the container is committed in one transaction: its row and
provenance, the posts new to the archive (each with its record stored as a blob
first), a source row for each post that was there already, the pictures
attached to their posts, and the links between replies and what they answer.

A failure of one file is recorded with its reason and the import goes on. A
cancel stops within a fraction of a second: workers are terminated, what was
extracted is committed, nothing half-written is visible.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import errno
import logging
import multiprocessing
import os
import shutil
import signal
import sqlite3
import stat
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from . import blobs, lifeline
from .annotate import Annotations
from .archive import Archive, utc_now
from .errors import Cancelled, ImportAborted, IndexBusy, IndexUnavailable, UnreadableFile
from .importers import HEAD_SIZE, folder_importer, image, is_container, sniff, video
from .importers import text as plain_text
from .importers.base import ExtractContext, Extracted
from .index import writing
from .index.engine import SearchIndex
from .indexing import catch_up, documents, reindex
from .jobs import CancelToken, Progress, ProgressCallback, no_progress
from .names import file_name, raw_name_bytes, storable
from .offline import forbid_network
from .posts import evidence
from .posts.media import VIDEO_TYPES, media_noun
from .posts.model import (
    RECORD_MEDIA_TYPE,
    Contained,
    ContainerContext,
    ExtractedContainer,
    ExtractedPost,
    safe_file_name,
)
from .posts.sources import store_many
from .posts.text import title_of
from .posts.threads import link_items, link_post
from .store import items as item_store
from .store import posts as post_store
from .store import runs
from .suggest import ScanFacts, file_facts
from .suggest import after_import as suggest_after_import

log = logging.getLogger(__name__)

#: Files that are never evidence: operating-system litter.
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".directory"})
BATCH_ITEMS = 200
#: Items read that may wait for a slower file before them, to be committed in order.
HOLD_ITEMS = 2000
BATCH_SECONDS = 2.0
#: Items written to the index by a worker as one segment: a segment is started
#: when this many wait, or SEGMENT_CHARS of their text (a segment's postings
#: then fit in the writer's memory, writing.LIMIT_MB, and both workers share
#: the work), or after SEGMENT_SECONDS (new items show up in searches).
SEGMENT_ITEMS = 2000
SEGMENT_CHARS = 2_000_000
SEGMENT_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class ImportOptions:
    ocr: bool = True
    ocr_languages: str = "eng+urd"
    #: Worker processes; None = one per CPU, 0 = extract in this process (tests, debugging).
    workers: int | None = None
    #: Follow symbolic links that lead out of the folder being imported (--follow-links).
    follow_links: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one file."""

    path: str
    #: "imported", "skipped", "failed"; "container" for what was read from a
    #: container (an X archive, a twarc2 file) besides its new items, each of which
    #: has its own outcome: not counted as imported, skipped or failed.
    status: str
    reason: str = ""
    item_id: int | None = None
    title: str = ""
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A file name that is not UTF-8 is reported with its odd bytes as \xNN: the
        # report, the database and the terminal all take it (names.py).
        if (
            self.path.isascii()
            and self.reason.isascii()
            and self.title.isascii()
            and not self.warnings
        ):
            return  # most outcomes (a re-import of 100 000 files is as many)
        for name in ("path", "reason", "title"):
            object.__setattr__(self, name, storable(getattr(self, name)))
        object.__setattr__(self, "warnings", tuple(storable(w) for w in self.warnings))


@dataclass(slots=True)
class ImportReport:
    run_id: int
    outcomes: list[Outcome] = field(default_factory=list)
    status: str = "running"  # then "completed" or "cancelled"

    def _with(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def imported(self) -> list[Outcome]:
        return self._with("imported")

    @property
    def skipped(self) -> list[Outcome]:
        return self._with("skipped")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed")

    @property
    def containers(self) -> list[Outcome]:
        return self._with("container")

    @property
    def warnings(self) -> list[tuple[str, str]]:
        return [(o.path, w) for o in self.outcomes for w in o.warnings]

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def links_not_followed(self) -> list[Outcome]:
        return [o for o in self.skipped if o.reason.startswith(LINK_NOT_FOLLOWED)]


@dataclass(frozen=True, slots=True)
class _Candidate:
    path: Path
    root: Path
    size: int
    mtime_ns: int
    #: A folder read as one container: the NAME of its container importer.
    folder_of: str = ""
    #: A file inside a container (a picture in a zip): no file state is kept for it.
    virtual: bool = False


class DiskFull(ImportAborted):
    """The disk holding the archive is full; `at` is the file the import was on, if known."""

    def __init__(self, at: Path | None) -> None:
        super().__init__("the disk is full")
        self.at = at


# -- scanning ------------------------------------------------------------------


#: The reason given for a symbolic link left alone, which the reports list apart.
LINK_NOT_FOLLOWED = "is a symbolic link out of the imported folder"


def scan(
    paths: Sequence[Path], exclude: Path | None = None, follow_links: bool = False
) -> Iterator[_Candidate | Outcome]:
    """Every file under `paths`, or an Outcome saying why a path cannot be imported.

    Symbolic links inside a folder are followed only while they stay inside it
    (`follow_links` follows them anywhere): a folder unpacked from an untrusted
    source must not pull /etc/shadow or the user's keys into the archive. Each
    link left alone is a skipped Outcome. A path given itself is followed. A
    folder is never visited twice, so link loops end; a link to nowhere or a
    loop of links is reported.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        problem = _unusable(path)
        if problem:
            yield Outcome(str(path), "failed", problem)
            continue
        if path.is_dir():
            unit = folder_importer(path)
            if unit is not None:
                yield _folder(path, path.parent, unit.NAME)
            else:
                inside = None if follow_links else Path(os.path.realpath(path))
                yield from _walk(path, path, seen_dirs, exclude, inside)
        else:
            yield from _file(path, path.parent)


def _unusable(path: Path) -> str:
    try:
        path.lstat()
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return _os_reason(exc)
    try:
        path.stat()
    except OSError as exc:
        return _os_reason(exc, path)
    return ""


def _walk(
    directory: Path,
    root: Path,
    seen: set[tuple[int, int]],
    exclude: Path | None,
    inside: Path | None = None,
) -> Iterator[_Candidate | Outcome]:
    """`inside`: the real path of the folder given, that links may not leave (None: they may)."""
    try:
        info = directory.stat()
    except OSError as exc:
        yield Outcome(str(directory), "failed", _os_reason(exc, directory))
        return
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return
    seen.add(key)
    if exclude is not None and directory == exclude:
        return
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        yield Outcome(str(directory), "failed", f"the folder cannot be read: {_os_reason(exc)}")
        return
    for entry in entries:
        if entry.name in IGNORED_NAMES or entry.name.startswith("._"):
            continue
        if entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
            continue  # .git, .Trash and the like
        path = directory / entry.name  # a ninth of Path(entry.path)'s cost (3.11)
        if inside is not None and entry.is_symlink():
            leaving = _link_outside(path, inside)
            if leaving:
                reason = f"{LINK_NOT_FOLLOWED} (to {leaving}); not followed: import it on its own"
                yield Outcome(str(path), "skipped", reason + ", or with --follow-links")
                continue
        # One stat per file (the entry's, which follows a link): a re-import of a
        # large folder is mostly this loop.
        try:
            info = entry.stat()
        except FileNotFoundError as exc:
            vanished = not entry.is_symlink()
            yield Outcome(
                str(path), "failed", "does not exist" if vanished else _os_reason(exc, path)
            )
            continue
        except OSError as exc:
            yield Outcome(str(path), "failed", _os_reason(exc, path))
            continue
        if stat.S_ISDIR(info.st_mode):
            unit = folder_importer(path)
            if unit is not None:
                yield _folder(path, root, unit.NAME)
            else:
                yield from _walk(path, root, seen, exclude, inside)
        else:
            yield from _file(path, root, info)


def _link_outside(link: Path, inside: Path) -> str:
    """Where `link` leads if that is outside the folder `inside` (a real path), else ""."""
    target = os.path.realpath(link)
    if target == str(inside) or target.startswith(str(inside).rstrip("/") + "/"):
        return ""
    return target


def _file(
    path: Path, root: Path, info: os.stat_result | None = None
) -> Iterator[_Candidate | Outcome]:
    if info is None:
        try:
            info = path.stat()
        except OSError as exc:
            yield Outcome(str(path), "failed", _os_reason(exc, path))
            return
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a named pipe" if stat.S_ISFIFO(info.st_mode)
            else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a socket" if stat.S_ISSOCK(info.st_mode)
            else "not a regular file"
        )  # fmt: skip
        yield Outcome(str(path), "failed", f"is {kind}, not a file")
        return
    yield _Candidate(path, root, info.st_size, info.st_mtime_ns)


def _folder(path: Path, root: Path, importer: str) -> _Candidate:
    """A folder that is one container (an unpacked X archive).

    Its size and time are those of all its files together (the largest time), so
    that an unchanged folder is skipped without being read.
    """
    size = 0
    newest = 0
    for directory, _dirs, files in os.walk(path):
        for name in files:
            try:
                info = os.stat(os.path.join(directory, name))
            except OSError:
                continue
            size += info.st_size
            newest = max(newest, info.st_mtime_ns)
    return _Candidate(path, root, size, newest, folder_of=importer)


def _os_reason(exc: OSError, path: Path | None = None) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return "is a symbolic link that loops back on itself"
    if exc.errno == errno.ENOENT and path is not None and path.is_symlink():
        return f"is a symbolic link to {os.readlink(path)}, which does not exist"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    if exc.errno == errno.ENOSPC:
        return "could not be stored: the disk is full"
    if exc.errno == errno.EIO:
        return "cannot be read: input/output error (a failing disk?)"
    return f"cannot be read: {exc.strerror or exc}"


# -- worker side ----------------------------------------------------------------


def _worker_init(main_pid: int) -> None:
    lifeline.bind_worker(main_pid)  # a killed import must not leave its workers behind
    forbid_network()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl+C
    logging.getLogger().setLevel(logging.ERROR)


def _stage(path: str, staging: str) -> blobs.StagedFile:
    return blobs.stage_copy(Path(path), Path(staging))


def _extract(
    staged: blobs.StagedFile,
    original_name: str,
    ctx: ExtractContext,
    blobs_dir: str,
    origin: str = "",
    pictures_only: bool = False,
    contained: bool = False,
) -> Extracted | ExtractedContainer | _Read:
    """Extract with the importer chosen by content, then store the original.

    The importer reads the staged copy under the file's original name. Only if it
    succeeds is the copy moved to its content address, fsynced here in the worker so
    that the one writer never waits for the disk. A container importer also copies
    the container's pictures to the staging area (`origin` is the container's path).
    `pictures_only` is for those pictures: anything else in their place is refused.
    `contained` is for the other files of a container that are items of their own
    (a captured page, an attachment): each is read as one item, never as a container.
    A file that is one item comes back as a `_Read`, with what finding links
    needs of it, computed here rather than in the one writer.
    """
    view_dir = staged.tmp_path.parent / f"{uuid.uuid4().hex}.view"
    view_dir.mkdir()
    view = view_dir / original_name
    try:
        view.symlink_to(staged.tmp_path)
        if pictures_only:  # a post's picture, video or animated GIF
            with view.open("rb") as handle:
                head = handle.read(64)
            if image.detect(head, view):
                result: Extracted | ExtractedContainer | _Read = image.extract(view, ctx)
            elif video.detect(head, view):
                result = video.extract(view, ctx)
            else:
                raise UnreadableFile(f"‘{original_name}’ is neither a picture nor a video.")
        else:
            importer = sniff(view)
            if contained and is_container(importer):
                importer = _one_item_importer(view, original_name)
            if is_container(importer):
                container_ctx = ContainerContext(
                    ctx, staged.tmp_path.parent, Path(blobs_dir), origin or original_name
                )
                result = importer.extract_many(view, container_ctx)
            else:
                found = importer.extract(view, ctx)
                facts = file_facts(
                    found.kind, found.source_url, found.media_type, found.pages or ("",), view
                )
                result = _Read(found, facts)
    finally:
        view.unlink(missing_ok=True)
        view_dir.rmdir()
    blobs.commit_blob(Path(blobs_dir), staged)
    return result


def _one_item_importer(view: Path, original_name: str) -> Any:
    """The importer of a file in a container that looks like a container itself (a JSON
    response captured in a WARC looks like twarc2 lines): text if it is text."""
    with view.open("rb") as handle:
        head = handle.read(HEAD_SIZE)
    if plain_text.detect(head, view):
        return plain_text
    raise UnreadableFile(
        f"‘{original_name}’ is itself an archive of many files; import it on its own."
    )


@dataclass(frozen=True, slots=True)
class _Read:
    """What a worker read of a file that is one item."""

    extracted: Extracted
    facts: ScanFacts


def _read_folder(
    path: str, importer_name: str, ctx: ExtractContext, staging: str, blobs_dir: str
) -> ExtractedContainer:
    """Read a folder that is one container; its files read are stored by the importer."""
    importer = folder_importer(Path(path))
    if importer is None or importer_name != importer.NAME:
        raise UnreadableFile(f"‘{Path(path).name}’ is no longer an X archive folder.")
    container_ctx = ContainerContext(ctx, Path(staging), Path(blobs_dir), path)
    result: ExtractedContainer = importer.extract_many(Path(path), container_ctx)
    return result


class _InlineExecutor(cf.Executor):
    """Runs tasks at once in this process (workers=0)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def _submit(executor: cf.Executor, fn: Callable[..., Any], /, *args: Any) -> cf.Future[Any]:
    """`executor.submit`, or when a worker has died since the pool was last looked at
    (the out-of-memory killer, a crashing decoder), a future failed with
    BrokenProcessPool: handled as those of the tasks that worker took with it, when
    their futures are collected (their files retried alone, a segment written here)."""
    try:
        return executor.submit(fn, *args)
    except BrokenProcessPool as exc:
        failed: cf.Future[Any] = cf.Future()
        failed.set_exception(exc)
        return failed


def _make_executor(workers: int | None, files: int) -> cf.Executor:
    if workers == 0 or files == 0:
        return _InlineExecutor()
    count = min(workers or os.cpu_count() or 2, max(files, 1))
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # The server imports the importers and the index writer once and each worker
        # is forked from it, instead of every worker importing them again (a second
        # or more of each worker's time, most of an import of a few files). No
        # effect once the server runs (the CLI starts it early).
        lifeline.start_import_workers()  # bound to die with this process
    return cf.ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=_worker_init, initargs=(os.getpid(),)
    )


def _stop_executor(executor: cf.Executor, gently: bool = False) -> None:
    """Stop at once: drop queued tasks and terminate workers still busy (OCR can be long);
    `gently`: let the busy ones finish."""
    if gently:
        executor.shutdown(wait=True, cancel_futures=True)
        return
    if isinstance(executor, cf.ProcessPoolExecutor):
        processes = list((executor._processes or {}).values())  # no public API for this
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=2)
    else:
        executor.shutdown(wait=False, cancel_futures=True)


# -- the import job -------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    """An item extracted and committed to blobs/, waiting for its database batch."""

    candidate: _Candidate
    staged: blobs.StagedFile
    extracted: Extracted
    previous_item: int | None
    #: For a picture of a container: the container, and the picture's name in it.
    container: _Container | None = None
    member: str = ""
    facts: ScanFacts | None = None


@dataclass(slots=True)
class _Container:
    """A container read by its importer, waiting for its pictures, then for its commit."""

    candidate: _Candidate
    sha256: str  # of the container file, or of a folder's listing
    size: int
    found: ExtractedContainer
    #: member → image item, for each picture stored (new or already in the archive)
    media_ids: dict[str, int] = field(default_factory=dict)
    #: member → SHA-256 of pictures being extracted for another file of this import
    elsewhere: dict[str, str] = field(default_factory=dict)
    #: pictures that were in the archive already: their new provenance is recorded
    existing_media: set[str] = field(default_factory=set)
    failed_media: dict[str, str] = field(default_factory=dict)
    waiting: int = 0  # pictures still being extracted
    records_stored: bool = False
    #: member → (the first post showing the picture, its position there, pictures in that post)
    shown_by: dict[str, tuple[ExtractedPost, int, int]] = field(default_factory=dict)
    #: member → what the container says of a file that is an item of its own
    about: dict[str, Contained] = field(default_factory=dict)
    failed_posts: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Segment:
    """Items being written to the index as one segment by a worker."""

    fields: list[writing.Fields]
    ids: list[int]
    replace: frozenset[int]  # those whose older copies the index holds


@dataclass(slots=True)
class _IndexFeed:
    """Items committed to the database on their way into the index (step 6).

    Items wait here until there are enough for a segment, which a worker writes
    while extraction goes on; each finished segment is committed into the index
    (with the deletion of the older copies of the items it replaces) and only
    then are its items marked indexed. When a tier of like-sized segments is
    full, a worker merges it meanwhile; a segment that deletes older copies
    waits for that merge, which would otherwise bring them back. Without
    workers (a cancelled import, or workers=0) the writer writes what is left
    itself.
    """

    archive: Archive
    committer: writing.SegmentCommitter
    staging: Path
    workers: int
    waiting: dict[int, writing.Fields] = field(default_factory=dict)
    replace: set[int] = field(default_factory=set)
    chars: int = 0
    since: float = 0.0
    in_flight: dict[cf.Future[Any], _Segment] = field(default_factory=dict)
    #: written, waiting for the merge in flight to be committed first
    deferred: list[tuple[writing.StagedSegment, _Segment]] = field(default_factory=list)
    merging: cf.Future[Any] | None = None
    lost: list[_Segment] = field(default_factory=list)

    def add(self, ids: Sequence[int], replace: bool = False) -> None:
        """Queue items committed to the database (`replace`: the index holds older copies)."""
        if not ids:
            return
        conn = self.archive.db
        if replace:
            # A crash before their new copies are committed must leave them to the catch-up.
            with self.archive.transaction():
                item_store.mark_indexed(conn, ids, indexed=False)
            self.replace.update(ids)
            unsettled = [s.ids for s in self.in_flight.values()] + [s.ids for _, s in self.deferred]
            if any(i in chunk for chunk in unsettled for i in ids):
                self.settle()  # an older copy must be in the index before it is replaced
        if not self.waiting:
            self.since = time.monotonic()
        for doc in documents(conn, ids):
            fields = doc.fields()
            self.waiting[doc.item_id] = fields  # a newer copy of a waiting item replaces it
            self.chars += len(str(fields.get("content", "")))

    def pump(self, executor: cf.Executor | None, final: bool = False) -> None:
        """Commit the segments that are finished; start one if enough items wait,
        and a merge if a tier of segments is full (not at the end: it would make
        the import wait)."""
        self.collect()
        if executor is not None and self.merging is None and not final:
            tier = self.committer.segments_to_merge()
            if tier:
                self.merging = _submit(
                    executor, writing.merge_segments, self.committer.directory, tier, self.staging
                )
        if not self.waiting:
            return
        due = (
            final
            or len(self.waiting) >= SEGMENT_ITEMS
            or self.chars >= SEGMENT_CHARS
            or time.monotonic() - self.since >= SEGMENT_SECONDS
        )
        if not due:
            return
        ids = list(self.waiting)
        # At the end, one segment per worker, so that none waits for the other.
        parts = max(1, min(self.workers, len(ids) // 20)) if final else 1
        size = -(-len(ids) // parts)
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            segment = _Segment(
                [self.waiting[i] for i in chunk], chunk, frozenset(self.replace.intersection(chunk))
            )
            if executor is None:
                self.lost.append(segment)
            else:
                future = _submit(executor, writing.write_segment, self.staging, segment.fields)
                self.in_flight[future] = segment
        self.waiting.clear()
        self.replace.clear()
        self.chars = 0

    def collect(self) -> None:
        """Commit what the workers have finished."""
        if self.merging is not None and self.merging.done():
            merging, self.merging = self.merging, None
            try:
                self.committer.commit([merging.result()])
            except Exception:  # a worker that died or was stopped: the segments stay as they were
                log.warning("segments of the index were not merged", exc_info=True)
        for future in [f for f in self.in_flight if f.done()]:
            segment = self.in_flight.pop(future)
            try:
                staged: writing.StagedSegment = future.result()
            except Exception:  # a worker that died or was stopped: written here instead
                log.warning("a segment of %s items was not written", len(segment.ids),
                            exc_info=True)  # fmt: skip
                self.lost.append(segment)
                continue
            self.deferred.append((staged, segment))
        if self.merging is None:
            for staged, segment in self.deferred:
                self.committer.commit([staged], segment.replace)
                self._indexed(segment.ids)
            self.deferred.clear()
        else:  # a merge in flight: only segments that delete nothing may pass it
            for staged, segment in [d for d in self.deferred if not d[1].replace]:
                self.committer.commit([staged])
                self._indexed(segment.ids)
            self.deferred = [d for d in self.deferred if d[1].replace]

    def settle(self) -> None:
        """Wait for the segments and the merge in flight, and commit them."""
        cf.wait([*self.in_flight, *([self.merging] if self.merging is not None else [])])
        self.collect()

    def finish(self, executor: cf.Executor | None) -> None:
        """Write everything still waiting or lost.

        Without `executor` (its workers were stopped), segments not finished
        are written here.
        """
        self.pump(executor, final=True)
        if executor is None:
            self.collect()
            self.lost.extend(self.in_flight.values())
            self.in_flight.clear()
            self.merging = None  # never committed: its segments stay as they were
            self.collect()
        else:
            # A merge still running is left to be stopped with the workers: waiting for
            # it would make the import wait; its segments stay as they are.
            self.merging = None
            self.settle()
        while self.lost:
            segment = self.lost.pop()
            self.committer.write_here(segment.fields, segment.replace)
            self._indexed(segment.ids)

    def _indexed(self, ids: Sequence[int]) -> None:
        with self.archive.transaction():
            item_store.mark_indexed(self.archive.db, ids)


@dataclass(frozen=True, slots=True)
class _Committed:
    """What committing a container gave: its new posts and the items to index again."""

    container: _Container
    outcomes: list[Outcome]
    new_ids: list[int]
    changed_ids: set[int]


@dataclass(slots=True)
class _Importer:
    archive: Archive
    options: ImportOptions
    progress: ProgressCallback
    cancel: CancelToken
    report: ImportReport
    index: SearchIndex | None
    staging: Path
    feed: _IndexFeed | None = None
    executor: cf.Executor | None = None  # while workers run
    batch: list[_Pending] = field(default_factory=list)
    dup_batch: list[tuple[_Candidate, str, int | None]] = field(default_factory=list)
    error_batch: list[Outcome] = field(default_factory=list)
    in_flight_shas: dict[str, _Candidate] = field(default_factory=dict)
    last_flush: float = field(default_factory=time.monotonic)
    containers: list[_Container] = field(default_factory=list)
    in_flight_containers: dict[str, _Candidate] = field(default_factory=dict)
    extra_total: int = 0  # pictures found in containers, counted in the progress
    todo_bytes: int = 0  # of the files to read, for what a full disk needs freed
    #: Each file's place in the sorted scan: items are committed in that order, so
    #: that their numbers do not depend on which worker finished first.
    ranks: dict[Path, int] = field(default_factory=dict)
    #: What is still being read (set by `_run`): the files, and containers' pictures.
    unfinished: Callable[[], Iterator[_Candidate]] = lambda: iter(())

    def record(self, outcome: Outcome) -> None:
        self.report.outcomes.append(outcome)
        if outcome.status == "failed":
            self.error_batch.append(outcome)

    def _rank(self, candidate: _Candidate, container: _Container | None = None) -> int:
        if container is not None:  # a picture of a container: it goes with its container
            candidate = container.candidate
        return self.ranks.get(candidate.path, -1)

    def flush(self, force: bool = False, final: bool = False) -> None:
        """Commit what is waiting, in the order of the scan: what was read before a file
        that is still being read waits for it (unless `force`, or too much waits).
        `final`: the import is complete, every container goes."""
        open_ranks = [self._rank(c) for c in self.unfinished()]
        first_open = min(open_ranks) if open_ranks and not force else None
        held: list[_Pending] = []
        if first_open is not None:
            held = [p for p in self.batch if self._rank(p.candidate, p.container) >= first_open]
            if len(held) > HOLD_ITEMS:  # memory first: a slow file must not hold everything
                held, first_open = [], None
        kept = {id(p) for p in held}
        self.batch = sorted((p for p in self.batch if id(p) not in kept),
                            key=lambda p: self._rank(p.candidate, p.container))  # fmt: skip
        try:
            self._flush(force, final, first_open)
        finally:
            self.batch += held

    def _flush(self, force: bool, final: bool, first_open: int | None) -> None:
        # in the order of the scan, not of the workers: where two containers hold the same
        # post, the one scanned first gives its record, whichever worker finished first
        ready = sorted(
            (c for c in self.containers
             if c.waiting == 0 and (first_open is None or self._rank(c.candidate) < first_open)),
            key=lambda c: self._rank(c.candidate),
        )  # fmt: skip
        due = (
            len(self.batch) >= BATCH_ITEMS
            or time.monotonic() - self.last_flush >= BATCH_SECONDS
            or bool(ready)
        )
        if not (force or due):
            return
        if not (self.batch or self.dup_batch or self.error_batch or ready):
            return
        conn = self.archive.db
        now = utc_now()
        new_ids: list[int] = []
        committed: list[_Committed] = []
        try:
            for container in ready:
                self._store_records(container)  # the blobs before the rows that name them
            with self.archive.transaction():
                for pending in self.batch:
                    new_ids.append(self._insert(conn, pending, now))
                for container in ready:
                    if not (final or self._pictures_settled(container)):
                        break  # the containers after it wait too, to keep the scan's order
                    done = self._commit_safely(conn, container, now)
                    if done is not None:
                        committed.append(done)
                waiting = []
                for candidate, sha, known in self.dup_batch:
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
                        elif (
                            sha in self.in_flight_shas or sha in self.in_flight_containers
                        ) and not force:
                            waiting.append((candidate, sha, known))  # twin still extracting
                        continue  # else its twin failed to import
                    item_store.add_source(
                        conn, item_id, self.report.run_id, str(candidate.path),
                        str(candidate.root), now,
                    )  # fmt: skip
                    runs.set_file_state(
                        conn, str(candidate.path), candidate.size, candidate.mtime_ns, sha, item_id
                    )
                for outcome in self.error_batch:
                    runs.record_error(conn, self.report.run_id, outcome.path, outcome.reason)
        except sqlite3.OperationalError as exc:
            if "full" in str(exc).lower():
                raise DiskFull(self.batch[0].candidate.path if self.batch else None) from exc
            raise
        except OSError as exc:  # storing a post's record
            if exc.errno == errno.ENOSPC:
                raise DiskFull(None) from exc
            raise
        facts = {}
        for pending, item_id in zip(self.batch, new_ids, strict=True):
            if pending.facts is not None:
                facts[item_id] = pending.facts
            self.in_flight_shas.pop(pending.staged.sha256, None)
            self.report.outcomes.append(
                Outcome(
                    str(pending.candidate.path),
                    "imported",
                    _changed_note(pending.previous_item),
                    item_id,
                    pending.extracted.title,
                    pending.extracted.warnings,
                )
            )
        changed: set[int] = set()
        for done in committed:
            self.containers.remove(done.container)
            self.in_flight_containers.pop(done.container.sha256, None)
            self.report.outcomes.extend(done.outcomes)
            new_ids.extend(done.new_ids)
            changed |= done.changed_ids
        self.batch.clear()
        self.dup_batch = waiting
        self.error_batch.clear()
        if new_ids:
            # re-attach annotations kept from a deleted item; carry them to new versions.
            # The index is written below, with the items whose entries that changed.
            annotations = Annotations(self.archive, None)
            annotations.attach_imported(new_ids)
            changed |= annotations.unindexed
        changed -= set(new_ids)
        if self.feed is not None:
            self.feed.add(new_ids)
            self.feed.add(sorted(changed), replace=True)
            self.feed.pump(self.executor)
        if new_ids:
            # suggested links (screenshot shows post, cites, near-duplicates); never raises
            suggest_after_import(self.archive, new_ids, facts)
        self.last_flush = time.monotonic()

    def _insert(self, conn: sqlite3.Connection, pending: _Pending, now: str) -> int:
        candidate, extracted = pending.candidate, pending.extracted
        extra = dict(extracted.extra)
        captured = extracted.captured_at
        if not captured:
            captured = _iso_from_ns(candidate.mtime_ns)
            extra["captured_at_source"] = "file modification time"
        if pending.previous_item is not None:
            extra["previous_version"] = pending.previous_item
        if raw_name_bytes(str(candidate.path)):  # not UTF-8: its exact bytes, for the record
            extra["original_path_bytes"] = raw_name_bytes(str(candidate.path))
        new = item_store.NewItem(
            sha256=pending.staged.sha256,
            kind=extracted.kind,
            title=storable(extracted.title or candidate.path.stem),
            original_name=storable(candidate.path.name),
            original_path=storable(str(candidate.path)),
            size=pending.staged.size,
            media_type=extracted.media_type,
            language=extracted.language,
            published_at=extracted.published_at,
            captured_at=captured,
            imported_at=now,
            author=extracted.author,
            source_url=extracted.source_url,
            import_run_id=self.report.run_id,
            source_root=str(candidate.root),
            ocr_status=extracted.ocr_status,
            pages=extracted.pages or ("",),
            ocr_pages=extracted.ocr_pages,
            warnings=extracted.warnings,
            extra=extra,
            ocr_words=extracted.ocr_words,
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

    # -- containers ----------------------------------------------------------------------
    def _store_records(self, container: _Container) -> None:
        """Store the record of each post as its blob: a new post's original, or a later
        capture of one already in the archive (kept to compare, posts/evidence.py)."""
        if container.records_stored:
            return
        records = [post.record for post in container.found.posts]
        store_many(records, self.staging, self.archive.blobs_dir)
        container.records_stored = True

    def _commit_safely(
        self, conn: sqlite3.Connection, box: _Container, now: str
    ) -> _Committed | None:
        """Commit a container inside a savepoint: if it fails, the rest of the batch stays."""
        conn.execute("SAVEPOINT container")
        try:
            return self._commit_container(conn, box, now)
        except sqlite3.OperationalError:
            raise  # a full disk, a locked database: the whole batch stops
        except Exception as exc:  # a bug must not cost the other files of the batch
            conn.execute("ROLLBACK TO container")
            log.error("could not store the container %s:\n%s", box.candidate.path, "".join(
                traceback.format_exception(exc)))  # fmt: skip
            reason = f"could not be stored ({type(exc).__name__}: {exc})"
            path = str(box.candidate.path)
            runs.record_error(conn, self.report.run_id, path, reason)
            self.report.outcomes.append(Outcome(path, "failed", reason))
            self.containers.remove(box)
            self.in_flight_containers.pop(box.sha256, None)
            return None
        finally:
            conn.execute("RELEASE container")

    def _pictures_settled(self, container: _Container) -> bool:
        """Whether every picture extracted for another file of this import has been stored."""
        conn = self.archive.db
        return all(
            sha not in self.in_flight_shas or item_store.item_by_sha(conn, sha) is not None
            for sha in container.elsewhere.values()
        )

    def _commit_container(self, conn: sqlite3.Connection, box: _Container, now: str) -> _Committed:
        """Write a container, its new posts and their pictures (inside the caller's transaction)."""
        found, candidate, run = box.found, box.candidate, self.report.run_id
        root = str(candidate.root)
        container_id = post_store.insert_container(
            conn,
            post_store.NewContainer(
                sha256=box.sha256, kind=found.kind, name=candidate.path.name, size=box.size,
                media_type=found.media_type, title=found.title, captured_at=found.captured_at,
                import_run_id=run, imported_at=now, extra=found.extra,
            ),
        )  # fmt: skip
        post_store.add_container_source(conn, container_id, run, str(candidate.path), root, now)
        part_ids: dict[str, int] = {}
        part_paths: dict[str, str] = {}
        for part in found.parts:
            part_id = post_store.insert_container(
                conn,
                post_store.NewContainer(
                    sha256=part.sha256, kind="x-archive-file", name=Path(part.location).name,
                    size=part.size, media_type="text/javascript",
                    title=f"{part.member} of the {found.title}", captured_at=found.captured_at,
                    import_run_id=run, imported_at=now, parent_id=container_id,
                    member=part.member,
                ),
            )  # fmt: skip
            post_store.add_container_source(conn, part_id, run, part.location, root, now)
            part_ids[part.member] = part_id
            part_paths[part.member] = part.location
        post_store.set_container_file_state(
            conn, str(candidate.path), candidate.size, candidate.mtime_ns, box.sha256
        )
        for member, sha in box.elsewhere.items():
            item_id = item_store.item_by_sha(conn, sha)
            if item_id is None:
                box.failed_media[member] = "it could not be imported (see the failed files)"
            else:
                box.media_ids[member] = item_id
                box.existing_media.add(member)
        locations = {m.member: m.location for m in found.media}
        for member in sorted(box.existing_media):
            item_store.add_source(conn, box.media_ids[member], run, locations[member], root, now)
        captured = found.captured_at
        captured_source = ""
        if not captured:
            captured = _iso_from_ns(candidate.mtime_ns)
            captured_source = "modification time of the container"
        outcomes: list[Outcome] = []
        new_ids: list[int] = []
        changed: set[int] = set(box.media_ids.values())
        already = 0
        for post in sorted(found.posts, key=lambda p: (p.published_at, p.post_id)):
            media = [(ref, box.media_ids.get(ref.member) if ref.member else None)
                     for ref in post.media]  # fmt: skip
            notes = list(post.warnings) + [
                f"its {media_noun(ref.type)} ‘{Path(ref.member).name}’ could not be imported: "
                f"{box.failed_media[ref.member]}"
                for ref in post.media
                if ref.member in box.failed_media
            ]
            source_id = part_ids.get(post.member, container_id)
            seen_at = post.captured_at or captured
            existing = post_store.post_item_id(conn, post.platform_id)
            same_bytes = item_store.item_by_sha(conn, post.sha256) if existing is None else None
            if same_bytes is not None:  # its record was imported as a file of its own
                box.failed_posts.append(
                    f"post {post.post_id} ({post.member or 'line'} {post.locator}) was not "
                    f"imported: its record is already item #{same_bytes}"
                )
                continue
            if existing is not None:
                already += 1
                post_store.add_post_source(conn, existing, source_id, post, run, now, seen_at)
                if post_store.merge_seen_again(conn, existing, post, seen_at):
                    changed.add(existing)
                if post_store.set_media(conn, existing, media):
                    changed.add(existing)
                continue
            if post.member in part_paths:
                location = part_paths[post.member]
            elif post.member:
                location = f"{candidate.path}/{post.member}"
            else:
                location = str(candidate.path)
            extra: dict[str, Any] = {
                "platform_id": post.platform_id,
                "account": f"@{post.account}" if post.account else "",
                "container": found.title,
                "locator": f"{post.member}, {post.locator}" if post.member else post.locator,
                **post.extra,
            }
            if post.reply_to_id:
                extra["in_reply_to"] = (
                    f"@{post.reply_to_account}" if post.reply_to_account else post.reply_to_id
                )
            if captured_source and not post.captured_at:
                extra["captured_at_source"] = captured_source
            platform = post.platform_id.partition(":")[0]
            item_id = item_store.insert_item(
                conn,
                item_store.NewItem(
                    sha256=post.sha256, kind="post", title=title_of(post.account, post.text),
                    original_name=f"{platform}-post-{post.post_id}.json",
                    original_path=location, size=len(post.record),
                    media_type=RECORD_MEDIA_TYPE, language=post.language,
                    published_at=post.published_at, captured_at=seen_at, imported_at=now,
                    author=post.display_name or (f"@{post.account}" if post.account else ""),
                    source_url=post.url, import_run_id=run, source_root=root,
                    ocr_status="none", pages=(post.text,), ocr_pages=(),
                    warnings=tuple(notes), extra=extra,
                ),
            )  # fmt: skip
            post_store.insert_post(conn, item_id, post, seen_at)
            post_store.add_post_source(conn, item_id, source_id, post, run, now, seen_at)
            post_store.set_media(conn, item_id, media)
            item_store.add_source(conn, item_id, run, location, root, now)
            new_ids.append(item_id)
            title = title_of(post.account, post.text)
            outcomes.append(
                Outcome(
                    f"{location} ({post.locator})", "imported", "", item_id, title, tuple(notes)
                )  # fmt: skip
            )
        for item_id in new_ids:
            link_post(conn, item_id, now)
        # versions, accounts, compliance events (posts/evidence.py)
        changed |= evidence.record_container(conn, found, container_id, part_ids, run, now)
        for member, about in box.about.items():  # a captured picture → its page, and the like
            piece = box.media_ids.get(member)
            whole = box.media_ids.get(about.part_of) if about.part_of else None
            if piece is not None and whole is not None:
                link_items(conn, piece, about.relation, whole, now)
        outcomes.append(
            Outcome(
                str(candidate.path),
                "container",
                _container_summary(found, len(new_ids), already, box),
                None,
                found.title,
                (*found.warnings, *box.failed_posts),
            )  # fmt: skip
        )
        return _Committed(box, outcomes, new_ids, changed)


def _container_summary(found: ExtractedContainer, new: int, already: int, box: _Container) -> str:
    """E.g. "52 posts: 50 new, 2 already in the archive; 7 pictures: 7 new"."""
    if box.about and not found.posts:
        return _contained_summary(found, box)
    posts = len(found.posts)
    if posts or not (found.holds or found.accounts or found.events):
        text = f"{posts} post{'s' if posts != 1 else ''}: {new} new"
        if already:
            text += f", {already} already in the archive"
    else:
        text = found.holds or ""
    text = "; ".join(t for t in (text, *evidence.summary(found)) if t)
    kinds = {m.member: _media_kind(box, m.member) for m in found.media}
    for kind in ("picture", "video"):  # "6 pictures: 6 new; 1 video: 1 new"
        members = {member for member, k in kinds.items() if k == kind}
        if not members:
            continue
        old = len(members & box.existing_media)
        failed = len(members & box.failed_media.keys())
        count = len(members)
        text += f"; {count} {kind}{'s' if count != 1 else ''}: {count - old - failed} new"
        if old:
            text += f", {old} already in the archive"
        if failed:
            text += f", {failed} could not be imported"
    if found.problems:
        count = len(found.problems)
        text += f"; {count} part{'s' if count != 1 else ''} could not be read (see the failures)"
    return text


def _media_kind(box: _Container, member: str) -> str:
    """ "video" for a post's video or animated GIF, else "picture" (as its post says)."""
    shown = box.shown_by.get(member)
    if shown is None:
        return "picture"
    post, position, _count = shown
    kind = post.media[position - 1].type if position <= len(post.media) else ""
    return "video" if kind in VIDEO_TYPES else "picture"


def _contained_summary(found: ExtractedContainer, box: _Container) -> str:
    """E.g. "12 items: 10 new, 2 already in the archive" (pages of a capture, messages)."""
    count = len(found.media)
    old = len(box.existing_media)
    failed = len(box.failed_media)
    text = f"{count} item{'s' if count != 1 else ''}: {count - old - failed} new"
    if old:
        text += f", {old} already in the archive"
    if failed:
        text += f", {failed} could not be imported"
    if found.problems:
        problems = len(found.problems)
        text += f"; {problems} part{'s' if problems != 1 else ''} could not be read"
        text += " (see the failures)"
    return text


def _changed_note(previous: int | None) -> str:
    if previous is None:
        return ""
    return f"changed since the last import; the earlier version stays as item #{previous}"


def _iso_from_ns(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, UTC).isoformat(timespec="seconds")


def import_paths(
    archive: Archive,
    paths: Sequence[Path],
    options: ImportOptions | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import files and folders into `archive`; a report of every file's outcome.

    Never raises for a bad file (each is an outcome with its reason). Raises
    ImportAborted when the archive itself cannot be written (disk full), after
    keeping everything committed so far. A cancelled import returns its report
    with status "cancelled".
    """
    options = options or ImportOptions()
    cancel = cancel or CancelToken()
    conn = archive.db
    run_id = runs.start_run(
        conn, utc_now(), [str(Path(p).absolute()) for p in paths], archive.user_name, __version__
    )
    report = ImportReport(run_id)
    staging = blobs.staging_dir(archive.blobs_dir) / f"run-{run_id}"
    job = _Importer(archive, options, progress, cancel, report, None, staging)
    aborted: ImportAborted | None = None
    try:
        _run(job, paths)
        job.flush(force=True, final=True)
        if job.feed is not None:
            job.feed.finish(None)
        report.status = "completed"
    except (Cancelled, KeyboardInterrupt):
        report.status = "cancelled"
        job.flush(force=True)  # what was extracted before the cancel is kept
        if job.feed is not None:
            job.feed.finish(None)
    except DiskFull as exc:
        aborted = _stopped_by_full_disk(job, exc)
    except (OSError, sqlite3.OperationalError) as exc:  # the index, a transaction of its own
        if not _is_full_disk(exc):
            raise
        aborted = _stopped_by_full_disk(job, DiskFull(None))
    finally:
        if report.status == "running":
            report.status = "failed"
        if job.feed is not None:
            job.feed.committer.close()
        blobs.clear_staging(staging)
        _drop_empty(blobs.staging_dir(archive.blobs_dir))
        if job.index is not None:
            job.index.close()
        _finish(archive, report)
    if aborted is not None:
        aborted.report = report  # for the front end to show
        raise aborted
    return report


def _is_full_disk(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(exc, sqlite3.OperationalError) and "full" in str(exc).lower()


def _stopped_by_full_disk(job: _Importer, exc: DiskFull) -> ImportAborted:
    """Keep what can be kept, leave no stray file, and say what to do.

    The staging area is emptied first: its copies may be what filled the disk,
    and SQLite needs a little room to commit what was extracted already. Blobs
    that workers stored for items whose rows could not be committed are removed:
    nothing the database does not name stays behind.
    """
    report, archive = job.report, job.archive
    report.status = "failed"
    blobs.clear_staging(job.staging)
    # What was extracted goes in if it fits: all at once, else one file at a time.
    waiting, job.batch = job.batch, []
    step = len(waiting)
    while waiting or job.error_batch or job.dup_batch:
        job.batch, waiting = waiting[:step], waiting[step:]
        try:
            job.flush(force=True)
        except (ImportAborted, OSError, sqlite3.OperationalError):
            log.debug("a batch could not be committed on a full disk", exc_info=True)
            waiting = job.batch + waiting
            job.batch = []
            if step == 1:
                break
            step = 1
    job.batch = waiting
    for pending in job.batch:  # rolled back with the batch that could not be written
        report.outcomes.append(
            Outcome(str(pending.candidate.path), "failed", "not stored: the disk is full")
        )
    orphans = {p.staged.sha256 for p in job.batch} | set(job.in_flight_shas)
    for box in job.containers:
        orphans.update(post.sha256 for post in box.found.posts)
    for sha in orphans:
        named = item_store.item_by_sha(archive.db, sha) or post_store.container_by_sha(
            archive.db, sha
        )
        if named is None:
            path = blobs.blob_path(archive.blobs_dir, sha)
            path.unlink(missing_ok=True)
            _drop_empty(path.parent)
            _drop_empty(path.parent.parent)
    imported = report.imported
    done_bytes = sum(item_store.get_item(archive.db, o.item_id).size
                     for o in imported if o.item_id is not None)  # fmt: skip
    need = max(job.todo_bytes - done_bytes, 0) * 2 + (50 << 20)  # the text and index too
    try:
        free = shutil.disk_usage(archive.root).free
    except OSError:
        free = 0
    where = f" at ‘{exc.at.name}’" if exc.at is not None else ""
    message = (
        f"The disk is full: the import stopped{where} ({_size(free)} free on the archive's disk). "
        f"{len(imported)} file{' was' if len(imported) == 1 else 's were'} imported before it "
        f"and {'is' if len(imported) == 1 else 'are'} safe (import run #{report.run_id}); "
        "the others were not stored. Free about "
        f"{_size(need)} on that disk, or move the archive to a larger one, and import again: "
        "what was imported is skipped."
    )
    aborted = ImportAborted(message)
    aborted.__cause__ = exc.__cause__ or exc
    return aborted


def _size(count: int) -> str:
    if count >= 1 << 30:
        return f"{count / (1 << 30):.1f} GB"
    return f"{max(count, 0) / (1 << 20):.1f} MB"


def _drop_empty(directory: Path) -> None:
    with contextlib.suppress(OSError):
        directory.rmdir()  # only if empty: another task's files stay


def _finish(archive: Archive, report: ImportReport) -> None:
    """Close the run's record; on a full disk this may fail too, and the run stays open."""
    counts = len(report.imported), len(report.skipped), len(report.failed)
    try:
        with archive.transaction():
            archive.audit(
                "import",
                run_id=report.run_id,
                status=report.status,
                imported=counts[0],
                skipped=counts[1],
                failed=counts[2],
            )
        runs.finish_run(archive.db, report.run_id, utc_now(), report.status, *counts)
    except sqlite3.Error:
        log.exception("could not record the end of import run %s", report.run_id)


def _ready_index(
    archive: Archive, progress: ProgressCallback, cancel: CancelToken
) -> SearchIndex | None:
    """The index, brought up to date (or rebuilt) before new items are added."""
    health = SearchIndex.health(archive.index_dir)
    if health.state == "missing" and item_store.count_items(archive.db) == 0:
        return SearchIndex.create(archive.index_dir)
    if not health.ok:
        reindex(archive, progress, cancel)
    try:
        index = SearchIndex.open(archive.index_dir)
    except IndexUnavailable:
        log.exception("index unusable after rebuild")
        return None
    catch_up(archive, index, progress, cancel)
    return index


def _index_feed(job: _Importer) -> _IndexFeed | None:
    """The index's side of the import; None without an index, or when another task
    holds it (the items then wait for the next catch-up)."""
    if job.index is None:
        return None
    try:
        committer = writing.SegmentCommitter(job.index.directory)
    except IndexBusy:
        log.warning("the search index is busy: the imported items will be indexed later")
        return None
    workers = job.options.workers
    count = (os.cpu_count() or 2) if workers is None else max(workers, 1)
    return _IndexFeed(job.archive, committer, job.staging / "index", count)


def _run(job: _Importer, paths: Sequence[Path]) -> None:
    archive, cancel, progress = job.archive, job.cancel, job.progress
    candidates: list[_Candidate] = []
    for found in scan(paths, exclude=archive.root, follow_links=job.options.follow_links):
        cancel.raise_if_cancelled()
        if isinstance(found, Outcome):
            job.record(found)
        else:
            candidates.append(found)
        if len(candidates) % 500 == 0:
            progress(Progress("scanning", len(candidates), 0, str(getattr(found, "path", ""))))
    total = len(candidates) + len(job.report.outcomes)
    done = len(job.report.outcomes)

    to_process: list[tuple[_Candidate, int | None]] = []
    states = runs.file_states(archive.db, [str(c.path) for c in candidates])
    for candidate in candidates:
        state = states.get(str(candidate.path))
        if (
            state is not None
            and state.size == candidate.size
            and state.mtime_ns == candidate.mtime_ns
            and (
                state.item_id is not None
                or post_store.container_by_sha(archive.db, state.sha256) is not None
            )
        ):
            job.record(Outcome(str(candidate.path), "skipped", "unchanged since the last import",
                               state.item_id))  # fmt: skip
            done += 1
        else:
            to_process.append((candidate, state.item_id if state else None))
    progress(Progress("importing", done, total))
    # An unchanged folder needs no index: opening it (a searcher, to check its
    # health) was most of a re-import's time at 100 000 items.
    if (
        to_process
        or item_store.unindexed_ids(archive.db)
        or not writing.looks_usable(archive.index_dir)
    ):
        job.index = _ready_index(archive, progress, cancel)
        job.feed = _index_feed(job)
    if not to_process:
        return
    job.todo_bytes = sum(candidate.size for candidate, _ in to_process)

    ctx = ExtractContext(
        sha256="",
        derived_dir=archive.derived_dir,
        ocr=job.options.ocr,
        ocr_languages=job.options.ocr_languages,
    )
    job.staging.mkdir(parents=True, exist_ok=True)
    executor = job.executor = _make_executor(job.options.workers, len(to_process))
    queue = list(reversed(to_process))
    job.ranks = {candidate.path: rank for rank, (candidate, _) in enumerate(to_process)}
    # Files that were being read when a worker process died (a crash in a
    # decoder, the kernel's out-of-memory killer): each is tried again alone, so
    # that only a file that kills its reader by itself is reported as failed.
    suspects: list[tuple[_Candidate, int | None]] = []
    futures: dict[cf.Future[Any], _Task] = {}
    limit = 2 * getattr(executor, "_max_workers", 1)

    def unfinished() -> Iterator[_Candidate]:
        yield from (candidate for candidate, _ in queue)
        yield from (candidate for candidate, _ in suspects)
        for task in futures.values():
            yield task.container.candidate if task.container is not None else task.candidate
        yield from (box.candidate for box in job.containers if box.waiting)

    job.unfinished = unfinished
    try:
        while queue or suspects or futures:
            solo = bool(suspects)
            while (suspects or queue) and len(futures) < (1 if solo else limit):
                candidate, previous = suspects.pop() if solo else queue.pop()
                future: cf.Future[Any]
                if candidate.folder_of:  # a folder read as one container: nothing to stage
                    future = _submit(
                        executor, _read_folder, str(candidate.path), candidate.folder_of, ctx,
                        str(job.staging), str(archive.blobs_dir),
                    )  # fmt: skip
                    futures[future] = _Task("extract", candidate, previous, None, solo)
                    continue
                future = _submit(executor, _stage, str(candidate.path), str(job.staging))
                futures[future] = _Task("stage", candidate, previous, None, solo)
            finished, _ = cf.wait(futures, timeout=0.1, return_when=cf.FIRST_COMPLETED)
            cancel.raise_if_cancelled()
            broken = False
            for future in finished:
                task = futures.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True
                    futures[future] = task  # handled with the others below
                    continue
                if task.step == "stage":
                    done += _after_stage(job, executor, futures, future, task, ctx)
                elif task.step == "picture":
                    done += _after_picture(job, future, task)
                else:
                    done += _after_extract(job, executor, futures, future, task, ctx)
                progress(
                    Progress("importing", done, total + job.extra_total, task.candidate.path.name)
                )
            if broken:
                done += _recover(job, futures, suspects)
                _stop_executor(executor)
                executor = job.executor = _make_executor(
                    job.options.workers, len(queue) + len(suspects) + 1
                )
            job.flush()
            if job.feed is not None:
                job.feed.pump(executor)
        # The last batch, and the index's last segments, while the workers are there.
        job.flush(force=True, final=True)
        if job.feed is not None:
            job.feed.finish(executor)
    finally:
        job.executor = None
        # On a full disk the workers are let finish (they fail at once): a worker
        # stopped while it sends a result leaves the pool's thread waiting forever.
        _stop_executor(executor, gently=isinstance(sys.exc_info()[1], DiskFull))


@dataclass(frozen=True, slots=True)
class _Task:
    step: str  # "stage", "extract", or "picture" (of a container)
    candidate: _Candidate
    previous: int | None  # the item this path held before, if it changed
    staged: blobs.StagedFile | None
    solo: bool  # run alone, after a worker died
    container: _Container | None = None  # a picture's container
    member: str = ""  # a picture's name in its container


def _recover(
    job: _Importer,
    futures: dict[cf.Future[Any], _Task],
    suspects: list[tuple[_Candidate, int | None]],
) -> int:
    """A worker died: every task in flight is lost. Retry each alone, unless it was alone."""
    failed = 0
    for task in futures.values():
        if task.staged is not None:
            job.in_flight_shas.pop(task.staged.sha256, None)
            task.staged.tmp_path.unlink(missing_ok=True)
        if task.container is not None:  # a picture of a container: not retried
            reason = "the program reading it crashed (the picture may be malformed or too large)"
            task.container.waiting -= 1
            task.container.failed_media[task.member] = reason
            job.record(Outcome(str(task.candidate.path), "failed", reason))
            failed += 1
        elif task.solo:
            reason = "the program reading it crashed (the file may be malformed or too large)"
            job.record(Outcome(str(task.candidate.path), "failed", reason))
            failed += 1
        else:
            suspects.append((task.candidate, task.previous))
    futures.clear()
    return failed


def _after_stage(
    job: _Importer,
    executor: cf.Executor,
    futures: dict[cf.Future[Any], _Task],
    future: cf.Future[Any],
    task: _Task,
    ctx: ExtractContext,
) -> int:
    """Dedup a staged file or send it on to extraction; return 1 if it is finished."""
    candidate, previous = task.candidate, task.previous
    try:
        staged: blobs.StagedFile = future.result()
    except OSError as exc:
        if exc.errno == errno.ENOSPC:  # no file after this one could be stored either
            raise DiskFull(candidate.path) from exc
        job.record(Outcome(str(candidate.path), "failed", _os_reason(exc, candidate.path)))
        return 1
    existing = item_store.item_by_sha(job.archive.db, staged.sha256)
    twin = job.in_flight_shas.get(staged.sha256) or job.in_flight_containers.get(staged.sha256)
    box = post_store.container_by_sha(job.archive.db, staged.sha256)
    if box is not None and existing is None:
        staged.tmp_path.unlink(missing_ok=True)
        reason = f"same content as ‘{box.name}’, read before"
        state = runs.file_state(job.archive.db, str(candidate.path))
        if state is not None and state.sha256 == staged.sha256:
            reason = "unchanged content (only the file's date changed)"
        job.dup_batch.append((candidate, staged.sha256, None))
        job.report.outcomes.append(Outcome(str(candidate.path), "skipped", reason))
        return 1
    if existing is not None or twin is not None:
        staged.tmp_path.unlink(missing_ok=True)
        if existing is not None:
            title = item_store.get_item(job.archive.db, existing).title
            reason = f"same content as item #{existing} (‘{title}’)"
            if previous == existing:
                reason = "unchanged content (only the file's date changed)"
        else:
            assert twin is not None
            reason = f"same content as {twin.path.name} in this import"
        job.dup_batch.append((candidate, staged.sha256, existing))
        job.report.outcomes.append(Outcome(str(candidate.path), "skipped", reason, existing))
        return 1
    job.in_flight_shas[staged.sha256] = candidate
    task_ctx = replace(ctx, sha256=staged.sha256)
    next_future = _submit(
        executor, _extract, staged, file_name(candidate.path.name), task_ctx,
        str(job.archive.blobs_dir), str(candidate.path),
    )  # fmt: skip
    futures[next_future] = _Task("extract", candidate, previous, staged, task.solo)
    return 0


def _after_extract(
    job: _Importer,
    executor: cf.Executor,
    futures: dict[cf.Future[Any], _Task],
    future: cf.Future[Any],
    task: _Task,
    ctx: ExtractContext,
) -> int:
    candidate, staged = task.candidate, task.staged
    try:
        extracted: Extracted | ExtractedContainer | _Read = future.result()
    except UnreadableFile as exc:
        reason = str(exc)
    except Exception as exc:  # an importer's bug must not stop the import
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # nor a full disk
            raise DiskFull(candidate.path) from exc
        log.error("importer failed on %s:\n%s", candidate.path, "".join(
            traceback.format_exception(exc)))  # fmt: skip
        reason = f"unexpected error while reading it ({type(exc).__name__}: {exc})"
    else:
        if isinstance(extracted, ExtractedContainer):
            _open_container(job, executor, futures, task, extracted, ctx)
        else:
            assert staged is not None and isinstance(extracted, _Read)
            job.batch.append(
                _Pending(
                    candidate, staged, extracted.extracted, task.previous, facts=extracted.facts
                )
            )
        return 1
    if staged is not None:
        job.in_flight_shas.pop(staged.sha256, None)
        staged.tmp_path.unlink(missing_ok=True)
    job.record(Outcome(str(candidate.path), "failed", reason))
    return 1


def _open_container(
    job: _Importer,
    executor: cf.Executor,
    futures: dict[cf.Future[Any], _Task],
    task: _Task,
    found: ExtractedContainer,
    ctx: ExtractContext,
) -> None:
    """A container was read: report its problems and send each new picture to extraction."""
    candidate, conn = task.candidate, job.archive.db
    if task.staged is not None:
        sha, size = task.staged.sha256, task.staged.size
        job.in_flight_shas.pop(sha, None)  # a container, not an item: twins wait for it
        job.in_flight_containers[sha] = candidate
    else:
        assert found.listing is not None, "a folder container has a listing"
        sha, size = found.listing.sha256, found.listing.size
    box = _Container(candidate, sha, size, found)
    for post in sorted(found.posts, key=lambda p: (p.published_at, p.post_id), reverse=True):
        for position, ref in enumerate(post.media, 1):
            if ref.member:
                box.shown_by[ref.member] = (post, position, len(post.media))
    for problem in found.problems:
        job.record(Outcome(str(candidate.path), "failed", problem.describe()))
    for picture in found.media:
        picture_sha = picture.staged.sha256
        if picture.about is not None:  # its links are made even if it is there already
            box.about[picture.member] = picture.about
        existing = item_store.item_by_sha(conn, picture_sha)
        if existing is not None or picture_sha in job.in_flight_shas:
            picture.staged.tmp_path.unlink(missing_ok=True)
            if existing is not None:
                box.media_ids[picture.member] = existing
                box.existing_media.add(picture.member)
            else:
                box.elsewhere[picture.member] = picture_sha
            continue
        member_candidate = _Candidate(
            Path(picture.location), candidate.root, picture.staged.size, candidate.mtime_ns,
            virtual=True,
        )  # fmt: skip
        job.in_flight_shas[picture_sha] = member_candidate
        about = picture.about
        if about is not None and about.extracted is not None:  # read by the container's importer
            blobs.commit_blob(job.archive.blobs_dir, picture.staged)
            item = _as_contained(about.extracted, about, box)
            job.batch.append(
                _Pending(member_candidate, picture.staged, item, None, box, picture.member)
            )
            job.extra_total += 1
            continue
        name = safe_file_name(about.name if about else Path(picture.member).name, "picture")
        future = _submit(
            executor, _extract, picture.staged, name, replace(ctx, sha256=picture_sha),
            str(job.archive.blobs_dir), "", about is None, about is not None,
        )  # fmt: skip
        futures[future] = _Task(
            "picture", member_candidate, None, picture.staged, task.solo, box, picture.member
        )
        box.waiting += 1
        job.extra_total += 1
    job.containers.append(box)


def _after_picture(job: _Importer, future: cf.Future[Any], task: _Task) -> int:
    box, staged = task.container, task.staged
    assert box is not None and staged is not None
    box.waiting -= 1
    try:
        extracted = future.result()
    except UnreadableFile as exc:
        reason = str(exc)
    except Exception as exc:  # an importer's bug must not stop the import
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # nor a full disk
            raise DiskFull(task.candidate.path) from exc
        log.error("importer failed on %s:\n%s", task.candidate.path, "".join(
            traceback.format_exception(exc)))  # fmt: skip
        reason = f"unexpected error while reading it ({type(exc).__name__}: {exc})"
    else:
        facts: ScanFacts | None = None
        if isinstance(extracted, _Read):  # a file of its own kind (a captured page)
            facts = extracted.facts
            extracted = extracted.extracted
        assert isinstance(extracted, Extracted)
        about = box.about.get(task.member)
        if about is not None:
            picture = _as_contained(extracted, about, box)
        else:
            picture = _as_post_picture(extracted, box, task.member)
        job.batch.append(
            _Pending(task.candidate, staged, picture, None, box, task.member, facts=facts)
        )
        return 1
    job.in_flight_shas.pop(staged.sha256, None)
    staged.tmp_path.unlink(missing_ok=True)
    box.failed_media[task.member] = reason
    job.record(Outcome(str(task.candidate.path), "failed", reason))
    return 1


def _as_contained(extracted: Extracted, about: Contained, box: _Container) -> Extracted:
    """A file of a container that is an item of its own, as the container describes it:
    a captured page has the address and time of its record, whatever the page says."""
    extra = {
        **extracted.extra,
        **about.extra,
        "container": box.found.title,
        "locator": about.locator,
    }
    for name in ("source_url", "captured_at", "published_at"):
        found = getattr(extracted, name)
        if found and getattr(about, name) and found != getattr(about, name):
            extra[f"{name}_in_file"] = found  # what the page itself says, kept beside
    return replace(
        extracted,
        title=about.title or extracted.title,
        source_url=about.source_url or extracted.source_url,
        captured_at=about.captured_at or extracted.captured_at or box.found.captured_at,
        published_at=about.published_at or extracted.published_at,
        author=about.author or extracted.author,
        warnings=(*extracted.warnings, *about.warnings),
        extra=extra,
    )


def _as_post_picture(extracted: Extracted, box: _Container, member: str) -> Extracted:
    """A picture of a post: dated, authored and titled by the (first) post that shows it."""
    if member not in box.shown_by:
        return extracted
    post, position, count = box.shown_by[member]
    found = box.found
    who = f"@{post.account}" if post.account else "an account"
    what = media_noun(post.media[position - 1].type if position <= len(post.media) else "")
    if extracted.kind == "image":  # a video's still, when the archive has no more of it
        what = "picture"
    title = f"{what[0].upper()}{what[1:]} from {who}’s post of "
    title += post.published_at[:10] or "unknown date"
    if count > 1:
        title += f" ({position} of {count})"
    extra = {**extracted.extra, "in_post": post.platform_id}
    if post.extra.get("possibly_sensitive"):  # blurred until revealed (posts/media.py)
        extra["possibly_sensitive"] = True
    captured = extracted.captured_at or post.captured_at or found.captured_at
    return replace(
        extracted,
        title=title,
        published_at=extracted.published_at or post.published_at,
        captured_at=captured,
        author=extracted.author or post.display_name or who,
        source_url=extracted.source_url or post.url,
        extra=extra,
    )
