"""`python -m xarchive` is the `xarchive` command."""

import sys

from .cli import main

sys.exit(main())
