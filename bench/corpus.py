"""A fixed-seed corpus of the files a researcher collects, for bench/run.py.

    .venv/bin/python bench/corpus.py --size 1000 --out bench/out/corpus-1000

Writes, under OUT, one folder per kind (the mix is OUT itself):

    text/   .txt notes and articles, 300–5 000 words
    html/   HTML articles (navigation, byline, footer around the text), 300–5 000 words
    pdf/    born-digital PDFs of 1–20 pages, drawn by scripts/make_sample_archive.py's
            PDF writer (Qt) with a title and a creation date
    png/    post screenshots drawn with Pillow (English, some Urdu), for OCR
    posts/  X account archives (zips in the layout of "Download an archive of your
            data", a few posts with a picture) and twarc2 JSON-lines files (API v2 pages)

and next to it OUT.json: what was made (counts per kind, the seed, the expected number
of items). Words are drawn from a Zipf distribution over a vocabulary written here
(a head of real English and Urdu words, a tail of made-up ones): no text comes from
an outlet. English and Urdu side by side (a fifth of the texts are Urdu). Dates are
spread over February to April 2024: HTML in `article:published_time`, PDFs in their
creation date, posts in `created_at`, .txt and .png files in their modification
time (which xarchive takes as their captured date).

Planted for the query set of bench/run.py: the phrase "national security" in one
text of ten, the rare word "zanzibarite" in one text of 700, "censorship",
"censored" and "censors" for the prefix query, "judgement" and "judgment" for the
fuzzy one, "پابندی" in Urdu.

Same seed, same files (the PDFs are byte-identical on the same Qt and pypdf).
"""

from __future__ import annotations

import argparse
import html
import io
import json
import math
import os
import random
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

GENERATOR_VERSION = 3
SMOKE = 60  # --size smoke
START = datetime(2024, 2, 1, tzinfo=UTC)
SPAN_DAYS = 90  # February to April 2024
PHRASE = ("national", "security")
RARE_WORD = "zanzibarite"
FILES_PER_FOLDER = 500

#: Shares of the items, by kind. Posts come from X archives and twarc2 files;
#: a picture attached to a post of an X archive is an item of its own (kind image).
MIX = {"text": 0.26, "html": 0.24, "x": 0.20, "twarc": 0.16, "pdf": 0.07, "png": 0.07}
POSTS_PER_X_ARCHIVE = 400
POSTS_PER_TWARC_FILE = 500
TWARC_PAGE = 100
X_PICTURE_EVERY = 60  # one post in 60 of an X archive shows a picture

# The head of the English vocabulary, most frequent first (function words, then the
# words of the case); the query words of bench/run.py are among them.
ENGLISH_HEAD = """
the of and to in a is that for on was with by said it as at from has be are this an have
were not which after its their they he she had who also been but or will more court
government ministry platform blocked access election protest national security public
order petition hearing directive account campaign report authority judge week month
country users network official internet shutdown service provider mobile data journalist
press media arrest police lawyer bench verdict appeal notice deadline parliament senate
committee minister spokesman commission regulator license operator province city
district village border party leader candidate vote ballot result monitor observer
mission embassy foreign policy economy budget market price fuel electricity water school
university student teacher hospital doctor health flood rain road transport railway
airport flight passenger traffic vpn rights freedom expression letter statement restore
disruption interior telecommunication order censorship censored censors judgement
judgment ruling hearing counsel respondent petitioner federation secretary chairman
adjourned directed withdraw reasons record compliance constitution article fundamental
speech assembly broadcast television radio newspaper editor reporter correspondent
source document evidence witness testimony inquiry investigation tribunal detention
release bail charge offence
""".split()  # noqa: SIM905
SYLLABLES = "ka ri mo ta ne lu pa si do ve ra go ha mi zu te bo la fe ni sa tu".split()  # noqa: SIM905
URDU_HEAD = """
اور کے کی میں ہے سے کو نے پر کہ یہ ایک تھا ہیں کیا گیا بھی تھی جو اس پاکستان
ٹوئٹر ایکس پابندی حکومت عدالت وزارت داخلہ رسائی انتخابات صحافی اخبار قانون فیصلہ
سماعت درخواست انٹرنیٹ بندش احتجاج پولیس آزادی اظہار حقوق گرفتاری وکیل جج
""".split()  # noqa: SIM905
URDU_LETTERS = list("ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنوہیے")
HASHTAGS = ["KeepItOn", "RestoreX", "FreeSpeech", "VoteCount", "NetFreedom", "PressFreedom"]
BOILER_NAV = "Home World Region Opinion Sport Business Culture Video Podcasts"
BOILER_FOOT = "About us Contact Subscribe Privacy Terms Advertise Careers Archive"


@dataclass
class Made:
    """What the generator wrote (stored as OUT.json)."""

    size: int
    seed: int
    version: int = GENERATOR_VERSION
    files: dict[str, int] = field(default_factory=dict)  # per kind folder
    #: xarchive items the corpus gives, per kind (posts' pictures are images).
    items: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    seconds: float = 0.0

    @property
    def total_items(self) -> int:
        return sum(self.items.values())


class Words:
    """Zipf-distributed words (s = 1) over an English and an Urdu vocabulary."""

    def __init__(self, rng: random.Random, english_size: int = 24_000, urdu_size: int = 6_000):
        self.rng = rng
        self.english = self._vocabulary(ENGLISH_HEAD, english_size, self._latin_word)
        self.urdu = self._vocabulary(URDU_HEAD, urdu_size, self._urdu_word)
        self.english_cum = list(accumulate(1.0 / (r + 1) for r in range(len(self.english))))
        self.urdu_cum = list(accumulate(1.0 / (r + 1) for r in range(len(self.urdu))))
        content = [w for w in self.english[60:3000] if w.isascii()]
        self.title_words = content

    def _vocabulary(self, head: list[str], size: int, make: object) -> list[str]:
        words = list(dict.fromkeys(head))
        seen = set(words)
        while len(words) < size:
            word = make()  # type: ignore[operator]
            if word not in seen and word != RARE_WORD:
                seen.add(word)
                words.append(word)
        return words

    def _latin_word(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))

    def _urdu_word(self) -> str:
        return "".join(self.rng.choice(URDU_LETTERS) for _ in range(self.rng.randint(2, 6)))

    def draw(self, count: int, urdu: bool) -> list[str]:
        if urdu:
            return self.rng.choices(self.urdu, cum_weights=self.urdu_cum, k=count)
        return self.rng.choices(self.english, cum_weights=self.english_cum, k=count)

    def title(self, urdu: bool) -> str:
        if urdu:
            return " ".join(self.rng.choices(self.urdu[20:400], k=self.rng.randint(4, 8)))
        picked = self.rng.choices(self.title_words, k=self.rng.randint(4, 8))
        return " ".join(picked).capitalize()


class Corpus:
    """Writes the files; every random choice comes from one seeded generator."""

    def __init__(self, out: Path, size: int, seed: int = 1) -> None:
        self.out = out
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)
        self.words = Words(self.rng)
        self.serial = 0  # across kinds: where the phrase and the rare word go
        self.made = Made(size=size, seed=seed)
        self.authors = [self._name() for _ in range(120)]
        self.author_cum = list(accumulate(1.0 / (r + 1) for r in range(len(self.authors))))
        self.sites = [f"{self._syllables(2)}{suffix}.example"
                      for suffix in ("times", "ledger", "courier", "tribune", "khabar", "post",
                                     "herald", "observer")]  # fmt: skip

    # -- shared pieces ------------------------------------------------------------------
    def _syllables(self, n: int) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(n))

    def _name(self) -> str:
        return f"{self._syllables(2).title()} {self._syllables(3).title()}"

    def _moment(self) -> datetime:
        return START + timedelta(seconds=self.rng.randrange(SPAN_DAYS * 86_400))

    def _noon(self) -> datetime:
        """A day at noon UTC (files' times: no day boundary near them in any time zone
        within ±11 hours)."""
        return START + timedelta(days=self.rng.randrange(SPAN_DAYS), hours=12)

    def _length(self) -> int:
        """Words of a long text: log-normal around 900, kept within 300–5 000."""
        return max(300, min(5000, int(self.rng.lognormvariate(math.log(900), 0.7))))

    def _body(self, count: int, urdu: bool) -> list[list[str]]:
        """Paragraphs of sentences, with the planted words."""
        self.serial += 1
        words = self.words.draw(count, urdu)
        if not urdu and self.serial % 10 == 3:
            at = self.rng.randrange(len(words))
            words[at:at] = list(PHRASE)
        if not urdu and self.serial % 700 == 11:
            words.insert(self.rng.randrange(len(words)), RARE_WORD)
        paragraphs: list[list[str]] = []
        at = 0
        while at < len(words):
            n = self.rng.randint(40, 120)
            paragraphs.append(self._sentences(words[at : at + n], urdu))
            at += n
        return paragraphs

    def _sentences(self, words: list[str], urdu: bool) -> list[str]:
        out: list[str] = []
        at = 0
        stop = "۔" if urdu else "."
        while at < len(words):
            n = self.rng.randint(8, 22)
            chunk = words[at : at + n]
            if not urdu:
                chunk[0] = chunk[0].capitalize()
            out.append(" ".join(chunk) + stop)
            at += n
        return out

    def _folder(self, kind: str, number: int) -> Path:
        folder = self.out / kind / f"{number // FILES_PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _write(self, path: Path, data: bytes, when: datetime | None = None) -> None:
        path.write_bytes(data)
        self.made.bytes += len(data)
        if when is not None:
            stamp = when.timestamp()
            os.utime(path, (stamp, stamp))

    def _count(self, kind: str, items: str, files: int = 1, item_count: int = 1) -> None:
        self.made.files[kind] = self.made.files.get(kind, 0) + files
        self.made.items[items] = self.made.items.get(items, 0) + item_count

    # -- kinds --------------------------------------------------------------------------
    def text(self, number: int) -> None:
        urdu = self.rng.random() < 0.2
        title = self.words.title(urdu)
        paragraphs = self._body(self._length(), urdu)
        body = "\n\n".join(" ".join(p) for p in paragraphs)
        data = f"{title}\n\n{body}\n".encode()
        self._write(self._folder("text", number) / f"t{number:06d}.txt", data, self._noon())
        self._count("text", "text")

    def article(self, number: int) -> None:
        urdu = self.rng.random() < 0.2
        title = self.words.title(urdu)
        site = self.rng.choice(self.sites)
        author = self.rng.choices(self.authors, cum_weights=self.author_cum)[0]
        when = self._moment()
        lang = "ur" if urdu else "en"
        direction = ' dir="rtl"' if urdu else ""
        paragraphs = "\n".join(
            f"<p>{html.escape(' '.join(p))}</p>" for p in self._body(self._length(), urdu)
        )
        url = f"https://{site}/news/{when:%Y/%m/%d}/story-{number}"
        page = f"""<!DOCTYPE html>
<html lang="{lang}"{direction}>
<head>
<meta charset="utf-8">
<title>{html.escape(title)} | {site}</title>
<meta name="author" content="{html.escape(author)}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="{when:%Y-%m-%dT%H:%M:%SZ}">
<link rel="canonical" href="{url}">
<style>body {{ font-family: serif; }} nav a {{ margin: 0 1em; }}</style>
<script>window.analytics = [];</script>
</head>
<body>
<header><div class="logo">{site}</div>
<nav>{" ".join(f'<a href="/{w.lower()}">{w}</a>' for w in BOILER_NAV.split())}</nav></header>
<main>
<article>
<h1>{html.escape(title)}</h1>
<p class="byline">By <span class="author">{html.escape(author)}</span>,
<time datetime="{when:%Y-%m-%dT%H:%M:%SZ}">{when:%d %B %Y}</time></p>
{paragraphs}
</article>
</main>
<footer>{" ".join(f'<a href="/{w.lower()}">{w}</a>' for w in BOILER_FOOT.split())}
<p>Copyright 2024 {site}</p></footer>
</body>
</html>
"""
        self._write(self._folder("html", number) / f"a{number:06d}.html", page.encode())
        self._count("html", "article")

    def pdf(self, number: int, writer: PdfMaker) -> None:
        pages = min(20, 1 + int(self.rng.expovariate(1 / 2.5)))
        urdu = self.rng.random() < 0.1
        title = self.words.title(urdu)
        when = self._moment()
        html_pages = []
        for _ in range(pages):
            paragraphs = self._body(self.rng.randint(150, 280), urdu)
            direction = ' dir="rtl"' if urdu else ""
            html_pages.append(
                "".join(f"<p{direction}>{html.escape(' '.join(p))}</p>" for p in paragraphs)
            )
        data = writer.render(number, title, when, html_pages)
        self._write(self._folder("pdf", number) / f"d{number:06d}.pdf", data)
        self._count("pdf", "document")

    def png(self, number: int) -> None:
        urdu = self.rng.random() < 0.15
        account = self._syllables(3)
        name = self._name()
        lines = []
        for sentence in self._sentences(self.words.draw(self.rng.randint(18, 40), urdu), urdu):
            lines += _wrap(sentence, 48)
        data = draw_screenshot(name, account, lines[:8], urdu)
        self._write(self._folder("png", number) / f"s{number:06d}.png", data, self._noon())
        self._count("png", "image")

    def _post_text(self, urdu: bool) -> tuple[str, list[str], list[str]]:
        words = self.words.draw(self.rng.randint(8, 40), urdu)
        self.serial += 1
        if not urdu and self.serial % 10 == 3:
            words[len(words) // 2 : len(words) // 2] = list(PHRASE)
        tags = self.rng.sample(HASHTAGS, self.rng.choice((0, 0, 1, 1, 2)))
        mentions = [
            f"acct_{self.rng.randrange(400):03d}" for _ in range(self.rng.choice((0, 0, 1)))
        ]
        text = " ".join(words)
        if not urdu:
            text = text.capitalize()
        text = " ".join([*(f"@{m}" for m in mentions), text, *(f"#{t}" for t in tags)])
        return text[:280], tags, mentions

    def x_archive(self, number: int, posts: int) -> None:
        """One account's archive (zip) with `posts` posts, newest first, some pictures."""
        handle = f"acct_{number:03d}"
        account_id = str(1456001234567000000 + number)
        display = self._name()
        tweets = []
        media_files: list[tuple[str, bytes]] = []
        ids: list[str] = []
        for n in range(posts):
            when = self._moment()
            tweet_id = _snowflake(when, number * 10_000 + n)
            urdu = self.rng.random() < 0.2
            text, tags, mentions = self._post_text(urdu)
            tweet: dict[str, object] = {
                "id_str": tweet_id,
                "id": tweet_id,
                "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                "full_text": html.escape(text, quote=False),
                "lang": "ur" if urdu else "en",
                "favorite_count": str(self.rng.randrange(500)),
                "retweet_count": str(self.rng.randrange(100)),
                "truncated": False,
                "retweeted": False,
                "display_text_range": ["0", str(len(text))],
                "entities": {
                    "hashtags": _indices(text, "#", tags, "text"),
                    "user_mentions": [
                        {**e, "name": m, "id_str": str(9000 + i)}
                        for i, (e, m) in enumerate(
                            zip(_indices(text, "@", mentions, "screen_name"), mentions, strict=True)
                        )
                    ],
                    "symbols": [],
                    "urls": [],
                },
            }
            if ids and self.rng.random() < 0.15:
                parent = self.rng.choice(ids)
                tweet.update({"in_reply_to_status_id_str": parent,
                              "in_reply_to_status_id": parent,
                              "in_reply_to_user_id_str": account_id,
                              "in_reply_to_screen_name": handle})  # fmt: skip
            if n % X_PICTURE_EVERY == X_PICTURE_EVERY - 1:
                picture = f"G{tweet_id[-8:]}.png"
                lines = _wrap(text, 48)[:6]
                media_files.append(
                    (f"{tweet_id}-{picture}", draw_screenshot(display, handle, lines, urdu))
                )
                short = f"https://t.co/{tweet_id[-10:]}"
                url = f"https://pbs.twimg.com/media/{picture}"
                media = {"expanded_url": f"https://x.com/{handle}/status/{tweet_id}/photo/1",
                         "indices": ["0", "0"], "url": short, "media_url": url,
                         "media_url_https": url, "id_str": str(int(tweet_id) + 1),
                         "id": str(int(tweet_id) + 1), "type": "photo",
                         "display_url": "pic.twitter.com/" + tweet_id[-10:]}  # fmt: skip
                tweet["full_text"] = f"{tweet['full_text']} {short}"
                tweet["entities"]["media"] = [media]  # type: ignore[index]
                tweet["extended_entities"] = {"media": [media]}
            ids.append(tweet_id)
            tweets.append({"tweet": tweet})
        tweets.sort(key=lambda t: int(t["tweet"]["id_str"]), reverse=True)  # type: ignore[index]
        generated = datetime(2024, 5, 2, 9, 41, 7, tzinfo=UTC)
        account = [{"account": {"username": handle, "accountId": account_id,
                                "accountDisplayName": display, "createdVia": "web",
                                "createdAt": "2019-06-03T08:00:00.000Z"}}]  # fmt: skip
        manifest = {
            "userInfo": {"accountId": account_id, "userName": handle, "displayName": display},
            "archiveInfo": {"generationDate": generated.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                            "isPartialArchive": False},
            "dataTypes": {
                "account": {"files": [{"fileName": "data/account.js",
                                       "globalName": "YTD.account.part0", "count": "1"}]},
                "tweets": {"files": [{"fileName": "data/tweets.js",
                                      "globalName": "YTD.tweets.part0",
                                      "count": str(len(tweets))}]},
                "tweetsMedia": {"mediaDirectory": "data/tweets_media"},
            },
        }  # fmt: skip
        members = [
            ("data/manifest.js", _js("__THAR_CONFIG", manifest)),
            ("data/account.js", _js("YTD.account.part0", account)),
            ("data/tweets.js", _js("YTD.tweets.part0", tweets)),
            *((f"data/tweets_media/{name}", data) for name, data in media_files),
        ]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zipped:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=(2024, 5, 2, 9, 41, 6))
                info.compress_type = zipfile.ZIP_STORED if name.endswith(".png") else (
                    zipfile.ZIP_DEFLATED)  # fmt: skip
                info.external_attr = 0o644 << 16
                zipped.writestr(info, data)
        folder = self.out / "posts"
        folder.mkdir(parents=True, exist_ok=True)
        self._write(folder / f"twitter-2024-05-02-{handle}.zip", out.getvalue(), generated)
        self._count("posts", "post", 1, posts)
        self.made.items["image"] = self.made.items.get("image", 0) + len(media_files)

    def twarc(self, number: int, posts: int) -> None:
        """A twarc2 search file: API v2 response pages of up to TWARC_PAGE posts."""
        users = {f"user_{number:02d}_{u:02d}": (str(1457001234567000000 + number * 100 + u),
                                                 self._name()) for u in range(30)}  # fmt: skip
        handles = list(users)
        lines = []
        made = 0
        page_no = 0
        while made < posts:
            data = []
            seen: dict[str, dict[str, object]] = {}
            for _ in range(min(TWARC_PAGE, posts - made)):
                when = self._moment()
                tweet_id = _snowflake(when, 5_000_000 + number * 10_000 + made)
                handle = self.rng.choice(handles)
                urdu = self.rng.random() < 0.2
                text, tags, mentions = self._post_text(urdu)
                entities: dict[str, object] = {}
                if tags:
                    entities["hashtags"] = _spans(text, "#", tags, "tag")
                if mentions:
                    entities["mentions"] = _spans(text, "@", mentions, "username")
                tweet: dict[str, object] = {
                    "id": tweet_id, "text": html.escape(text, quote=False),
                    "author_id": users[handle][0], "lang": "ur" if urdu else "en",
                    "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "conversation_id": tweet_id, "edit_history_tweet_ids": [tweet_id],
                    "possibly_sensitive": False, "reply_settings": "everyone",
                    "public_metrics": {"retweet_count": self.rng.randrange(80),
                                       "reply_count": self.rng.randrange(20),
                                       "like_count": self.rng.randrange(400),
                                       "quote_count": self.rng.randrange(10)},
                }  # fmt: skip
                if entities:
                    tweet["entities"] = entities
                data.append(tweet)
                seen[handle] = {"id": users[handle][0], "username": handle,
                                "name": users[handle][1],
                                "created_at": "2020-01-01T00:00:00.000Z"}  # fmt: skip
                made += 1
            data.sort(key=lambda t: int(str(t["id"])), reverse=True)
            page = {
                "data": data,
                "includes": {"users": list(seen.values())},
                "meta": {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"],
                         "result_count": len(data)},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all?query=bench",
                            "version": "2.14.0",
                            "retrieved_at": f"2024-05-03T06:15:{page_no:02d}+00:00"},
            }  # fmt: skip
            lines.append(json.dumps(page, ensure_ascii=False))
            page_no += 1
        folder = self.out / "posts"
        folder.mkdir(parents=True, exist_ok=True)
        data_bytes = ("\n".join(lines) + "\n").encode()
        self._write(folder / f"twarc2-search-{number:03d}.jsonl", data_bytes)
        self._count("posts", "post", 1, posts)

    # -- all ----------------------------------------------------------------------------
    def build(self) -> Made:
        counts = {kind: max(1, round(self.size * share)) for kind, share in MIX.items()}
        writer = PdfMaker()
        # Interleaved, so that any prefix of the work is a mix, and the serial
        # counter (planted words) runs across kinds.
        for n in range(counts["text"]):
            self.text(n)
        for n in range(counts["html"]):
            self.article(n)
        for n in range(counts["pdf"]):
            self.pdf(n, writer)
        for n in range(counts["png"]):
            self.png(n)
        for n, posts in enumerate(_split(counts["x"], POSTS_PER_X_ARCHIVE)):
            self.x_archive(n, posts)
        for n, posts in enumerate(_split(counts["twarc"], POSTS_PER_TWARC_FILE)):
            self.twarc(n, posts)
        return self.made


class PdfMaker:
    """Born-digital PDFs through scripts/make_sample_archive.py (Qt's PDF writer + pypdf)."""

    def __init__(self) -> None:
        scripts = Path(__file__).resolve().parents[1] / "scripts"
        if str(scripts) not in sys.path:
            sys.path.insert(0, str(scripts))
        import make_sample_archive  # Qt, offscreen; the demo's fonts

        self.module = make_sample_archive

    def render(self, number: int, title: str, when: datetime, pages: list[str]) -> bytes:
        m = self.module
        doc = m.BornDigitalPdf(
            filename=f"d{number:06d}.pdf",
            title=title,
            subject="Generated for the xarchive benchmark",
            keywords="benchmark",
            created=(when.year, when.month, when.day, when.hour, when.minute),
            doc_id=f"{{5a1e7c2d-4f0b-4b8e-9d61-{number:012d}}}",
            running_head=f"Benchmark document {number}",
            pages=pages,
        )
        return bytes(m.render_born_digital(doc))


# -- pictures -------------------------------------------------------------------------------

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_URDU = "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"
_FONTS: dict[tuple[str, int], object] = {}


def _font(path: str, size: int) -> object:
    from PIL import ImageFont

    key = (path, size)
    if key not in _FONTS:
        _FONTS[key] = ImageFont.truetype(path, size)
    return _FONTS[key]


def draw_screenshot(name: str, handle: str, lines: list[str], urdu: bool) -> bytes:
    """A post as a phone screenshot shows it: name, handle, the text, a counts bar."""
    from PIL import Image, ImageDraw

    width, height = 1000, 160 + 52 * max(1, len(lines)) + 90
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)
    pen.ellipse((30, 30, 110, 110), fill="#8899aa")
    pen.text((130, 36), name, fill="#111111", font=_font(FONT_BOLD, 32))
    pen.text((130, 78), f"@{handle}", fill="#536471", font=_font(FONT, 26))
    y = 140
    for line in lines:
        if urdu:
            font = _font(FONT_URDU, 32)
            box = pen.textbbox((0, 0), line, font=font, direction="rtl")
            pen.text((width - 40 - (box[2] - box[0]), y), line, fill="#111111", font=font,
                     direction="rtl")  # fmt: skip
        else:
            pen.text((40, y), line, fill="#111111", font=_font(FONT, 30))
        y += 52
    pen.line((30, y + 20, width - 30, y + 20), fill="#cfd9de", width=2)
    pen.text((40, y + 36), "12 Reposts   3 Quotes   148 Likes", fill="#536471",
             font=_font(FONT, 24))  # fmt: skip
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# -- helpers --------------------------------------------------------------------------------


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _split(total: int, per: int) -> list[int]:
    """`total` posts in files of at most `per`, as even as possible."""
    files = max(1, math.ceil(total / per))
    return [total // files + (1 if n < total % files else 0) for n in range(files)]


def _snowflake(when: datetime, sequence: int) -> str:
    ms = int(when.timestamp() * 1000) - 1288834974657
    return str((ms << 22) | (sequence % 4096) | ((sequence // 4096) % 1024) << 12)


def _indices(text: str, sign: str, values: list[str], key: str) -> list[dict[str, object]]:
    return [
        {key: v, "indices": [str(s), str(s + len(v) + 1)]}
        for v in values
        if (s := text.find(sign + v)) >= 0
    ]


def _spans(text: str, sign: str, values: list[str], key: str) -> list[dict[str, object]]:
    return [
        {key: v, "start": s, "end": s + len(v) + 1}
        for v in values
        if (s := text.find(sign + v)) >= 0
    ]


def _js(name: str, value: object) -> bytes:
    body = json.dumps(value, ensure_ascii=False, indent=2, separators=(",", " : "))
    return f"window.{name} = {body}".encode()


def size_of(text: str) -> int:
    return SMOKE if text == "smoke" else int(text)


def ensure(out: Path, size: int, seed: int = 1, quiet: bool = False) -> Made:
    """The corpus in `out`, made now unless `out` already holds this one (same size,
    seed and generator version)."""
    import shutil
    import time

    stamp = out.with_suffix(".json")
    if stamp.exists() and out.is_dir():
        made = Made(**json.loads(stamp.read_text()))
        if (made.size, made.seed, made.version) == (size, seed, GENERATOR_VERSION):
            return made
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if not quiet:
        print(f"corpus: writing {size} items to {out} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    made = Corpus(out, size, seed).build()
    made.seconds = round(time.perf_counter() - started, 1)
    stamp.write_text(json.dumps(asdict(made), indent=2))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1000", help="items: smoke, 1000, 10000, 100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    made = ensure(args.out.absolute(), size_of(args.size), args.seed)
    print(json.dumps(asdict(made), indent=2))


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
