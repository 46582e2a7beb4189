"""The Whoosh schema: its fields, the names a query may give them, and their analysis.

The document the index holds of each item is document.py's `IndexDocument`: only what
writes the index makes one (a search compiled its dataclass methods for nothing).
"""

from __future__ import annotations

from typing import Any

import whoosh
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

from ..model import POST_CHANGES, POST_FLAGS, POST_HAS
from .analysis import name_analyzer, text_analyzer
from .formats import WordPositions
from .pairs import RememberingAnalyzer

#: Bump when the schema or the analysis changes (state.py keeps the number).


def engine_version() -> str:
    """The version of the Whoosh library that writes and reads the index ("3.54.0")."""
    return str(whoosh.versionstring())


#: Separates pages in the indexed text (kept when mapping a snippet to its page).
PAGE_BREAK = "\n\f\n"

#: Fields searched by words with no `field:` before them.
DEFAULT_FIELDS = ("title", "content", "filename", "author", "note", "tag", "alt")

#: The fields a query may name, with aliases a person might type.
FIELD_ALIASES = {
    "type": "kind",
    "language": "lang",
    "by": "author",
    "file": "filename",
    "name": "filename",
    "text": "content",
    "notes": "note",
    "tags": "tag",
    "domain": "source",
    "handle": "account",
    "hashtags": "hashtag",
    "mentions": "mention",
    "withheld_in": "withheld",
}
#: Names that ask two fields at once: from: is a post's account or a message's sender
#: (from:demo_reporter as on X, from:registry@court.example), to: a post's mention or a
#: message's recipient (To and Cc).
FIELD_CHOICES = {"from": ("account", "sender"), "to": ("mention", "recipient")}
#: Fields whose values are matched whole, in any case (``kind:Post`` = ``kind:post``).
EXACT_FIELDS = (
    "kind", "lang", "source", "ocr", "account", "hashtag", "mention", "is", "has", "withheld",
    "changed", "sender", "recipient", "sent_to", "cc", "message_id",
)  # fmt: skip
#: The values `is:`, `has:` and `changed:` know, with what each finds (core/model/).
FLAG_VALUES = {"is": POST_FLAGS, "has": POST_HAS, "changed": POST_CHANGES}
#: `withheld:` takes a country code (ISO 3166-1 alpha-2: PK, IN; XX: every country) or these.
WITHHELD_WORDS = {"any": "withheld anywhere", "copyright": "withheld for copyright (DMCA)"}
DATE_FIELDS = ("date", "published", "captured", "imported")


def build_schema() -> Schema:
    text = text_analyzer()
    names = name_analyzer()
    # `is` is a Python keyword, hence the dictionary.
    post_fields = {
        "account": KEYWORD(commas=True, lowercase=True, scorable=True),
        "hashtag": KEYWORD(commas=True, lowercase=True, scorable=True),
        "mention": KEYWORD(commas=True, lowercase=True, scorable=True),
        "is": KEYWORD(commas=True, lowercase=True),
        "has": KEYWORD(commas=True, lowercase=True),
        "alt": _text(text),
        # withheld:pk, withheld:any; the facet "Withheld in" counts the codes alone
        "withheld": KEYWORD(commas=True, lowercase=True),
        "withheld_in": KEYWORD(commas=True),
        "changed": KEYWORD(commas=True, lowercase=True),
    }
    message_fields = {  # addresses, and "@domain" for every message of a domain
        "sender": KEYWORD(commas=True, lowercase=True, scorable=True),
        "recipient": KEYWORD(commas=True, lowercase=True, scorable=True),  # To and Cc
        "sent_to": KEYWORD(commas=True, lowercase=True, scorable=True),  # To alone
        "cc": KEYWORD(commas=True, lowercase=True, scorable=True),
        # the facets To and Cc count addresses, not the domains they share
        "to_facet": KEYWORD(commas=True),
        "cc_facet": KEYWORD(commas=True),
        "message_id": KEYWORD(lowercase=True),  # without its <>
    }
    return Schema(
        **post_fields,
        **message_fields,
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        title=_text(text, field_boost=2.0),
        content=_text(RememberingAnalyzer(text)),
        filename=TEXT(analyzer=names),
        author=TEXT(analyzer=names),
        author_facet=ID(sortable=True),
        lang=ID(sortable=True),
        source=ID(sortable=True),
        tag=KEYWORD(commas=True, lowercase=True, scorable=True),
        note=_text(text),
        ocr=ID,
        ym=ID(sortable=True),
        # a column of each date serves sorting, ranges and day counts
        date=DateColumn(),
        published=DateColumn(),
        captured=DateColumn(),
        imported=DateColumn(),
    )


class DateColumn(DATETIME):  # type: ignore[misc]
    """A date field that is a column only, with no terms in the index.

    Whoosh indexes a DATETIME value as eight terms (a trie of its 64 bits, for ranges
    read from terms); xarchive's date queries are all ranges, each read from the
    column (evaluate.py `_range`), and nothing else reads a date's terms: they were a
    sixth of a segment's terms (most of them in one document each) and eight postings
    for each of an item's dates. The query parser still
    reads `date:2024-02` as Whoosh's DateRange; Whoosh's own searcher finds nothing
    for it, xarchive's finds it in the column.
    """

    indexed = False

    def __init__(self) -> None:
        super().__init__(sortable=True)


def _text(analyzer: Any, field_boost: float = 1.0) -> TEXT:
    """A TEXT field (positions, for phrases) whose postings are built a word at a time."""
    field = TEXT(analyzer=analyzer, phrase=True, field_boost=field_boost)
    field.format = WordPositions(field_boost=field_boost)
    return field


KNOWN_FIELDS = frozenset(build_schema().names()) - {
    "author_facet", "id", "withheld_in", "to_facet", "cc_facet",
}  # fmt: skip
