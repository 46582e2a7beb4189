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


def _defer(name: str, function: str) -> None:
    """Load the Whoosh module `name` only when its `function` is first called.

    Until then a stand-in module takes its place, whose `function` loads the real
    module and calls the real one (a module that imported the name keeps the stand-in's,
    which goes on passing the calls on). The stand-in's function is named as the real
    one, so that pickle finds it by that name while the stand-in stands.
    """
    if name in sys.modules:
        return
    stand_in = types.ModuleType(name, f"Stands in for {name} until it is used.")

    def deferred(*args: Any, **kwargs: Any) -> Any:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return getattr(importlib.import_module(name), function)(*args, **kwargs)

    deferred.__module__, deferred.__name__, deferred.__qualname__ = name, function, function
    setattr(stand_in, function, deferred)
    sys.modules[name] = stand_in


# `whoosh.query` imports `whoosh.lang.morph_en` for its `Variations` query, and the
# module compiles fifty large regular expressions as it loads: 8-20 ms of every
# `xarchive search` (issue 10, target 4), for a query xarchive's language never builds.
_defer("whoosh.lang.morph_en", "variations")
# `whoosh.analysis` imports the original Porter stemmer as its StemFilter's default (a
# dozen regular expressions, 2.2-2.8 ms of a search); xarchive stems with Porter2
# (analysis.py `LatinStemFilter`) and makes no StemFilter.
_defer("whoosh.lang.porter", "stem")
