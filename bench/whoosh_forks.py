#!/usr/bin/env python3
"""Compare Whoosh distributions (whoosh, whoosh-reloaded, whoosh-ng, whoosh3).

Two modes:

* single (default): benchmark whatever ``whoosh`` is importable in *this*
  interpreter and print its figures::

      python bench/whoosh_forks.py --docs 20000
      python bench/whoosh_forks.py --docs 5000 --repeat 3 --json out.json

  It runs (1) import checks in fresh subprocesses (``-W error::SyntaxWarning``
  and ``-W default``, with a private ``pycache_prefix`` so pip's precompiled
  ``.pyc`` files cannot hide compile-time warnings) plus a compile of every
  module of the ``whoosh`` package, (2) a smoke test of the API xarchive uses,
  (3) an indexing + query-latency benchmark on a deterministic synthetic
  corpus (fresh index per repeat; median over repeats is reported).

* driver: create one venv per candidate x Python under /tmp (or reuse them),
  run this script inside each one, interleaving the candidates round by round
  so machine noise is spread evenly, and print a Markdown table of medians::

      python bench/whoosh_forks.py --driver --docs 5000 --rounds 2 \\
          --pythons 3.11 3.12 3.13 --venv-root /tmp/whoosh-forks \\
          --json /tmp/whoosh-forks/results.json

  Equivalent shell loop (what the driver does)::

      for py in 3.11 3.12 3.13; do for pkg in whoosh whoosh-reloaded whoosh-ng whoosh3; do
        python$py -m venv /tmp/whoosh-forks/$pkg-py$py
        /tmp/whoosh-forks/$pkg-py$py/bin/pip install -q $pkg
        /tmp/whoosh-forks/$pkg-py$py/bin/python bench/whoosh_forks.py --docs 5000
      done; done

  The default driver run (12 venvs x 2 rounds x 5000 docs) takes ~11 min on a
  2-core machine; 20000 docs for one Python (4 venvs x 2 rounds) takes ~24 min.
  ``--docs 0`` runs only the import checks and the smoke test (seconds).
  Results and the choice made from them: docs/whoosh-choice.md.

Only the standard library (plus the installed Whoosh) is needed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata
import warnings
from pathlib import Path

CANDIDATES = ["whoosh", "whoosh-reloaded", "whoosh-ng", "whoosh3"]
IMPORT_LINE = "import whoosh, whoosh.index, whoosh.qparser, whoosh.highlight, whoosh.sorting"

URDU_WORDS = [
    "پاکستان",
    "ٹوئٹر",
    "حکومت",
    "عدالت",
    "صحافی",
    "آزادی",
    "اظہار",
    "پابندی",
    "انٹرنیٹ",
    "سنسرشپ",
    "گرفتاری",
    "احتجاج",
    "انسانی",
    "حقوق",
    "اخبار",
    "رپورٹ",
]
TAGS = [
    "censorship",
    "internet-shutdown",
    "arrest",
    "journalist",
    "court",
    "protest",
    "blasphemy",
    "twitter",
    "youtube",
    "election",
    "police",
    "torture",
    "disappearance",
    "press",
    "blocking",
    "surveillance",
    "Legal",
    "NGO",
    "women",
    "minorities",
    "students",
    "tv",
    "radio",
    "pemra",
    "pta",
    "fia",
    "peca",
    "sedition",
    "defamation",
    "Appeal",
]
BASE_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "was",
    "with",
    "as",
    "by",
    "it",
    "at",
    "from",
    "be",
    "this",
    "are",
    "an",
    "government",
    "court",
    "journalist",
    "arrested",
    "blocked",
    "internet",
    "shutdown",
    "protest",
    "police",
    "freedom",
    "expression",
    "speech",
    "press",
    "media",
    "channel",
    "newspaper",
    "report",
    "human",
    "rights",
    "censorship",
    "platform",
    "twitter",
    "account",
    "suspended",
    "order",
    "judge",
    "hearing",
    "petition",
    "law",
    "section",
    "act",
    "cyber",
    "crime",
    "agency",
    "investigation",
    "detained",
    "released",
    "bail",
    "charges",
    "complaint",
    "statement",
    "minister",
    "authority",
    "regulator",
    "broadcast",
    "license",
    "ban",
    "banned",
    "blocking",
    "website",
    "content",
    "removal",
    "request",
    "social",
    "network",
    "video",
    "posted",
    "published",
    "editor",
    "reporter",
    "television",
    "radio",
    "station",
    "airwaves",
    "election",
    "campaign",
    "opposition",
    "party",
    "leader",
    "rally",
    "violence",
    "threat",
    "attack",
    "killed",
    "missing",
    "disappeared",
    "family",
    "lawyer",
    "appeal",
    "supreme",
    "high",
    "district",
    "session",
    "tribunal",
    "commission",
    "inquiry",
]


# --------------------------------------------------------------------------
# Analyzer pieces (module level so the schema pickles by reference)
# --------------------------------------------------------------------------


def _whoosh_filter_base():
    from whoosh.analysis import Filter

    return Filter


def make_filter_class():
    """Create the custom Filter subclass once Whoosh is importable."""
    Filter = _whoosh_filter_base()

    class ArabicScriptNormalizeFilter(Filter):
        """Custom filter: NFKC, unify Arabic/Urdu letter variants, drop 1-char tokens."""

        MAP = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ە": "ہ", "\u0640": ""})

        def __eq__(self, other):
            return type(self) is type(other)

        def __call__(self, tokens):
            for t in tokens:
                text = unicodedata.normalize("NFKC", t.text).translate(self.MAP)
                if len(text) < 2:
                    continue
                t.text = text
                yield t

    ArabicScriptNormalizeFilter.__module__ = __name__
    ArabicScriptNormalizeFilter.__qualname__ = "ArabicScriptNormalizeFilter"
    globals()["ArabicScriptNormalizeFilter"] = ArabicScriptNormalizeFilter
    return ArabicScriptNormalizeFilter


def make_analyzer():
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter

    flt = globals().get("ArabicScriptNormalizeFilter") or make_filter_class()
    return RegexTokenizer(r"\w+(\.?\w+)*") | LowercaseFilter() | flt() | StemFilter()


def make_schema():
    from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

    ana = make_analyzer()
    return Schema(
        docid=NUMERIC(int, bits=64, stored=True, unique=True),
        path=ID(stored=True),
        title=TEXT(analyzer=ana, stored=True),
        content=TEXT(analyzer=ana),
        tags=KEYWORD(commas=True, lowercase=True, stored=True, scorable=True),
        lang=ID(stored=True),
        date=DATETIME(sortable=True, stored=True),
    )


def make_parser(fields, schema):
    from whoosh.qparser import (
        FuzzyTermPlugin,
        GtLtPlugin,
        MultifieldParser,
        QueryParser,
        WildcardPlugin,
    )
    from whoosh.qparser.dateparse import DateParserPlugin

    if isinstance(fields, str):
        qp = QueryParser(fields, schema)
    else:
        qp = MultifieldParser(fields, schema)
    qp.remove_plugin_class(WildcardPlugin)
    qp.add_plugin(WildcardPlugin())
    qp.add_plugin(FuzzyTermPlugin())
    qp.add_plugin(DateParserPlugin())
    qp.add_plugin(GtLtPlugin())
    return qp


# --------------------------------------------------------------------------
# Environment / import checks
# --------------------------------------------------------------------------


def dist_info():
    import importlib.metadata as md

    import whoosh

    dists = md.packages_distributions().get("whoosh", [])
    name = dists[0] if dists else "?"
    try:
        version = md.version(name)
    except Exception:  # pragma: no cover
        version = "?"
    try:
        classifiers = [
            c.split("::")[-1].strip()
            for c in md.metadata(name).get_all("Classifier") or []
            if c.startswith("Programming Language :: Python :: 3.")
        ]
        requires_python = md.metadata(name).get("Requires-Python")
        requires = md.requires(name) or []
    except Exception:  # pragma: no cover
        classifiers, requires_python, requires = [], None, []
    return {
        "dist": name,
        "dist_version": version,
        "whoosh_versionstring": whoosh.versionstring(),
        "import_name": "whoosh",
        "package_dir": str(Path(whoosh.__file__).parent),
        "python": platform.python_version(),
        "py_classifiers": classifiers,
        "requires_python": requires_python,
        "requires": [r for r in requires if "extra ==" not in r],
    }


def import_checks(pkgdir):
    out = {}
    with tempfile.TemporaryDirectory(prefix="wf-pyc-") as pyc:
        for label, wflag in (
            ("error_syntaxwarning", "error::SyntaxWarning"),
            ("default", "default"),
        ):
            pyc_dir = os.path.join(pyc, label)
            cmd = [
                sys.executable,
                "-X",
                f"pycache_prefix={pyc_dir}",
                "-W",
                wflag,
                "-c",
                IMPORT_LINE,
            ]
            p = subprocess.run(cmd, capture_output=True, text=True)
            lines = [ln for ln in p.stderr.splitlines() if "Warning" in ln or "Error" in ln]
            out[label] = {
                "rc": p.returncode,
                "warning_lines": lines[:20],
                "n_warning_lines": len(lines),
            }
    # compile every module of the package (imported or not)
    comp = []
    for f in sorted(Path(pkgdir).rglob("*.py")):
        src = f.read_bytes()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                compile(src, str(f), "exec", dont_inherit=True)
            except SyntaxError as e:
                comp.append(f"{f.relative_to(pkgdir)}: SyntaxError {e.msg}")
        for x in w:
            comp.append(f"{f.relative_to(pkgdir)}:{x.lineno}: {x.category.__name__}: {x.message}")
    out["compile_all_modules"] = {"n": len(comp), "first": comp[:5]}
    return out


# --------------------------------------------------------------------------
# Smoke test
# --------------------------------------------------------------------------

SMOKE_DOCS = [
    # docid, title, content, tags, lang, date
    (
        1,
        "Twitter blocked in Pakistan",
        "The authority blocked Twitter nationwide during the "
        "protests; journalists reported the censorship order.",
        "Twitter, Censorship,blocking",
        "en",
        dt.datetime(2024, 2, 17, 10, 0),
    ),
    (
        2,
        "Court hearing on internet shutdown",
        "The high court heard a petition against the "
        "internet shutdown. Lawyers argued the shutdown violated freedom of expression.",
        "court,internet-shutdown",
        "en",
        dt.datetime(2024, 3, 5, 9, 30),
    ),
    (
        3,
        "ٹوئٹر پر پابندی",
        "حکومت نے پاکستان میں ٹوئٹر پر پابندی لگا دی۔ عدالت میں درخواست دائر",
        "twitter,censorship",
        "ur",
        dt.datetime(2024, 4, 29, 18, 0),
    ),
    (
        4,
        "Journalist arrested",
        "A journalist was arrested by the cyber crime agency over "
        "posts criticising the government.",
        "arrest,journalist",
        "en",
        dt.datetime(2024, 5, 20, 8, 0),
    ),
    (
        5,
        "Old censorship case",
        "Newspaper editors complained about censoring and banned editions.",
        "censorship,press",
        "en",
        dt.datetime(2023, 12, 31, 23, 0),
    ),
]


def run_smoke(workdir):
    """Return (results dict name->"ok"/"FAIL: ...", warnings list)."""
    from whoosh import index
    from whoosh.highlight import ContextFragmenter
    from whoosh.sorting import FieldFacet

    res = {}
    texts = {d[0]: d[2] for d in SMOKE_DOCS}

    def check(name, fn):
        try:
            r = fn()
            res[name] = "ok" if r is None or r is True else f"FAIL: {r}"
        except Exception as e:  # noqa: BLE001
            tb = traceback.extract_tb(e.__traceback__)[-1]
            res[name] = f"FAIL: {type(e).__name__}: {e} ({Path(tb.filename).name}:{tb.lineno})"

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        state = {}

        def build():
            ixdir = os.path.join(workdir, "smoke")
            os.makedirs(ixdir)
            ix = index.create_in(ixdir, make_schema())
            w = ix.writer(limitmb=256)
            for docid, title, content, tags, lang, date in SMOKE_DOCS:
                w.add_document(
                    docid=docid,
                    path=f"/case/{docid}",
                    title=title,
                    content=content,
                    tags=tags,
                    lang=lang,
                    date=date,
                )
            w.commit()
            state["ix"] = index.open_dir(ixdir)
            state["dir"] = ixdir

        check("create_in+writer(limitmb=256)+add_document", build)
        if "ix" not in state:
            return res, [str(x.message) for x in caught]
        ix = state["ix"]

        def update():
            w = ix.writer(limitmb=256)
            new = "Twitter was blocked again; the regulator confirmed the censorship order."
            w.update_document(
                docid=1,
                path="/case/1",
                title="Twitter blocked in Pakistan (update)",
                content=new,
                tags="twitter,censorship,blocking",
                lang="en",
                date=dt.datetime(2024, 2, 18, 10, 0),
            )
            w.commit()
            texts[1] = new
            ix2 = index.open_dir(state["dir"])
            state["ix"] = ix2
            with ix2.searcher() as s:
                n = s.doc_count()
                docs = list(s.documents(docid=1))
                if n != 5:
                    return f"doc_count={n} after update_document, want 5"
                if len(docs) != 1 or "(update)" not in docs[0]["title"]:
                    return f"documents(docid=1) -> {docs!r}"

        check("update_document(unique NUMERIC)", update)
        ix = state["ix"]
        schema = ix.schema

        def q_count(qs, fields="content", want=None, **kw):
            qp = make_parser(fields, schema)
            q = qp.parse(qs)
            with ix.searcher() as s:
                r = s.search(q, limit=None, **kw)
                got = sorted(h["docid"] for h in r)
            if want is not None and got != sorted(want):
                return f"{qs!r} parsed as {q!r} -> {got}, want {sorted(want)}"
            return None

        check("QueryParser word+stemming", lambda: q_count("block", want=[1]))
        check("QueryParser Urdu word", lambda: q_count("ٹوئٹر", want=[3]))
        check("QueryParser phrase", lambda: q_count('"internet shutdown"', want=[2]))
        check("QueryParser boolean", lambda: q_count("journalist AND NOT twitter", want=[4]))
        check("WildcardPlugin prefix", lambda: q_count("cens*", want=[1, 5]))
        check("FuzzyTermPlugin", lambda: q_count("journalst~", want=[4]))
        check(
            "MultifieldParser",
            lambda: q_count("pakistan OR پاکستان", fields=["title", "content"], want=[1, 3]),
        )
        check("KEYWORD commas+lowercase", lambda: q_count("tags:twitter", want=[1, 3]))
        check(
            "DATETIME range date:[20240201 to 20240430]",
            lambda: q_count("date:[20240201 to 20240430]", want=[1, 2, 3]),
        )
        check("DATETIME DateParserPlugin single date", lambda: q_count("date:20240305", want=[2]))
        check("GtLtPlugin date:>20240401", lambda: q_count("date:>20240401", want=[3, 4]))
        check("GtLtPlugin docid:>=4 (NUMERIC)", lambda: q_count("docid:>=4", want=[4, 5]))
        check(
            "GtLtPlugin open lower bound date:<20240301",
            lambda: q_count("date:<20240301", want=[1, 5]),
        )
        check("NUMERIC open lower bound docid:<3", lambda: q_count("docid:<3", want=[1, 2]))

        def faceted():
            qp = make_parser(["title", "content"], schema)
            q = qp.parse("censorship OR twitter OR court OR journalist OR ٹوئٹر")
            with ix.searcher() as s:
                r = s.search(
                    q,
                    limit=3,
                    groupedby={
                        "tags": FieldFacet("tags", allow_overlap=True),
                        "lang": FieldFacet("lang"),
                    },
                    sortedby=FieldFacet("date", reverse=True),
                )
                tags = {k: len(v) for k, v in r.groups("tags").items()}
                langs = {k: len(v) for k, v in r.groups("lang").items()}
                order = [h["docid"] for h in r]
                total = len(r)
            problems = []
            if order != [4, 3, 2]:
                problems.append(f"sortedby date reverse + limit=3 -> {order}, want [4, 3, 2]")
            if total != 5:
                problems.append(f"len(results)={total}, want 5")
            if tags.get("censorship") != 3 or tags.get("twitter") != 2:
                problems.append(f"tag groups {tags}")
            if langs != {"en": 4, "ur": 1}:
                problems.append(f"lang groups {langs}")
            return "; ".join(problems) or None

        check("groupedby(FieldFacet allow_overlap)+sortedby DATETIME reverse+limit", faceted)

        def highlight():
            qp = make_parser("content", schema)
            q = qp.parse("shutdown OR censorship OR پابندی")
            out = {}
            with ix.searcher() as s:
                r = s.search(q, limit=10)
                r.fragmenter = ContextFragmenter(maxchars=120, surround=30)
                for h in r:
                    out[h["docid"]] = h.highlights("content", text=texts[h["docid"]], top=2)
            if "shutdown" not in out.get(2, "").lower() or "<b" not in out.get(2, ""):
                return f"doc 2 highlight {out.get(2)!r}"
            if "پابندی" not in out.get(3, ""):
                return f"doc 3 (Urdu) highlight {out.get(3)!r}"
            return None

        check("hit.highlights(text=...)+ContextFragmenter", highlight)

        def stored_and_delete():
            w = ix.writer()
            w.delete_by_term("path", "/case/5")
            w.commit()
            ix3 = index.open_dir(state["dir"])
            with ix3.searcher() as s:
                if s.doc_count() != 4:
                    return f"doc_count {s.doc_count()} after delete_by_term"
                d = s.document(docid=2)
                if not isinstance(d["date"], dt.datetime) or d["tags"] != "court,internet-shutdown":
                    return f"stored fields {d!r}"
            return None

        check("delete_by_term+stored DATETIME/KEYWORD", stored_and_delete)

        def phrase_larger_index():
            # 200 docs x 300 words in one segment: enough for multi-block postings
            rnd = random.Random(5)
            words = [f"w{i}" for i in range(50)]
            pdir = os.path.join(workdir, "phrase")
            os.makedirs(pdir)
            pix = index.create_in(pdir, make_schema())
            w = pix.writer(limitmb=256)
            docs = []
            for i in range(200):
                t = " ".join(rnd.choices(words, k=300))
                docs.append(t)
                w.add_document(docid=i, content=t)
            w.commit()
            qp = make_parser("content", pix.schema)
            with pix.searcher() as s:
                for _ in range(10):
                    a, b = rnd.sample(words, 2)
                    want = sorted(i for i, t in enumerate(docs) if f" {a} {b} " in f" {t} ")
                    got = sorted(h["docid"] for h in s.search(qp.parse(f'"{a} {b}"'), limit=None))
                    if got != want:
                        return f'"{a} {b}" -> {len(got)} hits, want {len(want)}'
            return None

        check("phrase query on 200x300-word index vs brute force", phrase_larger_index)

    ws = sorted(
        {f"{x.category.__name__}: {x.message} ({Path(x.filename).name}:{x.lineno})" for x in caught}
    )
    return res, ws


# --------------------------------------------------------------------------
# Benchmark
# --------------------------------------------------------------------------


def make_vocab():
    rnd = random.Random(1)
    syl = [
        "ka",
        "ri",
        "to",
        "men",
        "sa",
        "lo",
        "ver",
        "dan",
        "ti",
        "mor",
        "el",
        "ust",
        "pra",
        "qui",
        "zen",
        "hal",
        "bor",
        "nic",
        "tes",
        "gro",
    ]
    words = list(BASE_WORDS)
    seen = set(words)
    while len(words) < 5000:
        w = "".join(rnd.choice(syl) for _ in range(rnd.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def make_corpus(n_docs, words_per_doc=300):
    random.seed(1)
    vocab = make_vocab()
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(vocab))]  # Zipf-like
    base = dt.datetime(2020, 1, 1)
    docs = []
    for i in range(n_docs):
        n = random.randint(words_per_doc - 50, words_per_doc + 50)
        ws = random.choices(vocab, weights=weights, k=n)
        urdu = random.random() < 0.10
        if urdu:
            for _ in range(random.randint(5, 30)):
                ws.insert(random.randrange(len(ws)), random.choice(URDU_WORDS))
        content = " ".join(ws)
        title = " ".join(random.choices(vocab[:400], k=random.randint(3, 8)))
        tags = ",".join(random.sample(TAGS, random.randint(1, 3)))
        date = base + dt.timedelta(minutes=random.randrange(6 * 365 * 24 * 60))
        docs.append(
            {
                "docid": i,
                "path": f"/archive/{i:06d}.html",
                "title": title,
                "content": content,
                "tags": tags,
                "lang": "ur" if urdu else "en",
                "date": date,
            }
        )
    return docs, vocab


def make_queries(vocab, n):
    rnd = random.Random(2)
    common, mid = vocab[20:150], vocab[150:1500]
    q = {"word": [], "phrase": [], "boolean": [], "prefix": [], "faceted": [], "urdu": []}
    for _ in range(n):
        q["word"].append(rnd.choice(mid))
        q["phrase"].append(f'"{rnd.choice(common)} {rnd.choice(common)}"')
        q["boolean"].append(
            f"({rnd.choice(mid)} OR {rnd.choice(mid)}) AND {rnd.choice(common)} "
            f"AND NOT {rnd.choice(mid)}"
        )
        q["prefix"].append(rnd.choice(mid)[:4] + "*")
        y = rnd.randint(2020, 2025)
        q["faceted"].append(f"{rnd.choice(mid)} date:[{y}0101 to {y}0630]")
        q["urdu"].append(rnd.choice(URDU_WORDS))
    return q


def dir_size(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def bench_once(workdir, docs, queries, batch):
    from whoosh import index
    from whoosh.sorting import FieldFacet

    ixdir = os.path.join(workdir, "bench")
    shutil.rmtree(ixdir, ignore_errors=True)
    os.makedirs(ixdir)
    ix = index.create_in(ixdir, make_schema())
    t0 = time.perf_counter()
    for start in range(0, len(docs), batch):
        w = ix.writer(limitmb=256)
        for d in docs[start : start + batch]:
            w.add_document(**d)
        w.commit()
    t_index = time.perf_counter() - t0
    size = dir_size(ixdir)
    with ix.reader() as rd:
        nseg = len(list(rd.leaf_readers())) if hasattr(rd, "leaf_readers") else None

    ix = index.open_dir(ixdir)
    qp = make_parser(["title", "content"], ix.schema)
    lat, hits, errors, all_times = {}, {}, {}, []
    with ix.searcher() as s:
        for kind, qs in queries.items():
            times, total = [], 0
            for qstr in qs:
                t = time.perf_counter()
                try:
                    q = qp.parse(qstr)
                    if kind == "faceted":
                        r = s.search(
                            q,
                            limit=20,
                            groupedby={
                                "tags": FieldFacet("tags", allow_overlap=True),
                                "lang": FieldFacet("lang"),
                            },
                            sortedby=FieldFacet("date", reverse=True),
                        )
                        r.groups("tags")
                    else:
                        r = s.search(q, limit=20)
                    for h in r:
                        h["path"]
                    n = len(r)
                except Exception as e:  # noqa: BLE001 - record, keep measuring
                    errors.setdefault(kind, []).append(f"{qstr}: {type(e).__name__}: {e}")
                    continue
                times.append((time.perf_counter() - t) * 1000)
                total += n
            lat[kind] = statistics.median(times) if times else float("nan")
            all_times += times
            hits[kind] = total
    all_med = statistics.median(all_times)  # median over every successful query
    return {
        "index_s": t_index,
        "docs_per_s": len(docs) / t_index,
        "size_mb": size / 2**20,
        "segments": nseg,
        "query_ms": lat,
        "query_ms_median": all_med,
        "hits": hits,
        "query_errors": {k: len(v) for k, v in errors.items()},
        "query_error_examples": {k: v[:2] for k, v in errors.items()},
    }


def run_single(args):
    info = dist_info()
    out = {"info": info}
    print(
        f"# {info['dist']} {info['dist_version']} (whoosh {info['whoosh_versionstring']}) "
        f"on Python {info['python']}",
        flush=True,
    )
    work = tempfile.mkdtemp(prefix="wf-", dir=args.tmp)
    try:
        if not args.no_checks:
            out["imports"] = import_checks(info["package_dir"])
            for k in ("error_syntaxwarning", "default"):
                v = out["imports"][k]
                print(f"import -W {k}: rc={v['rc']} warning lines={v['n_warning_lines']}")
                for ln in v["warning_lines"][:3]:
                    print("   ", ln.strip())
            c = out["imports"]["compile_all_modules"]
            print(f"compile all modules: {c['n']} warnings")
            smoke, ws = run_smoke(work)
            out["smoke"], out["smoke_warnings"] = smoke, ws
            nfail = sum(1 for v in smoke.values() if v != "ok")
            print(f"smoke: {len(smoke) - nfail}/{len(smoke)} ok")
            for k, v in smoke.items():
                if v != "ok":
                    print(f"   {k}: {v}")
            for w in ws:
                print(f"   warning: {w}")
        if args.docs > 0:
            t = time.perf_counter()
            docs, vocab = make_corpus(args.docs)
            queries = make_queries(vocab, args.queries)
            print(
                f"corpus: {len(docs)} docs, {sum(len(d['content'].split()) for d in docs)} "
                f"words, generated in {time.perf_counter() - t:.1f}s",
                flush=True,
            )
            runs = []
            for i in range(args.repeat):
                r = bench_once(work, docs, queries, args.batch)
                runs.append(r)
                print(
                    f"run {i + 1}: index {r['index_s']:.1f}s ({r['docs_per_s']:.0f} docs/s), "
                    f"{r['size_mb']:.1f} MiB, query ms "
                    + " ".join(f"{k}={v:.2f}" for k, v in r["query_ms"].items()),
                    flush=True,
                )
                for k, v in r["query_error_examples"].items():
                    print(
                        f"   {r['query_errors'][k]}/{args.queries} {k} queries FAILED, e.g. {v[0]}"
                    )
            out["runs"] = runs
            out["hits_digest"] = hashlib.sha1(
                json.dumps(runs[0]["hits"], sort_keys=True).encode()
            ).hexdigest()[:10]
            med = summarize(runs)
            out["median"] = med
            print(
                f"median of {len(runs)}: {med['docs_per_s']:.0f} docs/s, "
                f"{med['index_s']:.1f}s, {med['size_mb']:.1f} MiB, "
                f"query median {med['query_ms_median']:.2f} ms "
                f"(hits digest {out['hits_digest']})"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=str))
    return out


def summarize(runs):
    med = {
        k: statistics.median(r[k] for r in runs)
        for k in ("index_s", "docs_per_s", "size_mb", "query_ms_median")
    }
    med["query_ms"] = {
        k: statistics.median(r["query_ms"][k] for r in runs) for k in runs[0]["query_ms"]
    }
    return med


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def find_python(ver):
    for cand in (
        shutil.which(f"python{ver}"),
        *sorted(Path.home().glob(f".pyenv/versions/{ver}.*/bin/python{ver}")),
    ):
        if cand and subprocess.run([str(cand), "-c", "pass"], capture_output=True).returncode == 0:
            return str(cand)
    return None


def run_driver(args):
    root = Path(args.venv_root)
    root.mkdir(parents=True, exist_ok=True)
    envs = []
    for pyver in args.pythons:
        py = find_python(pyver)
        for pkg in args.candidates:
            name = f"{pkg}-py{pyver}"
            venv = root / name
            rec = {
                "name": name,
                "pkg": pkg,
                "py": pyver,
                "venv": str(venv),
                "queries_per_type": args.queries,
            }
            envs.append(rec)
            if py is None:
                rec["install"] = f"no python{pyver}"
                continue
            if not (venv / "bin" / "python").exists():
                subprocess.run([py, "-m", "venv", str(venv)], check=True)
            p = subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", pkg], capture_output=True, text=True
            )
            rec["install"] = "ok" if p.returncode == 0 else f"FAIL rc={p.returncode}"
            print(f"[install] {name}: {rec['install']}", flush=True)
    me = str(Path(__file__).resolve())
    for rnd in range(args.rounds):
        for rec in envs:
            if rec["install"] != "ok":
                continue
            js = root / f"{rec['name']}.round{rnd}.json"
            cmd = [
                str(Path(rec["venv"]) / "bin" / "python"),
                me,
                "--docs",
                str(args.docs),
                "--queries",
                str(args.queries),
                "--batch",
                str(args.batch),
                "--repeat",
                "1",
                "--json",
                str(js),
            ]
            if rnd > 0:
                cmd.append("--no-checks")
            print(f"\n[round {rnd + 1}/{args.rounds}] {rec['name']}", flush=True)
            p = subprocess.run(cmd, text=True)
            if p.returncode != 0:
                rec.setdefault("errors", []).append(f"round {rnd}: rc={p.returncode}")
                continue
            data = json.loads(js.read_text())
            if rnd == 0:
                rec["first"] = data
            rec.setdefault("runs", []).extend(data.get("runs", []))
    for rec in envs:
        if rec.get("runs"):
            rec["median"] = summarize(rec["runs"])
    print_table(envs)
    if args.json:
        Path(args.json).write_text(json.dumps(envs, indent=1, default=str))


def print_table(envs):
    print(
        "\n| candidate | py | installs | import -W error::SyntaxWarning | warnings (-W default) "
        "| smoke | docs/s | index s | MiB | query ms (median, all) | word | phrase | bool "
        "| prefix | faceted | urdu | failed queries | hits digest |"
    )
    print("|" + "---|" * 18)
    for r in envs:
        f = r.get("first", {})
        imp = f.get("imports", {})
        e = imp.get("error_syntaxwarning", {})
        d = imp.get("default", {})
        smoke = f.get("smoke", {})
        nf = sum(1 for v in smoke.values() if v != "ok")
        sm = f"{len(smoke) - nf}/{len(smoke)}" if smoke else "-"
        m = r.get("median")
        cells = [
            r["pkg"],
            r["py"],
            r.get("install", "-"),
            ("ok" if e.get("rc") == 0 else f"FAIL rc={e.get('rc')}") if e else "-",
            str(d.get("n_warning_lines", "-")),
            sm,
        ]
        if m:
            cells += [
                f"{m['docs_per_s']:.0f}",
                f"{m['index_s']:.1f}",
                f"{m['size_mb']:.1f}",
                f"{m['query_ms_median']:.2f}",
            ]
            cells += [
                f"{m['query_ms'][k]:.2f}"
                for k in ("word", "phrase", "boolean", "prefix", "faceted", "urdu")
            ]
            errs = {}
            for x in r["runs"]:
                for k, v in x.get("query_errors", {}).items():
                    errs[k] = errs.get(k, 0) + v
            nq = len(r["runs"]) * r.get("queries_per_type", 0)
            cells.append(", ".join(f"{k} {v}/{nq}" for k, v in errs.items()) or "0")
            cells.append(f.get("hits_digest", "-"))
        else:
            cells += ["-"] * 12
        print("| " + " | ".join(cells) + " |")
    for r in envs:
        f = r.get("first", {})
        bad = {k: v for k, v in f.get("smoke", {}).items() if v != "ok"}
        if (
            bad
            or f.get("smoke_warnings")
            or r.get("errors")
            or f.get("imports", {}).get("compile_all_modules", {}).get("n")
        ):
            print(f"\n{r['name']}:")
            for k, v in bad.items():
                print(f"  smoke {k}: {v}")
            for w in f.get("smoke_warnings", []):
                print(f"  runtime warning: {w}")
            c = f.get("imports", {}).get("compile_all_modules", {})
            if c.get("n"):
                print(f"  compile-time warnings in whoosh/*.py: {c['n']}, e.g. {c['first'][:2]}")
            for e in r.get("errors", []):
                print(f"  error: {e}")
        for x in r.get("runs", [])[:1]:
            for k, v in x.get("query_error_examples", {}).items():
                print(f"\n{r['name']}: {x['query_errors'][k]} {k} queries failed, e.g. {v[0]}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=5000, help="synthetic documents (0 = skip bench)")
    ap.add_argument(
        "--queries",
        type=int,
        default=40,
        help="queries per query type (6 types: word, phrase, boolean, prefix, faceted, urdu)",
    )
    ap.add_argument("--batch", type=int, default=1000, help="docs per writer commit")
    ap.add_argument("--repeat", type=int, default=2, help="benchmark repeats (single mode)")
    ap.add_argument("--no-checks", action="store_true", help="skip import checks + smoke test")
    ap.add_argument("--json", help="write results as JSON here")
    ap.add_argument("--tmp", default=None, help="scratch directory for indexes")
    ap.add_argument("--driver", action="store_true", help="run all candidate venvs")
    ap.add_argument("--rounds", type=int, default=2, help="driver: rounds over all venvs")
    ap.add_argument("--pythons", nargs="+", default=["3.11", "3.12", "3.13"])
    ap.add_argument("--candidates", nargs="+", default=CANDIDATES)
    ap.add_argument("--venv-root", default="/tmp/whoosh-forks")
    args = ap.parse_args(argv)
    if args.driver:
        run_driver(args)
    else:
        run_single(args)


if __name__ == "__main__":
    main()
