"""The parser of the `xarchive` command: every subcommand, in the order the help lists them.

Each command module adds its own subcommands (`add_<command>`) and runs them
(`cmd_<command>`); the core is imported only when a command runs, so that building
the parser loads no importer, language model, search engine or Qt
(tests/core/test_cli_startup.py). To add a command: write `add_x` and `cmd_x` in the
module of its group and name it in COMMANDS.

`xarchive search …` builds only the `search` subcommand, from its module alone:
building all twenty-one, with their help texts, from six modules took a tenth of a
quick command's start.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from .. import __version__
from .shared import Commands, HelpFormatter

#: Each subcommand and the module of `xarchive.cli` that adds it (with `add_<name>`,
#: dashes as underscores), in the order `xarchive --help` lists them.
COMMANDS = (
    ("init", "archive"),
    ("import", "importing"),
    ("search", "search"),
    ("show", "search"),
    ("reindex", "archive"),
    ("verify", "archive"),
    ("status", "archive"),
    ("properties", "archive"),
    ("demo", "search"),
    ("note", "annotate"),
    ("highlight", "annotate"),
    ("region", "annotate"),
    ("tag", "annotate"),
    ("tags", "annotate"),
    ("link", "annotate"),
    ("annotations", "annotate"),
    ("delete", "annotate"),
    ("export", "bundles"),
    ("verify-bundle", "bundles"),
    ("import-bundle", "bundles"),
    ("suggestions", "suggest"),
)
NAMES = tuple(name for name, _ in COMMANDS)


class Parser(argparse.ArgumentParser):
    """argparse's parser, knowing the names of its subcommands (`commands`); its help
    (and that of its subcommands, parsers of this class too) formatted by
    shared.HelpFormatter unless they say otherwise."""

    commands: tuple[str, ...] = ()

    def __init__(self, *args: Any, **options: Any) -> None:
        options.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **options)


def build_parser(only: str | None = None) -> Parser:
    """The whole parser; with `only` (a command's name), one that knows that command
    alone — as it parses that command's arguments, and its --help, the same."""
    parser = Parser(
        prog="xarchive",
        description="An offline archive for documenting censorship and human-rights cases. "
        "With no command, opens the demo archive.",
    )
    parser.add_argument("--version", action="version", version=f"xarchive {__version__}")
    commands = Commands(parser)
    for name, module in COMMANDS:
        if only is None or name == only:
            adds = importlib.import_module(f"{__package__}.{module}")
            getattr(adds, "add_" + name.replace("-", "_"))(commands)
    parser.commands = NAMES
    return parser
