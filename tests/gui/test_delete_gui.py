"""Edit ▸ Delete Item…: asks what becomes of the annotations and links, loses nothing silently."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_ITEMS
from xarchive.core.annotate import Annotations
from xarchive.core.archive import Archive
from xarchive.core.store import items as item_store
from xarchive.gui.delete import DELETE_ANNOTATIONS, KEEP_ANNOTATIONS
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow

from .conftest import Dialogs
from .test_viewer import open_row, search

TITLE = "Ministry of Interior — report"


def open_the_ministry_report(qtbot: QtBot, window: MainWindow) -> int:
    search(qtbot, window, '"integrity of the nation"', Filter("kind", "document"))
    row = next(
        r for r in range(window.model.rowCount())
        if (h := window.model.hit(r)) and h.item.title.startswith(TITLE)
    )  # fmt: skip
    open_row(qtbot, window, row)
    assert window.viewer.item is not None and window.deleting.action.isEnabled()
    return window.viewer.item.id


def test_cancelling_deletes_nothing(qtbot: QtBot, annotated: MainWindow, dialogs: Dialogs) -> None:
    item_id = open_the_ministry_report(qtbot, annotated)
    dialogs.answer = None  # Cancel
    assert annotated.deleting.delete_shown() is None
    problem = dialogs.shown[-1]
    assert problem.fixes == (KEEP_ANNOTATIONS, DELETE_ANNOTATIONS)
    assert "note" in problem.advice and "link" in problem.advice  # says what hangs on it
    assert annotated.session is not None
    assert item_store.get_item(annotated.session.archive.db, item_id).id == item_id


def test_delete_keeping_annotations_orphaned(
    qtbot: QtBot, annotated: MainWindow, dialogs: Dialogs, annotated_copy: Path
) -> None:
    item_id = open_the_ministry_report(qtbot, annotated)
    assert annotated.session is not None
    notes = Annotations(annotated.session.archive)
    found = notes.of_item(item_id)
    attached = len(found.notes) + len(found.highlights) + len(found.regions)
    assert attached and found.links and found.backlinks
    dialogs.answer = KEEP_ANNOTATIONS
    with qtbot.waitSignal(annotated.search_finished):
        done = annotated.deleting.delete_shown()
    assert done is not None and done.trashed is not None and done.trashed.is_file()
    assert done.trashed.is_relative_to(annotated_copy / "trash")
    assert annotated.viewer.item is None
    shown = {annotated.model.hit(r).item.id for r in range(annotated.model.rowCount())}  # type: ignore[union-attr]
    assert item_id not in shown
    assert "Deleted" in annotated.statusBar().currentMessage()
    with Archive.open(annotated_copy, readonly=True) as archive:
        # the demo's items, one gone
        assert item_store.count_items(archive.db) == DEMO_ITEMS - 1
        kept = [a for a in Annotations(archive).orphaned() if a.item_id is None]
        assert len(kept) == attached  # its notes and highlights, kept
        (action,) = archive.db.execute(
            "SELECT action FROM audit_log WHERE action NOT LIKE 'custody.%' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert "delete" in action


def test_delete_with_its_annotations(
    qtbot: QtBot, annotated: MainWindow, dialogs: Dialogs, annotated_copy: Path
) -> None:
    item_id = open_the_ministry_report(qtbot, annotated)
    dialogs.answer = DELETE_ANNOTATIONS
    with qtbot.waitSignal(annotated.search_finished):
        assert annotated.deleting.delete_shown() is not None
    with Archive.open(annotated_copy, readonly=True) as archive:
        rows = archive.db.execute(
            "SELECT count(*) FROM links WHERE source_id = ? OR target_id = ?", (item_id, item_id)
        ).fetchone()
        assert rows == (0,)
        assert not [a for a in Annotations(archive).orphaned() if a.item_id is None]
    assert not annotated.annotate.undo_action.isEnabled()  # history naming it is gone
