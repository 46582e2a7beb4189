"""The relations a link offers by name: data only, so that the command line's help can
list them without loading the annotation service (and the search engine with it)."""

from __future__ import annotations

#: The relations a link offers by name; any other text is kept as typed.
RELATIONS = ("cites", "shows", "replies-to", "same-event", "contradicts", "duplicate-of")
#: Relations that read the same both ways: a viewer may show their backlinks as links.
SYMMETRIC_RELATIONS = frozenset({"same-event", "contradicts"})
