"""The words both front ends share: sizes as a file manager shows them, sentences."""

from __future__ import annotations

from xarchive.core.wording import human_size, sentence


def test_sizes_count_in_thousands_as_file_managers_do() -> None:
    assert human_size(0) == "0 bytes"
    assert human_size(999) == "999 bytes"
    assert human_size(1000) == "1.0 kB"
    assert human_size(1_400_000) == "1.4 MB"
    assert human_size(999_999) == "1.0 MB"  # not "1000.0 kB"
    assert human_size(2_100_000_000) == "2.1 GB"
    assert human_size(3_000_000_000_000) == "3000.0 GB"


def test_a_message_becomes_a_sentence() -> None:
    assert sentence("the disk is full") == "The disk is full."
    assert sentence("  Is it?  ") == "Is it?"
    assert sentence("") == ""
