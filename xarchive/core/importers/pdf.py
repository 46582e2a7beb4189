"""PDF documents: petitions, court orders, replies, reports, born digital or scanned.

The file is opened with pypdf (its metadata, encryption and pictures); each page's
text is read with PDFium (pypdfium2), the engine the viewer draws pages with: it
is 20 times quicker than pypdf's extractor, and it gives Urdu in reading order
where pypdf gives shaped glyphs one per line, back to front. A file PDFium cannot
open is read by pypdf alone. A page without a text layer (a scan) is
read by OCR from the largest pictures on it, so scanned court orders are
searchable too. Encrypted, damaged and incomplete files are refused with a
sentence saying what is wrong and what to do; pypdf's complaints about small
defects it works around go to the log and to `extra["pdf_warnings"]`, not to
stderr.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from .. import ocr
from ..errors import UnreadableFile
from ..language import detect_language
from ..model import Extracted
from ..words import Word
from . import pretty_stem, quoted
from .base import ExtractContext

if TYPE_CHECKING:
    # pypdf and PDFium (a fifth of a second) are imported by the first PDF read, not with
    # this module: an import's workers are forked only once their server has imported
    # every importer, and an import of pictures or posts needs neither
    from pypdf import PageObject, PdfReader

NAME = "pdf"

#: A page with fewer words than this in its text layer is treated as a scan.
MIN_WORDS = 3
#: Pictures on a scanned page OCRed at most, largest first.
MAX_PICTURES_PER_PAGE = 4
#: Pictures smaller than this share of the page's largest one (logos, stamps) are skipped.
MIN_PICTURE_SHARE = 0.25
#: Pictures with a side shorter than this (spacers, rules, bullets) hold no text worth OCR.
MIN_PICTURE_SIDE_PX = 24
#: The pdf_warnings kept in `extra`.
MAX_KEPT_WARNINGS = 10

# Scanners and word processors fill in a title that says nothing about the document.
_GENERIC_TITLES = re.compile(
    r"^(untitled.*|scanned document|scan|document\d*|img_?\d+|microsoft word|pdf|title)$",
    re.IGNORECASE,
)
_OFFICE_PREFIX = re.compile(r"^microsoft (word|excel|powerpoint) - ", re.IGNORECASE)
_OFFICE_SUFFIX = re.compile(r"\.(docx?|xlsx?|pptx?|odt|rtf)$", re.IGNORECASE)
_PDF_DATE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(Z|[+-]\d{2}'?\d{2}'?|[+-]\d{2})?"
)
_WORD = re.compile(r"\w+")
_HEADER = re.compile(rb"%PDF-\d\.\d")

_pypdf_log = logging.getLogger("pypdf")
# pypdf warns on stderr about every defect it works around unless its logger has a
# handler; a person sees those defects in the item's details instead.
_pypdf_log.addHandler(logging.NullHandler())


def detect(head: bytes, path: Path) -> bool:
    """A PDF header ("%PDF-1.7") at the start, or within the first 1024 bytes after junk
    that is not markup (readers accept that much; a web page about PDF is not a PDF)."""
    found = _HEADER.search(head, 0, 1024 + 8)
    return found is not None and (found.start() == 0 or b"<" not in head[: found.start()])


class _Collector(logging.Handler):
    """Keeps what pypdf logs while one file is read."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.messages:
            self.messages.append(message)


@dataclass(slots=True)
class _OcrProgress:
    """What OCR did across the pages of one document."""

    pages: list[int] = field(default_factory=list)
    statuses: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    #: page (1-based) → the words read on it, boxes in fractions of the page as shown
    words: dict[int, tuple[Word, ...]] = field(default_factory=dict)

    def note(self, result: ocr.OcrResult) -> None:
        self.statuses.add(result.status)
        if result.warning and result.warning not in self.warnings:
            self.warnings.append(result.warning)

    @property
    def status(self) -> str:
        for status in ("missing-tesseract", "failed", "missing-language", "done"):
            if status in self.statuses:
                return status
        return "none"


def extract(path: Path, ctx: ExtractContext) -> Extracted:
    """Read the text of every page, the document's metadata, and OCR scanned pages.

    Raises UnreadableFile when the PDF needs a password, is damaged or incomplete
    beyond repair. A page that cannot be read, or cannot be OCRed, only adds a
    warning.
    """
    collector = _Collector()
    _pypdf_log.addHandler(collector)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = _read(path, ctx)
        for warning in caught:
            if str(warning.message) not in collector.messages:
                collector.messages.append(str(warning.message))
    finally:
        _pypdf_log.removeHandler(collector)
    if collector.messages:
        extra = {**result.extra, "pdf_warnings": collector.messages[:MAX_KEPT_WARNINGS]}
        result = replace(result, extra=extra)
    return result


def _read(path: Path, ctx: ExtractContext) -> Extracted:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    name = quoted(path)
    notes: list[str] = []
    try:
        reader = PdfReader(path, strict=False)
        encrypted = reader.is_encrypted
        if encrypted:
            if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise UnreadableFile(
                    f"{name} is encrypted with a password; remove the password (for example "
                    "by printing it to a new PDF) and import it again."
                )
            notes.append(
                "The PDF is encrypted without an opening password (to restrict copying or "
                "printing); it was decrypted to read its text."
            )
        page_count = len(reader.pages)
        info = _metadata(reader)
        texts, unreadable = _page_texts(path, reader, page_count)
    except UnreadableFile:
        raise
    except FileNotDecryptedError as exc:
        raise UnreadableFile(
            f"{name} is encrypted with a password; remove the password and import it again."
        ) from exc
    except DependencyError as exc:
        raise UnreadableFile(
            f"{name} is encrypted with AES, which this installation cannot decrypt: install "
            "the Python package ‘cryptography’ and import it again."
        ) from exc
    except RecursionError as exc:
        raise UnreadableFile(f"{name} is damaged: its structure loops back on itself.") from exc
    except Exception as exc:
        # pypdf raises many kinds of errors on malformed files (KeyError, TypeError,
        # ValueError … as well as its own); any of them means the file is damaged.
        logging.getLogger(__name__).info("pypdf cannot read %s", path, exc_info=True)
        raise UnreadableFile(_damaged(path, exc)) from exc
    if page_count == 0:
        raise UnreadableFile(f"{name} is damaged: it has no pages.")
    if unreadable:
        notes.append(f"The text of {_page_list(unreadable)} could not be read.")
    if not _has_end_marker(path):
        notes.append(
            "The PDF has no end-of-file marker: it may be incomplete (an interrupted "
            "download or copy), so pages may be missing."
        )

    extra: dict[str, Any] = {"page_count": page_count, "encrypted": encrypted}
    extra.update({key: value for key, value in info.items() if key not in ("title", "author")})
    scans = [number for number, text in enumerate(texts, 1) if len(_WORD.findall(text)) < MIN_WORDS]
    progress = _OcrProgress()
    if scans and ctx.ocr:
        try:
            texts = _ocr_pages(reader, texts, scans, ctx.ocr_languages, progress)
        except Exception:  # OCR is a bonus: the text layer is imported whatever happens
            logging.getLogger(__name__).warning("OCR of %s failed", path, exc_info=True)
            progress.statuses.add("failed")
            progress.warnings.append("The scanned pages could not be read by OCR.")
    still_empty = [number for number, text in enumerate(texts, 1) if not text.strip()]
    if still_empty:
        extra["pages_without_text"] = still_empty
    notes.extend(progress.warnings)

    return Extracted(
        kind="document",
        media_type="application/pdf",
        title=info.get("title") or pretty_stem(path),
        pages=tuple(texts),
        language=detect_language("\n".join(texts)[:20_000]),
        published_at=info.get("created_at", ""),
        author=info.get("author", ""),
        ocr_status=progress.status,
        ocr_pages=tuple(progress.pages),
        warnings=tuple(notes),
        extra=extra,
        ocr_words=progress.words,
    )


def _damaged(path: Path, exc: Exception) -> str:
    name = quoted(path)
    if not _has_end_marker(path):
        return (
            f"{name} is damaged: the file ends early (an interrupted download or copy?); "
            "get a complete copy and import it again."
        )
    from pypdf.errors import PdfReadError

    detail = str(exc).strip() if isinstance(exc, PdfReadError) else ""
    reason = f" ({detail})" if detail else ""
    return f"{name} is damaged: its structure cannot be read{reason}."


def _has_end_marker(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - 2048))
            return b"%%EOF" in handle.read()
    except OSError:
        return False


def _metadata(reader: PdfReader) -> dict[str, Any]:
    """Title, author, dates and producing software from the document information."""
    try:
        raw = reader.metadata
    except Exception:  # a broken information dictionary: the pages may still be fine
        return {}
    if raw is None:
        return {}

    def value_of(key: str) -> str:
        try:
            value = raw.get(key)
        except Exception:  # an undecodable string or a broken reference
            return ""
        return " ".join(str(value).replace("\x00", "").split()) if value is not None else ""

    found: dict[str, Any] = {}
    title = value_of("/Title")
    if _OFFICE_PREFIX.search(title):  # "Microsoft Word - reply.docx" → "reply"
        title = _OFFICE_SUFFIX.sub("", _OFFICE_PREFIX.sub("", title))
    if title and not _GENERIC_TITLES.match(title):
        found["title"] = title
    elif title:
        found["pdf_title"] = title  # kept, but the file name says more
    for key, name in (("/Author", "author"), ("/Producer", "producer"), ("/Creator", "creator"),
                      ("/Subject", "subject"), ("/Keywords", "keywords")):  # fmt: skip
        if value := value_of(key):
            found[name] = value
    for key, name in (("/CreationDate", "created_at"), ("/ModDate", "modified_at")):
        if value := value_of(key):
            parsed = pdf_date(value)
            if parsed:
                found[name] = parsed
            else:
                found[f"{name}_unparsed"] = value
    return found


def pdf_date(value: str) -> str:
    """A PDF date as ISO 8601: "D:20240417093000+05'00'" → "2024-04-17T04:30:00+00:00".

    With a time zone the result is in UTC; without one it is the local time as
    written; "" when the text is not a date (producers write all kinds of things).
    """
    found = _PDF_DATE.match(value.strip())
    if not found:
        return ""
    year, month, day, hour, minute, second, zone = found.groups()
    try:
        moment = datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
            int(second or 0),
        )  # fmt: skip
    except ValueError:
        return ""
    if not zone:
        return moment.isoformat(timespec="seconds")
    if zone == "Z":
        offset = timedelta(0)
    else:
        digits = zone[1:].replace("'", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 14 or minutes > 59:
            return moment.isoformat(timespec="seconds")
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
    aware = moment.replace(tzinfo=timezone(offset))
    return aware.astimezone(UTC).isoformat(timespec="seconds")


#: What PDFium puts in a page's text besides the text: a line break as CR LF, and
#: control characters for glyphs it has no character for.
_LINE_BREAK = re.compile(r"\r\n?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _page_texts(path: Path, reader: PdfReader, page_count: int) -> tuple[list[str], list[int]]:
    """Each page's text, and the pages whose text could not be read."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except Exception:  # a file PDFium cannot open (pypdf is more forgiving of some damage)
        logging.getLogger(__name__).info("PDFium cannot read %s", path, exc_info=True)
        return _pypdf_page_texts(reader)
    try:
        if len(document) != page_count:  # read differently: keep to pypdf's pages
            return _pypdf_page_texts(reader)
        texts: list[str] = []
        unreadable: list[int] = []
        for number in range(1, page_count + 1):
            try:
                page = document[number - 1]
                try:
                    textpage = page.get_textpage()
                    try:
                        text = textpage.get_text_range()
                    finally:
                        textpage.close()
                finally:
                    page.close()
            except Exception:  # one broken page must not cost the others
                logging.getLogger(__name__).info("page %d unreadable", number, exc_info=True)
                text = ""
                unreadable.append(number)
            texts.append(_CONTROLS.sub("", _LINE_BREAK.sub("\n", text)))
        return texts, unreadable
    finally:
        document.close()


def _pypdf_page_texts(reader: PdfReader) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    unreadable: list[int] = []
    for number, page in enumerate(reader.pages, 1):
        try:
            text = page.extract_text() or ""
        except RecursionError:
            text = ""
            unreadable.append(number)
        except Exception:  # one broken page must not cost the others
            logging.getLogger(__name__).info("page %d unreadable", number, exc_info=True)
            text = ""
            unreadable.append(number)
        texts.append(text.replace("\x00", ""))
    return texts, unreadable


def _ocr_pages(
    reader: PdfReader, texts: list[str], numbers: list[int], languages: str, progress: _OcrProgress
) -> list[str]:
    """`texts` with the scanned pages among `numbers` replaced by their OCR text."""
    texts = list(texts)
    if not ocr.tesseract_available():
        progress.note(ocr.OcrResult("", "missing-tesseract", ocr.MISSING_TESSERACT))
        return texts
    undecodable: list[int] = []
    for number in numbers:
        page = reader.pages[number - 1]
        pictures = _page_pictures(page)
        if pictures is None:
            undecodable.append(number)
            continue
        found: list[str] = []
        page_words: list[Word] = []
        for picture, placement in pictures:
            result = ocr.ocr_image(picture, languages)
            progress.note(result)
            if result.text:
                found.append(result.text)
            first_line = page_words[-1].line + 1 if page_words else 0
            page_words.extend(placement.place(word, first_line) for word in result.words)
        if page_words:
            progress.words[number] = tuple(page_words)
        if found:
            ocr_text = "\n\n".join(found)
            layer = texts[number - 1].strip()
            texts[number - 1] = (
                f"{layer}\n\n{ocr_text}" if layer and layer not in ocr_text else ocr_text
            )
            progress.pages.append(number)
    if undecodable:
        progress.statuses.add("failed")
        progress.warnings.append(
            f"The scanned pictures on {_page_list(undecodable)} could not be decoded for OCR."
        )
    return texts


@dataclass(frozen=True, slots=True)
class _Placement:
    """Where a picture stands on its page: from the picture as OCRed (upright) to the page
    as shown, both in fractions (0..1, top left origin)."""

    #: The matrix that draws the picture's unit square (PDF's `cm` at its `Do`).
    matrix: tuple[float, float, float, float, float, float]
    #: The page's crop box (x0, y0, x1, y1) in points.
    box: tuple[float, float, float, float]
    #: The page's /Rotate, clockwise: 0, 90, 180 or 270.
    rotation: int

    def point(self, u: float, v: float) -> tuple[float, float]:
        # The picture was turned with the page: back to how it is stored.
        u, v = {0: (u, v), 90: (v, 1 - u), 180: (1 - u, 1 - v), 270: (1 - v, u)}[self.rotation]
        a, b, c, d, e, f = self.matrix
        x, y = a * u + c * (1 - v) + e, b * u + d * (1 - v) + f  # image space is bottom-up
        x0, y0, x1, y1 = self.box
        fx = (x - x0) / ((x1 - x0) or 1)
        fy = (y1 - y) / ((y1 - y0) or 1)
        turned = {0: (fx, fy), 90: (1 - fy, fx), 180: (1 - fx, 1 - fy), 270: (fy, 1 - fx)}
        return turned[self.rotation]

    def place(self, word: Word, first_line: int) -> Word:
        corners = [
            self.point(u, v)
            for u, v in ((word.x, word.y), (word.x + word.w, word.y + word.h),
                         (word.x + word.w, word.y), (word.x, word.y + word.h))
        ]  # fmt: skip
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        return Word(
            word.text, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys),
            first_line + word.line,
        )  # fmt: skip


def _placements(page: PageObject) -> dict[str, tuple[float, float, float, float, float, float]]:
    """The matrix each picture drawn directly by the page's content is drawn with, by name."""
    found: dict[str, tuple[float, float, float, float, float, float]] = {}

    def visit(operator: bytes, operands: list[Any], cm: list[float], _tm: list[float]) -> None:
        if operator == b"Do" and operands:
            found.setdefault(str(operands[0]), tuple(float(n) for n in cm[:6]))  # type: ignore[arg-type]

    try:
        page.extract_text(visitor_operand_before=visit)
    except Exception:  # no placement known: the picture is taken to fill the page
        logging.getLogger(__name__).info("no picture placement", exc_info=True)
    return found


def _page_pictures(page: PageObject) -> list[tuple[Image.Image, _Placement]] | None:
    """The largest pictures drawn on `page`, upright, with where each stands on the page;
    None if none could be decoded."""
    decoded: list[tuple[Image.Image, str]] = []
    failures = 0
    try:
        names = list(page.images.keys())
    except Exception:
        return None
    for name in names:
        try:
            picture = page.images[name].image
        except Exception:  # JBIG2 and other filters pypdf or Pillow cannot decode
            picture = None
        if picture is None:
            failures += 1
        elif min(picture.size) >= MIN_PICTURE_SIDE_PX:
            # A picture inside a form XObject is named by the path to it: its place
            # on the page is not read, it is taken to fill the page.
            decoded.append((picture, name if isinstance(name, str) else ""))
    if not decoded:
        return None if failures else []
    decoded.sort(key=lambda found: found[0].width * found[0].height, reverse=True)
    largest = decoded[0][0].width * decoded[0][0].height
    chosen = [
        found
        for found in decoded[:MAX_PICTURES_PER_PAGE]
        if found[0].width * found[0].height >= MIN_PICTURE_SHARE * largest
    ]
    rotation = int(getattr(page, "rotation", 0) or 0) % 360
    if rotation not in (0, 90, 180, 270):
        rotation = 0
    try:
        crop = page.cropbox
        box = (float(crop.left), float(crop.bottom), float(crop.right), float(crop.top))
    except Exception:
        box = (0.0, 0.0, 1.0, 1.0)
    matrices = _placements(page)
    whole_page = (box[2] - box[0], 0.0, 0.0, box[3] - box[1], box[0], box[1])
    placed: list[tuple[Image.Image, _Placement]] = []
    for picture, name in chosen:
        if rotation:
            # /Rotate turns the page clockwise when shown; the picture is stored unturned.
            picture = picture.rotate(-rotation, expand=True)
        placed.append((picture, _Placement(matrices.get(name, whole_page), box, rotation)))
    return placed


def _page_list(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    shown = ", ".join(str(n) for n in numbers[:10]) + (" …" if len(numbers) > 10 else "")
    return f"pages {shown}"
