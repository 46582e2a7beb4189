"""The words both front ends and the core use for a person: sentences, sizes, summaries.

What only one front end says stays with it (the CLI's lines in cli/, the dialogs'
titles and buttons in gui/messages.py); what two places say, or what the core
writes for a person to read (a bundle's Bag-Size), is written here once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .bundles.importing import BundleImportReport
    from .ingest.report import ImportReport

#: Why an archive is open read-only (a second window, or another program, writes it).
READ_ONLY_TITLE = "This archive is read-only here"
READ_ONLY_WHY = "Another xarchive window or program is changing it."


def sentence(text: str) -> str:
    """`text` as a sentence: its first letter a capital, a full stop at its end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def counted(count: int, noun: str, plural: str = "") -> str:
    """`count` things as a person says it: ``1 item``, ``0 items``, ``12,400 items``;
    `plural` where adding an s does not make it (``2 matches``)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def clock(seconds: float, total: bool = False) -> str:
    """A time as a player shows it: '0:04', '1:02:09'. The time into a video counts whole
    seconds gone; a `total` length counts the last one begun (half a second is 0:01)."""
    whole = max(0, math.ceil(seconds - 0.001)) if total else int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def human_size(size: int) -> str:
    """A size in bytes as a person reads it: ``532 bytes``, ``1.4 MB``, ``2.1 GB``.

    In powers of 1000 (SI), as the file managers of GNOME and macOS count, so that
    the size shown is the one the person's file manager shows for the same file,
    and as a bundle's Bag-Size always said. (Windows counts in 1024s but calls them
    KB; a number in 1024s is honestly written KiB, which few people read.)
    """
    if size < 1000:
        return f"{size} bytes"
    value = size / 1000
    for unit in ("kB", "MB"):
        if round(value, 1) < 1000:  # 999 999 bytes are 1.0 MB, not 1000.0 kB
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def import_counts(report: ImportReport) -> str:
    """What an import did to its files: ``3 imported, 1 skipped, 0 failed``."""
    return (
        f"{len(report.imported)} imported, {len(report.skipped)} skipped, "
        f"{len(report.failed)} failed"
    )


def bundle_counts(report: BundleImportReport) -> str:
    """What a bundle's import added: ``3 new items, 2 already here``."""
    return f"{len(report.added):,} new items, {len(report.merged):,} already here"


def bundle_imported(report: BundleImportReport) -> str:
    """The sentence that says what a bundle's import did, with where the bundle came from."""
    where = f" from the archive ‘{report.source_archive}’" if report.source_archive else ""
    by = f", exported by {report.exported_by}" if report.exported_by else ""
    on = f" on {report.exported_at[:10]}" if report.exported_at else ""
    return (
        f"The bundle ‘{report.bundle}’{where}{by}{on} passed every check and was imported: "
        f"{bundle_counts(report)} (their provenance now names the bundle), "
        f"{report.annotations:,} new annotations, tags and links."
    )


def media_noun(media_type: str) -> str:
    """How a message names a post's media of this type: "picture", "video", "animated GIF"."""
    return {"photo": "picture", "animated_gif": "animated GIF"}.get(media_type or "photo", "video")
