"""Importing a BagIt bag made by another tool: its payload, as files.

A bag without items.json carries no xarchive metadata: its payload files are
copied out of the bag (hashed again as they are copied, against the SHA-256 the
verification took), imported like a folder — each file read by the importer its
content calls for — and their provenance then names the bag itself
(``<bag>!/data/…``), not the staging folder they were read from.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from .. import blobs
from ..archive import Archive
from ..jobs import CancelToken, ProgressCallback
from ..store import runs
from .check import BundleCheck, verify_bag
from .errors import BundleRejected
from .layout import info_value
from .reader import Bag

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class ForeignImport:
    check: BundleCheck
    run_id: int
    added: list[int]  # new items
    merged: list[int]  # already in the archive
    failed: list[str]  # "data/…: reason"


def import_foreign_bag(
    archive: Archive,
    bag: Bag,
    path: Path,
    progress: ProgressCallback,
    cancel: CancelToken,
) -> ForeignImport:
    """Verify `bag` and import its payload files as files.

    Raises BundleRejected before anything is written if the bag fails verification.
    """
    from ..importing import ImportOptions, import_paths

    check = verify_bag(bag, progress, cancel)
    if not check.ok:
        raise BundleRejected(bag.name, ["it failed verification", *check.problems()])
    staging = blobs.staging_dir(archive.blobs_dir) / f"bag-{uuid.uuid4().hex}"
    payload = staging / "data"
    try:
        for name in sorted(p for p in bag.files if p.startswith("data/")):
            cancel.raise_if_cancelled()
            target = staging / name  # a safe relative path: the reader refused any other
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with bag.open(name) as source, target.open("wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != check.sha256.get(name):
                raise BundleRejected(bag.name, [f"{name} changed while it was read"])
        payload.mkdir(parents=True, exist_ok=True)
        report = import_paths(archive, [payload], ImportOptions(), progress, cancel)
        with archive.transaction():
            runs.relocate_run(archive.db, report.run_id, str(payload), f"{path}!/data")
            archive.audit(
                "bundle.import", run_id=report.run_id, status=report.status, bundle=str(path),
                made_by=info_value(check.info, "Bag-Software-Agent"),
                organization=info_value(check.info, "Source-Organization"),
                bagging_date=info_value(check.info, "Bagging-Date"),
                signature=check.signature.describe(), signer_key=check.signature.fingerprint,
                added=len(report.imported), merged=len(report.skipped), foreign=True,
            )  # fmt: skip
    finally:
        blobs.clear_staging(staging)
    added = [o.item_id for o in report.imported if o.item_id is not None]
    merged = sorted({o.item_id for o in report.skipped if o.item_id is not None})
    failed = [f"{o.path.replace(str(payload), 'data', 1)}: {o.reason}" for o in report.failed]
    return ForeignImport(check, report.run_id, added, merged, failed)
