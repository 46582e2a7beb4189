"""The text of a post as a person reads it, and the small facts read from its fields.

Sources give a post's text HTML-escaped (``&amp;``), with its links shortened to
``https://t.co/…`` and a t.co link for each attached picture. What is searched
and shown is the text unescaped, each link replaced by the address it stands
for, the picture links dropped (the pictures are attached); the text as the
source wrote it is kept beside it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ..language import detect_language
from ..model import platform_id

_TCO = re.compile(r"https?://t\.co/[A-Za-z0-9]+")
_STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:#!/)?(\w{1,50})/status(?:es)?/(\d{1,25})"
)
_RETWEET = re.compile(r"^RT @(\w{1,50}):")
_TRAILING_SPACE = re.compile(r"[ \t]+(?=\n)")
#: X's language codes that name no language: undetermined, media, hashtags,
#: mentions, cashtags or emoji only, no linguistic content.
_NO_LANGUAGE = frozenset({"und", "qme", "qht", "qam", "qct", "qst", "zxx", "art", ""})
_OLD_CODES = {"in": "id", "iw": "he", "ji": "yi"}
TITLE_CHARS = 90


def post_text(
    raw: str, links: Mapping[str, str], drop: Iterable[str] = (), unescape: bool = True
) -> str:
    """`raw` with each t.co link expanded, the `drop` links removed, HTML entities undone."""
    dropped = set(drop)

    def expand(match: re.Match[str]) -> str:
        short = match.group(0)
        if short in dropped:
            return ""
        return links.get(short, short)

    text = _TCO.sub(expand, raw)
    if unescape:
        text = html.unescape(text)
    return _TRAILING_SPACE.sub("", text).strip()


def retweeted_account(text: str) -> str:
    """The account a retweet repeats (``RT @account: …``), "" if `text` is no retweet."""
    found = _RETWEET.match(text)
    return found.group(1) if found else ""


def status_link(url: str) -> tuple[str, str] | None:
    """(account, post id) when `url` is the address of a post on X, else None."""
    found = _STATUS_URL.match(url)
    return (found.group(1), found.group(2)) if found else None


def status_url(account: str, post_id: str) -> str:
    return f"https://x.com/{account or 'i/web'}/status/{post_id}"


def x_time(value: str) -> str:
    """X archive time (``Sat Feb 17 18:05:11 +0000 2024``) as ISO 8601 in UTC; "" if unreadable."""
    try:
        moment = datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y")
    except (ValueError, AttributeError):
        return iso_time(value)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def iso_time(value: object) -> str:
    """An ISO 8601 time (``2024-02-17T18:05:11.000Z``) in UTC; "" if unreadable or zoneless."""
    if not isinstance(value, str) or not value.strip():
        return ""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return ""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def language_of(code: object, text: str) -> str:
    """The post's language as ISO 639-1: the platform's code when it names one, else detected."""
    value = str(code or "").strip().lower()
    value = _OLD_CODES.get(value, value)
    if value not in _NO_LANGUAGE and re.fullmatch(r"[a-z]{2}", value):
        return value
    return detect_language(text)


def count(value: object) -> int | None:
    """A count as the sources write it ("3", 3), None if it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def counts_from(fields: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, int]:
    """{our name: count} for each of `names` (source field → our name) present in `fields`."""
    found: dict[str, int] = {}
    for source, ours in names.items():
        value = count(fields.get(source))
        if value is not None:
            found[ours] = value
    return found


def title_of(account: str, text: str) -> str:
    """A post's title in lists: ``@account: the first words of its text…``."""
    line = " ".join(text.split())
    if len(line) > TITLE_CHARS:
        cut = line[:TITLE_CHARS].rsplit(" ", 1)[0] or line[:TITLE_CHARS]
        line = cut.rstrip(",;:.-–—") + "…"
    prefix = f"@{account}: " if account else ""
    return prefix + (line or "(no text)")


def as_text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


# A platform's export is read as it comes: a value of the wrong type is taken for none.


def as_dict(value: object) -> dict[str, Any]:
    """A JSON object, or {} for any other value."""
    return value if isinstance(value, dict) else {}


def dicts(value: object) -> list[dict[str, Any]]:
    """The objects of a JSON array (its other values left out), or [] for any other value."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def as_list(value: object) -> list[Any]:
    """A JSON array, or [] for any other value."""
    return value if isinstance(value, list) else []


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """The values without repeats (case-insensitively), in first-seen order."""
    seen: set[str] = set()
    kept = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            kept.append(value)
    return tuple(kept)


def version_ids(platform: str, edits: list[str]) -> tuple[str, ...]:
    """The platform ids of an edited post's versions (`ExtractedPost.edit_ids`), oldest
    first, from the ids its source lists; () when it lists one or none."""
    if len(edits) < 2:
        return ()
    return tuple(platform_id(platform, e) for e in edits if e.isdigit())
