"""Dialogs: progress, import report, errors, shortcuts, about."""
