"""The archive's connections to SQLite, which raise the core's `StorageError`.

Every error SQLite gives through a connection of `connect` (a locked or read-only
database, a damaged file, a full disk, a constraint) comes out as an
`errors.StorageError`: a front end catches that, and never needs to import sqlite3.
The error raised is also the sqlite3 error it stands for, by the same name (this
module's `OperationalError` is an `sqlite3.OperationalError` too), so that the core's
own handling of a constraint or of a full disk goes on as before, and a message that
names the error reads as it did. Translated where a statement runs or a transaction
ends (`execute`, `executemany`, `executescript`, `commit`, `rollback`, `close`); an
error while iterating over the rows of a statement already started stays SQLite's
own, unless the code reading them runs inside `translating()`.

The rest of the core and the front ends catch these classes (or `StorageError`) and
never import sqlite3: only this package does (a contract in pyproject.toml).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..errors import StorageError

T = TypeVar("T")


class Error(StorageError, sqlite3.Error):
    pass


# The same tree as sqlite3's: catching `DatabaseError` catches what catching
# sqlite3.DatabaseError caught (an OperationalError, an IntegrityError …).
class DatabaseError(Error, sqlite3.DatabaseError):
    pass


class OperationalError(DatabaseError, sqlite3.OperationalError):
    pass


class IntegrityError(DatabaseError, sqlite3.IntegrityError):
    pass


class ProgrammingError(DatabaseError, sqlite3.ProgrammingError):
    pass


class DataError(DatabaseError, sqlite3.DataError):
    pass


class NotSupportedError(DatabaseError, sqlite3.NotSupportedError):
    pass


class InternalError(DatabaseError, sqlite3.InternalError):
    pass


class InterfaceError(Error, sqlite3.InterfaceError):
    pass


#: Most specific first: the first class the error is an instance of wins.
_KINDS: tuple[tuple[type[sqlite3.Error], type[StorageError]], ...] = (
    (sqlite3.OperationalError, OperationalError),
    (sqlite3.IntegrityError, IntegrityError),
    (sqlite3.ProgrammingError, ProgrammingError),
    (sqlite3.DataError, DataError),
    (sqlite3.NotSupportedError, NotSupportedError),
    (sqlite3.InternalError, InternalError),
    (sqlite3.DatabaseError, DatabaseError),
    (sqlite3.InterfaceError, InterfaceError),
    (sqlite3.Error, Error),
)


def translated(exc: sqlite3.Error) -> sqlite3.Error:
    """`exc` as the StorageError that is also its kind of sqlite3 error."""
    if isinstance(exc, StorageError):
        return exc
    kind = next(storage for plain, storage in _KINDS if isinstance(exc, plain))
    error: Any = kind(*exc.args)
    error.sqlite_errorcode = getattr(exc, "sqlite_errorcode", None)
    error.sqlite_errorname = getattr(exc, "sqlite_errorname", None)
    result: sqlite3.Error = error
    return result


@contextlib.contextmanager
def translating() -> Iterator[None]:
    """SQLite's errors raised in the block, reading rows too, as the core's."""
    try:
        yield
    except sqlite3.Error as exc:
        raise translated(exc) from exc


class Connection(sqlite3.Connection):
    """A connection whose errors are the core's (see the module's docstring)."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as exc:
            raise translated(exc) from exc

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as exc:
            raise translated(exc) from exc

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(script)
        except sqlite3.Error as exc:
            raise translated(exc) from exc

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.Error as exc:
            raise translated(exc) from exc

    def rollback(self) -> None:
        try:
            super().rollback()
        except sqlite3.Error as exc:
            raise translated(exc) from exc

    def close(self) -> None:
        try:
            super().close()
        except sqlite3.Error as exc:
            raise translated(exc) from exc


def connect(db_path: Path, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the archive's pragmas. One per thread: never share one.

    Raises StorageError (the database cannot be opened)."""
    try:
        if readonly:
            conn = sqlite3.connect(
                f"{db_path.as_uri()}?mode=ro", uri=True, isolation_level=None, factory=Connection
            )
        else:
            conn = sqlite3.connect(db_path, isolation_level=None, factory=Connection)
    except sqlite3.Error as exc:
        raise translated(exc) from exc
    # isolation_level=None: we open transactions ourselves (BEGIN / `with conn`
    # would not start one in autocommit mode), see `Archive.transaction`.
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


#: Values bound in one statement (`IN (?, ?, …)`) at most: well below SQLite's limit
#: (999 before 3.32), the rest of the statement's parameters beside them.
CHUNK = 400


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[list[T]]:
    """`values` in lists of at most `size`, for the `IN (…)` of one statement each."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def probe(conn: sqlite3.Connection) -> None:
    """Read the database's schema: raises DatabaseError if the file is not a database."""
    with translating():
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def begin(conn: sqlite3.Connection) -> None:
    """Start a transaction that writes (taking SQLite's write lock now, not at the
    first write, so that a busy database is found before any work)."""
    conn.execute("BEGIN IMMEDIATE")


def commit(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")


def rollback(conn: sqlite3.Connection) -> None:
    conn.execute("ROLLBACK")


@contextlib.contextmanager
def savepoint(conn: sqlite3.Connection, name: str) -> Iterator[Callable[[], None]]:
    """A savepoint inside the caller's transaction, released at the end of the block;
    the block is given `undo`, which takes back what it wrote since (the transaction
    goes on)."""

    def undo() -> None:
        conn.execute(f"ROLLBACK TO {name}")

    conn.execute(f"SAVEPOINT {name}")
    try:
        yield undo
    finally:
        conn.execute(f"RELEASE {name}")
