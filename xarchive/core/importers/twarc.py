"""JSON lines written by twarc2 (X API v2): posts collected by search, timeline or lookup.

A container importer (see posts/model.py). Each line is one of:

- an API response page: ``{"data": [tweet, …], "includes": {"users", "tweets",
  "media"}, "meta": …, "__twarc": …}`` — authors are resolved from
  ``includes.users`` by id and media from ``includes.media`` by media key; the
  posts in ``includes.tweets`` (the ones replied to, quoted or retweeted) are
  imported too, marked as referenced;
- a flattened post (``twarc2 flatten``): a tweet with ``author``,
  ``attachments.media`` and its referenced posts inlined.

Times are ISO 8601 (``2024-02-17T18:05:11.000Z``). The files hold no pictures,
only their addresses and descriptions (alt text), which are kept with the post.
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
from ..posts.model import (
    ContainerContext,
    ExtractedContainer,
    ExtractedPost,
    MediaRef,
    RecordProblem,
    canonical_json,
    platform_id,
    sha256_of,
)
from ..posts.sources import CHUNK, MAX_DATA_BYTES
from ..posts.text import (
    as_text,
    counts_from,
    iso_time,
    language_of,
    post_text,
    retweeted_account,
    status_url,
    unique,
)
from . import quoted

NAME = "twarc2"
PLATFORM = "x"
MEDIA_TYPE = "application/x-ndjson"

_KEYS = re.compile(rb'"(?:author_id|edit_history_tweet_ids|conversation_id|__twarc)"\s*:')
_COUNTS = {
    "like_count": "likes",
    "retweet_count": "reposts",
    "reply_count": "replies",
    "quote_count": "quotes",
    "bookmark_count": "bookmarks",
    "impression_count": "views",
}


def detect(head: bytes, path: Path) -> bool:
    """Text whose first line is a JSON object with the keys of an X API v2 post."""
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return start.startswith(b"{") and _KEYS.search(head) is not None


def extract_many(path: Path, ctx: ContainerContext) -> ExtractedContainer:
    """Read every line of the file.

    Raises UnreadableFile when the file cannot be read or none of its lines is
    an API page or a post; smaller trouble is a problem or warning in the result.
    """
    reader = _Reader()
    try:
        with path.open("rb") as handle:
            for number, line in _lines(handle, reader):
                reader.line(number, line)
    except OSError as exc:
        raise UnreadableFile(
            f"{quoted(Path(ctx.origin))} cannot be read: {exc.strerror or exc}."
        ) from exc
    if not reader.posts and reader.problems and reader.good_lines == 0:
        raise UnreadableFile(
            f"{quoted(Path(ctx.origin))} is not twarc2 JSON lines: none of its "
            f"{reader.lines} lines is an API response or a post "
            f"({reader.problems[0].describe()})."
        )
    posts = tuple(reader.posts.values())
    retrieved = sorted(p.captured_at for p in posts if p.captured_at)
    collected = [p for p in posts if not p.referenced]
    accounts = unique(p.account for p in collected)
    title = "X posts collected with twarc2"
    if len(accounts) == 1:
        title += f" from @{accounts[0]}"
    return ExtractedContainer(
        kind="twarc2",
        media_type=MEDIA_TYPE,
        title=title,
        posts=posts,
        captured_at=retrieved[0] if retrieved else "",
        problems=tuple(reader.problems),
        warnings=tuple(reader.warnings),
        extra={
            "lines": reader.lines,
            "collected": len(collected),
            "referenced": len(posts) - len(collected),
            "queries": sorted(reader.queries),
        },
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
        meta = _dict(value.get("__twarc"))
        retrieved = iso_time(meta.get("retrieved_at"))
        url = as_text(meta.get("url"))
        if url:
            self.queries.add(url)
        if "data" in value:
            self.good_lines += 1
            self._page(value, where, retrieved)
        elif "id" in value and ("text" in value or "note_tweet" in value):
            self.good_lines += 1
            self._flat(value, where, retrieved)
        elif "errors" in value:
            errors = _list(value.get("errors"))
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
        tweets = _list(data) if isinstance(data, list) else _list([data])
        includes = _dict(page.get("includes"))
        users = {as_text(u.get("id")): u for u in _list(includes.get("users"))}
        media = {as_text(m.get("media_key")): m for m in _list(includes.get("media"))}
        referenced = {as_text(t.get("id")): t for t in _list(includes.get("tweets"))}
        for index, tweet in enumerate(tweets):
            self._add(tweet, users, media, referenced, f"{where}, data[{index}]", retrieved,
                      referenced_only=False)  # fmt: skip
        for index, tweet in enumerate(_list(includes.get("tweets"))):
            self._add(tweet, users, media, referenced, f"{where}, includes.tweets[{index}]",
                      retrieved, referenced_only=True)  # fmt: skip

    # -- a flattened post ------------------------------------------------------------------
    def _flat(self, tweet: Mapping[str, Any], where: str, retrieved: str) -> None:
        author = _dict(tweet.get("author"))
        users = {as_text(author.get("id")): author} if author else {}
        media = {
            as_text(m.get("media_key")): m
            for m in _list(_dict(tweet.get("attachments")).get("media"))
        }
        referenced = {}
        for ref in _list(tweet.get("referenced_tweets")):
            if "text" in ref:
                inner = {k: v for k, v in ref.items() if k != "type"}
                referenced[as_text(ref.get("id"))] = inner
                ref_author = _dict(ref.get("author"))
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
    author = _dict(users.get(as_text(tweet.get("author_id")))) or _dict(tweet.get("author"))
    handle = as_text(author.get("username"))
    if not handle:
        notes.append("its author is not in the file (only the account id is known)")
    published = iso_time(tweet.get("created_at"))
    if not published:
        notes.append(f"its date ‘{as_text(tweet.get('created_at'))}’ could not be read")
    long_text = _dict(tweet.get("note_tweet"))
    entities = (
        _dict(long_text.get("entities")) if long_text.get("text") else _dict(tweet.get("entities"))
    )
    raw = as_text(long_text.get("text") or tweet.get("text"))
    links: dict[str, str] = {}
    media_links = set()
    for url in _list(entities.get("urls")):
        short = as_text(url.get("url"))
        expanded = as_text(url.get("unwound_url") or url.get("expanded_url"))
        if url.get("media_key"):
            media_links.add(short)
        elif short and expanded:
            links[short] = expanded
    text = post_text(raw, links, drop=media_links)
    refs = {
        as_text(r.get("type")): as_text(r.get("id")) for r in _list(tweet.get("referenced_tweets"))
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
            _dict(users.get(as_text(tweet.get("in_reply_to_user_id")))).get("username")
        )
    keys = [as_text(k) for k in _dict(tweet.get("attachments")).get("media_keys") or []]
    media = []
    found_media = []
    for key in keys:
        spec = _dict(media_by_key.get(key))
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
    if found_media and not _dict(tweet.get("attachments")).get("media"):
        record["media"] = found_media
    data = canonical_json(record)
    metrics = _dict(tweet.get("public_metrics"))
    conversation = as_text(tweet.get("conversation_id"))
    extra: dict[str, Any] = {}
    edits = [as_text(e) for e in tweet.get("edit_history_tweet_ids") or [] if e]
    if len(edits) > 1:
        extra["edit_ids"] = edits
    if as_text(tweet.get("source")):
        extra["client"] = as_text(tweet.get("source"))
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
        hashtags=unique(as_text(h.get("tag")) for h in _list(entities.get("hashtags"))),
        mentions=unique(as_text(m.get("username")) for m in _list(entities.get("mentions"))),
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
        extra=extra,
    )


def _author_of(tweet: Any, users: Mapping[str, Any]) -> str:
    if not isinstance(tweet, dict):
        return ""
    author = _dict(users.get(as_text(tweet.get("author_id")))) or _dict(tweet.get("author"))
    return as_text(author.get("username"))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
