"""Speed at scale: xarchive beside its peers, in one table of ratios (issue 10).

    .venv/bin/python bench/run.py --size 1000      # also: smoke, 10000, 100000

Makes (or reuses) a fixed-seed corpus (bench/corpus.py) in bench/out/corpus-SIZE,
then measures xarchive and, in the same run, a peer doing the same work: Recoll
(`recollindex`, `recollq`), a small SQLite FTS5 indexer and searcher over the same
files (bench/fts5_ref.py), `sha256sum`, `zip`, `tesseract` and a bare PySide6
window. Each pair runs interleaved — peer, xarchive, peer, xarchive … — and each
figure is the median of its runs (search: percentiles of all the runs of all the
queries), so that a noisy shared machine slows both alike. The ratio (xarchive ÷
peer, in time or memory; lower is better) is the figure; bench/README.md says what
each row means and keeps the last figures.

Prints the table on stdout (progress on stderr), and writes every sample to
bench/out/results-SIZE.json. Asserts nothing; exits non-zero only when a step
could not run at all.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
BIN = Path(sys.executable).parent
XARCHIVE = str(BIN / "xarchive")
#: Longest the app may take to show, scroll, open the timeline and quit.
APP_SECONDS = 600
PHASES = ("import", "ocr", "reimport", "search", "cli", "verify", "export", "reindex", "app",
          "changed")  # fmt: skip

sys.path.insert(0, str(BENCH))
import corpus as corpus_module  # noqa: E402
import fts5_ref  # noqa: E402


@dataclass(frozen=True)
class Query:
    """One query of the set, in xarchive's language and in each peer's."""

    label: str
    xarchive: str
    match: str | None  # FTS5 MATCH; None: no words (every document, filtered by `where`)
    where: str | None = None  # SQL on the reference's `docs d`
    recoll: str | None = None  # recollq's query language; None: Recoll cannot say it
    fuzzy: str = ""  # the word of a fuzzy query (the reference expands it)


QUERIES = (
    Query("common word", "court", "court", recoll="court"),
    Query("rare word", corpus_module.RARE_WORD, corpus_module.RARE_WORD,
          recoll=corpus_module.RARE_WORD),  # fmt: skip
    Query("phrase", '"national security"', '"national security"', recoll='"national security"'),
    Query("boolean", "(election OR protest) NOT vpn", "(election OR protest) NOT vpn",
          recoll="(election OR protest) -vpn"),  # fmt: skip
    Query("field", "election kind:article", "election", "d.kind = 'article'",
          recoll="election mime:text/html"),  # fmt: skip
    Query("date range", "date:2024-03-01..2024-03-31", None,
          "d.day BETWEEN '2024-03-01' AND '2024-03-31'", recoll="date:2024-03-01/2024-03-31"),
    Query("prefix", "censor*", "censor*", recoll="censor*"),
    Query("fuzzy", "judgement~", None, fuzzy="judgement"),
    Query("Urdu word", "پابندی", '"پابندی"', recoll="پابندی"),
    Query("everything", "*", None),
)  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """How much of each measure a size gets."""

    runs: int  # interleaved runs of each whole-process measure
    search_rounds: int  # rounds over the query set (after one warm-up round)
    cli_rounds: int
    ocr_images: int
    app_runs: int
    direct: bool  # archive written straight into the database (no import measures)
    cli_queries: int = len(QUERIES)  # the first N of the queries Recoll understands
    large_files: int = 40  # 5 MB originals for the large rows of verify and export


PLANS = {
    corpus_module.SMOKE: Plan(runs=1, search_rounds=2, cli_rounds=1, ocr_images=1, app_runs=1,
                              direct=False, cli_queries=3, large_files=2),
    1_000: Plan(runs=3, search_rounds=10, cli_rounds=3, ocr_images=20, app_runs=3, direct=False),
    10_000: Plan(runs=3, search_rounds=10, cli_rounds=3, ocr_images=30, app_runs=3, direct=False),
    100_000: Plan(runs=3, search_rounds=10, cli_rounds=3, ocr_images=30, app_runs=3, direct=True),
}  # fmt: skip


@dataclass
class Row:
    """One line of the table: xarchive's figure, its peer's, and the ratio."""

    measure: str
    ours: float | None  # seconds (unit s/ms/rate) or MB
    peer: float | None
    peer_name: str
    unit: str = "s"  # "s", "ms", "MB", "rate" (items per second; values are seconds)
    target: str = ""
    count: int = 0  # items, for "rate"
    note: str = ""
    ours_samples: list[float] = field(default_factory=list)
    peer_samples: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.peer:
            return None
        return self.ours / self.peer

    def shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.unit == "MB":
            return f"{value:,.1f} MB" if value < 10 else f"{value:,.0f} MB"
        if self.unit == "rate":
            return f"{self.count / value:,.0f} items/s" if value else "—"
        if self.unit == "ms" or value < 1:
            return f"{value * 1000:,.1f} ms" if value < 0.1 else f"{value * 1000:,.0f} ms"
        return f"{value:,.2f} s" if value < 10 else f"{value:,.1f} s"


class BenchError(Exception):
    """A step could not run (a command failed); says which and why."""


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], p: int) -> float | None:
    """The p-th percentile (nearest rank) of `values`."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-p * len(ordered) // 100))  # ceil
    return ordered[rank - 1]


def run(cmd: Sequence[str | Path], env: dict[str, str] | None = None,
        cwd: Path | None = None, stdin: bytes | None = None, ok: Sequence[int] = (0,),
        capture: bool = False) -> tuple[float, str]:  # fmt: skip
    """Run `cmd`; its wall time and (with `capture`) its stdout. Raises BenchError."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(c) for c in cmd], env=env, cwd=cwd, input=stdin,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise BenchError(f"{Path(str(cmd[0])).name} exited {done.returncode}: " + " / ".join(tail))
    return seconds, done.stdout.decode(errors="replace") if capture else ""


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def fresh(path: Path) -> Path:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    return path


# -- peers ---------------------------------------------------------------------------------


class Recoll:
    """A Recoll index of one folder, with its own configuration directory."""

    available = shutil.which("recollindex") is not None and shutil.which("recollq") is not None

    def __init__(self, confdir: Path, topdir: Path) -> None:
        self.confdir = confdir
        confdir.mkdir(parents=True, exist_ok=True)
        (confdir / "recoll.conf").write_text(
            f"topdirs = {topdir}\nidxniceprio = 0\ndbdir = {confdir / 'xapiandb'}\n"
            f"loglevel = 1\nlogfilename = {confdir / 'log.txt'}\nnoaspell = 1\n"
        )
        (confdir / "mimemap").write_text(".jsonl = text/plain\n")

    def index(self, from_scratch: bool) -> float:
        if from_scratch:
            for path in self.confdir.iterdir():
                if path.name not in ("recoll.conf", "mimemap"):
                    fresh(path)
        return run(["recollindex", "-c", self.confdir])[0]

    def query(self, query: str) -> float:
        return run(["recollq", "-c", self.confdir, "-E", "-n", "20", "-A", query])[0]


def tesseract_all(
    images: Sequence[Path], scratch: Path, workers: int = 2, urdu_again: bool = False
) -> tuple[float, int]:
    """Wall time of OCR alone: tesseract on each picture as xarchive calls it, `workers` at
    once, and how many pictures were read twice. `urdu_again`: the readings xarchive asks
    for (core/ocr.py), a picture whose text is mostly Arabic script read a second time with
    Urdu alone, by the same rule; otherwise one eng+urd reading each."""
    try:
        from xarchive.core.ocr import mostly_arabic
    except ImportError:  # a --commit before it was named so
        from xarchive.core.ocr import _mostly_arabic as mostly_arabic  # type: ignore[attr-defined]

    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    scratch.mkdir(parents=True, exist_ok=True)
    twice = 0

    def one(pair: tuple[int, Path]) -> None:
        nonlocal twice
        number, image = pair
        base = scratch / f"out-{number}"
        run(["tesseract", image, base, "-l", "eng+urd", "--psm", "3", "txt", "tsv"],
            env=env)  # fmt: skip
        if urdu_again:
            text = base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
            if len(re.findall(r"\w", text)) >= 3 and mostly_arabic(text):
                twice += 1
                run(["tesseract", image, scratch / f"urd-{number}", "-l", "urd", "--psm", "3",
                     "txt", "tsv"], env=env)  # fmt: skip

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, enumerate(images)))
    return time.perf_counter() - started, twice


@contextmanager
def screen(env: dict[str, str]) -> Iterator[str]:
    """A virtual X screen (Xvfb) for the app, else Qt's offscreen platform; its name."""
    if not shutil.which("Xvfb"):
        env["QT_QPA_PLATFORM"] = "offscreen"
        yield "offscreen (no Xvfb)"
        return
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=[write], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as f:
        display = f.readline().strip()
    env["DISPLAY"] = f":{display}"
    env["QT_QPA_PLATFORM"] = "xcb"
    try:
        yield f"Xvfb :{display}"
    finally:
        server.terminate()
        server.wait(10)


# -- the benchmark ---------------------------------------------------------------------------


class Bench:
    def __init__(
        self, size: int, plan: Plan, seed: int, out: Path, work: Path, only: set[str],
        reuse: bool = False,
    ) -> None:  # fmt: skip
        self.size, self.plan, self.seed, self.only = size, plan, seed, only
        self.corpus = out / f"corpus-{size}"
        reused = reuse and (work / "archive.xarchive" / "archive.sqlite").exists()
        self.work = work if reused else fresh(work)
        self.work.mkdir(parents=True, exist_ok=True)
        self.archive = self.work / "archive.xarchive"
        self.ref = self.work / "ref.sqlite"
        self.recoll = Recoll(self.work / "recoll-mix", self.corpus)
        self.recoll_built = reused and (self.work / "recoll-mix" / "xapiandb").is_dir()
        self.rows: list[Row] = []
        self.notes: list[str] = []
        if reused:
            self.notes.append(
                f"The archive, the FTS5 reference and Recoll's index were kept from an "
                f"earlier run (--reuse): {self.work}."
            )
        self.hit_checks: list[tuple[str, str, int, int]] = []
        self.env = dict(
            os.environ,
            XARCHIVE_DATA_DIR=str(self.work / "userdata"),
            XDG_CONFIG_HOME=str(self.work / "config"),
            XDG_CACHE_HOME=str(self.work / "cache"),
            # xarchive's modules compiled once, as an installed app's are, not at every
            # start as PYTHONDONTWRITEBYTECODE (set in some development shells) has it:
            # a start-up figure is then mostly the compiler's
            PYTHONPYCACHEPREFIX=str(self.work / "pycache"),
        )
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.made = corpus_module.ensure(self.corpus, size, seed)
        self.files = sum(self.made.files.values())

    def wanted(self, phase: str) -> bool:
        return not self.only or phase in self.only

    def add(self, row: Row) -> None:
        self.rows.append(row)
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
        log(f"  {row.measure}: {row.shown(row.ours)} vs {row.shown(row.peer)} = {ratio}")

    def pair_row(self, measure: str, peer_name: str, peer: list[float], ours: list[float],
                 **kw: Any) -> None:  # fmt: skip
        """A row of the medians of interleaved samples."""
        row = Row(measure, median(ours), median(peer), peer_name, **kw)
        row.ours_samples, row.peer_samples = ours, peer
        self.add(row)

    def index_size_row(self) -> None:
        """The search index's size on disk beside Recoll's (its Xapian database) for the
        same corpus, and its share of the archive (issue 11: the index's share of the
        space must be reasonable when a disk fills)."""
        index = _folder_bytes(self.archive / "index")
        whole = _folder_bytes(self.archive)
        recoll = _folder_bytes(self.recoll.confdir / "xapiandb") if self.recoll_built else 0
        share = f"{index / whole:.0%} of the archive's {whole / 1e6:,.1f} MB" if whole else ""
        row = Row("search index on disk", index / 1e6, recoll / 1e6 if recoll else None,
                  "Recoll's Xapian database", unit="MB", note=share)  # fmt: skip
        self.add(row)

    # -- xarchive, whole process ----------------------------------------------------------
    def xa(self, *args: str | Path, ok: Sequence[int] = (0,), capture: bool = False) -> float:
        # PYTHONSAFEPATH: the current folder off the workers' module path: run from a
        # clone, the fork server of an older commit (--commit, before 6a028ab) imported
        # the clone's xarchive instead of the commit's
        env = dict(self.env, PYTHONSAFEPATH="1")
        return run([XARCHIVE, *args], env=env, ok=ok, capture=capture)[0]

    def xa_import(self, paths: Sequence[Path], archive: Path, workers: int, ocr: bool = False,
                  new: bool = True) -> float:  # fmt: skip
        if new:
            fresh(archive)
        args = ["import", *paths, "--archive", archive, "--workers", str(workers)]
        if new:
            args.append("--create")
        if not ocr:
            args.append("--no-ocr")
        return self.xa(*args)

    # -- what the measures need ----------------------------------------------------------
    def ensure_archive(self) -> None:
        if (self.archive / "archive.sqlite").exists():
            return
        if self.plan.direct:
            self.ensure_ref()
            log(f"archive: writing {self.made.total_items} items straight into the database")
            seconds, _ = run([sys.executable, BENCH / "direct.py", self.ref, self.archive],
                             env=self.env)  # fmt: skip
            self.notes.append(
                f"The archive was written straight into the database by bench/direct.py "
                f"({seconds:.0f} s, reindex included), not imported."
            )
        else:
            log("archive: importing the corpus (2 workers, no OCR)")
            seconds = self.xa_import([self.corpus], self.archive, workers=2)
            self.notes.append(f"The archive was imported for this run: {seconds:.0f} s "
                              f"(2 workers, no OCR; one run, not in the table).")  # fmt: skip

    def ensure_ref(self) -> None:
        if not self.ref.exists():
            log("FTS5 reference: indexing the corpus")
            fts5_ref.build(fts5_ref.read_corpus(self.corpus), self.ref)

    def ensure_recoll(self) -> None:
        if Recoll.available and not self.recoll_built:
            log("recoll: indexing the corpus")
            seconds = self.recoll.index(from_scratch=True)
            self.notes.append(f"Recoll indexed the corpus from scratch in {seconds:.0f} s "
                              f"(one run, not in the table).")  # fmt: skip
            self.recoll_built = True

    def items_in_archive(self) -> int:
        from xarchive.core.archive import Archive

        with Archive.open(self.archive, readonly=True) as archive:
            return int(archive.db.execute("SELECT count(*) FROM items").fetchone()[0])

    # -- import ------------------------------------------------------------------------
    def measure_import(self) -> None:
        runs = self.plan.runs
        kinds = [("text", ".txt"), ("html", "HTML"), ("pdf", "PDF"), ("posts", "posts"),
                 ("png", "PNG, no OCR")]  # fmt: skip
        recolls = {k: Recoll(self.work / f"recoll-{k}", self.corpus / k) for k, _ in kinds}
        peer: dict[str, list[float]] = {k: [] for k, _ in kinds}
        ours: dict[str, list[float]] = {k: [] for k, _ in kinds}
        mix_peer: list[float] = []
        mix_ours1: list[float] = []
        mix_ours2: list[float] = []
        ref_times: list[float] = []
        scratch = self.work / "import-scratch.xarchive"
        for number in range(runs):
            log(f"import: run {number + 1} of {runs}")
            for kind, _ in kinds:
                if Recoll.available:
                    peer[kind].append(recolls[kind].index(from_scratch=True))
                ours[kind].append(self.xa_import([self.corpus / kind], scratch, workers=2))
            if Recoll.available:
                mix_peer.append(self.recoll.index(from_scratch=True))
            mix_ours1.append(self.xa_import([self.corpus], scratch, workers=1))
            if Recoll.available:
                mix_peer.append(self.recoll.index(from_scratch=True))
                self.recoll_built = True
            mix_ours2.append(self.xa_import([self.corpus], self.archive, workers=2))
            ref_times.append(run([sys.executable, BENCH / "fts5_ref.py", "index", self.corpus,
                                  self.ref], env=self.env)[0])  # fmt: skip
        fresh(scratch)
        recoll = "recollindex" if Recoll.available else "recollindex (not installed)"
        for kind, label in kinds:
            files = self.made.files.get(kind, 0)
            items = self.made.items
            what = {"posts": f"{items.get('post', 0)} posts in {files} files"}.get(
                kind, f"{files} files"
            )
            self.pair_row(f"import {label} ({what}), 2 workers", recoll, peer[kind], ours[kind],
                          target="≤ 2.0×" if kind in ("text", "html") else "")  # fmt: skip
        mix = f"the mix ({self.files} files, {self.made.total_items} items)"
        self.pair_row(f"import {mix}, 1 worker", recoll, mix_peer, mix_ours1)
        self.pair_row(f"import {mix}, 2 workers", recoll, mix_peer, mix_ours2)
        self.pair_row(f"import {mix}, 2 workers", "FTS5 reference indexer (1 process)",
                      ref_times, mix_ours2)  # fmt: skip
        self.index_size_row()
        have = self.items_in_archive()
        if have != self.made.total_items:
            self.notes.append(
                f"xarchive's import made {have} items of the {self.made.total_items} expected."
            )

    def measure_ocr(self) -> None:
        if not shutil.which("tesseract"):
            self.add(
                Row("import PNG screenshots with OCR", None, None, "tesseract (not installed)")
            )
            return
        folder = fresh(self.work / "ocr-images")
        folder.mkdir()
        images = sorted((self.corpus / "png").rglob("*.png"))[: self.plan.ocr_images]
        for image in images:
            shutil.copy2(image, folder / image.name)
        copies = sorted(folder.iterdir())
        peer: list[float] = []
        once: list[float] = []
        ours: list[float] = []
        twice = 0
        scratch = self.work / "ocr.xarchive"
        for number in range(self.plan.runs):
            log(f"OCR: run {number + 1} of {self.plan.runs} ({len(copies)} pictures)")
            seconds, twice = tesseract_all(copies, fresh(self.work / "tesseract-out"),
                                           urdu_again=True)  # fmt: skip
            peer.append(seconds)
            once.append(tesseract_all(copies, fresh(self.work / "tesseract-out"))[0])
            ours.append(self.xa_import([folder], scratch, workers=2, ocr=True))
        what = plural(len(copies), "PNG screenshot")
        self.pair_row(f"import {what} with OCR, 2 workers",
                      "tesseract alone, the same readings, 2 at a time", peer, ours,
                      target="≤ 1.2×")  # fmt: skip
        self.pair_row(f"import {what} with OCR, 2 workers",
                      "tesseract alone, one eng+urd reading each", once, ours)  # fmt: skip
        self.notes.append(
            f"OCR: {plural(twice, 'picture')} of {len(copies)} read mostly as Arabic script "
            "and were read again with Urdu alone, by xarchive as by its peer "
            '"the same readings" (core/ocr.py: Urdu read with English loaded comes out '
            "partly as Latin junk; the second reading cut the character error 15.35 → 12.28)."
        )

    def measure_reimport(self) -> None:
        self.ensure_archive()
        self.ensure_recoll()
        peer: list[float] = []
        ours: list[float] = []
        for number in range(self.plan.runs):
            log(f"re-import, unchanged: run {number + 1} of {self.plan.runs}")
            if Recoll.available:
                peer.append(self.recoll.index(from_scratch=False))
            ours.append(self.xa_import([self.corpus], self.archive, workers=2, new=False))
        self.pair_row(f"re-import, {self.files} files unchanged", "recollindex, incremental",
                      peer, ours, target="≤ 5 s at 100 000")  # fmt: skip

    def measure_changed(self) -> None:
        """Last: it changes 1 % of the corpus's files (put back afterwards) and the archive."""
        self.ensure_archive()
        self.ensure_recoll()
        texts = sorted(self.corpus.glob("text/*/*.txt")) + sorted(self.corpus.glob("html/*/*.html"))
        count = max(1, round(self.files / 100))
        step = max(1, len(texts) // count)
        changed = texts[::step][:count]
        saved = {p: (p.read_bytes(), p.stat()) for p in changed}
        peer: list[float] = []
        ours: list[float] = []
        alone: list[float] = []
        words = corpus_module.Words(random.Random(self.seed))
        # New text at every run of every bench: an archive kept with --keep and measured
        # again with --reuse holds the revisions of the runs before, and the same text
        # again would be skipped as a duplicate, not imported (a re-import of 641 changed
        # files at 100 000 then took 9.5 s instead of 40-50).
        tag = f"{time.time_ns():x}"
        scratch = self.work / "changed.xarchive"
        try:
            for number in range(self.plan.runs):
                log(
                    f"re-import, {len(changed)} files changed: run {number + 1} of {self.plan.runs}"
                )
                for path in changed:
                    data, info = saved[path]
                    extra = f"{tag}{number} " + " ".join(words.draw(60, urdu=False))
                    if path.suffix == ".html":
                        added = data.replace(b"</article>", f"<p>{extra}</p></article>".encode())
                    else:
                        added = data + f"\nRevision {number + 1}: {extra}\n".encode()
                    path.write_bytes(added)
                    stamp = info.st_mtime + 3600 * (number + 1)
                    os.utime(path, (stamp, stamp))
                if Recoll.available:
                    peer.append(self.recoll.index(from_scratch=False))
                ours.append(self.xa_import([self.corpus], self.archive, workers=2, new=False))
                alone.append(self.xa_import(changed, scratch, workers=2))
        finally:
            for path, (data, info) in saved.items():
                path.write_bytes(data)
                os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
            fresh(scratch)
        what = f"re-import, {len(changed)} of {self.files} files changed"
        self.pair_row(what, "recollindex, incremental", peer, ours)
        those = "that file" if len(changed) == 1 else f"those {len(changed)} files"
        self.pair_row(what, f"xarchive importing just {those}", alone, ours,
                      target="≤ 2.0×")  # fmt: skip

    # -- search ------------------------------------------------------------------------
    def measure_search(self) -> None:
        from xarchive.core.archive import Archive
        from xarchive.core.search import Searcher

        self.ensure_archive()
        self.ensure_ref()
        ref = fts5_ref.RefSearcher(self.ref)
        ours: dict[str, list[float]] = {q.label: [] for q in QUERIES}
        peer: dict[str, list[float]] = {q.label: [] for q in QUERIES}
        ours_days: list[float] = []
        peer_days: list[float] = []
        with Archive.open(self.archive, readonly=True) as archive:
            searcher = Searcher(archive)
            items = int(archive.db.execute("SELECT count(*) FROM items").fetchone()[0])
            rounds = self.plan.search_rounds
            for number in range(rounds + 1):  # the first round warms up, untimed
                if number:
                    log(f"search: round {number} of {rounds}")
                for q in QUERIES:
                    started = time.perf_counter()
                    match = ref.fuzzy(q.fuzzy) if q.fuzzy else q.match
                    theirs = ref.search(match, q.where, limit=20)
                    middle = time.perf_counter()
                    mine = searcher.search(q.xarchive, limit=20)
                    ended = time.perf_counter()
                    if number:
                        peer[q.label].append(middle - started)
                        ours[q.label].append(ended - middle)
                    else:
                        self.hit_checks.append((q.label, q.xarchive, mine.total, theirs.total))
                for q in QUERIES:
                    started = time.perf_counter()
                    ref.day_counts(ref.fuzzy(q.fuzzy) if q.fuzzy else q.match, q.where)
                    middle = time.perf_counter()
                    searcher.day_counts(q.xarchive)
                    ended = time.perf_counter()
                    if number:
                        peer_days.append(middle - started)
                        ours_days.append(ended - middle)
            searcher.close()
        ref.close()
        all_ours = [t for q in QUERIES for t in ours[q.label]]
        all_peer = [t for q in QUERIES for t in peer[q.label]]
        fts = "SQLite FTS5 reference"
        what = f"{len(QUERIES)} queries × {rounds} rounds, {items} items"
        for p in (50, 95, 99):
            self.add(Row(f"search p{p}: first 20 hits + snippets + facets ({what})",
                         percentile(all_ours, p), percentile(all_peer, p), fts, unit="ms",
                         target="≤ 50 ms at 100 000" if p == 95 else "",
                         ours_samples=all_ours, peer_samples=all_peer))  # fmt: skip
        for q in QUERIES:
            self.pair_row(f"search median: {q.label} ({q.xarchive})", fts, peer[q.label],
                          ours[q.label], unit="ms")  # fmt: skip
        for p in (50, 95, 99):
            self.add(Row(f"timeline day counts p{p} ({what})", percentile(ours_days, p),
                         percentile(peer_days, p), fts, unit="ms",
                         target="≤ 50 ms at 100 000" if p == 95 else "",
                         ours_samples=ours_days, peer_samples=peer_days))  # fmt: skip

    def measure_snippets(self) -> None:
        """What snippets cost (issue 12: a snippet from anywhere in an item, without
        analysing its whole text): each query's first 20 hits with their snippets (or,
        without words searched, how each text begins), beside the same search without
        them, interleaved; facets left out of both."""
        from xarchive.core.archive import Archive
        from xarchive.core.search import Searcher

        self.ensure_archive()
        ours: list[float] = []
        bare: list[float] = []
        rounds = self.plan.search_rounds
        with Archive.open(self.archive, readonly=True) as archive:
            searcher = Searcher(archive)
            for number in range(rounds + 1):  # the first round warms up, untimed
                for q in QUERIES:
                    started = time.perf_counter()
                    searcher.search(q.xarchive, limit=20, facets=False, snippets=False)
                    middle = time.perf_counter()
                    searcher.search(q.xarchive, limit=20, facets=False)
                    ended = time.perf_counter()
                    if number:
                        bare.append(middle - started)
                        ours.append(ended - middle)
            searcher.close()
        cost = median([o - b for o, b in zip(ours, bare, strict=True)])
        self.add(Row(f"snippets: first 20 hits with snippets, p50 ({len(QUERIES)} queries × "
                     f"{rounds} rounds)", percentile(ours, 50), percentile(bare, 50),
                     "the same searches without snippets", unit="ms",
                     ours_samples=ours, peer_samples=bare))  # fmt: skip
        if cost is not None:
            self.notes.append(
                f"Snippets add {cost * 1000:.1f} ms to a search's first 20 hits (median of "
                f"{len(ours)} paired searches)."
            )

    def measure_cli(self) -> None:
        self.ensure_archive()
        self.ensure_recoll()
        queries = [q for q in QUERIES if q.recoll][: self.plan.cli_queries]
        ours: dict[str, list[float]] = {q.label: [] for q in queries}
        peer: dict[str, list[float]] = {q.label: [] for q in queries}
        for number in range(self.plan.cli_rounds):
            log(f"CLI search: round {number + 1} of {self.plan.cli_rounds}")
            for q in queries:
                if Recoll.available:
                    peer[q.label].append(self.recoll.query(str(q.recoll)))
                ours[q.label].append(
                    self.xa("search", "--json", q.xarchive, "--archive", self.archive)
                )
        ours_med = {k: float(median(v) or 0) for k, v in ours.items()}
        peer_med = {k: median(v) for k, v in peer.items()}
        name = "recollq" if Recoll.available else "recollq (not installed)"
        self.add(Row(f"CLI `xarchive search --json`, median of {len(queries)} queries",
                     median(list(ours_med.values())),
                     median([v for v in peer_med.values() if v is not None]), name,
                     target="≤ 10×"))  # fmt: skip
        worst = max(ours_med, key=lambda k: ours_med[k] / (peer_med[k] or ours_med[k] or 1))
        self.add(Row(f"CLI `xarchive search --json`, slowest against its peer: {worst}",
                     ours_med[worst], peer_med[worst], name, target="≤ 10×"))  # fmt: skip

    # -- verify, export, reindex ------------------------------------------------------------
    def blobs(self, archive: Path | None = None) -> list[Path]:
        root = (archive or self.archive) / "blobs"
        return sorted(p for p in root.rglob("*") if p.is_file())

    def ensure_large(self) -> Path:
        """An archive of a few large originals (pictures of noise, which no compressor
        shrinks, as with scans, photos and videos), where verify and export are timed
        by the bytes they move rather than by what they do per item."""
        archive = self.work / "large.xarchive"
        if (archive / "archive.sqlite").exists():
            return archive
        folder = fresh(self.work / "large-originals")
        folder.mkdir()
        rng = random.Random(self.seed)
        side = 1300  # a 5 MB picture
        for number in range(self.plan.large_files):
            picture = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
            picture.save(folder / f"noise-{number:03d}.png", compress_level=1)
        log(f"large originals: importing {self.plan.large_files} pictures (no OCR)")
        self.xa_import([folder], archive, workers=2)
        return archive

    def measure_verify(self) -> None:
        self.ensure_archive()
        self._verify_row(self.archive, "")
        self._verify_row(self.ensure_large(), "large originals, ")

    def _verify_row(self, archive: Path, what: str) -> None:
        blobs = self.blobs(archive)
        listing = b"\0".join(str(p).encode() for p in blobs) + b"\0"
        size = sum(p.stat().st_size for p in blobs)
        peer: list[float] = []
        ours: list[float] = []
        for number in range(self.plan.runs):
            log(f"verify ({what}{len(blobs)} blobs): run {number + 1} of {self.plan.runs}")
            peer.append(run(["xargs", "-0", "sha256sum"], stdin=listing)[0])
            ours.append(self.xa("verify", "--archive", archive))
        note = f"{what}{len(blobs)} blobs, {size / 1e6:,.0f} MB"
        self.pair_row(f"verify ({note})", "sha256sum over the blobs", peer, ours,
                      target="≤ 1.0× (≥ 100 % of its throughput)")  # fmt: skip

    def measure_export(self) -> None:
        self.ensure_archive()
        if not shutil.which("zip"):
            self.notes.append("export not measured against zip: zip is not installed.")
        self._export_row(self.archive, "")
        self._export_row(self.ensure_large(), "large originals, ")

    def _export_row(self, archive: Path, what: str) -> None:
        peer: list[float] = []
        ours: list[float] = []
        for number in range(self.plan.runs):
            log(f"export ({what or 'the corpus, '}run {number + 1} of {self.plan.runs})")
            if shutil.which("zip"):
                target = fresh(self.work / "peer.zip")
                peer.append(run(["zip", "-q", "-r", target, "blobs"], cwd=archive)[0])
            bundle = fresh(self.work / "export.zip")
            ours.append(self.xa("export", "*", "--out", bundle, "--archive", archive))
        size = sum(p.stat().st_size for p in self.blobs(archive))
        measure = f"export everything (`xarchive export '*'`, a zip; {what}{size / 1e6:,.0f} MB)"
        self.pair_row(measure, "zip -r of the blobs", peer, ours, target="≤ 2.0×")
        fresh(self.work / "peer.zip")
        fresh(self.work / "export.zip")

    def measure_reindex(self) -> None:
        self.ensure_archive()
        items = self.items_in_archive()
        peer: list[float] = []
        ours: list[float] = []
        for number in range(self.plan.runs):
            log(f"reindex: run {number + 1} of {self.plan.runs}")
            peer.append(run([sys.executable, BENCH / "fts5_ref.py", "reindex", self.archive,
                             self.work / "ref-reindex.sqlite"], env=self.env)[0])  # fmt: skip
            ours.append(self.xa("reindex", "--archive", self.archive))
        self.pair_row(f"reindex {items} items (`xarchive reindex`)",
                      "FTS5 reference from the same database", peer, ours, unit="rate",
                      count=items, target="≥ 400 items/s at 100 000")  # fmt: skip
        fresh(self.work / "ref-reindex.sqlite")

    # -- the app -------------------------------------------------------------------------
    def app_once(self, args: Sequence[str | Path], env: dict[str, str]) -> dict[str, float]:
        """Run the driver; seconds from launch to `shown`, and what it reported."""
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, BENCH / "app_driver.py", *map(str, args)], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        # A hung app (a dialog nobody answers) must not hang the benchmark.
        watchdog = threading.Timer(APP_SECONDS, child.kill)
        watchdog.start()
        found: dict[str, float] = {}
        errors: list[str] = []
        drain = threading.Thread(target=lambda: errors.extend(child.stderr or []), daemon=True)
        drain.start()
        assert child.stdout is not None
        for line in child.stdout:
            words = line.split()
            if not words:
                continue
            if words[0] == "shown":
                found["shown"] = time.perf_counter() - started
                found["rss_shown"] = float(words[2])
            elif words[0] == "scrolled":
                found["rows"], found["total"] = float(words[1]), float(words[2])
                found["scroll_seconds"] = float(words[3])
            elif words[0] == "peak":
                found["peak"] = float(words[1])
            elif words[0] == "failed":
                errors.append(line)
        child.wait(60)
        watchdog.cancel()
        drain.join(5)
        if "shown" not in found or "peak" not in found:
            raise BenchError("the app driver did not finish: " + " / ".join(errors[-5:]))
        return found

    def measure_app(self) -> None:
        self.ensure_archive()
        env = dict(self.env)
        peer: list[dict[str, float]] = []
        ours: list[dict[str, float]] = []
        with screen(env) as where:
            for number in range(self.plan.app_runs):
                log(f"app: run {number + 1} of {self.plan.app_runs} ({where})")
                peer.append(self.app_once(["--bare"], env))
                settings = fresh(self.work / f"settings-{number}.ini")
                ours.append(self.app_once([self.archive, "--settings", settings], env))
        bare = "a bare PySide6 window (20 rows)"
        self.pair_row(f"app: launch to results shown ({where})", bare,
                      [p["shown"] for p in peer], [o["shown"] for o in ours],
                      target="≤ 1.5 s at 100 000")  # fmt: skip
        rows, total = ours[-1]["rows"], ours[-1]["total"]
        scrolled = f"all {total:.0f} results" if rows >= total else f"{rows:.0f} of {total:.0f}"
        self.pair_row(f"app: peak RSS after scrolling {scrolled}, the timeline, facets", bare,
                      [p["peak"] for p in peer], [o["peak"] for o in ours], unit="MB",
                      target="≤ 400 MB at 100 000")  # fmt: skip
        if rows < total:
            self.notes.append(
                f"The app's scroll to the end stopped after {ours[-1]['scroll_seconds']:.0f} s "
                f"at {rows:.0f} of {total:.0f} results."
            )

    # -- all ------------------------------------------------------------------------------
    def run_all(self) -> None:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("import", self.measure_import),
            ("ocr", self.measure_ocr),
            ("reimport", self.measure_reimport),
            ("search", self.measure_search),
            ("search", self.measure_snippets),
            ("cli", self.measure_cli),
            ("verify", self.measure_verify),
            ("export", self.measure_export),
            ("reindex", self.measure_reindex),
            ("app", self.measure_app),
            ("changed", self.measure_changed),
        ]
        skipped_direct = {"import", "ocr", "reimport", "verify", "export", "changed"}
        if not Recoll.available:
            self.notes.append(
                "Recoll is not installed (apt-get install recollcmd): no ratios to it."
            )
        for phase, step in steps:
            if not self.wanted(phase):
                continue
            if self.plan.direct and phase in skipped_direct:
                continue
            step()
        if self.plan.direct:
            self.notes.append(
                "Import, OCR, re-import, verify and export are measured at 1 000 and 10 000 "
                "items: this archive has no originals."
            )


# -- the report ------------------------------------------------------------------------------


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def snapshot(rev: str, folder: Path) -> str:
    """xarchive/ and resources/ as of `rev`, in `folder`, imported before this checkout's
    (PYTHONPATH, here and in every command); the short commit id."""
    commit = subprocess.run(["git", "rev-parse", "--short", f"{rev}^{{commit}}"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    fresh(folder).mkdir(parents=True)
    tar = subprocess.run(["git", "archive", commit, "xarchive", "resources"], cwd=ROOT,
                         capture_output=True, check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", folder], input=tar, check=True)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p
    )
    sys.path.insert(0, str(folder))
    return commit


def machine(commit: str = "") -> dict[str, str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    if commit:
        dirty = ""
    else:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "xarchive"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()  # fmt: skip
    return {
        "cpus": str(os.cpu_count()),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "commit": commit + (" (with uncommitted changes in xarchive/)" if dirty else ""),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def table(rows: Sequence[Row]) -> str:
    header = ("measure", "xarchive", "peer", "peer's figure", "ratio", "target")
    lines = [
        (r.measure, r.shown(r.ours), r.peer_name, r.shown(r.peer),
         f"{r.ratio:.2f}×" if r.ratio is not None else "—", r.target)
        for r in rows
    ]  # fmt: skip
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    right = {1, 3, 4}

    def fmt(cells: Sequence[str]) -> str:
        padded = (
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":" if i in right else "-" * (w + 2))
                          for i, w in enumerate(widths)) + "|"  # fmt: skip
    return "\n".join([fmt(header), rule, *(fmt(line) for line in lines)])


def report(bench: Bench, info: dict[str, str], load_before: str, seconds: float) -> str:
    made = bench.made
    out = [
        f"xarchive bench: {made.total_items:,} items ({bench.files:,} files, "
        f"{made.bytes / 1e6:,.0f} MB), seed {made.seed}; commit {info['commit']}; "
        f"{info['cpus']} × {info['cpu']}; Python {info['python']}; {info['date']}",
        f"medians of {bench.plan.runs} interleaved runs (peer, xarchive, …); search: "
        f"{bench.plan.search_rounds} rounds; load average {load_before} before, "
        f"{info['load']} after; {seconds / 60:.0f} min in all",
        "",
        table(bench.rows),
        "",
    ]
    if bench.hit_checks:
        wrong = [c for c in bench.hit_checks if c[2] != c[3]]
        out.append(
            f"hit counts: xarchive and the FTS5 reference agree on "
            f"{len(bench.hit_checks) - len(wrong)} of {len(bench.hit_checks)} queries"
            + ("." if not wrong else "; they differ on:")
        )
        for label, query, ours, theirs in wrong:
            out.append(f"  MISMATCH {label} ({query}): xarchive {ours}, FTS5 reference {theirs}")
    out += [f"note: {n}" for n in bench.notes]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1000",
                        help="items in the corpus: smoke (60), 1000, 10000 or 100000")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, help="interleaved runs of each measure")
    parser.add_argument("--only", help=f"comma-separated phases: {','.join(PHASES)}")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="where the corpus and the results go (default bench/out)")  # fmt: skip
    parser.add_argument("--work", type=Path, help="scratch folder (default OUT/work-SIZE)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--reuse", action="store_true",
                        help="use the archive, reference index and Recoll index a --keep run "
                        "left in the scratch folder instead of building them again (at "
                        "100000 a quarter of an hour); the archive must be of this commit's "
                        "index format: a reindex phase in the same run makes it so")  # fmt: skip
    parser.add_argument("--direct", action="store_true",
                        help="write the archive straight into the database, as at 100000: "
                        "no import, verify or export measures")  # fmt: skip
    parser.add_argument("--imported", action="store_true",
                        help="import the corpus for real even at 100000 (about an hour on "
                        "2 cores), for the re-import measures there; keep it with --work "
                        "DIR --keep and measure it again with --reuse")  # fmt: skip
    parser.add_argument("--commit", metavar="REV",
                        help="measure xarchive as of this commit (a snapshot of its xarchive/ "
                        "and resources/), not the working tree others may be editing")  # fmt: skip
    args = parser.parse_args(argv)
    size = corpus_module.size_of(args.size)
    if size not in PLANS:
        parser.error(f"--size must be one of smoke, {', '.join(str(s) for s in PLANS if s > 100)}")
    only = set(args.only.split(",")) if args.only else set()
    if only - set(PHASES):
        parser.error(f"unknown phases: {', '.join(sorted(only - set(PHASES)))}")
    plan = PLANS[size]
    if args.direct and args.imported:
        parser.error("--direct and --imported exclude each other")
    if args.direct or args.imported:
        plan = Plan(**{**asdict(plan), "direct": args.direct})
    if args.runs:
        plan = Plan(**{**asdict(plan), "runs": args.runs, "cli_rounds": args.runs,
                       "app_runs": args.runs})  # fmt: skip

    out = args.out.absolute()
    work = (args.work or out / f"work-{size}").absolute()
    commit = ""
    source = work.with_name(f"source-{work.name}")  # one per scratch folder: runs may overlap
    if args.commit:
        commit = snapshot(args.commit, source)
    from xarchive.core.offline import forbid_network

    forbid_network()  # the benchmark keeps the offline promise too
    import xarchive

    log(f"xarchive from {Path(xarchive.__file__).parent}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the corpus's PDFs are drawn by Qt
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    started = time.perf_counter()
    try:
        bench = Bench(size, plan, args.seed, out, work, only, reuse=args.reuse)
        bench.run_all()
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    info = machine(commit)
    text = report(bench, info, load_before, time.perf_counter() - started)
    print(text)
    out.mkdir(parents=True, exist_ok=True)
    results = out / f"results-{size}.json"
    results.write_text(json.dumps(
        {"machine": info, "plan": asdict(plan), "corpus": asdict(bench.made),
         "rows": [{**asdict(r), "ratio": r.ratio} for r in bench.rows],
         "hit_checks": bench.hit_checks, "notes": bench.notes, "table": text},
        indent=1, ensure_ascii=False))  # fmt: skip
    log(f"samples in {results}")
    if not args.keep:
        fresh(work)
        if commit:
            fresh(source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
