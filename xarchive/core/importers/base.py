"""The small interface every importer implements.

An importer is a module with::

    NAME: str                                   # e.g. "pdf"
    def detect(head: bytes, path: Path) -> bool # head = first 8 KiB of the file
    def extract(path: Path, ctx: ExtractContext) -> Extracted

and an importer of containers (one file or folder that holds many items) has
`extract_many(path, ctx: ContainerContext) -> ExtractedContainer` instead. What
they return are records of core/model/.

`extract` raises `UnreadableFile` (from xarchive.core.errors) with a sentence a
person understands ("the PDF is encrypted; remove the password and import it
again") when the file cannot be read. It runs in a worker process: it must not
touch SQLite or the index, only read the file and write caches under
`ctx.derived_dir`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
class ContainerContext:
    """What a container importer may use besides the container itself."""

    extract: ExtractContext
    #: Where media are copied to while being hashed (blobs/.tmp/run-N).
    staging: Path
    #: blobs/: a folder's data files and listing are stored here by the importer.
    blobs_dir: Path
    #: The container's path as the person gave it (the importer may read a copy).
    origin: str
