"""JSON lines written by twarc2 (X API v2): posts collected by search, timeline or lookup.

A container importer (see core/model/). Each line is one of:

- an API response page: ``{"data": [tweet, …], "includes": {"users", "tweets",
  "media"}, "meta": …, "__twarc": …}`` — authors are resolved from
  ``includes.users`` by id and media from ``includes.media`` by media key; the
  posts in ``includes.tweets`` (the ones replied to, quoted or retweeted) are
  imported too, marked as referenced;
- a flattened post (``twarc2 flatten``): a tweet with ``author``,
  ``attachments.media`` and its referenced posts inlined;
- a page of other objects: users (``twarc2 users``, followers) and lists, whose
  accounts become account records; tweet counts (``twarc2 counts``), reported as
  such and kept only as the file; an unknown kind is reported by its line;
- a compliance event, as a batch compliance job writes it (``{"id", "action":
  "delete", "created_at", "redacted_at", "reason"}``) or as the compliance stream
  does (``{"data": {"user_suspend": {"user": {"id"}, "event_at"}}}``): a dated event
  on the post or account (posts/evidence.py), kept even if the archive does not
  hold it. A batch job checks posts or accounts, not both; lines that do not say
  which (``delete``) go with those of the file that do.

Each tweet's and user's ``withheld`` state, and each tweet's
``edit_history_tweet_ids`` (its versions), are kept with it.

Times are ISO 8601 (``2024-02-17T18:05:11.000Z``). The files hold no pictures or
videos, only their addresses, descriptions (alt text) and, for videos, duration,
size and variants, which are kept with the post; a copy fetched beside the file
(same folder or ``media/``, named as its address or ``<media key>.mp4``, see
post_media.py) is imported and shown by the post.
A line that is not JSON is reported by its number and the other lines are
imported; bytes that are not UTF-8 are replaced, with a warning.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import UnreadableFile
from ..model import (
    ExtractedAccount,
    ExtractedContainer,
    ExtractedEvent,
    ExtractedPost,
    MediaRef,
    RecordProblem,
    Withheld,
    canonical_json,
    handle_key,
    platform_id,
    sha256_of,
)
from . import quoted
from .base import ContainerContext
from .container_files import CHUNK, MAX_DATA_BYTES
from .post_media import media_beside, post_extra
from .post_text import (
    as_dict,
    as_list,
    as_text,
    counts_from,
    dicts,
    iso_time,
    language_of,
    post_text,
    retweeted_account,
    status_url,
    unique,
    version_ids,
)

NAME = "twarc2"
PLATFORM = "x"
MEDIA_TYPE = "application/x-ndjson"

_KEYS = re.compile(rb'"(?:author_id|edit_history_tweet_ids|conversation_id|__twarc)"\s*:')
#: Responses that hold no tweets: users, lists, counts, compliance events.
_OTHER_KEYS = re.compile(
    rb'"(?:username|tweet_count|member_count|follower_count)"\s*:'
    rb'|"action"\s*:\s*"(?:delete|scrub_geo|withheld|drop|undrop|suspend|unsuspend|protect'
    rb'|unprotect|undelete|deactivate)"'
    rb'|"(?:user_[a-z_]+|delete|scrub_geo|withheld|drop|undrop|tweet_edit)"\s*:\s*\{\s*'
    rb'"(?:tweet|user|event_at)"'
)
_DATA_START = re.compile(rb'^\{\s*"(?:data|id|includes|meta|errors)"\s*:')
#: Compliance actions: (batch or stream name) → (subject, our action). None: it depends.
_BATCH_ACTIONS: dict[str, tuple[str | None, str]] = {
    "delete": (None, "delete"),
    "withheld": (None, "withheld"),
    "scrub_geo": ("post", "scrub_geo"),
    "drop": ("post", "drop"),
    "undrop": ("post", "undrop"),
    "suspend": ("account", "suspend"),
    "unsuspend": ("account", "unsuspend"),
    "protect": ("account", "protect"),
    "unprotect": ("account", "unprotect"),
    "undelete": ("account", "undelete"),
    "deactivate": ("account", "deactivate"),
}
_STREAM_ACTIONS = {
    "delete": ("post", "delete"),
    "withheld": ("post", "withheld"),
    "status_withheld": ("post", "withheld"),
    "drop": ("post", "drop"),
    "undrop": ("post", "undrop"),
    "scrub_geo": ("account", "scrub_geo"),
    "tweet_edit": ("post", "edit"),
    "user_delete": ("account", "delete"),
    "user_undelete": ("account", "undelete"),
    "user_suspend": ("account", "suspend"),
    "user_unsuspend": ("account", "unsuspend"),
    "user_protect": ("account", "protect"),
    "user_unprotect": ("account", "unprotect"),
    "user_withheld": ("account", "withheld"),
}
#: A batch job's `reason` for an account: the action it stands for.
_USER_REASONS = {"suspended": "suspend", "protected": "protect", "deactivated": "deactivate"}
_USER_COUNTS = {
    "followers_count": "followers",
    "following_count": "following",
    "tweet_count": "posts",
    "listed_count": "listed",
    "like_count": "likes",
    "media_count": "media",
}
_COUNTS = {
    "like_count": "likes",
    "retweet_count": "reposts",
    "reply_count": "replies",
    "quote_count": "quotes",
    "bookmark_count": "bookmarks",
    "impression_count": "views",
}


def detect(head: bytes, path: Path) -> bool:
    """Text whose first line is a JSON object with the keys of an X API v2 post, or an
    API response of users, lists or counts, or a compliance event."""
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not start.startswith(b"{"):
        return False
    if _KEYS.search(head) is not None:
        return True
    first = start.split(b"\n", 1)[0]
    return _DATA_START.match(first) is not None and _OTHER_KEYS.search(first) is not None


def extract_many(path: Path, ctx: ContainerContext) -> ExtractedContainer:
    """Read every line of the file.

    Raises UnreadableFile when the file cannot be read or none of its lines is
    an API page or a post; smaller trouble is a problem or warning in the result.
    """
    reader = _Reader(users_file="user" in Path(ctx.origin).name.lower())
    try:
        with path.open("rb") as handle:
            for number, line in _lines(handle, reader):
                reader.line(number, line)
    except OSError as exc:
        raise UnreadableFile(
            f"{quoted(Path(ctx.origin))} cannot be read: {exc.strerror or exc}."
        ) from exc
    reader.finish()
    if not reader.posts and reader.problems and reader.good_lines == 0:
        raise UnreadableFile(
            f"{quoted(Path(ctx.origin))} is not twarc2 JSON lines: none of its "
            f"{reader.lines} lines is an API response or a post "
            f"({reader.problems[0].describe()})."
        )
    # The file holds only the media's addresses; a copy fetched beside it is imported.
    media, found, beside = media_beside(tuple(reader.posts.values()), ctx.origin, ctx.staging)
    posts = tuple(found)
    retrieved = sorted(p.captured_at for p in posts if p.captured_at)
    collected = [p for p in posts if not p.referenced]
    accounts = unique(p.account for p in collected)
    title = "X posts collected with twarc2"
    if len(accounts) == 1:
        title += f" from @{accounts[0]}"
    if not posts:
        title = reader.title()
    retrieved += reader.retrieved
    extra: dict[str, Any] = {
        "lines": reader.lines,
        "collected": len(collected),
        "referenced": len(posts) - len(collected),
        "queries": sorted(reader.queries),
    }
    if reader.lists:
        extra["lists"] = reader.lists
    if reader.tweet_counts:
        extra["tweet_counts"] = reader.tweet_counts
    return ExtractedContainer(
        kind="twarc2",
        media_type=MEDIA_TYPE,
        title=title,
        posts=posts,
        media=tuple(media),
        captured_at=min(retrieved) if retrieved else "",
        problems=tuple(reader.problems),
        warnings=(*reader.warnings, *beside),
        extra=extra,
        accounts=tuple(reader.accounts.values()),
        events=tuple(reader.events),
        holds=reader.holds(),
    )


def _lines(handle: IO[bytes], reader: _Reader) -> Iterator[tuple[int, bytes]]:
    """(number, bytes) of each line; a line over MAX_DATA_BYTES is reported and skipped."""
    number = 0
    while True:
        line = handle.readline(MAX_DATA_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_DATA_BYTES and not line.endswith(b"\n"):
            while (rest := handle.readline(CHUNK)) and not rest.endswith(b"\n"):
                pass
            reader.problems.append(RecordProblem(f"line {number}", "is longer than 1 GiB; skipped"))
            continue
        yield number, line


@dataclass(slots=True)
class _Reader:
    posts: dict[str, ExtractedPost] = field(default_factory=dict)
    first_seen: dict[str, str] = field(default_factory=dict)
    problems: list[RecordProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    queries: set[str] = field(default_factory=set)
    lines: int = 0
    good_lines: int = 0
    #: The file's name says it holds accounts (a users compliance job's output).
    users_file: bool = False
    accounts: dict[str, ExtractedAccount] = field(default_factory=dict)
    events: list[ExtractedEvent] = field(default_factory=list)
    #: Batch compliance lines that do not say whether they are of posts or accounts.
    undecided: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    lists: list[dict[str, Any]] = field(default_factory=list)
    tweet_counts: list[dict[str, Any]] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)

    def title(self) -> str:
        """The file's title when it holds no posts."""
        if self.tweet_counts:
            return "X tweet counts collected with twarc2"
        if self.events:
            return "X compliance events"
        if self.lists:
            return "X lists collected with twarc2"
        if self.accounts:
            return "X accounts collected with twarc2"
        return "X posts collected with twarc2"

    def holds(self) -> str:
        """What the import says of a file that holds no posts."""
        if self.posts:
            return ""
        if self.tweet_counts:
            total = sum(c.get("tweet_count", 0) for c in self.tweet_counts)
            periods = len(self.tweet_counts)
            return (
                f"holds tweet counts, not posts ({periods} period{'s' if periods != 1 else ''}, "
                f"{total:,} tweets); kept as the file"
            )
        if self.lists:
            count = len(self.lists)
            return f"holds {count} list{'s' if count != 1 else ''}, not posts"
        if self.events:
            return "holds compliance events, not posts"
        if self.accounts:
            return "holds accounts, not posts"
        return ""

    def finish(self) -> None:
        """Decide the subject of the batch compliance lines that did not say it."""
        users = self.users_file or any(e.subject == "account" for e in self.events)
        for where, value in self.undecided:
            self._batch_event(value, where, "account" if users else "post")
        self.undecided.clear()

    def line(self, number: int, raw: bytes) -> None:
        self.lines = number
        if not raw.strip():
            return
        where = f"line {number}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.warnings.append(
                f"{where} has bytes that are not UTF-8 (the first at column {exc.start + 1}); "
                "they were replaced by �"
            )
            text = raw.decode("utf-8", errors="replace")
        text = text.removeprefix("\ufeff").rstrip("\r\n")
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            if not raw.endswith(b"\n") and not text.rstrip().endswith("}"):
                self.problems.append(
                    RecordProblem(
                        where,
                        "is cut short: the file ends inside it (was the download or the copy "
                        "interrupted?); the lines before it were imported",
                    )
                )
                return
            self.problems.append(
                RecordProblem(
                    where,
                    f"is not valid JSON ({exc.msg}: column {exc.colno}); skipped, "
                    "the other lines were imported",
                )
            )
            return
        except RecursionError:
            self.problems.append(RecordProblem(where, "is nested too deeply to be read; skipped"))
            return
        if not isinstance(value, dict):
            self.problems.append(RecordProblem(where, "is not a JSON object; skipped"))
            return
        meta = as_dict(value.get("__twarc"))
        retrieved = iso_time(meta.get("retrieved_at"))
        url = as_text(meta.get("url"))
        if url:
            self.queries.add(url)
        if retrieved:
            self.retrieved.append(retrieved)
        if "data" in value and _compliance_stream(value.get("data")):
            self.good_lines += 1
            self._stream_event(as_dict(value.get("data")), where)
        elif "data" in value:
            self.good_lines += 1
            self._page(value, where, retrieved)
        elif "action" in value and "id" in value and "text" not in value:
            self.good_lines += 1
            self._batch_line(value, where)
        elif "id" in value and ("text" in value or "note_tweet" in value):
            self.good_lines += 1
            self._flat(value, where, retrieved)
        elif "errors" in value:
            errors = dicts(value.get("errors"))
            for error in errors:
                self._api_error(error, where, retrieved)
            first = as_text(errors[0].get("detail") or errors[0].get("title")) if errors else ""
            self.warnings.append(
                f"{where} holds only errors from the API ({len(errors)}"
                + (f", e.g. ‘{first}’" if first else "")
                + "); no posts in it"
            )
            self.good_lines += 1
        else:
            self.problems.append(
                RecordProblem(where, "is neither an X API response page nor a post; skipped")
            )

    # -- an API response page ------------------------------------------------------------
    def _page(self, page: Mapping[str, Any], where: str, retrieved: str) -> None:
        data = page.get("data")
        objects = dicts(data) if isinstance(data, list) else dicts([data])
        includes = as_dict(page.get("includes"))
        for index, user in enumerate(dicts(includes.get("users"))):
            self._account(user, f"{where}, includes.users[{index}]", retrieved)
        tweets: list[tuple[int, dict[str, Any]]] = []
        unknown: list[str] = []
        for index, obj in enumerate(objects):
            found = _kind_of(obj)
            if found == "tweet":
                tweets.append((index, obj))
            elif found == "user":
                self._account(obj, f"{where}, data[{index}]", retrieved)
            elif found == "list":
                self.lists.append({"where": f"{where}, data[{index}]", "list": obj})
            elif found == "count":
                self.tweet_counts.append(
                    {
                        "start": iso_time(obj.get("start")),
                        "end": iso_time(obj.get("end")),
                        "tweet_count": _int(obj.get("tweet_count")),
                    }
                )
            else:
                unknown.append(", ".join(sorted(obj)[:6]) or "nothing")
        if unknown:
            self.problems.append(
                RecordProblem(
                    where,
                    f"is an X API response of a kind xarchive does not know: its data holds "
                    f"{len(unknown)} object{'s' if len(unknown) != 1 else ''} with the keys "
                    f"‘{unknown[0]}’, neither posts, users, lists nor counts; skipped",
                )
            )
        if not objects and data is not None and not isinstance(data, (list, dict)):
            self.problems.append(
                RecordProblem(where, "is an X API response whose data is neither a list nor an "
                              "object; skipped")
            )  # fmt: skip
        for error in dicts(page.get("errors")):
            self._api_error(error, where, retrieved)
        users = {as_text(u.get("id")): u for u in dicts(includes.get("users"))}
        media = {as_text(m.get("media_key")): m for m in dicts(includes.get("media"))}
        referenced = {as_text(t.get("id")): t for t in dicts(includes.get("tweets"))}
        for index, tweet in tweets:
            self._add(tweet, users, media, referenced, f"{where}, data[{index}]", retrieved,
                      referenced_only=False)  # fmt: skip
        for index, tweet in enumerate(dicts(includes.get("tweets"))):
            self._add(tweet, users, media, referenced, f"{where}, includes.tweets[{index}]",
                      retrieved, referenced_only=True)  # fmt: skip

    # -- accounts and compliance events -------------------------------------------------
    def _account(self, user: Mapping[str, Any], where: str, retrieved: str) -> None:
        found = user_account(user, where, retrieved)
        if found is None:
            return
        earlier = self.accounts.get(found.platform_id)
        if earlier is None or (found.captured_at or "") > (earlier.captured_at or ""):
            self.accounts[found.platform_id] = found

    def _api_error(self, error: Mapping[str, Any], where: str, retrieved: str) -> None:
        """What a lookup's error says of a post or account by then: a post "Not Found"
        was gone from the platform; an account "has been suspended" (asked by username,
        it is kept under its handle: the error names no id)."""
        target = as_text(error.get("resource_id") or error.get("value"))
        kind = as_text(error.get("resource_type"))
        detail = as_text(error.get("detail"))
        details = {"detail": detail, "source": dict(error)}
        if kind == "user" and "suspended" in detail.lower():
            if target.isdigit():
                who = platform_id(PLATFORM, target)
            else:  # asked by username: the account's events by its handle (posts/evidence.py)
                who = handle_key(PLATFORM, target)
            if who:
                self.events.append(
                    ExtractedEvent("account", who, "suspend", retrieved, "", where, details)
                )
            return
        if (
            kind == "tweet"
            and target.isdigit()
            and (
                "not-found" in as_text(error.get("type"))
                or "Not Found" in as_text(error.get("title"))
            )
        ):
            self.events.append(
                ExtractedEvent("post", platform_id(PLATFORM, target), "not_found", retrieved, "",
                               where, details)
            )  # fmt: skip

    def _batch_line(self, value: dict[str, Any], where: str) -> None:
        action = as_text(value.get("action")).lower()
        post_id = as_text(value.get("id"))
        if not post_id.isdigit():
            self.problems.append(RecordProblem(where, "is a compliance event without an id; "
                                               "skipped"))  # fmt: skip
            return
        if action not in _BATCH_ACTIONS:
            self.problems.append(
                RecordProblem(where, f"is a compliance event of an unknown action ‘{action}’; "
                              "skipped")
            )  # fmt: skip
            return
        subject, _ = _BATCH_ACTIONS[action]
        if as_text(value.get("reason")).lower() in _USER_REASONS:
            subject = "account"
        if subject is None:
            self.undecided.append((where, value))
            return
        self._batch_event(value, where, subject)

    def _batch_event(self, value: Mapping[str, Any], where: str, subject: str) -> None:
        action = _BATCH_ACTIONS[as_text(value.get("action")).lower()][1]
        reason = as_text(value.get("reason")).lower()
        if subject == "account" and action == "delete" and reason in _USER_REASONS:
            action = _USER_REASONS[reason]
        details: dict[str, Any] = {"source": dict(value)}
        for key in ("reason", "created_at", "redacted_at"):
            if value.get(key):
                details[key] = as_text(value.get(key))
        codes = value.get("withheld_in_countries") or as_dict(value.get("withheld")).get(
            "country_codes"
        )
        if isinstance(codes, list):
            details["country_codes"] = [as_text(c).upper() for c in codes if c]
        at = iso_time(value.get("redacted_at")) or iso_time(value.get("created_at"))
        self.events.append(
            ExtractedEvent(subject, platform_id(PLATFORM, as_text(value.get("id"))), action, at,
                           "", where, details)
        )  # fmt: skip

    def _stream_event(self, data: Mapping[str, Any], where: str) -> None:
        ((name, body),) = data.items()
        subject, action = _STREAM_ACTIONS[name]
        body = as_dict(body)
        target = as_dict(body.get("tweet") if subject == "post" else body.get("user"))
        target_id = as_text(target.get("id"))
        if not target_id.isdigit():
            self.problems.append(
                RecordProblem(where, f"is a compliance event ‘{name}’ without an id; skipped")
            )
            return
        details: dict[str, Any] = {"source": dict(data)}
        codes = body.get("withheld_in_countries")
        if isinstance(codes, list):
            details["country_codes"] = [as_text(c).upper() for c in codes if c]
        if target.get("author_id"):
            details["author_id"] = as_text(target.get("author_id"))
        if action == "edit":
            ids = [as_text(i) for i in body.get("edit_tweet_ids") or [] if as_text(i).isdigit()]
            details["edit_ids"] = [platform_id(PLATFORM, i) for i in ids]
            initial = as_text(body.get("initial_tweet_id"))
            if initial.isdigit():
                details["initial_id"] = platform_id(PLATFORM, initial)
        self.events.append(
            ExtractedEvent(subject, platform_id(PLATFORM, target_id), action,
                           iso_time(body.get("event_at")), "", where, details)
        )  # fmt: skip

    # -- a flattened post ------------------------------------------------------------------
    def _flat(self, tweet: Mapping[str, Any], where: str, retrieved: str) -> None:
        author = as_dict(tweet.get("author"))
        if author:
            self._account(author, f"{where}, author", retrieved)
        users = {as_text(author.get("id")): author} if author else {}
        media = {
            as_text(m.get("media_key")): m
            for m in dicts(as_dict(tweet.get("attachments")).get("media"))
        }
        referenced = {}
        for ref in dicts(tweet.get("referenced_tweets")):
            if "text" in ref:
                inner = {k: v for k, v in ref.items() if k != "type"}
                referenced[as_text(ref.get("id"))] = inner
                ref_author = as_dict(ref.get("author"))
                if ref_author:
                    users[as_text(ref_author.get("id"))] = ref_author
        self._add(tweet, users, media, referenced, where, retrieved, referenced_only=False)
        for index, ref in enumerate(referenced.values()):
            self._add(ref, users, media, referenced, f"{where}, referenced_tweets[{index}]",
                      retrieved, referenced_only=True)  # fmt: skip

    # -- one post --------------------------------------------------------------------------
    def _add(
        self,
        tweet: Mapping[str, Any],
        users: Mapping[str, Any],
        media: Mapping[str, Any],
        referenced: Mapping[str, Any],
        where: str,
        retrieved: str,
        referenced_only: bool,
    ) -> None:
        post_id = as_text(tweet.get("id"))
        if not post_id.isdigit():
            self.problems.append(RecordProblem(where, "has no post id; skipped"))
            return
        post = _post(tweet, users, media, referenced, where, retrieved, referenced_only)
        earlier = self.posts.get(post.platform_id)
        if earlier is None:
            self.posts[post.platform_id] = post
            self.first_seen[post.platform_id] = where
        elif earlier.referenced and not referenced_only:
            self.posts[post.platform_id] = post  # collected itself after all
            self.first_seen[post.platform_id] = where
        elif not referenced_only and not earlier.referenced:
            self.warnings.append(
                f"{where}: post {post_id} appears again (first at "
                f"{self.first_seen[post.platform_id]}); it was imported once"
            )


def _post(
    tweet: Mapping[str, Any],
    users: Mapping[str, Any],
    media_by_key: Mapping[str, Any],
    referenced: Mapping[str, Any],
    where: str,
    retrieved: str,
    referenced_only: bool,
) -> ExtractedPost:
    post_id = as_text(tweet.get("id"))
    notes: list[str] = []
    author = as_dict(users.get(as_text(tweet.get("author_id")))) or as_dict(tweet.get("author"))
    handle = as_text(author.get("username"))
    if not handle:
        notes.append("its author is not in the file (only the account id is known)")
    published = iso_time(tweet.get("created_at"))
    if not published:
        notes.append(f"its date ‘{as_text(tweet.get('created_at'))}’ could not be read")
    long_text = as_dict(tweet.get("note_tweet"))
    entities = (
        as_dict(long_text.get("entities"))
        if long_text.get("text")
        else as_dict(tweet.get("entities"))
    )
    raw = as_text(long_text.get("text") or tweet.get("text"))
    links: dict[str, str] = {}
    media_links = set()
    for url in dicts(entities.get("urls")):
        short = as_text(url.get("url"))
        expanded = as_text(url.get("unwound_url") or url.get("expanded_url"))
        if url.get("media_key"):
            media_links.add(short)
        elif short and expanded:
            links[short] = expanded
    text = post_text(raw, links, drop=media_links)
    refs = {
        as_text(r.get("type")): as_text(r.get("id")) for r in dicts(tweet.get("referenced_tweets"))
    }
    reply = refs.get("replied_to", "")
    quote = refs.get("quoted", "")
    retweet = refs.get("retweeted", "")
    retweet_account = retweeted_account(raw)
    if retweet and not retweet_account:
        retweet_account = _author_of(referenced.get(retweet), users)
    reply_account = _author_of(referenced.get(reply), users) if reply else ""
    if reply and not reply_account:
        reply_account = as_text(
            as_dict(users.get(as_text(tweet.get("in_reply_to_user_id")))).get("username")
        )
    keys = [as_text(k) for k in as_dict(tweet.get("attachments")).get("media_keys") or []]
    media = []
    found_media = []
    for key in keys:
        spec = as_dict(media_by_key.get(key))
        if spec:
            found_media.append(spec)
        media.append(
            MediaRef(
                key=key,
                type=as_text(spec.get("type")) or "photo",
                url=as_text(spec.get("url") or spec.get("preview_image_url")),
                alt_text=as_text(spec.get("alt_text")),
            )
        )
    record: dict[str, Any] = {"source": "twarc2", "tweet": dict(tweet)}
    if author and "author" not in tweet:
        record["author"] = author
    if found_media and not as_dict(tweet.get("attachments")).get("media"):
        record["media"] = found_media
    data = canonical_json(record)
    metrics = as_dict(tweet.get("public_metrics"))
    conversation = as_text(tweet.get("conversation_id"))
    edits = [as_text(e) for e in as_list(tweet.get("edit_history_tweet_ids")) if e]
    return ExtractedPost(
        platform_id=platform_id(PLATFORM, post_id),
        post_id=post_id,
        record=data,
        sha256=sha256_of(data),
        account=handle,
        display_name=as_text(author.get("name")),
        account_id=as_text(tweet.get("author_id") or author.get("id")),
        published_at=published,
        text=text,
        original_text=raw,
        language=language_of(tweet.get("lang"), text),
        url=status_url(handle, post_id),
        member="",
        locator=where,
        hashtags=unique(as_text(h.get("tag")) for h in dicts(entities.get("hashtags"))),
        mentions=unique(as_text(m.get("username")) for m in dicts(entities.get("mentions"))),
        links=tuple(links.items()),
        counts=counts_from(metrics, _COUNTS),
        reply_to_id=platform_id(PLATFORM, reply) if reply.isdigit() else "",
        reply_to_account=reply_account,
        quote_of_id=platform_id(PLATFORM, quote) if quote.isdigit() else "",
        retweet_of_id=platform_id(PLATFORM, retweet) if retweet.isdigit() else "",
        retweet_of_account=retweet_account,
        conversation_id=platform_id(PLATFORM, conversation) if conversation.isdigit() else "",
        is_retweet=bool(retweet or retweet_account),
        is_long=bool(long_text.get("text")),
        referenced=referenced_only,
        captured_at=retrieved,
        media=tuple(media),
        warnings=tuple(notes),
        extra=post_extra(tweet, found_media, edits, as_text(tweet.get("source"))),
        withheld=Withheld.from_source(tweet),
        edit_ids=version_ids(PLATFORM, edits),
    )


def _kind_of(obj: Mapping[str, Any]) -> str:
    """What an object of a response's `data` is: "tweet", "user", "list", "count", ""."""
    if "text" in obj or "edit_history_tweet_ids" in obj or "note_tweet" in obj:
        return "tweet"
    if "username" in obj:
        return "user"
    if "tweet_count" in obj and ("start" in obj or "end" in obj):
        return "count"
    if "name" in obj and ({"owner_id", "member_count", "follower_count", "private"} & obj.keys()):
        return "list"
    if "author_id" in obj or "conversation_id" in obj:
        return "tweet"
    return ""


def _compliance_stream(data: Any) -> bool:
    """Whether a response's data is one compliance stream event ({"user_suspend": {…}})."""
    return isinstance(data, dict) and len(data) == 1 and next(iter(data)) in _STREAM_ACTIONS


def user_account(user: Mapping[str, Any], where: str, retrieved: str) -> ExtractedAccount | None:
    """An account record from an API v2 user object; None without an id and a handle."""
    account_id = as_text(user.get("id"))
    handle = as_text(user.get("username"))
    if not account_id.isdigit() or not handle:
        return None
    verified = user.get("verified")
    protected = user.get("protected")
    return ExtractedAccount(
        platform_id=platform_id(PLATFORM, account_id),
        account_id=account_id,
        handle=handle,
        record=canonical_json({"source": "twarc2", "user": dict(user)}),
        locator=where,
        display_name=as_text(user.get("name")),
        bio=as_text(user.get("description")),
        location=as_text(user.get("location")),
        url=as_text(user.get("url")),
        created_at=iso_time(user.get("created_at")),
        counts=counts_from(as_dict(user.get("public_metrics")), _USER_COUNTS),
        protected=protected if isinstance(protected, bool) else None,
        verified=verified if isinstance(verified, bool) else None,
        verified_type=as_text(user.get("verified_type")),
        withheld=Withheld.from_source(user),
        captured_at=retrieved,
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _author_of(tweet: Any, users: Mapping[str, Any]) -> str:
    if not isinstance(tweet, dict):
        return ""
    author = as_dict(users.get(as_text(tweet.get("author_id")))) or as_dict(tweet.get("author"))
    return as_text(author.get("username"))
