"""Chain of custody: re-hash every original and compare it with what the archive recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import blobs
from .archive import Archive
from .jobs import CancelToken, Progress, ProgressCallback, no_progress
from .store import items as item_store
from .store import posts as post_store


@dataclass(frozen=True, slots=True)
class BlobProblem:
    item_id: int
    sha256: str
    original_name: str
    problem: str  # "missing", "changed", "unreadable"
    detail: str = ""
    #: "item", or "container" for an imported archive file (an X archive zip, a JSONL file)
    holder: str = "item"


@dataclass(slots=True)
class VerifyReport:
    total: int = 0  # originals the archive names
    checked: int = 0  # of which found and hashed
    problems: list[BlobProblem] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)  # blobs no item names
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.cancelled


def verify(
    archive: Archive, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
) -> VerifyReport:
    """Re-hash every blob; report those missing, changed or unreadable.

    Blobs on disk that no item names (left by an import killed between storing
    a file and committing its row) are listed as unreferenced: harmless, and
    reused if the file is imported again.
    """
    report = VerifyReport()
    refs = [(*ref, "item") for ref in item_store.blob_refs(archive.db)]
    refs += [(*ref, "container") for ref in post_store.container_blob_refs(archive.db)]
    report.total = len(refs)
    known = set()
    for n, (item_id, sha, size, name, holder) in enumerate(refs):
        if cancel is not None and cancel.cancelled:
            report.cancelled = True
            return report
        progress(Progress("verifying", n, len(refs), name))
        known.add(sha)
        path = blobs.blob_path(archive.blobs_dir, sha)
        if not path.is_file():
            report.problems.append(BlobProblem(item_id, sha, name, "missing", holder=holder))
            continue
        try:
            actual = blobs.hash_file(path)
        except OSError as exc:
            report.problems.append(BlobProblem(item_id, sha, name, "unreadable", str(exc), holder))
            continue
        report.checked += 1
        if actual != sha:
            detail = f"now hashes to {actual}"
            if path.stat().st_size != size:
                detail += f"; size {path.stat().st_size} instead of {size} bytes"
            report.problems.append(BlobProblem(item_id, sha, name, "changed", detail, holder))
    progress(Progress("verifying", len(refs), len(refs)))
    for path in sorted(archive.blobs_dir.glob("??/??/*")):
        if path.name not in known and path.is_file():
            report.unreferenced.append(path.name)
    return report
