"""The errors the core raises, each turned into one clear sentence at the edges."""

from __future__ import annotations

from typing import Any


class XArchiveError(Exception):
    """Base of every error the core reports to a person."""


class ArchiveNotFound(XArchiveError):
    """The folder is not an xarchive archive (no archive.sqlite)."""


class ArchiveExists(XArchiveError):
    """`init` was asked to create an archive where one already is."""


class ArchiveLocked(XArchiveError):
    """Another process holds the archive's write lock."""


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
    """An import had to stop (e.g. the disk is full); what was committed stays."""

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
