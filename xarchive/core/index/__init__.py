"""The Whoosh full-text index: schema, analysers, query language, searching.

The index is a cache of archive.sqlite: everything in it can be rebuilt from
the database. It sits behind `SearchIndex` so that another engine could take
its place (DESIGN.md §9).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def _defer_word_variations() -> None:
    """Load Whoosh's English word variations only if a query ever asks for them.

    `whoosh.query` imports `whoosh.lang.morph_en` for its `Variations` query, and the
    module compiles fifty large regular expressions as it loads: 8-20 ms of every
    `xarchive search` (issue 10, target 4), for a query xarchive's language never
    builds. Until `variations` is first called, a stand-in module takes its place.
    """
    name = "whoosh.lang.morph_en"
    if name in sys.modules:
        return
    stand_in = types.ModuleType(name, "Stands in for whoosh.lang.morph_en until it is used.")

    def variations(word: str) -> Any:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return importlib.import_module(name).variations(word)

    stand_in.variations = variations  # type: ignore[attr-defined]
    sys.modules[name] = stand_in


_defer_word_variations()
