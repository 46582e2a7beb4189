"""Importing a bundle: verify it, check what it says, then merge it into an archive.

Nothing is written to the archive until the whole bundle has passed: its entries
(reader.py: no `..`, absolute paths, links, devices, zip bombs), every checksum
and the Payload-Oxum (check.py), items.json (metadata.py) and the W3C JSON-LD of
its annotations. Then, in one import run:

- each original is copied from the bundle (hashed again as it is copied) into
  the archive's blobs; items already in the archive (same SHA-256) are not
  duplicated but gain provenance;
- new items get their metadata and pages of text from items.json (no
  re-extraction, no OCR), and posts their post record; every capture of a post
  (its record, date and what it said) is kept, as read from the bundle;
- provenance: rows of the run for the bundle entry itself
  (``<bundle>!/data/items/…``) and for each place the exporting archive had
  recorded, with its original time; the audit log says who exported it, when
  and from which archive;
- the web captures its pages and pictures were read from (data/captures/: a WARC
  or WACZ, byte for byte) are stored as they were in the exporting archive, so that
  a page is shown as captured, with its own pictures and styles, here too;
- annotations, tags and links are merged by their ids (those already present are
  left as they are); then the new items are indexed and their thumbnails and
  readable copies rebuilt.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import __version__
from .. import blobs
from ..annotate import Annotations, on_items_imported, w3c
from ..annotate.service import clean_colour, clean_relation, clean_tag_name
from ..archive import Archive, utc_now
from ..errors import Cancelled, IndexUnavailable, InvalidAnnotation, UnreadableFile, XArchiveError
from ..importers.base import ContainerContext, ExtractContext
from ..index.api import SearchEngine
from ..indexing import catch_up
from ..jobs import CancelToken, Progress, ProgressCallback, no_progress
from ..model import (
    ExtractedContainer,
    ExtractedPost,
    MediaRef,
    NewContainer,
    NewItem,
    PostFields,
    field_names,
)
from ..posts import evidence
from ..store import items as item_store
from ..store import posts as post_store
from ..store import runs
from .check import BundleCheck, verify_bag
from .errors import BundleRejected
from .layout import ANNOTATIONS_JSONLD, CAPTURES_DIR, ITEMS_JSON, info_value
from .metadata import BundledItem, BundledItems, parse_items
from .reader import Bag, Limits, open_bag

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BundleImportReport:
    bundle: str
    run_id: int = 0
    added: list[int] = field(default_factory=list)  # new items
    merged: list[int] = field(default_factory=list)  # already here: provenance added
    annotations: int = 0  # annotations, tags and links new to the archive
    exported_by: str = ""
    exported_at: str = ""
    source_archive: str = ""
    unindexed: bool = False  # the index could not be written: `xarchive reindex`
    #: "signed by … (key …); the signature holds", or "unsigned (…)"
    signature: str = ""
    #: A bag of another tool (no items.json): its payload was imported as files.
    foreign: bool = False
    failed: list[str] = field(default_factory=list)  # its files that could not be imported
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class _Checked:
    check: BundleCheck
    items: BundledItems
    annotations: list[Mapping[str, Any]]


def check_bundle(
    bag: Bag,
    limits: Limits,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> _Checked:
    """Everything an import checks before it writes; raises BundleRejected with every reason."""
    check = verify_bag(bag, progress, cancel)
    if not check.ok:
        raise BundleRejected(bag.name, ["it failed verification", *check.problems()])
    if ITEMS_JSON not in bag.files:
        raise BundleRejected(bag.name, [f"it has no {ITEMS_JSON}: it is not an xarchive bundle"])
    items = parse_items(bag.read(ITEMS_JSON, limits.max_json_bytes), bag.name)
    manifest = check.sha256  # whichever algorithms the bag's manifests use
    problems = []
    for item in items.items:
        if item.file not in manifest:
            problems.append(f"{ITEMS_JSON}: item #{item.source_id} names {item.file}, "
                            "which is not in the bundle")  # fmt: skip
        elif manifest[item.file] != item.sha256:
            problems.append(f"{item.file} does not hold item #{item.source_id}: its SHA-256 is "
                            f"{manifest[item.file]}, items.json says {item.sha256}")  # fmt: skip
        for capture in _captures(item):  # each capture's record, as the manifest has it
            file = capture["record_file"]
            if file and manifest.get(file) != capture["record_sha256"]:
                problems.append(f"{ITEMS_JSON}: a capture of item #{item.source_id} names "
                                f"{file}, which does not hold its record "
                                f"{capture['record_sha256']}")  # fmt: skip
    if problems:
        raise BundleRejected(bag.name, problems)
    annotations: list[Mapping[str, Any]] = []
    if ANNOTATIONS_JSONLD in bag.files:
        annotations = _annotations(bag, limits)
    return _Checked(check, items, annotations)


def _annotations(bag: Bag, limits: Limits) -> list[Mapping[str, Any]]:
    where = ANNOTATIONS_JSONLD
    try:
        document = json.loads(bag.read(where, limits.max_json_bytes).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BundleRejected(bag.name, [f"{where} is not valid JSON ({exc})"]) from exc
    if not isinstance(document, dict) or document.get("type") not in (
        "AnnotationCollection", "AnnotationPage", "Annotation",
    ):  # fmt: skip
        raise BundleRejected(bag.name, [f"{where} is not a W3C annotation collection"])
    try:
        for entry in w3c.parse_all([document]):
            _check_values(entry)
    except (InvalidAnnotation, ValueError, TypeError, KeyError, RecursionError) as exc:
        raise BundleRejected(bag.name, [f"{where}: {exc}"]) from exc
    return [document]


def _check_values(entry: w3c.Parsed) -> None:
    """What the database would refuse mid-import, refused before anything is written."""
    v = entry.values
    uid = v.get("uid", "")
    if entry.table == "item_tags":
        clean_tag_name(entry.tag)
    elif entry.table == "links":
        clean_relation(str(v.get("relation", "")))
    elif v.get("kind") == "highlight":
        if not (v["page"] >= 1 and v["start_char"] >= 0 and v["end_char"] > v["start_char"]):
            raise InvalidAnnotation(f"the highlight {uid} has an impossible position")
        clean_colour(str(v.get("colour", "")))
    elif v.get("kind") == "region":
        box = [v["x"], v["y"], v["w"], v["h"]]
        if not all(math.isfinite(n) for n in box) or min(box[:2]) < 0 or min(box[2:]) <= 0:
            raise InvalidAnnotation(f"the region {uid} has an impossible box")
    if not v.get("creator") or not v.get("created_at"):
        raise InvalidAnnotation(f"the annotation {uid} has no creator or creation time")


def import_bundle(
    archive: Archive,
    path: Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    limits: Limits | None = None,
) -> BundleImportReport:
    """Verify and import the bundle at `path` (a .zip or a folder) into `archive`.

    Raises BundleRejected (with every reason) before writing anything if the
    bundle is unsafe, fails verification or is malformed; Cancelled if cancelled
    (before the items are committed: nothing of the bundle is kept).
    """
    started = time.monotonic()
    limits = limits or Limits()
    cancel = cancel or CancelToken()
    path = Path(os.path.abspath(path))
    with open_bag(path, limits) as bag:
        if ITEMS_JSON not in bag.files:  # a bag of another tool: its payload, as files
            from .foreign import import_foreign_bag

            done = import_foreign_bag(archive, bag, path, progress, cancel)
            return BundleImportReport(
                path.name, done.run_id, done.added, done.merged,
                exported_by=info_value(done.check.info, "Source-Organization"),
                exported_at=info_value(done.check.info, "Bagging-Date"),
                signature=done.check.signature.describe(), foreign=True, failed=done.failed,
                seconds=time.monotonic() - started,
            )  # fmt: skip
        checked = check_bundle(bag, limits, progress, cancel)
        info = checked.items.bundle
        report = BundleImportReport(
            path.name,
            exported_by=str(info.get("exported_by", "")),
            exported_at=str(info.get("exported_at", "")),
            source_archive=str(info.get("archive", "")),
            signature=checked.check.signature.describe(),
        )
        if not report.exported_at:
            report.exported_at = info_value(checked.check.info, "Bagging-Date")
        conn = archive.db
        with archive.transaction():
            run_id = runs.start_run(conn, utc_now(), [str(path)], archive.user_name, __version__)
        report.run_id = run_id
        staging = blobs.staging_dir(archive.blobs_dir) / f"bundle-{run_id}"
        status = "failed"
        try:
            _merge(archive, bag, path, checked, report, staging, progress, cancel)
            status = "completed"
        except (Cancelled, KeyboardInterrupt):
            status = "cancelled"
            raise
        finally:
            blobs.clear_staging(staging)
            with archive.transaction():
                archive.audit(
                    "bundle.import", run_id=run_id, status=status, bundle=str(path),
                    exported_by=report.exported_by, exported_at=report.exported_at,
                    source_archive=report.source_archive, signature=report.signature,
                    signer_key=checked.check.signature.fingerprint, added=len(report.added),
                    merged=len(report.merged), annotations=report.annotations,
                )  # fmt: skip
                runs.finish_run(conn, run_id, utc_now(), status, len(report.added),
                                len(report.merged), 0)  # fmt: skip
    report.seconds = time.monotonic() - started
    return report


def _merge(
    archive: Archive,
    bag: Bag,
    path: Path,
    checked: _Checked,
    report: BundleImportReport,
    staging: Path,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> None:
    conn = archive.db
    items = checked.items.items
    new: list[BundledItem] = []
    staged: dict[str, blobs.StagedFile] = {}
    existing: dict[str, int] = {}
    for n, item in enumerate(items):
        cancel.raise_if_cancelled()
        progress(Progress("importing", n, len(items), item.file))
        found = item_store.item_by_sha(conn, item.sha256)
        if found is None and item.post is not None:
            found = post_store.post_item_id(conn, item.post["platform_id"])
        if found is not None:
            existing[item.sha256] = found
            continue
        staged[item.sha256] = _stage(bag, item, staging, cancel)
        new.append(item)
    cancel.raise_if_cancelled()
    now = utc_now()
    ids: dict[str, int] = dict(existing)
    bundle_path = str(path)
    for stage in staged.values():  # the blobs before the rows that name them
        blobs.commit_blob(archive.blobs_dir, stage)
    with archive.transaction():
        for item in new:
            ids[item.sha256] = _insert(conn, item, report.run_id)
        for item in items:
            item_id = ids[item.sha256]
            # What the archive knows already is not recorded again (the same bundle
            # imported twice, or a bundle made from this archive).
            known = {(s.path, s.root, s.seen_at) for s in item_store.sources(conn, item_id)}
            entry = f"{bundle_path}!/{item.file}"
            if not any(path == entry for path, _, _ in known):
                item_store.add_source(conn, item_id, report.run_id, entry, bundle_path, now)
            for source in item.provenance.get("sources") or []:
                if isinstance(source, dict) and source.get("path"):
                    row = (str(source["path"]), str(source.get("root", "")),
                           str(source.get("seen_at") or now))  # fmt: skip
                    if row not in known:
                        item_store.add_source(conn, item_id, report.run_id, *row)
                        known.add(row)
        for item in new:
            if item.post is not None:
                _insert_post(conn, ids[item.sha256], item, ids)
    _keep_evidence(archive, bag, path, items, report, staging, now)
    _keep_captures(archive, bag, path, checked, report, staging, now, cancel)
    report.added = [ids[i.sha256] for i in new]
    report.merged = sorted(set(existing.values()))
    progress(Progress("indexing", 0, 1))
    # _index catches up on every item not yet indexed, the new ones included: indexing
    # them again here (as new, without the lookup) put each in the index twice.
    index = _index(archive)
    if index is None:
        report.unindexed = True
    notes = Annotations(archive, index)
    report.annotations = notes.import_jsonld(checked.annotations)
    on_items_imported(archive, report.added, index)
    progress(Progress("caches", 0, len(new)))
    for item in new:
        _rebuild_caches(archive, item)
    progress(Progress("importing", len(items), len(items)))


def _keep_evidence(
    archive: Archive,
    bag: Bag,
    path: Path,
    items: Sequence[BundledItem],
    report: BundleImportReport,
    staging: Path,
    now: str,
) -> None:
    """What the bundle says its posts went through (withheld, versions, events, accounts,
    every capture with its record: posts/evidence.py), kept as read from its items.json —
    stored as a container, its original — and the posts it concerns indexed again."""
    posts = [i for i in items if i.post is not None and i.post.get("evidence")]
    if not posts:
        return
    data = bag.read(ITEMS_JSON, bag.files[ITEMS_JSON])
    staged = blobs.stage_bytes(data, staging)
    blobs.commit_blob(archive.blobs_dir, staged)
    records = {c["record_file"]: c["record_sha256"] for i in posts for c in _captures(i)
               if c["record_file"]}  # fmt: skip
    for file, sha in sorted(records.items()):  # the blobs before the rows that name them
        if not blobs.blob_path(archive.blobs_dir, sha).exists():
            with bag.open(file) as src:
                record = blobs.stage_stream(src, staging)
            if record.sha256 != sha:  # the bundle changed since it was verified
                record.tmp_path.unlink(missing_ok=True)
                raise BundleRejected(bag.name, [f"{file} changed while it was being imported"])
            blobs.commit_blob(archive.blobs_dir, record)
    conn = archive.db
    with archive.transaction():
        box = post_store.insert_container(
            conn,
            NewContainer(
                sha256=staged.sha256, kind="bundle-items", name=f"{path.name}!/{ITEMS_JSON}",
                size=staged.size, media_type="application/json",
                title=f"Items of the bundle {path.name}", captured_at=report.exported_at,
                import_run_id=report.run_id, imported_at=now,
            ),
        )  # fmt: skip
        post_store.add_container_source(conn, box, report.run_id, str(path), str(path), now)
        again: set[int] = set()
        for item in posts:
            assert item.post is not None
            again |= evidence.record_bundled(
                conn, item.post["platform_id"], item.post["evidence"], box, report.run_id, now
            )
            again |= evidence.record_bundled_captures(
                conn, item.post["platform_id"], item.post["evidence"], box, report.run_id, now
            )
        item_store.mark_indexed(conn, sorted(again), indexed=False)


def _keep_captures(
    archive: Archive,
    bag: Bag,
    path: Path,
    checked: _Checked,
    report: BundleImportReport,
    staging: Path,
    now: str,
    cancel: CancelToken,
) -> None:
    """Store each web capture of data/captures/ that a page or picture of the bundle was
    read from (its `capture_sha256`) and the archive lacks, as the container it was in
    the exporting archive. Where each record lies in it, which the viewer needs, is read
    again from the capture's own bytes (checked against the manifest), not taken from
    items.json. A capture that cannot be read is named in `report.failed`; its items
    stay, shown as their extracted text."""
    wanted = {str(i.extra.get("capture_sha256") or "") for i in checked.items.items} - {""}
    in_bag = {sha: file for file, sha in checked.check.sha256.items()
              if file.startswith(CAPTURES_DIR + "/")}  # fmt: skip
    conn = archive.db
    for sha in sorted(wanted & set(in_bag)):
        if post_store.container_by_sha(conn, sha) is not None:
            continue
        cancel.raise_if_cancelled()
        file = in_bag[sha]
        name = Path(file).name.removeprefix(f"{sha[:12]}-")  # layout.capture_file_name
        blobs.commit_blob(archive.blobs_dir, _stage_file(bag, file, sha, staging, cancel))
        origin = f"{path}!/{CAPTURES_DIR}/{name}"
        payloads = staging / f"capture-{sha[:12]}"
        try:
            found = _read_capture(archive, sha, name, origin, payloads)
        except Exception as exc:  # hostile bytes may raise more than XArchiveError
            log.warning("the capture %s of %s could not be read", file, path, exc_info=True)
            reason = exc if isinstance(exc, XArchiveError) else f"cannot be read ({exc})"
            report.failed.append(f"{file}: {reason}")
            continue
        finally:
            blobs.clear_staging(payloads)  # its pages and pictures are items already
        with archive.transaction():
            box = post_store.insert_container(
                conn,
                NewContainer(
                    sha256=sha, kind=found.kind, name=name, size=bag.files[file],
                    media_type=found.media_type, title=found.title,
                    captured_at=found.captured_at, import_run_id=report.run_id,
                    imported_at=now, extra=found.extra,
                ),
            )  # fmt: skip
            post_store.add_container_source(conn, box, report.run_id, origin, str(path), now)


def _read_capture(
    archive: Archive, sha: str, name: str, origin: str, staging: Path
) -> ExtractedContainer:
    """A WARC or WACZ stored in the archive, read by its importer as an import reads it
    (its payloads copied to `staging`, for the caller to clear). Raises
    UnreadableFile if it is neither or cannot be read."""
    # Loaded here: warcio and lxml are no business of an export or a bundle check.
    from ..importers import wacz, warc

    stored = blobs.blob_path(archive.blobs_dir, sha)
    with stored.open("rb") as handle:
        head = handle.read(8192)
    importer = wacz if wacz.detect(head, Path(name)) else warc
    if not importer.detect(head, Path(name)):
        raise UnreadableFile(f"‘{name}’ is neither a WARC nor a WACZ.")
    ctx = ContainerContext(
        ExtractContext(sha, archive.derived_dir, ocr=False), staging, archive.blobs_dir, origin
    )
    found: ExtractedContainer = importer.extract_many(stored, ctx)
    return found


def _captures(item: BundledItem) -> list[dict[str, Any]]:
    """The captures a post of the bundle lists (checked by metadata.py); [] for others."""
    return list(((item.post or {}).get("evidence") or {}).get("captures") or [])


def _index(archive: Archive) -> SearchEngine | None:
    try:
        index = archive.search_index()
    except IndexUnavailable:
        log.warning("index unusable: the bundle's items are left for `xarchive reindex`")
        return None
    catch_up(archive, index)
    return index


def _stage(bag: Bag, item: BundledItem, staging: Path, cancel: CancelToken) -> blobs.StagedFile:
    return _stage_file(bag, item.file, item.sha256, staging, cancel)


def _stage_file(
    bag: Bag, file: str, sha256: str, staging: Path, cancel: CancelToken
) -> blobs.StagedFile:
    with bag.open(file) as src:
        staged = blobs.stage_stream(src, staging, lambda _: cancel.raise_if_cancelled())
    if staged.sha256 != sha256:  # the bundle changed since it was verified
        staged.tmp_path.unlink(missing_ok=True)
        raise BundleRejected(bag.name, [f"{file} changed while it was being imported"])
    return staged


def _insert(conn: Any, item: BundledItem, run_id: int) -> int:
    text: dict[str, Any] = dict(item.fields)  # named as the item's fields (metadata._ITEM_TEXT)
    return item_store.insert_item(
        conn,
        NewItem(
            **text, sha256=item.sha256, size=item.size, import_run_id=run_id,
            pages=tuple(p.text for p in item.pages),
            ocr_pages=tuple(p.page for p in item.pages if p.from_ocr),
            warnings=item.warnings, extra=item.extra,
            ocr_words={p.page: p.words for p in item.pages if p.words},
        ),
    )  # fmt: skip


def _insert_post(conn: Any, item_id: int, item: BundledItem, ids: Mapping[str, int]) -> None:
    p = item.post
    assert p is not None
    post = _extracted_post(item, p)
    post_store.insert_post(conn, item_id, post, p["counts_seen_at"])
    media = sorted(p["media"], key=lambda m: m["position"])
    refs = [
        (MediaRef(m["key"], m["type"], m["url"], m["alt_text"], m["member"]),
         ids.get(m["sha256"]) if m["sha256"] else None)
        for m in media
    ]  # fmt: skip
    post_store.set_media(conn, item_id, refs)


def _extracted_post(item: BundledItem, p: Mapping[str, Any]) -> ExtractedPost:
    """The post of a bundle's item as an import inserts it: the fields of a post
    (`PostFields`) its record in items.json holds, by their names (the format's lists in
    bundles/metadata.py), its lists as tuples; its text, date and language are the item's."""
    said = {name: p[name] for name in field_names(PostFields) if name in p}
    lists = {
        "hashtags": tuple(p["hashtags"]),
        "mentions": tuple(p["mentions"]),
        "links": tuple((a, b) for a, b in p["links"]),
        "counts": dict(p["counts"]),
    }
    return ExtractedPost(
        **{**said, **lists},
        text=item.pages[0].text,
        published_at=item.fields["published_at"],
        language=item.fields["language"],
        post_id=p["platform_id"].partition(":")[2],
        record=b"",
        sha256=item.sha256,
        member="",
        locator="",
        referenced=p["is_referenced"],
    )


def _rebuild_caches(archive: Archive, item: BundledItem) -> None:
    """Thumbnails and readable copies are caches: made again from the original, without OCR."""
    # Imported here, not with the module: they load trafilatura and Pillow, which an
    # export or a bundle check (that import this package) never use.
    from ..importers import html as html_importer
    from ..importers import image as image_importer
    from ..importers import video as video_importer

    extra, kind = item.extra, item.fields["kind"]
    wanted = {
        "image": ("thumbnail", image_importer),
        "video": ("poster", video_importer),  # and its thumbnail, made with it
        "article": ("sanitized_html", html_importer),
    }
    if kind not in wanted:
        return
    key, importer = wanted[kind]
    relative = extra.get(key)
    if not isinstance(relative, str) or (archive.derived_dir / relative).exists():
        return
    ctx = ExtractContext(item.sha256, archive.derived_dir, ocr=False)
    try:
        importer.extract(blobs.blob_path(archive.blobs_dir, item.sha256), ctx)
    except Exception:  # a cache: the item is there; the viewer shows it without
        log.warning("could not rebuild the %s of %s", key, item.sha256, exc_info=True)
