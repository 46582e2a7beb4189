"""Help ▸ Search Syntax: the whole query language, with examples that run when clicked.

The rows are written for people, but the field names, their aliases and the
values of `is:`, `has:` and `changed:` come from the index schema itself, so that a field
added there shows up here (a test checks that every field the parser knows is
explained).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote, unquote

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

# The schema is plain data; importing it loads Whoosh, which the search has loaded
# anyway by the time someone opens this dialog.
from ...core.index.schema import FIELD_ALIASES, FIELD_CHOICES, FLAG_VALUES
from ..bidi import mostly_rtl
from ..theme import colors
from ..views.safe_browser import SafeTextBrowser

#: Links to examples: run:<the query, percent-encoded>.
RUN = "run"


@dataclass(frozen=True, slots=True)
class Example:
    """One row: what to type, and what it finds. `field` names the field it explains
    (its aliases are added to the explanation)."""

    query: str
    finds: str
    field: str = ""


def _also(field: str) -> str:
    aliases = sorted(alias for alias, target in FIELD_ALIASES.items() if target == field)
    choices = sorted(name for name, targets in FIELD_CHOICES.items() if field in targets)
    said = [f"also {', '.join(a + ':' for a in aliases)}"] if aliases else []
    said += [f"{name}: asks {' and '.join(t + ':' for t in FIELD_CHOICES[name])} at once"
             for name in choices]  # fmt: skip
    return f" ({'; '.join(said)})" if said else ""


def _choice(name: str, example: str, finds: str) -> Example:
    """A row for a name that asks two fields at once (from:, to:)."""
    both = " and ".join(t + ":" for t in FIELD_CHOICES[name])
    return Example(example, f"{finds}: {name}: asks {both} at once", name)


#: Values the demo archive has nothing for: named in the text of their field's first
#: example rather than linked (every link finds something in the demo).
_NAMED_ONLY = {
    ("is", "suspended"), ("changed", "text"), ("changed", "media"), ("changed", "reply"),
    ("changed", "quote"), ("changed", "deleted"), ("changed", "account"),
}  # fmt: skip


def _flags() -> list[Example]:
    """An example of each value of is:, has: and changed:."""
    found = []
    for field, values in FLAG_VALUES.items():
        linked = [(v, w) for v, w in values.items() if (field, v) not in _NAMED_ONLY]
        named = [f"{field}:{v} ({w})" for v, w in values.items() if (field, v) in _NAMED_ONLY]
        for number, (value, what) in enumerate(linked):
            finds = f"{what[0].upper()}{what[1:]}"
            if number == 0 and named:
                finds += "; also " + ", ".join(named)
            found.append(Example(f"{field}:{value}", finds, field))
    return found


def sections() -> list[tuple[str, list[Example]]]:
    """The language, section by section."""
    flags = _flags()
    return [
        (
            "Words and phrases",
            [
                Example(
                    "court blocking",
                    "Items with both words. English words match their other forms: "
                    "blocked finds block.",
                ),
                Example(
                    '"national security"',
                    "The exact phrase. Commas and other punctuation inside the quotes "
                    'are fine: "security, public order".',
                ),
                Example(
                    "پابندی",
                    "Urdu words, whichever keyboard typed them: the Arabic and Urdu forms "
                    "of yeh, kaf and heh are one letter to the search, and diacritics "
                    "are ignored.",
                ),
                Example("censor*", "Words that begin so: censor, censored, censorship."),
                Example(
                    "ministery~",
                    "Words spelt nearly so (one letter off: ministry); ministery~2 allows two.",
                ),
                Example("*", "Everything (so does an empty search field)."),
            ],
        ),
        (
            "Combining (the operators in capitals)",
            [
                Example("block OR ban", "Either word."),
                Example("blocking AND court", "Both words: the same as a space between them."),
                Example("(block OR ban) NOT tiktok", "Without a word; parentheses group."),
            ],
        ),
        (
            "What an item is, and where it came from",
            [
                Example(
                    "kind:document",
                    "Items of a kind: document (PDF), image, article, post, text, message, video"
                    + _also("kind"),
                    "kind",
                ),
                Example(
                    "lang:ur",
                    "Items in a language: ur (Urdu), en (English)" + _also("lang"),
                    "lang",
                ),
                Example("author:desk", "Words in the author's name" + _also("author"), "author"),
                Example("title:ministry", "Words in the title", "title"),
                Example("content:petition", "Words in the text only" + _also("content"), "content"),
                Example(
                    "filename:reply",
                    "Words in the original file name" + _also("filename"),
                    "filename",
                ),  # fmt: skip
                Example(
                    "source:margallatimes.example",
                    "Items from a web site" + _also("source"),
                    "source",
                ),
                Example("alt:chart", "Words in the descriptions of pictures", "alt"),
                Example(
                    "ocr:done",
                    "Items whose text was recognised in a picture or a scan "
                    "(ocr:missing-tesseract: those still waiting for it)",
                    "ocr",
                ),
            ],
        ),
        (
            "Your notes and tags",
            [
                Example("tag:evidence", "Items you tagged so" + _also("tag"), "tag"),
                Example(
                    "note:admission",
                    "Words in your notes" + _also("note") + "; plain words find notes too",
                    "note",
                ),
            ],
        ),
        (
            "Posts",
            [
                Example(
                    "account:demo_reporter",
                    "Posts of an account, with or without its @" + _also("account"),
                    "account",
                ),
                Example(
                    "hashtag:keepiton",
                    "Posts with a hashtag, with or without its #" + _also("hashtag"),
                    "hashtag",
                ),
                Example(
                    "mention:pk_digital_rights_demo",
                    "Posts that mention an account" + _also("mention"),
                    "mention",
                ),
                Example(
                    "withheld:PK",
                    "Posts withheld in a country (its two-letter code; XX: every country), "
                    "or whose whole account is, in any capture" + _also("withheld"),
                    "withheld",
                ),
                Example(
                    "withheld:any",
                    "Posts withheld anywhere (withheld:copyright: for a copyright claim)",
                    "withheld",
                ),
                *flags,
            ],
        ),
        (
            "E-mail messages",
            [
                Example(
                    "sender:registry@ihc-demo.example",
                    "Messages from an address (sender:@ihc-demo.example: from anyone there)"
                    + _also("sender"),
                    "sender",
                ),
                Example(
                    "recipient:@demo-press-club.example",
                    "Messages to an address or anyone at a domain, in To or Cc"
                    + _also("recipient"),
                    "recipient",
                ),
                Example(
                    "sent_to:counsel@demo-press-club.example",
                    "Messages with an address, or anyone at a domain, in To (Cc left out)",
                    "sent_to",
                ),
                Example(
                    "cc:@interior-demo.example",
                    "Messages with an address, or anyone at a domain, in Cc",
                    "cc",
                ),
                Example(
                    "message_id:notice-2024-04-17*",
                    "A message by its Message-ID, without the < > around it (here the "
                    "start of it: notice-2024-04-17-moi-report@ihc-demo.example)",
                    "message_id",
                ),
                _choice(
                    "from",
                    "from:registry@ihc-demo.example",
                    "A message's sender or a post's account (from:demo_reporter finds the "
                    "account's posts)",
                ),
                _choice(
                    "to",
                    "to:demo_reporter",
                    "A message's recipients or the accounts a post mentions "
                    "(to:counsel@demo-press-club.example)",
                ),
            ],
        ),
        (
            "Dates",
            [
                Example(
                    "date:2024-02-17",
                    "On a day. date: is the published date, else the captured one",
                    "date",
                ),
                Example("date:2024-02", "In a month (date:2024: in a year)", "date"),
                Example("date:2024-02-01..2024-04-30", "From a day to a day, both included"),
                Example("date:>=2024-04", "From a date on (so does date:2024-04..)"),
                Example("date:<=2024-02-20", "Up to a date, included (so does date:..2024-02-20)"),
                Example("published:2024-04", "By the date it was published", "published"),
                Example("captured:2024", "By the date it was saved from the web", "captured"),
                Example("imported:>=2024", "By the date it came into this archive", "imported"),
            ],
        ),
    ]


def explained_fields() -> set[str]:
    """The field names (and aliases) the dialog explains."""
    fields = {e.field for _, rows in sections() for e in rows if e.field}
    return fields | {alias for alias, target in FIELD_ALIASES.items() if target in fields}


def page_html() -> str:
    """The language as one page: a table per section, each example a link."""
    c = colors()
    parts = [
        "<p>Type in the search field (Ctrl+L): results follow as you type. Parts combine: "
        "<code>kind:post lang:ur date:2024-02</code>. A search that cannot run says where "
        "it goes wrong. <b>Click an example</b> (or Tab to it and press Enter) to run it.</p>"
    ]
    for title, rows in sections():
        parts.append(f"<h3>{html.escape(title)}</h3>")
        parts.append('<table cellspacing="0" cellpadding="3" width="100%">')
        for example in rows:
            rtl = mostly_rtl(example.query)
            # Arabic letters set in a monospaced face come apart; Urdu keeps the text face.
            face = "font-size: large;" if rtl else "font-family: monospace;"
            shown = html.escape(example.query)
            link = (
                f'<a href="{RUN}:{quote(example.query, safe="")}" '
                f'style="{face} color: {c.link}; text-decoration: none;">'
                f"{shown}</a>"
            )
            parts.append(
                '<tr><td width="34%" align="left" style="white-space: nowrap; '
                f'padding-right: 14px;">'
                f"{link}</td><td>{html.escape(example.finds)}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)


class SearchSyntaxDialog(QDialog):
    """Every part of the query language, each with an example; clicking one runs it."""

    #: An example was chosen: the query to run.
    example_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search syntax")
        self.resize(860, 680)
        self.page = SafeTextBrowser(self)
        self.page.setAccessibleName("Search syntax, with examples to run")
        self.page.document().setDocumentMargin(14)
        self.page.setHtml(page_html())
        self.page.link_clicked.connect(self._link_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addWidget(buttons)

    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() == RUN:
            self.example_chosen.emit(unquote(url.toString()[len(RUN) + 1 :]))

    def examples(self) -> list[str]:
        """The queries of the examples, in order."""
        return [e.query for _, rows in sections() for e in rows]
