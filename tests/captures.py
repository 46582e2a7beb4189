"""Web captures and messages made at test time, the way the tools write them: WARCs with
warcio's own writer, WACZ zips with their datapackage.json, Chrome-style MHTML and
e-mail with Python's email package."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from PIL import Image, ImageDraw
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUTLET = "https://margalla-news.example"
PAGE_URL = f"{OUTLET}/2024/04/17/ministry-confirms-x-block"
IMAGE_URL = f"{OUTLET}/media/ministry-letter.png"
PDF_URL = f"{OUTLET}/docs/moi-reply.pdf"
URDU_URL = f"{OUTLET}/ur/2024/04/17/x-band"
STYLE_URL = f"{OUTLET}/static/site.css"
CAPTURED = "2024-04-17T15:10:00Z"
REVISITED = "2024-04-20T09:00:00Z"

PAGE_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Ministry confirms the X block</title>
<link rel="stylesheet" href="/static/site.css">
<script>document.write('tracked')</script>
</head><body><nav><a href="/">Home</a></nav>
<article><h1>Ministry confirms the X block</h1>
<p>The interior ministry told the court that the platform was blocked on the advice of
the intelligence agencies, citing national security.</p>
<p>Rights groups said the block was unlawful and asked the court to lift it.</p>
<img src="/media/ministry-letter.png" alt="The ministry's letter">
<p>Read <a href="/docs/moi-reply.pdf">the ministry's reply</a>.</p>
</article></body></html>"""

URDU_HTML = """<!DOCTYPE html><html lang="ur" dir="rtl"><head><meta charset="utf-8">
<title>ایکس پر پابندی</title></head><body><article><h1>ایکس پر پابندی</h1>
<p>وزارت داخلہ نے عدالت کو بتایا کہ قومی سلامتی کی وجہ سے پلیٹ فارم پر پابندی لگائی گئی۔</p>
<p>انسانی حقوق کی تنظیموں نے اس پابندی کو غیر قانونی قرار دیا۔</p>
</article></body></html>"""

STYLE = b"body { font-family: serif; } h1 { color: #802020; }"


def png_bytes(text: str = "MINISTRY LETTER", size: tuple[int, int] = (320, 120)) -> bytes:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((10, 40), text, fill="black", font_size=24)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real text PDF: the demo's court reply."""
    court = Path(__file__).resolve().parents[1] / "sample_archive" / "court"
    return (court / "2024-04-17_moi_reply_islamabad_high_court.pdf").read_bytes()


@dataclass
class Response:
    url: str
    body: bytes
    content_type: str
    date: str = CAPTURED
    status: str = "200 OK"
    referer: str = ""
    gzip_body: bool = False


def _http(response: Response) -> StatusAndHeaders:
    headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body)))]
    if response.gzip_body:
        headers.append(("Content-Encoding", "gzip"))
    return StatusAndHeaders(response.status, headers, protocol="HTTP/1.1")


def write_warc(
    path: Path,
    responses: list[Response],
    revisits: list[tuple[str, str]] = (),  # type: ignore[assignment]
    gzip: bool = True,
    version: str = "1.1",
) -> Path:
    """A WARC as a capture tool writes it: warcinfo, then a request and a response per
    address, then a revisit per (address, date) of a response already written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip, warc_version=version)
        writer.write_record(
            writer.create_warcinfo_record(path.name, {"software": "xarchive-tests/1.0"})
        )
        for response in responses:
            body = response.body
            if response.gzip_body:
                import gzip as gz

                body = gz.compress(body)
            request_headers = [("Host", response.url.split("/")[2])]
            if response.referer:
                request_headers.append(("Referer", response.referer))
            path_part = "/" + response.url.split("/", 3)[3] if response.url.count("/") > 2 else "/"
            request = writer.create_warc_record(
                response.url, "request",
                http_headers=StatusAndHeaders(f"GET {path_part} HTTP/1.1", request_headers,
                                              is_http_request=True),
                warc_headers_dict={"WARC-Date": response.date},
            )  # fmt: skip
            record = writer.create_warc_record(
                response.url, "response", payload=io.BytesIO(body),
                http_headers=_http(response), warc_headers_dict={"WARC-Date": response.date},
            )  # fmt: skip
            writer.write_request_response_pair(request, record)
            digests[response.url] = record.rec_headers.get_header("WARC-Payload-Digest")
        for url, date in revisits:
            original = next(r for r in responses if r.url == url)
            record = writer.create_revisit_record(
                url, digests[url], url, original.date,
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", original.content_type)],
                                              protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": date},
            )  # fmt: skip
            writer.write_record(record)
    return path


def news_capture() -> list[Response]:
    """An invented outlet's page with its picture, style, a PDF it cites, and an Urdu page."""
    return [
        Response(PAGE_URL, PAGE_HTML.encode("utf-8"), "text/html; charset=utf-8",
                 gzip_body=True),
        Response(STYLE_URL, STYLE, "text/css", referer=PAGE_URL),
        Response(IMAGE_URL, png_bytes(), "image/png", referer=PAGE_URL),
        Response(PDF_URL, pdf_bytes(), "application/pdf"),
        Response(URDU_URL, URDU_HTML.encode("utf-8"), "text/html; charset=utf-8"),
    ]  # fmt: skip


# -- WACZ ------------------------------------------------------------------------------


def write_wacz(
    path: Path,
    warc: Path,
    pages: list[dict[str, str]],
    tamper: str = "",
    signer: object | None = None,
) -> Path:
    """A WACZ 1.1.1: the WARC stored, pages.jsonl, a CDXJ index, datapackage.json with
    every part's hash, datapackage-digest.json (signed with `signer`, an EC private key
    from the cryptography package, as ArchiveWeb.page's anonymous signing does).
    `tamper` names a part whose bytes change after the hashes are taken."""
    warc_name = f"archive/{warc.name}"
    jsonl = (
        "\n".join(
            [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})]
            + [json.dumps(p) for p in pages]
        )
        + "\n"
    )
    parts: dict[str, bytes] = {
        warc_name: warc.read_bytes(),
        "pages/pages.jsonl": jsonl.encode("utf-8"),
        "indexes/index.cdxj": b"com,example)/ 20240417151000 {}\n",
    }
    resources = [
        {"name": Path(name).name, "path": name,
         "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        for name, data in parts.items()
    ]  # fmt: skip
    package = {
        "profile": "data-package", "wacz_version": "1.1.1", "title": "Margalla News capture",
        "created": "2024-04-17T15:12:00Z", "software": "xarchive-tests 1.0",
        "resources": resources,
    }  # fmt: skip
    package_bytes = json.dumps(package, indent=2).encode("utf-8")
    package_hash = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
    digest: dict[str, object] = {"path": "datapackage.json", "hash": package_hash}
    if signer is not None:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        der = signer.sign(package_hash.encode(), ec.ECDSA(hashes.SHA256()))  # type: ignore[attr-defined]
        r, s = decode_dss_signature(der)
        size = (signer.curve.key_size + 7) // 8  # type: ignore[attr-defined]
        raw = r.to_bytes(size, "big") + s.to_bytes(size, "big")  # WebCrypto's form
        public = signer.public_key().public_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        digest["signedData"] = {
            "hash": package_hash,
            "signature": base64.b64encode(raw).decode(),
            "publicKey": base64.b64encode(public).decode(),
            "created": "2024-04-17T15:12:01Z",
            "software": "xarchive-tests 1.0",
        }
    if tamper:
        parts[tamper] = parts[tamper] + b"\n"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("datapackage.json", package_bytes, zipfile.ZIP_DEFLATED)
        z.writestr("datapackage-digest.json", json.dumps(digest), zipfile.ZIP_DEFLATED)
        for name, data in parts.items():
            z.writestr(name, data, zipfile.ZIP_STORED)
    return path


# -- MHTML and e-mail ------------------------------------------------------------------


def write_mhtml(path: Path, boundary: str = "----MultipartBoundary--demo1234----") -> Path:
    """A page saved by Chrome as MHTML: quoted-printable HTML (soft line breaks fall
    inside words, as Chrome's 76-column lines do), a base64 picture, a stylesheet."""
    html = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
        'charset=UTF-8"><title>Platform blocked nationwide</title>'
        '<link rel="stylesheet" href="https://margalla-news.example/static/site.css"></head>'
        "<body><article><h1>Platform blocked nationwide</h1><p>The regulator ordered the "
        "platform blocked across the country; users reported the platform unreachable "
        "on every network. The ministry cited national security.</p>"
        '<img src="https://margalla-news.example/media/ministry-letter.png" alt="letter">'
        "</article></body></html>"
    )
    import quopri

    encoded = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    # Chrome cuts lines at 76 columns wherever they fall: put a soft break inside "platform".
    encoded = encoded.replace("the platform unreachable", "the platfo=\r\nrm unreachable")
    picture = base64.encodebytes(png_bytes()).decode("ascii")
    date = "Wed, 17 Apr 2024 15:10:00 +0500"
    text = (
        "From: <Saved by Blink>\r\n"
        f"Snapshot-Content-Location: {OUTLET}/2024/04/17/platform-blocked\r\n"
        "Subject: Platform blocked nationwide\r\n"
        f"Date: {date}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/related;\r\n"
        '\ttype="text/html";\r\n'
        f'\tboundary="{boundary}"\r\n\r\n\r\n'
        f"--{boundary}\r\n"
        "Content-Type: text/html\r\n"
        "Content-ID: <frame-1@mhtml.blink>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: {OUTLET}/2024/04/17/platform-blocked\r\n\r\n"
        f"{encoded}\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/css\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: {STYLE_URL}\r\n\r\n"
        f"{STYLE.decode()}\r\n"
        f"--{boundary}\r\n"
        "Content-Type: image/png\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        f"Content-Location: {IMAGE_URL}\r\n\r\n"
        f"{picture}\r\n"
        f"--{boundary}--\r\n"
    )
    path.write_bytes(text.encode("ascii"))
    return path


def court_notice_email(with_pdf: bool = True) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Registrar <registrar@ihc.example>"
    message["To"] = "Counsel <counsel@rights-group.example>"
    message["Cc"] = "=?utf-8?b?2LnYr9in2YTYqg==?= <court@ihc.example>"
    message["Subject"] = "Notice of hearing: petition against the X block"
    message["Date"] = format_datetime(datetime(2024, 4, 16, 9, 30, tzinfo=UTC))
    message["Message-ID"] = "<notice-2024-04-16@ihc.example>"
    message.set_content(
        "Dear counsel,\n\nThe petition against the blocking of X is fixed for hearing on "
        "17 April 2024. The Ministry of Interior's reply is attached.\n\nRegistrar"
    )
    if with_pdf:
        message.add_attachment(
            pdf_bytes(), maintype="application", subtype="pdf", filename="moi-reply.pdf"
        )
    return message
