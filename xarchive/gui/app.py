"""The app's entry point: `main(argv)` opens the main window on an archive or the demo.

xarchive            the archive open last time, else the demo archive (built
                    from sample_archive/ on first run, with a progress dialog)
xarchive PATH       the archive at PATH; a bundle (a file: the desktop opens
                    exported bundles with xarchive) is verified and its report
                    shown, over the archive that opens by default
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

# The core the first window needs, imported before PySide6: once QtCore is loaded,
# PySide6's import hook (for `from __feature__ import ...`) reads the source of every
# module imported after it, with inspect.getsource -- numpy alone has a hundred of
# them. py-spy put that at 5 % of the start at 100 000 items.
from ..core import annotate, indexing, posts, properties, search, suggest  # noqa: F401

# isort: split
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

# the rest of xarchive's modules named for PySide6's import hook before they are
# imported, so that it does not read their sources either (feature_scan.py)
from . import feature_scan  # noqa: F401

# isort: split
from .. import __version__
from ..core import marker
from ..core.offline import forbid_network
from ..core.paths import APP_NAME
from . import fonts, theme
from . import settings as cfg
from .dialogs.errors import UnexpectedErrorHandler
from .main_window import MainWindow
from .resources import app_icon

log = logging.getLogger(__name__)


def create_app() -> QApplication:
    """The QApplication, named, themed and with our icon (reused if one exists)."""
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0] if sys.argv else APP_NAME])
    )
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    QApplication.setApplicationDisplayName("xarchive")
    QApplication.setDesktopFileName("org.xarchive.xarchive")  # resources/*.desktop
    app.setWindowIcon(app_icon())
    fonts.use_for_urdu_lines(app.font())  # Urdu in every widget in a face Qt shapes right
    return app


def follow_system_theme(app: QApplication, settings: cfg.UserSettings, window: MainWindow) -> None:
    """Apply the chosen theme now, and again whenever the system switches light/dark."""
    theme.apply(app, settings.get(cfg.THEME))

    def system_changed(_: Qt.ColorScheme) -> None:
        if settings.get(cfg.THEME) == "system":
            theme.apply(app, "system")
            window.refresh_colors()

    app.styleHints().colorSchemeChanged.connect(system_changed)


def start(argv: list[str], settings: cfg.UserSettings | None = None) -> MainWindow:
    """Show the main window on the archive `argv` names (or the default one)."""
    settings = settings or cfg.UserSettings()
    window = MainWindow(settings)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        follow_system_theme(app, settings, window)
    window.show()
    paths = [a for a in argv if not a.startswith("-")]
    target = Path(paths[0]).absolute() if paths else None
    if target is not None and marker.is_marker(target):
        target = target.parent  # the file a double-click opens stands for its archive folder
    if target is not None and target.is_file():
        bundle = target
        window.open_default()
        _when_idle(window, lambda: window.bundles.start_verify(bundle))
    elif target is not None:
        window.open_archive(target)
    else:
        window.open_default()
    return window


def _when_idle(window: MainWindow, then: Callable[[], object]) -> None:
    """Run `then` now, or when the job running (the demo being built) has ended."""
    if not window.runner.busy:
        then()
        return

    def ended(_: object) -> None:
        window.job_ended.disconnect(ended)
        then()

    window.job_ended.connect(ended)


def main(argv: list[str]) -> int:
    """Run the app; `argv` is the arguments after the program name. Returns the exit code."""
    forbid_network()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = create_app()
    UnexpectedErrorHandler().install()
    window = start(list(argv))
    try:
        return int(app.exec())
    finally:
        window.shutdown()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
