"""numpy's linear algebra library (OpenBLAS) without its pool of threads.

As numpy loads, OpenBLAS starts a thread for every core but one, and each spins
waiting for work: measured on the 2-core development machine, 100 ms of the second
core's time in a 220 ms `xarchive search` (CPU 324 ms against 225 ms, wall the same;
21 interleaved runs), taken from whatever else runs there (an import's workers, the
app), for matrix products xarchive never asks of it. The only one it does ask,
py3langid's row of feature counts times its table, is no quicker with two threads
(150 texts: the same time within the noise, 222-283 ms either way).
"""

from __future__ import annotations

import os


def one_thread() -> None:
    """OpenBLAS with one thread, unless the environment says otherwise; to be called
    before numpy is imported (OpenBLAS reads it once, as it loads)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
