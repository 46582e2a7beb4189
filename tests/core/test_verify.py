"""`verify`: every original re-hashed, on two threads, reported in the archive's order."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from xarchive.core import blobs
from xarchive.core import verify as verify_module
from xarchive.core.archive import Archive
from xarchive.core.errors import ArchiveNotFound
from xarchive.core.importing import ImportOptions, import_paths
from xarchive.core.jobs import CancelToken, Progress
from xarchive.core.store import items as item_store
from xarchive.core.verify import verify


@pytest.fixture(scope="module")
def notes_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve notes of different sizes, imported once for the module."""
    folder = tmp_path_factory.mktemp("notes")
    for n in range(12):
        words = " ".join(f"word{n}x{i}" for i in range(50 * (n + 1)))
        (folder / f"note{n:02d}.txt").write_text(f"Note {n}: {words}\n", encoding="utf-8")
    root = tmp_path_factory.mktemp("verify") / "notes.xarchive"
    with Archive.create(root) as archive:
        assert len(import_paths(archive, [folder], ImportOptions(ocr=False)).imported) == 12
    return root


@pytest.fixture
def filled(
    notes_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Archive]:
    """A copy of the notes archive; small batches and reads, so that a few blobs
    already spread over several batches and each takes several reads."""
    root = tmp_path / "notes.xarchive"
    shutil.copytree(notes_archive, root)
    monkeypatch.setattr(verify_module, "BATCH_BLOBS", 3)
    monkeypatch.setattr(verify_module, "BATCH_BYTES", 4000)
    monkeypatch.setattr(verify_module, "READ_SIZE", 512)
    monkeypatch.setattr(verify_module, "THREADED_FROM", 0)  # several threads, however small
    monkeypatch.setattr(verify_module, "_buffers", verify_module.local())
    with Archive.open(root) as archive:
        yield archive


def blob_of(archive: Archive, name: str) -> tuple[int, Path]:
    item = next(i for i in item_store.items(archive.db) if i.original_name == name)
    return item.id, blobs.blob_path(archive.blobs_dir, item.sha256)


def test_an_intact_archive_verifies(filled: Archive) -> None:
    seen: list[Progress] = []
    report = verify(filled, seen.append)
    assert report.ok and report.checked == report.total == 12
    assert report.problems == [] and report.unreferenced == []
    assert seen[-1].done == seen[-1].total == 12
    assert [p.done for p in seen] == sorted(p.done for p in seen)


def test_changed_missing_and_stray_blobs_are_named_in_the_archive_order(filled: Archive) -> None:
    changed_id, changed = blob_of(filled, "note03.txt")
    os.chmod(changed, 0o644)
    changed.write_bytes(changed.read_bytes() + b"one more line\n")
    missing_id, missing = blob_of(filled, "note07.txt")
    missing.unlink()
    folder_id, folder = blob_of(filled, "note10.txt")
    folder.unlink()
    folder.mkdir()  # a folder where the blob was is no blob
    stray = blobs.blob_path(filled.blobs_dir, "ab" * 32)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left by an interrupted import")

    for workers, threaded_from in ((1, 0), (2, 0), (2, 1 << 30)):  # one thread, 2, or one
        verify_module.THREADED_FROM = threaded_from  # (put back by the fixture's monkeypatch)
        report = verify(filled, workers=workers)
        assert not report.ok and report.checked == 10 and report.total == 12
        assert [(p.item_id, p.problem) for p in report.problems] == [
            (changed_id, "changed"),
            (missing_id, "missing"),
            (folder_id, "missing"),
        ]
        size = changed.stat().st_size
        assert f"; size {size} instead of {size - 14} bytes" in report.problems[0].detail
        assert report.unreferenced == ["ab" * 32]


def test_cancel_stops_and_says_so(filled: Archive) -> None:
    cancel = CancelToken()
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        if p.done:
            cancel.cancel()

    report = verify(filled, progress, cancel)
    assert report.cancelled and not report.ok
    assert 0 < report.checked < 12
    assert seen[-1].done < 12


def test_an_error_on_a_hashing_thread_reaches_the_caller(
    filled: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = verify_module._check_batch

    def failing(blobs_dir: str, batch: object, cancel: object) -> object:
        if any(ref[3] == "note05.txt" for ref in batch):  # type: ignore[attr-defined]
            raise MemoryError("no memory left to hash")
        return checked(blobs_dir, batch, cancel)  # type: ignore[arg-type]

    monkeypatch.setattr(verify_module, "_check_batch", failing)
    for workers in (1, 2):
        with pytest.raises(MemoryError, match="no memory left"):
            verify(filled, workers=workers)


def tamper(archive: Archive) -> None:
    """A blob changed, one gone, a stray one, and an item's title edited behind
    xarchive's back."""
    _, changed = blob_of(archive, "note03.txt")
    os.chmod(changed, 0o644)
    changed.write_bytes(changed.read_bytes() + b"one more line\n")
    blob_of(archive, "note07.txt")[1].unlink()
    stray = blobs.blob_path(archive.blobs_dir, "cd" * 32)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left by an interrupted import")
    item_id = blob_of(archive, "note05.txt")[0]
    with sqlite3.connect(archive.root / "archive.sqlite") as forger:
        forger.execute("UPDATE items SET title = 'forged' WHERE id = ?", (item_id,))


#: Where verify can hash in a child process: it does where no other thread runs, as in
#: `xarchive verify` (not here, after an import: its fork server's thread runs on).
forks = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="no fork here")


def note_hashing_pids(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Each process that hashes a batch of blobs writes its pid to `path`."""
    checked = verify_module._check_batch

    def noting(blobs_dir: str, batch: object, cancel: object) -> object:
        with path.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return checked(blobs_dir, batch, cancel)  # type: ignore[arg-type]

    monkeypatch.setattr(verify_module, "_check_batch", noting)


def count_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children os.fork makes from now on (in this process)."""
    forked: list[int] = []
    real_fork = os.fork

    def forking() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", forking)
    return forked


@forks
def test_the_blobs_can_be_hashed_in_a_child_process_while_the_custody_is_checked(
    filled: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tamper(filled)
    hashed_by = tmp_path / "hashed-by.txt"
    note_hashing_pids(monkeypatch, hashed_by)
    seen: list[Progress] = []
    report = verify(filled, seen.append, separate=True)
    pids = set(hashed_by.read_text().split())
    assert len(pids) == 1 and str(os.getpid()) not in pids
    # the same report, word for word, as when this process hashes them itself
    assert report == verify(filled, separate=False)
    assert [(p.problem, p.original_name) for p in report.problems] == [
        ("changed", "note03.txt"), ("missing", "note07.txt")]  # fmt: skip
    assert report.unreferenced == ["cd" * 32]
    assert report.custody is not None and report.custody.changed_items == [
        blob_of(filled, "note05.txt")[0]
    ]
    assert seen[-1].done == seen[-1].total == 12
    assert [p.done for p in seen] == sorted(p.done for p in seen)


@forks
def test_the_command_forks_the_hashing_process_before_it_opens_the_archive(
    filled: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tamper(filled)
    hashed_by = tmp_path / "hashed-by.txt"
    opened_in: list[int] = []
    real_open = Archive.open.__func__  # type: ignore[attr-defined]

    def opening(cls: type[Archive], root: Path, readonly: bool = False) -> Archive:
        opened_in.append(len(forked))
        return real_open(cls, root, readonly)  # type: ignore[no-any-return]

    monkeypatch.setattr(Archive, "open", classmethod(opening))
    forked = count_forks(monkeypatch)
    note_hashing_pids(monkeypatch, hashed_by)
    seen: list[Progress] = []
    report = verify_module.verify_at(filled.root, seen.append, separate=True)
    assert opened_in == [1] and len(forked) == 1  # the child was forked first
    assert set(hashed_by.read_text().split()) == {str(forked[0])}
    assert report == verify(filled, separate=False)
    assert [(p.problem, p.original_name) for p in report.problems] == [
        ("changed", "note03.txt"), ("missing", "note07.txt")]  # fmt: skip
    assert report.unreferenced == ["cd" * 32]
    assert seen[-1].done == seen[-1].total == 12
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(forked[0], os.WNOHANG)


@forks
def test_a_folder_that_is_no_archive_leaves_no_hashing_process_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forked = count_forks(monkeypatch)
    (tmp_path / "blobs").mkdir()
    with pytest.raises(ArchiveNotFound):
        verify_module.verify_at(tmp_path, separate=True)
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):  # ended and reaped
        os.waitpid(forked[0], os.WNOHANG)


@pytest.mark.parametrize("separate", [False, True])
def test_cancel_in_either_process_stops_before_the_custody_report(
    filled: Archive, separate: bool
) -> None:
    if separate and not sys.platform.startswith("linux"):
        pytest.skip("no fork here")
    cancel = CancelToken()
    at: list[int] = []

    def progress(p: Progress) -> None:
        if p.done >= 6 and not at:
            at.append(p.done)
            cancel.cancel()

    report = verify(filled, progress, cancel, separate=separate)
    assert report.cancelled and not report.ok and report.custody is None
    # the findings up to the batch whose progress cancelled it, no more
    assert report.checked == at[0] < 12 and report.unreferenced == []


@forks
def test_a_hashing_process_that_dies_is_an_error_not_a_pass(
    filled: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = verify_module._check_batch

    def killed(blobs_dir: str, batch: object, cancel: object) -> object:
        if any(ref[3] == "note05.txt" for ref in batch):  # type: ignore[attr-defined]
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return checked(blobs_dir, batch, cancel)  # type: ignore[arg-type]

    monkeypatch.setattr(verify_module, "_check_batch", killed)
    with pytest.raises(ChildProcessError, match="hashed the originals ended unexpectedly"):
        verify(filled, separate=True)


@forks
def test_an_error_in_the_hashing_process_reaches_the_caller(
    filled: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = verify_module._check_batch

    def failing(blobs_dir: str, batch: object, cancel: object) -> object:
        if any(ref[3] == "note05.txt" for ref in batch):  # type: ignore[attr-defined]
            raise MemoryError("no memory left to hash")
        return checked(blobs_dir, batch, cancel)  # type: ignore[arg-type]

    monkeypatch.setattr(verify_module, "_check_batch", failing)
    with pytest.raises(MemoryError, match="no memory left"):
        verify(filled, separate=True)


def test_verify_hashes_in_a_child_process_only_where_no_other_thread_runs() -> None:
    started = threading.Event()
    thread = threading.Thread(target=started.wait)
    thread.start()
    try:
        assert not verify_module._can_fork()
    finally:
        started.set()
        thread.join()


def test_verify_hashes_in_a_child_process_only_where_it_may_run_on_two_cpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("no fork here")
    # as in the `xarchive verify` process: no thread but this one (here, an import's
    # fork server may still run one)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "listdir", lambda path: ["1"])
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert verify_module._can_fork()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3})  # taskset -c 3, a cpuset
    assert not verify_module._can_fork()
