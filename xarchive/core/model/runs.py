"""Import runs, the state of each file imported, and suggested links."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImportRun:
    """One import: when, what it was given, by whom and with which xarchive, and its counts."""

    id: int
    started_at: str
    finished_at: str | None
    status: str
    sources: tuple[str, ...]
    user_name: str
    tool_version: str
    imported: int
    skipped: int
    failed: int


@dataclass(frozen=True, slots=True)
class FileState:
    """What the last import saw of a file: unchanged size and time skip it next time."""

    size: int
    mtime_ns: int
    sha256: str
    item_id: int | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    source_id: int
    target_id: int
    relation: str
    score: float
    reason: str
    detector: str
    status: str  # "pending", "accepted", "dismissed"
    link_uid: str
    created_at: str
    decided_at: str
    decided_by: str

    def other(self, item_id: int) -> int:
        """The item at the other end from `item_id`."""
        return self.target_id if item_id == self.source_id else self.source_id


@dataclass(frozen=True, slots=True)
class Found:
    """A suggestion as a detector reports it, before it is stored."""

    source_id: int
    target_id: int
    relation: str
    score: float
    reason: str
    detector: str
