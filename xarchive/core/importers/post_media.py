"""What the platform says of a post's videos and animated GIFs, and of sensitive media.

The X archive describes a video in ``extended_entities.media[].video_info``
(``duration_millis``, ``aspect_ratio``, ``variants``); the API's
``includes.media`` gives ``duration_ms``, ``width``, ``height``, ``variants``
and ``preview_image_url``. Both flag media a platform thinks may be violent or
explicit: ``possibly_sensitive`` on the post (and, in archives,
``sensitive_media_warning`` on the media). The facts are kept on the post's item
(`extra["media_info"]`, `extra["possibly_sensitive"]`) whether or not the
video's bytes are there, and the flag goes to the media items the post shows, so
that they are blurred until revealed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..model import VIDEO_TYPES, ExtractedPost, MediaRef, StagedMedia
from ..wording import media_noun
from .container_files import MAX_MEDIA_BYTES, FolderSource, MemberProblem
from .post_text import as_text

#: The largest video of a container read (a picture may have 512 MiB): X takes
#: uploads of several GiB from some accounts.
MAX_VIDEO_BYTES = 16 << 30


def media_limit(media_type: str) -> int:
    """The most bytes a container's media file of this type may have."""
    return MAX_VIDEO_BYTES if media_type in VIDEO_TYPES else MAX_MEDIA_BYTES


def is_flagged(value: Any) -> bool:
    """A platform's sensitive flag, which archives write as true or "true"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def post_is_sensitive(tweet: Mapping[str, Any], media: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the post or any of its media is marked possibly sensitive."""
    if is_flagged(tweet.get("possibly_sensitive")):
        return True
    return any(
        is_flagged(spec.get("possibly_sensitive")) or bool(spec.get("sensitive_media_warning"))
        for spec in media
    )


def video_info(spec: Mapping[str, Any]) -> dict[str, Any] | None:
    """The facts of one video or animated GIF as the post describes it; None for a photo."""
    kind = as_text(spec.get("type"))
    if kind not in VIDEO_TYPES:
        return None
    info = spec.get("video_info") if isinstance(spec.get("video_info"), Mapping) else {}
    assert isinstance(info, Mapping)
    facts: dict[str, Any] = {
        "key": as_text(spec.get("media_key") or spec.get("id_str") or spec.get("id")),
        "type": kind,
    }
    millis = _number(spec.get("duration_ms"))
    if millis is None:
        millis = _number(info.get("duration_millis"))
    if millis is not None:
        facts["duration"] = millis / 1000
    width, height = _number(spec.get("width")), _number(spec.get("height"))
    if width and height:
        facts["width"], facts["height"] = int(width), int(height)
    variants = spec.get("variants") if "variants" in spec else info.get("variants")
    if isinstance(variants, list):
        facts["variants"] = [
            {
                k: v[k]
                for k in ("content_type", "bit_rate", "bitrate", "url")
                if isinstance(v, Mapping) and k in v
            }
            for v in variants
            if isinstance(v, Mapping)
        ]
    preview = as_text(spec.get("preview_image_url") or spec.get("media_url_https"))
    if preview:
        facts["preview_url"] = preview
    return facts


def post_extra(
    tweet: Mapping[str, Any], media: Sequence[Mapping[str, Any]], edits: list[str], client: str
) -> dict[str, Any]:
    """What a post keeps beside its fields (`ExtractedPost.extra`), from its source object
    and its media's: the ids of its versions when it was edited, the app it was posted
    with, whether it is marked sensitive, and its videos' variants and length."""
    extra: dict[str, Any] = {}
    if len(edits) > 1:
        extra["edit_ids"] = edits
    if client:
        extra["client"] = client
    if post_is_sensitive(tweet, media):
        extra["possibly_sensitive"] = True
    videos = [info for info in map(video_info, media) if info is not None]
    if videos:
        extra["media_info"] = videos
    return extra


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


# -- media files beside a file of posts -------------------------------------------------

#: Folders beside a twarc2 file where tools that fetch media put them.
_BESIDE = ("", "media/")
_SUFFIXES = (".mp4", ".mov", ".webm", ".jpg", ".jpeg", ".png", ".gif", ".webp")


def names_beside(post: ExtractedPost, ref: MediaRef) -> list[str]:
    """The names a downloaded copy of `ref` may have beside the posts' file, best first:
    the file name of each variant (highest bit rate first) or of its address, alone or
    after the post id as in X archives (``<post id>-<name>``), or its media key."""
    info: Mapping[str, Any] = next(
        (i for i in post.extra.get("media_info", ()) if i.get("key") == ref.key and ref.key), {}
    )
    variants = sorted(
        info.get("variants", ()), key=lambda v: -_rate(v.get("bit_rate", v.get("bitrate")))
    )
    return media_names(post.post_id, ref.key, ref.url, [as_text(v.get("url")) for v in variants])


def media_names(post_id: str, key: str, url: str, variant_urls: Sequence[str]) -> list[str]:
    """`names_beside` from what a post says of one of its media: its number on the
    platform, the media key, the address, the addresses of its variants (best first)."""
    bases = [_basename(u) for u in variant_urls] + [_basename(url)]
    bases = [b for b in dict.fromkeys(bases) if b]
    names = [*bases, *(f"{post_id}-{b}" for b in bases)]
    if key:
        names += [f"{key}{suffix}" for suffix in _SUFFIXES]
    return [f"{folder}{name}" for folder in _BESIDE for name in names]


def media_beside(
    posts: Sequence[ExtractedPost], origin: str, staging: Path
) -> tuple[list[StagedMedia], list[ExtractedPost], list[str]]:
    """Copy to `staging` the media files of `posts` found beside the file at `origin`.

    Returns the staged files, the posts (those with a file found now name it as their
    media's `member`) and warnings for files found but unreadable. A file is staged
    once however many posts show it.
    """
    folder = Path(origin).parent
    if not origin or not folder.is_dir():
        return [], list(posts), []
    staged: dict[str, StagedMedia] = {}
    warnings: list[str] = []
    failed: set[str] = set()
    out: list[ExtractedPost] = []
    with FolderSource(folder) as source:
        for post in posts:
            refs = []
            for ref in post.media:
                member = next((n for n in names_beside(post, ref) if source.exists(n)), "")
                if member in failed:
                    member = ""
                elif member and member not in staged:
                    try:
                        copy = source.stage(member, staging, media_limit(ref.type))
                        staged[member] = StagedMedia(member, source.location_of(member), copy)
                    except MemberProblem as exc:
                        warnings.append(
                            f"the {media_noun(ref.type)} ‘{member}’ beside it could not be "
                            f"read: {str(exc).removeprefix(member).strip()}"
                        )
                        failed.add(member)
                        member = ""
                refs.append(replace(ref, member=member) if member else ref)
            out.append(replace(post, media=tuple(refs)) if refs != list(post.media) else post)
    return list(staged.values()), out, warnings


def _rate(value: Any) -> float:
    return _number(value) or 0.0


def _basename(url: str) -> str:
    return PurePosixPath(url.split("?", 1)[0].split("#", 1)[0]).name
