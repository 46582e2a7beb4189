"""The faces Urdu is set in: Nastaliq for reading only where Qt shapes it right, else Naskh.

Why not always Nastaliq: an OpenType anchor may name a point of the glyph's
outline (anchor format 2) besides its coordinates. Qt gives HarfBuzz the
points of FreeType's outline, so HarfBuzz places such anchors on them;
HarfBuzz's own font functions (Chromium, hb-view) give none, so the
coordinates are used. Noto Nastaliq Urdu 2.0 (Debian's fonts-noto-core) hangs
its cursive joins on such anchors (168 entries and exits in the Regular face)
whose points are not where their coordinates are: in Qt each word's cascade of
letters goes wrong and the dots land on the wrong letters (نمائشی reads ہمائشی,
تیار reads پیار). Made plain anchors (format 1), the same face is shaped by Qt
to the unit as by HarfBuzz alone, and so is any face without such anchors;
tests/gui/test_urdu_fonts.py checks that this check foretells Qt's shaping.

So a face Qt misshapes can still be read in: `repaired_family` loads a copy of
it whose anchors are plain (same coordinates, no outline point), under a name of
its own, into this process only. The reader's face is a person's choice (View ▸
Urdu Font: Naskh, Nastaliq or Sans; remembered), automatic by default: the
first of READING_FACES that Qt shapes right, Naskh where Nastaliq is misshaped.
"""

from __future__ import annotations

import functools
import logging
import math
import struct

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QFont, QFontDatabase, QRawFont

log = logging.getLogger(__name__)

#: For reading (articles, texts): the first installed face that Qt shapes right.
READING_FACES = ("Noto Nastaliq Urdu", "Noto Naskh Arabic", "Noto Sans Arabic")
#: For lines among Latin ones (result cards, post cards, details, lists): Nastaliq's
#: tall ascenders and descenders do not fit a line, Naskh reads well small.
LINE_FACES = ("Noto Naskh Arabic", "Noto Sans Arabic")

#: The reader's Urdu faces a person may choose (View ▸ Urdu Font): key → (name, family).
URDU_FACES = {
    "naskh": ("Naskh", "Noto Naskh Arabic"),
    "nastaliq": ("Nastaliq", "Noto Nastaliq Urdu"),
    "sans": ("Sans", "Noto Sans Arabic"),
}
#: The name a repaired copy of a face goes by (see `repaired_family`).
REPAIRED_SUFFIX = " for xarchive"

# GPOS lookup types that hold anchors, and the extension type that wraps others.
_CURSIVE, _MARK_BASE, _MARK_LIGATURE, _MARK_MARK, _EXTENSION = 3, 4, 5, 6, 9


def contour_point_anchors(gpos: bytes) -> int:
    """How many anchors of the GPOS table `gpos` name an outline point (format 2).

    Raises ValueError when the table is damaged or truncated.
    """
    try:
        return len(_contour_point_anchors(gpos))
    except (struct.error, IndexError) as exc:
        raise ValueError(f"the GPOS table cannot be read ({exc})") from exc


def _contour_point_anchors(data: bytes) -> set[int]:
    def u16(at: int) -> int:
        return int(struct.unpack_from(">H", data, at)[0])

    found: set[int] = set()

    def anchor(at: int) -> None:
        if u16(at) == 2:
            found.add(at)

    def anchors_after(table: int, count_at: int, per_record: int, skip: int = 0) -> None:
        """Anchors of the records of an array at `table` (offsets from the array)."""
        count = u16(count_at)
        for record in range(count):
            start = count_at + 2 + record * (skip + per_record) * 2 + skip * 2
            for n in range(per_record):
                offset = u16(start + n * 2)
                if offset:
                    anchor(table + offset)

    def subtable(kind: int, at: int) -> None:
        if kind == _EXTENSION:
            subtable(u16(at + 2), at + int(struct.unpack_from(">I", data, at + 4)[0]))
        elif kind == _CURSIVE:
            anchors_after(at, at + 4, 2)
        elif kind in (_MARK_BASE, _MARK_LIGATURE, _MARK_MARK):
            classes = u16(at + 6)
            marks = at + u16(at + 8)
            anchors_after(marks, marks, 1, skip=1)  # (class, anchor) records
            bases = at + u16(at + 10)
            if kind == _MARK_LIGATURE:
                for n in range(u16(bases)):
                    ligature = bases + u16(bases + 2 + n * 2)
                    anchors_after(ligature, ligature, classes)
            else:
                anchors_after(bases, bases, classes)

    lookups = u16(8)
    for n in range(u16(lookups)):
        lookup = lookups + u16(lookups + 2 + n * 2)
        kind = u16(lookup)
        for s in range(u16(lookup + 4)):
            subtable(kind, lookup + u16(lookup + 6 + s * 2))
    return found


def shaped_right(family: str) -> bool:
    """Whether Qt shapes `family` as HarfBuzz does on its own (see the module's doc).

    False when the face is not installed or its positioning table cannot be read.
    """
    if family not in QFontDatabase.families():
        return False
    for weight in (QFont.Weight.Normal, QFont.Weight.Bold):  # body text and headings
        raw = QRawFont.fromFont(QFont(family, -1, weight))
        if not raw.isValid():
            return False
        gpos = bytes(raw.fontTable("GPOS").data())
        try:
            count = contour_point_anchors(gpos) if gpos else 0
        except ValueError:
            log.warning("%s: cannot read its GPOS table; not used for Urdu", family, exc_info=True)
            return False
        if count:
            log.info("%s %s: %d anchors on outline points", family, raw.styleName(), count)
            return False
    return True


_chosen = ""  # a key of URDU_FACES, "" for automatic


def choose_reading_face(key: str) -> None:
    """Read Urdu in the face `key` of URDU_FACES ("" or an unknown key: automatic).

    `reading_family()` then gives the face itself, a repaired copy of it when Qt
    would misshape it, or the automatic choice when it is not installed.
    """
    global _chosen
    _chosen = key if key in URDU_FACES else ""


def chosen_reading_face() -> str:
    """The key of URDU_FACES chosen, "" for automatic."""
    return _chosen


def reading_family() -> str:
    """The face for Urdu paragraphs in the reader; "" if no face for Urdu is usable."""
    if _chosen:
        family = usable_family(URDU_FACES[_chosen][1])
        if family:
            return family
    return automatic_reading_family()


@functools.cache
def automatic_reading_family() -> str:
    """The first of READING_FACES that Qt shapes right; "" if none is."""
    return next((f for f in READING_FACES if shaped_right(f)), "")


@functools.cache
def usable_family(family: str) -> str:
    """`family` if Qt shapes it right, else its repaired copy; "" if neither can be had."""
    if shaped_right(family):
        return family
    return repaired_family(family)


@functools.cache
def repaired_family(family: str) -> str:
    """A copy of `family` with plain anchors, loaded into this process under the name
    `family + REPAIRED_SUFFIX`, if Qt shapes the copy right; else "".

    The copy is made from the tables Qt reads of the installed face (regular and
    bold): each anchor on an outline point becomes a plain one with the same
    coordinates, which is how HarfBuzz on its own places it anyway.
    """
    if family not in QFontDatabase.families():
        return ""
    name = family + REPAIRED_SUFFIX
    for weight in (QFont.Weight.Normal, QFont.Weight.Bold):
        raw = QRawFont.fromFont(QFont(family, -1, weight))
        if not raw.isValid() or raw.familyName() != family:
            continue
        try:
            data = _repaired_face(raw, family, name)
        except (ValueError, struct.error, IndexError):
            log.warning("%s: cannot be repaired", family, exc_info=True)
            return ""
        if QFontDatabase.addApplicationFontFromData(QByteArray(data)) < 0:
            log.warning("%s: Qt did not load the repaired copy", family)
            return ""
    return name if shaped_right(name) else ""


#: The tables a face may have (OpenType and TrueType); those it has are copied.
_TABLES = (
    "BASE CBDT CBLC CFF  CFF2 COLR CPAL EBDT EBLC EBSC GDEF GPOS GSUB HVAR JSTF LTSH MATH "
    "MVAR OS/2 PCLT STAT SVG  VDMX VORG VVAR avar cmap cvar cvt  fpgm fvar gasp glyf gvar "
    "hdmx head hhea hmtx kern loca maxp meta name post prep vhea vmtx"
)


def _repaired_face(raw: QRawFont, family: str, name: str) -> bytes:
    tables: dict[str, bytes] = {}
    for at in range(0, len(_TABLES), 5):
        tag = _TABLES[at : at + 4]
        data = bytes(raw.fontTable(tag).data())
        if data:
            tables[tag] = data
    if "GPOS" not in tables or "name" not in tables:
        raise ValueError("no GPOS or name table")
    gpos = bytearray(tables["GPOS"])
    for anchor in _contour_point_anchors(bytes(gpos)):
        struct.pack_into(">H", gpos, anchor, 1)  # format 1: x, y; the point is ignored
    tables["GPOS"] = bytes(gpos)
    tables["name"] = _renamed(tables["name"], family, name)
    if "head" in tables:  # its checksum of the whole file is not recomputed
        head = bytearray(tables["head"])
        struct.pack_into(">I", head, 8, 0)
        tables["head"] = bytes(head)
    return _sfnt(tables)


def _renamed(table: bytes, family: str, name: str) -> bytes:
    """The `name` table with `family` replaced by `name` in the names that name the face."""
    _version, count, storage = struct.unpack_from(">HHH", table, 0)
    postscript_old, postscript_new = family.replace(" ", ""), name.replace(" ", "")
    records, strings = [], b""
    for n in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack_from(
            ">HHHHHH", table, 6 + 12 * n
        )
        value = table[storage + offset : storage + offset + length]
        if name_id in (1, 3, 4, 6, 16, 21):
            codec = "utf-16-be" if platform in (0, 3) else "latin-1"
            text = value.decode(codec, "replace")
            text = text.replace(family, name).replace(postscript_old, postscript_new)
            value = text.encode(codec, "replace")
        records.append(struct.pack(">HHHHHH", platform, encoding, language, name_id,
                                   len(value), len(strings)))  # fmt: skip
        strings += value
    header = struct.pack(">HHH", 0, len(records), 6 + 12 * len(records))
    return header + b"".join(records) + strings


def _sfnt(tables: dict[str, bytes]) -> bytes:
    """A font file of `tables`."""
    count = len(tables)
    power = 2 ** int(math.log2(count))
    version = 0x00010000 if "glyf" in tables else 0x4F54544F  # "OTTO": CFF outlines
    header = struct.pack(">IHHHH", version, count, power * 16, int(math.log2(count)),
                         count * 16 - power * 16)  # fmt: skip
    offset = len(header) + 16 * count
    directory, body = b"", b""
    for tag in sorted(tables):
        data = tables[tag]
        padded = data + b"\0" * (-len(data) % 4)
        checksum = sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
        directory += struct.pack(">4sIII", tag.encode("latin-1"), checksum, offset + len(body),
                                 len(data))  # fmt: skip
        body += padded
    return header + directory + body


@functools.cache
def line_family() -> str:
    """The face for Urdu in lines among Latin text; "" if none of LINE_FACES is usable."""
    return next((f for f in LINE_FACES if shaped_right(f)), "")


def use_for_urdu_lines(font: QFont) -> None:
    """Make `line_family()` the face Qt turns to first for letters the families of
    `font` (the application's) lack, so that an Urdu title, author, post or detail
    is set in it whatever widget shows it, not in whichever face the system's
    fallback finds (Noto Nastaliq Urdu among them). Call once the QGuiApplication exists.
    """
    family = line_family()
    if not family:
        return
    for name in font.families():
        if family not in QFont.substitutes(name):
            QFont.insertSubstitution(name, family)
