"""Import of a folder by xarchive against `recollindex` on it, interleaved: a quick check.

    .venv/bin/python bench/import_vs_recoll.py FOLDER [--rounds 3] [--what fresh,same]
                                               [NAME=PYTHONPATH ...]

Each round makes a fresh archive and a fresh Recoll configuration (`topdirs` = FOLDER,
`idxniceprio = 0`), then times, in an order that turns each round, Recoll and every
xarchive variant (NAME=PYTHONPATH: xarchive's sources put first on the path, e.g. a
`git archive` of an older commit; none given: the working tree) importing FOLDER
without OCR (`fresh`), then again unchanged (`same`). It prints each round's times,
the medians and each variant's ratio to Recoll. `bench/run.py` measures the same and
more on its own corpora; this takes any folder and minutes instead of half an hour.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

XARCHIVE = Path(sys.executable).with_name("xarchive")


def timed(command: list[str], pythonpath: str | None) -> float:
    # PYTHONSAFEPATH: the workers of a variant import its sources, not those of the
    # folder this runs in (before 6a028ab xarchive's fork server had it on its path)
    env = dict(os.environ, PYTHONSAFEPATH="1")
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--what", default="fresh,same")
    parser.add_argument("variants", nargs="*", metavar="NAME=PYTHONPATH")
    args = parser.parse_args()
    variants = dict(v.split("=", 1) for v in args.variants) or {"xarchive": ""}
    phases = args.what.split(",")
    names = ["recoll", *variants]
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="xa-import-bench-") as scratch:
        work = Path(scratch)
        for round_ in range(args.rounds):
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            config = work / "recoll"
            config.mkdir()
            (config / "recoll.conf").write_text(
                f"topdirs = {args.folder.resolve()}\nidxniceprio = 0\n", encoding="utf-8"
            )
            for name, path in variants.items():
                timed([str(XARCHIVE), "init", str(work / f"{name}.xarchive")], path)
            turn = round_ % len(names)
            for phase in phases:
                for name in names[turn:] + names[:turn]:
                    if name == "recoll":
                        took = timed(["recollindex", "-c", str(config)], None)
                    else:
                        archive = work / f"{name}.xarchive"
                        command = [str(XARCHIVE), "import", str(args.folder), "--no-ocr",
                                   "--archive", str(archive)]  # fmt: skip
                        took = timed(command, variants[name])
                    times.setdefault(f"{name} {phase}", []).append(took)
            print(round_, {k: round(v[-1], 2) for k, v in times.items()}, flush=True)
    medians = {k: statistics.median(v) for k, v in times.items()}
    for key, value in medians.items():
        print(f"{key:22s} {value:7.2f} s")
    for phase in phases:
        for name in variants:
            ratio = medians[f"{name} {phase}"] / medians[f"recoll {phase}"]
            print(f"ratio {name} {phase}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
