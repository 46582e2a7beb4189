"""Posts as evidence: what the platform said and did to a post, and every capture of it.

The questions a researcher proving a case asks of a post — was it withheld, and
where, and since when it was seen so; was it edited, and what did it say before;
was it deleted, or the account suspended; how did it change between the captures
the archive holds of it — answered from the archive alone. This is the API the
post card, the details pane, the versions and captures views and the account view
use (all functions take an `Archive` or its connection, and raise ItemNotFound for
an item that is no post):

    evidence(archive, item_id)      the summary a card shows: withheld, versions,
                                    deletion, captures, events, what changed
    withheld(archive, item_id)      where it (or its whole account) is withheld
    versions(archive, item_id)      the versions of an edited post, oldest first,
                                    each with its text's differences from the one before
    captures(archive, item_id)      every capture, oldest first, with what each said
    picture_captures(archive, id)   screenshots linked to it as `shows`
    changes(archive, item_id)       what changed from each capture to the next, and
                                    whether it disappeared from a later archive
    events(archive, item_id)        dated events of the post and of its account
    account(archive, who)           an account record (by handle or platform id)
    account_of(archive, item_id)    the account of a post
    account_posts(archive, acct)    item ids of an account's posts, oldest first
    account_captures(archive, acct) every capture of an account, with what changed
    accounts(archive)               every account record, by handle
    version_groups(archive, ids)    which of these posts are versions of one another
    version_places(conn, ids)       which version of which edited post each one is (the
                                    search groups a query's hits by it)
    pending_events(archive)         events of posts the archive does not hold yet
    event_day_counts(archive)       events per day, for a timeline beside the items'
    evidence_record(archive, id)    all of it as JSON values (bundles, `show --json`)
    text_diff(a, b), marked(parts)  word differences, and them as [-old-]{+new+} text

The import calls `record_container` for each container it commits; `evidence_fields`
is what the search index holds (`is:withheld`, `withheld:PK`, `changed:text` …).

Where the facts come from:

- **Withheld**: a tweet's or user's ``withheld`` object (or ``withheld_in_countries``),
  as each capture saw it (core/model/ `Withheld`); compliance ``withheld``
  events; an account withheld with ``scope: "user"`` withholds each of its posts.
  `withheld:PK` finds a post seen withheld in PK in any capture.
- **Versions**: twarc2 ``edit_history_tweet_ids`` and the X archive's
  ``edit_info.initial.editTweetIds`` (or ``edit_info.edit.initialTweetId``) name
  every version; they share the first version's platform id (post ids are
  snowflakes: their order is their order in time). Each version in the archive is
  linked ``edit-of`` the one before it, by the import.
- **Captures**: each time a post id is read (another export, a later twarc run, an
  X archive and a twarc file), a `post_sources` row keeps when the source took it
  from the platform, which file and record, the record's hash and what it said.
- **Events**: compliance files (tweet ``delete``, ``scrub_geo``, ``withheld``,
  ``drop``; user ``suspend``, ``delete``, ``protect``, ``withheld``), a lookup's
  "Not Found" answer for a post (``not_found``), the X archive's
  ``deleted-tweets.js`` (``deleted_at``) and ``account-suspension.js``, by platform
  id: an event for a post not in the archive is kept, and a later import of the
  post shows it. A ``delete`` marks the post deleted (`Post.is_deleted`, `deleted_at`).
- **Disappeared**: an X archive holds every post of its account, so a post missing
  from a later archive of the same account had gone by then (`changes`, and
  ``changed:disappeared``). A twarc2 run that misses a post says nothing of it.
- **Accounts**: user objects (twarc2 users lookups, ``includes.users``, list
  members) and the X archive's account.js/profile.js; the newest capture's values
  stand, with each capture kept; suspension, deletion and protection follow the
  account's events in date order.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

# What only an import or a backfill makes (the records an importer reads: ExtractedEvent,
# ExtractedAccount…) is asked of `model` where it is made, which loads them then: an
# export, which writes the posts' evidence, does not compile those records' methods.
from .. import blobs, model
from ..archive import Archive
from ..errors import ItemNotFound
from ..model import (
    ACCOUNT_ACTIONS,
    POST_ACTIONS,
    AccountRow,
    BundledCapture,
    CaptureRow,
    EventRow,
    Post,
    PostKey,
    Withheld,
    handle_key,
)
from ..store import annotations as link_store
from ..store import evidence as store
from ..store import items as item_store
from ..store import posts as post_store
from ..store import versions as version_store
from .threads import link_items
from .versions import VersionPlace as VersionPlace  # re-exported: they were written here
from .versions import version_places as version_places

if TYPE_CHECKING:
    import sqlite3

    from ..model import ExtractedContainer

#: The relation of a later version of a post to the one before it.
EDIT_RELATION = "edit-of"
#: How events are named for a person.
_ACTION_LABELS = {
    ("post", "delete"): "Deleted",
    ("post", "scrub_geo"): "Location removed",
    ("post", "withheld"): "Withheld",
    ("post", "drop"): "Removed from public view",
    ("post", "undrop"): "Shown again",
    ("post", "edit"): "Edited",
    ("post", "not_found"): "Not found by the API",
    ("account", "suspend"): "Account suspended",
    ("account", "unsuspend"): "Account unsuspended",
    ("account", "delete"): "Account deleted",
    ("account", "undelete"): "Account restored",
    ("account", "deactivate"): "Account deactivated",
    ("account", "protect"): "Account protected",
    ("account", "unprotect"): "Account public again",
    ("account", "withheld"): "Account withheld",
    ("account", "scrub_geo"): "Account's locations removed",
}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _conn(archive: Archive | sqlite3.Connection) -> sqlite3.Connection:
    return archive.db if isinstance(archive, Archive) else archive


def day_label(when: str) -> str:
    """'2024-03-03T…' → '3 Mar 2024' (as a card says it); '' for no date."""
    found = re.match(r"(\d{4})-(\d{2})-(\d{2})", when or "")
    if not found:
        return ""
    year, month, day = found.groups()
    return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"


# -- text differences ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextPart:
    """A run of text, and whether the later text kept, added or removed it."""

    text: str
    change: str  # "same", "added", "removed"


_TOKENS = re.compile(r"\s+|[^\s]+")


def text_diff(before: str, after: str) -> tuple[TextPart, ...]:
    """The differences from `before` to `after`, word by word (spaces kept)."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    parts: list[TextPart] = []

    def add(text: str, change: str) -> None:
        if not text:
            return
        if parts and parts[-1].change == change:
            parts[-1] = TextPart(parts[-1].text + text, change)
        else:
            parts.append(TextPart(text, change))

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("".join(a[i1:i2]), "same")
        else:
            add("".join(a[i1:i2]), "removed")
            add("".join(b[j1:j2]), "added")
    return tuple(parts)


def marked(parts: Sequence[TextPart], removed: str = "[-{}-]", added: str = "{+{}+}") -> str:
    """The differences as text: ``[-old-]{+new+}`` around what changed (for the CLI)."""
    out = []
    for part in parts:
        if part.change == "removed":
            out.append(removed.replace("{}", part.text))
        elif part.change == "added":
            out.append(added.replace("{}", part.text))
        else:
            out.append(part.text)
    return "".join(out)


# -- withheld ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WithheldState:
    """Where a post is withheld, and since when the archive saw it so."""

    country_codes: tuple[str, ...]  # "PK", "IN"; "XX": every country
    scope: str  # "tweet", "user" (the whole account)
    copyright: bool
    #: The capture date at which it was first seen withheld ("" when only an event says so).
    first_seen_at: str
    last_seen_at: str
    #: "post" (its own captures or events), "account" (its account is withheld).
    via: str
    #: Whether the latest capture of the post still shows it withheld.
    current: bool = True

    def describe(self) -> str:
        """'Withheld in PK, IN (seen 21 Apr 2024)'."""
        codes = ", ".join("every country" if c == "XX" else c for c in self.country_codes)
        text = "Withheld" + (f" in {codes}" if codes else "")
        if self.copyright:
            text += " (copyright)"
        if self.via == "account":
            text = "Account withheld" + (f" in {codes}" if codes else "")
        if self.first_seen_at:
            text += f" (seen {day_label(self.first_seen_at)})"
        return text


def withheld(archive: Archive | sqlite3.Connection, item_id: int) -> WithheldState | None:
    """Where post `item_id` (or its whole account) was seen withheld; None if never."""
    conn = _conn(archive)
    post = post_store.get_post(conn, item_id)
    states = store.capture_states(conn, [item_id]).get(item_id, [])
    events = store.events_of(conn, "post", [post.platform_id]).get(post.platform_id, [])
    account = store.accounts_by_id(conn, [post.account_id]).get(post.account_id)
    platform = post.platform_id.partition(":")[0]
    held_events = _account_rows(conn, account_keys(platform, post.account_id, post.account))
    return _withheld(states, events, account, held_events)


# -- versions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Version:
    """One version of an edited post."""

    number: int  # 1: the first
    platform_id: str
    item_id: int | None  # None: the archive does not hold this version
    published_at: str
    text: str  # "" when not in the archive
    #: Differences from the version before it that the archive holds (() for the first).
    diff: tuple[TextPart, ...] = ()


@dataclass(frozen=True, slots=True)
class Versions:
    initial_id: str  # platform id of the first version ("" when the post was not edited)
    versions: tuple[Version, ...]

    @property
    def edited(self) -> bool:
        return len(self.versions) > 1

    @property
    def missing(self) -> int:
        """Versions the platform lists that the archive does not hold."""
        return sum(1 for v in self.versions if v.item_id is None)

    def describe(self) -> str:
        """'Edited — 3 versions' ('…, 1 not in the archive')."""
        if not self.edited:
            return ""
        text = f"Edited — {len(self.versions)} versions"
        if self.missing:
            text += f", {self.missing} not in the archive"
        return text


def versions(
    archive: Archive | sqlite3.Connection, item_id: int, memo: EvidenceMemo | None = None
) -> Versions:
    """Every version of post `item_id`, oldest first; one version if it was never edited.
    `memo`: see `EvidenceMemo`."""
    conn = _conn(archive)
    post = post_store.get_post(conn, item_id)
    if memo is not None and post.platform_id in memo.initials:
        initial = memo.initials[post.platform_id]
    else:
        initial = version_store.initial_ids(conn, [post.platform_id]).get(post.platform_id, "")
    if not initial:
        return Versions("", (Version(1, post.platform_id, item_id, post.published_at, post.text),))
    ids = version_store.versions_in(conn, initial)
    held = store.post_item_ids(conn, ids)
    found: list[Version] = []
    previous = ""
    have_previous = False
    for number, platform_id in enumerate(ids, 1):
        version_item = held.get(platform_id)
        if version_item is None:
            found.append(Version(number, platform_id, None, "", ""))
            continue
        version = post_store.get_post(conn, version_item)
        diff = text_diff(previous, version.text) if have_previous else ()
        found.append(
            Version(number, platform_id, version_item, version.published_at, version.text, diff)
        )
        previous, have_previous = version.text, True
    return Versions(initial, tuple(found))


def version_groups(
    archive: Archive | sqlite3.Connection, item_ids: Sequence[int]
) -> list[list[int]]:
    """These posts (e.g. a page of hits) grouped as versions of one another, in the order
    of each group's first member; items that are no edited post are a group of their own."""
    conn = _conn(archive)
    platform = _platform_ids(conn, item_ids)
    initials = version_store.initial_ids(conn, list(platform.values()))
    groups: dict[Any, list[int]] = {}
    for item_id in item_ids:
        key = initials.get(platform.get(item_id, ""), item_id)
        groups.setdefault(key, []).append(item_id)
    return list(groups.values())


def link_versions(conn: sqlite3.Connection, item_id: int, now: str) -> int:
    """Link each version of this post's group the archive holds `edit-of` the one before
    it; return how many links were made. The caller owns the transaction."""
    post = post_store.get_post(conn, item_id)
    initial = version_store.initial_ids(conn, [post.platform_id]).get(post.platform_id)
    if not initial:
        return 0
    ids = version_store.versions_in(conn, initial)
    held = store.post_item_ids(conn, ids)
    chain = [held[p] for p in ids if p in held]
    return sum(
        link_items(conn, later, EDIT_RELATION, earlier, now)
        for earlier, later in zip(chain, chain[1:], strict=False)
    )


def _platform_ids(conn: sqlite3.Connection, item_ids: Sequence[int]) -> dict[int, str]:
    return {p.item_id: p.platform_id for p in post_store.posts(conn, list(item_ids))}


# -- captures ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Capture:
    """One capture of a post: where and when it was read, and what it said then."""

    number: int  # 1: the earliest
    captured_at: str  # when the source took it from the platform ("" unknown)
    imported_at: str
    source: str  # the container's title: "X archive of @demo_reporter (2024-04-20)"
    container_id: int
    container_name: str  # "twitter-2024-04-20-demo_reporter.zip"
    container_kind: str  # "x-archive", "x-archive-file", "twarc2"
    where: str  # "data/tweets.js, record 12", "line 3, data[4]"
    record_sha256: str  # the record as read there
    #: False for a capture imported before captures kept what they said.
    known: bool
    text: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    media: tuple[str, ...] = ()  # "photo 3_1758…", in order
    withheld: Withheld | None = None
    reply_to_id: str = ""
    quote_of_id: str = ""
    retweet_of_id: str = ""
    deleted: bool = False
    deleted_at: str = ""
    account: str = ""
    display_name: str = ""
    #: Other files that hold this very capture (the same record taken at the same time: a
    #: twarc2 file that grew and was imported again, a copy with other bytes around it).
    also_in: tuple[str, ...] = ()
    #: What it said, as kept with it (`ExtractedPost.state`; None unknown): what a bundle
    #: carries of it.
    state: dict[str, Any] | None = None


def captures(
    archive: Archive | sqlite3.Connection, item_id: int, memo: EvidenceMemo | None = None
) -> list[Capture]:
    """Every capture of post `item_id`, the earliest capture first; one capture read from
    several files is listed once. `memo`: see `EvidenceMemo`."""
    conn = _conn(archive)
    post_store.get_post(conn, item_id)  # ItemNotFound for an item that is no post
    out: list[Capture] = []
    seen: dict[tuple[str, str], int] = {}
    if memo is not None and item_id in memo.captures:
        rows = memo.captures[item_id]
    else:
        rows = store.captures_of(conn, item_id)
    for row in rows:
        state = row.state or {}
        where = f"{row.member}, {row.locator}" if row.member else row.locator
        if row.container_kind == "bundle-items":  # where the exporting archive had read it
            where = row.locator
        key = (row.record_sha256, row.captured_at)
        if key in seen:
            first = out[seen[key]]
            out[seen[key]] = replace(first, also_in=(*first.also_in, row.container_name))
            continue
        seen[key] = len(out)
        out.append(
            Capture(
                number=len(out) + 1, captured_at=row.captured_at, imported_at=row.imported_at,
                source=row.container_title or row.container_name, container_id=row.container_id,
                container_name=row.container_name, container_kind=row.container_kind,
                where=where, record_sha256=row.record_sha256, known=row.state is not None,
                text=str(state.get("text", "")), counts=dict(state.get("counts") or {}),
                media=tuple(f"{t} {k}" for t, k in state.get("media") or []),
                withheld=Withheld.from_json(state.get("withheld")),
                reply_to_id=str(state.get("reply_to_id", "")),
                quote_of_id=str(state.get("quote_of_id", "")),
                retweet_of_id=str(state.get("retweet_of_id", "")),
                deleted=bool(state.get("deleted")), deleted_at=str(state.get("deleted_at", "")),
                account=str(state.get("account", "")),
                display_name=str(state.get("display_name", "")), state=row.state,
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class PictureCapture:
    """A screenshot (or photo) linked to the post as showing it: a capture of another kind,
    often the only one left once a post is gone."""

    item_id: int
    title: str
    captured_at: str  # when the picture was taken, as its file says ("" unknown)
    link_note: str


def picture_captures(archive: Archive | sqlite3.Connection, item_id: int) -> list[PictureCapture]:
    """The items linked to post `item_id` as `shows` (a screenshot matched to it), by the
    date they were taken."""
    conn = _conn(archive)
    post_store.get_post(conn, item_id)
    found = []
    for link in link_store.links_to(conn, item_id):
        if link.relation != "shows" or link.source_id is None:
            continue
        picture = item_store.get_item(conn, link.source_id)
        found.append(PictureCapture(picture.id, picture.title, picture.captured_at, link.note))
    return sorted(found, key=lambda c: (c.captured_at == "", c.captured_at, c.item_id))


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One thing that differs between two captures."""

    name: str  # one of model.POST_CHANGES
    summary: str  # for a person: "likes 3 → 40", "no longer withheld"
    before: Any = None
    after: Any = None
    diff: tuple[TextPart, ...] = ()  # for "text"


@dataclass(frozen=True, slots=True)
class CaptureChange:
    """What changed from one capture to the next (`after` None: it had disappeared)."""

    before: Capture
    after: Capture | None
    changes: tuple[FieldChange, ...]
    #: For a disappearance: the later archive that no longer holds it, and its date.
    missing_from: str = ""
    missing_at: str = ""


def compare(before: Capture, after: Capture) -> tuple[FieldChange, ...]:
    """What differs from capture `before` to capture `after` (() when either is unknown)."""
    if not before.known or not after.known:
        return ()
    return tuple(_compare(_state(before), _state(after)))


def _state(capture: Capture) -> dict[str, Any]:
    return {
        "text": capture.text, "counts": capture.counts, "media": list(capture.media),
        "withheld": capture.withheld.as_json() if capture.withheld else None,
        "reply_to_id": capture.reply_to_id, "quote_of_id": capture.quote_of_id,
        "retweet_of_id": capture.retweet_of_id, "deleted": capture.deleted,
        "deleted_at": capture.deleted_at, "account": capture.account,
        "display_name": capture.display_name,
    }  # fmt: skip


def _compare(a: dict[str, Any], b: dict[str, Any]) -> list[FieldChange]:
    found: list[FieldChange] = []
    if a.get("text", "") != b.get("text", ""):
        found.append(
            FieldChange("text", "the text differs", a.get("text"), b.get("text"),
                        text_diff(a.get("text", ""), b.get("text", "")))
        )  # fmt: skip
    ca, cb = a.get("counts") or {}, b.get("counts") or {}
    moved = [
        f"{name} {ca.get(name, '–')} → {cb.get(name, '–')}"
        for name in sorted(set(ca) | set(cb))
        if ca.get(name) != cb.get(name) and name in ca and name in cb
    ]
    if moved:
        found.append(FieldChange("counts", ", ".join(moved), ca, cb))
    ma, mb = [tuple(m) for m in a.get("media") or []], [tuple(m) for m in b.get("media") or []]
    if ma != mb:
        gone, new = len(set(ma) - set(mb)), len(set(mb) - set(ma))
        bits = ([f"{new} added"] if new else []) + ([f"{gone} removed"] if gone else [])
        found.append(FieldChange("media", "media " + (", ".join(bits) or "reordered"), ma, mb))
    wa, wb = Withheld.from_json(a.get("withheld")), Withheld.from_json(b.get("withheld"))
    if wa != wb:
        if wb is None:
            summary = "no longer withheld"
        elif wa is None:
            summary = "withheld in " + (", ".join(wb.country_codes) or "some countries")
        else:
            summary = f"withheld in {', '.join(wa.country_codes)} → {', '.join(wb.country_codes)}"
        found.append(FieldChange("withheld", summary, a.get("withheld"), b.get("withheld")))
    for key, name, what in (
        ("reply_to_id", "reply", "answers"),
        ("quote_of_id", "quote", "quotes"),
    ):
        if a.get(key, "") != b.get(key, "") and a.get(key, "") and b.get(key, ""):
            found.append(FieldChange(name, f"{what} {a[key]} → {b[key]}", a[key], b[key]))
    if b.get("deleted") and not a.get("deleted"):
        when = day_label(str(b.get("deleted_at", "")))
        found.append(FieldChange("deleted", "deleted" + (f" {when}" if when else ""), False, True))
    for key in ("account", "display_name"):
        if a.get(key) and b.get(key) and a[key] != b[key]:
            label = "handle" if key == "account" else "name"
            found.append(FieldChange("account", f"{label} {a[key]} → {b[key]}", a[key], b[key]))
    return found


def changes(
    archive: Archive | sqlite3.Connection,
    item_id: int,
    held: Sequence[Capture] | None = None,
    memo: EvidenceMemo | None = None,
) -> list[CaptureChange]:
    """What changed from each capture of post `item_id` to the next (only the steps where
    something did), and, last, whether it had disappeared since: a later X archive of its
    account no longer holds it, or a later lookup of the API did not find it. `held`: its
    `captures`, when the caller has them already; `memo`: see `EvidenceMemo`."""
    conn = _conn(archive)
    if held is None:
        held = captures(conn, item_id)
    out = []
    for before, after in zip(held, held[1:], strict=False):
        found = compare(before, after)
        if found:
            out.append(CaptureChange(before, after, found))
    if held:
        gone = _disappeared(conn, item_id, held, memo)
        summary = ""
        if gone is not None:
            summary = f"not in {gone[0]}" + (f" ({day_label(gone[1])})" if gone[1] else "")
        else:
            gone = _not_found(conn, item_id, held, memo)
            if gone is not None:
                when = f" on {day_label(gone[1])}" if gone[1] else ""
                summary = f"not found by the API{when} ({gone[0]})"
        if gone is not None:
            title, at = gone
            out.append(
                CaptureChange(held[-1], None, (FieldChange("disappeared", summary),), title, at)
            )
    return out


def _not_found(
    conn: sqlite3.Connection, item_id: int, held: Sequence[Capture], memo: EvidenceMemo | None
) -> tuple[str, str] | None:
    """The first lookup, after the post's last capture, that did not find it."""
    post = post_store.get_post(conn, item_id)
    latest = max((c.captured_at for c in held if c.captured_at), default="")
    for row in _post_events(conn, post.platform_id, memo):
        if row.action == "not_found" and (not row.at or row.at > latest):
            return row.container_name, row.at
    return None


def _disappeared(
    conn: sqlite3.Connection, item_id: int, held: Sequence[Capture], memo: EvidenceMemo | None
) -> tuple[str, str] | None:
    """The first X archive of the post's account, captured after the post was, that does
    not hold it: (its title, its date); None if there is none."""
    post = post_store.get_post(conn, item_id)
    if not post.account_id:
        return None
    latest = max((c.captured_at for c in held if c.captured_at), default="")
    if memo is not None and item_id in memo.containers:
        inside = memo.containers[item_id]
    else:
        inside = store.top_containers_of_post(conn, item_id)
    if memo is None:
        archives = store.archives_of_account(conn, post.account_id)
    elif post.account_id in memo.archives:
        archives = memo.archives[post.account_id]
    else:
        archives = memo.archives[post.account_id] = store.archives_of_account(conn, post.account_id)
    for container_id, title, at in archives:
        if container_id in inside or not at or at <= latest:
            continue
        if post.published_at and post.published_at > at:
            continue
        return title, at
    return None


# -- events --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """A dated thing the platform did to a post or an account."""

    subject: str  # "post", "account"
    platform_id: str
    action: str  # "delete", "withheld", "suspend" …
    at: str  # "" unknown
    label: str  # "Deleted 3 Mar 2024", "Account suspended 1 May 2024"
    details: dict[str, Any]
    source: str  # the file that recorded it
    where: str
    #: Other files that recorded the same event (the same action on the same date).
    also_in: tuple[str, ...] = ()


def _once(events: Iterable[Event]) -> list[Event]:
    """The events, each recorded by several files once (with the others in `also_in`)."""
    kept: dict[tuple[str, str, str, str], Event] = {}
    for event in events:
        key = (event.subject, event.platform_id, event.action, event.at)
        first = kept.get(key)
        if first is None:
            kept[key] = event
        elif event.source != first.source and event.source not in first.also_in:
            kept[key] = replace(first, also_in=(*first.also_in, event.source))
    return list(kept.values())


def _event(row: EventRow) -> Event:
    label = _ACTION_LABELS.get((row.subject, row.action), row.action.replace("_", " ").capitalize())
    codes = row.details.get("country_codes") or []
    if row.action == "withheld" and codes:
        label += " in " + ", ".join(str(c) for c in codes)
    if row.at:
        label += f" {day_label(row.at)}"
    where = f"{row.member}, {row.locator}" if row.member else row.locator
    return Event(row.subject, row.platform_id, row.action, row.at, label, row.details,
                 row.container_name, where)  # fmt: skip


def account_keys(platform: str, account_id: str, handle: str) -> list[str]:
    """Every key an account's events may be kept under: its id's, and its handle's."""
    keys = [f"{platform}:{account_id}"] if account_id else []
    return keys + ([handle_key(platform, handle)] if handle else [])


def _account_rows(
    conn: sqlite3.Connection, keys: Sequence[str], memo: EvidenceMemo | None = None
) -> list[EventRow]:
    if memo is not None and tuple(keys) in memo.events:
        return list(memo.events[tuple(keys)])
    found = store.events_of(conn, "account", list(keys))
    rows = [row for key in keys for row in found.get(key, [])]
    rows.sort(key=lambda r: (r.at == "", r.at, r.id))
    if memo is not None:
        memo.events[tuple(keys)] = list(rows)
    return rows


def events(archive: Archive | sqlite3.Connection, item_id: int) -> list[Event]:
    """The events of post `item_id` and of its account, oldest first (undated last)."""
    conn = _conn(archive)
    post = post_store.get_post(conn, item_id)
    return _events(conn, post)


def _events(conn: sqlite3.Connection, post: Post, memo: EvidenceMemo | None = None) -> list[Event]:
    rows = list(_post_events(conn, post.platform_id, memo))
    platform = post.platform_id.partition(":")[0]
    rows += _account_rows(conn, account_keys(platform, post.account_id, post.account), memo)
    rows.sort(key=lambda r: (r.at == "", r.at, r.id))
    return _once(_event(r) for r in rows)


def pending_events(archive: Archive | sqlite3.Connection) -> list[Event]:
    """Events of posts the archive does not hold (yet): a later import of one shows them."""
    return _once(_event(r) for r in store.events_without_post(_conn(archive)))


# -- accounts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    """An account as the newest capture of it described it, with what was done to it."""

    platform_id: str  # "x:1456…"
    account_id: str
    handle: str
    display_name: str
    bio: str
    location: str
    url: str
    created_at: str
    counts: dict[str, int]
    protected: bool | None
    verified: bool | None
    verified_type: str
    withheld: Withheld | None
    suspended: bool
    deleted: bool
    seen_at: str  # when the newest capture was taken
    captures: int
    events: tuple[Event, ...]

    @property
    def title(self) -> str:
        return f"{self.display_name} (@{self.handle})" if self.display_name else f"@{self.handle}"


@dataclass(slots=True)
class EvidenceMemo:
    """What posts' evidence records read, kept for a reader of many posts that writes
    nothing in the meantime (an export passes one to `evidence_record` for all its posts):
    what the posts of one account share (its record, its events, its X archives), read
    once for all of them, and what each post reads of its own, read for all of them at
    once by `evidence_memo`. Without it each post asked a dozen statements, hundreds of
    one account's posts its account's again (two fifths of their records' time)."""

    #: By the post's (account id, handle), as `account_of` finds it.
    accounts: dict[tuple[str, str], Account | None] = field(default_factory=dict)
    #: By the keys an account's events are kept under (`account_keys`).
    events: dict[tuple[str, ...], list[EventRow]] = field(default_factory=dict)
    #: By account id (store.archives_of_account).
    archives: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    #: A post's own events, by its platform id.
    post_events: dict[str, list[EventRow]] = field(default_factory=dict)
    #: A post's captures (store.captures_of), by item id.
    captures: dict[int, list[CaptureRow]] = field(default_factory=dict)
    #: The first version of an edited post ("" for one never edited), by platform id.
    initials: dict[str, str] = field(default_factory=dict)
    #: The containers a post was read from (store.top_containers_of_post), by item id.
    containers: dict[int, set[int]] = field(default_factory=dict)


def evidence_memo(archive: Archive | sqlite3.Connection, item_ids: Sequence[int]) -> EvidenceMemo:
    """An `EvidenceMemo` holding what the evidence records of the posts among these items
    read of each post, read at once (a few statements for hundreds of posts)."""
    conn = _conn(archive)
    posts = store.post_keys(conn, item_ids)
    ids = [p.item_id for p in posts]
    platform_ids = [p.platform_id for p in posts]
    memo = EvidenceMemo()
    memo.post_events = dict.fromkeys(platform_ids, []) | store.events_of(conn, "post", platform_ids)
    memo.captures = {i: [] for i in ids} | store.captures_of_items(conn, ids)
    memo.initials = dict.fromkeys(platform_ids, "") | version_store.initial_ids(conn, platform_ids)
    memo.containers = {i: set() for i in ids} | store.top_containers_of_posts(conn, ids)
    return memo


def _post_events(
    conn: sqlite3.Connection, platform_id: str, memo: EvidenceMemo | None
) -> list[EventRow]:
    """The events of the post `platform_id`, oldest first."""
    if memo is not None and platform_id in memo.post_events:
        return list(memo.post_events[platform_id])
    rows = store.events_of(conn, "post", [platform_id]).get(platform_id, [])
    if memo is not None:
        memo.post_events[platform_id] = list(rows)
    return rows


def account(archive: Archive | sqlite3.Connection, who: str) -> Account | None:
    """The account named by handle (``demo_reporter``, ``@demo_reporter``) or platform id
    (``x:1456…``); None if the archive has no record of it."""
    conn = _conn(archive)
    row = store.get_account(conn, who) if ":" in who else store.account_by_handle(conn, who)
    return None if row is None else _account(conn, row)


def account_of(
    archive: Archive | sqlite3.Connection, item_id: int, memo: EvidenceMemo | None = None
) -> Account | None:
    """The account record of post `item_id`'s author; None if the archive has none.
    `memo`: see `EvidenceMemo`."""
    conn = _conn(archive)
    post = post_store.get_post(conn, item_id)
    key = (post.account_id, post.account)
    if memo is not None and key in memo.accounts:
        return memo.accounts[key]
    row = store.accounts_by_id(conn, [post.account_id]).get(post.account_id)
    if row is None and post.account:
        row = store.account_by_handle(conn, post.account)
    found = None if row is None else _account(conn, row, memo)
    if memo is not None:
        memo.accounts[key] = found
    return found


def accounts(archive: Archive | sqlite3.Connection) -> list[Account]:
    """Every account the archive has a record of, by handle."""
    conn = _conn(archive)
    return [_account(conn, row) for row in store.accounts(conn)]


@dataclass(frozen=True, slots=True)
class AccountCapture:
    """One capture of an account: where and when it was read, what it said, and what
    differs from the capture before it."""

    number: int  # 1: the earliest
    captured_at: str  # "" unknown
    source: str  # the file it was read from
    where: str  # "data/account.js, record 1", "line 1, data[2]"
    handle: str
    display_name: str
    bio: str
    location: str
    counts: dict[str, int]
    protected: bool | None
    verified: bool | None
    withheld: Withheld | None
    suspended: bool
    #: What differs from the capture before: "handle a → b", "followers 10 → 12" (() first).
    changed: tuple[str, ...] = ()


def account_captures(archive: Archive | sqlite3.Connection, who: Account) -> list[AccountCapture]:
    """Every capture of the account, the earliest first, each with what changed since the
    one before (its handle, name, bio, location, counts, protection, withheld state)."""
    out: list[AccountCapture] = []
    previous: dict[str, Any] | None = None
    rows = store.account_captures(_conn(archive), who.platform_id)
    for number, row in enumerate(rows, 1):
        state = row.state
        changed: list[str] = []
        if previous is not None:
            for key, label in (
                ("handle", "handle"),
                ("display_name", "name"),
                ("bio", "bio"),
                ("location", "location"),
                ("protected", "protected"),
                ("verified", "verified"),
                ("suspended", "suspended"),
            ):
                before, after = previous.get(key), state.get(key)
                if before not in (None, "") and after not in (None, "") and before != after:
                    changed.append(f"{label} {before} → {after}")
            ca, cb = previous.get("counts") or {}, state.get("counts") or {}
            changed += [
                f"{name} {ca[name]} → {cb[name]}"
                for name in sorted(set(ca) & set(cb))
                if ca[name] != cb[name]
            ]
            wa, wb = (
                Withheld.from_json(previous.get("withheld")),
                Withheld.from_json(state.get("withheld")),
            )
            if wa != wb:
                changed.append(
                    "no longer withheld"
                    if wb is None
                    else "withheld in " + (", ".join(wb.country_codes) or "some countries")
                )
        out.append(
            AccountCapture(
                number,
                row.captured_at,
                row.container_name,
                f"{row.member}, {row.locator}" if row.member else row.locator,
                str(state.get("handle") or who.handle),
                str(state.get("display_name", "")),
                str(state.get("bio", "")),
                str(state.get("location", "")),
                dict(state.get("counts") or {}),
                state.get("protected"),
                state.get("verified"),
                Withheld.from_json(state.get("withheld")),
                bool(state.get("suspended")),
                tuple(changed),
            )
        )
        previous = state
    return out


def account_posts(archive: Archive | sqlite3.Connection, who: Account) -> list[int]:
    """Item ids of the account's posts in the archive, oldest first."""
    return store.post_ids_of_account(_conn(archive), who.account_id, who.handle)


def _account(
    conn: sqlite3.Connection, row: AccountRow, memo: EvidenceMemo | None = None
) -> Account:
    state = row.state
    platform = row.platform_id.partition(":")[0]
    rows = _account_rows(conn, account_keys(platform, row.account_id, row.handle), memo)
    happened = _once(_event(r) for r in rows)
    suspended = bool(state.get("suspended"))
    deleted = False
    protected = state.get("protected")
    for event in happened:  # in order: the last of a toggle wins
        if event.action == "suspend":
            suspended = True
        elif event.action == "unsuspend":
            suspended = False
        elif event.action in ("delete", "deactivate"):
            deleted = True
        elif event.action == "undelete":
            deleted = False
        elif event.action == "protect":
            protected = True
        elif event.action == "unprotect":
            protected = False
    held = Withheld.from_json(state.get("withheld"))
    for event in happened:
        if event.action == "withheld":
            codes = tuple(str(c).upper() for c in event.details.get("country_codes") or [])
            old = held.country_codes if held else ()
            held = Withheld(
                tuple(dict.fromkeys(old + codes)), "user", bool(held and held.copyright)
            )
    return Account(
        platform_id=row.platform_id, account_id=row.account_id, handle=row.handle,
        display_name=str(state.get("display_name", "")), bio=str(state.get("bio", "")),
        location=str(state.get("location", "")), url=str(state.get("url", "")),
        created_at=str(state.get("created_at", "")), counts=dict(state.get("counts") or {}),
        protected=protected, verified=state.get("verified"),
        verified_type=str(state.get("verified_type", "")), withheld=held,
        suspended=suspended, deleted=deleted, seen_at=row.seen_at,
        captures=len(store.account_captures(conn, row.platform_id)), events=tuple(happened),
    )  # fmt: skip


# -- the summary of a post -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostEvidence:
    """What a post card shows as badges, in one call."""

    item_id: int
    withheld: WithheldState | None
    versions: int  # how many versions are known (1: never edited)
    version: int  # which of them this post is (1-based)
    deleted_at: str  # "" unknown (see `deleted`)
    deleted: bool
    captures: int
    changed: tuple[str, ...]  # of model.POST_CHANGES
    events: tuple[Event, ...]

    @property
    def edited(self) -> bool:
        return self.versions > 1

    def badges(self) -> tuple[str, ...]:
        """'Withheld in PK', 'Edited — 2 versions', 'Deleted 3 Mar 2024', 'Captured 3 times'."""
        out = []
        if self.withheld is not None:
            out.append(self.withheld.describe().split(" (seen")[0])
        if self.edited:
            out.append(f"Edited — {self.versions} versions")
        if self.deleted:
            out.append("Deleted" + (f" {day_label(self.deleted_at)}" if self.deleted_at else ""))
        if self.captures > 1:
            out.append(f"Captured {self.captures} times")
        return tuple(out)


def evidence(
    archive: Archive | sqlite3.Connection,
    item_id: int,
    fields: EvidenceFields | None = None,
    memo: EvidenceMemo | None = None,
) -> PostEvidence:
    """The withheld state, versions, deletion, captures and events of post `item_id`.
    `fields`: its `evidence_fields`, when the caller read them for many posts at once;
    `memo`: see `EvidenceMemo`."""
    conn = _conn(archive)
    if fields is None:
        fields = evidence_fields(conn, [item_id]).get(item_id)
    if fields is None:
        raise ItemNotFound(f"item #{item_id} is not a post")
    post = post_store.get_post(conn, item_id)
    return PostEvidence(
        item_id, fields.withheld, fields.versions, fields.version, fields.deleted_at or
        post.deleted_at, fields.deleted or post.is_deleted, fields.captures, fields.changed,
        tuple(_events(conn, post, memo)),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class EvidenceFields:
    """What the search index holds of a post's evidence (indexing.py)."""

    flags: tuple[str, ...]  # `is:` withheld, edited, deleted, suspended
    withheld_in: tuple[str, ...]  # country codes
    changed: tuple[str, ...]  # `changed:`
    withheld: WithheldState | None = None
    versions: int = 1
    version: int = 1
    deleted: bool = False
    deleted_at: str = ""
    captures: int = 0


def evidence_fields(
    archive: Archive | sqlite3.Connection, item_ids: Sequence[int]
) -> dict[int, EvidenceFields]:
    """The evidence of each post among these items, for the index and the cards."""
    conn = _conn(archive)
    posts = store.post_keys(conn, item_ids)
    if not posts:
        return {}
    ids = [p.item_id for p in posts]
    states = store.capture_states(conn, ids)
    counts = store.capture_counts(conn, ids)
    platform_ids = [p.platform_id for p in posts]
    post_events = store.events_of(conn, "post", platform_ids)
    keys_of = {
        p.item_id: account_keys(p.platform_id.partition(":")[0], p.account_id, p.handle)
        for p in posts
    }
    found_events = store.events_of(conn, "account", list({k for ks in keys_of.values()
                                                           for k in ks}))  # fmt: skip
    account_events = {
        item_id: sorted((r for k in keys for r in found_events.get(k, [])),
                        key=lambda r: (r.at == "", r.at, r.id))
        for item_id, keys in keys_of.items()
    }  # fmt: skip
    accounts = store.accounts_by_id(conn, [p.account_id for p in posts])
    initials = version_store.initial_ids(conn, platform_ids)
    sizes = version_store.version_counts(conn, initials.values())
    orders = {i: version_store.versions_in(conn, i) for i in set(initials.values())}
    archives: dict[str, list[tuple[int, str, str]]] = {}
    found: dict[int, EvidenceFields] = {}
    for post in posts:
        own_states = states.get(post.item_id, [])
        own_events = post_events.get(post.platform_id, [])
        held = _withheld(
            own_states, own_events, accounts.get(post.account_id),
            account_events.get(post.item_id, []),
        )  # fmt: skip
        flags: list[str] = []
        changed: set[str] = set()
        for (_, a), (_, b) in zip(own_states, own_states[1:], strict=False):
            changed.update(c.name for c in _compare(a, b))
        if post.account_id:
            if post.account_id not in archives:
                archives[post.account_id] = store.archives_of_account(conn, post.account_id)
            if len(archives[post.account_id]) > 1 and _gone(conn, post, own_states, archives):
                changed.add("disappeared")
        deleted_at = ""
        deleted = post.is_deleted
        latest = max((at for at, _ in own_states if at), default="")
        for event in own_events:
            if event.action == "delete":
                deleted = True
                deleted_at = deleted_at or event.at
            elif event.action == "not_found" and (not event.at or event.at > latest):
                changed.add("disappeared")
        account = accounts.get(post.account_id)
        suspended = bool(account and account.state.get("suspended"))
        for event in account_events.get(post.item_id, []):
            if event.action == "suspend":
                suspended = True
            elif event.action == "unsuspend":
                suspended = False
        initial = initials.get(post.platform_id, "")
        total = sizes.get(initial, 1) if initial else 1
        number = orders[initial].index(post.platform_id) + 1 if initial else 1
        if held is not None:
            flags.append("withheld")
        if total > 1:
            flags.append("edited")
        if deleted:
            flags.append("deleted")
        if suspended:
            flags.append("suspended")
        found[post.item_id] = EvidenceFields(
            tuple(flags), held.country_codes if held else (), tuple(sorted(changed)), held,
            total, number, deleted, deleted_at or post.deleted_at, counts.get(post.item_id, 0),
        )  # fmt: skip
    return found


def _gone(
    conn: sqlite3.Connection,
    post: PostKey,
    states: list[tuple[str, dict[str, Any]]],
    archives: Mapping[str, list[tuple[int, str, str]]],
) -> bool:
    """Whether a later X archive of the post's account no longer holds it."""
    latest = max((at for at, _ in states if at), default="")
    inside = store.top_containers_of_post(conn, post.item_id)
    return any(
        container_id not in inside and at and at > latest
        for container_id, _, at in archives[post.account_id]
    )


def _withheld(
    states: list[tuple[str, dict[str, Any]]],
    events: Sequence[EventRow],
    account: AccountRow | None,
    account_events: Sequence[EventRow] = (),
) -> WithheldState | None:
    """Where the post's captures, its withheld events or its account (as last captured, and
    its withheld events) say it is withheld."""
    codes: list[str] = []
    scope = ""
    copyright = False
    seen: list[str] = []
    for at, state in states:
        found = Withheld.from_json(state.get("withheld"))
        if found is not None:
            codes += found.country_codes
            scope = scope or found.scope
            copyright = copyright or found.copyright
            seen.append(at)
    for event in events:
        if event.action == "withheld":
            codes += [str(c).upper() for c in event.details.get("country_codes") or []]
            seen.append(event.at)
    if codes or copyright:
        current = not states or states[-1][1].get("withheld") is not None
        dated = sorted(s for s in seen if s)
        return WithheldState(
            tuple(dict.fromkeys(codes)), scope, copyright, dated[0] if dated else "",
            dated[-1] if dated else "", "post", current,
        )  # fmt: skip
    held = Withheld.from_json(account.state.get("withheld")) if account is not None else None
    codes = list(held.country_codes) if held else []
    seen = [account.seen_at] if held and account is not None and account.seen_at else []
    for event in account_events:
        if event.action == "withheld":
            codes += [str(c).upper() for c in event.details.get("country_codes") or []]
            seen.append(event.at)
    if codes or (held is not None and held.copyright):
        dated = sorted(s for s in seen if s)
        return WithheldState(
            tuple(dict.fromkeys(codes)), (held.scope if held else "") or "user",
            bool(held and held.copyright), dated[0] if dated else "",
            dated[-1] if dated else "", "account",
        )  # fmt: skip
    return None


def affected_posts(
    conn: sqlite3.Connection, post_ids: Iterable[str], account_ids: Iterable[str]
) -> list[int]:
    """Item ids of the posts whose evidence changes when events of these posts (platform
    ids) and accounts ("1456…") arrive: they are indexed again."""
    found = set(store.post_item_ids(conn, post_ids).values())
    found.update(store.post_ids_of_accounts(conn, account_ids))
    return sorted(found)


# -- recording (the import calls this) -----------------------------------------------------


def record_container(
    conn: sqlite3.Connection,
    found: ExtractedContainer,
    container_id: int,
    member_ids: Mapping[str, int],
    run_id: int,
    now: str,
) -> set[int]:
    """Record what a container says besides its posts' rows (stored before this): the
    versions its posts name, with their `edit-of` links, its accounts and its events;
    posts deleted by an event are marked so. Returns the item ids of the posts whose
    evidence changed (to be indexed again). The caller owns the transaction.

    `member_ids`: the container id of each data file of a folder (its own id otherwise).
    """
    changed: set[int] = set()
    for post in found.posts:
        ids = list(post.edit_ids)
        if post.initial_id or len(ids) > 1:
            version_store.add_versions(conn, [*ids, post.platform_id], post.initial_id or ids[0])
    # Versions of these posts, new or known before, are linked and indexed again (their
    # count of versions may have grown).
    initials = version_store.initial_ids(conn, [p.platform_id for p in found.posts])
    for initial in sorted(set(initials.values())):
        held = store.post_item_ids(conn, version_store.versions_in(conn, initial))
        changed.update(held.values())
        if held:
            link_versions(conn, next(iter(held.values())), now)  # links the whole chain
    account_ids: set[str] = set()
    for found_account in found.accounts:
        box = member_ids.get(found_account.member, container_id)
        if store.add_account(conn, found_account, box, run_id, now):
            account_ids.add(found_account.account_id)
    deleted_posts: dict[str, str] = {}
    post_ids: set[str] = set()
    for event in found.events:
        box = member_ids.get(event.member, container_id)
        if not store.add_event(conn, event, box, run_id, now):
            continue
        if event.subject == "post":
            post_ids.add(event.platform_id)
            if event.action == "delete":
                deleted_posts.setdefault(event.platform_id, event.at)
        else:
            who = event.platform_id.partition(":")[2]
            if who.startswith("@"):  # known by its handle only: its posts by that handle
                changed.update(store.post_ids_of_handle(conn, who[1:]))
            else:
                account_ids.add(who)
    # A post that arrives now may have had its events recorded by an earlier import.
    arriving = [p.platform_id for p in found.posts]
    for platform_id, rows in store.events_of(conn, "post", arriving).items():
        for row in rows:
            if row.action == "delete":
                deleted_posts.setdefault(platform_id, row.at)
    held_posts = store.post_item_ids(conn, deleted_posts)
    for platform_id, at in deleted_posts.items():
        item_id = held_posts.get(platform_id)
        if item_id is not None and post_store.mark_deleted(conn, item_id, at):
            changed.add(item_id)
    changed.update(affected_posts(conn, post_ids, account_ids))
    account_id = str(found.extra.get("account_id", ""))
    if found.kind in ("x-archive", "x-archive-folder") and account_id:
        # A post of the account missing from this archive has disappeared since.
        held_now = set(store.post_item_ids(conn, arriving).values())
        handle = str(found.extra.get("account", ""))
        changed.update(set(store.post_ids_of_account(conn, account_id, handle)) - held_now)
    return changed


def event_day_counts(
    archive: Archive | sqlite3.Connection, actions: Iterable[str] = ()
) -> dict[date, int]:
    """How many events (of these actions; all when none are named) fell on each day, for a
    timeline beside the items' own day counts."""
    wanted = set(actions)
    counts: dict[date, int] = {}
    for at, action in store.event_dates(_conn(archive)):
        if wanted and action not in wanted:
            continue
        try:
            day = date.fromisoformat(at[:10])
        except ValueError:
            continue
        counts[day] = counts.get(day, 0) + 1
    return counts


def summary(found: ExtractedContainer) -> list[str]:
    """What an import's report says of a container's accounts and events:
    ["3 accounts", "7 compliance events: 3 deletions, 1 suspension, …"]."""
    out = []
    if found.accounts and not found.posts:  # the authors of posts go without saying
        count = len({a.platform_id for a in found.accounts})
        out.append(f"{count} account{'s' if count != 1 else ''}")
    own = {p.platform_id for p in found.posts}
    # A deletion the file shows on its own post (deleted-tweets.js) goes without saying too.
    told = [e for e in found.events if e.subject != "post" or e.platform_id not in own]
    if told:
        kinds: dict[str, int] = {}
        for event in told:
            label = _ACTION_LABELS.get((event.subject, event.action), event.action)
            label = label[:1].lower() + label[1:]
            kinds[label] = kinds.get(label, 0) + 1
        count = len(told)
        listed = ", ".join(f"{n} {label}" for label, n in sorted(kinds.items()))
        out.append(f"{count} event{'s' if count != 1 else ''} ({listed})")
    return out


def evidence_record(
    archive: Archive | sqlite3.Connection,
    item_id: int,
    fields: EvidenceFields | None = None,
    memo: EvidenceMemo | None = None,
) -> dict[str, Any]:
    """The evidence of post `item_id` as plain JSON values: what a bundle's items.json
    carries (`evidence` of each post) and `xarchive show --json` prints. `fields`: its
    `evidence_fields`, which an export reads for all its posts at once (a dozen queries
    for each post otherwise); `memo`: one `EvidenceMemo` for all of them."""
    conn = _conn(archive)
    summary_of = evidence(conn, item_id, fields, memo)
    taken = captures(conn, item_id, memo)  # listed, and compared in `changes`
    held = summary_of.withheld
    chain = versions(conn, item_id, memo)
    author = account_of(conn, item_id, memo)
    return {
        "withheld": None
        if held is None
        else {
            "country_codes": list(held.country_codes),
            "scope": held.scope,
            "copyright": held.copyright,
            "first_seen_at": held.first_seen_at,
            "last_seen_at": held.last_seen_at,
            "via": held.via,
            "current": held.current,
        },
        "versions": [
            {"number": v.number, "platform_id": v.platform_id, "in_archive": v.item_id is not None,
             "published_at": v.published_at}
            for v in chain.versions
        ] if chain.edited else [],
        "deleted": summary_of.deleted,
        "deleted_at": summary_of.deleted_at,
        "events": [
            {"subject": e.subject, "platform_id": e.platform_id, "action": e.action, "at": e.at,
             "label": e.label, "source": e.source, "where": e.where}
            for e in summary_of.events
        ],
        "captures": [
            {"number": c.number, "captured_at": c.captured_at, "source": c.source,
             "container": c.container_name, "where": c.where, "record_sha256": c.record_sha256,
             "also_in": list(c.also_in), "record_kept": c.known, "state": c.state}
            for c in taken
        ],
        "changes": [
            {"from": change.before.number,
             "to": change.after.number if change.after is not None else None,
             "changed": [{"name": f.name, "summary": f.summary} for f in change.changes]}
            for change in changes(conn, item_id, taken, memo)
        ],
        "account": None
        if author is None
        else {
            "platform_id": author.platform_id, "handle": author.handle,
            "display_name": author.display_name, "protected": author.protected,
            "verified": author.verified, "suspended": author.suspended,
            "deleted": author.deleted,
            "withheld": author.withheld.as_json() if author.withheld else None,
            "seen_at": author.seen_at,
        },
    }  # fmt: skip


# -- archives imported before captures kept their state --------------------------------------


def backfill(archive: Archive) -> int:
    """Fill in what posts imported before schema 9 did not keep, from their records: each
    first capture's state (withheld, targets, counts, media), the versions an edit history
    names (linked edit-of) and the deletions of X archives' deleted-tweets.js as events.

    A twarc2 record's author becomes an account record too (with its withheld state).
    Only a capture whose record is the post's own original is filled in: a later capture
    kept no record of its own, and is read again from its container (posts/recapture.py,
    which the rebuild runs first) or stays unknown. Returns how many
    captures were filled in; 0 at once when there are none (the rebuild of the index
    calls this). The archive must be writable.
    """
    conn = archive.db
    from ..importers.twarc import user_account  # the API's user objects, read as an import does

    rows = store.unfilled_first_captures(conn)
    if not rows:
        return 0
    filled = 0
    with archive.transaction():
        for source_id, item_id, container_id, member, locator, counts, run_id, seen, at in rows:
            path = blobs.blob_path(archive.blobs_dir, store.item_sha(conn, int(item_id)))
            try:
                record = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue  # a missing or damaged original: verify says so
            tweet = record.get("tweet") if isinstance(record, dict) else None
            if not isinstance(tweet, dict):
                continue
            post = post_store.get_post(conn, int(item_id))
            edits, initial = _edit_ids(tweet)
            state = {
                "text": post.text,
                "counts": json.loads(counts),
                "media": [[m.type, model.media_id(m.key) or m.url] for m in post.media],
                "withheld": (held.as_json() if (held := Withheld.from_source(tweet)) else None),
                "reply_to_id": post.reply_to_id,
                "quote_of_id": post.quote_of_id,
                "retweet_of_id": post.retweet_of_id,
                "deleted": bool(tweet.get("deleted_at")),
                "deleted_at": post.deleted_at if tweet.get("deleted_at") else "",
                "edit_ids": edits,
                "account": post.account,
                "display_name": post.display_name,
            }
            store.set_capture_state(conn, int(source_id), state)
            filled += 1
            author = record.get("author")
            if isinstance(author, dict):  # a twarc2 record keeps the user object it named
                found = user_account(author, f"{locator}, author", str(at))
                if found is not None:
                    store.add_account(conn, found, int(container_id), int(run_id), str(seen))
            if len(edits) > 1 or initial:
                version_store.add_versions(conn, [*edits, post.platform_id], initial or edits[0])
            if state["deleted"]:
                event = model.ExtractedEvent(
                    "post", post.platform_id, "delete", post.deleted_at, str(member),
                    str(locator), {"source": "deleted-tweets.js"},
                )  # fmt: skip
                store.add_event(conn, event, int(container_id), int(run_id), str(seen))
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for initial_id in {
            i for i in version_store.initial_ids(conn, version_store.all_version_ids(conn)).values()
        }:
            versions_held = store.post_item_ids(conn, version_store.versions_in(conn, initial_id))
            if versions_held:
                link_versions(conn, next(iter(versions_held.values())), now)
        archive.audit("evidence-backfill", captures=filled)
    return filled


def _edit_ids(tweet: Mapping[str, Any]) -> tuple[list[str], str]:
    """(every version's platform id, the first version's) that a raw tweet names."""
    listed = tweet.get("edit_history_tweet_ids")
    info = tweet.get("edit_info") if isinstance(tweet.get("edit_info"), dict) else {}
    assert isinstance(info, dict)
    initial_info = info.get("initial") if isinstance(info.get("initial"), dict) else {}
    edit_info = info.get("edit") if isinstance(info.get("edit"), dict) else {}
    if not isinstance(listed, list):
        listed = initial_info.get("editTweetIds") if isinstance(initial_info, dict) else None
    ids = [f"x:{i}" for i in (listed or []) if str(i).isdigit()]
    first = str(edit_info.get("initialTweetId", "")) if isinstance(edit_info, dict) else ""
    return (ids if len(ids) > 1 else []), (f"x:{first}" if first.isdigit() else "")


# -- bundles ------------------------------------------------------------------------------


def record_bundled(
    conn: sqlite3.Connection,
    platform_id: str,
    found: Mapping[str, Any],
    container_id: int,
    run_id: int,
    now: str,
) -> set[int]:
    """Keep what a bundle's items.json says of a post's evidence (`evidence_record`, as
    bundles/metadata.py checked it): its versions (their edit-of links are among the
    bundle's links), its events and its account, each
    recorded as read from the bundle (`container_id`: its items.json). A withheld state
    that no event of the bundle dates becomes a `withheld` event at the date the exporting
    archive first saw it. Returns the posts to index again. The caller owns the transaction.
    """
    versions = list(found.get("versions") or [])
    captures_of = list(found.get("captures") or [])
    if len(versions) > 1:
        version_store.add_versions(conn, versions, versions[0])
    affected_posts_ids: set[str] = {*versions, platform_id}
    affected_accounts: set[str] = set()
    events = list(found.get("events") or [])
    held = found.get("withheld")
    account = found.get("account")
    # What the post's captures saw, they say themselves where the bundle carries what each
    # said; an account's record it does not carry.
    told = held and held.get("via") == "post" and any(c.get("state") for c in captures_of)
    if held and held.get("country_codes") and not told:
        # Where its captures (or its account's) saw it withheld: an event at the first date
        # it was seen so (that of a withheld event of the bundle, if one is dated so: its
        # codes join it).
        subject = "account" if held.get("via") == "account" and account else "post"
        target = account["platform_id"] if subject == "account" and account else platform_id
        at = held.get("first_seen_at", "")
        same = [e for e in events if (e["subject"], e["platform_id"], e["action"], e["at"])
                == (subject, target, "withheld", at)]  # fmt: skip
        if same:
            codes = _codes_in(str(same[0].get("label", "")))
            same[0]["country_codes"] = list(dict.fromkeys([*codes, *held["country_codes"]]))
        else:
            events.append({
                "subject": subject, "platform_id": target, "action": "withheld", "at": at,
                "label": "Withheld", "source": "a capture of the exporting archive",
                "where": "", "country_codes": held["country_codes"],
            })  # fmt: skip
    for event in events:
        known = POST_ACTIONS if event["subject"] == "post" else ACCOUNT_ACTIONS
        if event["action"] not in known or not event["platform_id"]:
            continue
        details: dict[str, Any] = {"recorded_in": event["source"], "where": event["where"]}
        codes = event.get("country_codes") or _codes_in(str(event.get("label", "")))
        if codes:
            details["country_codes"] = list(codes)
        locator = ", ".join(p for p in (event["source"], event["where"]) if p)
        extracted = model.ExtractedEvent(event["subject"], event["platform_id"], event["action"],
                                   event["at"], "data/items.json", locator, details)  # fmt: skip
        if store.add_event(conn, extracted, container_id, run_id, now):
            target = affected_posts_ids if event["subject"] == "post" else affected_accounts
            target.add(event["platform_id"])
    if account:
        record = model.ExtractedAccount(
            platform_id=account["platform_id"],
            account_id=account["platform_id"].partition(":")[2],
            handle=account["handle"], record=model.canonical_json({"source": "bundle", **account}),
            member="data/items.json", locator="evidence.account",
            display_name=account["display_name"], captured_at=account["seen_at"],
        )  # fmt: skip
        if store.add_account(conn, record, container_id, run_id, now):
            affected_accounts.add(account["platform_id"])
    # The edit-of links come with the bundle's other links (annotations.jsonld), by uid.
    accounts_ids = {a.partition(":")[2] for a in affected_accounts}
    return set(affected_posts(conn, affected_posts_ids, accounts_ids))


def record_bundled_captures(
    conn: sqlite3.Connection,
    platform_id: str,
    found: Mapping[str, Any],
    container_id: int,
    run_id: int,
    now: str,
) -> set[int]:
    """Keep each capture of a post that a bundle's items.json lists (`evidence_record`'s
    `captures`, as bundles/metadata.py checked them), its record stored by the caller: as
    read from the bundle (`container_id`: its items.json), in the file and at the place
    the exporting archive had read it, with its date and what it said. One the archive
    holds already (the same record taken at the same time) is listed once by `captures`.
    Returns the post if a capture was new, to index again. The caller owns the transaction.
    """
    item_id = post_store.post_item_id(conn, platform_id)
    if item_id is None:
        return set()
    added = False
    for capture in found.get("captures") or []:
        where = ", ".join(p for p in (capture["container"], capture["where"]) if p)
        added |= store.add_bundled_capture(
            conn, BundledCapture(
                item_id, container_id, capture["record_file"] or "", where,
                capture["record_sha256"], capture["captured_at"], capture["state"],
            ), run_id, now,
        )  # fmt: skip
    return {item_id} if added else set()


_COUNTRY_LIST = re.compile(r" in ((?:[A-Z]{2}, )*[A-Z]{2})\b")


def _codes_in(label: str) -> list[str]:
    """The country codes an event's label names ('Withheld in PK, IN 25 Feb 2024')."""
    found = _COUNTRY_LIST.search(label)
    return found.group(1).split(", ") if found else []
