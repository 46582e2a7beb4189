"""Reading a bundle, zipped or a folder, without trusting it.

`open_bag(path)` looks at every entry before anything is read and refuses the
bundle — with every reason — if an entry could escape the bundle or exhaust the
machine: a path with `..` or an absolute one, a symbolic link, a device or other
special file, an encrypted entry, more entries than `Limits.max_entries`, more
bytes than `Limits.max_total_bytes` once unpacked, or an entry that unpacks to
far more than it occupies (a zip bomb). A zip is read in place, entry by entry,
and never extracted to disk.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO

from .errors import BundleRejected
from .layout import BAGIT_TXT

MiB = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """What a bundle may hold; beyond these it is refused before it is read."""

    max_entries: int = 50_000
    max_total_bytes: int = 64 * 1024 * MiB
    #: An entry larger than `ratio_floor` unpacked may not be more than this many
    #: times its packed size (text compresses 3–10 times, a zip bomb 1000 times).
    max_ratio: float = 100.0
    ratio_floor: int = 1 * MiB
    #: items.json and annotations.jsonld are read into memory: at most this big.
    max_json_bytes: int = 512 * MiB


class Bag:
    """The files of one bundle by path ("data/items.json"), with their unpacked sizes."""

    def __init__(self, name: str, files: dict[str, int]) -> None:
        self.name = name
        self.files = files

    def open(self, path: str) -> IO[bytes]:
        raise NotImplementedError

    def read(self, path: str, limit: int) -> bytes:
        """The whole of a (small) file; BundleRejected if it is bigger than `limit`."""
        if self.files[path] > limit:
            raise BundleRejected(self.name, [f"{path} is larger than {limit // MiB} MiB"])
        try:
            with self.open(path) as stream:
                return stream.read(limit + 1)[:limit]
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # bytes changed in the zip
            raise BundleRejected(self.name, [f"{path} is damaged in the zip ({exc})"]) from exc

    def close(self) -> None:
        """Release the bundle's file."""

    def __enter__(self) -> Bag:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class _ZipBag(Bag):
    def __init__(self, name: str, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]):
        super().__init__(name, {path: info.file_size for path, info in members.items()})
        self._zip = archive
        self._members = members

    def open(self, path: str) -> IO[bytes]:
        # ZipExtFile never yields more than the entry's declared size and checks its CRC.
        try:
            return self._zip.open(self._members[path])
        except (OSError, ValueError, OverflowError) as exc:
            # A central directory that places the entry before the file's start or past
            # its end (found by fuzzing): zipfile seeks there and the seek fails.
            raise zipfile.BadZipFile(f"its entry lies outside the zip file ({exc})") from exc

    def close(self) -> None:
        self._zip.close()


class _FolderBag(Bag):
    def __init__(self, name: str, root: Path, files: dict[str, int]) -> None:
        super().__init__(name, files)
        self._root = root

    def open(self, path: str) -> IO[bytes]:
        # O_NOFOLLOW: a file swapped for a link after the scan is still not followed.
        fd = os.open(self._root / path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        return os.fdopen(fd, "rb")


def open_bag(path: Path, limits: Limits | None = None) -> Bag:
    """Open a zipped or folder bundle after checking every entry; raise BundleRejected."""
    limits = limits or Limits()
    path = Path(path)
    name = path.name
    try:
        info = path.lstat()
    except OSError as exc:
        raise BundleRejected(name, [f"it cannot be read ({exc.strerror or exc})"]) from exc
    if stat.S_ISLNK(info.st_mode):
        path = path.resolve()
    if path.is_dir():
        files = _scan_folder(name, path, limits)
        prefix = _top_prefix(name, files)
        return _FolderBag(name, path / prefix, {p[len(prefix) :]: n for p, n in files.items()})
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BundleRejected(
            name, [f"it is neither a folder nor a readable zip file ({exc})"]
        ) from exc
    try:
        members = _check_zip(name, archive, limits)
        prefix = _top_prefix(name, members)
        return _ZipBag(name, archive, {p[len(prefix) :]: i for p, i in members.items()})
    except BaseException:
        archive.close()
        raise


def _check_zip(name: str, archive: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise BundleRejected(
            name, [f"it has {len(entries)} entries; a bundle may have at most {limits.max_entries}"]
        )
    problems: list[str] = []
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for entry in entries:
        raw = entry.filename
        problem = _unsafe_name(raw)
        mode = entry.external_attr >> 16
        if not problem and entry.create_system == 3 and mode:
            problem = _special(mode)
        if not problem and entry.flag_bits & 0x1:
            problem = "is encrypted"
        if not problem and entry.file_size > limits.ratio_floor:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > limits.max_ratio:
                problem = (
                    f"unpacks to {entry.file_size} bytes from {entry.compress_size} "
                    f"({ratio:.0f} times; at most {limits.max_ratio:.0f}): a zip bomb"
                )
        if problem:
            problems.append(f"entry ‘{_printable(raw)}’ {problem}")
            continue
        if entry.is_dir():
            continue
        if raw in members:
            problems.append(f"entry ‘{_printable(raw)}’ appears twice")
            continue
        total += entry.file_size
        members[raw] = entry
    if total > limits.max_total_bytes:
        problems.append(
            f"it unpacks to {total} bytes; a bundle may hold at most {limits.max_total_bytes}"
        )
    if problems:
        raise BundleRejected(name, problems)
    return members


def _unsafe_name(raw: str) -> str:
    if not raw or "\x00" in raw:
        return "has an empty or broken name"
    if raw.startswith(("/", "\\")) or (len(raw) > 1 and raw[1] == ":"):
        return "has an absolute path"
    if "\\" in raw:
        return "has a backslash in its path"
    if ".." in PurePosixPath(raw).parts:
        return "points outside the bundle (../)"
    return ""


def _special(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device file"
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return "is a special file (pipe or socket)"
    return ""


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:200]


def _scan_folder(name: str, root: Path, limits: Limits) -> dict[str, int]:
    files: dict[str, int] = {}
    problems: list[str] = []
    total = 0
    count = 0
    for relative, info in _walk(root):
        count += 1
        if count > limits.max_entries:
            raise BundleRejected(name, [f"it has more than {limits.max_entries} entries"])
        if stat.S_ISDIR(info.st_mode):
            continue
        if stat.S_ISREG(info.st_mode):
            files[relative] = info.st_size
            total += info.st_size
            continue
        problem = _special(info.st_mode) or "is not a regular file"
        problems.append(f"‘{_printable(relative)}’ {problem}")
    if total > limits.max_total_bytes:
        problems.append(
            f"it holds {total} bytes; a bundle may hold at most {limits.max_total_bytes}"
        )
    if problems:
        raise BundleRejected(name, problems)
    return files


def _walk(root: Path, prefix: str = "") -> Iterator[tuple[str, os.stat_result]]:
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            relative = f"{prefix}{entry.name}"
            info = entry.stat(follow_symlinks=False)
            yield relative, info
            if stat.S_ISDIR(info.st_mode):
                yield from _walk(Path(entry.path), relative + "/")


def _top_prefix(name: str, files: Mapping[str, object]) -> str:
    """ "" if the bag is at the top, else "folder/": a zip usually holds the bag in one folder."""
    if BAGIT_TXT in files:
        return ""
    tops = {p.split("/", 1)[0] for p in files}
    if len(tops) == 1:
        top = tops.pop() + "/"
        if top + BAGIT_TXT in files:
            return top
    raise BundleRejected(name, ["it is not a BagIt bag: there is no bagit.txt at its top"])
