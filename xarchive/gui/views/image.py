"""Images: the thumbnail at once, the full image loaded off the GUI thread; zoom and pan."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..resources import icon

ZOOM_STEP = 1.25
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = _Canvas(self)
        self._pixmap_item = QGraphicsPixmapItem()
        self._pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.canvas.scene().addItem(self._pixmap_item)
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
        self.canvas.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

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

    def shutdown(self) -> None:
        self._request += 1
        self._pool.waitForDone(5000)
