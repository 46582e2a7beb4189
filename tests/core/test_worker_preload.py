"""What an import's fork server imports before it forks the workers (lifeline.IMPORT_MODULES).

No worker starts until the server has imported everything it was given, so whatever it
imports is waited for by every import, whatever it holds. The libraries of one format
(trafilatura for web pages, pypdf and PDFium for PDFs, warcio for web archives: half a
second together, a tenth of an import of 20 screenshots with OCR) are imported by the
first file of that format a worker reads, not with the importers; choosing an importer
by a file's first bytes needs none of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.makefiles import text_file
from xarchive.core import lifeline, ocr
from xarchive.core.archive import Archive
from xarchive.core.importing import ImportOptions, import_paths

#: Imported by the first file of their format, not before.
ONE_FORMATS_LIBRARIES = ("trafilatura", "pypdf", "pypdfium2", "warcio")

PROBE = """
import json, sys
from pathlib import Path
from xarchive.core import lifeline
from xarchive.core.importers import find_importer

wanted = json.loads(sys.argv[1])
for name in lifeline.IMPORT_MODULES:  # as the fork server does
    __import__(name)
preloaded = [m for m in wanted if m in sys.modules]
png = b"\\x89PNG\\r\\n\\x1a\\n" + bytes(24)
chosen = [find_importer(png, Path("shot.png")).NAME,
          find_importer(b"The order was served on 17 February.", Path("note.txt")).NAME]
print(json.dumps({"preloaded": preloaded, "chosen": chosen,
                  "after": [m for m in wanted if m in sys.modules]}))
"""


def test_the_workers_server_imports_no_library_of_one_format() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(ONE_FORMATS_LIBRARIES)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["chosen"] == ["image", "text"]  # every importer's detect was asked
    assert found["preloaded"] == [] and found["after"] == [], found


MODEL_PROBE = """
from xarchive.core import language, lifeline

for name in lifeline.IMPORT_MODULES:  # as the fork server does
    __import__(name)
print(language._identifier.cache_info().currsize)
"""


def test_the_workers_server_loads_the_language_model_once_for_all_its_workers() -> None:
    done = subprocess.run(
        [sys.executable, "-c", MODEL_PROBE], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1"]  # the model's identifier, ready before any fork


OCR_PROBE = """
import json, sys, threading
from xarchive.core import lifeline, ocr

for name in lifeline.preloaded(ocr=True):  # as the fork server does
    __import__(name)
print(json.dumps({"threads": threading.active_count(),
                  "languages": ocr._list_languages.cache_info().currsize,
                  "confinement": ocr.confinement.cache_info().currsize,
                  "probe": "xarchive.core.ingest.ocr_probe" in sys.modules}))
"""


def test_for_ocr_the_workers_server_asks_tesseract_before_it_forks_them() -> None:
    """The workers forked from it read their first picture with the answers (languages,
    confinement) at hand, and the server's thread that asked is over before any fork."""
    if ocr.find_tesseract() is None:
        pytest.skip("tesseract is not installed")
    done = subprocess.run(
        [sys.executable, "-c", OCR_PROBE], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"threads": 1, "languages": 1, "confinement": 1,
                                       "probe": True}  # fmt: skip
    assert "xarchive.core.ingest.ocr_probe" not in lifeline.preloaded(ocr=False)


def test_an_imports_workers_collect_less_and_leave_the_servers_objects_alone(
    tmp_path: Path,
) -> None:
    """collector.py: a worker collects its youngest objects every YOUNG allocations, and
    what its fork server imported is frozen, out of its collections' way."""
    import gc

    from xarchive.core import collector
    from xarchive.core.ingest import pool

    executor = pool.start(1, 1)
    try:
        threshold = executor.submit(gc.get_threshold).result(timeout=120)
        frozen = executor.submit(gc.get_freeze_count).result(timeout=120)
    finally:
        pool.stop(executor, gently=True)
    assert threshold[0] == collector.YOUNG and threshold[1:] == gc.get_threshold()[1:]
    assert frozen > 10_000


def test_an_import_in_this_process_collects_less_only_while_it_runs(
    archive: Archive, tmp_path: Path
) -> None:
    import gc

    from xarchive.core import collector

    seen: list[tuple[int, ...]] = []
    before = gc.get_threshold()
    text_file(tmp_path / "in" / "note.txt", "The hearing was adjourned again.")
    report = import_paths(archive, [tmp_path / "in"], ImportOptions(workers=0),
                          lambda _: seen.append(gc.get_threshold()))  # fmt: skip
    assert report.status == "completed" and len(report.imported) == 1
    assert seen and all(t[0] == max(before[0], collector.YOUNG) for t in seen)
    assert gc.get_threshold() == before
