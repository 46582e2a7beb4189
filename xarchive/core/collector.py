"""Python's cyclic garbage collector, tuned for the processes that import and index.

An import builds large, long-lived structures a few objects at a time: a segment's
postings (three lists a word), what each file read, the batch waiting to be committed.
CPython runs its collector every 700 new container objects, and each of its passes
over the older generations walks everything built so far: 0.53-0.84 s of an import of
the bench's 1 003 items in one process (913 passes; 5 % of its CPU), 0.34 s of writing
one segment of them. Every `YOUNG` allocations instead: 0.10-0.19 s, the same peak
memory (193 MB), and cycles are still collected, only less often.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: New container objects between two collections of the youngest generation (Python's
#: own is 700); the older generations keep Python's ratios to it.
YOUNG = 10_000


def collect_less() -> None:
    """For a worker process, which imports or indexes and nothing else."""
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG), *older)


@contextlib.contextmanager
def collecting_less() -> Iterator[None]:
    """`collect_less` while the block runs (an import in the app's process), then as before."""
    before = gc.get_threshold()
    collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*before)
