"""data/items.json: the items' metadata, written from an archive and read back with care.

The schema (version `FORMAT_VERSION`) is documented in docs/bundle-format.md.
`items_document` writes it; `parse_items` reads it and refuses, with the item
and field named, anything that is not as documented, before anything is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from ..model import KINDS, Item, Page, PostSource, Source
from ..posts.evidence import (
    EvidenceFields,
    EvidenceMemo,
    evidence_fields,
    evidence_memo,
    evidence_record,
)
from ..store import items as item_store
from ..store import ocr_words as ocr_word_store
from ..store import posts as post_store
from ..store import runs
from ..words import Word
from .errors import BundleRejected
from .layout import FORMAT_NAME, FORMAT_VERSION, ITEMS_DIR, ITEMS_JSON

if TYPE_CHECKING:
    import sqlite3

_SHA = re.compile(r"[0-9a-f]{64}\Z")
#: What items.json says of a post and of an item beside their lists and numbers: fields
#: of `Post` and `Item` (core/model/) by their names, written and checked from these
#: lists. They are the bundle's format (docs/bundle-format.md), not derived from the
#: records: a field new to the archive travels when the format says so.
_POST_TEXT = (
    "platform_id", "account", "display_name", "account_id", "url", "original_text",
    "reply_to_id", "reply_to_account", "quote_of_id", "retweet_of_id", "retweet_of_account",
    "conversation_id", "deleted_at", "counts_seen_at",
)  # fmt: skip
_POST_FLAGS = ("is_retweet", "is_deleted", "is_long", "is_referenced")
_ITEM_TEXT = (
    "kind", "title", "original_name", "original_path", "media_type", "language", "published_at",
    "captured_at", "imported_at", "author", "source_url", "source_root", "ocr_status",
)  # fmt: skip


# -- writing -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordRows:
    """What the records of a bundle's items are made of, read for all of them at once
    (`record_rows`): a few statements for hundreds of items, not a dozen for each."""

    pages: Mapping[int, Sequence[Page]]
    words: Mapping[int, Mapping[int, tuple[Word, ...]]]
    sources: Mapping[int, Sequence[Source]]
    post_sources: Mapping[int, Sequence[PostSource]]
    #: The posts' `evidence_fields`.
    evidence: Mapping[int, EvidenceFields]
    #: What the posts' evidence records read (`evidence_memo`).
    memo: EvidenceMemo
    #: The import runs the items name, as items.json has them, by id (filled as read).
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)


def record_rows(conn: sqlite3.Connection, items: Sequence[Item]) -> RecordRows:
    """What `item_record` needs of these items, read at once."""
    ids = [i.id for i in items]
    posts = [i.id for i in items if i.kind == "post"]
    return RecordRows(
        item_store.pages_of_items(conn, ids), ocr_word_store.page_words_of_items(conn, ids),
        item_store.sources_of_items(conn, ids), post_store.post_sources_of_items(conn, posts),
        evidence_fields(conn, posts), evidence_memo(conn, posts),
    )  # fmt: skip


def item_record(
    conn: sqlite3.Connection, item: Item, role: str, file: str, rows: RecordRows
) -> dict[str, Any]:
    """One entry of items.json: the item's metadata, pages, provenance and (a post) its post.

    `rows`: the bundle's items' `record_rows`, read once for all of them.
    """
    record: dict[str, Any] = {
        "id": item.id,
        "sha256": item.sha256,
        "file": file,
        "role": role,
        "size": item.size,
    }
    for name in _ITEM_TEXT:
        record[name] = getattr(item, name)
    record["warnings"] = list(item.warnings)
    record["extra"] = item.extra
    boxes = rows.words.get(item.id, {})
    record["pages"] = [
        _page_record(p.page_no, p.text, p.from_ocr, boxes.get(p.page_no, ()))
        for p in rows.pages.get(item.id, ())
    ]
    run_cache = rows.runs

    def run(run_id: int) -> dict[str, Any]:
        if run_id not in run_cache:
            r = runs.get_run(conn, run_id)
            run_cache[run_id] = {
                "id": r.id,
                "started_at": r.started_at,
                "user": r.user_name,
                "xarchive_version": r.tool_version,
                "sources": list(r.sources),
            }
        return run_cache[run_id]

    record["provenance"] = {
        "import_run": run(item.import_run_id),
        "sources": [
            {"path": s.path, "root": s.root, "seen_at": s.seen_at, "run": run(s.run_id)}
            for s in rows.sources.get(item.id, ())
        ],
    }
    record["post"] = _post_record(conn, item, rows) if item.kind == "post" else None
    return record


def _post_record(conn: sqlite3.Connection, item: Item, rows: RecordRows) -> dict[str, Any] | None:
    try:
        post = post_store.get_post(conn, item.id)
    except Exception:  # an item of kind post without its row: export it as an item
        return None
    shas = {
        m.item_id: item_store.get_item(conn, m.item_id).sha256
        for m in post.media
        if m.item_id is not None
    }
    return {
        **{name: getattr(post, name) for name in (*_POST_TEXT, *_POST_FLAGS)},
        "hashtags": list(post.hashtags),
        "mentions": list(post.mentions),
        "links": [list(pair) for pair in post.links],
        "counts": post.counts,
        "media": [
            {
                "position": m.position,
                "sha256": shas.get(m.item_id) if m.item_id is not None else None,
                "key": m.key,
                "type": m.type,
                "url": m.url,
                "alt_text": m.alt_text,
                "member": m.member,
            }
            for m in post.media
        ],
        "sources": [
            {
                "container": s.container_name,
                "container_kind": s.container_kind,
                "member": s.member,
                "locator": s.locator,
                "record_sha256": s.record_sha256,
                "seen_at": s.seen_at,
            }
            for s in rows.post_sources.get(item.id, ())
        ],
        # withheld, versions, deletion, events, captures compared, the account (issue 13)
        "evidence": evidence_record(conn, item.id, rows.evidence.get(item.id), rows.memo),
    }


def items_document(
    records: Sequence[Mapping[str, Any]], bundle: Mapping[str, Any]
) -> dict[str, Any]:
    """The whole of items.json: the format, what the bundle is, and the items."""
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "bundle": dict(bundle),
            "items": list(records)}  # fmt: skip


def dumps(document: Mapping[str, Any]) -> bytes:
    """`document` as JSON in UTF-8: each of its fields on a line, and each element of a
    list field.

    Encoded by orjson, ten times quicker than the standard library's C encoder (whose
    `indent` is pure Python, several times slower again); a document orjson refuses (an
    integer beyond 64 bits in an item's `extra`) is written by the standard library.
    """
    try:
        return _dumps(document, _orjson)
    except orjson.JSONEncodeError:
        return _dumps(document, _stdlib)


def _orjson(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def _stdlib(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _dumps(document: Mapping[str, Any], encode: Callable[[Any], bytes]) -> bytes:
    # The pieces joined once: joined by list, then by field, then braced, the 7 MB of a
    # thousand items' records were copied four times more (each copy new memory)
    parts = [b"{"]
    for number, (key, value) in enumerate(document.items()):
        parts += (b",\n " if number else b"", encode(key), b": ")
        if isinstance(value, list) and value:
            parts.append(b"[\n  ")
            for index, element in enumerate(value):
                parts += (b",\n  " if index else b"", encode(element))
            parts.append(b"\n ]")
        else:
            parts.append(encode(value))
    parts.append(b"}\n")
    return b"".join(parts)


def _page_record(page: int, text: str, from_ocr: bool, words: Sequence[Word]) -> dict[str, Any]:
    record: dict[str, Any] = {"page": page, "text": text, "from_ocr": from_ocr}
    if words:  # the boxes OCR read, so that the importing archive marks hits on the scan
        record["words"] = [
            [w.text, round(w.x, 4), round(w.y, 4), round(w.w, 4), round(w.h, 4), w.line]
            for w in words
        ]
    return record


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BundledPage:
    page: int
    text: str
    from_ocr: bool
    #: The words OCR read on the page with their boxes (empty: none were kept).
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class BundledItem:
    """One item of items.json, checked: what an import needs to recreate it."""

    source_id: int
    sha256: str
    file: str
    role: str
    size: int
    fields: dict[str, str]  # _ITEM_TEXT
    warnings: tuple[str, ...]
    extra: dict[str, Any]
    pages: tuple[BundledPage, ...]
    provenance: dict[str, Any]
    post: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class BundledItems:
    bundle: dict[str, Any]
    items: tuple[BundledItem, ...]


class _Bad(Exception):
    pass


def parse_items(data: bytes, bundle_name: str) -> BundledItems:
    """Read items.json; BundleRejected naming the item and field for anything not as documented."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleRejected(bundle_name, [f"{ITEMS_JSON} is not valid JSON ({exc})"]) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise BundleRejected(bundle_name, [f"{ITEMS_JSON} is not an xarchive bundle's item list"])
    version = document.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise BundleRejected(
            bundle_name,
            [f"{ITEMS_JSON} has format version {version!r}; this xarchive reads up to "
             f"{FORMAT_VERSION}: update xarchive"],
        )  # fmt: skip
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise BundleRejected(bundle_name, [f"{ITEMS_JSON} has no list of items"])
    bundle = document.get("bundle")
    items: list[BundledItem] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_items, 1):
        try:
            item = _item(raw)
            if item.sha256 in seen:
                raise _Bad(f"its sha256 {item.sha256} is that of an earlier item")
            seen.add(item.sha256)
            items.append(item)
        except _Bad as exc:
            problems.append(f"{ITEMS_JSON}: item {number}: {exc}")
    if problems:
        raise BundleRejected(bundle_name, problems)
    return BundledItems(bundle if isinstance(bundle, dict) else {}, tuple(items))


def _get(raw: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = raw.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _Bad(f"‘{key}’ must be {name}, not {type(value).__name__}")
    return value


def _item(raw: Any) -> BundledItem:
    if not isinstance(raw, dict):
        raise _Bad("is not an object")
    sha = _get(raw, "sha256", str)
    if not _SHA.match(sha):
        raise _Bad(f"‘sha256’ {sha[:80]!r} is not 64 lower-case hex digits")
    file = _get(raw, "file", str)
    if (
        not file.startswith(ITEMS_DIR + "/")
        or "/" in file[len(ITEMS_DIR) + 1 :]
        or (file.endswith("/") or file[len(ITEMS_DIR) + 1 :] in ("", ".", ".."))
    ):
        raise _Bad(f"‘file’ {file[:80]!r} is not a file in {ITEMS_DIR}/")
    fields = {name: _get(raw, name, str) for name in _ITEM_TEXT}
    if fields["kind"] not in KINDS:
        raise _Bad(f"‘kind’ {fields['kind'][:40]!r} is not one of {', '.join(KINDS)}")
    size = _get(raw, "size", int)
    source_id = _get(raw, "id", int)
    role = _get(raw, "role", str)
    if role not in ("selected", "context"):
        raise _Bad("‘role’ must be selected or context")
    warnings = _get(raw, "warnings", list)
    if not all(isinstance(w, str) for w in warnings):
        raise _Bad("‘warnings’ must be a list of text")
    extra = _get(raw, "extra", dict)
    pages = []
    for number, page in enumerate(_get(raw, "pages", list), 1):
        if not isinstance(page, dict):
            raise _Bad(f"page {number} is not an object")
        if _get(page, "page", int) != number:
            raise _Bad(f"pages must be numbered 1, 2, … in order (page {number})")
        words = _words(page["words"], number) if "words" in page else ()
        pages.append(
            BundledPage(number, _get(page, "text", str), bool(page.get("from_ocr")), words)
        )
    if not pages:
        raise _Bad("has no pages (an item without text has one empty page)")
    provenance = raw.get("provenance") or {}
    if not isinstance(provenance, dict):
        raise _Bad("‘provenance’ must be an object")
    post = raw.get("post")
    if post is not None:
        post = _post(post)
    return BundledItem(source_id, sha, file, role, size, fields, tuple(warnings), extra,
                       tuple(pages), provenance, post)  # fmt: skip


def _words(raw: Any, page: int) -> tuple[Word, ...]:
    """A page's OCR words, [text, x, y, w, h, line] each, boxes in fractions of the page."""
    if not isinstance(raw, list):
        raise _Bad(f"page {page}: ‘words’ must be a list, not {type(raw).__name__}")
    found = []
    for number, row in enumerate(raw, 1):
        where = f"page {page}: word {number}"
        if not isinstance(row, list) or len(row) != 6:
            raise _Bad(f"{where} must be [text, x, y, w, h, line]")
        text, *box, line = row
        if not isinstance(text, str) or not text.strip():
            raise _Bad(f"{where}: its text must be a non-empty string")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in box):
            raise _Bad(f"{where}: x, y, w and h must be numbers")
        x, y, w, h = (float(v) for v in box)
        # Rounding to 1/10 000 may carry a box's far edge a hair past the page's.
        if not (min(x, y, w, h) >= 0 and x + w <= 1.001 and y + h <= 1.001):
            raise _Bad(f"{where}: its box {box} is not inside the page (fractions 0 to 1)")
        if not isinstance(line, int) or isinstance(line, bool) or line < 0:
            raise _Bad(f"{where}: its line must be a whole number, 0 or more")
        found.append(Word(text, x, y, w, h, line))
    return tuple(found)


def _post(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _Bad("‘post’ must be an object")
    post: dict[str, Any] = {name: _get(raw, name, str) for name in _POST_TEXT}
    if not post["platform_id"]:
        raise _Bad("the post has no platform_id")
    for name in _POST_FLAGS:
        post[name] = _get(raw, name, bool)
    for name in ("hashtags", "mentions"):
        values = _get(raw, name, list)
        if not all(isinstance(v, str) for v in values):
            raise _Bad(f"the post's ‘{name}’ must be a list of text")
        post[name] = values
    links = _get(raw, "links", list)
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(v, str) for v in p)
               for p in links):  # fmt: skip
        raise _Bad("the post's ‘links’ must be pairs of text")
    post["links"] = links
    counts = _get(raw, "counts", dict)
    if not all(isinstance(v, int) for v in counts.values()):
        raise _Bad("the post's ‘counts’ must be numbers")
    post["counts"] = counts
    media = []
    for m in _get(raw, "media", list):
        if not isinstance(m, dict):
            raise _Bad("a medium of the post is not an object")
        sha = m.get("sha256")
        if sha is not None and not (isinstance(sha, str) and _SHA.match(sha)):
            raise _Bad("a medium of the post has a bad sha256")
        entry = {k: _get(m, k, str) for k in ("key", "type", "url", "alt_text", "member")}
        media.append({"position": _get(m, "position", int), "sha256": sha, **entry})
    post["media"] = media
    post["sources"] = raw.get("sources") if isinstance(raw.get("sources"), list) else []
    post["evidence"] = _evidence(raw.get("evidence"))
    return post


_PLATFORM_ID = re.compile(r"[a-z]{1,12}:\d{1,25}\Z")
#: What an event names: a post or account by id, or an account by handle ("x:@name").
_EVENT_TARGET = re.compile(r"[a-z]{1,12}:(?:\d{1,25}|@\w{1,50})\Z")
_COUNTRY = re.compile(r"[A-Z]{2}\Z")


def _evidence(raw: Any) -> dict[str, Any]:
    """A post's `evidence` (posts/evidence.py `evidence_record`), checked: what an import
    keeps of it (withheld, versions, events, account); {} for a bundle made before it."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _Bad("the post's ‘evidence’ must be an object")
    found: dict[str, Any] = {}
    held = raw.get("withheld")
    if held is not None:
        if not isinstance(held, dict):
            raise _Bad("the post's evidence ‘withheld’ must be an object")
        codes = _get(held, "country_codes", list)
        if not all(isinstance(c, str) and _COUNTRY.match(c) for c in codes):
            raise _Bad("the post's withheld ‘country_codes’ must be two-letter codes")
        found["withheld"] = {
            "country_codes": codes, "scope": _get(held, "scope", str),
            "copyright": held.get("copyright") is True, "via": _get(held, "via", str),
            "first_seen_at": _get(held, "first_seen_at", str),
        }  # fmt: skip
    versions = []
    for version in _get(raw, "versions", list):
        platform_id = version.get("platform_id") if isinstance(version, dict) else None
        if not (isinstance(platform_id, str) and _PLATFORM_ID.match(platform_id)):
            raise _Bad("a version of the post has no platform_id like x:1758…")
        versions.append(platform_id)
    found["versions"] = versions
    events = []
    for event in _get(raw, "events", list):
        if not isinstance(event, dict):
            raise _Bad("an event of the post is not an object")
        entry = {k: _get(event, k, str) for k in ("subject", "platform_id", "action", "at",
                                                  "label", "source", "where")}  # fmt: skip
        if entry["subject"] not in ("post", "account") or not _EVENT_TARGET.match(
            entry["platform_id"]
        ):
            raise _Bad("an event of the post names no post or account by platform id")
        events.append(entry)
    found["events"] = events
    account = raw.get("account")
    if isinstance(account, dict) and _PLATFORM_ID.match(str(account.get("platform_id", ""))):
        found["account"] = {
            "platform_id": str(account["platform_id"]), "handle": _get(account, "handle", str),
            "display_name": _get(account, "display_name", str),
            "seen_at": _get(account, "seen_at", str),
        }  # fmt: skip
    found["captures"] = [_capture(c) for c in _get(raw, "captures", (list, type(None))) or []]
    return found


def _capture(raw: Any) -> dict[str, Any]:
    """A capture of a post as `evidence_record` lists it: when, where it was read, its
    record (a file of the bag, or None) and what it said (None: unknown)."""
    if not isinstance(raw, dict):
        raise _Bad("a capture of the post is not an object")
    found = {k: _get(raw, k, str) for k in ("captured_at", "source", "container", "where")}
    sha = _get(raw, "record_sha256", str)
    if not _SHA.match(sha):
        raise _Bad("a capture's ‘record_sha256’ is not 64 lower-case hex digits")
    found["record_sha256"] = sha
    found["record_file"] = _get(raw, "record_file", (str, type(None)))
    state = raw.get("state")
    found["state"] = None if state is None else _capture_state(state)
    return found


_STATE_TEXT = ("text", "reply_to_id", "quote_of_id", "retweet_of_id", "deleted_at", "account",
               "display_name")  # fmt: skip


def _capture_state(raw: Any) -> dict[str, Any]:
    """What a capture said (`ExtractedPost.state`, core/model/containers.py), field by field."""
    if not isinstance(raw, dict):
        raise _Bad("a capture's ‘state’ must be an object")
    state: dict[str, Any] = {k: _get(raw, k, str) for k in _STATE_TEXT}
    counts = _get(raw, "counts", dict)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in counts.values()):
        raise _Bad("a capture's ‘counts’ must be whole numbers by name")
    media = _get(raw, "media", list)
    if not all(isinstance(m, list) and len(m) == 2 and all(isinstance(x, str) for x in m)
               for m in media):  # fmt: skip
        raise _Bad("a capture's ‘media’ must be [type, key] pairs")
    edits = _get(raw, "edit_ids", list)
    if not all(isinstance(e, str) and _PLATFORM_ID.match(e) for e in edits):
        raise _Bad("a capture's ‘edit_ids’ must be platform ids like x:1758…")
    held = raw.get("withheld")
    if held is not None:
        codes = _get(held, "country_codes", list) if isinstance(held, dict) else None
        if codes is None or not all(isinstance(c, str) and _COUNTRY.match(c) for c in codes):
            raise _Bad("a capture's ‘withheld’ must name two-letter country codes")
        held = {"country_codes": codes, "scope": _get(held, "scope", str),
                "copyright": held.get("copyright") is True}  # fmt: skip
    state.update(counts=counts, media=media, edit_ids=edits, withheld=held,
                 deleted=raw.get("deleted") is True)  # fmt: skip
    return state
