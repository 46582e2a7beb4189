"""Commands for suggested links (registered by parser.py).

xarchive suggestions [ID] [--all] [--json]     what the archive suggests (for one item)
xarchive suggestions accept SID [SID …]        make the suggested links
xarchive suggestions dismiss SID [SID …]       never suggest them again
xarchive suggestions recompute                 compute everything again (decisions kept)
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from .shared import (
    EXIT_OK,
    Commands,
    ProgressBar,
    RawDescriptionHelpFormatter,
    add_archive_option,
    annotating,
    archive_path,
    cancel_on_interrupt,
    short_uid,
)

if TYPE_CHECKING:
    from ..core.archive import Archive

ACTIONS = ("accept", "dismiss", "recompute")


def add_suggestions(commands: Commands) -> None:
    p = commands.add(
        "suggestions",
        help="links the archive suggests: list, accept, dismiss, recompute",
        description="Links the archive found by itself: a screenshot that shows a post, a post "
        "that cites an article, two texts telling the same story. Accept one to make the link, "
        "or dismiss it for good.",
        formatter_class=RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            examples:
              xarchive suggestions              every pending suggestion, best first
              xarchive suggestions 41           those of item 41
              xarchive suggestions --all        decided ones too
              xarchive suggestions accept 3 7   make the links of suggestions 3 and 7
              xarchive suggestions dismiss 5    never suggest it again
              xarchive suggestions recompute    compare every item again
            """),
    )
    p.add_argument("words", nargs="*", metavar="[ID | accept SID… | dismiss SID… | recompute]")
    p.add_argument("--all", action="store_true", help="list accepted and dismissed ones too")
    p.add_argument("--json", action="store_true", help="print them as JSON")
    add_archive_option(p)
    p.set_defaults(func=cmd_suggestions)


def cmd_suggestions(args: argparse.Namespace) -> int:
    from ..core.errors import XArchiveError

    words: list[str] = list(args.words)
    if words and words[0] in ACTIONS:
        action, rest = words[0], words[1:]
        if action == "recompute":
            if rest:
                raise XArchiveError("recompute takes no argument")
            return _recompute(args)
        if not rest:
            raise XArchiveError(f"give the number of a suggestion: xarchive suggestions {action} 3")
        return _decide(args, action, [_number(w) for w in rest])
    if len(words) > 1:
        raise XArchiveError("give one item, or accept/dismiss followed by suggestion numbers")
    return _list(args, words[0] if words else None)


def _number(word: str) -> int:
    from ..core.errors import XArchiveError

    cleaned = word.strip().removeprefix("#")
    if not cleaned.isdigit():
        raise XArchiveError(f"‘{word}’ is not the number of a suggestion (like 3)")
    return int(cleaned)


def _title(archive: Archive, item_id: int) -> str:
    return archive.item(item_id).title


def _label(archive: Archive, item_id: int) -> str:
    item = archive.item(item_id)
    title = textwrap.shorten(" ".join(item.title.split()), 60, placeholder="…")
    return f"#{item.id} ‘{title}’"


def _list(args: argparse.Namespace, ref: str | None) -> int:
    from ..core.archive import Archive
    from ..core.suggest import Suggestions
    from ..core.wording import counted

    with Archive.open(archive_path(args), readonly=True) as archive:
        item_id = archive.find_item(ref).id if ref else None
        suggestions = Suggestions(archive)
        found = suggestions.all(item_id) if args.all else suggestions.pending(item_id)
        unscanned = suggestions.unscanned()
        if args.json:
            out = {
                "item": item_id,
                "suggestions": [
                    {**asdict(s), "source_title": _title(archive, s.source_id),
                     "target_title": _title(archive, s.target_id)}
                    for s in found
                ],
                "unscanned_items": unscanned,
            }  # fmt: skip
            print(json.dumps(out, ensure_ascii=False, indent=2))
            return EXIT_OK
        for s in found:
            status = "" if s.status == "pending" else f"  [{s.status}]"
            print(f"[{s.id}] {_label(archive, s.source_id)} {s.relation} "
                  f"{_label(archive, s.target_id)}  {s.score:.2f}{status}")  # fmt: skip
            print(textwrap.fill(s.reason, 100, initial_indent="     ", subsequent_indent="     "))
        if not found:
            which = "no suggestions" if args.all else "no pending suggestions"
            print(f"There are {which}" + (f" for #{item_id}." if item_id else "."))
        else:
            print(f"\n{counted(len(found), 'suggestion')}. "
                  "Accept with `xarchive suggestions accept N`, dismiss with "
                  "`xarchive suggestions dismiss N`.")  # fmt: skip
        if unscanned:
            print(f"{unscanned} items were not compared yet (imported before suggestions "
                  "existed): run `xarchive suggestions recompute`.", file=sys.stderr)  # fmt: skip
    return EXIT_OK


def _decide(args: argparse.Namespace, action: str, numbers: Sequence[int]) -> int:
    from ..core.suggest import Suggestions

    with annotating(args) as (archive, notes):
        suggestions = Suggestions(archive, notes)
        for number in numbers:
            s = suggestions.get(number)
            pair = f"{_label(archive, s.source_id)} {s.relation} {_label(archive, s.target_id)}"
            if action == "accept":
                link = suggestions.accept(number)
                print(f"Accepted [{number}]: linked {pair} ({short_uid(link.uid)}).")
            else:
                suggestions.dismiss(number)
                print(f"Dismissed [{number}]: {pair} will not be suggested again.")
    return EXIT_OK


def _recompute(args: argparse.Namespace) -> int:
    from ..core.archive import Archive
    from ..core.suggest import Suggestions

    bar = ProgressBar()
    with Archive.open(archive_path(args)) as archive:
        try:
            report = Suggestions(archive).recompute(bar, cancel_on_interrupt())
        finally:
            bar.finish()
    print(f"Compared {report.scanned} items: {report.new} new suggestions, "
          f"{report.pending} waiting for a decision.")  # fmt: skip
    return EXIT_OK
