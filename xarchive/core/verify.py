"""Chain of custody: re-hash every original and compare it with what the archive recorded.

Verifying should cost no more than running `sha256sum` over the blobs. Three things
make that so: each thread reads into one buffer it keeps (a fresh 1 MiB `bytes` per
read costs as much as hashing it: the allocator maps and zeroes new pages every
time); two threads hash at once where the blobs are large, since hashlib and file
reads release the GIL; and small blobs go to the threads in batches, so a thread's
hand-off is paid per few megabytes rather than per blob. Small blobs (THREADED_FROM)
are hashed on one thread, after their listing: a blob of a few kilobytes takes less
time to hash than to open, read and close, and threads doing those side by side mostly
wait for the GIL. Results are taken in the archive's order, so the report reads the
same whatever the threads did. The threads are plain `threading` ones:
concurrent.futures imports logging, which nothing else in a verify needs.

The chain of custody is checked beside the blobs, in another process: the check is
Python holding the GIL, which the hashing threads wait for after every read (on a
thread of the same process the two took longer together than one after the other: 147
against 132 ms with 1 003 items, fastest of 25). Where forking is safe (Linux, and a
process that runs no other thread, as the `xarchive verify` command does), a child
process hashes the blobs and lists them, and sends each batch's findings through a
pipe; this process checks the chain of custody meanwhile, on its own connection, and a
thread of its own takes the child's findings in order (and calls `progress` with them).
`verify_at`, the command's, forks the child before it even opens the archive: the child
lists the blobs while this process imports the archive's code and the custody check's
(12 ms), opens the archive and reads which originals it names, which it then sends the
child to hash. The child never touches the database (SQLite's connections and locks
do not survive a fork), runs no code of the parent's on exit, and stops when the parent
goes away. Elsewhere (another system, the app's threads) the custody check follows the
blobs on this thread, as before.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import select
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from threading import Event, Lock, Thread, local
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from .jobs import CancelToken, Progress, ProgressCallback, no_progress

# What only this process needs, the child that hashes never (the archive, its database,
# the custody check: 12 ms to import), is imported once the child is forked, by
# `verify_at` (see the module's docstring).
if TYPE_CHECKING:
    import sqlite3

    from .archive import Archive
    from .custody import CustodyReport

#: Threads that hash at once: hashing is CPU-bound and the app targets two cores.
WORKERS = 2
#: What each thread reads at a time into its own buffer (fits in the L2 cache).
READ_SIZE = 1 << 18
#: A batch for one thread: this many bytes, or this many blobs, whichever comes first.
BATCH_BYTES = 8 << 20
BATCH_BLOBS = 256
#: The mean size of the blobs from which more threads than one hash them: 1 000 blobs
#: took 2 threads 13 % longer than one at 16 KB each, half as long at 64 KB.
THREADED_FROM = 32 << 10


class BlobProblem(NamedTuple):
    """An original missing, changed or unreadable. (These records are a named tuple and
    plain classes: a verify loads no dataclasses, see jobs.py's Progress.)"""

    item_id: int
    sha256: str
    original_name: str
    problem: str  # "missing", "changed", "unreadable"
    detail: str = ""
    #: "item", "container" for an imported archive file (an X archive zip, a JSONL file),
    #: or "capture" for the record a later capture of a post read
    holder: str = "item"


class VerifyReport:
    __slots__ = ("total", "checked", "problems", "unreferenced", "cancelled", "custody")

    def __init__(self) -> None:
        self.total = 0  # originals the archive names
        self.checked = 0  # of which found and hashed
        self.problems: list[BlobProblem] = []
        self.unreferenced: list[str] = []  # blobs no item names
        self.cancelled = False
        #: The audit log's chain, its head beside the database, and every sealed row.
        self.custody: CustodyReport | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VerifyReport):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"VerifyReport({fields})"

    @property
    def ok(self) -> bool:
        custody_ok = self.custody is None or self.custody.ok
        return not self.problems and not self.cancelled and custody_ok


#: One original to check: (item or container id, sha256, size, name, holder).
_Ref = tuple[int, str, int, str, str]


def verify_at(
    root: Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    workers: int = WORKERS,
    separate: bool | None = None,
) -> VerifyReport:
    """Open the archive at `root` read-only and `verify` it; raises what `Archive.open`
    raises.

    Where a child process hashes the blobs (`separate`, None: where that is safe), it is
    forked before the archive is opened, and lists the blobs on disk while this process
    loads what opening the archive and checking the chain of custody take.
    """
    if separate is None:
        separate = _can_fork()
    # The folder Archive.open takes the archive's to be, made the same way.
    child = _Child(str(Path(root).expanduser().absolute() / "blobs"), workers) if separate else None
    try:
        from .archive import Archive

        with Archive.open(root, readonly=True) as archive:
            if child is not None and child.blobs_dir != str(archive.blobs_dir):
                child.stop()
                child = _Child(str(archive.blobs_dir), workers)
            return _verify(archive, progress, cancel, workers, child)
    finally:
        if child is not None:
            child.stop()


def verify(
    archive: Archive,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    workers: int = WORKERS,
    separate: bool | None = None,
) -> VerifyReport:
    """Re-hash every blob; report those missing, changed or unreadable; check the chain
    of custody (core/custody.py): the audit log, its head, every item's text and metadata,
    annotation, tag and link against their seals.

    Blobs on disk that no item names (left by an import killed between storing
    a file and committing its row) are listed as unreferenced: harmless, and
    reused if the file is imported again. Cancelling stops within a blob's next
    read and returns the report so far, marked cancelled.

    `separate`: whether a child process hashes the blobs while this one checks the chain
    of custody (None: where that is safe, see the module's docstring); `progress` is then
    called on a thread of verify's own.
    """
    if separate is None:
        separate = _can_fork()
    child = _Child(str(archive.blobs_dir), workers) if separate else None
    try:
        return _verify(archive, progress, cancel, workers, child)
    finally:
        if child is not None:
            child.stop()


def _verify(
    archive: Archive,
    progress: ProgressCallback,
    cancel: CancelToken | None,
    workers: int,
    child: _Child | None,
) -> VerifyReport:
    """`verify`, the blobs hashed by `child` if there is one, else on this process's
    threads."""
    from .custody import check as check_custody

    report = VerifyReport()
    refs = _refs(archive.db)
    report.total = len(refs)
    progress(Progress("verifying", 0, len(refs), refs[0][3] if refs else ""))
    done = 0

    def take(batch: Sequence[_Ref], found: _Found) -> None:
        nonlocal done
        report.checked += found.checked
        report.problems += found.problems
        done += len(batch)
        progress(Progress("verifying", done, len(refs), batch[-1][3]))

    if child is not None:
        child.check(refs, cancel, take)
        archive.seal_pending()  # this process's own changes are not a forger's
        custody = check_custody(archive.db, archive.root)
        unreferenced = child.result()
    else:
        unreferenced = _check_blobs(str(archive.blobs_dir), refs, max(1, workers), cancel, take)
        if unreferenced is not None:
            archive.seal_pending()
            custody = check_custody(archive.db, archive.root)
    if unreferenced is None:
        report.cancelled = True
        return report
    progress(Progress("verifying", len(refs), len(refs)))
    report.unreferenced = unreferenced
    report.custody = custody
    return report


def _refs(conn: sqlite3.Connection) -> list[_Ref]:
    """Every original the archive names, in the archive's order."""
    from .store import originals

    refs: list[_Ref] = [(*ref, "item") for ref in originals.items(conn)]
    refs += [(*ref, "container") for ref in originals.containers(conn)]
    # Each capture of a post keeps the record it read (posts/evidence.py); the first is
    # the post's own original, checked above.
    known_shas = {ref[1] for ref in refs}
    for ref in originals.capture_records(conn):
        if ref[1] not in known_shas:
            known_shas.add(ref[1])
            refs.append((*ref, "capture"))
    return refs


#: What `_check_blobs` gives each batch's findings to, in the batches' order.
_Take = Callable[[Sequence[_Ref], "_Found"], None]


def _check_blobs(
    blobs_dir: str,
    refs: Sequence[_Ref],
    workers: int,
    cancel: CancelToken | None,
    take: _Take,
    listed: list[str] | None = None,
) -> list[str] | None:
    """Hash the blobs of `refs` on up to `workers` threads, giving `take` each batch's
    findings; the blobs on disk (`listed`, if they were listed already) that none of
    `refs` names, or None if cancelled."""
    # One more thread lists the blobs on disk (for the unreferenced ones), unless they
    # were: it mostly waits on the file system, one folder per blob.
    on_disk = None
    if listed is None:
        on_disk = _Started(lambda: _blob_names(blobs_dir), "verify-listing")
    tasks = list(_batches(refs))
    batches: Iterator[tuple[Sequence[_Ref], _Found | None]]
    if workers == 1 or _mean_size(refs) < THREADED_FROM:
        # Small blobs take less time to hash than to open, read and close, and the
        # threads that did those beside each other (a second one hashing, or the
        # listing) mostly waited for the GIL: 1 003 blobs of 9 KB on average took 46 ms
        # so, 23 ms hashed after their listing on one thread.
        if on_disk is not None:
            on_disk.wait()
        batches = (_check_batch(blobs_dir, batch, cancel) for batch in tasks)
        ordered = None
    else:
        ordered = _Ordered(lambda batch: _check_batch(blobs_dir, batch, cancel), tasks, workers)
        batches = iter(ordered)
    try:
        for batch, found in batches:
            if found is not None:  # None: cancelled within the batch
                take(batch, found)
            if found is None or (cancel is not None and cancel.cancelled):
                return None
    finally:
        if ordered is not None:
            ordered.stop()
        if on_disk is not None:
            on_disk.wait()
    known = {ref[1] for ref in refs}
    names = on_disk.result() if on_disk is not None else listed or []
    return [name for name in names if name not in known]


def _mean_size(refs: Sequence[_Ref]) -> float:
    return sum(ref[2] for ref in refs) / len(refs) if refs else 0.0


def _can_fork() -> bool:
    """Whether the blobs can be hashed in a forked child: on Linux (elsewhere a child
    may not use what the system's libraries set up before the fork), in a process
    that runs no other thread (whose locks the child would inherit, held), and that
    may run on more than one CPU: on one, the two processes take turns, and the fork
    only adds its cost (a verify of the 1 000-item bench archive pinned to one CPU:
    235 ms forked, 211 ms not, medians of 15)."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    try:
        if len(os.sched_getaffinity(0)) < 2:
            return False
        return len(os.listdir("/proc/self/task")) == 1  # threads Python did not start too
    except OSError:
        return False


#: How often the thread that takes a child's findings looks whether to stop (seconds).
_POLL = 0.05


class _Child:
    """`_check_blobs` in a forked child process. Forked at once, the child lists the
    blobs in `blobs_dir`, then waits for what to hash; `check` starts a thread of this
    process that sends it that, then reads its findings from a pipe and gives them to
    `take`. The child is killed when `cancel` is set or `stop()` is called, and ends by
    itself if this process goes away or stops before calling `check`."""

    def __init__(self, blobs_dir: str, workers: int) -> None:
        self.blobs_dir = blobs_dir
        self._stopped = Event()
        self._ended = False
        self._unreferenced: list[str] | None = None
        self._error: BaseException | None = None
        self._thread: Thread | None = None
        refs_read, self._refs_pipe = os.pipe()
        self._pipe, write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:
            os.close(self._refs_pipe)
            os.close(self._pipe)
            _child(refs_read, write, blobs_dir, max(1, workers))  # never returns
        os.close(refs_read)
        os.close(write)

    def check(self, refs: Sequence[_Ref], cancel: CancelToken | None, take: _Take) -> None:
        """Have the child hash `refs`; `take` then gets each batch's findings, in order,
        on a thread of verify's own."""
        # The thread sends them: the child reads them once it has listed the blobs, and
        # this one goes on meanwhile (a pipe holds 64 KB, 600 of them).
        self._thread = Thread(target=self._run, args=(list(refs), cancel, take),
                              name="verify-findings", daemon=True)  # fmt: skip
        self._thread.start()

    def _run(self, refs: list[_Ref], cancel: CancelToken | None, take: _Take) -> None:
        try:
            try:
                sent = self._send_refs(refs, cancel)
            finally:
                os.close(self._refs_pipe)
            taken = iter(_batches(refs))  # the child's, made the same way
            while sent and (message := self._receive(cancel)) is not None:
                if message[0] == "batch":
                    found = _Found(message[1], [BlobProblem(*p) for p in message[2]])
                    take(next(taken), found)
                elif message[0] == "end":  # None: the child was cancelled
                    self._unreferenced, self._ended = message[1], True
                    return
                else:
                    self._error = _unpickled(message[1])
                    return
        except BaseException as exc:  # raised where the result is taken
            self._error = exc
        finally:
            self._end()

    def _send_refs(self, refs: list[_Ref], cancel: CancelToken | None) -> bool:
        """Write `refs` to the child as it reads them; False if asked to stop first."""
        data = marshal.dumps(refs)
        view = memoryview(len(data).to_bytes(8, "little") + data)
        os.set_blocking(self._refs_pipe, False)
        while view:
            if not select.select([], [self._refs_pipe], [], _POLL)[1]:
                if self._stopping(cancel):
                    return False
                continue
            try:
                view = view[os.write(self._refs_pipe, view) :]
            except BlockingIOError:
                continue
            except BrokenPipeError:  # the child is gone: its findings' pipe says why
                break
        return True

    def _end(self) -> None:
        if not self._ended:
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        os.close(self._pipe)

    def _receive(self, cancel: CancelToken | None) -> Any:
        """The child's next message; None when asked to stop before it came."""
        while not select.select([self._pipe], [], [], _POLL)[0]:
            if self._stopping(cancel):
                return None
        if self._stopping(cancel):
            return None
        return _receive(self._pipe)

    def _stopping(self, cancel: CancelToken | None) -> bool:
        return self._stopped.is_set() or (cancel is not None and cancel.cancelled)

    def stop(self) -> None:
        """Stop the child (if it has not ended) and wait for it."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join()
        elif self._refs_pipe != -1:  # never sent its work: stopped before
            os.close(self._refs_pipe)
            self._refs_pipe = -1
            self._end()

    def result(self) -> list[str] | None:
        """The blobs no ref names, or None if cancelled; raises what the child raised."""
        assert self._thread is not None, "check() first"
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._unreferenced


def _read(pipe: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(pipe, min(size, 1 << 20))
        if not chunk:
            raise ChildProcessError("the process that hashed the originals ended unexpectedly")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(pipe: int) -> Any:
    """The next message `_send` wrote to `pipe`."""
    size = int.from_bytes(_read(pipe, 8), "little")
    return marshal.loads(_read(pipe, size))


def _send(pipe: int, message: Any) -> None:
    data = marshal.dumps(message)
    view = memoryview(len(data).to_bytes(8, "little") + data)
    while view:
        view = view[os.write(pipe, view) :]


def _child(refs_pipe: int, pipe: int, blobs_dir: str, workers: int) -> None:
    """What the child process does, and then ends: list the blobs, take the refs to hash
    from `refs_pipe`, hash them and send (to `pipe`) each batch's findings in order, then
    the unreferenced blobs, or what it raised."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent says when to stop
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        listed = _blob_names(blobs_dir)  # while the parent opens the archive
        try:
            refs = _receive(refs_pipe)
        except ChildProcessError:  # the parent stopped before it sent them
            code = 0
            return

        def send(batch: Sequence[_Ref], found: _Found) -> None:
            _send(pipe, ("batch", found.checked, [tuple(p) for p in found.problems]))

        unreferenced = _check_blobs(blobs_dir, refs, workers, _Orphaned(os.getppid()), send,
                                    listed)  # fmt: skip
        _send(pipe, ("end", unreferenced))
        code = 0
    except BaseException as exc:
        try:
            import pickle  # only to send what went wrong

            _send(pipe, ("error", pickle.dumps(exc)))
        except BaseException:  # unpicklable, or the parent gone: it learns from the pipe
            pass
    finally:
        os._exit(code)  # neither the parent's atexit nor its archive's closing


def _unpickled(data: bytes) -> BaseException:
    import pickle

    error = pickle.loads(data)
    return error if isinstance(error, BaseException) else ChildProcessError(repr(error))


class _Orphaned(CancelToken):
    """Cancelled once the process that forked this one has gone."""

    def __init__(self, parent: int) -> None:
        super().__init__()
        self._parent = parent

    @property
    def cancelled(self) -> bool:
        return os.getppid() != self._parent


T = TypeVar("T")
R = TypeVar("R")


class _Started(Generic[T]):
    """`work()` running on a thread of its own; `result()` waits for what it returns
    (or raises what it raised)."""

    def __init__(self, work: Callable[[], T], name: str) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._work = work
        self._thread = Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # given to the caller by result()
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


class _Ordered(Generic[T, R]):
    """`work(task)` for each of `tasks` on `threads` threads, which take the next task as
    they finish one; iterating gives the results in the tasks' order. `stop()` lets the
    threads finish the tasks they hold, start no other, and waits for them."""

    def __init__(self, work: Callable[[T], R], tasks: Sequence[T], threads: int) -> None:
        self._work = work
        self._tasks = tasks
        self._next = 0
        self._stopped = False
        self._lock = Lock()
        self._done = [Event() for _ in tasks]
        self._results: list[R | None] = [None] * len(tasks)
        self._errors: dict[int, BaseException] = {}
        self._threads = [
            Thread(target=self._run, name=f"verify-{n}", daemon=True)
            for n in range(min(threads, len(tasks)))
        ]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._stopped or self._next == len(self._tasks):
                    return
                index = self._next
                self._next += 1
            try:
                self._results[index] = self._work(self._tasks[index])
            except BaseException as exc:  # raised where the results are taken
                self._errors[index] = exc
            self._done[index].set()

    def __iter__(self) -> Iterator[R]:
        for index, done in enumerate(self._done):
            done.wait()
            if index in self._errors:
                raise self._errors[index]
            yield self._results[index]  # type: ignore[misc]

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
        for thread in self._threads:
            thread.join()


def _batches(refs: Sequence[_Ref]) -> Iterator[Sequence[_Ref]]:
    start, size = 0, 0
    for end, ref in enumerate(refs, 1):
        size += ref[2]
        if size >= BATCH_BYTES or end - start >= BATCH_BLOBS:
            yield refs[start:end]
            start, size = end, 0
    if start < len(refs):
        yield refs[start:]


class _Found:
    __slots__ = ("checked", "problems")

    def __init__(self, checked: int = 0, problems: list[BlobProblem] | None = None) -> None:
        self.checked = checked
        self.problems = [] if problems is None else problems


_buffers = local()


def _check_batch(
    blobs_dir: str, batch: Sequence[_Ref], cancel: CancelToken | None
) -> tuple[Sequence[_Ref], _Found | None]:
    """Check a batch of blobs on a worker thread; None for the result when cancelled."""
    buffer = getattr(_buffers, "buffer", None)
    if buffer is None:
        buffer = _buffers.buffer = bytearray(READ_SIZE)
    found = _Found()
    for item_id, sha, size, name, holder in batch:
        if cancel is not None and cancel.cancelled:
            return batch, None
        path = os.path.join(blobs_dir, sha[:2], sha[2:4], sha)
        try:
            hashed = _hash(path, buffer, cancel)
        except (FileNotFoundError, NotADirectoryError):
            found.problems.append(BlobProblem(item_id, sha, name, "missing", holder=holder))
            continue
        except OSError as exc:
            found.problems.append(BlobProblem(item_id, sha, name, "unreadable", str(exc), holder))
            continue
        if hashed is None:
            return batch, None
        actual, actual_size = hashed
        found.checked += 1
        if actual != sha:
            detail = f"now hashes to {actual}"
            if actual_size != size and size > 0:  # a capture's record keeps no size
                detail += f"; size {actual_size} instead of {size} bytes"
            found.problems.append(BlobProblem(item_id, sha, name, "changed", detail, holder))
    return batch, found


def _hash(path: str, buffer: bytearray, cancel: CancelToken | None) -> tuple[str, int] | None:
    """(SHA-256, size) of the regular file at `path`; None if cancelled while reading.

    Raises FileNotFoundError when there is no file there (a folder counts as none),
    other OSErrors as the file system reports them.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileNotFoundError(path)
        digest = hashlib.sha256()
        view = memoryview(buffer)
        size = 0
        while count := os.readv(fd, (buffer,)):
            digest.update(view[:count])
            size += count
            if cancel is not None and cancel.cancelled:
                return None
        return digest.hexdigest(), size
    finally:
        os.close(fd)


def _blob_names(blobs_dir: str) -> list[str]:
    """The names of the files in blobs/ab/cd/, in path order."""
    paths = []
    for first in _subfolders(blobs_dir):
        for second in _subfolders(first):
            with os.scandir(second) as entries:
                paths += [e.path for e in entries if e.is_file()]
    return [os.path.basename(p) for p in sorted(paths)]


def _subfolders(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return [e.path for e in entries if len(e.name) == 2 and e.is_dir()]
    except FileNotFoundError:
        return []
