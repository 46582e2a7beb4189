"""SQL lives in core/store/ and nowhere else, and the front ends never hold a connection:
they ask the core (`Archive.item`, `Archive.pages`, the services), which asks the store.
import-linter checks who imports sqlite3 (pyproject.toml); these check what the imports
cannot show: a statement run on a connection passed in, `archive.db` reached from a
front end."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import xarchive

PACKAGE = Path(xarchive.__file__).parent
STORE = PACKAGE / "core" / "store"
#: The words a statement of SQL starts with.
_SQL = re.compile(
    r"\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|"
    r"ROLLBACK|SAVEPOINT|RELEASE|WITH)\s",
)
_RUNS = ("execute", "executemany", "executescript")


def _modules(*parts: str) -> list[tuple[str, ast.AST]]:
    found = []
    for path in sorted(PACKAGE.joinpath(*parts).rglob("*.py")):
        found.append((path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text("utf-8"))))
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the nodes that are docstrings (which may well say "BEGIN IMMEDIATE")."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_no_module_outside_the_store_runs_a_statement() -> None:
    outside = [(name, tree) for name, tree in _modules() if not name.startswith("core/store/")]
    assert len(outside) > 100  # the whole package was read
    found = []
    for name, tree in outside:
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            if isinstance(node, ast.Attribute) and node.attr in _RUNS:
                found.append(f"{name}:{node.lineno} calls .{node.attr}")
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _SQL.match(node.value)
            ):
                found.append(f"{name}:{node.lineno} writes SQL: {node.value[:40]!r}")
    assert found == []


def test_the_front_ends_never_reach_a_connection() -> None:
    found = []
    for part in ("cli", "gui"):
        for name, tree in _modules(part):
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in ("db", "new_connection"):
                    found.append(f"{name}:{node.lineno} uses .{node.attr}")
    assert found == []
