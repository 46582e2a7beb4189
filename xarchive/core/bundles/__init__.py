"""Bundles: a selection of an archive as a BagIt bag (RFC 8493), and back (DESIGN.md §6).

    selection = select_items(archive, query="tag:evidence")       # selection.py
    export_bundle(archive, selection, Path("case.zip"))           # export.py, report.py
    with open_bag(Path("case.zip")) as bag:                       # reader.py (safety)
        check = verify_bag(bag)                                   # check.py
    import_bundle(other_archive, Path("case.zip"))                # importing.py

The format is documented in docs/bundle-format.md; its names live in layout.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..jobs import CancelToken, ProgressCallback, no_progress
from ..lazy import lazy_names

# The names below are loaded on first use (PEP 562), so that importing one light
# submodule (`layout`, for the archive's properties and the app's first window) does
# not load the export, the import and the search engine with it.
if TYPE_CHECKING:
    from pathlib import Path

    from .check import Altered, BundleCheck, verify_bag
    from .errors import BundleRejected
    from .export import ExportOptions, ExportReport, default_zipped, export_bundle, export_ids
    from .importing import BundleImportReport, import_bundle
    from .reader import Bag, Limits, open_bag
    from .selection import Selection, related_items, select_items

_LAZY = {
    **dict.fromkeys(("Altered", "BundleCheck", "verify_bag"), ".check"),
    "BundleRejected": ".errors",
    **dict.fromkeys(
        ("ExportOptions", "ExportReport", "default_zipped", "export_bundle", "export_ids"),
        ".export",
    ),
    **dict.fromkeys(("BundleImportReport", "import_bundle"), ".importing"),
    **dict.fromkeys(("Bag", "Limits", "open_bag"), ".reader"),
    **dict.fromkeys(("Selection", "related_items", "select_items"), ".selection"),
}

__getattr__ = lazy_names(__name__, _LAZY)


def verify_bundle(
    path: Path,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    limits: Limits | None = None,
) -> BundleCheck:
    """Open and verify the bundle at `path`. Raises BundleRejected if it cannot be read safely."""
    from .check import verify_bag
    from .reader import open_bag

    with open_bag(path, limits) as bag:
        return verify_bag(bag, progress, cancel)


__all__ = [
    "Altered",
    "Bag",
    "BundleCheck",
    "BundleImportReport",
    "BundleRejected",
    "ExportOptions",
    "ExportReport",
    "Limits",
    "Selection",
    "default_zipped",
    "export_bundle",
    "export_ids",
    "import_bundle",
    "open_bag",
    "related_items",
    "select_items",
    "verify_bag",
    "verify_bundle",
]
