"""The details of an item: dates, source, hash, file, provenance, OCR — as selectable text.

The source URL is shown as text, never as a link: evidence is not opened by a click.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...core.model import Item, Source
from ...core.posts.evidence import PostEvidence
from ...core.wording import human_size
from ..bidi import isolate_runs
from ..filters import KIND_TITLES, language_name
from ..theme import colors
from .safe_browser import SafeTextBrowser
from .video import video_facts

OCR_STATUS = {
    "none": "not needed (the file has a text layer)",
    "done": "done: text was recognised in the image",
    "missing-tesseract": "not done: the tesseract program is not installed",
    "missing-language": "not done: tesseract lacks the language (e.g. Urdu: tesseract-ocr-urd)",
    "failed": "failed: see the warnings",
    "": "unknown",
}


def human_date(iso: str) -> str:
    """'17 Apr 2024, 15:10 UTC  (2024-04-17T15:10:00+00:00)': readable, with the exact value."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if len(iso) <= 10:
        return moment.strftime("%-d %b %Y")
    zone = moment.strftime("%Z") or ""
    zone = "UTC" if zone in ("UTC", "UTC+00:00") else zone
    readable = moment.strftime("%-d %b %Y, %H:%M") + (f" {zone}" if zone else "")
    return f"{readable}   ({iso})"


def metadata_html(item: Item, sources: list[Source], evidence: PostEvidence | None = None) -> str:
    """The item's details as an HTML table (every value escaped); a post's `evidence`
    (withheld, versions, deletion, events) in a section of its own."""
    c = colors()
    extra = item.extra if isinstance(item.extra, dict) else {}

    def row(label: str, value: str, mono: bool = False) -> str:
        # Urdu among Latin (an author, a folder, a quoted name) keeps its own order.
        shown = (
            html.escape(isolate_runs(value, rtl=False))
            if value
            else f'<span style="color:{c.muted};">—</span>'
        )
        if mono and value:
            shown = f'<span style="font-family: monospace;">{shown}</span>'
        return (
            f'<tr><td style="color:{c.muted}; padding-right:12px; white-space:nowrap;">'
            f"{html.escape(label)}</td><td>{shown}</td></tr>"
        )

    def section(title: str) -> str:
        return (
            f'<tr><td colspan="2" style="padding-top:10px; font-weight:600;">'
            f"{html.escape(title)}</td></tr>"
        )

    captured = human_date(item.captured_at)
    if captured and extra.get("captured_at_source"):
        captured += f" — from the {extra['captured_at_source']}"
    rows = [
        section("Dates"),
        row("Published", human_date(item.published_at)),
        row("Captured", captured),
        row("Imported", human_date(item.imported_at)),
        section("Origin"),
        row("Author / account", item.author),
        row("Source URL", item.source_url),
        *_capture_rows(extra, row),
        row("Language", language_name(item.language) if item.language else ""),
        row("Kind", f"{KIND_TITLES.get(item.kind, item.kind)} ({item.media_type})"),
        section("File"),
        row("Original name", item.original_name),
        row("Original path", item.original_path),
        row("Size", human_size(item.size)),
        row("Pages", str(item.page_count)),
        row("SHA-256", item.sha256, mono=True),
        row("OCR", OCR_STATUS.get(item.ocr_status, item.ocr_status)),
        row("Item", f"#{item.id}"),
        *_video_rows(item, extra, section, row),
        *_evidence_rows(evidence, section, row),
        section("Provenance"),
    ]
    if sources:
        for source in sources:
            rows.append(
                row(
                    f"Import run {source.run_id}",
                    f"{source.path}  (from {source.root}, {source.seen_at})",
                )
            )
    else:
        rows.append(row("Imported from", ""))
    if item.warnings:
        rows.append(section("Warnings"))
        rows.extend(row("", w) for w in item.warnings)
    return '<table cellspacing="0" cellpadding="2" width="100%">' + "".join(rows) + "</table>"


#: What a web capture or a message says of an item: (key in extra, label).
_CAPTURE_FIELDS = (
    ("locator", "Found in"),
    ("digest_check", "Record digest"),
    ("wacz_signature", "WACZ signature"),
    ("from", "From"),
    ("to", "To"),
    ("cc", "Cc"),
    ("message_id", "Message-ID"),
)


def _video_rows(
    item: Item,
    extra: dict[str, Any],
    section: Callable[[str], str],
    row: Callable[[str, str], str],
) -> list[str]:
    """What the import read of a video: length, size, codec, frame rate, sound, poster."""
    if item.kind != "video":
        return []
    rows = [section("Video"), row("Read as", video_facts(extra))]
    if isinstance(extra.get("frames"), int):
        rows.append(row("Frames", f"{extra['frames']:,}"))
    if isinstance(extra.get("poster_at"), int | float):
        rows.append(row("Poster frame", f"at {extra['poster_at']:g} s"))
    if extra.get("possibly_sensitive"):
        rows.append(row("Sensitive", "marked possibly sensitive by the platform"))
    return rows


def _evidence_rows(
    found: PostEvidence | None,
    section: Callable[[str], str],
    row: Callable[[str, str], str],
) -> list[str]:
    """What the platform said and did to a post (core/posts/evidence.py)."""
    if found is None:
        return []
    rows = [section("As evidence")]
    held = found.withheld
    if held is not None:
        codes = ", ".join("every country" if c == "XX" else c for c in held.country_codes)
        whole = "the whole account" if held.via == "account" or held.scope == "user" else ""
        rows += [
            row("Withheld in", codes or "some countries"),
            row("Scope", whole or ("the post" if held.scope == "tweet" else held.scope)),
            row("Copyright", "yes (a copyright claim)" if held.copyright else "no"),
            row(
                "Seen withheld",
                " – ".join(
                    dict.fromkeys(
                        human_date(d) for d in (held.first_seen_at, held.last_seen_at) if d
                    )
                ),
            ),
            row(
                "Still withheld",
                "yes, in the latest capture"
                if held.current
                else "no: the latest capture no longer shows it",
            ),
        ]
    else:
        rows.append(row("Withheld", "not seen withheld anywhere"))
    if found.edited:
        rows.append(row("Versions", f"{found.versions} (this is version {found.version})"))
    if found.deleted:
        rows.append(row("Deleted", human_date(found.deleted_at) or "yes (the date is not known)"))
    rows.append(row("Captures", str(found.captures)))
    if found.changed:
        rows.append(row("Changed between captures", ", ".join(found.changed)))
    for event in found.events:
        where = ", ".join(p for p in (event.source, event.where) if p)
        also = f"; also in {', '.join(event.also_in)}" if event.also_in else ""
        rows.append(row("Event", f"{event.label} — {where}{also}"))
    return rows


def _capture_rows(extra: dict[str, Any], row: Callable[[str, str], str]) -> list[str]:
    """Rows for what the capture or the message said, where it said anything."""
    rows = [row(label, str(extra[key])) for key, label in _CAPTURE_FIELDS if extra.get(key)]
    again = extra.get("captured_again")
    if isinstance(again, list) and again:
        dates = ", ".join(human_date(str(a.get("captured_at", ""))) for a in again[:5])
        rows.append(row("Seen again unchanged", dates))
    return rows


class MetadataPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = SafeTextBrowser(self)
        self.browser.document().setDocumentMargin(10)
        self.browser.setAccessibleName("Item details")
        # A SHA-256, a path or a URL has no space to wrap at: break it anywhere rather
        # than hide its end behind a scroll bar.
        self.browser.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)

    def show_item(
        self, item: Item, sources: list[Source], evidence: PostEvidence | None = None
    ) -> None:
        self.browser.setHtml(metadata_html(item, sources, evidence))
        self.browser.verticalScrollBar().setValue(0)

    def clear(self) -> None:
        self.browser.clear()

    def text(self) -> str:
        return self.browser.toPlainText()
