"""Offline is a promise: nothing in xarchive opens a network connection, ever."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.makefiles import html_article
from xarchive.core.errors import NetworkForbidden


def test_internet_sockets_are_refused_in_process() -> None:
    # conftest.py called forbid_network(), exactly as the CLI and the app do at start
    with pytest.raises(NetworkForbidden):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(NetworkForbidden):
        socket.getaddrinfo("example.org", 443)
    a, b = socket.socketpair()  # local sockets stay usable (Qt and multiprocessing need them)
    a.close()
    b.close()


def test_importing_and_searching_try_no_connection(tmp_path: Path) -> None:
    """A whole CLI session, watched by an audit hook that records every network attempt."""
    html_article(
        tmp_path / "in" / "page.html",
        "Remote resources everywhere",
        "This page loads a tracker script and a remote image; neither may be fetched.",
    )
    root = tmp_path / "a.xarchive"
    script = textwrap.dedent(
        f"""
        import sys
        attempts = []
        def watch(event, args):
            if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                         "socket.sendto", "urllib.Request", "http.client.connect"):
                if event != "socket.connect" or getattr(args[0], "family", 0) != 1:
                    attempts.append(event)
        sys.addaudithook(watch)
        from xarchive.cli import main
        codes = [main(["import", {str(tmp_path / "in")!r}, "--archive", {str(root)!r},
                       "--create", "--workers", "2"]),
                 main(["search", "tracker", "--archive", {str(root)!r}])]
        print("ATTEMPTS", attempts, "CODES", codes)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert "ATTEMPTS [] CODES [0, 0]" in result.stdout, result.stdout + result.stderr
    assert "1 imported" in result.stderr and "failed" in result.stderr
    assert "0 failed" in result.stderr
