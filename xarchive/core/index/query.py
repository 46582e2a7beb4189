"""The query language: what a person types, checked and turned into a Whoosh query.

    words and "exact phrases"          court "national security"
    AND, OR, NOT, (…)                  (block OR ban) NOT tiktok
    fields                             kind:document  lang:ur  author:khan  tag:evidence
    posts                              account:demo_reporter  hashtag:KeepItOn
                                       mention:@sample_rights_watch  is:reply  is:retweet
                                       is:quote  is:deleted  is:long  has:media  has:links
    posts as evidence                  withheld:PK  withheld:any  is:withheld  is:edited
                                       is:suspended  changed:text  changed:counts
    messages                           sender:registry@court.example  recipient:@press.example
                                       sent_to:counsel@press.example (To)  cc:@court.example
                                       message_id:notice-17@court.example
    either                             from: (account or sender)  to: (mention or recipient)
    dates and ranges                   date:2024-02-17  date:2024-02  date:2024-02-01..2024-04-30
                                       date:>=2024-04-01  published:..2024-03  captured:2024
    prefix and fuzzy terms             censor*  judgement~  judgement~2
    everything                         *  (or an empty query)

Mistakes are reported as `QueryError` with a sentence that points at the
problem, never silently searched for something else.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from whoosh import qparser
from whoosh.fields import Schema
from whoosh.query import Every, NullQuery, Phrase, Query

from ..errors import QueryError
from .schema import (
    DATE_FIELDS,
    DEFAULT_FIELDS,
    EXACT_FIELDS,
    FIELD_ALIASES,
    FIELD_CHOICES,
    FLAG_VALUES,
    KNOWN_FIELDS,
    WITHHELD_WORDS,
)

_FIELD_RE = re.compile(r"(?<![\w:/.])([A-Za-z_]+):(?!//)")
_DATE_TERM_RE = re.compile(
    r"(?<![\w])(" + "|".join(DATE_FIELDS) + r"):(\[[^\]]*\]|\S+)", re.IGNORECASE
)
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\Z")
_EXACT_FIELD_RE = re.compile(r"(?<![\w])(" + "|".join(EXACT_FIELDS) + r"):(\S+)")
_RANGE_WORD = re.compile(r"\s+to\s+", re.IGNORECASE)
_EXAMPLES = {
    "kind": "kind:document",
    "lang": "lang:ur",
    "is": "is:reply",
    "has": "has:media",
    "account": "account:demo_reporter",
    "hashtag": "hashtag:keepiton",
    "withheld": "withheld:PK",
    "changed": "changed:text",
    "from": "from:demo_reporter",
    "to": "to:counsel@demo-press-club.example",
    **{name: f"{name}:2024-02" for name in DATE_FIELDS},
}
_ANY_FIELD_RE = re.compile(r"(?<![\w:/.])([A-Za-z_]+):(\S*)")
_FLAG_FIELD_RE = re.compile(r"(?<![\w])(?=([A-Za-z_]+):(\S*))")
# Whoosh fails on a comparison with nothing before it ("<=court").
_LEADING_COMPARISON = re.compile(r"\s*(<=|>=|=<|=>|<|>)")

DATE_HELP = "write dates as 2024-02-17, 2024-02 or 2024, and ranges as 2024-02-01..2024-04-30"


def _compact_date(text: str, whole: str) -> str:
    match = _DATE_RE.match(text)
    if not match:
        raise QueryError(f"‘{text}’ in ‘{whole}’ is not a date; {DATE_HELP}")
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day is not None:
            date(int(year), int(month), int(day))
        elif month is not None:
            monthrange(int(year), int(month))
    except (ValueError, TypeError):
        raise QueryError(f"‘{text}’ in ‘{whole}’ is not a real date; {DATE_HELP}") from None
    return year + (f"{int(month):02d}" if month else "") + (f"{int(day):02d}" if day else "")


def _rewrite_date(match: re.Match[str]) -> str:
    field, value = match.group(1).lower(), match.group(2)
    whole = match.group(0)
    if value.startswith("["):
        inner = value[1:-1].strip()
        parts = _RANGE_WORD.split(inner) if _RANGE_WORD.search(inner) else inner.split("..")
        if len(parts) != 2:
            raise QueryError(f"‘{whole}’ is not a date range; {DATE_HELP}")
        start, end = (p.strip() for p in parts)
    elif ".." in value:
        start, _, end = value.partition("..")
    elif value.startswith((">=", "<=")):
        op, rest = value[:2], value[2:]
        start, end = (rest, "") if op == ">=" else ("", rest)
    elif value.startswith((">", "<")):
        op, rest = value[:1], value[1:]
        start, end = (rest, "") if op == ">" else ("", rest)
    else:
        return f"{field}:{_compact_date(value, whole)}"
    if not start and not end:
        raise QueryError(f"‘{whole}’ has neither a start nor an end date; {DATE_HELP}")
    low = _compact_date(start, whole) if start else ""
    high = _compact_date(end, whole) if end else ""
    return f"{field}:[{low} to {high}]".replace("[ to", "[to").replace(" to ]", " to]")


def _check_balance(text: str) -> None:
    in_quote = False
    quote_at = -1
    depth = 0
    open_at: list[int] = []
    for i, ch in enumerate(text):
        if ch == '"':
            in_quote = not in_quote
            quote_at = i
        elif in_quote:
            continue
        elif ch == "(":
            depth += 1
            open_at.append(i)
        elif ch == ")":
            if depth == 0:
                raise QueryError(f"the ‘)’ at position {i + 1} closes nothing", i + 1)
            depth -= 1
            open_at.pop()
    if in_quote:
        raise QueryError(f"the quote at position {quote_at + 1} is never closed", quote_at + 1)
    if depth:
        raise QueryError(f"the ‘(’ at position {open_at[-1] + 1} is never closed", open_at[-1] + 1)


def _check_fields(text: str) -> None:
    outside_quotes = re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)
    for match in _FIELD_RE.finditer(outside_quotes):
        name = match.group(1).lower()
        if name not in KNOWN_FIELDS and name not in FIELD_ALIASES and name not in FIELD_CHOICES:
            known = ", ".join(sorted(KNOWN_FIELDS - {"ym", "ocr"}))
            raise QueryError(
                f"there is no field ‘{match.group(1)}’ (at position {match.start() + 1}); "
                f"fields are {known}",
                match.start() + 1,
            )


def _outside_quotes(text: str) -> str:
    """`text` with every quoted phrase blanked out (as "x…x"), positions kept."""
    return re.sub(r'"[^"]*"', lambda m: '"' + "x" * (len(m.group(0)) - 2) + '"', text)


def _check_operators(text: str) -> None:
    words = [(m.group(0), m.start() + 1) for m in re.finditer(r"\S+", _outside_quotes(text))]
    if not words:
        return
    operators = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
    last, at = words[-1]
    if last in operators:
        raise QueryError(
            f"the query ends with ‘{last}’ (at position {at}); add what it should join", at
        )
    first, at = words[0]
    if first in operators - {"NOT"}:
        raise QueryError(
            f"the query starts with ‘{first}’ (at position {at}); put a word before it", at
        )
    for (a, _), (b, at) in zip(words, words[1:], strict=False):
        if a in operators - {"NOT"} and b in operators - {"NOT"}:
            raise QueryError(f"‘{a} {b}’ (at position {at}): two operators in a row", at)


def _check_values(text: str) -> None:
    """Dates and the values of `is:` and `has:`, checked where the person typed them."""
    outside = _outside_quotes(text)
    for match in _DATE_TERM_RE.finditer(outside):
        try:
            _rewrite_date(match)
        except QueryError as error:
            at = match.start() + 1
            raise QueryError(f"{error} (at position {at})", at) from None
    comparison = _LEADING_COMPARISON.match(outside)
    if comparison:
        at = comparison.start(1) + 1
        raise QueryError(
            f"‘{comparison.group(1)}’ (at position {at}) compares dates only: write it after "
            "a date field, e.g. date:>=2024-04",
            at,
        )
    for match in _ANY_FIELD_RE.finditer(outside):
        field = FIELD_ALIASES.get(match.group(1).lower(), match.group(1).lower())
        if not match.group(2).rstrip(")"):
            at = match.start() + 1
            raise QueryError(
                f"‘{match.group(1)}:’ (at position {at}) has nothing after it; write what "
                f"to look for, e.g. {_EXAMPLES.get(field, field + ':word')}",
                at,
            )
    # `text:is:x` asks `is:` too, as the rewriting below reads it.
    for match in _FLAG_FIELD_RE.finditer(outside):
        field = FIELD_ALIASES.get(match.group(1).lower(), match.group(1).lower())
        value = match.group(2).rstrip(")").lower()
        if field == "withheld" and not _withheld_value(value):
            at = match.start() + 1
            raise QueryError(
                f"‘{match.group(1)}:{match.group(2)}’ (at position {at}): withheld: takes a "
                "two-letter country code (PK, IN; XX: every country) or "
                + ", ".join(f"{name} ({what})" for name, what in WITHHELD_WORDS.items()),
                at,
            )
        known = FLAG_VALUES.get(field)
        if known is not None and value not in known and not value.endswith("*"):
            at = match.start() + 1
            raise QueryError(
                f"‘{match.group(1)}:{match.group(2)}’ (at position {at}): {field}: can be "
                + ", ".join(f"{name} ({what})" for name, what in known.items()),
                at,
            )


def _withheld_value(value: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{2}", value)) or value in WITHHELD_WORDS or value.endswith("*")


def _lowercase_field_names(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        return FIELD_ALIASES.get(name, name) + ":"

    parts = re.split(r'("[^"]*")', text)
    return "".join(p if p.startswith('"') else _FIELD_RE.sub(repl, p) for p in parts)


def _exact_values(text: str) -> str:
    """Values of exact fields in lower case, without the "@" of handles and "#" of hashtags.

    Raises QueryError for a value `is:` or `has:` does not know.
    """

    def repl(match: re.Match[str]) -> str:
        field, value = match.group(1), match.group(2)
        core = value.rstrip(")")
        tail = value[len(core) :]
        core = core.lower()
        if field in ("account", "mention"):
            core = core.removeprefix("@")
        elif field == "hashtag":
            core = core.removeprefix("#")
        known = FLAG_VALUES.get(field)
        if known is not None and core not in known and not core.endswith("*"):
            raise QueryError(
                f"‘{field}:{value}’: {field}: can be "
                + ", ".join(f"{name} ({what})" for name, what in known.items())
            )
        return f"{field}:{core}{tail}"

    parts = re.split(r'("[^"]*")', text)
    return "".join(p if p.startswith('"') else _EXACT_FIELD_RE.sub(repl, p) for p in parts)


_CHOICE_RE = re.compile(
    r'"[^"]*"|(?<![\w:/.])(' + "|".join(FIELD_CHOICES) + r'):(?!//)("[^"]*"|[^\s"]+)'
)


def _choices(text: str) -> str:
    """`from:x` as `(account:x OR sender:x)`, `to:x` as `(mention:x OR recipient:x)`; a
    group (`from:(a OR b)`) goes to each field whole. Quoted phrases are left alone."""
    out: list[str] = []
    at = 0
    while (match := _CHOICE_RE.search(text, at)) is not None:
        out.append(text[at : match.start()])
        at = match.end()
        if match.group(1) is None:  # a quoted phrase
            out.append(match.group(0))
            continue
        value = match.group(2)
        if value.startswith("("):
            end = _group_end(text, match.start(2))
            value, at = text[match.start(2) : end], end
            tail = ""
        else:
            core = value if value.startswith('"') else value.rstrip(")")
            value, tail = core, value[len(core) :]
        either = " OR ".join(f"{name}:{value}" for name in FIELD_CHOICES[match.group(1)])
        out.append(f"({either}){tail}")
    out.append(text[at:])
    return "".join(out)


def _group_end(text: str, start: int) -> int:
    """Where the parenthesis opened at `start` closes (quotes skipped), just after it."""
    depth, quoted = 0, False
    for position in range(start, len(text)):
        char = text[position]
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth == 0:
                return position + 1
    return len(text)


def make_parser(schema: Schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


def parse_query(text: str, parser: qparser.QueryParser) -> Query:
    """Check `text` and turn it into a Whoosh query; raises QueryError with the reason."""
    stripped = text.strip()
    if stripped in ("", "*"):
        return Every()
    # The checks read the text as typed, so that each error names its position.
    _check_balance(text)
    _check_operators(text)
    _check_fields(text)
    _check_values(text)
    rewritten = _lowercase_field_names(stripped)
    rewritten = "".join(
        part if part.startswith('"') else _DATE_TERM_RE.sub(_rewrite_date, part)
        for part in re.split(r'("[^"]*")', rewritten)
    )
    rewritten = _exact_values(_choices(rewritten))
    try:
        query = parser.parse(rewritten)
    except Exception as exc:  # Whoosh raises assorted errors on odd input
        raise QueryError(f"the query (from position 1) could not be understood: {exc}", 1) from exc
    dropped: list[Phrase] = []
    if query is not None and parser.schema is not None:
        query = _without_impossible_phrases(query, parser.schema, dropped)
    if query is None or query is NullQuery or isinstance(query, type(NullQuery)):
        if dropped:
            field = dropped[0].fieldname
            apart = " ".join(
                f'{field}:"{w}"' if " " in w else f"{field}:{w}" for w in dropped[0].words
            )
            at = text.lower().find(f'{field}:"') + 1 or 1
            raise QueryError(
                f"‘{text}’: a value of {field}: never contains a comma; ask for each apart: "
                f"{apart}",
                at,
            )
        raise QueryError(f"‘{text}’ contains no word that can be searched for", 1)
    return query


def _without_impossible_phrases(query: Query, schema: Schema, dropped: list[Phrase]) -> Query:
    """`query` without the phrases asked of fields that keep no word positions.

    Only keyword fields (tag, account, hashtag, mention, is, has) have none, and
    their analyser splits a value at commas alone, so such a phrase is a quote
    with a comma in it ("security, public order"): no tag or handle holds a
    comma, so it can match nothing there, while Whoosh would fail on it at
    search time. The phrase is still asked of the text fields. Dropped phrases
    are appended to `dropped`.
    """

    def drop(node: Query) -> Query:
        if isinstance(node, Phrase) and node.fieldname in schema:
            field_format = schema[node.fieldname].format
            if field_format is None or not field_format.supports("positions"):
                dropped.append(node)
                return NullQuery
        return node

    return query.accept(drop).normalize()
