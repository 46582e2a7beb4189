"""Choosing what goes into a bundle: a search, a tag or chosen items, plus their context.

*Context* items are those the chosen ones link to or are linked from (one step),
and the pictures of chosen posts: the bundle carries them so that every link in
it leads somewhere, and marks them as context rather than as the selection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..archive import Archive
from ..errors import ItemNotFound
from ..store import annotations as annotation_store
from ..store import items as item_store
from ..store import posts as post_store


@dataclass(frozen=True, slots=True)
class Selection:
    """Item ids chosen, and those added as context; `description` says how they were chosen."""

    selected: tuple[int, ...]
    context: tuple[int, ...]
    description: str

    @property
    def all_ids(self) -> tuple[int, ...]:
        return self.selected + self.context


def select_items(
    archive: Archive,
    query: str | None = None,
    tag: str | None = None,
    ids: Sequence[int] | None = None,
    context: bool = True,
) -> Selection:
    """Items by search `query`, by `tag`, or by `ids` (exactly one of the three).

    Raises QueryError (a query that cannot be read), IndexUnavailable (no usable
    index for a query), AnnotationNotFound (no such tag), ItemNotFound (an id
    that is no item, or nothing chosen).
    """
    given = [x for x in (query, tag, ids) if x is not None]
    if len(given) != 1:
        raise ValueError("choose items by exactly one of: a query, a tag, ids")
    conn = archive.db
    if query is not None and query.strip() == EVERYTHING:
        chosen = every_item(archive)
        description = f"search: {query}"
    elif query is not None:
        from ..search import Searcher  # the search engine only for a query (numpy, Whoosh)

        searcher = Searcher(archive)
        try:
            total = item_store.count_items(conn)
            hits = searcher.search(query, limit=max(total, 1), facets=False, snippets=False)
        finally:
            searcher.close()
        chosen = [hit.item.id for hit in hits.hits]
        description = f"search: {query}"
    elif tag is not None:
        from ..annotate import Annotations

        chosen = Annotations(archive).items_tagged(tag)
        description = f"tag: {tag.strip()}"
    else:
        assert ids is not None
        chosen = []
        for item_id in ids:
            item_store.get_item(conn, item_id)  # raises ItemNotFound
            if item_id not in chosen:
                chosen.append(item_id)
        description = "items: " + ", ".join(f"#{i}" for i in chosen)
    if not chosen:
        raise ItemNotFound(f"no items to export ({description})")
    extra = related_items(archive, chosen) if context else []
    return Selection(tuple(chosen), tuple(extra), description)


#: The query for every item (as the search language has it).
EVERYTHING = "*"


def every_item(archive: Archive) -> list[int]:
    """Every item's id, newest first by the date a search for `*` sorts on (published,
    else captured, else imported), items of the same time in the order they came in
    (their ids; the search breaks such ties by the order of indexing, which changes
    when an item is indexed again).

    Read from the database alone, each item's id and dates (its whole row is the
    export's to read): listing everything needs no search engine (its numpy and Whoosh,
    a search of every document and every hit's item read twice — a third of exporting
    a 1 000-item archive), and works while the index is being rebuilt or cannot be read.
    """
    dated = [
        (_when(published) or _when(captured) or _when(imported), item_id)
        for item_id, published, captured, imported in item_store.item_dates(archive.db)
    ]
    dated.sort(key=lambda pair: (-pair[0], pair[1]))
    return [item_id for _, item_id in dated]


_FIRST_DAY = datetime(1, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def _when(value: str) -> int:
    """An ISO 8601 time in microseconds since 0001-01-01 UTC (a naive time taken as UTC),
    as the index reads and sorts it (core/index/schema.py `parse_iso`, not imported
    here: it comes with numpy); 0 for none or one that cannot be read."""
    if not value:
        return 0
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):  # not a time; before the year 1 in UTC
        return 0
    return (parsed - _FIRST_DAY) // _MICROSECOND


def related_items(archive: Archive, item_ids: Sequence[int]) -> list[int]:
    """Items linked to or from these (one step) and the pictures of these posts, not these."""
    conn = archive.db
    ids = list(item_ids)
    chosen = set(ids)
    found: dict[int, None] = {}  # in the order found

    def add(item_id: int | None) -> None:
        if item_id is not None and item_id not in chosen:
            found.setdefault(item_id)

    # Read for all of them at once: three statements an item otherwise (3 009 of the
    # 14 763 an export of the bench's 1 003 items asked).
    links_out = annotation_store.links_of_items(conn, ids, "source")
    links_in = annotation_store.links_of_items(conn, ids, "target")
    media = post_store.post_media_of_items(conn, ids)
    for item_id in ids:
        for link in links_out.get(item_id, ()):
            add(link.target_id)
        for link in links_in.get(item_id, ()):
            add(link.source_id)
        for medium in media.get(item_id, ()):
            add(medium.item_id)
    return list(found)
