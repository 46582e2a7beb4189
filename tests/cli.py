"""Running the `xarchive` command in tests: in this process, or as a real one.

In this process `main()` runs as the entry point calls it, with its stdout and stderr
captured, its exit code as a process would have it (argparse's SystemExit included)
and the signal handlers it installs for Ctrl+C put back after. That saves the start
of an interpreter per command (a third of a second and more), which most tests of the
command line spend nothing else on. A few smoke tests start a real process
(`xarchive_process`): the entry point, `python -m xarchive`, an environment of their
own (a PATH without tesseract).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator

from xarchive.cli import main

CompletedCommand = subprocess.CompletedProcess


def xarchive(*args: str, stdin: str = "") -> CompletedCommand[str]:
    """`xarchive ARGS` run in this process: its exit code, stdout and stderr."""
    out, err = _stream("strict"), _stream("backslashreplace")
    with (
        _signal_handlers_kept(),
        _stdin(stdin),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = main(list(args))
        except SystemExit as stopped:  # argparse: --help, --version, a bad option
            code = stopped.code if isinstance(stopped.code, int) else 2
    return subprocess.CompletedProcess(["xarchive", *args], code, _text(out), _text(err))


def xarchive_process(*args: str, env: dict[str, str] | None = None) -> CompletedCommand[str]:
    """`python -m xarchive ARGS` as a real process, in `env` on top of this one's."""
    return subprocess.run(
        [sys.executable, "-m", "xarchive", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def _stream(errors: str) -> io.TextIOWrapper:
    # As a terminal's in a UTF-8 locale: stdout refuses what UTF-8 cannot hold (a name's
    # undecodable bytes printed unescaped fail there as they would for the user, where a
    # StringIO takes anything), stderr escapes it, as Python's own stderr always does.
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, newline="\n")


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


@contextlib.contextmanager
def _signal_handlers_kept() -> Iterator[None]:
    # the commands' cancel_on_interrupt() takes SIGINT and SIGTERM for their jobs
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def _stdin(text: str) -> Iterator[None]:
    kept = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = kept
