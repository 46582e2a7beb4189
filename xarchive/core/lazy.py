"""A package's names loaded on first use (PEP 562), so that importing one light
submodule of it does not load the heavy ones with it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """The `__getattr__` of `package`: each name of `modules` imported from the module
    it is mapped to (relative to the package) when it is first asked for, then kept in
    the package. Another name is an AttributeError, as Python's own."""

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
