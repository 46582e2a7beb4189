"""Annotating in the app: highlights, regions, notes, tags and links, drawn in the viewers
and listed in docks; every change made through the core's `Annotations` (controller.py)."""
