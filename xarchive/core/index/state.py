"""What the index folder says of itself without opening the index: its format's
version and whether a table of contents is there.

Kept apart from the engine so that asking costs no import of Whoosh or numpy (a
re-import of an unchanged folder asks, and needs nothing else of the index; opening
the table of contents unpickles the schema, which imports the analysers and numpy).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

#: Bump when the schema or the analysis changes: older indexes are then rebuilt.
#: 3: the `pairs` field (phrases), and every date field sortable (date ranges).
#: 4: word pairs in a table beside each segment instead of the `pairs` field (pairs.py).
#: 5: posts as evidence: `withheld`, `changed`, the facet `withheld_in` (issue 13).
#: 6: messages' senders and recipients, `sender` and `recipient` (from:, to:; issue 14).
#: 7: a message's To and Cc apart (`sent_to`, `cc`) with their facets, and its
#:    `message_id` (issue 14).
#: 8: the four dates are columns only, without terms (schema.DateColumn; issue 10).
INDEX_SCHEMA_VERSION = 8

#: The file beside the index that names the version of its format.
META_NAME = "xarchive-index.json"

#: Whoosh's table of contents of the index named MAIN, one file per generation.
_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


def looks_usable(directory: Path) -> bool:
    """Whether `directory` holds an index of this version, judged from the names of
    its files and its version file, without opening it (SearchIndex.health opens a
    searcher to be sure: a damaged table of contents is found there)."""
    try:
        if not any(_TOC.match(entry.name) for entry in directory.iterdir()):
            return False
        meta = json.loads((directory / META_NAME).read_text(encoding="utf-8"))
        return int(meta.get("schema_version", 0)) == INDEX_SCHEMA_VERSION
    except (OSError, ValueError, AttributeError, TypeError):  # no folder, a damaged file
        return False
