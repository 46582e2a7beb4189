"""The small interface every importer implements.

An importer is a module with::

    NAME: str                                   # e.g. "pdf"
    def detect(head: bytes, path: Path) -> bool # head = first 8 KiB of the file
    def extract(path: Path, ctx: ExtractContext) -> Extracted

`extract` raises `UnreadableFile` (from xarchive.core.errors) with a sentence a
person understands ("the PDF is encrypted; remove the password and import it
again") when the file cannot be read. It runs in a worker process: it must not
touch SQLite or the index, only read the file and write caches under
`ctx.derived_dir`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..words import Word

#: Item kinds (DESIGN.md §2).
KINDS = ("document", "image", "article", "post", "text", "message", "video")


@dataclass(frozen=True, slots=True)
class ExtractContext:
    """What an importer may use besides the file itself."""

    sha256: str
    #: `derived/` of the archive: thumbnails go to derived/thumbs/<sha256>.png,
    #: OCR text to derived/ocr/<sha256>.txt (both rebuildable caches).
    derived_dir: Path
    #: Whether OCR should be attempted (the user may switch it off).
    ocr: bool = True
    #: tesseract language string, e.g. "eng+urd".
    ocr_languages: str = "eng+urd"


@dataclass(frozen=True, slots=True)
class Extracted:
    """What an importer found in one file."""

    kind: str
    media_type: str
    title: str
    #: The text, one string per page (one page for everything but PDFs).
    pages: tuple[str, ...]
    #: ISO 639-1 code such as "en" or "ur"; "" if unknown.
    language: str = ""
    #: ISO 8601 (UTC when the zone is known), "" if unknown.
    published_at: str = ""
    captured_at: str = ""
    author: str = ""
    source_url: str = ""
    #: "none" (no OCR needed), "done", "missing-tesseract", "missing-language", "failed".
    ocr_status: str = "none"
    #: Page numbers (1-based) whose text came from OCR.
    ocr_pages: tuple[int, ...] = ()
    #: Things a person should know that did not stop the import.
    warnings: tuple[str, ...] = ()
    #: Format-specific metadata (image size, PDF producer, …) kept as JSON.
    extra: dict[str, Any] = field(default_factory=dict)
    #: The words OCR read on each page (1-based) it read, with their boxes.
    ocr_words: dict[int, tuple[Word, ...]] = field(default_factory=dict)
