"""`Annotations`: notes, highlights, regions, tags and links on one open archive.

Every change is one transaction that also writes the audit log, so it is saved
the moment it is made (autosave) and survives a crash. It then re-indexes the
items it touched, so a note or a tag is found by search at once, and it goes on
the undo stack. The GUI and the CLI both make changes only through this class,
and get all of that for free.

Without a search index the touched items are marked unindexed instead, and the
next catch-up (an import, `xarchive reindex`, the app's "update the index")
adds them; the same happens when the index is busy with an import.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..archive import Archive, utc_now
from ..errors import AnnotationNotFound, InvalidAnnotation, UndoConflict
from ..index.api import SearchEngine
from ..indexing import index_items
from ..model import Annotation, Item, ItemTag, Link, Tag, TagCount
from ..store import annotations as store
from ..store import items as item_store
from ..store.annotations import tag_key as tag_key
from ..store.connection import IntegrityError
from . import w3c
from .anchoring import Quote, find_quote, locate, quote_at
from .changes import Change, Recorder, UndoStack
from .relations import RELATIONS

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_TAG_LENGTH = 100
MAX_RELATION_LENGTH = 60
_HEX_COLOUR = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})\Z")
_NAMED_COLOUR = re.compile(r"[a-z]{3,20}\Z")


def new_uid() -> str:
    """A fresh annotation id, as the W3C model writes it."""
    return f"urn:uuid:{uuid.uuid4()}"


def clean_tag_name(name: str) -> str:
    """The name to store, as typed but with its spacing tidied; raises InvalidAnnotation."""
    cleaned = unicodedata.normalize("NFC", " ".join(name.split()))
    if not cleaned:
        raise InvalidAnnotation("a tag needs a name")
    if "," in cleaned:
        raise InvalidAnnotation(f"‘{cleaned}’: a tag cannot contain a comma; give each tag apart")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise InvalidAnnotation(f"a tag can be at most {MAX_TAG_LENGTH} characters long")
    return cleaned


def clean_relation(relation: str) -> str:
    """One of RELATIONS (in any case), or free text as typed; raises InvalidAnnotation."""
    cleaned = " ".join(relation.split())
    if not cleaned:
        raise InvalidAnnotation(f"a link needs a relation, such as {', '.join(RELATIONS)}")
    if len(cleaned) > MAX_RELATION_LENGTH:
        raise InvalidAnnotation(f"a relation can be at most {MAX_RELATION_LENGTH} characters long")
    known = cleaned.lower().replace("_", "-").replace(" ", "-")
    return known if known in RELATIONS else cleaned


def clean_colour(colour: str) -> str:
    """The colour to store: "" (the default), #rgb, #rrggbb or a CSS name; may raise
    InvalidAnnotation."""
    cleaned = colour.strip().lower()
    if cleaned and not (_HEX_COLOUR.match(cleaned) or _NAMED_COLOUR.match(cleaned)):
        raise InvalidAnnotation(
            f"‘{colour}’ is not a colour; give a name such as yellow or a code such as #ffd54f"
        )
    return cleaned


def normalise_uid(ref: str) -> str:
    """``urn:uuid:…`` for a bare UUID; other ids (from other tools) as they are."""
    ref = ref.strip()
    if ref.lower().startswith("urn:uuid:"):
        return ref.lower()
    return ref if ":" in ref else f"urn:uuid:{ref.lower()}"


@dataclass(frozen=True, slots=True)
class ItemAnnotations:
    """Everything attached to one item, as its viewer and its docks show it."""

    item_id: int
    notes: tuple[Annotation, ...]
    highlights: tuple[Annotation, ...]  # in text order
    regions: tuple[Annotation, ...]
    tags: tuple[ItemTag, ...]
    links: tuple[Link, ...]  # from this item to others
    backlinks: tuple[Link, ...]  # from others to this item

    @property
    def empty(self) -> bool:
        return not (
            self.notes or self.highlights or self.regions or self.tags or self.links
            or self.backlinks
        )  # fmt: skip


@dataclass(slots=True)
class CarryOver:
    """What `carry_over` copied from an earlier version of an item to the new one."""

    old_item_id: int
    new_item_id: int
    annotations: list[Annotation] = field(default_factory=list)
    tags: int = 0
    links: int = 0

    @property
    def orphaned(self) -> list[Annotation]:
        return [a for a in self.annotations if a.anchor == "orphaned"]

    @property
    def copied(self) -> int:
        return len(self.annotations) + self.tags + self.links


Listener = Callable[[Change], None]


class Annotations:
    """Annotations on one open archive. Not thread-safe: use it where the archive is used."""

    def __init__(
        self,
        archive: Archive,
        index: SearchEngine | None = None,
        undo_stack: UndoStack | None = None,
        creator: str | None = None,
    ) -> None:
        self.archive = archive
        self._creator = creator
        self.index = index
        self.undo_stack = undo_stack if undo_stack is not None else UndoStack()
        #: Items whose index entry could not be written (index missing or busy).
        self.unindexed: set[int] = set()
        self._listeners: list[Listener] = []

    @property
    def creator(self) -> str:
        """Who the annotations made here are by: the archive's user name, unless given."""
        return self._creator or self.archive.user_name

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(change)` after every change, undo and redo (e.g. to refresh a view)."""
        self._listeners.append(listener)

    # -- reading ---------------------------------------------------------------------
    def of_item(self, item_id: int) -> ItemAnnotations:
        conn = self.archive.db
        everything = store.annotations_of(conn, item_id)
        return ItemAnnotations(
            item_id=item_id,
            notes=tuple(a for a in everything if a.kind == "note"),
            highlights=tuple(a for a in everything if a.kind == "highlight"),
            regions=tuple(a for a in everything if a.kind == "region"),
            tags=tuple(store.item_tags_of(conn, item_id)),
            links=tuple(store.links_from(conn, item_id)),
            backlinks=tuple(store.links_to(conn, item_id)),
        )

    def get(self, uid: str) -> Annotation:
        """A note, highlight or region by its id; raises AnnotationNotFound."""
        found = store.annotation_by_uid(self.archive.db, normalise_uid(uid))
        if found is None:
            raise AnnotationNotFound(f"no note, highlight or region has the id {uid}")
        return found

    def find(self, ref: str) -> Annotation | ItemTag | Link:
        """Any annotation by its id, or by the start of it (at least 6 characters)."""
        ref = ref.strip().lower().removeprefix("urn:uuid:")
        if not all(c in "0123456789abcdef-" for c in ref):
            raise AnnotationNotFound(f"‘{ref}’ is not an annotation id (like 3f2a9c1e)")
        if len(ref) < 6:
            raise AnnotationNotFound(f"‘{ref}’ is too short: give at least 6 characters of the id")
        matches: list[Annotation | ItemTag | Link] = []
        conn = self.archive.db
        for table in ("annotations", "item_tags", "links"):
            for uid in store.uids_starting(conn, table, f"urn:uuid:{ref}"):
                found = (
                    store.annotation_by_uid(conn, uid) if table == "annotations"
                    else store.item_tag_by_uid(conn, uid) if table == "item_tags"
                    else store.link_by_uid(conn, uid)
                )  # fmt: skip
                if found is not None:
                    matches.append(found)
        if not matches:
            raise AnnotationNotFound(f"no annotation has the id {ref}")
        if len(matches) > 1:
            raise AnnotationNotFound(f"‘{ref}’ matches several annotations; give more of the id")
        return matches[0]

    def tags(self) -> list[TagCount]:
        """Every tag with the number of items carrying it, most used first."""
        return store.tag_counts(self.archive.db)

    def tag_named(self, name: str) -> Tag:
        found = store.tag_by_key(self.archive.db, tag_key(name))
        if found is None:
            raise AnnotationNotFound(f"there is no tag ‘{name.strip()}’")
        return found

    def items_tagged(self, name: str) -> list[int]:
        return store.items_with_tag(self.archive.db, self.tag_named(name).id)

    def orphaned(self) -> list[Annotation]:
        """Annotations whose item was deleted or whose quote is no longer in its text."""
        return store.orphaned_annotations(self.archive.db)

    def all_links(self) -> list[Link]:
        """Every link between two items of the archive."""
        return store.links_between_items(self.archive.db)

    def detached(self) -> tuple[list[ItemTag], list[Link]]:
        """Tags and links kept when an item they name was deleted."""
        conn = self.archive.db
        return store.detached_item_tags_all(conn), store.detached_links_all(conn)

    # -- notes, highlights, regions -----------------------------------------------------
    def add_note(self, item_id: int, text: str) -> Annotation:
        """A note on the whole item. Raises ItemNotFound, InvalidAnnotation (empty text)."""
        item = self._item(item_id)
        note = _clean_note(text)
        if not note:
            raise InvalidAnnotation("a note needs some text")
        return self._add(
            "note.add", f"Add a note to #{item.id}", item, {"kind": "note", "note": note}
        )

    def add_highlight(
        self, item_id: int, page: int, start: int, end: int, note: str = "", colour: str = ""
    ) -> Annotation:
        """Highlight characters start…end of a page's text (what a viewer's selection gives).

        White space at either end of the selection is left out. Raises ItemNotFound
        and InvalidAnnotation (no such page, an empty or out-of-range span).
        """
        item = self._item(item_id)
        text = self._page_text(item, page)
        if not 0 <= start < end <= len(text):
            raise InvalidAnnotation(
                f"characters {start}–{end} are not within page {page} of #{item.id}, "
                f"which has {len(text)}"
            )
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            raise InvalidAnnotation("only white space was selected; select some text")
        return self._add_highlight(item, page, start, end, text, note, colour)

    def highlight_quote(
        self,
        item_id: int,
        quote: str,
        page: int | None = None,
        note: str = "",
        colour: str = "",
        occurrence: int = 1,
    ) -> Annotation:
        """Find `quote` on `page` (or the first page that has it) and highlight it.

        White space and quote marks need not match exactly, and case only if the
        quote is not found as typed. `occurrence` picks the 2nd, 3rd … time it
        appears on the page. Raises InvalidAnnotation when it is not there.
        """
        item = self._item(item_id)
        pages = [page] if page is not None else list(range(1, item.page_count + 1))
        for number in pages:
            text = self._page_text(item, number)
            spans = find_quote(text, quote)
            if len(spans) < occurrence:  # as typed, else in any case
                spans = max(spans, find_quote(text, quote, ignore_case=True), key=len)
            if len(spans) >= occurrence >= 1:
                start, end = spans[occurrence - 1]
                return self._add_highlight(item, number, start, end, text, note, colour)
            if spans and page is not None:
                raise InvalidAnnotation(
                    f"‘{quote}’ appears {len(spans)} time(s) on page {number} of #{item.id}, "
                    f"not {occurrence}"
                )
        where = f"on page {page}" if page is not None else "in the text"
        raise InvalidAnnotation(f"‘{quote.strip()}’ is not {where} of #{item.id} ({item.title})")

    def _add_highlight(
        self, item: Item, page: int, start: int, end: int, text: str, note: str, colour: str
    ) -> Annotation:
        quote = quote_at(text, start, end)
        values = {
            "kind": "highlight",
            "note": _clean_note(note),
            "colour": clean_colour(colour),
            "page": page,
            "exact": quote.exact,
            "prefix": quote.prefix,
            "suffix": quote.suffix,
            "start_char": start,
            "end_char": end,
        }
        short = _shorten(quote.exact)
        return self._add("highlight.add", f"Highlight ‘{short}’ in #{item.id}", item, values)

    def add_region(
        self,
        item_id: int,
        x: float,
        y: float,
        w: float,
        h: float,
        page: int | None = None,
        note: str = "",
    ) -> Annotation:
        """A region of an image (pixels) or of a PDF page (points), from the top-left corner.

        Raises InvalidAnnotation for an item that has no picture or pages, a
        missing or wrong page, or a box outside the picture.
        """
        item = self._item(item_id)
        if not all(math.isfinite(v) for v in (x, y, w, h)) or x < 0 or y < 0 or w <= 0 or h <= 0:
            raise InvalidAnnotation("a region needs x, y ≥ 0 and a width and height above 0")
        if item.kind == "image":
            if page not in (None, 1):
                raise InvalidAnnotation(f"#{item.id} is an image: it has no page {page}")
            page = None
            width, height = item.extra.get("width"), item.extra.get("height")
            if isinstance(width, int) and isinstance(height, int):
                # Either way round: a photo turned upright by its EXIF orientation
                # is shown (and drawn on) with its sides swapped.
                fits = any(x + w <= a + 0.5 and y + h <= b + 0.5
                           for a, b in ((width, height), (height, width)))  # fmt: skip
                if not fits:
                    raise InvalidAnnotation(
                        f"the region {_num(x)},{_num(y)} {_num(w)}×{_num(h)} is outside the "
                        f"picture, which is {width}×{height} pixels"
                    )
        elif item.kind == "document":
            if page is None or not 1 <= page <= item.page_count:
                raise InvalidAnnotation(
                    f"say which page of #{item.id} the region is on (1–{item.page_count})"
                )
        else:
            raise InvalidAnnotation(
                f"regions are drawn on images and PDF pages; #{item.id} is "
                f"{'an' if item.kind[0] in 'aeiou' else 'a'} {item.kind}"
            )
        values = {
            "kind": "region",
            "note": _clean_note(note),
            "page": page,
            "x": float(x),
            "y": float(y),
            "w": float(w),
            "h": float(h),
        }
        return self._add("region.add", f"Add a region note to #{item.id}", item, values)

    def _add(self, action: str, text: str, item: Item, values: dict[str, Any]) -> Annotation:
        now = utc_now()
        row = {
            "uid": new_uid(),
            "item_id": item.id,
            "target_sha256": item.sha256,
            "creator": self.creator,
            "created_at": now,
            "modified_at": now,
            **values,
        }

        def body(rec: Recorder) -> int:
            return rec.insert("annotations", row)

        row_id = self._write(action, text, body)
        return self._annotation(row_id)

    def edit(self, uid: str, note: str | None = None, colour: str | None = None) -> Annotation:
        """Change the note of an annotation, or a highlight's colour."""
        current = self.get(uid)
        values: dict[str, Any] = {}
        if note is not None:
            values["note"] = _clean_note(note)
            if current.kind == "note" and not values["note"]:
                raise InvalidAnnotation("a note needs some text; delete it instead")
        if colour is not None:
            if current.kind != "highlight":
                raise InvalidAnnotation("only highlights have a colour")
            values["colour"] = clean_colour(colour)
        if (
            values.get("note", current.note) == current.note
            and values.get("colour", current.colour) == current.colour
        ):
            return current
        values["modified_at"] = utc_now()
        where = f"#{current.item_id}" if current.item_id is not None else "a deleted item"
        self._write(
            f"{current.kind}.edit",
            f"Edit a {_kind_name(current.kind)} on {where}",
            lambda rec: rec.update("annotations", current.id, values),
        )
        return self._annotation(current.id)

    def move_region(self, uid: str, x: float, y: float, w: float, h: float) -> Annotation:
        """Move or resize a region (same units as `add_region`). Raises InvalidAnnotation."""
        current = self.get(uid)
        if current.kind != "region" or current.box is None:
            raise InvalidAnnotation("only a region can be moved or resized")
        if not all(math.isfinite(v) for v in (x, y, w, h)) or w <= 0 or h <= 0:
            raise InvalidAnnotation("a region needs a width and height above 0")
        # Dragged past the top or left edge: keep what is still on the picture.
        w, h = w + min(x, 0.0), h + min(y, 0.0)
        x, y = max(x, 0.0), max(y, 0.0)
        if w <= 0 or h <= 0:
            raise InvalidAnnotation("the region was moved off the picture")
        box = current.box
        if (box.x, box.y, box.w, box.h) == (x, y, w, h):
            return current
        values = {"x": float(x), "y": float(y), "w": float(w), "h": float(h),
                  "modified_at": utc_now()}  # fmt: skip
        where = f"#{current.item_id}" if current.item_id is not None else "a deleted item"
        self._write(
            "region.move",
            f"Move a region note on {where}",
            lambda rec: rec.update("annotations", current.id, values),
        )
        return self._annotation(current.id)

    def delete(self, uid: str) -> None:
        """Delete a note, highlight or region (undoable; the audit log keeps its text)."""
        current = self.get(uid)
        where = f"#{current.item_id}" if current.item_id is not None else "a deleted item"
        self._write(
            f"{current.kind}.delete",
            f"Delete a {_kind_name(current.kind)} on {where}",
            lambda rec: rec.delete("annotations", current.id),
        )

    # -- tags ---------------------------------------------------------------------------
    def tag(self, item_id: int, *names: str) -> list[ItemTag]:
        """Put tags on an item, creating those that do not exist yet; return the item's tags."""
        item = self._item(item_id)
        cleaned = _unique(clean_tag_name(n) for n in names)
        if not cleaned:
            raise InvalidAnnotation("give at least one tag")

        def body(rec: Recorder) -> None:
            for name in cleaned:
                tag_id = self._ensure_tag(rec, name)
                self._put_tag(rec, item, tag_id)

        self._write("tag.add", f"Tag #{item.id} {_names(cleaned)}", body)
        return store.item_tags_of(self.archive.db, item.id)

    def tag_items(self, item_ids: Sequence[int], *names: str) -> None:
        """Put tags on several items as one change (one undo). Raises ItemNotFound."""
        items = [self._item(i) for i in dict.fromkeys(item_ids)]
        cleaned = _unique(clean_tag_name(n) for n in names)
        if not cleaned or not items:
            raise InvalidAnnotation("give at least one tag and one item")

        def body(rec: Recorder) -> None:
            for name in cleaned:
                tag_id = self._ensure_tag(rec, name)
                for item in items:
                    self._put_tag(rec, item, tag_id)

        where = f"#{items[0].id}" if len(items) == 1 else f"{len(items)} items"
        self._write("tag.add", f"Tag {where} {_names(cleaned)}", body)

    def untag_items(self, item_ids: Sequence[int], *names: str) -> None:
        """Take tags off several items as one change; items without them are left alone."""
        items = [self._item(i) for i in dict.fromkeys(item_ids)]
        keys = {tag_key(n) for n in names if n.strip()}

        def body(rec: Recorder) -> None:
            for item in items:
                for use in store.item_tags_of(rec.conn, item.id):
                    if tag_key(use.name) in keys:
                        rec.delete("item_tags", use.id)

        where = f"#{items[0].id}" if len(items) == 1 else f"{len(items)} items"
        shown = _names(sorted({n.strip() for n in names if n.strip()}))
        self._write("tag.remove", f"Untag {where} {shown}", body)

    def untag(self, item_id: int, *names: str) -> None:
        """Take tags off an item (the tags themselves stay). Raises AnnotationNotFound."""
        item = self._item(item_id)
        on_item = {tag_key(t.name): t for t in store.item_tags_of(self.archive.db, item.id)}
        wanted = _unique(clean_tag_name(n) for n in names)
        missing = [n for n in wanted if tag_key(n) not in on_item]
        if missing:
            raise AnnotationNotFound(f"#{item.id} has no tag {_names(missing)}")

        def body(rec: Recorder) -> None:
            for name in wanted:
                rec.delete("item_tags", on_item[tag_key(name)].id)

        self._write("tag.remove", f"Untag #{item.id} {_names(wanted)}", body)

    def create_tag(self, name: str) -> Tag:
        """A tag with no items yet (or the existing tag of that name)."""
        cleaned = clean_tag_name(name)
        existing = store.tag_by_key(self.archive.db, tag_key(cleaned))
        if existing is not None:
            return existing
        self._write(
            "tag.create", f"Create the tag ‘{cleaned}’", lambda rec: self._ensure_tag(rec, cleaned)
        )
        return self.tag_named(cleaned)

    def rename_tag(self, old: str, new: str) -> Tag:
        """Rename a tag everywhere. Raises InvalidAnnotation if `new` is another tag's name."""
        tag = self.tag_named(old)
        cleaned = clean_tag_name(new)
        other = store.tag_by_key(self.archive.db, tag_key(cleaned))
        if other is not None and other.id != tag.id:
            raise InvalidAnnotation(
                f"there is already a tag ‘{other.name}’; merge ‘{tag.name}’ into it instead"
            )
        if cleaned == tag.name:
            return tag
        values = {"name": cleaned, "key": tag_key(cleaned), "modified_at": utc_now()}

        def body(rec: Recorder) -> None:
            rec.update("tags", tag.id, values)
            # The items' index entries hold the tag's name.
            rec.touched.update(store.items_with_tag(rec.conn, tag.id))

        self._write("tag.rename", f"Rename the tag ‘{tag.name}’ to ‘{cleaned}’", body)
        return self.tag_named(cleaned)

    def merge_tags(self, sources: Sequence[str], into: str) -> Tag:
        """Give every item tagged with one of `sources` the tag `into`, then delete `sources`.

        `into` is created if it does not exist. Raises AnnotationNotFound for a
        source that is not a tag.
        """
        source_tags = [self.tag_named(s) for s in sources]
        target_name = clean_tag_name(into)
        conn = self.archive.db
        target_existing = store.tag_by_key(conn, tag_key(target_name))
        merged = [t for t in source_tags if target_existing is None or t.id != target_existing.id]
        merged = list({t.id: t for t in merged}.values())
        if not merged:
            raise InvalidAnnotation("give at least one tag to merge into another")
        now = utc_now()

        def body(rec: Recorder) -> None:
            target_id = self._ensure_tag(rec, target_name)
            tagged = {t.item_id for t in store.item_tags_with(conn, target_id)}
            for source in merged:
                for use in store.item_tags_with(conn, source.id):
                    if use.item_id is not None and use.item_id in tagged:
                        rec.delete("item_tags", use.id)
                    else:
                        rec.update("item_tags", use.id, {"tag_id": target_id, "modified_at": now})
                        tagged.add(use.item_id)
                rec.delete("tags", source.id)

        names = _names([t.name for t in merged])
        self._write("tag.merge", f"Merge {names} into ‘{target_name}’", body)
        return self.tag_named(target_name)

    def delete_tag(self, name: str) -> int:
        """Delete a tag and take it off every item; return on how many items it was."""
        tag = self.tag_named(name)
        uses = store.item_tags_with(self.archive.db, tag.id)

        def body(rec: Recorder) -> None:
            for use in uses:
                rec.delete("item_tags", use.id)
            rec.delete("tags", tag.id)

        self._write("tag.delete", f"Delete the tag ‘{tag.name}’", body)
        return sum(1 for u in uses if u.item_id is not None)

    def _ensure_tag(self, rec: Recorder, name: str) -> int:
        existing = store.tag_by_key(rec.conn, tag_key(name))
        if existing is not None:
            return existing.id
        now = utc_now()
        return rec.insert(
            "tags",
            {
                "name": name,
                "key": tag_key(name),
                "creator": self.creator,
                "created_at": now,
                "modified_at": now,
            },
        )

    def _put_tag(
        self, rec: Recorder, item: Item, tag_id: int, copy_of: ItemTag | None = None
    ) -> bool:
        """Tag the item unless it has the tag; a copy keeps its original's author and times."""
        if store.has_tag(rec.conn, item.id, tag_id):
            return False
        now = utc_now()
        rec.insert(
            "item_tags",
            {
                "uid": new_uid(),
                "item_id": item.id,
                "target_sha256": item.sha256,
                "tag_id": tag_id,
                "via": copy_of.uid if copy_of else "",
                "creator": copy_of.creator if copy_of else self.creator,
                "created_at": copy_of.created_at if copy_of else now,
                "modified_at": copy_of.modified_at if copy_of else now,
            },
        )
        return True

    # -- links ----------------------------------------------------------------------------
    def link(self, source_id: int, relation: str, target_id: int, note: str = "") -> Link:
        """Link two items: `source` relation `target` (e.g. #3 cites #7).

        Linking the same two items by the same relation again returns the link
        that exists (with the new note, if one is given). Raises ItemNotFound and
        InvalidAnnotation (an item linked to itself, an empty relation).
        """
        source, target = self._item(source_id), self._item(target_id)
        if source.id == target.id:
            raise InvalidAnnotation("an item cannot be linked to itself")
        relation = clean_relation(relation)
        note = _clean_note(note)
        existing = store.find_link(self.archive.db, source.id, relation, target.id)
        if existing is not None:
            if note and note != existing.note:
                return self.edit_link(existing.uid, note=note)
            return existing
        now = utc_now()
        row = {
            "uid": new_uid(),
            "source_id": source.id,
            "source_sha256": source.sha256,
            "target_id": target.id,
            "target_sha256": target.sha256,
            "relation": relation,
            "note": note,
            "creator": self.creator,
            "created_at": now,
            "modified_at": now,
        }
        row_id = self._write(
            "link.add",
            f"Link #{source.id} {relation} #{target.id}",
            lambda rec: rec.insert("links", row),
        )
        return self._link(row_id)

    def edit_link(self, uid: str, relation: str | None = None, note: str | None = None) -> Link:
        current = self._link_by_uid(uid)
        values: dict[str, Any] = {}
        if relation is not None:
            values["relation"] = clean_relation(relation)
        if note is not None:
            values["note"] = _clean_note(note)
        if not values:
            return current
        values["modified_at"] = utc_now()
        self._write(
            "link.edit",
            f"Edit the link #{current.source_id} {current.relation} #{current.target_id}",
            lambda rec: rec.update("links", current.id, values),
        )
        return self._link(current.id)

    def unlink(self, uid: str) -> None:
        current = self._link_by_uid(uid)
        self._write(
            "link.delete",
            f"Remove the link #{current.source_id} {current.relation} #{current.target_id}",
            lambda rec: rec.delete("links", current.id),
        )

    def _link_by_uid(self, uid: str) -> Link:
        found = store.link_by_uid(self.archive.db, normalise_uid(uid))
        if found is None:
            raise AnnotationNotFound(f"no link has the id {uid}")
        return found

    # -- undo and redo -----------------------------------------------------------------------
    def undo(self) -> Change | None:
        """Undo the last change of this session; None if there is none.

        Raises UndoConflict (and forgets the history) if what it changed was
        changed again since, e.g. by a re-import.
        """
        change = self.undo_stack.next_undo()
        if change is None:
            return None
        self._replay(change, undo=True)
        self.undo_stack.mark_undone()
        return change

    def redo(self) -> Change | None:
        change = self.undo_stack.next_redo()
        if change is None:
            return None
        self._replay(change, undo=False)
        self.undo_stack.mark_redone()
        return change

    def revert(self, change: Change) -> None:
        """Undo `change` without touching the undo stack (for a QUndoCommand's undo())."""
        self._apply(change.inverse(), "undo", f"Undo: {change.text}")

    def reapply(self, change: Change) -> None:
        """Redo `change` without touching the undo stack (for a QUndoCommand's redo())."""
        self._apply(change, "redo", f"Redo: {change.text}")

    def _replay(self, change: Change, undo: bool) -> None:
        try:
            if undo:
                self.revert(change)
            else:
                self.reapply(change)
        except UndoConflict:
            self.undo_stack.clear()
            raise

    def _apply(self, change: Change, action: str, text: str) -> None:
        def body(rec: Recorder) -> None:
            rec.apply(change.rows)
            rec.touched |= change.touched

        self._write(action, text, body, push=False, detail={"of": change.action})

    # -- text changes, new versions ----------------------------------------------------------
    def reanchor_item(self, item_id: int) -> list[Annotation]:
        """Find the item's highlights again in its current text; return those that changed.

        Call it whenever an item's page text changes (a new OCR). A highlight that
        cannot be found is kept, marked "orphaned", never dropped.
        """
        item = self._item(item_id)
        pages = [p.text for p in item_store.pages(self.archive.db, item.id)]
        targets = store.annotations_of(self.archive.db, item.id)
        changed: list[int] = []

        def body(rec: Recorder) -> None:
            for annotation in targets:
                values = _reanchored(annotation, pages, item.page_count)
                before = len(rec.rows)
                rec.update("annotations", annotation.id, values)
                if len(rec.rows) > before:
                    changed.append(annotation.id)

        self._write(
            "annotations.reanchor", f"Re-anchor the highlights of #{item.id}", body, push=False
        )
        return [self._annotation(i) for i in changed]

    def carry_over(self, old_item_id: int, new_item_id: int) -> CarryOver:
        """Copy the annotations, tags and links of an earlier version to the new version.

        Highlights are found again in the new text (see anchoring.py); those that
        cannot be are copied as "orphaned". The earlier version keeps its own.
        Copies name their original in `via`; calling this twice copies nothing twice.
        """
        old, new = self._item(old_item_id), self._item(new_item_id)
        if old.id == new.id:
            raise InvalidAnnotation("an item cannot be carried over onto itself")
        conn = self.archive.db
        pages = [p.text for p in item_store.pages(conn, new.id)]
        report = CarryOver(old.id, new.id)
        done = {a.via for a in store.annotations_of(conn, new.id) if a.via}
        new_ids: list[int] = []

        def body(rec: Recorder) -> None:
            for annotation in store.annotations_of(conn, old.id):
                if annotation.uid in done:
                    continue
                row = store.get_row(conn, "annotations", annotation.id)
                assert row is not None
                del row["id"]
                row.update(uid=new_uid(), item_id=new.id, target_sha256=new.sha256,
                           via=annotation.uid)  # fmt: skip
                row.update(_reanchored(annotation, pages, new.page_count))
                new_ids.append(rec.insert("annotations", row))
            for use in store.item_tags_of(conn, old.id):
                if self._put_tag(rec, new, use.tag_id, copy_of=use):
                    report.tags += 1
            for link in store.links_from(conn, old.id):
                if link.target_id is not None and link.target_id != new.id:
                    report.links += self._copy_link(rec, link, new, as_source=True)
            for link in store.links_to(conn, old.id):
                if link.source_id is not None and link.source_id != new.id:
                    report.links += self._copy_link(rec, link, new, as_source=False)

        self._write(
            "annotations.carry-over",
            f"Carry the annotations of #{old.id} over to #{new.id}",
            body,
            push=False,
            detail={"from_item": old.id, "to_item": new.id},
        )
        report.annotations = [self._annotation(i) for i in new_ids]
        return report

    def _copy_link(self, rec: Recorder, link: Link, new: Item, as_source: bool) -> int:
        source_id = new.id if as_source else link.source_id
        target_id = link.target_id if as_source else new.id
        assert source_id is not None and target_id is not None
        if store.find_link(rec.conn, source_id, link.relation, target_id) is not None:
            return 0
        row = store.get_row(rec.conn, "links", link.id)
        assert row is not None
        del row["id"]
        row.update(uid=new_uid(), via=link.uid)
        if as_source:
            row.update(source_id=new.id, source_sha256=new.sha256)
        else:
            row.update(target_id=new.id, target_sha256=new.sha256)
        rec.insert("links", row)
        return 1

    def attach_imported(self, item_ids: Sequence[int]) -> list[CarryOver]:
        """After an import: give new items what belongs to them.

        - annotations, tags and links kept when an item with the same original
          (same SHA-256) was deleted are attached to the new item again;
        - a new version of a file (`previous_version` in the item's extra) gets
          the annotations of the version before, via `carry_over`.
        Cheap when there is nothing to do: two queries per call.
        """
        conn = self.archive.db
        if not item_ids:
            return []
        by_sha: dict[str, int] = {}
        previous: dict[int, int] = {}
        for item_id, sha, prev in item_store.versions_of(conn, item_ids):
            by_sha[sha] = item_id
            if prev is not None:
                previous[item_id] = prev
        shas = list(by_sha)
        annotations = store.detached_annotations(conn, shas)
        item_tags = store.detached_item_tags(conn, shas)
        links = store.detached_links(conn, shas)
        if annotations or item_tags or links:
            self._reattach(by_sha, annotations, item_tags, links)
        reports = []
        for new_id, old_id in previous.items():
            if item_store.item_exists(conn, old_id):
                reports.append(self.carry_over(old_id, new_id))
        return reports

    def _reattach(
        self,
        by_sha: dict[str, int],
        annotations: list[Annotation],
        item_tags: list[ItemTag],
        links: list[Link],
    ) -> None:
        conn = self.archive.db

        def body(rec: Recorder) -> None:
            for annotation in annotations:
                item = item_store.get_item(conn, by_sha[annotation.target_sha256])
                pages = [p.text for p in item_store.pages(conn, item.id)]
                values = {"item_id": item.id, **_reanchored(annotation, pages, item.page_count)}
                rec.update("annotations", annotation.id, values)
            for use in item_tags:
                item_id = by_sha[use.target_sha256]
                if not store.has_tag(conn, item_id, use.tag_id):
                    rec.update("item_tags", use.id, {"item_id": item_id})
            for link in links:
                ends: dict[str, Any] = {}
                if link.source_id is None and link.source_sha256 in by_sha:
                    ends["source_id"] = by_sha[link.source_sha256]
                if link.target_id is None and link.target_sha256 in by_sha:
                    ends["target_id"] = by_sha[link.target_sha256]
                source = ends.get("source_id", link.source_id)
                if source != ends.get("target_id", link.target_id):
                    rec.update("links", link.id, ends)

        self._write(
            "annotations.reattach",
            "Attach kept annotations to their re-imported items",
            body,
            push=False,
        )

    # -- export and import -----------------------------------------------------------------
    def jsonld(self, item_id: int, backlinks: bool = False) -> list[dict[str, Any]]:
        """The item's annotations, tags and links as W3C Web Annotations (see w3c.py)."""
        self._item(item_id)
        return w3c.item_jsonld(self.archive.db, item_id, backlinks=backlinks)

    def import_jsonld(self, objects: Iterable[Mapping[str, Any]]) -> int:
        """Add annotations read from W3C JSON-LD (e.g. a bundle); return how many were new.

        Those already here (same id) are left as they are. Those whose item is not
        in the archive are kept detached, and attached when it is imported.
        Highlights are then found again in their items' text. Raises
        InvalidAnnotation for something that is not an annotation xarchive keeps,
        before anything is added.
        """
        parsed = w3c.parse_all(objects)
        conn = self.archive.db
        added: list[int] = []
        touched: set[int] = set()

        def item_for(sha: str) -> int | None:
            return item_store.item_by_sha(conn, sha)

        def body(rec: Recorder) -> None:
            for entry in parsed:
                values = dict(entry.values)
                if store.uid_known(conn, entry.table, values["uid"]):
                    continue
                if entry.table == "annotations":
                    values["item_id"] = item_for(values["target_sha256"])
                    if values["item_id"] is not None:
                        touched.add(values["item_id"])
                elif entry.table == "item_tags":
                    item_id = item_for(values["target_sha256"])
                    tag_id = self._ensure_tag(rec, clean_tag_name(entry.tag))
                    if item_id is not None and store.has_tag(conn, item_id, tag_id):
                        continue
                    values.update(item_id=item_id, tag_id=tag_id)
                else:
                    values["relation"] = clean_relation(values["relation"])
                    values["source_id"] = item_for(values["source_sha256"])
                    values["target_id"] = item_for(values["target_sha256"])
                    both = values["source_id"] is not None and values["target_id"] is not None
                    if both and store.find_link(
                        conn, values["source_id"], values["relation"], values["target_id"]
                    ):
                        continue
                try:
                    added.append(rec.insert(entry.table, values))
                except IntegrityError as exc:
                    raise InvalidAnnotation(
                        f"the annotation {values['uid']} cannot be kept: {exc}"
                    ) from exc

        self._write("annotations.import", f"Import {len(parsed)} annotations", body, push=False)
        for item_id in sorted(touched):
            self.reanchor_item(item_id)
        return len(added)

    # -- the machinery ------------------------------------------------------------------
    def _write(
        self,
        action: str,
        text: str,
        body: Callable[[Recorder], T],
        push: bool = True,
        detail: dict[str, Any] | None = None,
    ) -> T:
        """Run `body` in one transaction with its audit record; re-index; remember the change."""
        conn = self.archive.db
        with self.archive.transaction():
            rec = Recorder(conn)
            result = body(rec)
            change = rec.change(action, text)
            if not change.empty:
                item_store.mark_indexed(conn, change.item_ids(), indexed=False)
                self.archive.audit(
                    action,
                    what=text,
                    rows=[r.describe() for r in change.rows],
                    **(detail or {}),
                )
        if change.empty:
            return result
        self._reindex(change.item_ids())
        if push:
            self.undo_stack.push(change)
        for listener in list(self._listeners):
            listener(change)
        return result

    def reindex_pending(self) -> int:
        """Index the items whose entries could not be written before (the index was busy).

        The GUI calls this when an import that held the index has finished.
        Returns how many are still waiting (0 once all are in).
        """
        self._reindex(())
        return len(self.unindexed)

    def _reindex(self, item_ids: Iterable[int]) -> None:
        conn = self.archive.db
        wanted = set(item_ids) | (self.unindexed if self.index is not None else set())
        ids = sorted(i for i in wanted if item_store.item_exists(conn, i))
        self.unindexed.intersection_update(ids)
        if not ids:
            return
        if self.index is None:
            self.unindexed.update(ids)
            return
        try:
            index_items(self.archive, self.index, ids)
        except Exception:
            # The change is committed; the index is a cache. The items stay marked
            # unindexed and the next catch-up adds them (e.g. after an import that
            # held the index's write lock).
            log.warning("could not re-index items %s now", ids, exc_info=True)
            self.unindexed.update(ids)
        else:
            self.unindexed.difference_update(ids)

    def _item(self, item_id: int) -> Item:
        return item_store.get_item(self.archive.db, item_id)

    def _page_text(self, item: Item, page: int) -> str:
        text = item_store.page_text(self.archive.db, item.id, page)
        if text is None:
            raise InvalidAnnotation(
                f"#{item.id} has no page {page} (it has {item.page_count} page"
                f"{'' if item.page_count == 1 else 's'})"
            )
        return text

    def _annotation(self, row_id: int) -> Annotation:
        row = store.get_row(self.archive.db, "annotations", row_id)
        assert row is not None
        return store.annotation_from_row(row)

    def _link(self, row_id: int) -> Link:
        row = store.get_row(self.archive.db, "links", row_id)
        assert row is not None
        found = store.link_by_uid(self.archive.db, row["uid"])
        assert found is not None
        return found


def _reanchored(annotation: Annotation, pages: Sequence[str], page_count: int) -> dict[str, Any]:
    """The anchor columns of `annotation` against these pages (to update its row with)."""
    if annotation.kind == "region" and annotation.box is not None:
        page = annotation.box.page
        ok = page is None or 1 <= page <= page_count
        return {"anchor": "ok" if ok else "orphaned"}
    span = annotation.span
    if annotation.kind != "highlight" or span is None:
        return {}
    quote = Quote(span.exact, span.prefix, span.suffix)
    found = locate(pages, span.page, span.start, span.end, quote)
    if found is None:
        return {"anchor": "orphaned"}
    values: dict[str, Any] = {
        "page": found.page,
        "start_char": found.start,
        "end_char": found.end,
        "anchor": found.anchor,
    }
    if found.anchor in ("ok", "moved"):
        # The same words (white space aside): let the quote and its context describe
        # the text as it is now. A fuzzy match keeps the words that were highlighted.
        now = quote_at(pages[found.page - 1], found.start, found.end)
        values.update(exact=now.exact, prefix=now.prefix, suffix=now.suffix)
    return values


def _clean_note(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(tag_key(name), name)
    return list(seen.values())


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"‘{n}’" for n in names)


def _shorten(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _kind_name(kind: str) -> str:
    return {"note": "note", "highlight": "highlight", "region": "region note"}[kind]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
