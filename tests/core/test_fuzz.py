"""Every input imports or is an import error (issue 11, fuzzing).

Hypothesis mutates real files of each format — flipped bytes, cut short, junk
inserted — and each importer (PDF, image, HTML, text, X archive, twarc2 JSON
lines) and the bundle reader must either read the result or refuse it with its
own error: never an unhandled exception, never longer than the deadline.
`bash scripts/fuzz` runs the same for long (XARCHIVE_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import BAG_FILES, SEED_FILES, read_as_import, zipped
from xarchive.core.bundles import BundleRejected, verify_bundle
from xarchive.core.demo import sample_dir
from xarchive.core.errors import UnreadableFile

EXAMPLES = int(os.environ.get("XARCHIVE_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=20_000,  # ms: a mutated PDF can take pypdf a while, never this long
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 12,  # the same examples in every quick run
)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 8))):
        where = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "repeat"]))
        if kind == "flip" and data:
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[where:]
        elif kind == "insert":
            data[where:where] = draw(st.binary(max_size=64))
        elif kind == "repeat":
            data[where:where] = data[where : where + draw(st.integers(1, 256))]
    return bytes(data)


@pytest.mark.parametrize("kind", list(SEED_FILES))
def test_every_mutated_file_imports_or_is_an_import_error(kind: str) -> None:
    seed = (sample_dir() / SEED_FILES[kind]).read_bytes()

    @FUZZ
    @given(data=mutated(seed))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            path = work / f"input.{kind}"
            path.write_bytes(data)
            with contextlib.suppress(UnreadableFile):  # refused with its reason: reported
                read_as_import(path, work)

    check()


@st.composite
def bags(draw: st.DrawFn) -> bytes:
    """A small bag, zipped, with its entries' bytes or names mutated."""
    files = dict(BAG_FILES)
    for name in draw(st.lists(st.sampled_from(sorted(files)), max_size=3)):
        files[name] = draw(mutated(files[name]))
    if draw(st.booleans()):
        files[draw(st.sampled_from(["bag/../x", "/abs", "bag/data/ü\n.txt", "bag/data/"]))] = b"x"
    raw = zipped(files)
    return draw(mutated(raw)) if draw(st.booleans()) else raw


@FUZZ
@given(data=bags())
def test_every_mutated_bag_is_verified_or_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bag.zip"
        path.write_bytes(data)
        with contextlib.suppress(BundleRejected):  # refused with its reasons
            verify_bundle(path)


def test_a_zip_whose_entries_lie_before_its_start_is_refused(tmp_path: Path) -> None:
    """Found by the atheris harness: a central directory whose offset is too large puts
    every entry before the start of the file, and zipfile's seek there failed with a bare
    OSError out of verify-bundle."""
    raw = bytearray(_plain_bag())
    end = raw.rindex(b"PK\x05\x06")
    offset = int.from_bytes(raw[end + 16 : end + 20], "little")
    raw[end + 16 : end + 20] = (offset + 1000).to_bytes(4, "little")
    path = tmp_path / "bag.zip"
    path.write_bytes(bytes(raw))
    with pytest.raises(BundleRejected, match="outside the zip file"):
        verify_bundle(path)


def _plain_bag() -> bytes:
    return zipped({"bag/bagit.txt": BAG_FILES["bag/bagit.txt"], "bag/manifest-sha256.txt": b""})


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None, reason="atheris has no wheel for this machine"
)
def test_the_atheris_harness_finds_nothing_in_a_short_run(tmp_path: Path) -> None:
    """scripts/fuzz_parsers.py, coverage-guided, over every format for a few hundred
    inputs from a fixed seed (`bash scripts/fuzz --atheris` runs it for long)."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(repo / "scripts" / "fuzz_parsers.py"), "all", "-runs=60",
         "-seed=1", f"-artifact_prefix={tmp_path}/"],
        cwd=repo, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    assert "Done 60 runs" in done.stderr
