"""Search at scale: first page with facets, deep pages and the timeline over N items.

    .venv/bin/python bench/bench_scale.py --items 100000
    .venv/bin/python bench/bench_scale.py --items 10000 --keep /tmp/scale-10k

Writes N synthetic items straight into the database (big transactions, no
import pipeline): documents, articles, texts, pictures with OCR text and posts
(with `posts` rows and tags, so that every facet has values), dated over
February to April 2024, a tenth of them in Urdu. Then rebuilds the index
through `reindex` and times, for a few queries, what the app asks for:
`Searcher.search(q, limit=100, facets=True)` (the first page), a deep page
without facets, and `Searcher.day_counts(q)` (the timeline). Median of 5 after
one warm-up. Prints the figures, asserts nothing.

With `--keep DIR` the archive stays in DIR, and a later run on the same DIR
reuses it (no rebuild) when it holds the same number of items.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

from xarchive.core.archive import Archive, utc_now
from xarchive.core.indexing import reindex
from xarchive.core.search import Searcher

# A few hundred real words (the head of the distribution: "court" is in nearly
# every item) and a long tail of made-up ones, drawn with Zipf-like weights.
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
    "internet",
    "shutdown",
    "service",
    "provider",
    "mobile",
    "data",
    "journalist",
    "press",
    "media",
    "arrest",
    "police",
    "lawyer",
    "bench",
    "verdict",
    "appeal",
    "notice",
    "deadline",
    "parliament",
    "senate",
    "committee",
    "chairman",
    "minister",
    "spokesman",
    "commission",
    "regulator",
    "license",
    "operator",
    "province",
    "city",
    "district",
    "village",
    "border",
    "army",
    "caretaker",
    "party",
    "leader",
    "candidate",
    "vote",
    "ballot",
    "result",
    "rigging",
    "fraud",
    "monitor",
    "observer",
    "mission",
    "delegation",
    "embassy",
    "foreign",
    "policy",
    "economy",
    "inflation",
    "budget",
    "tax",
    "loan",
    "fund",
    "bank",
    "market",
    "price",
    "fuel",
    "electricity",
    "gas",
    "water",
    "school",
    "university",
    "student",
    "teacher",
    "hospital",
    "doctor",
    "health",
    "disease",
    "flood",
    "rain",
    "heat",
    "road",
    "transport",
    "railway",
    "airport",
    "flight",
    "passenger",
    "traffic",
]
SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "ta",
    "ne",
    "lu",
    "pa",
    "si",
    "do",
    "ve",
    "ra",
    "go",
    "ha",
    "mi",
    "zu",
    "te",
    "bo",
    "la",
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
    "صحافی",
    "اخبار",
    "قانون",
    "فیصلہ",
    "سماعت",
    "درخواست",
    "انٹرنیٹ",
    "بندش",
    "احتجاج",
    "پولیس",
]
RARE_WORD = "zanzibarite"  # in one item of 1 000
PHRASE = "national security"  # as a phrase in one item of 10
KINDS = [("document", 25), ("article", 25), ("text", 10), ("image", 5), ("post", 35)]
LANGUAGES = [("en", 80), ("ur", 10), ("de", 5), ("", 5)]
QUERIES = [
    ("everything", "*"),
    ("a kind", "kind:post"),
    ("common word", "court"),
    ("rare word", RARE_WORD),
    ("phrase", f'"{PHRASE}"'),
    ("date range", "date:2024-03-01..2024-03-31"),
    ("Urdu word", "پابندی"),
    ("word + facet", "election kind:article"),
]
START = datetime(2024, 2, 1)
SPAN_SECONDS = int((datetime(2024, 5, 1) - START).total_seconds())


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = list(ENGLISH)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _weights(pairs: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [p[0] for p in pairs], list(accumulate(p[1] for p in pairs))


def build(archive: Archive, count: int, seed: int = 1) -> None:
    """Insert `count` items (with pages, posts, tags) in transactions of 10 000."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    word_cum = list(accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    urdu_cum = list(accumulate(1.0 / (rank + 1) for rank in range(len(URDU))))
    kinds, kind_cum = _weights(KINDS)
    langs, lang_cum = _weights(LANGUAGES)
    authors = [
        f"{rng.choice(ENGLISH).title()} {rng.choice(SYLLABLES).title()}khan" for _ in range(300)
    ]
    author_cum = list(accumulate(1.0 / (r + 1) for r in range(len(authors))))
    sites = [f"www.{w}{n}.example" for n, w in enumerate(rng.sample(ENGLISH, 40))]
    accounts = [f"{rng.choice(ENGLISH)}_{n}" for n in range(800)]
    account_cum = list(accumulate(1.0 / (r + 1) ** 0.8 for r in range(len(accounts))))
    hashtags = [f"{w.title()}{n}" for n, w in enumerate(rng.sample(ENGLISH, 60))]
    tag_names = ["evidence", "follow-up", "court file", "translated", "verified", "disputed"]
    now = utc_now()
    db = archive.db
    with archive.transaction():
        run_id = db.execute(
            "INSERT INTO import_runs (started_at, finished_at, status, sources, tool_version) "
            "VALUES (?, ?, 'completed', '[]', 'bench')",
            (now, now),
        ).lastrowid
        tag_ids = [
            db.execute(
                "INSERT INTO tags (name, key, creator, created_at, modified_at) "
                "VALUES (?, ?, 'bench', ?, ?)",
                (name, name.casefold(), now, now),
            ).lastrowid
            for name in tag_names
        ]
    batch = 10_000
    for start in range(1, count + 1, batch):
        items, pages, posts, tags = [], [], [], []
        for item_id in range(start, min(start + batch, count + 1)):
            kind = rng.choices(kinds, cum_weights=kind_cum)[0]
            lang = "ur" if kind == "image" and rng.random() < 0.1 else None
            lang = lang or rng.choices(langs, cum_weights=lang_cum)[0]
            length = rng.randint(20, 60) if kind == "post" else rng.randint(200, 450)
            if lang == "ur":
                text_words = rng.choices(URDU, cum_weights=urdu_cum, k=length)
            else:
                text_words = rng.choices(words, cum_weights=word_cum, k=length)
            if item_id % 10 == 0:
                text_words[length // 2 : length // 2] = PHRASE.split()
            if item_id % 1000 == 7:
                text_words.insert(length // 3, RARE_WORD)
            text = " ".join(text_words)
            when = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
            stamp = when.isoformat() + "Z"
            published, captured = (stamp, "") if rng.random() < 0.85 else ("", stamp)
            author = "" if kind == "post" else rng.choices(authors, cum_weights=author_cum)[0]
            site = rng.choice(sites)
            source_url = {
                "article": f"https://{site}/news/{item_id}",
                "post": f"https://x.com/i/status/{item_id}",
            }.get(kind, "")
            title = " ".join(text_words[:8]).capitalize()
            name = f"{kind}-{item_id}.{'json' if kind == 'post' else 'txt'}"
            items.append(
                (
                    item_id, hashlib.sha256(str(item_id).encode()).hexdigest(), kind, title,
                    name, f"/bench/{name}", len(text.encode()), "text/plain", lang, published,
                    captured, now, author, source_url, run_id,
                    "done" if kind == "image" else "none",
                )
            )  # fmt: skip
            pages.append((item_id, 1, text))
            if kind == "post":
                account = rng.choices(accounts, cum_weights=account_cum)[0]
                posts.append(
                    (
                        item_id, f"x:{10**17 + item_id}", account, account.title(),
                        source_url.replace("/i/", f"/{account}/"), text,
                        json.dumps(rng.sample(hashtags, rng.choice((0, 0, 1, 1, 2, 3)))),
                        json.dumps(rng.sample(accounts[:200], rng.choice((0, 0, 0, 1, 2)))),
                        int(rng.random() < 0.1), int(len(text) > 280),
                        f"{10**17 + item_id - 1}" if rng.random() < 0.2 else "",
                    )
                )  # fmt: skip
            if rng.random() < 0.05:
                for tag_id in rng.sample(tag_ids, rng.randint(1, 2)):
                    tags.append(
                        (
                            f"urn:uuid:bench-{item_id}-{tag_id}",
                            item_id,
                            items[-1][1],
                            tag_id,
                            now,
                            now,
                        )
                    )
        with archive.transaction():
            db.executemany(
                "INSERT INTO items (id, sha256, kind, title, original_name, original_path, size, "
                "media_type, language, published_at, captured_at, imported_at, author, "
                "source_url, import_run_id, ocr_status, page_count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                items,
            )
            db.executemany("INSERT INTO pages (item_id, page_no, text) VALUES (?, ?, ?)", pages)
            db.executemany(
                "INSERT INTO posts (item_id, platform_id, account, display_name, url, "
                "original_text, hashtags, mentions, is_retweet, is_long, reply_to_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                posts,
            )
            db.executemany(
                "INSERT INTO item_tags (uid, item_id, target_sha256, tag_id, creator, "
                "created_at, modified_at) VALUES (?, ?, ?, ?, 'bench', ?, ?)",
                tags,
            )


def timed(call: Callable[[], object], runs: int = 5) -> tuple[float, object]:
    """Median seconds of `runs` calls after one warm-up, and the last result."""
    result = call()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run(root: Path, count: int) -> None:
    if (root / "archive.sqlite").exists():
        archive = Archive.open(root)
        have = int(archive.db.execute("SELECT count(*) FROM items").fetchone()[0])
        if have != count:
            raise SystemExit(f"{root} holds {have} items, not {count}; give another --keep")
        print(f"archive:  reusing {root} ({have} items)")
    else:
        archive = Archive.create(root)
        t0 = time.perf_counter()
        build(archive, count)
        t1 = time.perf_counter()
        print(f"database: {count} items in {t1 - t0:.1f} s")
        t0 = time.perf_counter()
        reindex(archive)
        t1 = time.perf_counter()
        print(f"reindex:  {t1 - t0:.1f} s = {count / (t1 - t0):.0f} items/s "
              f"(peak RSS so far {peak_rss_mb():.0f} MB)")  # fmt: skip
    print(f"sizes:    database {folder_size(root) - folder_size(archive.index_dir):,} bytes, "
          f"index {folder_size(archive.index_dir):,} bytes")  # fmt: skip
    with archive:
        searcher = Searcher(archive)
        print()
        print(f"{'query':42} {'hits':>7}  {'page 1+facets':>13}  {'deep page':>18}  "
              f"{'day_counts':>10}")  # fmt: skip
        for label, query in QUERIES:
            first, results = timed(lambda q=query: searcher.search(q, limit=100, facets=True))
            total = results.total  # type: ignore[attr-defined]
            deep_offset = 50_000 if total >= 50_100 else max(0, total - 100)
            deep, _ = timed(
                lambda q=query, o=deep_offset: searcher.search(q, offset=o, limit=100, facets=False)
            )
            days, _ = timed(lambda q=query: searcher.day_counts(q))
            print(f"{label + ': ' + query:42} {total:7d}  {first * 1000:10.0f} ms  "
                  f"{deep * 1000:7.0f} ms @{deep_offset:<7d}  {days * 1000:7.0f} ms")  # fmt: skip
        searcher.close()
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the archive in this folder")
    args = parser.parse_args()
    if args.keep:
        run(args.keep.expanduser().absolute(), args.items)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp) / "scale.xarchive", args.items)


if __name__ == "__main__":
    main()
