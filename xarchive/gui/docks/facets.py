"""Facets: kind, month, author (a message's From), a message's To and Cc, account, hashtag,
mention, withheld in, language, source, tag — with counts for the current query.

Clicking a value narrows the search to it (a filter chip in the search bar). A
facet with many values (hashtags of 100 000 posts) shows the most frequent ones
and a "Show all" row; the active filters are always shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from ..filters import FACET_TITLES, Filter, facet_value_label
from ..resources import icon, kind_icon

FACET_ORDER = (
    "kind", "month", "author", "to", "cc", "account", "hashtag", "mention", "withheld", "language",
    "source", "tag",
)  # fmt: skip
FACET_ICONS = {
    "kind": "kind",
    "month": "calendar",
    "author": "person",
    "to": "mail",
    "cc": "mail",
    "account": "at",
    "hashtag": "hash",
    "withheld": "warning",
    "mention": "mention",
    "language": "language",
    "source": "globe",
    "tag": "tag",
}
FilterRole = Qt.ItemDataRole.UserRole + 1
#: Values shown per facet until the user asks for all of them.
TOP_VALUES = 10
#: Marks the "Show all" row of a facet (its data is the facet's name).
ShowAllRole = Qt.ItemDataRole.UserRole + 2


class FacetsDock(QDockWidget):
    facet_chosen = Signal(object)  # Filter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Filters", parent)
        self.setObjectName("facetsDock")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("facets")
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(12)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        self.tree.setToolTip("Click a value to narrow the search to it")
        self.setWidget(self.tree)
        self._collapsed: set[str] = set()
        self._show_all: set[str] = set()
        self._last: tuple[dict[str, tuple[tuple[str, int], ...]], list[Filter]] = ({}, [])
        self.tree.itemCollapsed.connect(lambda it: self._collapsed.add(str(it.data(0, FilterRole))))
        self.tree.itemExpanded.connect(
            lambda it: self._collapsed.discard(str(it.data(0, FilterRole)))
        )

    def show_facets(
        self, facets: dict[str, tuple[tuple[str, int], ...]], active: list[Filter]
    ) -> None:
        """Replace the counts with those of the current query; active filters are checked."""
        self._last = (facets, list(active))
        scroll = self.tree.verticalScrollBar().value()
        self.tree.clear()
        for name in FACET_ORDER:
            values = facets.get(name, ())
            if not values:
                continue
            group = QTreeWidgetItem([FACET_TITLES.get(name, name.title()), ""])
            group.setIcon(0, icon(FACET_ICONS.get(name, "filter")))
            group.setData(0, FilterRole, name)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setWeight(font.Weight.DemiBold)
            group.setFont(0, font)
            if name == "month":  # newest first reads like a timeline
                values = tuple(sorted(values, key=lambda kv: kv[0], reverse=True))
            hidden = 0
            if name not in self._show_all and len(values) > TOP_VALUES + 1:
                shown = {Filter(name, v) for v, _ in values[:TOP_VALUES]}
                kept = tuple(kv for kv in values if Filter(name, kv[0]) in shown | set(active))
                hidden, values = len(values) - len(kept), kept
            for value, count in values:
                f = Filter(name, value)
                child = QTreeWidgetItem([facet_value_label(f), f"{count:,}"])
                child.setData(0, Qt.ItemDataRole.UserRole, f)
                child.setTextAlignment(
                    1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                child.setToolTip(0, f"Show only {facet_value_label(f)} ({f.term})")
                if name == "kind":
                    child.setIcon(0, kind_icon(value))
                if f in active:
                    font = child.font(0)
                    font.setBold(True)
                    child.setFont(0, font)
                group.addChild(child)
            if hidden:
                more = QTreeWidgetItem([f"Show all ({hidden:,} more)…", ""])
                more.setData(0, ShowAllRole, name)
                more.setToolTip(0, f"List every {FACET_TITLES.get(name, name).lower()}")
                font = more.font(0)
                font.setItalic(True)
                more.setFont(0, font)
                group.addChild(more)
            self.tree.addTopLevelItem(group)
            group.setExpanded(name not in self._collapsed)
        self.tree.verticalScrollBar().setValue(scroll)

    def value_items(self, facet: str) -> list[QTreeWidgetItem]:
        """The rows of one facet (for tests and keyboard users)."""
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group.data(0, FilterRole) == facet:
                return [group.child(j) for j in range(group.childCount())]
        return []

    def _clicked(self, item: QTreeWidgetItem, column: int = 0) -> None:
        f = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(f, Filter):
            self.facet_chosen.emit(f)
            return
        facet = item.data(0, ShowAllRole)
        if isinstance(facet, str) and facet:
            self._show_all.add(facet)
            self.show_facets(*self._last)
