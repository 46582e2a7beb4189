"""The query language: what parses, and the messages for what does not."""

from __future__ import annotations

import re

import pytest
from whoosh.query import Every

from xarchive.core.errors import QueryError
from xarchive.core.index.query import make_parser, parse_query
from xarchive.core.index.schema import build_schema

PARSER = make_parser(build_schema())


def parse(text: str) -> str:
    return str(parse_query(text, PARSER))


def test_words_phrases_and_fields() -> None:
    assert "content:court" in parse("court")
    assert 'content:"nation secur"' in parse('"national security"')
    assert parse("kind:document") == "kind:document"
    assert parse("type:POST") == "kind:post"
    assert parse("lang:UR") == "lang:ur"


def test_date_forms_become_ranges() -> None:
    day = parse("date:2024-02-17")
    month = parse("date:2024-02")
    span = parse("date:2024-02-01..2024-04-30")
    assert day.startswith("date:[") and month.startswith("date:[") and span.startswith("date:[")
    assert parse("date:>=2024-04-01").endswith("TO ]")
    assert parse("published:..2024-03").startswith("published:[ TO")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"national security', "quote at position 1 is never closed"),
        ("(block OR ban", "‘(’ at position 1 is never closed"),
        ("block)", "closes nothing"),
        ("kidn:post", "no field ‘kidn’"),
        ("court AND", "ends with ‘AND’"),
        ("date:2024-13-01", "not a real date"),
        ("date:yesterday", "is not a date"),
        ("date:..", "neither a start nor an end"),
    ],
)
def test_mistakes_are_explained(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        parse_query(query, PARSER)


def test_phrases_count_as_operands() -> None:
    parse('"national security" OR پابندی')
    parse('پابندی OR "national security"')
    parse('NOT "public order"')


def test_an_empty_query_or_a_star_matches_everything() -> None:
    assert isinstance(parse_query("*", PARSER), Every)
    assert isinstance(parse_query("  ", PARSER), Every)


def test_urls_in_queries_are_not_taken_for_fields() -> None:
    parse("https://invented-outlet.example/x-ban")  # must not raise "no field ‘https’"
