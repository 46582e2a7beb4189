"""Importing files and folders into an archive: the pipeline (ingest/) with what follows
each batch of new items.

    report = import_paths(archive, [Path("~/case")], ImportOptions(ocr=False))

After each batch the new items are handed to the subscribers (ingest/hooks.py):
annotations kept from a deleted item are attached again and carried to new versions
of a file (annotate/), and links are suggested (suggest/). The pipeline does not
know them; this module names them, above both in the layers (pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .annotate import attach_imported
from .archive import Archive
from .ingest import pipeline
from .ingest.hooks import AfterImport
from .ingest.report import LINK_NOT_FOLLOWED, ImportOptions, ImportReport, Outcome
from .ingest.scan import scan
from .jobs import CancelToken, ProgressCallback, no_progress
from .model import Extracted
from .posts.beside import link_arrived_media
from .suggest import ScanFacts, file_facts
from .suggest import after_import as suggest_after_import

__all__ = [
    "LINK_NOT_FOLLOWED",
    "SUBSCRIBERS",
    "ImportOptions",
    "ImportReport",
    "Outcome",
    "import_paths",
    "scan",
]


def _scan_facts(found: Extracted, original: Path) -> ScanFacts:
    """What finding links needs of a file, read in the worker that reads the file."""
    return file_facts(found.kind, found.source_url, found.media_type, found.pages or ("",),
                      original)  # fmt: skip


#: In this order: annotations first (the items they touch are indexed again with the
#: batch), then suggestions, computed while the index's segments are written.
SUBSCRIBERS = (
    AfterImport("annotations", before_index=attach_imported),
    # pictures and videos fetched after their posts' file was imported (posts/beside.py)
    AfterImport("post media", before_index=link_arrived_media),
    # never raises: an import must not fail because a guess could not be made
    AfterImport("suggestions", read=_scan_facts, after_index=suggest_after_import),
)


def import_paths(
    archive: Archive,
    paths: Sequence[Path],
    options: ImportOptions | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import files and folders into `archive`; a report of every file's outcome.

    Never raises for a bad file (each is an outcome with its reason). Raises
    ImportAborted when the archive itself cannot be written (disk full), after
    keeping everything committed so far. A cancelled import returns its report
    with status "cancelled".
    """
    return pipeline.import_paths(archive, paths, options, progress, cancel, SUBSCRIBERS)
