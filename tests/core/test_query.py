"""The query language: what each form finds, and the messages for what does not.

Through the engine's interface (`SearchIndex.search`, `check`) on a few documents made
here, not the query Whoosh is given: what a researcher sees is what is found.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest

from xarchive.core.errors import QueryError
from xarchive.core.index.document import IndexDocument
from xarchive.core.index.engine import SearchIndex
from xarchive.core.index.schema import FIELD_ALIASES, FIELD_CHOICES, KNOWN_FIELDS

_ITEM = {"original_name": "item.txt", "imported_at": "2024-05-01T10:00:00Z"}
#: 1 a filing, 2 a post of @demo_reporter, 3 a letter from the registry, 4 an Urdu note,
#: 5 a post of @x_watch.
DOCUMENTS = [
    IndexDocument(
        item_id=1, kind="document", title="Petition", language="en",
        published_at="2024-02-17", pages=("The court heard the national security case.",),
        **_ITEM,
    ),
    IndexDocument(
        item_id=2, kind="post", title="Post", language="en", published_at="2024-03-07",
        pages=("The court order is out, says counsel.",), accounts=("demo_reporter",),
        mentions=("press.example",), **_ITEM,
    ),
    IndexDocument(
        item_id=3, kind="message", title="Letter", language="en",
        published_at="2024-04-17", pages=("A letter from: the registry of the court.",),
        senders=("registry@court.example", "@court.example"),
        recipients=("counsel@press.example", "@press.example"), **_ITEM,
    ),
    IndexDocument(
        item_id=4, kind="text", title="نوٹ", language="ur", published_at="2024-04-18",
        pages=("پابندی کا حکم",), **_ITEM,
    ),
    IndexDocument(
        item_id=5, kind="post", title="Post", language="en", published_at="2024-04-19",
        pages=("The court again.",), accounts=("x_watch",), **_ITEM,
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    engine = SearchIndex.create(tmp_path_factory.mktemp("index") / "index")
    engine.write(DOCUMENTS)
    yield engine
    engine.close()


def found(index: SearchIndex, query: str) -> set[int]:
    return {hit.item_id for hit in index.search(query, limit=0, facets=False).hits}


def test_words_phrases_and_fields(index: SearchIndex) -> None:
    assert found(index, "court") == {1, 2, 3, 5}
    assert found(index, "courts") == {1, 2, 3, 5}  # stemmed
    assert found(index, '"national security"') == found(index, '"nationally secure"') == {1}
    assert found(index, "kind:document") == {1}
    assert found(index, "type:POST") == {2, 5}
    assert found(index, "lang:UR") == found(index, "پابندی") == {4}


def test_date_forms_become_ranges(index: SearchIndex) -> None:
    assert found(index, "date:2024-02-17") == {1}
    assert found(index, "date:2024-04") == {3, 4, 5}
    assert found(index, "date:2024-02-01..2024-04-17") == {1, 2, 3}
    assert found(index, "date:>=2024-04-18") == {4, 5}
    assert found(index, "published:..2024-03") == {1, 2}


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
def test_mistakes_are_explained(index: SearchIndex, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        index.check(query)
    with pytest.raises(QueryError, match=re.escape(message)):
        index.search(query)


def test_phrases_count_as_operands(index: SearchIndex) -> None:
    assert found(index, '"national security" OR پابندی') == {1, 4}
    assert found(index, 'پابندی OR "national security"') == {1, 4}
    assert found(index, 'NOT "national security"') == {2, 3, 4, 5}


def test_an_empty_query_or_a_star_matches_everything(index: SearchIndex) -> None:
    assert found(index, "*") == found(index, "  ") == {1, 2, 3, 4, 5}


def test_urls_in_queries_are_not_taken_for_fields(index: SearchIndex) -> None:
    index.check("https://invented-outlet.example/x-ban")  # must not raise "no field ‘https’"


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


def test_a_phrase_with_a_comma_in_a_keyword_field_is_explained(
    one_item_index: SearchIndex,
) -> None:
    with pytest.raises(QueryError, match=re.escape('tag:security tag:"public order"')):
        one_item_index.check('tag:"security, public order"')


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


def test_from_and_to_ask_two_fields_at_once(index: SearchIndex) -> None:
    # from: is a post's account (as on X) or a message's sender; to: a mention or a recipient
    assert found(index, "from:@Demo_Reporter") == {2}
    assert found(index, "from:registry@court.example") == found(index, "from:@court.example") == {3}
    assert found(index, "TO:@press.example") == {2, 3}
    assert found(index, "court NOT from:x*") == {1, 2, 3}
    assert found(index, "(from:x_watch OR to:counsel@press.example)") == {3, 5}
    assert found(index, "from:(demo_reporter OR x_watch)") == {2, 5}
    assert found(index, '"a letter from: the registry"') == {3}  # a phrase stays a phrase
    with pytest.raises(QueryError, match="e.g. to:counsel@"):
        index.check("letter to:")
