"""The words both front ends share: sizes as a file manager shows them, sentences, counts."""

from __future__ import annotations

import re
from pathlib import Path

from xarchive.core.wording import counted, human_size, import_counts, sentence


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


def test_counts_are_said_with_their_noun_in_the_number_they_take() -> None:
    assert counted(1, "item") == "1 item"
    assert counted(0, "item") == "0 items"
    assert counted(12_400, "new link") == "12,400 new links"
    assert counted(2, "match", "matches") == "2 matches"


def test_an_import_is_summed_up_in_the_same_words_everywhere(tmp_path: Path) -> None:
    from xarchive.core.archive import Archive
    from xarchive.core.importing import import_paths

    folder = tmp_path / "collected"
    folder.mkdir()
    (folder / "note.txt").write_text("The ministry ordered the block.", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n")
    with Archive.create(tmp_path / "a.xarchive") as archive:
        first = import_paths(archive, [folder])
        again = import_paths(archive, [folder])
    assert import_counts(first) == "1 imported, 0 skipped, 1 failed"
    assert re.fullmatch(r"0 imported, [12] skipped, [01] failed", import_counts(again))
