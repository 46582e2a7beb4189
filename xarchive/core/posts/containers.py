"""A container's posts into the archive: the commit of what a container importer read.

The import (ingest/) reads a container in a worker (`extract_many`), sends its
pictures through extraction like files, and once they are stored calls `commit_container`
inside its batch's transaction: the container's row and provenance, the posts new
to the archive (each with its record stored as a blob first, `store_records`), a
source row for each post that was there already, the pictures attached to their
posts, the links between replies and what they answer, and what the platform
said of them (evidence.py). `as_post_picture` and `as_contained` give a picture
or a captured page the date, author and title its container gives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..archive import iso_from_ns
from ..blobs import store_many
from ..importers.post_text import title_of
from ..model import (
    RECORD_MEDIA_TYPE,
    VIDEO_TYPES,
    Contained,
    Extracted,
    ExtractedContainer,
    ExtractedPost,
    NewContainer,
    NewItem,
)
from ..store import items as item_store
from ..store import posts as post_store
from ..wording import media_noun
from . import evidence
from .threads import link_items, link_post

if TYPE_CHECKING:
    import sqlite3


@dataclass(slots=True)
class Container:
    """A container read by its importer, waiting for its pictures, then for its commit."""

    #: the file (or folder) as the scan found it: where, below which folder given, its
    #: size and time (its file state, to skip it next time unchanged)
    path: Path
    root: Path
    file_size: int
    mtime_ns: int
    sha256: str  # of the container file, or of a folder's listing
    size: int
    found: ExtractedContainer
    #: member → image item, for each picture stored (new or already in the archive)
    media_ids: dict[str, int] = field(default_factory=dict)
    #: member → SHA-256 of pictures being extracted for another file of this import
    elsewhere: dict[str, str] = field(default_factory=dict)
    #: pictures that were in the archive already: their new provenance is recorded
    existing_media: set[str] = field(default_factory=set)
    failed_media: dict[str, str] = field(default_factory=dict)
    waiting: int = 0  # pictures still being extracted
    records_stored: bool = False
    #: member → (the first post showing the picture, its position there, pictures in that post)
    shown_by: dict[str, tuple[ExtractedPost, int, int]] = field(default_factory=dict)
    #: member → what the container says of a file that is an item of its own
    about: dict[str, Contained] = field(default_factory=dict)
    failed_posts: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Imported:
    """A post new to the archive, as the import's report names it."""

    location: str
    item_id: int
    title: str
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Committed:
    """What committing a container gave: its new posts and the items to index again."""

    container: Container
    imported: list[Imported]
    #: e.g. "52 posts: 50 new, 2 already in the archive; 7 pictures: 7 new"
    summary: str
    new_ids: list[int]
    changed_ids: set[int]


def store_records(box: Container, staging: Path, blobs_dir: Path) -> None:
    """Store the record of each post as its blob: a new post's original, or a later
    capture of one already in the archive (kept to compare, evidence.py). Before the
    transaction whose rows name them."""
    if box.records_stored:
        return
    store_many([post.record for post in box.found.posts], staging, blobs_dir)
    box.records_stored = True


def commit_container(conn: sqlite3.Connection, box: Container, run: int, now: str) -> Committed:
    """Write a container, its new posts and their pictures (inside the caller's transaction),
    for import run `run`."""
    found = box.found
    root = str(box.root)
    container_id = post_store.insert_container(
        conn,
        NewContainer(
            sha256=box.sha256, kind=found.kind, name=box.path.name, size=box.size,
            media_type=found.media_type, title=found.title, captured_at=found.captured_at,
            import_run_id=run, imported_at=now, extra=found.extra,
        ),
    )  # fmt: skip
    post_store.add_container_source(conn, container_id, run, str(box.path), root, now)
    part_ids: dict[str, int] = {}
    part_paths: dict[str, str] = {}
    for part in found.parts:
        part_id = post_store.insert_container(
            conn,
            NewContainer(
                sha256=part.sha256, kind="x-archive-file", name=Path(part.location).name,
                size=part.size, media_type="text/javascript",
                title=f"{part.member} of the {found.title}", captured_at=found.captured_at,
                import_run_id=run, imported_at=now, parent_id=container_id,
                member=part.member,
            ),
        )  # fmt: skip
        post_store.add_container_source(conn, part_id, run, part.location, root, now)
        part_ids[part.member] = part_id
        part_paths[part.member] = part.location
    post_store.set_container_file_state(
        conn, str(box.path), box.file_size, box.mtime_ns, box.sha256
    )
    for member, sha in box.elsewhere.items():
        item_id = item_store.item_by_sha(conn, sha)
        if item_id is None:
            box.failed_media[member] = "it could not be imported (see the failed files)"
        else:
            box.media_ids[member] = item_id
            box.existing_media.add(member)
    locations = {m.member: m.location for m in found.media}
    for member in sorted(box.existing_media):
        item_store.add_source(conn, box.media_ids[member], run, locations[member], root, now)
    captured = found.captured_at
    captured_source = ""
    if not captured:
        captured = iso_from_ns(box.mtime_ns)
        captured_source = "modification time of the container"
    imported: list[Imported] = []
    new_ids: list[int] = []
    changed: set[int] = set(box.media_ids.values())
    already = 0
    for post in sorted(found.posts, key=lambda p: (p.published_at, p.post_id)):
        media = [(ref, box.media_ids.get(ref.member) if ref.member else None)
                 for ref in post.media]  # fmt: skip
        notes = list(post.warnings) + [
            f"its {media_noun(ref.type)} ‘{Path(ref.member).name}’ could not be imported: "
            f"{box.failed_media[ref.member]}"
            for ref in post.media
            if ref.member in box.failed_media
        ]
        source_id = part_ids.get(post.member, container_id)
        seen_at = post.captured_at or captured
        existing = post_store.post_item_id(conn, post.platform_id)
        same_bytes = item_store.item_by_sha(conn, post.sha256) if existing is None else None
        if same_bytes is not None:  # its record was imported as a file of its own
            box.failed_posts.append(
                f"post {post.post_id} ({post.member or 'line'} {post.locator}) was not "
                f"imported: its record is already item #{same_bytes}"
            )
            continue
        if existing is not None:
            already += 1
            post_store.add_post_source(conn, existing, source_id, post, run, now, seen_at)
            if post_store.merge_seen_again(conn, existing, post, seen_at):
                changed.add(existing)
            if post_store.set_media(conn, existing, media):
                changed.add(existing)
            continue
        if post.member in part_paths:
            location = part_paths[post.member]
        elif post.member:
            location = f"{box.path}/{post.member}"
        else:
            location = str(box.path)
        extra: dict[str, Any] = {
            "platform_id": post.platform_id,
            "account": f"@{post.account}" if post.account else "",
            "container": found.title,
            "locator": f"{post.member}, {post.locator}" if post.member else post.locator,
            **post.extra,
        }
        if post.reply_to_id:
            extra["in_reply_to"] = (
                f"@{post.reply_to_account}" if post.reply_to_account else post.reply_to_id
            )
        if captured_source and not post.captured_at:
            extra["captured_at_source"] = captured_source
        platform = post.platform_id.partition(":")[0]
        item_id = item_store.insert_item(
            conn,
            NewItem(
                sha256=post.sha256, kind="post", title=title_of(post.account, post.text),
                original_name=f"{platform}-post-{post.post_id}.json",
                original_path=location, size=len(post.record),
                media_type=RECORD_MEDIA_TYPE, language=post.language,
                published_at=post.published_at, captured_at=seen_at, imported_at=now,
                author=post.display_name or (f"@{post.account}" if post.account else ""),
                source_url=post.url, import_run_id=run, source_root=root,
                ocr_status="none", pages=(post.text,), ocr_pages=(),
                warnings=tuple(notes), extra=extra,
            ),
        )  # fmt: skip
        post_store.insert_post(conn, item_id, post, seen_at)
        post_store.add_post_source(conn, item_id, source_id, post, run, now, seen_at)
        post_store.set_media(conn, item_id, media)
        item_store.add_source(conn, item_id, run, location, root, now)
        new_ids.append(item_id)
        title = title_of(post.account, post.text)
        imported.append(Imported(f"{location} ({post.locator})", item_id, title, tuple(notes)))
    for item_id in new_ids:
        link_post(conn, item_id, now)
    # versions, accounts, compliance events (posts/evidence.py)
    changed |= evidence.record_container(conn, found, container_id, part_ids, run, now)
    for member, about in box.about.items():  # a captured picture → its page, and the like
        piece = box.media_ids.get(member)
        whole = box.media_ids.get(about.part_of) if about.part_of else None
        if piece is not None and whole is not None:
            link_items(conn, piece, about.relation, whole, now)
    summary = _container_summary(found, len(new_ids), already, box)
    return Committed(box, imported, summary, new_ids, changed)


def _container_summary(found: ExtractedContainer, new: int, already: int, box: Container) -> str:
    """E.g. "52 posts: 50 new, 2 already in the archive; 7 pictures: 7 new"."""
    if box.about and not found.posts:
        return _contained_summary(found, box)
    posts = len(found.posts)
    if posts or not (found.holds or found.accounts or found.events):
        text = _tally(posts, "post", new, already)
    else:
        text = found.holds or ""
    text = "; ".join(t for t in (text, *evidence.summary(found)) if t)
    kinds = {m.member: _media_kind(box, m.member) for m in found.media}
    for kind in ("picture", "video"):  # "6 pictures: 6 new; 1 video: 1 new"
        members = {member for member, k in kinds.items() if k == kind}
        if not members:
            continue
        old = len(members & box.existing_media)
        failed = len(members & box.failed_media.keys())
        text += "; " + _tally(len(members), kind, len(members) - old - failed, old, failed)
    return text + _unread(found)


def _tally(count: int, noun: str, new: int, old: int, failed: int = 0) -> str:
    """E.g. "7 pictures: 5 new, 1 already in the archive, 1 could not be imported"."""
    text = f"{count} {noun}{'s' if count != 1 else ''}: {new} new"
    if old:
        text += f", {old} already in the archive"
    if failed:
        text += f", {failed} could not be imported"
    return text


def _unread(found: ExtractedContainer) -> str:
    """What was not read, to end a summary: "; 2 parts could not be read (see the
    failures)", or "" when every part was read."""
    count = len(found.problems)
    if not count:
        return ""
    return f"; {count} part{'s' if count != 1 else ''} could not be read (see the failures)"


def _media_kind(box: Container, member: str) -> str:
    """ "video" for a post's video or animated GIF, else "picture" (as its post says)."""
    shown = box.shown_by.get(member)
    if shown is None:
        return "picture"
    post, position, _count = shown
    kind = post.media[position - 1].type if position <= len(post.media) else ""
    return "video" if kind in VIDEO_TYPES else "picture"


def _contained_summary(found: ExtractedContainer, box: Container) -> str:
    """E.g. "12 items: 10 new, 2 already in the archive" (pages of a capture, messages)."""
    count, old, failed = len(found.media), len(box.existing_media), len(box.failed_media)
    return _tally(count, "item", count - old - failed, old, failed) + _unread(found)


def as_contained(extracted: Extracted, about: Contained, box: Container) -> Extracted:
    """A file of a container that is an item of its own, as the container describes it:
    a captured page has the address and time of its record, whatever the page says."""
    extra = {
        **extracted.extra,
        **about.extra,
        "container": box.found.title,
        "locator": about.locator,
    }
    for name in ("source_url", "captured_at", "published_at"):
        found = getattr(extracted, name)
        if found and getattr(about, name) and found != getattr(about, name):
            extra[f"{name}_in_file"] = found  # what the page itself says, kept beside
    return replace(
        extracted,
        title=about.title or extracted.title,
        source_url=about.source_url or extracted.source_url,
        captured_at=about.captured_at or extracted.captured_at or box.found.captured_at,
        published_at=about.published_at or extracted.published_at,
        author=about.author or extracted.author,
        warnings=(*extracted.warnings, *about.warnings),
        extra=extra,
    )


def as_post_picture(extracted: Extracted, box: Container, member: str) -> Extracted:
    """A picture of a post: dated, authored and titled by the (first) post that shows it."""
    if member not in box.shown_by:
        return extracted
    post, position, count = box.shown_by[member]
    found = box.found
    who = f"@{post.account}" if post.account else "an account"
    what = media_noun(post.media[position - 1].type if position <= len(post.media) else "")
    if extracted.kind == "image":  # a video's still, when the archive has no more of it
        what = "picture"
    title = f"{what[0].upper()}{what[1:]} from {who}’s post of "
    title += post.published_at[:10] or "unknown date"
    if count > 1:
        title += f" ({position} of {count})"
    extra = {**extracted.extra, "in_post": post.platform_id}
    if post.extra.get("possibly_sensitive"):  # blurred until revealed (importers/post_media.py)
        extra["possibly_sensitive"] = True
    captured = extracted.captured_at or post.captured_at or found.captured_at
    return replace(
        extracted,
        title=title,
        published_at=extracted.published_at or post.published_at,
        captured_at=captured,
        author=extracted.author or post.display_name or who,
        source_url=extracted.source_url or post.url,
        extra=extra,
    )
