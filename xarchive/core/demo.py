"""The demo archive: the documents in `sample_archive/`, imported into the user's data folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import XArchiveError
from .jobs import CancelToken, ProgressCallback, no_progress

# The archive and the import pipeline are imported when the demo is built: the
# command line's parser reads DEMO_QUERY, and must not load the importers for it.
if TYPE_CHECKING:
    from .archive import Archive
    from .importing import ImportReport

DEMO_QUERY = '"national security" OR پابندی'


def sample_dir() -> Path:
    """The demo documents: $XARCHIVE_SAMPLES, else `sample_archive/` beside the package."""
    override = os.environ.get("XARCHIVE_SAMPLES")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).resolve().parents[2] / "sample_archive")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise XArchiveError(
        "the demo documents (sample_archive/) were not found; set XARCHIVE_SAMPLES to their folder"
    )


def sample_folders(root: Path | None = None) -> list[Path]:
    """The folders of documents in the sample archive (not its README or sources)."""
    root = root or sample_dir()
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def ensure_demo_archive(
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    rebuild: bool = False,
    target: Path | None = None,
) -> Path:
    """Build the demo archive on first use; later calls only pick up changed samples."""
    from .archive import Archive
    from .demo_annotations import annotate_demo
    from .paths import demo_archive_dir

    root = target or demo_archive_dir()
    if rebuild and root.exists():
        shutil.rmtree(root)
    archive = (
        Archive.open(root)
        if (root / "archive.sqlite").exists()
        else Archive.create(root, name="Demo: the 2024 blocking of X in Pakistan")
    )
    with archive:
        import_demo(archive, progress, cancel)
        annotate_demo(archive)
    return root


def import_demo(
    archive: Archive, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
) -> ImportReport:
    from .importing import ImportOptions, import_paths

    return import_paths(archive, sample_folders(), ImportOptions(), progress, cancel)
