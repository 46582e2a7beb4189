"""Images: the thumbnail at once, the full image loaded off the GUI thread; zoom and pan.

A screenshot's words, read by OCR with their boxes (core/words.py), are where
its hits and Find in Picture's matches are marked, on the picture itself; a
drag that starts on a word selects words (to highlight them, as on a page), a
drag anywhere else pans.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPointF,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QImageReader,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QStyleOptionGraphicsItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core import words as word_boxes
from ..resources import icon
from .ocr_text import OcrTextPane, ocr_toggle

ZOOM_STEP = 1.25
#: The inks of marked words, multiplied into the picture, and the current match's outline.
MATCH_INK, CURRENT_MATCH_INK, CURRENT_MATCH_LINE = "#ffe27a", "#ffb45e", "#d9480f"
SELECTION_INK = "#9cc3ef"
MIN_ZOOM, MAX_ZOOM = 0.02, 32.0
#: Larger images are decoded scaled down: enough to read a screenshot, not 1 GB of pixels.
MAX_PIXELS = 80_000_000


class _LoadSignals(QObject):
    loaded = Signal(int, QImage, str)  # request number, image, error


class _ImageLoad(QRunnable):
    """Decodes an image file in a pool thread (QImage, unlike QPixmap, may be made there)."""

    def __init__(self, request: int, path: Path, signals: _LoadSignals) -> None:
        super().__init__()
        self._request, self._path, self._signals = request, path, signals

    def run(self) -> None:
        reader = QImageReader(str(self._path))
        reader.setAutoTransform(True)  # EXIF orientation
        size = reader.size()
        if size.isValid() and size.width() * size.height() > MAX_PIXELS:
            scale = (MAX_PIXELS / (size.width() * size.height())) ** 0.5
            reader.setScaledSize(QSize(int(size.width() * scale), int(size.height() * scale)))
        image = reader.read()
        error = "" if not image.isNull() else (reader.errorString() or "unreadable image")
        with contextlib.suppress(RuntimeError):  # the viewer is gone
            self._signals.loaded.emit(self._request, image, error)


def _line_boxes(words: tuple[word_boxes.Word, ...], indices: list[int]) -> list[QRectF]:
    """The boxes (fractions of the picture) of `words[i]`, one rectangle per line."""
    lines: dict[int, QRectF] = {}
    for i in indices:
        word = words[i]
        rect = QRectF(word.x, word.y, word.w, word.h)
        lines[word.line] = lines[word.line].united(rect) if word.line in lines else rect
    return list(lines.values())


def matches(words: tuple[word_boxes.Word, ...], text: str) -> list[list[QRectF]]:
    """Each place `text` (case and spacing aside) stands among `words`: its boxes."""
    needle = text.split()
    if not needle or not words:
        return []
    pattern = re.compile(r"\s+".join(map(re.escape, needle)), re.IGNORECASE)
    found = []
    for match in pattern.finditer(word_boxes.page_text(words)):
        indices = word_boxes.words_between(words, match.start(), match.end())
        found.append(_line_boxes(words, indices))
    return found


class WordMarks(QGraphicsItem):
    """The searched words and Find in Picture's matches, drawn over the picture: boxes in
    fractions of it, translucent; the current match outlined so the word stays readable."""

    def __init__(self, picture: QGraphicsPixmapItem) -> None:
        super().__init__()
        self.picture = picture
        self.setZValue(5)  # above the picture, below region notes
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.searched: list[QRectF] = []
        self.found: list[list[QRectF]] = []
        self.current = -1
        #: The words selected, and the highlights (boxes and colour), in fractions.
        self.selection: list[QRectF] = []
        self.highlights: list[tuple[list[QRectF], QColor]] = []

    def scene_rect(self, box: QRectF) -> QRectF:
        area = self.picture.sceneBoundingRect()
        return QRectF(
            area.x() + box.x() * area.width(),
            area.y() + box.y() * area.height(),
            box.width() * area.width(),
            box.height() * area.height(),
        )

    def changed(self) -> None:
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:
        return self.picture.sceneBoundingRect().adjusted(-4, -4, 4, 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        # Multiplied into the picture as a highlighter's ink: light backgrounds take the
        # colour and the letters keep theirs; the current match is outlined as well.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        for boxes, colour in self.highlights:
            ink = QColor(colour)
            ink.setAlpha(255)
            painter.setBrush(ink)
            for box in boxes:
                painter.drawRect(self.scene_rect(box))
        painter.setBrush(QColor(SELECTION_INK))
        for box in self.selection:
            painter.drawRect(self.scene_rect(box))
        painter.setBrush(QColor(MATCH_INK))
        for box in self.searched:
            painter.drawRect(self.scene_rect(box))
        for row, boxes in enumerate(self.found):
            painter.setBrush(QColor(CURRENT_MATCH_INK if row == self.current else MATCH_INK))
            for box in boxes:
                painter.drawRect(self.scene_rect(box))
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        if 0 <= self.current < len(self.found):
            pen = QPen(QColor(CURRENT_MATCH_LINE), 2)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for box in self.found[self.current]:
                painter.drawRect(self.scene_rect(box).adjusted(-2, -2, 2, 2))


class _Canvas(QGraphicsView):
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setRenderHints(
            QPainter.RenderHint.SmoothPixmapTransform | QPainter.RenderHint.Antialiasing
        )
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.fit = True

    @property
    def zoom(self) -> float:
        return float(self.transform().m11())

    def set_zoom(self, zoom: float) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self.fit = False
        factor = zoom / self.zoom if self.zoom else 1.0
        self.scale(factor, factor)
        self.zoom_changed.emit(self.zoom)

    def fit_to_window(self) -> None:
        self.fit = True
        rect = self.sceneRect()
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
            if self.zoom > 1.0:  # never blow a small screenshot up past its real size
                self.resetTransform()
        self.zoom_changed.emit(self.zoom)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.set_zoom(self.zoom * (ZOOM_STEP**steps))
        event.accept()

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.fit:
            self.fit_to_window()


class ImageViewer(QWidget):
    """Shows one image with zoom (wheel, +/−, fit, actual size) and pan (drag)."""

    #: The full image replaced the thumbnail (the scene may have changed size).
    loaded = Signal()
    #: The words selected on the picture changed.
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = _Canvas(self)
        self._pixmap_item = QGraphicsPixmapItem()
        self._pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.canvas.scene().addItem(self._pixmap_item)
        self.marks = WordMarks(self._pixmap_item)
        self.canvas.scene().addItem(self.marks)
        #: The words OCR read on the picture, with their boxes; its OCR text.
        self.ocr_words: tuple[word_boxes.Word, ...] = ()
        self.ocr_text = ""
        self.words: list[str] = []
        #: The words selected (first and last index), and the word a drag started on.
        self.selected: tuple[int, int] | None = None
        self._anchor = -1
        #: A selection made with the keyboard: the word it started on, the one it is on.
        self._keys: tuple[int, int] | None = None
        self.canvas.viewport().installEventFilter(self)
        self.canvas.installEventFilter(self)  # Shift+arrows select words from the keyboard
        self._signals = _LoadSignals(self)
        self._signals.loaded.connect(self._loaded)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._request = 0
        self.full_loaded = False
        self.error = ""
        self.image_size = QSize()

        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 4)
        self._buttons: dict[str, QToolButton] = {}
        for name, tip, slot in (
            ("zoom-out", "Zoom out (−)", self.zoom_out),
            ("zoom-in", "Zoom in (+)", self.zoom_in),
            ("fit-page", "Fit to window (F)", self.canvas.fit_to_window),
            ("actual-size", "Actual size (1)", lambda: self.canvas.set_zoom(1.0)),
        ):
            button = QToolButton(self)
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            bar.addWidget(button)
            self._buttons[name] = button
        self.zoom_label = QLabel(self)
        self.zoom_label.setObjectName("muted")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("muted")
        bar.addWidget(self.zoom_label)
        bar.addStretch(1)
        bar.addWidget(self.status_label)
        bar.addSpacing(12)
        self.ocr_button = ocr_toggle(self)
        self.ocr_button.setToolTip("Show the text OCR read in the picture, as it was searched")
        self.ocr_button.toggled.connect(self.show_ocr_text)
        bar.addWidget(self.ocr_button)
        self.find_field = QLineEdit(self)
        self.find_field.setPlaceholderText("Find in picture")
        self.find_field.setAccessibleName("Find in picture")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.setMaximumWidth(200)
        self.find_field.setToolTip("Words marked on the picture where OCR read them")
        self.find_field.returnPressed.connect(lambda: self.set_search(self.find_field.text()))
        bar.addWidget(self.find_field)
        for name, tip, step in (("go-up", "Previous match", -1), ("go-down", "Next match", 1)):
            button = QToolButton(self)
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _=False, s=step: self.step_result(s))
            bar.addWidget(button)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("muted")
        bar.addWidget(self.result_label)
        self.canvas.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))

        self.ocr_pane = OcrTextPane(self)
        self.ocr_pane.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.canvas)
        self.splitter.addWidget(self.ocr_pane)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([600, 260])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    def zoom_in(self) -> None:
        self.canvas.set_zoom(self.canvas.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.canvas.set_zoom(self.canvas.zoom / ZOOM_STEP)

    def keyPressEvent(self, event: object) -> None:  # type: ignore[override]
        key = event.key()  # type: ignore[attr-defined]
        actions = {
            Qt.Key.Key_Plus: self.zoom_in,
            Qt.Key.Key_Equal: self.zoom_in,
            Qt.Key.Key_Minus: self.zoom_out,
            Qt.Key.Key_F: self.canvas.fit_to_window,
            Qt.Key.Key_1: lambda: self.canvas.set_zoom(1.0),
        }
        action = actions.get(key)
        if action is None:
            super().keyPressEvent(event)  # type: ignore[arg-type]
            return
        action()

    def set_text(
        self, ocr_text: str, ocr_words: tuple[word_boxes.Word, ...], searched: list[str]
    ) -> None:
        """The picture's OCR text and words; mark `searched` (the words the search matched)
        where OCR read them. Pictures imported before boxes were kept have no words: the
        OCR text pane still shows their text."""
        self.ocr_text, self.ocr_words, self.words = ocr_text, ocr_words, list(searched)
        self.selected, self._anchor = None, -1
        self.marks.selection, self.marks.highlights = [], []
        self.marks.searched = [
            box for word in {w for w in searched if w.strip()} for m in matches(ocr_words, word)
            for box in m
        ]  # fmt: skip
        self.ocr_button.setEnabled(bool(ocr_text.strip()))
        if not ocr_text.strip():
            self.show_ocr_text(False)
        self.find_field.clear()
        self.set_search("")
        self._fill_ocr_pane()

    # -- selecting words ------------------------------------------------------------------
    def _fraction(self, point: QPointF) -> QPointF:
        area = self._pixmap_item.sceneBoundingRect()
        at = self.canvas.mapToScene(point.toPoint())
        return QPointF(
            (at.x() - area.x()) / max(1.0, area.width()),
            (at.y() - area.y()) / max(1.0, area.height()),
        )

    def word_at(self, point: QPointF) -> int:
        """The index of the OCR word under a viewport point, -1 if none is there."""
        at = self._fraction(point)
        margin = 0.004
        for i, word in enumerate(self.ocr_words):
            if (
                QRectF(word.x, word.y, word.w, word.h)
                .adjusted(-margin, -margin, margin, margin)
                .contains(at)
            ):
                return i
        return -1

    def select_words(self, first: int, last: int) -> None:
        """Select the words `first` to `last` (indices of `ocr_words`, in reading order)."""
        first, last = sorted((first, last))
        self.selected = (first, last)
        self.marks.selection = _line_boxes(self.ocr_words, list(range(first, last + 1)))
        self.marks.changed()
        self.selection_changed.emit()

    def clear_selection(self) -> None:
        self._keys = None
        if self.selected is not None:
            self.selected = None
            self.marks.selection = []
            self.marks.changed()
            self.selection_changed.emit()

    def selected_span(self) -> tuple[str, int, int] | None:
        """The picture's word text and where the selection is in it, if words are selected."""
        if self.selected is None:
            return None
        where = word_boxes.spans(self.ocr_words)
        first, last = self.selected
        return word_boxes.page_text(self.ocr_words), where[first][0], where[last][1]

    def boxes(self, start: int, end: int) -> list[QRectF]:
        """Where characters `start`…`end` of the word text are, in fractions of the picture."""
        return _line_boxes(self.ocr_words, word_boxes.words_between(self.ocr_words, start, end))

    def set_highlights(self, highlights: list[tuple[list[QRectF], QColor]]) -> None:
        """Draw highlights: the boxes of their words (fractions of the picture), in colour."""
        self.marks.highlights = highlights
        self.marks.changed()

    def _key_select(self, key: int) -> None:
        """Shift+→/← take in the next/previous word, Shift+↓/↑ the word a line down/up;
        the first press takes the current match of Find in Picture (else the first word)."""
        words = self.ocr_words
        if self.selected is None:
            pattern = self.find_field.text().split()
            found = (
                re.compile(r"\s+".join(map(re.escape, pattern)), re.IGNORECASE) if pattern else None
            )
            text = word_boxes.page_text(words)
            hits = list(found.finditer(text)) if found else []
            if hits:
                hit = hits[min(max(self.marks.current, 0), len(hits) - 1)]
                indices = word_boxes.words_between(words, hit.start(), hit.end())
                self._keys = (indices[0], indices[-1])
            else:
                self._keys = (0, 0)
            self.select_words(*self._keys)
            return
        anchor, active = self._keys if self._keys else self.selected
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            active += 1 if key == Qt.Key.Key_Right else -1
        else:
            line = words[active].line + (1 if key == Qt.Key.Key_Down else -1)
            on_line = [i for i, w in enumerate(words) if w.line == line]
            if on_line:
                x = words[active].x
                active = min(on_line, key=lambda i: abs(words[i].x - x))
        active = min(max(active, 0), len(words) - 1)
        self._keys = (anchor, active)
        self.select_words(anchor, active)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.KeyPress and self.ocr_words:
            assert isinstance(event, QKeyEvent)
            arrows = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)
            if event.key() in arrows and event.modifiers() == Qt.KeyboardModifier.ShiftModifier:
                self._key_select(event.key())
                return True
            if event.key() == Qt.Key.Key_Escape and self.selected is not None:
                self.clear_selection()
                return True
            return False
        if watched is not self.canvas.viewport() or not self.ocr_words:
            return False
        kind = event.type()
        if not isinstance(event, QMouseEvent):
            return False
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            if event.modifiers() != Qt.KeyboardModifier.NoModifier:
                return False  # Shift+drag draws a region
            on_top = [
                item
                for item in self.canvas.items(event.position().toPoint())
                if item is not self._pixmap_item and item is not self.marks
            ]
            if on_top:
                return False  # a region note: it is moved, not the words under it
            word = self.word_at(event.position())
            if word < 0:
                self.clear_selection()
                return False  # a drag off the words pans
            self._anchor = word
            self.select_words(word, word)
            return True
        if kind == QEvent.Type.MouseMove and self._anchor >= 0:
            at = self._fraction(event.position())
            area = self._pixmap_item.sceneBoundingRect()
            word = word_boxes.nearest(
                self.ocr_words, at.x() * area.width(), at.y() * area.height(),
                area.width(), area.height(),
            )  # fmt: skip
            if word >= 0:
                self.select_words(self._anchor, word)
            return True
        if kind == QEvent.Type.MouseButtonRelease and self._anchor >= 0:
            self._anchor = -1
            return True
        return False

    def set_search(self, text: str) -> None:
        """Find `text` among the words OCR read in the picture; mark and count the matches."""
        self.find_field.setText(text)
        self.marks.found = matches(self.ocr_words, text)
        self.marks.current = 0 if self.marks.found else -1
        self.marks.changed()
        self._show_count()
        if self.marks.found:
            self._reveal(self.marks.current)

    def step_result(self, step: int) -> None:
        if self.marks.found:
            self.marks.current = (self.marks.current + step) % len(self.marks.found)
            self.marks.changed()
            self._show_count()
            self._reveal(self.marks.current)

    def _reveal(self, row: int) -> None:
        area = QRectF()
        for box in self.marks.found[row]:
            area = area.united(self.marks.scene_rect(box))
        self.canvas.ensureVisible(area, 40, 40)

    def _show_count(self) -> None:
        text, count = self.find_field.text(), len(self.marks.found)
        if not text:
            self.result_label.setText("")
        elif count:
            self.result_label.setText(f"{self.marks.current + 1} of {count}")
        elif not self.ocr_words:
            self.result_label.setText("No words read here" if not self.ocr_text else "Not marked")
            self.result_label.setToolTip(
                "OCR read no text in this picture"
                if not self.ocr_text
                else "This picture was imported before OCR kept where words are: import it "
                "again to find words on it"
            )
        else:
            self.result_label.setText("Not found")

    def show_ocr_text(self, shown: bool) -> None:
        """Show (or hide) the pane with the text OCR read in the picture."""
        self.ocr_button.setChecked(shown)
        self.ocr_pane.setVisible(shown)
        self._fill_ocr_pane()

    def _fill_ocr_pane(self) -> None:
        if self.ocr_button.isChecked():
            self.ocr_pane.show_text(self.ocr_text, None, self.words + [self.find_field.text()])

    def show_image(
        self, path: Path, thumbnail: Path | None, size_hint: tuple[int, int] | None
    ) -> None:
        """Show the thumbnail now (scaled to the full size when known), then the image."""
        self._request += 1
        self.full_loaded = False
        self.error = ""
        self.image_size = QSize(*size_hint) if size_hint else QSize()
        self._pixmap_item.setPixmap(QPixmap())
        self._pixmap_item.setScale(1.0)
        if thumbnail is not None:
            thumb = QPixmap(str(thumbnail))
            if not thumb.isNull():
                self._pixmap_item.setPixmap(thumb)
                if size_hint and thumb.width():
                    self._pixmap_item.setScale(size_hint[0] / thumb.width())
        self._set_scene_rect()
        self.status_label.setText("Loading…")
        self.canvas.fit_to_window()
        self._pool.start(_ImageLoad(self._request, path, self._signals))

    def _loaded(self, request: int, image: QImage, error: str) -> None:
        if request != self._request:
            return  # an older image, superseded by a newer request
        if error:
            self.error = error
            self.status_label.setText(f"Could not show the image: {error}")
            return
        self._pixmap_item.setPixmap(QPixmap.fromImage(image))
        self._pixmap_item.setScale(1.0)
        self.image_size = image.size()
        self.full_loaded = True
        self._set_scene_rect()
        self.status_label.setText(f"{image.width()} × {image.height()} px")
        if self.canvas.fit:
            self.canvas.fit_to_window()
        self.loaded.emit()

    def _set_scene_rect(self) -> None:
        rect = self._pixmap_item.sceneBoundingRect()
        self.canvas.setSceneRect(QRectF(rect))
        self.marks.changed()

    def shutdown(self) -> None:
        self._request += 1
        self._pool.waitForDone(5000)
