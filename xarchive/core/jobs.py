"""Long work as jobs: progress reports and a cancel token, shared by the CLI and the GUI.

A job is a plain function that takes a `progress` callback and a `CancelToken`;
it calls `progress(Progress(...))` as it goes and `cancel.raise_if_cancelled()`
at safe points. The CLI draws a bar from the reports; the GUI turns them into
signals (gui/workers.py). Neither the job nor the token knows about Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import NamedTuple

from .errors import Cancelled


class Progress(NamedTuple):
    """One report from a running job.

    A named tuple, not a dataclass: `xarchive verify` and the like load no dataclasses
    (with inspect, ast and dis, a tenth of their start)."""

    phase: str  # e.g. "scanning", "importing", "indexing", "verifying"
    done: int
    total: int  # 0 when not yet known
    current: str = ""  # the file or item being worked on

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


ProgressCallback = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """A progress callback that ignores every report."""


class CancelToken:
    """Set from any thread to ask a job to stop at its next safe point."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled by the user")
