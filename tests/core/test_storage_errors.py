"""SQLite's errors reach a front end as the core's StorageError (store/connection.py):
the GUI catches that and needs no sqlite3, while the core's own handling of SQLite's
kinds of error (a constraint, a full disk) goes on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from xarchive.core.archive import Archive
from xarchive.core.errors import StorageError, XArchiveError
from xarchive.core.store.connection import connect


def test_a_write_a_read_only_archive_refuses_is_a_storage_error(tmp_path: Path) -> None:
    Archive.create(tmp_path / "case.xarchive").close()
    with Archive.open(tmp_path / "case.xarchive", readonly=True) as archive:
        with pytest.raises(StorageError) as refused, archive.transaction():
            archive.set_setting("organization", "Digital Rights Foundation")
        assert archive.setting("organization") == ""  # nothing was written
    error = refused.value
    assert isinstance(error, XArchiveError)
    # still SQLite's kind of error, with SQLite's words and code
    assert isinstance(error, sqlite3.OperationalError)
    assert isinstance(error.__cause__, sqlite3.OperationalError)
    assert str(error) == str(error.__cause__)
    assert "readonly" in str(error)
    assert error.sqlite_errorname == "SQLITE_READONLY"
    assert type(error).__name__ == "OperationalError"  # as a report of it named it before


def test_a_broken_constraint_is_a_storage_error_and_an_integrity_error(tmp_path: Path) -> None:
    with Archive.create(tmp_path / "case.xarchive") as archive:
        conn = archive.db
        conn.execute("CREATE TABLE names (name TEXT PRIMARY KEY)")
        conn.execute("INSERT INTO names VALUES ('PTA')")
        with pytest.raises(sqlite3.IntegrityError) as twice:
            conn.execute("INSERT INTO names VALUES ('PTA')")
        assert isinstance(twice.value, StorageError)
        with pytest.raises(StorageError):
            conn.executemany("INSERT INTO names VALUES (?)", [("IHC",), ("IHC",)])
        with pytest.raises(StorageError):
            conn.executescript("INSERT INTO names VALUES ('PTA');")


def test_a_database_that_cannot_be_opened_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "a folder").mkdir()
    with pytest.raises(StorageError, match="unable to open"):
        connect(tmp_path / "a folder")
