"""The marker file of an archive folder (core/marker.py): written when an archive is made
or first opened for writing, never over what is there, and never on a read-only open."""

from __future__ import annotations

from pathlib import Path

from xarchive.core import marker
from xarchive.core.archive import Archive


def test_a_new_archive_has_its_marker_and_folder_icon(tmp_path: Path) -> None:
    root = tmp_path / "Case.xarchive"
    Archive.create(root).close()
    text = (root / marker.MARKER_NAME).read_text(encoding="utf-8")
    assert text == marker.MARKER_TEXT
    assert "xarchive archive" in text and "xarchive verify" in text
    assert marker.is_marker(root / marker.MARKER_NAME)
    assert (root / ".directory").read_text(encoding="utf-8") == (
        "[Desktop Entry]\nIcon=org.xarchive.xarchive\n"
    )
    assert not marker.is_marker(root / "archive.sqlite")
    assert not marker.is_marker(tmp_path / "gone.xarchive.txt")  # not a file


def test_an_older_archive_gets_them_when_opened_for_writing_only(tmp_path: Path) -> None:
    root = tmp_path / "Old.xarchive"
    Archive.create(root).close()
    (root / marker.MARKER_NAME).unlink()
    (root / ".directory").unlink()
    Archive.open(root, readonly=True).close()
    assert not (root / marker.MARKER_NAME).exists()  # a read-only open writes nothing
    Archive.open(root).close()
    assert (root / marker.MARKER_NAME).read_text(encoding="utf-8") == marker.MARKER_TEXT
    assert (root / ".directory").is_file()


def test_what_is_there_is_left_as_it_is(tmp_path: Path) -> None:
    root = tmp_path / "Case.xarchive"
    Archive.create(root).close()
    (root / marker.MARKER_NAME).write_text("our own words\n", encoding="utf-8")
    (root / ".directory").write_text("[Desktop Entry]\nIcon=folder-red\n", encoding="utf-8")
    Archive.open(root).close()
    assert (root / marker.MARKER_NAME).read_text(encoding="utf-8") == "our own words\n"
    assert "folder-red" in (root / ".directory").read_text(encoding="utf-8")
