"""File names as the file system gives them, stored losslessly and shown safely.

On Linux a file name is any bytes but ``/`` and NUL. Python hands names that are
not UTF-8 over as strings with *surrogate escapes* (U+DC80–U+DCFF, one per byte
that does not decode), which SQLite, JSON files and a terminal all refuse. And a
name may hold a newline, an escape sequence or a right-to-left override that
would forge a line of a report or disguise its extension.

- `storable` gives the text to keep in the database: the name itself when it is
  UTF-8, else the name with each undecodable byte written ``\\xff``;
  `raw_name_bytes` keeps the exact bytes (hex) beside it, for the record.
- `shown` gives the text to print on one line of a report: `storable`, with
  control and bidirectional formatting characters escaped (``\\n``, ``\\x1b``,
  ``\\u202e``) so that no name can break out of its line or turn text around.
- `safe_file_name` gives a name taken from a container (a zip member, an e-mail's
  attachment) that a file of ours can have: one path component, no ``..``.
"""

from __future__ import annotations

import os
import re
import unicodedata

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Bidirectional formatting characters: invisible, but they reorder what follows.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Joiners are formatting characters too, but Urdu and Persian words need them.
_JOINERS = frozenset("\u200c\u200d")


def has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def storable(text: str) -> str:
    """`text` as valid UTF-8: undecodable bytes of a file name (surrogate escapes) as ``\\xNN``."""
    if not has_surrogates(text):
        return text
    raw = text.encode("utf-8", "surrogateescape")  # the bytes the file system holds
    return raw.decode("utf-8", "backslashreplace")


def raw_name_bytes(text: str) -> str:
    """The bytes of a file name, in hex, when it is not UTF-8 (else "": the name says it all)."""
    if not has_surrogates(text):
        return ""
    return os.fsencode(text).hex()


def shown(text: str) -> str:
    """`text` fit for one line of a report: nothing in it can start a line or reorder it."""
    text = storable(text)
    if text.isprintable() and not _BIDI.intersection(text):
        return text
    out = []
    for char in text:
        if char in _SHORT:
            out.append(_SHORT[char])
        elif char in _BIDI or (
            char not in _JOINERS and unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")
        ):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def file_name(text: str, limit: int = 255) -> str:
    """A `storable` name that a file can have (at most `limit` bytes, its suffix kept)."""
    name = storable(text)
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = name, ""
    keep = limit - len(suffix.encode("utf-8")) - 1
    short = stem.encode("utf-8")[:keep].decode("utf-8", "ignore")
    return f"{short}.{suffix}" if suffix else short


_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_file_name(name: str, fallback: str = "file") -> str:
    """A name that is safe as one path component: no separators, no ``..``, not empty."""
    cleaned = _UNSAFE.sub("_", name.replace("\x00", "")).strip("._")
    return cleaned[:200] or fallback
