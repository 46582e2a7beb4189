"""Annotations and links for the demo archive, showing every kind on the case of X in Pakistan.

`annotate_demo(archive)` is called after the demo import; running it again adds
nothing twice. Items are found by their original file name, so a sample that is
missing (a trimmed-down sample folder) is skipped rather than failing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .annotate import Annotations
from .archive import Archive
from .errors import IndexUnavailable
from .index.api import SearchEngine
from .store import annotations as annotation_store
from .store import items as item_store

DEMO_CREATOR = "Demo researcher"

MOI_REPLY = "2024-04-17_moi_reply_islamabad_high_court.pdf"
PETITION = "2024-02-22_petition_islamabad_high_court.pdf"
SINDH_ORDER = "2024-04-17_sindh_high_court_order_scanned.pdf"
REPLY_PHOTOS = "2024-04-17_demo_reporter_ministry_reply_photos.png"
UNREACHABLE_SHOT = "2024-02-17_demo_reporter_x_unreachable.png"
LEDGER_FEB = "2024-02-17_indus-ledger_x-goes-dark-across-pakistan.html"
RAVI_URDU_FEB = "2024-02-18_ravi-courier-urdu_x-service-band.html"
LEDGER_APRIL = "2024-04-17_indus-ledger_interior-ministry-confirms-x-ban.html"
KARAKORAM_APRIL = "2024-04-18_karakoram-chronicle_ministry-admits-blocking-x.html"
TIMELINE = "researcher_timeline_x_block_pakistan.txt"


@dataclass(frozen=True, slots=True)
class DemoAnnotations:
    """How many annotations, tags and links `annotate_demo` added this time."""

    added: int


def annotate_demo(archive: Archive, index: SearchEngine | None = None) -> DemoAnnotations:
    """Add the demo's notes, highlight, region notes, tags and links (once).

    Opens the archive's index when none is given, so that they are searchable at
    once; without a usable index the items are left for the next catch-up.
    """
    if index is None:
        try:
            index = archive.search_index()
        except IndexUnavailable:
            index = None
    return _annotate(Annotations(archive, index, creator=DEMO_CREATOR))


def _annotate(notes: Annotations) -> DemoAnnotations:
    # item id by original file name (the newest version, if a sample was re-imported)
    ids = item_store.latest_by_name(notes.archive.db)
    before = annotation_store.count_all(notes.archive.db)

    def has(name: str) -> bool:
        return name in ids

    def note(name: str, text: str) -> None:
        if has(name) and not any(n.note == text for n in notes.of_item(ids[name]).notes):
            notes.add_note(ids[name], text)

    if has(MOI_REPLY):
        moi = ids[MOI_REPLY]
        note(
            MOI_REPLY,
            "First official admission that X was blocked on the Ministry of Interior's "
            "orders: its letter of 17 February 2024 asked the PTA to block X, and the PTA "
            "complied the same day (para 3).",
        )
        reasons = "national security and for the maintenance of public order"
        if not any("national security" in h.span.exact for h in notes.of_item(moi).highlights
                   if h.span is not None):  # fmt: skip
            notes.highlight_quote(
                moi,
                reasons,
                page=2,
                note="The reasons given for the block (para 6): national security, public "
                "order and the “integrity of the nation”. No law or order is cited.",
                colour="#ffd54f",
            )
        for name in (MOI_REPLY, PETITION, SINDH_ORDER):
            if has(name):
                notes.tag(ids[name], "court")
        notes.tag(moi, "evidence")
        if has(PETITION):
            notes.link(moi, "replies-to", ids[PETITION],
                       note="The ministry's report answers this writ petition.")  # fmt: skip
        if has(LEDGER_APRIL):
            notes.link(ids[LEDGER_APRIL], "cites", moi,
                       note="Reports the written submission on the day it was filed.")  # fmt: skip
        if has(REPLY_PHOTOS):
            notes.link(ids[REPLY_PHOTOS], "shows", moi,
                       note="Photos of the submission's pages, posted that evening.")  # fmt: skip

    if has(REPLY_PHOTOS):
        shot = ids[REPLY_PHOTOS]
        regions = notes.of_item(shot).regions
        for box, text in (
            ((40, 165, 1120, 130), "The post's summary of the reply: national security, "
             "public order and the ‘integrity of the nation’ — as in para 6 of the filing."),
            ((40, 312, 1120, 380), "Two photographed pages: too small to read here; "
             "compare with the filed PDF it shows."),
            ((40, 728, 420, 36), "Posted 17 April 2024, 18:48 — the day the reply was filed."),
        ):  # fmt: skip
            if not any(r.note == text for r in regions):
                notes.add_region(shot, *box, note=text)
        notes.tag(shot, "evidence")
    if has(UNREACHABLE_SHOT):
        notes.tag(ids[UNREACHABLE_SHOT], "evidence", "timeline")
    if has(TIMELINE):
        notes.tag(ids[TIMELINE], "timeline")
        note(TIMELINE, "Our working timeline; each entry points at the item that proves it.")
    if has(LEDGER_FEB) and has(RAVI_URDU_FEB):
        notes.link(ids[LEDGER_FEB], "same-event", ids[RAVI_URDU_FEB],
                   note="The first night of the block, in English and in Urdu.")  # fmt: skip
        notes.tag(ids[LEDGER_FEB], "timeline")
    if has(KARAKORAM_APRIL) and has(LEDGER_APRIL):
        notes.link(ids[KARAKORAM_APRIL], "duplicate-of", ids[LEDGER_APRIL],
                   note="Near-identical wording, published the next morning.")  # fmt: skip
    return DemoAnnotations(annotation_store.count_all(notes.archive.db) - before)
