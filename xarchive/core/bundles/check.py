"""Verifying a bag as RFC 8493 (BagIt 1.0) says, whoever made it.

Any valid bag passes: payload manifests in any algorithm the RFC names (md5,
sha1, sha256, sha512) and the other SHA-2 sizes, several at once; tag manifests
optional; ``Payload-Oxum`` optional (checked when present); manifest paths
written ``./data/…``; tag files in the encoding bagit.txt declares (UTF-16 and
the like); BagIt 0.93 to 1.0. Every invalid one fails, naming the rule it
breaks. The report says exactly which files are missing (named by a manifest,
not in the bag), added (in data/ but in no manifest), or altered (their checksum
is not the one a manifest gives), and what is wrong with the tag files.

A bag with a ``fetch.txt`` whose files are absent is *incomplete*, never intact:
an offline tool does not fetch them, and says which are missing and from where.

The SHA-256 of every payload file is taken in the same reading, whatever the
manifests use: an import names originals by it.
"""

from __future__ import annotations

import codecs
import hashlib
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..jobs import CancelToken, Progress, ProgressCallback, no_progress
from ..signing import SIGNATURE_FILE, SIGNED_FILE, Signature, check_signature
from .layout import BAG_INFO, BAGIT_TXT, decode_path, info_value, parse_bag_info
from .reader import Bag

CHUNK = 1 << 20
_TAG_LIMIT = 16 << 20
#: What reading a zip entry raises when its bytes were changed (CRC-32, deflate stream).
_DAMAGED_ENTRY = (zipfile.BadZipFile, zlib.error, EOFError)
#: `Altered.actual` of a zip entry that could not be read back whole.
UNREADABLE = ""
#: The algorithms a manifest may use (RFC 8493 §2.4 names md5, sha1, sha256 and sha512).
ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
#: Strongest first: the one a report names when a file fails several.
_STRENGTH = {name: n for n, name in enumerate(reversed(ALGORITHMS))}
_MANIFEST = re.compile(r"(tag)?manifest-([a-z0-9]+)\.txt")
FETCH = "fetch.txt"


@dataclass(frozen=True, slots=True)
class Altered:
    path: str
    expected: str
    actual: str  # UNREADABLE: a zip entry whose bytes fail the zip's own CRC-32 check
    algorithm: str = "sha256"


@dataclass(frozen=True, slots=True)
class ToFetch:
    """A file fetch.txt lists that is not in the bag."""

    path: str
    url: str
    size: str  # as fetch.txt gives it: a number of bytes, or "-"


@dataclass(slots=True)
class BundleCheck:
    """What `verify_bag` found; `ok` when the bag is complete and every checksum matches."""

    bundle: str
    files: int = 0  # payload files checked
    bytes: int = 0
    info: list[tuple[str, str]] = field(default_factory=list)  # bag-info.txt
    version: str = ""
    algorithms: list[str] = field(default_factory=list)  # of the payload manifests
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    altered: list[Altered] = field(default_factory=list)
    #: Files fetch.txt lists that are absent: the bag is incomplete.
    to_fetch: list[ToFetch] = field(default_factory=list)
    #: bagit.txt, bag-info.txt, a manifest or fetch.txt absent or breaking a rule; a wrong
    #: Payload-Oxum.
    errors: list[str] = field(default_factory=list)
    #: SHA-256 of every payload file that could be read whole, by path.
    sha256: dict[str, str] = field(default_factory=dict)
    #: Who signed the bag and whether the signature holds (core/signing.py).
    signature: Signature = field(default_factory=lambda: Signature("unsigned"))

    @property
    def ok(self) -> bool:
        return not (self.missing or self.added or self.altered or self.to_fetch or self.errors)

    @property
    def complete(self) -> bool:
        return not (self.missing or self.to_fetch)

    def problems(self) -> list[str]:
        """One sentence per problem, files first."""
        lines = [f"missing: {p} (named in a manifest, not in the bundle)" for p in self.missing]
        lines += [
            f"missing: {f.path} (listed in {FETCH} to be fetched from {f.url}; the bag is "
            "incomplete: fetch it yourself, as xarchive never goes online)"
            for f in self.to_fetch
        ]
        lines += [f"added: {p} (in the bundle, in no manifest)" for p in self.added]
        lines += [
            f"altered: {a.path} ({a.algorithm.upper()} {a.actual}, the manifest says {a.expected})"
            if a.actual != UNREADABLE
            else f"altered: {a.path} (its bytes fail the zip's CRC-32 check; "
            f"the manifest says {a.algorithm.upper()} {a.expected})"
            for a in self.altered
        ]
        return lines + self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "ok": self.ok,
            "complete": self.complete,
            "version": self.version,
            "algorithms": self.algorithms,
            "files": self.files,
            "bytes": self.bytes,
            "info": dict(self.info),
            "missing": self.missing,
            "to_fetch": [{"path": f.path, "url": f.url, "size": f.size} for f in self.to_fetch],
            "added": self.added,
            "altered": [
                {
                    "path": a.path,
                    "algorithm": a.algorithm,
                    "expected": a.expected,
                    "actual": a.actual,
                }
                for a in self.altered
            ],  # fmt: skip
            "errors": self.errors,
            "signature": {
                "status": self.signature.status, "signer": self.signature.signer,
                "fingerprint": self.signature.fingerprint, "problem": self.signature.problem,
            },
        }  # fmt: skip


def digests_of(
    bag: Bag, path: str, algorithms: set[str], cancel: CancelToken | None = None
) -> dict[str, str]:
    """The checksums of a file in the bag, in one reading; UNREADABLE each for a zip
    entry damaged after it was made."""
    hashes = {name: hashlib.new(name) for name in algorithms}
    try:
        with bag.open(path) as stream:
            while chunk := stream.read(CHUNK):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                for digest in hashes.values():
                    digest.update(chunk)
    except _DAMAGED_ENTRY:
        # zipfile checks each entry's CRC-32 as it reads: a changed byte stops the
        # read (or its header the opening) before a hash can be had; the file is
        # altered all the same.
        return dict.fromkeys(algorithms, UNREADABLE)
    return {name: digest.hexdigest() for name, digest in hashes.items()}


def sha256_of(bag: Bag, path: str, cancel: CancelToken | None = None) -> str:
    """The SHA-256 of a file in the bag; UNREADABLE for a zip entry damaged after it was made."""
    return digests_of(bag, path, {"sha256"}, cancel)["sha256"]


def _bag_path(raw: str) -> tuple[str, str]:
    """A manifest's or fetch.txt's path, as the bag's files are named, and what is wrong
    with it ("" if nothing): ``./data/a`` is ``data/a``; ``../x`` or ``/etc`` are refused."""
    text = decode_path(raw)
    if not text or "\x00" in text:
        return text, "an empty or broken path"
    if text.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:[\\/]", text):
        return text, "an absolute path"
    path = posixpath.normpath(text)
    if path == ".." or path.startswith("../"):
        return text, "a path outside the bag"
    return path, ""


def _decode_tag(raw: bytes, encoding: str) -> str:
    """A tag file's text in the bag's declared encoding, without a byte-order mark."""
    text = raw.decode(encoding, "replace")
    return text.removeprefix("\ufeff")


def _read_bagit_txt(bag: Bag, check: BundleCheck) -> str:
    """Check bagit.txt (RFC 8493 §2.1.1); return the tag files' encoding."""
    raw = bag.read(BAGIT_TXT, _TAG_LIMIT)
    if raw.startswith(codecs.BOM_UTF8):
        check.errors.append(f"{BAGIT_TXT} starts with a byte-order mark, which BagIt forbids")
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        check.errors.append(f"{BAGIT_TXT} is not UTF-8")
        text = raw.decode("utf-8", "replace")
    fields: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([A-Za-z-]+): (\S.*?)", line)
        if match is None:
            check.errors.append(
                f"{BAGIT_TXT} line {number} is not “Label: value” (one space after the colon, "
                "nothing before the label)"
            )
            continue
        fields[match.group(1)] = match.group(2)
    version = fields.get("BagIt-Version", "")
    if not version:
        check.errors.append(f"{BAGIT_TXT} does not declare a BagIt-Version")
    elif not re.fullmatch(r"\d+\.\d+", version):
        check.errors.append(f"{BAGIT_TXT} declares BagIt-Version {version}, not M.N")
    elif not (0, 93) <= tuple(int(n) for n in version.split(".")) < (2, 0):
        check.errors.append(f"BagIt-Version {version} is not one xarchive reads (0.93 to 1.x)")
    check.version = version
    encoding = fields.get("Tag-File-Character-Encoding", "")
    if not encoding:
        check.errors.append(f"{BAGIT_TXT} does not declare its Tag-File-Character-Encoding")
        return "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        check.errors.append(f"{BAGIT_TXT} declares an unknown encoding, {encoding}")
        return "utf-8"
    return encoding


def _parse_manifest(text: str, name: str, algorithm: str, check: BundleCheck) -> dict[str, str]:
    """{path: checksum} of a manifest, its problems added to `check`."""
    width = hashlib.new(algorithm).digest_size * 2
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.strip().split(None, 1)
        if len(parts) != 2 or not re.fullmatch(rf"[0-9a-fA-F]{{{width}}}", parts[0]):
            check.errors.append(f"{name} line {number} is not “<{algorithm} checksum> <path>”")
            continue
        path, problem = _bag_path(parts[1].lstrip("*"))
        if problem:
            check.errors.append(f"{name} line {number} names {path!r}: {problem}")
            continue
        value = parts[0].lower()
        if path in found:
            if found[path] != value:
                check.errors.append(f"{name} gives {path} two different checksums")
            else:
                check.errors.append(f"{name} names {path} twice")
        found[path] = value
    return found


def _parse_fetch(text: str, check: BundleCheck) -> list[ToFetch]:
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.strip().split(None, 2)
        if len(parts) != 3 or not (parts[1] == "-" or parts[1].isdigit()):
            check.errors.append(f"{FETCH} line {number} is not “<url> <length or -> <path>”")
            continue
        path, problem = _bag_path(parts[2])
        if problem or not path.startswith("data/"):
            check.errors.append(
                f"{FETCH} line {number} names {path!r}: {problem or 'a path outside data/'}"
            )
            continue
        if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", parts[0]):
            check.errors.append(f"{FETCH} line {number}: {parts[0]!r} is not a URL")
            continue
        entries.append(ToFetch(path, parts[0], parts[1]))
    return entries


def _find(files: dict[str, int], path: str, by_nfc: dict[str, str]) -> str | None:
    """The bag's name for a manifest's path: itself, or the same in another Unicode
    normalisation (a bag made on a Mac and unpacked elsewhere)."""
    if path in files:
        return path
    return by_nfc.get(unicodedata.normalize("NFC", path))


def verify_bag(
    bag: Bag, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
) -> BundleCheck:
    """Check a bundle opened with `open_bag`. Raises Cancelled; never raises for a bad bag."""
    check = BundleCheck(bag.name)
    files = bag.files
    if BAGIT_TXT not in files:
        check.errors.append(f"{BAGIT_TXT} is missing")
        encoding = "utf-8"
    else:
        encoding = _read_bagit_txt(bag, check)
    # BagIt 0.93 to 0.95 named bag-info.txt package-info.txt.
    old = re.fullmatch(r"0\.9[345]", check.version) is not None
    info_name = "package-info.txt" if old else BAG_INFO
    if info_name in files:
        check.info = parse_bag_info(_decode_tag(bag.read(info_name, _TAG_LIMIT), encoding))
    by_nfc = {unicodedata.normalize("NFC", p): p for p in files}

    payload_manifests: dict[str, dict[str, str]] = {}
    tag_manifests: dict[str, dict[str, str]] = {}
    for name in sorted(p for p in files if "/" not in p):
        match = _MANIFEST.fullmatch(name)
        if match is None:
            continue
        algorithm = match.group(2)
        if algorithm not in ALGORITHMS:
            check.errors.append(f"{name} uses {algorithm}, which xarchive cannot check")
            continue
        text = _decode_tag(bag.read(name, _TAG_LIMIT), encoding)
        entries = _parse_manifest(text, name, algorithm, check)
        if match.group(1):
            tag_manifests[algorithm] = entries
            for path in entries:
                if path.startswith("data/"):
                    check.errors.append(f"{name} names {path}, a payload file (not a tag file)")
        else:
            payload_manifests[algorithm] = entries
            for path in entries:
                if not path.startswith("data/"):
                    check.errors.append(f"{name} names {path}, which is outside data/")
    if not payload_manifests:
        check.errors.append("the bag has no payload manifest (manifest-<algorithm>.txt)")
    check.algorithms = sorted(payload_manifests, key=lambda a: _STRENGTH[a])

    fetch: list[ToFetch] = []
    if FETCH in files:
        fetch = _parse_fetch(_decode_tag(bag.read(FETCH, _TAG_LIMIT), encoding), check)
    fetched = {f.path for f in fetch}

    # Every payload file is in every payload manifest, and every entry is in the bag.
    payload = sorted(p for p in files if p.startswith("data/"))
    wanted: dict[str, dict[str, str]] = {}  # bag path -> {algorithm: expected}
    named: set[str] = set()
    for algorithm, entries in payload_manifests.items():
        for path, value in entries.items():
            actual = _find(files, path, by_nfc)
            if actual is None:
                if path not in fetched and path not in check.missing:
                    check.missing.append(path)
                continue
            named.add(actual)
            wanted.setdefault(actual, {})[algorithm] = value
    for algorithm in payload_manifests:
        listed = {_find(files, p, by_nfc) for p in payload_manifests[algorithm]}
        left_out = [p for p in payload if p in named and p not in listed]
        for path in left_out:
            check.errors.append(f"manifest-{algorithm}.txt does not name {path}")
    check.added = [p for p in payload if p not in named]
    check.missing.sort()
    check.to_fetch = [f for f in fetch if _find(files, f.path, by_nfc) is None]
    for entry in check.to_fetch:
        if not any(entry.path in e for e in payload_manifests.values()):
            check.errors.append(f"{FETCH} lists {entry.path}, which no payload manifest names")

    tag_wanted: dict[str, dict[str, str]] = {}
    for algorithm, entries in tag_manifests.items():
        for path, value in entries.items():
            if path.startswith("data/"):
                continue
            actual = _find(files, path, by_nfc)
            if actual is None:
                if path not in check.missing:
                    check.missing.append(path)
                continue
            tag_wanted.setdefault(actual, {})[algorithm] = value

    to_hash = [(p, wanted[p]) for p in payload if p in wanted]
    to_hash += sorted(tag_wanted.items())
    total = len(to_hash)
    for n, (path, expected) in enumerate(to_hash):
        progress(Progress("verifying", n, total, path))
        payload_file = path.startswith("data/")
        algorithms = set(expected) | ({"sha256"} if payload_file else set())
        got = digests_of(bag, path, algorithms, cancel)
        if payload_file and got["sha256"] != UNREADABLE:
            check.sha256[path] = got["sha256"]
        wrong = [a for a in sorted(expected, key=lambda a: _STRENGTH[a])
                 if got[a] != expected[a]]  # fmt: skip
        if wrong:  # one line per file, in its strongest algorithm that fails
            check.altered.append(Altered(path, expected[wrong[0]], got[wrong[0]], wrong[0]))
    check.files = len(payload)
    check.bytes = sum(files[p] for p in payload)
    oxum = info_value(check.info, "Payload-Oxum")
    if oxum and not re.fullmatch(r"\d+\.\d+", oxum):
        check.errors.append(f"the Payload-Oxum {oxum!r} is not “<bytes>.<files>”")
    elif oxum and check.to_fetch:
        pass  # it counts the files still to fetch: they are reported above
    elif oxum and oxum != f"{check.bytes}.{check.files}":
        check.errors.append(
            f"the Payload-Oxum is {oxum}, but data/ holds {check.bytes} bytes in "
            f"{check.files} files ({check.bytes}.{check.files})"
        )
    if SIGNATURE_FILE in files:
        text = bag.read(SIGNATURE_FILE, _TAG_LIMIT).decode("utf-8", "replace")
        signed = bag.read(SIGNED_FILE, _TAG_LIMIT) if SIGNED_FILE in files else None
        check.signature = check_signature(text, signed)
        if check.signature.status == "invalid":
            check.errors.append(f"the bag's signature does not hold: {check.signature.problem}")
    progress(Progress("verifying", total, total))
    return check
