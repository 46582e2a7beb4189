"""xarchive: an offline desktop archive for documenting censorship and human-rights cases."""

__version__ = "0.1.0"

# Offline from the first line: before any library is imported (core/offline.py).
from .core.offline import forbid_network as _forbid_network  # noqa: E402

_forbid_network()
