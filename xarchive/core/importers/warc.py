"""Web archives (WARC, ISO 28500: WARC/1.0 and 1.1, gzipped per record or whole).

A container importer (see core/model/). The WARC file is the original, kept
byte for byte as the container. Each `response` record whose payload is a web
page, a PDF or a picture becomes an item of its own, read by the importer its
content calls for (html, pdf, image), with the record's `WARC-Target-URI` as its
source address and its `WARC-Date` as the time of capture: the capture tool's
word, not the page's. The payload stored is what the browser was given, with
the HTTP transfer and content encodings (chunked, gzip) undone. A page that
declares no charset of its own (no byte order mark, no `<meta charset>`) is read
in the charset its HTTP `Content-Type` header gave, as the browser read it.

Every record's `WARC-Block-Digest` and `WARC-Payload-Digest` is checked while it
is read (warcio); a mismatch is a problem of the record, named by its number,
and the item says so. A `revisit` record (the same payload seen again) is
resolved to the response it points at, by digest or by address and date, and
recorded on that item as a later capture. Pictures and PDFs are linked to the
page that shows or cites them (`part-of`), found from the page's own markup or
the request's Referer. A damaged or truncated file gives the records before the
damage, and one problem for the rest.

`read_records` does the work for one stream, so that the WARCs inside a WACZ are
read the same way (wacz.py).
"""

from __future__ import annotations

import dataclasses
import gzip
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

from .. import blobs
from ..blobs import StagedFile
from ..errors import UnreadableFile
from ..model import Contained, Extracted, ExtractedContainer, RecordProblem, StagedMedia
from ..names import safe_file_name
from . import html as html_importer
from . import iso_datetime, quoted
from .base import ContainerContext, ExtractContext

NAME = "warc"
MEDIA_TYPE = "application/warc"

#: Payloads that become items, by media type; anything else (styles, scripts, fonts,
#: data) stays in the WARC for the viewer and is not an item.
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".xhtml",
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/tiff": ".tif",
}
#: The largest page whose markup is read to find the pictures and PDFs it shows.
_MAX_MARKUP = 8 * 1024 * 1024
_REFERENCES = ("src", "href", "data-src", "poster")
#: How much of a gzipped WARC is read to tell how it was gzipped.
_PROBE = 1 << 20
#: A charset the page declares itself, where the HTML reader looks for one.
_OWN_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*[A-Za-z0-9_.:-]""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r""";\s*charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def detect(head: bytes, path: Path) -> bool:
    """A WARC record header at the start, plain or in a gzip member."""
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def extract_many(path: Path, ctx: ContainerContext) -> ExtractedContainer:
    """Read every record of the WARC.

    Raises UnreadableFile when the file cannot be read or its first record is
    not a WARC record; damage further on is a problem in the result.
    """
    name = Path(ctx.origin).name
    try:
        with path.open("rb") as handle:
            whole = is_whole_file_gzip(handle.read(_PROBE))
        with gzip.open(path, "rb") if whole else path.open("rb") as handle:
            capture = read_records(
                handle, name, ctx.origin, ctx.staging,
                Capture(name, ctx.origin, ctx.extract.sha256, extract=ctx.extract),
                whole_gzip=whole,
            )  # fmt: skip
    except OSError as exc:
        raise UnreadableFile(f"{quoted(Path(ctx.origin))} cannot be read: {exc}.") from exc
    if capture.records == 0:
        reason = capture.problems[0].reason if capture.problems else "it holds no record"
        raise UnreadableFile(f"{quoted(Path(ctx.origin))} is not a readable WARC: {reason}.")
    return capture.container(kind="warc", media_type=MEDIA_TYPE, title=f"Web capture {name}")


@dataclass(slots=True)
class _Resource:
    """A response record read so far, before the pages that show it are known."""

    number: int
    uri: str
    date: str
    media_type: str
    status: int
    staged: StagedFile
    name: str
    digest: str  # its WARC-Payload-Digest, as written
    problems: list[str]
    revisits: list[dict[str, str]] = field(default_factory=list)
    shows: set[str] = field(default_factory=set)  # addresses a page refers to
    alts: dict[str, str] = field(default_factory=dict)  # a page's pictures: address → alt text
    #: The charset of the HTTP header, for a page that declares none of its own.
    charset: str = ""
    #: The page read in that charset (the HTML reader alone would guess).
    extracted: Extracted | None = None


@dataclass(slots=True)
class Capture:
    """What `read_records` found in one WARC stream (or several, for a WACZ)."""

    label: str  # "capture.warc.gz", or "archive/data.warc.gz in capture.wacz"
    location: str  # its path as a person finds it
    #: The SHA-256 of the file read (the WARC, the WACZ): where the viewer finds the
    #: page's pictures and styles again.
    container_sha256: str = ""
    resources: list[_Resource] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    records: int = 0
    types: dict[str, int] = field(default_factory=dict)
    digests: dict[str, int] = field(default_factory=lambda: {"checked": 0, "failed": 0})
    first_date: str = ""
    #: Every response record: address, time, type, status and where it lies, so that
    #: the viewer finds a page's pictures and styles without reading the whole file.
    index: list[dict[str, Any]] = field(default_factory=list)
    software: str = ""
    referers: dict[str, str] = field(default_factory=dict)
    #: Titles known from elsewhere (a WACZ's pages.jsonl), by address.
    titles: dict[str, str] = field(default_factory=dict)
    #: Every response read, by payload digest and by (address, time): the record's
    #: label, and its item-to-be if it is one. What revisits are resolved with.
    by_digest: dict[str, tuple[str, _Resource | None]] = field(default_factory=dict)
    by_capture: dict[tuple[str, str], tuple[str, _Resource | None]] = field(default_factory=dict)
    #: The archive's context for reading a page in its HTTP charset (None: not read here).
    extract: ExtractContext | None = None

    def media(self) -> list[StagedMedia]:
        """Each item-to-be with what the container says of it, pages first."""
        pages = {r.uri: r for r in self.resources if r.media_type in _HTML_TYPES}
        members = {id(r): f"{r.name}#record-{r.number}" for r in self.resources}
        out: list[StagedMedia] = []
        for resource in self.resources:
            member = members[id(resource)]
            part_of = ""
            title = self.titles.get(resource.uri, "")
            if resource.media_type not in _HTML_TYPES:
                page = next(
                    (p for p in pages.values() if resource.uri in p.shows), None
                ) or pages.get(self.referers.get(resource.uri, ""))
                if page is not None:
                    part_of = members[id(page)]
                    title = title or page.alts.get(resource.uri, "")  # the page's words for it
            extra: dict[str, Any] = {
                "warc_record": resource.number,
                "warc_file": self.label,
                "capture_sha256": self.container_sha256,
                "http_status": resource.status,
                "payload_digest": resource.digest,
                "digest_check": "failed" if resource.problems else (
                    "passed" if resource.digest else "no digest in the record"
                ),
            }  # fmt: skip
            if resource.revisits:
                extra["captured_again"] = resource.revisits
            if resource.extracted is not None:
                extra["encoding_source"] = "the record's HTTP Content-Type header"
            warnings = [f"The WARC record's {p}." for p in resource.problems]
            if resource.status >= 400:
                warnings.append(
                    f"The server answered {resource.status}: the capture shows an error page."
                )
            locator = f"record {resource.number} of {self.label}"
            out.append(
                StagedMedia(
                    member,
                    f"{self.location}/record {resource.number}/{resource.name}",
                    resource.staged,
                    Contained(
                        name=resource.name,
                        locator=locator,
                        title=title,
                        source_url=resource.uri,
                        captured_at=resource.date,
                        part_of=part_of,
                        extracted=resource.extracted,
                        warnings=tuple(warnings),
                        extra=extra,
                    ),
                )
            )
        return out

    def container(self, kind: str, media_type: str, title: str, **extra: Any) -> ExtractedContainer:
        return ExtractedContainer(
            kind=kind,
            media_type=media_type,
            title=title,
            posts=(),
            media=tuple(self.media()),
            captured_at=self.first_date,
            problems=tuple(self.problems),
            warnings=tuple(self.warnings),
            extra={
                "records": self.records,
                "record_types": self.types,
                "digests": self.digests,
                "software": self.software,
                "responses": self.index,
                **extra,
            },
        )


class Readable(Protocol):
    """What warcio reads a WARC from: a file, or a member of a WACZ's zip."""

    def read(self, size: int = -1, /) -> bytes: ...

    def tell(self) -> int: ...


def read_records(
    stream: Readable,
    label: str,
    location: str,
    staging: Path,
    capture: Capture | None = None,
    member: str = "",
    whole_gzip: bool = False,
) -> Capture:
    """Read the records of one WARC stream into `capture` (a new one if None).

    `label` names the WARC in messages ("record 3 of capture.warc.gz"), `location`
    is its path, `member` its name in the WACZ it is part of ("" for a WARC file).
    `whole_gzip`: `stream` is the decompressed content of a WARC gzipped as one
    whole (see is_whole_file_gzip), which warcio cannot read as it is.
    Payloads that become items are copied to `staging` while hashed.
    Never raises for damage in the WARC: the records before it are kept and the
    damage is a problem.
    """
    # warcio: imported by the first WARC read, not with this module (the workers' fork
    # server imports every importer before it forks them)
    from warcio.archiveiterator import ArchiveIterator

    capture = capture or Capture(label, location)
    capture.label, capture.location = label, location
    number = 0
    iterator = ArchiveIterator(stream, check_digests=True)
    try:
        for record in iterator:
            number += 1
            capture.records += 1
            kind = record.rec_type or "?"
            capture.types[kind] = capture.types.get(kind, 0) + 1
            headers = record.rec_headers
            uri = (headers.get_header("WARC-Target-URI") or "").strip("<>")
            date = iso_datetime(headers.get_header("WARC-Date") or "")
            if date and (not capture.first_date or date < capture.first_date):
                capture.first_date = date
            resource = None
            if kind == "warcinfo" and not capture.software:
                capture.software = _software(record.content_stream().read(65536))
            elif kind == "request" and record.http_headers is not None:
                referer = record.http_headers.get_header("Referer")
                if referer and uri:
                    capture.referers.setdefault(uri, referer)
            elif kind in ("response", "resource"):
                resource = _response(record, number, uri, date, staging)
            elif kind == "revisit":
                _revisit(capture, record, number, uri, date)
            iterator.read_to_end(record)
            checker = record.digest_checker
            problems = list(checker.problems) if checker is not None else []
            missing = getattr(record.raw_stream, "limit", 0)
            if missing:  # the file ends inside this record: warcio stops without a word
                capture.problems.append(
                    RecordProblem(
                        f"record {number} of {label}" + (f" ({uri})" if uri else ""),
                        f"the file is cut short: the last {missing:,} bytes of the record "
                        "are missing; the records before it were imported",
                    )
                )
                if resource is not None:
                    resource.staged.tmp_path.unlink(missing_ok=True)
                break
            if problems or (checker is not None and checker.passed is not None):
                capture.digests["checked"] += 1
            if problems:
                capture.digests["failed"] += 1
                capture.problems.append(
                    RecordProblem(
                        f"record {number} of {label}" + (f" ({uri})" if uri else ""),
                        "its " + "; ".join(_problem_text(p) for p in problems)
                        + ": the record was altered or damaged after it was written",
                    )
                )  # fmt: skip
            if kind in ("response", "resource", "revisit"):
                capture.index.append(
                    {
                        "warc": label, "member": member, "whole_gzip": whole_gzip,
                        "record": number, "type": kind,
                        "uri": uri, "date": date,
                        "offset": iterator.get_record_offset(),
                        "length": iterator.get_record_length(),
                        "media_type": resource.media_type if resource else "",
                    }
                )  # fmt: skip
            if kind in ("response", "resource"):
                seen = (f"record {number} of {label}", resource)
                digest = headers.get_header("WARC-Payload-Digest") or ""
                if digest:
                    capture.by_digest.setdefault(digest, seen)
                capture.by_capture[(uri, date)] = seen
            if resource is None:
                continue
            resource.problems = [_problem_text(p) for p in problems]
            capture.resources.append(resource)
            if resource.media_type in _HTML_TYPES:
                resource.shows, resource.alts = _references(resource)
                if resource.charset and capture.extract is not None:
                    resource.extracted = _in_header_charset(resource, capture.extract)
    except Exception as exc:  # damage: warcio, gzip and the reader raise many kinds
        capture.problems.append(
            RecordProblem(
                f"{label}, from record {number + 1} on",
                f"could not be read ({_damage(exc)}); the records before it were imported",
            )
        )
    return capture


def is_whole_file_gzip(head: bytes) -> bool:
    """Whether a gzipped WARC is one gzip stream for all its records (`gzip file.warc`)
    rather than one per record, as WARC tools write them: warcio reads only the latter.

    `head` is the file's first bytes (_PROBE of them): a second record header before
    the end of the first gzip member gives it away.
    """
    if head[:2] != b"\x1f\x8b":
        return False
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        plain = inflater.decompress(head, 16 * _PROBE)
    except zlib.error:
        return False
    return b"\r\nWARC/1." in plain[8:]  # the first member ends where its record does


def _response(record: Any, number: int, uri: str, date: str, staging: Path) -> _Resource | None:
    """The payload of a response, staged, if it is a page, a PDF or a picture."""
    status = 200
    content_type = record.rec_headers.get_header("Content-Type") or ""
    if record.http_headers is not None:
        try:
            status = int(record.http_headers.get_statuscode() or 0)
        except ValueError:
            status = 0
        content_type = record.http_headers.get_header("Content-Type") or ""
        if 300 <= status < 400 or status == 0:
            return None  # a redirect: no page of its own
    media_type = content_type.split(";")[0].strip().lower()
    stream = record.content_stream()
    head = stream.read(512)
    media_type = _sniffed(head, media_type, uri)
    if media_type not in _EXTENSIONS:
        return None
    staged = blobs.stage_stream(stream, staging, head=head)
    if staged.size == 0:
        staged.tmp_path.unlink(missing_ok=True)
        return None
    digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
    charset = ""
    if media_type in _HTML_TYPES and not head.startswith(_BOMS):
        declared = _HEADER_CHARSET.search(content_type)
        if declared and not _declares_charset(staged):
            charset = declared.group(1)
    return _Resource(number, uri, date, media_type, status, staged, _name(uri, media_type),
                     digest, [], charset=charset)  # fmt: skip


def _declares_charset(staged: StagedFile) -> bool:
    """Whether the page names its charset near its start, where the HTML reader looks."""
    with staged.tmp_path.open("rb") as handle:
        return _OWN_CHARSET.search(handle.read(4096)) is not None


def _in_header_charset(page: _Resource, ctx: ExtractContext) -> Extracted | None:
    """The page read as the HTML reader reads it, in the charset of its HTTP header
    (made known to the reader by a byte order mark); None if that charset is unknown
    or the page too large, and the reader then guesses as for any page."""
    if page.staged.size > _MAX_MARKUP:
        return None
    data = page.staged.tmp_path.read_bytes()
    try:
        text = data.decode(page.charset, "replace")
    except LookupError:
        return None
    found = html_importer.extract_markup(
        b"\xef\xbb\xbf" + text.encode("utf-8"), Path(page.name),
        dataclasses.replace(ctx, sha256=page.staged.sha256),
    )  # fmt: skip
    warnings = found.warnings
    if "\ufffd" in text and "\ufffd" not in data.decode("utf-8", "ignore"):
        warnings += (f"Some bytes could not be decoded as {page.charset} and were replaced.",)
    return dataclasses.replace(
        found, warnings=warnings, extra={**found.extra, "encoding": page.charset}
    )


def _revisit(capture: Capture, record: Any, number: int, uri: str, date: str) -> None:
    """Note a revisit on the response whose payload it means; a warning if there is none."""
    headers = record.rec_headers
    digest = headers.get_header("WARC-Payload-Digest") or ""
    refers_uri = (headers.get_header("WARC-Refers-To-Target-URI") or "").strip("<>")
    refers_date = iso_datetime(headers.get_header("WARC-Refers-To-Date") or "")
    found = capture.by_digest.get(digest) if digest else None
    if found is None and refers_uri:
        found = capture.by_capture.get((refers_uri, refers_date)) or next(
            (seen for (u, _d), seen in reversed(capture.by_capture.items()) if u == refers_uri),
            None,
        )
    if found is None:
        capture.warnings.append(
            f"record {number} of {capture.label} says {uri or 'a page'} was seen again on "
            f"{date or 'an unknown date'} unchanged, but the capture it refers to is not in "
            "the file"
        )
        return
    original, target = found
    if target is not None:  # else a style or script seen again: nothing to record
        target.revisits.append({"record": f"record {number} of {capture.label}", "uri": uri,
                                "captured_at": date, "same_as": original})  # fmt: skip


def _sniffed(head: bytes, declared: str, uri: str) -> str:
    """The payload's media type: by its first bytes where they are clear, else as declared."""
    start = head.lstrip()[:64].lower()
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if declared in _EXTENSIONS:
        return declared
    if not declared and start.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return declared


def _name(uri: str, media_type: str) -> str:
    """A file name for the payload: the last part of its address, with its extension."""
    path = unquote(urlsplit(uri).path)
    stem = PurePosixPath(path).name if path and not path.endswith("/") else ""
    extension = _EXTENSIONS[media_type]
    if not stem:
        stem = "index"
    elif PurePosixPath(stem).suffix.lower() in (extension, ".htm", ".jpeg"):
        return safe_file_name(stem, "page")
    return safe_file_name(f"{PurePosixPath(stem).stem or stem}{extension}", "page")


def _references(page: _Resource) -> tuple[set[str], dict[str, str]]:
    """Every address the page's markup refers to, absolute; its pictures' alt texts."""
    if page.staged.size > _MAX_MARKUP:
        return set(), {}
    try:
        root = lxml.html.fromstring(page.staged.tmp_path.read_bytes())
    except (ValueError, lxml.etree.ParserError, OSError):
        return set(), {}
    found: set[str] = set()
    alts: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in _REFERENCES:
            value = element.get(name)
            if value and not value.startswith(("data:", "javascript:", "#")):
                found.add(urljoin(page.uri, value.strip()))
        alt = " ".join((element.get("alt") or "").split())
        if element.tag == "img" and element.get("src") and alt:
            alts.setdefault(urljoin(page.uri, str(element.get("src")).strip()), alt[:200])
        srcset = element.get("srcset")
        if srcset:
            found.update(urljoin(page.uri, p.split()[0]) for p in srcset.split(",") if p.split())
    return found, alts


_SOFTWARE = re.compile(rb"^software:\s*(.+?)\s*$", re.MULTILINE | re.IGNORECASE)


def _software(info: bytes) -> str:
    """The tool that wrote the WARC, from its warcinfo record."""
    found = _SOFTWARE.search(info)
    return found.group(1).decode("utf-8", "replace") if found else ""


def _problem_text(problem: str) -> str:
    """warcio's "payload digest failed: sha1:…" as a sentence part."""
    what, _, digest = problem.partition("digest failed")
    digest = digest.strip(" :")
    return f"{what.strip()} digest does not match" + (f" ({digest})" if digest else "")


def _damage(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, (EOFError, zlib.error)):
        return f"the file is cut short or its compression is damaged: {text}"
    return text
