"""Articles, texts and posts: sanitised HTML or escaped text, searched words marked,
right-to-left paragraphs (Urdu) set right-to-left."""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QTextEdit, QVBoxLayout, QWidget

from ...core.model import Item
from ..bidi import PDI, is_rtl, isolation_marks
from ..filters import format_day
from ..fonts import reading_family
from ..theme import colors
from .metadata import human_date
from .safe_browser import SafeTextBrowser

log = logging.getLogger(__name__)

MAX_HTML_BYTES = 8 * 1024 * 1024


def text_to_html(text: str) -> str:
    """Plain text as escaped HTML paragraphs (blank lines separate paragraphs)."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def set_directions(document: QTextDocument, urdu_font: str = "") -> int:
    """Lay out each paragraph by its own script: right-to-left ones right-to-left,
    right-aligned, in `urdu_font` (fonts.reading_family()). Returns how many paragraphs
    are right-to-left."""
    count = 0
    block = document.begin()
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    while block.isValid():
        text = block.text()
        if text.strip():
            rtl = is_rtl(text)
            fmt = block.blockFormat()
            fmt.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
            )
            if rtl:
                count += 1
                # Leading alignment is the right edge in a right-to-left paragraph.
                if not fmt.alignment() & Qt.AlignmentFlag.AlignHCenter:
                    fmt.setAlignment(Qt.AlignmentFlag.AlignLeading)
                # ProportionalHeight: Nastaliq's cascading words need more room than Naskh.
                fmt.setLineHeight(170 if "Nastaliq" in urdu_font else 150, 1)
            cursor.setPosition(block.position())
            cursor.setBlockFormat(fmt)
            if rtl and urdu_font:
                cursor.movePosition(
                    QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
                )
                char = QTextCharFormat()
                char.setFontFamilies([urdu_font])
                cursor.mergeCharFormat(char)
        block = block.next()
    cursor.endEditBlock()
    return count


def isolate_mixed_runs(document: QTextDocument) -> int:
    """Put Unicode bidi isolates around each run of words in the other direction than its
    paragraph's (bidi.isolation_marks): a Latin name, date or handle in an Urdu line, an
    Urdu phrase in an English one, keeps its own order and its punctuation. The marks are
    characters of the document: annotate/text_highlights and copying leave them out.
    Returns how many runs were isolated."""
    runs = 0
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    block = document.begin()
    while block.isValid():
        text = block.text()
        rtl = block.blockFormat().layoutDirection() == Qt.LayoutDirection.RightToLeft
        marks = isolation_marks(text, rtl) if text.strip() else {}
        # From the end, so that the positions not yet used stay where they were.
        for offset in sorted(marks, reverse=True):
            units = len(text[:offset].encode("utf-16-le")) // 2  # Qt counts UTF-16
            cursor.setPosition(block.position() + units)
            cursor.insertText(marks[offset])
        runs += sum(mark.count(PDI) for mark in marks.values())
        block = block.next()
    cursor.endEditBlock()
    return runs


def message_header(item: Item) -> str:
    """A message's From, To, Cc, Date, Subject and attachments above its text, as a mail
    program shows them: who wrote to whom, and when, is read before the body."""
    extra = item.extra if isinstance(item.extra, dict) else {}
    muted = colors().muted
    when = human_date(item.published_at).split("   (")[0]  # as the details give it
    names = [str(a.get("name", "")) for a in extra.get("attachments") or [] if isinstance(a, dict)]
    rows = [
        ("From", str(extra.get("from") or item.author)), ("To", str(extra.get("to") or "")),
        ("Cc", str(extra.get("cc") or "")), ("Date", when),
        ("Subject", str(extra.get("subject") or "")),
        ("Attached", ", ".join(n for n in names if n)),
    ]  # fmt: skip
    # LEFT-TO-RIGHT MARK: each line is laid out as its label's, left to right, and an
    # Urdu name in it isolated (isolate_mixed_runs), not the line turned round.
    lines = "".join(
        f'<tr><td style="color:{muted}; padding-right: 10px;">{label}</td>'
        f"<td>\u200e{html.escape(value)}</td></tr>"
        for label, value in rows
        if value
    )
    return f'<table cellspacing="0" cellpadding="1">{lines}</table><hr>' if lines else ""


def find_all(document: QTextDocument, words: list[str]) -> list[QTextCursor]:
    """Every occurrence of each word (case-insensitive), in document order."""
    found = []
    for word in {w for w in words if w.strip()}:
        cursor = document.find(word, 0)
        while not cursor.isNull():
            found.append(QTextCursor(cursor))
            cursor = document.find(word, cursor)
    found.sort(key=lambda c: c.selectionStart())
    return found


class TextViewer(QWidget):
    """Shows an article, a text or a post; never loads anything from outside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = SafeTextBrowser(self)
        self.browser.document().setDocumentMargin(24)
        option = QTextOption(self.browser.document().defaultTextOption())
        option.setTextDirection(Qt.LayoutDirection.LeftToRight)
        self.browser.document().setDefaultTextOption(option)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.matches: list[QTextCursor] = []
        self._marks: list[QTextEdit.ExtraSelection] = []
        #: Highlights drawn under the searched words (set by gui/annotate).
        self.highlights: list[QTextEdit.ExtraSelection] = []
        self.rtl_paragraphs = 0
        self.isolated_runs = 0
        self.used_sanitized_html = False

    def show_item(
        self, item: Item, body: str, sanitized_html: Path | None, words: list[str]
    ) -> None:
        """Show `item`: its sanitised HTML when there is one, else `body` escaped."""
        self.used_sanitized_html = False
        document = self.browser.document()
        font = QFont(self.browser.font())
        font.setPointSizeF(font.pointSizeF() + 1.5)
        document.setDefaultFont(font)
        document.setDefaultStyleSheet(
            f"h1 {{ font-size: x-large; }} a {{ color: {colors().link}; }} "
            "p { margin-bottom: 10px; } blockquote { margin-left: 18px; }"
        )
        markup = self._load_html(sanitized_html) if sanitized_html else None
        if markup is not None:
            self.used_sanitized_html = True
        else:
            markup = self._header(item) + text_to_html(body)
        self.highlights = []
        self.browser.setHtml(markup)
        self.rtl_paragraphs = set_directions(document, reading_family())
        self.isolated_runs = isolate_mixed_runs(document)
        self.mark(words)

    def _header(self, item: Item) -> str:
        if item.kind == "message":
            return message_header(item)
        if item.kind != "post":
            return f"<h1>{html.escape(item.title)}</h1>" if item.kind == "article" else ""
        # A post reads as a card: account, date, then the text.
        c = colors()
        when = format_day(item.published_at or item.captured_at)
        extra = item.extra if isinstance(item.extra, dict) else {}
        reply = extra.get("in_reply_to") or extra.get("reply_to") or ""
        reply_line = (
            f'<p style="color:{c.muted};">Replying to {html.escape(str(reply))}</p>'
            if reply
            else ""
        )
        return (
            f"<p><b>{html.escape(item.author or 'unknown account')}</b>"
            f'<span style="color:{c.muted};">  ·  {html.escape(when)}</span></p>{reply_line}'
        )

    def _load_html(self, path: Path) -> str | None:
        try:
            if path.stat().st_size > MAX_HTML_BYTES:
                return None
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            log.warning("could not read %s", path, exc_info=True)
            return None

    def mark(self, words: list[str]) -> None:
        """Mark every occurrence of `words` and scroll to the first."""
        c = colors()
        self.matches = find_all(self.browser.document(), words)
        selections = []
        for cursor in self.matches:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor  # type: ignore[attr-defined]
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(c.match_bg))
            fmt.setForeground(QColor(c.match_fg))
            selection.format = fmt  # type: ignore[attr-defined]
            selections.append(selection)
        self._marks = selections
        self.browser.setExtraSelections(self.highlights + self._marks)
        if self.matches:
            cursor = QTextCursor(self.matches[0])
            cursor.clearSelection()
            self.browser.setTextCursor(cursor)
            self.browser.ensureCursorVisible()
        else:
            self.browser.moveCursor(QTextCursor.MoveOperation.Start)

    def set_highlights(self, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Draw these highlights, with the searched words marked over them."""
        self.highlights = list(selections)
        self.browser.setExtraSelections(self.highlights + self._marks)
