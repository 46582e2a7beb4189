"""Posts as data: X account archives (zip or folder) and twarc2 files, imported as a
researcher does — the demo's files, newer archives of the same account, and the broken
exports people really have."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import HAS_TESSERACT, run_import
from tests.makefiles import png
from xarchive.core import blobs
from xarchive.core.archive import Archive
from xarchive.core.errors import QueryError
from xarchive.core.importing import ImportOptions, ImportReport, import_paths
from xarchive.core.jobs import CancelToken, Progress
from xarchive.core.model import Post, canonical_json
from xarchive.core.posts.threads import LINK_CREATOR, thread
from xarchive.core.search import Searcher
from xarchive.core.store import annotations as link_store
from xarchive.core.store import items as item_store
from xarchive.core.store import posts as post_store
from xarchive.core.verify import verify

ZIP = "twitter-2024-04-20-demo_reporter.zip"
JSONL = "twarc2-search-pakistan-x-block.jsonl"
LEDGER_FEB = "https://indusledger.example/pakistan/2024/02/17/x-goes-dark-across-pakistan"


def posts_of(archive: Archive) -> list[Post]:
    ids = [i.id for i in item_store.items(archive.db) if i.kind == "post"]
    return post_store.posts(archive.db, ids)


def post_saying(archive: Archive, words: str) -> Post:
    """The post whose text holds `words` (the one that starts with them, if several do)."""
    found = [p for p in posts_of(archive) if words in p.text]
    if len(found) > 1:
        found = [p for p in found if p.text.startswith(words)]
    (post,) = found
    return post


def kinds(archive: Archive) -> dict[str, int]:
    counted: dict[str, int] = {}
    for item in item_store.items(archive.db):
        counted[item.kind] = counted.get(item.kind, 0) + 1
    return counted


def containers_outcome(report: ImportReport, name: str) -> str:
    (outcome,) = [o for o in report.containers if Path(o.path).name == name]
    return outcome.reason


# -- building small X archives -------------------------------------------------------------


def tweet(
    post_id: str, text: str, at: str = "Sat Feb 17 16:12:00 +0000 2024", **fields: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id_str": post_id, "id": post_id, "created_at": at, "full_text": text, "lang": "en",
        "favorite_count": "1", "retweet_count": "0",
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
    }  # fmt: skip
    body.update(fields)
    return {"tweet": body}


def js(name: str, value: Any) -> bytes:
    return f"window.YTD.{name}.part0 = {json.dumps(value, indent=2, ensure_ascii=False)}".encode()


def manifest(parts: list[str], generated: str = "2024-04-20T09:41:07.000Z") -> bytes:
    config = {
        "userInfo": {
            "accountId": "42",
            "userName": "test_reporter",
            "displayName": "Test Reporter",
        },
        "archiveInfo": {"generationDate": generated},
        "dataTypes": {
            "tweets": {"files": [{"fileName": p, "globalName": "YTD.tweets.part0"} for p in parts]},
            "tweetsMedia": {"mediaDirectory": "data/tweets_media"},
        },
    }
    return b"window.__THAR_CONFIG = " + json.dumps(config).encode()


def x_zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def small_archive(path: Path, tweets: list[dict[str, Any]], **more: bytes) -> Path:
    members = {
        "data/manifest.js": manifest(["data/tweets.js"]),
        "data/tweets.js": js("tweets", tweets),
    }
    members.update(more)
    return x_zip(path, members)


# -- the demo's X archive ------------------------------------------------------------------


def test_an_x_archive_gives_posts_with_their_pictures_and_threads(
    archive: Archive, samples: Path
) -> None:
    report = run_import(archive, samples / "posts" / ZIP)
    assert not report.failed
    assert kinds(archive) == {"post": 51, "image": 6, "video": 1}
    assert containers_outcome(report, ZIP) == (
        "51 posts: 51 new; 6 pictures: 6 new; 1 video: 1 new"
    )

    first = post_saying(archive, "Since early this evening X has stopped loading")
    assert first.published_at == "2024-02-17T16:12:00+00:00"  # 21:12 in Pakistan, kept in UTC
    assert (first.account, first.display_name) == ("demo_reporter", "Demo Reporter")
    assert first.counts == {"likes": 9412, "reposts": 3108}
    assert first.url == f"https://x.com/demo_reporter/status/{first.post_id}"
    item = item_store.get_item(archive.db, first.item_id)
    assert (item.kind, item.author, item.language) == ("post", "Demo Reporter", "en")
    assert item.title.startswith("@demo_reporter: Since early this evening")
    assert item.captured_at == "2024-04-20T09:41:07+00:00"  # when X made the archive

    day2 = post_saying(archive, "Day 2: X is still blocked")
    assert LEDGER_FEB in day2.text and "t.co" not in day2.text  # links expanded
    assert "https://t.co/" in day2.original_text
    assert "X & freelancers" in post_saying(archive, "Shops that sell").text  # &amp; undone

    photos = post_saying(archive, "For the first time the Interior Ministry admits")
    assert [m.type for m in photos.media] == ["photo", "photo"]
    assert "t.co" not in photos.text  # the picture link is not part of the text
    first_page = item_store.get_item(archive.db, photos.media[0].item_id or 0)
    assert first_page.kind == "image" and first_page.published_at == photos.published_at
    assert first_page.original_name == f"{photos.post_id}-GLdemo04.png"
    assert photos.media[0].alt_text.startswith("Photo of the first page of the ministry's reply")
    assert post_store.posts_showing(archive.db, first_page.id) == [photos.item_id]
    if HAS_TESSERACT:
        ocr = item_store.pages(archive.db, first_page.id)[0].text
        assert "MINISTRY OF INTERIOR" in ocr and "integrity of the nation" in ocr

    rt = post_saying(archive, "RT @lahore_data_desk: Day 4")
    assert rt.is_retweet and rt.retweet_of_account == "lahore_data_desk"
    long = post_saying(archive, "What the ministry's reply changes")
    assert long.is_long and long.text.endswith("Those are the questions the court now has to ask. "
                                               "#XBlocked #KeepItOn")  # fmt: skip
    assert "…" not in long.text and len(long.text) > 600
    deleted = post_saying(archive, "may have started on 16 February")
    assert deleted.is_deleted and deleted.deleted_at == "2024-02-17T17:05:00+00:00"

    # the thread of 17 April: three replies, each to the one before
    replies = thread(archive, photos.item_id).replies
    assert [(r.depth, r.post.text[:20]) for r in replies] == [
        (1, "The ministry says X "), (2, "It also says the FIA"), (3, "According to the rep"),
    ]  # fmt: skip
    hostile = replies[-1].post
    assert [p.item_id for p in thread(archive, hostile.item_id).ancestors] == [
        photos.item_id, replies[0].post.item_id, replies[1].post.item_id,
    ]  # fmt: skip
    (link,) = link_store.links_from(archive.db, replies[0].post.item_id)
    assert (link.relation, link.target_id, link.creator) == ("replies-to", photos.item_id,
                                                             LINK_CREATOR)  # fmt: skip
    # a reply to a post of another account that is not in the archive
    asked = post_saying(archive, "Is the full list of the 27 signatories")
    assert asked.reply_to_account == "sample_rights_watch"
    assert thread(archive, asked.item_id).missing_parent == asked.reply_to_id


def test_a_post_keeps_its_record_as_its_original(archive: Archive, samples: Path) -> None:
    run_import(archive, samples / "posts" / ZIP)
    post = post_saying(archive, "Ten days without X in Pakistan")
    item = item_store.get_item(archive.db, post.item_id)
    blob = blobs.blob_path(archive.blobs_dir, item.sha256).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == item.sha256 and len(blob) == item.size
    record = json.loads(blob)
    assert record["tweet"]["id_str"] == post.post_id
    assert record["account"]["username"] == "demo_reporter"
    assert canonical_json(record) == blob  # sorted keys, no spaces
    assert item.media_type == "application/json"
    (source,) = post_store.post_sources(archive.db, post.item_id)
    assert (source.container_name, source.member) == (ZIP, "data/tweets.js")
    assert source.locator.startswith("record ")
    (container,) = post_store.containers(archive.db)
    stored = blobs.blob_path(archive.blobs_dir, container.sha256)
    assert blobs.hash_file(stored) == blobs.hash_file(samples / "posts" / ZIP)
    assert (
        container.kind == "x-archive"
        and container.title == "X archive of @demo_reporter (2024-04-20)"
    )
    assert verify(archive).ok


def test_importing_the_archive_again_adds_nothing(
    archive: Archive, samples: Path, tmp_path: Path
) -> None:
    run_import(archive, samples / "posts" / ZIP)
    before = item_store.count_items(archive.db)
    again = run_import(archive, samples / "posts" / ZIP)
    assert [(o.status, o.reason) for o in again.outcomes] == [
        ("skipped", "unchanged since the last import")
    ]
    copy = tmp_path / "download" / "my-x-archive.zip"
    copy.parent.mkdir()
    shutil.copy(samples / "posts" / ZIP, copy)
    elsewhere = run_import(archive, copy)
    assert [o.status for o in elsewhere.outcomes] == ["skipped"]
    assert f"same content as ‘{ZIP}’" in elsewhere.outcomes[0].reason
    assert item_store.count_items(archive.db) == before
    (container,) = post_store.containers(archive.db)
    assert post_store.container_paths(archive.db, container.id) == [
        str(samples / "posts" / ZIP), str(copy),
    ]  # fmt: skip


def test_an_unpacked_archive_is_one_unit_and_the_same_posts(
    archive: Archive, samples: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "collected" / "twitter-2024-04-20"
    with zipfile.ZipFile(samples / "posts" / ZIP) as z:
        z.extractall(folder)
    report = run_import(archive, tmp_path / "collected")
    assert not report.failed
    # not tweets.js as a text, nor the viewer
    assert kinds(archive) == {"post": 51, "image": 6, "video": 1}
    assert containers_outcome(report, folder.name) == (
        "51 posts: 51 new; 6 pictures: 6 new; 1 video: 1 new"
    )
    post = post_saying(archive, "Ten days without X in Pakistan")
    item = item_store.get_item(archive.db, post.item_id)
    assert item.original_path == str(folder / "data" / "tweets.js")
    (source,) = post_store.post_sources(archive.db, post.item_id)
    assert (source.container_name, source.container_kind) == ("tweets.js", "x-archive-file")
    kinds_stored = sorted(c.kind for c in post_store.containers(archive.db))
    assert kinds_stored.count("x-archive-folder") == 1 and "x-archive-file" in kinds_stored
    for container in post_store.containers(archive.db):  # every file read is kept
        assert blobs.blob_path(archive.blobs_dir, container.sha256).is_file()
    assert run_import(archive, tmp_path / "collected").skipped[0].reason == (
        "unchanged since the last import"
    )
    zipped = run_import(archive, samples / "posts" / ZIP)
    assert containers_outcome(zipped, ZIP) == (
        "51 posts: 0 new, 51 already in the archive; 6 pictures: 0 new, 6 already in the "
        "archive; 1 video: 0 new, 1 already in the archive"
    )
    assert kinds(archive) == {"post": 51, "image": 6, "video": 1}
    assert len(post_store.post_sources(archive.db, post.item_id)) == 2


# -- twarc2 and the archive together -------------------------------------------------------


def test_twarc2_pages_give_posts_of_many_accounts(archive: Archive, samples: Path) -> None:
    report = run_import(archive, samples / "posts" / JSONL)
    assert not report.failed
    assert containers_outcome(report, JSONL) == "30 posts: 30 new"
    assert kinds(archive) == {"post": 30}  # 28 found by the search, 2 that replies answer
    joint = post_saying(archive, "Amnesty International and 27 civil-society organisations have")
    assert joint.account == "sample_rights_watch" and joint.display_name == "Sample Rights Watch"
    assert joint.published_at == "2024-03-06T09:05:00+00:00"
    assert joint.hashtags == ("RestoreX",)
    assert joint.counts["likes"] == 4100 and joint.counts["views"] == 4100 * 31
    urdu = post_saying(archive, "کراچی میں وی پی این")
    assert urdu.language == "ur"
    repost = [
        p for p in posts_of(archive) if p.account == "pk_digital_rights_demo" and p.is_retweet
    ]
    assert repost[0].retweet_of_id == joint.platform_id
    links = link_store.links_to(archive.db, joint.item_id)
    assert sorted((link.relation, link.source_id) for link in links) == [
        ("replies-to", post_saying(archive, "Is the full list of the 27 signatories").item_id),
        ("retweets", repost[0].item_id),
    ]
    chart = post_saying(archive, "Day 4 of the X outage")
    assert chart.media[0].item_id is None  # twarc2 keeps no pictures, only their description
    assert chart.media[0].alt_text.startswith("Bar chart")
    summary = post_saying(archive, "What we know after the ministry's reply")
    assert summary.is_long and "5. The next hearing in Karachi is on 9 May." in summary.text
    answered = post_saying(archive, "Is the full list of the 27 signatories")
    assert answered.is_referenced  # not found by the search: only answered by a post found
    item = item_store.get_item(archive.db, joint.item_id)
    assert item.captured_at == "2024-04-21T06:15:03+00:00"  # when twarc2 retrieved its page


def test_threads_run_across_files_whatever_the_order(archive: Archive, samples: Path) -> None:
    run_import(archive, samples / "posts" / JSONL)  # replies to the archive's posts come first
    report = run_import(archive, samples / "posts" / ZIP)
    assert containers_outcome(report, ZIP) == (
        "51 posts: 47 new, 4 already in the archive; 6 pictures: 6 new; 1 video: 1 new"
    )
    assert kinds(archive) == {"post": 77, "image": 6, "video": 1}
    # @karachi_demo_voice → @demo_reporter's answer (archive) → the thanks (twarc2)
    answer = post_saying(archive, "جی ہاں، وزارت داخلہ کا تحریری جواب")
    conversation = thread(archive, answer.item_id)
    assert [p.account for p in conversation.ancestors] == ["karachi_demo_voice"]
    assert [(r.depth, r.post.account) for r in conversation.replies] == [(1, "karachi_demo_voice")]
    assert not answer.is_referenced  # the archive has it as the account's own post
    # a reply imported before the post it answers found it when that arrived
    first = post_saying(archive, "Since early this evening X has stopped loading")
    replies = thread(archive, first.item_id).replies
    assert [(r.depth, r.post.account) for r in replies] == [
        (1, "demo_reporter"), (2, "demo_reporter"), (1, "sample_rights_watch"),
    ]  # fmt: skip
    # the newer counts stay: twarc2 read them a day after X made the archive
    assert first.counts["likes"] == 9530
    assert len(post_store.post_sources(archive.db, first.item_id)) == 2
    # quotes in both directions
    photos = post_saying(archive, "For the first time the Interior Ministry admits")
    backlinks = link_store.links_to(archive.db, photos.item_id)
    assert [link.relation for link in backlinks].count("quotes") == 1
    quoted = post_saying(archive, "A strong joint statement")
    assert thread(archive, quoted.item_id).quoted == post_saying(
        archive, "Amnesty International and 27 civil-society organisations have"
    )
    # the pictures the twarc2 file only described are attached once the archive brings them
    assert all(m.item_id is not None for m in photos.media)
    assert photos.media[0].alt_text.startswith("Photo of the first page")
    assert verify(archive).ok


# -- a newer archive of the same account ---------------------------------------------------


def test_a_newer_archive_adds_only_the_new_posts(archive: Archive, tmp_path: Path) -> None:
    old = [tweet("1001", "First post #XBlocked", favorite_count="3"),
           tweet("1002", "Second post", at="Sun Feb 18 09:00:00 +0000 2024")]  # fmt: skip
    small_archive(tmp_path / "april" / "twitter-april.zip", old)
    run_import(archive, tmp_path / "april" / "twitter-april.zip")
    first = post_store.post_by_platform_id(archive.db, "x:1001")
    assert first is not None and first.counts == {"likes": 3, "reposts": 0}
    sha_before = item_store.get_item(archive.db, first.item_id).sha256

    newer = [tweet("1001", "First post #XBlocked", favorite_count="40"),
             tweet("1002", "Second post", at="Sun Feb 18 09:00:00 +0000 2024"),
             tweet("1003", "Third post", at="Mon Mar 04 10:00:00 +0000 2024")]  # fmt: skip
    members = {"data/manifest.js": manifest(["data/tweets.js"], "2024-06-01T08:00:00.000Z"),
               "data/tweets.js": js("tweets", newer)}  # fmt: skip
    x_zip(tmp_path / "june" / "twitter-june.zip", members)
    report = run_import(archive, tmp_path / "june" / "twitter-june.zip")
    assert [o.title for o in report.imported] == ["@test_reporter: Third post"]
    assert containers_outcome(report, "twitter-june.zip") == (
        "3 posts: 1 new, 2 already in the archive"
    )
    first = post_store.get_post(archive.db, first.item_id)
    assert first.counts == {"likes": 40, "reposts": 0}  # the newer counts
    assert first.counts_seen_at == "2024-06-01T08:00:00+00:00"
    assert item_store.get_item(archive.db, first.item_id).sha256 == sha_before  # same original
    sources = post_store.post_sources(archive.db, first.item_id)
    assert [s.container_name for s in sources] == ["twitter-april.zip", "twitter-june.zip"]
    assert [s.counts["likes"] for s in sources] == [3, 40]
    assert sources[0].record_sha256 != sources[1].record_sha256
    assert kinds(archive) == {"post": 3}


# -- what goes wrong in real exports -------------------------------------------------------


def test_a_part_named_by_the_manifest_but_missing(archive: Archive, tmp_path: Path) -> None:
    members = {
        "data/manifest.js": manifest(["data/tweets.js", "data/tweets-part1.js"]),
        "data/tweets.js": js("tweets", [tweet("2001", "Still here")]),
    }
    report = run_import(archive, x_zip(tmp_path / "cut.zip", members))
    assert [o.reason for o in report.failed] == [
        "data/manifest.js: lists data/tweets-part1.js, which is not in the archive: the posts in "
        "it are missing (was the archive renamed or cut short?)"
    ]
    assert [o.title for o in report.imported] == ["@test_reporter: Still here"]


def test_a_part_that_is_not_json_is_named_with_its_line(archive: Archive, tmp_path: Path) -> None:
    broken = js("tweets", [tweet("3002", "Lost")]).replace(
        b'"full_text": "Lost"', b'"full_text": Lost'
    )
    members = {
        "data/manifest.js": manifest(["data/tweets.js", "data/tweets-part1.js"]),
        "data/tweets.js": js("tweets", [tweet("3001", "Readable")]),
        "data/tweets-part1.js": broken,
    }
    report = run_import(archive, x_zip(tmp_path / "broken.zip", members))
    line = broken.split(b"\n").index(next(x for x in broken.split(b"\n") if b"Lost" in x)) + 1
    (failure,) = report.failed
    assert failure.reason.startswith(
        f"data/tweets-part1.js, line {line}, column 20: not valid JSON after "
        "‘window.YTD.tweets.part0 =’ (Expecting value)"
    )
    assert [o.title for o in report.imported] == ["@test_reporter: Readable"]


def test_a_post_whose_picture_is_missing_is_imported_with_a_warning(
    archive: Archive, tmp_path: Path
) -> None:
    media = [{"url": "https://t.co/pic", "media_url_https": "https://pbs.twimg.com/media/GONE1.jpg",
              "id_str": "9", "type": "photo", "ext_alt_text": "A notice on the door"}]  # fmt: skip
    tweets = [tweet("4001", "Notice at the PTA https://t.co/pic",
                    extended_entities={"media": media})]  # fmt: skip
    report = run_import(archive, small_archive(tmp_path / "nopic.zip", tweets))
    (outcome,) = report.imported
    assert outcome.warnings == (
        "its picture ‘4001-GONE1.jpg’ is not in the archive (data/tweets_media or "
        "data/tweet_media); only its description was imported",
    )
    post = post_store.get_post(archive.db, outcome.item_id or 0)
    assert post.text == "Notice at the PTA"
    assert [(m.item_id, m.alt_text) for m in post.media] == [(None, "A notice on the door")]
    assert item_store.get_item(archive.db, post.item_id).warnings == outcome.warnings
    searcher = Searcher(archive)
    assert [h.item.id for h in searcher.search("door has:media").hits] == [post.item_id]
    searcher.close()


def test_a_picture_shared_by_two_posts_and_a_loose_file_is_stored_once(
    archive: Archive, tmp_path: Path
) -> None:
    picture = png(tmp_path / "notice.png", "Blocked").read_bytes()
    spec = {"url": "https://t.co/p", "media_url_https": "https://pbs.twimg.com/media/N.png",
            "id_str": "9", "type": "photo"}  # fmt: skip
    tweets = [tweet("5001", "One https://t.co/p", extended_entities={"media": [spec]}),
              tweet("5002", "Two https://t.co/p", extended_entities={"media": [spec]})]  # fmt: skip
    small_archive(tmp_path / "in" / "x.zip", tweets, **{
        "data/tweets_media/5001-N.png": picture, "data/tweets_media/5002-N.png": picture,
    })  # fmt: skip
    shutil.copy(tmp_path / "notice.png", tmp_path / "in" / "notice.png")
    report = run_import(archive, tmp_path / "in")
    assert not report.failed
    assert kinds(archive) == {"post": 2, "image": 1}
    (image,) = [i for i in item_store.items(archive.db) if i.kind == "image"]
    assert len(post_store.posts_showing(archive.db, image.id)) == 2
    paths = sorted(Path(s.path).name for s in item_store.sources(archive.db, image.id))
    assert paths == ["5001-N.png", "5002-N.png", "notice.png"]


def test_bytes_that_are_not_utf8_are_replaced_with_a_warning(
    archive: Archive, tmp_path: Path
) -> None:
    tweets = js("tweets", [tweet("6001", "Caf\u00e9 closed")]).replace("é".encode(), b"\xe9")
    report = run_import(
        archive, small_archive(tmp_path / "latin.zip", [], **{"data/tweets.js": tweets})
    )
    (box,) = report.containers
    assert box.warnings[0].startswith(
        "data/tweets.js has bytes that are not UTF-8 (the first at byte"
    )
    assert report.imported[0].title == "@test_reporter: Caf\ufffd closed"


def test_a_post_id_twice_is_imported_once(archive: Archive, tmp_path: Path) -> None:
    tweets = [tweet("7001", "Once"), tweet("7002", "Other"), tweet("7001", "Once again")]
    report = run_import(archive, small_archive(tmp_path / "dup.zip", tweets))
    assert kinds(archive) == {"post": 2}
    (box,) = report.containers
    assert box.warnings == (
        "data/tweets.js, record 3: post 7001 appears again (first in data/tweets.js, record 1); "
        "it was imported once",
    )


def test_malformed_json_lines_are_reported_by_number(archive: Archive, tmp_path: Path) -> None:
    def page(post_id: str, text: str) -> str:
        post = {
            "id": post_id, "text": text, "author_id": "1", "lang": "en",
            "edit_history_tweet_ids": [post_id], "created_at": "2024-02-17T18:05:11.000Z",
        }  # fmt: skip
        users = [{"id": "1", "username": "someone_demo", "name": "Someone"}]
        return json.dumps({"data": [post], "includes": {"users": users}})

    lines = [page("8001", "first"), '{"data": [{"id": "8002", "te', "", page("8003", "third")]
    path = tmp_path / "search.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run_import(archive, path)
    (failure,) = report.failed
    assert failure.reason.startswith("line 2: is not valid JSON (Unterminated string starting at:")
    assert failure.reason.endswith("skipped, the other lines were imported")
    assert sorted(o.title for o in report.imported) == [
        "@someone_demo: first",
        "@someone_demo: third",
    ]
    posted = post_store.post_by_platform_id(archive.db, "x:8001")
    assert posted is not None and posted.published_at == "2024-02-17T18:05:11+00:00"


def test_a_file_of_json_that_is_no_twarc_output_says_so(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('{"author_id": 3,\n "text": "pretty printed",\n "x": [1,\n 2]}\n')
    (failure,) = run_import(archive, path).failed
    assert "is not twarc2 JSON lines: none of its 4 lines" in failure.reason


def test_names_that_leave_the_zip_are_never_used(archive: Archive, tmp_path: Path) -> None:
    members = {
        "data/manifest.js": manifest(["data/tweets.js", "../../escaped.js"]),
        "data/tweets.js": js("tweets", [tweet("9001", "Safe")]),
        "../../escaped.js": js("tweets", [tweet("9002", "Outside")]),
        "/etc/absolute.js": b"nothing",
    }
    source = tmp_path / "deep" / "er" / "evil.zip"
    report = run_import(archive, x_zip(source, members))
    assert [o.title for o in report.imported] == ["@test_reporter: Safe"]
    (box,) = report.containers
    assert "2 member(s) with names that point outside the archive were ignored" in box.warnings[0]
    assert (
        not (tmp_path / "escaped.js").exists() and not (tmp_path / "deep" / "escaped.js").exists()
    )
    assert [o.reason for o in report.failed] == [
        "data/manifest.js: lists ../../escaped.js, which is not in the archive: the posts in it "
        "are missing (was the archive renamed or cut short?)"
    ]


def test_a_zip_bomb_is_refused_and_the_rest_read(archive: Archive, tmp_path: Path) -> None:
    bomb = b"window.YTD.tweets.part1 = [" + b" " * (40 << 20) + b"]"
    members = {
        "data/manifest.js": manifest(["data/tweets.js", "data/tweets-part1.js"]),
        "data/tweets.js": js("tweets", [tweet("9101", "Fine")]),
        "data/tweets-part1.js": bomb,
    }
    source = x_zip(tmp_path / "bomb.zip", members)
    assert source.stat().st_size < 200_000
    report = run_import(archive, source)
    (failure,) = report.failed
    assert failure.reason.startswith("data/tweets-part1.js: would expand")
    assert "times its compressed size (a zip bomb?); it was not read" in failure.reason
    assert [o.title for o in report.imported] == ["@test_reporter: Fine"]


def test_a_damaged_zip_and_a_zip_of_something_else(
    archive: Archive, tmp_path: Path, samples: Path
) -> None:
    whole = (samples / "posts" / ZIP).read_bytes()
    (tmp_path / "cut.zip").write_bytes(whole[: len(whole) // 2])
    x_zip(tmp_path / "photos.zip", {"holiday/beach.txt": b"sun"})
    report = run_import(archive, tmp_path)
    reasons = {Path(o.path).name: o.reason for o in report.failed}
    assert reasons["photos.zip"].startswith(
        "‘photos.zip’ is a ZIP archive, which xarchive cannot import"
    )
    assert "cut.zip" in reasons  # its central directory is gone: not recognisable any more
    assert item_store.count_items(archive.db) == 0


# -- search --------------------------------------------------------------------------------


@pytest.fixture
def searcher(demo: Archive) -> Searcher:
    return Searcher(demo)


def count(searcher: Searcher, query: str) -> int:
    return searcher.search(query, limit=1).total


def test_posts_are_found_by_account_hashtag_mention_and_kind(searcher: Searcher) -> None:
    assert count(searcher, "account:demo_reporter kind:post") == 51
    assert count(searcher, "from:@Demo_Reporter kind:post") == 51  # X's own word, any case
    assert count(searcher, "account:demo_reporter kind:image") == 6  # the pictures of its posts
    assert count(searcher, "account:sample_rights_watch") == 7
    assert count(searcher, "hashtag:#RestoreX") == 1
    assert count(searcher, "hashtag:sindhhighcourt") == 2
    assert count(searcher, "mention:@lahore_data_desk") == 2  # a reply and a retweet
    assert count(searcher, "is:reply") == 15
    assert count(searcher, "is:retweet") == 3
    assert count(searcher, "is:quote") == 2
    assert count(searcher, "is:deleted") == 2  # one in deleted-tweets.js, one by compliance
    assert count(searcher, "is:long") == 2
    assert count(searcher, "has:media kind:post") == 8
    assert count(searcher, "has:links is:reply") == 0
    assert count(searcher, "kind:post date:2024-02-17") == 9  # in UTC, as in Pakistan
    # the picture by its text (OCR), the post by the picture's description (alt text)
    hits = searcher.search('"took too long to respond"', limit=10).hits
    assert {h.item.kind for h in hits} == ({"post", "image"} if HAS_TESSERACT else {"post"})


def test_post_facets(searcher: Searcher) -> None:
    facets = searcher.search("kind:post", limit=1).facets
    assert facets["account"][:3] == (
        ("demo_reporter", 51), ("sample_rights_watch", 7), ("pk_digital_rights_demo", 5),
    )  # fmt: skip
    assert facets["hashtag"][:2] == (("xblocked", 26), ("keepiton", 10))
    assert ("lahore_data_desk", 2) in facets["mention"]


def test_unknown_post_flags_are_explained(searcher: Searcher) -> None:
    with pytest.raises(QueryError, match=r"is: can be reply .*retweet"):
        searcher.search("is:bookmarked")
    with pytest.raises(QueryError, match="has: can be media"):
        searcher.search("has:video")


@pytest.mark.slow
def test_worker_processes_give_the_same_posts(tmp_path: Path, samples: Path) -> None:
    results = []
    for workers in (0, 2):
        with Archive.create(tmp_path / f"w{workers}") as archive:
            report = import_paths(archive, [samples / "posts"], ImportOptions(workers=workers))
            assert not report.failed
            results.append(
                sorted((i.sha256, i.kind, i.title) for i in item_store.items(archive.db))
            )
    assert results[0] == results[1]


def test_a_container_twice_in_one_import_is_read_once(
    archive: Archive, samples: Path, tmp_path: Path
) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(samples / "posts" / JSONL, tmp_path / name / JSONL)
    report = run_import(archive, tmp_path)
    assert kinds(archive) == {"post": 30}
    assert [o.reason for o in report.skipped] == [f"same content as {JSONL} in this import"]
    (container,) = post_store.containers(archive.db)
    assert len(post_store.container_paths(archive.db, container.id)) == 2


def test_a_link_out_of_an_unpacked_archive_is_not_followed(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "unpacked"
    media = [{"url": "https://t.co/p", "media_url_https": "https://pbs.twimg.com/media/K.png",
              "id_str": "9", "type": "photo"}]  # fmt: skip
    (folder / "data" / "tweets_media").mkdir(parents=True)
    (folder / "data" / "manifest.js").write_bytes(manifest(["data/tweets.js"]))
    tweets = [tweet("9201", "Key https://t.co/p", extended_entities={"media": media})]
    (folder / "data" / "tweets.js").write_bytes(js("tweets", tweets))
    secret = png(tmp_path / "private" / "secret.png", "private")
    (folder / "data" / "tweets_media" / "9201-K.png").symlink_to(secret)
    report = run_import(archive, folder)
    (outcome,) = report.imported
    assert outcome.warnings == (
        "its picture ‘9201-K.png’ could not be read: is a link to "
        f"{secret}, outside the archive folder; not read",
    )
    assert kinds(archive) == {"post": 1}


def test_a_cancelled_import_of_an_archive_is_finished_by_the_next(
    archive: Archive, samples: Path
) -> None:
    cancel = CancelToken()

    def progress(p: Progress) -> None:
        if p.phase == "importing" and p.done == 2:  # both files read, no picture stored yet
            cancel.cancel()

    both = [samples / "posts" / JSONL, samples / "posts" / ZIP]
    report = import_paths(archive, both, ImportOptions(workers=0), progress, cancel)
    assert report.status == "cancelled"
    assert kinds(archive) == {"post": 30}  # the twarc2 file was committed, the archive not
    assert verify(archive).ok
    rest = run_import(archive, *both)
    assert not rest.failed
    assert [Path(o.path).name for o in rest.skipped] == [JSONL]
    assert kinds(archive) == {"post": 77, "image": 6, "video": 1}
    assert verify(archive).ok


def test_a_touched_archive_is_read_again_but_adds_nothing(
    archive: Archive, samples: Path, tmp_path: Path
) -> None:
    copy = tmp_path / ZIP
    shutil.copy(samples / "posts" / ZIP, copy)
    run_import(archive, copy)
    before = item_store.count_items(archive.db)
    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))
    report = run_import(archive, copy)
    assert [(o.status, o.reason) for o in report.outcomes] == [
        ("skipped", "unchanged content (only the file's date changed)")
    ]
    assert item_store.count_items(archive.db) == before
    assert run_import(archive, copy).outcomes[0].reason == "unchanged since the last import"


def test_a_long_thread_is_followed_to_its_end(archive: Archive, tmp_path: Path) -> None:
    tweets = [tweet("20000", "Start of a long thread")]
    for n in range(1, 1200):
        tweets.append(tweet(str(20000 + n), f"Part {n}", in_reply_to_status_id_str=str(19999 + n)))
    run_import(archive, small_archive(tmp_path / "long.zip", tweets))
    start = post_store.post_by_platform_id(archive.db, "x:20000")
    end = post_store.post_by_platform_id(archive.db, "x:21199")
    assert start is not None and end is not None
    down = thread(archive, start.item_id).replies
    assert len(down) == 1199 and down[-1].depth == 1199
    assert len(thread(archive, end.item_id).ancestors) == 1199


def test_a_post_whose_record_was_imported_as_a_file_is_not_imported_twice(
    tmp_path: Path,
) -> None:
    source = small_archive(tmp_path / "x.zip", [tweet("9301", "Kept once"), tweet("9302", "New")])
    with Archive.create(tmp_path / "first.xarchive") as first:
        run_import(first, source)
        post = post_store.post_by_platform_id(first.db, "x:9301")
        assert post is not None
        sha = item_store.get_item(first.db, post.item_id).sha256
        exported = tmp_path / "exported" / "x-post-9301.json"
        exported.parent.mkdir()
        exported.write_bytes(blobs.blob_path(first.blobs_dir, sha).read_bytes())
    with Archive.create(tmp_path / "second.xarchive") as second:
        run_import(second, exported)
        report = run_import(second, source)
        assert [o.title for o in report.imported] == ["@test_reporter: New"]
        (box,) = report.containers
        assert box.warnings == (
            "post 9301 (data/tweets.js record 1) was not imported: its record is already item #1",
        )
        assert verify(second).ok


def test_the_file_scanned_first_gives_a_shared_post_its_record(tmp_path: Path) -> None:
    """Two twarc2 files hold the same post (the second a later capture of it): the post's
    record is the first file's, however the workers finish. The first is made big so that
    its worker finishes last; the containers used to be committed in the order the workers
    finished, so the demo's posts differed now and then with workers."""
    from tests.evidence_files import api_tweet, jsonl, page

    shared = api_tweet("1760000000000000001", "The same post in both files.", likes=3)
    many = [api_tweet(str(1760000000000001000 + n), f"Filler post {n}.") for n in range(1000)]
    folder = tmp_path / "collected"
    jsonl(folder / "a-first.jsonl",
          [page([shared, *many[i : i + 100]], "2024-03-01T08:00:00+00:00")
           if i == 0 else page(many[i : i + 100], "2024-03-01T08:00:00+00:00")
           for i in range(0, len(many), 100)])  # fmt: skip
    later = dict(shared, public_metrics={**shared["public_metrics"], "like_count": 40})
    jsonl(folder / "b-second.jsonl", [page([later], "2024-04-01T08:00:00+00:00")])
    records = []
    for workers in (0, 2):  # 3 likes: the first file's capture
        with Archive.create(tmp_path / f"w{workers}") as archive:
            report = import_paths(archive, [folder], ImportOptions(workers=workers))
            assert not report.failed
            (post,) = [p for p in posts_of(archive) if p.post_id == shared["id"]]
            item = item_store.get_item(archive.db, post.item_id)
            record = json.loads(blobs.blob_path(archive.blobs_dir, item.sha256).read_bytes())
            records.append(item.sha256)
            assert (workers, record["tweet"]["public_metrics"]["like_count"]) == (workers, 3)
    assert records[0] == records[1]
