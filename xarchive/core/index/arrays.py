"""What the searcher keeps of each Whoosh segment as numpy arrays.

Whoosh answers a query by walking postings one document at a time in Python; at
100 000 items that walk was most of a search (and facet counting walked the
postings of every facet value again, per query). Here a term's postings are read
a block at a time into arrays, and what every query needs of every document —
whether it is deleted, its field lengths (for BM25), its date, its facet values —
is read once per segment and kept with the open searcher. Segments never change
once written (only their deletions do), so nothing here is ever stale while the
segment lives; a refreshed searcher keeps the arrays of the segments it kept.

This module reads Whoosh's on-disk structures through a few private attributes
(the W3 codec's posting blocks and numeric columns) of the whoosh3 version
pyproject.toml pins; tests/core/test_search_engine.py checks every answer
against Whoosh's own matchers, so a change there fails loudly rather than
silently.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import tempfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.util.numeric import _length_byte_cache

from .pairs import PairTable, load_table

#: Field length of each length byte (Whoosh stores lengths as a logarithmic byte).
_BYTE_TO_LENGTH = np.asarray(_length_byte_cache, dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)

#: The typecodes Whoosh's lengths arrays take (util/numlists.py GrowableArray), as they
#: are written: big-endian.
_STORED_LENGTHS = {code: np.dtype(code).newbyteorder(">") for code in "BHiIq"}

#: Postings kept per segment (a term read again, as typing a query does, costs nothing).
_POSTINGS_CACHE_ENTRIES = 1_000_000  # ~16 MB of ids and weights


@dataclass(frozen=True, slots=True)
class Postings:
    """A term's documents in one segment (ascending docnums, deleted ones included)
    with their weights (term frequency times the field's boost)."""

    ids: np.ndarray  # int64
    weights: np.ndarray  # float64


@dataclass(frozen=True, slots=True)
class FacetValues:
    """Every (document, value) pair of a field in one segment."""

    values: tuple[str, ...]  # value of each ordinal
    docs: np.ndarray  # int64 docnum of each pair
    ords: np.ndarray  # int64 ordinal of each pair

    def counts(self, hits: np.ndarray) -> np.ndarray:
        """How many of the hits (a boolean mask over the segment) hold each value."""
        if not len(self.docs):
            return np.zeros(len(self.values), dtype=np.int64)
        return np.bincount(self.ords[hits[self.docs]], minlength=len(self.values))


class SegmentArrays:
    """The arrays of one segment reader; built lazily, each part once."""

    def __init__(
        self, reader: Any, previous: SegmentArrays | None = None, folder: Path | None = None
    ) -> None:
        """`previous`: the arrays of the same segment under an older reader (the
        segment's documents are the same; only its deletions may have changed).
        `folder`: the index folder, where the facet arrays are kept on disk."""
        self.reader = reader
        segment = reader.segment()
        self._facet_file = (
            folder / f"{segment.segment_id()}{FACETS_SUFFIX}"
            if folder is not None and segment is not None
            else None
        )
        self._segment_id = segment.segment_id() if segment is not None else None
        self._folder = folder
        self.size = int(reader.doc_count_all())
        alive = np.ones(self.size, dtype=bool)
        deleted = list(reader.deleted_docs_set)
        if deleted:
            alive[np.asarray(deleted, dtype=np.int64)] = False
        self.alive = alive
        self._lengths: dict[str, np.ndarray] = {}
        self._facets: dict[str, FacetValues] = {}
        self._dates: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._postings: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._cached = 0
        self._expansions: dict[str, list[bytes]] = {}
        self._values_cache: dict[tuple[str, bytes], list[bytes]] = {}
        self._values_count = 0
        self._pairs: PairTable | None | bool = False  # False: not looked for yet
        #: Where each document's stored fields start, and their lengths (`item_id`).
        self._stored: tuple[np.ndarray, np.ndarray] | None | bool = False
        if previous is not None and previous.size == self.size:
            self._pairs = previous._pairs
            self._lengths = previous._lengths
            self._facets = previous._facets
            self._dates = previous._dates
            self._postings = previous._postings
            self._cached = previous._cached
            self._expansions = previous._expansions
            self._values_cache = previous._values_cache
            self._values_count = previous._values_count
            self._stored = previous._stored

    # -- postings -------------------------------------------------------------------
    def postings(self, fieldname: str, btext: bytes) -> Postings:
        """The postings of a term (empty when the segment lacks it)."""
        key = (fieldname, btext)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        found = self._read_postings(fieldname, btext)
        self._postings[key] = found
        self._cached += len(found.ids)
        while self._cached > _POSTINGS_CACHE_ENTRIES and len(self._postings) > 1:
            _, old = self._postings.popitem(last=False)
            self._cached -= len(old.ids)
        return found

    def _read_postings(self, fieldname: str, btext: bytes) -> Postings:
        reader = self.reader
        if (fieldname, btext) not in reader:
            return Postings(_EMPTY_IDS, _EMPTY_WEIGHTS)
        fmt = reader.schema[fieldname].format
        matcher = reader._terms.matcher(fieldname, btext, fmt)  # no deletion filter
        if not isinstance(matcher, W3LeafMatcher):  # a ListMatcher: postings inlined
            ids = np.asarray(matcher._ids, dtype=np.int64)
            weights = np.asarray(
                [matcher.weight() for matcher._i in range(len(ids))], dtype=np.float64
            )
            return Postings(ids, weights)
        id_parts: list[list[int]] = []
        weight_parts: list[Any] = []
        while True:
            matcher._read_data()
            raw_ids, raw_weights, _values = matcher._data
            count = matcher._blocklength
            id_parts.append(list(accumulate(raw_ids)))  # ids are delta-coded per block
            if raw_weights is None:
                weight_parts.append(np.ones(count))
            elif isinstance(raw_weights, float):
                weight_parts.append(np.full(count, raw_weights))
            else:
                weight_parts.append(np.asarray(raw_weights, dtype=np.float64))
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
        ids = np.fromiter((i for part in id_parts for i in part), dtype=np.int64)
        return Postings(ids, np.concatenate(weight_parts))

    def expansion(self, key: str, expand: Callable[[], list[bytes]]) -> list[bytes]:
        """The words of the segment a prefix, fuzzy or range term stands for (`key`
        names it), expanded once: a fuzzy term walks the whole term dictionary,
        and a segment's dictionary never changes."""
        found = self._expansions.get(key)
        if found is None:
            found = self._expansions[key] = expand()
            if len(self._expansions) > 4096:
                self._expansions.pop(next(iter(self._expansions)))
        return found

    def expanded(self, term: Any, reader: Any) -> list[bytes]:
        """The words (as the index holds them: bytes) of the segment a prefix, fuzzy or
        range term stands for, expanded once for the evaluator and for the words each
        hit is marked with (a fuzzy term gives them as str)."""

        def expand() -> list[bytes]:
            return [w.encode("utf-8") if isinstance(w, str) else w
                    for w in term._btexts(reader) if w]  # fmt: skip

        return self.expansion(repr(term), expand)

    def positions(self, fieldname: str, btext: bytes, docs: np.ndarray) -> list[list[int]]:
        """The positions of a term in each of `docs` (which all hold it), decoded
        from its postings; for checking phrases in the few documents that can
        hold them."""
        ids = self.postings(fieldname, btext).ids
        where = np.searchsorted(ids, docs).tolist()
        values = self._values(fieldname, btext)
        decode = self.reader.schema[fieldname].format.decode_positions
        return [decode(values[i]) for i in where]

    def _values(self, fieldname: str, btext: bytes) -> list[bytes]:
        """A term's encoded positions, one per posting; remembered like its postings
        (a phrase in the titles reads the same few terms at every keystroke)."""
        key = (fieldname, btext)
        found = self._values_cache.get(key)
        if found is None:
            found = self._values_cache[key] = self._read_values(fieldname, btext)
            self._values_count += len(found)
            while self._values_count > _POSTINGS_CACHE_ENTRIES // 4 and len(self._values_cache) > 1:
                oldest = next(iter(self._values_cache))
                self._values_count -= len(self._values_cache.pop(oldest))
        return found

    def _read_values(self, fieldname: str, btext: bytes) -> list[bytes]:
        matcher = self.reader._terms.matcher(fieldname, btext, self.reader.schema[fieldname].format)
        if not isinstance(matcher, W3LeafMatcher):
            return list(matcher._values)
        values: list[bytes] = []
        while True:
            matcher._read_values()
            values.extend(matcher._values)
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
        return values

    def pairs(self) -> PairTable | None:
        """The segment's table of word pairs (pairs.py); None if it has none."""
        if self._pairs is False:
            self._pairs = (
                load_table(self._folder, self._segment_id, self.size)
                if self._folder is not None and self._segment_id is not None
                else None
            )
        return self._pairs if isinstance(self._pairs, PairTable) else None

    # -- stored fields ------------------------------------------------------------------
    def item_id(self, docnum: int) -> int:
        """The item document `docnum` is: its stored `id`, as the reader's
        `stored_fields(docnum)["id"]` gives it.

        Whoosh's reader of the stored fields works out where each document's bytes
        start with a Python loop over every document of the segment, the first time
        it is asked (a segment of fewer than 32 768 keeps no offsets): 5-10 ms of a
        whole `xarchive search` at 100 000 items, for the ten ids of its first page.
        Here the offsets are one numpy cumulative sum of the same lengths, kept with
        the segment's arrays.
        """
        extents = self._stored_extents()
        if extents is None:  # the offsets are in the file: Whoosh reads them as they are
            return int(self.reader.stored_fields(docnum)["id"])
        offsets, lengths = extents
        length = int(lengths[docnum])
        fields: dict[str, Any] = {}
        if length:
            colfile, base, _ = self.reader._perdoc._get_column_file("_stored")
            try:
                data = colfile.get(base + int(offsets[docnum]), length)
            finally:
                colfile.close()
            fields = pickle.loads(zlib.decompress(data))  # the column's own format
        return int(fields["id"])

    def _stored_extents(self) -> tuple[np.ndarray, np.ndarray] | None:
        if self._stored is False:
            self._stored = self._read_stored_extents()
        return self._stored if isinstance(self._stored, tuple) else None

    def _read_stored_extents(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The W3 stored-fields column (a compressed VarBytesColumn of pickles) ends with
        the length of each document's bytes (an array, big-endian) and its typecode; or,
        past 32 768 documents, with their offsets too and an "X" (None then)."""
        perdoc = self.reader._perdoc
        if not perdoc.has_column("_stored"):
            return None
        colfile, base, length = perdoc._get_column_file("_stored")
        try:
            code = chr(colfile.get_byte(base + length - 1))
            if code not in _STORED_LENGTHS:  # "X": offsets kept, or a layout not known here
                return None
            dtype = _STORED_LENGTHS[code]
            size = dtype.itemsize * self.size
            raw = colfile.get(base + length - 1 - size, size)
        finally:
            colfile.close()
        lengths = np.frombuffer(raw, dtype=dtype).astype(np.int64)
        offsets = np.zeros(self.size, dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
        return offsets, lengths

    # -- per-document values ----------------------------------------------------------
    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length in `fieldname` (float64; 0 where it has none)."""
        found = self._lengths.get(fieldname)
        if found is None:
            raw = self._column_bytes(f"_{fieldname}_len", np.dtype("u1"))
            found = _BYTE_TO_LENGTH[raw] if raw is not None else np.zeros(self.size)
            self._lengths[fieldname] = found
        return found

    def dates(self, fieldname: str = "date") -> tuple[np.ndarray, np.ndarray]:
        """Each document's `fieldname` in microseconds since year 1 (int64), and
        which documents have one."""
        found = self._dates.get(fieldname)
        if found is None:
            raw = self._column_bytes(fieldname, np.dtype(">u8"))
            values = np.zeros(self.size, dtype=np.int64) if raw is None else raw.astype(np.int64)
            found = self._dates[fieldname] = (values, values > 0)  # undated: 0
        return found

    def facets(self, fieldnames: Sequence[str]) -> list[FacetValues]:
        """Every (document, value) pair of each field (empty values left out).

        Reading them from the postings of every value costs a few hundred
        milliseconds at 100 000 items, at every start of the app or the CLI; so
        they are also kept on disk beside the segment, named after it (Whoosh
        deletes the file with the segment's own when it merges it away).
        """
        missing = [f for f in fieldnames if f not in self._facets]
        if missing and self._facet_file is not None:
            self._facets.update(_load_facets(self._facet_file, missing, self.size))
            missing = [f for f in fieldnames if f not in self._facets]
            if missing:
                older = self._facet_file.with_name(
                    self._facet_file.name.replace(FACETS_SUFFIX, _NPZ_SUFFIX)
                )
                self._facets.update(_load_npz_facets(older, missing))
                for fieldname in [f for f in missing if f not in self._facets]:
                    self._facets[fieldname] = self._read_facet(fieldname)
                if _save_facets(self._facet_file, self._facets):
                    with contextlib.suppress(OSError):
                        older.unlink(missing_ok=True)
                missing = []
        for fieldname in missing:
            self._facets[fieldname] = self._read_facet(fieldname)
        return [self._facets[f] for f in fieldnames]

    def _read_facet(self, fieldname: str) -> FacetValues:
        reader = self.reader
        field = reader.schema[fieldname]
        values: list[str] = []
        docs: list[np.ndarray] = []
        ords: list[np.ndarray] = []
        for btext in field.sortable_terms(reader, fieldname):
            value = field.from_bytes(btext)
            if value in (None, ""):
                continue
            ids = self.postings(fieldname, btext).ids
            docs.append(ids)
            ords.append(np.full(len(ids), len(values), dtype=np.int64))
            values.append(str(value))
        if not docs:
            return FacetValues((), _EMPTY_IDS, _EMPTY_IDS)
        return FacetValues(tuple(values), np.concatenate(docs), np.concatenate(ords))

    def _column_bytes(self, column: str, dtype: np.dtype[Any]) -> np.ndarray | None:
        """A numeric column of the segment as an array (None when it has none).

        A W3 numeric column is its values packed one after another, up to the
        last document that has one; later documents have the default (0).
        """
        perdoc = self.reader._perdoc
        if not perdoc.has_column(column):
            return None
        colfile, offset, length = perdoc._get_column_file(column)
        try:
            data = colfile.get(offset, length)
        finally:
            colfile.close()
        stored = np.frombuffer(data, dtype=dtype, count=length // dtype.itemsize)
        out = np.zeros(self.size, dtype=dtype)
        out[: len(stored)] = stored[: self.size]
        return out


#: The facet arrays of a segment are kept in a file named after it. Its layout: the
#: magic, the length of a JSON header (little-endian, 8 bytes), the header (each
#: field's values and number of pairs, in order), zeros to a multiple of 8 bytes,
#: then each field's docnums and ordinals (int64, little-endian), read mapped into
#: memory. The .npz these were kept in before is a zip: reading its thirty members
#: through zipfile, each with its checksum, for each of 11 segments was 120 ms of a
#: 1 s `xarchive search` at 100 000 items.
FACETS_SUFFIX = ".xarchive_facets.bin"
_NPZ_SUFFIX = ".xarchive_facets.npz"
_MAGIC = b"XAFACET1"
_INT64 = np.dtype("<i8")


def _load_facets(path: Path, fieldnames: Sequence[str], size: int) -> dict[str, FacetValues]:
    """The facet arrays kept in `path` for these fields of a segment of `size` documents
    ({} if it is missing, unreadable, or names a document or value that cannot be)."""
    try:
        with open(path, "rb") as raw:
            head = raw.read(16)
            if len(head) != 16 or head[:8] != _MAGIC:
                return {}
            head_size = int.from_bytes(head[8:], "little")
            header = json.loads(raw.read(head_size).decode("utf-8"))
        start = 16 + head_size + (-(16 + head_size) % 8)
        counts = [int(field["pairs"]) for field in header]
        total = 2 * sum(counts)
        if path.stat().st_size != start + total * _INT64.itemsize:
            return {}
        data = (
            np.memmap(path, dtype=_INT64, mode="r", offset=start, shape=(total,))
            if total
            else _EMPTY_IDS
        )
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return {}  # a damaged cache is read again from the index
    found: dict[str, FacetValues] = {}
    at = 0
    for field, count in zip(header, counts, strict=True):
        docs, ords = data[at : at + count], data[at + count : at + 2 * count]
        at += 2 * count
        if field["name"] in fieldnames:
            values = tuple(str(v) for v in field["values"])
            # a flipped byte here made every search fail (an ordinal past the values)
            if not (_within(docs, size) and _within(ords, len(values))):
                return {}
            found[field["name"]] = FacetValues(values, docs, ords)
    return found


def _within(numbers: np.ndarray, end: int) -> bool:
    return not len(numbers) or (int(numbers.min()) >= 0 and int(numbers.max()) < end)


def _load_npz_facets(path: Path, fieldnames: Sequence[str]) -> dict[str, FacetValues]:
    """The facet arrays as earlier versions kept them (an .npz), read once to be kept
    anew; {} if there is none."""
    import zipfile  # for its error: the current cache (`_load_facets`) is no zip

    found: dict[str, FacetValues] = {}
    try:
        with np.load(path, allow_pickle=False) as data:
            for name in fieldnames:
                if f"{name}.values" in data:
                    found[name] = FacetValues(
                        tuple(str(v) for v in data[f"{name}.values"]),
                        data[f"{name}.docs"],
                        data[f"{name}.ords"],
                    )
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return {}
    return found


def _save_facets(path: Path, facets: dict[str, FacetValues]) -> bool:
    """Keep the facet arrays in `path` (atomically; never an error: it is a cache).
    False when they could not be kept (a read-only folder: computed again next time)."""
    header = [
        {"name": name, "values": list(values.values), "pairs": len(values.docs)}
        for name, values in facets.items()
    ]
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    try:
        # a name starting with "." is one Whoosh's clean-up leaves alone while it is written
        handle, temporary = tempfile.mkstemp(prefix=".facets-", suffix=".bin", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(_MAGIC + len(head).to_bytes(8, "little") + head)
            out.write(b"\0" * (-(16 + len(head)) % 8))
            for values in facets.values():
                out.write(np.asarray(values.docs, dtype=_INT64).tobytes())
                out.write(np.asarray(values.ords, dtype=_INT64).tobytes())
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)
        return False
    return True
