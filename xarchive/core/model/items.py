"""Items: what an item says of itself and its origin, two of the three groups of fields
(see core/model/__init__.py), the archive's record of an item made of them, and its pages
and provenance. The third group, an item's text, and the records an import makes of it
are in extracted.py: a search reads items, and compiling the import's records' dataclass
methods was a tenth of a whole `xarchive search` (issue 10, target 4)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

#: Item kinds (DESIGN.md §2).
KINDS = ("document", "image", "article", "post", "text", "message", "video")


# The three groups are declared without slots of their own (`__slots__ = ()`), so that a
# record may be made of any two; each record has the slots of all its fields. A group is
# never made itself, so it has no methods of its own either (init, repr, eq: each record
# has its own, over all its fields): compiling the groups' was 1.4 ms of a whole
# `xarchive search` (issue 10, target 4).


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class SearchedFields:
    """What an item says of itself that a person searches it by: the part of `ItemFields`
    the search index holds (index/document.py `IndexDocument`)."""

    __slots__ = ()

    kind: str  # one of KINDS
    title: str
    #: ISO 639-1 code such as "en" or "ur"; "" if unknown.
    language: str = ""
    #: ISO 8601 (UTC when the zone is known), "" if unknown.
    published_at: str = ""
    captured_at: str = ""
    author: str = ""
    source_url: str = ""
    #: "none" (no OCR needed), "done", "missing-tesseract", "missing-language", "failed".
    ocr_status: str = "none"


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class ItemFields(SearchedFields):
    """What an item says of itself: the fields every record of an item has."""

    __slots__ = ()

    media_type: str
    #: Things a person should know that did not stop the import.
    warnings: tuple[str, ...] = ()
    #: Format-specific metadata (image size, PDF producer, …) kept as JSON.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class SearchedOrigin:
    """Where an item came from, as a person searches it: the part of `ItemOrigin` the
    search index holds (the name of its original, when it was imported)."""

    __slots__ = ()

    original_name: str
    imported_at: str


@dataclass(frozen=True, kw_only=True, init=False, repr=False, eq=False)
class ItemOrigin(SearchedOrigin):
    """The original an item is, and the import that brought it into the archive."""

    __slots__ = ()

    sha256: str
    original_path: str
    size: int
    import_run_id: int
    source_root: str  # the folder (or file) the import was given


@dataclass(frozen=True, slots=True, kw_only=True)
class Item(ItemFields, ItemOrigin):
    """An item of the archive (its pages are read apart: `Page`)."""

    id: int
    page_count: int
    indexed: bool  # whether the search index holds it

    @property
    def date(self) -> str:
        """The date a researcher sorts by: published, else captured, else imported."""
        return self.published_at or self.captured_at or self.imported_at


def record_values(record: Any) -> dict[str, Any]:
    """A record's fields by name, the values themselves (not copied as `dataclasses.asdict`
    copies them)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def field_names(record: type[Any]) -> tuple[str, ...]:
    """The names of a record's fields, in the order they are declared."""
    return tuple(f.name for f in fields(record))


_SHARED: dict[tuple[type[Any], type[Any]], tuple[str, ...]] = {}


def _shared(source: type[Any], into: type[Any]) -> tuple[str, ...]:
    names = _SHARED.get((source, into))
    if names is None:
        mine = set(field_names(source))
        names = _SHARED[source, into] = tuple(n for n in field_names(into) if n in mine)
    return names


def shared_values(record: Any, into: type[Any]) -> dict[str, Any]:
    """The fields of `record` that the record type `into` declares too, by name: what
    makes an `into` of it, with the fields `into` has of its own given beside them
    (``IndexDocument(**shared_values(item, IndexDocument), item_id=item.id, …)``)."""
    return {name: getattr(record, name) for name in _shared(type(record), into)}


@dataclass(frozen=True, slots=True)
class Page:
    item_id: int
    page_no: int  # 1-based
    text: str
    from_ocr: bool


@dataclass(frozen=True, slots=True)
class Source:
    """One place an item's bytes were imported from."""

    run_id: int
    path: str
    root: str
    seen_at: str
