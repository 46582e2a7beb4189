"""What the chain of custody seals beyond items and annotations (issue 11): where each
item came from, import runs and their failures, containers, posts, their captures and
media, accounts and platform events, OCR word boxes and the archive's settings. An edit
made to any of them behind xarchive's back is named by `verify`; an archive whose chain
began before they were sealed has its seal extended, recorded as such."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli import xarchive
from tests.conftest import REPO
from tests.makefiles import corrupt_pdf, png, text_file
from xarchive.core import properties
from xarchive.core.archive import Archive
from xarchive.core.importing import ImportOptions, import_paths
from xarchive.core.store import custody as store
from xarchive.core.verify import verify

POSTS = REPO / "sample_archive" / "posts"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of files, posts (twarc2 and an X archive), a scanned screenshot, a
    failed file and a property, closed: what a forger finds on the disk."""
    base = tmp_path_factory.mktemp("custody")
    folder = base / "collected"
    text_file(folder / "order.txt", "The ministry ordered the block on national security grounds.")
    png(folder / "screenshot.png", "Access to X is blocked")
    corrupt_pdf(folder / "ruling.pdf")
    for name in ("twarc2-search-pakistan-x-block.jsonl",
                 "twarc2-compliance-2024-05-03-tweets.jsonl",
                 "twitter-2024-04-20-demo_reporter.zip"):  # fmt: skip
        shutil.copy(POSTS / name, folder / name)
    root = base / "case.xarchive"
    with Archive.create(root) as archive:
        properties.write(archive, {"user_name": "Researcher A"})
        import_paths(archive, [folder], ImportOptions(workers=0, ocr_languages="eng"))
        assert verify(archive).ok
    return root


@pytest.fixture
def sealed(made: Path, tmp_path: Path) -> Path:
    root = tmp_path / "case.xarchive"
    shutil.copytree(made, root)
    return root


def _forge(root: Path, *statements: str) -> None:
    """Change archive.sqlite as another program would: the sqlite3 module, no xarchive."""
    conn = sqlite3.connect(root / "archive.sqlite")
    with conn:
        for statement in statements:
            assert conn.execute(statement).rowcount == 1, statement
    conn.close()


def _problems(root: Path) -> list[str]:
    with Archive.open(root, readonly=True) as archive:
        report = verify(archive)
        assert report.custody is not None
        return report.custody.problems


def test_the_archive_has_what_is_to_be_sealed(made: Path) -> None:
    conn = sqlite3.connect(made / "archive.sqlite")
    for table in ("item_sources", "import_runs", "import_errors", "containers",
                  "container_sources", "posts", "post_sources", "post_media", "accounts",
                  "platform_events", "ocr_words", "settings"):  # fmt: skip
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0], table
    conn.close()
    assert _problems(made) == []


FORGERIES = {
    "provenance": (
        "UPDATE item_sources SET path = '/media/usb/planted.txt' WHERE id = 1",
        "provenance record #1 (item #",
    ),
    "run": ("UPDATE import_runs SET user_name = 'someone else' WHERE id = 1", "import run #1:"),
    "failure": ("DELETE FROM import_errors WHERE id = 1", "import failure #1 (sealed"),
    "container": ("UPDATE containers SET captured_at = '2020-01-01' WHERE id = 1", "container #1:"),
    "post": (
        "UPDATE posts SET original_text = 'nothing was blocked' WHERE item_id = "
        "(SELECT min(item_id) FROM posts)",
        "the post of item #",
    ),
    "capture": (
        "UPDATE post_sources SET captured_at = '2020-01-01' WHERE id = 1",
        "capture #1 of a post:",
    ),
    "event": ("UPDATE platform_events SET at = '2020-01-01' WHERE id = 1", "platform event #1:"),
    "ocr words": (
        "UPDATE ocr_words SET words = replace(words, 'blocked', 'allowed') WHERE item_id = "
        "(SELECT id FROM items WHERE original_name = 'screenshot.png')",
        "the OCR words of item #",
    ),
    "setting": (
        "UPDATE settings SET value = 'Someone Else' WHERE key = 'user_name'",
        "the setting ‘user_name’:",
    ),
    "added": (
        "INSERT INTO settings (key, value) VALUES ('organization', 'Forged Org')",
        "the setting ‘organization’ is in the database but was never recorded",
    ),
}


@pytest.mark.parametrize("what", FORGERIES)
def test_an_edit_behind_xarchives_back_is_named(sealed: Path, what: str) -> None:
    statement, named = FORGERIES[what]
    _forge(sealed, statement)
    problems = _problems(sealed)
    assert len(problems) == 1, problems
    assert problems[0].startswith(named), problems
    assert "outside xarchive" in problems[0]


def test_a_text_made_not_utf8_is_named_as_changed(sealed: Path) -> None:
    """Bytes no UTF-8 decoder reads, put in an item's text by another program: verify
    names the item's text as changed (it stopped at the first such page, unable to
    decode it, when texts were read as Python strings)."""
    _forge(sealed, "UPDATE pages SET text = CAST(x'4e6f2062ff6f636b' AS TEXT) WHERE item_id = "
           "(SELECT id FROM items WHERE original_name = 'order.txt')")  # fmt: skip
    (problem,) = _problems(sealed)
    assert problem.startswith("item #") and "The ministry ordered" in problem
    assert "its text changed outside xarchive" in problem


def test_the_command_line_names_a_forged_post_and_fails(sealed: Path) -> None:
    _forge(sealed, "UPDATE accounts SET handle = 'impostor' WHERE platform_id = "
           "(SELECT min(platform_id) FROM accounts)")  # fmt: skip
    done = xarchive("verify", "--archive", str(sealed))
    assert done.returncode == 1, done.stdout
    assert "TAMPERED  account x:" in done.stdout and "changed outside xarchive" in done.stdout


def test_what_xarchive_changes_later_stays_sealed(sealed: Path, tmp_path: Path) -> None:
    """A second import (new runs, provenance of a duplicate), a property changed, an item
    deleted with its posts' rows and OCR words: the chain follows every change."""
    from xarchive.core.annotate.deletion import delete_item

    again = tmp_path / "again"
    text_file(again / "copy.txt", "The ministry ordered the block on national security grounds.")
    with Archive.open(sealed) as archive:
        import_paths(archive, [again], ImportOptions(workers=0))
        properties.write(archive, {"user_name": "Researcher B"})
        (scanned,) = archive.db.execute("SELECT item_id FROM ocr_words LIMIT 1").fetchone()
        (post,) = archive.db.execute("SELECT max(item_id) FROM post_sources").fetchone()
        delete_item(archive, scanned)
        delete_item(archive, post)
        assert verify(archive).ok
    assert _problems(sealed) == []


def _as_made_before_the_seal_was_extended(root: Path) -> None:
    """archive.sqlite as an xarchive of schema 9 left it: a chain of scope 1 (items,
    annotations, tags, links), its head beside it. Rewritten as that version wrote it."""
    conn = sqlite3.connect(root / "archive.sqlite", isolation_level=None)
    first = set(store.scope_tables(1))
    conn.execute("BEGIN")
    prev = ""
    for entry_id, at, user, action, detail in conn.execute(
        "SELECT id, at, user_name, action, detail FROM audit_log ORDER BY id"
    ).fetchall():
        data = json.loads(detail)
        if action.startswith("custody."):
            data.pop("scope", None)
            data.pop("tables", None)
            if "rows" in data:
                data["rows"] = {t: r for t, r in data["rows"].items() if t in first}
        detail = json.dumps(data, ensure_ascii=False, sort_keys=True)
        hashed = store.entry_hash(entry_id, prev, at, user, action, detail)
        conn.execute(
            "UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (detail, prev, hashed, entry_id),
        )
        prev = hashed
    conn.execute("DROP INDEX audit_log_action")
    conn.execute("DELETE FROM schema_migrations WHERE version >= 10")
    conn.execute("PRAGMA user_version = 9")
    conn.execute("COMMIT")
    conn.close()
    (root / "custody-head.txt").write_text(
        f"xarchive chain of custody: the last entry of archive.sqlite's audit log\n"
        f"entry: {entry_id} {prev}\n",
        encoding="utf-8",
    )


def test_an_archive_sealed_before_gets_its_seal_extended(sealed: Path) -> None:
    _as_made_before_the_seal_was_extended(sealed)
    # Opening it, even to read, migrates it: the seal is extended to all of it.
    with Archive.open(sealed, readonly=True) as archive:
        report = verify(archive)
        assert report.ok, report.custody
        assert report.custody is not None
        assert "OCR word boxes" in report.custody.extended_note
        assert "earlier version of xarchive" in report.custody.extended_note
        assert "cannot be checked" in report.custody.extended_note
        ((count, detail),) = archive.db.execute(
            "SELECT count(*), detail FROM audit_log WHERE action = 'custody.extend'"
        ).fetchall()
        assert count == 1 and json.loads(detail)["sealed_rows"] > 0
    with Archive.open(sealed) as archive:  # opened again: extended once only
        assert archive.db.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'custody.extend'"
        ).fetchone() == (1,)
    _forge(sealed, "UPDATE item_sources SET path = '/planted' WHERE id = 1")
    (problem,) = _problems(sealed)
    assert problem.startswith("provenance record #1 (item #")


def test_an_earlier_version_is_kept_from_writing_what_it_would_not_seal(sealed: Path) -> None:
    """Schema 10 is what tells an xarchive that seals less to refuse the archive."""
    conn = sqlite3.connect(sealed / "archive.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 10
    conn.close()
