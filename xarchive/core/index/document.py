"""What the index holds of one item (`IndexDocument`), built by whatever writes the
index (core/indexing.py) from the database, and the field values Whoosh is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..model import SearchedFields, SearchedOrigin
from .schema import PAGE_BREAK


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexDocument(SearchedFields, SearchedOrigin):
    """What the index holds of one item (built by the caller from the database): the
    item's fields a person searches by, declared in core/model/ (kind, title, language,
    dates, author, address, OCR status; the original's name, when it was imported), and
    what only the index has."""

    item_id: int
    pages: tuple[str, ...]
    tags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: Posts (and the pictures they show): handles without "@", hashtags without "#".
    accounts: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # is: reply, retweet, quote, deleted, long
    has: tuple[str, ...] = ()  # has: media, links
    alt_texts: tuple[str, ...] = ()  # descriptions of pictures
    #: Country codes where a post (or its account) was seen withheld ("PK"; "XX": all).
    withheld_in: tuple[str, ...] = ()
    withheld_copyright: bool = False
    changed: tuple[str, ...] = ()  # changed: text, counts … (between captures)
    #: Messages: the addresses of From, and of To and Cc, each with its "@domain".
    senders: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    #: … and those of To and of Cc apart (what the facets To and Cc count).
    sent_to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    message_id: str = ""

    def fields(self) -> dict[str, object]:
        published = parse_iso(self.published_at)
        captured = parse_iso(self.captured_at)
        imported = parse_iso(self.imported_at)
        date = published or captured or imported
        content = PAGE_BREAK.join(self.pages)
        doc: dict[str, object] = {
            "id": str(self.item_id),
            "kind": self.kind,
            "title": self.title,
            "content": content,
            "filename": self.original_name.replace("_", " ").replace("-", " "),
            "author": self.author,
            "author_facet": self.author or "",
            "lang": self.language,
            "source": source_of(self.source_url),
            "tag": ",".join(t.replace(",", " ") for t in self.tags),
            "note": "\n\n".join(self.notes),
            "ocr": self.ocr_status,
            "account": _keywords(self.accounts),
            "hashtag": _keywords(self.hashtags),
            "mention": _keywords(self.mentions),
            "is": _keywords(self.flags),
            "has": _keywords(self.has),
            "alt": "\n\n".join(self.alt_texts),
            "changed": _keywords(self.changed),
            "sender": _keywords(self.senders),
            "recipient": _keywords(self.recipients),
            "sent_to": _keywords(self.sent_to),
            "cc": _keywords(self.cc),
            "to_facet": _keywords(tuple(a for a in self.sent_to if not a.startswith("@"))),
            "cc_facet": _keywords(tuple(a for a in self.cc if not a.startswith("@"))),
            "message_id": self.message_id.strip().strip("<>"),
        }
        if self.withheld_in or self.withheld_copyright:
            words = [*self.withheld_in, "any"] + (["copyright"] if self.withheld_copyright else [])
            doc["withheld"] = _keywords(tuple(words))
            doc["withheld_in"] = _keywords(self.withheld_in)
        for name, value in (
            ("date", date),
            ("published", published),
            ("captured", captured),
            ("imported", imported),
        ):
            if value is not None:
                doc[name] = value
        if date is not None:
            doc["ym"] = f"{date.year:04d}-{date.month:02d}"
        return doc


def _keywords(values: tuple[str, ...]) -> str:
    return ",".join(v.replace(",", " ").strip() for v in values if v.strip())


def source_of(url: str) -> str:
    """The site an item came from (host name without ``www.``), "" if none."""
    if not url:
        return ""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def parse_iso(value: str) -> datetime | None:
    """An ISO 8601 date or time as a naive UTC datetime (what Whoosh stores)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
