"""Widgets of the main window that are neither viewers nor docks."""
