"""What posts say as evidence, as the archive keeps them (store/evidence.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Captures of posts and accounts, accounts, and platform events as they are stored;
# posts/evidence.py makes of them what a person reads (its Capture, Account, Event).


@dataclass(frozen=True, slots=True)
class CaptureRow:
    """One place and time a post was read: a `post_sources` row with what it said."""

    source_id: int  # the row's id
    item_id: int
    container_id: int
    container_name: str
    container_kind: str
    container_title: str
    member: str
    locator: str
    record_sha256: str
    captured_at: str  # when the source took it from the platform ("" unknown)
    imported_at: str  # when it entered the archive
    run_id: int
    state: dict[str, Any] | None  # None: imported before captures kept their state


@dataclass(frozen=True, slots=True)
class UnknownCapture:
    """A capture kept without what it said (imported before schema 9)."""

    id: int
    item_id: int
    container_id: int
    parent_id: int | None  # an unpacked X archive, of its data file's capture
    member: str
    locator: str
    record_sha256: str


@dataclass(frozen=True, slots=True)
class BundledCapture:
    """A capture of a post as a bundle lists it (posts/evidence.py `record_bundled_captures`)."""

    item_id: int
    container_id: int  # the bundle's items.json
    member: str  # the record's file in the bundle ("" when it kept none)
    locator: str  # where the exporting archive had read it: "feb.jsonl, line 1, data[0]"
    record_sha256: str
    captured_at: str
    state: dict[str, Any] | None  # None: unknown there too


@dataclass(frozen=True, slots=True)
class AccountRow:
    """An account as the archive keeps it: what its latest capture said (`state`)."""

    platform_id: str
    account_id: str
    handle: str
    state: dict[str, Any]
    seen_at: str


@dataclass(frozen=True, slots=True)
class AccountCaptureRow:
    """One place and time an account was read, with its record and what it said."""

    id: int
    platform_id: str
    container_id: int
    container_name: str
    member: str
    locator: str
    record: str
    state: dict[str, Any]
    captured_at: str
    run_id: int
    imported_at: str


@dataclass(frozen=True, slots=True)
class EventRow:
    """A dated thing a platform did to a post or an account, with the container it was
    read from."""

    id: int
    subject: str  # "post", "account"
    platform_id: str
    action: str
    at: str
    details: dict[str, Any]
    container_id: int
    container_name: str
    member: str
    locator: str
    run_id: int
    imported_at: str


@dataclass(frozen=True, slots=True)
class PostKey:
    """What the evidence of a post is looked up by."""

    item_id: int
    platform_id: str
    account_id: str
    is_deleted: bool
    deleted_at: str
    handle: str = ""  # the account's handle, as the post names it


def handle_key(platform: str, handle: str) -> str:
    """What the events of an account known only by its handle are kept under
    ("x:@karachi_demo_voice", lower case): a lookup by username that the platform refused
    ("User has been suspended: [karachi_demo_voice]") names no account id. Such events
    are the account's wherever its posts or its record name that handle
    (posts/evidence.py `account_keys`)."""
    handle = handle.strip().lstrip("@")
    return f"{platform}:@{handle.lower()}" if handle else ""


@dataclass(frozen=True, slots=True)
class Withheld:
    """What a platform said of where a post or an account is withheld, as one capture saw it.

    API v2: ``"withheld": {"country_codes": ["IN", "PK"], "scope": "tweet", "copyright":
    false}``; v1.1 and some archives: ``withheld_in_countries`` (``"XX"``: every country,
    ``"XY"``: a DMCA takedown), ``withheld_scope`` and ``withheld_copyright``.
    """

    country_codes: tuple[str, ...]  # upper case, as given ("XX" kept: every country)
    scope: str = ""  # "tweet", "user" (the whole account), "" unsaid
    copyright: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "country_codes": list(self.country_codes),
            "scope": self.scope,
            "copyright": self.copyright,
        }

    @classmethod
    def from_json(cls, value: Any) -> Withheld | None:
        """The value `as_json` made (or a source's v2 object); None for anything else."""
        if not isinstance(value, dict):
            return None
        codes = value.get("country_codes")
        codes = codes if isinstance(codes, list) else []
        return cls(
            tuple(_codes(codes)),
            str(value.get("scope") or ""),
            value.get("copyright") is True,
        )

    @classmethod
    def from_source(cls, obj: Any) -> Withheld | None:
        """The withheld state a tweet or user object carries, in either shape; None if none."""
        if not isinstance(obj, dict):
            return None
        found = cls.from_json(obj.get("withheld"))
        old = obj.get("withheld_in_countries")
        if isinstance(old, str):
            old = [c for c in re.split(r"[,\s]+", old) if c]
        codes = list(found.country_codes) if found else []
        codes += _codes(old if isinstance(old, list) else [])
        scope = (found.scope if found else "") or str(obj.get("withheld_scope") or "")
        copyright = bool(found and found.copyright) or obj.get("withheld_copyright") is True
        if "XY" in codes:
            copyright = True
        if not codes and not copyright and found is None:
            return None
        return cls(tuple(dict.fromkeys(codes)), scope, copyright)


def _codes(values: list[Any]) -> list[str]:
    return [str(v).strip().upper() for v in values if isinstance(v, str) and v.strip()]
