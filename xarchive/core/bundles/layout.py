"""What a bundle looks like: the BagIt (RFC 8493) files, their names and their text format.

bundle/                       (zipped: the same, inside one top-level folder)
  bagit.txt                   BagIt-Version, Tag-File-Character-Encoding
  bag-info.txt                Bagging-Date, Payload-Oxum, Source-Organization, …
  manifest-sha256.txt         "<sha256>  data/<path>" for every payload file
  tagmanifest-sha256.txt      the same for the tag files above
  data/items/0007-Title.pdf   the originals, byte for byte
  data/items.json             the items' metadata (docs/bundle-format.md)
  data/annotations.jsonld     notes, highlights, regions, tags and links (W3C)
  data/report/index.html      a static report; one page per item in data/report/items/
  data/records/SHA256.json    each capture's record of a post, byte for byte (the first
                              capture's is often the post's own original, in data/items/)
  data/captures/…             the web captures (WARC, WACZ) its pages and pictures came from
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath

BAGIT_VERSION = "1.0"
BAGIT_TXT = "bagit.txt"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
ITEMS_DIR = "data/items"
ITEMS_JSON = "data/items.json"
ANNOTATIONS_JSONLD = "data/annotations.jsonld"
REPORT_DIR = "data/report"
#: Each capture's record of a post, as read then, by its SHA-256 (captures of posts).
RECORDS_DIR = "data/records"
#: The web captures (WARC, WACZ) the bundle's captured pages and pictures were read from.
CAPTURES_DIR = "data/captures"

#: items.json: its `format` and the version of its schema (docs/bundle-format.md).
FORMAT_NAME = "xarchive-bundle"
FORMAT_VERSION = 1

#: Archive settings (in the archive's database) that fill bag-info.txt.
SETTING_ORGANIZATION = "bundle_organization"
SETTING_DESCRIPTION = "bundle_description"
SETTINGS = {
    SETTING_ORGANIZATION: "Source-Organization: who is handing the bundle over",
    SETTING_DESCRIPTION: "External-Description: what the bundle is, for its reader",
}

#: How the name of a zipped bundle ends. A suffix of its own lets desktops tell a bundle
#: from any zip and open it in xarchive (GLib, like Qt, lets the longest matching
#: suffix win, as `.tar.gz` wins over `.gz`), and it still ends in `.zip`, so every
#: other tool opens it as the zip it is (docs/bundle-format.md).
ZIP_SUFFIX = ".xbundle.zip"

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}\Z")
_MEDIA_SUFFIXES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/tiff": ".tif",
    "text/html": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/json": ".json",
}


def slug(text: str, width: int = 60) -> str:
    """Letters and digits of `text` in ASCII, words joined by hyphens: safe on every system."""
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = _UNSAFE.sub("-", flat).strip("-")
    return words[:width].rstrip("-")


def bundle_stem(name: str) -> str:
    """A zipped bundle's file name without `ZIP_SUFFIX` (or its last suffix): the name of
    the folder inside."""
    if name.lower().endswith(ZIP_SUFFIX) and len(name) > len(ZIP_SUFFIX):
        return name[: -len(ZIP_SUFFIX)]
    return PurePosixPath(name).stem


def item_file_name(item_id: int, title: str, original_name: str, media_type: str) -> str:
    """``0007-Ministry-submission.pdf``: the item's number in its archive, its title, its type.

    Unique because the number is; only ASCII letters, digits, hyphens and one dot.
    """
    match = _SUFFIX.search(original_name)
    suffix = match.group(0).lower() if match else _MEDIA_SUFFIXES.get(media_type, "")
    words = slug(title) or slug(PurePosixPath(original_name).stem) or "item"
    return f"{item_id:04d}-{words}{suffix}"


def capture_file_name(name: str, sha256: str) -> str:
    """``3f2a9c01d4e5-capture.warc.gz``: a web capture in the bag, its name made safe and
    told apart from another capture of the same name by the start of its SHA-256."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", unicodedata.normalize("NFKD", name))
    return f"{sha256[:12]}-{safe.strip('-.') or 'capture'}"


def report_page(item_id: int) -> str:
    """The report page of an item, relative to data/report/."""
    return f"items/{item_id:04d}.html"


# -- tag files ----------------------------------------------------------------------------


def encode_path(path: str) -> str:
    """A path as a manifest writes it (RFC 8493 §2.1.3: CR, LF and % percent-encoded)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%25", "%")
    )


def manifest_text(entries: Iterable[tuple[str, str]]) -> str:
    """Lines "<sha256>  <path>" for (path, sha256) pairs, sorted by path."""
    return "".join(f"{sha}  {encode_path(path)}\n" for path, sha in sorted(entries))


def parse_manifest(text: str, name: str) -> tuple[dict[str, str], list[str]]:
    """{path: sha256} from a manifest's text, and the problems found in it."""
    found: dict[str, str] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(None, 1)
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-fA-F]{64}", parts[0]):
            problems.append(f"{name} line {number} is not “<sha256> <path>”")
            continue
        path = decode_path(parts[1].strip())
        if path in found:
            problems.append(f"{name} names {path} twice")
        found[path] = parts[0].lower()
    return found, problems


def bag_info_text(fields: Iterable[tuple[str, str]]) -> str:
    """bag-info.txt: "Label: value" lines; a value's line breaks become spaces."""
    return "".join(f"{label}: {' '.join(value.split())}\n" for label, value in fields if value)


def parse_bag_info(text: str) -> list[tuple[str, str]]:
    """(label, value) pairs; continuation lines (starting with white space) are joined."""
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and fields:
            label, value = fields[-1]
            fields[-1] = (label, f"{value} {line.strip()}")
        elif ":" in line:
            label, _, value = line.partition(":")
            fields.append((label.strip(), value.strip()))
    return fields


def info_value(fields: Iterable[tuple[str, str]], label: str) -> str:
    for key, value in fields:
        if key.lower() == label.lower():
            return value
    return ""
