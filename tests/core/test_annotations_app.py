"""What the app needs of the core besides the CLI: moving regions, tagging many items at
once as one undoable change, every link for the graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_import
from tests.makefiles import png, text_file
from xarchive.core.annotate import Annotations
from xarchive.core.archive import Archive
from xarchive.core.errors import InvalidAnnotation


@pytest.fixture
def three(archive: Archive, tmp_path: Path) -> list[int]:
    run_import(archive, *(text_file(tmp_path / f"{n}.txt", f"{n} text") for n in "abc"))
    ids = [int(r[0]) for r in archive.db.execute("SELECT id FROM items ORDER BY original_name")]
    assert len(ids) == 3
    return ids


def test_tag_items_is_one_change_that_undoes_at_once(archive: Archive, three: list[int]) -> None:
    notes = Annotations(archive)
    notes.tag(three[0], "court")
    notes.tag_items(three, "court", "Evidence")
    for item_id in three:
        assert {t.name for t in notes.of_item(item_id).tags} == {"court", "Evidence"}
    assert notes.undo_stack.undo_text == "Tag 3 items ‘court’, ‘Evidence’"
    notes.undo()
    assert {t.name for t in notes.of_item(three[0]).tags} == {"court"}
    assert not notes.of_item(three[1]).tags
    notes.redo()
    notes.untag_items(three[:2], "evidence")  # any case
    assert {t.name for t in notes.of_item(three[1]).tags} == {"court"}
    assert {t.name for t in notes.of_item(three[2]).tags} == {"court", "Evidence"}
    notes.undo()
    assert {t.name for t in notes.of_item(three[1]).tags} == {"court", "Evidence"}


def test_move_region_keeps_it_on_the_picture_and_undoes(archive: Archive, tmp_path: Path) -> None:
    run_import(archive, png(tmp_path / "shot.png", "a post", size=(640, 200)))
    shot = int(archive.db.execute("SELECT id FROM items").fetchone()[0])
    notes = Annotations(archive)
    region = notes.add_region(shot, 10, 10, 100, 50, note="the date")
    moved = notes.move_region(region.uid, 200.5, 20, 120, 60)
    assert moved.box is not None and (moved.box.x, moved.box.y, moved.box.w, moved.box.h) == (
        200.5, 20, 120, 60,
    )  # fmt: skip
    assert moved.note == "the date"
    assert notes.undo_stack.undo_text == f"Move a region note on #{shot}"
    # Dragged past the top-left corner: what is left on the picture is kept.
    clipped = notes.move_region(region.uid, -20, -10, 100, 50)
    assert clipped.box is not None and (clipped.box.x, clipped.box.y) == (0, 0)
    assert (clipped.box.w, clipped.box.h) == (80, 40)
    with pytest.raises(InvalidAnnotation, match="off the picture"):
        notes.move_region(region.uid, -200, 0, 100, 50)
    notes.undo()
    notes.undo()
    back = notes.get(region.uid).box
    assert back is not None and (back.x, back.y, back.w, back.h) == (10, 10, 100, 50)


def test_all_links_leaves_out_those_with_a_deleted_end(archive: Archive, three: list[int]) -> None:
    notes = Annotations(archive)
    notes.link(three[0], "cites", three[1])
    notes.link(three[1], "same-event", three[2])
    assert {(lk.source_id, lk.relation, lk.target_id) for lk in notes.all_links()} == {
        (three[0], "cites", three[1]),
        (three[1], "same-event", three[2]),
    }
    with pytest.raises(InvalidAnnotation):
        notes.move_region(notes.add_note(three[0], "a note").uid, 1, 1, 5, 5)
