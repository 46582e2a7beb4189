"""Word pairs: what makes a phrase a term lookup.

A phrase search in Whoosh checks the words' positions document by document, in
Python: "national security", two words found in nine items of ten, took 3.3 s at
100 000 items. The `pairs` field holds each pair of adjacent words of an item's
text ("nation secur", as analysed), so a two-word phrase is one term's postings
and a longer one the intersection of its pairs' postings, with positions checked
only in the few documents that hold every pair.

The pairs come from the very tokens the content field was analysed into: the
content analyzer remembers the last text it analysed and its words, and the
pairs analyzer reads them back when it is given the same text (Whoosh analyses
a document's fields in the order of their names, and "content" comes before
"pairs"), so the text is not analysed twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token
from whoosh.analysis.analyzers import Analyzer

#: Between the two words of a pair; never inside a word (words are \w runs).
SEPARATOR = " "


class _Memo(threading.local):
    text: str | None = None
    words: list[tuple[int, str]] = []


_MEMO = _Memo()


class RememberingAnalyzer(Analyzer):  # type: ignore[misc]
    """Wraps the content analyzer and remembers the (position, word) tokens of the
    last text it analysed for indexing."""

    def __init__(self, inner: Analyzer) -> None:
        self.inner = inner

    def __call__(self, value: Any, **kwargs: Any) -> Iterator[Token]:
        if kwargs.get("mode") != "index" or not isinstance(value, str):
            yield from self.inner(value, **kwargs)
            return
        words: list[tuple[int, str]] = []
        for n, token in enumerate(self.inner(value, **kwargs)):
            if not token.stopped:
                words.append((token.pos if kwargs.get("positions") else n, token.text))
            yield token
        _MEMO.text, _MEMO.words = value, words

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RememberingAnalyzer) and self.inner == other.inner

    def __hash__(self) -> int:
        return hash((type(self), id(self.inner)))


class PairAnalyzer(Analyzer):  # type: ignore[misc]
    """Adjacent word pairs of a text, each as "first second", as `words_of` analyses it."""

    def __init__(self, inner: Analyzer) -> None:
        self.inner = inner  # the content analyzer, for a text it has not just seen

    def __call__(self, value: Any, **kwargs: Any) -> Iterator[Token]:
        if _MEMO.text is value:
            words = _MEMO.words
        else:
            words = [
                (t.pos, t.text)
                for t in self.inner(value, positions=True, mode="index")
                if not t.stopped
            ]
        token = Token(positions=False, chars=False, removestops=False, mode=kwargs.get("mode", ""))
        token.boost = 1.0
        token.stopped = False
        for (pos_a, word_a), (pos_b, word_b) in zip(words, words[1:], strict=False):
            if pos_b == pos_a + 1:
                token.text = word_a + SEPARATOR + word_b
                yield token

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PairAnalyzer) and self.inner == other.inner

    def __hash__(self) -> int:
        return hash((type(self), id(self.inner)))
