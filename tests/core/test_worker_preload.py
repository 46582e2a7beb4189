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

import pytest

from tests.conftest import REPO
from xarchive.core import lifeline, ocr

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
