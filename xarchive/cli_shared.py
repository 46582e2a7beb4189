"""What every group of commands shares: exit codes, progress, Ctrl+C, the archive to open.

Its own module so that cli.py (the parser) imports cli_bundles.py and cli_suggest.py
and they import this, not cli.py back. Like every command module it imports the core
only when a command runs (tests/core/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from .core.errors import XArchiveError

if TYPE_CHECKING:
    from .core.annotate import Annotations
    from .core.archive import Archive
    from .core.jobs import CancelToken, Progress

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class ProgressBar:
    """Draws job progress on stderr when it is a terminal; silent otherwise."""

    def __init__(self, stream: TextIO = sys.stderr, enabled: bool | None = None) -> None:
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._shown = False

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and p.done != p.total:
            return
        self._last = now
        width = max(20, min(shutil.get_terminal_size((80, 20)).columns, 120))
        if p.total:
            bar_width = 24
            filled = int(bar_width * p.done / p.total)
            head = f"{p.phase:<9} [{'#' * filled}{'.' * (bar_width - filled)}] {p.done}/{p.total} "
        else:
            head = f"{p.phase:<9} {p.done} "
        line = (head + p.current)[: width - 1]
        self.stream.write("\r" + line.ljust(width - 1))
        self.stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * (shutil.get_terminal_size((80, 20)).columns - 1) + "\r")
            self.stream.flush()
            self._shown = False


def cancel_on_interrupt() -> CancelToken:
    """Ctrl+C asks the running job to stop cleanly (a second Ctrl+C is ignored)."""
    from .core.jobs import CancelToken

    token = CancelToken()

    def handler(signum: int, frame: FrameType | None) -> None:
        token.cancel()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return token


def archive_path(args: argparse.Namespace) -> Path:
    """The archive a command works on: --archive, else $XARCHIVE_ARCHIVE, else the demo's."""
    if args.archive:
        return Path(args.archive)
    env = os.environ.get("XARCHIVE_ARCHIVE")
    if env:
        return Path(env)
    from .core.paths import demo_archive_dir

    return demo_archive_dir()


@contextlib.contextmanager
def annotating(args: argparse.Namespace) -> Iterator[tuple[Archive, Annotations]]:
    """The archive open for writing, with its index, so that a change is searchable at once."""
    from .core.annotate import Annotations
    from .core.archive import Archive
    from .core.indexing import open_index

    with Archive.open(archive_path(args)) as archive:
        index = None
        try:
            index = open_index(archive)
        except XArchiveError as exc:
            print(f"xarchive: warning: {exc}; the change is saved and will be found by search "
                  "once the index is rebuilt", file=sys.stderr)  # fmt: skip
        notes = Annotations(archive, index)
        try:
            yield archive, notes
        finally:
            if index is not None:
                index.close()
        if notes.unindexed and index is not None:
            print("xarchive: warning: the search index is busy; the change is saved and will "
                  "be found by search after the next import or `xarchive reindex`",
                  file=sys.stderr)  # fmt: skip
