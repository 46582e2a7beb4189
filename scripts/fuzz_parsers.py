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
one of the `KINDS` or `all` (the first byte of an input picks its format). Inputs that
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/fuzzing.py: what this harness shares with the suite's

with atheris.instrument_imports(include=["xarchive", "pypdf"]):
    from tests.fuzzing import BAG_FILES, SEED_FILES, read_as_import, zipped
    from xarchive.core import importers
    from xarchive.core.bundles import BundleRejected, verify_bundle
    from xarchive.core.demo import sample_dir
    from xarchive.core.errors import UnreadableFile

    # Each importer loads when a file first needs it: loaded here, it is instrumented.
    LOADED = (importers.IMPORTERS, importers.CONTAINER_IMPORTERS)

#: The formats fuzzed: each file of sample_archive/ the suite's fuzzer starts from (but the
#: Markdown, read as text), and "bag", a bag for `verify-bundle`, seeded with BAG_FILES.
KINDS = [*(kind for kind in SEED_FILES if kind != "md"), "bag"]


def read(kind: str, data: bytes) -> None:
    """What an import (or `verify-bundle`) does with `data` as a file of `kind`; the
    errors that refuse a file with its reason are the expected outcome."""
    with tempfile.TemporaryDirectory(prefix="xarchive-fuzz-") as folder:
        work = Path(folder)
        path = work / ("bag.zip" if kind == "bag" else f"input.{kind}")
        path.write_bytes(data)
        if kind == "bag":
            with contextlib.suppress(BundleRejected):
                verify_bundle(path)
            return
        with contextlib.suppress(UnreadableFile):
            read_as_import(path, work)


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
        if name == "bag":
            data = zipped(BAG_FILES)
        else:
            data = (sample_dir() / SEED_FILES[name]).read_bytes()
        (folder / f"{name}-0").write_bytes(prefix + data)


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
