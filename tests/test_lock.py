"""uv.lock pins every dependency pyproject.toml names, and .venv holds what it pins."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
UPDATE = "bash scripts/lock"


def _uv() -> str:
    uv = Path(sys.prefix) / "bin" / "uv"
    found = str(uv) if uv.is_file() else shutil.which("uv")
    if found is None:
        pytest.fail("uv is not installed: run `bash scripts/setup`, which puts it in .venv/bin")
    return found


def test_the_lock_matches_pyproject() -> None:
    # When they match, uv answers from the two files alone, without the network.
    result = subprocess.run(
        [_uv(), "lock", "--check", "--python", sys.executable],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=dict(os.environ, UV_PYTHON_DOWNLOADS="never"),
        timeout=300,
    )
    assert result.returncode == 0, (
        f"uv.lock does not match pyproject.toml. Run `{UPDATE}` (it updates uv.lock, "
        f"installs it and runs the suite), then commit uv.lock with pyproject.toml.\n"
        f"{result.stderr}"
    )


def _locked_versions() -> dict[str, list[str]]:
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    versions: dict[str, list[str]] = {}
    for package in lock["package"]:
        versions.setdefault(package["name"], []).append(package.get("version", ""))
    return versions


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def test_the_environment_holds_the_locked_versions() -> None:
    """What scripts/setup installed is what uv.lock pins (a stale .venv fails here)."""
    locked = _locked_versions()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    wrong = []
    for requirement in map(Requirement, wanted):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = _canonical(requirement.name)
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed not in locked.get(name, []):
            wrong.append(f"{name} {installed} (uv.lock: {', '.join(locked.get(name, ['none']))})")
    assert not wrong, f"not the locked versions: {wrong}; run `bash scripts/setup`"
