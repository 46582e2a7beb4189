"""The AppStream metainfo with its screenshots, once the pictures have a public address.

    python3 packaging/metainfo_screenshots.py https://HOST/PATH/ > OUT.metainfo.xml

AppStream wants each screenshot as a web address (`appstreamcli validate` refuses a
file: one), which software centres and app stores fetch. xarchive has no public
address yet, so resources/org.xarchive.xarchive.metainfo.xml names no screenshot:
an address we do not hold would show broken pictures, or someone else's. When the
project publishes docs/screenshots/ (a release page, a store's mirror), this
prints the metainfo with the screenshots below at BASE + file name, each with its
caption and its real size; packaging/build installs that when
XARCHIVE_SCREENSHOTS_URL is set. Validate it then without --no-net, which fetches
every picture. Standard library only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
METAINFO = REPO / "resources" / "org.xarchive.xarchive.metainfo.xml"
SHOTS = REPO / "docs" / "screenshots"
#: Where the screenshots go in the metainfo: in place of the comment saying there are none.
ANCHOR = re.compile(r"  <!-- No screenshots here:.*?-->\n", re.DOTALL)

#: The pictures, first the default, from docs/screenshots/ (scripts/screenshots.py).
SCREENSHOTS = [
    ("01-search-results.png", "Search results with facets, and an article with its hits marked"),
    ("10-pdf-words-and-highlight.png", "A PDF on the page of a hit, with highlights and notes"),
    ("03-urdu-article.png", "An Urdu article, searched in Urdu"),
    ("09-post-thread.png", "A post in its thread"),
    ("11-link-graph.png", "The graph of links between items"),
    ("05-timeline.png", "The archive over time"),
    ("08-dark-theme.png", "The dark theme"),
]


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path} is not a PNG")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def screenshots_xml(base: str) -> str:
    lines = ["  <screenshots>"]
    for number, (name, caption) in enumerate(SCREENSHOTS):
        path = SHOTS / name
        if not path.is_file():
            raise SystemExit(f"{path} is missing: scripts/screenshots.py takes it")
        width, height = png_size(path)
        lines += [
            '    <screenshot type="default">' if number == 0 else "    <screenshot>",
            f"      <caption>{escape(caption)}</caption>",
            f'      <image type="source" width="{width}" height="{height}">'
            f"{escape(base + name)}</image>",
            "    </screenshot>",
        ]
    lines.append("  </screenshots>")
    return "\n".join(lines) + "\n"


def with_screenshots(base: str, metainfo: str) -> str:
    if not base.startswith("https://"):
        raise SystemExit(f"the screenshots' address must start with https:// (not {base!r})")
    if "<screenshots>" in metainfo or len(ANCHOR.findall(metainfo)) != 1:
        raise SystemExit(f"{METAINFO}: no one comment '<!-- No screenshots here: …' to replace")
    base = base if base.endswith("/") else base + "/"
    return ANCHOR.sub(lambda _: screenshots_xml(base), metainfo)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
        return 2
    sys.stdout.write(with_screenshots(argv[0], METAINFO.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
