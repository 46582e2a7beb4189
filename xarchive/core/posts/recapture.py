"""Captures imported before schema 9, read again from the containers the archive keeps.

Before schema 9 a post read again — from a later twarc2 run, another X archive, an X
archive and a twarc2 file — kept only its record's hash: neither the record nor what it
said. Importing the file again does not help (it is skipped as read before), and the
file may be gone. But the container is an original the archive holds (a twarc2 file or
an X archive zip as its blob; an unpacked X archive as its data files and their
listing), so its importer reads the stored bytes as it read the file then. Each capture
whose record hashes as it did then gets that record stored and what it said; the
container's versions, accounts and events are recorded as its import records them now.
A capture whose record reads differently now stays unknown: what it said then cannot be
shown from the archive. `posts/evidence.py` `backfill` calls this when the index is
rebuilt (which the new index format of schema 9 asked for).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import blobs
from ..archive import Archive
from ..blobs import store_many
from ..errors import UnreadableFile, XArchiveError
from ..importers.base import ContainerContext, ExtractContext
from ..model import ExtractedContainer, UnknownCapture
from ..store import evidence as store
from ..store import posts as post_store
from .evidence import record_container

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

#: The containers whose importer can read their stored bytes again, by kind.
_READABLE = ("twarc2", "x-archive", "x-archive-folder", "x-archive-file")


@dataclass(frozen=True, slots=True)
class _Read:
    """A container read again: what its importer found, and the container id of each of
    its data files (an unpacked X archive's parts; its own id otherwise)."""

    found: ExtractedContainer
    container_id: int
    member_ids: dict[str, int]
    run_id: int  # the import run that read it first


def read_again(archive: Archive) -> int:
    """Fill in each capture without a state whose container the archive can read again;
    return how many were filled. Nothing to read: 0, after one query. The archive must be
    writable; a container that cannot be read is logged and its captures left unknown."""
    conn = archive.db
    unknown = store.unknown_captures(conn, _READABLE)
    if not unknown:
        return 0
    by_whole: dict[int, list[UnknownCapture]] = {}
    for capture in unknown:  # an unpacked archive is read whole, for all its data files
        by_whole.setdefault(capture.parent_id or capture.container_id, []).append(capture)
    staging = blobs.staging_dir(archive.blobs_dir) / f"recapture-{uuid.uuid4().hex}"
    filled = 0
    try:
        for whole, captures in sorted(by_whole.items()):
            try:
                read = _read(archive, conn, whole, staging)
            except (OSError, ValueError, KeyError, TypeError, XArchiveError) as exc:
                log.warning("container #%d could not be read again: %s", whole, exc)
                continue
            finally:
                blobs.clear_staging(staging)
            filled += _fill(archive, read, captures, staging)
    finally:
        blobs.clear_staging(staging)
    return filled


def _read(archive: Archive, conn: sqlite3.Connection, container_id: int, staging: Path) -> _Read:
    """The container read by its importer from the archive's copy, in a folder of
    `staging` (its pictures copied there too, for the caller to clear)."""
    # Loaded here: the importers are no business of a search or an export.
    from ..importers import twarc, x_archive

    box = post_store.get_container(conn, container_id)
    if box.kind not in ("twarc2", "x-archive", "x-archive-folder"):
        raise UnreadableFile(f"a container of kind {box.kind} is read with its archive")
    view = staging / uuid.uuid4().hex
    view.mkdir(parents=True)
    member_ids: dict[str, int] = {}
    if box.kind == "x-archive-folder":
        listing = json.loads(blobs.blob_path(archive.blobs_dir, box.sha256).read_bytes())
        path = view / (Path(str(listing.get("folder") or box.name)).name or "archive")
        for entry in listing.get("files") or []:
            member = str(entry["path"])
            if member.startswith("data/") and member.endswith(".js") and ".." not in member:
                _place(blobs.blob_path(archive.blobs_dir, str(entry["sha256"])), path / member)
        member_ids = post_store.part_ids(conn, box.id)
    else:
        path = view / (Path(box.name).name or "container")
        path.symlink_to(blobs.blob_path(archive.blobs_dir, box.sha256))
    importer = twarc if box.kind == "twarc2" else x_archive
    # What the importer stores as it reads (an unpacked archive's data files and listing,
    # here with another folder's name) goes to a scratch folder: reading again adds
    # nothing to the archive but the records it matched (`_fill`).
    ctx = ContainerContext(
        ExtractContext(box.sha256, archive.derived_dir, ocr=False), view / "pictures",
        view / "blobs", str(path),
    )  # fmt: skip
    return _Read(importer.extract_many(path, ctx), box.id, member_ids, box.import_run_id)


def _place(blob: Path, target: Path) -> None:
    """A stored data file where the folder had it: a hard link to the blob, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(blob, target)
    except OSError:
        shutil.copyfile(blob, target)


def _fill(archive: Archive, read: _Read, captures: list[UnknownCapture], staging: Path) -> int:
    """Give each capture whose record the container holds again, byte for byte, its
    record and state; record what the container says besides. Returns how many."""
    conn = archive.db
    held = store.post_item_ids(conn, [p.platform_id for p in read.found.posts])
    wanted = {(c.item_id, c.container_id, c.member, c.locator): c for c in captures}
    matched = []
    for post in read.found.posts:
        item_id = held.get(post.platform_id)
        box = read.member_ids.get(post.member, read.container_id)
        capture = wanted.get((item_id or 0, box, post.member, post.locator))
        if capture is not None and capture.record_sha256 == post.sha256:
            matched.append((capture, post))
    if len(matched) < len(captures):
        log.info("container #%d read again: %d of %d captures hold the record they read "
                 "then", read.container_id, len(matched), len(captures))  # fmt: skip
    if not matched:
        return 0
    store_many([post.record for _, post in matched], staging, archive.blobs_dir)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with archive.transaction():
        for capture, post in matched:
            store.set_capture_state(conn, capture.id, post.state(), post.captured_at)
        record_container(conn, read.found, read.container_id, read.member_ids, read.run_id, now)
        archive.audit("evidence-recapture", container=read.container_id, captures=len(matched))
    return len(matched)
