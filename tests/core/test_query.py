"""The query language: what parses, and the messages for what does not."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from whoosh.query import Every

from xarchive.core.errors import QueryError
from xarchive.core.index.engine import SearchIndex
from xarchive.core.index.query import make_parser, parse_query
from xarchive.core.index.schema import (
    FIELD_ALIASES,
    FIELD_CHOICES,
    KNOWN_FIELDS,
    IndexDocument,
    build_schema,
)

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


# -- phrases with punctuation: researchers paste quotes from filings -----------

INDEXED = IndexDocument(
    item_id=1,
    kind="document",
    title="Submission of the ministry",
    pages=("The block was ordered for reasons of security, public order and decency.",),
    original_name="submission.pdf",
    author="Interior Ministry",
    language="en",
    source_url="https://margallatimes.example/a",
    published_at="2024-04-17",
    captured_at="",
    imported_at="2024-05-01T10:00:00Z",
    ocr_status="",
    tags=("security", "public order"),
    notes=("the ministry's own words",),
    accounts=("demo_reporter",),
    hashtags=("keepiton",),
    flags=("reply",),
    has=("media",),
    alt_texts=("a screenshot, blurred",),
)


@pytest.fixture(scope="module")
def one_item_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    index = SearchIndex.create(tmp_path_factory.mktemp("index") / "index")
    index.write([INDEXED])
    yield index
    index.close()


def test_a_quoted_phrase_with_a_comma_finds_the_quote(one_item_index: SearchIndex) -> None:
    results = one_item_index.search('"security, public order"')
    assert [hit.item_id for hit in results.hits] == [1]
    assert 'tag:"' not in parse('"security, public order"')  # a tag holds no comma


def test_a_phrase_with_a_comma_in_a_keyword_field_is_explained() -> None:
    with pytest.raises(QueryError, match=re.escape('tag:security tag:"public order"')):
        parse_query('tag:"security, public order"', PARSER)


FIELDS = sorted(KNOWN_FIELDS | set(FIELD_ALIASES) | set(FIELD_CHOICES))
PUNCTUATED = [
    "a, b",
    "a,b",
    ",",
    "a ,",
    "a; b: c",
    "a. b",
    "a - b",
    "a/b",
    "'a' b",
    "a (b)",
    "#a, @b",
]


@pytest.mark.parametrize("field", ["", *FIELDS])
def test_any_phrase_in_any_field_searches_or_is_explained(
    one_item_index: SearchIndex, field: str
) -> None:
    prefix = f"{field}:" if field else ""
    for phrase in PUNCTUATED:
        for query in (
            f'{prefix}"{phrase}"',
            f'court {prefix}"{phrase}"',
            f'NOT {prefix}"{phrase}"',
        ):
            with contextlib.suppress(QueryError):  # explained; anything else fails
                one_item_index.search(query)


def test_from_and_to_ask_two_fields_at_once() -> None:
    # from: is a post's account (as on X) or a message's sender; to: a mention or a recipient
    assert parse("from:@Demo_Reporter") == "(account:demo_reporter OR sender:@demo_reporter)"
    assert parse("TO:@press.example") == "(mention:press.example OR recipient:@press.example)"
    assert parse("court NOT from:x*") == (
        "((title:court OR content:court OR filename:court OR author:court OR note:court "
        "OR tag:court OR alt:court) AND NOT (account:x* OR sender:x*))"
    )
    assert parse("(from:a OR to:b)") == "(account:a OR sender:a OR mention:b OR recipient:b)"
    assert parse("from:(a OR b)") == "(account:a OR account:b OR sender:a OR sender:b)"
    assert "sender" not in parse('"a letter from: the registry"')  # a phrase stays a phrase
    with pytest.raises(QueryError, match="e.g. to:counsel@"):
        parse_query("letter to:", PARSER)
