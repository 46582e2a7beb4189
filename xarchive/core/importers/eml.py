"""E-mail: one message (.eml, RFC 5322 and MIME) or a mailbox of many (.mbox).

A container importer (see core/model/). Each message is an item of kind
`message`, whose original is the message's bytes as sent (for an .eml, the file
itself): From, To, Cc, Date, Subject and Message-ID as its fields (encoded
words decoded, the date in UTC), the body as its text (an HTML body reduced to
its text, nothing loaded). Each attachment is an item of its own, read by the
importer its content calls for (a court notice as a PDF document), linked to
its message (`attached-to`). An attachment that cannot be decoded, or whose
content its importer refuses, is reported by name and the rest imports.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import lxml.html
import nh3

from ..blobs import stage_bytes
from ..errors import UnreadableFile
from ..language import detect_language
from ..model import Contained, Extracted, ExtractedContainer, RecordProblem, StagedMedia
from ..names import safe_file_name
from . import mhtml, quoted
from .base import ContainerContext
from .html import blocks_text
from .mhtml import mail_date
from .text import shorten

NAME = "email"
MESSAGE_TYPE = "message/rfc822"
MBOX_TYPE = "application/mbox"

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?|^[ \t]+\S")
_FIELD = re.compile(rb"^([A-Za-z-]+):", re.MULTILINE)
_MBOX_FROM = re.compile(rb"^From \S+ +\S")
_ADDRESS_FIELDS = ("From", "To", "Cc", "Reply-To")


def detect(head: bytes, path: Path) -> bool:
    """The header block of an e-mail (From and Date, and To, Subject or Message-ID),
    or an mbox's first "From " line before one; not a page saved as MHTML."""
    data = head.removeprefix(b"\xef\xbb\xbf")
    if _MBOX_FROM.match(data):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    block = re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0]
    lines = block.splitlines()
    if not lines or not all(_HEADER_LINE.match(line) for line in lines):
        return False
    fields = {name.lower() for name in _FIELD.findall(block)}
    if not ({b"from", b"date"} <= fields and fields & {b"to", b"subject", b"message-id"}):
        return False
    return not mhtml.detect(head, path)


def extract_many(path: Path, ctx: ContainerContext) -> ExtractedContainer:
    """Read the message, or every message of the mailbox, and their attachments.

    Raises UnreadableFile when the file cannot be read or holds no message.
    """
    name = Path(ctx.origin).name
    try:
        with path.open("rb") as handle:
            is_mbox = _MBOX_FROM.match(handle.read(1024).removeprefix(b"\xef\xbb\xbf")) is not None
        messages = list(_mbox(path)) if is_mbox else [(0, path.read_bytes())]
    except (OSError, mailbox.Error) as exc:
        raise UnreadableFile(f"{quoted(Path(ctx.origin))} cannot be read: {exc}.") from exc
    if not messages:
        raise UnreadableFile(f"{quoted(Path(ctx.origin))} is a mailbox with no message in it.")
    reader = _Reader(ctx, name, is_mbox)
    for number, raw in messages:
        reader.message(number, raw)
    dates = sorted(d for d in reader.dates if d)
    if is_mbox:
        title = f"Mailbox {name} ({len(messages)} message{'s' if len(messages) != 1 else ''})"
    else:
        title = f"E-mail {name}"
    return ExtractedContainer(
        kind="mbox" if is_mbox else "email",
        media_type=MBOX_TYPE if is_mbox else MESSAGE_TYPE,
        title=title,
        posts=(),
        media=tuple(reader.media),
        captured_at=dates[-1] if dates else "",
        problems=tuple(reader.problems),
        extra={"messages": len(messages)},
    )


def _mbox(path: Path) -> Iterator[tuple[int, bytes]]:
    box = mailbox.mbox(path, create=False)
    try:
        for number, key in enumerate(box.keys(), 1):
            yield number, box.get_bytes(key)
    finally:
        box.close()


class _Reader:
    def __init__(self, ctx: ContainerContext, name: str, is_mbox: bool) -> None:
        self.ctx, self.name, self.is_mbox = ctx, name, is_mbox
        self.media: list[StagedMedia] = []
        self.problems: list[RecordProblem] = []
        self.dates: list[str] = []

    def message(self, number: int, raw: bytes) -> None:
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(parsed, EmailMessage)
        where = f"message {number} of {self.name}" if self.is_mbox else self.name
        member = f"message {number}" if self.is_mbox else "message"
        if self.is_mbox:
            location = f"{self.ctx.origin}/message {number}/message-{number}.eml"
        else:
            location = self.ctx.origin
        fields = _fields(parsed)
        self.dates.append(fields["date"])
        body, body_type = _body(parsed)
        attachments: list[dict[str, Any]] = []
        parts: list[StagedMedia] = []
        warnings: list[str] = []
        for position, part in enumerate(parsed.iter_attachments(), 1):
            file_name = part.get_filename() or f"attachment-{position}"
            attachments.append({"name": file_name, "media_type": part.get_content_type()})
            data = _attachment_bytes(part)
            defects = [type(d).__name__ for d in part.defects]
            if data is None:
                reason = "its content could not be decoded"
                self.problems.append(RecordProblem(f"attachment ‘{file_name}’ of {where}", reason))
                warnings.append(f"The attachment ‘{file_name}’ could not be imported: {reason}.")
                continue
            notes: list[str] = []
            if defects:
                notes.append(
                    f"The attachment's encoding is damaged ({', '.join(sorted(set(defects)))}): "
                    "its bytes may not be the ones sent."
                )
            safe = safe_file_name(file_name, f"attachment-{position}")
            parts.append(
                StagedMedia(
                    f"{member}/attachment {position}",
                    f"{location}/attachment {position}/{safe}",
                    stage_bytes(data, self.ctx.staging),
                    Contained(
                        name=safe,
                        locator=f"attachment {position} of {where}",
                        captured_at=fields["received"],
                        published_at=fields["date"],
                        author=fields["from"],
                        part_of=member,
                        relation="attached-to",
                        warnings=tuple(notes),
                        extra={"attached_to": fields["subject"], "attachment_name": file_name},
                    ),
                )
            )
        extra: dict[str, Any] = {
            "from": fields["from"], "to": fields["to"], "cc": fields["cc"],
            "subject": fields["subject"], "message_id": fields["message_id"],
            "in_reply_to": fields["in_reply_to"], "body_type": body_type,
            "attachments": attachments,
        }  # fmt: skip
        captured = fields["received"] or fields["date"]
        if fields["received"]:
            extra["captured_at_source"] = "first Received header (when it arrived)"
        elif captured:
            extra["captured_at_source"] = "Date header (the message has no Received header)"
        defects = sorted({type(d).__name__ for d in parsed.defects})
        if defects:
            warnings.append(
                f"The message has flaws its reader worked around ({', '.join(defects)})."
            )
        subject = fields["subject"]
        found = Extracted(
            kind="message",
            media_type=MESSAGE_TYPE,
            title=shorten(subject) if subject else f"(no subject) from {fields['from'] or '?'}",
            pages=(body,),
            language=detect_language(body),
            published_at=fields["date"],
            captured_at=captured,
            author=fields["from"],
            warnings=tuple(warnings),
            extra=extra,
        )
        name = f"message-{number}.eml" if self.is_mbox else self.name
        self.media.append(
            StagedMedia(
                member,
                location,
                stage_bytes(raw, self.ctx.staging),
                Contained(name=name, locator=where, extracted=found),
            )
        )
        self.media.extend(parts)


def _fields(message: EmailMessage) -> dict[str, str]:
    def get(name: str) -> str:
        try:
            value = message.get(name)
        except (ValueError, IndexError, TypeError):  # a header the parser cannot take
            return ""
        return " ".join(str(value).split()) if value is not None else ""

    received = ""
    for line in message.get_all("Received") or []:  # the last hop is first
        stamp = str(line).rpartition(";")[2]
        received = mail_date(stamp) or received
        break
    return {
        "from": get("From"),
        "to": get("To"),
        "cc": get("Cc"),
        "subject": get("Subject"),
        "message_id": get("Message-ID").strip("<>"),
        "in_reply_to": get("In-Reply-To").strip("<>"),
        "date": mail_date(get("Date")),
        "received": received,
    }


def _body(message: EmailMessage) -> tuple[str, str]:
    """The message's text, and where it came from ("text/plain", "text/html", "")."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    text = content if isinstance(content, str) else ""
    if part.get_content_type() == "text/html":
        cleaned = nh3.clean(text, tags={"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3",
                                        "blockquote", "pre", "table", "tr", "td"})  # fmt: skip
        root = lxml.html.fragment_fromstring(cleaned or "<p></p>", create_parent="div")
        return blocks_text(root), "text/html"
    return text.strip(), part.get_content_type()


def _attachment_bytes(part: Message) -> bytes | None:
    if part.get_content_type() == "message/rfc822":  # a forwarded message, as it was sent
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0].as_bytes()
        return None
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) and payload else None
