"""Imported right after PySide6, once: it spares xarchive's own modules PySide6's scan.

Once QtCore is loaded, PySide6 reads the whole source of every module imported after
it (shibokensupport/feature.py, `_mod_uses_pyside`: `inspect.getsource`, then a search
for the word "PySide6") to know which modules may switch on its `from __feature__
import snake_case` options. xarchive uses none of them, and the app imports about a
hundred of its own modules after QtCore: py-spy put the scan at 4 % of the app's start
on the 100 000-item bench archive. PySide6 skips a module already named in the
dictionary it publishes for this (`PySide6.support.feature.pyside_feature_dict`), so
each of xarchive's modules is named there first with what the scan would have found:
0 (uses PySide6, no feature) for the GUI's, -1 (ignored) for the rest. Where the
dictionary is missing (another PySide6), nothing is done and the scan runs as before.
"""

from __future__ import annotations

import os
from pathlib import Path


def _module_names(package: Path, prefix: str) -> list[str]:
    """The dotted names of the modules and packages under `package` (from its files)."""
    names = [prefix]
    with os.scandir(package) as entries:
        for entry in entries:
            if entry.is_dir() and os.path.exists(os.path.join(entry.path, "__init__.py")):
                names += _module_names(Path(entry.path), f"{prefix}.{entry.name}")
            elif entry.name.endswith(".py") and entry.name != "__init__.py":
                names.append(f"{prefix}.{entry.name[:-3]}")
    return names


def name_modules() -> int:
    """Name xarchive's modules in PySide6's feature dictionary; how many were added."""
    try:
        from PySide6.support import feature
    except ImportError:
        return 0
    known = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(known, dict):
        return 0
    root = Path(__file__).resolve().parent.parent
    try:
        names = _module_names(root, "xarchive")
    except OSError:  # a frozen app: no source to read, so PySide6's scan is quick anyway
        return 0
    added = 0
    for name in names:
        if name not in known:
            known[name] = 0 if name == "xarchive.gui" or name.startswith("xarchive.gui.") else -1
            added += 1
    return added


name_modules()
