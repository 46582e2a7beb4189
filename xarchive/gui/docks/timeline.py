"""The timeline: the current results as a histogram by day, week or month.

Dragging across bars (or clicking one) narrows the search to that span
(`date:A..B`); from the keyboard, ←/→ go from bar to bar, Shift+←/→ take in the
bars beside, and Enter narrows the search to them. Long empty stretches are drawn as
a break, so clusters of events years apart stay readable side by side.

Under the bars, a row of marks (▲) shows the days on which the platform acted on
the posts of the results and on their accounts — deletions, withholdings, suspensions
(issue 13), every event of the archive when the search is for everything — so that a
researcher sees the posts of a day beside what was done to them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...core.wording import counted
from ..filters import format_day
from ..theme import colors

BUCKETS = (("day", "By day"), ("week", "By week"), ("month", "By month"))
#: Empty runs at least this many buckets long are drawn as one break.
GAP_BUCKETS = {"day": 10, "week": 4, "month": 3}
MAX_BAR = 46
MARK_ROW = 14
#: How the marks name the events of each kind: (one, many).
EVENT_NAMES = {
    "deletion": ("deletion", "deletions"),
    "withholding": ("withholding", "withholdings"),
    "suspension": ("account suspension", "account suspensions"),
    "not-found": ("post not found by a lookup", "posts not found by a lookup"),
    "other": ("other event", "other events"),
}


def events_text(kinds: Mapping[str, int]) -> str:
    """'2 deletions, 1 withholding' ('' for none)."""
    return ", ".join(
        f"{n} {EVENT_NAMES.get(kind, (kind, kind))[n != 1]}" for kind, n in kinds.items() if n
    )


def bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def next_bucket(start: date, bucket: str) -> date:
    if bucket == "week":
        return start + timedelta(days=7)
    if bucket == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Slot:
    start: date
    end: date  # exclusive
    count: int
    gap: bool = False

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def histogram(
    days: Mapping[date, int], bucket: str, keep: Collection[date] = frozenset()
) -> list[Slot]:
    """Buckets from the first to the last day (`days`: items per day), long empty runs
    merged into gap slots; the buckets of the days in `keep` (of events) are kept even
    when empty, and the span reaches them."""
    if not days and not keep:
        return []
    counts: Counter[date] = Counter()
    for day, count in days.items():
        counts[bucket_start(day, bucket)] += count
    kept = {bucket_start(day, bucket) for day in keep}
    for start in kept:
        counts[start] += 0
    start, last = min(counts), max(counts)
    slots: list[Slot] = []
    empty: list[Slot] = []
    current = start
    while current <= last:
        following = next_bucket(current, bucket)
        slot = Slot(current, following, counts.get(current, 0))
        if slot.count or current in kept:
            slots.extend(_flush_empty(empty, bucket))
            empty = []
            slots.append(slot)
        else:
            empty.append(slot)
        current = following
    return slots


def _flush_empty(empty: list[Slot], bucket: str) -> list[Slot]:
    if len(empty) >= GAP_BUCKETS[bucket]:
        return [Slot(empty[0].start, empty[-1].end, 0, gap=True)]
    return empty


def in_utc() -> str:
    """' (UTC)' where the computer's clock is in another time zone than UTC: the days
    are the archive's, in which dates are kept and searched, not the clock's (a post
    of 1 Dec, 03:00 in Karachi is one of 30 Nov here, as its card says)."""
    return " (UTC)" if datetime.now().astimezone().utcoffset() else ""


def slot_label(slot: Slot, bucket: str) -> str:
    if slot.gap:
        return f"{format_day(slot.start.isoformat())} – {format_day(slot.last_day.isoformat())}"
    if bucket == "month":
        return slot.start.strftime("%B %Y")
    if bucket == "week":
        return f"Week of {format_day(slot.start.isoformat())}"
    return format_day(slot.start.isoformat())


class TimelineChart(QWidget):
    range_chosen = Signal(object, object)  # first day, last day (inclusive)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bucket = "week"
        self.slots: list[Slot] = []
        #: Events of the archive by day: kind ("deletion", "withholding"…) → how many.
        self.events: dict[date, dict[str, int]] = {}
        self._press: int | None = None
        self._hover: int | None = None
        self._drag_to: int | None = None
        #: The bar the keyboard is on (None: none yet).
        self.cursor_slot: int | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Timeline of the results")
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip("")

    def sizeHint(self) -> QSize:
        return QSize(600, 160)

    def set_data(
        self,
        days: Mapping[date, int],
        bucket: str,
        events: Mapping[date, Mapping[str, int]] | None = None,
    ) -> None:
        self.bucket = bucket
        if events is not None:
            self.events = {day: dict(kinds) for day, kinds in events.items()}
        # The axis spans the events' days too (with nothing dated then, a bar of none);
        # with no dated results there is no axis to mark.
        self.slots = histogram(days, bucket, self.events) if days else []
        self._press = self._drag_to = self._hover = None
        self.cursor_slot = None
        self.setAccessibleDescription(self._describe(None))
        self.update()

    # -- geometry -------------------------------------------------------------------------
    def _mark_row(self) -> int:
        return MARK_ROW if self.events else 0

    def _plot(self) -> QRect:
        fm = QFontMetrics(self.font())
        below = 2 * fm.height() + 8 + self._mark_row()
        return self.rect().adjusted(12, fm.height() + 6, -12, -below)

    def slot_events(self, index: int) -> dict[str, int]:
        """The events of the days of slot `index`, by kind."""
        slot = self.slots[index]
        found: dict[str, int] = {}
        for day, kinds in self.events.items():
            if slot.start <= day < slot.end:
                for kind, count in kinds.items():
                    found[kind] = found.get(kind, 0) + count
        return found

    def _bar_width(self) -> float:
        return min(MAX_BAR, self._plot().width() / max(1, len(self.slots)))

    def slot_rect(self, index: int) -> QRectF:
        plot = self._plot()
        width = self._bar_width()
        left = plot.left() + (plot.width() - width * len(self.slots)) / 2
        return QRectF(left + index * width, plot.top(), width, plot.height())

    def slot_at(self, pos: QPoint) -> int | None:
        for i in range(len(self.slots)):
            if self.slot_rect(i).left() <= pos.x() < self.slot_rect(i).right():
                return i
        return None

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        c = colors()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        plot = self._plot()
        if not self.slots:
            painter.setPen(QColor(c.muted))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "No dated items in the results"
            )
            return
        peak = max(s.count for s in self.slots) or 1
        selected = self._selection()
        painter.setPen(QPen(QColor(c.border)))
        painter.drawLine(plot.left(), plot.bottom(), plot.right(), plot.bottom())
        marks = self._mark_row()
        day_labels = self.day_labels(fm)
        for i, slot in enumerate(self.slots):
            rect = self.slot_rect(i)
            inner = rect.adjusted(
                max(1.0, rect.width() * 0.12), 0, -max(1.0, rect.width() * 0.12), 0
            )
            if self.events and not slot.gap and self.slot_events(i):
                self._draw_mark(painter, rect, plot.bottom() + 2, marks - 3, c.error)
            if slot.gap:
                painter.setPen(QPen(QColor(c.muted), 1, Qt.PenStyle.DashLine))
                mid = rect.center().x()
                painter.drawLine(int(mid - 3), plot.bottom() - 18, int(mid - 3), plot.bottom())
                painter.drawLine(int(mid + 3), plot.bottom() - 18, int(mid + 3), plot.bottom())
                continue
            if selected and selected[0] <= i <= selected[1]:
                painter.fillRect(rect, QColor(c.chip_bg))
            if i == self.cursor_slot and self.hasFocus():
                pen = QPen(QColor(c.highlight), 2, Qt.PenStyle.DotLine)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
            if slot.count:
                height = max(3.0, (plot.height() - 4) * slot.count / peak)
                bar = QRectF(inner.left(), plot.bottom() - height, inner.width(), height)
                color = QColor(c.highlight)
                if i == self._hover:
                    color = color.lighter(125)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                painter.drawRoundedRect(bar, 2, 2)
                painter.setPen(QColor(c.text))
                count_text = str(slot.count)
                if fm.horizontalAdvance(count_text) <= rect.width() + 6:
                    width = rect.width() + 12
                    painter.drawText(
                        QRectF(self._within(rect.left() - 6, width), bar.top() - fm.height() - 1,
                               width, fm.height()),
                        Qt.AlignmentFlag.AlignCenter,
                        count_text,
                    )  # fmt: skip
            # Under the axis: the bucket's day (when there is room), and the month below.
            painter.setPen(QColor(c.muted))
            label = day_labels.get(i)
            if label:
                painter.drawText(
                    QRectF(
                        rect.left() - 10, plot.bottom() + 2 + marks, rect.width() + 20, fm.height()
                    ),
                    Qt.AlignmentFlag.AlignCenter,
                    label,
                )
        for x, text in self.period_labels(fm):
            painter.drawText(QPoint(int(x), plot.bottom() + 2 * fm.height() + 4 + marks), text)
        painter.end()

    def _within(self, left: float, width: float) -> float:
        """The left of a label `width` wide meant at `left`, moved to lie within the chart
        (the count over the first bar was cut by the chart's edge: "1(" for 10)."""
        return max(0.0, min(left, self.width() - width))

    def day_labels(self, fm: QFontMetrics) -> dict[int, str]:
        """The label under each bar that gets one, by the bar's index: its first day (its
        month, for bars of a month), where its own width leaves room after the label
        before (bars narrower than "17" ran the days together: "519317311428")."""
        labels: dict[int, str] = {}
        free_from = -1e9
        for i, slot in enumerate(self.slots):
            if slot.gap or not slot.count:
                continue
            label = (
                slot.start.strftime("%-d") if self.bucket != "month" else slot.start.strftime("%b")
            )
            half = fm.horizontalAdvance(label) / 2
            middle = self.slot_rect(i).center().x()
            if middle - half > free_from:
                labels[i] = label
                free_from = middle + half + 4
        return labels

    def period_labels(self, fm: QFontMetrics) -> list[tuple[float, str]]:
        """Where the months ("Feb 2024"; the years, for bars of a month) are written
        under the axis: at the first bar of each, when there is room after the one
        before (weekly bars of a long span ran "Jan 2024Feb 2024" together)."""
        labels: list[tuple[float, str]] = []
        last_period = None
        free_from = -1e9
        for i, slot in enumerate(self.slots):
            if slot.gap:
                continue
            by_month = self.bucket != "month"
            period = (slot.start.year, slot.start.month) if by_month else slot.start.year
            if period == last_period:
                continue
            last_period = period
            text = slot.start.strftime("%b %Y") if by_month else str(slot.start.year)
            left = self.slot_rect(i).left()
            if left < free_from:
                continue
            width = fm.horizontalAdvance(text)
            left = self._within(left, width)  # the last one within the chart too
            if left < free_from:
                continue
            labels.append((left, text))
            free_from = left + width + fm.horizontalAdvance("  ")
        return labels

    @staticmethod
    def _draw_mark(painter: QPainter, rect: QRectF, top: int, height: int, color: str) -> None:
        """A triangle pointing up at the bar: the platform acted on a post that day."""
        mid = rect.center().x()
        half = max(3.0, min(height * 0.6, rect.width() / 2 - 1))
        painter.save()
        painter.setPen(QPen(QColor(color), 1))
        painter.setBrush(QColor(color))
        painter.drawPolygon(
            QPolygonF([QPointF(mid, top), QPointF(mid - half, top + height),
                       QPointF(mid + half, top + height)])
        )  # fmt: skip
        painter.restore()

    # -- interaction --------------------------------------------------------------------------
    def _selection(self) -> tuple[int, int] | None:
        if self._press is None:
            return None
        end = self._drag_to if self._drag_to is not None else self._press
        return (min(self._press, end), max(self._press, end))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = self.slot_at(event.position().toPoint())
            self._drag_to = self._press
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.slot_at(event.position().toPoint())
        if self._press is not None and index is not None:
            self._drag_to = index
        if index != self._hover:
            self._hover = index
            self.update()
        if index is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self._describe(index), self)

    def _describe(self, index: int | None) -> str:
        """What slot `index` holds, in words (its tooltip, and what a screen reader says)."""
        if index is None or not 0 <= index < len(self.slots):
            if not self.slots:
                return "No dated items in the results"
            return "Use the arrow keys to go from bar to bar, Shift to take in several"
        slot = self.slots[index]
        text = slot_label(slot, self.bucket) + in_utc()
        text += ": no items" if slot.gap else f": {slot.count} item" + ("s" * (slot.count != 1))
        happened = events_text(self.slot_events(index)) if not slot.gap else ""
        if happened:
            text += f"; ▲ {happened} (compliance events of the results)"
        return text

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """←/→ (Home/End) go from bar to bar, with Shift taking in the bars passed;
        Enter or Space narrows the search to the bars taken in (or the bar the keyboard
        is on); Escape lets go of them."""
        key = event.key()
        count = len(self.slots)
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        if count and (key in steps or key in (Qt.Key.Key_Home, Qt.Key.Key_End)):
            here = self.cursor_slot
            if key == Qt.Key.Key_Home:
                target = 0
            elif key == Qt.Key.Key_End:
                target = count - 1
            elif here is None:
                target = 0 if steps[key] > 0 else count - 1
            else:
                target = min(max(here + steps[key], 0), count - 1)
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                if self._press is None:
                    self._press = here if here is not None else target
                self._drag_to = target
            else:
                self._press = self._drag_to = None
            self.cursor_slot = target
            self._announce()
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and count:
            selection = self._selection()
            if selection is None and self.cursor_slot is not None:
                selection = (self.cursor_slot, self.cursor_slot)
            self._press = self._drag_to = None
            self.update()
            if selection is not None:
                self.choose(*selection)
            event.accept()
            return
        if key == Qt.Key.Key_Escape and self._press is not None:
            self._press = self._drag_to = None
            self._announce()
            event.accept()
            return
        super().keyPressEvent(event)

    def _announce(self) -> None:
        """Say where the keyboard is: in the tooltip by the bar and to screen readers."""
        index = self.cursor_slot
        text = self._describe(index)
        selection = self._selection()
        if selection is not None and selection[0] != selection[1]:
            first, last = self.slots[selection[0]], self.slots[selection[1]]
            text += (
                f" (taking in {format_day(first.start.isoformat())} – "
                f"{format_day(last.last_day.isoformat())}; Enter narrows the search to it)"
            )
        self.setAccessibleDescription(text)
        if index is not None and self.isVisible():
            rect = self.slot_rect(index)
            QToolTip.showText(self.mapToGlobal(rect.center().toPoint()), text, self)
        self.update()

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.cursor_slot is None and self.slots:
            self.cursor_slot = len(self.slots) - 1  # the latest: where a researcher looks
        self._announce()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        selection = self._selection()
        self._press = self._drag_to = None
        self.update()
        if event.button() == Qt.MouseButton.LeftButton and selection is not None:
            self.choose(*selection)

    def choose(self, first: int, last: int) -> None:
        """Narrow the search to slots `first`…`last` (inclusive)."""
        self.range_chosen.emit(self.slots[first].start, self.slots[last].last_day)

    def leaveEvent(self, event: object) -> None:  # type: ignore[override]
        self._hover = None
        self.update()


class TimelineDock(QDockWidget):
    range_chosen = Signal(object, object)
    bucket_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Timeline", parent)
        self.setObjectName("timelineDock")
        self.chart = TimelineChart(self)
        self.chart.range_chosen.connect(self.range_chosen)
        self.bucket_box = QComboBox(self)
        for key, label in BUCKETS:
            self.bucket_box.addItem(label, key)
        self.bucket_box.setCurrentIndex(1)
        self.bucket_box.currentIndexChanged.connect(self._bucket_changed)
        self.summary = QLabel(self)
        self.summary.setObjectName("muted")
        hint = QLabel(
            "Drag across bars (or Shift+←/→ and Enter) to narrow the search to those dates",
            self,
        )
        hint.setObjectName("muted")
        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 8, 0)
        top.addWidget(self.summary)
        top.addStretch(1)
        top.addWidget(hint)
        top.addWidget(self.bucket_box)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.chart, 1)
        self.setWidget(body)
        self._days: dict[date, int] = {}
        self._events: dict[date, dict[str, int]] = {}
        self.stale = True

    @property
    def bucket(self) -> str:
        return str(self.bucket_box.currentData())

    def set_bucket(self, bucket: str) -> None:
        index = self.bucket_box.findData(bucket)
        if index >= 0:
            self.bucket_box.setCurrentIndex(index)

    def set_days(
        self, days: Mapping[date, int], events: Mapping[date, Mapping[str, int]] | None = None
    ) -> None:
        """Show `days` (items per day), and mark the days of `events` (kind → how many,
        by day: those of the items counted), if given."""
        self._days = dict(days)
        if events is not None:
            self._events = {day: dict(k) for day, k in events.items() if any(k.values())}
        self.stale = False
        self.chart.set_data(self._days, self.bucket, self._events)
        self._summarise()

    def set_events(self, events: Mapping[date, Mapping[str, int]]) -> None:
        """Mark the days of compliance events (kind → how many, by day)."""
        self._events = {day: dict(kinds) for day, kinds in events.items() if any(kinds.values())}
        self.chart.set_data(self._days, self.bucket, self._events)
        self._summarise()

    def _summarise(self) -> None:
        days = self._days
        text = ""
        if days:
            first, last = min(days), max(days)
            total = sum(days.values())
            text = (
                f"{counted(total, 'dated item')}, "
                f"{format_day(first.isoformat())} – {format_day(last.isoformat())}{in_utc()}"
            )
        if self._events:
            kinds: dict[str, int] = {}
            for found in self._events.values():
                for kind, count in found.items():
                    kinds[kind] = kinds.get(kind, 0) + count
            text += ("   ·   " if text else "") + f"▲ {events_text(kinds)}"
        self.summary.setText(text)

    def _bucket_changed(self) -> None:
        self.chart.set_data(self._days, self.bucket, self._events)
        self.bucket_changed.emit(self.bucket)
