"""SQLite: the archive's truth. All SQL of the core lives in this package."""
