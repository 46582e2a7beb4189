"""Worker processes die with the process that started them, however it dies.

An import's workers are forked by multiprocessing's fork server, and each holds
the pipe by which the fork server would notice its client is gone: when the
import was killed (SIGKILL, the out-of-memory killer, a crash of the app), the
fork server, its workers (up to 166 MB each) and the resource tracker ran on
forever, waiting for work that would never come.

So the fork server asks the kernel for SIGKILL when the import's process dies
(``prctl(PR_SET_PDEATHSIG)``, requested as this module is imported by the fork
server at its start: it is the first of its preload list), and each worker does
the same for the fork server; a worker also watches the import's process itself
(`bind_worker`, the workers' initializer: a thread waits on a pidfd of it) and
ends the moment it is gone. The resource tracker then sees its pipe close and
leaves by itself.

The kernel sends that signal when the *thread* that started the fork server
ends, not the process: an app's import runs on a pool thread that ends long
before the app. So the fork server is started from a thread of ours that lives
as long as the process (`start_fork_server`).
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from typing import Any

from . import libc

_PR_SET_PDEATHSIG = 1
#: Set by the process that starts the fork server: its pid.
ENV = "XARCHIVE_WORKERS_PARENT"
#: How often a worker without pidfds looks whether the import's process is there.
POLL_SECONDS = 0.5


def _die_with_parent() -> bool:
    """Ask the kernel for SIGKILL when our parent dies; False where that is not possible."""
    prctl = libc.function("prctl")
    return prctl is not None and int(prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch(main_pid: int, pidfd: int | None) -> None:
    if pidfd is not None:
        select.select([pidfd], [], [])  # readable when the process has ended
    else:
        while _alive(main_pid):
            time.sleep(POLL_SECONDS)
    os._exit(1)  # no cleanup to do: the import that wanted the work is gone


class _Keeper:
    """The thread that starts the fork server and lives as long as this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[tuple[threading.Event, list[BaseException]]] = []
        self.wake = threading.Condition(self.lock)
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        from multiprocessing import forkserver

        done = threading.Event()
        errors: list[BaseException] = []
        self._request(done, errors, forkserver)
        if errors:
            raise errors[0]

    def _request(self, done: threading.Event, errors: list[BaseException], forkserver: Any) -> None:
        with self.lock:
            os.environ[ENV] = str(os.getpid())
            keep_working_folder_off_path()
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._serve, args=(forkserver,), name="xarchive-fork-server-parent",
                    daemon=True,
                )  # fmt: skip
                self.thread.start()
            self.requests.append((done, errors))
            self.wake.notify()
        done.wait()

    def _serve(self, forkserver: Any) -> None:
        from multiprocessing import resource_tracker

        while True:
            with self.lock:
                while not self.requests:
                    self.wake.wait()
                done, errors = self.requests.pop()
            try:
                # Ctrl+C goes to every process of the terminal's group, and the fork server
                # is killed by it until it ignores it (it imports IMPORT_MODULES first:
                # seconds on a busy machine; the import then failed with an EOFError
                # instead of being cancelled). Blocked in this thread, the one that starts
                # it, it stays blocked in the server from its first instruction (a blocked
                # signal stays blocked across fork and exec) until the server ignores it
                # (_bind_fork_server), as the standard library does for its resource
                # tracker. The process that asks goes on hearing it: it used to ignore it
                # while the server started, and a Ctrl+C in that moment was lost (the
                # import went on to the end as if none had come). The tracker is started
                # first: starting it unblocks the signal in the thread that starts it.
                resource_tracker.ensure_running()
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                forkserver.ensure_running()
            except BaseException as exc:  # handed to the thread that asked
                errors.append(exc)
            done.set()


_keeper = _Keeper()


def keep_working_folder_off_path() -> None:
    """Start the Python processes this one starts from now on (the fork server, spawned
    workers) without the current folder first on their module path (PYTHONSAFEPATH,
    Python's -P). They start as `python -c …`, which puts it there: a folder named
    `xarchive` in the folder an import was started from — an unpacked drive, a case
    folder — had its code run by the fork server, in place of xarchive's own."""
    os.environ["PYTHONSAFEPATH"] = "1"


def start_fork_server() -> None:
    """Start multiprocessing's fork server (if it is not running) from a thread that
    lives as long as this process, bound to die with it. Set its preload first."""
    _keeper.start()


#: What every worker of an import needs: imported by the fork server before it forks
#: them (core/ingest/pool.py), instead of every worker importing them again.
IMPORT_MODULES = (
    "xarchive.core.lifeline",  # first: binds the fork server to this process
    "xarchive.core.importing",
    # what the workers run: their tasks, the index's segments, what the subscribers read
    # (importing.py imports none of them: an unchanged folder imported again needs none)
    "xarchive.core.ingest.worker",
    "xarchive.core.index.writing",
    "xarchive.core.suggest",
    "xarchive.core.importers.text",
    "xarchive.core.importers.html",
    "xarchive.core.importers.image",
    "xarchive.core.importers.video",
    "xarchive.core.importers.pdf",
    "xarchive.core.importers.x_archive",
    "xarchive.core.importers.twarc",
    "xarchive.core.importers.warc",
    "xarchive.core.importers.mhtml",
    "xarchive.core.importers.eml",
    "xarchive.core.importers.wacz",
    "xarchive.core.ingest.preload",  # loads the language model, shared by the workers
    "xarchive.core.forked",  # last: what was imported is frozen (gc.freeze)
)


def start_import_workers(ocr: bool = False) -> bool:
    """Start the fork server of an import's workers now, with IMPORT_MODULES to import.

    For a front end that is about to import (the CLI's `import`, before it imports
    the core): the server imports what the workers need while this process imports
    what it needs, at the same time on another core, instead of after it — a third
    of a small import's time. The import then finds the server running. False where
    there is no fork server (workers are then spawned as they are needed). `ocr`: the
    import reads text in pictures, and the server asks tesseract what it can do
    meanwhile (ingest/ocr_probe.py).
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    multiprocessing.get_context("forkserver").set_forkserver_preload(preloaded(ocr))
    start_fork_server()
    return True


def preloaded(ocr: bool) -> list[str]:
    """What the workers' fork server imports, in order: IMPORT_MODULES, and for an import
    that reads text in pictures the module that asks tesseract meanwhile."""
    modules = list(IMPORT_MODULES)
    if ocr:
        modules.insert(1, "xarchive.core.ingest.ocr_probe")
    return modules


def _in_fork_server() -> bool:
    """Whether this process is multiprocessing's fork server (`python -c 'from
    multiprocessing.forkserver import main; main(…)'`), importing what it preloads."""
    argv = sys.orig_argv
    if "-c" not in argv or "multiprocessing.forkserver" not in sys.modules:
        return False
    command = argv[argv.index("-c") + 1 :]
    return bool(command) and command[0].startswith("from multiprocessing.forkserver import main")


def _bind_fork_server() -> None:
    """At the fork server's start: ignore Ctrl+C (blocked until now, see _Keeper._serve)
    and die with the process that started it."""
    expected = os.environ.get(ENV, "")
    if not _in_fork_server():
        return
    # ignored before it is unblocked: a Ctrl+C that came meanwhile is dropped, not
    # delivered; the workers forked from here start with it ignored, as before
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if not expected.isdigit():
        return
    if os.getppid() != int(expected):  # orphaned already, or started by another process
        if not _alive(int(expected)):
            os._exit(1)
        return
    _die_with_parent()
    if os.getppid() != int(expected):  # the parent died before the request took hold
        os._exit(1)


def bind_worker(main_pid: int) -> None:
    """In a worker: end this process as soon as the process `main_pid` ends (at once
    if it has ended already)."""
    _die_with_parent()
    pidfd: int | None = None
    try:
        pidfd = os.pidfd_open(main_pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # not Linux, or an old kernel
        pidfd = None
    if pidfd is None and not _alive(main_pid):
        os._exit(1)
    threading.Thread(
        target=_watch, args=(main_pid, pidfd), name="xarchive-lifeline", daemon=True
    ).start()


_bind_fork_server()
