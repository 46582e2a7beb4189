"""Accounts as evidence: each capture of an account kept, and what changed between them."""

from __future__ import annotations

from pathlib import Path

from tests import evidence_files as files
from tests.conftest import run_import
from xarchive.core.archive import Archive
from xarchive.core.posts import evidence


def test_each_capture_of_an_account_says_what_changed_since_the_one_before(
    archive: Archive, tmp_path: Path
) -> None:
    run_import(archive, files.users_lookup(tmp_path / "users.jsonl"))
    later = files.api_user(
        location="Lahore",
        withheld={"country_codes": ["PK"], "scope": "user"},
        public_metrics={"followers_count": 1500, "following_count": 310, "tweet_count": 5400,
                        "listed_count": 12, "like_count": 800},
    )  # fmt: skip
    meta = files.twarc_meta("2024-05-01T08:00:00+00:00", "https://api.twitter.com/2/users/by")
    run_import(archive, files.jsonl(tmp_path / "users-later.jsonl", [
        {"data": [later], "__twarc": meta}]))  # fmt: skip
    me = evidence.account(archive, files.HANDLE)
    assert me is not None
    first, second = evidence.account_captures(archive, me)
    assert (first.number, first.source, first.location, first.changed) == (
        1,
        "users.jsonl",
        "Islamabad",
        (),
    )
    assert (
        second.captured_at == "2024-05-01T08:00:00+00:00" and second.source == "users-later.jsonl"
    )
    assert second.withheld is not None and second.withheld.country_codes == ("PK",)
    assert second.changed == (
        "location Islamabad → Lahore", "followers 1200 → 1500", "withheld in PK")  # fmt: skip
