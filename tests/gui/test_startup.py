"""The first window loads what it shows, and no more: imports are most of the app's start.

A timed test would fail on a loaded machine; what the app leaves in `sys.modules` does
not (`python -X importtime -c "import xarchive.gui.app"`). The import pipeline and its
importers (Pillow, pypdf, trafilatura), the bundle export and import, and the link
graph load when the user first starts an import, a bundle job or opens the graph.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

NOT_NEEDED = (
    "xarchive.core.importing",
    "xarchive.core.importers",
    "xarchive.core.bundles.export",
    "xarchive.core.bundles.importing",
    "xarchive.gui.annotate.graph",
    "PIL",
    "trafilatura",
    "pypdf",
    "lxml",
    "py3langid",
)

PROBE = """
import json, sys
import xarchive.gui.app
print(json.dumps([m for m in json.loads(sys.argv[1]) if m in sys.modules]))
"""


def test_starting_the_app_loads_no_import_pipeline_bundle_jobs_or_importer() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(NOT_NEEDED)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == []


def test_the_bundle_package_still_offers_every_name() -> None:
    import xarchive.core.bundles as bundles

    assert all(getattr(bundles, name) is not None for name in bundles.__all__)
