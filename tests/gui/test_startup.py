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
from pathlib import Path

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


# Opens the main window on an archive, then lists the xarchive sources read into
# linecache (where inspect.getsource reads them): PySide6's import hook read each
# module imported after QtCore, to look for the word "PySide6" (gui/feature_scan.py).
SOURCES_READ = """
import linecache, sys
import xarchive.cli  # as the `xarchive` command starts the app
import xarchive.gui.app as gui_app
from xarchive.gui import settings as cfg
app = gui_app.create_app()
window = gui_app.start([sys.argv[1]], cfg.UserSettings(sys.argv[2]))
window.shutdown()
print(sorted(k for k in linecache.cache if "xarchive" in k.split("site-packages")[-1]))
"""


def test_pyside6_reads_none_of_xarchives_sources_at_start(tmp_path: Path) -> None:
    from xarchive.core.archive import Archive

    Archive.create(tmp_path / "a.xarchive").close()
    result = subprocess.run(
        [sys.executable, "-c", SOURCES_READ, str(tmp_path / "a.xarchive"),
         str(tmp_path / "settings.ini")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
