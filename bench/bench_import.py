"""Import and search speed on a generated corpus: prints the figures, asserts nothing.

    .venv/bin/python bench/bench_import.py --docs 5000 --workers 2

Generates plain-text and HTML documents (English with Urdu mixed in) in a temporary
folder, imports them into a fresh archive, then re-imports (the no-op path),
rebuilds the index and times a set of queries. No OCR is involved: see
bench/whoosh_forks.py for the index alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from xarchive.core.archive import Archive
from xarchive.core.importing import ImportOptions, import_paths
from xarchive.core.indexing import reindex
from xarchive.core.search import Searcher

ENGLISH = [
    "court",
    "ministry",
    "interior",
    "platform",
    "blocked",
    "access",
    "election",
    "protest",
    "vpn",
    "national",
    "security",
    "public",
    "order",
    "petition",
    "hearing",
    "order",
    "directive",
    "account",
    "campaign",
    "report",
    "observatory",
    "disruption",
    "government",
    "statement",
    "rights",
    "freedom",
    "expression",
    "censorship",
    "restore",
    "letter",
    "authority",
    "telecommunication",
    "judge",
    "week",
    "month",
    "country",
    "users",
    "network",
    "official",
]
URDU = [
    "پاکستان",
    "ٹوئٹر",
    "ایکس",
    "پابندی",
    "حکومت",
    "عدالت",
    "وزارت",
    "داخلہ",
    "رسائی",
    "انتخابات",
]
QUERIES = [
    "court",
    '"national security"',
    "vpn AND protest",
    "censor*",
    "pabandi OR پابندی",
    "kind:article date:2024-02-01..2024-04-30",
    "*",
]


def make_corpus(folder: Path, count: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    size = 0
    for n in range(count):
        words = [rng.choice(URDU if rng.random() < 0.1 else ENGLISH) for _ in range(300)]
        body = " ".join(words)
        sub = folder / f"{n // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        if n % 3 == 0:
            day = 1 + n % 28
            text = (
                f"<!DOCTYPE html><html lang='en'><head><title>Article {n}</title>"
                f"<meta property='article:published_time' content='2024-03-{day:02d}T10:00:00Z'>"
                f"</head><body><nav>Home</nav><article><h1>Article {n}</h1><p>{body}</p>"
                f"<p>{body[::-1]}</p></article></body></html>"
            )
            path = sub / f"article-{n}.html"
        else:
            text = f"# Note {n}\n\n{body}\n"
            path = sub / f"note-{n}.md"
        path.write_text(text, encoding="utf-8")
        size += len(text.encode())
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        size = make_corpus(corpus, args.docs)
        print(f"corpus: {args.docs} documents, {size / 1e6:.1f} MB")
        with Archive.create(Path(tmp) / "bench.xarchive") as archive:
            options = ImportOptions(workers=args.workers, ocr=False)
            t0 = time.perf_counter()
            report = import_paths(archive, [corpus], options)
            t1 = time.perf_counter()
            print(f"import:     {len(report.imported)} items in {t1 - t0:.1f} s "
                  f"= {len(report.imported) / (t1 - t0):.0f} items/s")  # fmt: skip
            t0 = time.perf_counter()
            again = import_paths(archive, [corpus], options)
            t1 = time.perf_counter()
            print(f"re-import:  {len(again.skipped)} unchanged files in {t1 - t0:.2f} s")
            t0 = time.perf_counter()
            reindex(archive)
            t1 = time.perf_counter()
            print(f"reindex:    {args.docs / (t1 - t0):.0f} items/s ({t1 - t0:.1f} s)")
            searcher = Searcher(archive)
            for query in QUERIES:
                times = []
                for _ in range(7):
                    t0 = time.perf_counter()
                    results = searcher.search(query, limit=20)
                    times.append(time.perf_counter() - t0)
                print(f"search {query!r:48} {results.total:6d} hits  "
                      f"median {statistics.median(times) * 1000:7.1f} ms "
                      "(20 hits with snippets + facets)")  # fmt: skip
            searcher.close()


if __name__ == "__main__":
    main()
