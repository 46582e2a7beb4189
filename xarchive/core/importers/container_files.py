"""Reading the files of a container — a zip or an unpacked folder — safely.

Nothing is ever extracted to a path taken from the zip: members are read into
memory (the data files) or copied to the staging area under a random name (the
media). Members whose names climb out of the archive (``../``), are absolute or
carry a drive letter are not read at all. Sizes are checked before reading
(zip bombs): a member that would expand far beyond its compressed size, a data
file larger than `MAX_DATA_BYTES`, a picture larger than `MAX_MEDIA_BYTES`, or
more than `MAX_TOTAL_BYTES` read from one container are refused with a sentence
that says so. In a folder, a file that is a link to somewhere outside it is
refused the same way.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Protocol

from .. import blobs
from ..blobs import StagedFile
from ..errors import UnreadableFile

MAX_DATA_BYTES = 1 << 30  # one data/*.js part or one line, read into memory
MAX_MEDIA_BYTES = 512 << 20  # one picture
MAX_TOTAL_BYTES = 64 << 30  # everything read from one container
#: A member expanding more than this many times its compressed size (and to more
#: than a mebibyte) is taken for a zip bomb. X's JSON compresses about tenfold.
MAX_RATIO = 200
CHUNK = 1 << 20


class MemberProblem(Exception):
    """One member cannot be read (missing, unsafe, too large, damaged); the message says why."""


class ContainerSource(Protocol):
    """The files of a container, by their names inside it (``data/tweets.js``)."""

    location: str

    def names(self) -> list[str]: ...

    def exists(self, name: str) -> bool: ...

    def size(self, name: str) -> int: ...

    def read(self, name: str, limit: int = MAX_DATA_BYTES) -> bytes: ...

    def stage(self, name: str, staging: Path, limit: int = MAX_MEDIA_BYTES) -> StagedFile: ...

    def location_of(self, name: str) -> str: ...

    def close(self) -> None: ...


def unsafe_name(name: str) -> bool:
    """Whether a member name could point outside the container if used as a path."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return True
    if len(name) > 1 and name[1] == ":":  # C:…
        return True
    return any(part == ".." for part in PurePosixPath(name).parts)


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.0f} MiB" if size >= 1 << 20 else f"{size} bytes"


class _Budget:
    """The bytes still allowed to be read from one container."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.left = MAX_TOTAL_BYTES

    def take(self, size: int) -> None:
        if size > self.left:
            raise UnreadableFile(
                f"‘{Path(self.location).name}’ would expand to more than "
                f"{MAX_TOTAL_BYTES >> 30} GiB: the import stopped reading it, as it may be "
                "a zip bomb. If it is genuine, unpack it and import the folder."
            )
        self.left -= size


def _copy(src: IO[bytes], staging: Path, limit: int, name: str) -> StagedFile:
    """Copy `src` to a new file in `staging` while hashing it; fsync it. At most `limit` bytes."""

    def within_limit(size: int) -> None:
        if size > limit:
            raise MemberProblem(f"{name} is larger than {_mib(limit)}; it was not read")

    return blobs.stage_stream(src, staging, within_limit)


class ZipSource:
    """The members of a zip file. Raises UnreadableFile if it is not a readable zip."""

    def __init__(self, path: Path, location: str) -> None:
        self.location = location
        self._budget = _Budget(location)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
            raise UnreadableFile(
                f"‘{Path(location).name}’ is damaged: it is not a complete ZIP archive ({exc})."
            ) from exc
        except OSError as exc:
            raise UnreadableFile(
                f"‘{Path(location).name}’ cannot be read: {exc.strerror or exc}."
            ) from exc
        self._members: dict[str, zipfile.ZipInfo] = {}
        #: Names that were not read because they could escape the archive.
        self.unsafe: list[str] = []
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            if unsafe_name(info.filename):
                self.unsafe.append(info.filename)
                continue
            self._members.setdefault(info.filename, info)

    def names(self) -> list[str]:
        return list(self._members)

    def exists(self, name: str) -> bool:
        return name in self._members

    def size(self, name: str) -> int:
        return self._info(name).file_size

    def location_of(self, name: str) -> str:
        return f"{self.location}/{name}"

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = self._members.get(name)
        if info is None:
            raise MemberProblem(f"{name} is not in the archive")
        return info

    def _open(self, name: str, limit: int) -> IO[bytes]:
        info = self._info(name)
        if info.file_size > limit:
            raise MemberProblem(
                f"{name} would expand to {_mib(info.file_size)}, more than the "
                f"{_mib(limit)} allowed; it was not read"
            )
        if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise MemberProblem(
                f"{name} would expand {info.file_size // max(info.compress_size, 1)} times "
                "its compressed size (a zip bomb?); it was not read"
            )
        self._budget.take(info.file_size)
        try:
            return self._zip.open(info)
        except RuntimeError as exc:  # encrypted
            raise MemberProblem(f"{name} is encrypted; it was not read") from exc
        except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as exc:
            raise MemberProblem(f"{name} cannot be read: {exc}") from exc

    def read(self, name: str, limit: int = MAX_DATA_BYTES) -> bytes:
        parts = []
        total = 0
        try:
            with self._open(name, limit) as member:
                while chunk := member.read(CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise MemberProblem(f"{name} is larger than {_mib(limit)}; not read")
                    parts.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise MemberProblem(f"{name} is damaged in the archive ({exc})") from exc
        return b"".join(parts)

    def stage(self, name: str, staging: Path, limit: int = MAX_MEDIA_BYTES) -> StagedFile:
        try:
            with self._open(name, limit) as member:
                return _copy(member, staging, limit, name)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
            raise MemberProblem(f"{name} is damaged in the archive ({exc})") from exc

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> ZipSource:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class FolderSource:
    """The files under a folder, named by their path relative to it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.location = str(root)
        self._real_root = root.resolve()
        self._budget = _Budget(self.location)

    def names(self) -> list[str]:
        return sorted(self._walk(self.root, ""))

    def _walk(self, directory: Path, prefix: str) -> Iterator[str]:
        try:
            entries = list(os.scandir(directory))
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                yield from self._walk(Path(entry.path), name + "/")
            else:
                yield name

    def _path(self, name: str) -> Path:
        if unsafe_name(name):
            raise MemberProblem(f"{name} names a place outside the archive folder; not read")
        path = self.root / name
        try:
            real = path.resolve(strict=True)
            info = real.stat()
        except FileNotFoundError as exc:
            raise MemberProblem(f"{name} is not in the archive folder") from exc
        except (OSError, RuntimeError) as exc:
            raise MemberProblem(f"{name} cannot be read: {exc}") from exc
        if not real.is_relative_to(self._real_root):
            raise MemberProblem(f"{name} is a link to {real}, outside the archive folder; not read")
        if not stat.S_ISREG(info.st_mode):
            raise MemberProblem(f"{name} is not a regular file; not read")
        return real

    def exists(self, name: str) -> bool:
        """Whether the folder has this name (reading it may still be refused: see `_path`)."""
        if unsafe_name(name):
            return False
        path = self.root / name
        return path.is_symlink() or path.is_file()

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size

    def location_of(self, name: str) -> str:
        return str(self.root / name)

    def read(self, name: str, limit: int = MAX_DATA_BYTES) -> bytes:
        path = self._path(name)
        size = path.stat().st_size
        if size > limit:
            raise MemberProblem(f"{name} is {_mib(size)}, more than the {_mib(limit)} allowed")
        self._budget.take(size)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise MemberProblem(f"{name} cannot be read: {exc.strerror or exc}") from exc

    def stage(self, name: str, staging: Path, limit: int = MAX_MEDIA_BYTES) -> StagedFile:
        path = self._path(name)
        size = path.stat().st_size
        if size > limit:
            raise MemberProblem(f"{name} is {_mib(size)}, more than the {_mib(limit)} allowed")
        self._budget.take(size)
        try:
            return blobs.stage_copy(path, staging)
        except OSError as exc:
            raise MemberProblem(f"{name} cannot be read: {exc.strerror or exc}") from exc

    def close(self) -> None:
        pass

    def __enter__(self) -> FolderSource:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
