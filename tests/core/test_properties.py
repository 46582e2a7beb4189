"""An archive's properties: checked, all or nothing, audited; from the CLI too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import xarchive
from xarchive.core import properties
from xarchive.core.archive import Archive


def test_defaults_changes_and_the_audit_log(tmp_path: Path) -> None:
    with Archive.create(tmp_path / "case.xarchive") as archive:
        assert properties.read(archive)["name"] == "case.xarchive"
        assert properties.write(archive, {"user_name": " Ayesha\tKhan "}) == ["user_name"]
        assert archive.user_name == "Ayesha Khan"
        assert properties.write(archive, {"user_name": "Ayesha Khan"}) == []  # unchanged
        text = "Evidence for the petition.\n\nSecond paragraph."
        assert properties.write(archive, {"bundle_description": text}) == ["bundle_description"]
        assert properties.read(archive)["bundle_description"] == text  # lines kept
        rows = archive.db.execute(
            "SELECT user_name, detail FROM audit_log WHERE action = 'archive.properties'"
        ).fetchall()
        assert len(rows) == 2
        assert json.loads(rows[0][1])["changed"]["user_name"] == {"from": "", "to": "Ayesha Khan"}


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("colour", "red", "not a property"),
        ("name", "   ", "needs a name"),
        ("user_name", "x" * 201, "longer than 200"),
        ("name", "bell\x07", "control characters"),
    ],
)
def test_bad_values_change_nothing(tmp_path: Path, key: str, value: str, reason: str) -> None:
    with Archive.create(tmp_path / "case.xarchive") as archive:
        before = properties.read(archive)
        with pytest.raises(properties.InvalidProperty, match=reason):
            properties.write(archive, {"user_name": "Someone", key: value})  # all or nothing
        assert properties.read(archive) == before


def test_the_cli_lists_shows_and_sets(tmp_path: Path) -> None:
    root = str(tmp_path / "case.xarchive")
    assert xarchive("init", root).returncode == 0
    listed = xarchive("properties", "--archive", root)
    assert listed.returncode == 0 and "user_name" in listed.stdout
    assert xarchive("properties", "name", "Pakistan X", "--archive", root).returncode == 0
    shown = xarchive("properties", "name", "--archive", root)
    assert shown.stdout.strip() == "Pakistan X"
    bad = xarchive("properties", "colour", "--archive", root)
    assert bad.returncode != 0 and "not a property" in bad.stderr
