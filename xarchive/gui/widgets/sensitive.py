"""Sensitive media shown blurred until clicked: what the views draw with.

Which items are sensitive is the core's business (core/sensitive.py: the platform's
flag or the tag ``sensitive``). One `SensitiveMedia` per app holds the View ▸ Blur
Sensitive Media switch and the items revealed by a click in this session; every place
that shows a picture (result cards, post cards, the viewer) asks it
`hidden(item_id, sensitive)` and listens to `changed`. Revealing is per item and per
session: the next start shows it blurred again, as a reviewer coming back to the case
expects. The feature that gives the switch its menu entries is gui/sensitive.py.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ...core import sensitive as core_sensitive
from ...core.errors import ItemNotFound
from ...core.model import Item
from ..session import ArchiveSession


class SensitiveMedia(QObject):
    """Whether sensitive media are blurred, and which were revealed."""

    #: The switch was turned, or an item revealed: everything shown asks again.
    changed = Signal()

    def __init__(self, blur: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._blur = blur
        self._revealed: set[int] = set()

    @property
    def blur(self) -> bool:
        return self._blur

    def set_blur(self, blur: bool) -> None:
        """Blur sensitive media (again: what was revealed is hidden again) or show all."""
        if blur == self._blur:
            return
        self._blur = blur
        self._revealed.clear()
        self.changed.emit()

    def forget_revealed(self) -> None:
        """Hide again what was revealed (another archive is opened: its item ids are others)."""
        if self._revealed:
            self._revealed.clear()
            self.changed.emit()

    def reveal(self, item_id: int) -> None:
        if item_id not in self._revealed:
            self._revealed.add(item_id)
            self.changed.emit()

    def revealed(self, item_id: int) -> bool:
        return item_id in self._revealed

    def hidden(self, item_id: int, sensitive: bool) -> bool:
        """Whether an item that is (or is not) `sensitive` is shown blurred now."""
        return sensitive and self._blur and item_id not in self._revealed


_shared: SensitiveMedia | None = None


def sensitive_media() -> SensitiveMedia:
    """The app's one switch (made on first use; the window sets it from the settings)."""
    global _shared
    if _shared is None:
        _shared = SensitiveMedia()
    return _shared


def why_sensitive(session: ArchiveSession, item: Item) -> str:
    """Why `item` is blurred, "" if it is not sensitive (core/sensitive.py)."""
    return core_sensitive.why_sensitive(session.archive, item)


def item_why_sensitive(session: ArchiveSession, item_id: int | None) -> str:
    if item_id is None:
        return ""
    try:
        return why_sensitive(session, session.item(item_id))
    except ItemNotFound:
        return ""


def blurred(pixmap: QPixmap, caption: str = "Sensitive — click to show") -> QPixmap:
    """`pixmap` blurred past recognition, darkened, with `caption` across it.

    Scaled down to a few pixels and up again, twice: a cheap blur that keeps the
    colours (a reviewer sees that something is there) and nothing of the shapes.
    """
    size = pixmap.size()
    if size.isEmpty():
        size = QSize(160, 100)
        pixmap = QPixmap(size)
        pixmap.fill(QColor("#444"))
    image = pixmap.toImage()
    for side in (24, 8):
        small = image.scaled(
            side, max(1, side * size.height() // max(1, size.width())),
            Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation,
        )  # fmt: skip
        image = small.scaled(
            size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    painter.fillRect(image.rect(), QColor(0, 0, 0, 110))
    if caption and size.width() >= 60:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(9, min(16, size.height() // 7)))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(
            QRect(4, 0, size.width() - 8, size.height()),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            caption,
        )
    painter.end()
    return QPixmap.fromImage(image)


class SensitiveCover(QWidget):
    """What the viewer shows in place of a sensitive picture or video: its poster or
    thumbnail blurred, why it is hidden, and a button (or a click anywhere) to see it."""

    #: The person asked to see the item.
    reveal_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sensitiveCover")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.reason = QLabel(self)
        self.reason.setObjectName("muted")
        self.reason.setWordWrap(True)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton("Show", self)
        self.button.setAccessibleName("Show the sensitive media")
        self.button.clicked.connect(self.reveal_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.reason)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        self._source = QPixmap()

    def show_cover(self, source: QPixmap | None, what: str, why: str) -> None:
        """Cover a `what` ("picture", "video") that is sensitive because `why`."""
        self._source = source if source is not None and not source.isNull() else QPixmap()
        self.reason.setText(
            f"This {what} is {why}, and is blurred. Click it or press Show to see it "
            "(View ▸ Blur Sensitive Media turns blurring off)."
        )
        self._fit()

    def _fit(self) -> None:
        target = self.picture.size()
        if target.width() < 10 or target.height() < 10:
            target = QSize(480, 300)
        source = self._source
        if source.isNull():
            source = QPixmap(480, 300)
            source.fill(QColor("#555"))
        scaled = source.scaled(
            target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.picture.setPixmap(blurred(scaled))

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.reveal_requested.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)


class MediaThumbnails:
    """Thumbnails of pictures and videos for result cards, and whether each is
    sensitive: read once per item from derived/ and the database (GUI thread), kept
    for the cards scrolled past (a few hundred)."""

    LIMIT = 400

    def __init__(self, session: ArchiveSession) -> None:
        self.session = session
        self._pixmaps: OrderedDict[int, QPixmap | None] = OrderedDict()
        self._why: dict[int, str] = {}

    def pixmap(self, item: Item) -> QPixmap | None:
        if item.kind not in core_sensitive.VISUAL_KINDS:
            return None
        if item.id in self._pixmaps:
            self._pixmaps.move_to_end(item.id)
            return self._pixmaps[item.id]
        extra = item.extra if isinstance(item.extra, dict) else {}
        path = self.session.derived_path(extra.get("thumbnail"))
        pixmap = QPixmap(str(path)) if path is not None and path.is_file() else None
        self._pixmaps[item.id] = None if pixmap is None or pixmap.isNull() else pixmap
        if len(self._pixmaps) > self.LIMIT:
            self._pixmaps.popitem(last=False)
        return self._pixmaps[item.id]

    def why(self, item: Item) -> str:
        if item.id not in self._why:
            self._why[item.id] = why_sensitive(self.session, item)
        return self._why[item.id]

    def forget_marks(self) -> None:
        """Tags changed (marked, unmarked, undone): ask the database again."""
        self._why.clear()
