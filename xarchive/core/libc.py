"""The C library, for the Linux calls Python's os module lacks (syncfs, prctl)."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from functools import cache


@cache
def _library() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def function(name: str) -> Callable[..., int] | None:
    """The C library's function `name`; None where there is no such call (not Linux, an
    older C library). Loaded once per process."""
    library = _library()
    if library is None:
        return None
    try:
        found: Callable[..., int] = getattr(library, name)
    except AttributeError:
        return None
    return found
