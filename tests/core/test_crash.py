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
    deadline = time.monotonic() + 120
    while committed_items(root / "archive.sqlite") < 60:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the import made no progress"
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
