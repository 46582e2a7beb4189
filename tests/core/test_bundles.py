"""Bundles on real archives: export, BagIt validity, verify, import, round trip, hostile zips."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from isal import isal_zlib

from tests.cli import xarchive
from tests.conftest import item_named
from xarchive.core.annotate import Annotations
from xarchive.core.archive import Archive
from xarchive.core.bundles import (
    BundleRejected,
    ExportOptions,
    Limits,
    export_bundle,
    import_bundle,
    select_items,
    verify_bundle,
)
from xarchive.core.bundles.export import DEFLATE_LEVEL
from xarchive.core.bundles.layout import item_file_name, manifest_text, report_page
from xarchive.core.demo_annotations import MOI_REPLY, REPLY_PHOTOS, annotate_demo
from xarchive.core.errors import Cancelled, ItemNotFound, XArchiveError
from xarchive.core.indexing import index_items
from xarchive.core.jobs import CancelToken, Progress
from xarchive.core.search import Searcher
from xarchive.core.store import annotations as annotation_store
from xarchive.core.store import items as item_store
from xarchive.core.store import ocr_words as ocr_word_store
from xarchive.core.store import posts as post_store

bagit = pytest.importorskip("bagit")


@pytest.fixture(scope="module")
def annotated_demo(demo_archive_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive with every kind of annotation and link (a copy: the session's stays)."""
    root = tmp_path_factory.mktemp("bundles") / "annotated.xarchive"
    shutil.copytree(demo_archive_path, root)
    (root / "archive.lock").unlink(missing_ok=True)
    with Archive.open(root) as archive:
        assert annotate_demo(archive).added > 0
    return root


@pytest.fixture(scope="module")
def demo_zip(annotated_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zip") / "everything.zip"
    with Archive.open(annotated_demo, readonly=True) as archive:
        export_bundle(archive, select_items(archive, query="*"), out)
    return out


def _export_folder(annotated_demo: Path, out: Path, **choose: Any) -> Path:
    notes = choose.pop("notes", True)
    with Archive.open(annotated_demo, readonly=True) as archive:
        export_bundle(archive, select_items(archive, **choose), out, ExportOptions(False, notes))
    return out


def tree(root: Path) -> dict[str, Any]:
    """Every file under `root` with its hash, and the rows: to show that nothing was written."""
    with Archive.open(root, readonly=True) as archive:
        rows = {
            table: archive.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("items", "import_runs", "item_sources", "annotations", "audit_log")
        }
    return rows | {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "archive.lock"
    }


# -- export ------------------------------------------------------------------------------


def test_exported_zip_and_folder_are_valid_bags(
    annotated_demo: Path, demo_zip: Path, tmp_path: Path
) -> None:
    folder = _export_folder(annotated_demo, tmp_path / "folder-bundle", query="*")
    bagit.Bag(str(folder)).validate()
    with zipfile.ZipFile(demo_zip) as z:
        z.extractall(tmp_path / "unzipped")
    (unzipped,) = (tmp_path / "unzipped").iterdir()
    bag = bagit.Bag(str(unzipped))
    bag.validate()
    assert bag.info["Payload-Oxum"].endswith(".202") or bag.info["Payload-Oxum"]
    for label in ("Bagging-Date", "Bag-Software-Agent", "X-Xarchive-Selection"):
        assert bag.info[label], label
    assert bag.info["X-Xarchive-Selection"] == "search: *"
    names = sorted(p.name for p in (unzipped / "data" / "items").iterdir())
    assert "0010-Ministry-of-Interior-report-to-the-Islamabad-High-Court-on-t.pdf" in names
    assert all(n[:4].isdigit() and n.isascii() for n in names)
    with Archive.open(annotated_demo, readonly=True) as archive:
        sha_of = dict(archive.db.execute("SELECT id, sha256 FROM items").fetchall())
    for name in names:  # the originals, byte for byte
        data = (unzipped / "data" / "items" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha_of[int(name[:4])]
    items = json.loads((unzipped / "data" / "items.json").read_text("utf-8"))
    assert items["format"] == "xarchive-bundle" and items["version"] == 1
    assert len(items["items"]) == len(names) == len(sha_of)
    collection = json.loads((unzipped / "data" / "annotations.jsonld").read_text("utf-8"))
    motivations = {a["motivation"] for a in collection["first"]["items"]}
    assert motivations == {"commenting", "highlighting", "tagging", "linking"}


def test_rows_read_for_many_items_at_once_are_each_items_own(annotated_demo: Path) -> None:
    """An export reads its items' rows a few hundred items a statement (store's
    *_of_items): for each item the same rows in the same order as read for it alone,
    and an id that is no item refused as by get_item."""
    with Archive.open(annotated_demo, readonly=True) as archive:
        conn = archive.db
        ids = [int(i) for (i,) in conn.execute("SELECT id FROM items ORDER BY id DESC")]
        many = {
            "items": item_store.items_by_id(conn, ids),
            "pages": item_store.pages_of_items(conn, ids),
            "sources": item_store.sources_of_items(conn, ids),
            "words": ocr_word_store.page_words_of_items(conn, ids),
            "annotations": annotation_store.annotations_of_items(conn, ids),
            "tags": annotation_store.item_tags_of_items(conn, ids),
            "links from": annotation_store.links_of_items(conn, ids, "source"),
            "links to": annotation_store.links_of_items(conn, ids, "target"),
            "media": post_store.post_media_of_items(conn, ids),
            "post sources": post_store.post_sources_of_items(conn, ids),
            "posts": {p.item_id: p for p in post_store.posts(conn, ids)},
        }
        for item_id in ids:
            alone = {
                "items": item_store.get_item(conn, item_id),
                "pages": item_store.pages(conn, item_id),
                "sources": item_store.sources(conn, item_id),
                "words": ocr_word_store.page_words(conn, item_id),
                "annotations": annotation_store.annotations_of(conn, item_id),
                "tags": annotation_store.item_tags_of(conn, item_id),
                "links from": annotation_store.links_from(conn, item_id),
                "links to": annotation_store.links_to(conn, item_id),
                "media": post_store.post_media(conn, item_id),
                "post sources": post_store.post_sources(conn, item_id),
                "posts": next(iter(post_store.posts(conn, [item_id])), None),
            }
            for what, rows in alone.items():
                none = {"posts": None, "words": {}}.get(what, [])  # what an item without any has
                assert many[what].get(item_id, none) == rows, (what, item_id)
        for what, found in many.items():  # the demo has some of each
            assert found, what
        assert sum(len(v) > 1 for v in many["annotations"].values())  # several, in order
        with pytest.raises(ItemNotFound, match="no item with id 999999"):
            item_store.items_by_id(conn, [ids[0], 999_999])
        with pytest.raises(ValueError):
            annotation_store.links_of_items(conn, ids, "middle")


def test_everything_is_the_search_for_star_read_from_the_database(
    annotated_demo: Path, tmp_path: Path
) -> None:
    """`export '*'` lists every item from the database, without the search engine, newest
    first by the date the search sorts `*` on, items of the same time by their ids. (The
    search breaks such ties by the order of indexing, which an annotation changes: an
    item indexed again goes last. The bundle keeps the order they came in.)"""
    copy = tmp_path / "copy.xarchive"
    shutil.copytree(annotated_demo, copy)
    with Archive.open(copy) as archive:
        # Two items of the same time, the later id given a time zone: ties go by id,
        # and a time is compared in UTC, as the index sorts them.
        a, b, c = archive.db.execute("SELECT id FROM items ORDER BY id LIMIT 3").fetchall()
        with archive.transaction():
            for (item_id,), when in zip(
                (a, b, c),
                ("2031-05-01T10:00:00", "2031-05-01T10:00:00+00:00", "2031-05-01T12:30:00+03:00"),
                strict=True,
            ):
                archive.db.execute(
                    "UPDATE items SET published_at = ? WHERE id = ?", (when, item_id)
                )
        index_items(archive, archive.search_index(), [a[0], b[0], c[0]])
        searched = Searcher(archive).search("*", limit=10_000, facets=False, snippets=False)
        everything = select_items(archive, query="*")
        found = [hit.item.id for hit in searched.hits]
        when = {hit.item.id: _utc(hit.item.date) for hit in searched.hits}
        assert sorted(everything.selected) == sorted(found)
        # the same dates in the same order as the search's, equal ones by id
        assert [when[i] for i in everything.selected] == [when[i] for i in found]
        assert list(everything.selected) == sorted(found, key=lambda i: (-when[i], i))
        assert everything.selected[:3] == (a[0], b[0], c[0])
        assert everything.description == "search: *"
        assert len(everything.selected) == archive.item_count()


def test_a_bundle_names_the_xarchive_that_made_it(
    annotated_demo: Path, demo_zip: Path, tmp_path: Path
) -> None:
    """In bag-info.txt for any BagIt tool, in items.json for xarchive, and in the import
    run of the archive that takes it in: a reader can tell which version wrote what."""
    import xarchive

    with zipfile.ZipFile(demo_zip) as z:
        [bag_info] = [n for n in z.namelist() if n.endswith("/bag-info.txt")]
        [items_json] = [n for n in z.namelist() if n.endswith("/data/items.json")]
        info = z.read(bag_info).decode("utf-8").splitlines()
        items = json.loads(z.read(items_json).decode("utf-8"))
    assert f"Bag-Software-Agent: xarchive {xarchive.__version__}" in info
    assert items["bundle"]["xarchive_version"] == xarchive.__version__
    target = tmp_path / "colleague.xarchive"
    with Archive.create(target) as archive:
        import_bundle(archive, demo_zip)
        last = "SELECT tool_version FROM import_runs ORDER BY id DESC LIMIT 1"
        assert archive.db.execute(last).fetchone()[0] == xarchive.__version__


def test_items_json_holds_what_orjson_cannot_write() -> None:
    """items.json is written by orjson, which refuses an integer beyond 64 bits (an item's
    `extra` keeps what its file said, and a JSON file may say 2**70): the document is
    then written by the standard library, laid out the same, rather than not at all."""
    from xarchive.core.bundles.metadata import dumps

    for big in (2**70, -(2**64)):
        items = [{"id": 1, "extra": {"n": big}}, {"id": 2, "title": "ابلاغ"}]
        document = {"format": "xarchive-bundle", "items": items}
        text = dumps(document).decode("utf-8")
        assert json.loads(text) == document
        assert "ابلاغ" in text  # UTF-8, not \u escapes
        first = '  {"id":1,"extra":{"n":' + str(big) + "}},"
        assert text.splitlines()[2:4] == [first, '  {"id":2,"title":"ابلاغ"}']


def test_settings_and_options_fill_bag_info(annotated_demo: Path, tmp_path: Path) -> None:
    root = tmp_path / "case.xarchive"
    shutil.copytree(annotated_demo, root)
    with Archive.open(root) as archive:
        with archive.transaction():
            archive.set_setting("bundle_organization", "Digital Rights Desk")
            archive.set_setting("bundle_description", "The X block, for counsel")
        selection = select_items(archive, tag="court")
        export_bundle(archive, selection, tmp_path / "a", ExportOptions(zipped=False))
        options = ExportOptions(zipped=False, organization="Other NGO")
        export_bundle(archive, selection, tmp_path / "b", options)
    a, b = bagit.Bag(str(tmp_path / "a")).info, bagit.Bag(str(tmp_path / "b")).info
    assert a["Source-Organization"] == "Digital Rights Desk"
    assert a["External-Description"] == "The X block, for counsel"
    assert a["X-Xarchive-Selection"] == "tag: court"
    assert b["Source-Organization"] == "Other NGO"


def test_context_and_notes_options(annotated_demo: Path, tmp_path: Path) -> None:
    with Archive.open(annotated_demo, readonly=True) as archive:
        moi = item_named(archive, MOI_REPLY)
    full = _export_folder(annotated_demo, tmp_path / "full", ids=[moi])
    bare = _export_folder(annotated_demo, tmp_path / "bare", ids=[moi], context=False, notes=False)
    full_items = json.loads((full / "data/items.json").read_text("utf-8"))["items"]
    bare_items = json.loads((bare / "data/items.json").read_text("utf-8"))["items"]
    assert [i["role"] for i in bare_items] == ["selected"]
    # the report, and 4 linked to it: the registry's e-mail it came attached to among them
    assert {i["role"] for i in full_items} == {"selected", "context"} and len(full_items) == 5
    assert "message" in {i["kind"] for i in full_items if i["role"] == "context"}
    full_ld = (full / "data/annotations.jsonld").read_text("utf-8")
    bare_ld = json.loads((bare / "data/annotations.jsonld").read_text("utf-8"))
    assert "First official admission" in full_ld and "The reasons given" in full_ld
    bare_text = json.dumps(bare_ld) + "".join(
        p.read_text("utf-8") for p in (bare / "data/report").rglob("*.html")
    )
    assert "First official admission" not in bare_text and "The reasons given" not in bare_text
    kinds = {a["motivation"] for a in bare_ld["first"]["items"]}
    assert "highlighting" in kinds and "tagging" in kinds  # the evidence stays


def test_file_names_are_safe_and_recognisable() -> None:
    assert item_file_name(7, "Ministry submission: ‘national security’", "x.PDF", "") == (
        "0007-Ministry-submission-national-security.pdf"
    )
    assert item_file_name(12, "وزارت داخلہ", "../../etc/passwd", "text/plain") == (
        "0012-passwd.txt"
    )
    assert item_file_name(3, "", "", "image/png") == "0003-item.png"


def test_cancelled_export_leaves_nothing(annotated_demo: Path, tmp_path: Path) -> None:
    for name in ("cancelled.zip", "cancelled-folder"):
        cancel = CancelToken()
        seen: list[Progress] = []

        def progress(
            p: Progress, seen: list[Progress] = seen, cancel: CancelToken = cancel
        ) -> None:
            seen.append(p)
            if p.done == 5:
                cancel.cancel()

        with Archive.open(annotated_demo, readonly=True) as archive:
            selection = select_items(archive, query="*")
            options = ExportOptions(zipped=name.endswith(".zip"))
            with pytest.raises(Cancelled):
                export_bundle(archive, selection, tmp_path / name, options, progress, cancel)
        assert seen and seen[-1].done == 5
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_an_existing_target(annotated_demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken.zip"
    target.write_bytes(b"mine")
    with Archive.open(annotated_demo, readonly=True) as archive, pytest.raises(Exception) as err:
        export_bundle(archive, select_items(archive, query="*"), target)
    assert "already exists" in str(err.value)
    assert target.read_bytes() == b"mine" and len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize("damage", ["changed", "missing"])
def test_a_damaged_original_stops_the_export_and_leaves_nothing(
    annotated_demo: Path, tmp_path: Path, damage: str
) -> None:
    root = tmp_path / "damaged.xarchive"
    shutil.copytree(annotated_demo, root)
    (root / "archive.lock").unlink(missing_ok=True)
    out = tmp_path / "out"
    out.mkdir()
    with Archive.open(root, readonly=True) as archive:
        selection = select_items(archive, query="*")
        (sha, name) = archive.db.execute(
            "SELECT sha256, original_name FROM items WHERE id = ?", (selection.selected[-1],)
        ).fetchone()
        blob = root / "blobs" / sha[:2] / sha[2:4] / sha
        if damage == "missing":
            blob.unlink()
        else:
            blob.chmod(0o644)
            blob.write_bytes(blob.read_bytes() + b" ")
        for target in (out / "case.zip", out / "case-folder"):
            with pytest.raises(XArchiveError) as stopped:
                export_bundle(archive, selection, target, ExportOptions(zipped=target.suffix != ""))
            assert name in str(stopped.value)
            assert ("has changed" if damage == "changed" else "is missing") in str(stopped.value)
    assert list(out.iterdir()) == []


def test_report_pages_show_links_both_ways(annotated_demo: Path, tmp_path: Path) -> None:
    folder = _export_folder(annotated_demo, tmp_path / "linked", query="*")
    items = json.loads((folder / "data/items.json").read_text("utf-8"))["items"]
    page_of = {i["sha256"]: folder / "data/report" / report_page(i["id"]) for i in items}
    with Archive.open(annotated_demo, readonly=True) as archive:
        links = archive.db.execute(
            "SELECT source_sha256, target_sha256, relation FROM links "
            "WHERE source_id IS NOT NULL AND target_id IS NOT NULL"
        ).fetchall()
    assert links
    for source, target, relation in links:
        assert f"<li>→ <em>{relation}</em>" in page_of[source].read_text("utf-8")
        assert f"<li>← <em>{relation}</em>" in page_of[target].read_text("utf-8")


# -- verify ------------------------------------------------------------------------------


def test_a_tampered_byte_is_named(annotated_demo: Path, tmp_path: Path) -> None:
    folder = _export_folder(annotated_demo, tmp_path / "b", tag="court")
    assert verify_bundle(folder).ok
    victim = next((folder / "data/items").glob("*.pdf"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    (folder / "data/items/extra.txt").write_text("slipped in")
    (folder / "data/items.json").unlink()
    check = verify_bundle(folder)
    assert not check.ok
    assert [a.path for a in check.altered] == [f"data/items/{victim.name}"]
    assert check.added == ["data/items/extra.txt"]
    assert check.missing == ["data/items.json"]
    assert any("Payload-Oxum" in e for e in check.errors)

    result = xarchive("verify-bundle", str(folder), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["altered"][0]["path"] == f"data/items/{victim.name}"
    assert re.search(r"FAILED verification: \d+ problems\.", result.stderr), result.stderr


def test_a_tampered_tag_file_is_named(demo_zip: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(demo_zip) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("/bag-info.txt"):
                data = data.replace(b"Bagging-Date: ", b"Bagging-Date: 1999")
            dst.writestr(info, data)
    check = verify_bundle(tampered)
    assert [a.path for a in check.altered] == ["bag-info.txt"]
    result = xarchive("verify-bundle", str(demo_zip))
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stderr


def test_a_zip_deflates_every_file_with_isa_l_and_checks(demo_zip: Path) -> None:
    """The originals' texts as well as what the export made (items.json, the report):
    deflated by ISA-L (a quarter of zlib's time), which only the zip's bytes show, not
    what it holds; pictures, PDFs and zips are stored as they are. The bag checks, and
    every file comes out as it went in — inflated by zlib, as every unzip does (the
    originals by their SHA-256, the rest by the manifests)."""
    raw = demo_zip.read_bytes()
    deflated = stored = 0
    with zipfile.ZipFile(demo_zip) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            # Each entry is opened as stored and deflated by ISA-L: its local header, which
            # streaming readers go by, says the same method and CRC as the central directory
            at = info.header_offset
            assert int.from_bytes(raw[at + 8 : at + 10], "little") == info.compress_type
            assert int.from_bytes(raw[at + 14 : at + 18], "little") == info.CRC
            if info.compress_type == zipfile.ZIP_STORED:
                stored += 1
                continue
            assert info.compress_type == zipfile.ZIP_DEFLATED
            at = info.header_offset  # the local header: its name's and extra field's lengths
            name_length = int.from_bytes(raw[at + 26 : at + 28], "little")
            extra_length = int.from_bytes(raw[at + 28 : at + 30], "little")
            start = at + 30 + name_length + extra_length
            stream = raw[start : start + info.compress_size]
            isa_l = isal_zlib.compressobj(DEFLATE_LEVEL, isal_zlib.DEFLATED, -15)
            assert stream == isa_l.compress(data) + isa_l.flush(), info.filename
            assert zlib.decompress(stream, -15) == data, info.filename
            deflated += 1
    assert deflated > 100 and stored > 0
    assert any("/data/items/" in i.filename and i.compress_type == zipfile.ZIP_DEFLATED
               for i in zipfile.ZipFile(demo_zip).infolist())  # fmt: skip
    check = verify_bundle(demo_zip)
    assert check.ok, check.problems()


def test_a_byte_flipped_inside_a_zip_is_named_not_raised(demo_zip: Path, tmp_path: Path) -> None:
    # zipfile checks each entry's CRC-32 and raised BadZipFile on the changed byte.
    with zipfile.ZipFile(demo_zip) as zf:
        info = next(
            i for i in zf.infolist()
            if "/data/items/" in i.filename and i.compress_type == zipfile.ZIP_STORED
        )  # fmt: skip
    data = bytearray(demo_zip.read_bytes())
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 100] ^= 0x01
    tampered = tmp_path / "flipped.zip"
    tampered.write_bytes(bytes(data))
    check = verify_bundle(tampered)
    name = info.filename.split("/", 1)[1]
    assert [a.path for a in check.altered] == [name]
    assert any(p.startswith(f"altered: {name} (") for p in check.problems())
    with pytest.raises(BundleRejected) as error, Archive.create(tmp_path / "new") as archive:
        import_bundle(archive, tampered)
    assert any(name in p for p in error.value.problems)


# -- import ------------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, Any]:
    with Archive.open(root, readonly=True) as archive:
        conn = archive.db
        items = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT sha256, kind, title, original_name, original_path, size, media_type, "
                "language, published_at, captured_at, imported_at, author, source_url, "
                "source_root, ocr_status, page_count, warnings, extra FROM items"
            )
        }
        pages = sorted(conn.execute(
            "SELECT i.sha256, p.page_no, p.text, p.from_ocr FROM pages p "
            "JOIN items i ON i.id = p.item_id"))  # fmt: skip
        annotations = sorted(conn.execute(
            "SELECT uid, kind, target_sha256, note, colour, page, exact, prefix, suffix, "
            "start_char, end_char, x, y, w, h, anchor, via, creator, created_at, modified_at, "
            "item_id IS NULL FROM annotations"))  # fmt: skip
        tags = sorted(conn.execute(
            "SELECT it.uid, it.target_sha256, t.name, it.creator, it.created_at "
            "FROM item_tags it JOIN tags t ON t.id = it.tag_id"))  # fmt: skip
        links = sorted(conn.execute(
            "SELECT uid, source_sha256, target_sha256, relation, note, creator, created_at, "
            "source_id IS NULL, target_id IS NULL FROM links"))  # fmt: skip
        posts = sorted(conn.execute(
            "SELECT i.sha256, p.platform_id, p.account, p.display_name, p.url, p.original_text, "
            "p.reply_to_id, p.quote_of_id, p.retweet_of_id, p.hashtags, p.mentions, p.links, "
            "p.counts, p.is_retweet, p.is_deleted, p.is_long, p.is_referenced "
            "FROM posts p JOIN items i ON i.id = p.item_id"))  # fmt: skip
        media = sorted(conn.execute(
            "SELECT pi.sha256, m.position, mi.sha256, m.media_key, m.alt_text "
            "FROM post_media m JOIN items pi ON pi.id = m.post_id "
            "LEFT JOIN items mi ON mi.id = m.media_item_id"))  # fmt: skip
        boxes = sorted(conn.execute(
            "SELECT i.sha256, o.page_no, o.words FROM ocr_words o "
            "JOIN items i ON i.id = o.item_id"))  # fmt: skip
    return {"items": items, "pages": pages, "annotations": annotations, "tags": tags,
            "links": links, "posts": posts, "media": media, "ocr_words": boxes}  # fmt: skip


def test_round_trip_gives_back_the_same_archive(
    annotated_demo: Path, demo_zip: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh.xarchive"
    with Archive.create(fresh) as archive:
        report = import_bundle(archive, demo_zip)
    before, after = _snapshot(annotated_demo), _snapshot(fresh)
    assert len(report.added) == len(before["items"]) and report.merged == []
    assert after["items"].keys() == before["items"].keys()
    for sha, row in before["items"].items():
        assert after["items"][sha] == row, sha
    for key in ("pages", "annotations", "tags", "links", "posts", "media", "ocr_words"):
        assert after[key] == before[key], key
    assert before["annotations"] and before["links"] and before["tags"]
    # the scanned filing's and the screenshots' word boxes came along: hits marked on them
    assert {after["items"][sha][0] for sha, *_ in after["ocr_words"]} == {"document", "image"}
    assert any(a[1] == "highlight" for a in after["annotations"])
    assert any(a[1] == "region" for a in after["annotations"])

    with Archive.open(fresh) as archive:
        hits = Searcher(archive).search('"national security"', limit=50).hits
        assert hits  # indexed at once
        everything = Searcher(archive).search("*", limit=1000, facets=False, snippets=False)
        assert everything.total == len(before["items"])  # each item in the index once
        assert Searcher(archive).search("note:admission").total == 1  # notes too
        conn = archive.db
        (run,) = conn.execute("SELECT sources, status FROM import_runs").fetchall()
        assert json.loads(run[0]) == [str(demo_zip)] and run[1] == "completed"
        paths = [s.path for s in archive.sources(item_named(archive, MOI_REPLY))]
        assert any(p.startswith(f"{demo_zip}!/data/items/0") for p in paths)
        assert any(p.endswith("sample_archive/court/2024-04-17_moi_reply_islamabad_high_court.pdf")
                   for p in paths)  # fmt: skip
        (audit,) = conn.execute("SELECT detail FROM audit_log WHERE action = 'bundle.import'")
        assert json.loads(audit[0])["source_archive"] == "demo.xarchive"  # its name setting
        thumbs = [json.loads(r[0])["thumbnail"] for r in conn.execute(
            "SELECT extra FROM items WHERE kind = 'image'")]  # fmt: skip
        assert all((archive.derived_dir / t).is_file() for t in thumbs)

    # the same bundle again: nothing duplicated, only provenance gained
    with Archive.open(fresh) as archive:
        again = import_bundle(archive, demo_zip)
    assert again.added == [] and len(again.merged) == len(before["items"])
    assert again.annotations == 0
    assert _snapshot(fresh) == after


def test_import_into_the_source_archive_merges(annotated_demo: Path, tmp_path: Path) -> None:
    root = tmp_path / "same.xarchive"
    shutil.copytree(annotated_demo, root)
    folder = _export_folder(annotated_demo, tmp_path / "b", tag="evidence")
    before = _snapshot(root)
    with Archive.open(root) as archive:
        report = import_bundle(archive, folder)
        sources = archive.db.execute(
            "SELECT count(*) FROM item_sources WHERE run_id = ?", (report.run_id,)
        ).fetchone()[0]
    assert report.added == [] and report.merged and report.annotations == 0
    assert sources >= len(report.merged)
    assert _snapshot(root) == before


def test_cli_export_verify_import(annotated_demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "court.zip"
    result = xarchive("export", "--archive", str(annotated_demo), "tag:court", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Exported 3 items" in result.stdout and out.is_file()
    assert xarchive("verify-bundle", str(out)).returncode == 0
    target = tmp_path / "new.xarchive"
    assert xarchive("init", str(target)).returncode == 0
    result = xarchive("import-bundle", str(out), "--archive", str(target), "--json")
    assert result.returncode == 0, result.stderr
    # 3 tagged court, and 3 linked to them: the registry's e-mail the report came attached to
    assert "6 new items" in result.stdout.splitlines()[0]
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert report["ok"] and len(report["added"]) >= 3
    bad = xarchive("export", "--archive", str(annotated_demo), "*", "--tag", "x", "--out", "z")
    assert bad.returncode == 2 and "exactly one" in bad.stderr


# -- hostile bundles ---------------------------------------------------------------------


def _rebag(folder: Path) -> None:
    """Recompute the manifests and Payload-Oxum after changing a payload file."""
    payload = {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((folder / "data").rglob("*"))
        if p.is_file()
    }
    (folder / "manifest-sha256.txt").write_text(manifest_text(payload.items()), "utf-8")
    size = sum((folder / p).stat().st_size for p in payload)
    info = (folder / "bag-info.txt").read_text("utf-8").splitlines()
    info = [f"Payload-Oxum: {size}.{len(payload)}" if i.startswith("Payload-Oxum") else i
            for i in info]  # fmt: skip
    (folder / "bag-info.txt").write_text("\n".join(info) + "\n", "utf-8")
    tags = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
    }
    (folder / "tagmanifest-sha256.txt").write_text(manifest_text(tags.items()), "utf-8")
    # A bag made again is no longer the one its maker signed: it goes unsigned.
    (folder / "signature-ed25519.txt").unlink(missing_ok=True)


def _zip_folder(folder: Path, out: Path, extra: Callable[[zipfile.ZipFile], None]) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, f"bundle/{p.relative_to(folder)}")
        extra(z)
    return out


def _symlink(z: zipfile.ZipFile) -> None:
    info = zipfile.ZipInfo("bundle/data/items/evil-link")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    z.writestr(info, "/etc/passwd")


def _device(z: zipfile.ZipFile) -> None:
    info = zipfile.ZipInfo("bundle/data/items/tty")
    info.create_system = 3
    info.external_attr = (stat.S_IFCHR | 0o666) << 16
    z.writestr(info, "")


def _bomb(z: zipfile.ZipFile) -> None:
    z.writestr("bundle/data/items/zeros.bin", b"\0" * (40 << 20), zipfile.ZIP_DEFLATED)


def _many(z: zipfile.ZipFile) -> None:
    for n in range(50_001):
        z.writestr(f"bundle/data/x/{n}", b"")


HOSTILE: dict[str, tuple[Callable[[zipfile.ZipFile], None], str]] = {
    "zip-slip": (lambda z: z.writestr("bundle/../../escaped.txt", "x"), "points outside"),
    "absolute": (lambda z: z.writestr("/tmp/absolute.txt", "x"), "absolute path"),
    "symlink": (_symlink, "symbolic link"),
    "device": (_device, "device file"),
    "bomb": (_bomb, "zip bomb"),
    "entries": (_many, "at most 50000"),
}


@pytest.fixture(scope="module")
def small_bundle(annotated_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _export_folder(annotated_demo, tmp_path_factory.mktemp("small") / "b", tag="court")


@pytest.fixture
def victim(annotated_demo: Path, tmp_path: Path) -> Path:
    root = tmp_path / "victim.xarchive"
    shutil.copytree(annotated_demo, root)
    Archive.open(root).close()  # settles the copied write-ahead log into the database
    return root


def _refused(victim: Path, bundle: Path, expected: str) -> BundleRejected:
    before = tree(victim)
    with Archive.open(victim) as archive, pytest.raises(BundleRejected) as err:
        import_bundle(archive, bundle)
    assert expected in str(err.value), err.value.problems
    assert tree(victim) == before  # not a byte written: no run, no blob, no row
    return err.value


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_zip_is_refused(
    kind: str, small_bundle: Path, victim: Path, tmp_path: Path
) -> None:
    add, expected = HOSTILE[kind]
    bundle = _zip_folder(small_bundle, tmp_path / f"{kind}.zip", add)
    error = _refused(victim, bundle, expected)
    assert error.bundle == f"{kind}.zip"
    assert not (tmp_path.parent / "escaped.txt").exists()
    result = xarchive("import-bundle", str(bundle), "--archive", str(victim))
    assert result.returncode == 1 and expected in result.stderr


def test_a_refused_bundle_is_said_on_stderr_and_as_json(
    small_bundle: Path, victim: Path, tmp_path: Path
) -> None:
    bundle = _zip_folder(small_bundle, tmp_path / "slip.zip", HOSTILE["zip-slip"][0])
    into = ["--archive", str(victim)]
    for args, said in (
        (["verify-bundle", str(bundle)], "was refused:"),
        (["import-bundle", str(bundle), *into], "was refused; nothing was imported:"),
    ):
        result = xarchive(*args, "--json")
        assert result.returncode == 1, result.stderr
        report = json.loads(result.stdout)
        assert report["bundle"] == "slip.zip" and report["ok"] is False
        assert any("points outside" in problem for problem in report["refused"])
        assert f"xarchive: error: the bundle ‘slip.zip’ {said}" in result.stderr


def test_symlink_in_a_folder_bundle_is_refused(
    small_bundle: Path, victim: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "linked"
    shutil.copytree(small_bundle, folder)
    (folder / "data/items/passwd").symlink_to("/etc/passwd")
    _refused(victim, folder, "symbolic link")


@pytest.mark.parametrize(
    ("target", "content", "expected"),
    [
        ("data/items.json", b"{not json", "items.json is not valid JSON"),
        (
            "data/items.json",
            b'{"format": "xarchive-bundle", "version": 1, "items": [{"sha256": "zz"}]}',
            "item 1: ‘sha256’",
        ),  # fmt: skip
        ("data/annotations.jsonld", b"[[[", "annotations.jsonld is not valid JSON"),
        (
            "data/annotations.jsonld",
            b'{"type": "AnnotationPage", "items": [{"id": "urn:x", '
            b'"motivation": "tagging", "target": "http://evil/"}]}',
            "not an item of an archive",
        ),  # fmt: skip
    ],
)
def test_malformed_metadata_is_refused(
    target: str, content: bytes, expected: str, small_bundle: Path, victim: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "malformed"
    shutil.copytree(small_bundle, folder)
    (folder / target).write_bytes(content)
    _rebag(folder)
    assert verify_bundle(folder).ok  # it passes verification: the content is what is wrong
    _refused(victim, folder, expected)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("words", "‘words’ must be a list, not str"),
        ([["court", 0.1, 0.1, 0.2]], "word 1 must be [text, x, y, w, h, line]"),
        ([["court", 0.1, 0.1, 0.2, 0.05, 0], ["", 0.4, 0.1, 0.2, 0.05, 0]], "word 2: its text"),
        ([["court", "0.1", 0.1, 0.2, 0.05, 0]], "word 1: x, y, w and h must be numbers"),
        ([["court", 0.9, 0.1, 0.5, 0.05, 0]], "word 1: its box [0.9, 0.1, 0.5, 0.05]"),
        ([["court", 0.1, 0.1, 0.2, 0.05, -1]], "word 1: its line must be a whole number"),
    ],
)
def test_ocr_words_not_as_documented_are_refused(
    words: object, expected: str, annotated_demo: Path, victim: Path, tmp_path: Path
) -> None:
    folder = _export_folder(annotated_demo, tmp_path / "scan", query="scanned")
    document = json.loads((folder / "data/items.json").read_bytes())
    pages = [p for item in document["items"] for p in item["pages"] if "words" in p]
    assert pages  # the scanned filing's words are in the bundle
    pages[0]["words"] = words
    (folder / "data/items.json").write_text(json.dumps(document), "utf-8")
    _rebag(folder)
    _refused(victim, folder, f"page {pages[0]['page']}: {expected}")


def test_an_item_file_that_is_not_the_item_is_refused(
    small_bundle: Path, victim: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "swapped"
    shutil.copytree(small_bundle, folder)
    first, second = sorted((folder / "data/items").iterdir())[:2]
    first.write_bytes(second.read_bytes())
    _rebag(folder)
    _refused(victim, folder, "does not hold item")


def test_a_bundle_failing_verification_is_refused_with_the_list(
    small_bundle: Path, victim: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "tampered"
    shutil.copytree(small_bundle, folder)
    victim_file = next((folder / "data/items").iterdir())
    victim_file.write_bytes(victim_file.read_bytes() + b"!")
    error = _refused(victim, folder, "failed verification")
    assert any(f"altered: data/items/{victim_file.name}" in p for p in error.problems)


def test_small_limits_apply(small_bundle: Path, victim: Path) -> None:
    with Archive.open(victim) as archive, pytest.raises(BundleRejected) as err:
        import_bundle(archive, small_bundle, limits=Limits(max_total_bytes=1000))
    assert "at most 1000" in str(err.value)


def test_import_keeps_annotations_of_items_not_in_the_bundle_detached(
    annotated_demo: Path, tmp_path: Path
) -> None:
    with Archive.open(annotated_demo, readonly=True) as archive:
        shot = item_named(archive, REPLY_PHOTOS)
    folder = _export_folder(annotated_demo, tmp_path / "b", ids=[shot], context=False)
    with Archive.create(tmp_path / "n.xarchive") as archive:
        import_bundle(archive, folder)
        regions = Annotations(archive).of_item(1).regions
    assert len(regions) == 3 and all(r.anchor == "ok" for r in regions)


def _utc(value: str) -> float:
    """An ISO 8601 time as seconds in UTC (a naive one taken as UTC), as the index sorts."""
    from datetime import UTC, datetime

    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
