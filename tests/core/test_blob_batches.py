"""Many small blobs stored at once (the records of an import's posts): each whole,
once, read-only, and nothing left in the staging folder whatever happens."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

import pytest

from xarchive.core import blobs
from xarchive.core.blobs import store_many


def test_records_are_stored_once_each_whole_and_read_only(tmp_path: Path) -> None:
    store, staging = tmp_path / "blobs", tmp_path / "blobs" / ".tmp"
    records = [f'{{"id": "{n}", "text": "post {n}"}}'.encode() for n in range(300)]
    store_many(records + records[:50], staging, store)  # repeats are stored once
    stored = sorted(p for p in store.rglob("*") if p.is_file())
    assert len(stored) == 300
    for data in records:
        path = blobs.blob_path(store, hashlib.sha256(data).hexdigest())
        assert path.read_bytes() == data
        assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert not any(staging.iterdir())
    store_many(records, staging, store)  # again: nothing new, nothing left over
    assert sorted(p for p in store.rglob("*") if p.is_file()) == stored
    assert not any(staging.iterdir())


def test_a_batch_that_fails_leaves_no_partial_file(tmp_path: Path) -> None:
    staging = tmp_path / ".tmp"
    with pytest.raises(TypeError):
        blobs.stage_many([b"first", b"second", "not bytes"], staging)  # type: ignore[list-item]
    assert not any(staging.iterdir())


def test_files_and_folders_are_synced_without_syncfs_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the kernel has no syncfs (not Linux), each file and folder is fsynced."""
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(blobs, "_libc_syncfs", lambda: None)
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    staged = blobs.stage_many([b"one", b"two", b"three"], tmp_path / ".tmp")
    assert len(synced) == 3
    finals = blobs.commit_many(tmp_path / "blobs", staged)
    assert [f.read_bytes() for f in finals] == [b"one", b"two", b"three"]
    assert len(synced) == 3 + len({f.parent for f in finals})


def test_a_stream_whose_first_bytes_were_read_is_staged_whole(tmp_path: Path) -> None:
    # A web capture's payload: its first bytes read to tell its type, then the rest.
    payload = b"<!doctype html><p>" + b"x" * (blobs.CHUNK + 10)
    stream = io.BytesIO(payload)
    head = stream.read(512)
    staged = blobs.stage_stream(stream, tmp_path, head=head)
    assert staged.tmp_path.read_bytes() == payload
    assert staged.sha256 == hashlib.sha256(payload).hexdigest()
    assert staged.size == len(payload)
