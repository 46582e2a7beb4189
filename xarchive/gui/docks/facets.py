"""Facets: kind, tag, month, author, language, source — with counts for the current query.

Clicking a value narrows the search to it (a filter chip in the search bar).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from ..filters import FACET_TITLES, Filter, facet_value_label
from ..resources import icon, kind_icon

FACET_ORDER = ("kind", "month", "author", "language", "source", "tag")
FACET_ICONS = {
    "kind": "kind",
    "month": "calendar",
    "author": "person",
    "language": "language",
    "source": "globe",
    "tag": "tag",
}
FilterRole = Qt.ItemDataRole.UserRole + 1


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
        self.tree.itemCollapsed.connect(lambda it: self._collapsed.add(str(it.data(0, FilterRole))))
        self.tree.itemExpanded.connect(
            lambda it: self._collapsed.discard(str(it.data(0, FilterRole)))
        )

    def show_facets(
        self, facets: dict[str, tuple[tuple[str, int], ...]], active: list[Filter]
    ) -> None:
        """Replace the counts with those of the current query; active filters are checked."""
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
            self.tree.addTopLevelItem(group)
            group.setExpanded(name not in self._collapsed)

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
