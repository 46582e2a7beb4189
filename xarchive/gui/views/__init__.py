"""Viewers: one per item kind, plus the metadata panel."""
