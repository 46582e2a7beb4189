"""Posts as evidence (issue 13): withheld, edited, deleted, suspended — and every capture of
a post compared. What a researcher imports (twarc2 runs, compliance jobs, users and list
lookups, X archives) and what she then asks of the archive."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests import evidence_files as files
from tests.cli import xarchive
from tests.conftest import run_import
from tests.makefiles import png
from xarchive.core import blobs
from xarchive.core.annotate import Annotations
from xarchive.core.archive import Archive
from xarchive.core.bundles import (
    ExportOptions,
    export_bundle,
    import_bundle,
    open_bag,
    select_items,
    verify_bag,
)
from xarchive.core.errors import QueryError, XArchiveError
from xarchive.core.indexing import reindex
from xarchive.core.posts import evidence
from xarchive.core.search import Searcher
from xarchive.core.store import annotations as link_store
from xarchive.core.store import items as item_store
from xarchive.core.store import posts as post_store
from xarchive.core.verify import verify


def item_of(archive: Archive, post_id: str) -> int:
    found = post_store.post_item_id(archive.db, f"x:{post_id}")
    assert found is not None, f"post {post_id} is not in the archive"
    return found


def total(archive: Archive, query: str) -> int:
    return Searcher(archive).search(query, limit=1).total


def ids(archive: Archive, query: str) -> set[int]:
    return {h.item.id for h in Searcher(archive).search(query, limit=0, snippets=False).hits}


# -- withheld -------------------------------------------------------------------------------


def test_withheld_posts_and_accounts_are_kept_and_found(archive: Archive, tmp_path: Path) -> None:
    report = run_import(archive, files.withheld_search(tmp_path / "search.jsonl"))
    assert not report.failed
    held = item_of(archive, files.WITHHELD_ID)
    state = evidence.withheld(archive, held)
    assert state is not None
    assert (state.country_codes, state.scope, state.copyright) == (("PK", "IN"), "tweet", False)
    assert state.first_seen_at == "2024-04-21T06:15:02+00:00"  # the capture that saw it
    assert state.describe() == "Withheld in PK, IN (seen 21 Apr 2024)"
    assert evidence.withheld(archive, item_of(archive, files.PLAIN_ID)) is None
    # The other account is withheld in PK as a whole: its post is too.
    behind = evidence.withheld(archive, item_of(archive, "1759300000000000003"))
    assert behind is not None and (behind.via, behind.country_codes) == ("account", ("PK",))

    assert ids(archive, "withheld:PK") == {held, item_of(archive, "1759300000000000003")}
    assert ids(archive, "withheld:in") == {held}  # any case, like every exact field
    assert total(archive, "withheld:any") == 2 and total(archive, "is:withheld") == 2
    assert total(archive, "withheld:any NOT withheld:IN") == 1
    facets = Searcher(archive).search("*", limit=1).facets
    assert facets["withheld"] == (("PK", 2), ("IN", 1))
    with pytest.raises(QueryError, match="withheld: takes a two-letter country code"):
        Searcher(archive).search("withheld:Pakistan")

    account = evidence.account(archive, files.OTHER)
    assert account is not None and account.withheld is not None
    assert account.withheld.country_codes == ("PK",) and account.withheld.scope == "user"
    assert evidence.evidence(archive, held).badges() == ("Withheld in PK, IN",)


def test_withheld_is_in_the_bundle_and_its_report(archive: Archive, tmp_path: Path) -> None:
    run_import(archive, files.withheld_search(tmp_path / "search.jsonl"))
    out = tmp_path / "bundle"
    export_bundle(
        archive, select_items(archive, query="withheld:PK"), out, ExportOptions(zipped=False)
    )
    items = json.loads((out / "data" / "items.json").read_text("utf-8"))["items"]
    by_id = {i["post"]["platform_id"]: i for i in items}
    held = by_id[f"x:{files.WITHHELD_ID}"]["post"]["evidence"]["withheld"]
    assert held["country_codes"] == ["PK", "IN"] and held["scope"] == "tweet"
    assert held["first_seen_at"] == "2024-04-21T06:15:02+00:00"
    page = next(
        p.read_text("utf-8")
        for p in (out / "data" / "report").rglob("*.html")
        if files.WITHHELD_ID in p.read_text("utf-8")
    )
    assert "<th>Withheld</th>" in page and "in PK, IN; seen so on 2024-04-21" in page


def test_a_bundle_carries_the_evidence_into_another_archive(
    archive: Archive, tmp_path: Path
) -> None:
    run_import(
        archive, files.withheld_search(tmp_path / "search.jsonl"),
        files.edit_chain(tmp_path / "edits.jsonl"),
        files.tweet_compliance(tmp_path / "compliance-tweets.json"),
        files.user_compliance(tmp_path / "compliance-users.json"),
    )  # fmt: skip
    queries = ("withheld:PK", "withheld:IN", "is:edited", "is:suspended", "is:withheld")
    here = {q: total(archive, q) for q in queries}
    bundle = tmp_path / "case.zip"
    export_bundle(archive, select_items(archive, query="kind:post"), bundle)
    with Archive.create(tmp_path / "colleague.xarchive") as other:
        import_bundle(other, bundle)
        assert {q: total(other, q) for q in queries} == here
        chain = evidence.versions(other, item_of(other, files.EDIT_IDS[0]))
        assert [v.item_id is not None for v in chain.versions] == [True, True, True]
        assert len([k for k in link_store.links_from(other.db, item_of(other, files.EDIT_IDS[2]))
                    if k.relation == "edit-of"]) == 1  # fmt: skip
        labels = [e.label for e in evidence.events(other, item_of(other, files.PLAIN_ID))]
        assert "Location removed 4 Mar 2024" in labels
        (event,) = [e for e in evidence.events(other, item_of(other, files.PLAIN_ID))
                    if e.action == "scrub_geo"]  # fmt: skip
        assert event.source == "case.zip!/data/items.json"
        suspended = evidence.account(other, files.OTHER)
        assert suspended is not None and suspended.suspended
        held = evidence.withheld(other, item_of(other, files.WITHHELD_ID))
        assert held is not None and held.country_codes == ("PK", "IN")
        assert verify(other).ok
        before = other.db.execute("SELECT count(*) FROM platform_events").fetchone()
        import_bundle(other, bundle)  # again: nothing new
        assert other.db.execute("SELECT count(*) FROM platform_events").fetchone() == before


# -- versions -------------------------------------------------------------------------------


def test_an_edit_chain_of_three_versions_is_linked_and_compared(
    archive: Archive, tmp_path: Path
) -> None:
    report = run_import(archive, files.edit_chain(tmp_path / "edits.jsonl"))
    assert not report.failed
    first, second, third = (item_of(archive, i) for i in files.EDIT_IDS)
    chain = evidence.versions(archive, second)
    assert chain.edited and chain.missing == 0
    assert [v.item_id for v in chain.versions] == [first, second, third]
    assert chain.describe() == "Edited — 3 versions"
    assert chain.versions[0].diff == ()
    assert evidence.marked(chain.versions[1].diff) == (
        "The ministry's letter to the {+telecom +}regulator is dated 17 [-February.-]"
        "{+February 2024.+}"
    )
    assert chain.versions[2].diff[:2] == (
        evidence.TextPart("The", "removed"),
        evidence.TextPart("Correction: the interior", "added"),
    )
    # Each later version is an edit of the one before, made by the import.
    assert {(link.source_id, link.target_id) for link in link_store.links_to(archive.db, second)
            if link.relation == "edit-of"} == {(third, second)}  # fmt: skip
    assert [link.target_id for link in link_store.links_from(archive.db, second)
            if link.relation == "edit-of"] == [first]  # fmt: skip
    # A search finds every version, and the hits group as one post.
    assert ids(archive, "is:edited") == {first, second, third}
    assert ids(archive, "regulator") == {first, second, third}
    hits = [h.item.id for h in Searcher(archive).search("dated", limit=0).hits]
    assert evidence.version_groups(archive, hits) == [hits]
    assert evidence.evidence(archive, first).badges() == ("Edited — 3 versions",)
    assert evidence.evidence(archive, third).version == 3
    again = run_import(archive, files.edit_chain(tmp_path / "edits.jsonl"))
    assert [o.status for o in again.outcomes] == ["skipped"]


def test_each_hit_of_an_edited_post_says_which_version_of_which_post_it_is(
    archive: Archive, tmp_path: Path
) -> None:
    run_import(
        archive, files.edit_chain(tmp_path / "edits.jsonl"),
        files.withheld_search(tmp_path / "search.jsonl"),
    )  # fmt: skip
    first, second, third = (item_of(archive, i) for i in files.EDIT_IDS)
    plain = item_of(archive, files.PLAIN_ID)
    found = {h.item.id: h.version for h in Searcher(archive).search("*", limit=0).hits}
    assert found[plain] is None  # never edited: no place among versions
    places = [found[first], found[second], found[third]]
    assert all(p is not None for p in places)
    assert [(p.number, p.total) for p in places if p] == [(1, 3), (2, 3), (3, 3)]
    assert {p.group for p in places if p} == {f"x:{files.EDIT_IDS[0]}"}
    # A page that holds one version knows its group too: the results join it to the rest.
    page = Searcher(archive).search('"to the regulator"', limit=5).hits
    assert [(h.item.id, h.version and h.version.number) for h in page] == [(first, 1)]


def test_a_version_not_yet_in_the_archive_is_named(archive: Archive, tmp_path: Path) -> None:
    last = files.api_tweet(files.EDIT_IDS[2], files.EDIT_TEXTS[2], edits=files.EDIT_IDS)
    run_import(
        archive, files.jsonl(tmp_path / "last.jsonl", [files.page([last], "2024-04-21T06:00:00Z")])
    )
    chain = evidence.versions(archive, item_of(archive, files.EDIT_IDS[2]))
    assert [v.item_id is None for v in chain.versions] == [True, True, False]
    assert chain.describe() == "Edited — 3 versions, 2 not in the archive"
    run_import(archive, files.edit_chain(tmp_path / "edits.jsonl"))  # the others arrive
    chain = evidence.versions(archive, item_of(archive, files.EDIT_IDS[2]))
    assert chain.missing == 0 and total(archive, "is:edited") == 3


# -- captures -------------------------------------------------------------------------------


def test_every_capture_of_a_post_is_kept_and_compared(archive: Archive, tmp_path: Path) -> None:
    before = files.api_tweet(files.PLAIN_ID, "Access to X is disrupted. #XBlocked", likes=3)
    after = files.api_tweet(
        files.PLAIN_ID,
        "Access to X is disrupted. #XBlocked",
        likes=40,
        withheld={"copyright": False, "country_codes": ["PK"], "scope": "tweet"},
    )
    run_import(
        archive, files.jsonl(tmp_path / "feb.jsonl", [files.page([before], "2024-02-19T00:00:00Z")])
    )
    run_import(
        archive, files.jsonl(tmp_path / "apr.jsonl", [files.page([after], "2024-04-21T00:00:00Z")])
    )
    assert item_store.count_items(archive.db) == 1  # one post, two captures
    post = item_of(archive, files.PLAIN_ID)
    first, second = evidence.captures(archive, post)
    assert (first.captured_at, first.container_name, first.where) == (
        "2024-02-19T00:00:00+00:00",
        "feb.jsonl",
        "line 1, data[0]",
    )
    assert (second.captured_at, second.counts["likes"]) == ("2024-04-21T00:00:00+00:00", 40)
    assert first.record_sha256 != second.record_sha256
    (change,) = evidence.changes(archive, post)
    assert [(c.name, c.summary) for c in change.changes] == [
        ("counts", "likes 3 → 40"),
        ("withheld", "withheld in PK"),
    ]
    # The later capture's record is an original too: verify re-hashes it.
    checked = verify(archive)
    assert checked.ok and not checked.unreferenced and checked.total == 4  # 2 files, 2 records
    blob = blobs.blob_path(archive.blobs_dir, second.record_sha256)
    blob.chmod(0o644)
    blob.write_bytes(b"{}")
    (problem,) = verify(archive).problems
    assert (problem.holder, problem.problem) == ("capture", "changed")
    assert problem.original_name == f"post x:{files.PLAIN_ID} as read in apr.jsonl, line 1, data[0]"
    assert ids(archive, "changed:counts") == {post} == ids(archive, "changed:withheld")
    assert total(archive, "changed:text") == 0
    held = evidence.withheld(archive, post)
    assert held is not None and held.first_seen_at == "2024-04-21T00:00:00+00:00"
    assert "Captured 2 times" in evidence.evidence(archive, post).badges()
    with pytest.raises(QueryError, match="changed: can be text"):
        Searcher(archive).search("changed:colour")


def test_a_bundle_carries_the_record_each_capture_read(archive: Archive, tmp_path: Path) -> None:
    before = files.api_tweet(files.PLAIN_ID, "Access to X is disrupted. #XBlocked", likes=3)
    after = files.api_tweet(files.PLAIN_ID, "Access to X is disrupted. #XBlocked", likes=40)
    for name, tweet, at in (("feb", before, "2024-02-19T00:00:00Z"),
                            ("apr", after, "2024-04-21T00:00:00Z")):  # fmt: skip
        run_import(archive, files.jsonl(tmp_path / f"{name}.jsonl", [files.page([tweet], at)]))
    post = item_of(archive, files.PLAIN_ID)
    first, second = evidence.captures(archive, post)
    out = tmp_path / "bundle"
    export_bundle(archive, select_items(archive, ids=[post]), out, ExportOptions(zipped=False))
    (item,) = json.loads((out / "data" / "items.json").read_text("utf-8"))["items"]
    taken = item["post"]["evidence"]["captures"]
    # The first capture's record is the post's own original; the later one's is beside it.
    assert [c["record_file"] for c in taken] == [
        item["file"],
        f"data/records/{second.record_sha256}.json",
    ]
    for capture in taken:  # each holds the very bytes its hash names, listed in the manifest
        data = (out / capture["record_file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == capture["record_sha256"]
        manifest = (out / "manifest-sha256.txt").read_text("utf-8")
        assert f"{capture['record_sha256']}  {capture['record_file']}" in manifest
    assert (
        json.loads((out / taken[1]["record_file"]).read_bytes())["tweet"]["public_metrics"][
            "like_count"
        ]
        == 40
    )
    with open_bag(out) as bag:  # any BagIt tool checks them: they are in the manifest
        assert verify_bag(bag).ok
    page = (out / "data" / "report" / "items" / f"{post:04d}.html").read_text("utf-8")
    assert f'href="../../records/{second.record_sha256}.json"' in page
    # A record changed in the archive stops the export, as a changed original does.
    blob = blobs.blob_path(archive.blobs_dir, second.record_sha256)
    blob.chmod(0o644)
    blob.write_bytes(b"{}")
    with pytest.raises(XArchiveError, match="a capture's record of post .* has changed"):
        export_bundle(
            archive,
            select_items(archive, ids=[post]),
            tmp_path / "again",
            ExportOptions(zipped=False),
        )
    assert not (tmp_path / "again").exists()


def test_an_imported_bundle_keeps_every_capture_of_a_post(archive: Archive, tmp_path: Path) -> None:
    before = files.api_tweet(files.PLAIN_ID, "Access to X is disrupted. #XBlocked", likes=3)
    after = files.api_tweet(
        files.PLAIN_ID, "Access to X is disrupted. #XBlocked", likes=40,
        withheld={"copyright": False, "country_codes": ["PK"], "scope": "tweet"},
    )  # fmt: skip
    for name, tweet, at in (("feb", before, "2024-02-19T00:00:00Z"),
                            ("apr", after, "2024-04-21T00:00:00Z")):  # fmt: skip
        run_import(archive, files.jsonl(tmp_path / f"{name}.jsonl", [files.page([tweet], at)]))
    post = item_of(archive, files.PLAIN_ID)
    here = [(c.captured_at, c.record_sha256, c.counts, c.withheld)
            for c in evidence.captures(archive, post)]  # fmt: skip
    bundle = tmp_path / "case.zip"
    export_bundle(archive, select_items(archive, ids=[post]), bundle)
    with Archive.create(tmp_path / "colleague.xarchive") as other:
        import_bundle(other, bundle)
        theirs = item_of(other, files.PLAIN_ID)
        kept = evidence.captures(other, theirs)
        assert [(c.captured_at, c.record_sha256, c.counts, c.withheld) for c in kept] == here
        assert [c.where for c in kept] == ["feb.jsonl, line 1, data[0]",
                                           "apr.jsonl, line 1, data[0]"]  # fmt: skip
        assert kept[0].source == kept[1].source == "Items of the bundle case.zip"
        (change,) = evidence.changes(other, theirs)
        assert [(c.name, c.summary) for c in change.changes] == [
            ("counts", "likes 3 → 40"),
            ("withheld", "withheld in PK"),
        ]
        assert ids(other, "changed:counts") == {theirs} == ids(other, "changed:withheld")
        assert "Captured 2 times" in evidence.evidence(other, theirs).badges()
        # What a capture saw is no event: the colleague's archive tells what this one does.
        assert evidence.events(other, theirs) == evidence.events(archive, post) == []
        held = evidence.withheld(other, theirs)
        assert held is not None and held.first_seen_at == "2024-04-21T00:00:00+00:00"
        assert verify(other).ok  # each capture's record is stored, and re-hashed
        assert blobs.blob_path(other.blobs_dir, kept[1].record_sha256).exists()
        import_bundle(other, bundle)  # again: nothing new
        assert len(evidence.captures(other, theirs)) == 2
        assert other.db.execute("SELECT count(*) FROM post_sources").fetchone() == (2,)


def test_a_screenshot_linked_as_showing_a_post_is_one_of_its_captures(
    archive: Archive, tmp_path: Path
) -> None:
    run_import(archive, files.withheld_search(tmp_path / "search.jsonl"))
    shot = run_import(archive, png(tmp_path / "shot.png")).imported[0].item_id
    assert shot is not None
    post = item_of(archive, files.WITHHELD_ID)
    Annotations(archive).link(shot, "shows", post, note="taken before it was withheld")
    (picture,) = evidence.picture_captures(archive, post)
    assert (picture.item_id, picture.link_note) == (shot, "taken before it was withheld")


def test_a_post_missing_from_a_later_archive_has_disappeared(
    archive: Archive, tmp_path: Path
) -> None:
    kept = files.x_tweet("1759800000000000001", "Still there in April.")
    gone = files.x_tweet("1759800000000000002", "Gone by April.")
    run_import(
        archive,
        files.x_archive(tmp_path / "feb.zip", [kept, gone], generated="2024-02-25T00:00:00.000Z"),
    )
    run_import(
        archive, files.x_archive(tmp_path / "apr.zip", [kept], generated="2024-04-20T00:00:00.000Z")
    )
    post = item_of(archive, "1759800000000000002")
    (change,) = evidence.changes(archive, post)
    assert change.after is None and change.missing_at == "2024-04-20T00:00:00+00:00"
    assert change.changes[0].summary == (
        "not in X archive of @evidence_reporter (2024-04-20) (20 Apr 2024)"
    )
    assert ids(archive, "changed:disappeared") == {post}


# -- compliance events ---------------------------------------------------------------------


def test_compliance_events_are_dated_events_kept_before_their_post(
    archive: Archive, tmp_path: Path
) -> None:
    report = run_import(
        archive,
        files.tweet_compliance(tmp_path / "compliance-tweets.json"),
        files.user_compliance(tmp_path / "compliance-users.json"),
        files.stream_compliance(tmp_path / "compliance-stream.jsonl"),
    )
    assert not report.failed
    assert item_store.count_items(archive.db) == 0  # no post yet, and no text item of JSON
    reasons = {Path(o.path).name: o.reason for o in report.containers}
    assert reasons["compliance-tweets.json"] == (
        "holds compliance events, not posts; 4 events (1 deleted, 1 location removed, "
        "1 removed from public view, 1 withheld)"
    )
    assert "1 account suspended" in reasons["compliance-users.json"]
    pending = {(e.platform_id, e.action) for e in evidence.pending_events(archive)}
    assert (f"x:{files.GONE_ID}", "delete") in pending
    # The posts arrive later: each shows what happened to it.
    gone = files.api_tweet(files.GONE_ID, "A post deleted in March.", "2024-02-20T08:00:00.000Z")
    run_import(
        archive,
        files.withheld_search(tmp_path / "search.jsonl"),
        files.edit_chain(tmp_path / "edits.jsonl"),
        files.jsonl(tmp_path / "gone.jsonl", [files.page([gone], "2024-02-21T00:00:00Z")]),
    )
    deleted = item_of(archive, files.GONE_ID)
    event, of_account = evidence.events(archive, deleted)  # of the post, then of its account
    assert of_account.label == "Account withheld in PK 13 Mar 2024"
    assert (event.action, event.at, event.label) == (
        "delete",
        "2024-03-03T14:00:00+00:00",
        "Deleted 3 Mar 2024",
    )
    assert event.source == "compliance-tweets.json" and event.where == "line 1"
    assert post_store.get_post(archive.db, deleted).deleted_at == "2024-03-03T14:00:00+00:00"
    assert ids(archive, "is:deleted") == {deleted}
    assert "Deleted 3 Mar 2024" in evidence.evidence(archive, deleted).badges()
    geo = evidence.events(archive, item_of(archive, files.PLAIN_ID))
    assert [e.label for e in geo] == [
        "Location removed 4 Mar 2024",
        "Account withheld in PK 13 Mar 2024",
    ]
    assert [e.action for e in evidence.events(archive, item_of(archive, files.EDIT_IDS[0]))][
        0
    ] == "drop"
    # A withheld event adds to what the captures saw, and dates it earlier.
    held = evidence.withheld(archive, item_of(archive, files.WITHHELD_ID))
    assert held is not None and held.first_seen_at == "2024-02-25T00:00:00+00:00"
    # The user job withheld @evidence_reporter in PK: each of its posts is withheld there.
    mine = evidence.withheld(archive, item_of(archive, files.PLAIN_ID))
    assert mine is not None and (mine.via, mine.first_seen_at) == (
        "account",
        "2024-03-13T12:00:00+00:00",
    )
    suspended = evidence.account(archive, files.OTHER)
    assert suspended is not None and suspended.suspended
    assert total(archive, "is:suspended") == 1  # the suspended account's post
    assert evidence.event_day_counts(archive, ["delete"])[date(2024, 3, 3)] == 1
    # The same job's answer saved twice, under another name: one event, known to both files.
    again = tmp_path / "later" / "compliance-tweets-again.json"
    again.parent.mkdir()
    again.write_text(
        (tmp_path / "compliance-tweets.json").read_text("utf-8") + "\n", encoding="utf-8"
    )
    run_import(archive, again)
    (event, _) = evidence.events(archive, deleted)
    assert (event.source, event.also_in) == ("compliance-tweets.json", (again.name,))


def test_a_search_counts_the_versions_of_a_post_once_and_has_its_own_events(
    archive: Archive, tmp_path: Path
) -> None:
    """What the results' count and the timeline's marks of a search say: the versions of
    an edited post are one result, and the events are those of the posts found and of
    their accounts — every event of the archive only for everything."""
    run_import(
        archive, files.withheld_search(tmp_path / "search.jsonl"),
        files.edit_chain(tmp_path / "edits.jsonl"),
        files.tweet_compliance(tmp_path / "compliance-tweets.json"),
        files.user_compliance(tmp_path / "compliance-users.json"),
    )  # fmt: skip
    searcher = Searcher(archive)
    every = searcher.search("*", limit=2)
    assert (every.total, every.cards, every.card_count) == (6, 4, 4)  # 3 versions, 1 card
    edited = searcher.search("is:edited")
    assert (edited.total, edited.cards) == (3, 1)
    assert searcher.search('"to the regulator"').cards == 1  # one version found
    assert searcher.search("*", offset=2, facets=False).card_count == 6  # a later page
    assert searcher.search("kind:document").cards == 0

    day = date.fromisoformat
    assert searcher.event_days("*") == {  # of posts and accounts the archive lacks too
        day("2024-02-25"): {"withholding": 1}, day("2024-03-03"): {"deletion": 1},
        day("2024-03-04"): {"other": 1}, day("2024-03-05"): {"other": 1},
        day("2024-03-10"): {"suspension": 1}, day("2024-03-11"): {"deletion": 1},  # an account
        day("2024-03-12"): {"other": 1}, day("2024-03-13"): {"withholding": 1},
    }  # fmt: skip
    # A plain post of @evidence_reporter: its location removed, its account withheld.
    assert searcher.event_days('"nobody withheld"') == {
        day("2024-03-04"): {"other": 1}, day("2024-03-13"): {"withholding": 1},
    }  # fmt: skip
    assert searcher.event_days("behind a VPN") == {day("2024-03-10"): {"suspension": 1}}
    # The three versions share one drop (of the first) and their account's withholding.
    assert searcher.event_days("is:edited") == {
        day("2024-03-05"): {"other": 1}, day("2024-03-13"): {"withholding": 1},
    }  # fmt: skip
    assert searcher.event_days("kind:document") == {}
    with pytest.raises(QueryError):
        searcher.event_days('"unclosed')


# -- accounts -------------------------------------------------------------------------------


def test_a_users_file_and_a_list_file_become_accounts(archive: Archive, tmp_path: Path) -> None:
    report = run_import(
        archive,
        files.users_lookup(tmp_path / "users.jsonl"),
        files.list_lookup(tmp_path / "list.jsonl"),
    )
    assert not report.failed
    assert item_store.count_items(archive.db) == 0  # never a text item titled with raw JSON
    reasons = {Path(o.path).name: o.reason for o in report.containers}
    assert reasons == {
        "users.jsonl": "holds accounts, not posts; 3 accounts",
        "list.jsonl": "holds 1 list, not posts; 3 accounts",
    }
    quiet = evidence.account(archive, "@Quiet_Demo_Desk")
    assert quiet is not None
    assert (quiet.protected, quiet.verified, quiet.verified_type) == (True, True, "business")
    me = evidence.account(archive, f"x:{files.ACCOUNT_ID}")
    assert me is not None and me.handle == files.HANDLE and me.location == "Islamabad"
    assert me.created_at == "2019-05-02T08:00:00+00:00" and me.counts["followers"] == 1200
    assert me.captures == 2 and me.seen_at == "2024-04-22T08:05:00+00:00"
    # Its posts, imported later, are listed by the account.
    run_import(archive, files.withheld_search(tmp_path / "search.jsonl"))
    posts = evidence.account_posts(archive, me)
    assert posts == [item_of(archive, files.WITHHELD_ID), item_of(archive, files.PLAIN_ID)]
    assert evidence.account_of(archive, posts[0]) == evidence.account(archive, files.HANDLE)


def test_a_list_file_keeps_its_lists_and_other_json_lines_stay_text(
    archive: Archive, tmp_path: Path
) -> None:
    run_import(archive, files.list_lookup(tmp_path / "list.jsonl"))
    (box,) = post_store.containers(archive.db)
    assert box.title == "X lists collected with twarc2"
    (found,) = box.extra["lists"]
    assert found["where"] == "line 1, data[0]" and found["list"]["member_count"] == 2
    # A log of JSON lines with an "action" of its own is no compliance file.
    log = files.jsonl(tmp_path / "clicks.jsonl", [{"id": "1", "action": "click", "at": "noon"}])
    (text,) = run_import(archive, log).imported
    assert text.item_id is not None and item_store.get_item(archive.db, text.item_id).kind == "text"


def test_a_users_lookup_that_says_an_account_is_suspended_dates_it(
    archive: Archive, tmp_path: Path
) -> None:
    error = {
        "value": files.OTHER_ID, "detail": f"User has been suspended: [{files.OTHER_ID}].",
        "title": "Forbidden", "resource_type": "user", "parameter": "ids",
        "resource_id": files.OTHER_ID,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }  # fmt: skip
    url = "https://api.twitter.com/2/users"
    path = files.jsonl(
        tmp_path / "users.jsonl",
        [{"data": [files.api_user()], "errors": [error],
          "__twarc": files.twarc_meta("2024-04-22T08:00:00+00:00", url)}],
    )  # fmt: skip
    run_import(archive, path, files.withheld_search(tmp_path / "search.jsonl"))
    (event,) = evidence.account(archive, files.OTHER).events  # type: ignore[union-attr]
    assert (event.action, event.at) == ("suspend", "2024-04-22T08:00:00+00:00")
    assert ids(archive, "is:suspended") == {item_of(archive, "1759300000000000003")}


def test_a_suspension_known_only_by_handle_is_the_accounts(
    archive: Archive, tmp_path: Path
) -> None:
    # A lookup by username: the error names the handle, in its own case, and no id.
    error = {
        "value": files.OTHER.upper(), "detail": f"User has been suspended: [{files.OTHER}].",
        "title": "Forbidden", "resource_type": "user", "parameter": "usernames",
        "resource_id": files.OTHER.upper(),
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }  # fmt: skip
    url = "https://api.twitter.com/2/users/by"
    path = files.jsonl(
        tmp_path / "by-username.jsonl",
        [{"errors": [error], "__twarc": files.twarc_meta("2024-04-22T08:00:00+00:00", url)}],
    )  # fmt: skip
    report = run_import(archive, path)  # before any post or record of the account
    assert not report.failed
    run_import(archive, files.withheld_search(tmp_path / "search.jsonl"))
    post = item_of(archive, "1759300000000000003")
    (event,) = [e for e in evidence.events(archive, post) if e.action == "suspend"]
    assert event.at == "2024-04-22T08:00:00+00:00" and event.source == "by-username.jsonl"
    assert ids(archive, "is:suspended") == {post}
    record = evidence.account(archive, files.OTHER)
    assert record is not None and record.suspended
    assert [e.action for e in record.events] == ["suspend"]
    # A bundle carries it, by handle, into another archive.
    bundle = tmp_path / "case.zip"
    export_bundle(archive, select_items(archive, query="kind:post"), bundle)
    with Archive.create(tmp_path / "other.xarchive") as other:
        import_bundle(other, bundle)
        assert ids(other, "is:suspended") == {item_of(other, "1759300000000000003")}
    again = run_import(archive, path)
    assert [o.status for o in again.outcomes] == ["skipped"]


def test_a_counts_file_holds_counts_not_posts(archive: Archive, tmp_path: Path) -> None:
    report = run_import(archive, files.counts(tmp_path / "counts.jsonl"))
    assert not report.failed and item_store.count_items(archive.db) == 0
    (box,) = report.containers
    assert box.reason == "holds tweet counts, not posts (3 periods, 9,700 tweets); kept as the file"
    (container,) = post_store.containers(archive.db)
    assert container.title == "X tweet counts collected with twarc2"
    assert container.extra["tweet_counts"][1] == {
        "start": "2024-02-17T00:00:00+00:00", "end": "2024-02-18T00:00:00+00:00",
        "tweet_count": 5400,
    }  # fmt: skip


# -- X archives ----------------------------------------------------------------------------


def test_an_x_archive_gives_its_deletions_edits_and_account(
    archive: Archive, tmp_path: Path
) -> None:
    report = run_import(archive, files.x_archive_with_edit_and_deletion(tmp_path / "x.zip"))
    assert not report.failed
    gone = item_of(archive, files.X_DELETED_ID)
    (event,) = evidence.events(archive, gone)
    assert (event.action, event.at, event.where) == (
        "delete",
        "2024-03-03T14:00:00+00:00",
        "data/deleted-tweets.js, record 1",
    )
    assert ids(archive, "is:deleted") == {gone}
    first, second = (item_of(archive, i) for i in files.X_EDIT_IDS)
    chain = evidence.versions(archive, first)
    assert [v.item_id for v in chain.versions] == [first, second]
    assert evidence.marked(chain.versions[1].diff) == "The hearing is on [-8-]{+9+} May."
    assert ids(archive, "is:edited") == {first, second}
    me = evidence.account(archive, files.HANDLE)
    assert me is not None
    assert (me.bio, me.location, me.created_at, me.seen_at) == (
        "An invented account of xarchive's tests.",
        "Islamabad",
        "2019-05-02T08:00:00+00:00",
        "2024-04-20T09:41:07+00:00",
    )
    assert len(evidence.account_posts(archive, me)) == 4


def test_an_x_archive_says_where_a_post_is_withheld_and_when_the_account_was_suspended(
    archive: Archive, tmp_path: Path
) -> None:
    held = files.x_tweet(
        "1759900000000000001",
        "Withheld here.",
        withheld_in_countries=["PK"],
        withheld_scope="status",
    )
    dmca = files.x_tweet("1759900000000000002", "A copyright claim.", withheld_in_countries=["XY"])
    suspensions = files.suspension_js(
        ("2024-03-01T10:00:00.000Z", "Suspend"), ("2024-03-20T10:00:00.000Z", "Unsuspend")
    )
    run_import(
        archive,
        files.x_archive(
            tmp_path / "x.zip", [held, dmca], more={"data/account-suspension.js": suspensions}
        ),
    )
    state = evidence.withheld(archive, item_of(archive, "1759900000000000001"))
    assert state is not None and state.country_codes == ("PK",)
    claim = evidence.withheld(archive, item_of(archive, "1759900000000000002"))
    assert claim is not None and claim.copyright
    assert ids(archive, "withheld:copyright") == {item_of(archive, "1759900000000000002")}
    me = evidence.account(archive, files.HANDLE)
    assert me is not None and not me.suspended  # suspended, then unsuspended
    assert [e.label for e in me.events] == [
        "Account suspended 1 Mar 2024", "Account unsuspended 20 Mar 2024",
    ]  # fmt: skip
    assert total(archive, "is:suspended") == 0


# -- bad input ------------------------------------------------------------------------------


def test_bad_lines_are_named_and_the_rest_imports_once(archive: Archive, tmp_path: Path) -> None:
    good = files.page([files.api_tweet(files.PLAIN_ID, "A good line.")], "2024-04-21T00:00:00Z")
    strange = {
        "data": [{"id": "1", "flavour": "unknown", "score": 3}],
        "__twarc": files.twarc_meta("2024-04-21T00:00:00Z"),
    }
    path = files.jsonl(
        tmp_path / "mixed.jsonl",
        [good, "{not json at all", strange, json.dumps(good)[:120]],
        end="",  # the last line is cut short: the copy was interrupted
    )
    report = run_import(archive, path)
    assert [f.reason for f in report.failed] == [
        "line 2: is not valid JSON (Expecting property name enclosed in double quotes: column "
        "2); skipped, the other lines were imported",
        "line 3: is an X API response of a kind xarchive does not know: its data holds 1 object "
        "with the keys ‘flavour, id, score’, neither posts, users, lists nor counts; skipped",
        "line 4: is cut short: the file ends inside it (was the download or the copy "
        "interrupted?); the lines before it were imported",
    ]
    assert all(Path(f.path).name == "mixed.jsonl" for f in report.failed)
    assert item_store.count_items(archive.db) == 1
    again = tmp_path / "copy" / "mixed.jsonl"
    again.parent.mkdir()
    shutil.copy(path, again)
    run_import(archive, path, again)
    assert item_store.count_items(archive.db) == 1
    assert len(evidence.captures(archive, item_of(archive, files.PLAIN_ID))) == 1


# -- the demo -------------------------------------------------------------------------------


def test_the_demo_shows_a_withheld_an_edited_and_a_deleted_post(demo: Archive) -> None:
    searcher = Searcher(demo)
    (held,) = searcher.search("withheld:PK", limit=5).hits
    assert held.item.author == "Sample Rights Watch"
    state = evidence.withheld(demo, held.item.id)
    assert state is not None and state.first_seen_at == "2024-04-26T11:00:00+00:00"
    (change,) = evidence.changes(demo, held.item.id)  # the search, then the follow-up lookup
    assert [c.name for c in change.changes] == ["counts", "withheld"]
    edited = [h.item.id for h in searcher.search("is:edited", limit=5, sort="date-asc").hits]
    chain = evidence.versions(demo, edited[0])
    assert [v.item_id for v in chain.versions] == edited
    assert evidence.marked(chain.versions[1].diff).startswith(
        "The Sindh High Court has adjourned the hearing on the X shutdown to [-8-]{+9+} May."
    )
    deleted = {h.item.author: h.item.id for h in searcher.search("is:deleted", limit=5).hits}
    assert set(deleted) == {"Demo Reporter", "کراچی ڈیمو آواز"}
    labels = [e.label for e in evidence.events(demo, deleted["کراچی ڈیمو آواز"])]
    assert labels == ["Deleted 28 Apr 2024", "Not found by the API 2 May 2024"]
    (gone,) = evidence.changes(demo, deleted["کراچی ڈیمو آواز"])
    assert gone.after is None and gone.changes[0].summary == (
        "not found by the API on 2 May 2024 (twarc2-lookup-2024-05-02-followup.jsonl)"
    )
    assert ids(demo, "changed:disappeared") == {deleted["کراچی ڈیمو آواز"]}
    assert evidence.account(demo, "sindh_court_notes_demo") is not None
    assert len(evidence.accounts(demo)) == 8
    # The posts in both the X archive and the search: other counts, the same pictures (the
    # API's media keys are "3_<id>", the archive's the id alone) and the same text.
    assert total(demo, "changed:counts") == 3
    assert total(demo, "changed:media") == total(demo, "changed:text") == 0


def test_the_posts_of_an_account_read_it_once_and_say_what_each_says_alone(demo: Archive) -> None:
    """An export's posts share one EvidenceMemo: each post's evidence is what it says on
    its own; an account's record, its events and its X archives are read once, however
    many of its posts are asked for, and what each post reads of its own is read for
    all of them at once (evidence_memo)."""
    conn = demo.db
    posts = [int(p) for (p,) in conn.execute("SELECT item_id FROM posts ORDER BY item_id")]
    fields = evidence.evidence_fields(demo, posts)  # as an export reads them, at once
    alone = [evidence.evidence_record(demo, p) for p in posts]
    memo = evidence.EvidenceMemo()  # filled as each post is asked for
    assert [evidence.evidence_record(demo, p, fields[p], memo) for p in posts] == alone
    assert 0 < len(memo.accounts) < len(posts) and memo.events and memo.archives
    assert len(memo.post_events) == len(posts)  # asked twice each: its events, not found
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        with post_store.remembering(conn, posts):  # as an export, which reads them at once
            read_at_once = len(statements)
            memo = evidence.evidence_memo(demo, [*posts, 999_999])  # no such item: left out
            read_at_once = len(statements) - read_at_once
            shared = [evidence.evidence_record(demo, p, fields[p], memo) for p in posts]
    finally:
        conn.set_trace_callback(None)
    assert shared == alone
    assert read_at_once <= 5  # the posts' keys, events, captures, versions and containers
    assert len(statements) < len(posts)  # not one of each for each post
    assert any(r["account"] for r in shared) and any(r["events"] for r in shared)
    assert any(c["to"] is None for r in shared for c in r["changes"])  # one disappeared
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        again = [evidence.evidence_record(demo, p, fields[p], memo) for p in posts]
    finally:
        conn.set_trace_callback(None)
    assert again == shared
    read = " ".join(statements)
    assert "FROM accounts" not in read and "FROM account_captures" not in read
    assert "'$.account_id'" not in read  # the account's X archives
    assert "e.subject = 'account'" not in read  # the account's events


def test_posts_imported_before_schema_9_gain_their_evidence_at_the_rebuild(
    archive: Archive, tmp_path: Path
) -> None:
    run_import(archive, files.withheld_search(tmp_path / "search.jsonl"),
               files.edit_chain(tmp_path / "edits.jsonl"),
               files.x_archive_with_edit_and_deletion(tmp_path / "x.zip"))  # fmt: skip
    found = {q: ids(archive, q) for q in ("withheld:PK", "is:edited", "is:deleted")}
    links = len(link_store.links_from(archive.db, item_of(archive, files.EDIT_IDS[1])))
    with archive.transaction():  # as an archive imported by xarchive 0.1 is after migration 9
        for table in ("post_versions", "platform_events", "account_captures", "accounts"):
            archive.db.execute(f"DELETE FROM {table}")
        archive.db.execute("DELETE FROM links WHERE relation = 'edit-of'")
        archive.db.execute("UPDATE post_sources SET state = '', captured_at = ''")
        archive.db.execute("UPDATE posts SET is_deleted = 0, deleted_at = '' WHERE 0")
    reindex(archive)
    assert evidence.backfill(archive) == 0  # once is enough
    assert {q: ids(archive, q) for q in found} == found
    assert len(link_store.links_from(archive.db, item_of(archive, files.EDIT_IDS[1]))) == links
    (event,) = evidence.events(archive, item_of(archive, files.X_DELETED_ID))
    assert (event.action, event.at) == ("delete", "2024-03-03T14:00:00+00:00")
    assert verify(archive).ok


def test_later_captures_imported_before_schema_9_are_read_again_from_their_containers(
    archive: Archive, tmp_path: Path
) -> None:
    """Before schema 9 a post read again kept only its record's hash. The containers are
    in the archive: the rebuild reads each again (a twarc2 file, an X archive zip, an
    unpacked X archive) and its later captures say what they said, as if imported now."""
    plain = [files.api_tweet(files.PLAIN_ID, "Access to X is disrupted.", likes=n) for n in (3, 40)]
    plain[1]["withheld"] = {"copyright": False, "country_codes": ["PK"], "scope": "tweet"}
    kept = [files.x_tweet("1759800000000000001", "Still there.", favorite_count=n)
            for n in ("2", "9")]  # fmt: skip
    unpacked = tmp_path / "twitter-2024-04-20"
    with zipfile.ZipFile(files.x_archive(tmp_path / "apr.zip", [kept[1]])) as apr:
        apr.extractall(unpacked)
    run_import(
        archive,
        files.jsonl(tmp_path / "feb.jsonl", [files.page([plain[0]], "2024-02-19T00:00:00Z")]),
        files.jsonl(tmp_path / "apr.jsonl", [files.page([plain[1]], "2024-04-21T00:00:00Z")]),
    )
    run_import(archive, files.x_archive(tmp_path / "feb.zip", [kept[0]],
                                        generated="2024-02-25T00:00:00.000Z"))  # fmt: skip
    run_import(archive, unpacked)
    posts = [item_of(archive, files.PLAIN_ID), item_of(archive, "1759800000000000001")]

    def seen() -> list[list[tuple[str, str, dict[str, int], object]]]:
        return [
            [(c.captured_at, c.where, c.counts, c.withheld) for c in evidence.captures(archive, p)]
            for p in posts
        ]

    before = seen()
    assert [len(c) for c in before] == [2, 2] and before[1][1][2]["likes"] == 9
    later = {c.record_sha256 for p in posts for c in evidence.captures(archive, p)[1:]}
    with archive.transaction():  # as xarchive 0.1 left it: no state, no later record
        for table in ("post_versions", "platform_events", "account_captures", "accounts"):
            archive.db.execute(f"DELETE FROM {table}")
        archive.db.execute("UPDATE post_sources SET state = '', captured_at = ''")
    for sha in later:
        blobs.blob_path(archive.blobs_dir, sha).unlink()
    assert not any(c.known for p in posts for c in evidence.captures(archive, p))
    reindex(archive)
    assert seen() == before
    assert all(c.known for p in posts for c in evidence.captures(archive, p))
    (change,) = evidence.changes(archive, posts[0])
    assert [(c.name, c.summary) for c in change.changes] == [
        ("counts", "likes 3 → 40"),
        ("withheld", "withheld in PK"),
    ]
    assert ids(archive, "changed:counts") == set(posts)
    assert ids(archive, "withheld:PK") == {posts[0]}
    assert evidence.account(archive, files.HANDLE) is not None  # the containers' accounts too
    assert verify(archive).ok  # the records are back, and re-hashed
    assert all(blobs.blob_path(archive.blobs_dir, sha).exists() for sha in later)
    reindex(archive)  # once is enough: nothing is read again
    assert seen() == before


def test_a_twarc2_file_that_grew_holds_the_same_captures_once(
    archive: Archive, tmp_path: Path
) -> None:
    path = files.withheld_search(tmp_path / "search.jsonl")
    run_import(archive, path)
    later = files.page([files.api_tweet(files.GONE_ID, "Collected later.")], "2024-04-22T00:00:00Z")
    with path.open("a", encoding="utf-8") as grown:  # twarc2 appends as it collects
        grown.write(json.dumps(later) + "\n")
    run_import(archive, path)
    (capture,) = evidence.captures(archive, item_of(archive, files.WITHHELD_ID))
    assert capture.also_in == ("search.jsonl",)
    assert evidence.evidence(archive, item_of(archive, files.WITHHELD_ID)).captures == 1


# -- the command line -----------------------------------------------------------------------


def test_the_command_line_finds_and_shows_what_happened_to_a_post(tmp_path: Path) -> None:
    root = tmp_path / "case.xarchive"
    search = files.withheld_search(tmp_path / "in" / "search.jsonl")
    compliance = files.tweet_compliance(tmp_path / "in" / "compliance-tweets.json")
    assert xarchive("init", str(root)).returncode == 0
    assert xarchive("import", str(search), str(compliance), "--archive", str(root)).returncode == 0
    found = json.loads(xarchive("search", "withheld:PK", "--archive", str(root), "--json").stdout)
    assert found["total"] == 2 and found["facets"]["withheld"] == {"PK": 2, "IN": 1}
    with Archive.open(root, readonly=True) as opened:
        post = item_of(opened, files.WITHHELD_ID)
    shown = xarchive("show", str(post), "--archive", str(root))
    assert "Withheld:    in PK, IN (seen 2024-02-25T00:00:00+00:00)" in shown.stdout
    assert (
        "Event:       Withheld in PK 25 Feb 2024 (compliance-tweets.json, line 3)" in shown.stdout
    )
    data = json.loads(xarchive("show", str(post), "--archive", str(root), "--json").stdout)
    assert data["evidence"]["withheld"]["country_codes"] == ["PK", "IN"]


def test_the_command_line_says_which_version_of_an_edited_post_each_hit_is(
    tmp_path: Path,
) -> None:
    root = tmp_path / "case.xarchive"
    assert xarchive("init", str(root)).returncode == 0
    edits = files.edit_chain(tmp_path / "in" / "edits.jsonl")
    assert xarchive("import", str(edits), "--archive", str(root)).returncode == 0
    found = json.loads(xarchive("search", "regulator", "--archive", str(root), "--json").stdout)
    group = f"x:{files.EDIT_IDS[0]}"
    assert sorted((h["version"]["number"], h["version"]["group"]) for h in found["hits"]) == [
        (1, group), (2, group), (3, group)
    ]  # fmt: skip
    lines = xarchive("search", '"to the regulator"', "--archive", str(root)).stdout
    assert f"version 1 of 3 of an edited post (first {group})" in lines


def test_the_command_line_says_what_each_file_of_posts_held(tmp_path: Path) -> None:
    root = tmp_path / "case.xarchive"
    assert xarchive("init", str(root)).returncode == 0
    counts = files.counts(tmp_path / "in" / "counts.jsonl")
    compliance = files.tweet_compliance(tmp_path / "in" / "compliance-tweets.json")
    done = xarchive("import", str(counts), str(compliance), "--archive", str(root))
    assert done.returncode == 0
    said = done.stderr
    assert "Files of posts:" in said
    assert (
        f"{counts}: holds tweet counts, not posts (3 periods, 9,700 tweets); kept as the file"
        in said
    )
    assert f"{compliance}: " in said and "compliance events" in said
