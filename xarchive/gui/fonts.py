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
"""

from __future__ import annotations

import functools
import logging
import struct

from PySide6.QtGui import QFont, QFontDatabase, QRawFont

log = logging.getLogger(__name__)

#: For reading (articles, texts): the first installed face that Qt shapes right.
READING_FACES = ("Noto Nastaliq Urdu", "Noto Naskh Arabic", "Noto Sans Arabic")
#: For lines among Latin ones (result cards, post cards, details, lists): Nastaliq's
#: tall ascenders and descenders do not fit a line, Naskh reads well small.
LINE_FACES = ("Noto Naskh Arabic", "Noto Sans Arabic")

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


@functools.cache
def reading_family() -> str:
    """The face for Urdu paragraphs in the reader; "" if none of READING_FACES is usable."""
    return next((f for f in READING_FACES if shaped_right(f)), "")


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
