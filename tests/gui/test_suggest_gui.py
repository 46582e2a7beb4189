"""An archive from before suggested links: the app offers to compare its items, then shows them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot

from xarchive.core.archive import Archive
from xarchive.core.suggest import Suggestions
from xarchive.gui.main_window import MainWindow


def forget_suggestions(root: Path) -> None:
    """Make the archive look as if it was built before suggestions existed."""
    with sqlite3.connect(root / "archive.sqlite") as conn:
        for table in ("suggestions", "suggest_scanned", "suggest_urls", "suggest_bands"):
            conn.execute(f"DELETE FROM {table}")


def test_items_never_compared_are_offered_and_compared(
    qtbot: QtBot, window: MainWindow, archive_copy: Path
) -> None:
    forget_suggestions(archive_copy)
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(archive_copy)
    bar = window.info_bar
    assert bar.isVisible() and bar.button.text() == "Find Links"
    assert "not compared yet" in bar.text_label.text()
    assert window.actions["find-links"].isEnabled()

    with qtbot.waitSignal(window.job_ended, timeout=60_000) as ended:
        bar.button.click()
    title, found = ended.args[0]
    assert title == "Finding suggested links" and found > 0
    assert not bar.isVisible()  # nothing left to offer
    assert window.session is not None
    with Archive.open(archive_copy, readonly=True) as archive:
        suggestions = Suggestions(archive)
        assert suggestions.unscanned() == 0
        assert len(suggestions.pending()) == found
