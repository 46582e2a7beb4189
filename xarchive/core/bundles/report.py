"""The bundle's static report: data/report/index.html and one page per item.

Plain HTML and CSS that any browser opens from the bag, offline: no script, no
remote resource, no file outside the bag (a Content-Security-Policy says so to
the browser too). Every text from the archive is HTML-escaped; web addresses
are shown as text, never as links that would leave the bag.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..model import Annotation, ItemTag, Link
from ..sensitive import SENSITIVE_TAG
from .layout import report_page

CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'self' 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
STYLESHEET = "style.css"
_SAFE_COLOUR = re.compile(r"#[0-9a-f]{3}(?:[0-9a-f]{3})?\Z|[a-z]{3,20}\Z")

CSS = """\
body { font: 15px/1.5 system-ui, "Noto Sans", "DejaVu Sans", sans-serif; margin: 2em auto;
       max-width: 60em; padding: 0 1em; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: start; vertical-align: top; padding: .25em .5em;
         border-bottom: 1px solid #ddd; }
th { white-space: nowrap; color: #555; font-weight: 600; }
code, .sha { font-family: "DejaVu Sans Mono", monospace; font-size: .85em; word-break: break-all; }
.context { color: #666; } .tag { background: #eef; border-radius: .3em; padding: 0 .4em; }
.text { white-space: pre-wrap; border: 1px solid #ddd; padding: 1em; background: #fafafa; }
mark { background: #ffe97a; } mark sup, .region span { font-size: .75em; font-weight: 700; }
.figure { position: relative; display: inline-block; max-width: 100%; }
.figure img, .figure video { display: block; max-width: 100%; height: auto; }
details.sensitive summary { cursor: pointer; padding: .6em; background: #333; color: #fff; }
.region { position: absolute; border: 3px solid #e53935; box-sizing: border-box; }
.region span { background: #e53935; color: #fff; padding: 0 .3em; position: absolute; top: 0;
               left: 0; }
.notice { background: #fff4e5; border: 1px solid #f0c36d; padding: .5em 1em; }
.timeline { list-style: none; padding-left: 0; }
.timeline li { padding-left: 1.5em; }
.timeline li.month { margin-top: 1em; padding-left: 0; font-weight: 600; }
"""


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One item as its page shows it: its items.json record and what is said about it."""

    record: Mapping[str, Any]
    annotations: Sequence[Annotation] = ()
    tags: Sequence[ItemTag] = ()
    links: Sequence[Link] = ()  # from this item
    backlinks: Sequence[Link] = ()  # to this item

    @property
    def id(self) -> int:
        return int(self.record["id"])

    @property
    def date(self) -> str:
        r = self.record
        return str(r.get("published_at") or r.get("captured_at") or r.get("imported_at") or "")


@dataclass(frozen=True, slots=True)
class ReportInfo:
    title: str
    fields: Sequence[tuple[str, str]]  # as bag-info.txt has them
    notes_included: bool
    items: Sequence[ReportItem] = field(default_factory=list)


def render(info: ReportInfo) -> dict[str, str]:
    """Every file of data/report/ by its path there: HTML pages and the stylesheet."""
    by_sha = {str(i.record["sha256"]): i for i in info.items}
    files = {STYLESHEET: CSS, "index.html": _index(info)}
    for item in info.items:
        files[report_page(item.id)] = _item_page(item, by_sha, info)
    return files


def _page(title: str, body: str, depth: int) -> str:
    up = "../" * depth
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{up}{STYLESHEET}">\n</head>\n'
        f"<body>\n{body}</body>\n</html>\n"
    )


def _e(value: Any) -> str:
    """`value` as HTML text or attribute: html.escape(str(value)), written out: called
    thirty thousand times for a thousand items' pages, its calls were a twentieth of the
    report's time."""
    text = value if type(value) is str else str(value)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&quot;").replace("'", "&#x27;")
    )  # fmt: skip


def _content(text: str) -> str:
    """`text` as the content of an element (never an attribute): only &, < and > need
    escaping there. The pages' texts are most of the report's bytes, and each of the two
    scans for quotes that `_e` adds went through all of them (apostrophes are common)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: What the report's reader is told each field of bag-info.txt is (its own name is in
#: the label's tooltip, to find it in the file): "X-Xarchive-Custody-Head" means
#: nothing to a court clerk.
READER_LABELS = {
    "Source-Organization": "Organisation",
    "External-Description": "Description",
    "Bagging-Date": "Bundled on",
    "Bag-Software-Agent": "Made with",
    "Contact-Name": "Exported by",
    "X-Xarchive-Archive": "From the archive",
    "X-Xarchive-Selection": "Items chosen by",
    "X-Xarchive-Exported-At": "Exported at (UTC)",
    "X-Xarchive-Items": "Items",
    "X-Xarchive-Notes": "Notes",
    "X-Xarchive-Custody-Head": "Last entry of the archive's audit log (number and hash)",
    "X-Xarchive-Signer-Key": "Signed with the key",
}


def _index(info: ReportInfo) -> str:
    parts = [f"<h1>{_e(info.title)}</h1>\n", '<table class="info">\n']
    for key, value in info.fields:
        label = READER_LABELS.get(key, key)
        parts.append(
            f'<tr><th title="{_e(key)} in bag-info.txt">{_e(label)}</th><td>{_e(value)}</td></tr>\n'
        )
    parts.append("</table>\n")
    if not info.notes_included:
        parts.append("<p class=\"notice\">Notes were left out of this bundle: it holds the "
                     "items, their highlights, region marks, tags and links, without the notes "
                     "written on them.</p>\n")  # fmt: skip
    parts.append("<h2 id=\"contents\">Contents</h2>\n<table>\n<tr><th>#</th><th>Title</th>"
                 "<th>Kind</th><th>Date</th><th>SHA-256 of the original</th></tr>\n")  # fmt: skip
    for item in info.items:
        r = item.record
        role = ' <span class="context">(context)</span>' if r.get("role") == "context" else ""
        parts.append(
            f'<tr><td>{item.id}</td><td><a href="{report_page(item.id)}" dir="auto">'
            f"{_e(r['title'] or r['original_name'])}</a>{role}</td><td>{_e(r['kind'])}</td>"
            f'<td>{_e(item.date[:10])}</td><td class="sha">{_e(r["sha256"])}</td></tr>\n'
        )
    parts.append('</table>\n<h2 id="timeline">Timeline</h2>\n')
    month = None
    parts.append('<ol class="timeline">\n')
    for item in sorted(info.items, key=lambda i: (i.date, i.id)):
        this = item.date[:7] or "undated"
        if this != month:
            parts.append(f'<li class="month">{_e(this)}</li>\n')
            month = this
        r = item.record
        parts.append(
            f"<li><time>{_e(item.date[:16].replace('T', ' '))}</time> — "
            f'<a href="{report_page(item.id)}" dir="auto">{_e(r["title"] or r["original_name"])}'
            f'</a> <span class="context">{_e(r["kind"])}</span></li>\n'
        )
    parts.append("</ol>\n")
    return _page(info.title, "".join(parts), 0)


def _item_page(item: ReportItem, by_sha: Mapping[str, ReportItem], info: ReportInfo) -> str:
    r = item.record
    title = str(r["title"] or r["original_name"])
    original = f"../../items/{str(r['file']).rsplit('/', 1)[-1]}"
    parts = [f"<p><a href=\"../index.html\">↑ {_e(info.title)}</a></p>\n",
             f"<h1 dir=\"auto\">#{item.id} {_e(title)}</h1>\n"]  # fmt: skip
    if r.get("role") == "context":
        parts.append("<p class=\"notice\">Included as context: linked to an item of the "
                     "selection.</p>\n")  # fmt: skip
    rows = [
        ("Kind", r["kind"]), ("Original file", r["original_name"]),
        ("SHA-256", r["sha256"]), ("Size", f"{r['size']} bytes"), ("Media type", r["media_type"]),
        ("Language", r["language"]), ("Published", r["published_at"]),
        ("Captured", r["captured_at"]), ("Imported", r["imported_at"]), ("Author", r["author"]),
        ("Source address", r["source_url"]), ("OCR", r["ocr_status"]),
    ]  # fmt: skip
    parts.append('<table class="metadata">\n')
    for label, value in rows:
        if value in ("", None):
            continue
        cell = f"<code>{_e(value)}</code>" if label in ("SHA-256", "Source address") else _e(value)
        if label == "Original file":
            cell = f'<a href="{_e(original)}">{_e(value)}</a>'
        parts.append(f'<tr><th>{label}</th><td dir="auto">{cell}</td></tr>\n')  # ours: plain
    parts.append(_capture_rows(r))
    provenance = r.get("provenance") or {}
    for source in provenance.get("sources", []):
        parts.append(
            f"<tr><th>Imported from</th><td><code>{_e(source.get('path', ''))}</code> on "
            f"{_e(source.get('seen_at', ''))}</td></tr>\n"
        )
    parts.append("</table>\n")
    if item.tags:
        tags = " ".join(f'<span class="tag">{_e(t.name)}</span>' for t in item.tags)
        parts.append(f"<p>Tags: {tags}</p>\n")
    notes = [a for a in item.annotations if a.kind == "note"]
    if notes:
        parts.append("<h2>Notes</h2>\n")
        for a in notes:
            parts.append(f"<blockquote dir=\"auto\" id=\"{_e(_short(a.uid))}\">{_e(a.note)}"
                         f"<br><small>{_e(a.creator)}, {_e(a.created_at[:10])}</small>"
                         "</blockquote>\n")  # fmt: skip
    parts.append(_links(item, by_sha))
    regions = [a for a in item.annotations if a.kind == "region" and a.box is not None]
    if r["kind"] == "image":
        figure = _figure(r, original, regions)
        why = _sensitive(item)
        if why:  # folded away until asked for: no script, the browser's own disclosure
            figure = (f'<details class="sensitive"><summary>This picture is {_e(why)}: '
                      f"show it</summary>\n{figure}</details>\n")  # fmt: skip
        parts.append(figure)
    elif r["kind"] == "video":
        parts.append(_video(r, original))
    elif regions:
        parts.append("<h2>Marked regions</h2>\n<ol>\n")
        for a in regions:
            assert a.box is not None
            where = f"page {a.box.page}, " if a.box.page else ""
            parts.append(f"<li>{where}x {a.box.x:g}, y {a.box.y:g}, {a.box.w:g}×{a.box.h:g} "
                         f"points{': ' + _e(a.note) if a.note else ''}</li>\n")  # fmt: skip
        parts.append("</ol>\n")
    if r.get("post"):
        parts.append(_post(r["post"], by_sha))
    parts.append(_text(r, [a for a in item.annotations if a.kind == "highlight"]))
    return _page(title, "".join(parts), 1)


def _capture_rows(r: Mapping[str, Any]) -> str:
    """Where in a web capture or e-mail the item was found, the capture file in the bag,
    its record's digest check and its WACZ signature."""
    extra = r.get("extra") or {}
    rows = []
    if extra.get("locator"):
        rows.append(("Found in", _e(extra["locator"])))
    capture = r.get("capture_file")
    if isinstance(capture, Mapping) and capture.get("file"):
        href = "../../" + str(capture["file"]).removeprefix("data/")
        rows.append(
            (
                "Web capture",
                f'<a href="{_e(href)}">{_e(capture.get("name", ""))}</a> '
                f"(SHA-256 <code>{_e(capture.get('sha256', ''))}</code>)",
            )
        )
    if extra.get("digest_check"):
        rows.append(("Record digest", _e(extra["digest_check"])))
    if extra.get("wacz_signature"):
        rows.append(("WACZ signature", _e(extra["wacz_signature"])))
    return "".join(f'<tr><th>{label}</th><td dir="auto">{cell}</td></tr>\n'
                   for label, cell in rows)  # fmt: skip


def _short(uid: str) -> str:
    return "a-" + uid.rsplit(":", 1)[-1][:8]


def _links(item: ReportItem, by_sha: Mapping[str, ReportItem]) -> str:
    if not (item.links or item.backlinks):
        return ""
    parts = ['<h2>Links</h2>\n<ul class="links">\n']
    for link, other_sha, arrow in [(lk, lk.target_sha256, "→") for lk in item.links] + [
        (lk, lk.source_sha256, "←") for lk in item.backlinks
    ]:
        other = by_sha.get(other_sha)
        if other is None:
            target = f"an item not in this bundle (<code>{_e(other_sha)}</code>)"
        else:
            name = other.record["title"] or other.record["original_name"]
            target = (f"<a href=\"{other.id:04d}.html\" dir=\"auto\">#{other.id} "
                      f"{_e(name)}</a>")  # fmt: skip
        note = f' — <span dir="auto">{_e(link.note)}</span>' if link.note else ""
        parts.append(f"<li>{arrow} <em>{_e(link.relation)}</em> {target}{note}</li>\n")
    parts.append("</ul>\n")
    return "".join(parts)


def _sensitive(item: ReportItem) -> str:
    """Why the item's picture is sensitive (core/sensitive.py), "" if it is not."""
    if any(t.name.casefold() == SENSITIVE_TAG for t in item.tags):
        return "marked sensitive"
    if (item.record.get("extra") or {}).get("possibly_sensitive"):
        return "marked possibly sensitive by the platform"
    return ""


def _video(record: Mapping[str, Any], original: str) -> str:
    """The original, played by the browser; nothing is shown of it until Play (a reviewer
    of violent footage chooses when to see it)."""
    extra = record.get("extra") or {}
    facts = []
    if isinstance(extra.get("duration"), int | float):
        facts.append(f"{extra['duration']:g} s")
    if isinstance(extra.get("width"), int) and isinstance(extra.get("height"), int):
        facts.append(f"{extra['width']}×{extra['height']}")
    if extra.get("possibly_sensitive"):
        facts.append("marked possibly sensitive by the platform")
    return (
        '<h2>Video</h2>\n<div class="figure">'
        f'<video controls preload="none" src="{_e(original)}" '
        f'title="{_e(record["title"])}"></video></div>\n'
        + (f"<p><small>{_e(', '.join(facts))}</small></p>\n" if facts else "")
    )


def _figure(record: Mapping[str, Any], original: str, regions: Sequence[Annotation]) -> str:
    extra = record.get("extra") or {}
    width, height = extra.get("width"), extra.get("height")
    parts = ["<h2>Picture</h2>\n<div class=\"figure\">"
             f"<img src=\"{_e(original)}\" alt=\"{_e(record['title'])}\">"]  # fmt: skip
    sized = isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0
    for n, a in enumerate(regions, 1):
        box = a.box
        if box is None or not sized:
            continue
        assert isinstance(width, int) and isinstance(height, int)
        style = (
            f"left:{100 * box.x / width:.3f}%;top:{100 * box.y / height:.3f}%;"
            f"width:{100 * box.w / width:.3f}%;height:{100 * box.h / height:.3f}%"
        )
        parts.append(f"<div class=\"region\" style=\"{style}\" title=\"{_e(a.note)}\">"
                     f"<span>{n}</span></div>")  # fmt: skip
    parts.append("</div>\n")
    if regions:
        parts.append('<ol class="regions">\n')
        for a in regions:
            assert a.box is not None
            text = _e(a.note) if a.note else "<em>(marked, no note)</em>"
            parts.append(f"<li dir=\"auto\">{text} <small>(x {a.box.x:g}, y {a.box.y:g}, "
                         f"{a.box.w:g}×{a.box.h:g} px)</small></li>\n")  # fmt: skip
        parts.append("</ol>\n")
    return "".join(parts)


def _post(post: Mapping[str, Any], by_sha: Mapping[str, ReportItem]) -> str:
    rows = [
            ("Account", f"{post.get('display_name', '')} @{post.get('account', '')}"),
            ("Post", post.get("platform_id", "")), ("Address", post.get("url", "")),
            ("Replies to", post.get("reply_to_id", "")), ("Quotes", post.get("quote_of_id", "")),
            ("Counts", ", ".join(f"{k} {v}" for k, v in (post.get("counts") or {}).items()))
    ]  # fmt: skip
    rows += _evidence_rows(post.get("evidence") or {})
    parts = ["<h2>Post</h2>\n<table>\n"]
    for label, value in rows:
        if value:
            parts.append(f'<tr><th>{label}</th><td dir="auto">{_e(value)}</td></tr>\n')  # ours
    parts.append("</table>\n")
    parts.append(_capture_records(post.get("evidence") or {}))
    for m in post.get("media") or []:
        shown = by_sha.get(str(m.get("sha256")))
        if shown is not None:
            parts.append(f"<p>Picture {m.get('position')}: <a href=\"{shown.id:04d}.html\">"
                         f"#{shown.id} {_e(shown.record['title'])}</a></p>\n")  # fmt: skip
    return "".join(parts)


def _capture_records(found: Mapping[str, Any]) -> str:
    """Each capture of the post with a link to the record it read, in the bag, by its
    SHA-256 (in the manifest: a reader checks it with any BagIt tool)."""
    captures = [c for c in found.get("captures") or [] if isinstance(c, Mapping)]
    if not captures:
        return ""
    parts = ["<h3>What each capture read</h3>\n<ol>\n"]
    for c in captures:
        label = f"{(c.get('captured_at') or '?')[:10]} {c.get('container')}, {c.get('where')}"
        file = str(c.get("record_file") or "")
        sha = _e(str(c.get("record_sha256") or ""))
        if file.startswith("data/"):
            link = f'<a href="../../{_e(file[len("data/") :])}">the record</a>, <code>{sha}</code>'
        else:
            link = f"<code>{sha}</code>, not in the bundle (imported before each capture's "
            link += "record was kept)"
        parts.append(f'<li><span dir="auto">{_e(label)}</span>: {link}</li>\n')
    parts.append("</ol>\n")
    return "".join(parts)


def _evidence_rows(found: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the platform said and did to the post (posts/evidence.py), as table rows."""
    rows = []
    held = found.get("withheld")
    if held:
        codes = ", ".join(held.get("country_codes") or []) or "some countries"
        text = f"in {codes}" + (" (copyright)" if held.get("copyright") else "")
        if held.get("via") == "account":
            text = f"the whole account, in {codes}"
        if held.get("first_seen_at"):
            text += f"; seen so on {held['first_seen_at'][:10]}"
        rows.append(("Withheld", text))
    versions = found.get("versions") or []
    if versions:
        listed = "; ".join(
            f"{v.get('number')}. {v.get('platform_id')}"
            + ("" if v.get("in_archive") else " (not in the archive)")
            for v in versions
        )
        rows.append(("Versions", f"edited, {len(versions)} versions: {listed}"))
    if found.get("deleted"):
        rows.append(("Deleted", (found.get("deleted_at") or "")[:10] or "yes (date unknown)"))
    events = found.get("events") or []
    if events:
        rows.append(("Events", "; ".join(f"{e.get('label')} ({e.get('source')})" for e in events)))
    captures = found.get("captures") or []
    if len(captures) > 1:
        rows.append(
            ("Captures", "; ".join(f"{c.get('number')}. {(c.get('captured_at') or '?')[:10]} "
                                   f"{c.get('container')}, {c.get('where')}" for c in captures))
        )  # fmt: skip
    for change in found.get("changes") or []:
        to = change.get("to")
        label = f"Changed {change.get('from')}→{to}" if to else "Disappeared"
        rows.append((label, "; ".join(str(c.get("summary")) for c in change.get("changed") or [])))
    return rows


def _text(record: Mapping[str, Any], highlights: Sequence[Annotation]) -> str:
    pages = record.get("pages") or []
    if not any(p["text"].strip() for p in pages):
        return ""
    parts = ["<h2>Text</h2>\n"]
    numbered = {a.uid: n for n, a in enumerate(highlights, 1)}
    if highlights:
        parts.append('<ol class="highlights">\n')
        for a in highlights:
            assert a.span is not None
            note = f" — {_e(a.note)}" if a.note else ""
            parts.append(f"<li dir=\"auto\"><a href=\"#{_e(_short(a.uid))}\">page {a.span.page}"
                         f"</a>: “{_e(a.span.exact)}”{note}</li>\n")  # fmt: skip
        parts.append("</ol>\n")
    for page in pages:
        number, text = int(page["page"]), str(page["text"])
        if len(pages) > 1:
            parts.append(f"<h3>Page {number}{' (OCR)' if page.get('from_ocr') else ''}</h3>\n")
        spans = sorted(
            (a for a in highlights if a.span is not None and a.span.page == number),
            key=lambda a: a.span.start if a.span else 0,
        )
        out, at = [], 0
        for a in spans:
            assert a.span is not None
            start, end = max(a.span.start, at), min(a.span.end, len(text))
            if start >= end:
                continue
            colour = a.colour if _SAFE_COLOUR.match(a.colour or "") else ""
            style = f' style="background-color:{colour}"' if colour else ""
            out.append(_content(text[at:start]))
            marked = _content(text[start:end])
            out.append(f"<mark id=\"{_e(_short(a.uid))}\"{style} title=\"{_e(a.note)}\">"
                       f"{marked}<sup>{numbered[a.uid]}</sup></mark>")  # fmt: skip
            at = end
        out.append(_content(text[at:]))
        parts.append(f'<div class="text" dir="auto">{"".join(out)}</div>\n')
    return "".join(parts)
