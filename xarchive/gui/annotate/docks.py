"""The Annotations dock (the shown item's tags, notes, highlights and regions) and the
Links dock (its links and backlinks, each opening the item at the other end)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.annotate import RELATIONS, Annotation, ItemAnnotations, Link
from ...core.errors import ItemNotFound
from ..resources import icon, kind_icon
from .colours import HIGHLIGHT_COLOURS, REGION, highlight_colour
from .controller import AnnotationController
from .tag_editor import FlowLayout, TagEditor

UID_ROLE = Qt.ItemDataRole.UserRole
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1


def swatch(colour: QColor, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(colour)
    painter.setPen(colour.darker(140))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


def describe(annotation: Annotation) -> str:
    """One entry of the dock: what is annotated, then the note."""
    lines = []
    if annotation.kind == "highlight" and annotation.span is not None:
        quote = " ".join(annotation.span.exact.split())
        if len(quote) > 160:
            quote = quote[:159] + "…"
        where = f"p. {annotation.span.page}: " if annotation.span.page > 1 else ""
        lines.append(f"{where}“{quote}”")
    elif annotation.kind == "region" and annotation.box is not None:
        box = annotation.box
        where = f"Region on page {box.page}" if box.page else "Region"
        lines.append(f"{where} · {box.w:.0f} × {box.h:.0f}")
    if annotation.note:
        lines.append(annotation.note)
    elif annotation.kind != "note":
        lines.append("(no note)")
    if annotation.orphaned:
        lines.append("⚠ not found in the current text; kept where it was")
    return "\n".join(lines)


def _tool_button(parent: QWidget, icon_name: str, tip: str) -> QToolButton:
    """A compact button: its icon only while the dock is narrow (the text is its tooltip)."""
    button = QToolButton(parent)
    button.setIcon(icon(icon_name))
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return button


class AnnotationsDock(QDockWidget):
    """Tags and annotations of the item in the viewer; edit a note, delete, go to one."""

    #: Show this annotation in the viewer (scroll to it, go to its page).
    annotation_activated = Signal(object)

    def __init__(self, controller: AnnotationController, parent: QWidget | None = None) -> None:
        super().__init__("Annotations", parent)
        self.setObjectName("annotationsDock")
        self.controller = controller
        self.item_id: int | None = None
        self.shown: ItemAnnotations | None = None
        self._editing: str | None = None  # uid, or "" for a new note

        body = QWidget(self)
        self.title = QLabel("No item is shown.", body)
        self.title.setObjectName("muted")
        self.title.setWordWrap(True)
        self.title.setMinimumWidth(40)  # a long word must not widen the window
        self.tags = TagEditor(body)
        self.tags.tag_added.connect(self._tag)
        self.tags.tag_removed.connect(self._untag)

        self.list = QListWidget(body)
        self.list.setObjectName("annotationsList")
        self.list.setWordWrap(True)
        self.list.setIconSize(QSize(14, 14))
        self.list.setSpacing(2)
        self.list.setMinimumHeight(48)
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._clicked)
        self.list.itemDoubleClicked.connect(lambda e: self.edit_note(e.data(UID_ROLE)))
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.empty = QLabel(
            "No notes yet. Select text and press Ctrl+H to highlight it, draw a region "
            "with Shift+drag on a picture, or add a note.",
            body,
        )
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.empty.setMinimumWidth(40)

        self.add_button = _tool_button(body, "note", "A note on the whole item")
        self.add_button.setText("Add Note")
        self.add_button.clicked.connect(self.start_new_note)
        self.edit_button = _tool_button(body, "note", "Edit the note (double-click)")
        self.edit_button.setText("Edit")
        self.edit_button.clicked.connect(lambda: self.edit_note(self.current_uid()))
        self.delete_button = _tool_button(body, "clear", "Delete it (it can be undone)")
        self.delete_button.setText("Delete")
        self.delete_button.clicked.connect(self.delete_current)
        buttons_row = QWidget(body)
        buttons = FlowLayout(buttons_row)  # wraps when the dock is narrow
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)

        # The note editor, shown below the list while a note is edited.
        self.editor = QWidget(body)
        self.editor_label = QLabel(self.editor)
        self.note_field = QPlainTextEdit(self.editor)
        self.note_field.setPlaceholderText("Write a note…")
        self.note_field.setTabChangesFocus(True)
        self.note_field.setMaximumHeight(110)
        self.colour_box = QComboBox(self.editor)
        for name, code in HIGHLIGHT_COLOURS:
            self.colour_box.addItem(swatch(highlight_colour(code)), name, code)
        self.colour_box.setToolTip("The highlight's colour")
        self.save_button = QPushButton("&Save", self.editor)
        self.save_button.setToolTip("Save the note (Ctrl+Enter)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_note)
        cancel = QPushButton("Cancel", self.editor)
        cancel.clicked.connect(self.cancel_edit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.note_field, self.save_note)
        QShortcut(QKeySequence("Escape"), self.note_field, self.cancel_edit)
        editor_buttons = QHBoxLayout()
        editor_buttons.addWidget(self.colour_box)
        editor_buttons.addStretch(1)
        editor_buttons.addWidget(cancel)
        editor_buttons.addWidget(self.save_button)
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.setContentsMargins(0, 4, 0, 0)
        editor_layout.addWidget(self.editor_label)
        editor_layout.addWidget(self.note_field)
        editor_layout.addLayout(editor_buttons)
        self.editor.hide()

        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.tags)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons_row)
        layout.addWidget(self.editor)
        self.setWidget(body)
        controller.changed.connect(lambda _change: self.refresh())
        self.show_item(None)

    # -- what is shown ------------------------------------------------------------------
    def show_item(self, item_id: int | None, title: str = "") -> None:
        if item_id != self.item_id:
            self.cancel_edit()
        self.item_id = item_id
        self.title.setText(title if item_id is not None else "No item is shown.")
        self.title.setToolTip(title)
        self.refresh()

    def refresh(self) -> None:
        current = self.current_uid()
        self.list.clear()
        found = self.controller.of_item(self.item_id) if self.item_id is not None else None
        self.shown = found
        self.tags.setVisible(found is not None)
        if found is None:
            self.empty.setVisible(self.item_id is not None)
            self._update_buttons()
            return
        self.tags.set_tags([t.name for t in found.tags])
        self.tags.set_completions(self.controller.tag_names())
        for annotation in (*found.notes, *found.highlights, *found.regions):
            entry = QListWidgetItem(describe(annotation))
            entry.setData(UID_ROLE, annotation.uid)
            entry.setToolTip(
                f"{annotation.creator}, {annotation.modified_at[:16].replace('T', ' ')}"
            )
            if annotation.kind == "highlight":
                entry.setIcon(swatch(highlight_colour(annotation.colour)))
            elif annotation.kind == "region":
                entry.setIcon(swatch(QColor(REGION)))
            else:
                entry.setIcon(icon("note"))
            self.list.addItem(entry)
            if annotation.uid == current:
                self.list.setCurrentItem(entry)
        self.empty.setVisible(self.list.count() == 0)
        self._update_buttons()

    def annotation(self, uid: str | None) -> Annotation | None:
        if self.shown is None or not uid:
            return None
        for a in (*self.shown.notes, *self.shown.highlights, *self.shown.regions):
            if a.uid == uid:
                return a
        return None

    def current_uid(self) -> str | None:
        entry = self.list.currentItem()
        return None if entry is None else entry.data(UID_ROLE)

    def select(self, uid: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(UID_ROLE) == uid:
                self.list.setCurrentRow(row)
                self.list.scrollToItem(self.list.item(row))
                return

    def _update_buttons(self) -> None:
        writable = self.controller.writable and self.item_id is not None
        selected = self.current_uid() is not None
        self.add_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and selected)
        self.delete_button.setEnabled(writable and selected)
        self.tags.field.setEnabled(writable)

    def _clicked(self, entry: QListWidgetItem) -> None:
        found = self.annotation(entry.data(UID_ROLE))
        if found is not None:
            self.annotation_activated.emit(found)

    # -- editing ----------------------------------------------------------------------
    def start_new_note(self) -> None:
        if self.item_id is None or not self.controller.writable:
            return
        self._open_editor("", "New note on this item:", "", None)

    def edit_note(self, uid: str | None) -> None:
        found = self.annotation(uid)
        if found is None or not self.controller.writable:
            return
        self.select(found.uid)
        label = {"note": "Note:", "highlight": "Note on the highlight:",
                 "region": "Note on the region:"}[found.kind]  # fmt: skip
        self._open_editor(
            found.uid, label, found.note, found.colour if found.kind == "highlight" else None
        )

    def _open_editor(self, uid: str, label: str, text: str, colour: str | None) -> None:
        self._editing = uid
        self.editor_label.setText(label)
        self.note_field.setPlainText(text)
        self.colour_box.setVisible(colour is not None)
        if colour is not None:
            index = self.colour_box.findData(colour)
            self.colour_box.setCurrentIndex(max(0, index))
        self.editor.show()
        if not self.isVisible():
            self.show()
        self.raise_()
        self.note_field.setFocus()
        self.note_field.moveCursor(self.note_field.textCursor().MoveOperation.End)

    def cancel_edit(self) -> None:
        self._editing = None
        self.editor.hide()

    @property
    def editing(self) -> str | None:
        return self._editing

    def save_note(self) -> None:
        uid, text = self._editing, self.note_field.toPlainText()
        if uid is None or self.item_id is None:
            return
        item_id = self.item_id
        if uid == "":
            if not text.strip():
                self.cancel_edit()
                return
            done = self.controller.run(
                "Could not add the note", lambda n: n.add_note(item_id, text)
            )
        else:
            colour = self.colour_box.currentData() if self.colour_box.isVisible() else None
            done = self.controller.run(
                "Could not save the note", lambda n: n.edit(uid, note=text, colour=colour)
            )
        if done is not None:
            self.cancel_edit()
            self.select(done.uid)

    def delete_current(self) -> None:
        uid = self.current_uid()
        if uid is not None:
            if self._editing == uid:
                self.cancel_edit()
            self.controller.run("Could not delete it", lambda n: n.delete(uid))

    def _tag(self, name: str) -> None:
        if self.item_id is not None:
            item_id = self.item_id
            self.controller.run("Could not tag the item", lambda n: n.tag(item_id, name))

    def _untag(self, name: str) -> None:
        if self.item_id is not None:
            item_id = self.item_id
            self.controller.run("Could not untag the item", lambda n: n.untag(item_id, name))


class LinksDock(QDockWidget):
    """Links from the shown item and backlinks to it; a click opens the other item."""

    open_item = Signal(int)
    link_requested = Signal()

    def __init__(self, controller: AnnotationController, parent: QWidget | None = None) -> None:
        super().__init__("Links", parent)
        self.setObjectName("linksDock")
        self.controller = controller
        self.item_id: int | None = None
        self.shown: ItemAnnotations | None = None
        body = QWidget(self)
        self.tree = QTreeWidget(body)
        self.tree.setObjectName("linksTree")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.tree.setWordWrap(True)
        self.tree.setIconSize(QSize(18, 18))
        self.tree.setMinimumHeight(48)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.outgoing = QTreeWidgetItem(["Links from this item"])
        self.incoming = QTreeWidgetItem(["Backlinks: items linking here"])
        for group in (self.outgoing, self.incoming):
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
        self.link_button = _tool_button(body, "link", "Link this item to another (Ctrl+K)")
        self.link_button.setText("Link to…")
        self.link_button.clicked.connect(self.link_requested)
        self.relation_box = QComboBox(body)
        self.relation_box.setEditable(True)
        self.relation_box.addItems(RELATIONS)
        self.relation_box.setToolTip("The relation of the selected link")
        self.relation_box.activated.connect(lambda _i: self._change_relation())
        self.relation_box.lineEdit().returnPressed.connect(self._change_relation)
        self.relation_box.setMinimumContentsLength(4)
        self.relation_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.remove_button = _tool_button(body, "clear", "Remove the selected link")
        self.remove_button.setText("Remove")
        self.remove_button.clicked.connect(self.remove_current)
        buttons_row = QWidget(body)
        buttons = FlowLayout(buttons_row)
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.relation_box)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons_row)
        self.setWidget(body)
        controller.changed.connect(lambda _change: self.refresh())
        self.show_item(None)

    def show_item(self, item_id: int | None) -> None:
        self.item_id = item_id
        self.refresh()

    def refresh(self) -> None:
        current = self.current_link()
        for group in (self.outgoing, self.incoming):
            group.takeChildren()
        found = self.controller.of_item(self.item_id) if self.item_id is not None else None
        self.shown = found
        if found is not None and self.controller.session is not None:
            for group, links in ((self.outgoing, found.links), (self.incoming, found.backlinks)):
                for link in links:
                    entry = self._entry(link, outgoing=group is self.outgoing)
                    group.addChild(entry)
                    if current is not None and link.uid == current.uid:
                        self.tree.setCurrentItem(entry)
                if not links:
                    none = QTreeWidgetItem(["none"])
                    none.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    none.setForeground(0, self.palette().placeholderText())
                    group.addChild(none)
        self.outgoing.setText(0, f"Links from this item ({len(found.links) if found else 0})")
        self.incoming.setText(
            0, f"Backlinks: items linking here ({len(found.backlinks) if found else 0})"
        )
        self.tree.expandAll()
        self._update_buttons()

    def _entry(self, link: Link, outgoing: bool) -> QTreeWidgetItem:
        assert self.controller.session is not None
        other = link.target_id if outgoing else link.source_id
        title, kind = "(a deleted item)", "unknown"
        if other is not None:
            try:
                item = self.controller.session.item(other)
                title, kind = item.title or item.original_name, item.kind
            except ItemNotFound:
                other = None
        text = f"{link.relation} → {title}" if outgoing else f"{title} → {link.relation}"
        if link.note:
            text += f"\n{link.note}"
        entry = QTreeWidgetItem([text])
        entry.setIcon(0, kind_icon(kind))
        entry.setData(0, UID_ROLE, link.uid)
        entry.setData(0, ITEM_ROLE, other)
        entry.setToolTip(0, f"Open #{other}: {title}" if other is not None else title)
        return entry

    def entries(self, outgoing: bool) -> list[tuple[str, int | None, str]]:
        """(relation, other item, text) of each row shown: what a person reads."""
        group = self.outgoing if outgoing else self.incoming
        links = {lk.uid: lk for lk in (*(self.shown.links if self.shown else ()),
                                        *(self.shown.backlinks if self.shown else ()))}  # fmt: skip
        rows = []
        for i in range(group.childCount()):
            child = group.child(i)
            uid = child.data(0, UID_ROLE)
            if uid in links:
                rows.append((links[uid].relation, child.data(0, ITEM_ROLE), child.text(0)))
        return rows

    def current_link(self) -> Link | None:
        entry = self.tree.currentItem()
        uid = entry.data(0, UID_ROLE) if entry is not None else None
        if not uid or self.shown is None:
            return None
        return next(
            (lk for lk in (*self.shown.links, *self.shown.backlinks) if lk.uid == uid), None
        )

    def _activated(self, entry: QTreeWidgetItem, _column: int = 0) -> None:
        other = entry.data(0, ITEM_ROLE)
        if entry.data(0, UID_ROLE) and other is not None:
            self.open_item.emit(int(other))

    def _update_buttons(self) -> None:
        writable = self.controller.writable and self.item_id is not None
        link = self.current_link()
        self.link_button.setEnabled(writable)
        self.remove_button.setEnabled(writable and link is not None)
        self.relation_box.setEnabled(writable and link is not None)
        if link is not None:
            self.relation_box.setCurrentText(link.relation)

    def _change_relation(self) -> None:
        link = self.current_link()
        relation = self.relation_box.currentText().strip()
        if link is not None and relation and relation != link.relation:
            self.controller.run(
                "Could not change the link", lambda n: n.edit_link(link.uid, relation=relation)
            )

    def remove_current(self) -> None:
        link = self.current_link()
        if link is not None:
            self.controller.run("Could not remove the link", lambda n: n.unlink(link.uid))
