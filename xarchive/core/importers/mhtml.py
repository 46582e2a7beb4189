"""Pages saved as MHTML (RFC 2557), as Chrome, Edge and Hunchly write them.

One file, one `article` item: the MHTML file is the original; its HTML part is
decoded by the stdlib `email` package (quoted-printable soft line breaks, which
Chrome's 76-column lines put inside words, base64, the part's charset) and read
as any saved page (html.py). The address is Chrome's `Snapshot-Content-Location`
header (else the HTML part's `Content-Location`), the time of capture its `Date`
header, the title its `Subject` (else the page's). The pictures and styles saved
with the page stay in the original, listed in `extra["resources"]`, for the viewer
(captures.py), which shows them without loading anything from outside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from ..errors import UnreadableFile
from ..model import Extracted
from . import html, quoted
from .base import ExtractContext

NAME = "mhtml"
MEDIA_TYPE = "multipart/related"

_TOP = re.compile(rb"^content-type:\s*multipart/related", re.IGNORECASE | re.MULTILINE)
_SAVED_PAGE = re.compile(rb"^(snapshot-content-location:|from:\s*<?saved by )", re.I | re.M)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_MAIL_HEADERS = re.compile(rb"^(received|message-id|to|delivered-to|return-path):", re.I | re.M)


def detect(head: bytes, path: Path) -> bool:
    """A MIME message of related parts that is a saved page, not an e-mail."""
    headers = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if not _TOP.search(headers):
        return False
    if _SAVED_PAGE.search(headers) or path.suffix.lower() in (".mht", ".mhtml"):
        return True
    return not _MAIL_HEADERS.search(headers)


def extract(path: Path, ctx: ExtractContext) -> Extracted:
    """Read the saved page. Raises UnreadableFile when its parts cannot be found."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{quoted(path)} cannot be read: {exc.strerror or exc}.") from exc
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    if not message.is_multipart() or not list(message.iter_parts()):
        raise UnreadableFile(
            f"{quoted(path)} is a saved page (MHTML) whose parts cannot be found: the "
            "boundary its header names is missing or damaged. Save the page again, or "
            "import it as HTML."
        )
    parts = [p for p in message.walk() if not p.is_multipart()]
    page = _root_part(message, parts)
    if page is None:
        raise UnreadableFile(f"{quoted(path)} is a saved page (MHTML) with no HTML part.")
    markup = _markup(page)
    found = html.extract_markup(markup, path, ctx)
    warnings = list(found.warnings)
    defects = [type(d).__name__ for p in message.walk() for d in p.defects]
    if defects:
        warnings.append(
            "The MHTML file has flaws its reader worked around ("
            + ", ".join(sorted(set(defects)))
            + "): some of its parts may be missing."
        )
    address = str(message.get("Snapshot-Content-Location") or page.get("Content-Location") or "")
    captured = mail_date(str(message.get("Date") or ""))
    resources: list[dict[str, Any]] = []
    for part in parts:
        if part is page:
            continue
        payload = part.get_payload(decode=True)
        resources.append(
            {
                "url": str(part.get("Content-Location") or ""),
                "content_id": str(part.get("Content-ID") or "").strip("<>"),
                "media_type": part.get_content_type(),
                "bytes": len(payload) if isinstance(payload, bytes) else 0,
            }
        )
    extra = {
        **found.extra,
        "format": "mhtml",
        "saved_by": str(message.get("From") or ""),
        "resources": resources,
    }
    if captured:
        extra["captured_at_source"] = "MHTML file's Date header"
    if found.source_url and address and found.source_url != address:
        extra["source_url_in_file"] = found.source_url
    subject = str(message.get("Subject") or "").strip()
    return Extracted(
        kind="article",
        media_type=MEDIA_TYPE,
        title=subject or found.title,
        pages=found.pages,
        language=found.language,
        published_at=found.published_at,
        captured_at=captured or found.captured_at,
        author=found.author,
        source_url=address or found.source_url,
        warnings=tuple(warnings),
        extra=extra,
    )


def _root_part(message: Message, parts: Sequence[Message]) -> Message | None:
    """The page: the part `start` names, else the first HTML part."""
    param = message.get_param("start")
    start = param.strip("<>") if isinstance(param, str) else ""
    if start:
        for part in parts:
            if str(part.get("Content-ID") or "").strip("<>") == start:
                return part
    return next((p for p in parts if p.get_content_type() in _HTML_TYPES), None)


def _markup(part: Message) -> bytes:
    """The HTML part's bytes, transfer encoding undone; a charset that only the MIME
    header declares is made known to the page reader by a byte order mark."""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset()
    if charset:
        try:
            text = data.decode(charset, "replace")
        except LookupError:
            return data
        return b"\xef\xbb\xbf" + text.lstrip("\ufeff").encode("utf-8")
    return data


def mail_date(value: str) -> str:
    """An RFC 5322 date as ISO 8601 in UTC; "" if unreadable."""
    if not value.strip():
        return ""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return ""
    if moment.tzinfo is None:
        return moment.isoformat(timespec="seconds")
    return moment.astimezone(UTC).isoformat(timespec="seconds")
