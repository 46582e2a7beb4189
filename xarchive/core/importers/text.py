"""Plain text and Markdown notes, in whatever encoding they were saved.

Researchers' notes come from every editor there is: UTF-8 with or without a BOM,
UTF-16 from Windows Notepad, Windows-1252 or Latin-1 from older tools, and now
and then a file with a few broken bytes. Reading never fails on bad bytes: they
are replaced and the item says so.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import UnreadableFile
from ..language import detect_language
from ..model import Extracted
from . import iso_datetime, pretty_stem, quoted
from .base import ExtractContext

NAME = "text"

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
TITLE_MAX_CHARS = 120
REPLACED_WARNING = "Some bytes could not be decoded and were replaced (shown as �)."

# UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")  # \x1b: colour codes in saved terminal logs
#: The control characters (Unicode category Cc: U+0000-001F, U+007F-009F) but those
#: allowed, as one character class: counted by the regex engine, not a call a character
#: (that was 1-2 ms of every file's sniffing).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_SETEXT_HEADING = re.compile(r"^ {0,3}(\S[^\n]*)\n {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
_FRONT_MATTER_FIELD = re.compile(r"^(\w+):[ \t]*(.*?)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Bytes turned into text, and how."""

    text: str
    #: Python's name of the encoding used, e.g. "utf-8", "cp1252", "utf-16-le".
    encoding: str
    #: Whether some bytes could not be decoded and were replaced by U+FFFD.
    replaced: bool = False


def decode_text(data: bytes) -> Decoded:
    """Decode `data`, guessing its encoding; never raises.

    A byte-order mark wins; then UTF-8 (also when only a few bytes of otherwise
    valid UTF-8 are broken); then charset-normalizer's guess; last UTF-8 with
    every undecodable byte replaced.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], encoding)
    utf16 = _bomless_utf16(data)
    if utf16:
        return _decode_as(data, utf16)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    valid_multibyte = sum(1 for char in lenient if char > "\x7f") - broken
    if valid_multibyte >= 4 * broken:
        # Mostly UTF-8 with a few broken bytes (a cut download, a bad copy): a
        # single-byte guess would turn every Urdu letter into mojibake instead.
        return Decoded(lenient, "utf-8", replaced=True)
    guessed = _guess(data)
    if guessed is not None:
        return guessed
    return Decoded(lenient, "utf-8", replaced=True)


#: Among single-byte code pages that read a file equally well, the likelier ones
#: for this archive's material (Western notes, then Urdu and Arabic from Windows).
_PREFERRED_ON_TIES = ("cp1252", "cp1256", "iso8859_6")


def _guess(data: bytes) -> Decoded | None:
    """charset-normalizer's reading of `data`, None if it finds no encoding that fits."""
    matches = from_bytes(data)
    best = matches.best()
    if best is None or not best.encoding:
        return None
    # A short French note decodes without errors as Windows-1250, -1252 and -1257
    # alike, and charset-normalizer then picks the first; Windows-1252 is far likelier.
    ties = {
        match.encoding: match
        for match in matches
        if match.chaos == best.chaos and match.coherence == best.coherence
    }
    chosen = next((ties[name] for name in _PREFERRED_ON_TIES if name in ties), best)
    return Decoded(str(chosen), chosen.encoding)


def _decode_as(data: bytes, encoding: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        return Decoded(data.decode(encoding, errors="replace"), encoding, replaced=True)


def _bomless_utf16(data: bytes) -> str:
    """ "utf-16-le"/"utf-16-be" for UTF-16 without a BOM (mostly ASCII text), else ""."""
    sample = data[:4096]
    if len(sample) < 8:
        return ""
    evens, odds = sample[0::2], sample[1::2]
    if odds.count(0) >= 0.9 * len(odds) and evens.count(0) <= 0.1 * len(evens):
        return "utf-16-le"
    if evens.count(0) >= 0.9 * len(evens) and odds.count(0) <= 0.1 * len(odds):
        return "utf-16-be"
    return ""


def decode_head(head: bytes) -> str | None:
    """The start of a file as text (as `decode_text` reads it), None if it has NUL bytes
    and is not UTF-16 or UTF-32.

    `head` may end in the middle of a character; that is not held against it.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            return str(decoder.decode(head[len(bom) :], final=False))
    utf16 = _bomless_utf16(head)
    if utf16:
        return str(codecs.getincrementaldecoder(utf16)(errors="replace").decode(head))
    if b"\x00" in head:
        return None
    return decode_text(_without_cut_character(head)).text


def _without_cut_character(head: bytes) -> bytes:
    """`head` without a UTF-8 sequence cut off at its end."""
    for back in range(1, min(4, len(head)) + 1):
        byte = head[-back]
        if byte & 0xC0 == 0xC0:  # the lead byte of a sequence
            length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return head[:-back] if length > back else head
        if byte < 0x80:
            return head
    return head


def looks_like_text(head: bytes) -> bool:
    """Whether `head` decodes as text with (almost) no control characters."""
    decoded = decode_head(head)
    if decoded is None:
        return False
    return len(_CONTROL.findall(decoded)) * 100 <= len(decoded)


def detect(head: bytes, path: Path) -> bool:
    """Anything that decodes as text: the catch-all, tried after every other importer."""
    return looks_like_text(head)


def extract(path: Path, ctx: ExtractContext) -> Extracted:
    """Read a text or Markdown file.

    Raises UnreadableFile only when the file cannot be read from disk; bad bytes
    are replaced and reported in a warning.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{quoted(path)} cannot be read: {exc.strerror or exc}.") from exc
    decoded = decode_text(data)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    warnings = (REPLACED_WARNING,) if decoded.replaced else ()
    fields = front_matter(text) if markdown else {}
    url = fields.get("url") or fields.get("source") or ""
    return Extracted(
        kind="text",
        media_type="text/markdown" if markdown else "text/plain",
        title=title_of(text, markdown) or pretty_stem(path),
        pages=(text,),
        language=detect_language(text),
        published_at=iso_datetime(fields.get("date", "")) or header_date(text),
        author=fields.get("author", ""),
        source_url=url if url.startswith(("http://", "https://")) else "",
        warnings=warnings,
        extra={"encoding": decoded.encoding, "lines": text.count("\n") + 1},
    )


_HEADER_DATE = re.compile(
    r"^(?:date|dated|last updated|updated|written)\s*:\s*(\d{4}-\d{2}-\d{2}(?:[T ][\d:]+)?)",
    re.IGNORECASE | re.MULTILINE,
)


def header_date(text: str) -> str:
    """The date of a note that says so in its first lines ("Date: 2024-04-20",
    "Last updated: 2024-04-20"), as researchers head their notes; "" if none."""
    head = "\n".join(text.splitlines()[:8])
    match = _HEADER_DATE.search(head)
    return iso_datetime(match.group(1)) if match else ""


def front_matter(text: str) -> dict[str, str]:
    """The simple `key: value` lines of a Markdown file's front matter (between "---" lines).

    Only single-line scalar values are read, quotes removed; nested YAML is ignored.
    """
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 4, 20_000)
    if end < 0:
        return {}
    fields: dict[str, str] = {}
    for match in _FRONT_MATTER_FIELD.finditer(text, 4, end):
        key, value = match.group(1).lower(), match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if value and key not in fields:
            fields[key] = value
    return fields


def title_of(text: str, markdown: bool) -> str:
    """The first Markdown heading (front matter "title:" first), else the first
    non-empty line, cut to TITLE_MAX_CHARS; "" for blank text."""
    start = text[:20_000]
    if markdown:
        if title := front_matter(start).get("title"):
            return shorten(title)
        if start.startswith("---\n") and (end := start.find("\n---", 4)) > 0:
            start = start[end + 4 :]
        headings = [m for m in (_ATX_HEADING.search(start), _SETEXT_HEADING.search(start)) if m]
        if headings:
            first = min(headings, key=lambda m: m.start())
            return shorten(first.group(1))
    for line in start.splitlines():
        if line.strip():
            return shorten(line)
    return ""


def shorten(line: str, limit: int = TITLE_MAX_CHARS) -> str:
    """`line` with its spaces collapsed, cut at a word boundary to at most `limit` characters."""
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"
