"""The main window's docks: facets, saved searches, timeline."""
