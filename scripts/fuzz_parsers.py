"""Coverage-guided fuzzing of the parsers with atheris (libFuzzer), issue 11.

Every importer (PDF, image, HTML, text, X archive, twarc2 JSON lines, e-mail, web
captures) and the bundle reader get bytes that libFuzzer mutates from real files of
each format, steered by the lines of xarchive and pypdf each input reaches. Every
input must import or be refused with the importer's own error (`UnreadableFile`,
`BundleRejected`); anything else is a crash, and libFuzzer saves the input that
caused it. `-timeout` (seconds an input may take) and `-rss_limit_mb` (memory)
make a hang or a bomb a crash too.

    bash scripts/fuzz --atheris                  every format, 10 minutes
    bash scripts/fuzz --atheris pdf 3600         one format, an hour

or by hand: `.venv/bin/python scripts/fuzz_parsers.py KIND [libFuzzer options]`, KIND
one of the `SEEDS` or `all` (the first byte of an input picks its format). Inputs that
crashed are saved in `fuzz-crashes/` (`-artifact_prefix`); give one back as the only
argument after KIND to run just it. The suite runs `all` for sixty inputs
(tests/core/test_fuzz.py).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from xarchive.core.offline import forbid_network

forbid_network()  # before any other module: nothing a parser does may reach the network

import atheris  # noqa: E402  (after the guard)

with atheris.instrument_imports(include=["xarchive", "pypdf"]):
    from xarchive.core import importers
    from xarchive.core.bundles import BundleRejected, verify_bundle
    from xarchive.core.demo import sample_dir
    from xarchive.core.errors import UnreadableFile
    from xarchive.core.importers import is_container, sniff
    from xarchive.core.importers.base import ExtractContext
    from xarchive.core.posts.model import ContainerContext

    # Each importer loads when a file first needs it: loaded here, it is instrumented.
    LOADED = (importers.IMPORTERS, importers.CONTAINER_IMPORTERS)

REPO = Path(__file__).resolve().parents[1]
#: A format: the name its input is saved under, and the real files it starts from.
SEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("input.pdf", ("court/2024-02-22_petition_islamabad_high_court.pdf",)),
    "png": ("input.png", ("screenshots/2024-02-17_demo_reporter_x_unreachable.png",)),
    "html": ("input.html", ("articles/2024-02-17_indus-ledger_x-goes-dark-across-pakistan.html",)),
    "txt": ("input.txt", ("notes/researcher_timeline_x_block_pakistan.txt",)),
    "jsonl": ("input.jsonl", ("posts/twarc2-search-pakistan-x-block.jsonl",)),
    "zip": ("input.zip", ("posts/twitter-2024-04-20-demo_reporter.zip",)),
    "bag": ("bag.zip", ()),  # seeded with a bag made here (`_bag`)
}
KINDS = list(SEEDS)


def _bag() -> bytes:
    import io
    import zipfile

    files = {
        "bag/bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "bag/bag-info.txt": b"Payload-Oxum: 5.1\n",
        "bag/manifest-sha256.txt": (
            b"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  data/a.txt\n"
        ),
        "bag/data/a.txt": b"hello",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def read(kind: str, data: bytes) -> None:
    """What an import (or `verify-bundle`) does with `data` as a file of `kind`; the
    errors that refuse a file with its reason are the expected outcome."""
    with tempfile.TemporaryDirectory(prefix="xarchive-fuzz-") as folder:
        work = Path(folder)
        path = work / SEEDS[kind][0]
        path.write_bytes(data)
        if kind == "bag":
            with contextlib.suppress(BundleRejected):
                verify_bundle(path)
            return
        ctx = ExtractContext(sha256="0" * 64, derived_dir=work / "derived", ocr=False)
        with contextlib.suppress(UnreadableFile):
            importer = sniff(path)
            if is_container(importer):
                (work / "staging").mkdir()
                (work / "blobs").mkdir()
                importer.extract_many(
                    path, ContainerContext(ctx, work / "staging", work / "blobs", str(path))
                )
            else:
                importer.extract(path, ctx)


def target(kind: str) -> Callable[[bytes], None]:
    if kind != "all":
        return lambda data: read(kind, data)

    def any_kind(data: bytes) -> None:
        if data:
            read(KINDS[data[0] % len(KINDS)], data[1:])

    return any_kind


def seeds(kind: str, folder: Path) -> None:
    """Write the starting inputs of `kind` into `folder` (libFuzzer's corpus)."""
    for name in KINDS if kind == "all" else [kind]:
        prefix = bytes([KINDS.index(name)]) if kind == "all" else b""
        found = [(sample_dir() / rel).read_bytes() for rel in SEEDS[name][1]] or [_bag()]
        for n, data in enumerate(found):
            (folder / f"{name}-{n}").write_bytes(prefix + data)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] not in [*KINDS, "all"]:
        sys.exit(f"usage: {argv[0]} {{{','.join([*KINDS, 'all'])}}} [libFuzzer options]")
    kind, options = argv[1], argv[2:]
    if not any(o.startswith("-artifact_prefix=") for o in options):
        crashes = REPO / "fuzz-crashes"
        crashes.mkdir(exist_ok=True)
        options = [f"-artifact_prefix={crashes}/", *options]
    with tempfile.TemporaryDirectory(prefix="xarchive-fuzz-corpus-") as corpus:
        given = [o for o in options if not o.startswith("-")]
        if not given:  # no corpus or input named: start from the real files
            seeds(kind, Path(corpus))
            options = [*options, corpus]
        atheris.Setup(
            [argv[0], "-timeout=30", "-rss_limit_mb=3072", *options],
            target(kind),
        )  # fmt: skip
        atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
