"""Content-addressed storage of originals: blobs/ab/cd/<sha256>, never modified.

A blob is written to a temporary file in blobs/.tmp, fsynced, and renamed into
place (then the folder is fsynced), so a blob is either absent or whole.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class StagedFile:
    """A copy of a source file in the staging area, with the hash of what was copied."""

    tmp_path: Path
    sha256: str
    size: int


def blob_path(blobs_dir: Path, sha256: str) -> Path:
    return blobs_dir / sha256[:2] / sha256[2:4] / sha256


def staging_dir(blobs_dir: Path) -> Path:
    return blobs_dir / ".tmp"


def stage_copy(source: Path, staging: Path) -> StagedFile:
    """Copy the file `source` into `staging` while hashing it: `stage_stream` for a file.

    Raises OSError as the file system reports it.
    """
    with source.open("rb") as src:
        return stage_stream(src, staging)


def stage_stream(
    src: IO[bytes], staging: Path, check: Callable[[int], None] | None = None
) -> StagedFile:
    """Copy `src` into `staging` while hashing it, in one read; fsync the copy.

    Hashing the bytes we copy (not the file a second time) means the hash always
    describes the stored bytes, even if the source changes meanwhile. `check` is
    called with the bytes read so far before each chunk is written, and stops the
    copy by raising (a size limit, a cancel). Whatever stops it, the partial copy
    is removed. Raises OSError as the file system reports it.
    """
    staging.mkdir(parents=True, exist_ok=True)
    tmp = staging / f"{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as dst:
            while chunk := src.read(CHUNK):
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


def commit_blob(blobs_dir: Path, staged: StagedFile, sync_folder: bool = True) -> Path:
    """Move a staged copy to its content address (or drop it if the blob is there).

    `sync_folder=False` leaves the fsync of the blob's folder to the caller, who
    commits many blobs and syncs each folder once (`fsync_dir`)."""
    final = blob_path(blobs_dir, staged.sha256)
    if final.exists():
        staged.tmp_path.unlink(missing_ok=True)
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged.tmp_path, final)
    os.chmod(final, 0o444)
    if sync_folder:
        fsync_dir(final.parent)
    return final


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def clear_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


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
