"""What both fuzzers share (tests/core/test_fuzz.py with Hypothesis, scripts/fuzz_parsers.py
with atheris): the real files each format starts from, a small bag, and what an import
does with one file, without an archive."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from xarchive.core.importers import is_container, sniff
from xarchive.core.importers.base import ContainerContext, ExtractContext

#: A format → a real file of it in sample_archive/, for the fuzzers to mutate.
SEED_FILES = {
    "pdf": "court/2024-02-22_petition_islamabad_high_court.pdf",
    "png": "screenshots/2024-02-17_demo_reporter_x_unreachable.png",
    "html": "articles/2024-02-17_indus-ledger_x-goes-dark-across-pakistan.html",
    "txt": "notes/researcher_timeline_x_block_pakistan.txt",
    "md": "statements/2024-03-06_joint_statement_restore_x_pakistan.md",
    "jsonl": "posts/twarc2-search-pakistan-x-block.jsonl",
    "zip": "posts/twitter-2024-04-20-demo_reporter.zip",
}

#: The files of a small valid bag, by their names in its zip.
BAG_FILES = {
    "bag/bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    "bag/bag-info.txt": b"Payload-Oxum: 5.1\n",
    "bag/manifest-sha256.txt": (
        b"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  data/a.txt\n"
    ),
    "bag/data/a.txt": b"hello",
}


def zipped(files: dict[str, bytes]) -> bytes:
    """`files` (name → bytes) as a zip file's bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def read_as_import(path: Path, work: Path) -> None:
    """Read `path` with the importer its bytes pick, as an import's worker does, what it
    writes going into `work`. Raises what the importer raises (UnreadableFile: refused
    with its reason)."""
    ctx = ExtractContext(sha256="0" * 64, derived_dir=work / "derived", ocr=False)
    importer = sniff(path)
    if is_container(importer):
        (work / "staging").mkdir(exist_ok=True)
        (work / "blobs").mkdir(exist_ok=True)
        importer.extract_many(path, ContainerContext(ctx, work / "staging", work / "blobs",
                                                     str(path)))  # fmt: skip
    else:
        importer.extract(path, ctx)
