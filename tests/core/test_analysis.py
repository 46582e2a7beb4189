"""Text analysis: English stemming, Urdu normalisation, no stemming of Urdu."""

from __future__ import annotations

from xarchive.core.index.analysis import name_analyzer, normalize_word, text_analyzer


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
