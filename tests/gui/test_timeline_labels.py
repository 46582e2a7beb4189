"""The timeline's writing under and over its bars (gui/docks/timeline.py) stays legible:
no day or month label runs into the next one, and no count is cut by the chart's edge.

Seen on the 100 000-item archive's screenshot: the weekly bars of more than a year are
narrower than "Jan 2024", and the labels ran together ("Jan 2024Feb 2024", and the days
under the bars "519317311428"); the count over the first bar came out as "1(" for 10."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from xarchive.gui.docks.timeline import TimelineChart


def _chart(qtbot: QtBot, days: dict[date, int], width: int) -> TimelineChart:
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.resize(width, 160)
    chart.set_data(days, "week")
    return chart


def test_month_labels_never_run_together(qtbot: QtBot) -> None:
    start = date(2023, 6, 5)
    days = {start + timedelta(days=7 * n): 10 + n % 7 for n in range(80)}  # 80 weeks
    for width in (300, 420, 700, 1400):
        chart = _chart(qtbot, days, width)
        fm = QFontMetrics(chart.font())
        labels = chart.period_labels(fm)
        assert labels, width
        for (x, text), (next_x, _) in zip(labels, labels[1:], strict=False):
            assert x + fm.horizontalAdvance(text) < next_x, (width, text)
        assert all(x >= 0 and x + fm.horizontalAdvance(t) <= width for x, t in labels)
        days_under = chart.day_labels(fm)
        spans = [(chart.slot_rect(i).center().x(), fm.horizontalAdvance(t) / 2)
                 for i, t in sorted(days_under.items())]  # fmt: skip
        assert spans and all(
            a + ha < b - hb for (a, ha), (b, hb) in zip(spans, spans[1:], strict=False)
        )
        months = {(s.start.year, s.start.month) for s in chart.slots if not s.gap}
        if width == 1400:  # room enough: every month of the span is named
            assert len(labels) == len(months)
        if width == 300:  # not: some go unnamed, but the first is always there
            assert labels[0][1] == "Jun 2023" and len(labels) < len(months)


def test_the_count_over_the_first_bar_is_not_cut_by_the_edge(qtbot: QtBot) -> None:
    chart = _chart(qtbot, {date(2024, 2, 17): 10, date(2024, 2, 24): 3}, 200)
    assert chart._within(-6.0, 30.0) == 0.0  # moved inside from the left edge
    assert chart._within(190.0, 30.0) == 170.0  # and from the right
    assert chart._within(50.0, 30.0) == 50.0
    assert not chart.grab().isNull()  # paints, the labels moved
