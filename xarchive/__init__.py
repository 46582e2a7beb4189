"""xarchive: an offline desktop archive for documenting censorship and human-rights cases."""

# The one place the version is written: pyproject.toml, the build and bundles read it here.
__version__ = "0.1.0"

# Offline from the first line: before any library is imported (core/offline.py).
from .core.offline import forbid_network as _forbid_network  # noqa: E402

_forbid_network()

# numpy's OpenBLAS without a pool of spinning threads: before numpy loads (core/blas.py).
from .core.blas import one_thread as _one_blas_thread  # noqa: E402

_one_blas_thread()
