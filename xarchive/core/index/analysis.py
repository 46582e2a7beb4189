"""Text analysis for English and Urdu side by side.

- Tokens are Unicode words. Python's `\\w` does not match combining marks, so
  Arabic-script diacritics (zabar, zer, pesh, …), Devanagari vowel signs and the
  zero-width (non-)joiners used inside Urdu words are added to the word class;
  otherwise a word with a diacritic would be split in two.
- Arabic-script letters are normalised: the Arabic yeh and alef maksura become
  Farsi/Urdu yeh, Arabic kaf becomes keheh, Arabic heh and ae become heh goal,
  hamza-carrying forms and alef variants are unified, diacritics, tatweel and
  joiners are removed. OCR and different keyboards produce all of these.
- Latin tokens are lower-cased, stripped of accents and stemmed with Porter2 (Snowball English);
  tokens in other scripts are never stemmed (an English stemmer would only
  damage them).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, cast

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, Token
from whoosh.analysis.analyzers import Analyzer

_COMBINING = (
    "\u0300-\u036f"  # Latin combining accents (text in NFD)
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"  # Arabic marks
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"  # Devanagari signs
    "\u200c\u200d"  # zero-width non-joiner / joiner
)
WORD_PATTERN = re.compile(rf"(?:\w|[{_COMBINING}])+")

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d]")
_ARABIC_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی Farsi yeh
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u06d0": "\u06cc",  # ې -> ی
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
        "\u0647": "\u06c1",  # ه Arabic heh -> ہ heh goal
        "\u06d5": "\u06c1",  # ە ae -> ہ
        "\u06c2": "\u06c1",  # ۂ heh goal with hamza -> ہ
        "\u06c0": "\u06c1",  # ۀ heh with yeh -> ہ
        "\u0629": "\u06c1",  # ة teh marbuta -> ہ
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0671": "\u0627",  # ٱ -> ا
        "\u0622": "\u0627",  # آ -> ا (madda is often dropped when typing)
        "\u0624": "\u0648",  # ؤ -> و
        "\u06d3": "\u06d2",  # ۓ -> ے
        "\u0660": "0", "\u0661": "1", "\u0662": "2", "\u0663": "3", "\u0664": "4",
        "\u0665": "5", "\u0666": "6", "\u0667": "7", "\u0668": "8", "\u0669": "9",
        "\u06f0": "0", "\u06f1": "1", "\u06f2": "2", "\u06f3": "3", "\u06f4": "4",
        "\u06f5": "5", "\u06f6": "6", "\u06f7": "7", "\u06f8": "8", "\u06f9": "9",
    }
)  # fmt: skip
_LATIN_WORD = re.compile(r"[a-z]+\Z")


def normalize_word(word: str) -> str:
    """Normalise one token: NFKC, Arabic-script unification, accents removed."""
    if word.isascii():  # most tokens: nothing to do (and this is the hot path of indexing)
        return word
    word = unicodedata.normalize("NFKC", word)
    if any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in word):
        word = _ARABIC_MARKS.sub("", word).translate(_ARABIC_LETTERS)
    elif not word.isascii():
        decomposed = unicodedata.normalize("NFD", word)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        word = unicodedata.normalize("NFC", stripped).replace("\u200c", "").replace("\u200d", "")
    return word


def normalize_text(text: str) -> str:
    """Normalise running text word by word (for comparisons outside the index)."""
    return WORD_PATTERN.sub(lambda m: normalize_word(m.group(0)), text.lower())


class ScriptNormalizeFilter(Filter):  # type: ignore[misc]
    """Applies `normalize_word` to every token; drops tokens left empty."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = normalize_word(t.text)
            if t.text:
                yield t


def _porter2() -> Callable[[str], str]:
    """Porter2 (Snowball English) as Whoosh's `porter2.stem` gives it, by PyStemmer (the
    Snowball project's C stemmers) where it is installed: 9 times quicker (1.9 against
    16 µs a word), and stemming the words an index had not seen yet was a fifth of
    writing a segment of the bench's texts. PyStemmer 2.2's English is the same
    algorithm as Whoosh's: the same stem for each of 154 000 dictionary words and
    358 000 made-up ones (tests/core/test_analysis.py compares them), so an index
    written with either is searched with the other. PyStemmer 3 changed the algorithm
    ("added" is no longer "ad"): pyproject.toml pins 2.2, for x86-64, where it has
    wheels; elsewhere Whoosh's own is used."""
    try:
        import Stemmer
    except ImportError:
        Stemmer = None
    if Stemmer is None or Stemmer.version() != "2.0.1":  # Snowball's, in PyStemmer 2.2
        from whoosh.lang.porter2 import stem  # loaded only if it stems

        return stem  # type: ignore[no-any-return]
    # A Stemmer is not thread-safe: one for each thread that stems (the app searches
    # on one thread while it indexes on another).
    local = threading.local()

    def snowball(word: str) -> str:
        stem_word = getattr(local, "stem", None)
        if stem_word is None:  # 0: no cache of its own (ours is in front of it)
            stem_word = local.stem = Stemmer.Stemmer("english", 0).stemWord
        return stem_word(word)  # type: ignore[no-any-return]

    return snowball


_porter2_stem = _porter2()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_porter2_stem(word))


class LatinStemFilter(Filter):  # type: ignore[misc]
    """Stems (Porter2) tokens written in plain Latin letters, and only those."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.stopped and _LATIN_WORD.match(t.text):
                t.text = _stem(t.text)
            yield t


class TextAnalyzer(Analyzer):  # type: ignore[misc]
    """For running text (content, title, notes): words, normalised, Latin stemmed.

    Whoosh's chain of filters, and for indexing `index_words`, which gives the same
    words without a generator per filter and per token: each distinct spelling is
    analysed once (analysis was most of the time an import spent writing its index).
    """

    def __init__(self) -> None:
        self.chain = (
            RegexTokenizer(WORD_PATTERN)
            | LowercaseFilter()
            | ScriptNormalizeFilter()
            | LatinStemFilter()
        )

    def __call__(self, value: Any, **kwargs: Any) -> Iterator[Token]:
        return self.chain(value, **kwargs)  # type: ignore[no-any-return]

    def index_words(self, text: str) -> tuple[list[int], list[str]]:
        """The position and analysed word of each token of `text`, as the chain
        gives them to the index (a token normalised away leaves its position unused)."""
        tokens = WORD_PATTERN.findall(text)
        # each token looked up at once (a loop over the tokens was a tenth of indexing)
        words: list[str | None] = list(map(_ANALYSED.get, tokens))
        if None in words:  # spellings not analysed before
            for position, word in enumerate(words):
                if word is None:
                    words[position] = _analysed(tokens[position])
        analysed = cast("list[str]", words)  # no None left
        if "" not in analysed:
            return list(range(len(analysed))), analysed
        positions = [position for position, word in enumerate(analysed) if word]
        return positions, [word for word in analysed if word]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextAnalyzer)

    def __hash__(self) -> int:
        return hash(TextAnalyzer)


#: token as written -> its analysed word ("" when normalising leaves nothing)
_ANALYSED: dict[str, str] = {}


def _analysed(token: str) -> str:
    word = normalize_word(token.lower())
    if word and _LATIN_WORD.match(word):
        word = _stem(word)
    if len(_ANALYSED) >= 300_000:  # a corpus of made-up words: start again (~40 MB)
        _ANALYSED.clear()
    _ANALYSED[token] = word
    return word


def text_analyzer() -> Analyzer:
    """For running text (content, title, notes): words, normalised, Latin stemmed."""
    return TextAnalyzer()


def name_analyzer() -> Analyzer:
    """For names (authors, accounts, file names): words, normalised, not stemmed."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | ScriptNormalizeFilter()
