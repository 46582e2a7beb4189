"""Link to…: find the other item with the archive's search, choose the relation, add a note.

Also what a result dragged onto the viewer opens (the dragged item chosen), and
the drag itself: a result row carries its item id as ITEM_MIME.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QDrag, QDragEnterEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.annotate import RELATIONS, Link
from ...core.errors import IndexUnavailable, ItemNotFound, QueryError
from ...core.model import Item
from ..filters import format_day
from ..resources import kind_icon
from .controller import AnnotationController

log = logging.getLogger(__name__)

ITEM_MIME = "application/x-xarchive-item-ids"
ITEM_ROLE = Qt.ItemDataRole.UserRole
RESULTS_LIMIT = 60


def item_ids_of(mime: QMimeData) -> list[int]:
    if not mime.hasFormat(ITEM_MIME):
        return []
    text = bytes(mime.data(ITEM_MIME).data()).decode("ascii", "replace")
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def item_mime(item_ids: list[int]) -> QMimeData:
    mime = QMimeData()
    mime.setData(ITEM_MIME, QByteArray(",".join(map(str, item_ids)).encode("ascii")))
    return mime


class LinkPicker(QDialog):
    """Choose the item to link to, the relation and a note; `link` is the link made."""

    def __init__(
        self,
        controller: AnnotationController,
        source: Item,
        parent: QWidget | None = None,
        target_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.source = source
        self.link: Link | None = None
        self.setWindowTitle("Link to…")
        self.resize(560, 520)
        heading = QLabel(
            f"Link <b>{html.escape(source.title or source.original_name)}</b> to:", self
        )
        heading.setWordWrap(True)
        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Search the archive for the other item")
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setObjectName("linkResults")
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.itemDoubleClicked.connect(lambda _e: self.accept())
        self.results.currentItemChanged.connect(lambda *_: self._update())
        self.status = QLabel(self)
        self.status.setObjectName("muted")
        self.relation = QComboBox(self)
        self.relation.setEditable(True)
        self.relation.addItems(RELATIONS)
        self.relation.setToolTip("One of these, or type your own")
        self.relation.currentTextChanged.connect(lambda _t: self._update())
        self.reverse = QCheckBox("The other way round: the chosen item → this one", self)
        self.reverse.toggled.connect(lambda _c: self._update())
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("Optional: why they are linked")
        self.reads = QLabel(self)
        self.reads.setObjectName("muted")
        self.reads.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Relation:", self.relation)
        form.addRow("", self.reverse)
        form.addRow("&Note:", self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Link")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addWidget(self.reads)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.search)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.query.returnPressed.connect(self.search)
        if target_id is not None:
            self.choose(target_id)
            self.relation.setFocus()
        else:
            self.search()
            self.query.setFocus()
        self._update()

    # -- finding the other item ------------------------------------------------------------
    def search(self) -> None:
        self._timer.stop()
        session = self.controller.session
        self.results.clear()
        if session is None:
            return
        text = self.query.text().strip()
        try:
            found = session.search(text or "*", 0, RESULTS_LIMIT, "relevance", False, False)
        except QueryError as exc:
            self.status.setText(str(exc))
            return
        except IndexUnavailable:
            self.status.setText("Searching is off until the search index is rebuilt.")
            return
        for hit in found.hits:
            if hit.item.id != self.source.id:
                self._add(hit.item)
        shown = self.results.count()
        more = " (the first ones; type more words to narrow it)" if found.total > shown + 1 else ""
        self.status.setText(f"{found.total:,} items match{more}." if text else "")
        if shown:
            self.results.setCurrentRow(0)
        self._update()

    def _add(self, item: Item) -> QListWidgetItem:
        line = item.title or item.original_name
        when = format_day(item.date) if item.date else ""
        entry = QListWidgetItem(kind_icon(item.kind), f"{line}\n{when}  #{item.id}".rstrip())
        entry.setData(ITEM_ROLE, item.id)
        entry.setToolTip(item.original_name)
        self.results.addItem(entry)
        return entry

    def choose(self, item_id: int) -> None:
        """Show just this item, chosen (a result dragged onto the viewer)."""
        session = self.controller.session
        self.results.clear()
        if session is None:
            return
        try:
            item = session.item(item_id)
        except ItemNotFound:
            self.status.setText("That item is no longer in the archive.")
            return
        self.query.blockSignals(True)
        self.query.setText(item.title)
        self.query.blockSignals(False)
        self.results.setCurrentItem(self._add(item))
        self.status.setText("")

    def chosen(self) -> int | None:
        entry = self.results.currentItem()
        return None if entry is None else int(entry.data(ITEM_ROLE))

    def _update(self) -> None:
        target = self.chosen()
        relation = self.relation.currentText().strip()
        ok = target is not None and target != self.source.id and bool(relation)
        self.ok_button.setEnabled(ok)
        if target is None:
            self.reads.setText("Choose the other item.")
            return
        entry = self.results.currentItem()
        other = entry.text().split("\n")[0] if entry is not None else f"#{target}"
        this = self.source.title or self.source.original_name
        a, b = (other, this) if self.reverse.isChecked() else (this, other)
        self.reads.setText(f"“{a}” {relation or '…'} “{b}”")

    def accept(self) -> None:
        target = self.chosen()
        relation = self.relation.currentText().strip()
        if target is None or not relation:
            return
        source, other = (
            (target, self.source.id) if self.reverse.isChecked() else (self.source.id, target)
        )
        note = self.note.text()
        made = self.controller.run(
            "Could not link the items", lambda n: n.link(source, relation, other, note)
        )
        if made is not None:
            self.link = made
            super().accept()


class ResultDragger(QObject):
    """Lets a result row be dragged (onto the viewer, to link) without opening it.

    A plain press on a row is held back until the mouse is released: released
    where it was pressed, it is a click (the row opens, as before); moved
    further, it is a drag of that row's item, and the item shown stays.
    """

    def __init__(self, view: QAbstractItemView, id_role: int) -> None:
        super().__init__(view.viewport())
        self.view = view
        self.viewport = view.viewport()
        self.id_role = id_role
        self._press: QMouseEvent | None = None
        self._replaying = False
        self.viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or watched is not self.viewport:
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            assert isinstance(event, QMouseEvent)
            plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
            index = self.view.indexAt(event.position().toPoint())
            if event.button() == Qt.MouseButton.LeftButton and plain and index.isValid():
                self._press = QMouseEvent(
                    event.type(), event.position(), event.globalPosition(), event.button(),
                    event.buttons(), event.modifiers(),
                )  # fmt: skip
                return True
            self._press = None
        elif kind == QEvent.Type.MouseMove and self._press is not None:
            assert isinstance(event, QMouseEvent)
            moved = event.position().toPoint() - self._press.position().toPoint()
            if moved.manhattanLength() >= QApplication.startDragDistance():
                press, self._press = self._press, None
                self._drag(press.position().toPoint())
            return True
        elif kind == QEvent.Type.MouseButtonRelease and self._press is not None:
            press, self._press = self._press, None
            self._replaying = True
            try:
                QApplication.sendEvent(self.viewport, press)
            finally:
                self._replaying = False
            return False
        return False

    def _drag(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        item_id = index.data(self.id_role) if index.isValid() else None
        if item_id is None:
            return
        drag = QDrag(self.view)
        drag.setMimeData(item_mime([int(item_id)]))
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if icon is not None and hasattr(icon, "pixmap"):
            drag.setPixmap(icon.pixmap(32, 32))
        drag.exec(Qt.DropAction.LinkAction | Qt.DropAction.CopyAction, Qt.DropAction.LinkAction)


class ItemDropTarget(QObject):
    """Makes a widget (the viewer) accept result rows dropped on it: `dropped(item_id)`."""

    dropped = Signal(int)

    def __init__(self, widget: QWidget, accepts: object) -> None:
        super().__init__(widget)
        self._accepts = accepts  # () -> bool: is there an item to link from?
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)
        self.widgets = [widget]

    def watch(self, widget: QWidget) -> None:
        """Also take drops on `widget` (a child that would otherwise refuse them)."""
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)
        self.widgets.append(widget)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDropEvent)
            if item_ids_of(event.mimeData()) and self._accepts():  # type: ignore[operator]
                event.setDropAction(Qt.DropAction.LinkAction)
                event.accept()
                return True
        elif kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            ids = item_ids_of(event.mimeData())
            if ids and self._accepts():  # type: ignore[operator]
                event.setDropAction(Qt.DropAction.LinkAction)
                event.accept()
                self.dropped.emit(ids[0])
                return True
        return False
