"""The chain of custody: a tamper-evident audit log, checked against the archive.

Every entry of the audit log carries the hash of the one before it and of
itself (store/custody.py), so that rewriting, removing or inserting an entry
breaks the chain. Every change xarchive makes to an item's metadata or text, an
annotation, a tag or a link is *sealed* in the same transaction: an entry
``custody.seal`` gives the digest of each row as it now is. `check` recomputes
every row's digest and compares it with its last seal, so an edit made to
archive.sqlite by anything but xarchive — a word of an item's text, a date, a
note — is named, as is a row added or deleted behind its back.

A database rewritten as a whole, chain and all, would still pass; so the
chain's head (its last entry's number and hash) is also kept beside the
database, in ``custody-head.txt``, and in every bundle's bag-info.txt. While a
transaction commits, the file names both the head before and the head to be:
a process killed at any instant leaves the database at one of the two.

An archive made before the chain existed gets it started by the migration that
brought the chain (entry ``custody.start``, with what was sealed then): what
was changed before that cannot be checked, and the entry says so.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .store import custody as store

if TYPE_CHECKING:
    import sqlite3

HEAD_FILE = "custody-head.txt"
#: Seals per audit entry when many rows are sealed at once (the chain's start).
_SEALS_PER_ENTRY = 5000
_head_locks: dict[str, threading.Lock] = {}
_head_locks_lock = threading.Lock()

Audit = Callable[[str, dict[str, Any]], None]


def seal_changes(conn: sqlite3.Connection, audit: Audit) -> bool:
    """Seal the rows changed on `conn` since its last seal (inside its transaction)."""
    changed = store.take_unsealed(conn)
    if not changed:
        return False
    seals: dict[str, dict[str, Any]] = {}
    for table, keys in changed.items():
        found = {str(k): s for k, s in store.row_seals(conn, table, keys)}
        seals[table] = {str(k): found.get(str(k), "deleted") for k in keys}
    _write_seals(seals, audit)
    return True


def _write_seals(seals: dict[str, dict[str, Any]], audit: Audit) -> None:
    pairs = [(table, row, seal) for table, rows in seals.items() for row, seal in rows.items()]
    for start in range(0, len(pairs), _SEALS_PER_ENTRY):
        chunk: dict[str, dict[str, Any]] = {}
        for table, row, seal in pairs[start : start + _SEALS_PER_ENTRY]:
            chunk.setdefault(table, {})[row] = seal
        audit("custody.seal", {"v": store.SEAL_VERSION, "rows": chunk})


def _seal_all(conn: sqlite3.Connection, tables: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {table: {str(k): s for k, s in store.row_seals(conn, table)} for table in tables}


def start(conn: sqlite3.Connection, audit: Audit, version: str, migrated: bool) -> None:
    """Start the chain (inside the caller's transaction): chain the entries written
    before it, and seal every row as it is now."""
    earlier = store.chain_unchained(conn)
    seals = _seal_all(conn, store.scope_tables(store.SCOPE))
    rows = sum(len(s) for s in seals.values())
    note = (
        "the chain of custody starts here, in an archive made by an earlier version of "
        "xarchive: changes made before this entry cannot be checked"
        if migrated and (earlier or rows)
        else "the chain of custody starts with the archive"
    )
    # The entry itself is small, and its seals follow it: opening an archive reads it.
    audit("custody.start", {"v": store.SEAL_VERSION, "note": note, "by_version": version,
                            "earlier_entries": earlier, "sealed_rows": rows,
                            "scope": store.SCOPE, "tables": list(seals)})  # fmt: skip
    _write_seals(seals, audit)


def extend(conn: sqlite3.Connection, audit: Audit, version: str, scope: int) -> None:
    """Extend the seal of a chain of scope `scope` to what `store.SEALED` seals now
    (inside the caller's transaction): every row of the tables it adds, as they are."""
    added = tuple(t for t in store.scope_tables(store.SCOPE) if t not in store.scope_tables(scope))
    seals = _seal_all(conn, added)
    note = (
        "the seal of the chain of custody extends here to "
        f"{_listed([store.SEALED[t].many for t in added])}, in an archive whose chain started "
        "with an earlier version of xarchive: changes made to them before this entry "
        "cannot be checked"
    )
    audit("custody.extend", {"v": store.SEAL_VERSION, "note": note, "by_version": version,
                             "sealed_rows": sum(len(s) for s in seals.values()),
                             "scope": store.SCOPE, "tables": list(added)})  # fmt: skip
    _write_seals(seals, audit)


def needs(conn: sqlite3.Connection) -> tuple[bool, int]:
    """(whether the chain must be started or extended, the scope it has now)."""
    scope = store.chain_scope(conn)
    return scope < store.SCOPE, scope


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# -- the head beside the database -----------------------------------------------------


def _lock(root: Path) -> threading.Lock:
    with _head_locks_lock:
        return _head_locks.setdefault(str(root), threading.Lock())


def read_head(root: Path) -> dict[str, Any] | None:
    try:
        text = (root / HEAD_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    fields: dict[str, Any] = {}
    for line in text.splitlines():
        label, _, value = line.partition(":")
        fields[label.strip()] = value.strip()
    return fields


def _write_head(
    root: Path, confirmed: tuple[int, str] | None, pending: tuple[int, str] | None
) -> None:
    lines = ["xarchive chain of custody: the last entry of archive.sqlite's audit log"]
    if confirmed is not None:
        lines.append(f"entry: {confirmed[0]} {confirmed[1]}")
    if pending is not None:  # being committed: the database holds one of the two
        lines.append(f"committing: {pending[0]} {pending[1]}")
    tmp = root / f".{HEAD_FILE}.{os.getpid()}.{threading.get_ident()}"
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, root / HEAD_FILE)


def _parse(value: str | None) -> tuple[int, str] | None:
    if not value:
        return None
    number, _, hashed = value.partition(" ")
    return (int(number), hashed) if number.isdigit() else None


class HeadKeeper:
    """Writes custody-head.txt around each commit that added entries to the chain."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = _lock(root)

    def before_commit(self, conn: sqlite3.Connection) -> tuple[int, str] | None:
        """Call inside the transaction, just before COMMIT; hold `lock` until `after_commit`."""
        new = store.head(conn)
        head = read_head(self.root) or {}
        confirmed = _parse(head.get("entry"))
        if new is None or new == confirmed:
            return None
        _write_head(self.root, confirmed, new)
        return new

    def after_commit(self, new: tuple[int, str] | None, committed: bool) -> None:
        if new is None:
            return
        head = read_head(self.root) or {}
        confirmed = _parse(head.get("entry"))
        try:
            _write_head(self.root, new if committed else confirmed, None)
        except OSError:  # a full disk: the file still names both heads, which is true
            import logging  # here only: verify and the like load no logging

            logging.getLogger(__name__).debug("could not update %s", HEAD_FILE, exc_info=True)


# -- checking -------------------------------------------------------------------------


def holds_head(conn: sqlite3.Connection, head: str) -> bool:
    """Whether the audit log holds the entry `head` ("<id> <hash>", as a bundle records
    it) unchanged: a bundle made earlier then vouches for the log up to that entry."""
    number, _, hashed = head.partition(" ")
    if not number.isdigit():
        return False
    return store.hash_of(conn, int(number)) == hashed


class CustodyReport:
    """What `check` found. A plain class: a verify loads no dataclasses (jobs.py's
    Progress says why)."""

    __slots__ = ("entries", "rows", "started_at", "started_note", "extended_at",
                 "extended_note", "sealed", "problems", "changed_items")  # fmt: skip

    def __init__(self) -> None:
        self.entries = 0
        self.rows = 0  # sealed rows checked
        self.started_at = ""  # when the chain started
        self.started_note = ""
        #: When the seal was last extended to more of the archive ('' never), and its note.
        self.extended_at = ""
        self.extended_note = ""
        #: What the chain seals, as a person calls them (items, annotations, … OCR word boxes).
        self.sealed: list[str] = []
        #: One sentence per problem: the chain broken, the head not matching, a row changed.
        self.problems: list[str] = []
        #: Items whose text or metadata changed outside xarchive, by id.
        self.changed_items: list[int] = []

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CustodyReport):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"CustodyReport({fields})"

    @property
    def ok(self) -> bool:
        return not self.problems


def check(conn: sqlite3.Connection, root: Path) -> CustodyReport:
    """Check the chain, its head beside the database, and every sealed row against it."""
    report = CustodyReport()
    if not store.has_chain(conn):
        report.problems.append("the archive has no chain of custody (open it once to migrate)")
        return report
    prev = ""
    # Each table's rows by the seal the log last gave them; and each entry's seals, in
    # order, to name the entry that sealed a row found changed (`_sealed_in`).
    latest: dict[str, dict[str, Any]] = {t: {} for t in store.SEALED}
    sealings: list[tuple[int, str, str, dict[str, Any]]] = []
    last: tuple[int, str] | None = None
    scope = 0
    for entry_id, at, user, action, detail, prev_hash, hashed in store.entries(conn):
        report.entries += 1
        what = f"audit entry #{entry_id} ({action}, {at}, {user})"
        if not hashed:
            report.problems.append(f"{what} is not in the chain: it was added outside xarchive")
        elif prev_hash != prev:
            report.problems.append(
                f"{what} is not chained to the entry before it: an entry before it was "
                "deleted, inserted or rewritten"
            )
        if hashed and store.entry_hash(entry_id, prev_hash, at, user, action, detail) != hashed:
            report.problems.append(f"{what} was rewritten: it no longer matches its hash")
        prev = hashed
        last = (entry_id, hashed)
        if not action.startswith("custody."):
            continue
        try:
            data = json.loads(detail)
        except json.JSONDecodeError:
            continue
        if not isinstance(data, dict):
            continue
        if action == "custody.start" and not report.started_at:
            report.started_at, report.started_note = at, str(data.get("note", ""))
        elif action == "custody.extend":
            report.extended_at, report.extended_note = at, str(data.get("note", ""))
        scope = max(scope, store.entry_scope(action, data))
        rows_by_table = data.get("rows")
        for table, rows in (rows_by_table if isinstance(rows_by_table, dict) else {}).items():
            if table in latest and isinstance(rows, dict):
                latest[table].update(rows)
                sealings.append((entry_id, at, table, rows))
    _check_head(root, last, report)
    if not report.started_at:
        report.problems.append("the audit log has no custody.start entry: its start was removed")
    # A table the chain does not seal yet (an archive not opened for writing since this
    # version) is not checked: its rows were never sealed, which is no sign of an edit.
    tables = store.scope_tables(scope)
    report.sealed = [store.SEALED[t].many for t in tables]
    for table in tables:
        _check_table(conn, table, latest[table], sealings, report)
    return report


def _check_table(
    conn: sqlite3.Connection,
    table: str,
    sealed: dict[str, Any],
    sealings: list[tuple[int, str, str, dict[str, Any]]],
    report: CustodyReport,
) -> None:
    current = {str(k): s for k, s in store.row_seals(conn, table)}
    report.rows += len(current)
    # Every row as sealed and no sealed row gone, told by comparing the two dicts (in C):
    # a loop of Python's over each row was a tenth of the check.
    if current == sealed:
        return
    if current == {row: seal for row, seal in sealed.items() if seal != "deleted"}:
        return
    where = _sealed_in(table, sealings)
    for row, seal in current.items():
        if row not in sealed or sealed[row] == "deleted":
            report.problems.append(
                f"{_row_name(conn, table, row)} is in the database but was never recorded in "
                "the audit log: added outside xarchive"
            )
            continue
        expected = sealed[row]
        if expected == seal:
            continue
        entry_id, at = where[row]
        what = "it was changed"
        if table == "items" and isinstance(expected, list) and len(expected) == 2:
            parts = [p for p, a, b in zip(("metadata", "text"), expected, seal, strict=True)
                     if a != b]  # fmt: skip
            what = f"its {' and '.join(parts)} changed"
            report.changed_items.append(int(row))
        report.problems.append(
            f"{_row_name(conn, table, row)}: {what} outside xarchive since it was sealed "
            f"(audit entry #{entry_id}, {at})"
        )
    for row, seal in sealed.items():
        if seal != "deleted" and row not in current:
            entry_id, at = where[row]
            report.problems.append(
                f"{store.SEALED[table].name.format(key=row)} (sealed in audit entry "
                f"#{entry_id}, {at}) is gone from the database, with no record of its "
                "deletion: deleted outside xarchive"
            )


def _sealed_in(
    table: str, sealings: list[tuple[int, str, str, dict[str, Any]]]
) -> dict[str, tuple[int, str]]:
    """(entry id, time) of the entry that last sealed each row of `table`."""
    where: dict[str, tuple[int, str]] = {}
    for entry_id, at, sealed_table, rows in sealings:
        if sealed_table == table:
            where.update(dict.fromkeys(rows, (entry_id, at)))
    return where


#: The sealed tables whose key is an item's id.
_KEYED_BY_ITEM = ("items", "posts", "ocr_words", "post_media")


def _row_name(conn: sqlite3.Connection, table: str, row: str) -> str:
    from .store import items as item_store  # only to name a row that fails (its records)

    name = store.SEALED[table].name.format(key=row)
    if table == "item_sources" and row.isdigit():
        source = item_store.source_row(conn, int(row))
        return f"{name} (item #{source[0]}, from ‘{source[1]}’)" if source else name
    if table in _KEYED_BY_ITEM and row.isdigit():
        title = item_store.title_of(conn, int(row))
        return f"{name} (‘{title}’)" if title is not None else name
    return name


def _check_head(root: Path, last: tuple[int, str] | None, report: CustodyReport) -> None:
    head = read_head(root)
    if head is None:
        report.problems.append(
            f"{HEAD_FILE}, the copy of the chain's head kept beside the database, is missing"
        )
        return
    allowed = [h for h in (_parse(head.get("entry")), _parse(head.get("committing"))) if h]
    if last in allowed:
        return
    known = allowed[0] if allowed else None
    if last is None or known is None:
        report.problems.append(f"the audit log does not match {HEAD_FILE}")
    elif last[0] > known[0]:
        report.problems.append(
            f"the audit log goes on after the head recorded in {HEAD_FILE} (entry #{known[0]}): "
            f"entries #{known[0] + 1} to #{last[0]} were added outside xarchive"
        )
    elif last[0] < known[0]:
        report.problems.append(
            f"the audit log ends at entry #{last[0]}, but {HEAD_FILE} records entry "
            f"#{known[0]}: entries were deleted, or the database was replaced by an older copy"
        )
    else:
        report.problems.append(
            f"the audit log's last entry #{last[0]} is not the one {HEAD_FILE} records: "
            "the audit log was rewritten"
        )
