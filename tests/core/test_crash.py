"""Killing an import at any instant leaves an archive that opens, intact and verifiable."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.makefiles import text_file
from xarchive.core.archive import Archive
from xarchive.core.importing import ImportOptions, import_paths
from xarchive.core.indexing import index_state
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store
from xarchive.core.store import runs
from xarchive.core.verify import verify


def committed_items(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def cpu_ticks(pid: int) -> int:
    """The CPU time, in clock ticks, used so far by process `pid` and its descendants
    (those alive and those reaped), from /proc."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command's name, which may hold spaces
        parents[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = sum(int(f) for f in fields[11:15])  # utime … cstime
    tree, grown = {pid}, True
    while grown:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(ticks.get(p, 0) for p in tree)


@pytest.mark.slow
def test_sigkill_midway_leaves_a_consistent_archive(tmp_path: Path) -> None:
    folder = tmp_path / "collected"
    for n in range(600):
        text_file(
            folder / f"{n // 100}" / f"report-{n:04d}.md",
            f"# Report {n}\n\nAccess to X was disrupted in Pakistan; report number {n}.\n"
            + "Padding so that each file takes a little work. " * 50,
        )
    root = tmp_path / "a.xarchive"
    Archive.create(root).close()
    process = subprocess.Popen(
        [sys.executable, "-m", "xarchive.cli", "import", str(folder), "--archive", str(root),
         "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    # A hang, not a speed: the import fails the test only once it has neither committed
    # an item nor used any CPU for two minutes (a fixed deadline from the start failed
    # on a loaded machine while the import was still starting), or after 15 minutes.
    started = last_progress = time.monotonic()
    progress = (0, 0)
    while (count := committed_items(root / "archive.sqlite")) < 60:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        now, seen = time.monotonic(), (count, cpu_ticks(process.pid))
        if seen != progress:
            progress, last_progress = seen, now
        assert now - last_progress < 120, f"the import made no progress ({count} items)"
        assert now - started < 900, f"the import is still at {count} items after 15 minutes"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # The killed process's workers may outlive it for a moment; they must not write.
    time.sleep(0.5)

    with Archive.open(root) as archive:
        count = item_store.count_items(archive.db)
        assert 60 <= count < 600
        (run,) = [runs.get_run(archive.db, 1)]
        assert run.status == "interrupted"
        for item in item_store.items(archive.db):
            assert item_store.pages(archive.db, item.id), f"item {item.id} has no text"
        report = verify(archive)
        assert report.ok, report.problems
        state = index_state(archive)
        assert state.health.ok  # items committed but not yet indexed are only pending

        # Importing again finishes the job and brings the index up to date.
        again = import_paths(archive, [folder], ImportOptions(workers=2))
        assert not again.failed
        assert item_store.count_items(archive.db) == 600
        assert index_state(archive).up_to_date
        searcher = Searcher(archive)
        assert searcher.search("disrupted", limit=1).total == 600
        searcher.close()
