"""tesseract is run with no network of its own and no rights beyond the user's
(issue 11: offline from the first line, OCR included)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.makefiles import png
from xarchive.core import ocr

pytestmark = pytest.mark.skipif(not ocr.tesseract_available(), reason="needs tesseract")


def test_tesseract_runs_in_a_network_of_its_own() -> None:
    confined = ocr.confinement()
    if not confined:
        pytest.skip("this system refuses unprivileged namespaces (the log says so)")
    inside = subprocess.run(
        [*confined, "readlink", "/proc/self/ns/net"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert inside and inside != os.readlink("/proc/self/ns/net")
    interfaces = subprocess.run(
        [*confined, "cat", "/proc/net/dev"], capture_output=True, text=True, check=True
    ).stdout
    assert [line.split(":")[0].strip() for line in interfaces.splitlines()[2:]] == ["lo"]


def test_a_picture_is_still_read_so(tmp_path: Path) -> None:
    picture = png(tmp_path / "shot.png", "Access to X is blocked")
    result = ocr.ocr_image(picture, "eng")
    assert result.status == "done" and "blocked" in result.text
