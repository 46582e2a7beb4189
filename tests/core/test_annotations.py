"""Annotations and links as a researcher uses them: notes, highlights, regions, tags and links,
found by search at once, found again when the text changes, undone, never lost on delete."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import item_named, run_import
from tests.makefiles import html_article, png, text_file
from xarchive.core.annotate import (
    Annotations,
    carry_over,
    delete_item,
    on_items_imported,
    reanchor_item,
)
from xarchive.core.annotate.anchoring import Quote, find_quote, locate, quote_at
from xarchive.core.annotate.w3c import (
    MEDIA_FRAGMENT,
    PDF_FRAGMENT,
    collection_jsonld,
    parse_all,
)
from xarchive.core.archive import Archive
from xarchive.core.demo_annotations import (
    KARAKORAM_APRIL,
    LEDGER_APRIL,
    MOI_REPLY,
    REPLY_PHOTOS,
    annotate_demo,
)
from xarchive.core.errors import (
    AnnotationNotFound,
    InvalidAnnotation,
    ItemHasAnnotations,
    UndoConflict,
)
from xarchive.core.index.engine import SearchIndex
from xarchive.core.indexing import catch_up, open_index
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store
from xarchive.core.store import migrations
from xarchive.core.verify import verify

REPLY = (
    "The Ministry told the court that the block was needed in the interest of "
    "national security and public order.\n\nIt gave no other reason, and it did not "
    "say which law allowed it."
)
PHRASE = "national security and public order"


@pytest.fixture
def case(archive: Archive, tmp_path: Path) -> Archive:
    """An archive with a text note, an article and a screenshot (640×200)."""
    folder = tmp_path / "collected"
    text_file(folder / "reply.txt", REPLY)
    html_article(
        folder / "ban.html",
        "Ministry confirms the ban",
        "The Interior Ministry cited national security before the Islamabad High Court.",
    )
    png(folder / "shot.png", "X is blocked")
    run_import(archive, folder)
    return archive


@pytest.fixture
def index(case: Archive) -> Iterator[SearchIndex]:
    opened = open_index(case)
    yield opened
    opened.close()


@pytest.fixture
def notes(case: Archive, index: SearchIndex) -> Annotations:
    return Annotations(case, index)


def found(archive: Archive, query: str) -> set[str]:
    searcher = Searcher(archive)
    try:
        return {h.item.original_name for h in searcher.search(query, limit=100).hits}
    finally:
        searcher.close()


def audit_actions(archive: Archive) -> list[str]:
    return [r[0] for r in archive.db.execute(
        "SELECT action FROM audit_log WHERE action NOT LIKE 'custody.%' ORDER BY id")]  # fmt: skip


# -- each kind ----------------------------------------------------------------------


def test_a_note_a_highlight_and_a_region_each_keep_what_the_model_needs(
    case: Archive, notes: Annotations
) -> None:
    with case.transaction():
        case.set_setting("user_name", "Researcher A")
    reply, shot = item_named(case, "reply.txt"), item_named(case, "shot.png")
    note = notes.add_note(reply, "  Filed the same day as the PTA letter. ")
    assert note.kind == "note" and note.note == "Filed the same day as the PTA letter."
    assert note.uid.startswith("urn:uuid:") and len(note.uid) == len("urn:uuid:") + 36
    assert note.creator == "Researcher A" and note.created_at == note.modified_at
    assert note.target_sha256 == item_store.get_item(case.db, reply).sha256

    start = REPLY.index(PHRASE)
    # A viewer's selection may take in the spaces around the words: they are left out.
    mark = notes.add_highlight(reply, 1, start - 1, start + len(PHRASE), "the reasons",
                               colour="Yellow")  # fmt: skip
    assert mark.span is not None
    assert (mark.span.page, mark.span.start, mark.span.end) == (1, start, start + len(PHRASE))
    assert mark.span.exact == PHRASE
    assert mark.span.prefix == REPLY[start - 32 : start] and len(mark.span.prefix) == 32
    assert mark.span.suffix == REPLY[start + len(PHRASE) :][:32]
    assert mark.note == "the reasons" and mark.colour == "yellow" and mark.anchor == "ok"

    region = notes.add_region(shot, 10, 60, 300, 80, note="the error message")
    assert region.box is not None and region.box.page is None
    assert (region.box.x, region.box.y, region.box.w, region.box.h) == (10, 60, 300, 80)

    everything = notes.of_item(reply)
    assert [n.uid for n in everything.notes] == [note.uid]
    assert [h.uid for h in everything.highlights] == [mark.uid]
    assert notes.of_item(shot).regions == (notes.get(region.uid),)

    edited = notes.edit(mark.uid, note="the only reasons given", colour="#ffd54f")
    assert edited.note == "the only reasons given" and edited.colour == "#ffd54f"
    notes.delete(note.uid)
    with pytest.raises(AnnotationNotFound):
        notes.get(note.uid)
    assert audit_actions(case)[-5:] == [
        "note.add", "highlight.add", "region.add", "highlight.edit", "note.delete",
    ]  # fmt: skip
    who = case.db.execute("SELECT DISTINCT user_name FROM audit_log WHERE action LIKE 'note.%'")
    assert [r[0] for r in who] == ["Researcher A"]


def test_highlight_by_quote_ignores_line_breaks_and_typed_quote_marks(
    case: Archive, notes: Annotations, tmp_path: Path
) -> None:
    text_file(tmp_path / "more" / "wrapped.txt",
              "It said the block protects the “integrity of the\nnation” and\n"
              "public order. Public order again.")  # fmt: skip
    run_import(case, tmp_path / "more")
    wrapped = item_named(case, "wrapped.txt")
    mark = notes.highlight_quote(wrapped, '"integrity of the nation"')
    assert mark.span is not None and mark.span.exact == "“integrity of the\nnation”"
    second = notes.highlight_quote(wrapped, "public order", occurrence=2)
    assert second.span is not None and second.span.exact == "Public order"  # case as a fallback
    with pytest.raises(InvalidAnnotation, match="is not in the text"):
        notes.highlight_quote(wrapped, "national security")
    with pytest.raises(InvalidAnnotation, match="no page 3"):
        notes.highlight_quote(wrapped, "public order", page=3)


def test_regions_are_checked_against_the_picture_and_the_pages(
    case: Archive, notes: Annotations
) -> None:
    shot, article = item_named(case, "shot.png"), item_named(case, "ban.html")
    with pytest.raises(InvalidAnnotation, match="outside the picture, which is 640×200"):
        notes.add_region(shot, 600, 10, 100, 50)
    with pytest.raises(InvalidAnnotation, match="width and height above 0"):
        notes.add_region(shot, 10, 10, 0, 50)
    with pytest.raises(InvalidAnnotation, match="is an article"):
        notes.add_region(article, 1, 1, 5, 5)
    assert audit_actions(case).count("region.add") == 0


def test_a_region_on_a_pdf_page_names_its_page(demo_copy: Archive) -> None:
    notes = Annotations(demo_copy)
    moi = item_named(demo_copy, MOI_REPLY)
    with pytest.raises(InvalidAnnotation, match="which page"):
        notes.add_region(moi, 72, 100, 200, 40)
    with pytest.raises(InvalidAnnotation, match="1–4"):
        notes.add_region(moi, 72, 100, 200, 40, page=5)
    region = notes.add_region(moi, 72.5, 100, 200, 40, page=2, note="para 6")
    assert region.box is not None and region.box.page == 2 and region.box.x == 72.5


# -- tags ----------------------------------------------------------------------------


def test_tags_create_rename_merge_delete_with_counts(case: Archive, notes: Annotations) -> None:
    reply, article, shot = (item_named(case, n) for n in ("reply.txt", "ban.html", "shot.png"))
    notes.tag(reply, "Evidence", "court")
    notes.tag(article, "evidence", "proof")  # the same tag, typed in another case
    notes.tag(shot, "proof", "Proof ")
    notes.create_tag("to check")
    counts = {c.name: c.count for c in notes.tags()}
    assert counts == {"Evidence": 2, "proof": 2, "court": 1, "to check": 0}
    assert [t.name for t in notes.of_item(article).tags] == ["Evidence", "proof"]

    notes.rename_tag("evidence", "evidence")  # stored as typed: the case may be changed
    with pytest.raises(InvalidAnnotation, match="merge ‘proof’ into it"):
        notes.rename_tag("proof", "EVIDENCE")
    merged = notes.merge_tags(["proof"], "evidence")
    assert merged.name == "evidence"
    assert {c.name: c.count for c in notes.tags()} == {"evidence": 3, "court": 1, "to check": 0}
    assert sorted(notes.items_tagged("EVIDENCE")) == sorted([reply, article, shot])

    notes.untag(shot, "evidence")
    with pytest.raises(AnnotationNotFound, match="has no tag ‘court’"):
        notes.untag(shot, "court")
    assert notes.delete_tag("Evidence") == 2
    assert {c.name: c.count for c in notes.tags()} == {"court": 1, "to check": 0}
    with pytest.raises(InvalidAnnotation, match="comma"):
        notes.tag(reply, "a,b")
    actions = audit_actions(case)
    for action in ("tag.add", "tag.create", "tag.rename", "tag.merge", "tag.remove", "tag.delete"):
        assert action in actions


# -- links ----------------------------------------------------------------------------


def test_links_and_backlinks(case: Archive, notes: Annotations) -> None:
    reply, article, shot = (item_named(case, n) for n in ("reply.txt", "ban.html", "shot.png"))
    cites = notes.link(article, "Cites", reply, note="quotes para 6")
    shows = notes.link(shot, "shows", reply)
    free = notes.link(article, "was written before", shot)
    assert cites.relation == "cites" and free.relation == "was written before"
    assert notes.link(article, "cites", reply) == cites  # the same link is not made twice
    mine = notes.of_item(reply)
    assert mine.links == () and {b.uid for b in mine.backlinks} == {cites.uid, shows.uid}
    assert {link.uid for link in notes.of_item(article).links} == {cites.uid, free.uid}
    assert cites.other(article) == reply and cites.other(reply) == article

    with pytest.raises(InvalidAnnotation, match="itself"):
        notes.link(reply, "cites", reply)
    with pytest.raises(InvalidAnnotation, match="needs a relation"):
        notes.link(reply, "  ", article)
    edited = notes.edit_link(cites.uid, relation="contradicts", note="")
    assert edited.relation == "contradicts" and edited.note == ""
    notes.unlink(free.uid)
    assert [link.uid for link in notes.of_item(article).links] == [cites.uid]
    assert audit_actions(case)[-5:] == ["link.add", "link.add", "link.add", "link.edit",
                                        "link.delete"]  # fmt: skip


# -- search --------------------------------------------------------------------------


def test_notes_and_tags_are_searchable_at_once(case: Archive, notes: Annotations) -> None:
    reply, shot = item_named(case, "reply.txt"), item_named(case, "shot.png")
    assert found(case, "zeppelin") == set()
    note = notes.add_note(reply, "A zeppelin was seen over the ministry")
    assert found(case, "zeppelin") == {"reply.txt"}  # a plain word, found via the note
    assert found(case, "note:zeppelin") == {"reply.txt"}
    assert found(case, "note:ministry") == {"reply.txt"}  # the note, not the text
    notes.add_region(shot, 5, 5, 50, 50, note="the padlock icon")
    assert found(case, "note:padlock") == {"shot.png"}
    notes.highlight_quote(reply, PHRASE, note="grounds stated")
    assert found(case, "note:grounds") == {"reply.txt"}

    notes.tag(reply, "Evidence")
    notes.tag(shot, "evidence", "court")
    assert found(case, "tag:evidence") == {"reply.txt", "shot.png"}
    assert found(case, "tag:Evidence tag:court") == {"shot.png"}
    notes.rename_tag("court", "hearing")
    assert found(case, "tag:court") == set() and found(case, "tag:hearing") == {"shot.png"}

    notes.edit(note.uid, note="An airship was seen")
    assert found(case, "zeppelin") == set() and found(case, "airship") == {"reply.txt"}
    notes.delete(note.uid)
    assert found(case, "airship") == set()
    searcher = Searcher(case)
    facets = dict(searcher.search("*").facets["tag"])
    searcher.close()
    assert facets == {"evidence": 2, "hearing": 1}
    assert not case.db.execute("SELECT count(*) FROM items WHERE indexed = 0").fetchone()[0]


def test_link_notes_are_searched_with_both_items(case: Archive, notes: Annotations) -> None:
    reply, article = item_named(case, "reply.txt"), item_named(case, "ban.html")
    notes.link(article, "cites", reply, note="misquotes paragraph six")
    assert found(case, "note:misquotes") == {"reply.txt", "ban.html"}


def test_without_an_index_changes_wait_for_the_next_catch_up(case: Archive) -> None:
    notes = Annotations(case)  # no index: as when it is missing or busy
    reply = item_named(case, "reply.txt")
    notes.add_note(reply, "zeppelin")
    assert notes.unindexed == {reply}
    assert found(case, "zeppelin") == set()
    index = open_index(case)
    try:
        assert catch_up(case, index) == 1  # what the next import or the app does
    finally:
        index.close()
    assert found(case, "zeppelin") == {"reply.txt"}


def test_a_busy_index_delays_indexing_but_not_the_change(
    case: Archive, notes: Annotations, index: SearchIndex
) -> None:
    reply = item_named(case, "reply.txt")
    import_writing = index._ix.writer()  # as an import holds it in another thread
    try:
        notes.add_note(reply, "zeppelin")
    finally:
        import_writing.cancel()
    assert notes.unindexed == {reply} and [n.note for n in notes.of_item(reply).notes] == [
        "zeppelin"
    ]
    assert notes.reindex_pending() == 0  # what the app calls when the import is done
    assert found(case, "zeppelin") == {"reply.txt"}


# -- undo and redo ----------------------------------------------------------------------


def test_undo_and_redo_every_kind_of_change(case: Archive, notes: Annotations) -> None:
    reply, article = item_named(case, "reply.txt"), item_named(case, "ban.html")

    def state() -> tuple[object, ...]:
        a, b = notes.of_item(reply), notes.of_item(article)
        return (
            [(n.uid, n.note) for n in a.notes + a.highlights],
            sorted((t.uid, t.name) for t in a.tags + b.tags),
            [(k.uid, k.relation, k.note) for k in b.links],
            sorted((c.name, c.count) for c in notes.tags()),
        )

    states = [state()]
    note = notes.add_note(reply, "zeppelin")
    states.append(state())
    notes.highlight_quote(reply, PHRASE)
    states.append(state())
    notes.tag(reply, "evidence", "proof")
    notes.tag(article, "proof")
    states.append(state())
    notes.merge_tags(["proof"], "evidence")
    states.append(state())
    notes.rename_tag("evidence", "Evidence")
    states.append(state())
    link = notes.link(article, "cites", reply, note="para 6")
    notes.edit_link(link.uid, note="para 7")
    states.append(state())
    notes.edit(note.uid, note="airship")
    notes.delete(note.uid)
    states.append(state())
    assert notes.undo_stack.undo_text == f"Delete a note on #{reply}"

    redo_states = [states.pop()]
    while notes.undo_stack.can_undo:
        notes.undo()
        if state() == states[-1]:
            redo_states.append(states.pop())
    assert states == [] and state() == redo_states[-1]
    assert found(case, "zeppelin") == set() and found(case, "tag:proof") == set()
    while notes.undo_stack.can_redo:
        notes.redo()
    assert state() == redo_states[0]
    assert found(case, "tag:evidence") == {"reply.txt", "ban.html"}

    notes.undo()  # the note comes back …
    assert found(case, "airship") == {"reply.txt"}
    notes.add_note(article, "new")  # … and a new change ends the redo history
    assert not notes.undo_stack.can_redo
    assert "undo" in audit_actions(case) and "redo" in audit_actions(case)


def test_a_qt_undo_stack_can_drive_revert_and_reapply(case: Archive, notes: Annotations) -> None:
    seen: list[str] = []
    notes.add_listener(lambda change: seen.append(change.action))
    stack_changes: list[int] = []
    notes.undo_stack.add_listener(lambda: stack_changes.append(len(notes.undo_stack)))
    notes.tag(item_named(case, "reply.txt"), "evidence")
    change = notes.undo_stack.next_undo()
    assert change is not None and change.text.startswith("Tag #")
    notes.revert(change)  # what a QUndoCommand's undo() calls
    assert found(case, "tag:evidence") == set()
    notes.reapply(change)  # … and its redo()
    assert found(case, "tag:evidence") == {"reply.txt"}
    assert seen == ["tag.add", "undo", "redo"] and stack_changes == [1]


def test_undo_refuses_to_overwrite_a_newer_change(case: Archive, index: SearchIndex) -> None:
    window, terminal = Annotations(case, index), Annotations(case, index)
    note = window.add_note(item_named(case, "reply.txt"), "first")
    terminal.edit(note.uid, note="changed elsewhere")
    with pytest.raises(UndoConflict, match="changed again"):
        window.undo()
    assert terminal.get(note.uid).note == "changed elsewhere"
    assert not window.undo_stack.can_undo


def test_every_change_is_saved_at_once(case: Archive, index: SearchIndex) -> None:
    reply = item_named(case, "reply.txt")
    Annotations(case, index).add_note(reply, "saved without a save button")
    # Another connection (another process after a crash) sees it committed.
    other = sqlite3.connect(case.db_path)
    assert other.execute("SELECT note FROM annotations").fetchall() == [
        ("saved without a save button",)
    ]
    other.close()


# -- text that changes -------------------------------------------------------------------


def test_anchoring_prefers_the_quote_with_its_context() -> None:
    text = "national security here. And later: the national security of the state."
    start = text.rindex("national security")
    quote = quote_at(text, start, start + len("national security"))
    changed = "PREAMBLE. " + text
    spot = locate([changed], 1, start, start + 17, quote)
    assert spot is not None and spot.anchor == "moved"
    assert changed[spot.start : spot.end] == "national security"
    assert spot.start == changed.rindex("national security")
    same = locate([text], 1, start, start + 17, quote)
    assert same is not None and (same.start, same.anchor) == (start, "ok")


def test_anchoring_follows_a_quote_to_another_page_and_across_line_breaks() -> None:
    quote = Quote("public order", "interest of national security and ", ".")
    spot = locate(["nothing here", "in the interest of national security and public\norder."],
                  1, 40, 52, quote)  # fmt: skip
    assert spot is not None and (spot.page, spot.anchor) == (2, "moved")
    assert find_quote("public\n order", "public order") == [(0, 13)]


def test_anchoring_falls_back_to_a_fuzzy_match_then_gives_up() -> None:
    quote = Quote("the interest of national security and public order", "needed in ", ".")
    edited = "It was needed in the interests of national-security and public order, it said."
    spot = locate([edited], 1, 10, 61, quote)
    assert spot is not None and spot.anchor == "fuzzy"
    assert edited[spot.start : spot.end].startswith("the interests of national")
    assert locate(["A different text altogether, about the weather."], 1, 10, 61, quote) is None
    shuffled = "and national order security to the interest public of the order order"
    assert locate([shuffled], 1, 10, 61, quote) is None  # the same words in any order do not do


def test_a_highlight_is_carried_to_the_new_version_of_an_edited_file(
    case: Archive, notes: Annotations, tmp_path: Path
) -> None:
    source = tmp_path / "collected" / "reply.txt"
    old = item_named(case, "reply.txt")
    mark = notes.highlight_quote(old, PHRASE, note="the reasons")
    notes.add_note(old, "check the date")
    notes.tag(old, "evidence")
    article = item_named(case, "ban.html")
    notes.link(article, "cites", old)

    # The researcher edits the file: a paragraph before the phrase, words after it.
    source.write_text("SUMMARY: the ministry's reply, as filed.\n\n" + REPLY + " Filed 17 April.",
                      encoding="utf-8")  # fmt: skip
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    report = run_import(case, tmp_path / "collected")
    (changed,) = [o for o in report.imported if o.path == str(source)]
    new = changed.item_id
    assert new is not None and item_store.get_item(case.db, new).extra["previous_version"] == old

    # the import carried the annotations over itself; calling again carries nothing twice
    again = on_items_imported(case, [new], notes.index)
    assert all(c.tags == 0 and c.links == 0 and not c.annotations for c in again)
    assert [t.name for t in notes.of_item(new).tags] == ["evidence"]
    copy = next(a for a in notes.of_item(new).highlights)
    assert copy.via == mark.uid and copy.anchor == "moved" and copy.note == "the reasons"
    assert copy.span is not None and mark.span is not None
    text = item_store.pages(case.db, new)[0].text
    assert text[copy.span.start : copy.span.end] == PHRASE and copy.span.start > mark.span.start
    assert [n.note for n in notes.of_item(new).notes] == ["check the date"]
    assert [b.source_id for b in notes.of_item(new).backlinks] == [article]
    assert notes.of_item(old).highlights == (notes.get(mark.uid),)  # the old version keeps its own
    assert found(case, "tag:evidence") == {"reply.txt"} and len(
        notes.items_tagged("evidence")) == 2  # fmt: skip
    assert on_items_imported(case, [new], notes.index)[0].copied == 0  # nothing twice

    # Then the phrase is deleted: the highlight is kept, marked orphaned.
    source.write_text("The Ministry told the court nothing about its reasons.", encoding="utf-8")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 2 * 10**9))
    report = run_import(case, tmp_path / "collected")
    newest = next(o.item_id for o in report.imported if o.path == str(source))
    assert newest is not None
    (orphan,) = notes.of_item(newest).highlights  # carried over by the import itself
    assert orphan.anchor == "orphaned"
    assert orphan.span is not None and orphan.span.exact == PHRASE and orphan.note == "the reasons"
    assert orphan.uid in {a.uid for a in notes.orphaned()}
    assert "annotations.carry-over" in audit_actions(case)


def test_carry_over_as_a_function(case: Archive, tmp_path: Path) -> None:
    old = item_named(case, "reply.txt")
    Annotations(case).highlight_quote(old, PHRASE)
    text_file(
        tmp_path / "v2" / "reply-v2.txt", REPLY.replace("The Ministry", "The Interior Ministry")
    )
    run_import(case, tmp_path / "v2")
    report = carry_over(case, old, item_named(case, "reply-v2.txt"))
    assert [a.anchor for a in report.annotations] == ["moved"]


def test_new_ocr_text_re_anchors_highlights(case: Archive, notes: Annotations) -> None:
    reply = item_named(case, "reply.txt")
    mark = notes.highlight_quote(reply, PHRASE)
    with case.transaction():  # what a new OCR of the page does
        case.db.execute("UPDATE pages SET text = ? WHERE item_id = ?",
                        ("Scanned again.\n" + REPLY.replace("\n\n", "\n"), reply))  # fmt: skip
    (moved,) = reanchor_item(case, reply)
    assert moved.uid == mark.uid and moved.anchor == "moved"
    with case.transaction():
        case.db.execute("UPDATE pages SET text = 'illegible' WHERE item_id = ?", (reply,))
    (lost,) = reanchor_item(case, reply)
    assert lost.anchor == "orphaned" and lost.span == moved.span  # kept where it was
    assert notes.of_item(reply).highlights == (lost,)


# -- deleting an item -----------------------------------------------------------------


def test_deleting_an_item_asks_first_then_keeps_or_deletes_what_was_attached(
    case: Archive, notes: Annotations, tmp_path: Path
) -> None:
    reply, article, shot = (item_named(case, n) for n in ("reply.txt", "ban.html", "shot.png"))
    notes.add_note(reply, "zeppelin")
    notes.highlight_quote(reply, PHRASE)
    notes.tag(reply, "evidence")
    notes.link(article, "cites", reply, note="airship")
    sha = item_store.get_item(case.db, reply).sha256

    with pytest.raises(ItemHasAnnotations) as refused:
        delete_item(case, reply, index=notes.index)
    message = str(refused.value)
    assert "1 note, 1 highlight, 1 tag, 1 link from another item" in message
    assert "annotations and links" in message
    with pytest.raises(ItemHasAnnotations, match="what to do with its links"):
        delete_item(case, reply, annotations="keep-orphaned", index=notes.index)
    assert item_store.get_item(case.db, reply).id == reply  # nothing happened

    done = delete_item(case, reply, annotations="keep-orphaned", links="keep-orphaned",
                       index=notes.index)  # fmt: skip
    assert done.trashed == case.root / "trash" / sha / "reply.txt"
    assert done.trashed.read_text(encoding="utf-8") == REPLY
    described = json.loads((case.root / "trash" / f"{sha}.json").read_text(encoding="utf-8"))
    assert described["original_name"] == "reply.txt" and described["provenance"]
    report = verify(case)
    assert report.ok and report.unreferenced == []
    assert found(case, "reply") == set()
    assert found(case, "note:airship") == {"ban.html"}  # the link it keeps, and its note
    assert {a.kind for a in notes.orphaned()} == {"note", "highlight"}
    tags, links = notes.detached()
    assert [t.name for t in tags] == ["evidence"] and links[0].target_id is None
    (row,) = case.db.execute("SELECT user_name, detail FROM audit_log WHERE action = 'item.delete'")
    detail = json.loads(row[1])
    assert detail["item"]["sha256"] == sha and detail["annotations"] == "keep-orphaned"
    assert len(detail["annotations_jsonld"]) == 4

    # Importing the original again (from the trash) gives the kept annotations back.
    report2 = run_import(case, case.root / "trash" / sha)
    back = report2.imported[0].item_id
    assert back is not None
    on_items_imported(case, [back], notes.index)
    again = notes.of_item(back)
    assert len(again.notes) == 1 and again.highlights[0].anchor == "ok"
    assert [t.name for t in again.tags] == ["evidence"]
    assert [b.source_id for b in again.backlinks] == [article]
    assert notes.orphaned() == [] and notes.detached() == ([], [])
    assert found(case, "note:zeppelin") == {"reply.txt"}
    assert found(case, "note:airship") == {"reply.txt", "ban.html"}

    # Deleting with "delete": annotations and links go; the audit log keeps their content.
    delete_item(case, shot)  # nothing attached: no question to ask
    delete_item(case, back, annotations="delete", links="delete", index=notes.index)
    assert notes.orphaned() == [] and notes.of_item(article).links == ()
    assert case.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    assert verify(case).ok


# -- W3C Web Annotation JSON-LD --------------------------------------------------------


def test_json_ld_has_the_shape_of_the_w3c_model(demo_copy: Archive) -> None:
    annotate_demo(demo_copy)
    notes = Annotations(demo_copy)
    moi = item_named(demo_copy, MOI_REPLY)
    sha = item_store.get_item(demo_copy.db, moi).sha256
    everything = notes.jsonld(moi, backlinks=True)
    by_motivation: dict[str, list[dict[str, Any]]] = {}
    for a in everything:
        assert a["@context"] == "http://www.w3.org/ns/anno.jsonld" and a["type"] == "Annotation"
        assert str(a["id"]).startswith("urn:uuid:") and str(a["created"]).endswith("Z")
        # the report is attached to the registry's e-mail: the import made that link
        made_by = "xarchive import" if "attached-to" in str(a.get("body")) else "Demo researcher"
        assert a["creator"] == {"type": "Person", "name": made_by}
        by_motivation.setdefault(str(a["motivation"]), []).append(a)

    (highlight,) = by_motivation["highlighting"]
    target = highlight["target"]
    assert isinstance(target, dict) and target["source"] == f"urn:sha256:{sha}"
    page, quote, position = target["selector"]
    assert page == {"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": "page=2"}
    assert quote["type"] == "TextQuoteSelector" and quote["exact"].startswith("national security")
    assert quote["exact"].endswith("public order") and len(quote["prefix"]) == 32
    assert position["type"] == "TextPositionSelector"
    page_text = item_store.pages(demo_copy.db, moi)[1].text
    assert page_text[position["start"] : position["end"]] == quote["exact"]
    assert highlight["body"]["purpose"] == "commenting"
    assert target["styleClass"] in highlight["stylesheet"]["value"]

    assert {a["body"]["value"] for a in by_motivation["tagging"]} == {"court", "evidence"}
    assert all(a["target"] == f"urn:sha256:{sha}" for a in by_motivation["tagging"])
    relations = set()
    for link in by_motivation["linking"]:
        bodies = {b["purpose"]: b for b in link["body"]}
        relations.add(bodies["classifying"]["value"])
        assert str(bodies["linking"]["source"]).startswith("urn:sha256:")
    assert relations == {"replies-to", "cites", "shows", "attached-to"}

    shot = item_named(demo_copy, REPLY_PHOTOS)
    regions = [a for a in notes.jsonld(shot) if a["motivation"] == "commenting"]
    assert len(regions) == 3
    (selector,) = regions[0]["target"]["selector"]
    assert selector["conformsTo"] == MEDIA_FRAGMENT and selector["value"].startswith("xywh=")
    x, y, w, h = (int(v) for v in selector["value"][5:].split(","))
    assert x + w <= 1200 and y + h <= 958

    collection = collection_jsonld(everything, "MOI reply")
    assert collection["type"] == "AnnotationCollection" and collection["total"] == len(everything)
    json.dumps(collection)  # plain JSON


def test_export_then_import_into_a_fresh_archive_gives_back_the_same(
    case: Archive, notes: Annotations, tmp_path: Path
) -> None:
    reply, article, shot = (item_named(case, n) for n in ("reply.txt", "ban.html", "shot.png"))
    notes.add_note(reply, "Filed the same day")
    notes.highlight_quote(reply, PHRASE, note="the reasons", colour="#ffd54f")
    notes.add_region(shot, 10.5, 20, 100, 50, note="the padlock")
    notes.tag(reply, "Evidence")
    notes.link(article, "cites", reply, note="para 6")
    exported = [a for i in (reply, article, shot) for a in notes.jsonld(i)]
    bundle = json.loads(json.dumps(collection_jsonld(exported, "export")))

    fresh_root = tmp_path / "fresh.xarchive"
    with Archive.create(fresh_root) as fresh:
        run_import(fresh, tmp_path / "collected")
        index = open_index(fresh)
        other = Annotations(fresh, index)
        assert other.import_jsonld([bundle]) == len(exported)
        assert other.import_jsonld([bundle]) == 0  # already there
        for bad in (
            {"id": "urn:uuid:1", "motivation": "commenting", "target": "https://example.org/"},
            {"id": "urn:uuid:2", "motivation": "bookmarking", "target": exported[0]["target"]},
        ):
            with pytest.raises(InvalidAnnotation):
                other.import_jsonld([bad])
        again = [a for i in (reply, article, shot) for a in other.jsonld(i)]
        key = lambda a: str(a["id"])  # noqa: E731
        assert sorted(again, key=key) == sorted(exported, key=key)
        assert {p.table for p in parse_all([bundle])} == {"annotations", "item_tags", "links"}
        searcher = Searcher(fresh, index)
        assert {h.item.original_name for h in searcher.search("tag:evidence").hits} == {"reply.txt"}
        index.close()


# -- schema and demo --------------------------------------------------------------------


def test_an_archive_of_schema_1_gains_the_annotation_tables(tmp_path: Path) -> None:
    root = tmp_path / "old.xarchive"
    root.mkdir()
    conn = sqlite3.connect(root / "archive.sqlite")
    conn.executescript(migrations.MIGRATIONS[1])
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with Archive.open(root) as archive:
        assert migrations.schema_version(archive.db) == migrations.LATEST >= 2
        tables = {r[0] for r in archive.db.execute("SELECT name FROM sqlite_master")}
        assert {"annotations", "tags", "item_tags", "links"} <= tables


@pytest.fixture
def demo_copy(demo_archive_path: Path, tmp_path: Path) -> Iterator[Archive]:
    """A writable copy of the session's demo archive."""
    root = tmp_path / "demo-copy.xarchive"
    shutil.copytree(demo_archive_path, root)
    (root / "archive.lock").unlink(missing_ok=True)
    with Archive.open(root) as archive:
        yield archive


def test_demo_annotations_show_every_feature_and_are_added_once(demo_copy: Archive) -> None:
    first = annotate_demo(demo_copy)
    assert first.added >= 15
    assert annotate_demo(demo_copy).added == 0
    notes = Annotations(demo_copy)
    moi = notes.of_item(item_named(demo_copy, MOI_REPLY))
    assert {t.name for t in moi.tags} == {"court", "evidence"}
    assert len(moi.notes) == 1 and len(moi.highlights) == 1 and moi.highlights[0].note
    assert {b.relation for b in moi.backlinks} == {"cites", "shows"}
    # its own link, and the one its import made: it came attached to the registry's notice
    assert [link.relation for link in moi.links] == ["attached-to", "replies-to"]
    assert len(notes.of_item(item_named(demo_copy, REPLY_PHOTOS)).regions) == 3
    (dup,) = notes.of_item(item_named(demo_copy, KARAKORAM_APRIL)).links
    assert dup.relation == "duplicate-of" and dup.target_id == item_named(demo_copy, LEDGER_APRIL)
    relations = {r[0] for r in demo_copy.db.execute("SELECT relation FROM links")}
    assert relations >= {"cites", "shows", "same-event", "duplicate-of"}
    assert {c.name for c in notes.tags()} >= {"court", "evidence", "timeline"}
    assert MOI_REPLY in found(demo_copy, "tag:court note:admission")
    assert found(demo_copy, "note:photographed") == {REPLY_PHOTOS}
