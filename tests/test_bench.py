"""The benchmark still works: bench/run.py at its smallest size prints its whole table.

No figure is checked: on a shared machine any timed assertion is flaky, and the
figures are for people (bench/README.md). What is checked is that every measure
ran and gave a figure, and that xarchive's hit counts agree with the FTS5
reference's on the benchmark's corpus.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: How each row of the table begins, in order.
ROWS = [
    "import .txt",
    "import HTML",
    "import PDF",
    "import posts",
    "import PNG, no OCR",
    "import the mix (40 files, 60 items), 1 worker",
    "import the mix (40 files, 60 items), 2 workers",
    "import the mix (40 files, 60 items), 2 workers",
    "search index on disk",
    "import 1 PNG screenshot with OCR",  # beside tesseract doing the same readings
    "import 1 PNG screenshot with OCR",  # beside one eng+urd reading each
    "re-import, 40 files unchanged",
    "search p50",
    "search p95",
    "search p99",
    *(
        f"search median: {label}"
        for label in ("common word", "rare word", "phrase", "boolean", "field", "date range")
    ),
    *(f"search median: {label}" for label in ("prefix", "fuzzy", "Urdu word", "everything")),
    "timeline day counts p50",
    "timeline day counts p95",
    "timeline day counts p99",
    "snippets: first 20 hits with snippets, p50",
    "CLI `xarchive search --json`, median",
    "CLI `xarchive search --json`, slowest",
    "verify (",
    "verify (large originals, ",
    "export everything (`xarchive export '*'`, a zip; ",
    "export everything (`xarchive export '*'`, a zip; large originals, ",
    "reindex",
    "app: launch to results shown",
    "app: peak RSS",
    "re-import, 1 of 40 files changed",
    "re-import, 1 of 40 files changed",
]


@pytest.mark.slow
def test_the_benchmark_prints_every_row_with_its_figures(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--size", "smoke", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,  # a hang, not a speed: the run takes about a minute
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == len(ROWS), done.stdout
    for line, start in zip(rows, ROWS, strict=True):
        assert line.startswith("| " + start), (start, line)
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[1] != "—", f"xarchive has no figure: {line}"
    assert "hit counts: xarchive and the FTS5 reference agree on 10 of 10 queries" in done.stdout
    assert "MISMATCH" not in done.stdout

    results = json.loads((tmp_path / "results-60.json").read_text())
    assert [r["measure"] for r in results["rows"]] == [
        line.strip("|").split("|")[0].strip() for line in rows
    ]
    assert not (tmp_path / "work-60").exists()  # the scratch folder is removed
