"""What a wheel installs: every file of resources/, and desktop files that point at real ones."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path
from xml.etree import ElementTree

import pytest

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
    shipped = {p for paths in installed.values() for p in paths}
    every = {p for p in (REPO / "resources").rglob("*") if p.is_file()}
    assert every and every == shipped
    icons = installed["share/xarchive/resources/icons"]
    assert all(p.parent == REPO / "resources" / "icons" for p in icons)


def test_the_desktop_entry_names_an_installed_icon_and_command() -> None:
    desktop = _desktop_entry()
    icon = desktop["Icon"]
    installed = data_files()["share/icons/hicolor/scalable/apps"]
    assert [p.name for p in installed] == [f"{icon}.svg"]
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert desktop["Exec"].split()[0] in config["project"]["scripts"]


ICON = "org.xarchive.xarchive"
RESOURCES = REPO / "resources"


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_the_icon_comes_in_every_size_desktops_ask_for() -> None:
    installed = data_files()
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        [png] = installed[f"share/icons/hicolor/{size}x{size}/apps"]
        assert png.name == f"{ICON}.png"
        assert _png_size(png) == (size, size)


def _desktop_entry() -> configparser.SectionProxy:
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(RESOURCES / f"{ICON}.desktop", encoding="utf-8")
    return entry["Desktop Entry"]


def test_the_desktop_entry_opens_the_types_the_mime_package_declares() -> None:
    tree = ElementTree.parse(RESOURCES / "mime" / f"{ICON}.xml")
    declared = {e.get("type") for e in tree.getroot() if e.tag.endswith("mime-type")}
    opened = {t for t in _desktop_entry()["MimeType"].split(";") if t}
    assert (
        declared
        == opened
        == {
            "application/x-xarchive-archive",
            "application/x-xarchive-bundle",
            "application/x-xarchive-marker",
        }
    )
    [shipped] = data_files()["share/mime/packages"]
    assert shipped.name == f"{ICON}.xml"  # the name update-mime-database expects


def _mime_database(tmp_path: Path) -> Path:
    """Our MIME package compiled by update-mime-database into a data folder of its own,
    as a desktop has it once the .deb or install-desktop-entry has installed it."""
    if shutil.which("update-mime-database") is None:
        pytest.skip("update-mime-database is not installed (Debian: shared-mime-info)")
    share = tmp_path / "share"
    packages = share / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(RESOURCES / "mime" / f"{ICON}.xml", packages)
    subprocess.run(["update-mime-database", str(share / "mime")], check=True)
    return share


_QT_TYPES = (
    "import sys\n"
    "from PySide6.QtCore import QMimeDatabase\n"
    "db = QMimeDatabase()\n"
    "print('\\n'.join(db.mimeTypeForFile(p).name() for p in sys.argv[1:]))\n"
)


def _types(share: Path, paths: list[Path]) -> dict[str, list[str]]:
    """What GNOME's GLib (gio) and KDE's Qt (QMimeDatabase) call each file, `share`'s
    MIME database on top of the system's."""
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(share),
        "XDG_DATA_DIRS": "/usr/local/share:/usr/share",
    }
    qt = subprocess.run(
        [sys.executable, "-c", _QT_TYPES, *map(str, paths)],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    ).stdout.split()  # fmt: skip
    found = {"qt": qt}
    if shutil.which("gio") is not None:  # Debian: libglib2.0-bin (scripts/setup)
        found["glib"] = []
        for path in paths:
            info = subprocess.run(
                ["gio", "info", "-a", "standard::content-type", str(path)],
                env=env, capture_output=True, text=True, check=True, timeout=60,
            ).stdout  # fmt: skip
            found["glib"].append(info.rsplit("standard::content-type:", 1)[1].strip())
    return found


def test_an_exported_bundle_is_a_bundle_to_both_desktops_and_a_bag_to_any_tool(
    tmp_path: Path,
) -> None:
    """The name the app gives an export is typed as an xarchive bundle by GLib and Qt, so
    that GNOME's and KDE's file managers open it in xarchive; any other zip stays a zip;
    and the file is still a zip holding a valid BagIt bag, its folder named without the
    suffix."""
    from datetime import date

    from tests.conftest import run_import
    from xarchive.core.archive import Archive
    from xarchive.core.bundles import export_bundle, select_items
    from xarchive.gui.dialogs.bundle import suggested_name

    bagit = pytest.importorskip("bagit")
    share = _mime_database(tmp_path)
    globs = (share / "mime" / "globs2").read_text(encoding="utf-8")
    assert "application/x-xarchive-bundle:*.xbundle.zip" in globs
    assert "application/x-xarchive-archive:*.xarchive" in globs

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "hearing.txt").write_text("The bench asked for the letter.\n")
    name = suggested_name("Case: Lahore", zipped=True, today=date(2024, 4, 17))
    assert name == "Case-Lahore-bundle-2024-04-17.xbundle.zip"
    bundle = tmp_path / name
    with Archive.create(tmp_path / "case.xarchive") as archive:
        assert run_import(archive, tmp_path / "notes").failed == []
        export_bundle(archive, select_items(archive, query="*"), bundle)
    with zipfile.ZipFile(bundle) as z:
        assert {n.split("/", 1)[0] for n in z.namelist()} == {"Case-Lahore-bundle-2024-04-17"}
        z.extractall(tmp_path / "unzipped")
    bagit.Bag(str(tmp_path / "unzipped" / "Case-Lahore-bundle-2024-04-17")).validate()

    plain = tmp_path / "photos.zip"
    shutil.copy(bundle, plain)  # the same bytes: only the name tells
    types = _types(share, [bundle, plain])
    for desktop, found in types.items():
        assert found == ["application/x-xarchive-bundle", "application/zip"], desktop


def test_the_marker_in_an_archive_folder_is_what_desktops_open_in_xarchive(
    tmp_path: Path,
) -> None:
    """A folder is a folder to every file manager (GLib and Qt type none by its name), so
    the marker file inside an archive folder is what a double-click opens in xarchive;
    a text file of another name stays text (tests/gui/test_open_marker.py opens it)."""
    from xarchive.core import marker
    from xarchive.core.archive import Archive

    share = _mime_database(tmp_path)
    root = tmp_path / "Case.xarchive"
    Archive.create(root).close()
    note = tmp_path / "notes.txt"
    note.write_text(marker.MARKER_TEXT, encoding="utf-8")  # the same text: the name tells
    types = _types(share, [root / marker.MARKER_NAME, note, root])
    for desktop, found in types.items():
        assert found == ["application/x-xarchive-marker", "text/plain", "inode/directory"], desktop


def test_xarchive_is_what_gnome_opens_each_of_its_types_with(tmp_path: Path) -> None:
    """With the .desktop file and the MIME package installed (as the .deb and
    install-desktop-entry do), GLib names xarchive the default application of each type."""
    for tool in ("gio", "update-desktop-database"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (scripts/setup installs it)")
    share = _mime_database(tmp_path)
    (share / "applications").mkdir()
    shutil.copy(RESOURCES / f"{ICON}.desktop", share / "applications")
    subprocess.run(["update-desktop-database", str(share / "applications")], check=True)
    path = f"{Path(sys.prefix) / 'bin'}:{os.environ.get('PATH', '')}"  # for TryExec=xarchive
    env = {**os.environ, "XDG_DATA_HOME": str(share), "PATH": path, "LC_ALL": "C.UTF-8"}
    for mime_type in _desktop_entry()["MimeType"].split(";")[:-1]:
        said = subprocess.run(
            ["gio", "mime", mime_type], env=env, capture_output=True, text=True, timeout=60
        ).stdout
        first = said.splitlines()[0] if said else ""
        assert mime_type in first and first.endswith(f": {ICON}.desktop"), said


@pytest.mark.parametrize(
    ("tool", "args", "name"),
    [
        ("desktop-file-validate", [], f"{ICON}.desktop"),
        # --no-net: the validator would fetch every address (there is no network here)
        ("appstreamcli", ["validate", "--no-net", "--pedantic"], f"{ICON}.metainfo.xml"),
    ],
)
def test_the_desktop_files_pass_their_validators(tool: str, args: list[str], name: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (scripts/setup installs it)")
    result = subprocess.run([tool, *args, str(RESOURCES / name)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_metainfo_names_no_address_and_has_this_release() -> None:
    """No screenshot addresses until the project has one (a placeholder would show broken
    pictures, or someone else's); release notes for this version."""
    text = (RESOURCES / f"{ICON}.metainfo.xml").read_text(encoding="utf-8")
    root = ElementTree.fromstring(text)
    assert root.find("screenshots") is None and "://" not in text
    import xarchive

    version = xarchive.__version__
    releases = [r.get("version") for r in root.iter("release")]
    assert version in releases
    for release in root.iter("release"):
        assert release.find("description") is not None, f"release {release.get('version')}"


def test_the_metainfo_with_screenshots_shows_the_committed_ones_and_validates(
    tmp_path: Path,
) -> None:
    """What packaging/metainfo_screenshots.py makes once the pictures are published: every
    screenshot of docs/screenshots/ it names, at its real size, under the address given."""
    base = "https://example.org/xarchive/screenshots/"  # any address: the test's own
    script = REPO / "packaging" / "metainfo_screenshots.py"
    made = subprocess.run(
        [sys.executable, str(script), base], capture_output=True, text=True, check=True
    ).stdout
    out = tmp_path / f"{ICON}.metainfo.xml"  # the validator wants the id's name
    out.write_text(made, encoding="utf-8")
    shots = list(ElementTree.fromstring(made).iter("screenshot"))
    assert len(shots) >= 5 and shots[0].get("type") == "default"
    for shot in shots:
        image = shot.find("image")
        assert image is not None and image.text and image.text.startswith(base)
        picture = REPO / "docs" / "screenshots" / image.text.removeprefix(base)
        assert _png_size(picture) == (int(image.get("width", 0)), int(image.get("height", 0)))
        assert (shot.findtext("caption") or "").strip()
    start, end = made.index("  <screenshots>\n"), made.index("  </screenshots>\n") + 17
    committed = (RESOURCES / f"{ICON}.metainfo.xml").read_text(encoding="utf-8")
    said, _ = committed.split("  <!-- No screenshots here:")
    assert made[:start] == said and made[end:] == committed[len(committed) - len(made) + end :]
    if shutil.which("appstreamcli") is None:
        pytest.skip("appstreamcli is not installed (scripts/setup installs it)")
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--pedantic", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    refused = subprocess.run(
        [sys.executable, str(script), "file:///usr/share/xarchive/"], capture_output=True, text=True
    )
    assert refused.returncode != 0 and "https://" in refused.stderr


def test_the_flatpak_manifest_grants_no_network() -> None:
    manifest = (REPO / "packaging" / "flatpak" / f"{ICON}.yml").read_text(encoding="utf-8")
    lines = [line.split("#", 1)[0].strip() for line in manifest.splitlines()]
    args = [line.removeprefix("- ").strip() for line in lines if line.startswith("- --")]
    assert "--socket=wayland" in args  # the finish-args were read
    assert not [a for a in args if a.startswith("--share=network")]
    assert f"id: {ICON}" in lines


def test_the_version_is_written_once() -> None:
    """xarchive/__init__.py holds it; pyproject.toml reads it from there, uv.lock has none."""
    import xarchive

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in config["project"] and "version" in config["project"]["dynamic"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "xarchive.__version__"}
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    [project] = [p for p in lock["package"] if p["name"] == "xarchive"]
    assert "version" not in project  # a version in the lock would have to be kept in step
    # what setuptools made of it when it installed .venv (`uv sync` if this fails after a bump)
    assert metadata.version("xarchive") == xarchive.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", xarchive.__version__)


def test_the_command_says_its_version() -> None:
    """The installed `xarchive` command, as a user types it."""
    import xarchive

    command = Path(sys.prefix) / "bin" / "xarchive"
    result = subprocess.run(
        [str(command), "--version"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"xarchive {xarchive.__version__}"
