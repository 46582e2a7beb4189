"""The file in an archive folder that a double-click opens in xarchive.

File managers type every folder as `inode/directory`, whatever its name, so a
`Case.xarchive` folder opens as a folder (GLib, Qt and KDE alike): nothing can make
the folder itself open in xarchive. Inside it, beside archive.sqlite, xarchive keeps
`Open-in-xarchive.xarchive.txt`. Its name ends in `.xarchive.txt`, which the MIME
package (resources/mime/org.xarchive.xarchive.xml) types
`application/x-xarchive-marker`, a kind of text opened by xarchive: a double-click
opens the archive around it (`xarchive FILE` opens the folder the file is in). On a
machine without xarchive it is a text file, and says what the folder is, how to
open it and what not to touch. KDE's Dolphin also shows the folder with xarchive's
icon, from `.directory` (the Desktop Entry key `Icon`); other file managers ignore
that file.

Both are written when an archive is made and, if missing, when one is opened for
writing (archives made before this version); they are a convenience: an archive
without them is whole, and a failure to write them is logged, never raised.
"""

from __future__ import annotations

from pathlib import Path

#: The marker's name; `MARKER_SUFFIX` is what the MIME package's glob matches.
MARKER_NAME = "Open-in-xarchive.xarchive.txt"
MARKER_SUFFIX = ".xarchive.txt"
#: KDE's per-folder settings file: the folder's icon.
DIRECTORY_FILE = ".directory"
ICON = "org.xarchive.xarchive"
#: What archive.py calls the database; repeated here, the bottom of the core's layers.
_DB_NAME = "archive.sqlite"

MARKER_TEXT = """\
This folder is an xarchive archive: the evidence of a case, kept by xarchive, an
offline app for documenting censorship and human-rights cases.

To open it: double-click this file (where xarchive is installed), or start xarchive
and choose File > Open Archive... and this folder, or type
    xarchive "<this folder>"

Do not change, rename, move or delete the files in this folder by hand:
archive.sqlite holds the items, their notes and tags, and a hash-chained audit log
of every change; blobs/ holds every original byte for byte, named by its SHA-256;
derived/ and index/ are rebuilt from those. "xarchive verify" checks that no
original has changed. To give items to someone, export a bundle (File > Export
Bundle...), which any BagIt tool can check.

This file is not part of the evidence: xarchive writes it again if it is missing.
"""

DIRECTORY_TEXT = f"[Desktop Entry]\nIcon={ICON}\n"


def write(root: Path) -> None:
    """Put the marker and `.directory` in archive folder `root` where they are missing."""
    for name, text in ((MARKER_NAME, MARKER_TEXT), (DIRECTORY_FILE, DIRECTORY_TEXT)):
        path = root / name
        if path.exists() or path.is_symlink():
            continue
        try:
            with open(path, "x", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except OSError as exc:  # a read-only stick, a full disk: the archive is whole anyway
            import logging  # here only: opening an archive loads no logging

            logging.getLogger(__name__).info("cannot write %s: %s", path, exc)


def is_marker(path: Path) -> bool:
    """Whether `path` is a file named like a marker (any name ending in `MARKER_SUFFIX`):
    `xarchive PATH` then opens the folder it is in."""
    return path.name.lower().endswith(MARKER_SUFFIX) and path.is_file()
