"""Notes, highlights, regions, tags and links; and deleting an item with what is attached."""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import TYPE_CHECKING, Any

from ..core.errors import XArchiveError
from .shared import (
    EXIT_OK,
    Commands,
    RawDescriptionHelpFormatter,
    add_archive_option,
    annotating,
    archive_path,
    item_label,
    short_uid,
    text_argument,
)

if TYPE_CHECKING:
    from ..core.annotate import Annotations, Policy
    from ..core.archive import Archive


def add_note(commands: Commands) -> None:
    p = commands.add("note", help="add, edit or delete a note on an item",
                     description="Add a note to an item (TEXT '-' reads it from stdin); "
                     "or change or delete any annotation by its id.")  # fmt: skip
    p.add_argument("words", nargs="*", metavar="ID TEXT", help="the item, then the note's text")
    add_archive_option(p)
    p.add_argument("--edit", metavar="UID", help="change the note of this annotation to TEXT")
    p.add_argument("--delete", metavar="UID", help="delete this annotation (note, highlight, …)")
    p.set_defaults(func=cmd_note)


def add_highlight(commands: Commands) -> None:
    p = commands.add("highlight", help="highlight a passage of an item's text",
                     description="Find QUOTE in the item's text (line breaks and quote marks "
                     "need not match) and highlight it.")  # fmt: skip
    p.add_argument("item", metavar="ID", help="item number, or SHA-256 (or a prefix of it)")
    p.add_argument("--quote", "-q", required=True, help="the passage to highlight")
    p.add_argument("--page", type=int, metavar="N", help="the page it is on (default: any)")
    p.add_argument("--note", help="a note on the highlight")
    p.add_argument("--colour", "--color", help="a colour name or #rrggbb")
    p.add_argument("--occurrence", type=int, default=1, metavar="N",
                   help="the Nth time the passage appears on the page (default: 1)")  # fmt: skip
    add_archive_option(p)
    p.set_defaults(func=cmd_highlight)


def add_region(commands: Commands) -> None:
    p = commands.add("region", help="note on a region of an image or a PDF page",
                     description="X Y W H in pixels of the image, or in PDF points of the "
                     "page, from its top-left corner.")  # fmt: skip
    p.add_argument("item", metavar="ID", help="item number, or SHA-256 (or a prefix of it)")
    for name in ("x", "y", "w", "h"):
        p.add_argument(name, type=float, metavar=name.upper())
    p.add_argument("--page", type=int, metavar="N", help="the PDF page")
    p.add_argument("--note", help="what the region shows")
    add_archive_option(p)
    p.set_defaults(func=cmd_region)


def add_tag(commands: Commands) -> None:
    p = commands.add("tag", help="tag items; rename, merge or delete tags",
                     formatter_class=RawDescriptionHelpFormatter,
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
    add_archive_option(p)
    action = p.add_mutually_exclusive_group()
    action.add_argument("--remove", action="store_true", help="take the tags off the item")
    action.add_argument("--rename", action="store_true", help="rename tag OLD to NEW")
    action.add_argument("--merge", action="store_true",
                        help="merge tags OLD... into the last one named")  # fmt: skip
    action.add_argument("--delete", action="store_true", help="delete tags from every item")
    p.set_defaults(func=cmd_tag)


def add_tags(commands: Commands) -> None:
    p = commands.add("tags", help="list the tags with the number of items carrying each")
    add_archive_option(p)
    p.add_argument("--json", action="store_true", help="print them as JSON")
    p.set_defaults(func=cmd_tags)


def add_link(commands: Commands) -> None:
    from ..core.annotate.relations import RELATIONS  # a module that loads nothing else

    p = commands.add("link", help="link two items: ID RELATION OTHER_ID",
                     description="Link an item to another: cites, shows, replies-to, same-"
                     "event, contradicts, duplicate-of, or any relation you type.")  # fmt: skip
    p.add_argument("item", metavar="ID", help="the item the link goes from")
    p.add_argument("relation", metavar="RELATION", help=", ".join(RELATIONS) + " or free text")
    p.add_argument("other", metavar="OTHER_ID", help="the item the link goes to")
    p.add_argument("--note", help="a note on the link")
    p.add_argument("--remove", action="store_true", help="remove this link")
    add_archive_option(p)
    p.set_defaults(func=cmd_link)


def add_annotations(commands: Commands) -> None:
    p = commands.add("annotations", help="an item's notes, highlights, regions, tags and links")
    p.add_argument("item", metavar="ID", nargs="?", help="item number, or SHA-256 (or a prefix)")
    add_archive_option(p)
    p.add_argument("--json", action="store_true", help="print W3C Web Annotation JSON-LD")
    p.add_argument("--orphaned", action="store_true",
                   help="list annotations whose item or text is gone")  # fmt: skip
    p.set_defaults(func=cmd_annotations)


def add_delete(commands: Commands) -> None:
    p = commands.add("delete", help="delete an item (its original goes to the archive's trash/)",
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
    add_archive_option(p)
    p.set_defaults(func=cmd_delete)


def cmd_note(args: argparse.Namespace) -> int:
    from ..core.annotate import ItemTag, Link

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
            print(f"Deleted {short_uid(found.uid)}.")
            return EXIT_OK
        if args.edit:
            text = text_argument(args.words)
            found = notes.find(args.edit)
            if isinstance(found, Link):
                notes.edit_link(found.uid, note=text)
            elif isinstance(found, ItemTag):
                raise XArchiveError(
                    "a tag has no note; rename the tag with `xarchive tag --rename`"
                )
            else:
                notes.edit(found.uid, note=text)
            print(f"Changed the note of {short_uid(found.uid)}.")
            return EXIT_OK
        if len(args.words) < 2:
            raise XArchiveError("give the item and the note's text: xarchive note ID TEXT")
        item = archive.find_item(args.words[0])
        note = notes.add_note(item.id, text_argument(args.words[1:]))
        print(f"Added note {short_uid(note.uid)} to {item_label(item)}.")
    return EXIT_OK


def cmd_highlight(args: argparse.Namespace) -> int:
    with annotating(args) as (archive, notes):
        item = archive.find_item(args.item)
        mark = notes.highlight_quote(
            item.id, args.quote, page=args.page, note=args.note or "", colour=args.colour or "",
            occurrence=args.occurrence,
        )  # fmt: skip
        assert mark.span is not None
        print(f"Highlighted ‘{' '.join(mark.span.exact.split())}’ on page {mark.span.page} of "
              f"{item_label(item)} ({short_uid(mark.uid)}).")  # fmt: skip
    return EXIT_OK


def cmd_region(args: argparse.Namespace) -> int:
    with annotating(args) as (archive, notes):
        item = archive.find_item(args.item)
        region = notes.add_region(item.id, args.x, args.y, args.w, args.h, page=args.page,
                                  note=args.note or "")  # fmt: skip
        print(f"Added region note {short_uid(region.uid)} to {item_label(item)}.")
    return EXIT_OK


def cmd_tag(args: argparse.Namespace) -> int:
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
            item = archive.find_item(words[0])
            if args.remove:
                if len(words) < 2:
                    raise XArchiveError("give the tags to remove: xarchive tag ID TAG... --remove")
                notes.untag(item.id, *words[1:])
            elif len(words) > 1:
                notes.tag(item.id, *words[1:])
            names = [t.name for t in notes.of_item(item.id).tags]
            print(f"{item_label(item)}: {', '.join(names) if names else 'no tags'}")
    return EXIT_OK


def cmd_tags(args: argparse.Namespace) -> int:
    from ..core.annotate import Annotations
    from ..core.archive import Archive

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
    from ..core.annotate.service import clean_relation

    with annotating(args) as (archive, notes):
        source = archive.find_item(args.item)
        target = archive.find_item(args.other)
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
        print(f"Linked {item_label(source)} {link.relation} {item_label(target)} "
              f"({short_uid(link.uid)}).")  # fmt: skip
    return EXIT_OK


def cmd_annotations(args: argparse.Namespace) -> int:
    from ..core.annotate import Annotations
    from ..core.annotate.w3c import collection_jsonld
    from ..core.archive import Archive

    with Archive.open(archive_path(args), readonly=True) as archive:
        notes = Annotations(archive)
        if args.orphaned:
            return _print_orphaned(archive, notes, args.json)
        if not args.item:
            raise XArchiveError("give an item: xarchive annotations ID (or --orphaned)")
        item = archive.find_item(args.item)
        if args.json:
            everything = notes.jsonld(item.id, backlinks=True)
            label = f"Annotations on #{item.id} {item.title} (urn:sha256:{item.sha256})"
            print(json.dumps(collection_jsonld(everything, label), ensure_ascii=False, indent=2))
            return EXIT_OK
        found = notes.of_item(item.id)
        print(f"{item_label(item)} ({item.kind})")
        if found.empty:
            print("No notes, highlights, regions, tags or links.")
            return EXIT_OK

        def title(item_id: int | None) -> str:
            if item_id is None:
                return "(a deleted item)"
            return item_label(archive.item(item_id))

        def by(a: Any) -> str:
            return f"  — {a.creator}, {a.modified_at[:10]}"

        if found.tags:
            print("Tags:       " + ", ".join(t.name for t in found.tags))
        for a in found.notes:
            print(f"Note        [{short_uid(a.uid)}] {a.note}{by(a)}")
        for a in found.highlights:
            assert a.span is not None
            flag = "" if a.anchor == "ok" else f" ({a.anchor})"
            quote = textwrap.shorten(a.span.exact, 90, placeholder=" …")
            note = f": {a.note}" if a.note else ""
            print(f"Highlight   [{short_uid(a.uid)}] p.{a.span.page} “{quote}”{flag}{note}{by(a)}")
        for a in found.regions:
            assert a.box is not None
            b = a.box
            where = f"p.{b.page} " if b.page is not None else ""
            box = f"{where}x={b.x:g} y={b.y:g} {b.w:g}×{b.h:g}"
            print(f"Region      [{short_uid(a.uid)}] {box}: {a.note or '—'}{by(a)}")
        for link in found.links:
            note = f": {link.note}" if link.note else ""
            print(f"Link        [{short_uid(link.uid)}] {link.relation} "
                  f"{title(link.target_id)}{note}")  # fmt: skip
        for link in found.backlinks:
            note = f": {link.note}" if link.note else ""
            print(f"Backlink    [{short_uid(link.uid)}] {title(link.source_id)} {link.relation} "
                  f"this{note}")  # fmt: skip
    return EXIT_OK


def _print_orphaned(archive: Archive, notes: Annotations, as_json: bool) -> int:
    from ..core.annotate.w3c import (
        annotation_jsonld,
        collection_jsonld,
        link_jsonld,
        tagging_jsonld,
    )

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
        print(f"[{short_uid(a.uid)}] {a.kind} on {where(a.item_id, a.target_sha256)}: "
              f"{textwrap.shorten(what, 80, placeholder=' …')}")  # fmt: skip
    for t in tags:
        print(f"[{short_uid(t.uid)}] tag ‘{t.name}’ on {where(None, t.target_sha256)}")
    for k in links:
        print(f"[{short_uid(k.uid)}] link {where(k.source_id, k.source_sha256)} {k.relation} "
              f"{where(k.target_id, k.target_sha256)}")  # fmt: skip
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    from ..core.annotate import delete_item
    from ..core.archive import Archive
    from ..core.errors import ItemHasAnnotations

    policies: dict[str | None, Policy | None] = {
        None: None, "delete": "delete", "keep": "keep-orphaned",
    }  # fmt: skip
    with Archive.open(archive_path(args)) as archive:
        item = archive.find_item(args.item)
        try:
            done = delete_item(archive, item.id, policies[args.annotations], policies[args.links])
        except ItemHasAnnotations as exc:
            raise ItemHasAnnotations(
                f"{exc} (--annotations delete|keep, --links delete|keep)"
            ) from exc
    print(f"Deleted {item_label(done.item)}.")
    if done.annotations or done.links:
        what = {"delete": "deleted", "keep-orphaned": "kept as orphaned"}
        if done.annotations:
            print(f"  Its annotations were {what[done.annotations]}.")
        if done.links:
            print(f"  Its links were {what[done.links]}.")
    if done.trashed is not None:
        print(f"  The original was moved to {done.trashed}.")
    return EXIT_OK
