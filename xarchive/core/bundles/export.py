"""Exporting a selection of items as a bundle: a BagIt bag, zipped or as a folder.

The bag is written under a temporary name beside the final one (".NAME.partial-…")
and renamed only when complete, so a cancelled or failed export leaves nothing
behind and never a partial file under the name asked for. Each original is
hashed as it is copied: an original that no longer matches its SHA-256 stops
the export (the remedy: verify the archive).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import queue
import shutil
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import FileIO
from pathlib import Path
from typing import IO, Any

from isal import isal_zlib

from ... import __version__
from .. import blobs, signing
from ..annotate import w3c
from ..archive import Archive, utc_now
from ..errors import Remedy, XArchiveError
from ..jobs import CancelToken, Progress, ProgressCallback, no_progress
from ..model import Annotation, Item, ItemTag, Link
from ..store import annotations as annotation_store
from ..store import custody as store_custody
from ..store import items as item_store
from ..store import posts as post_store
from ..wording import human_size
from . import layout, metadata, report
from .selection import Selection

#: What a copy reads at a time, into a buffer it keeps (a fresh `bytes` per read
#: costs as much as hashing it).
CHUNK = 1 << 18
#: ISA-L's deflate level for what a zip deflates: its fastest. Levels 1 and 2 deflate
#: some 12 % smaller, but each stream takes a 370-410 KB state that the C library hands
#: back to the system at every member's end and takes again, zeroed, for the next: 24 000
#: page faults for the bench's 1 000 items, more time than the deflating itself. Level 0's
#: state is 80 KB; it deflates the 18 MB of those items in 0.06 s (zlib's fastest level:
#: 0.28 s, 11 % smaller).
DEFLATE_LEVEL = 0
#: Already compressed: stored in a zip as they are.
_STORED_TYPES = ("image/", "application/pdf", "application/zip", "video/", "audio/")


@dataclass(frozen=True, slots=True)
class ExportOptions:
    zipped: bool = True
    #: False: leave out notes — on items, highlights, regions and links — but keep
    #: the highlights, regions, tags and links themselves (evidence without private notes).
    notes: bool = True
    organization: str | None = None  # None: the archive's setting
    description: str | None = None
    #: Sign the bag with the user's key (core/signing.py), made on the first export.
    sign: bool = True


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: Path
    items: int  # selected
    context: int  # added as context
    annotations: int  # W3C annotations written (notes, highlights, regions, tags, links)
    files: int  # payload files
    bytes: int  # payload bytes
    seconds: float


def default_zipped(out: Path) -> bool:
    """A name ending in .zip makes a zip; anything else a folder."""
    return out.suffix.lower() == ".zip"


def export_bundle(
    archive: Archive,
    selection: Selection,
    out: Path,
    options: ExportOptions | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Write the selection as a bundle at `out`.

    Raises XArchiveError when `out` exists or an original is missing or changed,
    Cancelled when cancelled, OSError when the bundle cannot be written; in every
    case nothing is left at `out` or beside it.
    """
    started = time.monotonic()
    options = options or ExportOptions()
    cancel = cancel or CancelToken()
    out = Path(os.path.abspath(out))
    if out.exists() or out.is_symlink():
        raise XArchiveError(f"{out} already exists; choose another name or remove it first")
    if not out.parent.is_dir():
        raise XArchiveError(f"the folder {out.parent} does not exist")
    conn = archive.db
    roles = {i: "selected" for i in selection.selected}
    roles.update({i: "context" for i in selection.context if i not in roles})
    # Each item's rows are read for all the items at once (a few statements for hundreds
    # of items), not item by item: ten statements an item and a dozen more a post were
    # 14 763 for the bench's 1 003 items (2 010 now, most of them the posts' evidence).
    ids = list(roles)
    by_id = item_store.items_by_id(conn, ids)
    items = [by_id[i] for i in ids]
    names = {
        i.id: layout.item_file_name(i.id, i.title, i.original_name, i.media_type) for i in items
    }
    shas = {i.sha256 for i in items}
    all_annotations = annotation_store.annotations_of_items(conn, ids)
    all_tags = annotation_store.item_tags_of_items(conn, ids)
    all_links = annotation_store.links_of_items(conn, ids, "source")
    annotations: dict[int, list[Annotation]] = {}
    tags: dict[int, list[ItemTag]] = {}
    links: dict[int, list[Link]] = {}
    for item in items:
        found = all_annotations.get(item.id, [])
        links_out = [lk for lk in all_links.get(item.id, ()) if lk.target_sha256 in shas]
        if not options.notes:
            found = [dataclasses.replace(a, note="") for a in found if a.kind != "note"]
            links_out = [dataclasses.replace(lk, note="") for lk in links_out]
        annotations[item.id] = found
        tags[item.id] = all_tags.get(item.id, [])
        links[item.id] = links_out
    jsonld = []
    for item in items:
        jsonld += [w3c.annotation_jsonld(a) for a in annotations[item.id]]
        jsonld += [w3c.tagging_jsonld(t) for t in tags[item.id]]
        jsonld += [w3c.link_jsonld(lk) for lk in links[item.id]]

    now = utc_now()
    organization = (
        options.organization
        if options.organization is not None
        else archive.setting(layout.SETTING_ORGANIZATION)
    )
    description = (
        options.description
        if options.description is not None
        else archive.setting(layout.SETTING_DESCRIPTION)
    )
    bundle_info = {
        "exported_at": now,
        "exported_by": archive.user_name,
        "xarchive_version": __version__,
        "archive": archive.name,
        "selection": selection.description,
        "notes_included": options.notes,
        "source_organization": organization,
        "description": description,
    }
    collection = w3c.collection_jsonld(jsonld, f"Annotations of the bundle from ‘{archive.name}’")

    tmp = out.with_name(f".{out.name}.partial-{uuid.uuid4().hex[:8]}")
    writer = _ZipWriter(tmp, layout.bundle_stem(out.name)) if options.zipped else _FolderWriter(tmp)
    background = _WritingThread(writer, cancel)
    try:
        records = []
        total = len(items) + 3
        posts = [i.id for i in items if i.kind == "post"]
        blobs_dir = archive.blobs_dir
        with post_store.remembering(conn, posts):  # a post's record reads it many times
            rows = metadata.record_rows(conn, items)
            for n, item in enumerate(items):
                cancel.raise_if_cancelled()
                file = f"{layout.ITEMS_DIR}/{names[item.id]}"
                progress(Progress("exporting", n, total, file))
                source = blobs.blob_path(blobs_dir, item.sha256)
                background.copy(file, source, item)
                records.append(metadata.item_record(conn, item, roles[item.id], file, rows))
                _capture_records(archive, records[-1], item, background)
                _capture_file(archive, records[-1], item, background)
        progress(Progress("exporting", len(items), total, layout.ITEMS_JSON))
        document = metadata.items_document(records, bundle_info)
        background.write(layout.ITEMS_JSON, metadata.dumps(document))
        background.write(layout.ANNOTATIONS_JSONLD, metadata.dumps(collection))
        cancel.raise_if_cancelled()
        progress(Progress("exporting", len(items) + 1, total, "report"))
        key = signing.load_key() if options.sign else None
        head = store_custody.head(conn)
        fields = [
            ("Source-Organization", organization),
            ("External-Description", description),
            ("Bagging-Date", now[:10]),
            ("Bag-Software-Agent", f"xarchive {__version__}"),
            ("External-Identifier", f"urn:uuid:{uuid.uuid4()}"),
            # The name set in the archive's properties, not the login it falls back to:
            # a bundle's reader was told its contact was "root".
            ("Contact-Name", archive.setting("user_name")),
            ("X-Xarchive-Archive", archive.name),
            ("X-Xarchive-Selection", selection.description),
            ("X-Xarchive-Exported-At", now),
            (
                "X-Xarchive-Items",
                f"{len(selection.selected)} selected, "
                f"{len(items) - len(selection.selected)} context",
            ),  # fmt: skip
            ("X-Xarchive-Notes", "included" if options.notes else "left out"),
            # The chain of custody's head when the bundle was made: a later copy of the
            # archive whose audit log does not contain this entry was rewritten.
            ("X-Xarchive-Custody-Head", f"{head[0]} {head[1]}" if head else ""),
            ("X-Xarchive-Signer-Key", key.fingerprint if key is not None else ""),
        ]
        backlinks: dict[int, list[Link]] = {}
        for item in items:
            for lk in links[item.id]:
                if lk.target_id is not None:
                    backlinks.setdefault(lk.target_id, []).append(lk)
        report_items = [
            report.ReportItem(
                record, annotations[item.id], tags[item.id], links[item.id],
                backlinks.get(item.id, []),
            )
            for item, record in zip(items, records, strict=True)
        ]  # fmt: skip
        shown = [(k, v) for k, v in fields if v and k not in ("External-Identifier",)]
        title = f"Bundle from ‘{archive.name}’" + (f" — {description}" if description else "")
        info = report.ReportInfo(title, shown, options.notes, report_items)
        for path, page in report.render(info).items():
            background.write(f"{layout.REPORT_DIR}/{path}", page.encode("utf-8"))
        background.finish()
        cancel.raise_if_cancelled()
        progress(Progress("exporting", len(items) + 2, total, "manifests"))
        files, size = len(writer.payload), sum(n for _, n in writer.payload.values())
        fields.insert(3, ("Payload-Oxum", f"{size}.{files}"))
        fields.insert(4, ("Bag-Size", human_size(size)))
        writer.write(
            layout.BAGIT_TXT,
            f"BagIt-Version: {layout.BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n".encode(),
        )
        writer.write(layout.BAG_INFO, layout.bag_info_text(fields).encode("utf-8"))
        manifest = layout.manifest_text((p, sha) for p, (sha, _) in writer.payload.items())
        writer.write(layout.MANIFEST, manifest.encode("utf-8"))
        tag_manifest = layout.manifest_text((p, sha) for p, (sha, _) in writer.tags.items())
        writer.write(layout.TAG_MANIFEST, tag_manifest.encode("utf-8"))
        if key is not None:  # a detached signature over the tag manifest
            signature = signing.signature_text(key, tag_manifest.encode("utf-8"), archive.user_name)
            writer.write(signing.SIGNATURE_FILE, signature.encode("utf-8"))
        writer.close()
        cancel.raise_if_cancelled()
        if out.exists():
            raise XArchiveError(f"{out} appeared while the bundle was written; it was left alone")
        os.rename(tmp, out)
    except BaseException:
        background.stop()
        writer.discard()
        raise
    progress(Progress("exporting", total, total))
    return ExportReport(
        out, len(selection.selected), len(items) - len(selection.selected), len(jsonld),
        files, size, time.monotonic() - started,
    )  # fmt: skip


def _capture_records(
    archive: Archive, record: dict[str, Any], item: Item, background: _WritingThread
) -> None:
    """Put the record each capture of a post read into the bag (data/records/SHA256.json,
    once however many posts share it) and name it in its capture (`record_file`): a
    court checks the bytes of every capture, not only of the first, which is the post's
    own original. A capture imported before captures kept their records has none (null)."""
    post = record.get("post")
    evidence = post.get("evidence") if isinstance(post, dict) else None
    for capture in (evidence or {}).get("captures") or []:
        sha = str(capture.get("record_sha256") or "")
        if sha and sha == item.sha256:
            capture["record_file"] = record["file"]
        elif sha and capture.get("record_kept"):
            path = f"{layout.RECORDS_DIR}/{sha}.json"
            what = f"a capture's record of post #{item.id} ({item.title})"
            background.copy_record(path, blobs.blob_path(archive.blobs_dir, sha), sha, what)
            capture["record_file"] = path
        else:
            capture["record_file"] = None


def _capture_file(
    archive: Archive, record: dict[str, Any], item: Item, background: _WritingThread
) -> None:
    """Put the web capture a page or picture was read from (its WARC or WACZ, byte for
    byte, once however many of its items are in the bundle) into the bag, and name it in
    the item's record (`capture_file`): a court can replay or check the capture itself."""
    sha = str((item.extra or {}).get("capture_sha256") or "")
    box = post_store.container_by_sha(archive.db, sha) if sha else None
    if box is None:
        return
    path = f"{layout.CAPTURES_DIR}/{layout.capture_file_name(box.name, sha)}"
    what = f"the web capture {box.name} of #{item.id} ({item.title})"
    stored = box.name.lower().endswith((".gz", ".wacz", ".zip"))  # compressed already
    background.copy_record(path, blobs.blob_path(archive.blobs_dir, sha), sha, what, stored)
    record["capture_file"] = {"file": path, "name": box.name, "sha256": sha, "size": box.size,
                              "kind": box.kind}  # fmt: skip


def _stored(media_type: str) -> bool:
    return media_type.startswith(_STORED_TYPES)


class _WritingThread:
    """Writes the bag's payload on a thread of its own, in the order given, while the
    job's thread reads the database and renders items.json and the report.

    Writing is mostly deflating and hashing, which release the GIL, and the rest is
    Python holding it: on two cores they overlap. Tasks are handed over `BATCH` at a
    time (each hand-over wakes the other thread, and waits for the GIL: two thousand
    of them for a thousand items, each one's original and report page), and the queue
    is short, so that the job's progress (items handed over) stays within a few hundred
    files of what is written. SQLite stays on the job's thread. The first failure (an
    original missing or changed, a full disk, a cancel) is raised on the job's thread
    at a later hand-over.
    """

    #: Tasks handed over at a time.
    BATCH = 32

    def __init__(self, writer: _Writer, cancel: CancelToken) -> None:
        self._writer = writer
        self._cancel = cancel
        self._tasks: queue.Queue[list[Callable[[], object]] | None] = queue.Queue(maxsize=8)
        self._batch: list[Callable[[], object]] = []
        self._failure: BaseException | None = None
        self._stopping = False
        self._records: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="bundle-writer", daemon=True)
        self._thread.start()

    def copy(self, path: str, source: Path, item: Item) -> None:
        """Copy an original into the bag, checking that it still has its SHA-256."""
        self._put(lambda: self._copy(path, source, item))

    def copy_record(
        self, path: str, source: Path, sha: str, what: str, stored: bool = False
    ) -> None:
        """Copy a file the items were read from (`what`: a capture's record of a post, a
        web capture) into the bag, once per path, checking that it still has its SHA-256."""
        if path not in self._records:
            self._records.add(path)
            self._put(lambda: self._copy_record(path, source, sha, what, stored))

    def write(self, path: str, data: bytes) -> None:
        self._put(lambda: self._writer.write(path, data))

    def finish(self) -> None:
        """Wait until everything handed over is written; raise the first failure."""
        self._hand_over()
        self._tasks.put(None)
        self._thread.join()
        if self._failure is not None:
            raise self._failure

    def stop(self) -> None:
        """Drop what is not written yet and wait for the thread (idempotent)."""
        self._stopping = True
        self._batch = []
        if self._thread.is_alive():
            self._tasks.put(None)
            self._thread.join()

    def _put(self, task: Callable[[], object]) -> None:
        if self._failure is not None:
            raise self._failure
        self._batch.append(task)
        if len(self._batch) >= self.BATCH:
            self._hand_over()

    def _hand_over(self) -> None:
        if self._batch:
            self._tasks.put(self._batch)
            self._batch = []

    def _run(self) -> None:
        # Takes every task, even after a failure, so that a hand-over never waits forever.
        while (batch := self._tasks.get()) is not None:
            for task in batch:
                if self._failure is not None or self._stopping:
                    break
                try:
                    task()
                except BaseException as exc:
                    self._failure = exc

    def _copy(self, path: str, source: Path, item: Item) -> None:
        src = _opened(source)
        if src is None:
            raise XArchiveError(
                f"the original of #{item.id} ({item.original_name}) is missing from the archive",
                remedy=Remedy.VERIFY,
            )
        with src:
            sha = self._writer.copy(path, src, self._cancel, _stored(item.media_type))
        if sha != item.sha256:
            raise XArchiveError(
                f"the original of #{item.id} ({item.original_name}) has changed since it "
                "was imported",
                remedy=Remedy.VERIFY,
            )

    def _copy_record(self, path: str, source: Path, sha: str, what: str, stored: bool) -> None:
        src = _opened(source)
        if src is None:
            raise XArchiveError(f"{what} is missing from the archive", remedy=Remedy.VERIFY)
        with src:
            if self._writer.copy(path, src, self._cancel, stored) != sha:
                raise XArchiveError(
                    f"{what} has changed since it was imported", remedy=Remedy.VERIFY
                )


def _opened(source: Path) -> FileIO | None:
    """The blob at `source` opened to be read, None if there is no file there (opened
    without a `stat` first: one call less for each of thousands of small files)."""
    try:
        return open(source, "rb", buffering=0)  # closed by the caller
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


class _Writer:
    """Writes the files of a bag, remembering each one's SHA-256 and size."""

    def __init__(self) -> None:
        self.payload: dict[str, tuple[str, int]] = {}
        self.tags: dict[str, tuple[str, int]] = {}
        self._buffer = bytearray(CHUNK)

    def _record(self, path: str, sha: str, size: int) -> None:
        (self.payload if path.startswith("data/") else self.tags)[path] = (sha, size)

    def _open(self, path: str, stored: bool) -> IO[bytes]:
        raise NotImplementedError

    def copy(self, path: str, src: FileIO, cancel: CancelToken, stored: bool) -> str:
        """Copy the open file `src` into the bag at `path`; its SHA-256."""
        digest = hashlib.sha256()
        size = 0
        buffer = self._buffer
        view = memoryview(buffer)
        with self._open(path, stored) as dst:
            while count := src.readinto(buffer):
                cancel.raise_if_cancelled()
                chunk = view[:count]
                digest.update(chunk)
                dst.write(chunk)
                size += count
        sha = digest.hexdigest()
        self._record(path, sha, size)
        return sha

    def write(self, path: str, data: bytes) -> None:
        """Write a file the export made (metadata, the report)."""
        with self._open(path, False) as dst:
            dst.write(data)
        self._record(path, hashlib.sha256(data).hexdigest(), len(data))

    def close(self) -> None:
        """Finish writing (the bag is complete under its temporary name)."""

    def discard(self) -> None:
        """Remove everything written."""


class _FolderWriter(_Writer):
    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        root.mkdir()

    def _open(self, path: str, stored: bool) -> IO[bytes]:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.open("xb")

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class _ZipWriter(_Writer):
    def __init__(self, path: Path, top: str) -> None:
        super().__init__()
        self.path = path
        self.top = (layout.slug(top) or "bundle") + "/"
        self.zip = zipfile.ZipFile(path, "x", allowZip64=True)
        self.stamp = datetime.now(UTC).timetuple()[:6]

    def _open(self, path: str, stored: bool) -> IO[bytes]:
        info = zipfile.ZipInfo(self.top + path, date_time=self.stamp)
        info.external_attr = 0o644 << 16
        # Opened as stored, whatever it will be: zipfile makes the compressor of the entry
        # from its method as it opens it, and a zlib stream takes 0.1 ms to set up (256 KB
        # zeroed), more than ISA-L deflating most of a bundle's files, two thousand of them
        # for a thousand items (their originals and report pages).
        dst = self.zip.open(info, "w", force_zip64=True)
        if not stored and getattr(dst, "_compressor", False) is None:
            # Deflated by ISA-L rather than zlib: the stream is the same standard deflate
            # that zipfile (and every unzip) reads back, made in a fifth of the time —
            # deflating the originals' texts, items.json and the report (the texts once
            # more each) was as much work as the whole of `zip -r` of the originals.
            # zipfile has no door for another compressor: it feeds the one it made
            # (`_compressor`, the same since Python 3.3; were it renamed, the entry would
            # stay stored, as correct) and, as it closes the entry, writes its method,
            # sizes and CRC over the local header (the test compares the two headers).
            info.compress_type = zipfile.ZIP_DEFLATED
            compressor = isal_zlib.compressobj(DEFLATE_LEVEL, isal_zlib.DEFLATED, -15)
            dst._compressor = compressor  # type: ignore[attr-defined]
        return dst

    def close(self) -> None:
        self.zip.close()
        with self.path.open("rb") as f:
            os.fsync(f.fileno())

    def discard(self) -> None:
        with contextlib.suppress(Exception):  # already broken: the file goes anyway
            self.zip.close()
        self.path.unlink(missing_ok=True)


def export_ids(values: Sequence[str]) -> list[int]:
    """Item ids from "1,2, 7" (the CLI's --ids); ValueError naming a bad one."""
    ids = []
    for value in values:
        for part in value.replace(" ", ",").split(","):
            if part.strip():
                text = part.strip().removeprefix("#")
                if not text.isdigit():
                    raise ValueError(f"‘{part.strip()}’ is not an item id")
                ids.append(int(text))
    return ids
