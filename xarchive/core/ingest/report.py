"""What an import is asked to do (`ImportOptions`) and what it says it did (`ImportReport`):
one `Outcome` per file, which the front ends word."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..names import storable

#: The reason given for a symbolic link left alone, which the reports list apart.
LINK_NOT_FOLLOWED = "is a symbolic link out of the imported folder"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    ocr: bool = True
    ocr_languages: str = "eng+urd"
    #: Worker processes; None = one per CPU, 0 = extract in this process (tests, debugging).
    workers: int | None = None
    #: Follow symbolic links that lead out of the folder being imported (--follow-links).
    follow_links: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one file."""

    path: str
    #: "imported", "skipped", "failed"; "container" for what was read from a
    #: container (an X archive, a twarc2 file) besides its new items, each of which
    #: has its own outcome: not counted as imported, skipped or failed.
    status: str
    reason: str = ""
    item_id: int | None = None
    title: str = ""
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A file name that is not UTF-8 is reported with its odd bytes as \xNN: the
        # report, the database and the terminal all take it (names.py).
        if (
            self.path.isascii()
            and self.reason.isascii()
            and self.title.isascii()
            and not self.warnings
        ):
            return  # most outcomes (a re-import of 100 000 files is as many)
        for name in ("path", "reason", "title"):
            object.__setattr__(self, name, storable(getattr(self, name)))
        object.__setattr__(self, "warnings", tuple(storable(w) for w in self.warnings))


@dataclass(slots=True)
class ImportReport:
    run_id: int
    outcomes: list[Outcome] = field(default_factory=list)
    status: str = "running"  # then "completed" or "cancelled"

    def _with(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def imported(self) -> list[Outcome]:
        return self._with("imported")

    @property
    def skipped(self) -> list[Outcome]:
        return self._with("skipped")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed")

    @property
    def containers(self) -> list[Outcome]:
        return self._with("container")

    @property
    def warnings(self) -> list[tuple[str, str]]:
        return [(o.path, w) for o in self.outcomes for w in o.warnings]

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def links_not_followed(self) -> list[Outcome]:
        return [o for o in self.skipped if o.reason.startswith(LINK_NOT_FOLLOWED)]


def changed_note(previous: int | None) -> str:
    """The reason of a file imported again because its content changed."""
    if previous is None:
        return ""
    return f"changed since the last import; the earlier version stays as item #{previous}"
