"""Changes to annotations, tags and links, recorded row by row so that each can be undone.

Every operation (add a note, rename a tag, merge two tags …) writes through a
`Recorder`, which keeps each row as it was before and after. The `Change` that
results knows its own inverse — the same rows, the other way round, in reverse
order — so undo and redo need no code per operation, and the audit log gets an
exact account of what changed.

`UndoStack` is the linear history of one session (one window, one CLI process);
it holds no Qt, and a QUndoStack can wrap it (see `Annotations.undo`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import UndoConflict
from ..store import annotations as store

if TYPE_CHECKING:
    import sqlite3

#: The columns that name an item, per table: their items are re-indexed after a change.
ITEM_COLUMNS = {
    "annotations": ("item_id",),
    "item_tags": ("item_id",),
    "links": ("source_id", "target_id"),
    "tags": (),
}


@dataclass(frozen=True, slots=True)
class RowChange:
    """One row of one table, before and after (None: did not exist)."""

    table: str
    row_id: int
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    def inverse(self) -> RowChange:
        return RowChange(self.table, self.row_id, self.after, self.before)

    @property
    def op(self) -> str:
        if self.before is None:
            return "insert"
        return "delete" if self.after is None else "update"

    def item_ids(self) -> set[int]:
        ids: set[int] = set()
        for row in (self.before, self.after):
            if row is None:
                continue
            for column in ITEM_COLUMNS[self.table]:
                if row.get(column) is not None:
                    ids.add(int(row[column]))
        return ids

    def describe(self) -> dict[str, Any]:
        """For the audit log: the row's id and uid, and what changed."""
        row = self.after if self.after is not None else self.before
        assert row is not None
        out: dict[str, Any] = {"table": self.table, "op": self.op, "id": self.row_id}
        if "uid" in row:
            out["uid"] = row["uid"]
        if self.before is None:
            out["row"] = dict(row)
        elif self.after is None:
            out["row"] = dict(self.before)
        else:
            out["changed"] = {
                k: [self.before.get(k), v]
                for k, v in self.after.items()
                if self.before.get(k) != v and k != "modified_at"
            }
        return out


@dataclass(frozen=True, slots=True)
class Change:
    """One operation as a person sees it ("Tag #12 ‘evidence’"), with the rows it changed."""

    action: str  # for the audit log, e.g. "tag.add"
    text: str  # for a person, e.g. in an Edit ▸ Undo menu item
    rows: tuple[RowChange, ...]
    #: Items whose index entries change although no row naming them does (a tag renamed).
    touched: frozenset[int] = frozenset()

    def inverse(self) -> Change:
        rows = tuple(r.inverse() for r in reversed(self.rows))
        return Change(self.action, self.text, rows, self.touched)

    def item_ids(self) -> set[int]:
        ids: set[int] = set(self.touched)
        for row in self.rows:
            ids |= row.item_ids()
        return ids

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass(slots=True)
class Recorder:
    """Writes rows and remembers each one before and after. The caller owns the transaction."""

    conn: sqlite3.Connection
    rows: list[RowChange] = field(default_factory=list)
    #: Items to re-index besides those the changed rows name.
    touched: set[int] = field(default_factory=set)

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        row_id = store.insert_row(self.conn, table, values)
        self.rows.append(RowChange(table, row_id, None, store.get_row(self.conn, table, row_id)))
        return row_id

    def update(self, table: str, row_id: int, values: Mapping[str, Any]) -> None:
        before = store.get_row(self.conn, table, row_id)
        if before is None:
            raise KeyError(f"{table} row {row_id} does not exist")
        if all(before.get(k) == v for k, v in values.items()):
            return
        store.update_row(self.conn, table, row_id, values)
        self.rows.append(RowChange(table, row_id, before, store.get_row(self.conn, table, row_id)))

    def delete(self, table: str, row_id: int) -> None:
        before = store.get_row(self.conn, table, row_id)
        if before is None:
            return
        store.delete_row(self.conn, table, row_id)
        self.rows.append(RowChange(table, row_id, before, None))

    def apply(self, changes: Iterable[RowChange]) -> None:
        """Make each row what `after` says, provided it is still what `before` says.

        Raises UndoConflict when a row was changed since (by another window, the
        command line, or a re-import that re-anchored it): undoing then would
        overwrite that newer change.
        """
        for change in changes:
            current = store.get_row(self.conn, change.table, change.row_id)
            if _differs(current, change.before):
                raise UndoConflict(
                    f"this cannot be undone: the {_noun(change.table)} it changed has been "
                    "changed again since"
                )
            if change.after is None:
                self.delete(change.table, change.row_id)
            elif current is None:
                self.insert(change.table, change.after)
            else:
                self.update(change.table, change.row_id, change.after)

    def change(self, action: str, text: str) -> Change:
        return Change(action, text, tuple(self.rows), frozenset(self.touched))


def _differs(current: Mapping[str, Any] | None, expected: Mapping[str, Any] | None) -> bool:
    if current is None or expected is None:
        return (current is None) != (expected is None)
    return any(current.get(k) != v for k, v in expected.items())


def _noun(table: str) -> str:
    return {"annotations": "annotation", "tags": "tag", "item_tags": "tag", "links": "link"}[table]


Listener = Callable[[], None]


class UndoStack:
    """A linear undo/redo history of `Change`s. No Qt: the GUI may wrap it in a QUndoStack."""

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self._done: list[Change] = []
        self._undone: list[Change] = []
        self._listeners: list[Listener] = []

    def push(self, change: Change) -> None:
        """A new change: it can be undone; what had been undone can no longer be redone."""
        if change.empty:
            return
        self._done.append(change)
        del self._done[: -self.limit]
        self._undone.clear()
        self._notify()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_text(self) -> str:
        return self._done[-1].text if self._done else ""

    @property
    def redo_text(self) -> str:
        return self._undone[-1].text if self._undone else ""

    def next_undo(self) -> Change | None:
        return self._done[-1] if self._done else None

    def next_redo(self) -> Change | None:
        return self._undone[-1] if self._undone else None

    def mark_undone(self) -> None:
        """The change `next_undo` returned has been reverted."""
        self._undone.append(self._done.pop())
        self._notify()

    def mark_redone(self) -> None:
        """The change `next_redo` returned has been applied again."""
        self._done.append(self._undone.pop())
        self._notify()

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._notify()

    def __len__(self) -> int:
        return len(self._done)

    def add_listener(self, listener: Listener) -> None:
        """Call `listener()` whenever the history changes (e.g. to update menu items)."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
