"""Every kind of item has its own tile (results, headers, links, the graph): a message
was shown with the tile of unknown kinds."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from xarchive.gui import resources
from xarchive.gui.annotate.graph import KIND_COLOURS
from xarchive.gui.filters import KIND_TITLES


def test_every_kind_has_its_tile_and_colour(qtbot: QtBot) -> None:
    for kind in KIND_TITLES:
        assert kind in resources.KINDS, kind
        assert (resources.resources_dir() / "icons" / f"kind-{kind}.svg").is_file(), kind
        assert kind in KIND_COLOURS, kind
        tile = resources.kind_icon(kind).pixmap(24, 24).toImage()
        unknown = resources.kind_icon("no such kind").pixmap(24, 24).toImage()
        assert not tile.isNull() and tile != unknown, kind
