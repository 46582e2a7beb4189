"""Web captures and messages (issue 14): WARC, WACZ, MHTML, SingleFile and e-mail, made
here as the tools write them and imported as a researcher does."""

from __future__ import annotations

import gzip
import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.captures import (
    CAPTURED,
    IMAGE_URL,
    OUTLET,
    PAGE_HTML,
    PAGE_URL,
    PDF_URL,
    REVISITED,
    URDU_URL,
    Response,
    court_notice_email,
    news_capture,
    pdf_bytes,
    png_bytes,
    write_mhtml,
    write_wacz,
    write_warc,
)
from tests.cli import xarchive
from tests.conftest import run_import
from xarchive.core import blobs
from xarchive.core.archive import Archive
from xarchive.core.captures import archived_page
from xarchive.core.model import Item
from xarchive.core.search import Searcher
from xarchive.core.store import annotations as link_store
from xarchive.core.store import items as item_store
from xarchive.core.store import posts as post_store
from xarchive.core.verify import verify


def by_url(archive: Archive) -> dict[str, Item]:
    return {i.source_url: i for i in item_store.items(archive.db)}


def test_a_warc_becomes_one_item_per_page_document_and_picture(
    archive: Archive, tmp_path: Path
) -> None:
    warc = write_warc(
        tmp_path / "capture.warc.gz", news_capture(), revisits=[(PAGE_URL, REVISITED)]
    )
    report = run_import(archive, warc)
    assert report.failed == [], report.failed
    items = by_url(archive)
    assert set(items) == {PAGE_URL, IMAGE_URL, PDF_URL, URDU_URL}  # not the stylesheet
    page = items[PAGE_URL]
    assert (page.kind, page.title) == ("article", "Ministry confirms the X block")
    assert page.captured_at == "2024-04-17T15:10:00+00:00" == CAPTURED.replace("Z", "+00:00")
    text = item_store.pages(archive.db, page.id)[0].text
    assert "citing national security" in text and "tracked" not in text
    assert (
        page.extra["locator"].startswith("record ")
        and "of capture.warc.gz" in page.extra["locator"]
    )
    assert page.extra["digest_check"] == "passed"
    assert page.extra["captured_again"][0]["captured_at"] == "2024-04-20T09:00:00+00:00"
    # the page's payload as the browser got it: gzip undone
    stored = blobs.blob_path(archive.blobs_dir, page.sha256).read_bytes()
    assert stored.startswith(b"<!DOCTYPE html>")
    assert items[IMAGE_URL].kind == "image" and items[PDF_URL].kind == "document"
    assert items[IMAGE_URL].title == "The ministry's letter"  # the page's alt text for it
    assert items[URDU_URL].language == "ur"
    # the picture and the PDF belong to the page that shows and cites them
    for part in (items[IMAGE_URL], items[PDF_URL]):
        (link,) = link_store.links_from(archive.db, part.id)
        assert (link.relation, link.target_id) == ("part-of", page.id)
    # the WARC itself is kept byte for byte
    (box,) = post_store.containers(archive.db)
    assert box.kind == "warc" and box.name == "capture.warc.gz"
    assert blobs.blob_path(archive.blobs_dir, box.sha256).read_bytes() == warc.read_bytes()
    assert box.extra["digests"]["failed"] == 0
    assert verify(archive).ok


def test_a_page_without_a_charset_of_its_own_is_read_in_its_http_headers(
    archive: Archive, tmp_path: Path
) -> None:
    # Short Urdu in Windows-1256, its charset only in the Content-Type header: the guess
    # alone reads it as Mac Icelandic. A page that declares its own charset keeps it.
    plain = (
        '<html lang="ur"><head><title>پابندي</title></head>'
        "<body><p>پابندي ختم کرو</p></body></html>"
    )
    declared = URDU_URL + "/declared"
    warc = write_warc(tmp_path / "charsets.warc.gz", [
        Response(URDU_URL, plain.encode("cp1256"), "text/html; charset=windows-1256"),
        Response(declared, news_capture()[-1].body, 'text/html; charset="windows-1256"'),
    ])  # fmt: skip
    report = run_import(archive, warc)
    assert report.failed == [], report.failed
    items = by_url(archive)
    page, own = items[URDU_URL], items[declared]
    assert item_store.pages(archive.db, page.id)[0].text == "پابندي ختم کرو"
    assert (page.title, page.language) == ("پابندي", "ur")
    assert page.extra["encoding"] == "windows-1256"
    assert page.extra["encoding_source"] == "the record's HTTP Content-Type header"
    assert blobs.blob_path(archive.blobs_dir, page.sha256).read_bytes() == plain.encode("cp1256")
    assert "قومی سلامتی" in item_store.pages(archive.db, own.id)[0].text
    assert own.extra["encoding"] == "utf-8" and "encoding_source" not in own.extra
    assert [h.item.id for h in Searcher(archive).search("پابندی ختم").hits] == [page.id]


def test_an_uncompressed_warc_1_0_reads_the_same(archive: Archive, tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "capture.warc", news_capture()[:1], gzip=False, version="1.0")
    report = run_import(archive, warc)
    assert report.failed == []
    assert by_url(archive)[PAGE_URL].kind == "article"


def test_a_record_altered_after_capture_is_reported_by_number(
    archive: Archive, tmp_path: Path
) -> None:
    page = replace(news_capture()[0], gzip_body=False)
    warc = write_warc(tmp_path / "capture.warc", [page], gzip=False)
    data = warc.read_bytes()
    warc.write_bytes(data.replace(b"citing national security", b"citing national sekurity"))
    report = run_import(archive, warc)
    (failure,) = report.failed
    assert (
        "record 2 of capture.warc" in failure.reason and "digest does not match" in failure.reason
    )
    page = by_url(archive)[PAGE_URL]
    assert page.extra["digest_check"] == "failed"
    assert any("digest does not match" in w for w in page.warnings)


def test_a_truncated_warc_keeps_the_records_before_the_damage(
    archive: Archive, tmp_path: Path
) -> None:
    whole = write_warc(tmp_path / "whole.warc.gz", news_capture()).read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) - 3000])
    report = run_import(archive, cut)
    assert PAGE_URL in by_url(archive)
    assert any("cut.warc.gz" in o.reason for o in report.failed), report.outcomes


# -- MHTML ----------------------------------------------------------------------------


def test_a_chrome_mhtml_page_is_an_article_with_its_address_and_date(
    archive: Archive, tmp_path: Path
) -> None:
    saved = write_mhtml(tmp_path / "Platform blocked nationwide.mhtml")
    report = run_import(archive, saved)
    assert report.failed == [], report.failed
    (item,) = item_store.items(archive.db)
    assert (item.kind, item.title) == ("article", "Platform blocked nationwide")
    assert item.source_url == f"{OUTLET}/2024/04/17/platform-blocked"
    assert item.captured_at == "2024-04-17T10:10:00+00:00"  # 15:10 at +05:00
    text = item_store.pages(archive.db, item.id)[0].text
    assert "the platform unreachable" in text  # the soft line break inside the word is undone
    assert "=\r\n" not in text and "platfo=" not in text
    urls = {r["url"]: r["media_type"] for r in item.extra["resources"]}
    assert urls[IMAGE_URL] == "image/png"
    # the original is the MHTML file, byte for byte
    assert blobs.blob_path(archive.blobs_dir, item.sha256).read_bytes() == saved.read_bytes()
    found = Searcher(archive).search("platform unreachable")
    assert [h.item.id for h in found.hits] == [item.id]


def test_an_mhtml_file_without_its_boundary_is_refused_with_one_message(
    archive: Archive, tmp_path: Path
) -> None:
    saved = write_mhtml(tmp_path / "broken.mhtml")
    data = saved.read_bytes().replace(b"----MultipartBoundary--demo1234----", b"----other----")
    saved.write_bytes(data.replace(b'boundary="----other----"', b'boundary="----gone----"'))
    report = run_import(archive, saved)
    (failure,) = report.failed
    assert "MHTML" in failure.reason and "boundary" in failure.reason


# -- e-mail ---------------------------------------------------------------------------


def test_an_email_is_a_message_with_its_attachment_linked(archive: Archive, tmp_path: Path) -> None:
    eml = tmp_path / "notice.eml"
    eml.write_bytes(court_notice_email().as_bytes())
    report = run_import(archive, eml)
    assert report.failed == [], report.failed
    items = {i.kind: i for i in item_store.items(archive.db)}
    assert set(items) == {"message", "document"}
    message, notice = items["message"], items["document"]
    assert message.title == "Notice of hearing: petition against the X block"
    assert message.author == "Registrar <registrar@ihc.example>"
    assert message.published_at == "2024-04-16T09:30:00+00:00"
    assert message.extra["to"] == "Counsel <counsel@rights-group.example>"
    assert message.extra["cc"].startswith("عدالت")  # the encoded word is decoded
    assert message.extra["message_id"] == "notice-2024-04-16@ihc.example"
    assert "fixed for hearing" in item_store.pages(archive.db, message.id)[0].text
    assert blobs.blob_path(archive.blobs_dir, message.sha256).read_bytes() == eml.read_bytes()
    assert notice.original_name == "moi-reply.pdf"
    assert notice.extra["locator"] == "attachment 1 of notice.eml"
    (link,) = link_store.links_from(archive.db, notice.id)
    assert (link.relation, link.target_id) == ("attached-to", message.id)
    assert verify(archive).ok
    # imported again: nothing new
    again = run_import(archive, eml)
    assert again.imported == [] and again.failed == []


def test_a_broken_attachment_is_named_and_the_message_imports(
    archive: Archive, tmp_path: Path
) -> None:
    message = court_notice_email(with_pdf=False)
    message.add_attachment(
        b"%PDF-1.7\n" + bytes(range(256)) * 8,
        maintype="application", subtype="pdf", filename="order.pdf",
    )  # fmt: skip
    eml = tmp_path / "order.eml"
    eml.write_bytes(message.as_bytes())
    report = run_import(archive, eml)
    assert [i.kind for i in item_store.items(archive.db)] == ["message"]
    (failure,) = report.failed
    assert "order.pdf" in failure.path


def test_an_mbox_gives_each_message_an_item(archive: Archive, tmp_path: Path) -> None:
    import mailbox

    path = tmp_path / "court.mbox"
    box = mailbox.mbox(path)
    first = court_notice_email()
    second = court_notice_email(with_pdf=False)
    del second["Subject"], second["Message-ID"]
    second["Subject"] = "Re: Notice of hearing"
    second["Message-ID"] = "<reply@rights-group.example>"
    box.add(first)
    box.add(second)
    box.close()
    report = run_import(archive, path)
    assert report.failed == [], report.failed
    titles = sorted(i.title for i in item_store.items(archive.db) if i.kind == "message")
    assert titles == ["Notice of hearing: petition against the X block", "Re: Notice of hearing"]
    (box_row,) = post_store.containers(archive.db)
    assert box_row.kind == "mbox"


def test_from_and_to_find_a_message_by_its_addresses(archive: Archive, tmp_path: Path) -> None:
    eml = tmp_path / "notice.eml"
    eml.write_bytes(court_notice_email(with_pdf=False).as_bytes())
    assert run_import(archive, eml).failed == []
    searcher = Searcher(archive)

    def found(query: str) -> list[str]:
        return [h.item.kind for h in searcher.search(query, limit=10).hits]

    for query in ("from:registrar@ihc.example", "from:@IHC.example", "sender:@ihc.example",
                  "to:counsel@rights-group.example", "to:court@ihc.example",  # its Cc
                  "recipient:@rights-group.example", "from:registrar* petition"):  # fmt: skip
        assert found(query) == ["message"], query
    for query in ("to:registrar@ihc.example", "from:counsel@rights-group.example",
                  "account:registrar@ihc.example", "from:registrar"):  # fmt: skip
        assert found(query) == [], query
    # xarchive show names its fields too
    (message,) = item_store.items(archive.db)
    shown = xarchive("show", str(message.id), "--archive", str(archive.root)).stdout
    assert "From:        Registrar <registrar@ihc.example>" in shown
    assert "To:          Counsel <counsel@rights-group.example>" in shown
    assert "Message-ID:  notice-2024-04-16@ihc.example" in shown


# -- WACZ -----------------------------------------------------------------------------

PAGES = [
    {"url": PAGE_URL, "ts": CAPTURED, "title": "Ministry confirms X block (Margalla News)"},
    {"url": URDU_URL, "ts": CAPTURED, "title": "ایکس پر پابندی"},
]


def test_a_wacz_is_checked_then_its_pages_imported_with_their_titles(
    archive: Archive, tmp_path: Path
) -> None:
    warc = write_warc(tmp_path / "data.warc.gz", news_capture())
    wacz = write_wacz(tmp_path / "margalla.wacz", warc, PAGES)
    report = run_import(archive, wacz)
    assert report.failed == [], report.failed
    items = by_url(archive)
    page = items[PAGE_URL]
    assert page.title == "Ministry confirms X block (Margalla News)"  # from pages.jsonl
    assert page.extra["locator"].endswith("of archive/data.warc.gz in margalla.wacz")
    assert page.extra["wacz_signature"] == "not signed"
    (box,) = post_store.containers(archive.db)
    assert box.kind == "wacz" and box.extra["wacz"]["parts_checked"] == 3
    assert blobs.blob_path(archive.blobs_dir, box.sha256).read_bytes() == wacz.read_bytes()


def test_a_wacz_with_a_part_that_differs_is_refused_naming_it(
    archive: Archive, tmp_path: Path
) -> None:
    warc = write_warc(tmp_path / "data.warc.gz", news_capture())
    wacz = write_wacz(tmp_path / "altered.wacz", warc, PAGES, tamper="pages/pages.jsonl")
    report = run_import(archive, wacz)
    (failure,) = report.failed
    assert "‘pages/pages.jsonl’ does not match" in failure.reason
    assert list(item_store.items(archive.db)) == []


def test_a_signed_wacz_has_its_signature_checked_offline(archive: Archive, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    warc = write_warc(tmp_path / "data.warc.gz", news_capture()[:1])
    key = ec.generate_private_key(ec.SECP384R1())
    wacz = write_wacz(tmp_path / "signed.wacz", warc, PAGES[:1], signer=key)
    run_import(archive, wacz)
    page = by_url(archive)[PAGE_URL]
    assert page.extra["wacz_signature"].startswith("signature valid, by an anonymous key")
    (box,) = post_store.containers(archive.db)
    assert box.extra["wacz"]["signature"]["status"] == "valid"


def test_a_wacz_signed_by_another_key_is_shown_invalid(archive: Archive, tmp_path: Path) -> None:
    import base64
    import json
    import zipfile

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    warc = write_warc(tmp_path / "data.warc.gz", news_capture()[:1])
    signed = write_wacz(tmp_path / "signed.wacz", warc, PAGES[:1],
                        signer=ec.generate_private_key(ec.SECP384R1()))  # fmt: skip
    other = (
        ec.generate_private_key(ec.SECP384R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    forged = tmp_path / "forged.wacz"
    with zipfile.ZipFile(signed) as source, zipfile.ZipFile(forged, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "datapackage-digest.json":
                digest = json.loads(data)
                digest["signedData"]["publicKey"] = base64.b64encode(other).decode()
                data = json.dumps(digest).encode()
            out.writestr(info, data)
    run_import(archive, forged)
    assert by_url(archive)[PAGE_URL].extra["wacz_signature"].startswith("signature INVALID")


# -- the page as captured -------------------------------------------------------------


def test_a_captured_page_comes_back_with_its_own_picture_and_style(
    archive: Archive, tmp_path: Path
) -> None:
    warc = write_warc(tmp_path / "capture.warc.gz", news_capture())
    run_import(archive, warc)
    page = archived_page(archive, by_url(archive)[PAGE_URL])
    assert page is not None
    assert "<script" not in page.markup and "document.write" not in page.markup
    assert "citing national security" in page.markup
    (key,) = [k for k, address in page.addresses.items() if address == IMAGE_URL]
    assert f'src="{key}"' in page.markup
    assert page.resource(key) == png_bytes()
    assert "font-family: serif" in page.style
    assert page.missing == []
    assert "captured 2024-04-17 15:10:00 UTC" in page.banner and PAGE_URL in page.banner


def test_an_mhtml_page_comes_back_with_its_saved_picture(archive: Archive, tmp_path: Path) -> None:
    run_import(archive, write_mhtml(tmp_path / "saved.mhtml"))
    (item,) = item_store.items(archive.db)
    page = archived_page(archive, item)
    assert page is not None
    (key,) = [k for k, address in page.addresses.items() if address == IMAGE_URL]
    assert page.resource(key) == png_bytes()
    assert "font-family: serif" in page.style


SINGLEFILE = """<!DOCTYPE html> <html lang="en"><!--
 Page saved with SingleFile
 url: https://margalla-news.example/2024/04/18/court-hearing
 saved date: Thu Apr 18 2024 11:20:00 GMT+0500 (Pakistan Standard Time)
--><head><meta charset="utf-8"><title>Court hears the X block petition</title>
<style>h1 { color: #802020; }</style></head><body><article>
<h1>Court hears the X block petition</h1>
<p>The high court heard the petition against the blocking of the platform and asked the
ministry to explain the legal basis of the block within a week.</p>
<img src="data:image/png;base64,{picture}" alt="court"></article></body></html>"""


def test_a_singlefile_page_keeps_its_address_date_and_inlined_picture(
    archive: Archive, tmp_path: Path
) -> None:
    import base64

    saved = tmp_path / "Court hears the X block petition.html"
    saved.write_text(SINGLEFILE.replace("{picture}", base64.b64encode(png_bytes()).decode()))
    report = run_import(archive, saved)
    assert report.failed == []
    (item,) = item_store.items(archive.db)
    assert item.source_url == "https://margalla-news.example/2024/04/18/court-hearing"
    assert item.captured_at == "2024-04-18T06:20:00+00:00"
    page = archived_page(archive, item)
    assert page is not None
    src = re.search(r'src="(data:image/png;base64,[^"]+)"', page.markup)
    assert src is not None and page.resource(src.group(1)) == png_bytes()


# -- bundles --------------------------------------------------------------------------


def test_a_bundle_names_the_address_capture_date_and_signature_of_each_page(
    archive: Archive, tmp_path: Path
) -> None:
    import json
    import zipfile

    from cryptography.hazmat.primitives.asymmetric import ec

    from xarchive.core.bundles import export_bundle, verify_bundle
    from xarchive.core.bundles.layout import report_page
    from xarchive.core.bundles.selection import select_items

    warc = write_warc(tmp_path / "data.warc.gz", news_capture()[:3])
    key = ec.generate_private_key(ec.SECP384R1())
    run_import(archive, write_wacz(tmp_path / "signed.wacz", warc, PAGES[:1], signer=key))
    page, picture = by_url(archive)[PAGE_URL], by_url(archive)[IMAGE_URL]
    out = tmp_path / "bundle.zip"
    export_bundle(archive, select_items(archive, ids=[page.id, picture.id]), out)
    with zipfile.ZipFile(out) as bag:
        name = next(n for n in bag.namelist() if n.endswith("items.json"))
        records = json.loads(bag.read(name))
        report = next(n for n in bag.namelist() if n.endswith(report_page(page.id)))
        html = bag.read(report).decode()
        top = name.removesuffix("data/items.json")
        captures = [n for n in bag.namelist() if n.startswith(top + "data/captures/")]
        # the WACZ itself, once for both of its items, byte for byte and in the manifest
        (capture,) = captures
        assert bag.read(capture) == (tmp_path / "signed.wacz").read_bytes()
        manifest = bag.read(top + "manifest-sha256.txt").decode()
    items = records["items"] if isinstance(records, dict) else records
    (record,) = [r for r in items if r["sha256"] == page.sha256]
    assert record["source_url"] == PAGE_URL
    assert record["captured_at"] == "2024-04-17T15:10:00+00:00"
    assert record["extra"]["wacz_signature"].startswith("signature valid")
    assert record["extra"]["locator"] == "record 2 of archive/data.warc.gz in signed.wacz"
    assert PAGE_URL in html and "2024-04-17T15:10:00+00:00" in html
    file = capture.removeprefix(top)
    assert record["capture_file"] == {
        "file": file, "name": "signed.wacz", "sha256": page.extra["capture_sha256"],
        "size": (tmp_path / "signed.wacz").stat().st_size, "kind": "wacz",
    }  # fmt: skip
    assert f"{page.extra['capture_sha256']}  {file}" in manifest
    assert [r["capture_file"]["file"] for r in items if r["sha256"] == picture.sha256] == [file]
    assert f'href="../../{file.removeprefix("data/")}">signed.wacz</a>' in html
    assert "signature valid" in html and "record 2 of archive/data.warc.gz in signed.wacz" in html
    assert verify_bundle(out).ok


def test_an_attachment_already_in_the_archive_is_linked_to_its_message(
    archive: Archive, tmp_path: Path
) -> None:
    court = tmp_path / "moi-reply.pdf"
    court.write_bytes(pdf_bytes())
    run_import(archive, court)
    eml = tmp_path / "notice.eml"
    eml.write_bytes(court_notice_email().as_bytes())
    report = run_import(archive, eml)
    assert report.failed == []
    items = {i.kind: i for i in item_store.items(archive.db)}
    (link,) = link_store.links_from(archive.db, items["document"].id)
    assert (link.relation, link.target_id) == ("attached-to", items["message"].id)
    sources = [s.path for s in item_store.sources(archive.db, items["document"].id)]
    assert any(p.endswith("notice.eml/attachment 1/moi-reply.pdf") for p in sources)
    assert items["message"].captured_at == "2024-04-16T09:30:00+00:00"  # no Received: Date


def test_a_warc_gzipped_as_one_whole_reads_like_any_other(archive: Archive, tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "plain.warc", news_capture(), gzip=False).read_bytes()
    whole = tmp_path / "whole.warc.gz"  # `gzip plain.warc`, not one gzip member a record
    whole.write_bytes(gzip.compress(plain))
    report = run_import(archive, whole)
    assert report.failed == [], report.failed
    assert set(by_url(archive)) == {PAGE_URL, IMAGE_URL, PDF_URL, URDU_URL}
    page = archived_page(archive, by_url(archive)[PAGE_URL])
    assert page is not None and page.missing == []


def test_a_domain_signed_wacz_names_its_domain_and_says_the_chain_was_not_checked(
    archive: Archive, tmp_path: Path
) -> None:
    import base64
    import datetime as dt
    import json
    import zipfile

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    warc = write_warc(tmp_path / "data.warc.gz", news_capture()[:1])
    unsigned = write_wacz(tmp_path / "unsigned.wacz", warc, PAGES[:1])
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "archive.rights-group.example")])
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(7)
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    signed = tmp_path / "domain.wacz"
    with zipfile.ZipFile(unsigned) as source, zipfile.ZipFile(signed, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "datapackage-digest.json":
                digest = json.loads(data)
                signature = key.sign(digest["hash"].encode(), ec.ECDSA(hashes.SHA256()))
                digest["signedData"] = {
                    "hash": digest["hash"],
                    "signature": base64.b64encode(signature).decode(),
                    "domain": "archive.rights-group.example",
                    "domainCert": cert.public_bytes(serialization.Encoding.PEM).decode(),
                    "created": "2024-04-17T15:12:01Z",
                    "software": "authsign 0.5",
                }
                data = json.dumps(digest).encode()
            out.writestr(info, data)
    run_import(archive, signed)
    said = by_url(archive)[PAGE_URL].extra["wacz_signature"]
    assert said.startswith("signature valid, by archive.rights-group.example")
    assert "not checked against a trusted authority" in said


# -- what session 6 left (issue 14) ----------------------------------------------------


def test_to_cc_and_message_id_are_fields_and_to_and_cc_facets(
    archive: Archive, tmp_path: Path
) -> None:
    eml = tmp_path / "notice.eml"
    eml.write_bytes(court_notice_email(with_pdf=False).as_bytes())
    assert run_import(archive, eml).failed == []
    searcher = Searcher(archive)
    facets = searcher.search("*").facets
    # an address a value, not the domains the query matches too
    assert facets["to"] == (("counsel@rights-group.example", 1),)
    assert facets["cc"] == (("court@ihc.example", 1),)
    assert facets["author"] == (("Registrar <registrar@ihc.example>", 1),)  # From

    def found(query: str) -> list[str]:
        return [h.item.kind for h in searcher.search(query, limit=10).hits]

    for query in ("sent_to:counsel@rights-group.example", "sent_to:@Rights-Group.example",
                  "cc:court@ihc.example", "cc:@ihc.example",
                  "message_id:notice-2024-04-16@ihc.example",
                  "message_id:Notice-2024-04-16@IHC.example"):  # fmt: skip
        assert found(query) == ["message"], query
    for query in ("sent_to:court@ihc.example", "cc:counsel@rights-group.example",
                  "cc:registrar@ihc.example", "message_id:notice-2024-04-16"):  # fmt: skip
        assert found(query) == [], query
    # a message with neither: no empty value in the facets
    bare = court_notice_email(with_pdf=False)
    del bare["Cc"], bare["Message-ID"], bare["Subject"]
    bare["Subject"], bare["Message-ID"] = "No copy", "<bare@ihc.example>"
    (tmp_path / "bare.eml").write_bytes(bare.as_bytes())
    assert run_import(archive, tmp_path / "bare.eml").failed == []
    facets = Searcher(archive).search("kind:message").facets
    assert facets["to"] == (("counsel@rights-group.example", 2),)
    assert facets["cc"] == (("court@ihc.example", 1),)


def test_an_imported_bundle_brings_its_captures_and_the_page_shows_as_captured(
    archive: Archive, tmp_path: Path
) -> None:
    from xarchive.core.bundles import export_bundle, import_bundle
    from xarchive.core.bundles.selection import select_items

    warc = write_warc(tmp_path / "capture.warc.gz", news_capture())
    wacz = write_wacz(tmp_path / "margalla.wacz", write_warc(tmp_path / "data.warc.gz", [
        Response(PAGE_URL + "/wacz", PAGE_HTML_ELSEWHERE.encode(), "text/html; charset=utf-8"),
        Response(IMAGE_URL, png_bytes("ANOTHER LETTER"), "image/png", referer=PAGE_URL + "/wacz"),
    ]), [{"url": PAGE_URL + "/wacz", "ts": CAPTURED, "title": "The page in a WACZ"}])  # fmt: skip
    run_import(archive, warc, wacz)
    pages = [by_url(archive)[PAGE_URL], by_url(archive)[PAGE_URL + "/wacz"]]
    out = tmp_path / "bundle.zip"
    export_bundle(archive, select_items(archive, ids=[p.id for p in pages]), out)

    with Archive.create(tmp_path / "colleague.xarchive") as other:
        report = import_bundle(other, out)
        assert report.failed == [] and report.added  # the pages, and what they link to
        boxes = {b.name: b for b in post_store.containers(other.db)}
        assert set(boxes) >= {"capture.warc.gz", "margalla.wacz"}
        for name, original in (("capture.warc.gz", warc), ("margalla.wacz", wacz)):
            box = boxes[name]  # the capture byte for byte, where it came from
            stored = blobs.blob_path(other.blobs_dir, box.sha256)
            assert stored.read_bytes() == original.read_bytes()
            (where,) = post_store.container_paths(other.db, box.id)
            assert where == f"{out}!/data/captures/{name}"
        assert boxes["margalla.wacz"].kind == "wacz" and boxes["capture.warc.gz"].kind == "warc"
        # the colleague sees each page as it was captured: its own picture and style
        mine = {i.source_url: i for i in item_store.items(other.db)}
        page = archived_page(other, mine[PAGE_URL])
        assert page is not None and page.missing == []
        (key,) = [k for k, address in page.addresses.items() if address == IMAGE_URL]
        assert page.resource(key) == png_bytes() and "font-family: serif" in page.style
        in_wacz = archived_page(other, mine[PAGE_URL + "/wacz"])
        assert in_wacz is not None
        (key,) = [k for k, address in in_wacz.addresses.items() if address == IMAGE_URL]
        assert in_wacz.resource(key) == png_bytes("ANOTHER LETTER")  # its own capture's
        assert verify(other).ok
        # the same bundle again: no capture twice
        import_bundle(other, out)
        assert len(post_store.containers(other.db)) == len(boxes)


PAGE_HTML_ELSEWHERE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>The page in a WACZ</title></head><body><article><h1>The page in a WACZ</h1>
<p>The regulator told the court that the order to block the platform came from the
interior ministry, and that it had only carried it out.</p>
<img src="/media/ministry-letter.png" alt="Another letter"></article></body></html>"""


def test_captured_pages_are_suggested_as_links_whichever_charset_they_were_read_in(
    archive: Archive, tmp_path: Path
) -> None:
    import json

    from xarchive.core.suggest import Suggestions

    post = "https://x.com/test_reporter/status/1001"
    # one page read in the charset of its HTTP header (Urdu in Windows-1256), one in its own
    urdu = (
        '<html lang="ur"><head><title>پابندي</title></head><body><p>پابندي ختم کرو '
        f'<a href="{post}">ٹويٹ</a></p></body></html>'
    )
    english = PAGE_HTML.replace("</article>", f'<p><a href="{post}">The post</a></p></article>')
    folder = tmp_path / "case"
    write_warc(folder / "capture.warc.gz", [
        Response(URDU_URL, urdu.encode("cp1256"), "text/html; charset=windows-1256"),
        Response(PAGE_URL, english.encode(), "text/html; charset=utf-8"),
    ])  # fmt: skip
    (folder / "note.txt").write_text(
        f"To check: {URDU_URL} (Urdu) and {PAGE_URL} (English) say the same.\n"
    )
    record = {
        "id": "1001",
        "text": "The ministry admits the block",
        "author_id": "42",
        "created_at": "2024-04-18T10:00:00.000Z",
        "lang": "en",
        "author": {"id": "42", "username": "test_reporter", "name": "Test Reporter"},
    }
    (folder / "posts.jsonl").write_text(json.dumps(record) + "\n")
    report = run_import(archive, folder)
    assert report.failed == [], report.failed
    items = by_url(archive)
    read_in_header = items[URDU_URL]
    assert read_in_header.extra["encoding_source"] == "the record's HTTP Content-Type header"
    names = {i.id: i.original_name for i in item_store.items(archive.db)}
    note = next(i for i, n in names.items() if n == "note.txt")
    tweet = next(i.id for i in item_store.items(archive.db) if i.kind == "post")
    cites = {(s.source_id, s.target_id) for s in Suggestions(archive).pending()
             if s.relation == "cites"}  # fmt: skip
    for page in (read_in_header, items[PAGE_URL]):
        assert (note, page.id) in cites, page.source_url  # the note names its address
        assert (page.id, tweet) in cites, page.source_url  # it links to the post


def test_an_html_only_message_is_read_as_its_text_without_what_would_run_or_load(
    archive: Archive, tmp_path: Path
) -> None:
    message = court_notice_email(with_pdf=False)
    message.set_content(
        "<html><head><script>track()</script><style>p { color: red }</style></head><body>"
        '<p>The hearing is <b>adjourned</b> to 24 April.</p><img src="https://tracker.example/'
        'pixel.gif"><p onclick="steal()">Registrar</p></body></html>',
        subtype="html",
    )
    eml = tmp_path / "adjourned.eml"
    eml.write_bytes(message.as_bytes())
    assert run_import(archive, eml).failed == []
    (item,) = item_store.items(archive.db)
    text = item_store.pages(archive.db, item.id)[0].text
    assert "The hearing is adjourned to 24 April." in text and "Registrar" in text
    assert not any(bit in text for bit in ("track()", "color: red", "tracker.example", "steal"))
    assert item.extra["body_type"] == "text/html"


def test_a_capture_that_fails_to_read_in_a_bundle_is_reported_and_the_import_goes_on(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hostile bytes can make a capture's reader raise an OSError or a BadZipFile, not
    only xarchive's own errors: that ended the whole bundle import as an unexpected
    error, after its items were committed. (The failure is injected: the readers turn
    every damage found so far into their own error.)"""
    from xarchive.core.bundles import export_bundle, import_bundle
    from xarchive.core.bundles import importing as bundle_importing
    from xarchive.core.bundles.selection import select_items

    run_import(archive, write_warc(tmp_path / "capture.warc.gz", news_capture()))
    out = tmp_path / "bundle.zip"
    export_bundle(archive, select_items(archive, ids=[by_url(archive)[PAGE_URL].id]), out)

    def unreadable(*_args: object) -> None:
        raise OSError("Not a gzipped file (b'\\x00\\x00')")

    monkeypatch.setattr(bundle_importing, "_read_capture", unreadable)
    with Archive.create(tmp_path / "colleague.xarchive") as other:
        report = import_bundle(other, out)
        assert report.added  # the page, shown as its extracted text
        (failed,) = report.failed
        assert "capture.warc.gz" in failed and "Not a gzipped file" in failed
