"""Posts and containers as the archive keeps them (store/posts.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class PostFields:
    """What a post says of itself: the fields of a post read from a container
    (`ExtractedPost`) and of a post of the archive (`Post`). A group of fields, never
    made itself: no methods of its own (model/items.py says why)."""

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
