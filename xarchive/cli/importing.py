"""`xarchive import`: files and folders into the archive, and the report of what became of each."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .shared import (
    EXIT_FAILED,
    EXIT_OK,
    Commands,
    ProgressBar,
    add_archive_option,
    archive_path,
    cancel_on_interrupt,
)

if TYPE_CHECKING:
    from ..core.importing import ImportReport


def add_import(commands: Commands) -> None:
    p = commands.add("import", help="import files and folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    add_archive_option(p)
    p.add_argument("--create", action="store_true", help="create the archive if it does not exist")
    p.add_argument("--no-ocr", action="store_true", help="do not OCR images and scanned pages")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes for extraction (default: one per CPU)")  # fmt: skip
    p.add_argument("--verbose", "-v", action="store_true", help="list every file's outcome")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.add_argument("--follow-links", action="store_true",
                   help="follow symbolic links that lead out of the folders given")  # fmt: skip
    p.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    if args.workers != 0:
        from ..core import lifeline

        # first: the workers' fork server imports the importers while this process
        # imports the core, on the other core
        lifeline.start_import_workers(ocr=not args.no_ocr)
    from ..core.archive import Archive
    from ..core.errors import ImportAborted
    from ..core.importing import ImportOptions, import_paths

    root = archive_path(args)
    if args.create and not (root / "archive.sqlite").exists():
        Archive.create(root).close()
    bar = ProgressBar()
    cancel = cancel_on_interrupt()
    options = ImportOptions(
        ocr=not args.no_ocr, workers=args.workers, follow_links=args.follow_links
    )
    with Archive.open(root) as archive:
        try:
            report = import_paths(archive, [Path(p) for p in args.paths], options, bar, cancel)
        except ImportAborted as exc:  # a full disk: what was kept, then why it stopped
            bar.finish()
            if exc.report is not None:
                _print_import_report(exc.report, verbose=args.verbose)
            raise
        finally:
            bar.finish()
    _print_import_report(report, verbose=args.verbose)
    if args.json:
        print(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
    if report.imported or report.skipped or not report.failed:
        return EXIT_OK
    return EXIT_FAILED


def _print_import_report(report: ImportReport, verbose: bool, out: TextIO | None = None) -> None:
    from ..core.names import shown  # a name with a newline cannot forge a line
    from ..core.wording import import_counts

    out = out or sys.stderr

    state = {"completed": "Import finished", "cancelled": "Import cancelled"}.get(
        report.status, f"Import {report.status}"
    )
    print(
        f"{state}: {import_counts(report)} (run #{report.run_id}).",
        file=out,
    )
    if report.containers:  # what each file of posts held: posts, accounts, events, counts
        print("Files of posts:", file=out)
        for o in report.containers:
            print(f"  {shown(o.path)}: {shown(o.reason or o.title)}", file=out)
    if verbose:
        for o in report.imported:
            print(f"  imported  #{o.item_id} {shown(o.path)}"
                  + (f" ({shown(o.reason)})" if o.reason else ""),
                  file=out)  # fmt: skip
        for o in report.skipped:
            print(f"  skipped   {shown(o.path)}: {shown(o.reason)}", file=out)
    else:
        changed = [o for o in report.imported if o.reason]
        for o in changed:
            print(f"  {shown(o.path)}: {shown(o.reason)}", file=out)
        if report.links_not_followed:
            print("Not followed:", file=out)
        for o in report.links_not_followed:
            print(f"  {shown(o.path)}: {shown(o.reason)}", file=out)
    if report.failed:
        print("Failed:", file=out)
        for o in report.failed:
            print(f"  {shown(o.path)}: {shown(o.reason)}", file=out)
    by_warning: dict[str, list[str]] = {}
    for path, warning in report.warnings:
        by_warning.setdefault(warning, []).append(path)
    if by_warning:
        print("Warnings:", file=out)
    for warning, paths in by_warning.items():
        if len(paths) == 1:
            print(f"  {shown(paths[0])}: {shown(warning)}", file=out)
        else:
            print(f"  {len(paths)} items: {shown(warning)}", file=out)
            for path in paths:
                print(f"    {shown(path)}", file=out)


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
