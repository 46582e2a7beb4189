"""`verify`: every original re-hashed, on two threads, reported in the archive's order."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from xarchive.core import blobs
from xarchive.core import verify as verify_module
from xarchive.core.archive import Archive
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

    for workers in (1, 2):
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
