"""The records of the archive, each field declared once: items with their pages and
provenance; annotations, tags and links; import runs and suggested links; what a
container's importer reads (posts, accounts, events, the files it holds); posts and
containers as the archive keeps them, and what posts say as evidence (captures of posts
and accounts, accounts, platform events). The store (store/) reads and writes them.

An item's fields are declared in three groups, and each record of an item is made of
the groups it needs (fields are keywords, in any order):

- `ItemFields`, what an item says of itself: kind, media type, title, language,
  dates, author, address, OCR status, warnings and the format's own metadata;
- `ItemText`, its text a page at a time, with the pages and words OCR read;
- `ItemOrigin`, the original it is (SHA-256, name, path, size) and the import that
  brought it (when, which run, from which folder).

`Extracted` (what an importer found in one file) is fields and text; `NewItem` (an
item about to be written) is an `Extracted` with its origin, made by `NewItem.of`;
`Item` (an item of the archive) is fields and origin with its id, page count and
whether the index holds it — its pages are read apart (`Page`). The store writes and
reads these records (store/items.py names its columns after their fields). What a
person searches an item by is a part of two groups, `SearchedFields` of `ItemFields`
(kind, title, language, dates, author, address, OCR status) and `SearchedOrigin` of
`ItemOrigin` (the original's name, when it was imported): the search index's
`IndexDocument` is made of those two with what only the index has, and takes their
values from an `Item` by name (`shared_values`, in indexing.py). A post's fields are
declared once the same way (`PostFields`), of which `ExtractedPost` (read from a
container) and `Post` (kept by the archive) are made.

The records are plain values: they know nothing of SQL, the index or the files on
disk, so that every layer of the core can pass them (import-linter's `core-layers`
puts this module beneath the store and the importers).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any

from .blobs import StagedFile
from .words import Word

# -- items ---------------------------------------------------------------------------------

#: Item kinds (DESIGN.md §2).
KINDS = ("document", "image", "article", "post", "text", "message", "video")


# The three groups are declared without slots of their own (`__slots__ = ()`), so that a
# record may be made of any two; each record has the slots of all its fields.


@dataclass(frozen=True, kw_only=True)
class SearchedFields:
    """What an item says of itself that a person searches it by: the part of `ItemFields`
    the search index holds (index/schema.py `IndexDocument`)."""

    __slots__ = ()

    kind: str  # one of KINDS
    title: str
    #: ISO 639-1 code such as "en" or "ur"; "" if unknown.
    language: str = ""
    #: ISO 8601 (UTC when the zone is known), "" if unknown.
    published_at: str = ""
    captured_at: str = ""
    author: str = ""
    source_url: str = ""
    #: "none" (no OCR needed), "done", "missing-tesseract", "missing-language", "failed".
    ocr_status: str = "none"


@dataclass(frozen=True, kw_only=True)
class ItemFields(SearchedFields):
    """What an item says of itself: the fields every record of an item has."""

    __slots__ = ()

    media_type: str
    #: Things a person should know that did not stop the import.
    warnings: tuple[str, ...] = ()
    #: Format-specific metadata (image size, PDF producer, …) kept as JSON.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ItemText:
    """An item's text, one string per page (one page for everything but PDFs)."""

    __slots__ = ()

    pages: tuple[str, ...]
    #: Page numbers (1-based) whose text came from OCR.
    ocr_pages: tuple[int, ...] = ()
    #: The words OCR read on each page (1-based) it read, with their boxes (core/words.py).
    ocr_words: dict[int, tuple[Word, ...]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SearchedOrigin:
    """Where an item came from, as a person searches it: the part of `ItemOrigin` the
    search index holds (the name of its original, when it was imported)."""

    __slots__ = ()

    original_name: str
    imported_at: str


@dataclass(frozen=True, kw_only=True)
class ItemOrigin(SearchedOrigin):
    """The original an item is, and the import that brought it into the archive."""

    __slots__ = ()

    sha256: str
    original_path: str
    size: int
    import_run_id: int
    source_root: str  # the folder (or file) the import was given


@dataclass(frozen=True, slots=True, kw_only=True)
class Extracted(ItemFields, ItemText):
    """What an importer found in one file."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewItem(Extracted, ItemOrigin):
    """An item about to be written (no id yet)."""

    @classmethod
    def of(cls, found: Extracted, **values: Any) -> NewItem:
        """What `found` holds with its origin (and any field of its own) in `values`;
        a field missing from both is a TypeError."""
        return cls(**{**record_values(found), **values})


@dataclass(frozen=True, slots=True, kw_only=True)
class Item(ItemFields, ItemOrigin):
    """An item of the archive (its pages are read apart: `Page`)."""

    id: int
    page_count: int
    indexed: bool  # whether the search index holds it

    @property
    def date(self) -> str:
        """The date a researcher sorts by: published, else captured, else imported."""
        return self.published_at or self.captured_at or self.imported_at


def record_values(record: Any) -> dict[str, Any]:
    """A record's fields by name, the values themselves (not copied as `dataclasses.asdict`
    copies them)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def field_names(record: type[Any]) -> tuple[str, ...]:
    """The names of a record's fields, in the order they are declared."""
    return tuple(f.name for f in fields(record))


_SHARED: dict[tuple[type[Any], type[Any]], tuple[str, ...]] = {}


def _shared(source: type[Any], into: type[Any]) -> tuple[str, ...]:
    names = _SHARED.get((source, into))
    if names is None:
        mine = set(field_names(source))
        names = _SHARED[source, into] = tuple(n for n in field_names(into) if n in mine)
    return names


def shared_values(record: Any, into: type[Any]) -> dict[str, Any]:
    """The fields of `record` that the record type `into` declares too, by name: what
    makes an `into` of it, with the fields `into` has of its own given beside them
    (``IndexDocument(**shared_values(item, IndexDocument), item_id=item.id, …)``)."""
    return {name: getattr(record, name) for name in _shared(type(record), into)}


@dataclass(frozen=True, slots=True)
class Page:
    item_id: int
    page_no: int  # 1-based
    text: str
    from_ocr: bool


@dataclass(frozen=True, slots=True)
class Source:
    """One place an item's bytes were imported from."""

    run_id: int
    path: str
    root: str
    seen_at: str


# -- annotations, tags and links (W3C Web Annotations: annotate/w3c.py) --------------------


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


# -- imports and suggested links -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportRun:
    """One import: when, what it was given, by whom and with which xarchive, and its counts."""

    id: int
    started_at: str
    finished_at: str | None
    status: str
    sources: tuple[str, ...]
    user_name: str
    tool_version: str
    imported: int
    skipped: int
    failed: int


@dataclass(frozen=True, slots=True)
class FileState:
    """What the last import saw of a file: unchanged size and time skip it next time."""

    size: int
    mtime_ns: int
    sha256: str
    item_id: int | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    source_id: int
    target_id: int
    relation: str
    score: float
    reason: str
    detector: str
    status: str  # "pending", "accepted", "dismissed"
    link_uid: str
    created_at: str
    decided_at: str
    decided_by: str

    def other(self, item_id: int) -> int:
        """The item at the other end from `item_id`."""
        return self.target_id if item_id == self.source_id else self.source_id


@dataclass(frozen=True, slots=True)
class Found:
    """A suggestion as a detector reports it, before it is stored."""

    source_id: int
    target_id: int
    relation: str
    score: float
    reason: str
    detector: str


# -- what a container's importer reads: posts, their media, accounts, events, problems -----
#
# A *container* is one original that holds many items: an X account archive (a zip, or
# the same unpacked as a folder), a twarc2 JSON-lines file, a web capture (WARC, WACZ),
# an e-mail or a mailbox. Its importer runs in a worker process and returns one
# `ExtractedContainer`; the import (ingest/, posts/containers.py) then extracts the
# media like any picture, writes each new post's record as a blob, and commits the posts.
#
# The blob of a post is its **record**: the source objects it was made from (the tweet
# as the archive or the API gave it, the long text of a note tweet, the author and media
# objects of a twarc2 page), as canonical JSON — keys sorted, no spaces, UTF-8. So a
# post has a SHA-256 and an original in blobs/ like any file, `xarchive verify` re-hashes
# it, and the record can be read back without the container. Posts are deduplicated by
# platform id (``x:1758…``), not by hash: the same post in a newer archive, with other
# counts, is the same post.

#: The media type of a post's blob.
RECORD_MEDIA_TYPE = "application/json"
#: Values of the `is:` search field, and what each finds: the first five a post's own
#: record says (`ExtractedPost.flags`), the rest its evidence (posts/evidence.py).
POST_FLAGS = {
    "reply": "posts that answer another post",
    "retweet": "reposts of another account's post",
    "quote": "posts quoting another post",
    "deleted": "posts the account deleted",
    "long": "posts longer than 280 characters",
    "withheld": "posts withheld in some country (or whose account is)",
    "edited": "posts that were edited (every version)",
    "suspended": "posts of accounts that were suspended",
}
#: Actions of compliance events, by what they act on (posts/evidence.py explains each).
POST_ACTIONS = ("delete", "scrub_geo", "withheld", "drop", "undrop", "edit", "not_found")
ACCOUNT_ACTIONS = (
    "suspend", "unsuspend", "delete", "undelete", "protect", "unprotect", "withheld",
    "deactivate", "scrub_geo",
)  # fmt: skip
#: Values of the `has:` search field, and what each finds.
POST_HAS = {"media": "posts with pictures or videos", "links": "posts with links"}
#: Values of the `changed:` search field: what differs between two captures of a post.
POST_CHANGES = {
    "text": "posts whose text differs between captures",
    "counts": "posts whose likes, reposts, replies … differ between captures",
    "media": "posts whose pictures or videos differ between captures",
    "withheld": "posts whose withheld state differs between captures",
    "reply": "posts whose reply target differs between captures",
    "quote": "posts whose quoted post differs between captures",
    "deleted": "posts deleted between captures",
    "disappeared": "posts missing from a later archive of their account",
    "account": "posts whose account's handle or name differs between captures",
}


def canonical_json(value: Any) -> bytes:
    """`value` as canonical JSON bytes: sorted keys, no whitespace, UTF-8.

    Text that cannot be UTF-8 (a lone surrogate from a ``\\ud800`` escape) is
    written as JSON escapes instead, so that the bytes are always valid UTF-8.
    """
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
        return text.encode("ascii")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def platform_id(platform: str, post_id: str) -> str:
    """The archive-wide id of a post: ``x:1758123456789012345``."""
    return f"{platform}:{post_id}"


@dataclass(frozen=True, slots=True)
class Withheld:
    """What a platform said of where a post or an account is withheld, as one capture saw it.

    API v2: ``"withheld": {"country_codes": ["IN", "PK"], "scope": "tweet", "copyright":
    false}``; v1.1 and some archives: ``withheld_in_countries`` (``"XX"``: every country,
    ``"XY"``: a DMCA takedown), ``withheld_scope`` and ``withheld_copyright``.
    """

    country_codes: tuple[str, ...]  # upper case, as given ("XX" kept: every country)
    scope: str = ""  # "tweet", "user" (the whole account), "" unsaid
    copyright: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "country_codes": list(self.country_codes),
            "scope": self.scope,
            "copyright": self.copyright,
        }

    @classmethod
    def from_json(cls, value: Any) -> Withheld | None:
        """The value `as_json` made (or a source's v2 object); None for anything else."""
        if not isinstance(value, dict):
            return None
        codes = value.get("country_codes")
        codes = codes if isinstance(codes, list) else []
        return cls(
            tuple(_codes(codes)),
            str(value.get("scope") or ""),
            value.get("copyright") is True,
        )

    @classmethod
    def from_source(cls, obj: Any) -> Withheld | None:
        """The withheld state a tweet or user object carries, in either shape; None if none."""
        if not isinstance(obj, dict):
            return None
        found = cls.from_json(obj.get("withheld"))
        old = obj.get("withheld_in_countries")
        if isinstance(old, str):
            old = [c for c in re.split(r"[,\s]+", old) if c]
        codes = list(found.country_codes) if found else []
        codes += _codes(old if isinstance(old, list) else [])
        scope = (found.scope if found else "") or str(obj.get("withheld_scope") or "")
        copyright = bool(found and found.copyright) or obj.get("withheld_copyright") is True
        if "XY" in codes:
            copyright = True
        if not codes and not copyright and found is None:
            return None
        return cls(tuple(dict.fromkeys(codes)), scope, copyright)


_MEDIA_KEY_TYPE = re.compile(r"^\d+_(?=\d+$)")


def media_id(key: str) -> str:
    """The platform's id of a medium: API v2 media keys are "<type>_<media id>" ("3_1758…"),
    X archives give the media id alone."""
    return _MEDIA_KEY_TYPE.sub("", key)


def _codes(values: list[Any]) -> list[str]:
    return [str(v).strip().upper() for v in values if isinstance(v, str) and v.strip()]


@dataclass(frozen=True, slots=True)
class ExtractedAccount:
    """An account as one source described it (a twarc2 user object, an X archive's account)."""

    platform_id: str  # "x:1456…": the platform's account id
    account_id: str
    handle: str  # without "@"
    record: bytes  # the source's object(s), canonical JSON
    member: str = ""  # the file in the container ("" for a single file)
    locator: str = ""  # "line 3, includes.users[0]"
    display_name: str = ""
    bio: str = ""
    location: str = ""
    url: str = ""
    created_at: str = ""  # ISO 8601, UTC
    counts: dict[str, int] = field(default_factory=dict)  # followers, following, posts, listed
    protected: bool | None = None  # None: the source does not say
    verified: bool | None = None
    verified_type: str = ""
    withheld: Withheld | None = None
    suspended: bool | None = None
    captured_at: str = ""

    def state(self) -> dict[str, Any]:
        """What this capture said of the account: stored with it, compared between captures."""
        return {
            "handle": self.handle,
            "display_name": self.display_name,
            "bio": self.bio,
            "location": self.location,
            "url": self.url,
            "created_at": self.created_at,
            "counts": dict(self.counts),
            "protected": self.protected,
            "verified": self.verified,
            "verified_type": self.verified_type,
            "withheld": self.withheld.as_json() if self.withheld else None,
            "suspended": self.suspended,
        }


@dataclass(frozen=True, slots=True)
class ExtractedEvent:
    """A dated thing the platform did to a post or an account (compliance, deletion)."""

    subject: str  # "post" or "account"
    platform_id: str  # "x:1758…" (a post id or an account id)
    action: str  # one of POST_ACTIONS or ACCOUNT_ACTIONS
    at: str  # when it happened (ISO 8601, UTC), "" unknown
    member: str = ""
    locator: str = ""  # "line 4"
    #: What else the source said: reason, redacted_at, country_codes, the raw object.
    details: dict[str, Any] = field(default_factory=dict)


#: Types of media that are videos to xarchive: X serves animated GIFs as MP4.
VIDEO_TYPES = ("video", "animated_gif")


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A picture or video a post shows, as the post describes it."""

    key: str  # the platform's media id or media_key
    type: str  # "photo", "video", "animated_gif"
    url: str  # where the platform served it (never fetched)
    alt_text: str = ""
    #: The file in the container that holds it ("" when the container has none).
    member: str = ""


@dataclass(frozen=True, kw_only=True)
class PostFields:
    """What a post says of itself: the fields of a post read from a container
    (`ExtractedPost`) and of a post of the archive (`Post`)."""

    __slots__ = ()

    platform_id: str  # "x:1758…"
    account: str  # handle, without "@"
    display_name: str
    account_id: str
    url: str  # https://x.com/<account>/status/<id>
    published_at: str  # ISO 8601, UTC
    text: str  # unescaped, links expanded, media links dropped, long text merged
    original_text: str  # as the source has it
    language: str  # ISO 639-1, "" if unknown
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    #: (short link as written, expanded link) for each link that is not a media link.
    links: tuple[tuple[str, str], ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    reply_to_id: str = ""  # platform id of the post it answers
    reply_to_account: str = ""
    quote_of_id: str = ""
    retweet_of_id: str = ""
    retweet_of_account: str = ""
    conversation_id: str = ""
    is_retweet: bool = False
    is_deleted: bool = False
    deleted_at: str = ""
    is_long: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractedPost(PostFields):
    """One post, read from a container."""

    post_id: str  # "1758…"
    record: bytes  # canonical JSON: the post's blob
    sha256: str  # of `record`
    member: str  # the file in the container it came from ("" for a single file)
    locator: str  # where in that file: "record 12", "line 3, data[4]"
    #: A post the collected ones refer to (twarc2 `includes.tweets`), not collected itself.
    referenced: bool = False
    #: When it was taken from the platform, if the source says so per post.
    captured_at: str = ""
    media: tuple[MediaRef, ...] = ()
    warnings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    #: Where the platform withheld it, as this source saw it (None: it says nothing).
    withheld: Withheld | None = None
    #: Platform ids of every version of the post, oldest first, when it was edited
    #: (twarc2 `edit_history_tweet_ids`, X archive `edit_info.initial.editTweetIds`).
    edit_ids: tuple[str, ...] = ()
    #: The platform id of the first version when only that is known (X archive
    #: `edit_info.edit.initialTweetId` on a later version).
    initial_id: str = ""

    def state(self) -> dict[str, Any]:
        """What this capture of the post said: kept with the capture, compared between
        captures (posts/evidence.py `changes`)."""
        return {
            "text": self.text,
            "counts": dict(self.counts),
            "media": [[m.type, media_id(m.key) or m.url] for m in self.media],
            "withheld": self.withheld.as_json() if self.withheld else None,
            "reply_to_id": self.reply_to_id,
            "quote_of_id": self.quote_of_id,
            "retweet_of_id": self.retweet_of_id,
            "deleted": self.is_deleted,
            "deleted_at": self.deleted_at,
            "edit_ids": list(self.edit_ids),
            "account": self.account,
            "display_name": self.display_name,
        }

    @property
    def flags(self) -> tuple[str, ...]:
        """Its values of the `is:` search field."""
        found = []
        if self.reply_to_id:
            found.append("reply")
        if self.is_retweet:
            found.append("retweet")
        if self.quote_of_id:
            found.append("quote")
        if self.is_deleted:
            found.append("deleted")
        if self.is_long:
            found.append("long")
        return tuple(found)


@dataclass(frozen=True, slots=True)
class StagedMedia:
    """A media file of the container, copied to the staging area and hashed (not yet stored)."""

    member: str  # its name in the container: "data/tweets_media/1758…-GLnotice01.jpg"
    location: str  # where a person finds it: "/…/archive.zip/data/tweets_media/…"
    staged: StagedFile
    #: For a file that is an item in its own right rather than a post's picture (a
    #: page of a web capture, a message or its attachment): what the container says
    #: of it. Such a file is read by the importer its content calls for.
    about: Contained | None = None


@dataclass(frozen=True, slots=True)
class Contained:
    """What a container says of a file in it that becomes an item of its own.

    Non-empty values take the place of what the file's importer found: a page
    captured in a WARC has its address and time of capture from the record, not
    from the page.
    """

    name: str  # the item's original name: "index.html", "notice.pdf"
    locator: str  # where in the container: "record 3 of capture.warc.gz"
    title: str = ""
    source_url: str = ""
    captured_at: str = ""
    published_at: str = ""
    author: str = ""
    #: The member of the item this one belongs to (a page, a message), and how.
    part_of: str = ""
    relation: str = "part-of"
    #: What the container read of the file itself, when no importer should read it
    #: again (an e-mail message: its importer is the container's own).
    extracted: Extracted | None = None
    warnings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ContainerPart:
    """A file of an unpacked (folder) container that was read, stored as a blob by the worker."""

    member: str  # "data/tweets.js"
    location: str  # its path on disk
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class RecordProblem:
    """Something in the container that could not be imported; the rest was."""

    where: str  # "data/tweets.js, line 120, column 5", "line 7"
    reason: str

    def describe(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


@dataclass(frozen=True, slots=True)
class ExtractedContainer:
    """Everything a container importer found in one container."""

    kind: str  # "x-archive", "x-archive-folder", "twarc2"
    media_type: str
    title: str  # "X archive of @demo_reporter"
    posts: tuple[ExtractedPost, ...]
    media: tuple[StagedMedia, ...] = ()
    #: A folder's files that were read (each stored as a blob by the importer), and
    #: the listing that stands for the folder itself (its blob: the paths, sizes and
    #: hashes of every file read). None for a container that is one file.
    parts: tuple[ContainerPart, ...] = ()
    listing: ContainerPart | None = None
    #: When the data was taken from the platform (archive generation, API retrieval).
    captured_at: str = ""
    problems: tuple[RecordProblem, ...] = ()
    warnings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    #: The accounts it describes (users lookups, `includes.users`, account.js).
    accounts: tuple[ExtractedAccount, ...] = ()
    #: Compliance events and deletions it records.
    events: tuple[ExtractedEvent, ...] = ()
    #: What it holds besides posts, for the import's report when that is all it holds:
    #: "holds tweet counts, not posts (30 days, 1 234 tweets)".
    holds: str = ""


# -- posts and containers as the archive keeps them (store/posts.py) -----------------------


@dataclass(frozen=True, slots=True)
class Container:
    id: int
    sha256: str
    kind: str  # "x-archive", "x-archive-folder", "x-archive-file", "twarc2"
    name: str
    size: int
    media_type: str
    parent_id: int | None
    member: str
    title: str
    captured_at: str
    import_run_id: int
    imported_at: str
    extra: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewContainer:
    sha256: str
    kind: str
    name: str
    size: int
    media_type: str
    title: str
    captured_at: str
    import_run_id: int
    imported_at: str
    parent_id: int | None = None
    member: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PostMedia:
    """A picture or video of a post."""

    position: int  # 1-based
    item_id: int | None  # the image item, None when the file is not in the archive
    key: str
    type: str  # "photo", "video", "animated_gif"
    url: str  # where the platform served it (never fetched)
    alt_text: str
    member: str  # its file in the container ("" if absent)


@dataclass(frozen=True, slots=True)
class PostSource:
    """One place a post was read from."""

    container_id: int
    container_name: str
    container_kind: str
    member: str
    locator: str
    record_sha256: str
    counts: dict[str, int]
    run_id: int
    seen_at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Post(PostFields):
    """What a post card shows: the post, its account, counts, media and context."""

    item_id: int
    counts_seen_at: str  # when the counts were seen (the capture they are from)
    is_referenced: bool  # only referred to by the posts collected (ExtractedPost.referenced)
    media: tuple[PostMedia, ...]

    @property
    def post_id(self) -> str:
        return self.platform_id.partition(":")[2]

    @property
    def is_reply(self) -> bool:
        return bool(self.reply_to_id)

    @property
    def is_quote(self) -> bool:
        return bool(self.quote_of_id)

    @property
    def author(self) -> str:
        """ "Display Name (@handle)", or whichever of the two is known."""
        if self.display_name and self.account:
            return f"{self.display_name} (@{self.account})"
        return self.display_name or (f"@{self.account}" if self.account else "")


@dataclass(frozen=True, slots=True)
class MissingMedia:
    """A post's picture or video the archive does not hold (yet)."""

    post_id: int
    position: int
    key: str
    type: str
    url: str
    platform_id: str
    variants: tuple[str, ...]  # the addresses of a video's variants, as the post lists them
    container_paths: tuple[str, ...]  # where the files the post was read from were


@dataclass(frozen=True, slots=True)
class PostIndexFields:
    """The search fields of a post, or of a picture shown by posts."""

    accounts: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # `is:` reply, retweet, quote, deleted, long
    has: tuple[str, ...] = ()  # `has:` media, links
    alt_texts: tuple[str, ...] = ()


# -- what posts say as evidence, as the archive keeps them (store/evidence.py) -------------
#
# Captures of posts and accounts, accounts, and platform events as they are stored;
# posts/evidence.py makes of them what a person reads (its Capture, Account, Event).


@dataclass(frozen=True, slots=True)
class CaptureRow:
    """One place and time a post was read: a `post_sources` row with what it said."""

    source_id: int  # the row's id
    item_id: int
    container_id: int
    container_name: str
    container_kind: str
    container_title: str
    member: str
    locator: str
    record_sha256: str
    captured_at: str  # when the source took it from the platform ("" unknown)
    imported_at: str  # when it entered the archive
    run_id: int
    state: dict[str, Any] | None  # None: imported before captures kept their state


@dataclass(frozen=True, slots=True)
class UnknownCapture:
    """A capture kept without what it said (imported before schema 9)."""

    id: int
    item_id: int
    container_id: int
    parent_id: int | None  # an unpacked X archive, of its data file's capture
    member: str
    locator: str
    record_sha256: str


@dataclass(frozen=True, slots=True)
class BundledCapture:
    """A capture of a post as a bundle lists it (posts/evidence.py `record_bundled_captures`)."""

    item_id: int
    container_id: int  # the bundle's items.json
    member: str  # the record's file in the bundle ("" when it kept none)
    locator: str  # where the exporting archive had read it: "feb.jsonl, line 1, data[0]"
    record_sha256: str
    captured_at: str
    state: dict[str, Any] | None  # None: unknown there too


@dataclass(frozen=True, slots=True)
class AccountRow:
    """An account as the archive keeps it: what its latest capture said (`state`)."""

    platform_id: str
    account_id: str
    handle: str
    state: dict[str, Any]
    seen_at: str


@dataclass(frozen=True, slots=True)
class AccountCaptureRow:
    """One place and time an account was read, with its record and what it said."""

    id: int
    platform_id: str
    container_id: int
    container_name: str
    member: str
    locator: str
    record: str
    state: dict[str, Any]
    captured_at: str
    run_id: int
    imported_at: str


@dataclass(frozen=True, slots=True)
class EventRow:
    """A dated thing a platform did to a post or an account, with the container it was
    read from."""

    id: int
    subject: str  # "post", "account"
    platform_id: str
    action: str
    at: str
    details: dict[str, Any]
    container_id: int
    container_name: str
    member: str
    locator: str
    run_id: int
    imported_at: str


@dataclass(frozen=True, slots=True)
class PostKey:
    """What the evidence of a post is looked up by."""

    item_id: int
    platform_id: str
    account_id: str
    is_deleted: bool
    deleted_at: str
    handle: str = ""  # the account's handle, as the post names it


def handle_key(platform: str, handle: str) -> str:
    """What the events of an account known only by its handle are kept under
    ("x:@karachi_demo_voice", lower case): a lookup by username that the platform refused
    ("User has been suspended: [karachi_demo_voice]") names no account id. Such events
    are the account's wherever its posts or its record name that handle
    (posts/evidence.py `account_keys`)."""
    handle = handle.strip().lstrip("@")
    return f"{platform}:@{handle.lower()}" if handle else ""
