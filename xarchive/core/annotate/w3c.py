"""Annotations, tags and links as W3C Web Annotation JSON-LD, and back.

https://www.w3.org/TR/annotation-model/ — each row of annotations, item_tags and
links is one Annotation, with its own `id` (urn:uuid:…), `creator`, `created`
and `modified`, and its item as target `urn:sha256:<hash of the original>`:

- note       motivation "commenting"; body TextualBody (purpose "commenting")
- highlight  motivation "highlighting"; selectors FragmentSelector ``page=N``
             (RFC 3778), TextQuoteSelector (exact, prefix, suffix) and
             TextPositionSelector (start, end: code points in that page's text);
             the note, if any, as a commenting body; a colour as a CSS stylesheet
             with the target's `styleClass`
- region     motivation "commenting" (with a note) or "highlighting";
             FragmentSelector ``xywh=x,y,w,h`` (Media Fragments: pixels of an
             image, PDF points of a page, from the top left) and, on a PDF, the
             ``page=N`` FragmentSelector
- tag        motivation "tagging"; body TextualBody (purpose "tagging")
- link       motivation "linking"; target the source item; bodies: the other
             item (SpecificResource, purpose "linking"), the relation (TextualBody,
             purpose "classifying") and the note (purpose "commenting")
- a copy carried over from an earlier version names its original in `via`.

`parse` reads them back into row values, so that export → import loses nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ... import __version__
from ..errors import InvalidAnnotation
from ..model import Annotation, ItemTag, Link
from ..store import annotations as store

if TYPE_CHECKING:
    import sqlite3

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"
MEDIA_FRAGMENT = "http://www.w3.org/TR/media-frags/"
_XYWH = re.compile(r"xywh=(?:pixel:)?([\d.]+),([\d.]+),([\d.]+),([\d.]+)\Z")
_PAGE = re.compile(r"page=(\d+)\Z")
_CSS_COLOUR = re.compile(r"background-color:\s*([^;}\s]+)")


def target_iri(sha256: str) -> str:
    return f"urn:sha256:{sha256}"


def _sha(iri: str) -> str:
    if not isinstance(iri, str) or not iri.startswith("urn:sha256:"):
        raise InvalidAnnotation(f"the target {iri!r} is not an item of an archive (urn:sha256:…)")
    return iri.removeprefix("urn:sha256:").lower()


def _time(value: str) -> str:
    return value.replace("+00:00", "Z")


def _untime(value: str) -> str:
    return value[:-1] + "+00:00" if value.endswith("Z") else value


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _base(
    uid: str, motivation: str, creator: str, created: str, modified: str, via: str
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": uid,
        "type": "Annotation",
        "motivation": motivation,
        "created": _time(created),
        "modified": _time(modified),
        "creator": {"type": "Person", "name": creator},
    }
    if via:
        out["via"] = via
    return out


def _comment(text: str) -> dict[str, Any]:
    return {"type": "TextualBody", "value": text, "format": "text/plain", "purpose": "commenting"}


def _page_selector(page: int) -> dict[str, Any]:
    return {"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": f"page={page}"}


def _colour_class(colour: str) -> str:
    return "xa-colour-" + re.sub(r"[^0-9a-z]", "", colour.lower())


def annotation_jsonld(a: Annotation) -> dict[str, Any]:
    """A note, highlight or region as one W3C Annotation."""
    source = target_iri(a.target_sha256)
    if a.kind == "note":
        out = _base(a.uid, "commenting", a.creator, a.created_at, a.modified_at, a.via)
        out["body"] = _comment(a.note)
        out["target"] = source
        return out
    if a.kind == "highlight" and a.span is not None:
        span = a.span
        out = _base(a.uid, "highlighting", a.creator, a.created_at, a.modified_at, a.via)
        if a.note:
            out["body"] = _comment(a.note)
        target: dict[str, Any] = {
            "source": source,
            "selector": [
                _page_selector(span.page),
                {"type": "TextQuoteSelector", "exact": span.exact, "prefix": span.prefix,
                 "suffix": span.suffix},
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            ],
        }  # fmt: skip
        if a.colour:
            target["styleClass"] = _colour_class(a.colour)
            out["stylesheet"] = {
                "type": "CssStylesheet",
                "value": f".{target['styleClass']} {{ background-color: {a.colour}; }}",
            }
        out["target"] = target
        return out
    if a.kind == "region" and a.box is not None:
        box = a.box
        out = _base(a.uid, "commenting" if a.note else "highlighting", a.creator, a.created_at,
                    a.modified_at, a.via)  # fmt: skip
        if a.note:
            out["body"] = _comment(a.note)
        selectors: list[dict[str, Any]] = []
        if box.page is not None:
            selectors.append(_page_selector(box.page))
        xywh = ",".join(_num(v) for v in (box.x, box.y, box.w, box.h))
        selectors.append(
            {"type": "FragmentSelector", "conformsTo": MEDIA_FRAGMENT, "value": f"xywh={xywh}"}
        )
        out["target"] = {"source": source, "selector": selectors}
        return out
    raise ValueError(f"cannot express annotation {a.uid} of kind {a.kind}")


def tagging_jsonld(t: ItemTag) -> dict[str, Any]:
    """A tag on an item as a W3C Annotation with motivation "tagging"."""
    out = _base(t.uid, "tagging", t.creator, t.created_at, t.modified_at, t.via)
    out["body"] = {"type": "TextualBody", "value": t.name, "purpose": "tagging"}
    out["target"] = target_iri(t.target_sha256)
    return out


def link_jsonld(link: Link) -> dict[str, Any]:
    """A link between two items as a W3C Annotation with motivation "linking"."""
    out = _base(link.uid, "linking", link.creator, link.created_at, link.modified_at, link.via)
    body: list[dict[str, Any]] = [
        {"type": "SpecificResource", "source": target_iri(link.target_sha256),
         "purpose": "linking"},
        {"type": "TextualBody", "value": link.relation, "purpose": "classifying"},
    ]  # fmt: skip
    if link.note:
        body.append(_comment(link.note))
    out["body"] = body
    out["target"] = target_iri(link.source_sha256)
    return out


def item_jsonld(
    conn: sqlite3.Connection, item_id: int, backlinks: bool = False
) -> list[dict[str, Any]]:
    """Everything said about one item: its annotations, tags and links (and backlinks)."""
    out = [annotation_jsonld(a) for a in store.annotations_of(conn, item_id)]
    out += [tagging_jsonld(t) for t in store.item_tags_of(conn, item_id)]
    out += [link_jsonld(link) for link in store.links_from(conn, item_id)]
    if backlinks:
        out += [link_jsonld(link) for link in store.links_to(conn, item_id)]
    return out


def collection_jsonld(annotations: Sequence[Mapping[str, Any]], label: str) -> dict[str, Any]:
    """Many annotations as one AnnotationCollection with a single AnnotationPage."""
    items = [{k: v for k, v in a.items() if k != "@context"} for a in annotations]
    return {
        "@context": ANNO_CONTEXT,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "generator": {"type": "Software", "name": f"xarchive {__version__}"},
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


# -- reading back ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parsed:
    """One W3C Annotation read back as row values (no row or item ids: those are local).

    `table` is "annotations", "item_tags" or "links"; `tag` is the tag's name for a tagging.
    """

    table: str
    values: dict[str, Any] = field(default_factory=dict)
    tag: str = ""


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _source(target: Any) -> str:
    if isinstance(target, str):
        return _sha(target)
    if isinstance(target, Mapping):
        return _sha(target.get("source") or target.get("id") or "")
    raise InvalidAnnotation("an annotation without a target")


def _bodies(obj: Mapping[str, Any], purpose: str) -> list[Mapping[str, Any]]:
    return [
        b for b in _list(obj.get("body")) if isinstance(b, Mapping) and b.get("purpose") == purpose
    ]


def _text(obj: Mapping[str, Any], purpose: str) -> str:
    found = _bodies(obj, purpose)
    return str(found[0].get("value", "")) if found else ""


def parse(obj: Mapping[str, Any]) -> Parsed:
    """Row values for one W3C Annotation as written by this module. Raises InvalidAnnotation."""
    try:
        return _parse(obj)
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidAnnotation(f"the annotation {obj.get('id')!r} cannot be read: {exc}") from exc


def _parse(obj: Mapping[str, Any]) -> Parsed:
    uid = obj.get("id")
    if not isinstance(uid, str) or not uid:
        raise InvalidAnnotation("an annotation without an id")
    creator = obj.get("creator")
    name = creator.get("name", "") if isinstance(creator, Mapping) else str(creator or "")
    created = _untime(str(obj.get("created", "")))
    common = {
        "uid": uid,
        "via": str(obj.get("via", "") or ""),
        "creator": name,
        "created_at": created,
        "modified_at": _untime(str(obj.get("modified", ""))) or created,
    }
    motivation = obj.get("motivation")
    target = (_list(obj.get("target")) or [None])[0]
    if motivation == "tagging":
        return Parsed("item_tags", {**common, "target_sha256": _source(target)},
                      tag=_text(obj, "tagging"))  # fmt: skip
    if motivation == "linking":
        others = _bodies(obj, "linking")
        if not others:
            raise InvalidAnnotation(f"the link {uid} does not name the item it links to")
        other = others[0].get("source") or others[0].get("id") or ""
        values = {
            **common,
            "source_sha256": _source(target),
            "target_sha256": _sha(str(other)),
            "relation": _text(obj, "classifying") or "related",
            "note": _text(obj, "commenting"),
        }
        return Parsed("links", values)
    values = {**common, "target_sha256": _source(target), "note": _text(obj, "commenting")}
    selectors = _list(target.get("selector")) if isinstance(target, Mapping) else []
    by_type: dict[str, Mapping[str, Any]] = {}
    page: int | None = None
    for selector in selectors:
        if not isinstance(selector, Mapping):
            continue
        value = str(selector.get("value", ""))
        if selector.get("type") == "FragmentSelector" and _PAGE.match(value):
            page = int(value[5:])
        elif selector.get("type") == "FragmentSelector" and _XYWH.match(value):
            by_type["xywh"] = selector
        else:
            by_type[str(selector.get("type"))] = selector
    if "TextQuoteSelector" in by_type:
        quote = by_type["TextQuoteSelector"]
        position = by_type.get("TextPositionSelector", {})
        exact = str(quote.get("exact", ""))
        start = int(position.get("start", 0))
        colour = ""
        stylesheet = obj.get("stylesheet")
        if isinstance(stylesheet, Mapping):
            found = _CSS_COLOUR.search(str(stylesheet.get("value", "")))
            colour = found.group(1) if found else ""
        values.update(
            kind="highlight",
            page=page or 1,
            exact=exact,
            prefix=str(quote.get("prefix", "")),
            suffix=str(quote.get("suffix", "")),
            start_char=start,
            end_char=int(position.get("end", start + len(exact))),
            colour=colour,
        )
        return Parsed("annotations", values)
    if "xywh" in by_type:
        match = _XYWH.match(str(by_type["xywh"].get("value", "")))
        assert match is not None
        x, y, w, h = (float(v) for v in match.groups())
        values.update(kind="region", page=page, x=x, y=y, w=w, h=h)
        return Parsed("annotations", values)
    if motivation == "commenting":
        values.update(kind="note")
        return Parsed("annotations", values)
    raise InvalidAnnotation(f"the annotation {uid} is of a kind xarchive does not keep")


def parse_all(objects: Iterable[Mapping[str, Any]]) -> list[Parsed]:
    """Parse annotations, or the items of AnnotationCollections / AnnotationPages."""
    out: list[Parsed] = []
    for obj in objects:
        if not isinstance(obj, Mapping):
            raise InvalidAnnotation(f"{str(obj)[:40]!r} is not a W3C annotation")
        kind = obj.get("type")
        if kind == "AnnotationCollection":
            first = obj.get("first")
            if isinstance(first, Mapping):
                out += parse_all([first])
        elif kind == "AnnotationPage":
            out += parse_all(_list(obj.get("items")))
        else:
            out.append(parse(obj))
    return out
