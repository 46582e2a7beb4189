"""The errors the core raises, each turned into one clear sentence at the edges.

An error that the person can do something about carries that as data, its `remedy`
(and the `archive` it applies to, where the error knows it): the message says what
happened, never which command to type. The CLI renders a remedy as a command line
(cli/shared.py, `remedy_command`), the GUI as a button that does it (gui/messages.py).
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any


class Remedy(enum.StrEnum):
    """What a person can do about an error."""

    #: Rebuild the search index from the database (`xarchive reindex`).
    REINDEX = "reindex"
    #: Make an archive in the (empty) folder (`xarchive init`).
    CREATE_ARCHIVE = "create-archive"
    #: Open the archive read-only, beside the process that writes it.
    OPEN_READ_ONLY = "open-read-only"
    #: Free space on the archive's disk, then do it again.
    FREE_SPACE = "free-space"
    #: Re-hash the originals and check the audit log (`xarchive verify`).
    VERIFY = "verify"


class XArchiveError(Exception):
    """Base of every error the core reports to a person.

    `remedy` and `archive` are keyword-only, so that the message stays the one
    argument (and an error pickled back from a worker keeps them in its state)."""

    #: What the person can do about it, if anything (a class may give a default).
    remedy: Remedy | None = None
    #: The archive the remedy applies to, where the raiser knows it.
    archive: Path | None = None

    def __init__(
        self, *args: object, remedy: Remedy | None = None, archive: Path | None = None
    ) -> None:
        super().__init__(*args)
        if remedy is not None:
            self.remedy = remedy
        if archive is not None:
            self.archive = archive


class ArchiveNotFound(XArchiveError):
    """The folder is not an xarchive archive (no archive.sqlite)."""


class ArchiveExists(XArchiveError):
    """`init` was asked to create an archive where one already is."""


class ArchiveLocked(XArchiveError):
    """Another process holds the archive's write lock (read-only opens take none)."""

    remedy: Remedy | None = Remedy.OPEN_READ_ONLY


class ArchiveTooNew(XArchiveError):
    """The archive was written by a newer xarchive whose schema we do not know."""


class ArchiveCorrupt(XArchiveError):
    """archive.sqlite cannot be read as a database."""


class UnreadableFile(XArchiveError):
    """A file could not be imported; the message says why, for a person."""


class UnsupportedFile(UnreadableFile):
    """The file's content matches no importer."""


class IndexUnavailable(XArchiveError):
    """The search index is missing, stale or corrupt; `reindex` rebuilds it."""

    remedy: Remedy | None = Remedy.REINDEX
    #: "missing", "outdated" or "corrupt" where known.
    state: str = ""


class QueryError(XArchiveError):
    """A search query could not be understood; the message points at the problem.

    `position` is where in the query (1-based, counting characters of the text
    as typed) the problem is, for the search bar to put its cursor there.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class ItemNotFound(XArchiveError):
    """No item has the given id or hash."""


class NetworkForbidden(XArchiveError):
    """Something tried to open a network connection; xarchive never does."""


class Cancelled(XArchiveError):
    """A job was cancelled by the user."""


class ImportAborted(XArchiveError):
    """An import had to stop because the disk is full; what was committed stays."""

    remedy: Remedy | None = Remedy.FREE_SPACE

    #: The import's report (an ImportReport) up to where it stopped, for the front end.
    report: Any = None


class InvalidAnnotation(XArchiveError):
    """An annotation, tag or link cannot be made as asked (empty tag, page out of range …)."""


class AnnotationNotFound(XArchiveError):
    """No annotation, tag or link has the given id or name."""


class ItemHasAnnotations(XArchiveError):
    """An item cannot be deleted before the caller says what to do with what is attached."""


class UndoConflict(XArchiveError):
    """An undo or redo would overwrite a newer change to the same annotation."""


class IndexBusy(XArchiveError):
    """The search index is being written by another task (an import); try again after it."""


class StorageError(XArchiveError):
    """The archive's database refused a read or a write: locked by another program,
    read-only, damaged, or its disk full. Every connection the archive opens raises it
    for SQLite's errors (store/connection.py); the message is SQLite's."""
