"""The bundle's HTML report, opened offline in a real headless browser (Debian's chromium)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from xarchive.core import properties
from xarchive.core.archive import Archive
from xarchive.core.bundles import ExportOptions, export_bundle, select_items
from xarchive.core.demo_annotations import annotate_demo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Chromium's own housekeeping (time sync, component updates, account check): not the page.
#: Each is refused anyway by the resolver rules and the dead proxy below.
BROWSER_HOUSEKEEPING = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?:google\.com|googleapis\.com|gvt1\.com|gstatic\.com)/"
)


@pytest.fixture(scope="module")
def report_bundle(demo_archive_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report")
    root = base / "annotated.xarchive"
    shutil.copytree(demo_archive_path, root)
    (root / "archive.lock").unlink(missing_ok=True)
    with Archive.open(root) as archive:
        annotate_demo(archive)
        export_bundle(
            archive, select_items(archive, query="*"), base / "b", ExportOptions(zipped=False)
        )
    return base / "b"


def _item_page(bundle: Path, original_name: str) -> Path:
    items = json.loads((bundle / "data/items.json").read_text("utf-8"))["items"]
    (found,) = [i for i in items if i["original_name"] == original_name]
    return bundle / "data/report/items" / f"{found['id']:04d}.html"


def test_report_is_self_contained(report_bundle: Path) -> None:
    pages = list((report_bundle / "data/report").rglob("*.html"))
    assert len(pages) > 90
    for page in pages:
        html = page.read_text("utf-8")
        assert "<script" not in html.lower()
        assert "Content-Security-Policy" in html and "default-src 'none'" in html
        for ref in re.findall(r'(?:src|href)="([^"]*)"', html):
            assert "://" not in ref and not ref.startswith("/"), (page.name, ref)
            if ref.startswith("#"):  # a place on the same page
                assert f'id="{ref[1:]}"' in html, (page.name, ref)
                continue
            target = (page.parent / ref.split("#")[0]).resolve()
            assert target.is_file(), (page.name, ref)
            assert report_bundle.resolve() in target.parents  # nothing outside the bag


def test_the_report_says_what_it_holds_in_words_for_its_reader(
    report_bundle: Path, demo_archive_path: Path, tmp_path: Path
) -> None:
    """Issue 12.11: the report showed bag-info.txt's keys (X-Xarchive-Selection,
    X-Xarchive-Custody-Head) and 'Contact-Name: root', the login of whoever exported."""
    index = (report_bundle / "data/report/index.html").read_text("utf-8")
    labels = re.findall(r"<th title=\"([^\"]+) in bag-info.txt\">([^<]+)</th>", index)
    shown = dict(labels)
    assert {"X-Xarchive-Selection", "X-Xarchive-Custody-Head", "Bagging-Date"} <= set(shown)
    assert shown["X-Xarchive-Selection"] == "Items chosen by"
    assert all(label != key and not label.startswith("X-") for key, label in labels)
    # No name was given in the archive's properties: no contact, not the login's name.
    assert "Contact-Name" not in shown
    assert "Contact-Name" not in (report_bundle / "bag-info.txt").read_text("utf-8")

    root = tmp_path / "named.xarchive"
    shutil.copytree(demo_archive_path, root, ignore=shutil.ignore_patterns("archive.lock"))
    with Archive.open(root) as archive:
        properties.write(archive, {"user_name": "Ayesha Khan"})  # File ▸ Archive Properties
        export_bundle(archive, select_items(archive, query="court"), tmp_path / "b",
                      ExportOptions(zipped=False))  # fmt: skip
    named = (tmp_path / "b/data/report/index.html").read_text("utf-8")
    contact = '<th title="Contact-Name in bag-info.txt">Exported by</th><td>Ayesha Khan</td>'
    assert contact in named
    assert "Contact-Name: Ayesha Khan" in (tmp_path / "b/bag-info.txt").read_text("utf-8")


def test_escaping(report_bundle: Path) -> None:
    from xarchive.core.bundles.report import ReportInfo, ReportItem, render

    record = {"id": 1, "sha256": "a" * 64, "file": "data/items/0001-x.txt", "role": "selected",
              "size": 1, "kind": "text", "title": "<script>alert(1)</script>",
              "original_name": "x\"><img src=x>.txt", "media_type": "text/plain", "language": "",
              "published_at": "", "captured_at": "", "imported_at": "2024-01-01",
              "author": "", "source_url": "javascript:alert(1)", "ocr_status": "none",
              "pages": [{"page": 1, "text": "<b>bold</b>", "from_ocr": False}]}  # fmt: skip
    files = render(ReportInfo("t<i>", [("Label", "<v>")], True, [ReportItem(record)]))
    joined = "".join(files.values())
    assert "<script>" not in joined and "<img src=x>" not in joined and "<b>bold" not in joined
    assert "&lt;script&gt;" in joined and 'href="javascript' not in joined


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/setup installs it)"
)
def test_report_opens_offline_in_chromium(report_bundle: Path, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    net_log = tmp_path / "net-log.json"
    moi = _item_page(report_bundle, "2024-04-17_moi_reply_islamabad_high_court.pdf")
    photos = _item_page(report_bundle, "2024-04-17_demo_reporter_ministry_reply_photos.png")
    doms = {}
    for name, page in (("index", report_bundle / "data/report/index.html"), ("moi", moi),
                       ("photos", photos)):  # fmt: skip
        command = [
            CHROMIUM, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-domain-reliability",
            f"--user-data-dir={tmp_path / ('profile-' + name)}",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
            f"--log-net-log={net_log.with_suffix('.' + name + '.json')}",
            "--dump-dom", page.as_uri(),
        ]  # fmt: skip
        if os.geteuid() == 0:
            command.insert(1, "--no-sandbox")
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        doms[name] = result.stdout

    # the table of contents and the timeline link to every item's page
    assert doms["index"].count('href="items/') >= 2 * 99
    assert 'id="timeline"' in doms["index"]
    # the ministry's reply: its highlight is marked, its note and its links render
    assert re.search(r"<mark[^>]*>national security and for\s+the maintenance of public order",
                     doms["moi"])  # fmt: skip
    assert "The reasons given for the block" in doms["moi"]
    assert re.search(r'<a href="\d{4}\.html"[^>]*>#\d+ Writ petition', doms["moi"])
    assert "replies-to" in doms["moi"] and "First official admission" in doms["moi"]
    # the photos: three region notes drawn over the picture from inside the bag
    assert doms["photos"].count('class="region"') == 3
    assert re.search(r'<img src="\.\./\.\./items/\d{4}-[^"]+\.png"', doms["photos"])

    # nothing was requested from the network (files are read without the network
    # stack); the only remote URLs are Chromium's own housekeeping, which the dead proxy refused
    for log in tmp_path.glob("net-log.*.json"):
        text = log.read_text("utf-8", "replace")
        urls = set(re.findall(r'"url":"([a-z-]+://[^"]*)"', text))
        assert '"constants"' in text, log.name  # a real net log was written
        remote = {u for u in urls if not u.startswith(("file://", "data:"))}
        page_requests = {u for u in remote if not BROWSER_HOUSEKEEPING.match(u)}
        assert page_requests == set(), page_requests
        assert not any(u.startswith(("ws://", "wss://")) for u in urls)
