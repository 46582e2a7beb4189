"""The words of posts' search fields (`is:`, `has:`, `changed:`) and of platform
events: plain values, what the search index's schema needs of posts."""

from __future__ import annotations

#: Values of the `is:` search field, and what each finds: the first five a post's own
#: record says (`ExtractedPost.flags`), the rest its evidence (posts/evidence.py).
POST_FLAGS = {
    "reply": "posts that answer another post",
    "retweet": "reposts of another account's post",
    "quote": "posts quoting another post",
    "deleted": "posts the account deleted",
    "long": "posts longer than 280 characters",
    "withheld": "posts withheld in some country (or whose account is)",
    "edited": "posts that were edited (every version)",
    "suspended": "posts of accounts that were suspended",
}
#: Actions of compliance events, by what they act on (posts/evidence.py explains each).
POST_ACTIONS = ("delete", "scrub_geo", "withheld", "drop", "undrop", "edit", "not_found")
ACCOUNT_ACTIONS = (
    "suspend", "unsuspend", "delete", "undelete", "protect", "unprotect", "withheld",
    "deactivate", "scrub_geo",
)  # fmt: skip
#: Values of the `has:` search field, and what each finds.
POST_HAS = {"media": "posts with pictures or videos", "links": "posts with links"}
#: Values of the `changed:` search field: what differs between two captures of a post.
POST_CHANGES = {
    "text": "posts whose text differs between captures",
    "counts": "posts whose likes, reposts, replies … differ between captures",
    "media": "posts whose pictures or videos differ between captures",
    "withheld": "posts whose withheld state differs between captures",
    "reply": "posts whose reply target differs between captures",
    "quote": "posts whose quoted post differs between captures",
    "deleted": "posts deleted between captures",
    "disappeared": "posts missing from a later archive of their account",
    "account": "posts whose account's handle or name differs between captures",
}
