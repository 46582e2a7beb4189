"""Imported last by a fork server of workers (lifeline.IMPORT_MODULES for an import's,
indexing.py's for a reindex's): what the server imported is moved out of the cyclic
collector's reach, as the gc module's documentation advises a server that forks. The
collections of the workers forked from it no longer walk its 43 000 objects, nor touch,
and so copy, the pages that hold them (collector.py says what the collector cost).
"""

from __future__ import annotations

import gc

gc.freeze()
