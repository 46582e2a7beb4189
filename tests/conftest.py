"""Shared fixtures: real archives on disk, built from sample_archive/ and from files made here."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from xarchive.core.archive import Archive  # noqa: E402
from xarchive.core.demo import sample_dir, sample_folders  # noqa: E402
from xarchive.core.importing import ImportOptions, ImportReport, import_paths  # noqa: E402
from xarchive.core.offline import forbid_network  # noqa: E402
from xarchive.core.store import items as item_store  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HAS_TESSERACT = shutil.which("tesseract") is not None
#: Items in the demo archive (tests/core/test_demo.py counts them by kind): the files of
#: sample_archive/, the posts, pictures and video of posts/, the page and picture of the
#: WACZ in captures/ and the message of mail/ (its attachment is the PDF of court/).
DEMO_ITEMS = 106

# The whole test session runs under the offline promise: any attempt to reach
# the network from xarchive (or a library it uses) fails the test that made it.
forbid_network()


@pytest.fixture(autouse=True)
def _user_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XARCHIVE_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """An empty archive, open for writing."""
    with Archive.create(tmp_path / "test.xarchive") as a:
        yield a


@pytest.fixture(scope="session")
def demo_archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive imported once per session; tests must not change it."""
    root = tmp_path_factory.mktemp("demo") / "demo.xarchive"
    with Archive.create(root) as a:
        report = import_paths(a, sample_folders(), ImportOptions())
    assert report.failed == [], report.failed
    return root


@pytest.fixture
def demo(demo_archive_path: Path) -> Iterator[Archive]:
    with Archive.open(demo_archive_path, readonly=True) as a:
        yield a


@pytest.fixture
def samples() -> Path:
    return sample_dir()


def run_import(archive: Archive, *paths: Path, workers: int | None = 0) -> ImportReport:
    return import_paths(archive, list(paths), ImportOptions(workers=workers))


def item_named(archive: Archive, name: str) -> int:
    """The id of the newest item whose original was called `name` (the test expects one)."""
    found = item_store.latest_named(archive.db, name)
    assert found is not None, f"no item named {name}"
    return found
