"""Suggested links: what the archive guesses belongs together, for a person to accept or dismiss.

    suggestions = Suggestions(archive)            # or Suggestions(archive, annotations)
    for s in suggestions.pending(item_id=12):
        print(s.relation, s.other(12), s.score, s.reason)
    suggestions.accept(s.id)       # a link, through Annotations.link: audited, undoable
    suggestions.dismiss(s.id)      # never offered again
    suggestions.recompute()        # everything again (decisions are kept)

New items are compared with the archive after each import (`after_import`,
called by importing.py); see detect.py for the detectors and how they stay
fast on a large archive.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..annotate import Annotations
from ..archive import Archive, utc_now
from ..errors import InvalidAnnotation
from ..jobs import CancelToken, Progress, ProgressCallback, no_progress
from ..model import Found, Link, Suggestion
from ..store import suggestions as store
from ..store.suggestions import SuggestionNotFound
from .detect import DETECTORS, SCAN_VERSION, ScanFacts, detect, file_facts, scan_items

log = logging.getLogger(__name__)

__all__ = [
    "DETECTORS",
    "Found",
    "ScanFacts",
    "ScanReport",
    "Suggestion",
    "SuggestionNotFound",
    "Suggestions",
    "after_import",
    "file_facts",
]

_BATCH = 200


@dataclass(frozen=True, slots=True)
class ScanReport:
    scanned: int  # items scanned
    new: int  # suggestions added
    pending: int  # suggestions waiting for a decision, in all


class Suggestions:
    """The suggestions of one open archive. Use it on the archive's thread."""

    def __init__(self, archive: Archive, annotations: Annotations | None = None) -> None:
        """`annotations`: the `Annotations` whose undo stack accepted links join (the
        GUI's, so that Edit ▸ Undo takes an accept back); a new one if None."""
        self.archive = archive
        self.annotations = annotations if annotations is not None else Annotations(archive)

    # -- reading --------------------------------------------------------------------------
    def get(self, suggestion_id: int) -> Suggestion:
        """Raises SuggestionNotFound."""
        return store.get(self.archive.db, suggestion_id)

    def pending(self, item_id: int | None = None) -> list[Suggestion]:
        """Suggestions waiting for a decision (of one item, at either end), best first."""
        return store.listing(self.archive.db, item_id)

    def all(self, item_id: int | None = None) -> list[Suggestion]:
        """Every suggestion, decided or not."""
        return store.listing(self.archive.db, item_id, store.STATUSES)

    def unscanned(self) -> int:
        """How many items the detectors have not seen (e.g. imported before suggestions existed)."""
        return store.count_unscanned(self.archive.db, SCAN_VERSION)

    # -- deciding ---------------------------------------------------------------------------
    def accept(self, suggestion_id: int, note: str = "") -> Link:
        """Make the suggested link (through Annotations.link: audited, undoable).

        Undoing that link makes the suggestion pending again. Raises
        SuggestionNotFound, and ItemNotFound if an item is gone.
        """
        suggestion = self.get(suggestion_id)
        link = self.annotations.link(
            suggestion.source_id, suggestion.relation, suggestion.target_id, note
        )
        with self.archive.transaction():
            store.set_status(
                self.archive.db, suggestion.id, "accepted", utc_now(), self.archive.user_name,
                link.uid,
            )  # fmt: skip
            self.archive.audit(
                "suggestion.accept", suggestion=suggestion.id, link=link.uid,
                detector=suggestion.detector, score=suggestion.score,
            )  # fmt: skip
        return link

    def dismiss(self, suggestion_id: int) -> Suggestion:
        """Dismiss a suggestion: it is never offered again, even after recompute.

        Raises SuggestionNotFound, and InvalidAnnotation for one accepted (its
        link exists: remove the link instead).
        """
        suggestion = self.get(suggestion_id)
        if suggestion.status == "accepted":
            raise InvalidAnnotation(
                f"suggestion {suggestion_id} was accepted: remove its link instead"
            )
        with self.archive.transaction():
            store.set_status(
                self.archive.db, suggestion.id, "dismissed", utc_now(), self.archive.user_name
            )
            self.archive.audit(
                "suggestion.dismiss", suggestion=suggestion.id, detector=suggestion.detector,
                source=suggestion.source_id, target=suggestion.target_id,
                relation=suggestion.relation,
            )  # fmt: skip
        return self.get(suggestion_id)

    # -- computing --------------------------------------------------------------------------
    def scan(
        self,
        item_ids: Sequence[int] | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        seen: set[tuple[int, int, str]] | None = None,
        facts: Mapping[int, ScanFacts] | None = None,
    ) -> ScanReport:
        """Compare these items (default: every item not scanned yet) with the archive.

        `seen` collects (source, target, relation) of every suggestion found.
        `facts`: what scanning would find of some items, found beforehand (an
        import's workers compute it for the files they read).
        """
        conn = self.archive.db
        ids = list(item_ids) if item_ids is not None else store.unscanned(conn, SCAN_VERSION)
        cancel = cancel or CancelToken()
        total = len(ids) * 2
        done = 0
        for start in range(0, len(ids), _BATCH):
            cancel.raise_if_cancelled()
            chunk = ids[start : start + _BATCH]
            now = utc_now()
            with self.archive.transaction():
                scan_items(conn, self.archive.blobs_dir, chunk, now, facts)
            done += len(chunk)
            progress(Progress("finding links", done, total))
        new = 0
        seen = set() if seen is None else seen
        for start in range(0, len(ids), _BATCH):
            cancel.raise_if_cancelled()
            chunk = ids[start : start + _BATCH]
            new += self._store(detect(conn, chunk), seen)
            done += len(chunk)
            progress(Progress("finding links", done, total))
        return ScanReport(len(ids), new, store.count_pending(conn))

    def recompute(
        self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
    ) -> ScanReport:
        """Scan every item again and recompute the pending suggestions; decisions are kept.

        A pending suggestion found again keeps its number (with the new score); one
        not found any more is dropped.
        """
        conn = self.archive.db
        with self.archive.transaction():
            store.forget_scans(conn)
        seen: set[tuple[int, int, str]] = set()
        report = self.scan(None, progress, cancel, seen)
        with self.archive.transaction():
            store.forget_pending_except(conn, seen)
        return ScanReport(report.scanned, report.new, store.count_pending(conn))

    def _store(self, found: Sequence[Found], seen: set[tuple[int, int, str]]) -> int:
        conn = self.archive.db
        new = 0
        now = utc_now()
        with self.archive.transaction():
            for f in found:
                if f.source_id == f.target_id or store.linked(conn, f.source_id, f.target_id):
                    continue
                if store.decided(conn, f.source_id, f.target_id, f.detector):
                    continue
                seen.add((f.source_id, f.target_id, f.relation))
                new += store.add(conn, f, now)
        return new


def after_import(
    archive: Archive, item_ids: Sequence[int], facts: Mapping[int, ScanFacts] | None = None
) -> ScanReport | None:
    """Compare items just imported with the archive (`facts`: see `Suggestions.scan`).

    Never raises: an import must not fail because a guess could not be made (the
    error is logged; `recompute` tries again)."""
    if not item_ids or not archive.writable:
        return None
    try:
        return Suggestions(archive).scan(item_ids, facts=facts)
    except Exception:
        log.exception("could not compute suggestions for items %s", list(item_ids)[:20])
        return None
