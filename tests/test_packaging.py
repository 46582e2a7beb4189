"""What a wheel installs: every file of resources/, and desktop files that point at real ones."""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def data_files() -> dict[str, list[Path]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = config["tool"]["setuptools"]["data-files"]
    return {
        target: sorted(p for pattern in patterns for p in REPO.glob(pattern))
        for target, patterns in mapping.items()
    }


def test_the_wheel_carries_every_resource() -> None:
    installed = data_files()
    shipped = {p for target, paths in installed.items() if target.startswith("share/xarchive/")
               for p in paths}  # fmt: skip
    every = {p for p in (REPO / "resources").rglob("*") if p.is_file()}
    assert every and every == shipped
    icons = installed["share/xarchive/resources/icons"]
    assert all(p.parent == REPO / "resources" / "icons" for p in icons)


def test_the_desktop_entry_names_an_installed_icon_and_command() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(REPO / "resources" / "org.xarchive.xarchive.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    icon = desktop["Icon"]
    installed = data_files()["share/icons/hicolor/scalable/apps"]
    assert [p.name for p in installed] == [f"{icon}.svg"]
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert desktop["Exec"].split()[0] in config["project"]["scripts"]
