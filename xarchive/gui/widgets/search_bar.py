"""The search bar: the query field, sort order, hit count, query errors and filter chips."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..filters import Filter, compose
from ..resources import icon

SORTS = (("relevance", "Most relevant"), ("date", "Newest first"), ("date-asc", "Oldest first"))
PLACEHOLDER = 'Search: words, "a phrase", kind:document, lang:ur, date:2024-02..2024-04, censor*'
_POSITION = re.compile(r"position (\d+)")


class _QueryField(QLineEdit):
    """The query field; Down moves to the results, Escape clears."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class SearchBar(QWidget):
    #: The query to run changed (after the typing pause, or at once for chips/sort/Enter).
    search_requested = Signal()
    #: Down arrow in the field: move focus to the results.
    focus_results = Signal()

    def __init__(self, delay_ms: int = 250, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filters: list[Filter] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.search_requested)

        self.field = _QueryField(self)
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setClearButtonEnabled(True)
        self.field.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.field.setToolTip(
            "Search the archive (Ctrl+L)\n\n"
            'words and "exact phrases":   court "national security"\n'
            "AND, OR, NOT, ( ):   (block OR ban) NOT tiktok\n"
            "fields:   kind:document  lang:ur  author:khan  tag:evidence  source:dawn.com\n"
            "dates:   date:2024-02-17  date:2024-02  date:2024-02-01..2024-04-30\n"
            "prefix and fuzzy:   censor*  judgement~\n\n"
            "Help ▸ Search Syntax (Shift+F1): the whole language, with examples"
        )
        self.field.setAccessibleName("Search query")
        self.field.textEdited.connect(self._typed)
        self.field.returnPressed.connect(self.search_now)
        self.field.down_pressed.connect(self.focus_results)
        # The clear button and Escape change the text without textEdited.
        self.field.textChanged.connect(lambda text: None if text else self._typed())

        self.sort_box = QComboBox(self)
        for key, label in SORTS:
            self.sort_box.addItem(icon("sort"), label, key)
        self.sort_box.setToolTip("Order of the results")
        self.sort_box.setAccessibleName("Order of the results")
        self.sort_box.currentIndexChanged.connect(lambda _: self.search_now())

        self.count_label = QLabel(self)
        self.count_label.setObjectName("hitCount")
        self.count_label.setMinimumWidth(90)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("queryError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self._chips = QHBoxLayout()
        self._chips.setContentsMargins(0, 0, 0, 0)
        self._chips.setSpacing(6)
        self._chips_row = QWidget(self)
        self._chips_row.setLayout(self._chips)
        self._chips_row.hide()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.field, 1)
        top.addWidget(self.sort_box)
        top.addWidget(self.count_label)
        self._tools = top
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(5)
        layout.addLayout(top)
        layout.addWidget(self._chips_row)
        layout.addWidget(self.error_label)

    # -- state -----------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.field.text()

    @property
    def sort(self) -> str:
        return str(self.sort_box.currentData())

    def set_sort(self, sort: str) -> None:
        index = self.sort_box.findData(sort)
        if index >= 0:
            self.sort_box.blockSignals(True)
            self.sort_box.setCurrentIndex(index)
            self.sort_box.blockSignals(False)

    def query(self) -> str:
        """The query that runs: the typed text with every filter's term."""
        return compose(self.text, self.filters)

    def set_query(self, text: str, filters: list[Filter] | None = None) -> None:
        """Replace the text (and filters), then search at once."""
        self.field.setText(text)
        self.filters = list(filters or [])
        self._rebuild_chips()
        self.search_now()

    def add_filter(self, f: Filter) -> None:
        if f in self.filters:
            return
        # A second range from the timeline replaces the first rather than intersecting.
        if f.facet == "date":
            self.filters = [g for g in self.filters if g.facet != "date"]
        self.filters.append(f)
        self._rebuild_chips()
        self.search_now()

    def remove_filter(self, f: Filter) -> None:
        if f in self.filters:
            self.filters.remove(f)
            self._rebuild_chips()
            self.search_now()

    def clear_filters(self) -> None:
        if self.filters:
            self.filters = []
            self._rebuild_chips()
            self.search_now()

    def search_now(self) -> None:
        self._timer.stop()
        self.search_requested.emit()

    def add_tool(self, widget: QWidget) -> None:
        """Put `widget` (a tool button of the window's) at the end of the query row."""
        self._tools.addWidget(widget)

    def focus(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    # -- feedback ------------------------------------------------------------------------
    def show_count(self, total: int | None, cards: int | None = None) -> None:
        """Say how many results the list shows: `cards` when the versions of an edited
        post found are one result (fewer than the `total` of items)."""
        self.count_label.setToolTip("")
        if total is None:
            self.count_label.setText("—")
        elif cards is None or cards == total:
            self.count_label.setText(f"{total:,} item" + ("" if total == 1 else "s"))
        else:
            self.count_label.setText(f"{cards:,} result" + ("" if cards == 1 else "s"))
            self.count_label.setToolTip(
                f"{total:,} items: the versions of an edited post are one result"
            )

    def show_busy(self, busy: bool) -> None:
        """Say a search is running (the count follows when it is done)."""
        if busy:
            self.count_label.setText("Searching…")

    def show_error(self, message: str) -> None:
        """Show why the query does not parse; mark the field. '' clears it."""
        self.field.setProperty("invalid", bool(message))
        self.field.style().unpolish(self.field)
        self.field.style().polish(self.field)
        if not message:
            self.error_label.hide()
            self.error_label.clear()
            return
        text = message[0].upper() + message[1:]
        match = _POSITION.search(message)
        # The core counts positions in the query as typed, leading spaces included.
        if match and int(match.group(1)) <= len(self.text):
            at = int(match.group(1)) - 1
            # Point at the problem: the query with the character in question marked.
            shown = self.text
            marked = shown[:at] + "⟦" + shown[at : at + 1] + "⟧" + shown[at + 1 :]
            text += f"\n{marked}"
        self.error_label.setText(text)
        self.error_label.show()

    def error_position(self) -> int | None:
        """The 0-based position in the field that the current error points at, if any."""
        match = _POSITION.search(self.error_label.text())
        return int(match.group(1)) - 1 if match else None

    # -- internals ------------------------------------------------------------------------
    def _typed(self, *_: object) -> None:
        self._timer.start()

    def _rebuild_chips(self) -> None:
        while self._chips.count():
            child = self._chips.takeAt(0)
            widget = child.widget()
            if widget is not None:
                widget.hide()  # at once: deleteLater waits for the event loop
                widget.setParent(None)
                widget.deleteLater()
        for f in self.filters:
            chip = QToolButton(self._chips_row)
            chip.setObjectName("chip")
            chip.setText(f.label)
            chip.setIcon(icon("clear"))
            chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            chip.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # the × after the label
            chip.setToolTip(f"Remove this filter ({f.term})")
            chip.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            chip.clicked.connect(lambda _=False, f=f: self.remove_filter(f))
            chip.setProperty("filterTerm", f.term)
            self._chips.addWidget(chip)
        if self.filters:
            clear = QToolButton(self._chips_row)
            clear.setText("Clear filters")
            clear.setAutoRaise(True)
            clear.clicked.connect(self.clear_filters)
            self._chips.addWidget(clear)
        self._chips.addStretch(1)
        self._chips_row.setVisible(bool(self.filters))

    def chip_buttons(self) -> list[QToolButton]:
        return [
            w
            for i in range(self._chips.count())
            if isinstance(w := self._chips.itemAt(i).widget(), QToolButton)
            and w.objectName() == "chip"
        ]
