"""Filters chosen from facets or the timeline, and the query text they add.

A filter is shown as a removable chip; the search that runs is the user's text
and every filter's term joined with AND, so the query language stays the one
source of truth (what a chip does can be typed by hand, and a saved search is
one plain query).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QLocale

_SAFE_VALUE = re.compile(r"[\w.@+-]+\Z")


@dataclass(frozen=True, slots=True)
class Filter:
    facet: str  # a core facet name (xarchive.core.index.engine.FACETS) or "date"
    value: str

    @property
    def term(self) -> str:
        """The query-language term that narrows a search to this filter."""
        # The facet To counts To alone (to: would ask a post's mentions and Cc too).
        field = {"month": "date", "language": "lang", "to": "sent_to"}.get(self.facet, self.facet)
        if self.facet == "date":
            return f"date:{self.value}"
        return f"{field}:{quote(self.value)}"

    @property
    def label(self) -> str:
        return f"{FACET_TITLES.get(self.facet, self.facet.title())}: {facet_value_label(self)}"


FACET_TITLES = {
    "kind": "Kind",
    "tag": "Tag",
    "month": "Month",
    "author": "Author",
    "language": "Language",
    "source": "Source",
    "account": "Account",
    "hashtag": "Hashtag",
    "mention": "Mentions",
    "withheld": "Withheld in",
    "to": "To",
    "cc": "Cc",
    "date": "Dates",
}

KIND_TITLES = {
    "document": "Document",
    "image": "Image",
    "article": "Article",
    "post": "Post",
    "text": "Text",
    "message": "Message",
    "video": "Video",
}


def quote(value: str) -> str:
    if _SAFE_VALUE.match(value):
        return value
    return '"' + value.replace('"', " ") + '"'


def compose(text: str, filters: list[Filter]) -> str:
    """The query that runs: the user's text (grouped) AND every filter's term."""
    text = text.strip()
    terms = [f.term for f in filters]
    if not terms:
        return text
    if text and text != "*":
        return " ".join([f"({text})", *terms])
    return " ".join(terms)


def country_name(code: str) -> str:
    """'Pakistan (PK)' for a country code where a post was withheld; 'every country (XX)'."""
    code = code.upper()
    if code == "XX":
        return "every country (XX)"
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyTerritory:
        return code
    return f"{QLocale.territoryToString(territory)} ({code})"


def facet_value_label(f: Filter) -> str:
    """How a facet value reads for a person: 'Urdu', 'February 2024', 'Document'."""
    if f.facet == "kind":
        return KIND_TITLES.get(f.value, f.value)
    if f.facet == "language":
        return language_name(f.value)
    if f.facet == "month":
        try:
            year, month = (int(p) for p in f.value.split("-"))
            return date(year, month, 1).strftime("%B %Y")
        except ValueError:
            return f.value
    if f.facet in ("account", "mention"):
        return "@" + f.value
    if f.facet == "hashtag":
        return "#" + f.value
    if f.facet == "withheld":
        return country_name(f.value)
    if f.facet == "date":
        start, _, end = f.value.partition("..")
        return f"{format_day(start)} – {format_day(end)}" if end else format_day(start)
    return f.value


def language_name(code: str) -> str:
    locale = QLocale(code)
    if locale.language() == QLocale.Language.C or not code:
        return code or "Unknown"
    return QLocale.languageToString(locale.language())


def format_day(iso: str) -> str:
    try:
        return date.fromisoformat(iso[:10]).strftime("%-d %b %Y")
    except ValueError:
        return iso
