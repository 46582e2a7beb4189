"""PDF documents with QtPdf: pages, zoom, fit width, the pages that match, words marked.

QtPdf comes in the PySide6-Pdf wheel (not in PySide6-Essentials). Without it
the viewer still works on the text the importer extracted, page by page, and
says how to get the pages as printed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core import words as word_boxes
from ...core.model import Page
from ..bidi import isolate_runs, mostly_rtl
from ..session import PageHit
from ..theme import colors
from .ocr_text import OcrTextPane, ocr_toggle
from .safe_browser import SafeTextBrowser
from .text import find_all, set_directions, text_to_html

log = logging.getLogger(__name__)

#: Qt's largest widget size (QWIDGETSIZE_MAX), which PySide6 does not name.
QWIDGETSIZE_MAX = (1 << 24) - 1

try:
    from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
    from PySide6.QtPdfWidgets import QPdfView

    HAVE_QTPDF = True
except ImportError:  # PySide6-Pdf is not installed
    HAVE_QTPDF = False

ZOOM_STEP = 1.2
#: Milliseconds after which a find that found nothing on a page with a text layer says so
#: (QPdfSearchModel reports its results a few pages at a time).
SEARCH_SETTLES_MS = 400
#: The find field's width, at the least, so that a phrase typed in it can be read.
FIND_FIELD_MIN_WIDTH = 120
#: The page's width, at the least, beside the OCR text pane, before the matching pages
#: step aside for it.
PAGE_MIN_WIDTH = 360
#: The matching pages' width, open beside the page.
HITS_WIDTH = 170
#: Narrower than this beside the open list, a page is hard to read (an A4 page's text
#: a few pixels high): in a narrow viewer, a 1280×720 laptop's, the list folds to a
#: strip until it is asked for.
PAGE_READABLE_WIDTH = 480


@dataclass(frozen=True, slots=True)
class FindResult:
    """One match of Find in Document: its page (0-based) and where it is, in points."""

    page: int
    rects: tuple[QRectF, ...]


def ocr_rects(words: tuple[word_boxes.Word, ...], indices: list[int], size: QSizeF) -> list[QRectF]:
    """The boxes of `words[i]` for `indices` on a page of `size` points, a line one rectangle."""
    width, height = size.width(), size.height()
    lines: dict[int, QRectF] = {}
    for i in indices:
        word = words[i]
        rect = QRectF(word.x * width, word.y * height, word.w * width, word.h * height)
        lines[word.line] = lines[word.line].united(rect) if word.line in lines else rect
    return list(lines.values())


class PdfViewer(QWidget):
    """One PDF: the pages (QtPdf) or their text, with the matching pages listed."""

    page_changed = Signal(int)  # 1-based
    #: Find in Document's matches or its current match changed (the layer draws them).
    results_changed = Signal()
    #: The current match should be scrolled into view (the layer knows where it is drawn).
    reveal_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._page_count = 0
        self._pages: list[Page] = []
        self._target_page = 1
        self._want_result_on_page = 0
        self._pending_jump = 0
        self.load_error = ""
        #: Page (1-based) → the words OCR read on it with their boxes (scanned pages).
        self.ocr_words: dict[int, tuple[word_boxes.Word, ...]] = {}
        self._scanned: dict[int, bool] = {}  # page (0-based) → no text layer, OCR words
        self._loading = False  # between closing one PDF and opening the next
        self._hits_width = 0  # the matching pages' width before the OCR pane took it
        self._hits_folded = False  # the matching pages folded to a strip
        #: The matching pages asked for (True) or folded away (False) by the person;
        #: None: open where the page keeps room to be read (PAGE_READABLE_WIDTH).
        self._hits_wanted: bool | None = None
        self.words: list[str] = []
        #: Find in Document's matches, in page order, and the one shown (-1: none).
        self.find_results: list[FindResult] = []
        self.current_result = -1
        self._search_settled = True
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SEARCH_SETTLES_MS)
        self._settle_timer.timeout.connect(self._settle_search)

        self._build_toolbar()
        self.hits_list = QListWidget(self)
        self.hits_list.setObjectName("pdfHits")
        self.hits_list.setWordWrap(True)
        self.hits_list.setToolTip("Pages where the searched words occur")
        self.hits_list.itemActivated.connect(self._hit_activated)
        self.hits_list.itemClicked.connect(self._hit_activated)
        self.hits_list.setFrameShape(QFrame.Shape.NoFrame)

        self.stack = QStackedWidget(self)
        self.text_view = SafeTextBrowser(self)
        self.text_view.document().setDocumentMargin(28)
        if HAVE_QTPDF:
            self.document = QPdfDocument(self)
            self.view = QPdfView(self)
            self.view.setDocument(self.document)
            self.view.setPageMode(QPdfView.PageMode.MultiPage)
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.view.setPageSpacing(12)
            # Not given to the view: QPdfView draws the current match as an opaque box
            # that hides the word; the annotation layer draws the matches instead.
            self.search_model = QPdfSearchModel(self)
            self.search_model.setDocument(self.document)
            self.search_model.rowsInserted.connect(self._results_arrived)
            self.search_model.modelReset.connect(self._results_arrived)
            self.view.pageNavigator().currentPageChanged.connect(self._navigator_moved)
            self.view.zoomFactorChanged.connect(self._show_zoom)
            self.view.zoomModeChanged.connect(self._show_zoom)
            self._show_zoom()
            self.view.installEventFilter(self)
            self.stack.addWidget(self.view)
        self.stack.addWidget(self.text_view)

        hits_panel = QWidget(self)
        hits_layout = QVBoxLayout(hits_panel)
        hits_layout.setContentsMargins(6, 6, 0, 6)
        heading = QHBoxLayout()
        heading.setSpacing(2)
        self.hits_title = QLabel("Matching pages", hits_panel)
        self.hits_title.setObjectName("muted")
        heading.addWidget(self.hits_title, 1)
        self.hits_fold = QToolButton(hits_panel)
        self.hits_fold.setAutoRaise(True)
        self.hits_fold.setArrowType(Qt.ArrowType.LeftArrow)
        self.hits_fold.clicked.connect(self._toggle_hits)
        heading.addWidget(self.hits_fold, 0, Qt.AlignmentFlag.AlignTop)
        hits_layout.addLayout(heading)
        #: How many pages match, on the folded strip.
        self.hits_count = QLabel("", hits_panel)
        self.hits_count.setObjectName("muted")
        self.hits_count.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.hits_count.hide()
        hits_layout.addWidget(self.hits_count)
        hits_layout.addWidget(self.hits_list, 1)
        hits_layout.addStretch(0)  # keeps the folded strip's button at its top
        self.hits_panel = hits_panel

        self.ocr_pane = OcrTextPane(self)
        self.ocr_pane.hide()

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(hits_panel)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.ocr_pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([HITS_WIDTH, 600, 260])
        self.splitter.setChildrenCollapsible(True)

        self.notice = QLabel(self)
        self.notice.setObjectName("muted")
        self.notice.setWordWrap(True)
        self.notice.setContentsMargins(10, 2, 10, 4)
        self.notice.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)

    def _build_toolbar(self) -> None:
        from ..resources import icon

        self.toolbar = QWidget(self)
        bar = QHBoxLayout(self.toolbar)
        bar.setContentsMargins(8, 4, 8, 4)
        bar.setSpacing(2)

        def button(name: str, tip: str, slot: object) -> QToolButton:
            b = QToolButton(self.toolbar)
            b.setIcon(icon(name))
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.clicked.connect(slot)
            bar.addWidget(b)
            return b

        self.prev_button = button("go-previous", "Previous page (Page Up)", self.previous_page)
        self.page_box = QSpinBox(self.toolbar)
        self.page_box.setMinimum(1)
        self.page_box.setKeyboardTracking(False)
        self.page_box.setToolTip("Go to page")
        self.page_box.valueChanged.connect(lambda n: self.go_to_page(n))
        bar.addWidget(self.page_box)
        self.page_total = QLabel("/ 0", self.toolbar)
        bar.addWidget(self.page_total)
        self.next_button = button("go-next", "Next page (Page Down)", self.next_page)
        bar.addSpacing(12)
        button("zoom-out", "Zoom out (Ctrl+−)", self.zoom_out)
        self.zoom_label = QLabel("", self.toolbar)
        self.zoom_label.setObjectName("muted")
        self.zoom_label.setMinimumWidth(44)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self.zoom_label)
        button("zoom-in", "Zoom in (Ctrl++)", self.zoom_in)
        button("fit-width", "Fit width", self.fit_width)
        button("fit-page", "Fit page", self.fit_page)
        bar.addStretch(1)
        self.ocr_button = ocr_toggle(self.toolbar)
        self.ocr_button.toggled.connect(self.show_ocr_text)
        bar.addWidget(self.ocr_button)
        self.find_field = QLineEdit(self.toolbar)
        self.find_field.setPlaceholderText("Find in document")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.setMaximumWidth(200)
        self.find_field.setMinimumWidth(FIND_FIELD_MIN_WIDTH)
        self.find_field.setToolTip("The words marked on the pages")
        self.find_field.returnPressed.connect(lambda: self.set_search(self.find_field.text()))
        bar.addWidget(self.find_field)
        button("go-up", "Previous match", lambda: self._step_result(-1))
        button("go-down", "Next match", lambda: self._step_result(1))
        self.result_label = QLabel("", self.toolbar)
        self.result_label.setObjectName("muted")
        bar.addWidget(self.result_label)
        #: The match count in full ("1 of 3 matches") and short ("1/3"), for narrow bars.
        self._count = ("", "")
        self.toolbar.installEventFilter(self)

    def _fit_toolbar(self) -> None:
        """Keep the whole toolbar on one line, the match count readable, in a narrow
        viewer (a 1280×720 laptop): the zoom level steps aside first, then the count
        is shortened ("1/3", said in full to its tooltip and screen readers), then the
        OCR button's label, then the find field narrows."""
        bar = self.toolbar.layout()
        full, short = self._count
        self.result_label.setToolTip(full)
        self.result_label.setAccessibleName(full or "Matches")
        steps = (
            lambda: self.zoom_label.setVisible(False),
            lambda: self.result_label.setText(short),
            lambda: self.ocr_button.setText("OCR"),
            lambda: self.find_field.setMinimumWidth(FIND_FIELD_MIN_WIDTH // 2),
        )
        self.zoom_label.setVisible(True)
        self.result_label.setText(full)
        self.ocr_button.setText("OCR text")
        self.find_field.setMinimumWidth(FIND_FIELD_MIN_WIDTH)
        width = self.toolbar.width()
        for step in steps:
            bar.invalidate()
            if bar.minimumSize().width() <= width:
                break
            step()

    def _set_count(self, full: str, short: str = "") -> None:
        self._count = (full, short or full)
        self._fit_toolbar()

    # -- showing a document -------------------------------------------------------------
    def show_document(
        self,
        path: Path,
        pages: list[Page],
        page: int,
        hits: list[PageHit],
        words: list[str],
        ocr_words: dict[int, tuple[word_boxes.Word, ...]] | None = None,
    ) -> None:
        """Open the PDF at `path` on `page` (1-based), list `hits`, mark `words`.

        `ocr_words` are the words OCR read on scanned pages, where hits, Find in
        Document and highlights are marked. A PDF that QtPdf cannot open
        (damaged, encrypted, missing) is shown as its extracted text, with the reason.
        """
        self._pages = pages
        self.ocr_words = dict(ocr_words or {})
        has_ocr = any(p.from_ocr for p in pages)
        self.ocr_button.setEnabled(has_ocr)
        self.ocr_button.setToolTip(
            "Show the text OCR read on this page, as it was searched"
            if has_ocr
            else "No page of this document was read by OCR: each has its own text"
        )
        if not has_ocr:
            self.show_ocr_text(False)
        self._scanned.clear()
        self._page_count = max(1, len(pages))
        self._target_page = page
        #: Every searched word, marked on the pages by the overlay (gui/annotate/pdf_layer);
        #: the find bar's QPdfSearchModel steps through the best phrase.
        self.words = list(words)
        self.load_error = ""
        self._fill_hits(hits)
        use_pdf = HAVE_QTPDF and self._load_pdf(path)
        if use_pdf:
            self._page_count = self.document.pageCount()
            self.stack.setCurrentWidget(self.view)
        else:
            self.stack.setCurrentWidget(self.text_view)
            if HAVE_QTPDF:
                self._show_notice(
                    f"The pages cannot be shown ({self.load_error}); this is the text "
                    "found in them."
                )
            else:
                self._show_notice(
                    "Showing the text of each page. Install the PySide6-Pdf "
                    "package to see the pages as printed."
                )
        if use_pdf:
            self.notice.hide()
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(self._page_count)
        self.page_box.blockSignals(False)
        self.page_total.setText(f"/ {self._page_count}")
        self.go_to_page(page)
        self.set_search(_best_phrase(words, hits, page))

    def _load_pdf(self, path: Path) -> bool:
        self._loading = True
        try:
            self.search_model.setSearchString("")
            self.document.close()
            if not path.is_file():
                self.load_error = "the original file is missing from the archive"
                return False
            error = self.document.load(str(path))
        finally:
            self._loading = False
            self._scanned.clear()
        if error != QPdfDocument.Error.None_:
            self.load_error = {
                QPdfDocument.Error.IncorrectPassword: "the PDF is protected by a password",
                QPdfDocument.Error.UnsupportedSecurityScheme: "its protection is not supported",
                QPdfDocument.Error.InvalidFileFormat: "the file is damaged",
                QPdfDocument.Error.FileNotFound: "the original file is missing from the archive",
            }.get(error, "QtPdf could not read it")
            return False
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        return True

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def _fill_hits(self, hits: list[PageHit]) -> None:
        self.hits_list.clear()
        for hit in hits:
            passage = isolate_runs(hit.snippet.text, mostly_rtl(hit.snippet.text))
            entry = QListWidgetItem(f"Page {hit.page}\n…{passage}…")
            entry.setData(Qt.ItemDataRole.UserRole, hit.page)
            entry.setToolTip(hit.snippet.text)
            self.hits_list.addItem(entry)
        self.hits_title.setText(
            f"Matching pages ({len(hits)})" if hits else "No page matches the search"
        )
        self.hits_count.setText(str(len(hits)))
        self.hits_panel.setVisible(bool(hits))
        self._show_hits_fold()
        self._fit_hits()

    # -- the matching pages, open or folded -------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_hits()

    def _fit_hits(self) -> None:
        """Open the matching pages or fold them to a strip: as the person last asked, else
        open only where the page beside them keeps room to be read."""
        if self.ocr_pane.isVisible():  # they stepped aside for it, and come back after
            return
        wanted = self._hits_wanted
        if wanted is None:
            wanted = self.splitter.width() >= HITS_WIDTH + PAGE_READABLE_WIDTH
        self._fold_hits(not wanted)

    def _toggle_hits(self) -> None:
        self._hits_wanted = self._hits_folded
        self._fold_hits(not self._hits_wanted)
        if self._hits_wanted:
            self.hits_list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fold_hits(self, folded: bool) -> None:
        if folded == self._hits_folded:
            return
        self._hits_folded = folded
        self.hits_title.setVisible(not folded)
        self.hits_list.setVisible(not folded)
        self.hits_count.setVisible(folded)
        self._show_hits_fold()
        sizes = self.splitter.sizes()
        panel = self.hits_panel
        if folded:
            margins = panel.layout().contentsMargins()
            inside = max(self.hits_fold.sizeHint().width(), self.hits_count.sizeHint().width())
            strip = margins.left() + inside + max(margins.right(), 2)
            panel.setFixedWidth(strip)
            if sizes[0]:
                self.splitter.setSizes([strip, sizes[1] + sizes[0] - strip, sizes[2]])
        else:
            panel.setMinimumWidth(0)
            panel.setMaximumWidth(QWIDGETSIZE_MAX)
            # The splitter's width, not its sizes: those can be of its last layout, before
            # the viewer was widened (or of none, while it was hidden).
            room = max(sizes[0] + sizes[1], self.splitter.width() - sizes[2])
            width = min(HITS_WIDTH, max(0, room - PAGE_MIN_WIDTH))
            self.splitter.setSizes([width, max(1, room - width), sizes[2]])

    def _show_hits_fold(self) -> None:
        folded, pages = self._hits_folded, self.hits_count.text()
        self.hits_fold.setArrowType(Qt.ArrowType.RightArrow if folded else Qt.ArrowType.LeftArrow)
        tip = f"Show the matching pages ({pages})" if folded else "Fold the matching pages away"
        self.hits_fold.setToolTip(tip)
        self.hits_fold.setAccessibleName(tip)
        self.hits_count.setToolTip(tip)

    def _hit_activated(self, entry: QListWidgetItem) -> None:
        page = int(entry.data(Qt.ItemDataRole.UserRole))
        self.go_to_page(page)
        self._want_result_on_page = page
        self._results_arrived()

    # -- navigation ---------------------------------------------------------------------
    def current_page(self) -> int:
        """The page shown, 1-based."""
        if self._showing_pdf():
            return int(self.view.pageNavigator().currentPage()) + 1
        return self._target_page

    def page_count(self) -> int:
        return self._page_count

    def go_to_page(self, page: int) -> None:
        page = max(1, min(page, self._page_count))
        self._target_page = page
        self._want_result_on_page = page
        if self._showing_pdf():
            self._pending_jump = page
            self._jump(page)
            if self.view.isVisible():
                QTimer.singleShot(0, self._settled)
        else:
            self._show_text_page(page)
        self._sync_page_box(page)
        self._fill_ocr_pane()
        self.page_changed.emit(page)

    def show_ocr_text(self, shown: bool) -> None:
        """Show (or hide) the pane with the text OCR read on the page shown."""
        self.ocr_button.setChecked(shown)
        if shown and not self.ocr_pane.isVisible():
            # Room for the page beside the pane: the matching pages step aside when the
            # viewer is narrow (they are in the results' cards too).
            sizes = self.splitter.sizes()
            total = sum(sizes) or self.width()
            pane = max(200, total // 3)
            hits = sizes[0] if total - pane - sizes[0] >= PAGE_MIN_WIDTH else 0
            self._hits_width = sizes[0]
            self.splitter.setSizes([hits, total - pane - hits, pane])
        elif not shown and self.ocr_pane.isVisible() and self._hits_width:
            # The matching pages come back as they were.
            sizes = self.splitter.sizes()
            total = sizes[0] + sizes[1]
            self.splitter.setSizes([self._hits_width, total - self._hits_width, sizes[2]])
            self._hits_width = 0
        self.ocr_pane.setVisible(shown)
        if not shown:
            self._fit_hits()
        self._fill_ocr_pane()

    def _fill_ocr_pane(self) -> None:
        if not self.ocr_button.isChecked():
            return
        page = self._target_page
        found = self._pages[page - 1] if 0 < page <= len(self._pages) else None
        text = found.text if found is not None and found.from_ocr else ""
        self.ocr_pane.show_text(text, page, self.words + [self.find_field.text()])

    def _jump(self, page: int) -> None:
        navigator = self.view.pageNavigator()
        navigator.jump(page - 1, QPointF(0, 0), navigator.currentZoom())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.toolbar and event.type() == QEvent.Type.Resize:
            self._fit_toolbar()
            return False
        # QPdfView lays its pages out again when it is first shown or resized (fit
        # width changes the zoom) and scrolls back to the top; keep the page asked for.
        if (
            watched is self.view
            and event.type() == QEvent.Type.Resize
            and not self._pending_jump
            and self._showing_pdf()
            and self.view.isVisible()
        ):
            # Narrowed by a pane, a panel or the window: stay on the page being read.
            self._pending_jump = self.current_page()
        if (
            watched is self.view
            and self._pending_jump
            and event.type() in (QEvent.Type.Resize, QEvent.Type.Show)
            and self.view.isVisible()
        ):
            self._jump(self._pending_jump)
            QTimer.singleShot(0, self._settled)
        return False

    def _settled(self) -> None:
        if self._pending_jump and self.view.isVisible():
            self._jump(self._pending_jump)
            self._pending_jump = 0

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def _navigator_moved(self, page: int) -> None:
        self._target_page = page + 1
        self._sync_page_box(page + 1)
        self._fill_ocr_pane()
        self.page_changed.emit(page + 1)

    def _sync_page_box(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page)
        self.page_box.blockSignals(False)
        self.prev_button.setEnabled(page > 1)
        self.next_button.setEnabled(page < self._page_count)

    def _showing_pdf(self) -> bool:
        return HAVE_QTPDF and self.stack.currentWidget() is self.view

    def _show_text_page(self, page: int) -> None:
        text = self._pages[page - 1].text if 0 < page <= len(self._pages) else ""
        body = (
            text_to_html(text) or f'<p style="color:{colors().muted};">(no text on this page)</p>'
        )
        self.text_view.setHtml(f"<h3>Page {page}</h3>{body}")
        set_directions(self.text_view.document())
        self._mark_text(self.find_field.text())

    # -- zoom -----------------------------------------------------------------------------
    def zoom_in(self) -> None:
        if self._showing_pdf():
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(min(8.0, self.view.zoomFactor() * ZOOM_STEP))

    def zoom_out(self) -> None:
        if self._showing_pdf():
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(max(0.1, self.view.zoomFactor() / ZOOM_STEP))

    def fit_width(self) -> None:
        if self._showing_pdf():
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        if self._showing_pdf():
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def _show_zoom(self, *_: object) -> None:
        """The zoom level, or the fit it follows: QPdfView reports no factor while it
        fits, and the label stood empty between the zoom buttons."""
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.FitToWidth:
            text, tip = "Width", "Zoomed to fit the page's width"
        elif mode == QPdfView.ZoomMode.FitInView:
            text, tip = "Page", "Zoomed to fit the whole page"
        else:
            text = f"{self.view.zoomFactor() * 100:.0f}%"
            tip = f"Zoomed to {text}"
        self.zoom_label.setText(text)
        self.zoom_label.setToolTip(tip)
        self.zoom_label.setAccessibleName(tip)

    # -- marking words ----------------------------------------------------------------------
    def set_search(self, text: str) -> None:
        """Find `text` on the pages: in their text layer (QPdfSearchModel) and, on scanned
        pages, in the words OCR read there; or in the page text when no PDF is shown."""
        self.find_field.setText(text)
        self.find_results = []
        self.current_result = -1
        if self._showing_pdf():
            self._search_settled = not text
            self.search_model.setSearchString(text)
            if text:
                self._settle_timer.start()
            self._results_arrived()
        else:
            self._mark_text(text)

    def ocr_page_text(self, page: int) -> str:
        """The text the OCR words of `page` (0-based) spell, "" if OCR read none there."""
        found = self.ocr_words.get(page + 1)
        return word_boxes.page_text(found) if found else ""

    def scanned(self, page: int) -> bool:
        """Whether `page` (0-based) is shown by its OCR words: it has some and no text layer."""
        if page + 1 not in self.ocr_words or not self._showing_pdf():
            return False
        if page in self._scanned:
            return self._scanned[page]
        layer = self.document.getAllText(page).text()
        scanned = len(re.findall(r"\w+", layer)) < 3
        # Asked while the document before is still loaded (its search is reset as the
        # next one opens), the answer is that document's: not kept.
        if self.document.status() == QPdfDocument.Status.Ready and not self._loading:
            self._scanned[page] = scanned
        return scanned

    def _ocr_results(self, text: str) -> list[FindResult]:
        needle = " ".join(text.split())
        if not needle or not self._showing_pdf():
            return []
        pattern = re.compile(r"\s+".join(map(re.escape, needle.split())), re.IGNORECASE)
        found: list[FindResult] = []
        for number in sorted(self.ocr_words):
            page = number - 1
            if not 0 <= page < self.document.pageCount() or not self.scanned(page):
                continue
            words = self.ocr_words[number]
            size = self.document.pagePointSize(page)
            for match in pattern.finditer(word_boxes.page_text(words)):
                indices = word_boxes.words_between(words, match.start(), match.end())
                found.append(FindResult(page, tuple(ocr_rects(words, indices, size))))
        return found

    def _settle_search(self) -> None:
        self._search_settled = True
        self._results_arrived()

    def _mark_text(self, text: str) -> None:
        from PySide6.QtGui import QColor, QTextCharFormat
        from PySide6.QtWidgets import QTextEdit

        selections = []
        for cursor in find_all(self.text_view.document(), [text] if text else []):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor  # type: ignore[attr-defined]
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(colors().match_bg))
            selection.format = fmt  # type: ignore[attr-defined]
            selections.append(selection)
        self.text_view.setExtraSelections(selections)
        count = len(selections)
        if not text:
            self._set_count("")
        elif count:
            self._set_count(f"{count} on this page", f"{count} here")
        else:
            self._set_count("Not found on this page", "Not found")

    def _results_arrived(self, *_: object) -> None:
        """Gather the matches so far (text layer and OCR words), say how many, and once
        the target page's first match is known, make it the current one."""
        if not self._showing_pdf():
            return
        text = self.find_field.text()
        current = (
            self.find_results[self.current_result]
            if 0 <= self.current_result < len(self.find_results)
            else None
        )
        layer: list[FindResult] = []
        for row in range(self.search_model.rowCount(QModelIndex())):
            link = self.search_model.resultAtIndex(row)
            layer.append(FindResult(link.page(), tuple(QRectF(r) for r in link.rectangles())))
        results = sorted(
            layer + self._ocr_results(text),
            key=lambda r: (r.page, r.rects[0].top() if r.rects else 0.0),
        )
        self.find_results = results
        self.current_result = results.index(current) if current in results else -1
        if self._want_result_on_page:
            for row, result in enumerate(results):
                if result.page == self._want_result_on_page - 1:
                    self._want_result_on_page = 0
                    self._make_current(row, scroll=False)
                    break
        self._show_count()
        self.results_changed.emit()

    def _show_count(self) -> None:
        text, count = self.find_field.text(), len(self.find_results)
        if not text:
            self._set_count("")
        elif count:
            at = f"{self.current_result + 1} of " if self.current_result >= 0 else ""
            short = f"{self.current_result + 1}/{count}" if at else f"{count} found"
            self._set_count(f"{at}{count} match" + ("" if count == 1 else "es"), short)
        else:
            self._set_count("Not found" if self._search_settled else "Searching…")

    def _make_current(self, row: int, scroll: bool = True) -> None:
        self.current_result = row
        result = self.find_results[row]
        if scroll:
            top = min((r.top() for r in result.rects), default=0.0)
            self._pending_jump = 0
            navigator = self.view.pageNavigator()
            navigator.jump(result.page, QPointF(0, max(0.0, top - 48)), navigator.currentZoom())
            self.reveal_requested.emit()
        self._show_count()
        self.results_changed.emit()

    def _step_result(self, step: int) -> None:
        if not self._showing_pdf() or not self.find_results:
            return
        if self.current_result < 0:
            page = self.current_page() - 1
            after = [i for i, r in enumerate(self.find_results) if r.page >= page]
            row = after[0] if step > 0 and after else (after[0] - 1 if after else -1)
        else:
            row = self.current_result + step
        self._make_current(row % len(self.find_results))

    def shutdown(self) -> None:
        if HAVE_QTPDF:
            self.search_model.setSearchString("")
            self.document.close()


def _best_phrase(words: list[str], hits: list[PageHit], page: int) -> str:
    """What to mark on the pages: the longest run of matched words on the hit's page.

    QPdfSearchModel finds one string; a phrase query's words side by side are
    kept together ("national security"), otherwise the longest word wins.
    """
    for hit in hits:
        if hit.page != page:
            continue
        runs: list[str] = []
        current: list[str] = []
        for text, matched in hit.snippet.parts:
            if matched:
                current.append(text)
            elif text.strip() or not current:
                if current:
                    runs.append(" ".join(current))
                current = []
        if current:
            runs.append(" ".join(current))
        if runs:
            return max(runs, key=len)
    return max(words, key=len) if words else ""
