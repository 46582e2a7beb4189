"""Writing a segment's postings as Whoosh's W3 codec writes them, a term at a time.

Whoosh's `FieldWriter.add_postings` makes four method calls for every posting and
about twenty for every term (start, add, finish, the block's statistics, its
minified ids, weights and values, the term's info and its row in the term table);
in a 1 000-item import that was a seventh of the workers' time, most of it in
terms that have one posting. `write_postings` does the same work in one loop
with the state in local variables: the same blocks, compression, term infos and
hash-table rows, so the same files byte for byte as Whoosh's writer pickling at
PICKLE_PROTOCOL (tests/core/test_segment_writing.py writes segments both ways and
compares).

It writes only what xarchive's schema needs — W3FieldWriter, no spelling words,
no inlined postings — and hands anything else to Whoosh's own writer.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    WHOOSH3_HEADER_MAGIC,
    W3FieldWriter,
    W3TermInfo,
)
from whoosh.filedb import filetables
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

#: (fieldname, term bytes, document number, weight, encoded value)
Posting = tuple[str, bytes, int, float, bytes | None]

_NO_ID = 0xFFFFFFFF
#: Whoosh pickles each block of postings at protocol 2, which has no opcode for bytes:
#: every posting's encoded positions went in as a call to `_codecs.encode` on a str of
#: them, half again as long. Protocol 3 writes them as bytes: two fifths less time
#: flushing a segment (pickle and zlib), and blocks that unpickle four times quicker. Whoosh
#: reads blocks with `pickle.loads`, whatever their protocol; segments written before
#: (protocol 2) are read as they were.
PICKLE_PROTOCOL = 3
_pack_terminfo = W3TermInfo._struct.pack
_pack_lengths = filetables._lengths.pack  # a term table row's key and value lengths
_NONE: Mapping[int, bytes] = {}
_by_field = itemgetter(0)
_by_term = itemgetter(1)


def can_write(fieldwriter: Any, schema: Any) -> bool:
    """Whether `write_postings` writes what Whoosh would for this writer and schema."""
    codec = getattr(fieldwriter, "_codec", None)
    return (
        type(fieldwriter) is W3FieldWriter
        and codec is not None
        and codec._inlinelimit <= 1  # a term is never inlined into its info
        and not any(field.separate_spelling() for _, field in schema.items())
    )


class TermPool:
    """A segment's postings in memory, held term by term as they are added.

    Whoosh's PostingPool keeps a five-tuple per posting (about 200 bytes) and sorts
    them all at the flush; past its memory limit it sorts them into runs on disk and
    merges the runs back (a 5 000-item part of a reindex overflowed 320 MB: writing,
    reading and merging runs were two fifths of the workers' time). Here each term
    keeps its documents, weights and values in lists (about 30 bytes a posting: the
    documents' numbers and most weights are objects shared by many postings);
    documents are added in order, so a term's postings are in order already and only
    the terms are sorted. `spill` hands them to Whoosh's pool, in order, when they
    outgrow `limit` bytes (a very large segment) or the writer merges segments.

    The words of texts (`add_found`) are kept by the word, not by its UTF-8 bytes: a
    word's bytes made and hashed for each of its postings were a fifth of the pool's
    time. Sorting words sorts their UTF-8 bytes (both in order of code points), so
    only each term's bytes are made, once, when the terms are written.
    """

    __slots__ = ("fields", "by_word", "size", "limit")

    #: memory of a term's containers, and of a posting in them (its value aside)
    TERM_BYTES = 360
    POSTING_BYTES = 32

    def __init__(self, limit: int) -> None:
        #: field name -> term -> (documents, weights, values); the term is its bytes,
        #: or for the fields of `by_word` the word
        self.fields: dict[str, dict[Any, _Held]] = {}
        #: the fields `add_found` writes, their terms kept by the word
        self.by_word: set[str] = set()
        self.size = 0
        self.limit = limit

    def add(self, fieldname: str, btext: bytes, docnum: int, weight: float,
            vbytes: bytes | None) -> None:  # fmt: skip
        terms = self.fields.setdefault(fieldname, {})
        # a field of words has them from an analyzer: UTF-8
        key = btext.decode("utf-8") if fieldname in self.by_word else btext
        term = terms.get(key)
        if term is None:
            terms[key] = ([docnum], [weight], [vbytes])
            self.size += self.TERM_BYTES
        else:
            term[0].append(docnum)
            term[1].append(weight)
            term[2].append(vbytes)
        self.size += self.POSTING_BYTES + (len(vbytes) if vbytes else 0)

    def add_found(self, fieldname: str, docnum: int, found: dict[str, list[int]],
                  encode: Callable[[list[int]], bytes], boost: float,
                  fieldboost: float, encoded_once: Mapping[int, bytes] = _NONE,
                  ) -> None:  # fmt: skip
        """`add` for each word of a text `found` at its positions: a posting a word, its
        weight the count of positions times the format's `boost` and the field's (a
        text's words in one call: a call per posting was most of the writer's time).
        `encoded_once`: what `encode` gives for a word found once, by its position, as
        far as it is known (most words of a text are found once)."""
        if fieldname not in self.by_word:  # terms `add` gave it before: keep them by word
            earlier = self.fields.get(fieldname, {})
            self.fields[fieldname] = {k.decode("utf-8"): t for k, t in earlier.items()}
            self.by_word.add(fieldname)
        terms = self.fields[fieldname]
        once = encoded_once.get
        single = 1.0 * boost * fieldboost  # a word found once: in Whoosh's order
        added = 0
        for word, at in found.items():
            if len(at) == 1:
                vbytes = once(at[0]) or encode(at)
                weight = single
            else:
                vbytes = encode(at)
                weight = float(len(at)) * boost * fieldboost
            term = terms.get(word)
            if term is None:
                terms[word] = ([docnum], [weight], [vbytes])
                added += self.TERM_BYTES
            else:
                term[0].append(docnum)
                term[1].append(weight)
                term[2].append(vbytes)
            added += len(vbytes)
        self.size += added + self.POSTING_BYTES * len(found)

    def full(self) -> bool:
        return self.size > self.limit

    def in_order(self) -> Iterator[tuple[str, Iterator[tuple[bytes, _Term]]]]:
        """Each field's terms, fields and terms sorted (the terms as bytes, as Whoosh
        sorts them)."""
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            if not terms:  # a field of texts without words: started, it would be numbered
                continue
            if fieldname in self.by_word:
                yield fieldname, ((w.encode("utf-8"), terms[w]) for w in sorted(terms))
            else:
                yield fieldname, ((btext, terms[btext]) for btext in sorted(terms))

    def spill(self, add: Callable[[Posting], None]) -> None:
        """Every posting to `add` (Whoosh's PostingPool.add), in order; then empty."""
        for fieldname, terms in self.in_order():
            for btext, (ids, weights, values) in terms:
                for docnum, weight, vbytes in zip(ids, weights, values, strict=True):
                    add((fieldname, btext, docnum, weight, vbytes))
        self.fields.clear()
        self.by_word.clear()
        self.size = 0


#: A term's postings: their documents (in order), weights and encoded values.
_Term = tuple[Sequence[int], Sequence[float], Sequence[bytes | None]]
#: … as a TermPool holds them while they are added.
_Held = tuple[list[int], list[float], list[bytes | None]]


def write_postings(
    fieldwriter: Any,
    schema: Any,
    lengths: Any,
    postings: Iterable[Posting],
) -> None:
    """`fieldwriter.add_postings(schema, lengths, postings)`, for a W3FieldWriter
    (`can_write`); `postings` sorted by field, term and document, as a pool gives them."""
    write_terms(fieldwriter, schema, lengths, _terms_of(postings))


def _terms_of(postings: Iterable[Posting]) -> Iterator[tuple[str, Iterator[tuple[bytes, _Term]]]]:
    for fieldname, in_field in groupby(postings, key=_by_field):
        yield fieldname, _field_terms(in_field)


def _field_terms(in_field: Iterable[Posting]) -> Iterator[tuple[bytes, _Term]]:
    for btext, in_term in groupby(in_field, key=_by_term):
        plist = list(in_term)
        ids = array("I", [p[2] for p in plist])
        yield btext, (ids, array("d", [p[3] for p in plist]), [p[4] for p in plist])


def write_terms(
    fieldwriter: Any,
    schema: Any,
    lengths: Any,
    fields: Iterable[tuple[str, Iterable[tuple[bytes, _Term]]]],
) -> None:
    """What `write_postings` writes, from each field's terms in order (a TermPool's
    `in_order`)."""
    codec = fieldwriter._codec
    blocklimit, compression = codec._blocklimit, codec._compression
    post = fieldwriter._postfile.file  # StructFile.write and .tell only pass these on
    write, tell = post.write, post.tell
    tindex = fieldwriter._tindex
    terms = tindex.dbfile.file
    term_write, term_tell = terms.write, terms.tell
    positions = tindex.index
    buckets = tindex.buckets
    hashfn = tindex.hashfn
    lastkey = tindex.lastkey
    for fieldname, in_field in fields:
        fieldobj = schema[fieldname]
        fieldwriter.start_field(fieldname, fieldobj)
        prefix = pack_ushort(fieldwriter._fieldid)
        fixedsize = fieldobj.format.fixed_value_size()
        length_of = _length_reader(lengths, fieldname)
        for btext, (all_ids, all_weights, all_values) in in_field:
            count = len(all_ids)
            start = tell()
            weight_sum: float = 0
            minlength: int | None = None
            maxlength = 0
            maxweight: float = 0
            minid: int | None = None
            maxid = 0
            for first in range(0, count, blocklimit):
                if count > blocklimit:
                    end = first + blocklimit
                    ids = all_ids[first:end]
                    block_weights = all_weights[first:end]
                    block_values = all_values[first:end]
                else:
                    ids, block_weights, block_values = all_ids, all_weights, all_values
                weights = array("f", block_weights)
                # the block's statistics, as W3PostingsWriter.add_posting keeps them
                heaviest = max(block_weights)
                block_max: float = heaviest if heaviest > 0 else 0
                block_lengths = [n for n in map(length_of, ids) if n]
                block_min = min(block_lengths) if block_lengths else None
                block_maxlen = max(block_lengths) if block_lengths else 0
                # W3TermInfo.add_block
                weight_sum += sum(weights)
                minlength = block_min if minlength is None else min(minlength, block_min)  # type: ignore[type-var]
                maxlength = max(maxlength, block_maxlen)
                maxweight = max(maxweight, block_max)
                if minid is None:
                    minid = ids[0]
                maxid = ids[-1]
                # W3PostingsWriter._write_block
                if first == 0:
                    write(WHOOSH3_HEADER_MAGIC)
                values = [v for v in block_values if v]
                if fixedsize is None or fixedsize < 0:
                    mini_values: Any = tuple(values)
                elif fixedsize == 0:
                    mini_values = None
                else:
                    mini_values = b"".join(values)
                minis = (_deltas(ids), _mini_weights(weights), mini_values)
                data = dumps(minis, PICKLE_PROTOCOL)
                comp = compression if len(data) >= COMPRESSION_MIN_SIZE else 0
                if comp:
                    data = zlib.compress(data, comp)
                info = dumps(
                    (len(ids), ids[-1], block_max, comp,
                     length_to_byte(block_min), length_to_byte(block_maxlen)),
                    PICKLE_PROTOCOL,
                )  # fmt: skip
                size = len(info) + len(data)
                write(pack_int(-size if first + blocklimit >= count else size))
                write(info)
                write(data)
            # W3FieldWriter.finish_term: the term's info, a row of the term table
            value = _pack_terminfo(
                False, weight_sum, count,
                0 if minlength is None else length_to_byte(minlength),
                length_to_byte(maxlength), maxweight,
                _NO_ID if minid is None else minid, maxid,
            ) + pack_long(start) + pack_int(tell() - start)  # fmt: skip
            key = prefix + btext
            if key <= lastkey:
                raise ValueError(f"Keys must increase: {lastkey!r}..{key!r}")
            at = term_tell()
            positions.append(at)
            term_write(_pack_lengths(len(key), len(value)))
            term_write(key)
            term_write(value)
            h = hashfn(key)
            buckets[h & 255].append((h, at))
            lastkey = key
        fieldwriter.finish_field()
    tindex.lastkey = lastkey


def _length_reader(lengths: Any, fieldname: str) -> Callable[[int], int | None]:
    if not lengths:
        return lambda docnum: 0
    reader = getattr(lengths, "doc_field_length_reader", None)
    if reader is not None:
        return reader(fieldname)  # type: ignore[no-any-return]
    plain = lengths.doc_field_length
    return lambda docnum: plain(docnum, fieldname)


def _deltas(ids: Sequence[int]) -> tuple[int, ...]:
    """whoosh.util.numlists.delta_encode, as a tuple."""
    if len(ids) == 1:
        return (ids[0],)
    previous = 0
    out = []
    for n in ids:
        out.append(n - previous)
        previous = n
    return tuple(out)


def _mini_weights(weights: array[float]) -> Any:
    """W3PostingsWriter._mini_weights: None if all are 1.0, one value if all are alike."""
    first = weights[0]
    if first == 1.0 and all(w == 1.0 for w in weights):
        return None
    if all(w == first for w in weights):
        return first
    return tuple(weights)
