"""What an import makes of a file: its text (`ItemText`, the third group of an item's
fields; see core/model/__init__.py), what an importer found in it (`Extracted`) and the
item about to be written (`NewItem`). Apart from items.py, which a search reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..words import Word
from .items import ItemFields, ItemOrigin, record_values


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class ItemText:
    """An item's text, one string per page (one page for everything but PDFs). A group
    of fields, never made itself: no methods of its own (model/items.py says why)."""

    __slots__ = ()

    pages: tuple[str, ...]
    #: Page numbers (1-based) whose text came from OCR.
    ocr_pages: tuple[int, ...] = ()
    #: The words OCR read on each page (1-based) it read, with their boxes (core/words.py).
    ocr_words: dict[int, tuple[Word, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Extracted(ItemFields, ItemText):
    """What an importer found in one file."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewItem(Extracted, ItemOrigin):
    """An item about to be written (no id yet)."""

    @classmethod
    def of(cls, found: Extracted, **values: Any) -> NewItem:
        """What `found` holds with its origin (and any field of its own) in `values`;
        a field missing from both is a TypeError."""
        return cls(**{**record_values(found), **values})
