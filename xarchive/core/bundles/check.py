"""Verifying a bundle: every checksum of both manifests and the Payload-Oxum.

The report says exactly which files are missing (named by a manifest, not in
the bag), added (in data/ but in no manifest), or altered (their SHA-256 is not
the one the manifest gives), and what is wrong with the tag files.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..jobs import CancelToken, Progress, ProgressCallback, no_progress
from .layout import (
    BAG_INFO,
    BAGIT_TXT,
    MANIFEST,
    TAG_MANIFEST,
    info_value,
    parse_bag_info,
    parse_manifest,
)
from .reader import Bag

CHUNK = 1 << 20
_TAG_LIMIT = 16 << 20
#: What reading a zip entry raises when its bytes were changed (CRC-32, deflate stream).
_DAMAGED_ENTRY = (zipfile.BadZipFile, zlib.error, EOFError)
#: `Altered.actual` of a zip entry that could not be read back whole.
UNREADABLE = ""


@dataclass(frozen=True, slots=True)
class Altered:
    path: str
    expected: str
    actual: str  # UNREADABLE: a zip entry whose bytes fail the zip's own CRC-32 check


@dataclass(slots=True)
class BundleCheck:
    """What `verify_bag` found; `ok` when every checksum and the Payload-Oxum match."""

    bundle: str
    files: int = 0  # payload files checked
    bytes: int = 0
    info: list[tuple[str, str]] = field(default_factory=list)  # bag-info.txt
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    altered: list[Altered] = field(default_factory=list)
    #: bagit.txt, bag-info.txt or a manifest that is absent or malformed; a wrong Payload-Oxum.
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.added or self.altered or self.errors)

    def problems(self) -> list[str]:
        """One sentence per problem, files first."""
        lines = [f"missing: {p} (named in a manifest, not in the bundle)" for p in self.missing]
        lines += [f"added: {p} (in the bundle, in no manifest)" for p in self.added]
        lines += [
            f"altered: {a.path} (SHA-256 {a.actual}, the manifest says {a.expected})"
            if a.actual != UNREADABLE
            else f"altered: {a.path} (its bytes fail the zip's CRC-32 check; "
            f"the manifest says SHA-256 {a.expected})"
            for a in self.altered
        ]
        return lines + self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "ok": self.ok,
            "files": self.files,
            "bytes": self.bytes,
            "info": dict(self.info),
            "missing": self.missing,
            "added": self.added,
            "altered": [
                {"path": a.path, "expected": a.expected, "actual": a.actual} for a in self.altered
            ],
            "errors": self.errors,
        }


def sha256_of(bag: Bag, path: str, cancel: CancelToken | None = None) -> str:
    """The SHA-256 of a file in the bag; UNREADABLE for a zip entry damaged after it was made."""
    digest = hashlib.sha256()
    with bag.open(path) as stream:
        try:
            while chunk := stream.read(CHUNK):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                digest.update(chunk)
        except _DAMAGED_ENTRY:
            # zipfile checks each entry's CRC-32 as it reads: a changed byte stops
            # the read before a hash can be had; the file is altered all the same.
            return UNREADABLE
    return digest.hexdigest()


def verify_bag(
    bag: Bag, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
) -> BundleCheck:
    """Check a bundle opened with `open_bag`. Raises Cancelled; never raises for a bad bag."""
    check = BundleCheck(bag.name)
    files = bag.files
    if BAGIT_TXT not in files:
        check.errors.append(f"{BAGIT_TXT} is missing")
    else:
        declared = bag.read(BAGIT_TXT, _TAG_LIMIT).decode("utf-8", "replace")
        if not re.search(r"^BagIt-Version:\s*\d+\.\d+\s*$", declared, re.MULTILINE):
            check.errors.append(f"{BAGIT_TXT} does not declare a BagIt-Version")
    if BAG_INFO in files:
        text = bag.read(BAG_INFO, _TAG_LIMIT).decode("utf-8", "replace")
        check.info = parse_bag_info(text)
    if MANIFEST not in files:
        check.errors.append(f"{MANIFEST} is missing: nothing can be verified")
        return check
    manifest, problems = parse_manifest(
        bag.read(MANIFEST, _TAG_LIMIT).decode("utf-8", "replace"), MANIFEST
    )
    check.errors += problems
    tags: dict[str, str] = {}
    if TAG_MANIFEST in files:
        tags, problems = parse_manifest(
            bag.read(TAG_MANIFEST, _TAG_LIMIT).decode("utf-8", "replace"), TAG_MANIFEST
        )
        check.errors += problems
    else:
        check.errors.append(f"{TAG_MANIFEST} is missing: the tag files cannot be verified")
    for path in manifest:
        if not path.startswith("data/"):
            check.errors.append(f"{MANIFEST} names {path}, which is outside data/")
    payload = sorted(p for p in files if p.startswith("data/"))
    check.missing = sorted(p for p in manifest if p not in files and p.startswith("data/"))
    check.added = [p for p in payload if p not in manifest]
    to_hash = [p for p in payload if p in manifest]
    total = len(to_hash) + len(tags)
    for n, path in enumerate(to_hash):
        progress(Progress("verifying", n, total, path))
        actual = sha256_of(bag, path, cancel)
        if actual != manifest[path]:
            check.altered.append(Altered(path, manifest[path], actual))
    for n, (path, expected) in enumerate(sorted(tags.items()), len(to_hash)):
        progress(Progress("verifying", n, total, path))
        if path not in files:
            check.missing.append(path)
            continue
        actual = sha256_of(bag, path, cancel)
        if actual != expected:
            check.altered.append(Altered(path, expected, actual))
    check.files = len(payload)
    check.bytes = sum(files[p] for p in payload)
    oxum = info_value(check.info, "Payload-Oxum")
    if not oxum:
        check.errors.append(f"{BAG_INFO} has no Payload-Oxum")
    elif oxum != f"{check.bytes}.{check.files}":
        check.errors.append(
            f"the Payload-Oxum is {oxum}, but data/ holds {check.bytes} bytes in "
            f"{check.files} files ({check.bytes}.{check.files})"
        )
    progress(Progress("verifying", total, total))
    return check
