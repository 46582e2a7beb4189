"""The parser of the `xarchive` command: every subcommand, in the order the help lists them.

Each command module adds its own subcommands (`add_<command>`) and runs them
(`cmd_<command>`); the core is imported only when a command runs, so that building
the parser loads no importer, language model, search engine or Qt
(tests/core/test_cli_startup.py). To add a command: write `add_x` and `cmd_x` in the
module of its group and name `add_x` in COMMANDS.
"""

from __future__ import annotations

import argparse

from .. import __version__
from . import annotate, archive, bundles, importing, search, suggest
from .shared import Commands

#: What `build_parser` adds, in the order `xarchive --help` lists the commands.
COMMANDS = (
    archive.add_init,
    importing.add_import,
    search.add_search,
    search.add_show,
    archive.add_reindex,
    archive.add_verify,
    archive.add_status,
    archive.add_properties,
    search.add_demo,
    annotate.add_note,
    annotate.add_highlight,
    annotate.add_region,
    annotate.add_tag,
    annotate.add_tags,
    annotate.add_link,
    annotate.add_annotations,
    annotate.add_delete,
    bundles.add_export,
    bundles.add_verify_bundle,
    bundles.add_import_bundle,
    suggest.add_suggestions,
)


class Parser(argparse.ArgumentParser):
    """argparse's parser, knowing the names of its subcommands (`commands`)."""

    commands: tuple[str, ...] = ()


def build_parser() -> Parser:
    parser = Parser(
        prog="xarchive",
        description="An offline archive for documenting censorship and human-rights cases. "
        "With no command, opens the demo archive.",
    )
    parser.add_argument("--version", action="version", version=f"xarchive {__version__}")
    commands = Commands(parser)
    for add in COMMANDS:
        add(commands)
    parser.commands = tuple(commands.names)
    return parser
