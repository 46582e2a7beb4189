#!/usr/bin/env python3
"""Write the demo archive's web capture and e-mail (``sample_archive/captures``, ``mail``).

* ``captures/2024-04-17_margalla-times_ministry-admits-x-block.wacz``: a WACZ 1.1.1 as
  ArchiveWeb.page writes it, of one page of the invented Margalla Times with its style
  sheet and the picture it shows (drawn here: not the demo's screenshot, which would
  then enter the archive as the page's picture, before the screenshots folder is read);
  its WARC written by warcio, every part hashed in datapackage.json;
* ``mail/2024-04-17_ihc-registry_notice-moi-report.eml``: the Islamabad High Court
  registry's (invented) notice to counsel, the ministry's report attached (the demo's own
  PDF, so it is the same item as the court file, attached to the message).

Both are reconstructions and say so. Output is deterministic (fixed record ids, dates,
boundary and zip times): running the script twice gives byte-identical files.

They add three items to the demo (the page, its picture and the message; the
attachment is the court's PDF already there), which the demo's tests count: after
changing this script, run it and the tests of the demo (sample_archive/README.md).

Usage::

    .venv/bin/python scripts/make_sample_captures.py
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import zipfile
from email.message import EmailMessage
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1] / "sample_archive"
URL = "https://margalla-times.example/2024/04/17/ministry-admits-blocking-x"
CSS_URL = "https://margalla-times.example/static/site.css"
PHOTO_URL = "https://margalla-times.example/media/moi-reply-photos.png"
REPORT = ROOT / "court" / "2024-04-17_moi_reply_islamabad_high_court.pdf"
WHEN = "2024-04-17T16:45:00Z"
ZIP_TIME = (2024, 4, 17, 16, 47, 0)

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Ministry admits it blocked X, citing national security | Margalla Times</title>
<link rel="stylesheet" href="/static/site.css">
<link rel="canonical" href="{URL}">
<meta property="article:published_time" content="2024-04-17T21:30:00+05:00">
<meta name="author" content="Margalla Times Court Desk">
<script>window.dataLayer = []; loadAds();</script>
</head><body>
<header class="masthead"><a href="/">Margalla Times</a></header>
<p class="notice">Reconstruction for demonstration — not an authentic news page. Captured
with a web archiving tool as a researcher would.</p>
<article>
<h1>Ministry admits it blocked X, citing national security</h1>
<p class="byline">Margalla Times Court Desk · Islamabad · 17 April 2024</p>
<p>Two months of silence ended in Islamabad on Wednesday. Answering a petition against
the block, the Ministry of Interior wrote to the high court that X is unreachable in Pakistan
because the ministry asked for it.</p>
<p>Its letter to the Pakistan Telecommunication Authority went out on 17 February, the
ministry says: the same day the platform stopped loading for users across the country.</p>
<p>As grounds the submission lists national security, public order and the "integrity of
the nation", and it blames X for ignoring the government's "lawful directives" and for
doing nothing about misuse of the service.</p>
<figure><img src="/media/moi-reply-photos.png" alt="The ministry's report, photographed">
<figcaption>A page of the submission, from photographs posted on X the same day.</figcaption>
</figure>
<p>The Federal Investigation Agency's Cybercrime Wing, the ministry adds, sent X many
requests through the PTA to block accounts attacking the Chief Justice, and none was
answered.</p>
</article></body></html>
"""

STYLE = """body { font-family: Georgia, serif; }
.masthead { font-size: x-large; font-weight: bold; color: #7a1f1f; }
.notice { background: #fff3c4; padding: 4px; }
h1 { color: #7a1f1f; }
.byline { color: #666666; font-style: italic; }
figcaption { color: #555555; font-size: small; }
"""


def _photo() -> bytes:
    """A photographed page of the ministry's report, drawn (deterministic PNG)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (720, 420), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 30, 660, 400), fill=(250, 250, 246), outline=(120, 120, 120))
    draw.text((90, 60), "MINISTRY OF INTERIOR", fill=(30, 30, 30), font_size=30)
    draw.text((90, 110), "Report to the Islamabad High Court", fill=(30, 30, 30), font_size=22)
    draw.text((90, 150), "Reconstruction for demonstration", fill=(140, 40, 40), font_size=20)
    for y in range(200, 380, 22):
        draw.line((90, y, 620, y), fill=(150, 150, 150), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _warc() -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    ids = iter(f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>" for n in range(1, 100))

    def headers(extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"WARC-Record-ID": next(ids), "WARC-Date": WHEN, **(extra or {})}

    info = writer.create_warcinfo_record(
        "data.warc.gz", {"software": "ArchiveWeb.page-like demo writer (xarchive)"}
    )
    info.rec_headers.replace_header("WARC-Record-ID", next(ids))
    info.rec_headers.replace_header("WARC-Date", WHEN)
    writer.write_record(info)
    for url, body, kind in (
        (URL, PAGE.encode("utf-8"), "text/html; charset=utf-8"),
        (CSS_URL, STYLE.encode("utf-8"), "text/css"),
        (PHOTO_URL, _photo(), "image/png"),
    ):
        path = "/" + url.split("/", 3)[3]
        asked = [("Host", "margalla-times.example")] + ([("Referer", URL)] if url != URL else [])
        request = writer.create_warc_record(
            url, "request",
            http_headers=StatusAndHeaders(f"GET {path} HTTP/1.1", asked, is_http_request=True),
            warc_headers_dict=headers(),
        )  # fmt: skip
        response = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", kind),
                                                     ("Content-Length", str(len(body)))],
                                          protocol="HTTP/1.1"),
            warc_headers_dict=headers(),
        )  # fmt: skip
        writer.write_request_response_pair(request, response)
    return out.getvalue()


def write_wacz(path: Path) -> None:
    warc = _warc()
    pages = (
        json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})
        + "\n"
        + json.dumps({"id": "p1", "url": URL, "ts": WHEN,
                      "title": "Ministry admits it blocked X, citing national security"})
        + "\n"
    ).encode("utf-8")  # fmt: skip
    cdx = "example,margalla-times)/2024/04/17/ministry-admits-blocking-x 20240417164500 {}\n"
    parts = {
        "archive/data.warc.gz": warc,
        "pages/pages.jsonl": pages,
        "indexes/index.cdxj": cdx.encode(),
    }
    package = {
        "profile": "data-package",
        "wacz_version": "1.1.1",
        "title": "Margalla Times: the ministry admits the X block (reconstruction)",
        "created": "2024-04-17T16:47:00Z",
        "software": "ArchiveWeb.page-like demo writer (xarchive)",
        "resources": [
            {"name": Path(n).name, "path": n, "hash": "sha256:" + hashlib.sha256(d).hexdigest(),
             "bytes": len(d)}
            for n, d in parts.items()
        ],
    }  # fmt: skip
    package_bytes = json.dumps(package, indent=2).encode("utf-8")
    digest = {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as wacz:
        for name, data, method in (
            ("datapackage.json", package_bytes, zipfile.ZIP_DEFLATED),
            ("datapackage-digest.json", json.dumps(digest).encode(), zipfile.ZIP_DEFLATED),
            *((n, d, zipfile.ZIP_STORED) for n, d in parts.items()),
        ):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = method
            wacz.writestr(info, data)


def write_eml(path: Path) -> None:
    message = EmailMessage()
    message["From"] = "Demo registry of the Islamabad High Court <registry@ihc-demo.example>"
    message["To"] = "Counsel for the petitioners <counsel@demo-press-club.example>"
    message["Cc"] = "Counsel for the Ministry of Interior <litigation@interior-demo.example>"
    message["Subject"] = "Notice: report of the Ministry of Interior filed in the X petition"
    message["Date"] = "Wed, 17 Apr 2024 17:05:00 +0500"
    message["Message-ID"] = "<notice-2024-04-17-moi-report@ihc-demo.example>"
    message.set_content(
        "Reconstruction for demonstration - not an authentic court e-mail.\n\n"
        "Dear counsel,\n\n"
        "Please find attached the written report that the Ministry of Interior filed\n"
        "today in your petition about the blocking of X. Kindly acknowledge receipt.\n\n"
        "Registry, Islamabad High Court (a demonstration)\n"
    )
    message.add_attachment(
        REPORT.read_bytes(), maintype="application", subtype="pdf", filename=REPORT.name
    )
    message.set_boundary("===============demo-notice-2024-04-17==")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(message.as_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=ROOT, help="where to write (sample_archive/)")
    out = parser.parse_args().out
    write_wacz(out / "captures" / "2024-04-17_margalla-times_ministry-admits-x-block.wacz")
    write_eml(out / "mail" / "2024-04-17_ihc-registry_notice-moi-report.eml")


if __name__ == "__main__":
    main()
