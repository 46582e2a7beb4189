"""The `xarchive` command: the app with no arguments, subcommands for scripted use.

Errors reach the person as one line on stderr (`xarchive: error: …`); the
traceback of an unexpected failure goes to the log file, whose path is shown.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import __version__, cli_bundles, cli_suggest
from .cli_shared import (
    EXIT_FAILED,
    EXIT_OK,
    ProgressBar,
    annotating,
    archive_path,
    cancel_on_interrupt,
)
from .core.errors import XArchiveError
from .core.offline import forbid_network

# Each command imports what it needs when it runs: `xarchive search` must not pay
# for the importers (trafilatura, pypdf, Pillow), language detection (py3langid,
# numpy) or Qt. tests/core/test_cli_startup.py checks it.
if TYPE_CHECKING:
    from .core.annotate import Annotations, Policy
    from .core.archive import Archive
    from .core.importing import ImportReport
    from .core.search import SearchResults
    from .core.store.items import Item

# -- commands --------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from .core.archive import Archive

    with Archive.create(Path(args.directory), name=args.name or "") as archive:
        print(f"Created an empty archive in {archive.root}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .core.archive import Archive
    from .core.errors import ImportAborted
    from .core.importing import ImportOptions, import_paths

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


def _print_import_report(report: ImportReport, verbose: bool, out: TextIO = sys.stderr) -> None:
    from .core.names import shown  # a name with a newline cannot forge a line

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


def cmd_search(args: argparse.Namespace) -> int:
    from .core.archive import Archive
    from .core.indexing import index_state
    from .core.search import Searcher

    with Archive.open(archive_path(args), readonly=True) as archive:
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
    from .core.archive import Archive
    from .core.store import items as item_store
    from .core.store import runs

    with Archive.open(archive_path(args), readonly=True) as archive:
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
        *_capture_rows(item.extra),
        ("Original", f"{item.original_name} ({item.size:,} bytes)"),
        ("SHA-256", item.sha256),
        ("Pages", str(item.page_count)),
        ("OCR", item.ocr_status),
        ("Import run", f"#{run.id} on {run.started_at} by {run.user_name or '—'}"),
    ]
    from .core.names import shown  # a field with a newline cannot forge a line

    for label, value in rows:
        print(f"{label + ':':<12} {shown(value)}")
    print("Provenance:")
    for s in sources:
        print(f"  {s.seen_at}  run #{s.run_id}  {shown(s.path)}  (from {shown(s.root)})")
    for warning in item.warnings:
        print(f"Warning:     {shown(warning)}")
    if args.text:
        for p in pages:
            marker = " (OCR)" if p.from_ocr else ""
            print(f"\n--- page {p.page_no}{marker} ---\n{p.text}")
    return EXIT_OK


def _capture_rows(extra: object) -> list[tuple[str, str]]:
    """Where in a web capture or e-mail the item was found, and what was checked there."""
    if not isinstance(extra, dict):
        return []
    labels = (("locator", "Found in"), ("digest_check", "Digest"), ("wacz_signature", "Signature"))
    return [(label, str(extra[key])) for key, label in labels if extra.get(key)]


def cmd_reindex(args: argparse.Namespace) -> int:
    from .core.archive import Archive
    from .core.indexing import reindex

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
    from .core.archive import Archive
    from .core.names import shown
    from .core.verify import verify

    bar = ProgressBar()
    cancel = cancel_on_interrupt()
    with Archive.open(archive_path(args), readonly=True) as archive:
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
        holder = f"#{p.item_id}" if p.holder == "item" else f"{p.holder} {p.item_id}"
        print(f"{what}  {holder} {p.original_name} ({p.sha256}){detail}")
    for sha in report.unreferenced:
        print(f"note: blob {sha} belongs to no item (left by an interrupted import)")
    custody = report.custody
    for problem in custody.problems if custody is not None else []:
        print(f"TAMPERED  {shown(problem)}")
    if report.problems:
        print(f"{len(report.problems)} of {report.total} originals failed verification.")
    if custody is not None and not custody.ok:
        print(f"The chain of custody is broken: {len(custody.problems)} problem(s) in "
              f"archive.sqlite (audit log of {custody.entries} entries).")  # fmt: skip
    if not report.ok:
        return EXIT_FAILED
    print(f"All {report.checked} originals verified: every SHA-256 matches.")
    if custody is not None:
        print(f"The chain of custody holds: {custody.entries} audit entries; {custody.rows} "
              "items, annotations, tags and links as sealed "
              f"(since {custody.started_at}).")  # fmt: skip
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from .core.archive import Archive
    from .core.indexing import index_state

    with Archive.open(archive_path(args), readonly=True) as archive:
        state = index_state(archive)
        counts = archive.db.execute(
            "SELECT kind, count(*) FROM items GROUP BY kind ORDER BY kind"
        ).fetchall()
        print(f"Archive:  {archive.name} ({archive.root})")
        print(f"Items:    {state.items}" + (
            " (" + ", ".join(f"{k} {n}" for k, n in counts) + ")" if counts else ""))  # fmt: skip
        print(f"Index:    {state.describe()}")
    return EXIT_OK if state.up_to_date else EXIT_FAILED


def cmd_properties(args: argparse.Namespace) -> int:
    """List the archive's properties, show one, or set one."""
    from .core import properties
    from .core.archive import Archive

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
        from .core.signing import load_key

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


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.demo import DEMO_QUERY, ensure_demo_archive

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


# -- annotations, tags and links ---------------------------------------------------


def _short(uid: str) -> str:
    return uid.removeprefix("urn:uuid:")[:8]


def _item_label(item: Item) -> str:
    return f"#{item.id} ‘{item.title}’"


def _text_argument(words: Sequence[str]) -> str:
    text = " ".join(words)
    return sys.stdin.read() if text == "-" else text


def cmd_note(args: argparse.Namespace) -> int:
    from .core.annotate import ItemTag, Link
    from .core.store import items as item_store

    with annotating(args) as (archive, notes):
        if args.delete:
            if args.words:
                raise XArchiveError("--delete takes only the annotation's id")
            found = notes.find(args.delete)
            if isinstance(found, ItemTag):
                assert found.item_id is not None
                notes.untag(found.item_id, found.name)
            elif isinstance(found, Link):
                notes.unlink(found.uid)
            else:
                notes.delete(found.uid)
            print(f"Deleted {_short(found.uid)}.")
            return EXIT_OK
        if args.edit:
            text = _text_argument(args.words)
            found = notes.find(args.edit)
            if isinstance(found, Link):
                notes.edit_link(found.uid, note=text)
            elif isinstance(found, ItemTag):
                raise XArchiveError(
                    "a tag has no note; rename the tag with `xarchive tag --rename`"
                )
            else:
                notes.edit(found.uid, note=text)
            print(f"Changed the note of {_short(found.uid)}.")
            return EXIT_OK
        if len(args.words) < 2:
            raise XArchiveError("give the item and the note's text: xarchive note ID TEXT")
        item = item_store.find_item(archive.db, args.words[0])
        note = notes.add_note(item.id, _text_argument(args.words[1:]))
        print(f"Added note {_short(note.uid)} to {_item_label(item)}.")
    return EXIT_OK


def cmd_highlight(args: argparse.Namespace) -> int:
    from .core.store import items as item_store

    with annotating(args) as (archive, notes):
        item = item_store.find_item(archive.db, args.item)
        mark = notes.highlight_quote(
            item.id, args.quote, page=args.page, note=args.note or "", colour=args.colour or "",
            occurrence=args.occurrence,
        )  # fmt: skip
        assert mark.span is not None
        print(f"Highlighted ‘{' '.join(mark.span.exact.split())}’ on page {mark.span.page} of "
              f"{_item_label(item)} ({_short(mark.uid)}).")  # fmt: skip
    return EXIT_OK


def cmd_region(args: argparse.Namespace) -> int:
    from .core.store import items as item_store

    with annotating(args) as (archive, notes):
        item = item_store.find_item(archive.db, args.item)
        region = notes.add_region(item.id, args.x, args.y, args.w, args.h, page=args.page,
                                  note=args.note or "")  # fmt: skip
        print(f"Added region note {_short(region.uid)} to {_item_label(item)}.")
    return EXIT_OK


def cmd_tag(args: argparse.Namespace) -> int:
    from .core.store import items as item_store

    words: list[str] = args.words
    with annotating(args) as (archive, notes):
        if args.rename:
            if len(words) != 2:
                raise XArchiveError("give the tag and its new name: xarchive tag --rename OLD NEW")
            tag = notes.rename_tag(words[0], words[1])
            print(f"Renamed the tag ‘{words[0]}’ to ‘{tag.name}’.")
        elif args.merge:
            if len(words) < 2:
                raise XArchiveError("give the tags to merge, then the tag to merge them into: "
                                    "xarchive tag --merge OLD... INTO")  # fmt: skip
            tag = notes.merge_tags(words[:-1], words[-1])
            count = len(notes.items_tagged(tag.name))
            print(f"Merged {', '.join(words[:-1])} into ‘{tag.name}’ ({count} items).")
        elif args.delete:
            if not words:
                raise XArchiveError("give the tags to delete: xarchive tag --delete TAG...")
            for name in words:
                count = notes.delete_tag(name)
                print(f"Deleted the tag ‘{name}’ (it was on {count} items).")
        else:
            if not words:
                raise XArchiveError("give an item and tags: xarchive tag ID TAG...")
            item = item_store.find_item(archive.db, words[0])
            if args.remove:
                if len(words) < 2:
                    raise XArchiveError("give the tags to remove: xarchive tag ID TAG... --remove")
                notes.untag(item.id, *words[1:])
            elif len(words) > 1:
                notes.tag(item.id, *words[1:])
            names = [t.name for t in notes.of_item(item.id).tags]
            print(f"{_item_label(item)}: {', '.join(names) if names else 'no tags'}")
    return EXIT_OK


def cmd_tags(args: argparse.Namespace) -> int:
    from .core.annotate import Annotations
    from .core.archive import Archive

    with Archive.open(archive_path(args), readonly=True) as archive:
        counts = Annotations(archive).tags()
    if args.json:
        print(json.dumps([{"tag": c.name, "items": c.count} for c in counts],
                         ensure_ascii=False, indent=2))  # fmt: skip
        return EXIT_OK
    if not counts:
        print("No tags yet. Tag an item with: xarchive tag ID TAG")
    width = max((len(c.name) for c in counts), default=0)
    for c in counts:
        print(f"{c.name:<{width}}  {c.count}")
    return EXIT_OK


def cmd_link(args: argparse.Namespace) -> int:
    from .core.annotate.service import clean_relation
    from .core.store import items as item_store

    with annotating(args) as (archive, notes):
        source = item_store.find_item(archive.db, args.item)
        target = item_store.find_item(archive.db, args.other)
        if args.remove:
            relation = clean_relation(args.relation)
            existing = [link for link in notes.of_item(source.id).links
                        if link.target_id == target.id and link.relation == relation]  # fmt: skip
            if not existing:
                raise XArchiveError(f"there is no link #{source.id} {relation} #{target.id}")
            notes.unlink(existing[0].uid)
            print(f"Removed the link #{source.id} {relation} #{target.id}.")
            return EXIT_OK
        link = notes.link(source.id, args.relation, target.id, note=args.note or "")
        print(f"Linked {_item_label(source)} {link.relation} {_item_label(target)} "
              f"({_short(link.uid)}).")  # fmt: skip
    return EXIT_OK


def cmd_annotations(args: argparse.Namespace) -> int:
    from .core.annotate import Annotations
    from .core.annotate.w3c import collection_jsonld
    from .core.archive import Archive
    from .core.store import items as item_store

    with Archive.open(archive_path(args), readonly=True) as archive:
        notes = Annotations(archive)
        if args.orphaned:
            return _print_orphaned(archive, notes, args.json)
        if not args.item:
            raise XArchiveError("give an item: xarchive annotations ID (or --orphaned)")
        item = item_store.find_item(archive.db, args.item)
        if args.json:
            everything = notes.jsonld(item.id, backlinks=True)
            label = f"Annotations on #{item.id} {item.title} (urn:sha256:{item.sha256})"
            print(json.dumps(collection_jsonld(everything, label), ensure_ascii=False, indent=2))
            return EXIT_OK
        found = notes.of_item(item.id)
        print(f"{_item_label(item)} ({item.kind})")
        if found.empty:
            print("No notes, highlights, regions, tags or links.")
            return EXIT_OK

        def title(item_id: int | None) -> str:
            if item_id is None:
                return "(a deleted item)"
            return _item_label(item_store.get_item(archive.db, item_id))

        def by(a: Any) -> str:
            return f"  — {a.creator}, {a.modified_at[:10]}"

        if found.tags:
            print("Tags:       " + ", ".join(t.name for t in found.tags))
        for a in found.notes:
            print(f"Note        [{_short(a.uid)}] {a.note}{by(a)}")
        for a in found.highlights:
            assert a.span is not None
            flag = "" if a.anchor == "ok" else f" ({a.anchor})"
            quote = textwrap.shorten(a.span.exact, 90, placeholder=" …")
            note = f": {a.note}" if a.note else ""
            print(f"Highlight   [{_short(a.uid)}] p.{a.span.page} “{quote}”{flag}{note}{by(a)}")
        for a in found.regions:
            assert a.box is not None
            b = a.box
            where = f"p.{b.page} " if b.page is not None else ""
            box = f"{where}x={b.x:g} y={b.y:g} {b.w:g}×{b.h:g}"
            print(f"Region      [{_short(a.uid)}] {box}: {a.note or '—'}{by(a)}")
        for link in found.links:
            note = f": {link.note}" if link.note else ""
            print(f"Link        [{_short(link.uid)}] {link.relation} {title(link.target_id)}{note}")
        for link in found.backlinks:
            note = f": {link.note}" if link.note else ""
            print(f"Backlink    [{_short(link.uid)}] {title(link.source_id)} {link.relation} "
                  f"this{note}")  # fmt: skip
    return EXIT_OK


def _print_orphaned(archive: Archive, notes: Annotations, as_json: bool) -> int:
    from .core.annotate.w3c import annotation_jsonld, collection_jsonld, link_jsonld, tagging_jsonld

    orphans = notes.orphaned()
    tags, links = notes.detached()
    if as_json:
        everything = [annotation_jsonld(a) for a in orphans]
        everything += [tagging_jsonld(t) for t in tags] + [link_jsonld(k) for k in links]
        print(json.dumps(collection_jsonld(everything, "Orphaned annotations"),
                         ensure_ascii=False, indent=2))  # fmt: skip
        return EXIT_OK
    if not (orphans or tags or links):
        print("No orphaned annotations.")

    def where(item_id: int | None, sha256: str) -> str:
        return f"#{item_id}" if item_id is not None else f"deleted item {sha256[:12]}"

    for a in orphans:
        what = a.span.exact if a.span is not None else a.note
        print(f"[{_short(a.uid)}] {a.kind} on {where(a.item_id, a.target_sha256)}: "
              f"{textwrap.shorten(what, 80, placeholder=' …')}")  # fmt: skip
    for t in tags:
        print(f"[{_short(t.uid)}] tag ‘{t.name}’ on {where(None, t.target_sha256)}")
    for k in links:
        print(f"[{_short(k.uid)}] link {where(k.source_id, k.source_sha256)} {k.relation} "
              f"{where(k.target_id, k.target_sha256)}")  # fmt: skip
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    from .core.annotate import delete_item
    from .core.archive import Archive
    from .core.errors import ItemHasAnnotations
    from .core.store import items as item_store

    policies: dict[str | None, Policy | None] = {
        None: None, "delete": "delete", "keep": "keep-orphaned",
    }  # fmt: skip
    with Archive.open(archive_path(args)) as archive:
        item = item_store.find_item(archive.db, args.item)
        try:
            done = delete_item(archive, item.id, policies[args.annotations], policies[args.links])
        except ItemHasAnnotations as exc:
            raise ItemHasAnnotations(
                f"{exc} (--annotations delete|keep, --links delete|keep)"
            ) from exc
    print(f"Deleted {_item_label(done.item)}.")
    if done.annotations or done.links:
        what = {"delete": "deleted", "keep-orphaned": "kept as orphaned"}
        if done.annotations:
            print(f"  Its annotations were {what[done.annotations]}.")
        if done.links:
            print(f"  Its links were {what[done.links]}.")
    if done.trashed is not None:
        print(f"  The original was moved to {done.trashed}.")
    return EXIT_OK


# -- parser and entry point --------------------------------------------------------


class _SearchSorts:
    """The orders of `search --sort`, read from core.search only when argparse checks a
    value or prints the help: `xarchive verify` must not load the search engine (numpy,
    Whoosh) to build its parser. Iterating is all argparse does with choices once a
    metavar is given."""

    @staticmethod
    def _sorts() -> tuple[str, ...]:
        from .core.search import SORTS

        return tuple(SORTS)

    def __contains__(self, value: object) -> bool:
        return value in self._sorts()

    def __iter__(self) -> Iterator[str]:
        return iter(self._sorts())


def build_parser() -> argparse.ArgumentParser:
    # What the help texts list, from modules that load nothing else.
    from .core.annotate.relations import RELATIONS
    from .core.demo import DEMO_QUERY

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
    p.add_argument("--follow-links", action="store_true",
                   help="follow symbolic links that lead out of the folders given")  # fmt: skip
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
    p.add_argument("--sort", choices=_SearchSorts(), default="relevance", metavar="ORDER",
                   help="order of the hits: %(choices)s")  # fmt: skip
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

    p = sub.add_parser(
        "properties",
        help="the archive's name, your name (the creator of your notes), and what its "
        "bundles say: list, show or set",
    )
    p.add_argument("key", nargs="?", metavar="KEY", help="name, user_name, "
                   "bundle_organization or bundle_description")  # fmt: skip
    p.add_argument("value", nargs="?", metavar="VALUE", help="the new value")
    archive_option(p)
    p.set_defaults(func=cmd_properties)

    p = sub.add_parser("demo", help="build the demo archive (once) and search it")
    p.add_argument("query", nargs="?", help=f"what to search for (default: {DEMO_QUERY})")
    p.add_argument("--rebuild", action="store_true", help="build the demo archive anew")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("note", help="add, edit or delete a note on an item",
                       description="Add a note to an item (TEXT '-' reads it from stdin); "
                       "or change or delete any annotation by its id.")  # fmt: skip
    p.add_argument("words", nargs="*", metavar="ID TEXT", help="the item, then the note's text")
    archive_option(p)
    p.add_argument("--edit", metavar="UID", help="change the note of this annotation to TEXT")
    p.add_argument("--delete", metavar="UID", help="delete this annotation (note, highlight, …)")
    p.set_defaults(func=cmd_note)

    p = sub.add_parser("highlight", help="highlight a passage of an item's text",
                       description="Find QUOTE in the item's text (line breaks and quote marks "
                       "need not match) and highlight it.")  # fmt: skip
    p.add_argument("item", metavar="ID", help="item number, or SHA-256 (or a prefix of it)")
    p.add_argument("--quote", "-q", required=True, help="the passage to highlight")
    p.add_argument("--page", type=int, metavar="N", help="the page it is on (default: any)")
    p.add_argument("--note", help="a note on the highlight")
    p.add_argument("--colour", "--color", help="a colour name or #rrggbb")
    p.add_argument("--occurrence", type=int, default=1, metavar="N",
                   help="the Nth time the passage appears on the page (default: 1)")  # fmt: skip
    archive_option(p)
    p.set_defaults(func=cmd_highlight)

    p = sub.add_parser("region", help="note on a region of an image or a PDF page",
                       description="X Y W H in pixels of the image, or in PDF points of the "
                       "page, from its top-left corner.")  # fmt: skip
    p.add_argument("item", metavar="ID", help="item number, or SHA-256 (or a prefix of it)")
    for name in ("x", "y", "w", "h"):
        p.add_argument(name, type=float, metavar=name.upper())
    p.add_argument("--page", type=int, metavar="N", help="the PDF page")
    p.add_argument("--note", help="what the region shows")
    archive_option(p)
    p.set_defaults(func=cmd_region)

    p = sub.add_parser("tag", help="tag items; rename, merge or delete tags",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog=textwrap.dedent("""\
                           examples:
                             xarchive tag 12 evidence court     tag item 12
                             xarchive tag 12 court --remove     take a tag off item 12
                             xarchive tag 12                    list item 12's tags
                             xarchive tag --rename Court court-papers
                             xarchive tag --merge proof evidence   merge 'proof' into 'evidence'
                             xarchive tag --delete draft
                           """))  # fmt: skip
    p.add_argument("words", nargs="*", metavar="ID TAG", help="an item and tags (see below)")
    archive_option(p)
    action = p.add_mutually_exclusive_group()
    action.add_argument("--remove", action="store_true", help="take the tags off the item")
    action.add_argument("--rename", action="store_true", help="rename tag OLD to NEW")
    action.add_argument("--merge", action="store_true",
                        help="merge tags OLD... into the last one named")  # fmt: skip
    action.add_argument("--delete", action="store_true", help="delete tags from every item")
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("tags", help="list the tags with the number of items carrying each")
    archive_option(p)
    p.add_argument("--json", action="store_true", help="print them as JSON")
    p.set_defaults(func=cmd_tags)

    p = sub.add_parser("link", help="link two items: ID RELATION OTHER_ID",
                       description="Link an item to another: cites, shows, replies-to, same-"
                       "event, contradicts, duplicate-of, or any relation you type.")  # fmt: skip
    p.add_argument("item", metavar="ID", help="the item the link goes from")
    p.add_argument("relation", metavar="RELATION", help=", ".join(RELATIONS) + " or free text")
    p.add_argument("other", metavar="OTHER_ID", help="the item the link goes to")
    p.add_argument("--note", help="a note on the link")
    p.add_argument("--remove", action="store_true", help="remove this link")
    archive_option(p)
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("annotations", help="an item's notes, highlights, regions, tags and links")
    p.add_argument("item", metavar="ID", nargs="?", help="item number, or SHA-256 (or a prefix)")
    archive_option(p)
    p.add_argument("--json", action="store_true", help="print W3C Web Annotation JSON-LD")
    p.add_argument("--orphaned", action="store_true",
                   help="list annotations whose item or text is gone")  # fmt: skip
    p.set_defaults(func=cmd_annotations)

    p = sub.add_parser("delete", help="delete an item (its original goes to the archive's trash/)",
                       description="Delete an item. If it has annotations or links, say what "
                       "becomes of them; kept ones stay as orphaned annotations.")  # fmt: skip
    p.add_argument("item", metavar="ID", help="item number, or SHA-256 (or a prefix of it)")
    p.add_argument(
        "--annotations",
        choices=("delete", "keep"),
        help="delete its notes, highlights, regions and tags, or keep them orphaned",
    )
    p.add_argument("--links", choices=("delete", "keep"),
                   help="delete the links to and from it, or keep them orphaned")  # fmt: skip
    archive_option(p)
    p.set_defaults(func=cmd_delete)

    # commands kept in their own modules
    cli_bundles.add_commands(sub, archive_option)
    cli_suggest.add_commands(sub, archive_option)
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
        from .core.paths import log_exception

        log_path = log_exception(exc)
        print(
            f"xarchive: unexpected error ({type(exc).__name__}: {exc}); details in {log_path}",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
