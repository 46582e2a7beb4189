"""Commands for bundles (registered by parser.py).

xarchive export (QUERY | --tag T | --ids 1,2) --out FILE [--folder|--zip] [--no-context]
                [--no-notes] [--organization ORG] [--description TEXT]
xarchive verify-bundle FILE [--json]
xarchive import-bundle FILE [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .shared import (
    EXIT_OK,
    EXIT_USAGE,
    Commands,
    ProgressBar,
    add_archive_option,
    archive_path,
    cancel_on_interrupt,
)

EXIT_REFUSED = 1


def add_export(commands: Commands) -> None:
    p = commands.add(
        "export",
        help="export items as a bundle (a BagIt bag with an offline report)",
        description="Export a search's hits, a tag's items or chosen items as a BagIt bundle: "
        "the originals, their metadata, annotations as W3C JSON-LD and a static HTML report.",
    )
    p.add_argument("query", nargs="?", help="a search query ('*' for everything)")
    p.add_argument("--tag", help="export the items with this tag")
    p.add_argument("--ids", action="append", metavar="1,2,…", help="export these item ids")
    p.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="FILE",
        help="the bundle to write: NAME.xbundle.zip for a zip (desktops then open it in "
        "xarchive; any NAME.zip makes a zip), any other name for a folder",
    )
    form = p.add_mutually_exclusive_group()
    form.add_argument(
        "--zip",
        dest="zipped",
        action="store_const",
        const=True,
        help="write a zip (the default when FILE ends in .zip)",
    )
    form.add_argument(
        "--folder",
        dest="zipped",
        action="store_const",
        const=False,
        help="write a folder (the default otherwise)",
    )
    p.add_argument(
        "--no-context",
        action="store_true",
        help="leave out linked items that are not in the selection",
    )
    p.add_argument(
        "--no-notes",
        action="store_true",
        help="leave out the notes (on items, highlights, regions and links)",
    )
    p.add_argument(
        "--organization",
        metavar="ORG",
        help="Source-Organization (default: the archive's bundle_organization)",
    )
    p.add_argument(
        "--description",
        metavar="TEXT",
        help="External-Description (default: the archive's bundle_description)",
    )
    add_archive_option(p)
    p.set_defaults(func=cmd_export)


def add_verify_bundle(commands: Commands) -> None:
    p = commands.add("verify-bundle", help="check every checksum of a bundle")
    p.add_argument("bundle", metavar="FILE", help="a bundle: a .zip or a folder")
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    p.add_argument("--against", metavar="ARCHIVE",
                   help="also check that this archive's audit log still holds the entry the "
                   "bundle recorded as its chain's head (it was not rewritten since)")  # fmt: skip
    p.set_defaults(func=cmd_verify_bundle)


def add_import_bundle(commands: Commands) -> None:
    p = commands.add("import-bundle", help="verify a bundle and merge it into the archive")
    p.add_argument("bundle", metavar="FILE", help="a bundle: a .zip or a folder")
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    add_archive_option(p)
    p.set_defaults(func=cmd_import_bundle)


def cmd_export(args: argparse.Namespace) -> int:
    from ..core.archive import Archive
    from ..core.bundles import (
        ExportOptions,
        default_zipped,
        export_bundle,
        export_ids,
        select_items,
    )

    chosen = [x for x in (args.query, args.tag, args.ids) if x is not None]
    if len(chosen) != 1:
        print("xarchive: error: give exactly one of: a QUERY, --tag or --ids", file=sys.stderr)
        return EXIT_USAGE
    try:
        ids = export_ids(args.ids) if args.ids is not None else None
    except ValueError as exc:
        print(f"xarchive: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    options = ExportOptions(
        zipped=default_zipped(out) if args.zipped is None else args.zipped,
        notes=not args.no_notes,
        organization=args.organization,
        description=args.description,
    )
    bar = ProgressBar()
    cancel = cancel_on_interrupt()
    with Archive.open(archive_path(args), readonly=True) as archive:
        selection = select_items(
            archive, query=args.query, tag=args.tag, ids=ids, context=not args.no_context
        )
        try:
            report = export_bundle(archive, selection, out, options, bar, cancel)
        finally:
            bar.finish()
    context = f" and {report.context} linked for context" if report.context else ""
    print(
        f"Exported {report.items} items{context} to {report.path} "
        f"({report.files} files, {report.bytes} bytes, {report.annotations} annotations, "
        f"notes {'included' if options.notes else 'left out'}) in {report.seconds:.1f} s."
    )
    return EXIT_OK


def cmd_verify_bundle(args: argparse.Namespace) -> int:
    from ..core.bundles import BundleRejected, verify_bundle
    from ..core.wording import counted

    bar = ProgressBar()
    cancel = cancel_on_interrupt()
    try:
        try:
            check = verify_bundle(Path(args.bundle), bar, cancel)
        finally:
            bar.finish()
    except BundleRejected as exc:
        return _refused(exc, args.json)
    if args.json:
        print(json.dumps(check.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in check.problems():
            print(line)
        print(f"Signature: {check.signature.describe()}")
    if args.against:
        from ..core.archive import Archive
        from ..core.bundles.layout import info_value

        head = info_value(check.info, "X-Xarchive-Custody-Head")
        with Archive.open(Path(args.against), readonly=True) as archive:
            held = archive.holds_head(head) if head else None
        if held is None:
            print("Custody: the bundle records no head of an archive's chain of custody.")
        elif held:
            print(f"Custody: {args.against} still holds the entry #{head.split()[0]} the bundle "
                  "recorded: its audit log was not rewritten up to the export.")  # fmt: skip
        else:
            print(f"Custody: {args.against} does NOT hold the entry #{head.split()[0]} the "
                  "bundle recorded: its audit log was rewritten since the export (or the "
                  "bundle comes from another archive).")  # fmt: skip
            return EXIT_REFUSED
    if not check.ok:
        print(f"The bundle ‘{check.bundle}’ FAILED verification: "
              f"{counted(len(check.problems()), 'problem')}.", file=sys.stderr)  # fmt: skip
        return EXIT_REFUSED
    sums = " and ".join(a.upper() for a in check.algorithms) or "checksum"
    has_oxum = any(label.lower() == "payload-oxum" for label, _ in check.info)
    oxum = " and the Payload-Oxum" if has_oxum else ""
    print(f"The bundle ‘{check.bundle}’ is intact: {check.files} files, {check.bytes} bytes, "
          f"every {sums}{oxum} match.", file=sys.stderr)  # fmt: skip
    return EXIT_OK


def cmd_import_bundle(args: argparse.Namespace) -> int:
    from ..core.archive import Archive
    from ..core.bundles import BundleRejected, import_bundle

    bar = ProgressBar()
    cancel = cancel_on_interrupt()
    with Archive.open(archive_path(args)) as archive:
        try:
            try:
                report = import_bundle(archive, Path(args.bundle), bar, cancel)
            finally:
                bar.finish()
        except BundleRejected as exc:
            return _refused(exc, args.json, imported=True)
    if report.foreign:
        print(f"Imported the files of the bag ‘{report.bundle}’ (a bag of another tool, with "
              f"no xarchive metadata; run #{report.run_id}): {len(report.added)} new items, "
              f"{len(report.merged)} already here, {len(report.failed)} could not be "
              "imported.")  # fmt: skip
        for line in report.failed:
            print(f"  {line}", file=sys.stderr)
        print(f"The bag is {report.signature}.")
        return EXIT_OK
    by = f", exported by {report.exported_by}" if report.exported_by else ""
    on = f" on {report.exported_at}" if report.exported_at else ""
    where = f" from ‘{report.source_archive}’" if report.source_archive else ""
    print(
        f"Imported the bundle ‘{report.bundle}’{where}{by}{on} (run #{report.run_id}): "
        f"{len(report.added)} new items, {len(report.merged)} already here (provenance added), "
        f"{report.annotations} new annotations, tags and links, in {report.seconds:.1f} s."
    )
    print(f"The bundle is {report.signature}.")
    if report.unindexed:
        print("xarchive: warning: the search index could not be updated; run "
              "`xarchive reindex`", file=sys.stderr)  # fmt: skip
    if args.json:
        print(json.dumps({
            "bundle": report.bundle, "ok": True, "run_id": report.run_id,
            "added": report.added, "merged": report.merged,
            "annotations": report.annotations, "exported_by": report.exported_by,
            "exported_at": report.exported_at, "source_archive": report.source_archive,
        }, ensure_ascii=False, indent=2))  # fmt: skip
    return EXIT_OK


def _refused(exc: Any, as_json: bool, imported: bool = False) -> int:
    """Say why the bundle was refused (on stdout too, as JSON, with --json)."""
    if as_json:
        print(json.dumps({"bundle": exc.bundle, "ok": False, "refused": exc.problems},
                         ensure_ascii=False, indent=2))  # fmt: skip
    tail = "; nothing was imported" if imported else ""
    print(f"xarchive: error: the bundle ‘{exc.bundle}’ was refused{tail}:", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_REFUSED
