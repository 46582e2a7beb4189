"""Merging segments a term at a time, straight from their posting blocks.

Whoosh merges segments (`SegmentWriter.add_reader`) by walking every posting of every
term through a matcher — four method calls a posting — into its posting pool, which
then sorts them all and, past its memory limit, sorts them into runs on disk and
merges those back. An import of 100 000 items merges its segments in tiers (writing.py)
and py-spy put those merges at half of its workers' time. The segments' terms are
sorted already, and a merge's documents are numbered reader after reader; so here
each field's terms are merged in order across the readers, each term's postings read
a block at a time and renumbered, and handed on to `postings.write_terms` one term at
a time: no pool, no sort, one term's postings in memory.

The postings written are Whoosh's (tests/core/test_segment_writing.py compares the
files byte for byte). Only their pickles may come out smaller than Whoosh's merge
makes them: pickle writes a value that stands twice in a block once (its memo), and
the values read here from a block are the objects unpickled from it, where Whoosh's
pool had pickled each posting apart. Merging one 8 358-item segment of the bench's
100 000-item archive: 86.7 MB of postings by Whoosh, 84.9 MB here, and each of the
50 443 terms' postings (documents, weights, positions) the same.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import SegmentReader


@dataclass(frozen=True, slots=True)
class MergedSource:
    """A segment added to a merge: where to read it again, and how its documents are
    numbered in the new segment (`docmap`: old to new, when it had deletions; else
    `base` + old)."""

    storage: Any
    schema: Any
    segment: Any
    base: int
    docmap: dict[int, int] | None


#: A term's postings: documents (ascending), weights and encoded values.
_Term = tuple["array[int]", "array[float]", list[Any]]


def merged_terms(
    sources: Sequence[MergedSource], schema: Any
) -> Iterator[tuple[str, Iterator[tuple[bytes, _Term]]]]:
    """Each field's terms, in order, with their postings from every source renumbered:
    what `TermPool.in_order` gives for documents added one by one. The sources' files
    must still be there (a merge deletes nothing until it is committed)."""
    readers = [SegmentReader(s.storage, s.schema, s.segment) for s in sources]
    try:
        per_field: dict[str, list[list[bytes]]] = {}
        for number, reader in enumerate(readers):
            for fieldname, in_field in groupby(reader.all_terms(), key=lambda t: t[0]):
                if fieldname in schema:
                    lists = per_field.setdefault(fieldname, [[] for _ in readers])
                    lists[number].extend(btext for _, btext in in_field)
        for fieldname in sorted(per_field):
            yield fieldname, _field_terms(fieldname, per_field[fieldname], readers, sources)
    finally:
        for reader in readers:
            reader.close()


def _field_terms(
    fieldname: str,
    lists: list[list[bytes]],
    readers: list[Any],
    sources: Sequence[MergedSource],
) -> Iterator[tuple[bytes, _Term]]:
    fmt = readers[0].schema[fieldname].format
    tagged = [_tagged(terms, n) for n, terms in enumerate(lists) if terms]
    for btext, holders in groupby(heapq.merge(*tagged), key=lambda t: t[0]):
        ids: array[int] = array("I")
        weights: array[float] = array("d")
        values: list[Any] = []
        for _, number in holders:  # in the readers' order: their documents ascend
            _read_term(readers[number], sources[number], fieldname, btext, fmt,
                       ids, weights, values)  # fmt: skip
        if ids:  # a term whose every document was deleted is left out, as by Whoosh
            yield btext, (ids, weights, values)


def _tagged(terms: list[bytes], number: int) -> Iterator[tuple[bytes, int]]:
    return ((btext, number) for btext in terms)


def _read_term(
    reader: Any,
    source: MergedSource,
    fieldname: str,
    btext: bytes,
    fmt: Any,
    ids: array[int],
    weights: array[float],
    values: list[Any],
) -> None:
    """Append a term's live postings in `reader`, renumbered, to ids/weights/values."""
    matcher = reader._terms.matcher(fieldname, btext, fmt)  # unfiltered: docmap filters
    docmap, base = source.docmap, source.base
    if not isinstance(matcher, W3LeafMatcher):  # postings inlined in the term's info
        while matcher.is_active():
            _add(matcher.id(), matcher.weight(), matcher.value(), docmap, base,
                 ids, weights, values)  # fmt: skip
            matcher.next()
        return
    while True:
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        block_ids, block_weights, block_values = matcher._ids, matcher._weights, matcher._values
        if isinstance(block_weights, array):  # float32 as stored ("f"): not "d"'s kind
            block_weights = block_weights.tolist()
        if docmap is None:
            ids.extend([base + n for n in block_ids])
            weights.extend(block_weights)
            values.extend(block_values)
        else:
            for n, weight, value in zip(block_ids, block_weights, block_values, strict=True):
                new = docmap.get(n)
                if new is not None:
                    ids.append(new)
                    weights.append(weight)
                    values.append(value)
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


def _add(
    docnum: int,
    weight: float,
    value: Any,
    docmap: dict[int, int] | None,
    base: int,
    ids: array[int],
    weights: array[float],
    values: list[Any],
) -> None:
    new = base + docnum if docmap is None else docmap.get(docnum)
    if new is not None:
        ids.append(new)
        weights.append(weight)
        values.append(value)
