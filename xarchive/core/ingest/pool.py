"""The worker processes of an import, and what happens when one dies.

A worker can die in the middle of a task (the out-of-memory killer, a crashing
decoder): the process pool then fails every task in flight, with the dead one's
among them. `Retries` tries each lost task again alone, so that only the one that
kills its reader by itself is given up; `submit` hands the broken pool's failure
back as a future, to be handled with the others when they are collected.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

from .. import lifeline
from . import worker

T = TypeVar("T")


class InlineExecutor(cf.Executor):
    """Runs tasks at once in this process (workers=0)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def submit(executor: cf.Executor, fn: Callable[..., Any], /, *args: Any) -> cf.Future[Any]:
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


def start(workers: int | None, files: int, ocr: bool = False) -> cf.Executor:
    """Workers for `files` files (`workers`: ImportOptions.workers), bound to die with this
    process; none for workers=0 (tasks then run at once, here). `ocr`: the import reads
    text in pictures (each worker asks tesseract what it can do as it starts)."""
    if workers == 0 or files == 0:
        return InlineExecutor()
    count = min(workers or os.cpu_count() or 2, max(files, 1))
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    lifeline.keep_working_folder_off_path()
    if method == "forkserver":
        # The server imports the importers and the index writer once and each worker
        # is forked from it, instead of every worker importing them again (a second
        # or more of each worker's time, most of an import of a few files). No
        # effect once the server runs (the CLI starts it early).
        lifeline.start_import_workers(ocr)  # bound to die with this process
    return cf.ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=worker.init,
        initargs=(os.getpid(), ocr),
    )


def stop(executor: cf.Executor, gently: bool = False) -> None:
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


class Retries(Generic[T]):
    """Tasks lost with a worker that died, to be tried again one at a time."""

    def __init__(self) -> None:
        self.waiting: list[T] = []

    def __bool__(self) -> bool:
        return bool(self.waiting)

    def __iter__(self) -> Any:
        return iter(self.waiting)

    def __len__(self) -> int:
        return len(self.waiting)

    def lost(self, task: T, alone: bool) -> bool:
        """Take back `task`, lost with a worker; False if it ran `alone`: then it is the
        one that killed its worker, and is given up."""
        if alone:
            return False
        self.waiting.append(task)
        return True

    def pop(self) -> T:
        return self.waiting.pop()
