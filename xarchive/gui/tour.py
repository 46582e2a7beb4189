"""The first-run tour: a few hints, one at a time, beside what they explain.

Shown once, when the demo archive first opens (remembered in the user's
settings); Help ▸ Tour of xarchive shows it again on any archive. Every hint
can be dismissed (Close, or Escape) and stepped through with the keyboard
(Enter: next; Back).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from . import settings as cfg
from .layout import WindowLayout
from .theme import colors


@dataclass(frozen=True, slots=True)
class Stop:
    title: str
    text: str
    #: The object name of the widget the hint points at (looked up when it is shown).
    target: str


STOPS = (
    Stop(
        "Search as you type",
        'Words, <i>"exact phrases"</i>, Urdu, and fields such as <code>kind:post</code>, '
        "<code>account:demo_reporter</code> or <code>date:2024-02</code>. "
        "Help ▸ Search Syntax has the whole language, with examples to click.",
        "searchField",
    ),
    Stop(
        "Narrow it down",
        "Click a kind, month, author, account, hashtag or tag to narrow the search; each "
        "becomes a chip under the search field that one click removes.",
        "facetsDock",
    ),
    Stop(
        "When it happened",
        "The timeline counts the items found, day by day. Drag across bars to narrow the "
        "search to those days. View ▸ Timeline (Ctrl+T) shows or hides it.",
        "timelineDock",
    ),
    Stop(
        "Annotate the evidence",
        "Select words and press Ctrl+H to highlight them (Ctrl+Shift+H adds a note); "
        "Shift+drag on a picture or a PDF page marks a region. Everything is saved at once, "
        "and Ctrl+Z undoes it.",
        "annotationsDock",
    ),
    Stop(
        "Link what belongs together",
        "Ctrl+K links the item shown to another: it cites, shows, contradicts… Links and "
        "backlinks are listed here, suggested links beside them; Ctrl+G draws the graph.",
        "linksDock",
    ),
    Stop(
        "Room to read",
        "F11 or this button gives the viewer the whole window; F11 or Escape brings the "
        "panels back.",
        "readingButton",
    ),
)


class Hint(QFrame):
    """One hint, drawn over the window beside its target."""

    next_requested = Signal()
    back_requested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tourHint")
        self.setAccessibleName("Tour")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.title = QLabel(self)
        self.title.setObjectName("tourTitle")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.step = QLabel(self)
        self.step.setObjectName("muted")
        self.back = QPushButton("Back", self)
        self.back.setAccessibleName("Previous hint")
        self.next = QPushButton("Next", self)
        self.next.setDefault(True)
        self.close_button = QPushButton("Close the tour", self)
        self.back.clicked.connect(self.back_requested)
        self.next.clicked.connect(self.next_requested)
        self.close_button.clicked.connect(self.closed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.setFixedWidth(360)
        self.hide()

    def show_stop(self, stop: Stop, number: int, count: int) -> None:
        c = colors()
        self.setStyleSheet(
            f"QFrame#tourHint {{ background: {c.info_bg}; color: {c.text}; "
            f"border: 2px solid {c.highlight}; border-radius: 8px; }}"
            f"QLabel#tourTitle {{ font-weight: 600; font-size: 11pt; }}"
        )
        self.title.setText(stop.title)
        self.text.setText(stop.text)
        self.step.setText(f"{number} of {count}")
        self.setAccessibleName(f"Tour, {number} of {count}: {stop.title}")
        self.setAccessibleDescription(self.text.text())
        self.back.setEnabled(number > 1)
        self.next.setText("Done" if number == count else "Next")
        self.next.setAccessibleName("Finish the tour" if number == count else "Next hint")
        self.adjustSize()
        self.show()
        self.raise_()
        self.next.setFocus(Qt.FocusReason.OtherFocusReason)

    def place_beside(self, target: QRect) -> None:
        """Below `target` (in the parent's coordinates) if there is room, else beside or
        above it; always inside the window."""
        parent = self.parentWidget()
        assert parent is not None
        area = parent.rect()
        size = self.sizeHint().expandedTo(self.size())
        gap = 10
        below = QPoint(target.left() + 16, target.bottom() + gap)
        above = QPoint(target.left() + 16, target.top() - size.height() - gap)
        right = QPoint(target.right() + gap, target.top() + 40)
        left = QPoint(target.left() - size.width() - gap, target.top() + 40)
        # A side panel is told of beside it; a field or a bar below or above it.
        tall = target.height() > area.height() // 3
        candidates = [right, left, below, above] if tall else [below, above, right, left]
        for point in candidates:
            if area.contains(QRect(point, size)):
                break
        else:
            point = target.center() - QPoint(size.width() // 2, size.height() // 2)
        x = min(max(point.x(), area.left() + 4), area.right() - size.width() - 4)
        y = min(max(point.y(), area.top() + 4), area.bottom() - size.height() - 4)
        self.move(x, y)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.closed.emit()
            return
        super().keyPressEvent(event)


class Tour(QObject):
    """Steps through `STOPS`; each stop shows what it points at (a hidden panel opens
    for the stop and closes again after it)."""

    finished = Signal()

    def __init__(
        self, window: QMainWindow, settings: cfg.UserSettings, layout: WindowLayout
    ) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.window_layout = layout
        self.index = -1
        self.hint = Hint(window)
        self.hint.next_requested.connect(lambda: self.go(self.index + 1))
        self.hint.back_requested.connect(lambda: self.go(self.index - 1))
        self.hint.closed.connect(self.close)
        self._opened_for_stop: QWidget | None = None
        window.installEventFilter(self)

    @property
    def active(self) -> bool:
        return self.index >= 0

    def start(self) -> None:
        """Show the first hint; the tour counts as seen from now on."""
        self.settings.set(cfg.TOUR_SHOWN, True)
        if self.window_layout.reading:
            self.window_layout.set_reading(False)
        self.go(0)

    def go(self, index: int) -> None:
        self._close_opened()
        if not 0 <= index < len(STOPS):
            self.close()
            return
        self.index = index
        stop = STOPS[index]
        target = self.target_of(stop)
        if not target.isVisible() and target.parentWidget() is self.window:
            target.show()  # a closed panel (the timeline on a laptop) opens for its hint
            self._opened_for_stop = target
        self.hint.show_stop(stop, index + 1, len(STOPS))
        self._place()

    def close(self) -> None:
        self._close_opened()
        was_active = self.active
        self.index = -1
        self.hint.hide()
        if was_active:
            self.finished.emit()

    def _close_opened(self) -> None:
        if self._opened_for_stop is not None:
            self._opened_for_stop.hide()
            self._opened_for_stop = None

    def _place(self) -> None:
        if not self.active:
            return
        target = self.target_of(STOPS[self.index])
        top_left = target.mapTo(self.window, QPoint(0, 0))
        self.hint.place_beside(QRect(top_left, target.size()))

    def target_of(self, stop: Stop) -> QWidget:
        """The widget `stop` points at."""
        widget = self.window.findChild(QWidget, stop.target)
        assert widget is not None, stop.target
        return widget

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize and self.active:
            self._place()
        return False
