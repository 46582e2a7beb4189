"""Content-addressed storage of originals: blobs/ab/cd/<sha256>, never modified.

A blob is written to a temporary file in blobs/.tmp, fsynced, and renamed into
place (then the folder is fsynced), so a blob is either absent or whole. Many small
blobs at once (the records of the posts an import reads) are written, made durable by one
sync of the file system, renamed, and synced once more (`stage_many`, `commit_many`):
an fsync each, and one per folder, took 11 s for 3 200 posts on a busy disk.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from . import libc

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class StagedFile:
    """A copy of a source file in the staging area, with the hash of what was copied."""

    tmp_path: Path
    sha256: str
    size: int


def blob_path(blobs_dir: Path, sha256: str) -> Path:
    # one join, not three (half the time): an export asks for a thousand at once
    return blobs_dir.joinpath(sha256[:2], sha256[2:4], sha256)


def staging_dir(blobs_dir: Path) -> Path:
    return blobs_dir / ".tmp"


def stage_copy(source: Path, staging: Path) -> StagedFile:
    """Copy the file `source` into `staging` while hashing it: `stage_stream` for a file.

    Raises OSError as the file system reports it.
    """
    with source.open("rb") as src:
        return stage_stream(src, staging)


def stage_stream(
    src: IO[bytes], staging: Path, check: Callable[[int], None] | None = None, head: bytes = b""
) -> StagedFile:
    """Copy `src` into `staging` while hashing it, in one read; fsync the copy.

    Hashing the bytes we copy (not the file a second time) means the hash always
    describes the stored bytes, even if the source changes meanwhile. `check` is
    called with the bytes read so far before each chunk is written, and stops the
    copy by raising (a size limit, a cancel). Whatever stops it, the partial copy
    is removed. `head`: the first bytes of the file, read from `src` already (to
    tell its type), written before the rest. Raises OSError as the file system
    reports it.
    """
    staging.mkdir(parents=True, exist_ok=True)
    tmp = staging / f"{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as dst:
            rest = iter(lambda: src.read(CHUNK), b"")
            for chunk in itertools.chain((head,) if head else (), rest):
                size += len(chunk)
                if check is not None:
                    check(size)
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return StagedFile(tmp, digest.hexdigest(), size)


def stage_bytes(data: bytes, staging: Path) -> StagedFile:
    """Write `data` into `staging` and fsync it: `stage_stream` for bytes in memory."""
    return stage_stream(io.BytesIO(data), staging)


def stage_many(datas: Iterable[bytes], staging: Path) -> list[StagedFile]:
    """Write each of `datas` into `staging`, hashed, all made durable at once
    (`sync_files`): `stage_bytes` for many small blobs. On an error none is left."""
    staging.mkdir(parents=True, exist_ok=True)
    staged: list[StagedFile] = []
    try:
        for data in datas:
            tmp = staging / f"{uuid.uuid4().hex}.part"
            staged.append(StagedFile(tmp, hashlib.sha256(data).hexdigest(), len(data)))
            with tmp.open("wb") as dst:
                dst.write(data)
        sync_files([s.tmp_path for s in staged])
    except BaseException:
        for s in staged:
            s.tmp_path.unlink(missing_ok=True)
        raise
    return staged


def commit_many(blobs_dir: Path, staged: Sequence[StagedFile]) -> list[Path]:
    """`commit_blob` for each of `staged`, the renames made durable at once."""
    finals = [commit_blob(blobs_dir, s, sync_folder=False) for s in staged]
    sync_folders(sorted({final.parent for final in finals}))
    return finals


def commit_blob(blobs_dir: Path, staged: StagedFile, sync_folder: bool = True) -> Path:
    """Move a staged copy to its content address (or drop it if the blob is there).

    `sync_folder=False` leaves the fsync of the blob's folder to the caller, who
    commits many blobs and syncs each folder once (`fsync_dir`)."""
    final = blob_path(blobs_dir, staged.sha256)
    if final.exists():
        staged.tmp_path.unlink(missing_ok=True)
        return final
    try:
        os.replace(staged.tmp_path, final)
    except FileNotFoundError:  # its folder is new (a mkdir each time cost as much as the rest)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.tmp_path, final)
    os.chmod(final, 0o444)
    if sync_folder:
        fsync_dir(final.parent)
    return final


def store_bytes(data: bytes, staging: Path, blobs_dir: Path) -> tuple[str, int]:
    """Store `data` as a blob (written, fsynced, renamed into place); its (sha256, size)."""
    staged = stage_bytes(data, staging)
    commit_blob(blobs_dir, staged)
    return staged.sha256, staged.size


def store_many(records: list[bytes], staging: Path, blobs_dir: Path) -> None:
    """Store each of `records` as a blob: all written and made durable at once, then
    renamed into place and those made durable at once (stage_many, commit_many),
    much cheaper than `store_bytes` one by one."""
    new: dict[str, bytes] = {}
    for data in records:
        sha256 = hashlib.sha256(data).hexdigest()
        if sha256 not in new and not blob_path(blobs_dir, sha256).exists():
            new[sha256] = data
    staged: list[StagedFile] = []
    try:
        staged = stage_many(new.values(), staging)
        commit_many(blobs_dir, staged)
    finally:
        for s in staged:
            s.tmp_path.unlink(missing_ok=True)


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def clear_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def sync_files(paths: Sequence[Path]) -> None:
    """Make the contents of `paths` (files on one file system) durable: one syncfs of
    their file system where Linux has it, else an fsync of each (an error is raised)."""
    _sync(paths, _fsync_file)


def sync_folders(folders: Sequence[Path]) -> None:
    """Make the renames into `folders` (on one file system) durable: one syncfs where
    Linux has it, else an fsync of each folder (best effort, `fsync_dir`)."""
    _sync(folders, fsync_dir)


def _sync(paths: Sequence[Path], each: Callable[[Path], None]) -> None:
    if paths and _syncfs(paths[0]):  # a file's or a folder's: the same file system
        return
    for path in paths:
        each(path)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _libc_syncfs() -> Callable[[int], int] | None:
    return libc.function("syncfs")


def _syncfs(directory: Path) -> bool:
    """syncfs(2) on the file system of `directory`: every file written on it is on disk
    when it returns 0 (errors of the writeback are reported since Linux 5.8). False
    where it is not available or fails: the caller then fsyncs one by one."""
    syncfs = _libc_syncfs()
    if syncfs is None:
        return False
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return False
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename into `directory` durable (best effort: not every file system can)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
