"""The results list: one card per hit (kind, title, date, author, highlighted snippet);
the versions of an edited post are one card, which says which of them matched.

A QListView over column 0 of `ResultsModel`, with uniform row heights so that
scrolling stays cheap however many rows are loaded; the delegate draws only
the rows on screen.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ...core.index.api import Snippet
from ...core.model import Item
from ...core.search import Hit
from ..badges import Badge, CardBadges, paint_badges
from ..bidi import is_rtl, isolation_marks, join_isolated, mostly_rtl
from ..filters import KIND_TITLES, format_day, language_name
from ..fonts import line_family
from ..models.results import ResultsModel
from ..resources import kind_icon
from ..theme import colors
from .sensitive import MediaThumbnails, blurred, sensitive_media

PAD_X, PAD_Y, ICON = 12, 9, 30
SNIPPET_LINES = 2
_CACHE_SIZE = 400


def snippet_html(snippet: Snippet, match_bg: str, match_fg: str, ellipses: bool = True) -> str:
    """The snippet as HTML, matches marked; the direction follows its script.

    A passage from inside the text is shown between ellipses; a lead (`Hit.lead`)
    carries its own."""
    rtl = mostly_rtl(snippet.text)
    # Runs in the other direction isolated: "@demo_reporter" at the end of an Urdu
    # snippet read "demo_reporter@" (issue 12). The marks go between parts as well.
    marks = isolation_marks("".join(text for text, _ in snippet.parts), rtl)
    parts = []
    at = 0
    for text, matched in snippet.parts:
        pieces, previous = [], 0
        for offset in sorted(o for o in marks if at <= o < at + len(text)):
            pieces.append(html.escape(text[previous : offset - at]) + marks[offset])
            previous = offset - at
        pieces.append(html.escape(text[previous:]))
        escaped = "".join(pieces)
        at += len(text)
        if matched:
            parts.append(
                f'<span style="background-color:{match_bg}; color:{match_fg};">{escaped}</span>'
            )
        else:
            parts.append(escaped)
    parts.append(marks.get(at, ""))
    direction = "rtl" if rtl else "ltr"
    dots = "…" if ellipses else ""
    return f'<div dir="{direction}">{dots}{"".join(parts)}{dots}</div>'


def versions_badge(badges: tuple[Badge, ...], versions: tuple[Hit, ...]) -> tuple[Badge, ...]:
    """The badges of a card of an edited post's versions, its "Edited" badge naming the
    versions the query found when it did not find all: "Version 1 of 2", "Versions 1, 3
    of 3" (short: a card is narrow; the tooltip says it in full)."""
    numbers = [h.version.number for h in versions if h.version is not None]
    if not numbers or versions[0].version is None or len(numbers) >= versions[0].version.total:
        return badges
    total = versions[0].version.total
    listed = ", ".join(map(str, numbers))
    short = f"Version {listed} of {total}" if len(numbers) == 1 else f"Versions {listed} of {total}"
    return tuple(replace(b, short=short) if b.kind == "edited" else b for b in badges)


def card_title(heading: str, metrics: QFontMetrics, width: int) -> tuple[str, QTextOption]:
    """The title as it fits in `width`, and how to draw it: an Urdu title reads from the
    right and loses its end at the left, where its reader's eye arrives last (drawn as
    a left-to-right line, its ellipsis came first: at the right)."""
    rtl = is_rtl(heading)
    option = QTextOption(
        (Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
        | Qt.AlignmentFlag.AlignVCenter
        | Qt.AlignmentFlag.AlignAbsolute
    )
    option.setTextDirection(
        Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    )
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    return metrics.elidedText(heading, Qt.TextElideMode.ElideRight, width), option


class ResultDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._docs: OrderedDict[tuple[int, int, int, bool], QTextDocument] = OrderedDict()
        self._media: MediaThumbnails | None = None
        self._thumbs: OrderedDict[tuple[int, int, int, bool], QPixmap] = OrderedDict()
        #: What the platform did to each post (withheld, deleted…), drawn as badges on
        #: the card's second line (one source per archive; gui/evidence.py sets it).
        self.evidence: CardBadges | None = None

    @property
    def media(self) -> MediaThumbnails | None:
        """Thumbnails of pictures and videos, at the card's right (one source per archive)."""
        return self._media

    @media.setter
    def media(self, source: MediaThumbnails | None) -> None:
        self._media = source
        self._thumbs.clear()  # another archive's item #5 is another picture

    def thumbnail_state(self, item: Item) -> str:
        """What the card shows of the item's picture: "none", "blurred" or "shown"."""
        if self.media is None or self.media.pixmap(item) is None:
            return "none"
        return "blurred" if self._hidden(item) else "shown"

    def _hidden(self, item: Item) -> bool:
        assert self.media is not None
        return sensitive_media().hidden(item.id, bool(self.media.why(item)))

    def _thumb_rect(self, rect: QRect) -> QRect:
        side = rect.height() - 2 * PAD_Y
        return QRect(rect.right() - PAD_X - side * 4 // 3, rect.top() + PAD_Y, side * 4 // 3, side)

    def _draw_thumbnail(self, painter: QPainter, item: Item, rect: QRect) -> int:
        """Draw the picture's thumbnail (blurred if sensitive); the width it took."""
        pixmap = self.media.pixmap(item) if self.media is not None else None
        if pixmap is None:
            return 0
        box = self._thumb_rect(rect)
        hidden = self._hidden(item)
        key = (item.id, box.width(), box.height(), hidden)
        scaled = self._thumbs.get(key)
        if scaled is None:
            scaled = pixmap.scaled(
                box.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            if hidden:  # blurred at the size shown, so that its word can be read
                scaled = blurred(scaled, "Sensitive")
            self._thumbs[key] = scaled
            if len(self._thumbs) > _CACHE_SIZE:
                self._thumbs.popitem(last=False)
        x = box.right() - scaled.width() + 1
        painter.drawPixmap(x, box.top() + (box.height() - scaled.height()) // 2, scaled)
        return box.width() + 8

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """A click on a blurred thumbnail reveals it (the row is chosen as by any click)."""
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            hit = index.data(ResultsModel.HitRole)
            if (
                isinstance(hit, Hit)
                and self.thumbnail_state(hit.item) == "blurred"
                and self._thumb_rect(option.rect).contains(event.position().toPoint())
            ):
                sensitive_media().reveal(hit.item.id)
        return super().editorEvent(event, model, option, index)

    def clear_cache(self) -> None:
        self._docs.clear()

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        title = QFont(base)
        title.setPointSizeF(base.pointSizeF() + 1)
        title.setWeight(QFont.Weight.DemiBold)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() - 1))
        return title, small, base

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        title, small, base = self._fonts(option)
        height = (
            2 * PAD_Y
            + QFontMetrics(title).height()
            + 3
            + QFontMetrics(small).height()
            + 4
            + SNIPPET_LINES * QFontMetrics(base).lineSpacing()
        )
        return QSize(200, height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        hit = index.data(ResultsModel.HitRole)
        if not isinstance(hit, Hit):
            return
        c = colors()
        item = hit.item
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(QColor(c.border))
        painter.drawLine(rect.left() + PAD_X, rect.bottom(), rect.right() - PAD_X, rect.bottom())

        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text_color if selected else QColor(c.muted)
        title_font, small_font, base_font = self._fonts(option)

        kind_icon(item.kind).paint(
            painter, QRect(rect.left() + PAD_X, rect.top() + PAD_Y, ICON, ICON)
        )
        left = rect.left() + PAD_X + ICON + 10
        width = rect.right() - PAD_X - left - self._draw_thumbnail(painter, item, rect)
        y = rect.top() + PAD_Y

        # Line 1: title, and the date at the right.
        day = format_day(item.date)
        painter.setFont(small_font)
        date_width = QFontMetrics(small_font).horizontalAdvance(day) + 8
        title_metrics = QFontMetrics(title_font)
        painter.setFont(title_font)
        painter.setPen(text_color)
        heading = item.title
        if item.kind == "post" and heading.startswith("@") and ": " in heading:
            heading = heading.split(": ", 1)[0]  # the account; lines 3–4 show the words
        title, title_option = card_title(heading, title_metrics, width - date_width)
        title_rect = QRectF(left, y, width - date_width, title_metrics.height())
        painter.drawText(title_rect, title, title_option)
        painter.setFont(small_font)
        painter.setPen(muted)
        painter.drawText(
            QRect(left, y, width, title_metrics.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            day,
        )
        y += title_metrics.height() + 3

        # Line 2: author · kind · language · page of the hit.
        small_metrics = QFontMetrics(small_font)
        bits = [item.author] if item.author else []
        bits.append(KIND_TITLES.get(item.kind, item.kind))
        if item.language:
            bits.append(language_name(item.language))
        if hit.snippet is not None and item.page_count > 1:
            bits.append(f"page {hit.snippet.page} of {item.page_count}")
        meta_width = width
        badges = self.evidence.badges(item) if self.evidence is not None else ()
        badges = versions_badge(badges, index.data(ResultsModel.VersionsRole) or ())
        if badges:  # at the right of the line, leaving the author a third of it at least
            natural = small_metrics.horizontalAdvance(join_isolated(bits))
            room = width - min(natural, width // 3) - 6
            height = small_metrics.height()
            meta_width -= paint_badges(painter, badges, left + width, y, height, room) + 6
        meta = small_metrics.elidedText(
            join_isolated(bits), Qt.TextElideMode.ElideRight, meta_width
        )
        painter.drawText(
            QRect(left, y, meta_width, small_metrics.height()), Qt.AlignmentFlag.AlignLeft, meta
        )
        y += small_metrics.height() + 4

        # Lines 3–4: the snippet; else how the text begins; else the file name.
        lines_height = SNIPPET_LINES * QFontMetrics(base_font).lineSpacing()
        if hit.snippet is not None or hit.lead:
            doc = self._snippet_doc(hit, width, selected, base_font, text_color)
            painter.translate(left, y)
            clip = QRect(0, 0, width, lines_height)
            painter.setClipRect(clip)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.palette.setColor(QPalette.ColorRole.Text, text_color)
            context.clip = clip
            doc.documentLayout().draw(painter, context)
        elif item.kind != "post":  # a post's title shows all of its text; its file says nothing
            painter.setFont(base_font)
            painter.setPen(muted)
            name = QFontMetrics(base_font).elidedText(
                item.original_name, Qt.TextElideMode.ElideMiddle, width
            )
            painter.drawText(QRect(left, y, width, lines_height), Qt.AlignmentFlag.AlignLeft, name)
        painter.restore()

    def _snippet_doc(
        self, hit: Hit, width: int, selected: bool, font: QFont, color: QColor
    ) -> QTextDocument:
        key = (hit.item.id, hit.rank, width, selected)
        doc = self._docs.get(key)
        if doc is not None:
            self._docs.move_to_end(key)
            return doc
        c = colors()
        snippet = hit.snippet or Snippet(1, ((hit.lead, False),))
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        line = QFontMetrics(font).lineSpacing()  # the card has room for two of these
        rtl = mostly_rtl(snippet.text)
        if rtl and line_family():
            # Nastaliq is too tall for two lines of a card; Naskh reads well small.
            font = QFont(font)
            font.setFamilies([line_family(), *font.families()])
        doc.setDefaultFont(font)
        doc.setDefaultStyleSheet(f"div {{ color: {color.name()}; }}")
        doc.setHtml(snippet_html(snippet, c.match_bg, c.match_fg, hit.snippet is not None))
        if rtl:
            # Naskh's ascent and descent are taller than the Latin font's: keep its
            # lines at the card's line spacing so that the second is not cut in half.
            cursor = QTextCursor(doc)
            cursor.select(QTextCursor.SelectionType.Document)
            block = QTextBlockFormat()
            block.setLineHeight(line, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
            cursor.mergeBlockFormat(block)
        doc.setTextWidth(width)
        self._docs[key] = doc
        if len(self._docs) > _CACHE_SIZE:
            self._docs.popitem(last=False)
        return doc


class ResultsView(QTableView):
    """The list of hits: one card per row, drawn by `ResultDelegate`.

    A QTableView with fixed row heights: appending a page of rows only adds
    header sections, where list and tree views lay out every row again (and
    ask the Python model about each one), which grows slow at 100 000 rows.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("results")
        self.delegate = ResultDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setAccessibleName("Search results")
        # Tab leaves the list for the item shown (a table would step through its cells:
        # a keyboard user could never Tab out); Up and Down choose the result.
        self.setTabKeyNavigation(False)
        self._fit_row_height()

    def _fit_row_height(self) -> None:
        option = QStyleOptionViewItem()
        option.initFrom(self)
        self.verticalHeader().setDefaultSectionSize(
            self.delegate.sizeHint(option, QModelIndex()).height()
        )

    def setModel(self, model: object) -> None:  # type: ignore[override]
        super().setModel(model)  # type: ignore[arg-type]
        if isinstance(model, ResultsModel):
            model.modelReset.connect(self.delegate.clear_cache)
            model.modelReset.connect(self._show_first_column_only)
            self._show_first_column_only()

    def _show_first_column_only(self) -> None:
        # The card in column 0 shows title, date, author and kind together.
        model = self.model()
        for column in range(1, model.columnCount() if model is not None else 0):
            self.setColumnHidden(column, True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_row_height()
        super().changeEvent(event)

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        self.delegate.clear_cache()
        super().resizeEvent(event)  # type: ignore[arg-type]
