"""A bundle opened from the desktop (`xarchive FILE`, the .desktop file's %f) is verified."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from xarchive.core.archive import Archive
from xarchive.core.bundles import export_bundle
from xarchive.core.bundles.selection import select_items
from xarchive.gui import app as gui_app
from xarchive.gui import settings as cfg
from xarchive.gui.dialogs.bundle import BundleCheckDialog


def test_a_bundle_opened_from_the_desktop_is_verified_over_the_last_archive(
    qtbot: QtBot, archive_copy: Path, tmp_path: Path, dialogs: object
) -> None:
    bundle = tmp_path / "Case-bundle-2024-04-17.zip"
    with Archive.open(archive_copy) as archive:
        export_bundle(archive, select_items(archive, query='"national security"'), bundle)
    settings = cfg.UserSettings(tmp_path / "settings.ini")
    settings.set(cfg.LAST_ARCHIVE, str(archive_copy))

    window = gui_app.start([str(bundle)], settings)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(
            lambda: isinstance(window.bundles.result_dialog, BundleCheckDialog), timeout=30_000
        )
        assert window.session is not None and window.session.root == archive_copy.absolute()
        assert "intact" in window.statusBar().currentMessage()
    finally:
        window.shutdown()
