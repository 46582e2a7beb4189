"""Urdu reads right: in a face Qt shapes as HarfBuzz itself does, in the reader and in
every line that shows Urdu (result cards, post cards, details).

The reference is HarfBuzz with its own font functions (what Chromium and hb-view
use), loaded from the system's libharfbuzz and given the very tables Qt uses.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QRawFont, QTextLayout
from pytestqt.qtbot import QtBot

from xarchive.gui import app as gui_app
from xarchive.gui import fonts
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow

#: Words whose dots Qt moved in Noto Nastaliq Urdu 2.0 (they read ہمائشی, پیار).
PROBE = "نمائشی تیار پابندی"
NASTALIQ = "Noto Nastaliq Urdu"

Shaped = list[tuple[int, float, float]]  # glyph, x, y (up), font units from the left


class _Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint32) for n in ("codepoint", "mask", "cluster", "v1", "v2")]


class _Position(ctypes.Structure):
    _fields_ = [
        *((n, ctypes.c_int32) for n in ("x_advance", "y_advance", "x_offset", "y_offset")),
        ("v", ctypes.c_uint32),
    ]


_TableFunc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p)


def _harfbuzz() -> Any:
    name = ctypes.util.find_library("harfbuzz")
    if name is None:
        pytest.skip("no libharfbuzz to compare with")
    hb = ctypes.CDLL(name)
    p, u, i = ctypes.c_void_p, ctypes.c_uint, ctypes.c_int
    for func, res, args in [
        ("hb_blob_create", p, [ctypes.c_char_p, u, i, p, p]),
        ("hb_face_create_for_tables", p, [_TableFunc, p, p]),
        ("hb_font_create", p, [p]),
        ("hb_buffer_create", p, []),
        ("hb_buffer_add_utf8", None, [p, ctypes.c_char_p, i, u, i]),
        ("hb_buffer_guess_segment_properties", None, [p]),
        ("hb_shape", None, [p, p, p, u]),
        ("hb_buffer_get_glyph_infos", ctypes.POINTER(_Info), [p, ctypes.POINTER(u)]),
        ("hb_buffer_get_glyph_positions", ctypes.POINTER(_Position), [p, ctypes.POINTER(u)]),
        ("hb_font_destroy", None, [p]),
        ("hb_face_destroy", None, [p]),
        ("hb_buffer_destroy", None, [p]),
    ]:
        getattr(hb, func).restype = res
        getattr(hb, func).argtypes = args
    return hb


def harfbuzz_shaping(raw: QRawFont, text: str) -> Shaped:
    """`text` shaped by HarfBuzz alone, from the tables of the face Qt uses."""
    hb = _harfbuzz()

    def table(_face: int, tag: int, _data: int) -> int:
        name = tag.to_bytes(4, "big").decode("latin-1")
        data = bytes(raw.fontTable(name).data()) if tag else b""
        return int(hb.hb_blob_create(data, len(data), 0, None, None) or 0)  # 0: duplicate

    callback = _TableFunc(table)  # kept alive while HarfBuzz may call it
    face = hb.hb_face_create_for_tables(callback, None, None)
    font = hb.hb_font_create(face)
    buffer = hb.hb_buffer_create()
    encoded = text.encode()
    hb.hb_buffer_add_utf8(buffer, encoded, len(encoded), 0, len(encoded))
    hb.hb_buffer_guess_segment_properties(buffer)
    hb.hb_shape(font, buffer, None, 0)
    count = ctypes.c_uint()
    infos = hb.hb_buffer_get_glyph_infos(buffer, ctypes.byref(count))
    positions = hb.hb_buffer_get_glyph_positions(buffer, ctypes.byref(count))
    shaped, pen = [], 0
    for n in range(count.value):
        at = positions[n]
        shaped.append((infos[n].codepoint, float(pen + at.x_offset), float(at.y_offset)))
        pen += at.x_advance
    hb.hb_buffer_destroy(buffer)
    hb.hb_font_destroy(font)
    hb.hb_face_destroy(face)
    return sorted(shaped)


def qt_shaping(family: str, text: str) -> tuple[QRawFont, Shaped]:
    """`text` shaped by Qt in `family`, at one pixel per font unit."""
    font = QFont(family)
    font.setPixelSize(round(QRawFont.fromFont(font).unitsPerEm()))
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    assert len(runs) == 1 and runs[0].rawFont().familyName().casefold() == family.casefold()
    shaped = [
        (glyph, at.x(), line.ascent() - at.y())
        for glyph, at in zip(runs[0].glyphIndexes(), runs[0].positions(), strict=True)
    ]
    return runs[0].rawFont(), sorted(shaped)


def same_shaping(a: Shaped, b: Shaped, tolerance: float = 2.0) -> bool:
    return len(a) == len(b) and all(
        g == h and abs(x - u) <= tolerance and abs(y - v) <= tolerance
        for (g, x, y), (h, u, v) in zip(a, b, strict=True)
    )


def installed(*families: str) -> list[str]:
    have = set(QFontDatabase.families())
    return [f for f in families if f in have]


@pytest.mark.parametrize("family", fonts.READING_FACES)
def test_the_check_foretells_whether_qt_shapes_a_face_right(qtbot: QtBot, family: str) -> None:
    if not installed(family):
        pytest.skip(f"{family} is not installed")
    raw, by_qt = qt_shaping(family, PROBE)
    assert fonts.shaped_right(family) == same_shaping(by_qt, harfbuzz_shaping(raw, PROBE))


def test_urdu_is_read_and_shown_in_faces_qt_shapes_right(qtbot: QtBot) -> None:
    if not installed(*fonts.LINE_FACES):
        pytest.skip("no Naskh or Sans Arabic face installed")
    for family in (fonts.reading_family(), fonts.line_family()):
        raw, by_qt = qt_shaping(family, PROBE)
        assert same_shaping(by_qt, harfbuzz_shaping(raw, PROBE)), family
    if installed(NASTALIQ) and not fonts.shaped_right(NASTALIQ):
        assert fonts.reading_family() == "Noto Naskh Arabic"


def test_anchors_on_outline_points_are_counted() -> None:
    # A GPOS table with one cursive lookup: one glyph, entry anchor format 2, exit format 1.
    def u16(*values: int) -> bytes:
        return b"".join(v.to_bytes(2, "big") for v in values)

    lookup_list = 10
    lookup = lookup_list + 4
    subtable = lookup + 8
    anchors = subtable + 10
    gpos = (
        u16(1, 0, 0, 0, lookup_list)
        + u16(1, lookup - lookup_list)
        + u16(3, 0, 1, subtable - lookup)
        + u16(1, 0, 1, anchors - subtable, anchors + 8 - subtable)
        + u16(2, 100, 200, 7)  # format 2: x, y and a contour point
        + u16(1, 300, 400)
    )
    assert fonts.contour_point_anchors(gpos) == 1
    with pytest.raises(ValueError):
        fonts.contour_point_anchors(gpos[:-8])


def faces(text: str, font: QFont) -> set[str]:
    """The faces Qt sets `text` in with `font` (fallbacks included)."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return {run.rawFont().familyName().casefold() for run in layout.glyphRuns()}


def glyph_families(document: Any, wanted: Callable[[str], bool]) -> set[str]:
    """The faces of the pieces of `document`'s text that `wanted` accepts, each in
    its own character format's font (a laid-out document keeps no glyph runs)."""
    found: set[str] = set()
    block = document.begin()
    while block.isValid():
        pieces = block.begin()
        while not pieces.atEnd():
            fragment = pieces.fragment()
            if fragment.isValid() and wanted(fragment.text()):
                found |= faces(fragment.text(), fragment.charFormat().font())
            pieces += 1
        block = block.next()
    return found


def arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_the_reader_post_cards_and_details_set_urdu_in_those_faces(
    qtbot: QtBot, opened: MainWindow
) -> None:
    gui_app.create_app()  # as the app starts: Urdu lines fall back to line_family()
    if not installed(*fonts.LINE_FACES):
        pytest.skip("no Naskh or Sans Arabic face installed")

    with qtbot.waitSignal(opened.search_finished, timeout=15_000):
        opened.search_bar.set_query("پابندی", [Filter("kind", "article")])
    opened.results.setCurrentIndex(opened.model.index(0, 0))
    qtbot.waitUntil(lambda: opened.viewer.item is not None)
    reader = glyph_families(opened.viewer.text.browser.document(), arabic)
    assert fonts.reading_family().casefold() in reader
    assert NASTALIQ.casefold() not in reader or fonts.shaped_right(NASTALIQ)
    details = glyph_families(opened.viewer.details.browser.document(), arabic)
    assert details and NASTALIQ.casefold() not in details

    with qtbot.waitSignal(opened.search_finished, timeout=15_000):
        opened.search_bar.set_query("lang:ur", [Filter("kind", "post")])
    opened.results.setCurrentIndex(opened.model.index(0, 0))
    qtbot.waitUntil(lambda: opened.viewer.post.card is not None)
    card = opened.viewer.post.card
    assert card is not None
    post = glyph_families(card.text_view.document(), arabic)
    assert fonts.line_family().casefold() in post and NASTALIQ.casefold() not in post

    # A result card's title and account: drawn in the list's font. (At a size of its
    # own: Qt keeps the faces it found for a font, and this session's QApplication
    # drew the list before create_app; the app calls create_app first.)
    listed = QFont(opened.results.font())
    listed.setPointSizeF(listed.pointSizeF() + 0.25)
    assert faces("ایکس پر پابندی", listed) == {fonts.line_family().casefold()}
