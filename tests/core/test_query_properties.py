"""Any text a user types or pastes is a search or a clear explanation (issue 12).

Hypothesis feeds the query language arbitrary strings built from the pieces
people type and paste: every field name, quotes with punctuation inside, the
operators, brackets, wildcards, dates, Urdu. Whatever it builds, searching
either works or raises a QueryError that says where the problem is; no other
exception, no "unexpected error".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.core.test_query import INDEXED
from xarchive.core.errors import QueryError
from xarchive.core.index.engine import SearchIndex
from xarchive.core.index.schema import FIELD_ALIASES, FIELD_CHOICES, KNOWN_FIELDS

FIELDS = sorted(KNOWN_FIELDS | set(FIELD_ALIASES) | set(FIELD_CHOICES))

#: The filing the query tests search (tests/core/test_query.py): tags, notes, a post's fields.
DOCUMENT = INDEXED

#: What people paste: punctuation from filings, operators, query syntax, Urdu.
PIECES = st.one_of(
    st.sampled_from([f"{name}:" for name in FIELDS] + [f"{name.upper()}:" for name in FIELDS]),
    st.sampled_from(
        [
            '"',
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            " ",
            " ",
            " ",
            ",",
            ";",
            ":",
            ".",
            "..",
            "-",
            "+",
            "*",
            "?",
            "~",
            "~2",
            "^",
            "^2",
            "/",
            "\\",
            "'",
            "`",
            "@",
            "#",
            "!",
            "&",
            "|",
            "=",
            ">",
            "<",
            ">=",
            "<=",
            "AND",
            "OR",
            "NOT",
            "ANDNOT",
            "ANDMAYBE",
            "TO",
            "to",
            "and",
            "court",
            "security",
            "public order",
            "2024",
            "2024-02",
            "2024-02-17",
            "2024-13",
            "02",
            "31",
            "پابندی",
            "عدالت",
            "\u200f",
            "\u2068",
            "\t",
            "\n",
            "é",
            "ß",
            "İ",
            "ﬁ",
            "0",
            "x",
            "reply",
            "media",
            "document",
            "ur",
            "https://a.example/b",
        ]
    ),  # fmt: skip
    st.text(max_size=4),
)
QUERIES = st.lists(PIECES, max_size=12).map("".join)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    engine = SearchIndex.create(tmp_path_factory.mktemp("index") / "index")
    engine.write([DOCUMENT])
    yield engine
    engine.close()


def test_the_mistakes_it_found_are_explained(index: SearchIndex) -> None:
    for text, message, position in (
        (">account:", "compares dates only", 1),
        ("court kind:", "‘kind:’ (at position 7) has nothing after it", 7),
        ("text:is:maybe", "is: can be reply", 6),
        ("court AND", "ends with ‘AND’ (at position 7)", 7),
    ):
        with pytest.raises(QueryError, match=re.escape(message)) as caught:
            index.check(text)
        assert caught.value.position == position
    index.check('"date:2024-13"')


def _says_where(error: QueryError, text: str) -> None:
    position = error.position
    assert position is not None, f"{text!r}: {error} names no position"
    assert 1 <= position <= len(text) + 1, f"{text!r}: position {position} of {len(text)}"
    assert re.search(rf"\bposition {position}\b", str(error)) or "‘" in str(error), str(error)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=QUERIES)
@example(text='"security, public order"')
@example(text='tag:"security, public order"')
@example(text="date:2024-13")
@example(text="kind:")
@example(text='"a" "')
@example(text="court AND")
@example(text="((a)")
@example(text="date:[2024 to")
@example(text="is:")
@example(text="~")
@example(text="^")
@example(text="a^")
@example(text=">account:")  # Whoosh: list index out of range
@example(text="<=document court")  # the same
@example(text="text:is:text:is:")  # is: checked by the rewriting, without a position
@example(text='"date:2024-13"')  # a date inside a phrase is words, not a date
def test_any_text_searches_or_is_explained_with_a_position(index: SearchIndex, text: str) -> None:
    try:
        index.check(text)
        index.search(text, limit=5)
        index.day_counts(text)
        index.phrase_marks(text)
    except QueryError as error:
        _says_where(error, text)
