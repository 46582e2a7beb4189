"""A small SQLite FTS5 indexer and searcher over the same files: the peer of xarchive's search.

    .venv/bin/python bench/fts5_ref.py index CORPUS REF.sqlite
    .venv/bin/python bench/fts5_ref.py reindex ARCHIVE REF.sqlite   # from an archive's database
    .venv/bin/python bench/fts5_ref.py search REF.sqlite 'court'     # an FTS5 MATCH expression

What it reads, with the standard library only (and pypdf and PDFium — pypdfium2 — for
PDFs, as xarchive reads them: PDFium gives Urdu in reading order): .txt as UTF-8
(its title the first line), .html with the tags stripped (script and style
dropped; menus and footers are kept: no boilerplate removal), PDFs' text per page
and their /Title and /CreationDate, posts' text from X archives (zip, data/tweets.js,
each post's pictures an image of its own) and twarc2 JSON lines, PNGs by name only.
A document's day is its published date (HTML `article:published_time`, a PDF's
creation date, a post's `created_at`), else the file's modification time (UTC).

The index: one FTS5 table (title, body; `porter unicode61 remove_diacritics 2`) and a
table of each document's facets (kind, month, day, language, author, site, account;
hashtags and mentions beside it). A search materialises the hit set once, then
gives the total, the first page ranked by bm25 with snippets, and facet counts —
the same answer xarchive's Searcher gives.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sqlite3
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

TOKENIZE = "porter unicode61 remove_diacritics 2"
FACETS = ("kind", "ym", "lang", "author", "source", "account")
TAG_FACETS = ("hashtag", "mention")

_TAG = re.compile(r"<[^>]*>")
_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_META = re.compile(r"<meta\s+([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')
_LANG = re.compile(r"<html[^>]*\blang=\"([\w-]+)\"", re.IGNORECASE)
_CANONICAL = re.compile(r'<link\s+rel="canonical"\s+href="([^"]+)"', re.IGNORECASE)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)
_ARABIC = re.compile(r"[\u0600-\u06ff]")


@dataclass
class Doc:
    path: str
    kind: str
    title: str = ""
    body: str = ""
    day: str = ""  # YYYY-MM-DD
    lang: str = ""
    author: str = ""
    source: str = ""
    account: str = ""
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


# -- reading files --------------------------------------------------------------------------


def _mtime_day(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()


def _day(value: str) -> str:
    """YYYY-MM-DD of an ISO time, in UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.date().isoformat()


def _lang_of(text: str) -> str:
    sample = text[:2000]
    arabic = len(_ARABIC.findall(sample))
    return "ur" if arabic * 3 > len(sample) else "en"


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def read_text(path: Path) -> Doc:
    text = path.read_bytes().decode("utf-8", "replace")
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Doc(str(path), "text", title, text, _mtime_day(path), _lang_of(text))


def read_html(path: Path) -> Doc:
    markup = path.read_bytes().decode("utf-8", "replace")
    metas = {}
    for meta in _META.finditer(markup):
        attrs = dict(_ATTR.findall(meta.group(1)))
        key = attrs.get("property") or attrs.get("name")
        if key and "content" in attrs:
            metas[key.lower()] = html.unescape(attrs["content"])
    title = metas.get("og:title") or html.unescape(
        (m.group(1) if (m := _TITLE.search(markup)) else "").strip()
    )
    body_markup = m.group(1) if (m := _BODY.search(markup)) else markup
    body = html.unescape(_TAG.sub(" ", _DROP.sub(" ", body_markup)))
    body = re.sub(r"[ \t]+", " ", body)
    published = metas.get("article:published_time", "")
    lang = (m.group(1) if (m := _LANG.search(markup)) else _lang_of(body))[:2]
    canonical = m.group(1) if (m := _CANONICAL.search(markup)) else ""
    return Doc(
        str(path), "article", title, body, _day(published) if published else _mtime_day(path),
        lang, metas.get("author", ""), _host(canonical),
    )  # fmt: skip


def read_pdf(path: Path) -> Doc:
    import pypdfium2
    from pypdf import PdfReader

    reader = PdfReader(path)
    document = pypdfium2.PdfDocument(path)
    try:
        pages = [document[n].get_textpage().get_text_range() for n in range(len(document))]
    finally:
        document.close()
    info = reader.metadata or {}
    created = info.get("/CreationDate", "")
    day = _pdf_day(created) if isinstance(created, str) else ""
    body = "\n\f\n".join(pages)
    title = str(info.get("/Title", "") or "")
    return Doc(str(path), "document", title, body, day or _mtime_day(path), _lang_of(body))


def _pdf_day(value: str) -> str:
    """The UTC day of a PDF date (D:20240301013000+05'00')."""
    m = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?([+-])?(\d{2})?'?(\d{2})?", value)
    if not m:
        return ""
    y, mo, d, h, mi, sec, sign, zh, zm = m.groups()
    when = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0))
    if sign:
        offset = timedelta(hours=int(zh or 0), minutes=int(zm or 0))
        when = when - offset if sign == "+" else when + offset
    return when.date().isoformat()


def read_png(path: Path) -> Doc:
    return Doc(str(path), "image", path.stem, "", _mtime_day(path))


def _post(path: str, text: str, created: str, lang: str, account: str, name: str,
          tags: list[str], mentions: list[str]) -> Doc:  # fmt: skip
    body = html.unescape(text)
    return Doc(path, "post", "", body, _day(created), lang, name, "x.com", account.lower(),
               [t.lower() for t in tags], [m.lower() for m in mentions])  # fmt: skip


def read_x_archive(path: Path) -> Iterator[Doc]:
    with zipfile.ZipFile(path) as zipped:
        names = zipped.namelist()

        def data(member: str) -> object:
            raw = zipped.read(member).decode("utf-8", "replace")
            return json.loads(raw[raw.index("=") + 1 :])

        account = data("data/account.js")[0]["account"]  # type: ignore[index]
        handle, name = account["username"], account.get("accountDisplayName", "")
        days: dict[str, str] = {}
        for record in data("data/tweets.js"):  # type: ignore[attr-defined]
            tweet = record["tweet"]
            created = datetime.strptime(tweet["created_at"], "%a %b %d %H:%M:%S %z %Y")
            days[tweet["id_str"]] = _day(created.isoformat())
            entities = tweet.get("entities", {})
            yield _post(
                f"{path}#{tweet['id_str']}", tweet["full_text"], created.isoformat(),
                tweet.get("lang", ""), handle, name,
                [h["text"] for h in entities.get("hashtags", [])],
                [m["screen_name"] for m in entities.get("user_mentions", [])],
            )  # fmt: skip
        for member in names:
            if member.startswith("data/tweets_media/") and not member.endswith("/"):
                # A post's picture (<post id>-<name>) is dated by its post.
                post_id = Path(member).name.split("-", 1)[0]
                yield Doc(f"{path}#{member}", "image", Path(member).stem, "",
                          days.get(post_id, ""), "", "", "", handle)  # fmt: skip


def read_twarc(path: Path) -> Iterator[Doc]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        page = json.loads(line)
        users = {u["id"]: u for u in page.get("includes", {}).get("users", [])}
        for tweet in page.get("data", []):
            user = users.get(tweet.get("author_id"), {})
            entities = tweet.get("entities", {})
            yield _post(
                f"{path}#{tweet['id']}", tweet["text"], tweet["created_at"],
                tweet.get("lang", ""), user.get("username", ""), user.get("name", ""),
                [h["tag"] for h in entities.get("hashtags", [])],
                [m["username"] for m in entities.get("mentions", [])],
            )  # fmt: skip


def read_corpus(root: Path) -> Iterator[Doc]:
    """Every document under `root`, in path order."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if suffix == ".txt":
            yield read_text(path)
        elif suffix in (".html", ".htm"):
            yield read_html(path)
        elif suffix == ".pdf":
            yield read_pdf(path)
        elif suffix == ".png":
            yield read_png(path)
        elif suffix == ".zip":
            yield from read_x_archive(path)
        elif suffix == ".jsonl":
            yield from read_twarc(path)


def read_archive_db(database: Path) -> Iterator[Doc]:
    """The documents of an xarchive archive, from its database (for `reindex`)."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        pages: dict[int, list[str]] = {}
        posts = {
            row[0]: row[1:]
            for row in conn.execute("SELECT item_id, account, hashtags, mentions FROM posts")
        }
        rows = conn.execute(
            "SELECT id, kind, title, original_path, language, author, source_url, "
            "coalesce(nullif(published_at, ''), captured_at) FROM items ORDER BY id"
        )
        page_rows = conn.execute("SELECT item_id, text FROM pages ORDER BY item_id, page_no")
        pending = next(page_rows, None)
        for item_id, kind, title, path, lang, author, url, when in rows:
            while pending is not None and pending[0] <= item_id:
                pages.setdefault(pending[0], []).append(pending[1] or "")
                pending = next(page_rows, None)
            account, tags, mentions = posts.get(item_id, ("", "[]", "[]"))
            yield Doc(str(path), kind, title or "", "\n\f\n".join(pages.pop(item_id, [])),
                      _day(when or ""), lang or "", author or "", _host(url or ""),
                      (account or "").lower(), json.loads(tags or "[]"),
                      json.loads(mentions or "[]"))  # fmt: skip
    finally:
        conn.close()


def read_index(index: Path) -> Iterator[Doc]:
    """The documents a reference index holds, as they were read (for bench/direct.py)."""
    conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        tags: dict[int, dict[str, list[str]]] = {}
        for doc, facet, value in conn.execute("SELECT doc, facet, value FROM doc_tags"):
            tags.setdefault(doc, {}).setdefault(facet, []).append(value)
        rows = conn.execute(
            "SELECT d.id, d.path, d.kind, d.title, f.body, d.day, d.lang, d.author, d.source, "
            "d.account FROM docs d JOIN fts f ON f.rowid = d.id ORDER BY d.id"
        )
        for doc_id, *fields in rows:
            found = tags.get(doc_id, {})
            yield Doc(*fields, found.get("hashtag", []), found.get("mention", []))
    finally:
        conn.close()


# -- the index -------------------------------------------------------------------------------

SCHEMA = f"""
CREATE TABLE docs (id INTEGER PRIMARY KEY, path TEXT, kind TEXT, title TEXT, day TEXT,
                   ym TEXT, lang TEXT, author TEXT, source TEXT, account TEXT);
CREATE TABLE doc_tags (doc INTEGER, facet TEXT, value TEXT);
CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = '{TOKENIZE}');
"""


def build(docs: Iterator[Doc], out: Path) -> int:
    """Write the index of `docs` to `out` (replaced); the number of documents."""
    out.unlink(missing_ok=True)
    conn = sqlite3.connect(out)
    conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
    count = 0
    with conn:
        for count, doc in enumerate(docs, 1):
            conn.execute(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (count, doc.path, doc.kind, doc.title, doc.day, doc.day[:7], doc.lang,
                 doc.author, doc.source, doc.account),
            )  # fmt: skip
            conn.execute("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                         (count, doc.title, doc.body))  # fmt: skip
            conn.executemany(
                "INSERT INTO doc_tags VALUES (?, ?, ?)",
                [(count, "hashtag", t) for t in doc.hashtags]
                + [(count, "mention", m) for m in doc.mentions],
            )
        conn.execute("CREATE INDEX doc_tags_doc ON doc_tags (doc)")
        conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    conn.close()
    return count


@dataclass(frozen=True)
class RefHit:
    doc: int
    title: str
    snippet: str


@dataclass(frozen=True)
class RefResults:
    total: int
    hits: tuple[RefHit, ...]
    facets: dict[str, list[tuple[str, int]]]


class RefSearcher:
    """Searches one reference index; the connection stays open, like xarchive's Searcher."""

    def __init__(self, index: Path) -> None:
        self.conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
        self.conn.execute("CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY)")
        self._vocab: set[str] | None = None

    def _fill(self, match: str | None, where: str | None) -> None:
        conn = self.conn
        conn.execute("DELETE FROM hits")
        condition = f" AND {where}" if where else ""
        if match:
            conn.execute(
                "INSERT INTO hits SELECT fts.rowid FROM fts JOIN docs d ON d.id = fts.rowid "
                f"WHERE fts MATCH ?{condition}",
                (match,),
            )
        else:
            conn.execute(f"INSERT INTO hits SELECT d.id FROM docs d WHERE 1{condition}")

    def search(self, match: str | None, where: str | None = None, limit: int = 20) -> RefResults:
        """`match` an FTS5 expression (None: every document), `where` SQL on `docs d`."""
        self._fill(match, where)
        conn = self.conn
        total = conn.execute("SELECT count(*) FROM hits").fetchone()[0]
        if match:
            rows = conn.execute(
                "SELECT fts.rowid, d.title, snippet(fts, 1, '[', ']', '…', 24) FROM fts "
                "JOIN hits h ON h.id = fts.rowid JOIN docs d ON d.id = fts.rowid "
                "WHERE fts MATCH ? ORDER BY rank LIMIT ?",
                (match, limit),
            ).fetchall()
        else:
            rows = conn.execute(
                "SELECT d.id, d.title, substr(f.body, 1, 240) FROM hits h "
                "JOIN docs d ON d.id = h.id JOIN fts f ON f.rowid = h.id "
                "ORDER BY d.day DESC, d.id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        facets = {}
        for name in FACETS:
            facets[name] = conn.execute(
                f"SELECT d.{name}, count(*) AS n FROM hits h JOIN docs d ON d.id = h.id "
                f"WHERE d.{name} != '' GROUP BY d.{name} ORDER BY n DESC LIMIT 50"
            ).fetchall()
        for name in TAG_FACETS:
            facets[name] = conn.execute(
                "SELECT t.value, count(*) AS n FROM hits h JOIN doc_tags t ON t.doc = h.id "
                "WHERE t.facet = ? GROUP BY t.value ORDER BY n DESC LIMIT 50",
                (name,),
            ).fetchall()
        return RefResults(total, tuple(RefHit(*r) for r in rows), facets)

    def day_counts(self, match: str | None, where: str | None = None) -> dict[str, int]:
        self._fill(match, where)
        return dict(
            self.conn.execute(
                "SELECT d.day, count(*) FROM hits h JOIN docs d ON d.id = h.id "
                "WHERE d.day != '' GROUP BY d.day"
            ).fetchall()
        )

    def fuzzy(self, word: str) -> str:
        """An FTS5 expression for the indexed words one edit from `word`'s stem, the
        first letter kept (what Whoosh's `word~` finds among its stemmed terms)."""
        conn = self.conn
        if self._vocab is None:
            conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'fts', 'row')")
            conn.execute(f"CREATE VIRTUAL TABLE temp.probe USING fts5(t, tokenize = '{TOKENIZE}')")
            conn.execute(
                "CREATE VIRTUAL TABLE temp.probe_vocab USING fts5vocab(temp, 'probe', 'row')"
            )
            self._vocab = {row[0] for row in conn.execute("SELECT term FROM temp.vocab")}
        conn.execute("DELETE FROM temp.probe")
        conn.execute("INSERT INTO temp.probe (t) VALUES (?)", (word,))
        stem = conn.execute("SELECT term FROM temp.probe_vocab").fetchone()[0]
        letters = "abcdefghijklmnopqrstuvwxyz"
        head, tail = stem[:1], stem[1:]
        splits = [(tail[:i], tail[i:]) for i in range(len(tail) + 1)]
        edits = {a + b[1:] for a, b in splits if b}
        edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
        edits |= {a + c + b for a, b in splits for c in letters}
        found = sorted({head + e for e in edits} & self._vocab)
        return " OR ".join(f'"{t}"' for t in found) or f'"{stem}"'

    def close(self) -> None:
        self.conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("index", help="index the files of a corpus")
    p.add_argument("corpus", type=Path)
    p.add_argument("out", type=Path)
    p = sub.add_parser("reindex", help="index an archive's items from its database")
    p.add_argument("archive", type=Path)
    p.add_argument("out", type=Path)
    p = sub.add_parser("search", help="search an index: total, first page, facets")
    p.add_argument("index", type=Path)
    p.add_argument("match", nargs="?")
    p.add_argument("--where")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.command == "index":
        count = build(read_corpus(args.corpus), args.out)
        print(f"{count} documents in {time.perf_counter() - started:.2f} s")
    elif args.command == "reindex":
        count = build(read_archive_db(args.archive / "archive.sqlite"), args.out)
        print(f"{count} documents in {time.perf_counter() - started:.2f} s")
    else:
        searcher = RefSearcher(args.index)
        results = searcher.search(args.match, args.where)
        json.dump(
            {"total": results.total, "hits": [h.__dict__ for h in results.hits],
             "facets": results.facets}, sys.stdout, ensure_ascii=False, indent=1,
        )  # fmt: skip
        print()
        searcher.close()


if __name__ == "__main__":
    main()
