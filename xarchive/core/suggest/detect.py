"""The detectors: what each new item may be linked to, found without reading the whole archive.

An item is *scanned* once: what the detectors need of it later is stored (the
addresses it has and mentions, the handles its OCR shows, its MinHash LSH
buckets; store/suggestions.py). Then each detector looks for partners of the
new items among everything scanned, through those tables and SQL indexes:

- **screenshot** (`shows`): an OCRed image showing an account handle (read
  with OCR errors tolerated) and nearly the text of one of that account's
  posts → image shows post, scored by how much of the post's text is in it.
- **cites**: a post linking to the address of an archived article (after
  normalising the address, urls.py) → post cites article; an article, note or
  document that mentions the address of an archived post → it cites the post.
- **near-duplicate** (`duplicate-of`, `same-event`): texts sharing most of
  their word 3-grams (MinHash LSH finds the candidates, minhash.py; the score is
  the real Jaccard similarity of the two texts) → the later one is a duplicate
  of the earlier one (very similar) or tells the same event (similar).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .. import blobs
from ..errors import ItemNotFound
from ..model import Found, Item
from ..store import items as item_store
from ..store import posts as post_store
from ..store import suggestions as store
from . import minhash, textsim, urls

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

#: Raise when what is stored per item changes: older scans are then redone (and
#: until then, new items are not compared with them for near-duplicates).
SCAN_VERSION = 1

SCREENSHOT = "screenshot"
CITES = "cites"
NEAR_DUPLICATE = "near-duplicate"
DETECTORS = (SCREENSHOT, CITES, NEAR_DUPLICATE)

#: A screenshot shows a post when at least this share of the post's text is in its OCR.
SHOWS_MIN = 0.75
#: … and the handle it shows is at least this close to the post's account.
HANDLE_MIN = 0.85
#: Posts shorter than this (normalised characters) are too short to recognise in a picture.
SHOWS_MIN_CHARS = 20
#: Jaccard similarity of word 3-grams: a duplicate from here, the same event from SAME_EVENT_MIN.
DUPLICATE_MIN = 0.8
SAME_EVENT_MIN = 0.2
#: Texts with fewer words are not compared for near-duplicates (a few words match by chance).
NEAR_DUP_MIN_WORDS = 8
#: Candidates verified per item, those sharing the most LSH buckets first.
MAX_CANDIDATES = 200
SHINGLE = 3
#: Which kinds are compared with which for near-duplicates. Pictures are not (their
#: OCR is compared with posts by the screenshot detector); a post with a note
#: that quotes it, and among articles, documents and notes.
NEAR_DUP_KINDS = {
    "post": frozenset({"post", "text"}),
    "text": frozenset({"post", "text", "article", "document"}),
    "article": frozenset({"text", "article", "document"}),
    "document": frozenset({"text", "article", "document"}),
}
#: Kinds that have an address of their own that others may cite.
CITABLE = frozenset({"article", "post", "document"})
_MAX_HTML = 5_000_000
_GRAMS_KEPT = 2048  # 8 bytes a 3-gram: a few MB


@dataclass(slots=True)
class _Cache:
    conn: sqlite3.Connection
    texts: dict[int, str] = field(default_factory=dict)
    #: word 3-grams of texts compared for near-duplicates (an item is the
    #: candidate of many new items of a batch)
    grams: dict[int, npt.NDArray[np.uint64]] = field(default_factory=dict)
    items: dict[int, Item] = field(default_factory=dict)
    accounts: list[str] | None = None
    handles: list[str] | None = None

    def item(self, item_id: int) -> Item:
        if item_id not in self.items:
            self.items[item_id] = item_store.get_item(self.conn, item_id)
        return self.items[item_id]

    def shingles(self, item_id: int) -> npt.NDArray[np.uint64]:
        grams = self.grams.get(item_id)
        if grams is None:
            if len(self.grams) >= _GRAMS_KEPT:  # the oldest go
                del self.grams[next(iter(self.grams))]
            grams = self.grams[item_id] = textsim.shingles(
                textsim.words(self.text(item_id)), SHINGLE
            )
        return grams

    def text(self, item_id: int) -> str:
        if item_id not in self.texts:
            pages = item_store.pages(self.conn, item_id)
            self.texts[item_id] = "\n".join(p.text for p in pages)[: textsim.MAX_CHARS]
        return self.texts[item_id]

    def known_accounts(self) -> list[str]:
        if self.accounts is None:
            self.accounts = post_store.accounts_posting(self.conn)
        return self.accounts

    def handles_read(self) -> list[str]:
        if self.handles is None:
            self.handles = store.handles_read(self.conn)
        return self.handles


# -- scanning: what is remembered of each item ------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScanFacts:
    """What scanning remembers of one item: its own addresses, those it mentions
    (and handles read in a picture, "@name"), and its MinHash LSH buckets."""

    own: frozenset[str]
    mentions: frozenset[str]
    buckets: tuple[int, ...] = ()


def file_facts(
    kind: str, source_url: str, media_type: str, pages: Sequence[str], original: Path | None
) -> ScanFacts:
    """ScanFacts of an item read from a file (not a post), from what its importer
    found and its original at `original`: computed where the file is read (an
    import's worker), so that the one writer only stores them."""
    text = "\n".join(pages)[: textsim.MAX_CHARS]
    own: set[str] = set()
    mentions: set[str] = set()
    if kind == "article":
        if source_url:
            own.add(urls.normalise_url(source_url))
        mentions.update(urls.post_urls_in_text(text))
        if original is not None and "html" in media_type:
            mentions.update(_html_post_urls_in(original))
    elif kind in ("text", "document"):
        if source_url:
            own.add(urls.normalise_url(source_url))
        mentions.update(urls.urls_in_text(text))
    elif kind == "image":
        mentions.update("@" + h for h in textsim.handles_in(text))
    mentions -= own
    return ScanFacts(frozenset(own), frozenset(mentions), _buckets(kind, text))


def _buckets(kind: str, text: str, is_retweet: bool = False) -> tuple[int, ...]:
    if kind in NEAR_DUP_KINDS and not is_retweet:
        tokens = textsim.words(text)
        if len(tokens) >= NEAR_DUP_MIN_WORDS:
            sig = minhash.signature(textsim.shingle_strings(tokens, SHINGLE))
            return tuple(minhash.buckets(sig))
    return ()


def scan_items(
    conn: sqlite3.Connection,
    blobs_dir: Path,
    item_ids: Sequence[int],
    now: str,
    facts: Mapping[int, ScanFacts] | None = None,
) -> None:
    """Store what the detectors need of these items (replacing what was stored), their
    rows written together. In a transaction. `facts`: of some of them, computed
    beforehand (file_facts); the others' are computed here from the database.

    An item's 64 band buckets went in by a statement of their own, each at a random
    place of the table's two b-trees (buckets are hashes): 0.49 s for 1 000 items beside
    20 000 others; all of a chunk's at once, in the table's order, 0.27 s."""
    known = facts or {}
    found: dict[int, ScanFacts] = {}
    for item_id in item_ids:
        given = known.get(item_id)
        found[item_id] = given if given is not None else _facts(conn, blobs_dir, item_id)
    store.forget_scans(conn, list(found))
    store.add_urls(conn, [(item_id, "self", f.own) for item_id, f in found.items()])
    store.add_urls(conn, [(item_id, "mentions", f.mentions) for item_id, f in found.items()])
    store.add_bands(conn, [(item_id, f.buckets) for item_id, f in found.items() if f.buckets])
    store.mark_scanned(conn, list(found), SCAN_VERSION, now)


def _facts(conn: sqlite3.Connection, blobs_dir: Path, item_id: int) -> ScanFacts:
    item = item_store.get_item(conn, item_id)
    pages = [p.text for p in item_store.pages(conn, item_id)]
    if item.kind != "post":
        original = blobs.blob_path(blobs_dir, item.sha256) if "html" in item.media_type else None
        return file_facts(item.kind, item.source_url, item.media_type, pages, original)
    text = "\n".join(pages)[: textsim.MAX_CHARS]
    own: set[str] = set()
    mentions: set[str] = set()
    is_retweet = False
    try:
        post = post_store.get_post(conn, item_id)
    except ItemNotFound:  # a post item without its row: nothing post-like to remember
        post = None
    if post is not None:
        is_retweet = post.is_retweet
        own.add(urls.post_url(post.post_id))
        if post.url:
            own.add(urls.normalise_url(post.url))
        mentions.update(urls.normalise_url(expanded) for _, expanded in post.links)
        mentions.update(urls.urls_in_text(text))
    mentions -= own
    return ScanFacts(frozenset(own), frozenset(mentions), _buckets(item.kind, text, is_retweet))


def _html_post_urls_in(path: Path) -> list[str]:
    """Posts' addresses in the original HTML of an article (links, embedded posts)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_HTML)
    except OSError:
        log.warning("could not read the original %s", path, exc_info=True)
        return []
    return list(urls.post_urls_in_html(raw.decode("utf-8", errors="replace")))


# -- detecting ---------------------------------------------------------------------------------


def detect(conn: sqlite3.Connection, item_ids: Sequence[int]) -> list[Found]:
    """Suggestions for these (scanned) items against everything scanned."""
    cache = _Cache(conn)
    found: list[Found] = []
    for item_id in item_ids:
        try:
            item = cache.item(item_id)
        except ItemNotFound:
            continue  # deleted meanwhile
        found.extend(_cites(cache, item))
        found.extend(_shows(cache, item))
        found.extend(_near_duplicates(cache, item))
    return found


def _title(item: Item) -> str:
    title = " ".join(item.title.split())
    return title if len(title) <= 70 else title[:69].rstrip() + "…"


def _named(item: Item) -> str:
    if item.kind == "post":
        return f"the post “{_title(item)}”"
    return f"the {item.kind} “{_title(item)}”"


def _cites(cache: _Cache, item: Item) -> Iterable[Found]:
    conn = cache.conn
    if item.kind not in ("post", "article", "text", "document"):
        return
    # this item mentions the address of another
    for url in store.urls_of(conn, item.id, "mentions"):
        if url.startswith("@"):
            continue
        for other_id in store.items_with_url(conn, url, "self"):
            other = cache.item(other_id)
            if other.id == item.id or other.kind not in CITABLE:
                continue
            yield _cite(item, other, url)
    # another item mentions this item's address
    if item.kind not in CITABLE:
        return
    for url in store.urls_of(conn, item.id, "self"):
        for other_id in store.items_with_url(conn, url, "mentions"):
            other = cache.item(other_id)
            if other.id == item.id or other.kind not in ("post", "article", "text", "document"):
                continue
            yield _cite(other, item, url)


def _cite(source: Item, target: Item, url: str) -> Found:
    if source.kind == "post":
        reason = f"The post links to {url}, the address of {_named(target)}."
    else:
        reason = f"The {source.kind} mentions {url}, the address of {_named(target)}."
    return Found(source.id, target.id, "cites", 0.95, reason, CITES)


def _shows(cache: _Cache, item: Item) -> Iterable[Found]:
    conn = cache.conn
    if item.kind == "image":
        read = [h[1:] for h in store.urls_of(conn, item.id, "mentions") if h.startswith("@")]
        if not read:
            return
        scored: list[tuple[float, Found]] = []
        for account in cache.known_accounts():
            handle_score = textsim.best_handle(read, account)
            if handle_score < HANDLE_MIN:
                continue
            for post_id in post_store.own_posts_of(conn, account):
                shown = _score_shows(cache, item, post_id, read, account, handle_score)
                if shown is not None:
                    scored.append((shown.score, shown))
        if scored:
            best = max(score for score, _ in scored)
            yield from (f for score, f in scored if score >= best - 0.1)
    elif item.kind == "post":
        account = post_store.own_account(conn, item.id)
        if not account:
            return
        for seen in cache.handles_read():
            handle_score = textsim.handle_similarity(seen, account)
            if handle_score < HANDLE_MIN:
                continue
            for image_id in store.items_with_url(conn, "@" + seen, "mentions"):
                image = cache.item(image_id)
                if image.kind != "image":
                    continue
                shown = _score_shows(cache, image, item.id, [seen], account, handle_score)
                if shown is not None:
                    yield shown


def _score_shows(
    cache: _Cache, image: Item, post_id: int, read: Sequence[str], account: str, handle: float
) -> Found | None:
    if post_id in post_store.posts_showing(cache.conn, image.id):
        return None  # a picture attached to the post is not a screenshot of it
    post_text = cache.text(post_id)
    if len(" ".join(textsim.words(post_text))) < SHOWS_MIN_CHARS:
        return None
    ocr = cache.text(image.id)
    chars = textsim.containment(post_text, ocr)
    if chars < SHOWS_MIN - 0.1:
        return None
    tokens = textsim.token_containment(post_text, ocr)
    score = 0.7 * chars + 0.3 * tokens
    if score < SHOWS_MIN:
        return None
    shown_as = next((r for r in read if textsim.handle_similarity(r, account) == handle), account)
    as_read = "" if shown_as == account.lower() else f" (read as “@{shown_as}”)"
    reason = (
        f"The picture shows the handle @{account}{as_read} and {round(score * 100)}% of the "
        f"text of {_named(cache.item(post_id))}: it looks like a screenshot of that post."
    )
    return Found(image.id, post_id, "shows", score, reason, SCREENSHOT)


def _near_duplicates(cache: _Cache, item: Item) -> Iterable[Found]:
    partners = NEAR_DUP_KINDS.get(item.kind)
    if partners is None:
        return
    candidates = store.band_neighbours(cache.conn, item.id, MAX_CANDIDATES)
    if not candidates:
        return
    mine = cache.shingles(item.id)
    for other_id, _shared in candidates:
        try:
            other = cache.item(other_id)
        except ItemNotFound:
            continue
        if other.kind not in partners:
            continue
        theirs = cache.shingles(other_id)
        similarity = textsim.jaccard(mine, theirs)
        if similarity < SAME_EVENT_MIN:
            continue
        later, earlier = sorted((item, other), key=lambda i: (i.date, i.id), reverse=True)
        percent = round(similarity * 100)
        if similarity >= DUPLICATE_MIN:
            relation = "duplicate-of"
            reason = (
                f"{percent}% of their word sequences are the same: {_named(later)} repeats "
                f"{_named(earlier)}, which is older."
            )
        else:
            relation = "same-event"
            reason = (
                f"{percent}% of their word sequences are the same: {_named(later)} and "
                f"{_named(earlier)} probably tell the same story."
            )
        yield Found(later.id, earlier.id, relation, similarity, reason, NEAR_DUPLICATE)
