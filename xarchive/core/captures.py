"""An archived page as it was captured, for a viewer: its markup and its own pictures
and styles, every one of them from the capture, nothing from outside.

A page captured in a WARC or a WACZ finds its pictures and styles in the records
of the same capture (the importer keeps where each response lies); a page saved
as MHTML in the parts of the MHTML file; a SingleFile page carries them as
`data:` addresses. The markup is sanitised (nh3): no script, no form, no frame,
no event attribute, and every address a picture or a style sheet names is
rewritten to a key of this capture (`capture:3`), which only `resource` turns
into bytes. An address the capture does not hold stays unresolved: the viewer
shows the page without it and says how many were missing. Qt-free: the GUI
gives the bytes to its browser.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import logging
import re
import zipfile
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urldefrag, urljoin

import lxml.html
import nh3

from . import blobs
from .archive import Archive
from .model import Item
from .store import posts as post_store

log = logging.getLogger(__name__)

#: The URL scheme of the resources of a capture, as the markup names them.
SCHEME = "capture"
MAX_PAGE_BYTES = 16 * 1024 * 1024
MAX_RESOURCE_BYTES = 32 * 1024 * 1024

#: What the page may keep: structure, text, tables, pictures; nothing that runs,
#: submits or frames.
_TAGS = {
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code",
    "dd", "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li",
    "main", "mark", "nav", "ol", "p", "pre", "q", "s", "section", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"class", "id", "dir", "lang", "title", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import[^;]*;", re.IGNORECASE)


@dataclass(slots=True)
class ArchivedPage:
    """A page to show as captured."""

    url: str
    captured_at: str
    #: Where it was captured: "record 2 of capture.warc.gz", "MHTML file", "SingleFile page".
    source: str
    markup: str  # sanitised, resources named capture:N
    style: str  # the page's own style sheets, from the capture, without url() or @import
    #: capture:N → the address it stands for.
    addresses: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # addresses the capture lacks
    _lookup: Any = None  # address → bytes | None

    def resource(self, key: str) -> bytes | None:
        """The bytes of `capture:N` (or of a data: address); None if the capture lacks it."""
        if key.startswith("data:"):
            return _data_uri(key)
        address = self.addresses.get(key)
        if address is None or self._lookup is None:
            return None
        try:
            data: bytes | None = self._lookup(address)
        except Exception:  # a damaged capture must not break the viewer
            log.warning("could not read %s from the capture", address, exc_info=True)
            return None
        return data

    @property
    def banner(self) -> str:
        when = self.captured_at.replace("T", " ").replace("+00:00", " UTC") or "an unknown time"
        return (
            f"Archived page, captured {when} from {self.url or 'an unknown address'} "
            f"({self.source}). Shown from the capture alone: nothing is loaded from "
            "outside and no script runs."
        )


def archived_page(archive: Archive, item: Item) -> ArchivedPage | None:
    """The page `item` as captured, or None if it is no captured page (or too large)."""
    extra = item.extra if isinstance(item.extra, dict) else {}
    if item.kind != "article":
        return None
    try:
        if extra.get("capture_sha256") and extra.get("warc_record"):
            return _from_warc(archive, item, extra)
        if extra.get("format") == "mhtml":
            return _from_mhtml(archive, item)
        if "SingleFile" in str(extra.get("captured_at_source", "")):
            original = blobs.blob_path(archive.blobs_dir, item.sha256)
            if original.stat().st_size > MAX_PAGE_BYTES:
                return None
            source = "a page saved with SingleFile"
            return _page(original.read_bytes(), item, source, lambda _address: None)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        log.warning("item #%s: the capture could not be read", item.id, exc_info=True)
    return None


def _from_warc(archive: Archive, item: Item, extra: dict[str, Any]) -> ArchivedPage | None:
    box = post_store.container_by_sha(archive.db, str(extra["capture_sha256"]))
    page_bytes = blobs.blob_path(archive.blobs_dir, item.sha256)
    if box is None or page_bytes.stat().st_size > MAX_PAGE_BYTES:
        return None
    path = blobs.blob_path(archive.blobs_dir, box.sha256)
    responses = [r for r in box.extra.get("responses", []) if r.get("type") != "revisit"]
    by_address: dict[str, list[dict[str, Any]]] = {}
    for entry in responses:
        by_address.setdefault(urldefrag(str(entry.get("uri", "")))[0], []).append(entry)
    captured = item.captured_at

    def lookup(address: str) -> bytes | None:
        found = by_address.get(urldefrag(address)[0])
        if not found:
            return None
        # The capture nearest in time to the page's: a page captured twice shows its own.
        entry = min(found, key=lambda e: abs(_seconds(str(e.get("date", ""))) - _seconds(captured)))
        member, whole = str(entry.get("member", "")), bool(entry.get("whole_gzip"))
        return _record_payload(path, member, int(entry["offset"]), whole)

    source = str(extra.get("locator") or extra.get("warc_file") or "a web capture")
    return _page(page_bytes.read_bytes(), item, source, lookup)


def _record_payload(path: Path, member: str, offset: int, whole_gzip: bool) -> bytes | None:
    """The payload of the WARC record at `offset` (in the WACZ member `member`, if any;
    `whole_gzip`: an offset in the decompressed WARC, which was gzipped as one)."""
    from warcio.archiveiterator import ArchiveIterator

    def first(stream: Any) -> bytes | None:
        for record in ArchiveIterator(stream):
            data: bytes = record.content_stream().read(MAX_RESOURCE_BYTES)
            return data
        return None

    with contextlib.ExitStack() as stack:
        if member:
            wacz = stack.enter_context(zipfile.ZipFile(path))
            stream: Any = stack.enter_context(wacz.open(member))
        else:
            stream = stack.enter_context(path.open("rb"))
        if whole_gzip:
            stream = stack.enter_context(gzip.GzipFile(fileobj=stream))
        stream.seek(offset)
        return first(stream)


def _from_mhtml(archive: Archive, item: Item) -> ArchivedPage | None:
    original = blobs.blob_path(archive.blobs_dir, item.sha256)
    if original.stat().st_size > MAX_PAGE_BYTES:
        return None
    message = BytesParser(policy=policy.default).parsebytes(original.read_bytes())
    parts = [p for p in message.walk() if not p.is_multipart()]
    page = next((p for p in parts if p.get_content_type() == "text/html"), None)
    if page is None:
        return None
    by_address: dict[str, bytes] = {}
    for part in parts:
        payload = part.get_payload(decode=True)
        if part is page or not isinstance(payload, bytes):
            continue
        if part.get("Content-Location"):
            by_address[str(part["Content-Location"])] = payload
        if part.get("Content-ID"):
            by_address["cid:" + str(part["Content-ID"]).strip("<>")] = payload
    markup = page.get_payload(decode=True)
    data = markup if isinstance(markup, bytes) else b""
    charset = page.get_content_charset()
    if charset:
        data = data.decode(charset, "replace").encode("utf-8")
    return _page(data, item, "the MHTML file", by_address.get)


def _page(data: bytes, item: Item, source: str, read: Any) -> ArchivedPage:
    """Sanitise the markup and name its resources as keys of this capture."""
    base = item.source_url
    cache: dict[str, bytes | None] = {}

    def lookup(address: str) -> bytes | None:  # each resource read once, then remembered
        if address not in cache:
            cache[address] = read(address)
        return cache[address]

    root = lxml.html.document_fromstring(data or b"<html></html>")
    addresses: dict[str, str] = {}
    missing: list[str] = []

    def key_for(address: str) -> str:
        if address.startswith("data:"):
            return address
        absolute = urljoin(base, address.strip())
        for key, known in addresses.items():
            if known == absolute:
                return key
        key = f"{SCHEME}:{len(addresses) + 1}"
        addresses[key] = absolute
        return key

    styles: list[str] = []
    for element in root.iter("style"):
        styles.append(element.text_content())
    for element in root.iter("link"):
        if "stylesheet" in (element.get("rel") or "").lower() and element.get("href"):
            absolute = urljoin(base, str(element.get("href")))
            css = lookup(absolute)
            if css is None:
                missing.append(absolute)
            else:
                styles.append(css.decode("utf-8", "replace"))
    for element in root.iter("img"):
        source_address = element.get("src") or ""
        srcset = element.get("srcset") or ""
        if not source_address and srcset:
            source_address = srcset.split(",")[0].split()[0]
        if source_address:
            element.set("src", key_for(source_address))
    body = root.find("body")
    fragment = lxml.html.tostring(body if body is not None else root, encoding="unicode")
    markup = nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", SCHEME, "data"},
        link_rel="noopener noreferrer nofollow",
    )
    for address in addresses.values():
        if lookup(address) is None:
            missing.append(address)
    style = _CSS_IMPORT.sub("", "\n".join(styles))
    style = _CSS_URL.sub("none", style)  # a picture a style sheet names is not fetched
    return ArchivedPage(item.source_url, item.captured_at, source, markup, style, addresses,
                        missing, lookup)  # fmt: skip


def _data_uri(address: str) -> bytes | None:
    """The bytes of a data: address of a picture; None for anything else."""
    header, _, payload = address.partition(",")
    if not header.lower().startswith("data:image/"):
        return None
    try:
        if header.lower().endswith(";base64"):
            return base64.b64decode(payload, validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None


def _seconds(iso: str) -> float:
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
