"""Comparing texts the way a reader would: words normalised, OCR noise tolerated.

- `words`: Unicode words, lower-cased, Arabic-script variants and diacritics
  unified (the same normalisation as the search index, index/analysis.py), web
  addresses left out (a screenshot shows them shortened, a post expanded).
- `shingles` / `jaccard`: overlap of word n-grams, for near-duplicate texts:
  each n-gram a 64-bit hash, a text's n-grams a sorted numpy array. As Python
  sets of strings, building and intersecting them was four fifths of an
  import's near-duplicate detection (the main process's busiest work).
- `containment`: how much of a short text (a post) is found, in order, inside a
  longer and noisier one (the OCR of its screenshot), by characters, so that a
  misread letter costs a letter, not a word.
- `handle_similarity`: an account handle as OCR read it (``@dem0_reporter``)
  against a known one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from ..index.analysis import WORD_PATTERN, normalize_word
from ..index.pairs import MIX, distinct, word_hashes

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|net|example|pk)/\S*", re.I)
#: One of these is in the lower-cased text of every match of _URL (the letters that
#: re.I takes for theirs lower-case to them too: the Kelvin sign to k)
_URL_MARKS = ("http", "www.", ".com/", ".org/", ".net/", ".example/", ".pk/")
#: Characters OCR gives for the @ of a handle.
_AT_LIKE = "@©®＠"
_HANDLE_AFTER_AT = re.compile(
    rf"[{_AT_LIKE}]\s?([A-Za-z0-9_]{{1,30}})(?:[ _.,-]([A-Za-z0-9_]{{1,20}}))?"
)
#: Text longer than this is compared by its start only (a 500-page PDF is not a post).
MAX_CHARS = 200_000


def words(text: str) -> list[str]:
    """The words of `text`, normalised, without web addresses."""
    text = text[:MAX_CHARS]
    lowered = text.lower()
    # _URL tried at every word was half the time of this function; a text without
    # any of the letters an address must have cannot hold one
    if any(mark in lowered for mark in _URL_MARKS):
        lowered = _URL.sub(" ", text).lower()
    if lowered.isascii():  # nothing to normalise (normalize_word leaves ASCII words alone)
        return WORD_PATTERN.findall(lowered)
    # The words of normalize_text(text), normalising only the words that need it: most
    # words of most texts are ASCII.
    found: list[str] = []
    for word in WORD_PATTERN.findall(lowered):
        if word.isascii():
            found.append(word)
        else:
            found.extend(_normalized_words(word))
    return found


@lru_cache(maxsize=100_000)
def _normalized_words(word: str) -> tuple[str, ...]:
    # an Urdu text repeats its words: normalising each (NFKC, letters unified) once
    return tuple(WORD_PATTERN.findall(normalize_word(word)))


_MIX = np.uint64(MIX)


def shingle_strings(tokens: Sequence[str], size: int = 3) -> set[str]:
    """The word n-grams of `tokens` as strings (what MinHash signatures are made of)."""
    if not tokens:
        return set()
    if len(tokens) <= size:
        return {" ".join(tokens)}
    # the n-grams as tuples of zipped shifted lists, each joined in C: a slice and a
    # join per n-gram in Python took twice as long
    return set(map(" ".join, zip(*(tokens[i:] for i in range(size)), strict=False)))


def shingles(tokens: Sequence[str], size: int = 3) -> npt.NDArray[np.uint64]:
    """The word n-grams of `tokens` (the whole text if it is shorter than `size`), each
    as a 64-bit hash (the same in every process), sorted, without repeats."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    hashes = word_hashes(tokens)
    width = min(size, len(hashes))
    grams = hashes[: len(hashes) - width + 1].copy()
    for offset in range(1, width):  # ((h0 * M + h1) * M + h2), wrapping modulo 2**64
        grams *= _MIX
        grams += hashes[offset : len(hashes) - width + 1 + offset]
    return distinct(grams)  # np.unique hashes first: several times slower (pairs.distinct)


def jaccard(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> float:
    """|a ∩ b| / |a ∪ b| of two sets of `shingles`."""
    if not len(a) or not len(b):
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    at = np.searchsorted(large, small)  # both sorted: no sort of the two together
    at[at == len(large)] = 0
    common = int(np.count_nonzero(large[at] == small))
    return common / (len(a) + len(b) - common)


def containment(needle: str, haystack: str, min_block: int = 3) -> float:
    """The share of `needle`'s characters found in order in `haystack` (0–1).

    Both are compared as their normalised words joined by single spaces. Runs of
    fewer than `min_block` characters do not count: single letters match anywhere.
    """
    short = " ".join(words(needle))
    long = " ".join(words(haystack))
    if not short or not long:
        return 0.0
    matcher = difflib.SequenceMatcher(None, short, long, autojunk=False)
    matched = sum(b.size for b in matcher.get_matching_blocks() if b.size >= min_block)
    return matched / len(short)


def token_containment(needle: str, haystack: str) -> float:
    """The share of `needle`'s words that are also words of `haystack`."""
    short = words(needle)
    if not short:
        return 0.0
    long = set(words(haystack))
    return sum(1 for w in short if w in long) / len(short)


def handles_in(text: str) -> list[str]:
    """Account handles as OCR read them (lower case, without the @), with guesses for
    a handle split in two by a misread underscore (``@demo reporter``)."""
    found: list[str] = []
    for match in _HANDLE_AFTER_AT.finditer(text):
        first, second = match.group(1).lower(), (match.group(2) or "").lower()
        found.append(first)
        if second:
            found.extend((f"{first}_{second}", first + second))
    return list(dict.fromkeys(found))


def handle_similarity(read: str, known: str) -> float:
    """How alike an OCR-read handle and a known one are (0–1); short handles must be exact."""
    read, known = read.lower().lstrip("@"), known.lower().lstrip("@")
    if read == known:
        return 1.0
    if min(len(read), len(known)) < 6 or abs(len(read) - len(known)) > 2:
        return 0.0
    matcher = difflib.SequenceMatcher(None, read, known, autojunk=False)
    if matcher.real_quick_ratio() < 0.8 or matcher.quick_ratio() < 0.8:
        return 0.0
    return matcher.ratio()


def best_handle(read: Iterable[str], known: str) -> float:
    return max((handle_similarity(r, known) for r in read), default=0.0)
