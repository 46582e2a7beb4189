"""The `xarchive` command: the app with no arguments, subcommands for scripted use.

Errors reach the person as one line on stderr (`xarchive: error: …`); the
traceback of an unexpected failure goes to the log file, whose path is shown.

The rooms: parser.py (every subcommand, in the help's order), shared.py (exit codes,
progress, Ctrl+C, the archive to open), and one module per group of commands —
archive.py (init, reindex, verify, status, properties), importing.py (import),
search.py (search, show, demo), annotate.py (notes, highlights, regions, tags, links,
delete), bundles.py (export, verify-bundle, import-bundle), suggest.py (suggestions).
Each command imports what it needs when it runs: `xarchive search` must not pay for
the importers (trafilatura, pypdf, Pillow), language detection (py3langid) or Qt.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from ..core.errors import XArchiveError
from ..core.offline import forbid_network
from .parser import NAMES, Parser, build_parser
from .shared import EXIT_FAILED, EXIT_OK, end_process, error_text

__all__ = ["build_parser", "main", "run_app"]


def _wants_app(argv: Sequence[str], parser: Parser) -> bool:
    """`xarchive` alone, or `xarchive PATH` with a folder that is not a command name."""
    if not argv:
        return True
    return len(argv) == 1 and argv[0] not in parser.commands and not argv[0].startswith("-")


def run_app(argv: Sequence[str]) -> int:
    """Open the desktop app (on the demo archive, or on the archive in argv)."""
    try:
        from ..gui.app import main as app_main
    except ImportError as exc:  # the GUI is not installed or Qt cannot load
        print(f"xarchive: the desktop app cannot start ({exc}); showing the demo instead",
              file=sys.stderr)  # fmt: skip
        if argv:
            raise XArchiveError(f"cannot open {argv[0]} without the desktop app") from exc
        from .search import cmd_demo

        return cmd_demo(argparse.Namespace(query=None, rebuild=False))
    return int(app_main(list(argv)))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in `argv`; its exit code. Without `argv`, the command line's, as
    the entry point runs it: a command that asks (`ends_at_once`) then ends the
    process itself as soon as it is done (shared.py `end_process`)."""
    forbid_network()
    program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv and argv[0] in NAMES else None)
    try:
        if _wants_app(argv, parser):
            return run_app(argv)
    except XArchiveError as exc:
        print(f"xarchive: error: {error_text(exc)}", file=sys.stderr)
        return EXIT_FAILED
    args = parser.parse_args(argv)
    code = _run(args)
    if program and code == EXIT_OK and getattr(args, "ends_at_once", False):
        end_process(code)
    if program:
        # The process ends with the command: what it made is freed as the interpreter
        # shuts down, as ever, but the cyclic collector no longer walks it all there
        # first. After an import that walk was most of the time from its last line to
        # the end of the process (95-155 ms of it; 16-24 ms frozen).
        gc.freeze()
    return code


def _run(args: argparse.Namespace) -> int:
    """The command's exit code; its errors told in one line (the unexpected ones logged)."""
    try:
        return int(args.func(args))
    except XArchiveError as exc:
        print(f"xarchive: error: {error_text(exc, args)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("xarchive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        name = f" ‘{exc.filename}’" if exc.filename else ""
        print(f"xarchive: error:{name} {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        from ..core.paths import log_exception

        log_path = log_exception(exc)
        print(
            f"xarchive: unexpected error ({type(exc).__name__}: {exc}); details in {log_path}",
            file=sys.stderr,
        )
        return EXIT_FAILED
