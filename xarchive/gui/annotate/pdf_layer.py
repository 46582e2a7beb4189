"""Highlights, text selection and region notes on the pages of a QtPdf view.

QPdfView draws the pages and nothing else: this layer is a transparent widget
over its viewport that draws highlights and regions, and an event filter that
turns a drag on a page into a text selection (QPdfDocument.getSelection), or
with Shift (or in region mode) into a rectangle. Both are kept in the page's
own points, the unit the core stores for regions, so they follow zoom and
scrolling: `page_rect` places a page in the viewport the way QPdfView lays
pages out (one under another, centred, `documentMargins`, `pageSpacing`).

A scanned page has no text layer: its text is the words OCR read there, with
their boxes (core/words.py), so searched words, Find in Document's matches,
selections and highlights land on the picture's words as on a born-digital page.
The layer also draws Find in Document's matches (QPdfView's own current match
is an opaque box that hides the word): translucent, the current one outlined.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeyEvent, QMouseEvent, QPainter, QPen, QPolygonF
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QWidget

from ...core import words as word_boxes
from ...core.annotate import Annotation, ItemAnnotations
from ...core.annotate.anchoring import Quote
from ..views.pdf import FindResult, PdfViewer, ocr_rects
from .colours import REGION, REGION_SELECTED, highlight_colour
from .textmap import find_span, from_utf16, quote_in, to_utf16

HANDLE = 10  # screen pixels
MIN_SIZE = 4
#: The inks of searched words and Find in Document's matches, multiplied into the page
#: (the word stays black on them); the current match's, outlined in CURRENT_MATCH_LINE.
MATCH_INK = "#ffe27a"
CURRENT_MATCH_INK = "#ffb45e"
CURRENT_MATCH_LINE = QColor(217, 72, 15)


@dataclass(slots=True)
class _Region:
    uid: str
    page: int  # 0-based
    rect: QRectF  # points
    note: str


class _Overlay(QWidget):
    def __init__(self, layer: PdfLayer, parent: QWidget) -> None:
        super().__init__(parent)
        self.layer = layer
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)

    def paintEvent(self, event: object) -> None:  # type: ignore[override]
        self.layer.paint(self)


class PdfLayer(QObject):
    """Draws an item's highlights and regions over its PDF pages; selects text on them."""

    drawn = Signal(QRectF, int)  # points, 1-based page
    moved = Signal(str, QRectF)
    selected = Signal(str)
    delete_requested = Signal(str)
    highlight_requested = Signal()

    def __init__(self, viewer: PdfViewer) -> None:
        super().__init__(viewer)
        self.viewer = viewer
        self.view: QPdfView = viewer.view
        self.document: QPdfDocument = viewer.document
        self.overlay = _Overlay(self, self.view.viewport())
        self.draw_mode = False
        self.highlights: dict[str, tuple[int, list[QPolygonF], QColor]] = {}
        self.regions: dict[str, _Region] = {}
        self.selected_uid: str | None = None
        self._found: ItemAnnotations | None = None
        self._page_text: dict[int, str] = {}
        self._word_marks: dict[int, list[QPolygonF]] = {}  # page → searched words' bounds
        # The text selection being made: page (0-based), start and end in points.
        self._select: tuple[int, QPointF, QPointF] | None = None
        self.selection_bounds: list[QPolygonF] = []
        self._selection: tuple[int, int, int] | None = None  # page, start, end (UTF-16)
        self._rubber: tuple[int, QPointF, QPointF] | None = None
        self._drag: tuple[str, int | None, QPointF, QRectF] | None = None  # uid, corner, start
        self.view.viewport().installEventFilter(self)
        self.view.installEventFilter(self)  # keys come to it when it has the focus by Tab
        #: A selection made with the keyboard: page (0-based), where it started and where
        #: it is now (code points of `page_text`).
        self._keys: tuple[int, int, int] | None = None
        self.view.verticalScrollBar().valueChanged.connect(lambda _v: self.overlay.update())
        self.view.horizontalScrollBar().valueChanged.connect(lambda _v: self.overlay.update())
        self.view.zoomFactorChanged.connect(lambda _z: self.overlay.update())
        self.document.statusChanged.connect(lambda _s: self._document_changed())
        viewer.results_changed.connect(self.overlay.update)
        viewer.reveal_requested.connect(self.reveal_current)

    # -- where pages are ---------------------------------------------------------------
    def _resolution(self) -> float:
        screen = QGuiApplication.primaryScreen()
        return (screen.logicalDotsPerInch() if screen else 96.0) / 72.0

    def page_rect(self, page: int) -> QRect:
        """Page `page` (0-based) in viewport pixels, as QPdfView lays it out."""
        doc, view = self.document, self.view
        count = doc.pageCount()
        if not 0 <= page < count:
            return QRect()
        margins = view.documentMargins()
        viewport = view.viewport().size()
        resolution = self._resolution()
        mode = view.zoomMode()
        single = view.pageMode() == QPdfView.PageMode.SinglePage
        current = view.pageNavigator().currentPage()
        pages = [current] if single else list(range(count))
        sizes: dict[int, QSize] = {}
        for p in pages:
            natural = (doc.pagePointSize(p) * resolution).toSize()
            if mode == QPdfView.ZoomMode.Custom:
                size = (doc.pagePointSize(p) * resolution * view.zoomFactor()).toSize()
            elif mode == QPdfView.ZoomMode.FitToWidth:
                width = viewport.width() - margins.left() - margins.right()
                size = natural * (width / natural.width()) if natural.width() else natural
            else:
                room = viewport + QSize(-margins.left() - margins.right(), -view.pageSpacing())
                size = natural.scaled(room, Qt.AspectRatioMode.KeepAspectRatio)
            sizes[p] = size
        total = (
            max((s.width() for s in sizes.values()), default=0) + margins.left() + margins.right()
        )
        y = margins.top()
        for p in pages:
            size = sizes[p]
            x = (max(total, viewport.width()) - size.width()) // 2
            if p == page:
                return QRect(
                    x - view.horizontalScrollBar().value(),
                    y - view.verticalScrollBar().value(),
                    size.width(),
                    size.height(),
                )
            y += size.height() + view.pageSpacing()
        return QRect()

    def to_view(self, page: int, point: QPointF) -> QPointF:
        rect = self.page_rect(page)
        size = self.document.pagePointSize(page)
        if rect.isEmpty() or size.width() <= 0:
            return QPointF()
        return QPointF(
            rect.x() + point.x() * rect.width() / size.width(),
            rect.y() + point.y() * rect.height() / size.height(),
        )

    def to_page(self, point: QPointF) -> tuple[int, QPointF] | None:
        """The page (0-based) under a viewport point, and the point on it in points."""
        for page in self._visible_pages():
            rect = self.page_rect(page)
            if rect.contains(point.toPoint()):
                size = self.document.pagePointSize(page)
                return page, QPointF(
                    (point.x() - rect.x()) * size.width() / rect.width(),
                    (point.y() - rect.y()) * size.height() / rect.height(),
                )
        return None

    def _visible_pages(self) -> list[int]:
        current = self.view.pageNavigator().currentPage()
        count = self.document.pageCount()
        return [p for p in range(max(0, current - 2), min(count, current + 3))]

    def view_rect(self, page: int, rect: QRectF) -> QRectF:
        return QRectF(self.to_view(page, rect.topLeft()), self.to_view(page, rect.bottomRight()))

    # -- what to draw ----------------------------------------------------------------------
    def _document_changed(self) -> None:
        self._page_text.clear()
        self._word_marks.clear()
        self.clear_selection()
        if self.document.status() == QPdfDocument.Status.Ready:
            self._locate()

    def page_text(self, page: int) -> str:
        """The text of `page` (0-based): its text layer, or on a scan the OCR words'."""
        if page not in self._page_text:
            if self.viewer.scanned(page):
                self._page_text[page] = self.viewer.ocr_page_text(page)
            else:
                self._page_text[page] = self.document.getAllText(page).text()
        return self._page_text[page]

    def bounds(self, page: int, start: int, end: int) -> list[QPolygonF]:
        """Where characters `start`…`end` (code points) of `page_text(page)` are, in points."""
        if self.viewer.scanned(page):
            words = self.viewer.ocr_words[page + 1]
            indices = word_boxes.words_between(words, start, end)
            size = self.document.pagePointSize(page)
            return [QPolygonF(rect) for rect in ocr_rects(words, indices, size)]
        text = self.page_text(page)
        a, b = to_utf16(text, start), to_utf16(text, end)
        return list(self.document.getSelectionAtIndex(page, a, b - a).bounds())

    def word_marks(self, page: int) -> list[QPolygonF]:
        """Where the searched words (`PdfViewer.words`) are on `page` (0-based), in points."""
        if page not in self._word_marks:
            text = self.page_text(page)
            bounds: list[QPolygonF] = []
            for word in {w.strip() for w in getattr(self.viewer, "words", []) if w.strip()}:
                for match in re.finditer(re.escape(word), text, re.IGNORECASE):
                    bounds.extend(self.bounds(page, match.start(), match.end()))
            self._word_marks[page] = bounds
        return self._word_marks[page]

    def set_annotations(self, found: ItemAnnotations | None, selected: str | None = None) -> None:
        self._found = found
        self.selected_uid = selected
        self._locate()

    def _locate(self) -> None:
        self.highlights.clear()
        self.regions.clear()
        found = self._found
        if found is None or self.document.status() != QPdfDocument.Status.Ready:
            self.overlay.update()
            return
        count = self.document.pageCount()
        for highlight in found.highlights:
            span = highlight.span
            if span is None or not 1 <= span.page <= count:
                continue
            page = span.page - 1
            shown = self.page_text(page)
            where = find_span(shown, span)
            if where is None:
                continue
            self.highlights[highlight.uid] = (
                page,
                self.bounds(page, where[0], where[1]),
                highlight_colour(highlight.colour, 110),
            )
        for region in found.regions:
            box = region.box
            if box is None or box.page is None or not 1 <= box.page <= count:
                continue
            self.regions[region.uid] = _Region(
                region.uid, box.page - 1, QRectF(box.x, box.y, box.w, box.h), region.note
            )
        self.overlay.update()

    def paint(self, widget: QWidget) -> None:
        self.overlay.setGeometry(self.view.viewport().rect())
        painter = QPainter(widget)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        visible = set(self._visible_pages())
        painter.setPen(Qt.PenStyle.NoPen)
        if self.document.status() == QPdfDocument.Status.Ready:
            # Multiplied into the page as a highlighter's ink: the paper takes the colour,
            # the letters stay black (laid over them, the colour paled them).
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
            painter.setBrush(QColor(MATCH_INK))
            for page in sorted(visible):
                for polygon in self.word_marks(page):
                    painter.drawPolygon(QPolygonF([self.to_view(page, p) for p in polygon]))
            self._paint_find_results(painter, visible)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        for uid, (page, polygons, colour) in self.highlights.items():
            if page not in visible:
                continue
            fill = QColor(colour)
            if uid == self.selected_uid:
                fill.setAlpha(170)
            painter.setBrush(fill)
            for polygon in polygons:
                painter.drawPolygon(QPolygonF([self.to_view(page, p) for p in polygon]))
        if self._selection is not None:
            painter.setBrush(QColor(47, 111, 179, 90))
            for polygon in self.selection_bounds:
                painter.drawPolygon(
                    QPolygonF([self.to_view(self._selection[0], p) for p in polygon])
                )
        for region in self.regions.values():
            if region.page not in visible:
                continue
            chosen = region.uid == self.selected_uid
            colour = QColor(REGION_SELECTED if chosen else REGION)
            painter.setPen(QPen(colour, 2))
            fill = QColor(colour)
            fill.setAlpha(40 if chosen else 25)
            painter.setBrush(fill)
            rect = self.view_rect(region.page, region.rect)
            painter.drawRect(rect)
            if chosen:
                painter.setBrush(colour)
                for corner in _corners(rect):
                    painter.drawRect(
                        QRectF(corner.x() - HANDLE / 2, corner.y() - HANDLE / 2, HANDLE, HANDLE)
                    )
        if self._rubber is not None:
            page, a, b = self._rubber
            pen = QPen(QColor(REGION), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.to_view(page, a), self.to_view(page, b)).normalized())
        painter.end()

    def reveal_current(self) -> None:
        """Scroll so that Find in Document's current match is in view, with room around it."""
        viewer = self.viewer
        if not 0 <= viewer.current_result < len(viewer.find_results):
            return
        result = viewer.find_results[viewer.current_result]
        area = QRectF()
        for rect in result.rects:
            area = area.united(self.view_rect(result.page, rect))
        if area.isEmpty():
            return
        room = QRectF(self.view.viewport().rect()).adjusted(40, 40, -40, -40)
        for bar, low, high, start, end in (
            (self.view.horizontalScrollBar(), area.left(), area.right(), room.left(), room.right()),
            (self.view.verticalScrollBar(), area.top(), area.bottom(), room.top(), room.bottom()),
        ):
            if low < start:
                bar.setValue(bar.value() - round(start - low))
            elif high > end:
                bar.setValue(bar.value() + round(min(high - end, low - start)))
        self.overlay.update()

    def _paint_find_results(self, painter: QPainter, visible: set[int]) -> None:
        """Find in Document's matches, multiplied into the page; the current one in a
        stronger ink with an outline around it (drawn over, not multiplied)."""
        viewer = self.viewer
        painter.setPen(Qt.PenStyle.NoPen)
        current: FindResult | None = None
        for row, result in enumerate(viewer.find_results):
            if result.page not in visible:
                continue
            if row == viewer.current_result:
                current = result
            painter.setBrush(QColor(CURRENT_MATCH_INK if result is current else MATCH_INK))
            for rect in line_rects(result.rects):
                painter.drawRect(self.view_rect(result.page, rect))
        if current is not None:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            pen = QPen(CURRENT_MATCH_LINE, 2)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in line_rects(current.rects):
                painter.drawRect(self.view_rect(current.page, rect.adjusted(-1.5, -1.5, 1.5, 1.5)))
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        painter.setPen(Qt.PenStyle.NoPen)

    # -- the selection ------------------------------------------------------------------------
    def selection(self) -> tuple[int, Quote] | None:
        """The text selected: its page (1-based) and quote with context, if any."""
        if self._selection is None:
            return None
        page, start, end = self._selection
        shown = self.page_text(page)
        a, b = from_utf16(shown, start), from_utf16(shown, end)
        quote = quote_in(shown, a, b)
        return (page + 1, quote) if quote.exact.strip() else None

    def select_text(self, page: int, start: QPointF, end: QPointF) -> str:
        """Select the text between two points of a page (0-based), as a drag does."""
        if self.viewer.scanned(page):
            return self._select_words(page, start, end)
        found = self.document.getSelection(page, start, end)
        if not found.isValid() or not found.text().strip():
            self.clear_selection()
            return ""
        self._selection = (page, found.startIndex(), found.endIndex())
        self.selection_bounds = list(found.bounds())
        self.overlay.update()
        return found.text()

    def _select_words(self, page: int, start: QPointF, end: QPointF) -> str:
        """On a scan: the OCR words from the one nearest `start` to the one nearest `end`,
        in reading order."""
        words = self.viewer.ocr_words[page + 1]
        size = self.document.pagePointSize(page)
        first, last = sorted(
            word_boxes.nearest(words, p.x(), p.y(), size.width(), size.height())
            for p in (start, end)
        )
        if first < 0:
            self.clear_selection()
            return ""
        text = self.page_text(page)
        where = word_boxes.spans(words)
        a, b = where[first][0], where[last][1]
        self._selection = (page, to_utf16(text, a), to_utf16(text, b))
        self.selection_bounds = [
            QPolygonF(r) for r in ocr_rects(words, list(range(first, last + 1)), size)
        ]
        self.overlay.update()
        return text[a:b]

    def select_span(self, page: int, start: int, end: int) -> str:
        """Select characters `start`…`end` (code points) of `page_text(page)`."""
        text = self.page_text(page)
        start, end = sorted((start, end))
        if not text[start:end].strip():
            self.clear_selection()
            return ""
        self._selection = (page, to_utf16(text, start), to_utf16(text, end))
        self.selection_bounds = self.bounds(page, start, end)
        self.overlay.update()
        return text[start:end]

    def _key_select(self, key: int) -> bool:
        """Shift+→/← take in the next/previous word, Shift+↓/↑ the next/previous line;
        the first press starts at Find in Document's current match (so Shift+→ on it
        selects just it), else at the page's first word."""
        page = self.viewer.current_page() - 1
        text = self.page_text(page)
        if not text.strip():
            return False
        if self._keys is None or self._keys[0] != page or self._selection is None:
            anchor, active = self._match_on(page, text)
            if anchor < active:
                self._keys = (page, anchor, active)
                self.select_span(page, anchor, active)
                return True
            self._keys = (page, anchor, anchor)
        _page, anchor, active = self._keys
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        if key == Qt.Key.Key_Right:
            active = next((b for a, b in words if b > active), active)
        elif key == Qt.Key.Key_Left:
            active = next((a for a, b in reversed(words) if a < active), active)
        elif key == Qt.Key.Key_Down:
            line_end = text.find("\n", active)
            following = text.find("\n", line_end + 1) if line_end >= 0 else -1
            active = len(text) if line_end < 0 or following < 0 else following
        else:
            line_start = text.rfind("\n", 0, max(0, active - 1))
            active = max(0, text.rfind("\n", 0, line_start) + 1) if line_start > 0 else 0
        self._keys = (page, anchor, active)
        self.select_span(page, anchor, active)
        return True

    def _match_on(self, page: int, text: str) -> tuple[int, int]:
        """Where the keyboard's selection starts on `page`: Find in Document's current
        match there (start, end), else the page's first word (start, start)."""
        viewer = self.viewer
        phrase = viewer.find_field.text().strip()
        if phrase:
            found = [m.span() for m in re.finditer(re.escape(phrase), text, re.IGNORECASE)]
            on_page = [r for r in viewer.find_results if r.page == page]
            current = (
                viewer.find_results[viewer.current_result]
                if 0 <= viewer.current_result < len(viewer.find_results)
                else None
            )
            nth = on_page.index(current) if current in on_page else 0
            if nth < len(found):
                return found[nth]
        first = re.search(r"\S", text)
        at = first.start() if first else 0
        return at, at

    def _key_region(self, key: int, resize: bool) -> None:
        """Ctrl+arrows move the selected region, Ctrl+Shift+arrows resize it: a step of
        1/50 of its page each."""
        assert self.selected_uid is not None
        region = self.regions[self.selected_uid]
        size = self.document.pagePointSize(region.page)
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                 Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}  # fmt: skip
        across, down = steps[Qt.Key(key)]
        dx, dy = across * size.width() / 50, down * size.height() / 50
        rect = QRectF(region.rect)
        if resize:
            rect.setWidth(max(MIN_SIZE, rect.width() + dx))
            rect.setHeight(max(MIN_SIZE, rect.height() + dy))
        else:
            rect.translate(
                min(max(dx, -rect.left()), size.width() - rect.right()),
                min(max(dy, -rect.top()), size.height() - rect.bottom()),
            )
        region.rect = rect.intersected(QRectF(QPointF(0, 0), size))
        self.overlay.update()
        self.moved.emit(region.uid, region.rect)

    def draw_at_keyboard(self) -> bool:
        """Enter in region mode: a region around the words selected, or a box in the
        middle of the page shown (moved and sized with Ctrl+arrows and Ctrl+Shift+arrows)."""
        if self._selection is not None and self.selection_bounds:
            page = self._selection[0]
            rect = QRectF()
            for polygon in self.selection_bounds:
                rect = rect.united(polygon.boundingRect())
            rect = rect.adjusted(-3, -3, 3, 3)
        else:
            page = self.viewer.current_page() - 1
            size = self.document.pagePointSize(page)
            if size.isEmpty():
                return False
            rect = QRectF(size.width() * 0.25, size.height() * 0.4, size.width() * 0.5,
                          size.height() * 0.2)  # fmt: skip
        self.clear_selection()
        self.drawn.emit(
            rect.intersected(QRectF(QPointF(0, 0), self.document.pagePointSize(page))), page + 1
        )
        return True

    def clear_selection(self) -> None:
        self._keys = None
        self._selection = None
        self.selection_bounds = []
        self.overlay.update()

    def set_draw_mode(self, on: bool) -> None:
        self.draw_mode = on
        self.view.viewport().setCursor(
            Qt.CursorShape.CrossCursor if on else Qt.CursorShape.IBeamCursor
        )

    def show_annotation(self, annotation: Annotation) -> None:
        self.selected_uid = annotation.uid
        page = None
        if annotation.span is not None:
            page = annotation.span.page
        elif annotation.box is not None and annotation.box.page is not None:
            page = annotation.box.page
        if page is not None:
            self.viewer.go_to_page(page)
        self.overlay.update()

    # -- the mouse ----------------------------------------------------------------------
    def _region_at(self, point: QPointF) -> tuple[str, int | None] | None:
        for uid in reversed(list(self.regions)):
            region = self.regions[uid]
            rect = self.view_rect(region.page, region.rect)
            if uid == self.selected_uid:
                for i, corner in enumerate(_corners(rect)):
                    if (
                        abs(point.x() - corner.x()) <= HANDLE
                        and abs(point.y() - corner.y()) <= HANDLE
                    ):
                        return uid, i
            if rect.contains(point):
                return uid, None
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        try:
            return self._filter(event)
        except RuntimeError:  # the view is being destroyed
            return False

    def _filter(self, event: QEvent) -> bool:
        if self._found is None or not self.viewer._showing_pdf():
            return False
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.overlay.setGeometry(self.view.viewport().rect())
            return False
        if kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key, modifiers = event.key(), event.modifiers()
            shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
            ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
            arrows = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)
            if (
                key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and self.selected_uid in self.regions
            ):
                assert self.selected_uid is not None
                self.delete_requested.emit(self.selected_uid)
                return True
            if key in arrows and ctrl and self.selected_uid in self.regions:
                self._key_region(key, resize=shift)
                return True
            if key in arrows and shift and not ctrl:
                return self._key_select(key)
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.draw_mode:
                return self.draw_at_keyboard()
            if key == Qt.Key.Key_Escape and self._selection is not None:
                self.clear_selection()
                return True
            return False
        if not isinstance(event, QMouseEvent):
            return False
        point = event.position()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self.view.viewport().setFocus()
            hit = self._region_at(point)
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if hit is not None and not shift:
                uid, corner = hit
                self.selected_uid = uid
                self.selected.emit(uid)
                region = self.regions[uid]
                self._drag = (uid, corner, point, QRectF(region.rect))
                self.overlay.update()
                return True
            on_page = self.to_page(point)
            if on_page is None:
                return False
            page, at = on_page
            self.clear_selection()
            if shift or self.draw_mode:
                self._rubber = (page, at, at)
            else:
                self._select = (page, at, at)
            return True
        if kind == QEvent.Type.MouseMove:
            if self._drag is not None:
                self._drag_to(point)
                return True
            active = self._rubber or self._select
            if active is None:
                return False
            page = active[0]
            rect = self.page_rect(page)
            size = self.document.pagePointSize(page)
            here = QPointF(
                min(max(point.x() - rect.x(), 0), rect.width())
                * size.width()
                / max(1, rect.width()),
                min(max(point.y() - rect.y(), 0), rect.height())
                * size.height()
                / max(1, rect.height()),
            )
            if self._rubber is not None:
                self._rubber = (page, self._rubber[1], here)
                self.overlay.update()
            elif self._select is not None:
                self._select = (page, self._select[1], here)
                self.select_text(page, self._select[1], here)
            return True
        if kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            if self._drag is not None:
                uid, _corner, _start, before = self._drag
                self._drag = None
                region = self.regions.get(uid)
                if region is not None and region.rect != before:
                    self.moved.emit(uid, region.rect.normalized())
                return True
            if self._rubber is not None:
                page, a, b = self._rubber
                self._rubber = None
                rect = QRectF(a, b).normalized()
                scale = self.page_rect(page).width() / max(
                    1.0, self.document.pagePointSize(page).width()
                )
                self.overlay.update()
                if rect.width() * scale >= MIN_SIZE and rect.height() * scale >= MIN_SIZE:
                    self.drawn.emit(rect, page + 1)
                return True
            if self._select is not None:
                self._select = None
                return True
        return False

    def _drag_to(self, point: QPointF) -> None:
        assert self._drag is not None
        uid, corner, start, before = self._drag
        region = self.regions.get(uid)
        if region is None:
            return
        rect = self.page_rect(region.page)
        size = self.document.pagePointSize(region.page)
        sx = size.width() / max(1, rect.width())
        sy = size.height() / max(1, rect.height())
        dx, dy = (point.x() - start.x()) * sx, (point.y() - start.y()) * sy
        moved = QRectF(before)
        if corner is None:
            moved.translate(dx, dy)
        elif corner == 0:
            moved.setTopLeft(before.topLeft() + QPointF(dx, dy))
        elif corner == 1:
            moved.setTopRight(before.topRight() + QPointF(dx, dy))
        elif corner == 2:
            moved.setBottomRight(before.bottomRight() + QPointF(dx, dy))
        else:
            moved.setBottomLeft(before.bottomLeft() + QPointF(dx, dy))
        region.rect = moved.normalized().intersected(QRectF(QPointF(0, 0), size))
        self.overlay.update()


def line_rects(rects: Sequence[QRectF]) -> list[QRectF]:
    """`rects` (a match's, which QtPdf gives a glyph or a word at a time) made one per line:
    inked one by one, their overlaps came out darker, and outlined one by one, a box round
    each letter hid the word."""
    lines: list[QRectF] = []
    for rect in sorted(rects, key=lambda r: (r.top(), r.left())):
        for i, line in enumerate(lines):
            overlap = min(line.bottom(), rect.bottom()) - max(line.top(), rect.top())
            if overlap > 0.5 * min(line.height(), rect.height()):
                lines[i] = line.united(rect)
                break
        else:
            lines.append(QRectF(rect))
    return lines


def _corners(rect: QRectF) -> list[QPointF]:
    return [rect.topLeft(), rect.topRight(), rect.bottomRight(), rect.bottomLeft()]
