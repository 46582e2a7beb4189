"""Commands on the archive as a whole: init, reindex, verify, status, properties."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .shared import (
    EXIT_FAILED,
    EXIT_OK,
    Commands,
    ProgressBar,
    add_archive_option,
    archive_path,
    cancel_on_interrupt,
    index_line,
)


def add_init(commands: Commands) -> None:
    p = commands.add("init", help="create an empty archive")
    p.add_argument("directory", metavar="DIR", help="a new or empty folder")
    p.add_argument("--name", help="a name for the archive (default: the folder's name)")
    p.set_defaults(func=cmd_init)


def add_reindex(commands: Commands) -> None:
    p = commands.add("reindex", help="rebuild the search index from the database")
    add_archive_option(p)
    p.set_defaults(func=cmd_reindex)


def add_verify(commands: Commands) -> None:
    p = commands.add("verify", help="re-hash every original; report changed or missing ones")
    add_archive_option(p)
    # Nothing is left to finish once it has printed: the archive is closed, the process
    # that hashed the blobs ended and waited for, the thread that read its findings too.
    p.set_defaults(func=cmd_verify, ends_at_once=True)


def add_status(commands: Commands) -> None:
    p = commands.add("status", help="what the archive holds and how its index stands")
    add_archive_option(p)
    p.set_defaults(func=cmd_status)


def add_properties(commands: Commands) -> None:
    p = commands.add(
        "properties",
        help="the archive's name, your name (the creator of your notes), and what its "
        "bundles say: list, show or set",
    )
    p.add_argument("key", nargs="?", metavar="KEY", help="name, user_name, "
                   "bundle_organization or bundle_description")  # fmt: skip
    p.add_argument("value", nargs="?", metavar="VALUE", help="the new value")
    add_archive_option(p)
    p.set_defaults(func=cmd_properties)


def cmd_init(args: argparse.Namespace) -> int:
    from ..core.archive import Archive

    with Archive.create(Path(args.directory), name=args.name or "") as archive:
        print(f"Created an empty archive in {archive.root}")
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    from ..core.archive import Archive
    from ..core.indexing import reindex

    bar = ProgressBar()
    cancel = cancel_on_interrupt()
    with Archive.open(archive_path(args)) as archive:
        started = time.monotonic()
        try:
            count = reindex(archive, bar, cancel)
        finally:
            bar.finish()
    print(f"Rebuilt the search index: {count} items in {time.monotonic() - started:.1f} s.")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from ..core.verify import verify_at

    bar = ProgressBar()
    cancel = cancel_on_interrupt()
    try:
        report = verify_at(archive_path(args), bar, cancel)
    finally:
        bar.finish()
    if report.cancelled:
        print("Verification cancelled.", file=sys.stderr)
        return EXIT_FAILED
    for p in report.problems:
        what = {"missing": "MISSING", "changed": "CHANGED", "unreadable": "UNREADABLE"}[p.problem]
        detail = f": {p.detail}" if p.detail else ""
        holder = f"#{p.item_id}" if p.holder == "item" else f"{p.holder} {p.item_id}"
        print(f"{what}  {holder} {p.original_name} ({p.sha256}){detail}")
    for sha in report.unreferenced:
        print(f"note: blob {sha} belongs to no item (left by an interrupted import)")
    custody = report.custody
    if custody is not None and not custody.ok:
        from ..core.names import shown  # only then: it loads unicodedata

        for problem in custody.problems:
            print(f"TAMPERED  {shown(problem)}")
    if report.problems:
        print(f"{len(report.problems)} of {report.total} originals failed verification.")
    if custody is not None and not custody.ok:
        from ..core.wording import counted

        print(f"The chain of custody is broken: {counted(len(custody.problems), 'problem')} in "
              f"archive.sqlite (audit log of {custody.entries} entries).")  # fmt: skip
    if not report.ok:
        return EXIT_FAILED
    print(f"All {report.checked} originals verified: every SHA-256 matches.")
    if custody is not None:
        print(f"The chain of custody holds: {custody.entries} audit entries; {custody.rows} "
              f"rows as sealed (since {custody.started_at}): "
              f"{', '.join(custody.sealed)}.")  # fmt: skip
        if custody.extended_at:
            print(f"The seal was extended on {custody.extended_at}: "
                  f"{custody.extended_note}.")  # fmt: skip
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from ..core.archive import Archive
    from ..core.indexing import index_state

    with Archive.open(archive_path(args), readonly=True) as archive:
        state = index_state(archive)
        counts = archive.kind_counts()
        print(f"Archive:  {archive.name} ({archive.root})")
        print(f"Items:    {state.items}" + (
            " (" + ", ".join(f"{k} {n}" for k, n in counts) + ")" if counts else ""))  # fmt: skip
        print(f"Index:    {index_line(state)}")
    return EXIT_OK if state.up_to_date else EXIT_FAILED


def cmd_properties(args: argparse.Namespace) -> int:
    """List the archive's properties, show one, or set one."""
    from ..core import properties
    from ..core.archive import Archive

    if args.value is None:
        with Archive.open(archive_path(args), readonly=True) as archive:
            values = properties.read(archive)
        if args.key is not None:
            properties.clean(args.key, "x")  # an unknown key says which ones there are
            print(values[args.key])
            return EXIT_OK
        width = max(len(p.key) for p in properties.PROPERTIES)
        for prop in properties.PROPERTIES:
            shown = values[prop.key] or "—"
            print(f"{prop.key:<{width}}  {shown}")
            print(f"{'':<{width}}  {prop.help}")
        from ..core.signing import load_key

        key = load_key(create=False)
        mark = key.fingerprint if key else "— (made on the first export)"
        print(f"{'signing key':<{width}}  {mark}")
        print(f"{'':<{width}}  the fingerprint of your Ed25519 key, which signs your bundles: "
              "give it to whoever checks them")  # fmt: skip
        return EXIT_OK
    with Archive.open(archive_path(args)) as archive:
        changed = properties.write(archive, {args.key: args.value})
    print(f"{args.key}: {'changed' if changed else 'unchanged'}")
    return EXIT_OK
