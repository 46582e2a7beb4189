"""Hostile inputs, tried as an adversary would (issue 11): names, links, full disks."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli import xarchive, xarchive_process
from tests.conftest import REPO, run_import
from tests.makefiles import text_file
from xarchive.core.archive import Archive
from xarchive.core.importing import ImportOptions, import_paths
from xarchive.core.names import shown, storable
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store
from xarchive.core.store import runs
from xarchive.core.verify import verify

BAD = os.fsdecode(b"report-\xff\xfe.txt")  # Latin-1 bytes from an old USB stick


# -- 1. names that are not UTF-8 --------------------------------------------------


@pytest.mark.parametrize("workers", [0, 1])
def test_a_name_that_is_not_utf8_is_imported_with_its_bytes_kept(
    archive: Archive, tmp_path: Path, workers: int
) -> None:
    folder = tmp_path / "usb"
    text_file(folder / "good.txt", "The order was served on 17 February.")
    text_file(folder / BAD, "Blocked since the election night.")
    report = run_import(archive, folder, workers=workers)
    assert report.status == "completed" and not report.failed, report.failed
    assert len(report.imported) == 2
    item = next(i for i in item_store.items(archive.db) if i.original_name != "good.txt")
    assert item.original_name == "report-\\xff\\xfe.txt"  # shown, valid UTF-8
    assert bytes.fromhex(item.extra["original_path_bytes"]) == os.fsencode(folder / BAD)
    assert item_store.sources(archive.db, item.id)[0].path.endswith("report-\\xff\\xfe.txt")
    assert "election" in item_store.pages(archive.db, item.id)[0].text
    assert verify(archive).ok
    again = run_import(archive, folder, workers=workers)  # and it is known the next time
    assert len(again.skipped) == 2 and not again.imported


def test_a_name_that_is_not_utf8_imports_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    text_file(folder / "good.txt", "good")
    text_file(folder / BAD, "bad name, good text")
    root = tmp_path / "a.xarchive"
    # A real process: the name reaches it as bytes in argv, as from the user's terminal.
    done = xarchive_process(
        "import", str(folder), "--archive", str(root), "--create", "--no-ocr", "-v"
    )
    assert done.returncode == 0, done.stderr
    assert "2 imported" in done.stderr and "report-\\xff\\xfe.txt" in done.stderr
    done = xarchive("import", str(folder), "--archive", str(root), "--no-ocr", "--json")
    assert done.returncode == 0, done.stderr


def test_a_failure_in_a_folder_with_such_a_name_is_recorded(
    archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / os.fsdecode(b"d\xe9p\xf4t")
    (folder).mkdir()
    (folder / "empty.pdf").write_bytes(b"%PDF-1.4\n")  # damaged: reported, not fatal
    text_file(folder / "fine.txt", "fine")
    report = run_import(archive, folder)
    assert len(report.imported) == 1 and len(report.failed) == 1
    (path, reason) = runs.run_errors(archive.db, report.run_id)[0]
    assert "d\\xe9p\\xf4t" in path and reason


def test_storable_and_shown() -> None:
    assert storable("plain ناموں.txt") == "plain ناموں.txt"
    assert storable(BAD) == "report-\\xff\\xfe.txt"
    assert shown("a\nb\r\x1b[31mc\u202etxt.exe") == "a\\nb\\r\\x1b[31mc\\u202etxt.exe"
    assert shown("می\u200cخواهم") == "می\u200cخواهم"  # the joiner Persian and Urdu need


# -- 6. control characters in names -------------------------------------------------


def test_a_newline_in_a_name_cannot_forge_a_line_of_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    text_file(folder / "real.txt", "real")
    text_file(folder / "x.txt\n  imported  #99 forged.txt", "forged")
    text_file(folder / "\x1b[2Jclear.txt", "escape")
    root = tmp_path / "a.xarchive"
    done = xarchive("import", str(folder), "--archive", str(root), "--create", "--no-ocr", "-v")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("Import finished: 3 imported")
    assert len(lines) == 4, lines  # the summary and one line per file
    assert not any(line.lstrip().startswith("imported  #99") for line in lines)
    assert "\x1b" not in done.stderr and "\\x1b[2Jclear.txt" in done.stderr
    shows = "".join(xarchive("show", n, "--archive", str(root)).stdout for n in "123")
    assert "x.txt\\n  imported  #99" in shows and "\x1b" not in shows
    with Archive.open(root, readonly=True) as archive:  # stored as it is, searchable
        names = {i.original_name for i in item_store.items(archive.db)}
        assert "x.txt\n  imported  #99 forged.txt" in names
        searcher = Searcher(archive)
        try:
            assert searcher.search("forged").total == 1
        finally:
            searcher.close()


# -- 2. workers die with the import ---------------------------------------------------


def _session(sid: int) -> list[str]:
    """The live processes of a session (a killed import's orphans keep its session id)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(f"{entry.name} {command[:100]}")
    return found


def _kill_and_reap(process: subprocess.Popen[Any]) -> list[str]:
    """SIGKILL `process` (unless it ended first) and give the other processes of its
    session 2 s to go with it; kill those left, and return them (none if all went)."""
    import signal
    import time

    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    until = time.monotonic() + 2.0
    while _session(process.pid) and time.monotonic() < until:
        time.sleep(0.05)
    left = _session(process.pid)
    for line in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(line.split()[0]), signal.SIGKILL)
    return left


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_no_process_of_a_killed_import_survives(tmp_path: Path) -> None:
    """SIGKILL at random moments of a real `xarchive import` with its worker pool."""
    import random
    import time

    folder = tmp_path / "many"
    # enough that the import outlasts every kill's moment (60 files took under 2 s once
    # the import got quicker, and no kill came while the workers ran)
    for n in range(400):
        html = f"<html><head><title>Article {n}</title></head><body><p>{'The ban. ' * 400}</p>"
        text_file(folder / f"a-{n:03d}.html", html)
    kills = int(os.environ.get("XARCHIVE_TEST_KILLS", "4"))  # the 20 from one variable
    rng = random.Random(11)
    with_workers = 0
    for n in range(kills):
        archive = str(tmp_path / f"a{n}.xarchive")
        command = [sys.executable, "-m", "xarchive", "import", str(folder), "--create",
                   "--archive", archive, "--no-ocr", "--workers", "2"]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + rng.uniform(0.3, 2.5)
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        with_workers += len(_session(process.pid)) > 2
        left = _kill_and_reap(process)  # if it finished first, still nothing may be left
        assert not left, f"kill {n}: {left}"
    assert with_workers, "no kill came while the workers ran"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_no_process_of_a_killed_reindex_survives(tmp_path: Path) -> None:
    """A rebuild of the index writes segments in workers of its own: killed, they go too."""
    import time

    folder = tmp_path / "notes"
    for n in range(300):
        text_file(folder / f"{n:03d}.txt", f"note {n} " + "the block went on " * 400)
    root = tmp_path / "a.xarchive"
    with Archive.create(root) as archive:
        run_import(archive, folder)
    rebuild = (
        "import sys; import xarchive.core.indexing as i; from xarchive.core.archive import "
        "Archive; i.REINDEX_SEGMENT = 10; i.REINDEX_WORKERS = 2; "
        "i.reindex(Archive.open(sys.argv[1]))"
    )
    process = subprocess.Popen([sys.executable, "-c", rebuild, str(root)], cwd=REPO,
                               start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(_session(process.pid)) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)  # the fork server and its workers are up
    seen = _session(process.pid)
    left = _kill_and_reap(process)
    assert len(seen) >= 4, "the rebuild ended before its workers were seen"
    assert not left


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_no_process_of_a_killed_app_survives(tmp_path: Path) -> None:
    """The real app (offscreen) killed while its import's workers run: they go with it."""
    import time

    folder = tmp_path / "many"
    for n in range(300):
        text_file(folder / f"{n:03d}.txt", f"note {n} " + "the block went on " * 400)
    root = tmp_path / "a.xarchive"
    Archive.create(root).close()
    app = (
        "import sys; from pathlib import Path; from PySide6.QtCore import QTimer; "
        "from xarchive.gui import app; a = app.create_app(); w = app.start([sys.argv[1]]); "
        "QTimer.singleShot(200, lambda: w.start_import([Path(sys.argv[2])])); a.exec()"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-c", app, str(root), str(folder)], cwd=REPO, env=env,
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def forked(found: list[str]) -> int:
        # the fork server and the workers forked from it (its command line); a program
        # the server runs meanwhile (tesseract asked what it can do, a few milliseconds)
        # is not a worker: counted as one, the app was killed before its workers started
        return sum("multiprocessing.forkserver" in line for line in found)

    deadline = time.monotonic() + 120
    while forked(_session(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the app, the fork server and a worker at least are up
    seen = _session(process.pid)
    left = _kill_and_reap(process)
    assert forked(seen) >= 2, f"the import's workers were never seen: {seen}"
    assert not left


@contextlib.contextmanager
def _as_from_a_terminal() -> Iterator[None]:
    """Ctrl+C (SIGINT) handled, not ignored, for the processes started meanwhile, as a
    terminal's shell leaves it for the command it runs. A test run started in the
    background by a script has it ignored, and the import it starts inherited that:
    a Ctrl+C before the CLI sets its own handler was then ignored, which no user at a
    terminal sees."""
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # SIG_DFL after exec
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("moment", ["started", "importing"])
def test_ctrl_c_while_the_fork_server_starts_cancels_the_import(
    tmp_path: Path, moment: str
) -> None:
    """Ctrl+C reaches every process of the terminal's group. The fork server, still
    importing what the workers need (seconds on a busy machine), died of it with a
    traceback, and the import ended with 'unexpected error (EOFError …)'. It now
    ignores the signal from its first instruction, and the import says it was cancelled
    (or interrupted, before its cancel is set up), whether the Ctrl+C comes the moment
    the server is seen ('started': when the import's process ignored Ctrl+C while it
    started the server, a Ctrl+C then was lost and the import went on to the end) or
    well into its imports ('importing': numpy, the index writer's, loaded). Until it
    has imported everything it forks no worker: a server without workers is starting."""
    import signal
    import time

    folder = tmp_path / "notes"
    for n in range(40):
        text_file(folder / f"{n:03d}.txt", f"note {n}")

    def starting(process: subprocess.Popen[str]) -> bool:
        servers = [line for line in _session(process.pid) if "forkserver" in line]
        if len(servers) != 1:  # none yet, or workers (forked from it) already
            return False
        if moment == "started":
            return True
        with contextlib.suppress(OSError):
            maps = Path(f"/proc/{servers[0].split()[0]}/maps").read_text()
            return "_multiarray_umath" in maps
        return False

    # The window is a fraction of a second; on a loaded machine the polling can miss
    # it (the import then simply finishes). Such a run proves nothing: try again, and
    # fail only if the window was never caught.
    for attempt in range(4):
        command = [sys.executable, "-m", "xarchive", "import", str(folder), "--create",
                   "--archive", str(tmp_path / f"a{attempt}.xarchive"), "--no-ocr",
                   "--workers", "2"]  # fmt: skip
        with _as_from_a_terminal():
            process = subprocess.Popen(
                command, cwd=REPO, start_new_session=True, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        caught = False
        while process.poll() is None and time.monotonic() < deadline:
            if starting(process):
                caught = True
                break
            time.sleep(0.002)
        if caught:
            break
        process.communicate(timeout=60)
    assert caught, f"the fork server was never caught starting ({moment}) in four imports"
    os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl+C
    out, err = process.communicate(timeout=60)
    assert "unexpected error" not in err and "Traceback" not in err, err
    assert process.returncode in (0, 130), err
    assert "cancelled" in err or "interrupted" in err, err
    gone = time.monotonic() + 10  # the server dies with the import: not always at once
    while _session(process.pid) and time.monotonic() < gone:
        time.sleep(0.05)
    assert not _session(process.pid)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_the_moment_the_fork_server_starts_is_heard_and_cannot_kill_it() -> None:
    """The moment the fork server has started, deterministically: a Ctrl+C then reaches
    the process that started it (which ignored it while it started the server, so it
    was lost), and the server has it blocked from its first instruction, then ignored
    (not blocked: its workers and their programs start as before)."""
    script = """
import os, signal, sys, time
from multiprocessing import forkserver
from xarchive.core import lifeline

def _server_status(pid):  # SIGINT (blocked, ignored) in the process pid
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status").read().splitlines())
    bit = 1 << (signal.SIGINT - 1)
    return bool(int(fields["SigBlk"], 16) & bit), bool(int(fields["SigIgn"], 16) & bit)

started = forkserver.ensure_running

def ctrl_c_at_once():
    started()
    print("at once", *_server_status(forkserver._forkserver._forkserver_pid), flush=True)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.5)

forkserver.ensure_running = ctrl_c_at_once
forkserver.set_forkserver_preload(["xarchive.core.lifeline"])
try:
    lifeline.start_fork_server()
    time.sleep(2)
    print("not heard")
except KeyboardInterrupt:
    print("heard")
deadline = time.monotonic() + 30
pid = forkserver._forkserver._forkserver_pid
while _server_status(pid) != (False, True) and time.monotonic() < deadline:
    time.sleep(0.01)
print("later", *_server_status(pid))
"""
    with _as_from_a_terminal():
        done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                              text=True, timeout=120)  # fmt: skip
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert lines[0].startswith("at once") and "True" in lines[0].split()[2:], lines
    # (blocked or ignored: the server cannot be killed by it at any moment)
    assert lines[1] == "heard", lines
    assert lines[2] == "later False True", lines  # ignored, no longer blocked


# -- 10. item numbers follow the paths ---------------------------------------------------


def test_item_numbers_follow_the_sorted_paths_whatever_the_workers_do(tmp_path: Path) -> None:
    from tests.makefiles import html_article, png

    folder = tmp_path / "collected"
    for n in range(24):  # slow and fast files mixed, so that workers finish out of order
        if n % 3 == 0:
            html_article(folder / f"{n:02d}-article.html", f"Article {n}", "The ban. " * 3000)
        elif n % 3 == 1:
            png(folder / "shots" / f"{n:02d}.png", size=(640 + n, 200))
        else:
            text_file(folder / f"{n:02d}-note.txt", f"note {n}")
    numbers = []
    for attempt in range(2):
        with Archive.create(tmp_path / f"a{attempt}.xarchive") as archive:
            import_paths(archive, [folder], ImportOptions(workers=2, ocr=False))
            rows = archive.db.execute("SELECT id, original_path FROM items ORDER BY id")
            numbers.append([(int(i), str(p)) for i, p in rows])
    assert numbers[0] == numbers[1]
    from xarchive.core.importing import scan

    scanned = [str(c.path) for c in scan([folder])]
    assert [p for _, p in numbers[0]] == scanned and len(scanned) == 24


# -- 3. symbolic links out of the folder ----------------------------------------------


def test_links_out_of_the_folder_are_not_followed_and_are_reported(
    archive: Archive, tmp_path: Path
) -> None:
    private = text_file(tmp_path / "home" / "secret.txt", "the researcher's own password")
    text_file(tmp_path / "home" / "keys" / "id.txt", "a private key")
    folder = tmp_path / "unpacked"
    text_file(folder / "post.txt", "A post about the ban.")
    text_file(folder / "inner" / "kept.txt", "inside the folder")
    (folder / "shadow.txt").symlink_to(private)
    (folder / "keys").symlink_to(tmp_path / "home" / "keys")
    (folder / "up").symlink_to("..")
    (folder / "also-kept.txt").symlink_to("inner/kept.txt")  # stays inside: followed
    report = run_import(archive, folder)
    assert report.status == "completed" and not report.failed
    names = {Path(o.path).name for o in report.links_not_followed}
    assert names == {"shadow.txt", "keys", "up"}
    shadow = next(o for o in report.links_not_followed if o.path.endswith("shadow.txt"))
    assert str(private) in shadow.reason and "--follow-links" in shadow.reason
    texts = [
        p.text for i in item_store.items(archive.db) for p in item_store.pages(archive.db, i.id)
    ]
    assert not any("password" in t or "private key" in t for t in texts)
    assert sum("inside the folder" in t for t in texts) == 1  # the link inside: one item

    with Archive.create(tmp_path / "b.xarchive") as other:
        followed = import_paths(other, [folder], ImportOptions(workers=0, follow_links=True))
        assert not followed.links_not_followed
        texts = [
            p.text for i in item_store.items(other.db) for p in item_store.pages(other.db, i.id)
        ]
        assert any("password" in t for t in texts)


def test_a_link_given_itself_is_followed(archive: Archive, tmp_path: Path) -> None:
    target = text_file(tmp_path / "elsewhere" / "order.txt", "The court's order.")
    link = tmp_path / "order-link.txt"
    link.symlink_to(target)
    report = run_import(archive, link)
    assert len(report.imported) == 1


def test_the_command_line_lists_the_links_it_did_not_follow(tmp_path: Path) -> None:
    folder = tmp_path / "unpacked"
    text_file(folder / "post.txt", "A post.")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    done = xarchive(
        "import", str(folder), "--archive", str(tmp_path / "a.xarchive"), "--create", "--no-ocr"
    )
    assert done.returncode == 0, done.stderr
    assert "1 imported, 1 skipped" in done.stderr
    assert "Not followed:" in done.stderr and "passwd.txt" in done.stderr


# -- 7. a full disk -------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 3 MB file system (tmpfs), to be filled: needs root, as the tests' machines run."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)],
                             capture_output=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr!r}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _words(seed: int, count: int) -> str:
    import random

    rng = random.Random(seed)  # a vocabulary of a few hundred words, as in real reports
    return " ".join(f"block{rng.randrange(400)}" for _ in range(count))


def test_a_full_disk_stops_the_import_clearly_and_leaves_no_stray_file(
    small_disk: Path, tmp_path: Path
) -> None:
    import time

    folder = tmp_path / "collected"
    for n in range(24):
        text_file(folder / f"report-{n:02d}.txt", f"report{n} " + _words(n, 16000))
    root = small_disk / "case.xarchive"
    # Its output to a file, in a session of its own: what is left of it can be counted.
    with (tmp_path / "stderr.txt").open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "xarchive", "import", str(folder), "--archive", str(root),
             "--create", "--no-ocr"],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
        )  # fmt: skip
        assert process.wait(timeout=120) == 1
    done = subprocess.CompletedProcess([], 1, "", (tmp_path / "stderr.txt").read_text())
    message = done.stderr.strip().splitlines()[-1]
    assert message.startswith("xarchive: error: The disk is full: the import stopped at ‘report-")
    assert "free on the archive's disk" in message and "safe (import run #1)" in message
    assert "Free about" in message and "import again" in message
    assert "Traceback" not in done.stderr and "No space left" not in done.stderr
    assert not (root / "blobs" / ".tmp").exists()
    until = time.monotonic() + 2.0  # its workers go with it
    while _session(process.pid) and time.monotonic() < until:
        time.sleep(0.05)
    left = [f"{line} {Path(f'/proc/{line.split()[0]}/status').read_text()[:200]!r}"
            for line in _session(process.pid)]  # fmt: skip
    assert not left, f"processes of the stopped import still run: {left}"
    with Archive.open(root) as archive:
        kept = item_store.count_items(archive.db)
        assert f"{kept} file{'s were' if kept != 1 else ' was'} imported" in message
        check = verify(archive)
        assert check.ok and not check.unreferenced  # every blob left is an item's
        assert archive.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    with Archive.open(root) as archive:  # with room again, the rest goes in
        report = run_import(archive, folder)
        assert report.status == "completed" and not report.failed
        assert item_store.count_items(archive.db) == 24
        assert len(report.skipped) == kept
        searcher = Searcher(archive)
        try:
            assert searcher.search("report23").total == 1
        finally:
            searcher.close()


# -- 8. the chain of custody ------------------------------------------------------------


@pytest.fixture
def sealed(tmp_path: Path) -> Path:
    """An archive with items and a note, closed: what a forger finds on the disk."""
    from xarchive.core.annotate import Annotations

    folder = tmp_path / "collected"
    text_file(folder / "order.txt", "The ministry ordered the block on national security grounds.")
    text_file(folder / "ruling.txt", "The court found no order in writing.")
    root = tmp_path / "case.xarchive"
    with Archive.create(root) as archive:
        run_import(archive, folder)
        Annotations(archive).add_note(1, "an admission")
        assert verify(archive).ok
    return root


def _forge(root: Path, *statements: str) -> None:
    """Change archive.sqlite as another program would: the sqlite3 module, no xarchive."""
    import sqlite3

    conn = sqlite3.connect(root / "archive.sqlite")
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _custody_problems(root: Path) -> list[str]:
    with Archive.open(root, readonly=True) as archive:
        report = verify(archive)
        assert report.custody is not None
        assert not report.ok
        return report.custody.problems


def test_the_chain_holds_for_what_xarchive_did(sealed: Path) -> None:
    done = xarchive("verify", "--archive", str(sealed))
    assert done.returncode == 0, done.stdout
    assert "The chain of custody holds" in done.stdout
    with Archive.open(sealed, readonly=True) as archive:
        rows = archive.db.execute("SELECT prev_hash, hash FROM audit_log ORDER BY id").fetchall()
        assert rows[0][0] == "" and all(h for _, h in rows)
        assert all(rows[n][0] == rows[n - 1][1] for n in range(1, len(rows)))


def test_a_word_changed_in_an_items_text_is_named_even_after_a_reindex(sealed: Path) -> None:
    _forge(sealed, "UPDATE pages SET text = replace(text, 'national security', 'public "
           "order') WHERE text LIKE '%national security%'")  # fmt: skip
    (problem,) = _custody_problems(sealed)
    assert problem.startswith("item #") and "(‘The ministry ordered" in problem
    assert "): its text changed outside xarchive since it was sealed (audit entry #" in problem
    assert xarchive("reindex", "--archive", str(sealed)).returncode == 0
    done = xarchive("verify", "--archive", str(sealed))
    assert done.returncode == 1
    assert "TAMPERED  item #" in done.stdout and "its text changed" in done.stdout
    assert "The chain of custody is broken: 1 problem in archive.sqlite" in done.stdout


def test_changed_metadata_and_notes_are_named(sealed: Path) -> None:
    _forge(sealed, "UPDATE items SET published_at = '2023-01-01' WHERE id = 2",
           "UPDATE annotations SET note = 'no admission' WHERE id = 1")  # fmt: skip
    problems = _custody_problems(sealed)
    assert any(p.startswith("item #2 (") and "): its metadata changed" in p for p in problems)
    assert any(p.startswith("annotation #1: it was changed outside xarchive") for p in problems)


def test_rows_added_or_deleted_behind_xarchives_back_are_named(sealed: Path) -> None:
    _forge(sealed, "DELETE FROM annotations WHERE id = 1",
           "INSERT INTO tags (name, key, creator, created_at, modified_at) "
           "VALUES ('forged', 'forged', 'x', 'now', 'now')")  # fmt: skip
    problems = _custody_problems(sealed)
    assert any("annotation #1 (sealed in audit entry" in p and "deleted outside" in p
               for p in problems)  # fmt: skip
    assert any(p.startswith("tag #1 is in the database but was never recorded") for p in problems)


def test_a_rewritten_or_deleted_audit_entry_is_named(sealed: Path) -> None:
    _forge(sealed, "UPDATE audit_log SET user_name = 'someone else', at = '2020-01-01' "
           "WHERE id = 2")  # fmt: skip
    assert any("audit entry #2" in p and "was rewritten" in p for p in _custody_problems(sealed))
    _forge(sealed, "DELETE FROM audit_log WHERE id = 2")
    assert any("audit entry #3" in p and "not chained" in p for p in _custody_problems(sealed))


def test_a_consistently_rewritten_chain_is_caught_by_its_head(sealed: Path) -> None:
    """A forger who edits a text and appends a seal that matches it, chained properly."""
    import json
    import sqlite3

    from xarchive.core.store import custody

    _forge(sealed, "UPDATE pages SET text = 'nothing was ordered' WHERE item_id = 1")
    conn = sqlite3.connect(sealed / "archive.sqlite", isolation_level=None)
    seal = dict(custody.row_seals(conn, "items", [1]))[1]
    conn.execute("BEGIN")
    custody.append(conn, "2026-01-01T00:00:00+00:00", "root", "custody.seal",
                   json.dumps({"v": 1, "rows": {"items": {"1": seal}}}))  # fmt: skip
    conn.execute("COMMIT")
    conn.close()
    (problem,) = _custody_problems(sealed)
    assert "goes on after the head recorded in custody-head.txt" in problem
    (sealed / "custody-head.txt").unlink()
    assert any("custody-head.txt" in p and "missing" in p for p in _custody_problems(sealed))


def test_an_archive_of_an_earlier_version_gets_its_chain_started(sealed: Path) -> None:
    _forge(sealed, "DELETE FROM audit_log WHERE action LIKE 'custody.%'",
           "ALTER TABLE audit_log DROP COLUMN hash", "ALTER TABLE audit_log DROP COLUMN prev_hash",
           "DELETE FROM schema_migrations WHERE version >= 7",
           "PRAGMA user_version = 6")  # fmt: skip
    (sealed / "custody-head.txt").unlink()
    with Archive.open(sealed) as archive:  # the migration
        (note,) = archive.db.execute(
            "SELECT detail FROM audit_log WHERE action = 'custody.start'"
        ).fetchone()
        assert "earlier version of xarchive" in note and "cannot be checked" in note
        assert verify(archive).ok
    _forge(sealed, "UPDATE pages SET text = 'forged' WHERE item_id = 2")
    assert any(p.startswith("item #2") for p in _custody_problems(sealed))


# -- signed bundles, the chain's head in them, and a bundle imported twice ------------


@pytest.fixture
def bundle(sealed: Path, tmp_path: Path) -> Path:
    from xarchive.core.bundles import ExportOptions, export_bundle, select_items

    out = tmp_path / "out" / "bundle"
    out.parent.mkdir()
    with Archive.open(sealed) as archive:
        archive.set_setting("user_name", "Researcher A")
        export_bundle(archive, select_items(archive, query="*"), out, ExportOptions(zipped=False))
    return out


def test_a_bundle_is_signed_and_carries_the_chains_head(bundle: Path, sealed: Path) -> None:
    import bagit

    from xarchive.core.bundles import verify_bundle
    from xarchive.core.signing import load_key

    assert bagit.Bag(str(bundle)).is_valid()  # the signature is one more tag file
    check = verify_bundle(bundle)
    assert check.ok and check.signature.status == "valid"
    key = load_key(create=False)
    assert key is not None and check.signature.fingerprint == key.fingerprint
    info = dict(check.info)
    assert info["X-Xarchive-Signer-Key"] == key.fingerprint
    number, hashed = info["X-Xarchive-Custody-Head"].split()
    with Archive.open(sealed, readonly=True) as archive:
        row = archive.db.execute("SELECT hash FROM audit_log WHERE id = ?", (int(number),))
        assert row.fetchone()[0] == hashed
    done = xarchive("verify-bundle", str(bundle))
    assert "Signature: signed by Researcher A (key SHA256:" in done.stdout
    assert "the signature holds" in done.stdout


def test_the_signing_key_is_read_back_as_written_and_another_kind_is_refused() -> None:
    """The key file is read from its 32 bytes (not through cryptography's reader of every
    format): the same key as that reader gives; a key of another kind still refused."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

    from xarchive.core.signing import key_path, load_key

    made = load_key()
    assert made is not None
    read = load_key(create=False)
    assert read is not None and read.public == made.public
    reference = serialization.load_pem_private_key(key_path().read_bytes(), password=None)
    assert read.private.private_bytes_raw() == reference.private_bytes_raw()  # type: ignore[attr-defined]
    assert read.fingerprint == made.fingerprint
    other = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    key_path().write_bytes(other)
    with pytest.raises(ValueError, match="does not hold an Ed25519 key"):
        load_key(create=False)
    key_path().unlink()


def test_a_bag_altered_and_its_manifests_made_again_is_named(bundle: Path) -> None:
    import bagit

    from xarchive.core.bundles import verify_bundle

    items = sorted((bundle / "data" / "items").iterdir())
    items[0].write_bytes(items[0].read_bytes().replace(b"order", b"ORDER"))
    bagit.Bag(str(bundle)).save(manifests=True)  # a forger's tool makes every manifest again
    check = verify_bundle(bundle)
    assert check.signature.status == "invalid" and not check.ok
    assert any("signature does not hold" in p and "was changed after the bag was signed" in p
               for p in check.problems())  # fmt: skip


def test_importing_a_bundle_twice_adds_no_provenance_twice(bundle: Path, tmp_path: Path) -> None:
    from xarchive.core.bundles import import_bundle

    with Archive.create(tmp_path / "other.xarchive") as other:
        first = import_bundle(other, bundle)
        assert "signed by Researcher A" in first.signature
        count = other.db.execute("SELECT count(*) FROM item_sources").fetchone()[0]
        import_bundle(other, bundle)
        assert other.db.execute("SELECT count(*) FROM item_sources").fetchone()[0] == count
        (detail,) = other.db.execute(
            "SELECT detail FROM audit_log WHERE action = 'bundle.import' LIMIT 1"
        ).fetchone()
        assert "Researcher A" in detail and "SHA256:" in detail
        assert verify(other).ok


# -- 9. offline from the first line -----------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_no_process_makes_an_internet_socket(tmp_path: Path) -> None:
    """Every process of the import, search, bundle and app paths, under strace -f."""
    from tests.makefiles import html_article

    folder = tmp_path / "collected"
    html_article(folder / "ban.html", "Ministry confirms the ban", "National security.")
    text_file(folder / "note.txt", "A note on the block.")
    root, bundle = str(tmp_path / "a.xarchive"), str(tmp_path / "b.zip")
    app = (
        "import sys; from PySide6.QtCore import QTimer; from xarchive.gui import app; "
        "a = app.create_app(); w = app.start([sys.argv[1]]); QTimer.singleShot(1500, a.quit); "
        "a.exec()"
    )
    runs = [
        ["-m", "xarchive", "import", str(folder), "--archive", root, "--create", "--workers", "2"],
        ["-m", "xarchive", "search", "ban", "--archive", root],
        ["-m", "xarchive", "export", "*", "--out", bundle, "--archive", root],
        ["-m", "xarchive", "verify-bundle", bundle],
        ["-m", "xarchive", "import-bundle", bundle, "--archive", str(tmp_path / "c.xarchive")],
        ["-c", app, root],
    ]
    Archive.create(tmp_path / "c.xarchive").close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for n, args in enumerate(runs):
        log = tmp_path / f"strace-{n}.log"
        done = subprocess.run(
            ["strace", "-f", "-qq", "-e", "trace=socket", "-o", str(log), sys.executable, *args],
            cwd=REPO, capture_output=True, text=True, timeout=240, env=env,
        )  # fmt: skip
        assert done.returncode == 0, (args, done.stderr[-2000:])
        made = [line for line in log.read_text().splitlines() if "AF_INET" in line]
        assert not made, (args, made)


def test_a_bundle_vouches_for_the_archives_chain_up_to_its_export(
    bundle: Path, sealed: Path
) -> None:
    done = xarchive("verify-bundle", str(bundle), "--against", str(sealed))
    assert done.returncode == 0 and "its audit log was not rewritten" in done.stdout
    info = dict(line.split(": ", 1) for line in (bundle / "bag-info.txt").read_text().splitlines())
    number = int(info["X-Xarchive-Custody-Head"].split()[0])
    # A forger rewrites the chain from that entry on, consistently, head file and all.
    _forge(sealed, f"UPDATE audit_log SET at = '2020-01-01T00:00:00+00:00' WHERE id = {number}")
    done = xarchive("verify-bundle", str(bundle), "--against", str(sealed))
    assert done.returncode != 0 and "does NOT hold the entry" in done.stdout
