"""Importing as a researcher does: mixed folders, again and again, bad files among them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_import
from tests.makefiles import (
    binary_junk,
    corrupt_pdf,
    html_article,
    png,
    symlink_loop,
    text_file,
    truncated_png,
)
from xarchive.core import blobs
from xarchive.core.archive import Archive
from xarchive.core.errors import ImportAborted
from xarchive.core.importing import ImportOptions, import_paths
from xarchive.core.jobs import CancelToken, Progress
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store
from xarchive.core.store import runs
from xarchive.core.verify import verify


def small_folder(root: Path) -> Path:
    text_file(root / "notes" / "timeline.md", "# Timeline\n\nOn 17 February 2024 X went dark.")
    text_file(root / "notes" / "sources.txt", "NetBlocks recorded the disruption.")
    html_article(
        root / "articles" / "ban.html",
        "Ministry confirms the ban on X",
        "The Interior Ministry told the Islamabad High Court that X was blocked.\n\n"
        "It cited national security and public order as its reasons.",
    )
    png(root / "shots" / "blank.png")
    return root


def test_importing_a_folder_stores_originals_text_and_provenance(
    archive: Archive, tmp_path: Path
) -> None:
    folder = small_folder(tmp_path / "collected")
    report = run_import(archive, folder)
    assert report.status == "completed"
    assert len(report.imported) == 4 and not report.failed
    items = {i.original_name: i for i in item_store.items(archive.db)}
    article = items["ban.html"]
    assert article.kind == "article"
    assert "national security" in item_store.pages(archive.db, article.id)[0].text
    assert items["timeline.md"].kind == "text"
    assert items["blank.png"].kind == "image"
    for item in items.values():
        blob = blobs.blob_path(archive.blobs_dir, item.sha256)
        assert blobs.hash_file(blob) == item.sha256
        assert blob.stat().st_size == item.size
        assert item.original_path.startswith(str(folder))
        assert item.source_root == str(folder)
        assert item.imported_at and item.captured_at
        (source,) = item_store.sources(archive.db, item.id)
        assert source.run_id == report.run_id and source.root == str(folder)
    run = runs.get_run(archive.db, report.run_id)
    assert (run.status, run.imported, run.failed) == ("completed", 4, 0)
    assert not list((archive.blobs_dir / ".tmp").glob("**/*.part"))


def test_reimport_is_a_no_op_that_reads_no_unchanged_file(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = small_folder(tmp_path / "collected")
    run_import(archive, folder)
    staged: list[Path] = []
    real_stage = blobs.stage_copy

    def counting_stage(source: Path, staging: Path) -> blobs.StagedFile:
        staged.append(source)
        return real_stage(source, staging)

    monkeypatch.setattr(blobs, "stage_copy", counting_stage)
    again = run_import(archive, folder)
    assert len(again.skipped) == 4 and not again.imported and not again.failed
    assert {o.reason for o in again.skipped} == {"unchanged since the last import"}
    assert staged == []  # nothing was read, let alone hashed
    assert item_store.count_items(archive.db) == 4


def test_a_changed_file_is_imported_as_a_new_version(archive: Archive, tmp_path: Path) -> None:
    folder = small_folder(tmp_path / "collected")
    run_import(archive, folder)
    note = folder / "notes" / "sources.txt"
    old = item_store.find_item(archive.db, blobs.hash_file(note))
    note.write_text("NetBlocks and others recorded the disruption from 17 February.")
    os.utime(note, ns=(note.stat().st_atime_ns, note.stat().st_mtime_ns + 10**9))
    report = run_import(archive, folder)
    assert [Path(o.path).name for o in report.imported] == ["sources.txt"]
    assert f"item #{old.id}" in report.imported[0].reason
    assert len(report.skipped) == 3
    assert item_store.count_items(archive.db) == 5  # the earlier version is kept
    new = item_store.get_item(archive.db, report.imported[0].item_id or 0)
    assert new.extra["previous_version"] == old.id


def test_a_touched_but_unchanged_file_adds_nothing(archive: Archive, tmp_path: Path) -> None:
    folder = small_folder(tmp_path / "collected")
    run_import(archive, folder)
    note = folder / "notes" / "sources.txt"
    os.utime(note, ns=(note.stat().st_atime_ns, note.stat().st_mtime_ns + 10**9))
    report = run_import(archive, folder)
    reasons = {Path(o.path).name: o.reason for o in report.skipped}
    assert reasons["sources.txt"] == "unchanged content (only the file's date changed)"
    assert item_store.count_items(archive.db) == 4


def test_the_same_file_twice_is_one_item_with_both_sources(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "collected"
    first = text_file(folder / "a" / "statement.md", "# Joint statement\n\nRestore access to X.")
    shutil.copy(first, folder / "b-copy-of-statement.md")
    report = run_import(archive, folder)
    assert len(report.imported) == 1 and len(report.skipped) == 1
    assert "same content as" in report.skipped[0].reason
    (item,) = item_store.items(archive.db)
    paths = sorted(Path(s.path).name for s in item_store.sources(archive.db, item.id))
    assert paths == ["b-copy-of-statement.md", "statement.md"]


def test_bad_files_are_reported_with_reasons_and_the_rest_imports(
    archive: Archive, tmp_path: Path
) -> None:
    folder = small_folder(tmp_path / "collected")
    bad = folder / "bad"
    bad.mkdir()
    corrupt_pdf(bad / "submission.pdf")
    truncated_png(bad / "screenshot.png")
    (bad / "empty.pdf").write_bytes(b"")
    binary_junk(bad / "article.html")
    symlink_loop(bad)
    report = run_import(archive, folder)
    reasons = {Path(o.path).name: o.reason for o in report.failed}
    assert set(reasons) == {
        "submission.pdf", "screenshot.png", "empty.pdf", "article.html", "loop-a.pdf",
        "loop-b.pdf",
    }  # fmt: skip
    assert "damaged" in reasons["submission.pdf"] or "not a valid PDF" in reasons["submission.pdf"]
    assert "truncated" in reasons["screenshot.png"] or "damaged" in reasons["screenshot.png"]
    assert "empty" in reasons["empty.pdf"]
    assert "binary" in reasons["article.html"]
    assert "loops back on itself" in reasons["loop-a.pdf"]
    assert len(report.imported) == 4
    stored = runs.run_errors(archive.db, report.run_id)
    assert {Path(p).name for p, _ in stored} == set(reasons)
    assert verify(archive).ok


@pytest.mark.skipif(not shutil.which("setpriv") and os.geteuid() == 0, reason="needs setpriv")
def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    folder = small_folder(tmp_path / "collected")
    secret = text_file(folder / "secret.txt", "private")
    secret.chmod(0)
    root = tmp_path / "a.xarchive"
    Archive.create(root).close()
    command = [sys.executable, "-m", "xarchive.cli", "import", str(folder), "--archive", str(root),
               "--workers", "0"]  # fmt: skip
    if os.geteuid() == 0:  # root reads anything: drop the capability that lets it
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "secret.txt: cannot be read: permission denied" in result.stderr
    assert "4 imported" in result.stderr


def test_cancel_keeps_what_was_committed(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for n in range(60):
        text_file(folder / f"note-{n:03d}.txt", f"Note {n} about the blocking of X, day {n}.")
    cancel = CancelToken()

    def progress(p: Progress) -> None:
        if p.phase == "importing" and p.done >= 10:
            cancel.cancel()

    report = import_paths(archive, [folder], ImportOptions(workers=2), progress, cancel)
    assert report.status == "cancelled"
    committed = item_store.count_items(archive.db)
    assert 10 <= committed < 60
    assert committed == len(report.imported)
    assert runs.get_run(archive.db, report.run_id).status == "cancelled"
    assert verify(archive).ok
    searcher = Searcher(archive)
    assert searcher.search("blocking", limit=100).total == committed
    searcher.close()
    rest = run_import(archive, folder)  # a second import finishes the job
    assert len(rest.imported) == 60 - committed
    assert item_store.count_items(archive.db) == 60


def test_worker_processes_give_the_same_result(tmp_path: Path) -> None:
    folder = small_folder(tmp_path / "collected")
    results = []
    for workers in (0, 2):
        with Archive.create(tmp_path / f"w{workers}") as archive:
            report = import_paths(archive, [folder], ImportOptions(workers=workers))
            results.append(
                sorted((i.sha256, i.kind, i.title) for i in item_store.items(archive.db))
            )
            assert not report.failed
    assert results[0] == results[1]


def test_the_archive_itself_is_never_imported(tmp_path: Path) -> None:
    folder = small_folder(tmp_path / "collected")
    with Archive.create(folder / "inside.xarchive") as archive:
        report = run_import(archive, folder)
        assert all("inside.xarchive" not in o.path for o in report.outcomes)
        assert len(report.imported) == 4


def test_a_missing_path_is_reported(archive: Archive, tmp_path: Path) -> None:
    report = run_import(archive, tmp_path / "no-such-folder")
    assert [(o.status, o.reason) for o in report.outcomes] == [("failed", "does not exist")]


def test_a_full_disk_stops_the_import_and_loses_nothing(archive: Archive, tmp_path: Path) -> None:
    first = small_folder(tmp_path / "first")
    run_import(archive, first)
    before = sorted(i.sha256 for i in item_store.items(archive.db))
    # SQLite's own limit on the database's size stands in for a full disk: the
    # writes fail with the same SQLITE_FULL error.
    pages = archive.db.execute("PRAGMA page_count").fetchone()[0]
    archive.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    more = tmp_path / "more"
    for n in range(40):
        text_file(more / f"long-{n}.txt", f"Report {n}. " + "The block continued. " * 2000)
    with pytest.raises(ImportAborted, match="disk is full"):
        run_import(archive, more)
    archive.db.execute("PRAGMA max_page_count = 1073741823")
    assert sorted(i.sha256 for i in item_store.items(archive.db)) == before
    assert verify(archive).ok
    report = run_import(archive, more)  # with space again, the import completes
    assert len(report.imported) == 40 and not report.failed


def _grandchildren() -> list[int]:
    """Pids of our children's children: the import's worker processes (under the forkserver)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    children = {pid for pid, ppid in parents.items() if ppid == os.getpid()}
    return [pid for pid, ppid in parents.items() if ppid in children]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_worker_killed_midway_costs_no_file(archive: Archive, tmp_path: Path) -> None:
    """The kernel's out-of-memory killer or a crashing decoder takes a worker down."""
    import signal

    folder = tmp_path / "many"
    for n in range(80):
        html_article(folder / f"a-{n:03d}.html", f"Article {n}", "The block went on. " * 300)
    killed: list[int] = []

    def progress(p: Progress) -> None:
        if p.phase == "importing" and p.done >= 10 and not killed:
            workers = _grandchildren()
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])
                # The pool knows at once; the import only when it next looks: every
                # task it starts meanwhile must be retried too (a submit then raised)
                time.sleep(1.0)

    report = import_paths(archive, [folder], ImportOptions(workers=2), progress)
    assert killed, "no worker process was found to kill"
    assert report.status == "completed"
    assert not report.failed, report.failed
    assert len(report.imported) == 80
    assert verify(archive).ok


def test_the_state_of_many_files_is_read_as_file_by_file(archive: Archive, tmp_path: Path) -> None:
    """A re-import reads what it knows of every file a few hundred paths a query
    (runs.file_states); it must know what runs.file_state knows of each."""
    from xarchive.core.store import runs

    item_id = run_import(archive, small_folder(tmp_path / "collected")).imported[0].item_id
    assert item_id is not None

    odd = os.fsdecode(b"\xff")  # a name that is not UTF-8, kept with surrogateescape
    paths = [f"/collected/{n:04d}-{'é' if n % 7 else odd}.txt" for n in range(1203)]
    with archive.transaction():
        for n, path in enumerate(paths[:1100]):
            runs.set_file_state(archive.db, path, n, n * 1000, f"{n:064x}", item_id)
    asked = [*paths, "/collected/never-seen.txt"]
    states = runs.file_states(archive.db, asked)
    assert len(states) == 1100
    assert states == {p: s for p in asked if (s := runs.file_state(archive.db, p)) is not None}


def _notes(folder: Path, count: int) -> Path:
    """A folder of `count` short notes, each with a word of its own (word0, word1 …)."""
    folder.mkdir()
    for n in range(count):
        (folder / f"note{n:03}.txt").write_text(f"Note {n} on the hearing, word{n}.\n")
    return folder


def test_segments_merged_while_the_import_runs_keep_every_item_findable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small segments, merged in tiers as they pile up (writing.MERGE_FACTOR of them), and
    the segments committed since: the committer's list of them is kept, not read again
    at every batch, so it must follow each commit and each merge."""
    from xarchive.core.index import writing
    from xarchive.core.index.engine import SearchIndex
    from xarchive.core.ingest import batch, index_feed

    monkeypatch.setattr(batch, "BATCH_ITEMS", 4)  # a commit, and a segment, every 4 items
    monkeypatch.setattr(index_feed, "SEGMENT_ITEMS", 4)
    monkeypatch.setattr(writing, "MERGE_FACTOR", 3)
    folder = _notes(tmp_path / "notes", 90)
    with Archive.create(tmp_path / "case.xarchive") as archive:
        report = import_paths(archive, [folder], ImportOptions(workers=2))
        assert len(report.imported) == 90
        searcher = Searcher(archive)
        assert searcher.search("hearing", limit=1).total == 90
        assert all(searcher.search(f"word{n}", limit=1).total == 1 for n in range(90))
        segments = SearchIndex.segment_sizes(archive.root / "index")
    assert len(segments) <= 12  # merged in tiers of 3 (one a batch would be 21 or more)


def test_a_file_whose_name_and_content_disagree_is_imported_with_a_warning(
    archive: Archive, tmp_path: Path
) -> None:
    """Issue 12.11: a text file named fake.pdf came in silently as text."""
    folder = tmp_path / "in"
    text_file(folder / "fake.pdf", "This is not a PDF at all, only a note about the court.\n")
    png(folder / "photo.jpg", "A screenshot saved under the wrong name")
    text_file(folder / "note.txt", "A plain note about the court.\n")
    png(folder / "shot.png", "A screenshot")
    report = run_import(archive, folder)
    assert [o.status for o in report.outcomes] == ["imported"] * 4
    said = {Path(path).name: warning for path, warning in report.warnings}
    assert said["fake.pdf"] == (
        "‘fake.pdf’ is named as a PDF but holds text: it was imported as text, as its content says."
    )
    assert said["photo.jpg"].startswith("‘photo.jpg’ is named as a JPEG picture but holds a PNG")
    assert "note.txt" not in said and "shot.png" not in said
    kinds = {i.original_name: i.kind for i in item_store.items(archive.db)}
    assert kinds["fake.pdf"] == "text" and kinds["photo.jpg"] == "image"


def test_a_commit_asks_after_the_files_in_flight_not_every_file_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items are committed in the scan's order, so a commit waits for the earliest file
    still being read. It asked after every file not yet read, at every turn of the
    import's loop: quadratic in the folder's size (a third of the main process's time at
    100 000 items). The files it is told of at each turn stay few, however many are left."""
    from xarchive.core.ingest import batch

    asked: list[int] = []
    flush = batch.Batch.flush

    def counting(self: batch.Batch, force: bool = False, final: bool = False) -> None:
        asked.append(sum(1 for _ in self.unfinished()))
        flush(self, force, final)

    monkeypatch.setattr(batch.Batch, "flush", counting)
    folder = _notes(tmp_path / "notes", 300)
    with Archive.create(tmp_path / "case.xarchive") as archive:
        report = import_paths(archive, [folder], ImportOptions(workers=1))
        assert len(report.imported) == 300
        numbers = [o.item_id for o in sorted(report.imported, key=lambda o: o.path)]
    assert numbers == sorted(numbers)  # still committed in the scan's order
    assert max(asked) <= 20  # the files in flight (8 a worker) and the next one


def test_the_last_files_are_read_largest_first_and_numbered_in_the_scans_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last files are handed to the workers largest first (none is left alone with the
    longest at the end); their items still take the numbers of the scan's order, however
    often a batch is committed."""
    from xarchive.core.ingest import batch

    monkeypatch.setattr(batch, "BATCH_SECONDS", 0.0)  # a commit at every turn
    folder = tmp_path / "growing"
    folder.mkdir()
    for n in range(40):  # sizes out of the scan's order
        padding = "The hearing. " * 20 * ((n * 7) % 40)
        (folder / f"note{n:02}.txt").write_text(f"Note {n}, word{n}. {padding}")
    with Archive.create(tmp_path / "case.xarchive") as archive:
        report = import_paths(archive, [folder], ImportOptions(workers=2))
        assert len(report.imported) == 40
        numbers = [o.item_id for o in sorted(report.imported, key=lambda o: o.path)]
        assert numbers == sorted(numbers)
        searcher = Searcher(archive)
        for n in range(40):
            found = [h.item.original_name for h in searcher.search(f"word{n}").hits]
            assert found == [f"note{n:02}.txt"]
        searcher.close()


@pytest.mark.parametrize("workers", [0, 1])
def test_files_of_one_name_in_many_folders_are_each_read_as_themselves(
    archive: Archive, tmp_path: Path, workers: int
) -> None:
    """A worker reads each file under its own name, through one folder of views for
    all its files (ingest/worker.py): six files named alike, read one after the other by
    the same process, each come in with its own text, and nothing stays in staging."""
    folder = tmp_path / "collected"
    for number in range(6):
        text_file(folder / f"copy-{number}" / "statement.txt", f"Statement number {number}.")
    report = import_paths(archive, [folder], ImportOptions(workers=workers))
    assert report.status == "completed" and len(report.imported) == 6 and not report.failed
    texts = sorted(
        item_store.pages(archive.db, item.id)[0].text for item in item_store.items(archive.db)
    )
    assert texts == [f"Statement number {n}." for n in range(6)]
    assert {item.original_name for item in item_store.items(archive.db)} == {"statement.txt"}
    staging = blobs.staging_dir(archive.blobs_dir)
    assert not staging.exists() or not any(staging.rglob("*"))
