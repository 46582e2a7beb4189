"""store/posts.remembering: an export reads each post once, and nothing stays remembered
after it (a later reader sees the database as it is)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_import
from xarchive.core.archive import Archive
from xarchive.core.store import items as item_store
from xarchive.core.store import posts as post_store

JSONL = "twarc2-search-pakistan-x-block.jsonl"


def test_posts_are_read_once_inside_the_block_and_afresh_after(
    archive: Archive, samples: Path
) -> None:
    run_import(archive, samples / "posts" / JSONL)
    conn = archive.db
    item_id = next(i.id for i in item_store.items(conn) if i.kind == "post")
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        with post_store.remembering(conn):
            first = post_store.get_post(conn, item_id)
            with post_store.remembering(conn):  # nested: still the same memory
                again = post_store.get_post(conn, item_id)
            read_inside = len(statements)
            assert post_store.get_post(conn, item_id) is first
        assert again is first and len(statements) == read_inside
        assert read_inside >= 1  # the one read
        after = post_store.get_post(conn, item_id)
        assert after == first and after is not first and len(statements) > read_inside
    finally:
        conn.set_trace_callback(None)
    assert post_store._remembered == {}
