"""Where xarchive keeps its own files: the user's data folder, the demo archive, the log."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "xarchive"


def data_dir() -> Path:
    """The user's data folder for xarchive ($XARCHIVE_DATA_DIR overrides, for tests)."""
    override = os.environ.get("XARCHIVE_DATA_DIR")
    path = Path(override) if override else user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_archive_dir() -> Path:
    return data_dir() / "Demo - Pakistan X block.xarchive"


def log_path() -> Path:
    return data_dir() / "xarchive.log"


def log_exception(exc: BaseException, context: str = "") -> Path:
    """Append an unexpected exception's traceback to the log, after `context` (what was
    being done, e.g. the query searched for); return the log's path."""
    import logging  # here only: an export, which finds the signing key here, logs nothing
    import traceback

    path = log_path()
    try:
        with path.open("a", encoding="utf-8") as log:
            when = datetime.now(UTC).isoformat(timespec="seconds")
            log.write(f"\n=== {when}{' — ' + context if context else ''} ===\n")
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        logging.getLogger(__name__).exception("could not write the log")
    return path
