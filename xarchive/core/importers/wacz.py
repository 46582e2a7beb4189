"""Web archive collections (WACZ 1.1.1), as ArchiveWeb.page and Browsertrix write them.

A container importer (see core/model/). A WACZ is a zip of WARCs with their
index, the list of pages captured, and `datapackage.json`, which gives the
SHA-256 of every part. Before anything is imported every part is hashed and
compared with it: a part that differs, or is missing, refuses the whole file,
naming the part, because a capture that was altered is not evidence of what a
page said. `datapackage-digest.json` carries the hash of datapackage.json and,
in a signed WACZ, a signature over that hash; it is checked offline (the
`cryptography` package): an anonymous signature (ArchiveWeb.page: an ECDSA key
of its own, which the file carries) fully, a domain signature (Browsertrix) with
the key of the certificate it names, without asking anyone whether that
certificate is trusted. The result — signed by whom, valid or not — is on every
item of the WACZ.

`pages/pages.jsonl` gives the pages the person captured and their titles; the
WARCs inside are read as warc.py reads a WARC file.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import UnreadableFile
from ..model import ExtractedContainer
from . import iso_datetime, quoted
from .base import ContainerContext
from .warc import Capture, Readable, is_whole_file_gzip, read_records

NAME = "wacz"
MEDIA_TYPE = "application/wacz"

_CHUNK = 1 << 20


def detect(head: bytes, path: Path) -> bool:
    """A zip that names a datapackage.json or WARCs under archive/ (or is called .wacz)."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    if path.suffix.lower() == ".wacz" or b"datapackage.json" in head:
        return True
    return b"archive/" in head and b".warc" in head


def extract_many(path: Path, ctx: ContainerContext) -> ExtractedContainer:
    """Check every part of the WACZ against its datapackage.json, then read its WARCs.

    Raises UnreadableFile, naming the part, when a part is missing or differs
    from its hash (nothing is imported then), or when the file is no WACZ.
    """
    name = Path(ctx.origin).name
    try:
        with zipfile.ZipFile(path) as wacz:
            return _read(wacz, name, ctx)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(
            f"{quoted(Path(ctx.origin))} is a damaged WACZ: its zip directory cannot be read "
            f"({exc})."
        ) from exc
    except OSError as exc:
        raise UnreadableFile(f"{quoted(Path(ctx.origin))} cannot be read: {exc}.") from exc


def _read(wacz: zipfile.ZipFile, name: str, ctx: ContainerContext) -> ExtractedContainer:
    refused = f"{quoted(Path(ctx.origin))} was not imported"
    members = {info.filename: info for info in wacz.infolist() if not info.is_dir()}
    if "datapackage.json" not in members:
        raise UnreadableFile(
            f"{quoted(Path(ctx.origin))} is a zip without datapackage.json, so not a WACZ; "
            "unpack it and import the folder."
        )
    package_bytes = wacz.read("datapackage.json")
    try:
        package = json.loads(package_bytes)
        resources = [r for r in package.get("resources", []) if isinstance(r, dict)]
    except (ValueError, AttributeError) as exc:
        raise UnreadableFile(f"{refused}: its datapackage.json is not valid JSON.") from exc
    warnings: list[str] = []
    checked = 0
    for resource in resources:
        part = str(resource.get("path", ""))
        expected = str(resource.get("hash", ""))
        if part not in members:
            raise UnreadableFile(
                f"{refused}: its part ‘{part}’, which datapackage.json lists, is missing."
            )
        algorithm, _, value = expected.partition(":")
        if not value or algorithm.lower() not in ("sha256", "md5", "sha1"):
            raise UnreadableFile(f"{refused}: datapackage.json gives no usable hash for ‘{part}’.")
        found = _hash(wacz, part, algorithm.lower())
        if found != value.lower():
            raise UnreadableFile(
                f"{refused}: its part ‘{part}’ does not match the {algorithm} hash "
                "datapackage.json gives for it — it was altered or damaged after the "
                "capture was made. Nothing of it was imported."
            )
        checked += 1
    listed = {str(r.get("path", "")) for r in resources}
    unlisted = sorted(
        m for m in members if m not in listed and m not in ("datapackage.json",
                                                             "datapackage-digest.json")
    )  # fmt: skip
    if unlisted:
        warnings.append(
            f"{len(unlisted)} part(s) of the WACZ are not covered by its hashes: "
            + ", ".join(unlisted[:5])
        )
    signature = _signature(wacz, members, package_bytes, refused)
    titles, pages = _pages(wacz, members, warnings)
    capture = Capture(name, ctx.origin, ctx.extract.sha256, titles=titles, extract=ctx.extract)
    warcs = [
        r for r in sorted(listed) if PurePosixPath(r).name.lower().endswith((".warc", ".warc.gz"))
    ]
    if not warcs:
        raise UnreadableFile(f"{refused}: it holds no WARC (nothing under archive/).")
    for member in warcs:
        with wacz.open(member) as probe:
            whole = is_whole_file_gzip(probe.read(1 << 20))
        with wacz.open(member) as raw, gzip.GzipFile(fileobj=raw) if whole else raw as stream:
            read_records(_Tellable(stream), f"{member} in {name}", f"{ctx.origin}/{member}",
                         ctx.staging, capture, member, whole)  # fmt: skip
    capture.warnings.extend(warnings)
    said = signature["summary"]
    read = capture.container(
        kind="wacz",
        media_type=MEDIA_TYPE,
        title=str(package.get("title") or f"Web capture {name}"),
        wacz={
            "version": package.get("wacz_version", ""),
            "created": iso_datetime(str(package.get("created", ""))),
            "software": package.get("software", ""),
            "parts_checked": checked,
            "signature": signature,
            "pages": pages,
        },
    )
    media = tuple(
        replace(
            m, about=replace(m.about, extra={**m.about.extra, "wacz_signature": said, "wacz": name})
        )  # fmt: skip
        if m.about is not None
        else m
        for m in read.media
    )
    return replace(read, media=media)


def _hash(wacz: zipfile.ZipFile, member: str, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with wacz.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pages(
    wacz: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], warnings: list[str]
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Titles by address, and the pages as pages.jsonl lists them."""
    titles: dict[str, str] = {}
    pages: list[dict[str, str]] = []
    for member in ("pages/pages.jsonl", "pages/extraPages.jsonl"):
        if member not in members:
            continue
        for number, line in enumerate(wacz.read(member).decode("utf-8", "replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                warnings.append(f"line {number} of {member} is not JSON and was left out")
                continue
            if not isinstance(entry, dict) or "url" not in entry:
                continue  # the header line
            url, title = str(entry["url"]), str(entry.get("title") or "")
            if title:
                titles.setdefault(url, title)
            pages.append({"url": url, "title": title, "ts": str(entry.get("ts", ""))})
    return titles, pages


def _signature(
    wacz: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], package: bytes, refused: str
) -> dict[str, Any]:
    """What datapackage-digest.json says, checked: its hash of datapackage.json (a
    mismatch refuses the file) and the signature over it, if any."""
    if "datapackage-digest.json" not in members:
        return {"status": "unsigned", "summary": "not signed (the WACZ has no digest file)"}
    try:
        digest = json.loads(wacz.read("datapackage-digest.json"))
    except ValueError:
        return {"status": "invalid", "summary": "its datapackage-digest.json is not valid JSON"}
    stated = str(digest.get("hash", ""))
    algorithm, _, value = stated.partition(":")
    if (
        algorithm.lower() == "sha256"
        and value
        and hashlib.sha256(package).hexdigest() != value.lower()
    ):
        raise UnreadableFile(
            f"{refused}: its datapackage.json does not match the hash in "
            "datapackage-digest.json — the list of hashes was altered."
        )
    signed = digest.get("signedData")
    if not isinstance(signed, dict):
        return {"status": "unsigned", "summary": "not signed"}
    created = iso_datetime(str(signed.get("created", "")))
    base: dict[str, Any] = {"created": created, "software": str(signed.get("software", ""))}
    if str(signed.get("hash", "")) != stated:
        return {**base, "status": "invalid",
                "summary": "signature INVALID: it signs another hash than this file's"}  # fmt: skip
    try:
        if signed.get("publicKey"):
            return {**base, **_anonymous(signed)}
        if signed.get("domainCert"):
            return {**base, **_domain(signed)}
    except (ValueError, TypeError) as exc:
        return {**base, "status": "invalid", "summary": f"signature unreadable ({exc})"}
    return {**base, "status": "unverifiable", "summary": "signed, in a form xarchive cannot check"}


def _anonymous(signed: dict[str, Any]) -> dict[str, Any]:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    raw_key = base64.b64decode(str(signed["publicKey"]))
    key = serialization.load_der_public_key(raw_key)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("the key is not an ECDSA key")
    fingerprint = hashlib.sha256(raw_key).hexdigest()[:16]
    signer = f"an anonymous key (SHA-256 {fingerprint}…), not tied to a person or domain"
    try:
        key.verify(_der(base64.b64decode(str(signed["signature"])), key),
                   str(signed["hash"]).encode(), ec.ECDSA(hashes.SHA256()))  # fmt: skip
    except InvalidSignature:
        return {"status": "invalid", "signer": signer,
                "summary": f"signature INVALID (by {signer})"}  # fmt: skip
    return {"status": "valid", "signer": signer, "key_sha256": fingerprint,
            "summary": f"signature valid, by {signer}"}  # fmt: skip


def _domain(signed: dict[str, Any]) -> dict[str, Any]:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    chain = x509.load_pem_x509_certificates(str(signed["domainCert"]).encode())
    leaf = chain[0]
    domain = str(signed.get("domain", "")) or leaf.subject.rfc4514_string()
    key = leaf.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("the certificate's key is not an ECDSA key")
    signature = base64.b64decode(str(signed["signature"]))
    issuer = leaf.issuer.rfc4514_string()
    signer = f"{domain} (certificate issued by {issuer}; not checked against a trusted authority)"
    try:
        key.verify(_der(signature, key), str(signed["hash"]).encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return {"status": "invalid", "signer": signer,
                "summary": f"signature INVALID (claims {domain})"}  # fmt: skip
    return {"status": "valid", "signer": signer, "domain": domain,
            "summary": f"signature valid, by {signer}"}  # fmt: skip


def _der(signature: bytes, key: Any) -> bytes:
    """A signature as DER: WebCrypto writes r and s side by side (IEEE P1363)."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    size = (key.curve.key_size + 7) // 8
    if len(signature) == 2 * size and signature[0] != 0x30:
        return encode_dss_signature(
            int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
        )
    return signature


class _Tellable:
    """A zip member's stream with the position warcio asks for (zipfile's streams of
    stored members can seek, of deflated ones only slowly: count instead)."""

    def __init__(self, stream: Readable) -> None:
        self.stream, self.position = stream, 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.position += len(data)
        return data

    def tell(self) -> int:
        return self.position
