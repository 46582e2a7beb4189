"""One day for an item, whatever the computer's time zone: the post's card, its result
card, the timeline and the date: search the timeline makes all agree (issue 12, item
11: in Karachi a post of 1 Dec, 03:00 was on the timeline under 30 Nov, its card
saying 1 Dec)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests import evidence_files as files
from tests.conftest import run_import
from xarchive.core.archive import Archive
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow

#: 1 Dec 2024, 03:00 in Karachi (UTC+5, no summer time): 30 Nov in UTC.
POSTED = "2024-11-30T22:00:00.000Z"


@pytest.fixture
def in_karachi(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's clock in Pakistan's time zone for the test, as a researcher's is."""
    monkeypatch.setenv("TZ", "Asia/Karachi")
    time.tzset()
    assert time.localtime(0).tm_gmtoff == 5 * 3600
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def night_post(tmp_path: Path) -> Path:
    """An archive holding one post, made a little after midnight in Karachi."""
    post = files.api_tweet("1863000000000000001", "#XBlocked again tonight.", created=POSTED)
    lines = [files.page([post], "2024-12-02T06:00:00+00:00")]
    source = files.jsonl(tmp_path / "night.jsonl", lines)
    root = tmp_path / "night.xarchive"
    with Archive.create(root) as archive:
        report = run_import(archive, source)
    assert len(report.imported) == 1
    return root


def test_a_post_after_midnight_in_karachi_has_one_day_everywhere(
    qtbot: QtBot, in_karachi: None, window: MainWindow, night_post: Path
) -> None:
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(night_post)
    window.timeline.show()
    window.timeline.set_bucket("day")
    qtbot.waitUntil(lambda: any(s.count for s in window.timeline.chart.slots))
    (slot,) = [s for s in window.timeline.chart.slots if s.count]
    assert slot.start == date(2024, 11, 30)
    # The timeline says whose days they are, the clock being in another zone.
    assert window.timeline.summary.text().endswith("30 Nov 2024 – 30 Nov 2024 (UTC)")
    assert window.timeline.chart._describe(0) == "30 Nov 2024 (UTC): 1 item"
    # The result card gives the same day; the post's card that day first, then the
    # time on the researcher's clock.
    assert window.model.rowCount() == 1
    assert window.model.hit(0).item.date.startswith("2024-11-30")  # type: ignore[union-attr]
    window.results.setCurrentIndex(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.viewer.post.card is not None)
    card = window.viewer.post.card
    assert card is not None
    said = card.name_label.text()
    assert "30 Nov 2024, 22:00 UTC" in said and "(1 Dec 2024, 03:00 PKT)" in said
    # The bar's day, searched, finds the post; the next day does not.
    with qtbot.waitSignal(window.search_finished):
        window.timeline.chart.choose(0, 0)
    assert window.search_bar.filters == [Filter("date", "2024-11-30")]
    assert window.model.total == 1
    with qtbot.waitSignal(window.search_finished):
        window.search_bar.set_query("", [Filter("date", "2024-12-01")])
    assert window.model.total == 0


def test_in_utc_the_times_say_utc_alone(qtbot: QtBot, window: MainWindow, night_post: Path) -> None:
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(night_post)
    if time.localtime(0).tm_gmtoff:
        pytest.skip("the test session's clock is not in UTC")
    window.results.setCurrentIndex(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.viewer.post.card is not None)
    card = window.viewer.post.card
    assert card is not None
    assert "30 Nov 2024, 22:00 UTC" in card.name_label.text()
    assert "(" not in card.name_label.text().partition("22:00 UTC")[2].partition("<")[0]
