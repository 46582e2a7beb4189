"""The demo archive, imported as a user would: the facts of the case are found by word,
phrase, field and date, in English and Urdu, typed, scanned or photographed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import DEMO_ITEMS, HAS_TESSERACT
from xarchive.core.archive import Archive
from xarchive.core.demo import sample_folders
from xarchive.core.demo_annotations import annotate_demo
from xarchive.core.importing import ImportOptions, import_paths
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store

MOI_REPLY = "2024-04-17_moi_reply_islamabad_high_court.pdf"
SINDH_SCAN = "2024-04-17_sindh_high_court_order_scanned.pdf"
URDU_ARTICLE = "2024-04-19_sindhu-khabar-urdu_wazarat-e-dakhla-aitraf.html"
URDU_SHOT = "2024-02-17_urdu_khabar_demo_x_band.png"
URDU_SHOT_2 = "2024-04-18_karachi_demo_voice_wazarat_dakhla.png"
CAPTURED_PAGE = "ministry-admits-blocking-x.html"  # in captures/…margalla-times….wacz
NOTICE = "2024-04-17_ihc-registry_notice-moi-report.eml"


@pytest.fixture
def searcher(demo: Archive) -> Searcher:
    return Searcher(demo)


def names(searcher: Searcher, query: str) -> set[str]:
    return {h.item.original_name for h in searcher.search(query, limit=100).hits}


def test_every_sample_is_imported_with_its_kind(demo: Archive) -> None:
    kinds: dict[str, int] = {}
    for item in item_store.items(demo.db):
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    # posts: 51 of @demo_reporter's archive and 30 from the twarc2 file, 4 of them in both,
    # and the 2 versions of an edited post from the follow-up lookup (its third post is a
    # second capture of one from the search); images: 6 screenshots and the 6 pictures of
    # @demo_reporter's posts; the video of one of them. The compliance file adds events.
    # The WACZ gives a page and its picture; the e-mail a message (its attachment is the
    # ministry's report, already in court/).
    assert kinds == {
        "document": 3, "article": 7, "image": 13, "text": 2, "post": 79, "video": 1,
        "message": 1,
    }  # fmt: skip
    assert sum(kinds.values()) == DEMO_ITEMS


def test_pdf_text_and_metadata_per_page(demo: Archive, searcher: Searcher) -> None:
    (hit,) = [h for h in searcher.search('"national security"', limit=50).hits
              if h.item.original_name == MOI_REPLY]  # fmt: skip
    assert hit.snippet is not None and hit.snippet.page == 2
    item = hit.item
    assert item.page_count == 4 and item.published_at.startswith("2024-04-17")
    assert "Islamabad High Court" in item.title
    pages = item_store.pages(demo.db, item.id)
    assert "national security" in pages[1].text and "national security" not in pages[0].text


def test_phrases_fields_and_dates(searcher: Searcher) -> None:
    assert MOI_REPLY in names(searcher, '"defamatory campaign" kind:document')
    assert names(searcher, "kind:document") >= {MOI_REPLY, SINDH_SCAN}
    april = names(searcher, "date:2024-04-17..2024-04-19 kind:article")
    assert len(april) == 4 and {URDU_ARTICLE, CAPTURED_PAGE} <= april
    assert names(searcher, "kind:article date:2024-02") == {
        "2024-02-17_indus-ledger_x-goes-dark-across-pakistan.html",
        "2024-02-18_ravi-courier-urdu_x-service-band.html",
    }
    assert "2024-03-07_margalla-times_rights-groups-urge-restore-x.html" in names(
        searcher, "amnesty source:margallatimes.example"
    )


def test_an_urdu_word_in_an_urdu_article(searcher: Searcher) -> None:
    found = names(searcher, "قومی سلامتی lang:ur kind:article")
    assert found == {URDU_ARTICLE}
    # typed with an Arabic keyboard: Arabic yeh and kaf instead of Urdu ones
    assert URDU_ARTICLE in names(searcher, "ٹوئٹر ايكس")


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract is not installed")
def test_an_urdu_word_in_an_urdu_screenshot(searcher: Searcher) -> None:
    assert names(searcher, "پاکستان kind:image") >= {URDU_SHOT}
    assert names(searcher, "ٹوئٹر kind:image") == {URDU_SHOT, URDU_SHOT_2}
    assert URDU_SHOT_2 in names(searcher, '"وزارت داخلہ" kind:image')


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract is not installed")
def test_a_scanned_pdf_is_searchable_through_ocr(demo: Archive, searcher: Searcher) -> None:
    (hit,) = [h for h in searcher.search("adjourned", limit=50).hits
              if h.item.original_name == SINDH_SCAN]  # fmt: skip
    assert hit.snippet is not None and hit.snippet.page == 2
    assert hit.item.ocr_status == "done"
    pages = item_store.pages(demo.db, hit.item.id)
    assert all(p.from_ocr for p in pages)
    assert names(searcher, "withdraw Sindh kind:document") == {SINDH_SCAN}


def test_articles_lose_their_scripts_and_boilerplate(demo: Archive, searcher: Searcher) -> None:
    assert names(searcher, "kind:article tracker") == set()
    for item in item_store.items(demo.db):
        if item.kind == "article":
            assert item.source_url.startswith("https://") and item.author and item.published_at
            text = item_store.pages(demo.db, item.id)[0].text
            assert "<script" not in text and "cookie" not in text.lower()


def test_reimporting_the_demo_is_a_no_op(demo_archive_path: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy.xarchive"
    shutil.copytree(demo_archive_path, copy)
    with Archive.open(copy) as archive:
        before = item_store.count_items(archive.db)
        report = import_paths(archive, sample_folders(), ImportOptions())
        assert not report.imported and not report.failed
        # one outcome per file: the X archive and the twarc2 file hold many items each
        files = [p for folder in sample_folders() for p in folder.rglob("*") if p.is_file()]
        assert len(report.skipped) == len(files)
        assert item_store.count_items(archive.db) == before


def test_the_captured_page_and_the_court_notice(demo: Archive, searcher: Searcher) -> None:
    """The demo's WACZ of an invented outlet's page, and the registry's e-mail with the
    ministry's report attached: each as a researcher would find it."""
    from xarchive.core.store import annotations as link_store

    by_name = {i.original_name: i for i in item_store.items(demo.db)}
    page, notice, report = by_name[CAPTURED_PAGE], by_name[NOTICE], by_name[MOI_REPLY]
    assert page.source_url == "https://margalla-times.example/2024/04/17/ministry-admits-blocking-x"
    assert page.captured_at == "2024-04-17T16:45:00+00:00"  # the WARC-Date, not the page's
    assert page.extra["locator"] == (
        "record 2 of archive/data.warc.gz in 2024-04-17_margalla-times_ministry-admits-x-block.wacz"
    )
    assert page.extra["digest_check"] == "passed"
    (picture,) = [i for i in by_name.values() if i.original_name == "moi-reply-photos.png"]
    (part_of,) = link_store.links_from(demo.db, picture.id)
    assert (part_of.relation, part_of.target_id) == ("part-of", page.id)
    assert CAPTURED_PAGE in names(searcher, '"lawful directives" source:margalla-times.example')
    assert (notice.kind, notice.published_at) == ("message", "2024-04-17T12:05:00+00:00")
    assert notice.title == "Notice: report of the Ministry of Interior filed in the X petition"
    # the report came attached: the court's PDF, one item, linked to the message
    relations = {(lk.relation, lk.target_id) for lk in link_store.links_from(demo.db, report.id)}
    assert ("attached-to", notice.id) in relations
    assert NOTICE in names(searcher, "kind:message acknowledge receipt")


def test_from_and_to_find_messages_by_address_and_posts_by_account(searcher: Searcher) -> None:
    assert names(searcher, "from:registry@ihc-demo.example") == {NOTICE}
    assert names(searcher, "to:@demo-press-club.example") == {NOTICE}  # anyone at a domain
    assert names(searcher, "sender:@ihc-demo.example kind:message") == {NOTICE}
    posts = names(searcher, "from:demo_reporter")  # a post's account, as on X
    assert len(posts) > 40 and NOTICE not in posts
    assert names(searcher, "from:demo_reporter") == names(searcher, "account:demo_reporter")
    # to: asks the accounts a post mentions, as a message's recipients
    assert names(searcher, "to:demo_reporter") == names(searcher, "mention:demo_reporter")
    assert names(searcher, "from:counsel@demo-press-club.example") == set()


def readme_queries() -> list[str]:
    """The queries of the README's table of the query language (not a bare 'field:')."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    section = readme.split("### The query language", 1)[1].split("\n## ", 1)[0]
    cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return [q for cell in cells for q in re.findall(r"`([^`]+)`", cell) if not q.endswith(":")]


def test_every_query_of_the_readme_finds_something_in_the_demo(
    demo_archive_path: Path, tmp_path: Path
) -> None:
    """Issue 12.11: the README's `source:margalla-times.example` found nothing."""
    root = tmp_path / "demo.xarchive"
    shutil.copytree(demo_archive_path, root, ignore=shutil.ignore_patterns("archive.lock"))
    queries = readme_queries()
    assert len(queries) > 25 and "source:margalla-times.example" in queries
    with Archive.open(root) as archive:
        annotate_demo(archive)  # as the app ships the demo: its notes and tags
        searcher = Searcher(archive)
        empty = {q for q in queries if searcher.search(q, limit=1).total == 0}
    # Posts as evidence the demo has no case of: valid queries, found nothing.
    assert empty == {"is:suspended", "changed:text"}
