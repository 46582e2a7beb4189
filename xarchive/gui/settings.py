"""Every setting the app keeps, declared once with its default and meaning.

Two stores, as STYLE.md asks:

- user settings (QSettings, an INI file): window layout, recent archives, theme;
  kept in the platform's config folder, or beside the data folder when
  $XARCHIVE_DATA_DIR is set (tests), so tests never touch a real user's file;
- archive settings (the archive's own `settings` table): saved searches, which
  travel with the archive when it is copied.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from platformdirs import user_config_path
from PySide6.QtCore import QByteArray, QSettings

from ..core.archive import Archive
from ..core.paths import APP_NAME, data_dir

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    key: str
    default: T
    help: str


# -- user settings (QSettings) ------------------------------------------------------
# The window's layout, per screen size ("1280x720"): what suits a laptop's screen is not
# what suits a monitor's, and moving between them should not undo either (`for_screen`).
WINDOW_GEOMETRY = Setting("layout/%s/geometry", QByteArray(), "main window position and size")
WINDOW_STATE = Setting("layout/%s/state", QByteArray(), "which panels are shown, and where")
SPLITTER_STATE = Setting("layout/%s/splitter", QByteArray(), "results | viewer split")
VIEWER_SPLITTER_STATE = Setting("layout/%s/viewer_splitter", QByteArray(), "viewer | details")
COLLAPSED_PANELS = Setting("layout/%s/collapsed", "[]", "side panels a narrow window hid")
DETAILS_FOLDED = Setting(
    "layout/%s/details_folded", False, "the item's details folded under it (View ▸ Item Details)"
)
TOUR_SHOWN = Setting("help/tour_shown", False, "the first-run tour was shown (Help ▸ Tour)")
LAST_ARCHIVE = Setting("archives/last", "", "the archive open when the app last closed")
RECENT_ARCHIVES = Setting("archives/recent", "[]", "recently opened archives (JSON list)")
DEMO_BUILT = Setting("archives/demo_built", False, "the demo archive was built completely")
THEME = Setting("appearance/theme", "system", "system, light or dark")
BLUR_SENSITIVE = Setting(
    "appearance/blur_sensitive", True, "sensitive media blurred until clicked (View menu)"
)
URDU_FONT = Setting("appearance/urdu_font", "", "the reader's Urdu face: naskh, nastaliq, sans")
SORT = Setting("search/sort", "relevance", "relevance, date or date-asc")
SEARCH_DELAY_MS = Setting("search/delay_ms", 250, "pause after typing before searching")
TIMELINE_BUCKET = Setting("timeline/bucket", "week", "day, week or month")

MAX_RECENT = 8


def for_screen(setting: Setting[T], screen: str) -> Setting[T]:
    """`setting` (one of the layout/%s/… ones) for a screen of size `screen`."""
    return Setting(setting.key % screen, setting.default, setting.help)


def settings_path() -> Path:
    """The INI file of the user's settings."""
    if os.environ.get("XARCHIVE_DATA_DIR"):
        return data_dir() / "settings.ini"
    return user_config_path(APP_NAME, appauthor=False) / "settings.ini"


class UserSettings:
    """Typed access to the user's QSettings: each value comes back as its default's type."""

    def __init__(self, path: Path | None = None) -> None:
        self._qs = QSettings(str(path or settings_path()), QSettings.Format.IniFormat)

    def get(self, setting: Setting[T]) -> T:
        value = self._qs.value(setting.key, None)
        if value is None:
            return setting.default
        return _coerce(value, setting.default)

    def set(self, setting: Setting[T], value: T) -> None:
        self._qs.setValue(setting.key, value)

    def sync(self) -> None:
        self._qs.sync()

    # -- recent archives ----------------------------------------------------------
    def recent_archives(self) -> list[str]:
        try:
            value = json.loads(self.get(RECENT_ARCHIVES))
        except ValueError:
            return []
        return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def add_recent(self, path: Path) -> None:
        entries = [str(path)] + [p for p in self.recent_archives() if p != str(path)]
        self.set(RECENT_ARCHIVES, json.dumps(entries[:MAX_RECENT]))
        self.set(LAST_ARCHIVE, str(path))

    def remove_recent(self, path: str) -> None:
        entries = [p for p in self.recent_archives() if p != path]
        self.set(RECENT_ARCHIVES, json.dumps(entries))

    def clear_recent(self) -> None:
        self.set(RECENT_ARCHIVES, "[]")


def _coerce(value: Any, default: T) -> T:
    """QSettings' INI format gives strings back; turn them into the default's type."""
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                return value.lower() in ("true", "1", "yes")  # type: ignore[return-value]
            return bool(value)  # type: ignore[return-value]
        if isinstance(default, int):
            return int(value)  # type: ignore[return-value]
        if isinstance(default, QByteArray):
            return value if isinstance(value, QByteArray) else default
        if isinstance(default, str):
            return str(value)  # type: ignore[return-value]
    except (TypeError, ValueError):
        return default
    return value  # type: ignore[no-any-return]


# -- archive settings (the archive's settings table) ------------------------------------
SAVED_SEARCHES_KEY = "gui.saved_searches"  # JSON list of {"name": …, "query": …}


@dataclass(frozen=True, slots=True)
class SavedSearch:
    name: str
    query: str


def saved_searches(archive: Archive) -> list[SavedSearch]:
    """The archive's saved searches; an unreadable value counts as none."""
    try:
        value = json.loads(archive.setting(SAVED_SEARCHES_KEY, "[]"))
    except ValueError:
        return []
    if not isinstance(value, list):
        return []
    return [
        SavedSearch(str(v.get("name", "")), str(v.get("query", "")))
        for v in value
        if isinstance(v, dict)
    ]


def store_saved_searches(archive: Archive, searches: list[SavedSearch]) -> None:
    """Write the list in one transaction. Raises StorageError (e.g. read-only archive)."""
    data = json.dumps([{"name": s.name, "query": s.query} for s in searches], ensure_ascii=False)
    with archive.transaction():
        archive.set_setting(SAVED_SEARCHES_KEY, data)
