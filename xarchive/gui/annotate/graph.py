"""View ▸ Link Graph: items as nodes, links as labelled arrows, for the item shown and
its neighbours, a selection, or the whole archive; a click on a node opens the item.

The layout is a small force-directed one (Fruchterman–Reingold) computed here in
Python: the graphs a case has are tens to a few hundred nodes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTextLayout,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStyleOptionGraphicsItem,
    QVBoxLayout,
    QWidget,
)

from ...core.annotate import Link
from ...core.errors import ItemNotFound
from ...core.model import Item
from ...core.wording import counted
from ..resources import kind_icon
from ..theme import colors
from .controller import AnnotationController

NODE_W, NODE_H = 200.0, 52.0
#: The graph opens at this zoom, its text the size of the window's: scaled to fit in the
#: view, the whole archive's had labels of 8 px. The wheel zooms out for an overview.
OPEN_ZOOM = 1.0
#: Kind colours of the nodes (the kind tiles' hues).
KIND_COLOURS = {
    "document": "#d9534f",
    "image": "#3f9b5a",
    "article": "#2f6fb3",
    "post": "#1d9bf0",
    "text": "#7a6bb3",
    "message": "#b7772a",
    "video": "#b04a6f",
}
MAX_NODES = 400


@dataclass(frozen=True, slots=True)
class Edge:
    source: int
    target: int
    relation: str
    note: str


def layout(nodes: Sequence[int], edges: Sequence[Edge], size: float = 900.0,
           iterations: int = 250, seed: int = 4) -> dict[int, QPointF]:  # fmt: skip
    """Positions for the nodes: linked ones near each other, the rest spread out."""
    if not nodes:
        return {}
    rng = random.Random(seed)
    n = len(nodes)
    k = size / math.sqrt(n) * 0.9
    pos = {node: [rng.uniform(-size / 2, size / 2), rng.uniform(-size / 2, size / 2)]
           for node in nodes}  # fmt: skip
    pairs = [(e.source, e.target) for e in edges if e.source in pos and e.target in pos]
    temperature = size / 8
    for step in range(iterations):
        shift = {node: [0.0, 0.0] for node in nodes}
        for i, a in enumerate(nodes):
            ax, ay = pos[a]
            for b in nodes[i + 1 :]:
                dx, dy = ax - pos[b][0], ay - pos[b][1]
                dist = math.hypot(dx, dy) or 0.01
                force = k * k / dist
                fx, fy = dx / dist * force, dy / dist * force
                shift[a][0] += fx
                shift[a][1] += fy
                shift[b][0] -= fx
                shift[b][1] -= fy
        for a, b in pairs:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = math.hypot(dx, dy) or 0.01
            force = dist * dist / k
            fx, fy = dx / dist * force, dy / dist * force
            shift[a][0] -= fx
            shift[a][1] -= fy
            shift[b][0] += fx
            shift[b][1] += fy
        for node in nodes:
            # A gentle pull to the middle keeps unlinked items from drifting away.
            shift[node][0] -= pos[node][0] * 0.02 * k / size * 10
            shift[node][1] -= pos[node][1] * 0.02 * k / size * 10
            dx, dy = shift[node]
            dist = math.hypot(dx, dy) or 0.01
            limited = min(dist, temperature)
            pos[node][0] += dx / dist * limited
            pos[node][1] += dy / dist * limited
        temperature = max(1.0, temperature * (1 - step / iterations) * 0.98)
    # Nodes are wide boxes: stretch sideways so that titles do not overlap.
    return {node: QPointF(x * 1.6, y) for node, (x, y) in pos.items()}


def arrange(nodes: Sequence[int], edges: Sequence[Edge]) -> dict[int, QPointF]:
    """Lay out each group of linked items by itself, then set the groups side by side in
    rows, largest first, so that a whole archive of small clusters reads at a glance."""
    parent = {n: n for n in nodes}

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for e in edges:
        if e.source in parent and e.target in parent:
            parent[root(e.source)] = root(e.target)
    groups: dict[int, list[int]] = {}
    for n in nodes:
        groups.setdefault(root(n), []).append(n)
    placed: list[tuple[QRectF, dict[int, QPointF]]] = []
    for members in sorted(groups.values(), key=lambda g: (-len(g), g)):
        inside = [e for e in edges if e.source in members and e.target in members]
        spots = layout(members, inside, size=230.0 * math.sqrt(len(members)))
        box = QRectF()
        for p in spots.values():
            box = box.united(QRectF(p.x() - NODE_W / 2, p.y() - NODE_H / 2, NODE_W, NODE_H))
        placed.append((box, spots))
    area = sum((b.width() + 60) * (b.height() + 60) for b, _ in placed)
    row_width = max(NODE_W * 3, math.sqrt(area) * 1.5)
    result: dict[int, QPointF] = {}
    x = y = row_height = 0.0
    for box, spots in placed:
        if x > 0 and x + box.width() > row_width:
            x, y, row_height = 0.0, y + row_height + 60, 0.0
        shift = QPointF(x - box.left(), y - box.top())
        for n, p in spots.items():
            result[n] = p + shift
        x += box.width() + 60
        row_height = max(row_height, box.height())
    return result


class NodeItem(QGraphicsItem):
    def __init__(self, item: Item, focus: bool, dialog: LinkGraphDialog) -> None:
        super().__init__()
        self.item = item
        self.focus = focus
        self.dialog = dialog
        title = item.title or item.original_name
        self.title = two_lines(title, self.title_font(), NODE_W - 48)
        self.setToolTip(f"#{item.id} {title}\n{item.original_name}\nClick to open")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(5)
        self.setAcceptHoverEvents(True)
        self._hover = False

    def title_font(self) -> QFont:
        """The application's font, bold for the item the graph is around: the size the
        rest of the window's text has (it was 0.9 of it, before the view's zoom)."""
        font = QFont(QApplication.font())
        font.setBold(self.focus)
        return font

    def boundingRect(self) -> QRectF:
        return QRectF(-NODE_W / 2 - 2, -NODE_H / 2 - 2, NODE_W + 4, NODE_H + 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        c = colors()
        rect = QRectF(-NODE_W / 2, -NODE_H / 2, NODE_W, NODE_H)
        kind = QColor(KIND_COLOURS.get(self.item.kind, "#888888"))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(c.base))
        pen = QPen(kind, 3 if self.focus else (2 if self._hover else 1.2))
        painter.setPen(pen)
        painter.drawRoundedRect(rect, 8, 8)
        bar = QRectF(rect.left(), rect.top(), 6, rect.height())
        path = QPainterPath()
        path.addRoundedRect(bar, 3, 3)
        painter.fillPath(path, kind)
        kind_icon(self.item.kind).paint(
            painter, int(rect.left() + 12), int(rect.top() + 11), 24, 24
        )
        painter.setPen(QColor(c.text))
        painter.setFont(self.title_font())
        text_rect = rect.adjusted(42, 2, -6, -2)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, self.title)

    def hoverEnterEvent(self, event: object) -> None:  # type: ignore[override]
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event: object) -> None:  # type: ignore[override]
        self._hover = False
        self.update()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.dialog.open_item.emit(self.item.id)


class EdgeItem(QGraphicsPathItem):
    """source —relation→ target, an arrow ending at the target's box."""

    def __init__(self, edge: Edge, a: QPointF, b: QPointF, bend: float) -> None:
        super().__init__()
        self.edge = edge
        c = colors()
        colour = QColor(c.muted)
        start, end = _box_exit(a, b), _box_exit(b, a)
        mid = (start + end) / 2
        dx, dy = end.x() - start.x(), end.y() - start.y()
        length = math.hypot(dx, dy) or 1.0
        normal = QPointF(-dy / length, dx / length)
        control = mid + normal * bend
        path = QPainterPath(start)
        path.quadTo(control, end)
        # The arrow head, along the curve's last direction.
        tx, ty = end.x() - control.x(), end.y() - control.y()
        tl = math.hypot(tx, ty) or 1.0
        ux, uy = tx / tl, ty / tl
        head = QPolygonF([
            end,
            QPointF(end.x() - ux * 12 - uy * 6, end.y() - uy * 12 + ux * 6),
            QPointF(end.x() - ux * 12 + uy * 6, end.y() - uy * 12 - ux * 6),
            end,
        ])  # fmt: skip
        path.addPolygon(head)
        self.setPath(path)
        pen = QPen(colour, 1.6)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setBrush(QBrush(colour))
        self.setZValue(1)
        self.setToolTip(f"{edge.relation}\n{edge.note}".strip())
        label = QGraphicsSimpleTextItem(edge.relation, self)
        label.setBrush(QColor(c.text))
        font = label.font()
        font.setItalic(True)
        label.setFont(font)
        box = label.boundingRect()
        at = path.pointAtPercent(0.5)
        label.setPos(at.x() - box.width() / 2, at.y() - box.height() / 2)
        back = QGraphicsPathItem(self)
        rounded = QPainterPath()
        rounded.addRoundedRect(
            label.pos().x() - 3, label.pos().y() - 1, box.width() + 6, box.height() + 2, 4, 4
        )
        back.setPath(rounded)
        back.setBrush(QColor(c.window))
        back.setPen(Qt.PenStyle.NoPen)
        back.setZValue(-1)
        label.setZValue(1)
        self.label = label


def two_lines(text: str, font: QFont, width: float) -> str:
    """`text` broken into at most two lines of `width`, the second elided if need be: a
    box holds two, and a third was drawn over the box's edge and the arrows."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    first = layout.createLine()
    first.setLineWidth(width)
    layout.endLayout()
    cut = first.textLength()
    rest = text[cut:].strip()
    if not rest:
        return text
    second = QFontMetricsF(font).elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return f"{text[:cut].rstrip()}\n{second}"


def _box_exit(centre: QPointF, towards: QPointF) -> QPointF:
    """Where the line from `centre` to `towards` leaves the node's box."""
    dx, dy = towards.x() - centre.x(), towards.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    sx = (NODE_W / 2 + 4) / abs(dx) if dx else math.inf
    sy = (NODE_H / 2 + 4) / abs(dy) if dy else math.inf
    s = min(sx, sy, 1.0)
    return QPointF(centre.x() + dx * s, centre.y() + dy * s)


class GraphView(QGraphicsView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            factor = 1.2**steps
            zoom = self.transform().m11() * factor
            if 0.05 <= zoom <= 5:
                self.scale(factor, factor)
        event.accept()


class LinkGraphDialog(QDialog):
    """The graph of links: around one item, of some items, or of the whole archive."""

    open_item = Signal(int)

    def __init__(self, controller: AnnotationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Link graph")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(980, 680)
        self.focus_id: int | None = None
        self.chosen: list[int] = []
        self.nodes: dict[int, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self.scope = QComboBox(self)
        self.scope.addItem("Around the item shown", "item")
        self.scope.addItem("The selected results", "selection")
        self.scope.addItem("The whole archive", "all")
        self.scope.currentIndexChanged.connect(lambda _i: self.rebuild())
        self.depth = QSpinBox(self)
        self.depth.setRange(1, 4)
        self.depth.setValue(2)
        self.depth.setPrefix("Steps: ")
        self.depth.setToolTip("How many links away from the item to go")
        self.depth.valueChanged.connect(lambda _v: self.rebuild())
        self.summary = QLabel(self)
        self.summary.setObjectName("muted")
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:", self))
        top.addWidget(self.scope)
        top.addWidget(self.depth)
        top.addStretch(1)
        top.addWidget(self.summary)
        self.view = GraphView(self)
        hint = QLabel("Click an item to open it. Drag to move around, wheel to zoom.", self)
        hint.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint)
        controller.changed.connect(lambda _c: self.isVisible() and self.rebuild())

    # -- what to show --------------------------------------------------------------------
    def set_focus(self, item_id: int) -> None:
        self.focus_id = item_id
        self._set_scope("item")

    def show_items(self, item_ids: Sequence[int]) -> None:
        self.chosen = list(item_ids)
        self._set_scope("selection")

    def show_all(self) -> None:
        self._set_scope("all")

    def _set_scope(self, scope: str) -> None:
        index = self.scope.findData(scope)
        if index == self.scope.currentIndex():
            self.rebuild()
        else:
            self.scope.setCurrentIndex(index)  # rebuilds

    def rebuild(self) -> None:
        notes = self.controller.notes
        session = self.controller.session
        scope = self.scope.currentData()
        self.depth.setVisible(scope == "item")
        if notes is None or session is None:
            return
        everything = [_edge(lk) for lk in notes.all_links()]
        if scope == "all":
            ids = sorted({e.source for e in everything} | {e.target for e in everything})
        elif scope == "selection":
            ids = _neighbourhood(self.chosen, everything, 1)
        else:
            ids = _neighbourhood(
                [self.focus_id] if self.focus_id else [], everything, self.depth.value()
            )
        ids = ids[:MAX_NODES]
        items: dict[int, Item] = {}
        for item_id in ids:
            try:
                items[item_id] = session.item(item_id)
            except ItemNotFound:
                continue
        edges = [e for e in everything if e.source in items and e.target in items]
        self._draw(items, edges)

    def _draw(self, items: dict[int, Item], edges: list[Edge]) -> None:
        scene = self.view.scene()
        scene.clear()
        self.nodes.clear()
        self.edges.clear()
        positions = arrange(sorted(items), edges)
        for item_id, item in items.items():
            node = NodeItem(
                item, item_id == self.focus_id and self.scope.currentData() == "item", self
            )
            node.setPos(positions[item_id])
            scene.addItem(node)
            self.nodes[item_id] = node
        seen: dict[frozenset[int], int] = {}
        for edge in edges:
            pair = frozenset((edge.source, edge.target))
            n = seen.get(pair, 0)
            seen[pair] = n + 1
            bend = 0.0 if n == 0 else 36.0 * ((n + 1) // 2) * (1 if n % 2 else -1)
            item = EdgeItem(edge, positions[edge.source], positions[edge.target], bend)
            scene.addItem(item)
            self.edges.append(item)
        if not items:
            text = scene.addSimpleText(
                "No links yet. Link items with Annotate ▸ Link to… (Ctrl+K)."
            )
            text.setBrush(QColor(colors().muted))
        rect = scene.itemsBoundingRect().adjusted(-40, -40, 40, 40)
        scene.setSceneRect(rect)
        self._fit()
        self.summary.setText(f"{counted(len(items), 'item')}, {counted(len(edges), 'link')}")

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self._fit()

    def _fit(self) -> None:
        """The graph at OPEN_ZOOM, on the item it is around or on its first items."""
        view = self.view
        view.resetTransform()
        view.scale(OPEN_ZOOM, OPEN_ZOOM)
        focus = self.nodes.get(self.focus_id or -1)
        if focus is not None and self.scope.currentData() == "item":
            view.centerOn(focus)
        else:
            view.horizontalScrollBar().setValue(view.horizontalScrollBar().minimum())
            view.verticalScrollBar().setValue(view.verticalScrollBar().minimum())

    def on_screen_pixels(self) -> tuple[float, float]:
        """(node title, arrow label) line heights as drawn on screen, in pixels."""
        zoom = self.view.transform().m11()
        title = min((QFontMetricsF(n.title_font()).height() for n in self.nodes.values()),
                    default=0.0)  # fmt: skip
        label = min((QFontMetricsF(e.label.font()).height() for e in self.edges), default=0.0)
        return title * zoom, label * zoom

    def edge_labels(self) -> list[tuple[int, str, int]]:
        """(source, relation, target) of every arrow drawn."""
        return [(e.edge.source, e.edge.relation, e.edge.target) for e in self.edges]


def _edge(link: Link) -> Edge:
    assert link.source_id is not None and link.target_id is not None
    return Edge(link.source_id, link.target_id, link.relation, link.note)


def _neighbourhood(start: Iterable[int], edges: Sequence[Edge], depth: int) -> list[int]:
    """The items within `depth` links of `start` (either direction), `start` first."""
    near: dict[int, set[int]] = {}
    for e in edges:
        near.setdefault(e.source, set()).add(e.target)
        near.setdefault(e.target, set()).add(e.source)
    found = list(dict.fromkeys(start))
    frontier = set(found)
    for _ in range(depth):
        frontier = {n for f in frontier for n in near.get(f, ())} - set(found)
        found.extend(sorted(frontier))
    return found
