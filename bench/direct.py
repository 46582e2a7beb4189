"""An archive of a corpus written straight into the database (no import), for 100 000 items.

    .venv/bin/python bench/direct.py REF.sqlite ARCHIVE

Importing 100 000 files takes too long to repeat in a benchmark, so at that size
bench/run.py builds the archive the way bench/bench_scale.py does: items, their pages
and posts inserted in large transactions, then `xarchive.core.indexing.reindex`.
The items are the documents of bench/fts5_ref.py's reference index of the corpus
(what it read from the files, word for word), so hit counts still compare. There are no originals in
`blobs/`: verify and export are not measured on such an archive.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from fts5_ref import Doc, read_index

from xarchive.core.archive import Archive, utc_now

MEDIA_TYPES = {
    "text": "text/plain",
    "article": "text/html",
    "document": "application/pdf",
    "image": "image/png",
    "post": "application/json",
}
BATCH = 5_000


def _row(item_id: int, doc: Doc, run_id: int, now: str) -> tuple[object, ...]:
    stamp = f"{doc.day}T12:00:00+00:00" if doc.day else ""
    # .txt and .png take their date from the file (captured); the others say it (published).
    published, captured = ("", stamp) if doc.kind in ("text", "image") else (stamp, now)
    name = doc.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    source_url = f"https://{doc.source}/{item_id}" if doc.source else ""
    return (
        item_id, hashlib.sha256(doc.path.encode()).hexdigest(), doc.kind,
        doc.title or doc.body[:80], name, doc.path, len(doc.body.encode()),
        MEDIA_TYPES[doc.kind], doc.lang, published, captured, now, doc.author, source_url,
        run_id, "none", max(1, doc.body.count("\n\f\n") + 1),
    )  # fmt: skip


def build(archive: Archive, docs: Iterable[Doc]) -> int:
    """Insert `docs` as items (with pages and posts); the number inserted."""
    now = utc_now()
    db = archive.db
    with archive.transaction():
        run_id = db.execute(
            "INSERT INTO import_runs (started_at, finished_at, status, sources, tool_version) "
            "VALUES (?, ?, 'completed', '[]', 'bench/direct.py')",
            (now, now),
        ).lastrowid
    count = 0
    items: list[tuple[object, ...]] = []
    pages: list[tuple[int, int, str]] = []
    posts: list[tuple[object, ...]] = []

    def flush() -> None:
        with archive.transaction():
            db.executemany(
                "INSERT INTO items (id, sha256, kind, title, original_name, original_path, "
                "size, media_type, language, published_at, captured_at, imported_at, author, "
                "source_url, import_run_id, ocr_status, page_count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                items,
            )
            db.executemany("INSERT INTO pages (item_id, page_no, text) VALUES (?, ?, ?)", pages)
            db.executemany(
                "INSERT INTO posts (item_id, platform_id, account, display_name, url, "
                "original_text, hashtags, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                posts,
            )
        items.clear()
        pages.clear()
        posts.clear()

    for count, doc in enumerate(docs, 1):
        items.append(_row(count, doc, int(run_id or 0), now))
        for page_no, text in enumerate(doc.body.split("\n\f\n"), 1):
            pages.append((count, page_no, text))
        if doc.kind == "post":
            post_id = doc.path.rsplit("#", 1)[-1]
            posts.append((
                count, f"x:{post_id}", doc.account, doc.author,
                f"https://x.com/{doc.account}/status/{post_id}", doc.body,
                json.dumps(doc.hashtags), json.dumps(doc.mentions),
            ))  # fmt: skip
        if len(items) >= BATCH:
            flush()
    flush()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", type=Path, help="a reference index (fts5_ref.py index)")
    parser.add_argument("archive", type=Path)
    args = parser.parse_args()
    from xarchive.core.indexing import reindex

    started = time.perf_counter()
    with Archive.create(args.archive) as archive:
        count = build(archive, read_index(args.ref))
        built = time.perf_counter()
        reindex(archive)
    indexed = time.perf_counter() - built
    print(f"{count} items in {built - started:.1f} s, indexed in {indexed:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
