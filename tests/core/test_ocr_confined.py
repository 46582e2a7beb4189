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


def test_tesseract_dies_with_the_worker_that_runs_it(tmp_path: Path) -> None:
    """A worker killed mid-OCR (an import killed or cancelled) takes its tesseract with it:
    the command runs under the parent-death signal (setpriv --pdeathsig), set inside the
    namespace, where a change of user no longer clears it."""
    import signal
    import sys
    import time

    confined = ocr.confinement()
    if "--pdeathsig" not in confined:
        pytest.skip("setpriv is not installed here")
    worker = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys; from xarchive.core import ocr; "
         "child = subprocess.Popen([*ocr.confinement(), 'sleep', '120']); "
         "print(child.pid, flush=True); child.wait()"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert worker.stdout is not None
    child = int(worker.stdout.readline())
    deadline = time.monotonic() + 10  # the signal is set once setpriv has run
    while time.monotonic() < deadline and _command(child) != "sleep":
        time.sleep(0.02)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and _running(child):
        time.sleep(0.05)
    assert not _running(child), "tesseract's stand-in outlived the worker killed under it"


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_a_worker_asks_tesseract_what_it_can_do_before_its_first_picture(tmp_path: Path) -> None:
    """An import's worker asks as it starts (ocr.prepare, in a thread); its first picture
    then reads with those answers, as one read without them."""
    picture = png(tmp_path / "shot.png", "Access to X is blocked")
    expected = ocr.ocr_image(picture, "eng+urd")
    ocr._list_languages.cache_clear()
    ocr.confinement.cache_clear()
    ocr.prepare().join(timeout=120)
    assert ocr._list_languages.cache_info().currsize == 1
    assert ocr.confinement.cache_info().currsize == 1
    assert ocr.ocr_image(picture, "eng+urd") == expected


def test_a_picture_read_while_the_worker_still_asks_waits_for_the_answers(tmp_path: Path) -> None:
    picture = png(tmp_path / "shot.png", "Access to X is blocked")
    expected = ocr.ocr_image(picture, "eng+urd")
    ocr._list_languages.cache_clear()
    ocr.confinement.cache_clear()
    asking = ocr.prepare()
    assert ocr.ocr_image(picture, "eng+urd") == expected
    asking.join(timeout=120)
    assert ocr._list_languages.cache_info().misses == 1  # asked once, not by both
    assert ocr.confinement.cache_info().misses == 1
