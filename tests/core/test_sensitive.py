"""Marking media sensitive: one change like any other — undone, audited, found by
`tag:sensitive`, carried in bundles — and what the platform flagged stays flagged."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.conftest import run_import
from tests.core.test_annotations import audit_actions
from tests.core.test_posts import small_archive, tweet
from tests.makefiles import png
from tests.videos import mp4
from xarchive.core import sensitive
from xarchive.core.annotate import Annotations
from xarchive.core.archive import Archive
from xarchive.core.bundles import export_bundle, import_bundle, select_items
from xarchive.core.model import Item
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store


def only_video(archive: Archive) -> Item:
    (video,) = [i for i in item_store.items(archive.db) if i.kind == "video"]
    return video


def test_a_video_marked_sensitive_is_found_audited_undone_and_carried(
    archive: Archive, tmp_path: Path
) -> None:
    mp4(tmp_path / "in" / "clash_at_the_gate.mp4")
    assert run_import(archive, tmp_path / "in").failed == []
    video = only_video(archive)
    assert sensitive.why_sensitive(archive, video) == ""
    notes = Annotations(archive, archive.search_index())
    sensitive.mark(notes, video.id, True)
    assert sensitive.why_sensitive(archive, video) == "marked sensitive in this archive"
    assert audit_actions(archive)[-1] == "tag.add"
    assert Searcher(archive).search("tag:sensitive").total == 1
    notes.undo()
    assert sensitive.why_sensitive(archive, video) == ""
    notes.redo()
    bundle = tmp_path / "case.zip"
    export_bundle(archive, select_items(archive, ids=[video.id]), bundle)
    with Archive.create(tmp_path / "other.xarchive") as other:
        import_bundle(other, bundle)
        received = only_video(other)
        assert sensitive.why_sensitive(other, received) == "marked sensitive in this archive"


def test_unmarking_leaves_what_the_platform_flagged(archive: Archive, tmp_path: Path) -> None:
    mp4(tmp_path / "in" / "flagged.mp4")
    run_import(archive, tmp_path / "in")
    video = only_video(archive)
    archive.db.execute(  # as the X archive importer keeps the post's flag on its media
        "UPDATE items SET extra = json_set(extra, '$.possibly_sensitive', json('true')) "
        "WHERE id = ?",
        (video.id,),
    )
    video = item_store.get_item(archive.db, video.id)
    notes = Annotations(archive)
    sensitive.mark(notes, video.id, False)  # nothing to take off: no change, no error
    assert sensitive.why_sensitive(archive, video) == "marked possibly sensitive by the platform"


def test_a_post_marked_sensitive_blurs_the_pictures_it_shows(
    archive: Archive, tmp_path: Path
) -> None:
    picture = png(tmp_path / "wounded.png", "Photo").read_bytes()
    spec = {"url": "https://t.co/p", "media_url_https": "https://pbs.twimg.com/media/W.png",
            "id_str": "9", "type": "photo"}  # fmt: skip
    tweets = [tweet("6001", "After the baton charge https://t.co/p",
                    extended_entities={"media": [spec]})]  # fmt: skip
    small_archive(tmp_path / "x.zip", tweets, **{"data/tweets_media/6001-W.png": picture})
    run_import(archive, tmp_path / "x.zip")
    (image,) = [i for i in item_store.items(archive.db) if i.kind == "image"]
    (post,) = [i for i in item_store.items(archive.db) if i.kind == "post"]
    assert sensitive.why_sensitive(archive, image) == ""
    sensitive.mark(Annotations(archive), post.id, True)
    assert sensitive.why_sensitive(archive, image) == "shown by a post marked sensitive"


def test_a_bundle_report_folds_a_sensitive_picture_away(archive: Archive, tmp_path: Path) -> None:
    png(tmp_path / "in" / "injuries.png", "Photo")
    run_import(archive, tmp_path / "in")
    (image,) = [i for i in item_store.items(archive.db) if i.kind == "image"]
    sensitive.mark(Annotations(archive), image.id, True)
    bundle = tmp_path / "case.zip"
    export_bundle(archive, select_items(archive, ids=[image.id]), bundle)
    with zipfile.ZipFile(bundle) as bag:
        (page,) = [bag.read(n).decode() for n in bag.namelist() if "/report/items/" in n
                   or n.startswith("data/report/items/")]  # fmt: skip
    assert '<details class="sensitive"><summary>This picture is marked sensitive' in page
    assert page.index("<details") < page.index("<img")
