"""Searching off the GUI thread: one worker thread with its own connection and index reader.

Typing a query must never freeze the window, even when a query matches 100 000
items or the disk is slow. `SearchService` runs every read the results list and
the timeline need on a private QThread and hands the answer back to a callback
on the GUI thread. The thread owns its `Searcher` (an `Archive` opened read-only
and the Whoosh index): SQLite connections and Whoosh readers stay on the thread
that made them.

Requests carry a *generation*. Starting a new search (`supersede`) raises the
floor: requests of older generations still queued are dropped unanswered, so a
fast typist's intermediate queries cost nothing, and answers to superseded
requests that were already running are discarded on arrival.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot

from ..core.archive import Archive
from ..core.search import Searcher, SearchResults

log = logging.getLogger(__name__)


class SearchFunction(Protocol):
    """The shape of `xarchive.core.search.Searcher.search`."""

    def __call__(
        self,
        query: str,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        facets: bool = True,
        snippets: bool = True,
    ) -> SearchResults: ...


class SearchSource(Protocol):
    """What the worker thread searches: `Searcher`, or a stand-in of the same shape."""

    @property
    def search(self) -> SearchFunction: ...

    def close(self) -> None: ...


#: Called on the worker thread to open what it searches (on first use and after `reset`).
SourceFactory = Callable[[], SearchSource]
#: A read to run on the worker thread.
Read = Callable[[Any], Any]
#: Gets (result, None) or (None, exception) on the GUI thread.
Answer = Callable[[Any, BaseException | None], None]


def archive_searcher(root: Path) -> SourceFactory:
    """A factory for a `Searcher` on the archive at `root`, opened read-only.

    Read-only opens take no lock, so the worker reads beside the window's writer;
    WAL gives it a consistent snapshot per query.
    """

    def open_searcher() -> SearchSource:
        archive = Archive.open(root, readonly=True)
        try:
            return _ClosingSearcher(archive)
        except BaseException:
            archive.close()
            raise

    return open_searcher


class _ClosingSearcher(Searcher):
    """A Searcher that closes its archive with it."""

    def __init__(self, archive: Archive) -> None:
        super().__init__(archive)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.archive.close()


@dataclass(frozen=True, slots=True)
class _Request:
    ticket: int
    generation: int
    read: Read


class _Worker(QObject):
    answered = Signal(int, object, object)  # ticket, result, exception

    def __init__(self, factory: SourceFactory) -> None:
        super().__init__()
        self._factory = factory
        self._source: SearchSource | None = None
        self._lock = threading.Lock()
        self._floor = 0  # requests of older generations are dropped

    def set_floor(self, generation: int) -> None:  # any thread
        with self._lock:
            self._floor = max(self._floor, generation)

    def _stale(self, generation: int) -> bool:
        with self._lock:
            return generation < self._floor

    @Slot(object)
    def handle(self, request: _Request) -> None:
        if self._stale(request.generation):
            return
        try:
            if self._source is None:
                self._source = self._factory()
            result = request.read(self._source)
        except BaseException as exc:  # answered on the GUI thread, never lost
            log.debug("search request failed", exc_info=True)
            self._emit(request.ticket, None, exc)
        else:
            self._emit(request.ticket, result, None)

    def _emit(self, ticket: int, result: object, error: BaseException | None) -> None:
        with contextlib.suppress(RuntimeError):  # the service was deleted meanwhile
            self.answered.emit(ticket, result, error)

    @Slot()
    def reset(self) -> None:
        """Close what was opened; the next request opens it again (after a reindex)."""
        source, self._source = self._source, None
        if source is not None:
            try:
                source.close()
            except Exception:
                log.warning("closing the search thread's index failed", exc_info=True)


class SearchService(QObject):
    """Runs reads for the GUI on one worker thread, newest search first."""

    _submit = Signal(object)
    _reset = Signal()

    def __init__(self, factory: SourceFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("xarchive-search")
        self._worker = _Worker(factory)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.handle)
        self._reset.connect(self._worker.reset)
        self._worker.answered.connect(self._answered)
        self._answers: dict[int, tuple[int, Answer]] = {}
        self._tickets = 0
        self.generation = 0
        self._closed = False
        self._thread.start()

    @property
    def pending(self) -> int:
        """How many requests have not been answered yet (tests, diagnostics)."""
        return len(self._answers)

    def supersede(self) -> int:
        """Start a new generation: queued requests of older ones are dropped."""
        self.generation += 1
        self._worker.set_floor(self.generation)
        for ticket, (generation, _) in list(self._answers.items()):
            if generation < self.generation:
                del self._answers[ticket]
        return self.generation

    def call(self, read: Read, answer: Answer) -> None:
        """Run `read(source)` on the worker thread; `answer(result, error)` on this one."""
        if self._closed:
            answer(None, RuntimeError("the archive was closed"))
            return
        self._tickets += 1
        self._answers[self._tickets] = (self.generation, answer)
        self._submit.emit(_Request(self._tickets, self.generation, read))

    def reset(self, wait: bool = False) -> None:
        """Close the thread's index and archive; the next read reopens them (a reindex
        swaps the index folder). With `wait`, return only once they are closed."""
        self.supersede()
        if wait and not self._closed:
            QMetaObject.invokeMethod(
                self._worker, "reset", Qt.ConnectionType.BlockingQueuedConnection
            )
        else:
            self._reset.emit()

    @Slot(int, object, object)
    def _answered(self, ticket: int, result: object, error: BaseException | None) -> None:
        entry = self._answers.pop(ticket, None)
        if entry is None:  # superseded meanwhile
            return
        generation, answer = entry
        if generation < self.generation:
            return
        answer(result, error)

    def close(self, timeout_ms: int = 10_000) -> None:
        """Stop the thread, closing its archive there. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._answers.clear()
        self._worker.set_floor(self.generation + 1)
        # Run on the worker thread (its connection may only be closed there), after
        # the request it may be running; then let the thread end.
        QMetaObject.invokeMethod(self._worker, "reset", Qt.ConnectionType.BlockingQueuedConnection)
        self._thread.quit()
        if not self._thread.wait(timeout_ms):
            log.warning("the search thread did not stop within %d ms", timeout_ms)
