"""The C library, for the Linux calls Python's os module lacks (syncfs, prctl)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ctypes


@cache
def _library() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    # ctypes when a call is first asked for, not at every start (blobs.py imports this
    # module); glibc's name first: ctypes.util, which finds another C library's (musl),
    # imports subprocess and tempfile (10 ms together)
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        pass
    from ctypes.util import find_library

    try:
        return ctypes.CDLL(find_library("c") or "libc.so.6", use_errno=True)
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
