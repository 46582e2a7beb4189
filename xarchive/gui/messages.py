"""What the user is told when something goes wrong: one sentence of what happened, one of
what to do, and the fixes the app can run. Tracebacks go to the log, never here.

A core error's remedy (core/errors.py, `Remedy`) becomes a fix here, a button the
window runs, wherever the app can do it (FIX_LABELS); the words the CLI and the GUI
share are in core/wording.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import (
    ArchiveCorrupt,
    ArchiveExists,
    ArchiveLocked,
    ArchiveNotFound,
    ArchiveTooNew,
    ImportAborted,
    IndexUnavailable,
    QueryError,
    Remedy,
    StorageError,
    XArchiveError,
)
from ..core.paths import log_exception
from ..core.wording import sentence

log = logging.getLogger(__name__)

# Fixes a dialog can offer; the window knows how to run each. The core's remedies are
# fixes as they are; the rest only the app has.
OPEN_READ_ONLY = Remedy.OPEN_READ_ONLY
REBUILD_INDEX = Remedy.REINDEX
CREATE_ARCHIVE = Remedy.CREATE_ARCHIVE
CHOOSE_ANOTHER = "choose-another"
REMOVE_RECENT = "remove-recent"

FIX_LABELS = {
    OPEN_READ_ONLY: "Open Read-Only",
    CREATE_ARCHIVE: "Create Archive Here",
    CHOOSE_ANOTHER: "Choose Another…",
    REBUILD_INDEX: "Rebuild Index",
    REMOVE_RECENT: "Remove from Recent",
}


@dataclass(frozen=True, slots=True)
class Problem:
    title: str
    text: str  # what happened
    advice: str = ""  # what to do
    fixes: tuple[str, ...] = ()
    details: str = ""  # the core's own sentence, for the curious
    severity: str = "warning"  # "warning", "error" or "info"
    extra: dict[str, str] = field(default_factory=dict)


def remedies(exc: BaseException) -> tuple[str, ...]:
    """The button for the remedy the core's error carries, where the app can run it (a
    full disk the app cannot free; verifying the originals is the command line's)."""
    remedy = exc.remedy if isinstance(exc, XArchiveError) else None
    return (remedy,) if remedy in FIX_LABELS else ()


def opening_problem(exc: BaseException, path: Path) -> Problem:
    """What to say when the archive at `path` cannot be opened."""
    name = f"‘{path.name}’"
    if isinstance(exc, ArchiveLocked):
        read_only = remedies(exc)
        return Problem(
            f"{path.name} is in use",
            f"The archive {name} is open in another xarchive window or program, "
            "which is the one allowed to change it.",
            "Open it read-only here to search and read, or close it there and open it again."
            if read_only
            else "Close it there and open it again here.",
            read_only,
            str(exc),
        )
    if isinstance(exc, ArchiveTooNew):
        return Problem(
            f"{path.name} needs a newer xarchive",
            f"The archive {name} was written by a newer version of xarchive than this one. "
            "Nothing in it was changed.",
            "Update xarchive to open it.",
            details=str(exc),
            severity="error",
        )
    if isinstance(exc, ArchiveCorrupt):
        return Problem(
            f"{path.name} cannot be read",
            f"The database of the archive {name} is damaged.",
            "Restore the archive folder from a backup. The original files in its blobs/ "
            "folder are untouched; `xarchive verify` checks them.",
            details=str(exc),
            severity="error",
        )
    if isinstance(exc, ArchiveNotFound) and exc.remedy == CREATE_ARCHIVE:
        return Problem(
            "No archive there",
            f"The folder {name} is empty.",
            "Make an archive there with File ▸ New Archive, or choose an xarchive archive "
            "folder (it holds archive.sqlite).",
            (CHOOSE_ANOTHER,),
            str(exc),
        )
    if isinstance(exc, ArchiveNotFound):
        missing = not path.exists()
        return Problem(
            "No archive there" if not missing else f"{path.name} is missing",
            f"The folder {name} does not exist any more." if missing else sentence(str(exc)),
            "It may have been moved, renamed or be on a drive that is not connected."
            if missing
            else "Choose an xarchive archive folder (it holds archive.sqlite).",
            (CHOOSE_ANOTHER, REMOVE_RECENT) if missing else (CHOOSE_ANOTHER,),
            str(exc),
        )
    if isinstance(exc, ArchiveExists):
        return Problem(
            "There is already something there", sentence(str(exc)), "Choose a new or empty folder."
        )
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return Problem(
            f"{path.name} cannot be opened",
            f"The archive {name} could not be opened: {reason}.",
            "Check that the drive is connected and that you may read and write the folder.",
            details=str(exc),
            severity="error",
        )
    if isinstance(exc, StorageError):
        return Problem(
            f"{path.name} cannot be opened",
            f"The archive's database could not be used ({exc}).",
            "Close other programs that may use it and try again.",
            severity="error",
        )
    return job_problem("Opening the archive", exc)


def index_problem(exc: IndexUnavailable) -> Problem:
    return Problem(
        "The search index needs rebuilding",
        sentence(str(exc)),
        "Searching needs the index. Rebuilding it reads every item from the archive; "
        "nothing in the archive changes. It can be cancelled.",
        remedies(exc),
        str(exc),
    )


def job_problem(what: str, exc: BaseException, context: str = "") -> Problem:
    """A job (import, reindex, demo build, a search) that stopped with `exc`.

    An exception nobody foresaw is a bug: see `unexpected_problem`.
    """
    if isinstance(exc, ImportAborted):
        return Problem(f"{what} stopped", sentence(str(exc)), severity="error")
    if isinstance(exc, IndexUnavailable):
        return index_problem(exc)
    if isinstance(exc, QueryError):
        return Problem("The search is not valid", sentence(str(exc)))
    if isinstance(exc, StorageError):  # SQLite's own words: as before it was the core's
        return unexpected_problem(what, exc, context)
    if isinstance(exc, XArchiveError):
        return Problem(f"{what} failed", sentence(str(exc)), fixes=remedies(exc), severity="error")
    if isinstance(exc, OSError):
        where = f" (‘{exc.filename}’)" if exc.filename else ""
        return Problem(
            f"{what} failed",
            f"A file could not be used{where}: {exc.strerror or exc}.",
            "Check that the drive is connected and has free space.",
            severity="error",
        )
    return unexpected_problem(what, exc, context)


def unexpected_problem(what: str, exc: BaseException, context: str = "") -> Problem:
    """What to say about an exception nobody foresaw. Its traceback is appended to the
    log file first, after `context` (e.g. the query), and the advice names that file,
    so that the user can find it and send it."""
    path = log_exception(exc, f"{what}: {context}" if context else what)
    log.error("%s failed (%s: %s); traceback in %s", what, type(exc).__name__, exc, path)
    return Problem(
        f"{what} failed",
        f"Something unexpected went wrong ({type(exc).__name__}).",
        f"Everything committed before it is safe. The details are in {path}; "
        "please include that file when you report the problem.",
        details=f"{type(exc).__name__}: {exc}",
        severity="error",
    )
