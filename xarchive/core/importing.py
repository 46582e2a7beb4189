"""Importing files and folders into an archive: the pipeline (ingest/) with what follows
each batch of new items.

    report = import_paths(archive, [Path("~/case")], ImportOptions(ocr=False))

After each batch the new items are handed to the subscribers (ingest/hooks.py):
annotations kept from a deleted item are attached again and carried to new versions
of a file (annotate/), and links are suggested (suggest/). The pipeline does not
know them; this module names them, above both in the layers (pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import Archive
from .ingest import pipeline
from .ingest.hooks import AfterImport
from .ingest.report import LINK_NOT_FOLLOWED, ImportOptions, ImportReport, Outcome
from .ingest.scan import scan
from .jobs import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:
    from .model import Extracted
    from .suggest import ScanFacts

__all__ = [
    "LINK_NOT_FOLLOWED",
    "SUBSCRIBERS",
    "ImportOptions",
    "ImportReport",
    "Outcome",
    "import_paths",
    "scan",
]


# Each subscriber's module is imported when it is first called, not with this one: a
# re-import of an unchanged folder calls none of them (tests/core/test_cli_startup.py).


def _scan_facts(found: Extracted, original: Path) -> ScanFacts:
    """What finding links needs of a file, read in the worker that reads the file."""
    from .suggest import file_facts

    return file_facts(found.kind, found.source_url, found.media_type, found.pages or ("",),
                      original)  # fmt: skip


def _attach_annotations(archive: Archive, item_ids: Sequence[int]) -> set[int]:
    from .annotate import attach_imported

    return attach_imported(archive, item_ids)


def _link_post_media(archive: Archive, item_ids: Sequence[int]) -> set[int]:
    from .posts.beside import link_arrived_media

    return link_arrived_media(archive, item_ids)


def _suggest(archive: Archive, item_ids: Sequence[int], facts: Mapping[int, Any]) -> object:
    from .suggest import after_import

    return after_import(archive, item_ids, facts)


#: In this order: annotations first (the items they touch are indexed again with the
#: batch), then suggestions, computed while the index's segments are written.
SUBSCRIBERS = (
    AfterImport("annotations", before_index=_attach_annotations),
    # pictures and videos fetched after their posts' file was imported (posts/beside.py)
    AfterImport("post media", before_index=_link_post_media),
    # never raises: an import must not fail because a guess could not be made
    AfterImport("suggestions", read=_scan_facts, after_index=_suggest),
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
