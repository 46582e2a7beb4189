"""Finding what to import: every file under the paths given, or why one cannot be read.

A folder that is one container (an unpacked X archive) is one `Candidate`; the
importers say which (`importers.folder_importer`). Links out of a folder are not
followed unless asked (`scan`'s docstring says why).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..importers import folder_importer
from .report import LINK_NOT_FOLLOWED, Outcome

#: Files that are never evidence: operating-system litter.
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".directory"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file the scan found (or a folder that is one container), as it was then."""

    path: Path
    root: Path
    size: int
    mtime_ns: int
    #: A folder read as one container: the NAME of its container importer.
    folder_of: str = ""
    #: A file inside a container (a picture in a zip): no file state is kept for it.
    virtual: bool = False


def scan(
    paths: Sequence[Path], exclude: Path | None = None, follow_links: bool = False
) -> Iterator[Candidate | Outcome]:
    """Every file under `paths`, or an Outcome saying why a path cannot be imported.

    Symbolic links inside a folder are followed only while they stay inside it
    (`follow_links` follows them anywhere): a folder unpacked from an untrusted
    source must not pull /etc/shadow or the user's keys into the archive. Each
    link left alone is a skipped Outcome. A path given itself is followed. A
    folder is never visited twice, so link loops end; a link to nowhere or a
    loop of links is reported.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        problem = _unusable(path)
        if problem:
            yield Outcome(str(path), "failed", problem)
            continue
        if path.is_dir():
            unit = folder_importer(path)
            if unit is not None:
                yield _folder(path, path.parent, unit.NAME)
            else:
                inside = None if follow_links else Path(os.path.realpath(path))
                yield from _walk(path, path, seen_dirs, exclude, inside)
        else:
            yield from _file(path, path.parent)


def _unusable(path: Path) -> str:
    try:
        path.lstat()
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return os_reason(exc)
    try:
        path.stat()
    except OSError as exc:
        return os_reason(exc, path)
    return ""


def _walk(
    directory: Path,
    root: Path,
    seen: set[tuple[int, int]],
    exclude: Path | None,
    inside: Path | None = None,
) -> Iterator[Candidate | Outcome]:
    """`inside`: the real path of the folder given, that links may not leave (None: they may)."""
    try:
        info = directory.stat()
    except OSError as exc:
        yield Outcome(str(directory), "failed", os_reason(exc, directory))
        return
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return
    seen.add(key)
    if exclude is not None and directory == exclude:
        return
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        yield Outcome(str(directory), "failed", f"the folder cannot be read: {os_reason(exc)}")
        return
    for entry in entries:
        if entry.name in IGNORED_NAMES or entry.name.startswith("._"):
            continue
        if entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
            continue  # .git, .Trash and the like
        path = directory / entry.name  # a ninth of Path(entry.path)'s cost (3.11)
        if inside is not None and entry.is_symlink():
            leaving = _link_outside(path, inside)
            if leaving:
                reason = f"{LINK_NOT_FOLLOWED} (to {leaving}); not followed: import it on its own"
                yield Outcome(str(path), "skipped", reason + ", or with --follow-links")
                continue
        # One stat per file (the entry's, which follows a link): a re-import of a
        # large folder is mostly this loop.
        try:
            info = entry.stat()
        except FileNotFoundError as exc:
            vanished = not entry.is_symlink()
            yield Outcome(
                str(path), "failed", "does not exist" if vanished else os_reason(exc, path)
            )
            continue
        except OSError as exc:
            yield Outcome(str(path), "failed", os_reason(exc, path))
            continue
        if stat.S_ISDIR(info.st_mode):
            unit = folder_importer(path)
            if unit is not None:
                yield _folder(path, root, unit.NAME)
            else:
                yield from _walk(path, root, seen, exclude, inside)
        else:
            yield from _file(path, root, info)


def _link_outside(link: Path, inside: Path) -> str:
    """Where `link` leads if that is outside the folder `inside` (a real path), else ""."""
    target = os.path.realpath(link)
    if target == str(inside) or target.startswith(str(inside).rstrip("/") + "/"):
        return ""
    return target


def _file(
    path: Path, root: Path, info: os.stat_result | None = None
) -> Iterator[Candidate | Outcome]:
    if info is None:
        try:
            info = path.stat()
        except OSError as exc:
            yield Outcome(str(path), "failed", os_reason(exc, path))
            return
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a named pipe" if stat.S_ISFIFO(info.st_mode)
            else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a socket" if stat.S_ISSOCK(info.st_mode)
            else "not a regular file"
        )  # fmt: skip
        yield Outcome(str(path), "failed", f"is {kind}, not a file")
        return
    yield Candidate(path, root, info.st_size, info.st_mtime_ns)


def _folder(path: Path, root: Path, importer: str) -> Candidate:
    """A folder that is one container (an unpacked X archive).

    Its size and time are those of all its files together (the largest time), so
    that an unchanged folder is skipped without being read.
    """
    size = 0
    newest = 0
    for directory, _dirs, files in os.walk(path):
        for name in files:
            try:
                info = os.stat(os.path.join(directory, name))
            except OSError:
                continue
            size += info.st_size
            newest = max(newest, info.st_mtime_ns)
    return Candidate(path, root, size, newest, folder_of=importer)


def os_reason(exc: OSError, path: Path | None = None) -> str:
    """Why a file could not be read or stored, for a person."""
    if exc.errno == errno.ELOOP:
        return "is a symbolic link that loops back on itself"
    if exc.errno == errno.ENOENT and path is not None and path.is_symlink():
        return f"is a symbolic link to {os.readlink(path)}, which does not exist"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    if exc.errno == errno.ENOSPC:
        return "could not be stored: the disk is full"
    if exc.errno == errno.EIO:
        return "cannot be read: input/output error (a failing disk?)"
    return f"cannot be read: {exc.strerror or exc}"
