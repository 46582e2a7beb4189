"""Annotations and links: notes, highlights, regions, tags and links between items.

Modelled on the W3C Web Annotation Data Model (w3c.py), stored in SQLite
(store/annotations.py), found again when an item's text changes (anchoring.py),
undoable (changes.py). Make every change through `Annotations`:

    notes = Annotations(archive, index)          # index: the archive's search index, or None
    notes.add_note(12, "Filed the same day as the PTA letter")
    notes.highlight_quote(12, "national security", page=2, note="the reasons given")
    notes.tag(12, "court", "evidence")
    notes.link(31, "cites", 12)
    notes.undo()

The functions below are for the import pipeline and scripts that hold no
`Annotations` object.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..lazy import lazy_names

# The names below are loaded on first use (PEP 562), so that importing one light
# submodule (`relations`, for the command line's help) does not load the service,
# the index and the store with it.
if TYPE_CHECKING:
    from ..archive import Archive
    from ..index.api import SearchEngine
    from ..model import Annotation, Attached, Box, ItemTag, Link, Tag, TagCount, TextSpan
    from .changes import Change, UndoStack
    from .deletion import POLICIES, DeletedItem, Policy, delete_item
    from .relations import RELATIONS, SYMMETRIC_RELATIONS
    from .service import Annotations, CarryOver, ItemAnnotations, tag_key

_LAZY = {
    **dict.fromkeys(
        ("Annotation", "Attached", "Box", "ItemTag", "Link", "Tag", "TagCount", "TextSpan"),
        "..model",
    ),
    **dict.fromkeys(("Change", "UndoStack"), ".changes"),
    **dict.fromkeys(("POLICIES", "DeletedItem", "Policy", "delete_item"), ".deletion"),
    **dict.fromkeys(("RELATIONS", "SYMMETRIC_RELATIONS"), ".relations"),
    **dict.fromkeys(("Annotations", "CarryOver", "ItemAnnotations", "tag_key"), ".service"),
}

__getattr__ = lazy_names(__name__, _LAZY)


def reanchor_item(
    archive: Archive, item_id: int, index: SearchEngine | None = None
) -> list[Annotation]:
    """Find an item's highlights again after its text changed; return those that moved.

    Those not found are kept and marked orphaned. See `Annotations.reanchor_item`.
    """
    from .service import Annotations

    return Annotations(archive, index).reanchor_item(item_id)


def carry_over(
    archive: Archive, old_item_id: int, new_item_id: int, index: SearchEngine | None = None
) -> CarryOver:
    """Copy an earlier version's annotations, tags and links to its new version."""
    from .service import Annotations

    return Annotations(archive, index).carry_over(old_item_id, new_item_id)


def attach_imported(archive: Archive, item_ids: Sequence[int]) -> set[int]:
    """After an import's batch is committed: re-attach kept annotations, carry them over
    to new versions; the items whose index entries that changed, for the import to index
    again with the batch (see `Annotations.attach_imported`)."""
    from .service import Annotations

    annotations = Annotations(archive, None)
    annotations.attach_imported(item_ids)
    return set(annotations.unindexed)


def on_items_imported(
    archive: Archive, item_ids: Sequence[int], index: SearchEngine | None = None
) -> list[CarryOver]:
    """Call after new items are committed: re-attach kept annotations, carry over versions."""
    from .service import Annotations

    return Annotations(archive, index).attach_imported(item_ids)


__all__ = [
    "POLICIES",
    "RELATIONS",
    "SYMMETRIC_RELATIONS",
    "Annotation",
    "Annotations",
    "Attached",
    "Box",
    "CarryOver",
    "Change",
    "DeletedItem",
    "ItemAnnotations",
    "ItemTag",
    "Link",
    "Policy",
    "Tag",
    "TagCount",
    "TextSpan",
    "UndoStack",
    "attach_imported",
    "carry_over",
    "delete_item",
    "on_items_imported",
    "reanchor_item",
    "tag_key",
]
