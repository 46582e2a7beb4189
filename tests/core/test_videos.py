"""Videos and animated GIFs as evidence (issue 13, media): from X archives, beside twarc2
files and on their own — imported whole with their poster frame, or refused by name."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image

from tests.conftest import run_import
from tests.core.test_posts import kinds, manifest, post_saying, tweet, x_zip
from tests.videos import mp4, truncated
from xarchive.core import blobs
from xarchive.core.archive import Archive
from xarchive.core.bundles import export_bundle, import_bundle, select_items
from xarchive.core.model import Item
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store
from xarchive.core.store import posts as post_store


def video_spec(post_id: str, name: str, kind: str = "video", millis: int = 1000) -> dict[str, Any]:
    media_id = str(int(post_id) + 1)
    return {
        "id_str": media_id, "id": media_id, "type": kind, "url": "https://t.co/v1",
        "media_url_https": f"https://pbs.twimg.com/ext_tw_video_thumb/{media_id}/pu/img/{name}.jpg",
        "video_info": {"aspect_ratio": ["3", "2"], "duration_millis": str(millis), "variants": [
            {"content_type": "application/x-mpegURL",
             "url": f"https://video.twimg.com/ext_tw_video/{media_id}/pu/pl/{name}.m3u8"},
            {"bitrate": "256000", "content_type": "video/mp4",
             "url": f"https://video.twimg.com/ext_tw_video/{media_id}/pu/vid/48x32/{name}.mp4"},
        ]},
    }  # fmt: skip


def archive_with_videos(tmp: Path, **more: bytes) -> Path:
    clip = mp4(tmp / "made" / "clip.mp4", seconds=1.0, faststart=True).read_bytes()
    gif = mp4(tmp / "made" / "gif.mp4", seconds=0.5, colour=(40, 160, 60)).read_bytes()
    tweets = [
        tweet("7001", "Police charge the sit-in outside the press club https://t.co/v1",
              possibly_sensitive=True,
              extended_entities={"media": [video_spec("7001", "CHARGEclip")]}),
        tweet("7002", "Still no X here, day 40 https://t.co/v1",
              at="Sun Mar 31 09:00:00 +0000 2024",
              extended_entities={"media": [video_spec("7002", "DAY40gif", "animated_gif", 0)]}),
    ]  # fmt: skip
    members = {
        "data/manifest.js": manifest(["data/tweets.js"]),
        "data/tweets.js": b"window.YTD.tweets.part0 = " + json.dumps(tweets).encode(),
        "data/tweets_media/7001-CHARGEclip.mp4": clip,
        "data/tweets_media/7002-DAY40gif.mp4": gif,
        **more,
    }
    return x_zip(tmp / "twitter-archive.zip", members)


def videos_of(archive: Archive) -> list[Item]:
    return [i for i in item_store.items(archive.db) if i.kind == "video"]


def test_videos_and_animated_gifs_of_an_x_archive_are_items_of_their_post(
    archive: Archive, tmp_path: Path
) -> None:
    report = run_import(archive, archive_with_videos(tmp_path))
    assert report.failed == []
    assert kinds(archive) == {"post": 2, "video": 2}
    charge = post_saying(archive, "Police charge")
    (media,) = charge.media
    assert media.type == "video" and media.item_id is not None
    video = item_store.get_item(archive.db, media.item_id)
    assert video.kind == "video" and video.media_type == "video/mp4"
    assert video.title == "Video from @test_reporter’s post of 2024-02-17"
    assert video.extra["duration"] == 1.0
    assert (video.extra["width"], video.extra["height"]) == (48, 32)
    assert video.extra["possibly_sensitive"] is True
    # The original bytes, verifiable by their hash; a poster frame to show before playing.
    original = blobs.blob_path(archive.blobs_dir, video.sha256)
    assert blobs.hash_file(original) == video.sha256
    poster = Image.open(archive.derived_dir / video.extra["poster"])
    assert poster.size == (48, 32)
    assert (archive.derived_dir / video.extra["thumbnail"]).is_file()
    # The post keeps what the platform said of it, with or without the bytes.
    post_item = item_store.get_item(archive.db, charge.item_id)
    assert post_item.extra["possibly_sensitive"] is True
    assert post_item.extra["media_info"][0]["duration"] == 1.0
    gif_post = post_saying(archive, "Still no X")
    (gif,) = gif_post.media
    assert gif.type == "animated_gif"
    gif_item = item_store.get_item(archive.db, gif.item_id or 0)
    assert gif_item.title.startswith("Animated GIF from @test_reporter’s post")
    assert gif_item.extra["has_audio"] is False
    assert "possibly_sensitive" not in gif_item.extra
    assert post_store.posts_showing(archive.db, gif_item.id) == [gif_post.item_id]


def test_a_truncated_video_is_named_and_the_rest_imports(archive: Archive, tmp_path: Path) -> None:
    whole = mp4(tmp_path / "made" / "long.mp4", seconds=2.0, faststart=True).read_bytes()
    spec = video_spec("7003", "CUTclip")
    more = {
        "data/tweets.js": b"window.YTD.tweets.part0 = "
        + json.dumps(
            [
                tweet("7003", "Cut short https://t.co/v1", extended_entities={"media": [spec]}),
                tweet("7004", "A post without media"),
            ]
        ).encode(),
        "data/tweets_media/7003-CUTclip.mp4": truncated(whole),
    }
    report = run_import(archive, archive_with_videos(tmp_path, **more))
    (failure,) = report.failed
    assert failure.path.endswith("7003-CUTclip.mp4")
    assert "‘7003-CUTclip.mp4’ is cut short: it ends after 0:0" in failure.reason
    assert "of 0:02 (" in failure.reason and " of 24 frames). Import a complete copy." in (
        failure.reason
    )
    assert kinds(archive) == {"post": 2}
    cut = post_saying(archive, "Cut short")
    assert cut.media[0].item_id is None
    assert any("its video ‘7003-CUTclip.mp4’ could not be imported" in w
               for w in item_store.get_item(archive.db, cut.item_id).warnings)  # fmt: skip


def test_a_file_that_is_no_video_in_a_videos_place(archive: Archive, tmp_path: Path) -> None:
    junk = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
    more = {"data/tweets_media/7001-CHARGEclip.mp4": junk}
    report = run_import(archive, archive_with_videos(tmp_path, **more))
    (failure,) = report.failed
    assert "‘7001-CHARGEclip.mp4’ cannot be read as a video" in failure.reason
    assert kinds(archive) == {"post": 2, "video": 1}


def test_a_video_on_its_own_is_imported_and_sound_alone_is_refused(
    archive: Archive, tmp_path: Path
) -> None:
    mp4(tmp_path / "in" / "march_rally.mp4", seconds=1.0)
    report = run_import(archive, tmp_path / "in")
    assert report.failed == []
    (video,) = videos_of(archive)
    assert video.title == "march rally" and video.extra["frames"] == 12


def test_a_phone_video_stored_sideways_has_an_upright_poster(
    archive: Archive, tmp_path: Path
) -> None:
    mp4(tmp_path / "in" / "filmed_upright.mp4", size=(48, 32), rotation=90)
    run_import(archive, tmp_path / "in")
    (video,) = videos_of(archive)
    assert (video.extra["width"], video.extra["height"]) == (32, 48)
    poster = Image.open(archive.derived_dir / video.extra["poster"]).convert("RGB")
    assert poster.size == (32, 48)
    # The bar grows from the stored frame's left edge: turned a quarter counter-clockwise,
    # as a player shows it, that edge is at the bottom.
    bottom, top = poster.getpixel((16, 46)), poster.getpixel((16, 1))
    assert bottom[0] > 150 and top[0] < 80


def _page(post_id: str, key: str, text: str, sensitive: bool) -> dict[str, Any]:
    return {
        "data": [{"id": post_id, "text": text, "author_id": "9", "lang": "en",
                  "created_at": "2024-02-20T10:00:00.000Z", "conversation_id": post_id,
                  "edit_history_tweet_ids": [post_id], "possibly_sensitive": sensitive,
                  "attachments": {"media_keys": [key]}}],
        "includes": {
            "users": [{"id": "9", "username": "field_monitor", "name": "Field Monitor"}],
            "media": [{"media_key": key, "type": "video", "duration_ms": 1000,
                       "width": 48, "height": 32,
                       "preview_image_url": f"https://pbs.twimg.com/{key}.jpg",
                       "variants": [{"bit_rate": 256000, "content_type": "video/mp4",
                                     "url": f"https://video.twimg.com/vid/{key}.mp4?tag=12"}]}],
        },
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all",
                    "retrieved_at": "2024-02-21T08:00:00+00:00", "version": "2.14.0"},
    }  # fmt: skip


def twarc_folder(tmp: Path) -> Path:
    """A folder with a twarc2 file of two video posts, one of them fetched into media/."""
    folder = tmp / "collected"
    folder.mkdir()
    lines = [
        _page("8001", "7_8001", "Footage of the crowd at the exchange", True),
        _page("8002", "7_8002", "A second clip, not downloaded", False),
    ]
    (folder / "search.jsonl").write_text("\n".join(json.dumps(p) for p in lines) + "\n")
    mp4(folder / "media" / "7_8001.mp4", seconds=1.0)  # as a fetcher names it by key
    return folder


def test_twarc2_media_of_type_video_keep_their_facts_and_bytes_beside_are_imported(
    archive: Archive, tmp_path: Path
) -> None:
    folder = twarc_folder(tmp_path)
    report = run_import(archive, folder / "search.jsonl")
    assert report.failed == []
    crowd = post_saying(archive, "Footage of the crowd")
    (media,) = crowd.media
    assert media.type == "video" and media.item_id is not None
    video = item_store.get_item(archive.db, media.item_id)
    assert video.kind == "video" and video.extra["possibly_sensitive"] is True
    assert video.title == "Video from @field_monitor’s post of 2024-02-20"
    second = post_saying(archive, "A second clip")
    assert second.media[0].item_id is None and second.media[0].type == "video"
    info = item_store.get_item(archive.db, second.item_id).extra["media_info"]
    assert info == [{
        "key": "7_8002", "type": "video", "duration": 1.0, "width": 48, "height": 32,
        "variants": [{"bit_rate": 256000, "content_type": "video/mp4",
                      "url": "https://video.twimg.com/vid/7_8002.mp4?tag=12"}],
        "preview_url": "https://pbs.twimg.com/7_8002.jpg",
    }]  # fmt: skip
    assert "possibly_sensitive" not in item_store.get_item(archive.db, second.item_id).extra
    # The whole folder imported again (the video is a file of it too): nothing new.
    again = run_import(archive, folder)
    assert again.failed == [] and kinds(archive) == {"post": 2, "video": 1}


def test_a_folder_of_a_twarc2_file_and_its_media_links_the_video_once(tmp_path: Path) -> None:
    folder = twarc_folder(tmp_path)
    with Archive.create(tmp_path / "case.xarchive") as archive:
        report = run_import(archive, folder, workers=2)  # the video is read twice at once
        assert report.failed == []
        assert kinds(archive) == {"post": 2, "video": 1}
        (video,) = videos_of(archive)
        crowd = post_saying(archive, "Footage of the crowd")
        assert crowd.media[0].item_id == video.id


def test_a_video_fetched_after_its_unchanged_twarc2_file_is_linked_to_its_post(
    archive: Archive, tmp_path: Path
) -> None:
    folder = twarc_folder(tmp_path)
    assert run_import(archive, folder).failed == []
    second = post_saying(archive, "A second clip")
    assert second.media[0].item_id is None
    # Fetched later, by its variant's name; elsewhere, a file of the same name is no copy.
    mp4(folder / "7_8002.mp4", seconds=1.0, colour=(40, 200, 40))
    mp4(tmp_path / "elsewhere" / "7_8002.mp4", seconds=1.0, colour=(20, 40, 200))
    assert run_import(archive, tmp_path / "elsewhere").failed == []
    assert post_saying(archive, "A second clip").media[0].item_id is None
    again = run_import(archive, folder)  # search.jsonl is unchanged: skipped, not read
    assert [o.status for o in again.outcomes if o.path.endswith("search.jsonl")] == ["skipped"]
    (fetched,) = [o for o in again.outcomes if o.status == "imported"]
    (media,) = post_saying(archive, "A second clip").media
    assert media.item_id == fetched.item_id and media.member == "7_8002.mp4"
    # The crowd's video, fetched before, keeps its one link; nothing is linked twice.
    assert post_store.posts_showing(archive.db, media.item_id) == [second.item_id]
    assert [o.status for o in run_import(archive, folder).outcomes] == ["skipped"] * 3


def test_videos_are_found_by_kind_and_post_account(archive: Archive, tmp_path: Path) -> None:
    run_import(archive, archive_with_videos(tmp_path))
    searcher = Searcher(archive)
    assert searcher.search("kind:video").total == 2
    assert searcher.search("kind:video account:test_reporter").total == 2


def test_a_bundle_carries_the_video_its_bytes_and_its_post(
    archive: Archive, tmp_path: Path
) -> None:
    run_import(archive, archive_with_videos(tmp_path))
    charge = post_saying(archive, "Police charge")
    bundle = tmp_path / "case.zip"
    export_bundle(archive, select_items(archive, ids=[charge.item_id]), bundle)
    with zipfile.ZipFile(bundle) as bag:
        pages = [n for n in bag.namelist() if "/data/report/items/" in n or
                 n.startswith("data/report/items/")]  # fmt: skip
        players = [bag.read(n).decode() for n in pages if b"<video" in bag.read(n)]
        (page,) = players  # the report plays the original, nothing shown until Play
        assert 'preload="none" src="../../items/' in page and ".mp4" in page
        assert "marked possibly sensitive by the platform" in page
    with Archive.create(tmp_path / "other.xarchive") as other:
        import_bundle(other, bundle)
        (video,) = videos_of(other)
        original = videos_of(archive)
        assert video.sha256 in {v.sha256 for v in original}
        assert blobs.hash_file(blobs.blob_path(other.blobs_dir, video.sha256)) == video.sha256
        assert video.extra["duration"] == 1.0
        assert (other.derived_dir / video.extra["thumbnail"]).is_file()
        (post,) = [p for p in post_store.posts(other.db, [i.id for i in item_store.items(
            other.db) if i.kind == "post"])]  # fmt: skip
        assert post.media[0].item_id == video.id


def test_the_demo_shows_a_short_video_on_a_post(demo: Archive) -> None:
    (video,) = videos_of(demo)
    assert video.title == "Video from @demo_reporter’s post of 2024-02-17"
    assert video.size < 200_000 and video.extra["duration"] == 4.0
    (post_id,) = post_store.posts_showing(demo.db, video.id)
    post = post_store.get_post(demo.db, post_id)
    assert post.text.startswith("A screen recording from 23:10 tonight")
    assert (demo.derived_dir / video.extra["poster"]).is_file()
