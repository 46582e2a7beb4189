"""The frozen program's entry point: the `xarchive` command, app and subcommands alike,
and `xarchive --self-test FOLDER` (xarchive_selftest.py), which packaging/check runs."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Import workers start from a fork server, which in a frozen program is this
    # executable again: freeze_support() lets PyInstaller's hook turn that start
    # into the server (or the resource tracker) instead of a second xarchive.
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["--self-test"]:
        from xarchive_selftest import main as self_test

        sys.exit(self_test(sys.argv[2:]))
    from xarchive.cli import main

    sys.exit(main())
