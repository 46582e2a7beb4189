"""Saved web pages: the article's text and metadata, without the site around it.

trafilatura finds the main text (no menus, share buttons or "read more") and
the title, author and date; this module adds what an archive needs on top:

* the bytes are decoded with the charset the page declares (BOM, then
  `<meta charset>`), else a guessed one, so Urdu pages saved as Windows-1256 or
  Latin pages as Windows-1252 read right;
* the publication time with its time zone (trafilatura keeps only the day),
  the canonical address, the page's declared language, and the address and
  time of capture that browsers ("saved from url=") and SingleFile write into
  the file;
* nothing is ever fetched: the page is parsed here with lxml and trafilatura is
  given the parsed tree, so neither it nor htmldate sees a string that could be
  taken for a URL and downloaded; scripts, styles and remote pictures are
  counted and dropped;
* a sanitised copy of the article (nh3: text, headings, lists, quotes, tables
  and links only) is written to derived/html/<sha256>.html for the viewer.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lxml.etree
import lxml.html
import nh3

from ..errors import UnreadableFile
from ..language import detect_language
from ..model import Extracted
from . import iso_datetime, pretty_stem, quoted, write_atomically
from .base import ExtractContext
from .text import Decoded, decode_head, decode_text, looks_like_text, shorten

if TYPE_CHECKING:  # trafilatura (a fifth of a second) is imported by the first page read
    from trafilatura.settings import Extractor

NAME = "html"

# trafilatura, htmldate and courlan log their doubts as warnings; without a
# handler of their own Python prints those on stderr. They go to the
# application's log if it has one, and nowhere otherwise.
for _library in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_library).addHandler(logging.NullHandler())

log = logging.getLogger(__name__)

#: Tags kept in the sanitised rendition: text structure, nothing that loads or runs.
ALLOWED_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "pre", "code", "em", "strong", "b", "i", "u", "s", "del", "ins",
        "sub", "sup", "small", "mark", "q", "cite", "abbr", "br", "hr", "a",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"dir", "lang"},
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
}

_STRONG_START = ("<!doctype html", "<html", "<head", "<body")
_WEAK_START = re.compile(
    r"<(?:meta|title|link|base|style|script|noscript|div|span|p|a|table|h[1-6]|article"
    r"|section|main|header|nav|form|center|font|iframe|ul|ol|br|img)[\s/>]"
)
_PLAIN_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".text"})

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_SINGLEFILE = re.compile(
    r"Page saved with SingleFile\s*\n\s*url:\s*(\S+)\s*\n\s*saved date:\s*([^\n]+)"
)
_SINGLEFILE_DATE = re.compile(r"\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})")

#: Meta tags carrying the publication time, most specific first.
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "date",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")

#: Elements whose address a browser would load (tag → attributes).
_RESOURCE_ATTRIBUTES = {
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "script": ("src",),
    "input": ("src",),
}
_LOADED_LINK_RELS = frozenset(
    {"stylesheet", "icon", "preload", "prefetch", "manifest", "apple-touch-icon", "modulepreload"}
)
#: Site furniture trafilatura is told to ignore: on short pages it otherwise falls
#: back to the whole page, menus included. Headers and footers inside the article
#: (its title, its byline) stay.
_PRUNED = [
    "//nav",
    "//aside",
    "//form",
    "//noscript",
    "//header[not(ancestor::article) and not(ancestor::main)]",
    "//footer[not(ancestor::article) and not(ancestor::main)]",
]
#: Dropped from the page before the fallback extraction: site furniture, not the article.
_FURNITURE = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "select", "object", "embed", "dialog",
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "html", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_PARAGRAPH = "\x00"  # marks a paragraph break while text is put together
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def detect(head: bytes, path: Path) -> bool:
    """HTML by its first markup, after a BOM, blanks, comments and an XML declaration.

    `<!DOCTYPE html>`, `<html>`, `<head>` or `<body>` is always HTML; a page that
    starts with another HTML tag is HTML unless its name says Markdown or text
    (Markdown files may start with `<p align="center">`).
    """
    decoded = decode_head(head)
    if decoded is None:
        return False
    start = _skip_preamble(decoded.lstrip("\ufeff"))[:100].lower()
    if start.startswith(_STRONG_START):
        return looks_like_text(head)
    if _WEAK_START.match(start) and path.suffix.lower() not in _PLAIN_SUFFIXES:
        return looks_like_text(head)
    return False


def _skip_preamble(text: str) -> str:
    while True:
        text = text.lstrip()
        if text.startswith("<!--"):
            end = text.find("-->")
            if end < 0:
                return ""
            text = text[end + 3 :]
        elif text.startswith("<?"):
            end = text.find("?>")
            if end < 0:
                return ""
            text = text[end + 2 :]
        else:
            return text


def extract(path: Path, ctx: ExtractContext) -> Extracted:
    """Read a saved web page: main text, metadata and a sanitised rendition.

    Raises UnreadableFile only when the file cannot be read from disk; a page
    with no text is imported with empty text.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{quoted(path)} cannot be read: {exc.strerror or exc}.") from exc
    return extract_markup(data, path, ctx)


def extract_markup(data: bytes, path: Path, ctx: ExtractContext) -> Extracted:
    """`extract` for a page already in memory (the HTML part of an MHTML file); `path`
    names it in titles and messages."""
    decoded = _decode(data)
    markup = _XML_DECLARATION.sub("", decoded.text, count=1)
    # Control characters no browser shows would stop lxml ("not XML compatible").
    markup = _NOT_XML.sub("", markup)
    root = _parse(markup)
    _drop_permalinks(root)
    warnings: list[str] = []
    if decoded.replaced:
        warnings.append(f"Some bytes could not be decoded as {decoded.encoding} and were replaced.")
    extra: dict[str, Any] = {"encoding": decoded.encoding, "dropped": _count_dropped(root)}

    metas = _page_metadata(root)
    trafilatura_meta: dict[str, str] = {}
    found = _main_content(root)
    if found is None:
        body = _fallback_content(root)
        extra["extraction"] = "whole page (no article found)"
    else:
        body, trafilatura_meta = found
        extra["extraction"] = "article"
    sanitized = nh3.clean(
        lxml.html.tostring(body, encoding="unicode"),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
    )
    text = blocks_text(lxml.html.fragment_fromstring(sanitized or "<p></p>", create_parent="div"))

    source_url, captured = _provenance(markup[:8000], metas, trafilatura_meta, extra)
    title = (
        trafilatura_meta.get("title")
        or metas.get("og:title")
        or metas.get("<title>")
        or metas.get("<h1>")
        or pretty_stem(path)
    )
    published = metas.get("published", "")
    if not published and trafilatura_meta.get("date"):
        published = trafilatura_meta["date"]
        # htmldate may have found it in the text or the address: say so, it is a guess.
        extra["published_at_source"] = "guessed from the page by htmldate"
    if metas.get("modified"):
        extra["modified_at"] = metas["modified"]
    for key in ("sitename", "description"):
        if trafilatura_meta.get(key):
            extra[key] = trafilatura_meta[key]
    language = _language(metas.get("lang", ""), text, extra)
    page_dir = "rtl" if language in ("ur", "ar", "fa", "ps", "sd", "ug", "ku") else "ltr"
    if not text:
        warnings.append("No text was found on the page.")
    try:
        sha = ctx.sha256 or hashlib.sha256(data).hexdigest()
        relative = _write_rendition(
            ctx.derived_dir, sha, sanitized, shorten(title), language, page_dir
        )
        extra["sanitized_html"] = relative
    except OSError as exc:
        warnings.append(
            f"The readable copy of the page could not be saved ({exc.strerror or exc})."
        )

    return Extracted(
        kind="article",
        media_type="text/html",
        title=shorten(title),
        pages=(text,),
        language=language,
        published_at=published,
        captured_at=captured,
        author=trafilatura_meta.get("author") or metas.get("author", ""),
        source_url=source_url,
        warnings=tuple(warnings),
        extra=extra,
    )


def _provenance(
    head: str, metas: dict[str, str], trafilatura_meta: dict[str, str], extra: dict[str, Any]
) -> tuple[str, str]:
    """The page's address and, if the saving tool wrote it, when it was saved (UTC)."""
    saved_from = _SAVED_FROM.search(head)
    singlefile = _SINGLEFILE.search(head)
    source_url = _first_web_address(
        metas.get("canonical"),
        metas.get("og:url"),
        trafilatura_meta.get("url"),
        singlefile.group(1) if singlefile else None,
        saved_from.group(1) if saved_from else None,
    )
    captured = _singlefile_date(singlefile.group(2)) if singlefile else ""
    if captured:
        extra["captured_at_source"] = "SingleFile's saved date"
    return source_url, captured


def _language(declared_tag: str, text: str, extra: dict[str, Any]) -> str:
    """The page's language: as declared, unless a long enough text says otherwise."""
    declared = _language_code(declared_tag)
    detected = detect_language(text)
    if declared and detected and detected != declared and len(text) >= 200:
        # Templates often declare the site's language on every page; the text is
        # the better witness when there is enough of it.
        extra["declared_language"] = declared
        return detected
    return declared or detected


# -- decoding and parsing ---------------------------------------------------------------


def _decode(data: bytes) -> Decoded:
    """The page as text: BOM, else the declared charset, else a guess."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data)
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        encoding = _python_encoding(declared.group(1).decode("ascii", "replace"))
        if encoding:
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                pass  # the declaration is wrong: guess instead
    return decode_text(data)


def _python_encoding(label: str) -> str:
    """Python's codec for an HTML charset label, following the WHATWG rules; "" if unknown."""
    label = label.strip().lower()
    # Browsers read these labels as Windows-1252, and so do pages written for them.
    if label in ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii"):
        return "cp1252"
    if label in ("utf-16", "utf-16le", "utf-16be"):
        return "utf-8"  # a UTF-16 page would have had a BOM; this declaration is a copy's leftover
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def _parse(markup: str) -> lxml.html.HtmlElement:
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml.html.document_fromstring(markup or "<html></html>", parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


#: What a heading's permalink shows (Sphinx and MkDocs "¶", GitHub's "#", "§", a link sign).
_PERMALINK_SIGNS = frozenset({"¶", "#", "§", "🔗", "⚓"})


def _drop_permalinks(root: lxml.html.HtmlElement) -> None:
    """Take out the links documentation generators put in headings to point at them:
    Sphinx's title "Installation¶" was the heading's text with its "¶" link."""
    for link in root.xpath("//h1//a | //h2//a | //h3//a | //h4//a | //h5//a | //h6//a"):
        classes = set((link.get("class") or "").split())
        sign = link.text_content().strip()
        icon_only = not sign and classes & {"headerlink", "anchor", "headeranchor"}
        if sign in _PERMALINK_SIGNS or icon_only:
            link.drop_tree()  # keeps the text after it (its tail)


def _count_dropped(root: lxml.html.HtmlElement) -> dict[str, int]:
    scripts = styles = remote = 0
    for element in root.iter(lxml.etree.Element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "script":
            scripts += 1
        elif tag == "style":
            styles += 1
        elif tag == "link":
            rels = set((element.get("rel") or "").lower().split())
            if rels & _LOADED_LINK_RELS and _is_resource(element.get("href")):
                remote += 1
                styles += "stylesheet" in rels
        for attribute in _RESOURCE_ATTRIBUTES.get(tag, ()):
            if _is_resource(element.get(attribute)):
                remote += 1
    return {"scripts": scripts, "styles": styles, "remote_resources": remote}


def _is_resource(url: str | None) -> bool:
    url = (url or "").strip().lower()
    return bool(url) and not url.startswith(("data:", "#", "about:", "javascript:"))


# -- metadata ---------------------------------------------------------------------------


def _page_metadata(root: lxml.html.HtmlElement) -> dict[str, str]:
    """What the page says about itself in its markup (all values stripped, "" skipped)."""
    found: dict[str, str] = {}

    def keep(key: str, value: str | None) -> None:
        value = " ".join((value or "").split())
        if value and key not in found:
            found[key] = value

    keep("lang", root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"))
    # (rank in _PUBLISHED_META, value): the most specific source wins.
    published: list[tuple[int, str]] = []
    modified: list[str] = []
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content") or ""
        if key in ("og:title", "og:url"):
            keep(key, content)
        elif key in ("author", "article:author") and not _first_web_address(content):
            keep("author", content)  # article:author is often a profile address, not a name
        elif key in _PUBLISHED_META:
            published.append((_PUBLISHED_META.index(key), content))
        elif key in _MODIFIED_META:
            modified.append(content)
        elif (meta.get("http-equiv") or "").lower() == "content-language":
            keep("lang", content)
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            keep("canonical", link.get("href"))
    for script in root.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json":
            for key, value in _json_ld_items(script.text or ""):
                if key == "datePublished" and isinstance(value, str):
                    published.append((_PUBLISHED_META.index("datepublished"), value))
                elif key == "dateModified" and isinstance(value, str):
                    modified.append(value)
    for time in root.iter("time"):
        if (time.get("itemprop") or "").lower() == "datepublished" or time.get(
            "pubdate"
        ) is not None:
            published.append((_PUBLISHED_META.index("pubdate"), time.get("datetime") or ""))
    for _, candidate in sorted(published):
        iso = iso_datetime(candidate)
        if iso:
            found["published"] = iso
            break
    for candidate in modified:
        iso = iso_datetime(candidate)
        if iso:
            found["modified"] = iso
            break
    title = root.find(".//title")
    if title is not None:
        keep("<title>", title.text_content())
    heading = root.find(".//h1")
    if heading is not None:
        keep("<h1>", heading.text_content())
    return found


def _json_ld_items(source: str) -> Iterator[tuple[str, Any]]:
    """Every key and value in a JSON-LD block, depth first; nothing if it is not JSON."""
    try:
        stack: list[Any] = [json.loads(source)]
    except ValueError:
        return
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                yield key, value
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


def _singlefile_date(value: str) -> str:
    found = _SINGLEFILE_DATE.search(value)
    if not found:
        return ""
    try:
        moment = datetime.strptime(f"{found.group(1)} {found.group(2)}", "%b %d %Y %H:%M:%S %z")
    except ValueError:
        return ""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _first_web_address(*candidates: str | None) -> str:
    for candidate in candidates:
        if candidate and candidate.strip().lower().startswith(("http://", "https://")):
            return candidate.strip()
    return ""


def _language_code(tag: str) -> str:
    """ "en-GB" → "en", "ur_PK" → "ur"; "" for anything that is not an ISO 639-1 code."""
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    return primary if len(primary) == 2 and primary.isalpha() else ""


# -- content ------------------------------------------------------------------------------


@cache
def _extractor() -> Extractor:
    # trafilatura is imported here, by the first page read, not with this module: an
    # import's workers are forked only once their server has imported every importer,
    # and an import of pictures or posts needs none of trafilatura
    from trafilatura.settings import Extractor

    return Extractor(
        output_format="html",
        with_metadata=True,
        comments=False,
        tables=True,
        links=True,
        formatting=True,
        images=False,
    )


def _main_content(
    root: lxml.html.HtmlElement,
) -> tuple[lxml.html.HtmlElement, dict[str, str]] | None:
    """The article as simple HTML and trafilatura's metadata; None when it finds no article."""
    from trafilatura import bare_extraction
    from trafilatura.htmlprocessing import build_html_output
    from trafilatura.settings import Document
    from trafilatura.utils import normalize_unicode

    try:
        # Given a parsed tree, trafilatura works on a copy and never downloads. This is
        # what trafilatura.extract(root, output_format="html", with_metadata=True, …)
        # does, less the SimHash fingerprint it adds for de-duplication, which xarchive
        # does not use and which was a quarter of the extraction's time.
        document = bare_extraction(root, options=_extractor(), prune_xpath=_PRUNED)
        if not isinstance(document, Document):
            return None
        output = normalize_unicode(build_html_output(document, with_metadata=True))
    except Exception:  # a library bug on odd markup must not lose the page
        log.exception("trafilatura failed")
        return None
    if not output:
        return None
    document = lxml.html.document_fromstring(output)
    meta = {
        name: " ".join(content.split())
        for element in document.iter("meta")
        if (name := element.get("name")) and (content := element.get("content"))
    }
    body = document.find("body")
    if body is None or not body.text_content().strip():
        return None
    return body, meta


def _fallback_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The page's body without scripts, styles and site furniture (menus, header, footer)."""
    body = root.find("body")
    copy = lxml.html.fromstring(lxml.html.tostring(body if body is not None else root))
    for element in list(copy.iter(*_FURNITURE)):
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()
    return copy


def blocks_text(root: lxml.html.HtmlElement) -> str:
    """The text of an HTML tree with a blank line between blocks and HTML's spacing rules."""
    parts: list[str] = []

    def walk(element: lxml.html.HtmlElement, preformatted: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("script", "style", "template"):
            return
        preformatted = preformatted or tag == "pre"
        block = tag in _BLOCK_TAGS
        if block:
            parts.append(_PARAGRAPH)
        elif tag == "br":
            parts.append("\n")
        elif tag in ("td", "th"):
            parts.append(" ")
        if element.text:
            parts.append(element.text if preformatted else _SPACES.sub(" ", element.text))
        for child in element:
            walk(child, preformatted)
            if child.tail:
                parts.append(child.tail if preformatted else _SPACES.sub(" ", child.tail))
        if block:
            parts.append(_PARAGRAPH)

    walk(root, False)
    paragraphs = "".join(parts).split(_PARAGRAPH)
    cleaned = ("\n".join(line.strip() for line in p.split("\n")).strip() for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p)


def _write_rendition(
    derived_dir: Path, sha: str, sanitized: str, title: str, language: str, direction: str
) -> str:
    """Write the sanitised article for the viewer; its path relative to derived/."""
    lang = f' lang="{escape(language)}"' if language else ""
    page = (
        f'<!DOCTYPE html>\n<html{lang} dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        # The viewer never loads anything; the policy says so to any browser too.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n{sanitized}\n</body>\n</html>\n"
    )
    relative = f"html/{sha}.html"
    write_atomically(derived_dir / relative, page.encode("utf-8"))
    return relative
