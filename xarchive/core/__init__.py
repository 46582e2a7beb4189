"""The Qt-free core of xarchive: the archive, its importers, its index and its jobs.

Nothing under this package may import PySide6; the CLI and the GUI both build on it.
"""
