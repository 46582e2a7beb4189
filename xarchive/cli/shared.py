"""What every group of commands shares: exit codes, progress, Ctrl+C, the archive to open,
how an item is named.

The parser (parser.py) imports the command modules and they import this, never the
parser back. Like every command module it imports the core only when a command runs
(tests/core/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ..core.errors import Remedy, XArchiveError

if TYPE_CHECKING:
    from ..core.annotate import Annotations
    from ..core.archive import Archive
    from ..core.indexing import ArchiveIndexState
    from ..core.jobs import CancelToken, Progress
    from ..core.model import Item

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def end_process(code: int) -> NoReturn:
    """End the process with `code`, its output written, without the interpreter's
    teardown: clearing every module one by one took 25-30 ms of a whole `xarchive
    search` (numpy's and Whoosh's hundreds of modules; issue 10, target 4), a sixth of
    the command. Only for a command that leaves nothing to finish: no thread, worker
    process, atexit handler, log or file to write (`ends_at_once` on its parser)."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:  # the reader has gone (`| head`): as for a print (main)
        pass
    except OSError as exc:  # a full disk: the output is not all there
        print(f"xarchive: error: cannot write the output ({exc.strerror or exc})",
              file=sys.stderr)  # fmt: skip
        code = EXIT_FAILED
    with contextlib.suppress(OSError, ValueError):
        if sys.stderr is not None:
            sys.stderr.flush()
    os._exit(code)


class Commands:
    """The parser's subcommands as they are added, with their names: argparse keeps those
    only in private attributes, and `xarchive PATH` must tell a folder from a command."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self._sub = parser.add_subparsers(dest="command", metavar="COMMAND")
        self.names: list[str] = []

    def add(self, name: str, **options: Any) -> argparse.ArgumentParser:
        """A new subcommand `name`; `options` as argparse's add_parser takes them."""
        self.names.append(name)
        return self._sub.add_parser(name, **options)


class ProgressBar:
    """Draws job progress on stderr when it is a terminal; silent otherwise."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr  # the one of now, not of when this was imported
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._shown = False

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and p.done != p.total:
            return
        self._last = now
        width = max(20, min(_columns(), 120))
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
            self.stream.write("\r" + " " * (_columns() - 1) + "\r")
            self.stream.flush()
            self._shown = False


def _columns() -> int:
    return terminal_columns()


def terminal_columns(fallback: int = 80) -> int:
    """The terminal's width as `shutil.get_terminal_size` gives it ($COLUMNS, else the
    width of the terminal on stdout, else `fallback`), without importing shutil: it loads
    zlib, bz2 and lzma, 2 ms that a command need not spend."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or fallback


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, as wide as the terminal (`terminal_columns`). argparse's own
    imports shutil to measure it, and makes a formatter for every argument added: that
    import was a fiftieth of `xarchive verify`."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:  # fmt: skip
        width = terminal_columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class RawDescriptionHelpFormatter(HelpFormatter, argparse.RawDescriptionHelpFormatter):
    """The same, leaving the description and the epilog as they are written."""


def cancel_on_interrupt() -> CancelToken:
    """Ctrl+C asks the running job to stop cleanly (a second Ctrl+C is ignored)."""
    from ..core.jobs import CancelToken

    token = CancelToken()

    def handler(signum: int, frame: FrameType | None) -> None:
        token.cancel()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return token


def add_archive_option(p: argparse.ArgumentParser) -> None:
    """--archive DIR, which every command on an archive takes."""
    p.add_argument(
        "--archive", "-a", metavar="DIR",
        help="the archive folder (default: $XARCHIVE_ARCHIVE, else the demo archive)",
    )  # fmt: skip


def archive_path(args: argparse.Namespace) -> Path:
    """The archive a command works on: --archive, else $XARCHIVE_ARCHIVE, else the demo's."""
    if args.archive:
        return Path(args.archive)
    env = os.environ.get("XARCHIVE_ARCHIVE")
    if env:
        return Path(env)
    from ..core.paths import demo_archive_dir

    return demo_archive_dir()


def remedy_command(remedy: Remedy | None, archive: Path | None) -> str:
    """What the person types about an error whose remedy is `remedy`, as the end of its
    line (``run `xarchive reindex --archive A` to rebuild it``); "" when the message
    itself says what to do (close the other program, free space)."""
    import shlex  # only when there is an error to tell

    where = f" --archive {shlex.quote(str(archive))}" if archive is not None else ""
    if remedy == Remedy.REINDEX:
        return f"run `xarchive reindex{where}` to rebuild it"
    if remedy == Remedy.VERIFY:
        return f"run `xarchive verify{where}`"
    if remedy == Remedy.CREATE_ARCHIVE:
        folder = f" {shlex.quote(str(archive))}" if archive is not None else " DIR"
        return f"create an archive with `xarchive init{folder}`"
    return ""


def error_text(exc: XArchiveError, args: argparse.Namespace | None = None) -> str:
    """The error's message with its remedy as a command (on the archive the error names,
    else the one the command was given)."""
    given = getattr(args, "archive", None)
    archive = exc.archive or (Path(given) if given else None)
    command = remedy_command(exc.remedy, archive)
    return f"{exc}; {command}" if command else str(exc)


def index_line(state: ArchiveIndexState) -> str:
    """How the search index stands, and the command that brings it up to date."""
    if not state.health.ok:
        return f"{state.health.reason}; run `xarchive reindex` to rebuild it from the archive"
    if state.pending:
        return (
            f"{state.pending} of {state.items} items are not in the search index yet; "
            "run `xarchive reindex` (or import again) to add them"
        )
    if state.health.doc_count != state.items:
        return (
            f"the search index holds {state.health.doc_count} items but the archive "
            f"{state.items}; run `xarchive reindex` to rebuild it"
        )
    return "the search index is up to date"


@contextlib.contextmanager
def annotating(args: argparse.Namespace) -> Iterator[tuple[Archive, Annotations]]:
    """The archive open for writing, with its index, so that a change is searchable at once."""
    from ..core.annotate import Annotations
    from ..core.archive import Archive
    from ..core.indexing import open_index

    with Archive.open(archive_path(args)) as archive:
        index = None
        try:
            index = open_index(archive)
        except XArchiveError as exc:
            print(f"xarchive: warning: {error_text(exc, args)}; the change is saved and will "
                  "be found by search once the index is rebuilt", file=sys.stderr)  # fmt: skip
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


def item_label(item: Item) -> str:
    """An item as a line names it: #12 ‘Ministry confirms the ban’."""
    return f"#{item.id} ‘{item.title}’"


def short_uid(uid: str) -> str:
    """The first eight characters of an annotation's id, which `note --edit` accepts."""
    return uid.removeprefix("urn:uuid:")[:8]


def text_argument(words: Sequence[str]) -> str:
    """The words of a note, or stdin when they are a lone '-'."""
    text = " ".join(words)
    return sys.stdin.read() if text == "-" else text
