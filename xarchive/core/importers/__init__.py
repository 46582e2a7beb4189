"""The importers, and the choice of one for a file by its content.

Each format is one module with the interface described in `base.py`. The choice
is made by content (magic bytes, markup, decodable text), never by the name: a
PDF saved as `notes.txt` is read as a PDF, and binary junk named `page.html` is
refused with a reason. The file name only breaks ties, such as Markdown versus
plain text.

The small helpers at the top are shared by the importer modules.
"""

from __future__ import annotations

import errno
import importlib
import os
import re
import stat
import tempfile
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import UnreadableFile, UnsupportedFile

#: How much of a file `detect` sees.
HEAD_SIZE = 8192


# -- helpers shared by the importers ------------------------------------------------


def quoted(path: Path) -> str:
    """The file's name as messages show it: ‘reply.pdf’."""
    return f"‘{path.name}’"


_SEPARATORS = re.compile(r"[_+\s]+|%20")
_WORD_HYPHEN = re.compile(r"(?<=\D)-|-(?=\D)")


def pretty_stem(path: Path) -> str:
    """A title made from a file name: "screenshot_moi_reply.png" → "screenshot moi reply".

    Underscores and hyphens between words become spaces; hyphens in dates
    ("2024-02-17") stay.
    """
    words = _SEPARATORS.sub(" ", _WORD_HYPHEN.sub(" ", path.stem))
    return " ".join(words.split()) or path.name


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` so that readers see the old file or the new one, never half.

    Raises OSError (disk full, permission denied); the temporary file is removed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def iso_datetime(value: str) -> str:
    """An ISO 8601 date or time as stored: in UTC when it has a zone; "" if unreadable.

    "2024-02-18T09:40:00+05:00" → "2024-02-18T04:40:00+00:00"; "2024-02-18" stays.
    """
    value = value.strip()
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError:
        return ""
    if len(value) <= 10:
        return moment.date().isoformat()
    if moment.tzinfo is None:
        return moment.isoformat(timespec="seconds")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# -- choosing an importer -------------------------------------------------------------


def find_importer(head: bytes, path: Path) -> ModuleType:
    """The importer for a file whose first HEAD_SIZE bytes are `head`.

    Raises UnsupportedFile, with a sentence naming the file and what it looks
    like, for an empty file or content no importer recognises.
    """
    if not head:
        raise UnsupportedFile(f"{quoted(path)} is empty (0 bytes).")
    for importer in (*_load(_CONTAINER_FORMATS), *_load(_ITEM_FORMATS)):
        if importer.detect(head, path):
            return importer
    raise UnsupportedFile(_unsupported_reason(head, path))


def sniff(path: Path) -> ModuleType:
    """The importer for the file at `path`, chosen by reading its first bytes.

    Raises UnreadableFile when the file cannot be read (permission denied, a
    folder, a link loop or to nowhere, a pipe, vanished) and UnsupportedFile
    when its content matches no importer.
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(f"{quoted(path)} is a folder, not a file.")
        if not stat.S_ISREG(info.st_mode):
            # Opening a named pipe would wait for a writer forever.
            raise UnreadableFile(
                f"{quoted(path)} is not a regular file (a pipe, socket or device)."
            )
        with path.open("rb") as handle:
            head = handle.read(HEAD_SIZE)
    except OSError as exc:
        raise UnreadableFile(_os_reason(path, exc)) from exc
    return find_importer(head, path)


def _os_reason(path: Path, exc: OSError) -> str:
    name = quoted(path)
    if exc.errno == errno.ELOOP:
        return f"{name} is a symbolic link that loops back on itself."
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            return f"{name} is a symbolic link to {os.readlink(path)}, which does not exist."
        return f"{name} has vanished: it was moved or deleted while it was being imported."
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{name} cannot be read: permission denied; check who may read it and try again."
    if exc.errno == errno.EISDIR:
        return f"{name} is a folder, not a file."
    if exc.errno == errno.EIO:
        return f"{name} cannot be read: input/output error (a failing disk or card?)."
    return f"{name} cannot be read: {exc.strerror or exc}."


#: Formats recognised only to say what they are: (magic, offset, description).
_KNOWN_FORMATS: tuple[tuple[bytes, int, str], ...] = (
    (b"PK\x03\x04", 0, "a ZIP archive"),
    (b"\x1f\x8b", 0, "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"ftypheic", 4, "a HEIC picture"),
    (b"ftypheix", 4, "a HEIC picture"),
    (b"ftypmif1", 4, "a HEIF picture"),
    (b"ftypavif", 4, "an AVIF picture"),
    (b"ftypM4A", 4, "an M4A audio file"),
    (b"ftypqt", 4, "a QuickTime video"),
    (b"ftyp", 4, "an MP4 video"),
    (b"\x1aE\xdf\xa3", 0, "a Matroska or WebM video"),
    (b"OggS", 0, "an Ogg audio or video file"),
    (b"ID3", 0, "an MP3 audio file"),
    (b"fLaC", 0, "a FLAC audio file"),
    (b"SQLite format 3\x00", 0, "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Microsoft Office document (DOC, XLS or PPT)"),
    (b"\x7fELF", 0, "a program (ELF)"),
    (b"MZ", 0, "a Windows program"),
    (b"WARC/", 0, "a WARC web archive"),
)

_HINTS = {
    "a HEIC picture": "; convert it to JPEG (most phones can share it as JPEG) and import that",
    "a HEIF picture": "; convert it to JPEG and import that",
    "a ZIP archive": "; unpack it and import the folder",
}

_EXPECTED_BY_SUFFIX = {
    ".pdf": "a PDF",
    ".html": "HTML or text",
    ".htm": "HTML or text",
    ".xhtml": "HTML or text",
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".png": "a PNG picture",
    ".jpg": "a JPEG picture",
    ".jpeg": "a JPEG picture",
    ".gif": "a GIF picture",
    ".webp": "a WebP picture",
    ".tif": "a TIFF picture",
    ".tiff": "a TIFF picture",
}


#: What a file's name promises, by its suffix: the media types it may hold.
_MEDIA_BY_SUFFIX = {
    ".pdf": ("application/pdf",),
    ".png": ("image/png",),
    ".jpg": ("image/jpeg",),
    ".jpeg": ("image/jpeg",),
    ".gif": ("image/gif",),
    ".webp": ("image/webp",),
    ".tif": ("image/tiff",),
    ".tiff": ("image/tiff",),
}
_WHAT_MEDIA_IS = {
    "text/plain": "text",
    "text/markdown": "text",
    "text/html": "HTML",
    "application/xhtml+xml": "HTML",
    "application/pdf": "a PDF",
    "image/png": "a PNG picture",
    "image/jpeg": "a JPEG picture",
    "image/gif": "a GIF picture",
    "image/webp": "a WebP picture",
    "image/tiff": "a TIFF picture",
}


def name_disagrees(path: Path, media_type: str) -> str:
    """A warning when `path`'s suffix names another format than the `media_type` its
    content was read as ("fake.pdf" holding text); "" when they agree or the name
    promises nothing."""
    promised = _MEDIA_BY_SUFFIX.get(path.suffix.lower())
    if promised is None or media_type in promised:
        return ""
    expected = _EXPECTED_BY_SUFFIX[path.suffix.lower()]
    found = _WHAT_MEDIA_IS.get(media_type, media_type)
    return (
        f"{quoted(path)} is named as {expected} but holds {found}: it was imported as "
        f"{found}, as its content says."
    )


def _unsupported_reason(head: bytes, path: Path) -> str:
    name = quoted(path)
    for magic, offset, description in _KNOWN_FORMATS:
        if head[offset : offset + len(magic)] == magic:
            if magic == b"PK\x03\x04" and b"word/" in head:
                description = "a Word document (DOCX)"
            hint = _HINTS.get(description, "")
            return f"{name} is {description}, which xarchive cannot import yet{hint}."
    expected = _EXPECTED_BY_SUFFIX.get(path.suffix.lower())
    looks = "its content looks like binary data (no known format)"
    if expected:
        return f"{name} is not {expected}: {looks}."
    return f"{name} is in no format xarchive can import: {looks}."


# -- the registry ------------------------------------------------------------------------

#: The order of detection: exact magic bytes first (a PNG may quote "%PDF-" in its
#: metadata), the catch-all text importer last.
_ITEM_FORMATS = ("image", "video", "pdf", "mhtml", "html", "text")

#: Importers of containers: one file or folder that holds many items (posts and
#: their pictures). Each has `detect`, `extract_many` (see base.py) and, if
#: it reads folders, `detect_folder`. They are tried before the others.
_CONTAINER_FORMATS = ("wacz", "x_archive", "twarc", "warc", "eml")
#: Those of them that read a folder (`detect_folder`): the only ones a scan of the
#: folders to import needs (the others pull in trafilatura, a fifth of a second of
#: every re-import of an unchanged folder).
_FOLDER_FORMATS = ("x_archive",)

if TYPE_CHECKING:
    IMPORTERS: list[ModuleType]
    CONTAINER_IMPORTERS: list[ModuleType]


@cache
def _load(names: tuple[str, ...]) -> list[ModuleType]:
    # The format modules are imported on first use, not with this package: they
    # pull in trafilatura, pypdf and Pillow (most of a second), which code that
    # only needs the helpers above or `base` (a search, an export) never uses.
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def __getattr__(name: str) -> list[ModuleType]:
    if name == "IMPORTERS":
        return _load(_ITEM_FORMATS)
    if name == "CONTAINER_IMPORTERS":
        return _load(_CONTAINER_FORMATS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_container(importer: ModuleType) -> bool:
    """Whether `importer` reads containers (`extract_many`) rather than one item."""
    return hasattr(importer, "extract_many")


def folder_importer(path: Path) -> ModuleType | None:
    """The container importer that reads the folder at `path` as one unit, if any."""
    for importer in _load(_FOLDER_FORMATS):
        detect_folder = getattr(importer, "detect_folder", None)
        if detect_folder is not None and detect_folder(path):
            return importer
    return None


__all__ = [
    "CONTAINER_IMPORTERS",
    "HEAD_SIZE",
    "IMPORTERS",
    "find_importer",
    "folder_importer",
    "is_container",
    "iso_datetime",
    "name_disagrees",
    "pretty_stem",
    "quoted",
    "sniff",
    "write_atomically",
]
