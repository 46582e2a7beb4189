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


def test_the_cores_storage_errors_are_sorted_as_sqlite3s(tmp_path: Path) -> None:
    """The core outside store/ catches `connection.DatabaseError` where it caught
    sqlite3.DatabaseError (a damaged archive): a locked or full database, an
    OperationalError, must still be one."""
    from xarchive.core.store import connection

    Archive.create(tmp_path / "case.xarchive").close()
    with (
        Archive.open(tmp_path / "case.xarchive", readonly=True) as archive,
        pytest.raises(connection.DatabaseError) as refused,
    ):
        archive.set_setting("organization", "Digital Rights Foundation")
    assert isinstance(refused.value, connection.OperationalError)
    assert isinstance(refused.value, connection.Error)


def test_an_error_while_reading_rows_is_translated_inside_translating(tmp_path: Path) -> None:
    """Rows are read after `execute` returns: SQLite's error then comes from the cursor,
    which the connection does not see; `translating()` makes it the core's."""
    from xarchive.core.store import connection

    conn = connect(tmp_path / "a.sqlite")
    conn.create_function("refuse", 1, lambda n: 1 // (n - 2))  # row 2 cannot be read
    conn.execute("CREATE TABLE n (v INTEGER)")
    conn.executemany("INSERT INTO n VALUES (?)", [(1,), (2,), (3,)])
    rows = conn.execute("SELECT refuse(v) FROM n")  # in the order inserted
    with pytest.raises(sqlite3.OperationalError) as plain:
        rows.fetchall()
    assert not isinstance(plain.value, StorageError)  # SQLite's own, without the block
    rows = conn.execute("SELECT refuse(v) FROM n")  # in the order inserted
    with pytest.raises(StorageError) as translated, connection.translating():
        rows.fetchall()
    assert isinstance(translated.value, connection.OperationalError)
    conn.close()
