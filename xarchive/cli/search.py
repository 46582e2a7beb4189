"""Reading commands: search, show, and the demo (which builds the demo archive, then searches it).

`xarchive search` is timed against `recollq` (issue 10): this module and the parser
import nothing beyond the standard library until the command runs, and then only
the archive and the search (tests/core/test_cli_startup.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .shared import (
    EXIT_OK,
    Commands,
    ProgressBar,
    RawDescriptionHelpFormatter,
    add_archive_option,
    archive_path,
    index_line,
)

if TYPE_CHECKING:
    from ..core.search import SearchResults


class _SearchSorts:
    """The orders of `search --sort`, read from core.search only when argparse checks a
    value or prints the help: `xarchive verify` must not load the search engine (numpy,
    Whoosh) to build its parser. Iterating is all argparse does with choices once a
    metavar is given."""

    @staticmethod
    def _sorts() -> tuple[str, ...]:
        from ..core.search import SORTS

        return tuple(SORTS)

    def __contains__(self, value: object) -> bool:
        return value in self._sorts()

    def __iter__(self) -> Iterator[str]:
        return iter(self._sorts())


def add_search(commands: Commands) -> None:
    p = commands.add(
        "search",
        help="search the archive",
        formatter_class=RawDescriptionHelpFormatter,
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
    add_archive_option(p)
    p.add_argument("--json", action="store_true", help="print results as JSON")
    p.add_argument("--limit", "-n", type=int, default=10, metavar="N", help="hits to show")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N hits")
    p.add_argument("--sort", choices=_SearchSorts(), default="relevance", metavar="ORDER",
                   help="order of the hits: %(choices)s")  # fmt: skip
    # a read-only search leaves nothing to finish: no thread, worker, log or file
    p.set_defaults(func=cmd_search, ends_at_once=True)


def add_show(commands: Commands) -> None:
    p = commands.add("show", help="show an item's metadata, provenance and text")
    p.add_argument("item", metavar="ID", help="item number, or SHA-256 (or a prefix of it)")
    add_archive_option(p)
    p.add_argument("--text", action="store_true", help="print the item's text, page by page")
    p.add_argument("--json", action="store_true", help="print everything as JSON")
    p.set_defaults(func=cmd_show, ends_at_once=True)


def add_demo(commands: Commands) -> None:
    from ..core.demo import DEMO_QUERY  # a module that loads nothing else

    p = commands.add("demo", help="build the demo archive (once) and search it")
    p.add_argument("query", nargs="?", help=f"what to search for (default: {DEMO_QUERY})")
    p.add_argument("--rebuild", action="store_true", help="build the demo archive anew")
    p.set_defaults(func=cmd_demo)


def cmd_search(args: argparse.Namespace) -> int:
    from ..core.archive import Archive
    from ..core.indexing import index_state
    from ..core.search import Searcher

    with Archive.open(archive_path(args), readonly=True) as archive:
        searcher = Searcher(archive)
        try:
            results = searcher.search(
                args.query, limit=args.limit, offset=args.offset, sort=args.sort
            )
            state = index_state(archive)  # the kept searcher counts: no second opening
        finally:
            searcher.close()
        if not state.up_to_date:
            print(f"xarchive: warning: {index_line(state)}", file=sys.stderr)
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
                # a version of an edited post: the versions share `group` (its first's id)
                "version": None
                if h.version is None
                else {
                    "group": h.version.group,
                    "number": h.version.number,
                    "total": h.version.total,
                },  # fmt: skip
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
        if hit.version is not None:
            print(f"      version {hit.version.number} of {hit.version.total} of an edited post "
                  f"(first {hit.version.group})")  # fmt: skip
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
    from ..core.archive import Archive

    with Archive.open(archive_path(args), readonly=True) as archive:
        item = archive.find_item(args.item)
        pages = archive.pages(item.id)
        sources = archive.sources(item.id)
        run = archive.import_run(item.import_run_id)
        proof = _evidence(archive, item)
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
        if proof is not None:
            data["evidence"] = proof
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
        *_capture_rows(item.extra, item.kind),
        ("Original", f"{item.original_name} ({item.size:,} bytes)"),
        ("SHA-256", item.sha256),
        ("Pages", str(item.page_count)),
        ("OCR", item.ocr_status),
        ("Import run", f"#{run.id} on {run.started_at} by {run.user_name or '—'}"),
    ]
    from ..core.names import shown  # a field with a newline cannot forge a line

    for label, value in rows:
        print(f"{label + ':':<12} {shown(value)}")
    print("Provenance:")
    for s in sources:
        print(f"  {s.seen_at}  run #{s.run_id}  {shown(s.path)}  (from {shown(s.root)})")
    for warning in item.warnings:
        print(f"Warning:     {shown(warning)}")
    for label, value in _evidence_rows(proof):
        print(f"{label + ':':<12} {shown(value)}")
    if args.text:
        for p in pages:
            marker = " (OCR)" if p.from_ocr else ""
            print(f"\n--- page {p.page_no}{marker} ---\n{p.text}")
    return EXIT_OK


def _evidence(archive: Any, item: Any) -> dict[str, Any] | None:
    """What the platform said and did to a post (core/posts/evidence.py); None for others."""
    if item.kind != "post":
        return None
    from ..core.posts.evidence import evidence_record

    return evidence_record(archive, item.id)


def _evidence_rows(proof: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A post's evidence as `show` prints it: withheld, versions, events, captures, changes."""
    if not proof:
        return []
    rows = []
    held = proof["withheld"]
    if held:
        where = ", ".join(held["country_codes"]) or "some countries"
        text = ("its account, " if held["via"] == "account" else "") + f"in {where}"
        if held["first_seen_at"]:
            text += f" (seen {held['first_seen_at']})"
        rows.append(("Withheld", text))
    if proof["versions"]:
        listed = ", ".join(
            v["platform_id"] + ("" if v["in_archive"] else " (not in the archive)")
            for v in proof["versions"]
        )
        rows.append(("Versions", f"{len(proof['versions'])}: {listed}"))
    rows += [("Event", f"{e['label']} ({e['source']}, {e['where']})") for e in proof["events"]]
    if len(proof["captures"]) > 1:
        rows += [
            ("Capture", f"{c['number']}. {c['captured_at'] or '?'}  {c['container']}, {c['where']}")
            for c in proof["captures"]
        ]
    for change in proof["changes"]:
        step = f"{change['from']} → {change['to']}" if change["to"] else f"after {change['from']}"
        rows.append(("Changed", f"{step}: " + "; ".join(c["summary"] for c in change["changed"])))
    return rows


def _capture_rows(extra: object, kind: str) -> list[tuple[str, str]]:
    """Where in a web capture or e-mail the item was found, and what was checked there;
    a message's From, To, Cc, Subject and Message-ID."""
    if not isinstance(extra, dict):
        return []
    labels = [("locator", "Found in"), ("digest_check", "Digest"), ("wacz_signature", "Signature")]
    if kind == "message":
        labels += [("from", "From"), ("to", "To"), ("cc", "Cc"), ("subject", "Subject"),
                   ("message_id", "Message-ID")]  # fmt: skip
    return [(label, str(extra[key])) for key, label in labels if extra.get(key)]


def cmd_demo(args: argparse.Namespace) -> int:
    from ..core.demo import DEMO_QUERY, ensure_demo_archive

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
