"""How the text fields' postings are built: Whoosh's Positions, a word at a time.

Whoosh's `Positions.word_values` runs the analyzer's chain of generators for
every token and counts tokens in dictionaries as they come; at indexing that was
most of an import's index writing. `WordPositions` asks an analyzer that can
(`TextAnalyzer.index_words`, analysis.py) for the whole text's words at once and
builds the same postings from them: the same words, positions, frequencies,
weights and encoded values (tests/core/test_analysis.py compares them).

The class is pickled into every index's table of contents with the schema: keep
it importable under this name, or bump INDEX_SCHEMA_VERSION when it goes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from whoosh.formats import Positions

#: The encoded positions of a word found once, by its position (texts longer than
#: this many words encode the rest as they come).
_ONCE_AT_ENTRIES = 1 << 17
_ONCE_AT: dict[int, bytes] = {}


class WordPositions(Positions):  # type: ignore[misc]
    #: what `encode` gave for a word found once, by its position (a pool of postings
    #: looks there first: a call per posting was a tenth of the pool's time)
    encoded_once: Mapping[int, bytes] = _ONCE_AT

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterable[tuple[str, int, float, bytes]]:
        index_words = getattr(analyzer, "index_words", None)
        if (
            index_words is None
            or not isinstance(value, str)
            or kwargs.get("start_pos")
            or kwargs.get("tokenize") is False
        ):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions, words = index_words(value)
        found: dict[str, list[int]] = {}
        for position, word in zip(positions, words, strict=True):
            at = found.get(word)
            if at is None:
                found[word] = [position]
            else:
                at.append(position)
        boost = self.field_boost
        encode = self.encode
        for word, at in found.items():
            yield (word, len(at), float(len(at)) * boost, encode(at))

    def encode(self, poslist: Any) -> Any:
        """Whoosh's encoding (a count, then the pickled gaps); that of a word found
        once, most words of a text, remembered by its position."""
        if len(poslist) != 1:
            return super().encode(poslist)
        position = poslist[0]
        found = _ONCE_AT.get(position)
        if found is None:
            found = super().encode(poslist)
            if len(_ONCE_AT) < _ONCE_AT_ENTRIES:
                _ONCE_AT[position] = found
        return found
