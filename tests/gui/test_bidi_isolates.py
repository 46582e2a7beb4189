"""Mixed Urdu and Latin text keeps its order (issue 12, item 9).

"@demo_reporter" at the start of an Urdu snippet read "demo_reporter@", and beside
an Urdu name "@urdu_khabar_demo · 17 Feb 2024, 17:03 UTC" read
"urdu_khabar_demo · 17 Feb 2024, 17:03 UTC@". Checked where a reader looks: the
place Qt lays each character out.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from xarchive.core.annotate import Annotations
from xarchive.core.index.api import Snippet
from xarchive.gui.bidi import LRI, PDI, RLI, isolate_runs
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow
from xarchive.gui.widgets.results_view import snippet_html

from .test_annotate_gui import search


def _x_of(document: QTextDocument, index: int) -> float:
    """Where character `index` of the document's text is drawn: the middle of its glyphs."""
    block = document.findBlock(index)
    runs = block.layout().glyphRuns(index - block.position(), 1)
    assert runs, f"nothing drawn for {document.toPlainText()[index]!r}"
    return float(runs[0].boundingRect().center().x())


def _laid_out(html: str) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(html)
    document.setTextWidth(2000)
    document.documentLayout().documentSize()  # lays it out
    return document


def _at_sign_before_handle(document: QTextDocument, handle: str) -> None:
    text = document.toPlainText()
    at = text.index("@" + handle)
    # "@" is drawn at the left of the handle, which reads left to right
    assert _x_of(document, at) < _x_of(document, at + 1) < _x_of(document, at + len(handle))


def test_a_handle_in_an_urdu_snippet_keeps_its_at_sign(qtbot: QtBot) -> None:
    snippet = Snippet(
        1, (("@demo_reporter شکریہ، ", False), ("تصاویر", True), (" دیکھ لی ہیں۔", False))
    )
    _at_sign_before_handle(_laid_out(snippet_html(snippet, "#ff0", "#000")), "demo_reporter")
    ending = Snippet(1, (("تصاویر", True), (" دیکھ لی ہیں @demo_reporter", False)))
    _at_sign_before_handle(_laid_out(snippet_html(ending, "#ff0", "#000")), "demo_reporter")


def test_an_urdu_posts_account_and_date_keep_their_order(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    search(qtbot, annotated, "account:urdu_khabar_demo", Filter("kind", "post"))
    assert annotated.model.rowCount() >= 1
    annotated.results.setCurrentIndex(annotated.model.index(0, 0))
    qtbot.waitUntil(lambda: annotated.viewer.post.card is not None)
    label = annotated.viewer.post.card.name_label
    document = _laid_out(label.text())
    _at_sign_before_handle(document, "urdu_khabar_demo")
    text = document.toPlainText()
    # the date reads left to right, after the handle
    assert _x_of(document, text.index("@")) < _x_of(document, text.index("202"))


@pytest.mark.parametrize(
    ("text", "rtl", "shown"),
    [
        ("یہ @demo_reporter نے کہا۔", True, f"یہ {LRI}@demo_reporter{PDI} نے کہا۔"),
        ("خبر 17 Feb 2024, 17:03 UTC", True, f"خبر {LRI}17 Feb 2024, 17:03 UTC{PDI}"),
        ("ایکس (X) پر", True, f"ایکس ({LRI}X{PDI}) پر"),
        # an English sentence in brackets in an Urdu paragraph keeps its full stop
        ("ہیں۔ (Not an article.)", True, f"ہیں۔ ({LRI}Not an article.{PDI})"),
        ("ہیں۔ (Not an article).", True, f"ہیں۔ ({LRI}Not an article{PDI})."),
        ("The word پابندی, said @x", False, f"The word {RLI}پابندی{PDI}, said @x"),
        ("Only English, @x #y", False, "Only English, @x #y"),
        ("اردو.html", False, "اردو.html"),  # a word of both directions is left alone
    ],
)
def test_runs_of_the_other_direction_are_isolated(text: str, rtl: bool, shown: str) -> None:
    assert isolate_runs(text, rtl) == shown


def test_an_urdu_posts_title_reads_right_to_left_with_its_handle_whole(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    search(qtbot, annotated, "account:urdu_khabar_demo", Filter("kind", "post"))
    annotated.results.setCurrentIndex(annotated.model.index(0, 0))
    qtbot.waitUntil(lambda: annotated.viewer.post.card is not None)
    title = annotated.viewer.title_label.text()
    document = _laid_out(title.replace("&", "&amp;").replace("<", "&lt;"))
    text = document.toPlainText()
    _at_sign_before_handle(document, "urdu_khabar_demo")
    urdu = next(i for i, ch in enumerate(text) if "\u0600" <= ch <= "\u06ff")
    # the handle comes first in reading order: at the right of the Urdu words
    assert _x_of(document, text.index("@")) > _x_of(document, urdu)


def test_the_readers_mixed_lines_are_isolated_and_highlights_land_on_the_words(
    qtbot: QtBot, annotated: MainWindow
) -> None:
    """An English sentence in an Urdu article's paragraph reads in order, its full stop at
    its end; a highlight made on its words, and the searched word, are those words."""
    search(qtbot, annotated, "Reconstruction", Filter("kind", "article"), Filter("language", "ur"))
    annotated.results.setCurrentIndex(annotated.model.index(0, 0))
    qtbot.waitUntil(lambda: annotated.viewer.item is not None)
    viewer = annotated.viewer.text
    browser, document = viewer.browser, viewer.browser.document()
    text = document.toPlainText()
    assert f"({LRI}Reconstruction for demonstration" in text and f"article.{PDI})" in text
    document.setTextWidth(4000)  # the paragraph on one line, to compare places on it
    document.documentLayout().documentSize()
    start = text.index("Reconstruction")
    stop = text.index(f"article.{PDI}") + len("article")
    # left to right, the full stop after "article" (not before "Reconstruction")
    assert _x_of(document, start) < _x_of(document, stop - 1) < _x_of(document, stop)
    assert [m.selectedText() for m in viewer.matches] == ["Reconstruction"]

    found = document.find("authentic article.")
    browser.setTextCursor(found)
    copied = browser.createMimeDataFromSelection().text()
    assert copied == "authentic article."  # no isolate comes along
    item = annotated.viewer.item
    assert item is not None and annotated.session is not None
    annotated.annotate.highlight_action.trigger()
    [made] = [
        h
        for h in Annotations(annotated.session.archive).of_item(item.id).highlights
        if h.span is not None and "authentic" in h.span.exact
    ]
    assert made.span is not None and made.span.exact == "authentic article."
    assert not set(made.span.prefix + made.span.suffix) & {LRI, RLI, PDI}
    drawn = [
        (s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in browser.extraSelections()
    ]
    assert (found.selectionStart(), found.selectionEnd()) in drawn
