"""X (Twitter) account archives: "Download an archive of your data", zipped or unpacked.

A container importer (see core/model/): one archive gives many posts and the
pictures they show. What it reads::

    data/manifest.js        window.__THAR_CONFIG = {userInfo, archiveInfo, dataTypes}
    data/account.js         the account: username, display name, id
    data/tweets.js …        window.YTD.tweets.part0 = [{"tweet": {…}}, …] (older: tweet.js)
    data/note-tweet.js      the whole text of long posts
    data/deleted-tweets.js  posts the account deleted, when the archive has them
    data/profile.js         the account's bio, website and location
    data/account-suspension.js  when the account was suspended or unsuspended
    data/tweets_media/      <post id>-<file name of the media URL>

The manifest's list of parts is trusted over guessing names. Every number in the
archive is a string; times are ``Sat Feb 17 18:05:11 +0000 2024`` (UTC); texts
are HTML-escaped with t.co links. Long posts are cut short in tweets.js: their
whole text is matched from note-tweet.js by creation time and the start of the
text (the note's id is not the post's), accepting both shapes of note seen in
archives (``noteTweet.core.text`` and ``noteTweet.noteTweetResults.text``).

A part that is missing or is not valid JSON is reported with the file and the
line, and the other parts are imported; so are posts whose pictures are absent
(with a warning on the post) and files with bytes that are not UTF-8 (replaced,
with a warning). A post id that appears twice is imported once.

As evidence (posts/evidence.py): the account becomes an account record (account.js,
profile.js, as of the archive's generation date); each post in deleted-tweets.js is
also a dated ``delete`` event (its ``deleted_at``), and each suspension an account
event; a post's ``edit_info`` names its versions, and ``withheld_in_countries`` /
``withheld`` where it was withheld.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..blobs import store_bytes
from ..errors import UnreadableFile
from ..model import (
    ContainerPart,
    ExtractedAccount,
    ExtractedContainer,
    ExtractedEvent,
    ExtractedPost,
    MediaRef,
    RecordProblem,
    StagedMedia,
    Withheld,
    canonical_json,
    platform_id,
    sha256_of,
)
from ..wording import media_noun
from . import quoted
from .base import ContainerContext
from .container_files import (
    MAX_DATA_BYTES,
    ContainerSource,
    FolderSource,
    MemberProblem,
    ZipSource,
)
from .post_media import media_limit, post_extra
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
    status_link,
    status_url,
    unique,
    version_ids,
    x_time,
)

NAME = "x-archive"
PLATFORM = "x"

_MARKER = re.compile(r"^((?:[^/]+/)?)data/(?:manifest|account|tweets?(?:-part\d+)?)\.js$")
_TWEET_PARTS = re.compile(r"^data/(tweets?)(?:-part(\d+))?\.js$")
_DELETED_PARTS = re.compile(r"^data/deleted-tweets?(?:-part(\d+))?\.js$")
_NOTE_PARTS = re.compile(r"^data/note-tweets?(?:-part(\d+))?\.js$")
_COUNTS = {
    "favorite_count": "likes",
    "retweet_count": "reposts",
    "reply_count": "replies",
    "quote_count": "quotes",
}
#: Seconds between a long post and its note tweet that still count as the same moment.
_NOTE_SLACK = 120
_NOTE_PREFIX = 40


# -- detection ------------------------------------------------------------------------


def archive_root(names: Iterable[str]) -> str | None:
    """The folder inside a zip that holds `data/` ("" at the top), None if it is no X archive."""
    roots = set()
    for name in names:
        found = _MARKER.match(name)
        if found:
            roots.add(found.group(1))
    if not roots:
        return None
    return min(roots, key=len)


def detect(head: bytes, path: Path) -> bool:
    """A zip holding ``data/manifest.js`` or ``data/tweets.js`` (also one folder down)."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return archive_root(archive.namelist()) is not None
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False


def detect_folder(path: Path) -> bool:
    """An unpacked archive: ``data/manifest.js``, or ``data/account.js`` with ``data/tweet*.js``."""
    data = path / "data"
    try:
        if (data / "manifest.js").is_file():
            return True
        return (data / "account.js").is_file() and any(
            _TWEET_PARTS.match(f"data/{p.name}") for p in data.glob("tweet*.js")
        )
    except OSError:
        return False


# -- reading --------------------------------------------------------------------------


def extract_many(path: Path, ctx: ContainerContext) -> ExtractedContainer:
    """Read the archive at `path` (a zip or its unpacked folder).

    Raises UnreadableFile when it is no readable X archive at all (a damaged zip,
    no data files); everything smaller is a problem or a warning in the result.
    """
    if path.is_dir():
        with FolderSource(path) as folder:
            return _Reader(folder, "", ctx, folder=True).read()
    with ZipSource(path, ctx.origin) as archive:
        root = archive_root(archive.names())
        if root is None:
            raise UnreadableFile(
                f"{quoted(Path(ctx.origin))} is a ZIP archive but not an X account archive "
                "(it has no data/manifest.js or data/tweets.js)."
            )
        reader = _Reader(archive, root, ctx, folder=False)
        if archive.unsafe:
            names = ", ".join(f"‘{n}’" for n in archive.unsafe[:5])
            reader.warnings.append(
                f"{len(archive.unsafe)} member(s) with names that point outside the archive "
                f"were ignored: {names}"
            )
        return reader.read()


@dataclass(slots=True)
class _Note:
    note_id: str
    created: str
    text: str
    links: dict[str, str]
    hashtags: list[str]
    mentions: list[str]
    raw: Any
    tweet_id: str
    where: str
    used: bool = False


@dataclass(slots=True)
class _Reader:
    source: ContainerSource
    root: str  # "" or "folder/" inside the zip
    ctx: ContainerContext
    folder: bool
    problems: list[RecordProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parts: list[ContainerPart] = field(default_factory=list)
    listing: list[dict[str, Any]] = field(default_factory=list)
    #: account.js's and profile.js's objects, for the account record.
    profile: dict[str, Any] = field(default_factory=dict)
    events: list[ExtractedEvent] = field(default_factory=list)

    # -- files ------------------------------------------------------------------------
    def _name(self, member: str) -> str:
        return self.root + member

    def _data(self, member: str) -> Any:
        """The JSON value of a data file (after its ``window.… =``), or None with a problem."""
        try:
            raw = self.source.read(self._name(member), MAX_DATA_BYTES)
        except MemberProblem as exc:
            reason = str(exc).removeprefix(self._name(member)).strip()
            self.problems.append(RecordProblem(member, reason))
            return None
        self._keep(member, raw)
        text = _decode(raw, member, self.warnings)
        equals = text.find("=")
        if equals < 0 or not text[:equals].strip().startswith("window."):
            self.problems.append(
                RecordProblem(
                    member, "is not an X archive data file (no ‘window.… =’ at its start)"
                )
            )
            return None
        body = text[equals + 1 :].rstrip().removesuffix(";")
        try:
            return json.loads(body)
        except json.JSONDecodeError as exc:
            offset = equals + 1 + exc.pos
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            self.problems.append(
                RecordProblem(
                    f"{member}, line {line}, column {column}",
                    f"not valid JSON after ‘{text[:equals].strip()} =’ ({exc.msg}); "
                    "nothing in this file could be imported",
                )
            )
            return None
        except RecursionError:
            self.problems.append(RecordProblem(member, "is nested too deeply to be read"))
            return None

    def _keep(self, member: str, raw: bytes) -> None:
        """A folder's data file is an original: store it and list it."""
        if not self.folder:
            return
        sha, size = store_bytes(raw, self.ctx.staging, self.ctx.blobs_dir)
        location = self.source.location_of(member)
        self.parts.append(ContainerPart(member, location, sha, size))
        self.listing.append({"path": member, "sha256": sha, "size": size})

    def _exists(self, member: str) -> bool:
        return self.source.exists(self._name(member))

    def _members(self) -> list[str]:
        root = self.root
        return sorted(n[len(root) :] for n in self.source.names() if n.startswith(root))

    # -- the archive --------------------------------------------------------------------
    def read(self) -> ExtractedContainer:
        members = self._members()
        manifest = self._data("data/manifest.js") if "data/manifest.js" in members else None
        if manifest is not None and not isinstance(manifest, dict):
            self.problems.append(RecordProblem("data/manifest.js", "is not an object; ignored"))
            manifest = None
        manifest = manifest or {}
        data_types = as_dict(manifest.get("dataTypes"))
        account = self._account(manifest, members)
        tweet_parts = self._parts(data_types, ("tweets", "tweet"), _TWEET_PARTS, members)
        deleted_parts = self._parts(
            data_types, ("deletedTweets", "deletedTweet"), _DELETED_PARTS, members
        )
        note_parts = self._parts(data_types, ("noteTweet", "noteTweets"), _NOTE_PARTS, members)
        if not tweet_parts and not deleted_parts and not self.problems:
            raise UnreadableFile(
                f"{quoted(Path(self.ctx.origin))} has no posts: neither its manifest nor its "
                "data folder names a tweets.js file."
            )
        media_dirs = self._media_dirs(data_types, ("tweetsMedia", "tweetMedia"),
                                      ("data/tweets_media", "data/tweet_media"))  # fmt: skip
        deleted_media = self._media_dirs(
            data_types, ("deletedTweetsMedia",), ("data/deleted_tweets_media",)
        )
        notes = self._notes(note_parts)
        posts: dict[str, ExtractedPost] = {}
        first_seen: dict[str, str] = {}
        for part in tweet_parts:
            self._tweets(part, account, posts, first_seen, media_dirs, deleted=False)
        for part in deleted_parts:
            self._tweets(part, account, posts, first_seen, deleted_media + media_dirs, True)
        merged = {pid: self._merge_note(post, notes) for pid, post in posts.items()}
        for note in notes:
            if not note.used:
                self.warnings.append(
                    f"{note.where}: the long text of note {note.note_id or '?'} "
                    f"({note.created or 'no date'}) matches no post in the archive; not imported"
                )
        media, merged = self._stage_media(merged)
        listing = None
        if self.folder:
            for item in media:
                self.listing.append(
                    {"path": item.member, "sha256": item.staged.sha256, "size": item.staged.size}
                )
            data = canonical_json({"folder": self.ctx.origin, "files": self.listing})
            sha, size = store_bytes(data, self.ctx.staging, self.ctx.blobs_dir)
            listing = ContainerPart("", self.ctx.origin, sha, size)
        generated = iso_time(_get(manifest, "archiveInfo", "generationDate"))
        handle = account.get("username", "")
        title = f"X archive of @{handle}" if handle else "X archive"
        if "data/account-suspension.js" in members:
            self._suspensions(account)
        found_account = self._account_record(account, generated)
        return ExtractedContainer(
            kind="x-archive-folder" if self.folder else "x-archive",
            media_type="inode/directory" if self.folder else "application/zip",
            title=title + (f" ({generated[:10]})" if generated else ""),
            posts=tuple(merged.values()),
            media=tuple(media),
            parts=tuple(self.parts),
            listing=listing,
            captured_at=generated,
            problems=tuple(self.problems),
            warnings=tuple(self.warnings),
            extra={
                "account": handle,
                "display_name": account.get("displayName", ""),
                "account_id": account.get("accountId", ""),
                "generated_at": generated,
                "root": self.root,
                "parts": tweet_parts + deleted_parts + note_parts,
                **({"bio": account["bio"]} if account.get("bio") else {}),
            },
            accounts=(found_account,) if found_account else (),
            events=tuple(self.events),
        )

    def _account_record(
        self, account: Mapping[str, str], generated: str
    ) -> ExtractedAccount | None:
        """The archive's account as an account record, as of the archive's generation."""
        account_id = account.get("accountId", "")
        if not account_id.isdigit() or not account.get("username"):
            return None
        found = as_dict(self.profile.get("account"))
        profile = as_dict(self.profile.get("profile"))
        description = as_dict(profile.get("description"))
        source = "data/account.js" if found else "data/manifest.js"
        created = as_text(found.get("createdAt"))
        return ExtractedAccount(
            platform_id=platform_id(PLATFORM, account_id),
            account_id=account_id,
            handle=account["username"],
            record=canonical_json({"source": "x-archive", **self.profile}),
            member=source,
            locator="record 1",
            display_name=account.get("displayName", ""),
            bio=as_text(description.get("bio")),
            location=as_text(description.get("location")),
            url=as_text(description.get("website")),
            created_at=iso_time(created) or x_time(created),
            withheld=Withheld.from_source(found),
            captured_at=generated,
        )

    def _suspensions(self, account: Mapping[str, str]) -> None:
        """data/account-suspension.js: each suspension and its lifting, as account events."""
        records = self._data("data/account-suspension.js")
        account_id = account.get("accountId", "")
        if not isinstance(records, list) or not account_id.isdigit():
            return
        for number, record in enumerate(records, 1):
            body = as_dict(as_dict(record).get("accountSuspension"))
            action = as_text(body.get("action")).lower()
            if action not in ("suspend", "unsuspend"):
                continue
            at = as_text(body.get("timeStamp"))
            self.events.append(
                ExtractedEvent("account", platform_id(PLATFORM, account_id), action,
                               iso_time(at) or x_time(at), "data/account-suspension.js",
                               f"record {number}", {"source": body})
            )  # fmt: skip

    def _account(self, manifest: Mapping[str, Any], members: list[str]) -> dict[str, str]:
        info = manifest.get("userInfo") if isinstance(manifest.get("userInfo"), dict) else {}
        assert isinstance(info, dict)
        account = {
            "username": as_text(info.get("userName")),
            "accountId": as_text(info.get("accountId")),
            "displayName": as_text(info.get("displayName")),
        }
        if "data/account.js" in members:
            found = _first(self._data("data/account.js"), "account")
            if found:
                self.profile["account"] = found
                account["username"] = as_text(found.get("username")) or account["username"]
                account["accountId"] = as_text(found.get("accountId")) or account["accountId"]
                account["displayName"] = (
                    as_text(found.get("accountDisplayName")) or account["displayName"]
                )
        if "data/profile.js" in members:
            profile = _first(self._data("data/profile.js"), "profile")
            if profile:
                self.profile["profile"] = profile
            description = profile.get("description") if profile else None
            if isinstance(description, dict):
                account["bio"] = as_text(description.get("bio"))
        return account

    def _parts(
        self,
        data_types: Mapping[str, Any],
        keys: tuple[str, ...],
        pattern: re.Pattern[str],
        members: list[str],
    ) -> list[str]:
        """The data files of one type: as the manifest lists them, else as found."""
        for key in keys:
            entry = data_types.get(key)
            files = entry.get("files") if isinstance(entry, dict) else None
            if not isinstance(files, list):
                continue
            listed = []
            for spec in files:
                name = as_text(spec.get("fileName")) if isinstance(spec, dict) else ""
                if not name:
                    continue
                name = name.removeprefix("./")
                if name in members:
                    listed.append(name)
                else:
                    self.problems.append(
                        RecordProblem(
                            "data/manifest.js",
                            f"lists {name}, which is not in the archive: the posts in it "
                            "are missing (was the archive renamed or cut short?)",
                        )
                    )
            return listed
        return sorted((m for m in members if pattern.match(m)), key=_part_order)

    def _media_dirs(
        self, data_types: Mapping[str, Any], keys: tuple[str, ...], defaults: tuple[str, ...]
    ) -> list[str]:
        found = []
        for key in keys:
            entry = data_types.get(key)
            directory = as_text(entry.get("mediaDirectory")) if isinstance(entry, dict) else ""
            if directory:
                found.append(directory.removeprefix("./").rstrip("/"))
        return unique_list(found + list(defaults))

    # -- posts ----------------------------------------------------------------------------
    def _tweets(
        self,
        part: str,
        account: Mapping[str, str],
        posts: dict[str, ExtractedPost],
        first_seen: dict[str, str],
        media_dirs: list[str],
        deleted: bool,
    ) -> None:
        records = self._data(part)
        if records is None:
            return
        if not isinstance(records, list):
            self.problems.append(RecordProblem(part, "does not hold a list of posts; skipped"))
            return
        for number, record in enumerate(records, 1):
            where = f"{part}, record {number}"
            tweet = record.get("tweet", record) if isinstance(record, dict) else None
            if not isinstance(tweet, dict):
                self.problems.append(RecordProblem(where, "is not a post; skipped"))
                continue
            try:
                post = self._post(tweet, account, part, number, media_dirs, deleted)
            except MemberProblem as exc:
                self.problems.append(RecordProblem(where, str(exc)))
                continue
            earlier = posts.get(post.platform_id)
            if earlier is not None:
                if deleted and not earlier.is_deleted:
                    posts[post.platform_id] = replace(
                        earlier, is_deleted=True, deleted_at=post.deleted_at
                    )
                    self._deletion(post, part, number)
                    continue
                self.warnings.append(
                    f"{where}: post {post.post_id} appears again (first in "
                    f"{first_seen[post.platform_id]}); it was imported once"
                )
                continue
            posts[post.platform_id] = post
            first_seen[post.platform_id] = where
            if deleted:
                self._deletion(post, part, number)

    def _deletion(self, post: ExtractedPost, part: str, number: int) -> None:
        """A post of deleted-tweets.js is also a dated event: deleted at `deleted_at`."""
        self.events.append(
            ExtractedEvent("post", post.platform_id, "delete", post.deleted_at, part,
                           f"record {number}", {"source": "deleted-tweets.js"})
        )  # fmt: skip

    def _post(
        self,
        tweet: Mapping[str, Any],
        account: Mapping[str, str],
        part: str,
        number: int,
        media_dirs: list[str],
        deleted: bool,
    ) -> ExtractedPost:
        post_id = as_text(tweet.get("id_str") or tweet.get("id"))
        if not post_id.isdigit():
            raise MemberProblem("has no post id; skipped")
        notes: list[str] = []
        published = x_time(as_text(tweet.get("created_at")))
        if not published:
            notes.append(f"its date ‘{as_text(tweet.get('created_at'))}’ could not be read")
        entities = as_dict(tweet.get("entities"))
        extended = as_dict(tweet.get("extended_entities"))
        links: dict[str, str] = {}
        for url in dicts(entities.get("urls")):
            short, expanded = as_text(url.get("url")), as_text(url.get("expanded_url"))
            if short and expanded:
                links[short] = expanded
        media_specs = dicts(extended.get("media")) or dicts(entities.get("media"))
        media_links = {as_text(m.get("url")) for m in media_specs if m.get("url")}
        raw = as_text(tweet.get("full_text") or tweet.get("text"))
        text = post_text(raw, links, drop=media_links)
        handle = account.get("username", "")
        retweet_of = retweeted_account(raw)
        quote = as_text(tweet.get("quoted_status_id_str"))
        if not quote and not retweet_of:
            for expanded in links.values():
                target = status_link(expanded)
                if target and target[1] != post_id:
                    quote = target[1]
                    break
        reply = as_text(
            tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
        )
        media = tuple(self._media(post_id, spec, media_dirs, notes) for spec in media_specs)
        deleted_at = x_time(as_text(tweet.get("deleted_at"))) if deleted else ""
        record: dict[str, Any] = {
            "source": "x-archive",
            "account": {k: v for k, v in account.items() if k != "bio"},
            "tweet": tweet,
        }
        data = canonical_json(record)
        edit_info = as_dict(tweet.get("edit_info"))
        edit = as_dict(edit_info.get("initial"))
        initial = as_text(as_dict(edit_info.get("edit")).get("initialTweetId"))
        edits = [as_text(e) for e in as_list(edit.get("editTweetIds"))]
        source_app = re.sub(r"<[^>]+>", "", as_text(tweet.get("source")))
        return ExtractedPost(
            platform_id=platform_id(PLATFORM, post_id),
            post_id=post_id,
            record=data,
            sha256=sha256_of(data),
            account=handle,
            display_name=account.get("displayName", ""),
            account_id=account.get("accountId", ""),
            published_at=published,
            text=text,
            original_text=raw,
            language=language_of(tweet.get("lang"), text),
            url=status_url(handle, post_id),
            member=part,
            locator=f"record {number}",
            hashtags=unique(as_text(h.get("text")) for h in dicts(entities.get("hashtags"))),
            mentions=unique(
                as_text(m.get("screen_name")) for m in dicts(entities.get("user_mentions"))
            ),
            links=tuple((s, e) for s, e in links.items() if s not in media_links),
            counts=counts_from(tweet, _COUNTS),
            reply_to_id=platform_id(PLATFORM, reply) if reply.isdigit() else "",
            reply_to_account=as_text(tweet.get("in_reply_to_screen_name")),
            quote_of_id=platform_id(PLATFORM, quote) if quote.isdigit() else "",
            retweet_of_account=retweet_of,
            is_retweet=bool(retweet_of),
            is_deleted=deleted,
            deleted_at=deleted_at,
            media=media,
            warnings=tuple(notes),
            extra=post_extra(tweet, media_specs, edits, source_app),
            withheld=Withheld.from_source(tweet),
            edit_ids=version_ids(PLATFORM, edits),
            initial_id=platform_id(PLATFORM, initial) if initial.isdigit() else "",
        )

    def _media(
        self, post_id: str, spec: Mapping[str, Any], media_dirs: list[str], notes: list[str]
    ) -> MediaRef:
        kind = as_text(spec.get("type")) or "photo"
        url = as_text(spec.get("media_url_https") or spec.get("media_url"))
        names = [_basename(url)]
        if kind != "photo":
            variants = dicts(as_dict(spec.get("video_info")).get("variants"))
            best = sorted(variants, key=lambda v: -(_int(v.get("bitrate")) or 0))
            names = [_basename(as_text(v.get("url"))) for v in best] + names
        member = ""
        for directory in media_dirs:
            for name in names:
                if name and self._exists(f"{directory}/{post_id}-{name}"):
                    member = f"{directory}/{post_id}-{name}"
                    break
            if member:
                break
        expected = f"{post_id}-{names[0]}" if names and names[0] else f"{post_id}-…"
        if not member:
            notes.append(
                f"its {media_noun(kind)} ‘{expected}’ is not in the archive "
                f"({' or '.join(media_dirs[:2])}); only its description was imported"
            )
        return MediaRef(
            key=as_text(spec.get("id_str") or spec.get("id")),
            type=kind,
            url=url,
            alt_text=as_text(spec.get("ext_alt_text")),
            member=member,
        )

    def _stage_media(
        self, posts: dict[str, ExtractedPost]
    ) -> tuple[list[StagedMedia], dict[str, ExtractedPost]]:
        """Copy each picture the posts show to the staging area (once each)."""
        staged: dict[str, StagedMedia] = {}
        failed: dict[str, str] = {}
        for pid, post in posts.items():
            notes = list(post.warnings)
            kept = []
            for ref in post.media:
                if ref.member and ref.member not in staged and ref.member not in failed:
                    try:
                        copy = self.source.stage(
                            self._name(ref.member), self.ctx.staging, media_limit(ref.type)
                        )
                        staged[ref.member] = StagedMedia(
                            ref.member, self.source.location_of(self._name(ref.member)), copy
                        )
                    except MemberProblem as exc:
                        failed[ref.member] = str(exc).removeprefix(self._name(ref.member)).strip()
                if ref.member in failed:
                    notes.append(
                        f"its {media_noun(ref.type)} ‘{PurePosixPath(ref.member).name}’ could not "
                        "be read: "
                        f"{failed[ref.member]}"
                    )
                    ref = replace(ref, member="")
                kept.append(ref)
            if notes != list(post.warnings) or kept != list(post.media):
                posts[pid] = replace(post, media=tuple(kept), warnings=tuple(notes))
        return list(staged.values()), posts

    # -- long posts -------------------------------------------------------------------------
    def _notes(self, parts: list[str]) -> list[_Note]:
        notes = []
        for part in parts:
            records = self._data(part)
            if records is None:
                continue
            if not isinstance(records, list):
                self.problems.append(RecordProblem(part, "does not hold a list of notes; skipped"))
                continue
            for number, record in enumerate(records, 1):
                note = record.get("noteTweet") if isinstance(record, dict) else None
                if not isinstance(note, dict):
                    self.problems.append(
                        RecordProblem(f"{part}, record {number}", "is not a note tweet; skipped")
                    )
                    continue
                parsed = _note(note, f"{part}, record {number}")
                if parsed is None:
                    self.problems.append(
                        RecordProblem(f"{part}, record {number}", "has no text; skipped")
                    )
                    continue
                notes.append(parsed)
        return notes

    def _merge_note(self, post: ExtractedPost, notes: list[_Note]) -> ExtractedPost:
        if not notes or post.is_retweet:
            return post
        best: _Note | None = None
        start = _comparable(post.text)[:_NOTE_PREFIX]
        for note in notes:
            if note.used:
                continue
            if note.tweet_id:
                if note.tweet_id == post.post_id:
                    best = note
                    break
                continue
            if not start or not _comparable(note.text).startswith(start):
                continue
            gap = _seconds_between(note.created, post.published_at)
            if gap is not None and gap <= _NOTE_SLACK:
                best = note
                break
        if best is None:
            return post
        best.used = True
        record = json.loads(post.record)
        record["noteTweet"] = best.raw
        data = canonical_json(record)
        text = post_text(best.text, {**dict(post.links), **best.links})
        return replace(
            post,
            record=data,
            sha256=sha256_of(data),
            text=text,
            is_long=True,
            hashtags=unique([*post.hashtags, *best.hashtags]),
            mentions=unique([*post.mentions, *best.mentions]),
            links=tuple({**dict(post.links), **best.links}.items()),
            extra={**post.extra, "note_tweet_id": best.note_id},
        )


# -- helpers ------------------------------------------------------------------------------


def _decode(raw: bytes, member: str, warnings: list[str]) -> str:
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        warnings.append(
            f"{member} has bytes that are not UTF-8 (the first at byte {exc.start}); "
            "they were replaced by �"
        )
        return raw.decode("utf-8", errors="replace")


def _note(note: Mapping[str, Any], where: str) -> _Note | None:
    core = as_dict(note.get("core"))
    results = as_dict(note.get("noteTweetResults"))
    text = as_text(core.get("text") or results.get("text"))
    if not text:
        return None
    links: dict[str, str] = {}
    hashtags: list[str] = []
    mentions: list[str] = []
    if core:
        for url in dicts(core.get("urls")):
            short = as_text(url.get("shortUrl") or url.get("url"))
            expanded = as_text(url.get("expandedUrl") or url.get("expanded_url"))
            if short and expanded:
                links[short] = expanded
        hashtags = [as_text(h.get("text")) for h in dicts(core.get("hashtags"))]
        mentions = [as_text(m.get("screenName")) for m in dicts(core.get("mentions"))]
    entity_set = as_dict(results.get("entitySet"))
    for url in dicts(entity_set.get("urls")):
        short = as_text(url.get("url") or url.get("shortUrl"))
        expanded = as_text(url.get("expanded_url") or url.get("expandedUrl"))
        if short and expanded:
            links[short] = expanded
    hashtags += [as_text(h.get("text")) for h in dicts(entity_set.get("hashtags"))]
    mentions += [
        as_text(m.get("screen_name") or m.get("screenName"))
        for m in dicts(entity_set.get("userMentions") or entity_set.get("user_mentions"))
    ]
    created = iso_time(note.get("createdAt")) or x_time(as_text(note.get("createdAt")))
    return _Note(
        note_id=as_text(note.get("noteTweetId")),
        created=created,
        text=text,
        links=links,
        hashtags=[h for h in hashtags if h],
        mentions=[m for m in mentions if m],
        raw=dict(note),
        tweet_id=as_text(note.get("tweetId")),
        where=where,
    )


_URLISH = re.compile(r"https?://\S+")


def _comparable(text: str) -> str:
    """Text reduced to what a truncated post and its note share: no links, ellipsis or spacing."""
    text = _URLISH.sub(" ", text).replace("…", " ")
    return " ".join(text.split())


def _seconds_between(a: str, b: str) -> float | None:
    if not a or not b:
        return None
    return abs((datetime.fromisoformat(a) - datetime.fromisoformat(b)).total_seconds())


def _part_order(name: str) -> tuple[int, str]:
    found = re.search(r"-part(\d+)\.js$", name)
    return (int(found.group(1)) if found else 0, name)


def _first(value: Any, key: str) -> dict[str, Any] | None:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        inner = value[0].get(key)
        return inner if isinstance(inner, dict) else None
    return None


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _basename(url: str) -> str:
    return PurePosixPath(url.split("?", 1)[0].split("#", 1)[0]).name


def unique_list(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
