"""Notes, highlights, regions, tags and links from the command line, on real archives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli import xarchive
from tests.makefiles import html_article, png, text_file

COMMANDS = ("note", "highlight", "region", "tag", "tags", "link", "annotations", "delete")


@pytest.fixture(scope="module")
def case_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with three items, made once; each test works on a copy."""
    base = tmp_path_factory.mktemp("cli-annotations")
    folder = base / "collected"
    html_article(folder / "ban.html", "Ministry confirms the ban",
                 "The Interior Ministry cited national security and public order before the "
                 "Islamabad High Court.")  # fmt: skip
    text_file(folder / "reply.txt", "The block was needed in the interest of national\n"
              "security and public order, the ministry said.")  # fmt: skip
    png(folder / "shot.png", "X is blocked")
    root = base / "case.xarchive"
    result = xarchive("import", str(folder), "--archive", str(root), "--create", "--no-ocr")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def case(case_template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "case.xarchive"
    shutil.copytree(case_template, root)
    (root / "archive.lock").unlink(missing_ok=True)
    return root


def ids(root: Path) -> dict[str, int]:
    result = xarchive("search", "*", "--archive", str(root), "--json", "--limit", "50")
    return {h["original_name"]: h["id"] for h in json.loads(result.stdout)["hits"]}


def ok(*args: str) -> str:
    result = xarchive(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def search(root: Path, query: str) -> set[str]:
    result = xarchive("search", query, "--archive", str(root), "--json")
    assert result.returncode == 0, result.stderr
    return {h["original_name"] for h in json.loads(result.stdout)["hits"]}


def test_help_for_every_annotation_command() -> None:
    for command in COMMANDS:
        result = xarchive(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "usage: xarchive" in result.stdout and "--archive" in result.stdout


def test_note_tag_link_and_list_them(case: Path) -> None:
    a = ("--archive", str(case))
    item = ids(case)
    ban, reply, shot = str(item["ban.html"]), str(item["reply.txt"]), str(item["shot.png"])

    assert "Added note" in ok("note", reply, "Filed", "the", "same", "day", *a)
    assert search(case, "note:filed") == {"reply.txt"}  # searchable at once
    out = ok("highlight", reply, "--quote", "national security and public order",
             "--note", "the reasons", *a)  # fmt: skip
    assert "Highlighted ‘national security and public order’ on page 1" in out
    ok("region", shot, "10", "20", "200", "60", "--note", "the padlock icon", *a)
    assert search(case, "note:padlock") == {"shot.png"}

    assert ok("tag", reply, "Evidence", "court", *a).strip().endswith("court, Evidence")
    ok("tag", ban, "evidence", "proof", *a)
    assert search(case, "tag:evidence") == {"reply.txt", "ban.html"}
    assert ok("tags", *a).split() == ["Evidence", "2", "court", "1", "proof", "1"]
    ok("tag", "--merge", "proof", "court", *a)
    ok("tag", "--rename", "Evidence", "evidence", *a)
    counts = json.loads(ok("tags", "--json", *a))
    assert counts == [{"tag": "court", "items": 2}, {"tag": "evidence", "items": 2}]
    ok("tag", ban, "court", "--remove", *a)
    assert search(case, "tag:court") == {"reply.txt"}

    out = ok("link", ban, "cites", reply, "--note", "quotes the ministry", *a)
    assert out.startswith(f"Linked #{ban}") and " cites #" in out
    ok("link", shot, "shows", reply, *a)

    listing = ok("annotations", reply, *a)
    assert "Tags:       court, evidence" in listing
    assert "Note" in listing and "Filed the same day" in listing
    assert "Highlight" in listing and "p.1 “national security and public order”" in listing
    assert "cites this: quotes the ministry" in listing and "shows this" in listing
    assert "Region" in ok("annotations", shot, *a)

    data = json.loads(ok("annotations", reply, "--json", *a))
    assert data["type"] == "AnnotationCollection"
    motivations = sorted(x["motivation"] for x in data["first"]["items"])
    assert motivations == ["commenting", "highlighting", "linking", "linking", "tagging",
                           "tagging"]  # fmt: skip

    ok("link", shot, "shows", reply, "--remove", *a)
    assert "shows this" not in ok("annotations", reply, *a)


def test_edit_and_delete_an_annotation_by_its_short_id(case: Path) -> None:
    a = ("--archive", str(case))
    reply = str(ids(case)["reply.txt"])
    out = ok("note", reply, "zeppelin", *a)
    short = out.split("Added note ")[1].split()[0]
    ok("note", "--edit", short, "airship", *a)
    assert search(case, "airship") == {"reply.txt"} and search(case, "zeppelin") == set()
    ok("note", "--delete", short, *a)
    assert search(case, "airship") == set()
    assert "No notes" in ok("annotations", reply, *a)


def test_errors_are_one_line(case: Path) -> None:
    a = ("--archive", str(case))
    item = ids(case)
    reply, shot = str(item["reply.txt"]), str(item["shot.png"])
    for args, message in (
        (("note", "999", "text"), "no item with id 999"),
        (("note", reply), "give the item and the note's text"),
        (("highlight", reply, "--quote", "not there"), "is not in the text"),
        (("region", shot, "1000", "0", "10", "10"), "outside the picture"),
        (("link", reply, "cites", reply), "cannot be linked to itself"),
        (("tag", "--rename", "nothing", "x"), "there is no tag ‘nothing’"),
        (("tag", reply, "a,b"), "cannot contain a comma"),
        (("note", "--delete", "abcdef12"), "no annotation has the id"),
    ):
        result = xarchive(*args, *a)
        assert result.returncode == 1, (args, result.stdout)
        assert result.stderr.startswith("xarchive: error: ") and message in result.stderr, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_delete_asks_what_to_do_with_annotations_then_works(case: Path) -> None:
    a = ("--archive", str(case))
    item = ids(case)
    ban, reply = str(item["ban.html"]), str(item["reply.txt"])
    ok("note", reply, "zeppelin", *a)
    ok("link", ban, "cites", reply, *a)
    refused = xarchive("delete", reply, *a)
    assert refused.returncode == 1
    assert "1 note, 1 link from another item" in refused.stderr
    assert "--annotations delete|keep" in refused.stderr
    assert "reply.txt" in search(case, "*")

    out = ok("delete", reply, "--annotations", "keep", "--links", "delete", *a)
    assert "Its annotations were kept as orphaned." in out and "trash" in out
    assert "reply.txt" not in search(case, "*")
    assert "zeppelin" in ok("annotations", "--orphaned", *a)
    assert "All 2 originals verified" in ok("verify", *a)
    assert ok("status", *a)  # the index matches the database
