"""Annotations, tags and links (W3C Web Annotations: annotate/w3c.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TextSpan:
    """Where a highlight is: a span of one page's text, and the quote that finds it again."""

    page: int  # 1-based
    start: int  # character (code point) offsets in the page's text
    end: int
    exact: str  # the text highlighted
    prefix: str  # up to 32 characters before it
    suffix: str  # up to 32 characters after it


@dataclass(frozen=True, slots=True)
class Box:
    """A region: pixels of an image, or PDF points of a page; origin at the top left."""

    x: float
    y: float
    w: float
    h: float
    page: int | None  # 1-based for a PDF page, None for an image


@dataclass(frozen=True, slots=True)
class Annotation:
    """A note on an item, a highlight of its text, or a region of its picture or page."""

    id: int
    uid: str  # "urn:uuid:…"
    kind: str  # "note", "highlight", "region"
    item_id: int | None  # None: the item was deleted and the annotation kept
    target_sha256: str
    note: str
    colour: str  # highlights: "" for the default colour, else "#rrggbb" or a CSS name
    span: TextSpan | None  # highlights
    box: Box | None  # regions
    #: "ok"; "moved" (the quote was found elsewhere after the text changed);
    #: "fuzzy" (only something close to it was found); "orphaned" (not found: kept
    #: at its old place until someone re-attaches or deletes it).
    anchor: str
    via: str  # uid of the annotation this one was copied from (an earlier version)
    creator: str
    created_at: str
    modified_at: str

    @property
    def orphaned(self) -> bool:
        return self.item_id is None or self.anchor == "orphaned"


@dataclass(frozen=True, slots=True)
class Tag:
    id: int
    name: str  # as typed
    creator: str
    created_at: str
    modified_at: str


@dataclass(frozen=True, slots=True)
class TagCount:
    tag: Tag
    count: int  # items carrying it

    @property
    def name(self) -> str:
        return self.tag.name


@dataclass(frozen=True, slots=True)
class ItemTag:
    """One tag on one item (a W3C annotation with motivation "tagging")."""

    id: int
    uid: str
    item_id: int | None
    target_sha256: str
    tag_id: int
    name: str
    via: str
    creator: str
    created_at: str
    modified_at: str


@dataclass(frozen=True, slots=True)
class Link:
    """`source` —relation→ `target`, e.g. an article *cites* a court filing."""

    id: int
    uid: str
    source_id: int | None  # None: that item was deleted and the link kept
    source_sha256: str
    target_id: int | None
    target_sha256: str
    relation: str
    note: str
    via: str
    creator: str
    created_at: str
    modified_at: str

    def other(self, item_id: int) -> int | None:
        """The item at the other end from `item_id`."""
        return self.target_id if self.source_id == item_id else self.source_id


@dataclass(frozen=True, slots=True)
class Attached:
    """What hangs on one item: counted before it may be deleted."""

    notes: int
    highlights: int
    regions: int
    tags: int
    links_out: int
    links_in: int

    @property
    def annotations(self) -> int:
        return self.notes + self.highlights + self.regions + self.tags

    @property
    def links(self) -> int:
        return self.links_out + self.links_in

    def describe(self) -> str:
        """E.g. "2 notes, 1 highlight, 3 tags, 1 link to another item"."""
        parts = []
        for count, one, many in (
            (self.notes, "note", "notes"),
            (self.highlights, "highlight", "highlights"),
            (self.regions, "region note", "region notes"),
            (self.tags, "tag", "tags"),
            (self.links_out, "link to another item", "links to other items"),
            (self.links_in, "link from another item", "links from other items"),
        ):
            if count:
                parts.append(f"{count} {one if count == 1 else many}")
        return ", ".join(parts) or "nothing"
