"""View ▸ Urdu Font: the reader's Urdu in Naskh, Nastaliq or Sans, remembered; Nastaliq
set right even where Qt misshapes the installed face (issue 12, "Urdu reads right")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontDatabase, QTextCursor
from pytestqt.qtbot import QtBot

from xarchive.core.annotate import Annotations
from xarchive.core.importing import ImportOptions
from xarchive.gui import fonts
from xarchive.gui import settings as cfg
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow

from .test_urdu_fonts import (
    NASTALIQ,
    PROBE,
    arabic,
    glyph_families,
    harfbuzz_shaping,
    qt_shaping,
    same_shaping,
)


@pytest.fixture(autouse=True)
def _automatic_afterwards() -> Iterator[None]:
    yield
    fonts.choose_reading_face("")  # the choice is the process's: leave it as found


@pytest.fixture
def needs_nastaliq(qtbot: QtBot) -> None:
    if NASTALIQ not in QFontDatabase.families():
        pytest.skip("Noto Nastaliq Urdu is not installed")


@pytest.mark.usefixtures("needs_nastaliq")
def test_nastaliq_is_set_as_harfbuzz_sets_it(qtbot: QtBot) -> None:
    family = fonts.usable_family(NASTALIQ)
    assert family, "Nastaliq can be read in, repaired or not"
    installed, _ = qt_shaping(NASTALIQ, PROBE)
    _, by_qt = qt_shaping(family, PROBE)
    # the reference: HarfBuzz alone on the installed face (what Chromium shows)
    assert same_shaping(by_qt, harfbuzz_shaping(installed, PROBE))


def _reader_faces(qtbot: QtBot, window: MainWindow) -> set[str]:
    with qtbot.waitSignal(window.search_finished, timeout=15_000):
        window.search_bar.set_query("پابندی", [Filter("kind", "article")])
    window.results.setCurrentIndex(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.viewer.item is not None)
    return glyph_families(window.viewer.text.browser.document(), arabic)


@pytest.mark.usefixtures("needs_nastaliq")
def test_the_urdu_font_is_chosen_in_the_view_menu_and_remembered(
    qtbot: QtBot, opened: MainWindow, user_settings: cfg.UserSettings
) -> None:
    menu = opened.urdu_font
    assert menu.actions[""].isChecked()  # automatic at first
    assert fonts.automatic_reading_family().casefold() in _reader_faces(qtbot, opened)

    menu.actions["nastaliq"].trigger()
    faces = glyph_families(opened.viewer.text.browser.document(), arabic)
    assert fonts.usable_family(NASTALIQ).casefold() in faces
    assert "noto naskh arabic" not in faces
    assert user_settings.get(cfg.URDU_FONT) == "nastaliq"

    # the next window starts with it
    again = MainWindow(user_settings, ImportOptions(workers=0))
    qtbot.addWidget(again)
    assert again.urdu_font.actions["nastaliq"].isChecked()
    assert fonts.reading_family() == fonts.usable_family(NASTALIQ)
    again.shutdown()

    menu.actions["naskh"].trigger()
    faces = glyph_families(opened.viewer.text.browser.document(), arabic)
    assert "noto naskh arabic" in faces and fonts.usable_family(NASTALIQ).casefold() not in faces
    menu.actions[""].trigger()
    assert user_settings.get(cfg.URDU_FONT) == ""


def test_a_word_selected_in_an_urdu_paragraph_is_the_word_highlighted(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    _reader_faces(qtbot, annotated)
    browser = annotated.viewer.text.browser
    document = browser.document()
    word = "پابندی"
    found = document.find(word)
    assert not found.isNull()
    assert found.block().layout().textOption().textDirection() == Qt.LayoutDirection.RightToLeft
    first, last = found.selectionStart(), found.selectionEnd()
    browser.setTextCursor(found)
    browser.ensureCursorVisible()
    found.clearSelection()
    browser.setTextCursor(found)  # a press on a selection would drag it away

    def caret(position: int) -> QPoint:
        cursor = QTextCursor(document)
        cursor.setPosition(position)
        return browser.cursorRect(cursor).center()

    def inside(edge: int, other: int) -> QPoint:
        """A point in the letter between carets `edge` and `other`, nearer `edge`."""
        a, b = caret(edge), caret(other)
        return QPoint(round(a.x() + (b.x() - a.x()) / 4), a.y())

    # drag from the first letter (at the right) to the last (at the left), as a hand does
    a = inside(first, first + 1)
    b = inside(last, last - 1)
    assert a.x() > b.x()
    viewport = browser.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)
    selected = browser.textCursor()
    # the letters under the drag (Qt rounds a press near a letter's edge either way)
    assert selected.selectedText() in word and len(selected.selectedText()) >= len(word) - 1
    item = annotated.viewer.item
    assert item is not None and annotated.session is not None
    annotated.annotate.highlight_action.trigger()
    stored = Annotations(annotated.session.archive).of_item(item.id).highlights
    [made] = [h for h in stored if h.span is not None and h.span.exact == selected.selectedText()]
    # drawn on those very characters of the right-to-left paragraph
    drawn = [
        (s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in browser.extraSelections()
    ]
    assert (selected.selectionStart(), selected.selectionEnd()) in drawn
    assert made.uid


#: Right-to-left paragraphs with brackets: the demo's English sentence in brackets in an
#: Urdu paragraph, an Urdu abbreviation in brackets, and a bracketed word too long for a
#: line, so that a closing bracket starts a wrapped line.
BRACKETED = (
    "یہ تحریر ایکس آرکائیو کے نمونہ ذخیرے کے لیے لکھی گئی ہے؛ اخبار، عملہ اور ویب پتہ سب"
    " فرضی ہیں۔ (Reconstruction for demonstration — not an authentic article.)",
    "پاکستان ٹیلی کمیونیکیشن اتھارٹی (پی ٹی اے) اور وزارت داخلہ کی جانب سے تاحال کوئی"
    " باضابطہ بیان جاری نہیں کیا گیا۔",
    "یہ بات (" + "ٹوئٹر" * 12 + ") کہی گئی ہے",
)
_MIRRORED = {"(": ")", ")": "("}


@pytest.mark.parametrize("face", list(fonts.URDU_FACES))
def test_brackets_in_urdu_paragraphs_are_mirrored_wherever_lines_wrap(
    qtbot: QtBot, face: str
) -> None:
    """In a right-to-left paragraph a bracket is drawn as its mirror image, '(' as ')',
    also where it starts or ends a wrapped line, in each face of View ▸ Urdu Font.
    Checked on the glyph Qt draws for it: the glyph of the mirrored character."""
    from PySide6.QtGui import QFont, QTextDocument

    from xarchive.gui.views.text import isolate_mixed_runs, set_directions

    fonts.choose_reading_face(face)
    family = fonts.reading_family()
    where: set[tuple[str, str]] = set()
    for paragraph in BRACKETED:
        for width in range(60, 720, 6):
            document = QTextDocument()
            font = QFont()
            font.setPointSizeF(12)
            document.setDefaultFont(font)
            document.setHtml(f"<p>{paragraph}</p>")
            set_directions(document, family)
            isolate_mixed_runs(document)
            document.setTextWidth(width)
            document.documentLayout().documentSize()
            block = document.begin()
            text, layout = block.text(), block.layout()
            for n in range(layout.lineCount()):
                line = layout.lineAt(n)
                start, end = line.textStart(), line.textStart() + line.textLength()
                for i in (i for i in range(start, end) if text[i] in _MIRRORED):
                    runs = layout.glyphRuns(i, 1)
                    assert runs, (width, text[i])
                    raw = runs[0].rawFont()
                    drawn = [g for run in runs for g in run.glyphIndexes()]
                    mirrored = raw.glyphIndexesForString(_MIRRORED[text[i]])
                    assert drawn == mirrored, (face, width, n, text[i], raw.familyName())
                    marks = "\u2066\u2067\u2068\u2069 "
                    first = all(text[j] in marks for j in range(start, i))
                    where.add((text[i], "starts a line" if first else "in a line"))
    assert (")", "starts a line") in where and ("(", "starts a line") in where
