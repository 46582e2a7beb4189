"""Files shaped like the real ones that say what a platform did to posts and accounts.

twarc2 output (X API v2 response pages with ``__twarc`` metadata; a users lookup, a
list lookup, a counts response; compliance events as a batch compliance job writes
them and as the compliance stream does) and an X account archive with
``deleted-tweets.js``, an edited post and ``account.js``/``profile.js``, following the
published field layouts (../shared/reference/formats.md). Every account and word is
invented for the tests. The GUI tests use them too.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

ACCOUNT_ID = "1456001234567890300"
HANDLE = "evidence_reporter"
OTHER_ID = "1456001234567890301"
OTHER = "blocked_voice_demo"
TWARC_VERSION = "2.14.0"

# Post ids are snowflakes: later ids are later posts (the versions of an edit too).
WITHHELD_ID = "1759300000000000001"
PLAIN_ID = "1759300000000000002"
EDIT_IDS = ("1759400000000000010", "1759400000000000020", "1759400000000000030")
EDIT_TEXTS = (
    "The ministry's letter to the regulator is dated 17 February.",
    "The ministry's letter to the telecom regulator is dated 17 February 2024.",
    "Correction: the interior ministry's letter to the telecom regulator is dated 17 February"
    " 2024.",
)
GONE_ID = "1759500000000000001"  # deleted later (compliance), never collected before it


def twarc_meta(
    retrieved: str, url: str = "https://api.twitter.com/2/tweets/search/all"
) -> dict[str, str]:
    return {"url": url, "version": TWARC_VERSION, "retrieved_at": retrieved}


def api_user(
    user_id: str = ACCOUNT_ID,
    username: str = HANDLE,
    name: str = "Evidence Reporter (test)",
    **fields: Any,
) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": user_id,
        "username": username,
        "name": name,
        "description": "An invented account of xarchive's tests.",
        "location": "Islamabad",
        "created_at": "2019-05-02T08:00:00.000Z",
        "protected": False,
        "verified": False,
        "verified_type": "none",
        "url": "",
        "public_metrics": {
            "followers_count": 1200, "following_count": 310, "tweet_count": 5400,
            "listed_count": 12, "like_count": 800,
        },
    }  # fmt: skip
    user.update(fields)
    return user


def api_tweet(
    tweet_id: str,
    text: str,
    created: str = "2024-02-18T10:00:00.000Z",
    author_id: str = ACCOUNT_ID,
    likes: int = 3,
    edits: tuple[str, ...] = (),
    **fields: Any,
) -> dict[str, Any]:
    tweet: dict[str, Any] = {
        "id": tweet_id,
        "text": text,
        "author_id": author_id,
        "created_at": created,
        "conversation_id": tweet_id,
        "lang": "en",
        "edit_history_tweet_ids": list(edits or (tweet_id,)),
        "edit_controls": {"edits_remaining": 5, "is_edit_eligible": True,
                          "editable_until": "2024-02-18T11:00:00.000Z"},
        "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": likes,
                           "quote_count": 0, "bookmark_count": 0, "impression_count": 90},
        "entities": {"hashtags": [{"start": 0, "end": 9, "tag": "XBlocked"}]},
    }  # fmt: skip
    tweet.update(fields)
    return tweet


def page(
    tweets: list[dict[str, Any]], retrieved: str, users: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    ids = [t["id"] for t in tweets]
    return {
        "data": tweets,
        "includes": {"users": users if users is not None else [api_user()]},
        "meta": {"newest_id": max(ids), "oldest_id": min(ids), "result_count": len(ids)},
        "__twarc": twarc_meta(retrieved),
    }


def jsonl(path: Path, lines: list[Any], end: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path.write_text(text + end, encoding="utf-8")
    return path


def withheld_search(path: Path, retrieved: str = "2024-04-21T06:15:02+00:00") -> Path:
    """A search page: a post withheld in PK and IN, a plain post, and the author's user
    object withheld in PK (scope "user"), as X API v2 gives them."""
    held = api_tweet(
        WITHHELD_ID, "Our report on the blocking is online. #XBlocked",
        withheld={"copyright": False, "country_codes": ["PK", "IN"], "scope": "tweet"},
    )  # fmt: skip
    plain = api_tweet(PLAIN_ID, "A post nobody withheld. #XBlocked", "2024-02-18T11:00:00.000Z")
    other = api_user(
        OTHER_ID, OTHER, "Blocked Voice (test)",
        withheld={"country_codes": ["PK"], "scope": "user"},
    )  # fmt: skip
    other_post = api_tweet(
        "1759300000000000003", "Posting from behind a VPN. #XBlocked",
        "2024-02-18T12:00:00.000Z", author_id=OTHER_ID,
    )  # fmt: skip
    return jsonl(path, [page([held, plain, other_post], retrieved, [api_user(), other])])


def edit_chain(path: Path, retrieved: str = "2024-04-21T06:15:02+00:00") -> Path:
    """Three versions of one post, each listing every version (oldest first)."""
    tweets = [
        api_tweet(post_id, text, f"2024-02-19T09:0{n}:00.000Z", edits=EDIT_IDS)
        for n, (post_id, text) in enumerate(zip(EDIT_IDS, EDIT_TEXTS, strict=True))
    ]
    return jsonl(path, [page(tweets[:2], retrieved), page(tweets[2:], retrieved)])


def tweet_compliance(path: Path) -> Path:
    """A batch compliance job of tweets: every action a tweet job gives."""
    return jsonl(
        path,
        [
            {"id": GONE_ID, "action": "delete", "created_at": "2024-02-20T08:00:00.000Z",
             "redacted_at": "2024-03-03T14:00:00.000Z", "reason": "deleted"},
            {"id": PLAIN_ID, "action": "scrub_geo", "created_at": "2024-02-18T11:00:00.000Z",
             "redacted_at": "2024-03-04T09:00:00.000Z", "reason": "scrub_geo"},
            {"id": WITHHELD_ID, "action": "withheld", "created_at": "2024-02-18T10:00:00.000Z",
             "redacted_at": "2024-02-25T00:00:00.000Z", "withheld_in_countries": ["PK"]},
            {"id": EDIT_IDS[0], "action": "drop", "created_at": "2024-02-19T09:00:00.000Z",
             "redacted_at": "2024-03-05T10:00:00.000Z"},
        ],
    )  # fmt: skip


def user_compliance(path: Path) -> Path:
    """A batch compliance job of users: suspend, delete, protect, withheld."""
    return jsonl(
        path,
        [
            {"id": OTHER_ID, "action": "suspend", "created_at": "2019-05-02T08:00:00.000Z",
             "redacted_at": "2024-03-10T12:00:00.000Z", "reason": "suspended"},
            {"id": "1456001234567890399", "action": "delete",
             "created_at": "2020-01-01T00:00:00.000Z", "redacted_at": "2024-03-11T12:00:00.000Z",
             "reason": "deleted"},
            {"id": "1456001234567890398", "action": "protect",
             "created_at": "2020-01-01T00:00:00.000Z", "redacted_at": "2024-03-12T12:00:00.000Z",
             "reason": "protected"},
            {"id": ACCOUNT_ID, "action": "withheld", "created_at": "2019-05-02T08:00:00.000Z",
             "redacted_at": "2024-03-13T12:00:00.000Z", "withheld_in_countries": ["PK"]},
        ],
    )  # fmt: skip


def stream_compliance(path: Path) -> Path:
    """Compliance stream events (X API v2 compliance stream), with twarc's metadata."""
    meta = twarc_meta(
        "2024-03-20T00:00:00+00:00", "https://api.twitter.com/2/tweets/compliance/stream"
    )
    return jsonl(
        path,
        [
            {"data": {"delete": {"tweet": {"id": "1759600000000000001", "author_id": ACCOUNT_ID},
                                 "event_at": "2024-03-15T10:00:00.000Z"}}, "__twarc": meta},
            {"data": {"withheld": {"tweet": {"id": "1759600000000000002", "author_id": ACCOUNT_ID},
                                   "withheld_in_countries": ["PK", "IN"],
                                   "event_at": "2024-03-15T11:00:00.000Z"}}, "__twarc": meta},
            {"data": {"user_suspend": {"user": {"id": "1456001234567890397"},
                                       "event_at": "2024-03-16T10:00:00.000Z"}}, "__twarc": meta},
            {"data": {"user_withheld": {"user": {"id": "1456001234567890396"},
                                        "withheld_in_countries": ["PK"],
                                        "event_at": "2024-03-16T11:00:00.000Z"}}, "__twarc": meta},
        ],
    )  # fmt: skip


def users_lookup(path: Path) -> Path:
    """`twarc2 users`: a page of user objects, one withheld, one protected and verified."""
    users = [
        api_user(),
        api_user(OTHER_ID, OTHER, "Blocked Voice (test)",
                 withheld={"country_codes": ["PK"], "scope": "user"}),
        api_user("1456001234567890302", "quiet_demo_desk", "Quiet Desk (test)", protected=True,
                 verified=True, verified_type="business"),
    ]  # fmt: skip
    url = "https://api.twitter.com/2/users/by"
    return jsonl(path, [{"data": users, "__twarc": twarc_meta("2024-04-22T08:00:00+00:00", url)}])


def list_lookup(path: Path) -> Path:
    """`twarc2 lists lookup` with the owner expanded, then the list's members."""
    url = "https://api.twitter.com/2/lists/1757000000000000001"
    found = {
        "data": {"id": "1757000000000000001", "name": "Pakistan X block (test)",
                 "description": "Accounts reporting the block.", "owner_id": ACCOUNT_ID,
                 "private": False, "member_count": 2, "follower_count": 14,
                 "created_at": "2024-02-18T00:00:00.000Z"},
        "includes": {"users": [api_user()]},
        "__twarc": twarc_meta("2024-04-22T08:05:00+00:00", url),
    }  # fmt: skip
    members = {
        "data": [api_user(OTHER_ID, OTHER, "Blocked Voice (test)"),
                 api_user("1456001234567890303", "lahore_test_desk", "Lahore Desk (test)")],
        "meta": {"result_count": 2},
        "__twarc": twarc_meta("2024-04-22T08:06:00+00:00", url + "/members"),
    }  # fmt: skip
    return jsonl(path, [found, members])


def counts(path: Path) -> Path:
    """`twarc2 counts`: tweets a day for a query, no tweets."""
    days = [
        {"end": f"2024-02-{d + 1:02d}T00:00:00.000Z", "start": f"2024-02-{d:02d}T00:00:00.000Z",
         "tweet_count": c}
        for d, c in ((16, 1200), (17, 5400), (18, 3100))
    ]  # fmt: skip
    url = "https://api.twitter.com/2/tweets/counts/all?query=%23XBlocked"
    body = {"data": days, "meta": {"total_tweet_count": 9700},
            "__twarc": twarc_meta("2024-04-22T09:00:00+00:00", url)}  # fmt: skip
    return jsonl(path, [body])


# -- X account archives ---------------------------------------------------------------------


def x_tweet(
    post_id: str, text: str, at: str = "Sun Feb 18 10:00:00 +0000 2024", **fields: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id_str": post_id, "id": post_id, "created_at": at, "full_text": text, "lang": "en",
        "favorite_count": "2", "retweet_count": "0", "source": "<a href=\"https://x.com\">X</a>",
        "entities": {"hashtags": [], "user_mentions": [], "urls": []},
        "edit_info": {"initial": {"editTweetIds": [post_id], "editableUntil":
                                  "2024-02-18T11:00:00.000Z", "editsRemaining": "5",
                                  "isEditEligible": True}},
    }  # fmt: skip
    body.update(fields)
    return {"tweet": body}


def _js(name: str, value: Any) -> bytes:
    return f"window.YTD.{name}.part0 = {json.dumps(value, indent=2)}".encode()


def x_archive(
    path: Path,
    tweets: list[dict[str, Any]],
    deleted: list[dict[str, Any]] | None = None,
    generated: str = "2024-04-20T09:41:07.000Z",
    more: dict[str, bytes] | None = None,
) -> Path:
    """An X archive of @evidence_reporter: manifest, account.js, profile.js, tweets.js and,
    when given, deleted-tweets.js."""
    data_types: dict[str, Any] = {
        "tweets": {"files": [{"fileName": "data/tweets.js", "globalName": "YTD.tweets.part0"}]},
        "account": {"files": [{"fileName": "data/account.js"}]},
    }
    members = {
        "data/account.js": _js("account", [{"account": {
            "email": "reporter@example.org", "createdVia": "web", "username": HANDLE,
            "accountId": ACCOUNT_ID, "createdAt": "2019-05-02T08:00:00.000Z",
            "accountDisplayName": "Evidence Reporter (test)"}}]),
        "data/profile.js": _js("profile", [{"profile": {"description": {
            "bio": "An invented account of xarchive's tests.", "website": "https://t.co/abc",
            "location": "Islamabad"}, "avatarMediaUrl": "", "headerMediaUrl": ""}}]),
        "data/tweets.js": _js("tweets", tweets),
    }  # fmt: skip
    if deleted is not None:
        members["data/deleted-tweets.js"] = _js("deleted_tweets", deleted)
        data_types["deletedTweets"] = {
            "files": [
                {"fileName": "data/deleted-tweets.js", "globalName": "YTD.deleted_tweets.part0"}
            ]
        }
    config = {
        "userInfo": {"accountId": ACCOUNT_ID, "userName": HANDLE,
                     "displayName": "Evidence Reporter (test)"},
        "archiveInfo": {"generationDate": generated},
        "dataTypes": data_types,
    }  # fmt: skip
    members["data/manifest.js"] = b"window.__THAR_CONFIG = " + json.dumps(config).encode()
    members.update(more or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


X_EDIT_IDS = ("1759700000000000001", "1759700000000000002")
X_DELETED_ID = "1759700000000000009"


def x_archive_with_edit_and_deletion(path: Path) -> Path:
    """An edited post (two versions, linked by edit_info both ways) and a deleted post."""
    first = x_tweet(X_EDIT_IDS[0], "The hearing is on 8 May.", "Mon Feb 19 09:00:00 +0000 2024")
    first["tweet"]["edit_info"]["initial"]["editTweetIds"] = list(X_EDIT_IDS)
    second = x_tweet(X_EDIT_IDS[1], "The hearing is on 9 May.", "Mon Feb 19 09:04:00 +0000 2024")
    second["tweet"]["edit_info"] = {"edit": {"initialTweetId": X_EDIT_IDS[0], "editControlInitial":
                                             {"editTweetIds": list(X_EDIT_IDS)}}}  # fmt: skip
    kept = x_tweet("1759700000000000005", "A post that stays.")
    gone = x_tweet(X_DELETED_ID, "A post its author deleted.", "Tue Feb 20 08:00:00 +0000 2024",
                   deleted_at="Sun Mar 03 14:00:00 +0000 2024")  # fmt: skip
    return x_archive(path, [first, second, kept], deleted=[gone])


def suspension_js(*actions: tuple[str, str]) -> bytes:
    """data/account-suspension.js: (time stamp, "Suspend" or "Unsuspend") records."""
    return _js(
        "account_suspension",
        [{"accountSuspension": {"timeStamp": at, "action": action}} for at, action in actions],
    )
