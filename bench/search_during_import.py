"""Search while an import runs: does the archive stay usable? (issue 10, target 8)

    .venv/bin/python bench/search_during_import.py --files 20000
    .venv/bin/python bench/search_during_import.py --files 100000 --keep /tmp/sdi

Makes N notes and articles (bench_import.make_corpus: 300 words each, English with
a tenth in Urdu), imports the first 2 % of them, then searches that archive in this
process as the app does — `Searcher.search(q, limit=20)`, the first page with
snippets and every facet, and `Searcher.day_counts(q)`, the timeline — over the
query set of bench_import.py, a round of them every 0.2 s (`--pause`):

* idle, for a few seconds;
* while `xarchive import` of the other 98 % runs in another process (two workers,
  no OCR), until it ends: the searcher refreshes itself at every segment the import
  commits, as the app's does, so each search sees the items imported so far.

Prints the latency percentiles of each phase, the ratio between them, how many
searches ran during the import and how many items the last one saw. The machine
has two cores and the import's workers take both: what is measured is whether a
search waits behind the import (a lock, a reopened index, a long refresh), not
the speed of an idle machine. Asserts nothing; the figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_import import QUERIES, make_corpus

from xarchive.core.archive import Archive
from xarchive.core.errors import IndexBusy, IndexUnavailable
from xarchive.core.search import Searcher

XARCHIVE = Path(sys.executable).with_name("xarchive")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _search_round(archive: Archive) -> tuple[list[float], list[float], int]:
    """One pass over the queries: each search's and each day count's seconds, and the
    total the match-all query saw."""
    searches: list[float] = []
    timelines: list[float] = []
    seen = 0
    searcher = Searcher(archive)
    for query in QUERIES:
        started = time.perf_counter()
        results = searcher.search(query, limit=20)
        searches.append(time.perf_counter() - started)
        if query == "*":
            seen = results.total
        started = time.perf_counter()
        searcher.day_counts(query)
        timelines.append(time.perf_counter() - started)
    return searches, timelines, seen


def _phase(
    archive: Archive, keep_going: Callable[[], bool], pause: float
) -> tuple[list[float], list[float], int, int]:
    searches: list[float] = []
    timelines: list[float] = []
    rounds = seen = 0
    unavailable = 0
    while keep_going():
        try:
            s, t, seen = _search_round(archive)
        except (IndexBusy, IndexUnavailable):  # would be a failed search in the app
            unavailable += 1
            time.sleep(0.05)
            continue
        searches += s
        timelines += t
        rounds += 1
        time.sleep(pause)  # a person typing, not a loop that takes a core from the import
    return searches, timelines, seen, unavailable


def _line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:32s} p50 {_percentile(ms, 0.5):7.1f} ms  p95 {_percentile(ms, 0.95):7.1f} ms  "
        f"max {max(ms):7.1f} ms  ({len(ms)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between rounds")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="xa-sdi-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / "corpus"
        first, rest = corpus / "first", corpus / "rest"
        if not rest.exists():
            shutil.rmtree(corpus, ignore_errors=True)
            seed_count = max(100, args.files // 50)
            make_corpus(first, seed_count, seed=1)
            make_corpus(rest, args.files - seed_count, seed=2)
        root = work / "archive.xarchive"
        shutil.rmtree(root, ignore_errors=True)
        env = dict(os.environ)
        subprocess.run(
            [str(XARCHIVE), "import", str(first), "--archive", str(root), "--create", "--no-ocr"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip

        with Archive.open(root, readonly=True) as archive:
            _search_round(archive)  # warm: the searcher, the arrays, the caches
            until = time.monotonic() + args.idle_seconds
            idle = _phase(archive, lambda: time.monotonic() < until, args.pause)

            started = time.monotonic()
            importer = subprocess.Popen(
                [str(XARCHIVE), "import", str(rest), "--archive", str(root), "--no-ocr",
                 "--workers", "2"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
            )  # fmt: skip
            busy = _phase(archive, lambda: importer.poll() is None, args.pause)
            took = time.monotonic() - started
            if importer.returncode:
                sys.exit(f"the import failed: {importer.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            after = _search_round(archive)[2]

        print(f"{args.files} files; import of {args.files - max(100, args.files // 50)} "
              f"took {took:.1f} s; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(_line("search, idle", idle[0]))
        print(_line("search, during the import", busy[0]))
        print(_line("day counts, idle", idle[1]))
        print(_line("day counts, during the import", busy[1]))
        ratio = _percentile(busy[0], 0.95) / _percentile(idle[0], 0.95)
        print(f"search p95 during / idle: {ratio:.1f}×")
        rounds = len(busy[0]) // len(QUERIES)
        print(f"rounds of {len(QUERIES)} queries during the import: {rounds}; searches refused "
              f"(index busy or unavailable): {busy[3]}; the last round during the import saw "
              f"{busy[2]} items, the one after {after}")  # fmt: skip
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
