"""Text analysis: English stemming, Urdu normalisation, no stemming of Urdu."""

from __future__ import annotations

import random
import string
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xarchive.core.index import analysis
from xarchive.core.index.analysis import name_analyzer, normalize_word, text_analyzer

#: Words of the demo case's documents (docs/ and the sample archive say more).
WORDS_OF_THE_CASE = """The Islamabad High Court heard petitions challenging the suspension of
X in Pakistan; the ministry cited national security, while journalists, lawyers and
digital-rights organisations documented the blocking, the throttling of mobile data and
the authorities' statements before the court adjourned the hearings repeatedly"""


def tokens(text: str) -> list[str]:
    return [t.text for t in text_analyzer()(text)]


def test_english_is_lowercased_and_stemmed() -> None:
    assert tokens("Courts BLOCKED the Platforms") == ["court", "block", "the", "platform"]


def test_urdu_variant_letters_are_unified() -> None:
    # Arabic kaf and yeh (as typed on an Arabic keyboard) against Urdu keheh and Farsi yeh
    assert normalize_word("پاكستان") == normalize_word("پاکستان")
    assert normalize_word("ميں") == normalize_word("میں")
    # Arabic heh against Urdu heh goal
    assert normalize_word("پابندیه") == normalize_word("پابندیہ")


def test_diacritics_and_joiners_are_removed_without_splitting_words() -> None:
    assert tokens("حُکُومَت") == ["حکومت"]
    assert tokens("پاکستان\u200cی") == ["پاکستانی"]


def test_urdu_is_not_stemmed() -> None:
    words = "عدالت نے وزارت داخلہ سے جواب طلب کیا"
    assert tokens(words) == words.split()


def test_mixed_text_keeps_each_script() -> None:
    assert tokens("X پر پابندی banned") == ["x", "پر", "پابندی", "ban"]


def test_names_are_not_stemmed_but_accents_are_folded() -> None:
    assert [t.text for t in name_analyzer()("Démo Reporting")] == ["demo", "reporting"]


INDEXED_TEXTS = [
    "",
    "   ",
    "The Court's order: X (formerly Twitter) was BLOCKED on 17 Feb 2024, 17:03 UTC.",
    "پاکستان میں ایکس پر پابندی کو دو ماہ سے زیادہ ہو گئے ہیں۔ صارفین VPN استعمال کر رہے ہیں",
    "عدالتِ عالیہ نے حکم دیا کہ ٹوئٹر بحال کیا جائے",  # zer, a diacritic inside a word
    "كتاب يكتب ههه ة",  # Arabic letters that normalise to Urdu ones
    "Café naïve résumé façade — İstanbul ǅemal ﬁnal",  # accents, dotted I, a ligature
    "snake_case_words and CamelCase and 3.14 and ٣٤٥ and ۱۲۳",
    "\u200cلفظ\u200d and \u0640\u0640تطویل and \u064b\u064c alone",  # joiners, tatweel, marks
    "page one\n\f\npage two of the manual, national security national security",
]


@pytest.mark.parametrize("text", INDEXED_TEXTS)
def test_postings_built_a_word_at_a_time_are_whooshs_own(text: str) -> None:
    """formats.WordPositions gives the postings Whoosh's Positions builds from the
    analyzer's chain: words, positions, frequencies, weights, encoded values."""
    from whoosh.formats import Positions

    from xarchive.core.index.formats import WordPositions
    from xarchive.core.index.pairs import _MEMO, RememberingAnalyzer

    for analyzer in (text_analyzer(), RememberingAnalyzer(text_analyzer())):
        for boost in (1.0, 2.0):
            theirs = list(Positions(field_boost=boost).word_values(text, analyzer, mode="index"))
            remembered = (list(_MEMO.positions), list(_MEMO.words))
            ours = list(WordPositions(field_boost=boost).word_values(text, analyzer, mode="index"))
            assert sorted(ours) == sorted(theirs)
            if isinstance(analyzer, RememberingAnalyzer):  # what the pair table is made from
                assert (_MEMO.positions, _MEMO.words) == remembered


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZé_İ1٣ پکیہۂ\u064b\u200c\u0640 \n.-ﬁ"), max_size=60))
def test_any_text_gets_whooshs_own_postings(text: str) -> None:
    from whoosh.formats import Positions

    from xarchive.core.index.formats import WordPositions

    analyzer = text_analyzer()
    theirs = sorted(Positions().word_values(text, analyzer, mode="index"))
    assert sorted(WordPositions().word_values(text, analyzer, mode="index")) == theirs


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["court", "ban", "پابندی", "x", "ministry", "é"]) | st.text(), max_size=40
    )
)
def test_a_texts_word_hashes_at_once_are_each_words_own(words: list[str]) -> None:
    """Phrases' pair keys (index/pairs.py) and near-duplicate shingles hash a text's
    words at once; each must be the hash that word has alone, in every process."""
    import hashlib

    from xarchive.core.index import pairs

    expected = [
        int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest(), "little")
        for w in words
    ]
    assert pairs.word_hashes(words).tolist() == expected
    assert [pairs.word_hash(w) for w in words] == expected


def test_word_hashes_start_again_past_their_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from xarchive.core.index import pairs

    monkeypatch.setattr(pairs, "_WORD_HASHES", {f"w{i}": 0 for i in range(299_999)})
    words = ["court", "ban", "court", "ministry"]
    hashes = pairs.word_hashes(words).tolist()
    assert hashes == [pairs.word_hash(w) for w in words] and hashes[0] != 0
    assert len(pairs._WORD_HASHES) < 10  # cleared, then these three remembered


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.integers(min_value=0, max_value=2**64 - 1) | st.sampled_from([0, 7, 2**63]), max_size=50
    )
)
def test_a_texts_distinct_pair_keys_are_numpys_unique(keys: list[int]) -> None:
    import numpy as np

    from xarchive.core.index.pairs import distinct

    array = np.array(keys, dtype=np.uint64)
    found = distinct(array)
    assert found.dtype == np.uint64 and found.tolist() == np.unique(array).tolist()


def _made_up_words(count: int) -> list[str]:
    """English-looking words, real suffixes on made-up stems, and any letters at all."""
    rng = random.Random(7)
    suffixes = ["", "s", "es", "ed", "ing", "ly", "ness", "ation", "ational", "ization", "ful",
                "fulness", "ous", "ive", "ize", "ies", "ied", "y", "eed", "eedly", "ement",
                "ence", "ance", "able", "ible", "ism", "iti", "biliti", "logi", "ical",
                "icate", "ative", "alize", "bl", "ion", "sion", "tion", "ss", "us", "er",
                "al", "ic"]  # fmt: skip
    consonants, vowels = "bcdfghjklmnpqrstvwxz", "aeiouy"
    words = set()
    while len(words) < count:
        syllables = (rng.choice(consonants) + rng.choice(vowels) + rng.choice(["", *consonants])
                     for _ in range(rng.randint(1, 4)))  # fmt: skip
        words.add(("" if rng.random() < 0.7 else rng.choice(vowels)) + "".join(syllables)
                  + rng.choice(suffixes))  # fmt: skip
        words.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 12))))
    return sorted(words)


# Where PyStemmer 3 (Snowball 3) and Whoosh's Porter2 part: pinned 2.2 must not.
_TRICKY = ["added", "adding", "evening", "internals", "international", "interval",
           "organization", "paste", "pasted", "university", "generously", "skies", "dying",
           "news", "howe", "atlas", "cosmos", "bias", "andes", "succeed", "proceed", "exceed",
           "gently", "ugly", "early", "only", "singly", "sky", "idly", "inning", "outing",
           "canning", "herring", "earring", "proceedings", "communism", "arsenal"]  # fmt: skip


def test_the_c_stemmer_stems_as_whooshs_porter2() -> None:
    """An index written with one must be searchable with the other (analysis._porter2)."""
    from whoosh.lang.porter2 import stem

    pytest.importorskip("Stemmer")
    words = _TRICKY + _made_up_words(30_000) + [w.lower() for w in WORDS_OF_THE_CASE.split()]
    assert analysis._porter2_stem is not stem  # the C stemmer is in use
    differ = [(w, analysis._porter2_stem(w), stem(w)) for w in words
              if analysis._porter2_stem(w) != stem(w)]  # fmt: skip
    assert differ == []


def test_the_c_stemmer_stems_on_every_thread() -> None:
    words = _made_up_words(2_000)
    expected = [analysis._porter2_stem(w) for w in words]
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append([analysis._porter2_stem(w)
                                                               for w in words]))
               for _ in range(4)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_without_pystemmer_whooshs_stemmer_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from whoosh.lang.porter2 import stem

    monkeypatch.setitem(sys.modules, "Stemmer", None)  # import Stemmer raises ImportError
    assert analysis._porter2() is stem
