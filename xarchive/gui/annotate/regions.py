"""Region notes drawn over an image: rectangles in the scene of the image viewer, so
they follow its zoom and pan; drawn with Shift+drag (or in region mode), moved by
dragging, resized by a corner, deleted with the Delete key.

The image viewer's scene is the picture in its own pixels (the thumbnail shown
first is scaled up to the full size), which is what the core stores; a picture
too large to decode in full is shown scaled down, and `scale` converts.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ...core.annotate import Annotation
from .colours import REGION, REGION_SELECTED

HANDLE = 10  # screen pixels
MIN_SIZE = 4  # screen pixels: a smaller drag is a click, not a region


class RegionItem(QGraphicsRectItem):
    """One region note; moves and resizes, then tells its layer."""

    def __init__(self, layer: RegionLayer, uid: str, rect: QRectF, note: str) -> None:
        super().__init__(rect)
        self.layer = layer
        self.uid = uid
        self.note = note
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable
        )
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        self.setToolTip(note or "Region (no note yet)")
        self._corner: int | None = None  # 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
        self._start = QRectF()

    def scene_rect(self) -> QRectF:
        return self.mapRectToScene(self.rect())

    def _handle_size(self) -> float:
        views = self.scene().views() if self.scene() else []
        zoom = views[0].transform().m11() if views else 1.0
        return HANDLE / (zoom or 1.0)

    def _corners(self) -> list[QPointF]:
        r = self.rect()
        return [r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()]

    def _corner_at(self, point: QPointF) -> int | None:
        size = self._handle_size()
        for i, corner in enumerate(self._corners()):
            if abs(point.x() - corner.x()) <= size and abs(point.y() - corner.y()) <= size:
                return i
        return None

    def boundingRect(self) -> QRectF:
        grow = self._handle_size()
        return self.rect().adjusted(-grow, -grow, grow, grow)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.boundingRect() if self.isSelected() else self.rect())
        return path

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        colour = QColor(REGION_SELECTED if self.isSelected() else REGION)
        pen = QPen(colour, 2)
        pen.setCosmetic(True)
        painter.setPen(pen)
        fill = QColor(colour)
        fill.setAlpha(45 if self.isSelected() else 28)
        painter.setBrush(QBrush(fill))
        painter.drawRect(self.rect())
        if self.isSelected():
            size = self._handle_size()
            painter.setBrush(QBrush(colour))
            for corner in self._corners():
                painter.drawRect(QRectF(corner.x() - size / 2, corner.y() - size / 2, size, size))

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        corner = self._corner_at(event.pos()) if self.isSelected() else None
        if corner is None:
            self.setCursor(Qt.CursorShape.SizeAllCursor)
        elif corner in (0, 2):
            self.setCursor(Qt.CursorShape.SizeFDiagCursor)
        else:
            self.setCursor(Qt.CursorShape.SizeBDiagCursor)
        super().hoverMoveEvent(event)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._start = self.scene_rect()
        self._corner = self._corner_at(event.pos()) if self.isSelected() else None
        if self._corner is not None:
            event.accept()
            return
        super().mousePressEvent(event)
        self.layer.selected.emit(self.uid)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._corner is None:
            super().mouseMoveEvent(event)
            return
        r = QRectF(self.rect())
        p = event.pos()
        if self._corner == 0:
            r.setTopLeft(p)
        elif self._corner == 1:
            r.setTopRight(p)
        elif self._corner == 2:
            r.setBottomRight(p)
        else:
            r.setBottomLeft(p)
        self.prepareGeometryChange()
        self.setRect(r.normalized())

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self._corner = None
        now = self.scene_rect()
        if now != self._start:
            self.layer.item_changed(self, now)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.layer.delete_requested.emit(self.uid)
            event.accept()
            return
        super().keyPressEvent(event)


class RegionLayer(QObject):
    """The regions of the picture in a QGraphicsView, and drawing new ones on it."""

    #: A new rectangle was drawn, in the picture's own units.
    drawn = Signal(QRectF)
    #: A region was moved or resized: (uid, new rectangle in the picture's units).
    moved = Signal(str, QRectF)
    selected = Signal(str)
    delete_requested = Signal(str)

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.view = view
        self.items: dict[str, RegionItem] = {}
        #: Picture units per scene unit (1 unless the picture is shown scaled down).
        self.scale = 1.0
        self.enabled = False  # only pictures that can carry regions
        self.draw_mode = False
        self._origin: QPointF | None = None
        self._rubber: QGraphicsRectItem | None = None
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)  # the keys, when the view has the focus

    # -- showing ----------------------------------------------------------------------
    def set_regions(self, regions: Sequence[Annotation], selected: str | None = None) -> None:
        scene = self.view.scene()
        for item in self.items.values():
            scene.removeItem(item)
        self.items.clear()
        for region in regions:
            box = region.box
            if box is None:
                continue
            s = self.scale or 1.0
            rect = QRectF(box.x / s, box.y / s, box.w / s, box.h / s)
            item = RegionItem(self, region.uid, rect, region.note)
            scene.addItem(item)
            self.items[region.uid] = item
            if region.uid == selected:
                item.setSelected(True)

    def clear(self) -> None:
        self.set_regions(())

    def to_picture(self, rect: QRectF) -> QRectF:
        s = self.scale or 1.0
        return QRectF(rect.x() * s, rect.y() * s, rect.width() * s, rect.height() * s)

    def show_region(self, uid: str) -> bool:
        item = self.items.get(uid)
        if item is None:
            return False
        self.view.scene().clearSelection()
        item.setSelected(True)
        self.view.ensureVisible(item.scene_rect(), 40, 40)
        return True

    def set_draw_mode(self, on: bool) -> None:
        self.draw_mode = on
        self.view.setDragMode(
            QGraphicsView.DragMode.NoDrag if on else QGraphicsView.DragMode.ScrollHandDrag
        )
        self.view.viewport().setCursor(
            Qt.CursorShape.CrossCursor if on else Qt.CursorShape.OpenHandCursor
        )

    def item_changed(self, item: RegionItem, scene_rect: QRectF) -> None:
        self.moved.emit(item.uid, self.to_picture(self._clip(scene_rect)))

    def _clip(self, rect: QRectF) -> QRectF:
        bounds = self.view.sceneRect()
        return rect.intersected(bounds) if not bounds.isEmpty() else rect

    # -- drawing ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        try:
            return self._filter(event)
        except RuntimeError:  # the view is being destroyed
            return False

    def selected_item(self) -> RegionItem | None:
        chosen = [i for i in self.view.scene().selectedItems() if isinstance(i, RegionItem)]
        return chosen[0] if chosen else None

    def draw_at_keyboard(self) -> bool:
        """Enter in region mode: a region in the middle of the part of the picture shown,
        to move with Ctrl+arrows and size with Ctrl+Shift+arrows."""
        shown = self._clip(self.view.mapToScene(self.view.viewport().rect()).boundingRect())
        if shown.isEmpty():
            return False
        box = QRectF(0, 0, shown.width() * 0.4, shown.height() * 0.25)
        box.moveCenter(shown.center())
        self.drawn.emit(self.to_picture(box))
        return True

    def _key(self, event: QKeyEvent) -> bool:
        key, modifiers = event.key(), event.modifiers()
        item = self.selected_item()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.draw_mode:
            return self.draw_at_keyboard()
        if item is None:
            return False
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_requested.emit(item.uid)
            return True
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                 Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}  # fmt: skip
        if key not in steps or not modifiers & Qt.KeyboardModifier.ControlModifier:
            return False
        # A step of 1/50 of the picture: Ctrl+arrows move it, Ctrl+Shift+arrows size it.
        bounds = self.view.sceneRect()
        across, down = steps[Qt.Key(key)]
        dx, dy = across * bounds.width() / 50, down * bounds.height() / 50
        rect = item.scene_rect()
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            rect.setWidth(max(MIN_SIZE, rect.width() + dx))
            rect.setHeight(max(MIN_SIZE, rect.height() + dy))
        else:
            rect.translate(
                min(max(dx, bounds.left() - rect.left()), bounds.right() - rect.right()),
                min(max(dy, bounds.top() - rect.top()), bounds.bottom() - rect.bottom()),
            )
        rect = self._clip(rect)
        item.prepareGeometryChange()
        item.setPos(0, 0)
        item.setRect(rect)
        self.item_changed(item, rect)
        return True

    def _filter(self, event: QEvent) -> bool:
        if not self.enabled:
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._key(event)
        if kind == QEvent.Type.MouseButtonPress:
            assert isinstance(event, QMouseEvent)
            point = event.position().toPoint()
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            on_region = isinstance(self.view.itemAt(point), RegionItem)
            if (
                event.button() == Qt.MouseButton.LeftButton
                and (shift or self.draw_mode)
                and not on_region
            ):
                self._origin = self.view.mapToScene(point)
                self._rubber = QGraphicsRectItem(QRectF(self._origin, self._origin))
                pen = QPen(QColor(REGION), 2, Qt.PenStyle.DashLine)
                pen.setCosmetic(True)
                self._rubber.setPen(pen)
                self._rubber.setZValue(20)
                self.view.scene().addItem(self._rubber)
                self.view.scene().clearSelection()
                return True
        elif kind == QEvent.Type.MouseMove and self._origin is not None:
            assert isinstance(event, QMouseEvent)
            here = self.view.mapToScene(event.position().toPoint())
            assert self._rubber is not None
            self._rubber.setRect(QRectF(self._origin, here).normalized())
            return True
        elif kind == QEvent.Type.MouseButtonRelease and self._origin is not None:
            assert isinstance(event, QMouseEvent)
            here = self.view.mapToScene(event.position().toPoint())
            rect = QRectF(self._origin, here).normalized()
            self._origin = None
            if self._rubber is not None:
                self.view.scene().removeItem(self._rubber)
                self._rubber = None
            zoom = self.view.transform().m11() or 1.0
            rect = self._clip(rect)
            if rect.width() * zoom >= MIN_SIZE and rect.height() * zoom >= MIN_SIZE:
                self.drawn.emit(self.to_picture(rect))
            return True
        return False
