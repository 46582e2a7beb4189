"""The `xarchive` command: the app with no arguments, subcommands for scripted use.

Errors reach the person as one line on stderr (`xarchive: error: …`); the
traceback of an unexpected failure goes to the log file, whose path is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from . import __version__
from .core import paths as user_paths
from .core.archive import Archive
from .core.demo import DEMO_QUERY, ensure_demo_archive
from .core.errors import XArchiveError
from .core.importing import ImportOptions, ImportReport, import_paths
from .core.indexing import index_state, reindex
from .core.jobs import CancelToken, Progress
from .core.offline import forbid_network
from .core.search import SORTS, Searcher, SearchResults
from .core.store import items as item_store
from .core.store import runs
from .core.verify import verify

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# -- progress on a terminal ------------------------------------------------------


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


def _cancel_on_interrupt() -> CancelToken:
    """Ctrl+C asks the running job to stop cleanly (a second Ctrl+C is ignored)."""
    token = CancelToken()

    def handler(signum: int, frame: FrameType | None) -> None:
        token.cancel()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return token


# -- commands --------------------------------------------------------------------


def _archive_path(args: argparse.Namespace) -> Path:
    if args.archive:
        return Path(args.archive)
    env = os.environ.get("XARCHIVE_ARCHIVE")
    if env:
        return Path(env)
    return user_paths.demo_archive_dir()


def cmd_init(args: argparse.Namespace) -> int:
    with Archive.create(Path(args.directory), name=args.name or "") as archive:
        print(f"Created an empty archive in {archive.root}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    root = _archive_path(args)
    if args.create and not (root / "archive.sqlite").exists():
        Archive.create(root).close()
    bar = ProgressBar()
    cancel = _cancel_on_interrupt()
    options = ImportOptions(ocr=not args.no_ocr, workers=args.workers)
    with Archive.open(root) as archive:
        try:
            report = import_paths(archive, [Path(p) for p in args.paths], options, bar, cancel)
        finally:
            bar.finish()
    _print_import_report(report, verbose=args.verbose)
    if args.json:
        print(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
    if report.imported or report.skipped or not report.failed:
        return EXIT_OK
    return EXIT_FAILED


def _print_import_report(report: ImportReport, verbose: bool, out: TextIO = sys.stderr) -> None:
    state = {"completed": "Import finished", "cancelled": "Import cancelled"}.get(
        report.status, f"Import {report.status}"
    )
    print(
        f"{state}: {len(report.imported)} imported, {len(report.skipped)} skipped, "
        f"{len(report.failed)} failed (run #{report.run_id}).",
        file=out,
    )
    if verbose:
        for o in report.imported:
            print(f"  imported  #{o.item_id} {o.path}" + (f" ({o.reason})" if o.reason else ""),
                  file=out)  # fmt: skip
        for o in report.skipped:
            print(f"  skipped   {o.path}: {o.reason}", file=out)
    else:
        changed = [o for o in report.imported if o.reason]
        for o in changed:
            print(f"  {o.path}: {o.reason}", file=out)
    if report.failed:
        print("Failed:", file=out)
        for o in report.failed:
            print(f"  {o.path}: {o.reason}", file=out)
    by_warning: dict[str, list[str]] = {}
    for path, warning in report.warnings:
        by_warning.setdefault(warning, []).append(path)
    if by_warning:
        print("Warnings:", file=out)
    for warning, paths in by_warning.items():
        if len(paths) == 1:
            print(f"  {paths[0]}: {warning}", file=out)
        else:
            print(f"  {len(paths)} items: {warning}", file=out)
            for path in paths:
                print(f"    {path}", file=out)


def _report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "run_id": report.run_id,
        "status": report.status,
        "outcomes": [
            {
                "path": o.path,
                "status": o.status,
                "reason": o.reason,
                "item_id": o.item_id,
                "title": o.title,
                "warnings": list(o.warnings),
            }
            for o in report.outcomes
        ],
    }


def cmd_search(args: argparse.Namespace) -> int:
    with Archive.open(_archive_path(args), readonly=True) as archive:
        state = index_state(archive)
        searcher = Searcher(archive)
        try:
            results = searcher.search(
                args.query, limit=args.limit, offset=args.offset, sort=args.sort
            )
        finally:
            searcher.close()
        if not state.up_to_date:
            print(f"xarchive: warning: {state.describe()}", file=sys.stderr)
    if args.json:
        print(json.dumps(_results_json(results), ensure_ascii=False, indent=2))
    else:
        _print_results(results, args.sort)
    return EXIT_OK


def _results_json(results: SearchResults) -> dict[str, Any]:
    return {
        "query": results.query,
        "total": results.total,
        "offset": results.offset,
        "hits": [
            {
                "id": h.item.id,
                "sha256": h.item.sha256,
                "kind": h.item.kind,
                "title": h.item.title,
                "date": h.item.date,
                "published_at": h.item.published_at,
                "captured_at": h.item.captured_at,
                "author": h.item.author,
                "language": h.item.language,
                "source_url": h.item.source_url,
                "original_name": h.item.original_name,
                "score": round(h.score, 4),
                "snippet": None
                if h.snippet is None
                else {"page": h.snippet.page, "text": h.snippet.text, "marked": h.snippet.marked()},
            }
            for h in results.hits
        ],
        "facets": {name: dict(counts) for name, counts in results.facets.items()},
    }


def _print_results(results: SearchResults, sort: str) -> None:
    total = results.total
    noun = "item matches" if total == 1 else "items match"
    if not results.hits:
        print(f"No item matches ‘{results.query}’." if total == 0 else
              f"{total} {noun}; none at offset {results.offset}.")  # fmt: skip
        return
    first, last = results.offset + 1, results.offset + len(results.hits)
    print(f"{total} {noun} ‘{results.query}’ (showing {first}–{last}, by {sort})\n")
    for hit in results.hits:
        item = hit.item
        date = (item.date or "")[:10]
        who = f"  {item.author}" if item.author else ""
        print(f"#{item.id:<4} {item.kind:<8} {date:<10}  {item.title}{who}")
        if hit.snippet is not None:
            page = f"p.{hit.snippet.page}: " if item.page_count > 1 else ""
            text = textwrap.shorten(hit.snippet.marked("[", "]"), 200, placeholder=" …")
            print(f"      {page}{text}")
    shown = {k: v for k, v in results.facets.items() if v}
    if shown:
        print()
        for name, counts in shown.items():
            values = ", ".join(f"{value} ({count})" for value, count in counts[:8])
            print(f"  {name}: {values}")


def cmd_show(args: argparse.Namespace) -> int:
    with Archive.open(_archive_path(args), readonly=True) as archive:
        item = item_store.find_item(archive.db, args.item)
        pages = item_store.pages(archive.db, item.id)
        sources = item_store.sources(archive.db, item.id)
        run = runs.get_run(archive.db, item.import_run_id)
    if args.json:
        data = {
            **{k: getattr(item, k) for k in item.__dataclass_fields__},
            "warnings": list(item.warnings),
            "provenance": [
                s.__dict__
                if hasattr(s, "__dict__")
                else {"run_id": s.run_id, "path": s.path, "root": s.root, "seen_at": s.seen_at}
                for s in sources
            ],  # fmt: skip
            "pages": [{"page": p.page_no, "from_ocr": p.from_ocr, "text": p.text} for p in pages],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    rows = [
        ("Item", f"#{item.id}"),
        ("Title", item.title),
        ("Kind", f"{item.kind} ({item.media_type})"),
        ("Published", item.published_at or "—"),
        ("Captured", item.captured_at or "—"),
        ("Imported", item.imported_at),
        ("Author", item.author or "—"),
        ("Language", item.language or "—"),
        ("Source URL", item.source_url or "—"),
        ("Original", f"{item.original_name} ({item.size:,} bytes)"),
        ("SHA-256", item.sha256),
        ("Pages", str(item.page_count)),
        ("OCR", item.ocr_status),
        ("Import run", f"#{run.id} on {run.started_at} by {run.user_name or '—'}"),
    ]
    for label, value in rows:
        print(f"{label + ':':<12} {value}")
    print("Provenance:")
    for s in sources:
        print(f"  {s.seen_at}  run #{s.run_id}  {s.path}  (from {s.root})")
    for warning in item.warnings:
        print(f"Warning:     {warning}")
    if args.text:
        for p in pages:
            marker = " (OCR)" if p.from_ocr else ""
            print(f"\n--- page {p.page_no}{marker} ---\n{p.text}")
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    bar = ProgressBar()
    cancel = _cancel_on_interrupt()
    with Archive.open(_archive_path(args)) as archive:
        started = time.monotonic()
        try:
            count = reindex(archive, bar, cancel)
        finally:
            bar.finish()
    print(f"Rebuilt the search index: {count} items in {time.monotonic() - started:.1f} s.")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    bar = ProgressBar()
    cancel = _cancel_on_interrupt()
    with Archive.open(_archive_path(args), readonly=True) as archive:
        try:
            report = verify(archive, bar, cancel)
        finally:
            bar.finish()
    if report.cancelled:
        print("Verification cancelled.", file=sys.stderr)
        return EXIT_FAILED
    for p in report.problems:
        what = {"missing": "MISSING", "changed": "CHANGED", "unreadable": "UNREADABLE"}[p.problem]
        detail = f": {p.detail}" if p.detail else ""
        print(f"{what}  #{p.item_id} {p.original_name} ({p.sha256}){detail}")
    for sha in report.unreferenced:
        print(f"note: blob {sha} belongs to no item (left by an interrupted import)")
    if report.problems:
        print(f"{len(report.problems)} of {report.total} originals failed verification.")
        return EXIT_FAILED
    print(f"All {report.checked} originals verified: every SHA-256 matches.")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    with Archive.open(_archive_path(args), readonly=True) as archive:
        state = index_state(archive)
        counts = archive.db.execute(
            "SELECT kind, count(*) FROM items GROUP BY kind ORDER BY kind"
        ).fetchall()
        print(f"Archive:  {archive.name} ({archive.root})")
        print(f"Items:    {state.items}" + (
            " (" + ", ".join(f"{k} {n}" for k, n in counts) + ")" if counts else ""))  # fmt: skip
        print(f"Index:    {state.describe()}")
    return EXIT_OK if state.up_to_date else EXIT_FAILED


def cmd_demo(args: argparse.Namespace) -> int:
    bar = ProgressBar()
    try:
        root = ensure_demo_archive(progress=bar, rebuild=args.rebuild)
    finally:
        bar.finish()
    print(f"Demo archive: {root}")
    ns = argparse.Namespace(
        archive=str(root), query=args.query or DEMO_QUERY, limit=5, offset=0,
        sort="relevance", json=False,
    )  # fmt: skip
    return cmd_search(ns)


# -- parser and entry point --------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xarchive",
        description="An offline archive for documenting censorship and human-rights cases. "
        "With no command, opens the demo archive.",
    )
    parser.add_argument("--version", action="version", version=f"xarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def archive_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--archive", "-a", metavar="DIR",
            help="the archive folder (default: $XARCHIVE_ARCHIVE, else the demo archive)",
        )  # fmt: skip

    p = sub.add_parser("init", help="create an empty archive")
    p.add_argument("directory", metavar="DIR", help="a new or empty folder")
    p.add_argument("--name", help="a name for the archive (default: the folder's name)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import", help="import files and folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    archive_option(p)
    p.add_argument("--create", action="store_true", help="create the archive if it does not exist")
    p.add_argument("--no-ocr", action="store_true", help="do not OCR images and scanned pages")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes for extraction (default: one per CPU)")  # fmt: skip
    p.add_argument("--verbose", "-v", action="store_true", help="list every file's outcome")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "search",
        help="search the archive",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent(
            """\
            query language:
              words and "exact phrases"     court "national security"
              AND, OR, NOT, ( )             (block OR ban) NOT tiktok
              fields                        kind:document lang:ur author:khan tag:evidence
              dates                         date:2024-02-17  date:2024-02-01..2024-04-30
                                            date:>=2024-04  published:2024  captured:..2024-03
              prefix and fuzzy              censor*  judgement~
            """
        ),
    )
    p.add_argument("query", help="what to search for ('*' for everything)")
    archive_option(p)
    p.add_argument("--json", action="store_true", help="print results as JSON")
    p.add_argument("--limit", "-n", type=int, default=10, metavar="N", help="hits to show")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N hits")
    p.add_argument("--sort", choices=SORTS, default="relevance", help="order of the hits")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", help="show an item's metadata, provenance and text")
    p.add_argument("item", metavar="ID", help="item number, or SHA-256 (or a prefix of it)")
    archive_option(p)
    p.add_argument("--text", action="store_true", help="print the item's text, page by page")
    p.add_argument("--json", action="store_true", help="print everything as JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("reindex", help="rebuild the search index from the database")
    archive_option(p)
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser("verify", help="re-hash every original; report changed or missing ones")
    archive_option(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("status", help="what the archive holds and how its index stands")
    archive_option(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("demo", help="build the demo archive (once) and search it")
    p.add_argument("query", nargs="?", help=f"what to search for (default: {DEMO_QUERY})")
    p.add_argument("--rebuild", action="store_true", help="build the demo archive anew")
    p.set_defaults(func=cmd_demo)
    return parser


def _wants_app(argv: Sequence[str], parser: argparse.ArgumentParser) -> bool:
    """`xarchive` alone, or `xarchive PATH` with a folder that is not a command name."""
    if not argv:
        return True
    commands = set(_subcommands(parser))
    return len(argv) == 1 and argv[0] not in commands and not argv[0].startswith("-")


def _subcommands(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def run_app(argv: Sequence[str]) -> int:
    """Open the desktop app (on the demo archive, or on the archive in argv)."""
    try:
        from .gui.app import main as app_main
    except ImportError as exc:  # the GUI is not installed or Qt cannot load
        print(f"xarchive: the desktop app cannot start ({exc}); showing the demo instead",
              file=sys.stderr)  # fmt: skip
        if argv:
            raise XArchiveError(f"cannot open {argv[0]} without the desktop app") from exc
        return cmd_demo(argparse.Namespace(query=None, rebuild=False))
    return int(app_main(list(argv)))


def main(argv: Sequence[str] | None = None) -> int:
    forbid_network()
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if _wants_app(argv, parser):
            return run_app(argv)
    except XArchiveError as exc:
        print(f"xarchive: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except XArchiveError as exc:
        print(f"xarchive: error: {exc}", file=sys.stderr)
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
        log_path = user_paths.log_exception(exc)
        print(
            f"xarchive: unexpected error ({type(exc).__name__}: {exc}); details in {log_path}",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
