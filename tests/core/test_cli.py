"""The command line as a person or a script uses it, on real archives: in this process
(tests/cli.py), and as real processes where the process is what is tested."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import xarchive, xarchive_process
from tests.makefiles import corrupt_pdf, html_article, text_file


@pytest.fixture
def collected(tmp_path: Path) -> Path:
    folder = tmp_path / "collected"
    html_article(
        folder / "ban.html",
        "Ministry confirms the ban",
        "The Interior Ministry cited national security before the Islamabad High Court.",
    )
    text_file(folder / "note.md", "# Note\n\nVPN throttling was reported in March 2024.")
    return folder


def test_help_everywhere() -> None:
    for command in ([], ["init"], ["import"], ["search"], ["show"], ["reindex"], ["verify"]):
        result = xarchive(*command, "--help")
        assert result.returncode == 0, result.stderr
        assert "usage: xarchive" in result.stdout


def test_the_command_runs_as_a_process(tmp_path: Path, collected: Path) -> None:
    """`python -m xarchive` and the installed `xarchive` entry point: init, import, search."""
    root = tmp_path / "case.xarchive"
    assert xarchive_process("init", str(root)).returncode == 0
    result = xarchive_process("import", str(collected), "--archive", str(root))
    assert result.returncode == 0, result.stderr
    assert "2 imported, 0 skipped, 0 failed" in result.stderr
    entry_point = Path(sys.executable).parent / "xarchive"
    result = xarchive_process("search", "ministry", "--archive", str(root), "--json")
    assert json.loads(result.stdout)["total"] == 1
    result = subprocess.run([str(entry_point), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("xarchive "), result.stderr


def test_init_import_search_show_verify(tmp_path: Path, collected: Path) -> None:
    root = tmp_path / "case.xarchive"
    assert xarchive("init", str(root)).returncode == 0
    result = xarchive("import", str(collected), "--archive", str(root))
    assert result.returncode == 0, result.stderr
    assert "2 imported, 0 skipped, 0 failed" in result.stderr

    result = xarchive("search", '"national security"', "--archive", str(root))
    assert result.returncode == 0, result.stderr
    assert "Ministry confirms the ban" in result.stdout
    assert "[national] [security]" in result.stdout

    result = xarchive("search", "*", "--archive", str(root), "--json", "--sort", "date")
    data = json.loads(result.stdout)
    assert data["total"] == 2
    assert data["facets"]["kind"] == {"article": 1, "text": 1}
    item_id = next(h["id"] for h in data["hits"] if h["kind"] == "article")

    result = xarchive("show", str(item_id), "--archive", str(root), "--text")
    assert result.returncode == 0, result.stderr
    assert "SHA-256:" in result.stdout and "ban.html" in result.stdout
    assert "national security" in result.stdout
    sha = next(h["sha256"] for h in data["hits"] if h["id"] == item_id)
    result = xarchive("show", sha[:10], "--archive", str(root), "--json")
    assert json.loads(result.stdout)["original_name"] == "ban.html"

    result = xarchive("verify", "--archive", str(root))
    assert result.returncode == 0 and "All 2 originals verified" in result.stdout


def damaged_exif_jpeg(path: Path) -> Path:
    """A whole JPEG whose EXIF names a camera maker 100 bytes long, at an offset past the
    end of its data: Pillow reads the picture and warns ('Tag data larger than file')."""
    import struct

    from PIL import Image

    entry = struct.pack("<HHLL", 0x010F, 2, 100, 4000)  # Make, ASCII, 100 bytes, at 4000
    exif = b"Exif\x00\x00II*\x00" + struct.pack("<L", 8) + struct.pack("<H", 1) + entry
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (120, 60), "white").save(path, exif=exif + struct.pack("<L", 0))
    return path


def test_a_picture_pillow_warns_of_is_imported_with_the_warning_said(
    tmp_path: Path, recwarn: pytest.WarningsRecorder
) -> None:
    """Python printed Pillow's UserWarning ('TiffImagePlugin.py:946: UserWarning: Tag data
    larger than file…') among the import's lines; it is the item's warning, in words."""
    photo = damaged_exif_jpeg(tmp_path / "photos" / "hearing.jpg")
    root = tmp_path / "case.xarchive"
    result = xarchive("import", str(photo.parent), "--archive", str(root), "--create",
                      "--workers", "0", "--no-ocr", "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "UserWarning" not in result.stderr and "warnings.warn" not in result.stderr
    assert not [w for w in recwarn if "PIL" in w.filename]
    (outcome,) = json.loads(result.stdout)["outcomes"]
    assert outcome["status"] == "imported"
    (said,) = outcome["warnings"]
    assert said.startswith("Part of the picture's metadata (its TIFF or EXIF tags) is damaged")
    assert said.endswith("(Pillow: Tag data larger than file. Skipping tag 271)")


def test_a_picture_pillow_warns_of_prints_no_python_warning_from_the_workers(
    tmp_path: Path,
) -> None:
    photo = damaged_exif_jpeg(tmp_path / "photos" / "hearing.jpg")
    root = tmp_path / "case.xarchive"
    result = xarchive_process("import", str(photo.parent), "--archive", str(root), "--create",
                              "--no-ocr", "--workers", "1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "UserWarning" not in result.stderr, result.stderr
    assert "hearing.jpg: Part of the picture's metadata" in result.stderr


def test_verify_reports_a_changed_and_a_missing_original(tmp_path: Path, collected: Path) -> None:
    root = tmp_path / "case.xarchive"
    xarchive("import", str(collected), "--archive", str(root), "--create")
    blobs = sorted(p for p in (root / "blobs").glob("??/??/*"))
    assert len(blobs) == 2
    blobs[0].chmod(0o644)
    blobs[0].write_bytes(blobs[0].read_bytes() + b"tampered")
    blobs[1].unlink()
    result = xarchive("verify", "--archive", str(root))
    assert result.returncode == 1
    assert "CHANGED" in result.stdout and "MISSING" in result.stdout
    assert "2 of 2 originals failed verification" in result.stdout


def test_exit_code_is_an_error_only_when_nothing_could_be_imported(tmp_path: Path) -> None:
    root = tmp_path / "case.xarchive"
    xarchive("init", str(root))
    bad = corrupt_pdf(tmp_path / "bad.pdf")
    result = xarchive("import", str(bad), "--archive", str(root))
    assert result.returncode == 1
    assert "bad.pdf" in result.stderr and "Traceback" not in result.stderr
    good = text_file(tmp_path / "good.txt", "fine")
    result = xarchive("import", str(bad), str(good), "--archive", str(root))
    assert result.returncode == 0
    assert "1 imported, 0 skipped, 1 failed" in result.stderr


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    cases = [
        (["search", "x", "--archive", str(tmp_path / "none")], "is not an xarchive archive"),
        (["init", str(tmp_path)], ""),
        (["search", '"open', "--archive", str(tmp_path / "a")], "never closed"),
        (["show", "999", "--archive", str(tmp_path / "a")], "no item with id 999"),
    ]
    (tmp_path / "x.txt").write_text("not empty")
    xarchive("init", str(tmp_path / "a"))
    for args, message in cases:
        result = xarchive(*args)
        assert result.returncode == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("xarchive: error:"), result.stderr
        assert message in lines[0]


def test_what_to_do_is_a_command_to_type(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = xarchive("search", "court", "--archive", str(empty))
    assert result.returncode == 1
    assert result.stderr == (
        f"xarchive: error: {empty} is empty; create an archive with `xarchive init {empty}`\n"
    )


def test_search_reports_a_missing_index(tmp_path: Path, collected: Path) -> None:
    root = tmp_path / "case.xarchive"
    xarchive("import", str(collected), "--archive", str(root), "--create")
    import shutil

    shutil.rmtree(root / "index")
    result = xarchive("search", "ministry", "--archive", str(root))
    assert result.returncode == 1
    assert "index is missing" in result.stderr
    assert f"run `xarchive reindex --archive {root}` to rebuild it" in result.stderr
    assert xarchive("reindex", "--archive", str(root)).returncode == 0
    assert (
        "Ministry confirms the ban" in xarchive("search", "ministry", "--archive", str(root)).stdout
    )


def test_a_search_reads_the_index_once_and_says_what_it_lacks(
    tmp_path: Path, collected: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How the index stands comes from the search's own searcher: asking the folder
    opened a second reader of every segment (at 100 000 items, a dozen of them)."""
    import sqlite3

    from whoosh.reading import SegmentReader

    root = tmp_path / "case.xarchive"
    xarchive("import", str(collected), "--archive", str(root), "--create")
    readers: list[object] = []
    real_init = SegmentReader.__init__

    def counted(self: SegmentReader, *args: object, **kwargs: object) -> None:
        readers.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(SegmentReader, "__init__", counted)
    result = xarchive("search", "ministry", "--archive", str(root))
    assert result.returncode == 0 and "Ministry confirms the ban" in result.stdout
    assert result.stderr == "" and len(readers) == 1  # the index has one segment
    # an item the index does not hold yet is still said, from that same searcher
    with sqlite3.connect(root / "archive.sqlite") as db:
        db.execute("UPDATE items SET indexed = 0 WHERE id = (SELECT max(id) FROM items)")
    db.close()
    readers.clear()
    result = xarchive("search", "ministry", "--archive", str(root))
    assert "1 of 2 items are not in the search index yet" in result.stderr
    assert len(readers) == 1


def test_a_verify_ends_its_process_at_once_with_all_it_printed(
    tmp_path: Path, collected: Path
) -> None:
    """Run as a program, a verify that passes ends the process as soon as it has printed
    (cli/shared.py `end_process`): its whole report is there, and nothing is left of the
    process that hashed the blobs; one that fails ends as any command does."""
    root = tmp_path / "case.xarchive"
    xarchive("import", str(collected), "--archive", str(root), "--create")
    program = (
        "import atexit, sys; atexit.register(print, 'torn down'); "
        "from xarchive.cli import main; sys.exit(main())"
    )
    args = ("verify", "--archive", str(root))
    ended = subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True,
                           timeout=120)  # fmt: skip
    assert ended.returncode == 0, ended.stderr
    assert "originals verified: every SHA-256 matches" in ended.stdout
    assert "The chain of custody holds" in ended.stdout and "torn down" not in ended.stdout
    blob = next(p for p in (root / "blobs").rglob("*") if p.is_file())
    blob.chmod(0o644)
    blob.write_bytes(b"changed")
    failed = subprocess.run([sys.executable, "-c", program, *args], capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert failed.returncode == 1 and "CHANGED" in failed.stdout and "torn down" in failed.stdout


def test_a_search_or_show_ends_its_process_at_once_with_all_it_printed(
    tmp_path: Path, collected: Path
) -> None:
    """Run as a program, `search` and `show` end the process as soon as they are done,
    without the interpreter's teardown (cli/shared.py `end_process`): what they printed
    is all there, a warning on stderr too, and the exit code is theirs."""
    import sqlite3

    root = tmp_path / "case.xarchive"
    xarchive("import", str(collected), "--archive", str(root), "--create")
    with sqlite3.connect(root / "archive.sqlite") as db:
        db.execute("UPDATE items SET indexed = 0 WHERE id = (SELECT max(id) FROM items)")
    db.close()
    result = xarchive_process("search", "ministry", "--archive", str(root), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hits"][0]["title"] == "Ministry confirms the ban"
    assert "1 of 2 items are not in the search index yet" in result.stderr
    shown = xarchive_process("show", "1", "--text", "--archive", str(root))
    assert shown.returncode == 0 and shown.stdout.rstrip().endswith("Islamabad High Court.")
    failed = xarchive_process("search", "ministry (", "--archive", str(root))
    assert failed.returncode == 1 and "is never closed" in failed.stderr
    # no teardown: what Python runs at exit (atexit) is not run after a search …
    program = (
        "import atexit, sys; atexit.register(print, 'torn down'); "
        "from xarchive.cli import main; sys.exit(main())"
    )
    args = ("search", "ministry", "--archive", str(root))
    ended = subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True)
    assert ended.returncode == 0 and "Ministry confirms the ban" in ended.stdout
    assert "torn down" not in ended.stdout
    # … nor in this process, where main() is called with its arguments and returns
    assert xarchive(*args).returncode == 0


def test_without_tesseract_the_import_succeeds_and_says_how_to_get_ocr(
    tmp_path: Path, samples: Path
) -> None:
    root = tmp_path / "case.xarchive"
    shots = samples / "screenshots"
    no_tesseract = {"PATH": str(Path(sys.executable).parent)}  # the venv only: no /usr/bin
    result = xarchive_process(
        "import", str(shots), "--archive", str(root), "--create", env=no_tesseract
    )
    assert result.returncode == 0, result.stderr
    assert "6 imported, 0 skipped, 0 failed" in result.stderr
    assert "6 items: " in result.stderr and "tesseract" in result.stderr
    assert "apt-get install tesseract-ocr tesseract-ocr-urd" in result.stderr
    shown = json.loads(xarchive("show", "1", "--archive", str(root), "--json").stdout)
    assert shown["ocr_status"] == "missing-tesseract"


@pytest.mark.parametrize("columns", [None, "133", "0", "wide"])
def test_the_help_is_as_wide_as_argparse_would_make_it(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    # the parser's formatter measures the terminal itself, without importing shutil
    import argparse
    import shutil

    from xarchive.cli.shared import HelpFormatter, RawDescriptionHelpFormatter, terminal_columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns
    assert HelpFormatter("xarchive")._width == argparse.HelpFormatter("xarchive")._width
    raw = RawDescriptionHelpFormatter("xarchive")
    assert raw._width == argparse.RawDescriptionHelpFormatter("xarchive")._width


def test_only_the_program_leaves_what_it_made_to_the_exit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """main() run as the program (sys.argv's command) freezes what the collector would
    walk at the shutdown; called with arguments (a test, a caller that goes on) it
    leaves the collector as it was."""
    import gc

    from xarchive.cli import main

    assert gc.get_freeze_count() == 0
    assert main(["status", "--archive", "/nonexistent"]) == 1
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(sys, "argv", ["xarchive", "status", "--archive", "/nonexistent"])
    try:
        assert main() == 1
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert "is not an xarchive archive" in capsys.readouterr().err
