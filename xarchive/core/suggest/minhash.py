"""MinHash signatures of word shingles, and LSH band buckets to find similar texts fast.

Why our own and not datasketch (which STYLE.md names, and which is well kept):
datasketch 2.0 requires scipy (≈40 MB installed) besides numpy, for tuning LSH
parameters that we fix once here; a desktop app should not ship scipy for
that. numpy is already a dependency (of py3langid) and makes a signature a
few vectorised operations. What we need is small: a family of 128 hash
permutations, the minimum per permutation, and 64 bands of 2 rows hashed to a
bucket each — about forty lines.

Two texts whose shingle sets have Jaccard similarity J share at least one of the
64 buckets with probability 1 − (1 − J²)⁶⁴: 0.93 at J = 0.2, 0.99996 at J = 0.5,
0.025 at J = 0.02. The buckets live in SQLite (store/suggestions.py), so a new
item finds its candidates by index lookups, never by comparing with every item;
candidates are then scored on their real texts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

NUM_PERM = 128
BANDS = 64
ROWS = NUM_PERM // BANDS
_PRIME = np.uint64(4294967291)  # the largest prime below 2**32


def _constants(name: str) -> npt.NDArray[np.uint64]:
    """Fixed pseudo-random constants, from hashlib rather than a random generator: the
    buckets stored in archives must stay comparable whatever numpy version runs."""
    values = [
        int.from_bytes(hashlib.blake2b(f"xarchive-minhash-{name}-{i}".encode()).digest()[:4],
                       "little") % 4294967290 + 1
        for i in range(NUM_PERM)
    ]  # fmt: skip
    return np.array(values, dtype=np.uint64)


# a, b and a shingle hash are below 2**32: a*h + b stays below 2**64, exact in uint64; the
# permutations must use the whole range of a (a small a barely reorders the hashes)
_A = _constants("a")
_B = _constants("b")
_CHUNK = 4096


def _hashes32(shingles: Iterable[str]) -> npt.NDArray[np.uint64]:
    """The 32-bit hash of each shingle: the first four bytes of its BLAKE2b digest,
    little-endian. The digests are joined and read by numpy at once: an int made of
    each with struct, through a generator, was half the time of a signature."""
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(s.encode("utf-8"), digest_size=4).digest() for s in shingles])
    return np.frombuffer(digests, dtype="<u4").astype(np.uint64)


def signature(shingles: Iterable[str]) -> npt.NDArray[np.uint64]:
    """The MinHash signature (NUM_PERM values) of a set of shingles; all-max if empty.

    The shingles are hashed as strings, as when the first archives were scanned:
    their stored buckets must stay comparable with those of new items (a new hash
    would leave every new item blind to the old ones until the archive was scanned
    again)."""
    hashes = _hashes32(shingles if isinstance(shingles, (set, frozenset)) else set(shingles))
    out = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start : start + _CHUNK, None]
        values = (chunk * _A + _B) % _PRIME
        out = np.minimum(out, values.min(axis=0))
    return out


def buckets(sig: npt.NDArray[np.uint64]) -> list[int]:
    """One bucket per band: the band's rows hashed to a signed 64-bit integer (for SQLite)."""
    raw, width, blake2b = sig.tobytes(), ROWS * sig.itemsize, hashlib.blake2b
    # the bands' digests joined and read as little-endian int64 at once, as with shingles
    digests = b"".join(
        [blake2b(raw[at : at + width], digest_size=8).digest() for at in range(0, len(raw), width)]
    )
    return np.frombuffer(digests, dtype="<i8").tolist()  # type: ignore[no-any-return]


def estimate(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> float:
    """The Jaccard similarity the two signatures estimate."""
    return float(np.count_nonzero(a == b)) / NUM_PERM
