"""An archive's properties: its name, who is working in it, and what its bundles say.

Kept in the archive's `settings` table, so they travel with the folder. Every
change is one transaction with an audit-log entry naming the old and new values:
the name of the person who annotates is part of the record a court may read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .archive import Archive
from .bundles.layout import SETTING_DESCRIPTION, SETTING_ORGANIZATION
from .errors import XArchiveError

MAX_CHARS = {"name": 200, "user_name": 200, SETTING_ORGANIZATION: 500, SETTING_DESCRIPTION: 4000}


@dataclass(frozen=True, slots=True)
class Property:
    key: str
    label: str
    help: str
    multiline: bool = False


PROPERTIES: tuple[Property, ...] = (
    Property("name", "Archive name", "Shown in the title bar, and in bundles and their reports."),
    Property(
        "user_name",
        "Your name",
        "Recorded as the creator of your notes, highlights, tags and links, in the audit "
        "log, and as the contact of the bundles you export. Empty: your login name.",
    ),
    Property(
        SETTING_ORGANIZATION,
        "Organisation",
        "Who hands the bundles over (BagIt Source-Organization).",
    ),
    Property(
        SETTING_DESCRIPTION,
        "Bundle description",
        "What the bundles are, for whoever receives them (BagIt External-Description).",
        multiline=True,
    ),
)
KEYS = tuple(p.key for p in PROPERTIES)


class InvalidProperty(XArchiveError):
    """A property that is not one, or a value it cannot take."""


def read(archive: Archive) -> dict[str, str]:
    """Every property's stored value ('' when unset; the name defaults to the folder's)."""
    values = {key: archive.setting(key) for key in KEYS}
    values["name"] = values["name"] or archive.root.name
    return values


def clean(key: str, value: str) -> str:
    """`value` as it is stored, or InvalidProperty saying why it cannot be."""
    if key not in KEYS:
        raise InvalidProperty(f"‘{key}’ is not a property; the properties are {', '.join(KEYS)}")
    prop = next(p for p in PROPERTIES if p.key == key)
    value = value.strip() if prop.multiline else " ".join(value.split())
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise InvalidProperty(f"{prop.label} cannot contain control characters")
    if len(value) > MAX_CHARS[key]:
        raise InvalidProperty(f"{prop.label} is longer than {MAX_CHARS[key]} characters")
    if key == "name" and not value:
        raise InvalidProperty("the archive needs a name")
    return value


def write(archive: Archive, values: Mapping[str, str]) -> list[str]:
    """Store the properties in `values` that changed; return their keys.

    All or nothing: a bad value raises InvalidProperty before anything is written.
    """
    cleaned = {key: clean(key, value) for key, value in values.items()}
    before = read(archive)
    changed = {k: v for k, v in cleaned.items() if v != before[k]}
    if not changed:
        return []
    with archive.transaction():
        for key, value in changed.items():
            archive.set_setting(key, value)
        archive.audit(
            "archive.properties",
            changed={key: {"from": before[key], "to": value} for key, value in changed.items()},
        )
    return list(changed)
