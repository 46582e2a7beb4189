"""Pictures: screenshots of posts, photos of documents and protests.

Every picture is decoded completely before it is accepted, so a screenshot cut
short by a failed transfer is reported instead of imported as half a picture.
Its text is read by OCR (ocr.py) so screenshots are searchable, a thumbnail is
written for the item list, and the time it was taken comes from EXIF (photos)
or the PNG "Creation Time" (some screenshot tools).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import struct
import warnings
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from .. import ocr
from ..errors import UnreadableFile
from ..language import detect_language
from ..model import Extracted
from ..words import Word
from . import pretty_stem, quoted, write_atomically
from .base import ExtractContext

NAME = "image"
THUMBNAIL_PX = 320

#: (magic, offset) → Pillow format name.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG"),
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"GIF87a", 0, "GIF"),
    (b"GIF89a", 0, "GIF"),
    (b"WEBP", 8, "WEBP"),
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
)
_MEDIA_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",  # what Pillow calls the JPEG of phones that embed a preview
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
}

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_TAG_DATETIME = 0x0132
_TAG_MAKE, _TAG_MODEL = 0x010F, 0x0110
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_OFFSET_TIME_ORIGINAL = 0x9011
_TAG_OFFSET_TIME = 0x9010
_EXIF_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")

# What Pillow raises for pictures it cannot decode: truncated data, broken chunks
# (SyntaxError, for historical reasons), bad sizes and tables.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, TypeError)


def format_of(head: bytes) -> str:
    """Pillow's name of the picture format `head` starts with, "" if none."""
    for magic, offset, name in _MAGIC:
        if head[offset : offset + len(magic)] == magic and (name != "WEBP" or head[:4] == b"RIFF"):
            return name
    return ""


def detect(head: bytes, path: Path) -> bool:
    """PNG, JPEG, GIF, WebP and TIFF by their magic bytes."""
    return bool(format_of(head))


def extract(path: Path, ctx: ExtractContext) -> Extracted:
    """Check the picture decodes, read its metadata, write its thumbnail, OCR it.

    Raises UnreadableFile when the picture is truncated or damaged, or too large
    to decode safely (a possible decompression bomb). A failed thumbnail or OCR
    only adds a warning.
    """
    with warnings.catch_warnings(record=True) as caught:
        # What Pillow warns of while reading (damaged EXIF, a malformed MPO or APNG) is
        # said of the item, in words, instead of printed by Python on the terminal.
        warnings.simplefilter("always")
        picture = _decode(path)
        try:
            found = _extract(picture, path, ctx)
        finally:
            picture.close()  # multi-frame pictures keep their file open
    pillows = [c for c in caught if "PIL" in Path(c.filename).parts]
    for other in caught:  # another library's (numpy's, in OCR): left to Python, as before
        if other not in pillows:
            warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
    said = [w for w in dict.fromkeys(_said(str(c.message)) for c in pillows) if w]
    if said:
        found = dataclasses.replace(found, warnings=(*found.warnings, *said))
    return found


#: What Pillow's warnings mean for the picture, by a word of theirs ("" : nothing to say).
_PILLOW_WARNINGS = (
    ("exif", "Part of the picture's EXIF metadata is damaged and was left out; the picture "
     "itself was read whole."),
    ("tag", "Part of the picture's metadata (its TIFF or EXIF tags) is damaged and was left "
     "out; the picture itself was read whole."),
    ("mpo", "The picture says it holds several images (MPO) but that part is damaged; its "
     "first image was read."),
    ("apng", "The animated PNG is damaged; only its first frame was read."),
    ("transparency", "The picture's transparency could not be kept in its thumbnail."),
    ("defusedxml", ""),
)  # fmt: skip


def _said(message: str) -> str:
    """A warning of Pillow's in words for the researcher, with Pillow's own at the end."""
    lowered = message.lower()
    for word, sentence in _PILLOW_WARNINGS:
        if word in lowered:
            return f"{sentence} (Pillow: {message.strip()})" if sentence else ""
    return f"The picture was read, with a warning from Pillow: {message.strip()}"


def _extract(picture: Image.Image, path: Path, ctx: ExtractContext) -> Extracted:
    extra, captured = _describe(picture)
    notes: list[str] = []
    try:
        upright = ImageOps.exif_transpose(picture)
    except (*_DECODE_ERRORS, KeyError):
        upright = picture  # a broken orientation tag: keep the picture as stored
    try:
        extra["thumbnail"] = _write_thumbnail(upright, ctx, path)
    except OSError as exc:
        notes.append(f"The thumbnail could not be saved ({exc.strerror or exc}).")
    text, ocr_status, ocr_pages = "", "none", tuple[int, ...]()
    ocr_words: dict[int, tuple[Word, ...]] = {}
    if ctx.ocr:
        result = ocr.ocr_image(upright, ctx.ocr_languages)
        text, ocr_status = result.text, result.status
        ocr_pages = (1,) if text else ()
        if result.words:
            ocr_words[1] = result.words  # boxes in fractions of the upright picture
        if result.warning:
            notes.append(result.warning)
    picture_format = picture.format or ""
    return Extracted(
        kind="image",
        media_type=_MEDIA_TYPES.get(picture_format, f"image/{picture_format.lower()}"),
        title=pretty_stem(path),
        pages=(text,),
        language=detect_language(text),
        captured_at=captured,
        ocr_status=ocr_status,
        ocr_pages=ocr_pages,
        warnings=tuple(notes),
        extra=extra,
        ocr_words=ocr_words,
    )


def _describe(picture: Image.Image) -> tuple[dict[str, Any], str]:
    """The picture's size, format and camera details, and when it was taken ("" if unknown)."""
    extra: dict[str, Any] = {
        "width": picture.width,
        "height": picture.height,
        "format": picture.format or "",
        "mode": picture.mode,
    }
    frames = getattr(picture, "n_frames", 1)
    if frames > 1:
        extra["frames"] = frames
    exif = _exif(picture)
    captured, source, zone = _capture_time(picture, exif)
    if captured:
        extra["captured_at_source"] = source
        extra["captured_at_zone"] = zone
    camera = " ".join(str(exif.get(tag, "")).strip("\x00 ") for tag in (_TAG_MAKE, _TAG_MODEL))
    if camera.strip():
        extra["camera"] = " ".join(camera.split())
    if _GPS_IFD in exif:
        # Worth knowing before a picture is shared: it tells where it was taken.
        extra["has_gps_location"] = True
    return extra, captured


def _decode(path: Path) -> Image.Image:
    """The picture, fully decoded (first frame), or UnreadableFile saying what is wrong."""
    name = quoted(path)
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; both are refused.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as probe:
                probe.verify()  # checks chunk CRCs and structure without decoding
            picture = Image.open(path)
            try:
                picture.load()  # decodes every pixel: finds truncated data
            except BaseException:
                picture.close()
                raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnreadableFile(_too_large(name, exc)) from exc
        except UnidentifiedImageError as exc:
            raise UnreadableFile(
                f"{name} is damaged: its header says it is a picture, but it cannot be read."
            ) from exc
        except MemoryError as exc:
            raise UnreadableFile(
                f"{name} is too large to decode with the memory available."
            ) from exc
        except _DECODE_ERRORS as exc:
            raise UnreadableFile(f"{name} is truncated or damaged: {_reason(exc)}.") from exc
    return picture


def _reason(exc: BaseException) -> str:
    message = str(exc)
    if "truncated" in message or isinstance(exc, EOFError):
        return "the picture data ends early (an incomplete download or copy?)"
    return f"it cannot be decoded ({message or type(exc).__name__})"


def _too_large(name: str, exc: BaseException) -> str:
    pixels = re.search(r"\((\d+) pixels\)", str(exc))
    size = f" ({int(pixels.group(1)) / 1e6:.0f} million pixels)" if pixels else ""
    limit = (Image.MAX_IMAGE_PIXELS or 0) / 1e6
    return (
        f"{name} is too large to open safely{size}: pictures over {limit:.0f} million pixels "
        "can be decompression bombs; if this one is genuine, save a smaller copy and import that."
    )


def _exif(picture: Image.Image) -> Image.Exif:
    """The picture's EXIF tags; none when they are malformed (the picture itself is fine)."""
    try:
        exif = picture.getexif()
        exif.get_ifd(_EXIF_IFD)  # parsed lazily: fail here rather than later
    except (*_DECODE_ERRORS, KeyError):
        return Image.Exif()
    return exif


def _capture_time(picture: Image.Image, exif: Image.Exif) -> tuple[str, str, str]:
    """(ISO time, where it came from, zone) of when the picture was taken, or ("", "", "").

    EXIF times have no zone unless the camera wrote OffsetTimeOriginal: they stay
    local ("2024-02-17T18:05:11") and the zone is "unknown".
    """
    details = exif.get_ifd(_EXIF_IFD)
    for tag, offset_tag, source in (
        (_TAG_DATETIME_ORIGINAL, _TAG_OFFSET_TIME_ORIGINAL, "EXIF DateTimeOriginal"),
        (_TAG_DATETIME, _TAG_OFFSET_TIME, "EXIF DateTime"),
    ):
        value = details.get(tag) if tag in details else exif.get(tag)
        local = _exif_datetime(value)
        if local is None:
            continue
        offset = str(details.get(offset_tag, "")).strip("\x00 ")
        if _OFFSET.match(offset):
            aware = datetime.fromisoformat(local.isoformat() + offset)
            return aware.astimezone(UTC).isoformat(timespec="seconds"), source, offset
        return local.isoformat(timespec="seconds"), source, "unknown"
    created = picture.info.get("Creation Time")
    if isinstance(created, str):
        moment = _png_time(created)
        if moment is not None:
            if moment.tzinfo is None:
                return moment.isoformat(timespec="seconds"), "PNG Creation Time", "unknown"
            zone = moment.strftime("%z")
            return (
                moment.astimezone(UTC).isoformat(timespec="seconds"),
                "PNG Creation Time",
                f"{zone[:3]}:{zone[3:]}",
            )
    return "", "", ""


def _exif_datetime(value: object) -> datetime | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    found = _EXIF_DATE.match(value.strip())
    if not found:
        return None  # blank, "0000:00:00 00:00:00" and other placeholders
    try:
        return datetime(*(int(part) for part in found.groups()))  # type: ignore[arg-type]
    except ValueError:
        return None


def _png_time(value: str) -> datetime | None:
    """PNG's Creation Time: ISO 8601 in practice, RFC 1123 in the specification."""
    value = value.strip()
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _write_thumbnail(picture: Image.Image, ctx: ExtractContext, path: Path) -> str:
    """Write a PNG at most THUMBNAIL_PX on a side; its path relative to derived/."""
    thumb = picture.copy()
    if thumb.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = "A" in thumb.mode or "transparency" in thumb.info
        thumb = thumb.convert("RGBA" if has_alpha else "RGB")
    # Halved (or more) by averaging first where the picture is 1.5 times the thumbnail
    # or more, Lanczos only after: a screenshot of 1 000 px took 6.2 ms, 2.8 ms so
    # (Pillow's `reducing_gap` of 2 averaged nothing below 1 280 px), and the thumbnail
    # differs from one made by Lanczos alone by half a level of 255 on average.
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX), Image.Resampling.LANCZOS, reducing_gap=1.5)
    buffer = io.BytesIO()
    thumb.save(buffer, "PNG", compress_level=1)  # lossless; level 6 took twice as long
    sha = ctx.sha256 or hashlib.sha256(path.read_bytes()).hexdigest()
    relative = f"thumbs/{sha}.png"
    write_atomically(ctx.derived_dir / relative, buffer.getvalue())
    return relative
