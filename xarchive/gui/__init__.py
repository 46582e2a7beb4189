"""The desktop app: PySide6 widgets over the Qt-free core (`xarchive.core`).

Nothing here is imported by the core. `app.main` is the entry point.
"""
