"""Web addresses as the same address: scheme, `www.`, trailing slash, tracking parameters.

Two links name the same page when they differ only in what does not choose the
page: http or https, `www.`/`m.`, a trailing slash, a fragment, the order of the
query, and parameters that only track who clicked (utm_*, fbclid, X's `s=20`).
A post on X has many addresses (twitter.com or x.com, any account name, i/web):
all become ``x.com/status/<id>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

_TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src",
     "ref_url", "s", "t", "cmpid", "ocid", "spm", "_ga", "yclid", "twclid", "si"}
)  # fmt: skip
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_X_HOSTS = frozenset({"x.com", "twitter.com"})
_STATUS_PATH = re.compile(r"^/(?:#!/)?(?:\w{1,50}|i/web|i)/status(?:es)?/(\d{1,25})")
#: Web addresses in running text (and bare addresses of posts, often written without https://).
_URL_IN_TEXT = re.compile(
    r"https?://[^\s<>\"'`\]\)\}]+|(?<![\w./])(?:www\.|mobile\.)?(?:twitter|x)\.com/\w{1,50}/status/\d{1,25}",
    re.IGNORECASE,
)
_HREF = re.compile(r"""(?:href|src|cite|data-url|content)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_TRAILING = ".,;:!?…'\"»”’"


def normalise_url(url: str) -> str:
    """The comparable form of a web address (``host/path?query``), "" if it is none."""
    url = html.unescape(url.strip()).rstrip(_TRAILING)
    if not url:
        return ""
    if "://" not in url:
        if re.match(r"[A-Za-z][\w+.-]*:", url):
            return ""  # mailto:, tel:, javascript: …
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https"):
        return ""
    host = (parts.hostname or "").lower().rstrip(".")
    if "." not in host:
        return ""
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    if host in _X_HOSTS:
        found = _STATUS_PATH.match(parts.path + ("#" + parts.fragment if parts.fragment else ""))
        if found:
            return f"x.com/status/{found.group(1)}"
        host = "x.com"
    path = re.sub(r"/{2,}", "/", unquote(parts.path)).rstrip("/")
    for index_page in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(index_page):
            path = path[: -len(index_page)]
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    ]
    out = host + path
    if query:
        out += "?" + urlencode(sorted(query))
    return out


def is_post_url(normalised: str) -> bool:
    return normalised.startswith("x.com/status/")


def post_url(post_id: str) -> str:
    """The normalised address of the post with this id on X."""
    return f"x.com/status/{post_id}"


def urls_in_text(text: str) -> Iterator[str]:
    """Normalised addresses written in running text."""
    for match in _URL_IN_TEXT.finditer(text):
        found = normalise_url(match.group(0))
        if found:
            yield found


def urls_in_html(markup: str) -> Iterator[str]:
    """Normalised addresses in a page's links and attributes, and in its text."""
    for match in _HREF.finditer(markup):
        found = normalise_url(match.group(1))
        if found:
            yield found
    yield from urls_in_text(markup)


def post_urls_in_text(text: str) -> Iterator[str]:
    """`urls_in_text`, only the posts' addresses (``x.com/status/<id>``)."""
    if _may_name_a_post(text):
        yield from _posts(match.group(0) for match in _URL_IN_TEXT.finditer(text))


def post_urls_in_html(markup: str) -> Iterator[str]:
    """`urls_in_html`, only the posts' addresses: what an article's links are searched for.

    Finding every address of a page (its menus, scripts and pictures) only to keep its
    posts' was 8-10 % of reading a web page (the bench's 240 pages: 230 ms against 3 ms),
    and most pages link to no post at all."""
    if _may_name_a_post(markup):
        yield from _posts(match.group(1) for match in _HREF.finditer(markup))
        yield from post_urls_in_text(markup)


def _may_name_a_post(text: str) -> bool:
    # `normalise_url` makes a post's address only of a path that says "status" (what
    # _STATUS_PATH matches, in lower case), written so or with numeric character
    # references ("&#115;"), which html.unescape reads first (no named reference of
    # HTML's stands for one of its letters): text with neither holds none.
    return "status" in text or "&#" in text


def _posts(addresses: Iterable[str]) -> Iterator[str]:
    for address in addresses:
        if _may_name_a_post(address):
            found = normalise_url(address)
            if is_post_url(found):
                yield found


def unique(urls: Iterable[str]) -> list[str]:
    return sorted(set(u for u in urls if u))
