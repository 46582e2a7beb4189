"""Killing the app right after an annotation edit loses nothing: every edit is committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from xarchive.core.archive import Archive
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from xarchive.gui import app as gui_app
    from xarchive.gui import settings as cfg
    from xarchive.core.importing import ImportOptions
    from xarchive.gui.main_window import MainWindow

    qapp = gui_app.create_app()
    window = MainWindow(cfg.UserSettings(Path(sys.argv[2])), ImportOptions(workers=0))
    assert window.open_archive(Path(sys.argv[1]))
    window.show()
    controller = window.annotate.controller
    controller.run("note", lambda notes: notes.add_note(3, "Kill-proof note about the ministry"))
    controller.run("tag", lambda notes: notes.tag(3, "killtest"))
    controller.run("link", lambda notes: notes.link(3, "contradicts", 7, "killed right after"))
    print("EDITED", flush=True)
    while True:  # the window stays open, as after a click; the test kills it now
        qapp.processEvents()
        time.sleep(0.01)
    """
)


def test_sigkill_right_after_an_edit_loses_nothing(archive_copy: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(archive_copy), str(tmp_path / "settings.ini")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "EDITED", child.stderr.read() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(10)
    assert child.returncode == -signal.SIGKILL

    with Archive.open(archive_copy) as archive:  # opens: the lock died with the process
        item = item_store.get_item(archive.db, 3)
        notes = archive.db.execute(
            "SELECT note FROM annotations WHERE item_id = ? AND kind = 'note'", (3,)
        ).fetchall()
        assert ("Kill-proof note about the ministry",) in [tuple(n) for n in notes]
        tags = archive.db.execute(
            "SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id WHERE it.item_id = 3"
        ).fetchall()
        assert ("killtest",) in [tuple(t) for t in tags]
        links = archive.db.execute(
            "SELECT relation, note FROM links WHERE source_id = 3 AND target_id = 7"
        ).fetchall()
        assert ("contradicts", "killed right after") in [tuple(r) for r in links]
        searcher = Searcher(archive)
        try:
            hits = searcher.search('note:"kill-proof" tag:killtest').hits
            assert [h.item.id for h in hits] == [item.id]  # in the index too, at once
        finally:
            searcher.close()
