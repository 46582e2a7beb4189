"""`python -m xarchive.cli` is the `xarchive` command (as `python -m xarchive` is)."""

import sys

from . import main

sys.exit(main())
