"""The folder an import is started from is data, never code.

The import's fork server and workers start as `python -c …`, which puts the current
folder first on the module path: a folder named `xarchive` there (an unpacked drive,
a folder of collected files) had its `__init__.py` run in place of xarchive's own,
and every file of the import failed. core/lifeline.py starts them with PYTHONSAFEPATH.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

XARCHIVE = Path(sys.prefix) / "bin" / "xarchive"  # the command a person runs


def test_a_folder_named_xarchive_where_the_import_starts_is_not_run(tmp_path: Path) -> None:
    here = tmp_path / "unpacked-drive"
    (here / "xarchive").mkdir(parents=True)
    marker = tmp_path / "ran"
    (here / "xarchive" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'a').write('code of the working folder ran\\n')\n"
    )
    (here / "notes").mkdir()
    for n in range(4):
        (here / "notes" / f"note{n}.txt").write_text(f"Note {n}: the court heard the petition.\n")
    archive = tmp_path / "case.xarchive"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    for command in (
        ["import", "notes", "--workers", "2", "--create"],
        ["reindex"],
        ["search", "petition", "--json"],
    ):
        done = subprocess.run(
            [str(XARCHIVE), *command, "--archive", str(archive)],
            cwd=here, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert not marker.exists(), f"xarchive {command[0]} ran the working folder's code"
    assert json.loads(done.stdout)["total"] == 4  # every note imported, and found
