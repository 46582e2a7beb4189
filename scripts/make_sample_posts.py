#!/usr/bin/env python3
"""Generate the posts of xarchive's demo archive (``sample_archive/posts/``).

Two files, both *reconstructions for demonstration*: every post was written for
xarchive from the publicly reported facts of the 2024 blocking of X in Pakistan
(see the demo's README), by invented accounts; no sentence is copied from a real
post, and no real person is quoted.

* ``twitter-2024-04-20-demo_reporter.zip`` — an X account archive ("Download an
  archive of your data") of the invented account @demo_reporter ("Demo
  Reporter"), in the layout X uses: ``data/manifest.js``, ``account.js``,
  ``profile.js``, ``tweets.js``, ``note-tweet.js``, ``deleted-tweets.js`` and
  ``tweets_media/``. Posts from February to April 2024: threads, replies to other
  invented accounts, retweets, a quote, a long post (note tweet), a deleted post,
  hashtags, mentions, t.co links that expand to the demo articles' canonical
  addresses, pictures with text (drawn here) and alt text, and one short video (a
  screen recording of x.com timing out, drawn by scripts/make_sample_video.py). Two
  posts have the texts of the @demo_reporter screenshots in ``sample_archive/screenshots``.
* ``twarc2-search-pakistan-x-block.jsonl`` — what ``twarc2 search`` writes: X API
  v2 response pages (``data``, ``includes.users/tweets/media``, ``meta``,
  ``__twarc``), with posts by several invented accounts. Some answer, quote or
  repeat posts of the archive above, so threads run across the two files; the
  posts of the other screenshots are among them.
* ``twarc2-lookup-2024-05-02-followup.jsonl`` — a later ``twarc2 tweets`` lookup of
  some of those posts, as evidence (issue 13): one is now withheld in Pakistan (its
  ``withheld`` object, and other counts: a second capture of the same post), one
  is gone (the API's "Not Found" error), and a post by another invented account
  is there in the two versions of its edit (``edit_history_tweet_ids``).
* ``twarc2-compliance-2024-05-03-tweets.jsonl`` — what a batch compliance job of
  those ids returns: the deletion and the withholding, dated.

Output is deterministic: fixed post ids (derived from their times), fixed zip
timestamps, no random numbers; the same Pillow and zlib give the same bytes.

Usage::

    .venv/bin/python scripts/make_sample_posts.py           # write sample_archive/posts/
    .venv/bin/python scripts/make_sample_posts.py --out DIR

Needs the project venv (Pillow) and the Debian font package fonts-dejavu-core.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample_video import demo_video  # noqa: E402  (beside this script)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sample_archive" / "posts"
ZIP_NAME = "twitter-2024-04-20-demo_reporter.zip"
JSONL_NAME = "twarc2-search-pakistan-x-block.jsonl"
LOOKUP_NAME = "twarc2-lookup-2024-05-02-followup.jsonl"
COMPLIANCE_NAME = "twarc2-compliance-2024-05-03-tweets.jsonl"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

PKT = timedelta(hours=5)
TWITTER_EPOCH_MS = 1288834974657
#: When X "generated" the archive, and when twarc2 retrieved its pages (UTC).
GENERATED = datetime(2024, 4, 20, 9, 41, 7, tzinfo=UTC)
RETRIEVED = datetime(2024, 4, 21, 6, 15, 2, tzinfo=UTC)
ZIP_TIME = (2024, 4, 20, 9, 41, 6)
RECONSTRUCTION = "Reconstruction for demonstration — not an authentic document"

# The demo articles' canonical addresses (sample_archive/articles/*.html).
LEDGER_FEB = "https://indusledger.example/pakistan/2024/02/17/x-goes-dark-across-pakistan"
RAVI_FEB = "https://ravicourier.example/urdu/pakistan/2024/02/18/x-twitter-service-band"
MARGALLA_MAR = (
    "https://margallatimes.example/rights/2024/03/07/rights-groups-urge-pakistan-to-restore-x"
)
LEDGER_APR = "https://indusledger.example/pakistan/2024/04/17/interior-ministry-confirms-x-ban"
KARAKORAM_APR = "https://karakoramchronicle.example/courts/2024/04/18/ministry-admits-blocking-x"
SINDHU_APR = "https://sindhukhabar.example/urdu/adalat/2024/04/19/wazarat-e-dakhla-x-pabandi-aitraf"
TRACKER = "https://pkdigitalrights.example/x-block-tracker"

ACCOUNT_ID = "1456001234567890123"
USERS = {
    "demo_reporter": ("1456001234567890123", "Demo Reporter"),
    "sample_rights_watch": ("1456001234567890201", "Sample Rights Watch"),
    "lahore_data_desk": ("1456001234567890202", "Lahore Data Desk"),
    "urdu_khabar_demo": ("1456001234567890203", "اردو خبر ڈیمو"),
    "karachi_demo_voice": ("1456001234567890204", "کراچی ڈیمو آواز"),
    "pk_digital_rights_demo": ("1456001234567890205", "PK Digital Rights (demo)"),
    "islamabad_court_watch_demo": ("1456001234567890206", "Islamabad Court Watch (demo)"),
    "sindh_court_notes_demo": ("1456001234567890207", "Sindh Court Notes (demo)"),
}
BIO = (
    "Reconstruction for demonstration: an invented reporter of the xarchive demo, not a real "
    "person. Posts restate in our own words publicly reported facts of the 2024 blocking of X "
    "in Pakistan."
)


# -- ids, times, links ------------------------------------------------------------------


def moment(pkt: str) -> datetime:
    """'2024-02-17 21:12' in Pakistan time → aware UTC datetime."""
    local = datetime.strptime(pkt, "%Y-%m-%d %H:%M")
    return (local - PKT).replace(tzinfo=UTC)


def snowflake(pkt: str, sequence: int = 0) -> str:
    """A post id as X makes them: milliseconds since X's epoch, shifted, plus a sequence."""
    ms = int(moment(pkt).timestamp() * 1000)
    return str(((ms - TWITTER_EPOCH_MS) << 22) | (7 << 12) | sequence)


def x_date(when: datetime) -> str:
    return when.strftime("%a %b %d %H:%M:%S +0000 %Y")


def api_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def tco(seed: str) -> str:
    """A t.co short link, fixed for `seed`."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    code = ""
    for _ in range(10):
        number, digit = divmod(number, 62)
        code += alphabet[digit]
    return f"https://t.co/{code}"


def display(url: str) -> str:
    bare = url.split("://", 1)[1]
    return bare if len(bare) <= 26 else bare[:25] + "…"


# -- pictures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    name: str  # the media file's base name, e.g. "GGdemo01.png"
    lines: tuple[str, ...]  # drawn one per line; the first in bold
    alt: str = ""
    size: tuple[int, int] = (1000, 560)
    paper: str = "white"


def draw(picture: Picture) -> bytes:
    image = Image.new("RGB", picture.size, picture.paper)
    pen = ImageDraw.Draw(image)
    small = ImageFont.truetype(FONT, 20)
    pen.rectangle((0, 0, picture.size[0], 44), fill="#fff4d6")
    pen.text((24, 11), RECONSTRUCTION, fill="#6b4e00", font=small)
    y = 80
    for number, line in enumerate(picture.lines):
        font = ImageFont.truetype(FONT_BOLD if number == 0 else FONT, 34 if number == 0 else 30)
        pen.text((40, y), line, fill="#111111", font=font)
        y += 58 if number == 0 else 50
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


# -- the account's own posts --------------------------------------------------------------


@dataclass(frozen=True)
class Own:
    """A post of @demo_reporter. `text` may hold {0}, {1}… for links (t.co in the archive)."""

    key: str
    at: str  # Pakistan time
    text: str
    reply_to: str = ""  # key of an own post, or of an external one ("ext:…")
    links: tuple[str, ...] = ()
    pictures: tuple[Picture, ...] = ()
    likes: int = 0
    reposts: int = 0
    lang: str = "en"
    quote: str = ""  # key of an external post it quotes
    retweet_of: str = ""  # key of an external post it repeats
    long_text: str = ""  # the whole text of a long post (note tweet)
    deleted_at: str = ""  # Pakistan time it was deleted
    sequence: int = 0
    video: str = ""  # the base name of its one video (scripts/make_sample_video.py)


BROWSER_ERROR = Picture(
    "GGdemo01.png",
    ("This site can't be reached", "x.com took too long to respond.",
     "ERR_CONNECTION_TIMED_OUT", "Tested 17 Feb 2024, 21:05, Islamabad"),
    alt="A browser error page: x.com took too long to respond, connection timed out.",
)  # fmt: skip
VPN_TEST = Picture(
    "GGdemo02.png",
    ("VPN speed test, Islamabad, 20 Feb 2024", "Without VPN: 24 Mbps (X does not load)",
     "With VPN: 3.2 Mbps (X loads slowly)", "Three VPN services tried; one failed"),
    alt="Speed test results: 24 Mbps without a VPN, 3.2 Mbps with one.",
)  # fmt: skip
TIMELINE_CARD = Picture(
    "GHdemo03.png",
    ("X blocked in Pakistan: the dates", "8 Feb: general election",
     "17 Feb: access to X disrupted nationwide", "22 Feb: petition at the Islamabad High Court",
     "March: joint statement of 28 organisations"),
    alt="A card listing the dates of the X block in Pakistan from the election to March.",
    size=(1000, 620),
)  # fmt: skip
REPLY_PAGE_1 = Picture(
    "GLdemo04.png",
    ("MINISTRY OF INTERIOR", "Report to the Islamabad High Court", "on the blocking of X",
     "Grounds: national security and public order,", "and the integrity of the nation."),
    alt="Photo of the first page of the ministry's reply to the Islamabad High Court.",
    size=(900, 640), paper="#f4f1ea",
)  # fmt: skip
REPLY_PAGE_2 = Picture(
    "GLdemo05.png",
    ("MINISTRY OF INTERIOR (page 2)", "X did not follow the lawful directives",
     "of the Government and did not address", "misuse of its platform.",
     "Cybercrime Wing requests: no response."),
    size=(900, 640), paper="#f4f1ea",
)  # fmt: skip
SINDH_CARD = Picture(
    "GMdemo06.png",
    ("Sindh High Court, order of 17.04.2024", "Ministry to withdraw its letter",
     "of 17 February within one week.", "PTA to give valid reasons.",
     "Next hearing: 9 May 2024"),
    alt="Summary card of the Sindh High Court order of 17 April 2024.",
)  # fmt: skip

LONG_POST = (
    "What the ministry's reply changes, and what it does not. For two months the government "
    "neither confirmed nor explained the block of X, which began on 17 February, the day the "
    "Ministry of Interior wrote to the PTA. The written reply now filed in the Islamabad High "
    "Court confirms that the ministry asked for the block and gives its reasons: national "
    "security, public order and the integrity of the nation, and X's failure to act on the "
    "government's requests. It does not say how long the block will last, what X would have to "
    "do for it to end, or why a whole platform had to be blocked rather than single posts. "
    "Those are the questions the court now has to ask. #XBlocked #KeepItOn"
)

SHOT_FEB = (
    "Since early this evening X has stopped loading for me and for almost everyone I have asked "
    "in Islamabad, Lahore and Karachi. NetBlocks is now showing a nationwide disruption. No word "
    "from PTA or the Interior Ministry so far. I am posting this through a VPN."
)
SHOT_APR = (
    "For the first time the Interior Ministry admits that X was blocked on its orders. Its "
    "written reply to the Islamabad High Court cites national security, public order and the "
    "\u2018integrity of the nation\u2019. Photos of the reply below."
)

OWN: list[Own] = [
    Own("about", "2024-02-05 10:00",
        "About this account: @demo_reporter is a reconstruction for demonstration, an invented "
        "reporter of the xarchive demo. Its posts restate in our own words the reported facts "
        "of the 2024 blocking of X in Pakistan. Not an authentic account.", likes=12),
    Own("poll", "2024-02-08 09:30",
        "Polling day across Pakistan. I will be at polling stations in Islamabad through the "
        "afternoon and will post what I see. #PakistanElections", likes=240, reposts=31),
    Own("count", "2024-02-08 23:40",
        "Counting is slow tonight. Results from several constituencies are still not out hours "
        "after the polls closed. #PakistanElections", likes=310, reposts=64),
    Own("seats", "2024-02-10 14:15",
        "Candidates backed by PTI have won the most seats, but no party has a simple majority. "
        "Rival parties have started coalition talks. #PakistanElections", likes=520, reposts=140),
    Own("rigging", "2024-02-12 19:05",
        "PTI says the vote was rigged and is challenging the results of several seats. Its "
        "rivals are still trying to put a coalition together.", likes=290, reposts=77),
    Own("shot_feb", "2024-02-17 21:12", SHOT_FEB, likes=9412, reposts=3108),
    Own("tested", "2024-02-17 21:18",
        "What I tested: two mobile networks and one home broadband line, in the browser and in "
        "the app. The site times out; with a VPN it loads. #XBlocked",
        reply_to="shot_feb", pictures=(BROWSER_ERROR,), likes=1840, reposts=620),
    Own("targeted", "2024-02-17 21:31",
        "Other sites and apps work normally. This looks aimed at X alone, not a general "
        "internet shutdown. #KeepItOn", reply_to="tested", likes=1322, reposts=407),
    Own("recording", "2024-02-17 23:14",
        "A screen recording from 23:10 tonight: x.com keeps loading, then times out. Same on "
        "the second network. #XBlocked", video="XTdemo07", likes=2260, reposts=801),
    Own("wrongday", "2024-02-17 21:40",
        "Hearing that the block may have started on 16 February in some cities. Checking.",
        likes=35, deleted_at="2024-02-17 22:05"),
    Own("nostatement", "2024-02-17 22:20",
        "Still no statement from the PTA or the Interior Ministry about X. If you know of an "
        "official notice, please send it to me. #XBlocked", likes=880, reposts=301),
    Own("day2", "2024-02-18 09:15",
        "Day 2: X is still blocked across Pakistan this morning. The government has not said "
        "why, or whether it ordered the block. #XBlocked {0}",
        links=(LEDGER_FEB,), likes=1210, reposts=455),
    Own("ravi", "2024-02-18 12:40",
        "A clear Urdu report on yesterday's outage from the Daily Ravi Courier: {0}",
        links=(RAVI_FEB,), likes=160, reposts=48),
    Own("urdu_day2", "2024-02-18 13:05",
        "ایکس یعنی ٹوئٹر دوسرے دن بھی پاکستان بھر میں بند ہے۔ حکومت نے ابھی تک کوئی وجہ نہیں "
        "بتائی۔ #XBlocked", lang="ur", likes=530, reposts=190),
    Own("karachi_app", "2024-02-19 16:00",
        "Mobile users in Karachi tell me the X app shows an empty timeline and then an error; "
        "on the web it simply times out. #XBlocked", likes=402, reposts=96),
    Own("rt_day4", "2024-02-20 11:55", "", retweet_of="ext:day4"),
    Own("vpn", "2024-02-20 18:30",
        "Tried three VPN services this evening. All of them are much slower than last week and "
        "one would not connect at all. Reports of VPN throttling keep coming in. #VPN #XBlocked",
        pictures=(VPN_TEST,), likes=760, reposts=233),
    Own("officials", "2024-02-21 10:10",
        "Officials keep posting on X through VPNs while ordinary users are told nothing about "
        "why the platform is blocked. #XBlocked", likes=2150, reposts=904),
    Own("petition", "2024-02-22 17:20",
        "A writ petition against the blocking of X has been filed in the Islamabad High Court. "
        "It asks the court to have access restored. #IslamabadHighCourt #XBlocked",
        likes=990, reposts=388),
    Own("articles", "2024-02-22 17:26",
        "The petition relies on the constitutional guarantees of free speech and of access to "
        "information (Articles 19 and 19-A).", reply_to="petition", likes=410, reposts=120),
    Own("tendays", "2024-02-26 09:00",
        "Ten days without X in Pakistan. No notification, no reason given, no end date. "
        "#XBlocked #KeepItOn", likes=1630, reposts=702),
    Own("same_here", "2024-02-27 11:15",
        "@lahore_data_desk Same here in Islamabad: no change on any of the networks I tested "
        "today.", reply_to="ext:day11", likes=88, reposts=9),
    Own("income", "2024-03-01 12:00",
        "Shops that sell through X & freelancers who find their work there lose income every "
        "day the block goes on. #XBlocked", likes=640, reposts=215),
    Own("audiences", "2024-03-04 20:15",
        "Journalists I spoke to today now share their stories on other platforms, but say their "
        "readers have not followed them there. #PressFreedom", likes=455, reposts=132),
    Own("quote_joint", "2024-03-06 14:40",
        "A strong joint statement: blocking X is digital censorship, and the signatories say so "
        "plainly. {0}", quote="ext:joint", likes=1120, reposts=389),
    Own("rt_joint", "2024-03-06 14:50", "", retweet_of="ext:joint"),
    Own("signatories", "2024-03-06 16:10",
        "@sample_rights_watch Is the full list of the 27 signatories published anywhere? I would "
        "like to link to it.", reply_to="ext:joint", likes=64, reposts=3),
    Own("margalla", "2024-03-07 15:00",
        "Margalla Times on the joint statement, and on how TikTok was unblocked once it signed "
        "an MoU with the authorities: {0}", links=(MARGALLA_MAR,), likes=301, reposts=99),
    Own("threeweeks", "2024-03-10 11:30",
        "Three weeks of the block. Many users have given up on VPNs: too slow or too unreliable "
        "on mobile data. #XBlocked", likes=870, reposts=260),
    Own("timeline", "2024-03-14 18:00",
        "A reminder of the timeline: election on 8 February, X blocked on the evening of 17 "
        "February, and still no official explanation. #XBlocked", likes=1040, reposts=512),
    Own("card", "2024-03-18 10:20",
        "I put the main dates of the block on one card for readers who keep asking. #XBlocked",
        pictures=(TIMELINE_CARD,), likes=733, reposts=341),
    Own("newnormal", "2024-03-22 13:00",
        "More than a month now. For many users the block has become normal, which is exactly "
        "why it must not be forgotten. #KeepItOn", likes=1280, reposts=566),
    Own("disproportionate", "2024-03-25 15:30",
        "Worth reading: @sample_rights_watch on why blocking a whole platform is out of "
        "proportion to any problem with single posts.", likes=402, reposts=150),
    Own("rti", "2024-03-27 16:40",
        "Asked again today whether the PTA will publish the instruction it received about X. "
        "No answer. #RightToInformation", likes=515, reposts=170),
    Own("sixweeks", "2024-04-01 09:45",
        "Six weeks without X. Court cases about the block go on in Islamabad and in Karachi. "
        "#XBlocked", likes=690, reposts=201),
    Own("tracker_thanks", "2024-04-05 19:20",
        "@pk_digital_rights_demo Thank you for keeping the tracker up to date; it is the only "
        "place where I find all the hearing dates.", reply_to="ext:tracker", likes=45, reposts=4),
    Own("eid", "2024-04-10 12:00",
        "Eid holidays, and still no X. Families abroad reach their relatives through other apps, "
        "but the news shared on X does not reach users in Pakistan. #XBlocked",
        likes=580, reposts=144),
    Own("shot_apr", "2024-04-17 18:48", SHOT_APR,
        pictures=(REPLY_PAGE_1, REPLY_PAGE_2), likes=24180, reposts=11020),
    Own("directives", "2024-04-17 18:55",
        "The ministry says X did not follow the \u2018lawful directives\u2019 of the government, "
        "did not address misuse of its platform, and was reluctant to resolve the issues.",
        reply_to="shot_apr", likes=5120, reposts=2210),
    Own("fia", "2024-04-17 19:02",
        "It also says the FIA's Cybercrime Wing sent X, through the PTA, many requests to block "
        "accounts running a \u2018defamatory campaign\u2019 against the Chief Justice of "
        "Pakistan, and that X did not respond.", reply_to="directives", likes=4630, reposts=1980),
    Own("hostile", "2024-04-17 19:10",
        "According to the reply, confidential reports of intelligence and security agencies "
        "spoke of \u2018hostile elements\u2019 on X who aim to create chaos and destabilise the "
        "country.", reply_to="fia", likes=3890, reposts=1705),
    Own("ledger_apr", "2024-04-17 20:30",
        "The Indus Ledger has the story of the ministry's admission: {0} #XBlocked",
        links=(LEDGER_APR,), likes=1420, reposts=610),
    Own("long", "2024-04-17 22:15", "", long_text=LONG_POST, likes=6210, reposts=2804),
    Own("sindh", "2024-04-18 11:20",
        "In a separate case the Sindh High Court has ordered the Interior Ministry to withdraw "
        "its 17 February letter within a week, asked the PTA for valid reasons for the "
        "shutdown, and adjourned to 9 May. #SindhHighCourt",
        pictures=(SINDH_CARD,), likes=3310, reposts=1502),
    Own("karakoram", "2024-04-18 12:05",
        "The Karakoram Chronicle covers both courts and the reactions from X and from the US "
        "State Department: {0}", links=(KARAKORAM_APR,), likes=870, reposts=322),
    Own("statedept", "2024-04-18 16:30",
        "The US State Department has voiced concern for freedom of expression and urged "
        "Pakistan to lift the restriction on X. #XBlocked", likes=2760, reposts=1190),
    Own("xgga", "2024-04-18 17:10",
        "X's Global Government Affairs account says it will keep working with the Pakistani "
        "government to understand its concerns.", likes=1530, reposts=488),
    Own("urdu_reply", "2024-04-18 19:00",
        "@karachi_demo_voice جی ہاں، وزارت داخلہ کا تحریری جواب اسلام آباد ہائی کورٹ میں جمع ہوا "
        "ہے۔ اس کی تصاویر میری پوسٹ میں ہیں۔", reply_to="ext:karachi_apr", lang="ur",
        likes=410, reposts=57),
    Own("sindhu", "2024-04-19 10:00",
        "The Daily Sindhu Khabar's Urdu report on the ministry's admission: {0}",
        links=(SINDHU_APR,), likes=240, reposts=81),
    Own("twomonths", "2024-04-19 18:45",
        "Two months and two days of the block. The ministry has now said why; the courts will "
        "decide whether those reasons hold. #XBlocked #KeepItOn", likes=2980, reposts=1270),
    Own("archive", "2024-04-20 08:30",
        "I have requested an archive of this account, to keep a copy of everything posted about "
        "the block while X stays unreachable in Pakistan.", likes=310, reposts=22),
]  # fmt: skip


# -- other accounts' posts (the twarc2 file) -------------------------------------------------


@dataclass(frozen=True)
class Other:
    key: str
    account: str
    at: str
    text: str
    reply_to: str = ""  # key of another Other, or "own:<key>"
    quote: str = ""
    retweet_of: str = ""
    links: tuple[str, ...] = ()
    media: tuple[tuple[str, str], ...] = ()  # (media file name, alt text)
    lang: str = "en"
    long_text: str = ""
    metrics: tuple[int, int, int, int] = (0, 0, 0, 0)  # reposts, replies, likes, quotes
    sequence: int = 1


OTHERS: list[Other] = [
    Other("urdu_feb", "urdu_khabar_demo", "2024-02-17 22:03",
          "پاکستان بھر میں آج شام سے ایکس یعنی ٹوئٹر تک رسائی بند ہے۔ صارفین وی پی این کے بغیر "
          "کوئی پوسٹ نہیں کر پا رہے۔ حکومت کی طرف سے اب تک کوئی وضاحت سامنے نہیں آئی۔",
          lang="ur", metrics=(2210, 615, 6730, 40)),
    Other("watch_feb", "sample_rights_watch", "2024-02-17 22:30",
          "Reports from across Pakistan that X is unreachable tonight, nine days after the "
          "general election. Blocking a platform while votes are disputed is a serious threat "
          "to free expression. #KeepItOn", metrics=(1800, 140, 4200, 61)),
    Other("ask_networks", "sample_rights_watch", "2024-02-17 21:45",
          "@demo_reporter Thank you for documenting this. Which networks did you test?",
          reply_to="own:shot_feb", metrics=(12, 3, 150, 0)),
    Other("shot_feb", "demo_reporter", "2024-02-17 21:12", SHOT_FEB,
          metrics=(3150, 851, 9530, 317)),
    Other("day4", "lahore_data_desk", "2024-02-20 11:40",
          "Day 4 of the X outage in Pakistan. Our test connections on three mobile networks and "
          "two home broadband lines all fail to reach the platform without a VPN, and several "
          "VPN servers are slower than last week. Chart: share of our probes that loaded the "
          "site, by day.", media=(("chart_day4", "Bar chart: share of probes that loaded X in "
          "Pakistan, by day, falling to zero on 17 February."),),
          metrics=(1200, 57, 2800, 44)),
    Other("petition_news", "pk_digital_rights_demo", "2024-02-22 18:00",
          "A petition against the blocking of X is now before the Islamabad High Court. We will "
          "follow every hearing and post the dates here. #XBlocked", metrics=(640, 38, 1500, 12)),
    Other("petition_asks", "islamabad_court_watch_demo", "2024-02-22 18:20",
          "@pk_digital_rights_demo The petition asks the court to restore access to X and to "
          "make the government explain the block.", reply_to="petition_news",
          metrics=(90, 4, 310, 1)),
    Other("day11", "lahore_data_desk", "2024-02-27 10:00",
          "Day 11 of the X outage in Pakistan. No change: every probe without a VPN fails, on "
          "mobile networks and on broadband alike. #XBlocked", metrics=(830, 29, 1900, 15)),
    Other("joint", "sample_rights_watch", "2024-03-06 14:05",
          "Amnesty International and 27 civil-society organisations have jointly asked the "
          "Pakistani authorities to restore access to X. Blocking a whole platform is digital "
          "censorship and goes against Pakistan's commitments under international law. #RestoreX",
          metrics=(2400, 103, 4100, 96)),
    Other("rt_joint", "pk_digital_rights_demo", "2024-03-06 15:00", "", retweet_of="joint"),
    Other("list_later", "sample_rights_watch", "2024-03-06 16:40",
          "@demo_reporter Yes, the statement with every signatory is on our website. We will "
          "share the link here as soon as more readers can reach X.",
          reply_to="own:signatories", metrics=(8, 2, 95, 0)),
    Other("karachi_vpn", "karachi_demo_voice", "2024-03-12 20:00",
          "کراچی میں وی پی این کے بغیر ایکس اب بھی نہیں کھلتا۔ موبائل ڈیٹا پر وی پی این بھی بہت "
          "سست ہے۔", lang="ur", metrics=(310, 40, 980, 5)),
    Other("tracker", "pk_digital_rights_demo", "2024-04-05 12:00",
          "We keep a tracker of every court hearing on the X block in Pakistan, in Islamabad and "
          "in Karachi. Updated today: {0} #XBlocked", links=(TRACKER,),
          metrics=(420, 21, 880, 9)),
    Other("filed", "islamabad_court_watch_demo", "2024-04-17 17:30",
          "At the Islamabad High Court today the Interior Ministry filed its written reply on "
          "the blocking of X. #IslamabadHighCourt", metrics=(1500, 88, 3900, 70)),
    Other("shot_apr", "demo_reporter", "2024-04-17 18:48", SHOT_APR,
          media=(("GLdemo04", "Photo of the first page of the ministry's reply to the "
                  "Islamabad High Court."), ("GLdemo05", "")),
          metrics=(11240, 2640, 24600, 3980)),
    Other("blanket", "sample_rights_watch", "2024-04-17 20:00",
          "The ministry's reply confirms what users in Pakistan have known for two months. "
          "National security cannot be a blanket reason to block an entire platform. #KeepItOn",
          quote="own:shot_apr", metrics=(3100, 190, 7600, 210)),
    Other("karachi_apr", "karachi_demo_voice", "2024-04-18 09:27",
          "وزارت داخلہ نے اسلام آباد ہائی کورٹ میں اپنے تحریری جواب میں ٹوئٹر پر پابندی کی تصدیق "
          "کر دی ہے۔ جواب میں قومی سلامتی اور امن عامہ کو وجہ بتایا گیا ہے۔ دو ماہ بعد یہ پہلا "
          "سرکاری اعتراف ہے۔", lang="ur", metrics=(5300, 1400, 13000, 120)),
    Other("sindh_order", "islamabad_court_watch_demo", "2024-04-18 12:30",
          "Sindh High Court: the ministry must withdraw its 17 February letter within a week, "
          "and the PTA must give valid reasons for the shutdown. Next hearing on 9 May. "
          "#SindhHighCourt", metrics=(2100, 75, 4800, 66)),
    Other("urdu_sindh", "urdu_khabar_demo", "2024-04-18 13:00",
          "سندھ ہائی کورٹ نے وزارت داخلہ کو 17 فروری کا خط ایک ہفتے میں واپس لینے کا حکم دیا ہے۔ "
          "اگلی سماعت 9 مئی کو ہوگی۔", lang="ur", metrics=(1300, 95, 3600, 20)),
    Other("twomonths_data", "lahore_data_desk", "2024-04-18 15:00",
          "Two months of measurements: since 17 February not one of our probes has reached X in "
          "Pakistan without a VPN. #XBlocked",
          media=(("chart_2months", "Line chart: X reachable without a VPN, zero since 17 "
                  "February."),), metrics=(1900, 60, 4400, 51)),
    Other("method", "lahore_data_desk", "2024-04-18 15:05",
          "Method: automated requests every hour from three mobile networks and two broadband "
          "lines in Lahore, Islamabad and Karachi.", reply_to="twomonths_data",
          metrics=(140, 6, 520, 2)),
    Other("summary", "pk_digital_rights_demo", "2024-04-18 17:00", "",
          long_text="What we know after the ministry's reply, in one place. 1. The Ministry of "
          "Interior wrote to the PTA on 17 February asking it to block X, and the PTA did. 2. "
          "The ministry confirmed this in a written reply to the Islamabad High Court on 17 "
          "April. 3. It cited national security, public order and the integrity of the nation. "
          "4. The Sindh High Court has ordered the letter withdrawn within a week. 5. The next "
          "hearing in Karachi is on 9 May. #XBlocked", metrics=(2600, 140, 5900, 88)),
    Other("welcome", "sample_rights_watch", "2024-04-18 18:00",
          "We welcome the US State Department's call on Pakistan to lift the restriction on X. "
          "Full restoration of internet and social-media access is overdue. #KeepItOn",
          metrics=(1700, 90, 3800, 40)),
    Other("thanks_photos", "karachi_demo_voice", "2024-04-18 19:20",
          "@demo_reporter شکریہ، تصاویر دیکھ لی ہیں۔", reply_to="own:urdu_reply", lang="ur",
          metrics=(4, 1, 60, 0)),
    Other("listed", "islamabad_court_watch_demo", "2024-04-19 11:00",
          "The Islamabad High Court has the ministry's reply on file; we will post the date of "
          "the next hearing once it is listed. #IslamabadHighCourt", metrics=(300, 12, 900, 3)),
    Other("tiktok", "sample_rights_watch", "2024-04-20 10:00",
          "TikTok was unblocked in Pakistan after it signed an MoU with the authorities. Access "
          "to a platform should not depend on deals made out of public view. #KeepItOn",
          metrics=(900, 70, 2300, 25)),
    Other("restore_all", "pk_digital_rights_demo", "2024-04-20 12:00",
          "Two months on, human-rights groups still ask for the full restoration of internet "
          "and social-media access in Pakistan. #XBlocked #KeepItOn",
          metrics=(760, 30, 1800, 14)),
    Other("urdu_twomonths", "urdu_khabar_demo", "2024-04-21 08:00",
          "ایکس پر پابندی کو دو ماہ سے زیادہ ہو گئے ہیں۔ صارفین اب بھی وی پی این استعمال کر رہے "
          "ہیں۔", lang="ur", metrics=(400, 33, 1200, 6)),
]  # fmt: skip


# -- ids shared by both files -----------------------------------------------------------------


def own_ids() -> dict[str, str]:
    return {post.key: snowflake(post.at, post.sequence) for post in OWN}


def other_ids() -> dict[str, str]:
    ids = {}
    own = own_ids()
    for post in OTHERS:
        ids[post.key] = (
            own[post.key] if post.account == "demo_reporter" else snowflake(post.at, post.sequence)
        )
    return ids


def resolve(ref: str) -> tuple[str, str]:
    """(account, id) of a reference: an own key, "own:<key>" or "ext:<key>"."""
    if ref.startswith("ext:"):
        other = next(o for o in OTHERS if o.key == ref[4:])
        return other.account, other_ids()[other.key]
    key = ref.removeprefix("own:")
    return "demo_reporter", own_ids()[key]


def text_of(ref: str) -> str:
    if ref.startswith("ext:"):
        other = next(o for o in OTHERS if o.key == ref[4:])
        return other.text
    own = next(o for o in OWN if o.key == ref.removeprefix("own:"))
    return own.text


def retweet_text(account: str, original: str) -> str:
    """X's retweet text: "RT @account: " and the original, cut to 140 characters with "…"."""
    text = f"RT @{account}: {original}"
    return text if len(text) <= 140 else text[:139].rstrip() + "…"


def entities_for(text: str) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Hashtags and mentions of `text`, with their (string) indices, as the archive has them."""
    hashtags = [
        {"text": m.group(1), "indices": [str(m.start()), str(m.end())]}
        for m in re.finditer(r"(?<!\w)#(\w+)", text)
    ]
    mentions = []
    for m in re.finditer(r"(?<!\w)@(\w+)", text):
        account = m.group(1)
        user_id, name = USERS.get(account, ("0", account))
        mentions.append({
            "name": name, "screen_name": account, "indices": [str(m.start()), str(m.end())],
            "id_str": user_id, "id": user_id,
        })  # fmt: skip
    return hashtags, mentions


# -- the X archive ----------------------------------------------------------------------------


def build_tweet(
    post: Own, ids: dict[str, str]
) -> tuple[dict[str, object], list[tuple[str, bytes]]]:
    """The archive's tweet object for `post`, and its media files (name in tweets_media, bytes)."""
    tweet_id = ids[post.key]
    when = moment(post.at)
    urls: list[dict[str, object]] = []
    files: list[tuple[str, bytes]] = []
    if post.retweet_of:
        account, original_id = resolve(post.retweet_of)
        text = retweet_text(account, text_of(post.retweet_of))
    else:
        text = post.long_text[:274].rstrip() + "…" if post.long_text else post.text
        shorts = []
        for number, url in enumerate(post.links):
            short = tco(f"{tweet_id}-{number}")
            shorts.append(short)
            urls.append({"url": short, "expanded_url": url, "display_url": display(url)})
        if post.quote:
            account, quoted = resolve(post.quote)
            url = f"https://twitter.com/{account}/status/{quoted}"
            short = tco(f"{tweet_id}-quote")
            shorts.append(short)
            urls.append({"url": short, "expanded_url": url, "display_url": display(url)})
        text = text.format(*shorts)
    media: list[dict[str, object]] = []
    for number, picture in enumerate(post.pictures, 1):
        media_id = str(int(tweet_id) + number)
        short = tco(f"{tweet_id}-media")
        url = f"https://pbs.twimg.com/media/{picture.name}"
        item: dict[str, object] = {
            "expanded_url": f"https://x.com/demo_reporter/status/{tweet_id}/photo/{number}",
            "source_status_id": tweet_id, "indices": ["0", "0"], "url": short,
            "media_url": url.replace("https", "http"), "media_url_https": url, "id_str": media_id,
            "id": media_id, "display_url": "pic.twitter.com/" + short.rsplit("/", 1)[1],
            "type": "photo",
            "sizes": {"large": {"w": str(picture.size[0]), "h": str(picture.size[1]),
                                "resize": "fit"}},
        }  # fmt: skip
        if picture.alt:
            item["ext_alt_text"] = picture.alt
        media.append(item)
        files.append((f"{tweet_id}-{picture.name}", draw(picture)))
    if post.video:  # as X writes a video: a thumbnail's address, variants, its duration
        media_id = str(int(tweet_id) + 1)
        short = tco(f"{tweet_id}-media")
        video_base = f"https://video.twimg.com/ext_tw_video/{media_id}/pu"
        thumb = f"https://pbs.twimg.com/ext_tw_video_thumb/{media_id}/pu/img/{post.video}.jpg"
        media.append({
            "expanded_url": f"https://x.com/demo_reporter/status/{tweet_id}/video/1",
            "source_status_id": tweet_id, "indices": ["0", "0"], "url": short,
            "media_url": thumb.replace("https", "http"), "media_url_https": thumb,
            "id_str": media_id, "id": media_id,
            "display_url": "pic.twitter.com/" + short.rsplit("/", 1)[1], "type": "video",
            "ext_alt_text": "Screen recording: a browser asks for x.com, keeps loading, then "
                            "shows ‘This site can’t be reached: ERR_CONNECTION_TIMED_OUT’",
            "sizes": {"large": {"w": "320", "h": "180", "resize": "fit"}},
            "video_info": {"aspect_ratio": ["16", "9"], "duration_millis": "4000", "variants": [
                {"content_type": "application/x-mpegURL",
                 "url": f"{video_base}/pl/{post.video}.m3u8?tag=12"},
                {"bitrate": "256000", "content_type": "video/mp4",
                 "url": f"{video_base}/vid/320x180/{post.video}.mp4?tag=12"},
            ]},
        })  # fmt: skip
        files.append((f"{tweet_id}-{post.video}.mp4", demo_video()))
    if media:
        text = f"{text} {media[0]['url']}"
    full_text = html.escape(text, quote=False)
    hashtags, mentions = entities_for(text)
    for url in urls:
        start = text.find(str(url["url"]))
        url["indices"] = [str(start), str(start + len(str(url["url"])))]
    tweet: dict[str, object] = {
        "edit_info": {"initial": {"editTweetIds": [tweet_id],
                                  "editableUntil": api_date(when + timedelta(hours=1)),
                                  "editsRemaining": "5", "isEditEligible": not post.retweet_of}},
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": hashtags, "symbols": [], "user_mentions": mentions,
                     "urls": urls},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": str(post.likes),
        "id_str": tweet_id,
        "truncated": False,
        "retweet_count": str(post.reposts),
        "id": tweet_id,
        "created_at": x_date(when),
        "favorited": False,
        "full_text": full_text,
        "lang": post.lang,
    }  # fmt: skip
    if media:
        assert isinstance(tweet["entities"], dict)
        tweet["entities"]["media"] = [dict(media[0])]
        tweet["extended_entities"] = {"media": media}
        tweet["possibly_sensitive"] = False
    if post.reply_to:
        account, parent = resolve(post.reply_to)
        tweet.update({
            "in_reply_to_status_id_str": parent, "in_reply_to_status_id": parent,
            "in_reply_to_user_id": USERS[account][0], "in_reply_to_user_id_str": USERS[account][0],
            "in_reply_to_screen_name": account,
        })  # fmt: skip
    if post.deleted_at:
        tweet["deleted_at"] = x_date(moment(post.deleted_at))
    return tweet, files


def note_for(post: Own, ids: dict[str, str]) -> dict[str, object]:
    when = api_date(moment(post.at))
    hashtags = [{"text": m.group(1), "fromIndex": str(m.start()), "toIndex": str(m.end())}
                for m in re.finditer(r"(?<!\w)#(\w+)", post.long_text)]  # fmt: skip
    return {
        "noteTweet": {
            "noteTweetId": snowflake(post.at, 4000 + post.sequence),
            "updatedAt": when,
            "lifecycle": {"value": "live", "name": "Live", "originalValue": "0", "value_": "0"},
            "core": {"styletags": [], "urls": [], "text": post.long_text, "mentions": [],
                     "cashtags": [], "hashtags": hashtags},
            "createdAt": when,
        }
    }  # fmt: skip


def js(global_name: str, value: object) -> bytes:
    body = json.dumps(value, ensure_ascii=False, indent=2, separators=(",", " : "))
    return f"window.{global_name} = {body}".encode()


def build_zip() -> bytes:
    ids = own_ids()
    tweets, deleted, notes = [], [], []
    media_files: list[tuple[str, bytes]] = []
    for post in sorted(OWN, key=lambda p: p.at, reverse=True):  # newest first, as X writes
        tweet, files = build_tweet(post, ids)
        (deleted if post.deleted_at else tweets).append({"tweet": tweet})
        media_files += files
        if post.long_text:
            notes.append(note_for(post, ids))
    for post in OWN:
        text = post.long_text or post.text
        if not post.retweet_of and len(text.format(*["https://t.co/xxxxxxxxxx"] * 3)) > 280:
            assert post.long_text, f"{post.key} is longer than 280 characters"
    account = [{"account": {
        "email": "demo_reporter@example.invalid", "createdVia": "web", "username": "demo_reporter",
        "accountId": ACCOUNT_ID, "createdAt": "2019-06-03T08:00:00.000Z",
        "accountDisplayName": "Demo Reporter",
    }}]  # fmt: skip
    profile = [{"profile": {
        "description": {"bio": BIO, "website": "https://xarchive.example/demo", "location":
                        "Islamabad (invented)"},
        "avatarMediaUrl": "https://pbs.twimg.com/profile_images/demo_reporter.png",
    }}]  # fmt: skip
    data_files = {
        "data/account.js": js("YTD.account.part0", account),
        "data/profile.js": js("YTD.profile.part0", profile),
        "data/tweets.js": js("YTD.tweets.part0", tweets),
        "data/note-tweet.js": js("YTD.note_tweet.part0", notes),
        "data/deleted-tweets.js": js("YTD.deleted_tweets.part0", deleted),
    }
    size = sum(len(b) for b in data_files.values()) + sum(len(b) for _, b in media_files)

    def part(name: str, glob: str, count: int) -> dict[str, object]:
        return {"files": [{"fileName": name, "globalName": glob, "count": str(count)}]}

    manifest = {
        "userInfo": {"accountId": ACCOUNT_ID, "userName": "demo_reporter",
                     "displayName": "Demo Reporter"},
        "archiveInfo": {"sizeBytes": str(size), "generationDate": api_date(GENERATED),
                        "isPartialArchive": False, "maxPartSizeBytes": "53687091200"},
        "readmeInfo": {"fileName": "data/README.txt", "directory": "data/",
                       "name": "README.txt"},
        "dataTypes": {
            "account": part("data/account.js", "YTD.account.part0", 1),
            "profile": part("data/profile.js", "YTD.profile.part0", 1),
            "tweets": part("data/tweets.js", "YTD.tweets.part0", len(tweets)),
            "noteTweet": part("data/note-tweet.js", "YTD.note_tweet.part0", len(notes)),
            "deletedTweets": part("data/deleted-tweets.js", "YTD.deleted_tweets.part0",
                                  len(deleted)),
            "tweetsMedia": {"mediaDirectory": "data/tweets_media"},
            "deletedTweetsMedia": {"mediaDirectory": "data/deleted_tweets_media"},
        },
    }  # fmt: skip
    readme = (
        "Reconstruction for demonstration: this archive of the invented account @demo_reporter "
        "was made for the xarchive demo. It imitates the layout of an X account archive; it "
        "was not downloaded from X.\n"
    )
    viewer = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Your archive</title></head>'
        "<body><p>Reconstruction for demonstration: the offline viewer of a real archive would "
        "be here.</p></body></html>\n"
    )
    members: list[tuple[str, bytes]] = [
        ("Your archive.html", viewer.encode()),
        ("data/README.txt", readme.encode()),
        ("data/manifest.js", b"window.__THAR_CONFIG = " + json.dumps(
            manifest, indent=2, separators=(",", " : ")).encode()),
        *data_files.items(),
        *((f"data/tweets_media/{name}", data) for name, data in media_files),
    ]  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = (
                zipfile.ZIP_STORED if name.endswith((".png", ".mp4")) else (zipfile.ZIP_DEFLATED)
            )
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return out.getvalue()


# -- the twarc2 file ----------------------------------------------------------------------------


def api_tweet(post: Other, ids: dict[str, str]) -> dict[str, object]:
    tweet_id = ids[post.key]
    user_id = USERS[post.account][0]
    refs: list[dict[str, str]] = []
    urls: list[dict[str, object]] = []
    if post.retweet_of:
        original = next(o for o in OTHERS if o.key == post.retweet_of)
        text = retweet_text(original.account, original.text)
        refs.append({"type": "retweeted", "id": ids[original.key]})
    else:
        text = post.long_text[:274].rstrip() + "…" if post.long_text else post.text
        shorts = []
        for number, url in enumerate(post.links):
            short = tco(f"{tweet_id}-{number}")
            shorts.append(short)
            urls.append({"url": short, "expanded_url": url, "display_url": display(url)})
        text = text.format(*shorts)
    if post.quote:
        account, quoted = resolve(post.quote)
        url = f"https://twitter.com/{account}/status/{quoted}"
        short = tco(f"{tweet_id}-quote")
        text = f"{text} {short}"
        urls.append({"url": short, "expanded_url": url, "display_url": display(url)})
        refs.append({"type": "quoted", "id": quoted})
    media_keys = [f"3_{int(tweet_id) + n}" for n in range(1, len(post.media) + 1)]
    if post.media:
        short = tco(f"{tweet_id}-media")
        text = f"{text} {short}"
        urls.append({"url": short, "expanded_url": f"https://x.com/{post.account}/status/"
                     f"{tweet_id}/photo/1", "display_url": "pic.x.com/" + short[13:],
                     "media_key": media_keys[0]})  # fmt: skip
    for url in urls:
        start = text.find(str(url["url"]))
        url["start"], url["end"] = start, start + len(str(url["url"]))
    entities: dict[str, object] = {}
    hashtags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)}
                for m in re.finditer(r"(?<!\w)#(\w+)", text)]  # fmt: skip
    mentions = [{"start": m.start(), "end": m.end(), "username": m.group(1),
                 "id": USERS.get(m.group(1), ("0", ""))[0]}
                for m in re.finditer(r"(?<!\w)@(\w+)", text)]  # fmt: skip
    if hashtags:
        entities["hashtags"] = hashtags
    if mentions:
        entities["mentions"] = mentions
    if urls:
        entities["urls"] = urls
    reply_user = ""
    if post.reply_to:
        if post.reply_to.startswith("own:"):
            parent_account, parent = resolve(post.reply_to)
        else:
            parent_post = next(o for o in OTHERS if o.key == post.reply_to)
            parent_account, parent = parent_post.account, ids[parent_post.key]
        refs.append({"type": "replied_to", "id": parent})
        reply_user = USERS[parent_account][0]
    reposts, replies, likes, quotes = post.metrics
    tweet: dict[str, object] = {
        "edit_history_tweet_ids": [tweet_id],
        "author_id": user_id,
        "lang": post.lang,
        "created_at": api_date(moment(post.at)),
        "possibly_sensitive": False,
        "text": html.escape(text, quote=False),
        "id": tweet_id,
        "conversation_id": tweet_id,
        "reply_settings": "everyone",
        "public_metrics": {"retweet_count": reposts, "reply_count": replies, "like_count": likes,
                           "quote_count": quotes, "bookmark_count": likes // 40,
                           "impression_count": likes * 31},
    }  # fmt: skip
    if entities:
        tweet["entities"] = entities
    if refs:
        tweet["referenced_tweets"] = refs
    if reply_user:
        tweet["in_reply_to_user_id"] = reply_user
    if media_keys:
        tweet["attachments"] = {"media_keys": media_keys}
    if post.long_text:
        note_tags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)}
                     for m in re.finditer(r"(?<!\w)#(\w+)", post.long_text)]  # fmt: skip
        tweet["note_tweet"] = {"text": post.long_text, "entities": {"hashtags": note_tags}}
    return tweet


def conversation_root(post: Other, ids: dict[str, str]) -> str:
    """The id of the first post of the conversation `post` belongs to (as far as known)."""
    current: Other | Own = post
    for _ in range(20):
        parent = current.reply_to
        if not parent:
            break
        if parent.startswith("own:"):
            own = next(o for o in OWN if o.key == parent[4:])
            if not own.reply_to or own.reply_to.startswith("ext:"):
                return own_ids()[own.key] if not own.reply_to else resolve(own.reply_to)[1]
            current = own
        else:
            current = next(o for o in OTHERS if o.key == parent.removeprefix("ext:"))
    if isinstance(current, Own):
        return own_ids()[current.key]
    return ids[current.key]


def user_object(account: str) -> dict[str, object]:
    user_id, name = USERS[account]
    bio = (
        "Reconstruction for demonstration: an invented account of the xarchive demo."
        if account != "demo_reporter"
        else BIO
    )
    return {"id": user_id, "username": account, "name": name, "description": bio,
            "created_at": "2019-06-03T08:00:00.000Z", "verified": False,
            "protected": False}  # fmt: skip


def media_object(post: Other, ids: dict[str, str], number: int) -> dict[str, object]:
    name, alt = post.media[number - 1]
    item: dict[str, object] = {
        "media_key": f"3_{int(ids[post.key]) + number}", "type": "photo",
        "url": f"https://pbs.twimg.com/media/{name}.jpg", "width": 1200, "height": 675,
    }  # fmt: skip
    if alt:
        item["alt_text"] = alt
    return item


def own_as_api(key: str) -> dict[str, object]:
    """A post of the archive as the API returns it in `includes.tweets` (a referenced post)."""
    own = next(o for o in OWN if o.key == key)
    tweet_id = own_ids()[key]
    text = own.text
    tweet: dict[str, object] = {
        "edit_history_tweet_ids": [tweet_id], "author_id": ACCOUNT_ID, "lang": own.lang,
        "created_at": api_date(moment(own.at)), "text": html.escape(text, quote=False),
        "id": tweet_id, "conversation_id": tweet_id,
        "public_metrics": {"retweet_count": own.reposts, "reply_count": 1,
                           "like_count": own.likes, "quote_count": 0},
    }  # fmt: skip
    mentions = [{"start": m.start(), "end": m.end(), "username": m.group(1)}
                for m in re.finditer(r"(?<!\w)@(\w+)", text)]  # fmt: skip
    if mentions:
        tweet["entities"] = {"mentions": mentions}
    if own.reply_to:
        account, parent = resolve(own.reply_to)
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent}]
        tweet["in_reply_to_user_id"] = USERS[account][0]
        tweet["conversation_id"] = parent
    return tweet


def build_jsonl() -> bytes:
    ids = other_ids()
    ordered = sorted(OTHERS, key=lambda o: o.at, reverse=True)  # search returns newest first
    pages = [ordered[0:10], ordered[10:20], ordered[20:]]
    lines = []
    for number, page in enumerate(pages):
        data = []
        users: dict[str, dict[str, object]] = {}
        media: list[dict[str, object]] = []
        referenced: dict[str, dict[str, object]] = {}
        for post in page:
            tweet = api_tweet(post, ids)
            tweet["conversation_id"] = conversation_root(post, ids)
            data.append(tweet)
            users[post.account] = user_object(post.account)
            media += [media_object(post, ids, n) for n in range(1, len(post.media) + 1)]
            refs = [post.retweet_of, post.quote, post.reply_to]
            for ref in refs:
                if not ref:
                    continue
                if ref.startswith("own:"):
                    referenced[ref] = own_as_api(ref[4:])
                    users["demo_reporter"] = user_object("demo_reporter")
                else:
                    original = next(o for o in OTHERS if o.key == ref)
                    item = api_tweet(original, ids)
                    item["conversation_id"] = conversation_root(original, ids)
                    referenced[ref] = item
                    users[original.account] = user_object(original.account)
        response = {
            "data": data,
            "includes": {"users": list(users.values()), "media": media,
                         "tweets": list(referenced.values())},
            "meta": {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"],
                     "result_count": len(data),
                     **({"next_token": f"b26v89c19zqg8o3fo{number + 1}"} if number < 2 else {})},
            "__twarc": {
                # query: (X OR twitter) (blocked OR block OR ban) Pakistan
                "url": "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2C"
                "referenced_tweets.id%2Cin_reply_to_user_id%2Cattachments.media_keys&"
                "query=%28X+OR+twitter%29+%28blocked+OR+block+OR+ban%29+Pakistan&"
                "start_time=2024-02-01T00%3A00%3A00Z&end_time=2024-04-21T00%3A00%3A00Z"
                "&max_results=100",
                "version": "2.14.0",
                "retrieved_at": (RETRIEVED + timedelta(seconds=number)).isoformat(),
            },
        }  # fmt: skip
        lines.append(json.dumps(response, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


# -- the follow-up: a later lookup and a compliance job (posts as evidence) ----------------------

#: When the follow-up lookup and the compliance job ran (UTC).
LOOKED_UP = datetime(2024, 5, 2, 7, 30, 0, tzinfo=UTC)
COMPLIED = datetime(2024, 5, 3, 9, 0, 0, tzinfo=UTC)
#: The post the lookup finds withheld in Pakistan, and the one it no longer finds.
WITHHELD_KEY = "blanket"
DELETED_KEY = "karachi_vpn"
WITHHELD_SINCE = datetime(2024, 4, 26, 11, 0, 0, tzinfo=UTC)
DELETED_AT = datetime(2024, 4, 28, 16, 20, 0, tzinfo=UTC)
#: An edited post: the first version gave the wrong date of the next hearing.
EDITED = (
    ("2024-04-18 12:40", "The Sindh High Court has adjourned the hearing on the X shutdown "
     "to 8 May. The ministry must withdraw its 17 February letter within a week."),
    ("2024-04-18 12:46", "The Sindh High Court has adjourned the hearing on the X shutdown "
     "to 9 May. The ministry must withdraw its 17 February letter within a week. "
     "(Edited: the first version said 8 May.)"),
)  # fmt: skip


def edited_ids() -> list[str]:
    return [snowflake(at, 1) for at, _ in EDITED]


def edited_tweet(number: int) -> dict[str, object]:
    at, text = EDITED[number]
    ids = edited_ids()
    tweet_id = ids[number]
    return {
        "edit_history_tweet_ids": ids, "author_id": USERS["sindh_court_notes_demo"][0],
        "lang": "en", "created_at": api_date(moment(at)), "possibly_sensitive": False,
        "text": text, "id": tweet_id, "conversation_id": tweet_id, "reply_settings": "everyone",
        "edit_controls": {"edits_remaining": 4 - number, "is_edit_eligible": True,
                          "editable_until": api_date(moment(EDITED[0][0]) + timedelta(hours=1))},
        "public_metrics": {"retweet_count": 40 + number, "reply_count": 3, "like_count": 120,
                           "quote_count": 1, "bookmark_count": 2, "impression_count": 4100},
    }  # fmt: skip


def build_lookup() -> bytes:
    """`twarc2 tweets` of three ids on 2 May 2024: one withheld now, one gone, one edited."""
    ids = other_ids()
    blanket = next(o for o in OTHERS if o.key == WITHHELD_KEY)
    withheld = api_tweet(blanket, ids)
    withheld["conversation_id"] = conversation_root(blanket, ids)
    metrics = dict(withheld["public_metrics"])  # type: ignore[call-overload]
    metrics.update(retweet_count=3480, reply_count=236, like_count=8950, quote_count=251)
    withheld["public_metrics"] = metrics
    withheld["withheld"] = {"copyright": False, "country_codes": ["PK"], "scope": "tweet"}
    gone = ids[DELETED_KEY]
    response = {
        "data": [withheld, edited_tweet(0), edited_tweet(1)],
        "includes": {"users": [user_object(blanket.account),
                               user_object("sindh_court_notes_demo")]},
        "errors": [{"value": gone, "detail": f"Could not find tweet with ids: [{gone}].",
                    "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                    "resource_id": gone,
                    "type": "https://api.twitter.com/2/problems/resource-not-found"}],
        "__twarc": {
            "url": "https://api.twitter.com/2/tweets?expansions=author_id&ids="
            + "%2C".join([ids[WITHHELD_KEY], gone, *edited_ids()]),
            "version": "2.14.0",
            "retrieved_at": LOOKED_UP.isoformat(),
        },
    }  # fmt: skip
    return (json.dumps(response, ensure_ascii=False) + "\n").encode()


def build_compliance() -> bytes:
    """A batch compliance job of the same ids on 3 May 2024 (one line per id with news)."""
    ids = other_ids()
    gone = next(o for o in OTHERS if o.key == DELETED_KEY)
    held = next(o for o in OTHERS if o.key == WITHHELD_KEY)
    lines = [
        {"id": ids[gone.key], "action": "delete", "created_at": api_date(moment(gone.at)),
         "redacted_at": api_date(DELETED_AT), "reason": "deleted"},
        {"id": ids[held.key], "action": "withheld", "created_at": api_date(moment(held.at)),
         "redacted_at": api_date(WITHHELD_SINCE), "withheld_in_countries": ["PK"]},
    ]  # fmt: skip
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / ZIP_NAME).write_bytes(build_zip())
    (args.out / JSONL_NAME).write_bytes(build_jsonl())
    (args.out / LOOKUP_NAME).write_bytes(build_lookup())
    (args.out / COMPLIANCE_NAME).write_bytes(build_compliance())
    own = len(OWN)
    print(f"wrote {args.out / ZIP_NAME} ({own} posts, "
          f"{sum(len(p.pictures) for p in OWN)} pictures, "
          f"{sum(bool(p.video) for p in OWN)} video)")  # fmt: skip
    print(f"wrote {args.out / JSONL_NAME} ({len(OTHERS)} posts)")
    print(f"wrote {args.out / LOOKUP_NAME} and {args.out / COMPLIANCE_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
