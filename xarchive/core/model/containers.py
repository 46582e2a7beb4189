"""What a container's importer reads: posts, their media, accounts, events, problems."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..blobs import StagedFile
from .evidence import Withheld
from .posts import PostFields

if TYPE_CHECKING:
    from .extracted import Extracted

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


_MEDIA_KEY_TYPE = re.compile(r"^\d+_(?=\d+$)")


def media_id(key: str) -> str:
    """The platform's id of a medium: API v2 media keys are "<type>_<media id>" ("3_1758…"),
    X archives give the media id alone."""
    return _MEDIA_KEY_TYPE.sub("", key)


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
