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
import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xarchive.core.bundles import BundleRejected, verify_bundle
from xarchive.core.demo import sample_dir
from xarchive.core.errors import UnreadableFile
from xarchive.core.importers import is_container, sniff
from xarchive.core.importers.base import ExtractContext
from xarchive.core.posts.model import ContainerContext

EXAMPLES = int(os.environ.get("XARCHIVE_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=20_000,  # ms: a mutated PDF can take pypdf a while, never this long
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 12,  # the same examples in every quick run
)
SEEDS = {
    "pdf": "court/2024-02-22_petition_islamabad_high_court.pdf",
    "png": "screenshots/2024-02-17_demo_reporter_x_unreachable.png",
    "html": "articles/2024-02-17_indus-ledger_x-goes-dark-across-pakistan.html",
    "txt": "notes/researcher_timeline_x_block_pakistan.txt",
    "md": "statements/2024-03-06_joint_statement_restore_x_pakistan.md",
    "jsonl": "posts/twarc2-search-pakistan-x-block.jsonl",
    "zip": "posts/twitter-2024-04-20-demo_reporter.zip",
}


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


def _read(path: Path, work: Path) -> None:
    ctx = ExtractContext(sha256="0" * 64, derived_dir=work / "derived", ocr=False)
    importer = sniff(path)
    if is_container(importer):
        (work / "staging").mkdir(exist_ok=True)
        (work / "blobs").mkdir(exist_ok=True)
        importer.extract_many(path, ContainerContext(ctx, work / "staging", work / "blobs",
                                                     str(path)))  # fmt: skip
    else:
        importer.extract(path, ctx)


@pytest.mark.parametrize("kind", list(SEEDS))
def test_every_mutated_file_imports_or_is_an_import_error(kind: str) -> None:
    seed = (sample_dir() / SEEDS[kind]).read_bytes()

    @FUZZ
    @given(data=mutated(seed))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            path = work / f"input.{kind}"
            path.write_bytes(data)
            with contextlib.suppress(UnreadableFile):  # refused with its reason: reported
                _read(path, work)

    check()


@st.composite
def bags(draw: st.DrawFn) -> bytes:
    """A small bag, zipped, with its entries' bytes or names mutated."""
    files = {
        "bag/bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "bag/bag-info.txt": b"Payload-Oxum: 5.1\n",
        "bag/manifest-sha256.txt": (
            b"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  data/a.txt\n"
        ),
        "bag/data/a.txt": b"hello",
    }
    for name in draw(st.lists(st.sampled_from(sorted(files)), max_size=3)):
        files[name] = draw(mutated(files[name]))
    if draw(st.booleans()):
        files[draw(st.sampled_from(["bag/../x", "/abs", "bag/data/ü\n.txt", "bag/data/"]))] = b"x"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    raw = out.getvalue()
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
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        )
        archive.writestr("bag/manifest-sha256.txt", "")
    return out.getvalue()


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
