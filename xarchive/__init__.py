"""xarchive: an offline desktop archive for documenting censorship and human-rights cases."""

__version__ = "0.1.0"
