"""The archive on disk: creation, the lock, migrations, damaged and foreign folders."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from xarchive.core.archive import Archive
from xarchive.core.errors import (
    ArchiveCorrupt,
    ArchiveExists,
    ArchiveLocked,
    ArchiveNotFound,
    ArchiveTooNew,
    Remedy,
)
from xarchive.core.store import migrations


def test_create_makes_the_documented_layout(tmp_path: Path) -> None:
    root = tmp_path / "Case.xarchive"
    with Archive.create(root, name="Case") as archive:
        assert archive.name == "Case"
        for sub in ("blobs", "derived", "index"):
            assert (root / sub).is_dir()
        db = archive.db
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert migrations.schema_version(db) == migrations.LATEST
        applied = [r[0] for r in db.execute("SELECT version FROM schema_migrations")]
        assert applied == list(range(1, migrations.LATEST + 1))


def test_create_refuses_an_existing_archive_or_a_full_folder(tmp_path: Path) -> None:
    Archive.create(tmp_path / "a").close()
    with pytest.raises(ArchiveExists):
        Archive.create(tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("mine")
    with pytest.raises(ArchiveExists, match="not empty"):
        Archive.create(tmp_path / "b")


def test_a_second_writer_is_refused_but_readers_are_not(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Archive.create(root):
        with pytest.raises(ArchiveLocked, match="in use by another") as locked:
            Archive.open(root)
        assert locked.value.remedy == Remedy.OPEN_READ_ONLY
        with Archive.open(root, readonly=True) as reader:
            assert reader.name == "a"
    Archive.open(root).close()  # the lock went with the first writer


def test_opening_a_folder_that_is_not_an_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound, match="is empty") as empty:
        Archive.open(tmp_path)
    # what to do is data, for the CLI to name a command and the GUI to offer a button
    assert empty.value.remedy == Remedy.CREATE_ARCHIVE and empty.value.archive == tmp_path
    (tmp_path / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(ArchiveNotFound, match="not an xarchive archive") as other:
        Archive.open(tmp_path)
    assert other.value.remedy is None  # not a folder to make an archive in
    with pytest.raises(ArchiveNotFound):
        Archive.open(tmp_path / "nowhere")


def test_an_archive_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Archive.create(root) as archive:
        archive.db.execute(f"PRAGMA user_version = {migrations.LATEST + 5}")
    with pytest.raises(ArchiveTooNew, match="newer xarchive"):
        Archive.open(root)


def test_a_damaged_database_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "a"
    Archive.create(root).close()
    for extra in ("archive.sqlite-wal", "archive.sqlite-shm"):
        (root / extra).unlink(missing_ok=True)
    (root / "archive.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(ArchiveCorrupt, match="cannot be read as a database"):
        Archive.open(root)


def test_an_older_schema_is_migrated_on_open(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    conn = sqlite3.connect(root / "archive.sqlite")
    conn.close()  # schema version 0: an archive made before any migration
    with Archive.open(root) as archive:
        assert migrations.schema_version(archive.db) == migrations.LATEST


def test_an_older_schema_is_upgraded_for_a_reader_too(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    sqlite3.connect(root / "archive.sqlite").close()  # an archive before any migration
    with Archive.open(root, readonly=True) as archive:  # e.g. `xarchive export` after an update
        assert migrations.schema_version(archive.db) == migrations.LATEST
        assert not archive.writable


def test_an_older_schema_in_use_by_a_writer_is_refused_to_a_reader(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    sqlite3.connect(root / "archive.sqlite").close()
    with Archive.open(root) as writer:  # migrates; now make it look old again
        writer.db.execute("PRAGMA user_version = 1")
        with pytest.raises(ArchiveLocked, match="needs a schema upgrade"):
            Archive.open(root, readonly=True)
        writer.db.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
        with pytest.raises(ArchiveTooNew):  # newer than this xarchive: refused, not touched
            Archive.open(root, readonly=True)
        writer.db.execute(f"PRAGMA user_version = {migrations.LATEST}")


def test_settings_and_audit_log_persist(tmp_path: Path) -> None:
    root = tmp_path / "a"
    with Archive.create(root) as archive, archive.transaction():
        archive.set_setting("user_name", "Researcher A")
        archive.audit("test", detail="x")
    with Archive.open(root) as archive:
        assert archive.user_name == "Researcher A"
        row = archive.db.execute(
            "SELECT user_name, action FROM audit_log WHERE action = 'test'"
        ).fetchone()
        assert row == ("Researcher A", "test")
