"""Annotating in the main window: the docks, the Edit and Annotate menus' entries, the
viewers' highlights and regions, tagging results, linking by picker or by drag and drop.

`AnnotateUi(host, viewer, results, model, search_bar)` makes all of it for the window
that hosts it (host.py), which places the docks; the window tells it when the archive
closes (`set_session(None)`); everything else it learns from the host's and the viewer's
signals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, QRectF, Qt
from PySide6.QtWidgets import QAbstractItemView, QMenu

from ...core.annotate import Annotation, Change
from ...core.errors import ItemNotFound
from ...core.model import Item
from ...core.words import page_text
from ..filters import Filter
from ..host import Host
from ..messages import Problem
from ..models.results import ResultsModel
from ..operations import Changes
from ..resources import icon
from ..session import ArchiveSession
from ..views.item import ItemViewer
from ..views.post import PostCard
from ..widgets.results_view import ResultsView
from ..widgets.search_bar import SearchBar
from .colours import highlight_colour
from .controller import AnnotationController
from .docks import AnnotationsDock, LinksDock
from .link_picker import ItemDropTarget, LinkPicker, ResultDragger
from .regions import RegionLayer
from .tag_editor import TagItemsDialog, TagsManagerDialog
from .text_highlights import TextHighlights
from .textmap import find_in_pages, find_span, quote_in

if TYPE_CHECKING:
    from .graph import LinkGraphDialog  # loaded when the graph is first opened

log = logging.getLogger(__name__)


class AnnotateUi(QObject):
    def __init__(
        self,
        host: Host,
        viewer: ItemViewer,
        results: ResultsView,
        model: ResultsModel,
        search_bar: SearchBar,
    ) -> None:
        super().__init__(host.window())
        self.host = host
        self.viewer = viewer
        self.results = results
        self.model = model
        self.search_bar = search_bar
        window = host.window()
        self.controller = AnnotationController(self)
        self.controller.failed.connect(self._failed)
        self.controller.changed.connect(self._changed)
        self.controller.history_changed.connect(self._update_history)
        self.item: Item | None = None
        self.picker: LinkPicker | None = None
        self.graph: LinkGraphDialog | None = None
        self.tag_dialog: TagItemsDialog | None = None
        self.tags_manager: TagsManagerDialog | None = None

        self.annotations_dock = AnnotationsDock(self.controller, window)
        self.annotations_dock.annotation_activated.connect(self.show_annotation)
        self.links_dock = LinksDock(self.controller, window)
        self.links_dock.open_item.connect(self.open_item)
        self.links_dock.link_requested.connect(self.link_to)

        self._build_actions()
        menu = [self.highlight_action, self.highlight_note_action, self.note_action,
                self.link_action]  # fmt: skip
        self.text = TextHighlights(self.viewer.text.browser, self.viewer.text.set_highlights, menu)
        #: The highlights on a web page as captured: made and shown there as on its text.
        self.captured_text = TextHighlights(
            self.viewer.captured.browser, self.viewer.captured.set_highlights, menu
        )
        # The page as captured or its extracted text: the one now shown draws them.
        self.viewer.capture_bar.mode_changed.connect(lambda _as_captured: self.refresh_viewer())
        #: The highlights on the post card shown (a new card for every post).
        self.post_text: TextHighlights | None = None
        self.viewer.post.card_shown.connect(self._post_card_shown)
        self.regions = RegionLayer(self.viewer.image.canvas)
        self.regions.drawn.connect(self._region_drawn)
        self.regions.moved.connect(self._region_moved)
        self.regions.selected.connect(self.annotations_dock.select)
        self.regions.delete_requested.connect(self._delete)
        self.viewer.image.loaded.connect(self.refresh_viewer)
        self.pdf = self._pdf_layer()

        self.viewer.item_shown.connect(self._item_shown)
        host.archive_opened.connect(lambda _root: self.set_session(host.session))
        host.changed.connect(self._archive_changed)

        results.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.dragger = ResultDragger(results, ResultsModel.ItemIdRole)
        results.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        results.customContextMenuRequested.connect(self._results_menu)
        self.drop_target = ItemDropTarget(self.viewer, lambda: self.item is not None)
        for child in (self.viewer.text.browser, self.viewer.text.browser.viewport(),
                      self.viewer.captured.browser, self.viewer.captured.browser.viewport(),
                      self.viewer.image.canvas, self.viewer.image.canvas.viewport()):  # fmt: skip
            self.drop_target.watch(child)
        if self.pdf is not None:
            self.drop_target.watch(self.viewer.pdf.view.viewport())
        self.drop_target.dropped.connect(lambda item_id: self.link_to(item_id))
        self._update_actions()

    def _pdf_layer(self) -> Any:
        from ..views import pdf as pdf_view

        if not pdf_view.HAVE_QTPDF:
            return None
        from .pdf_layer import PdfLayer

        layer = PdfLayer(self.viewer.pdf)
        layer.drawn.connect(self._region_drawn)
        layer.moved.connect(self._region_moved)
        layer.selected.connect(self.annotations_dock.select)
        layer.delete_requested.connect(self._delete)
        layer.highlight_requested.connect(self.highlight)
        return layer

    # -- actions ------------------------------------------------------------------------
    def _build_actions(self) -> None:
        add = self.host.add_action
        self.undo_action = add("undo", self.undo)
        self.redo_action = add("redo", self.redo)
        self.highlight_action = add("highlight", lambda: self.highlight(False))
        self.highlight_note_action = add("highlight-note", lambda: self.highlight(True))
        self.region_action = add("draw-regions", self._toggle_regions)
        self.note_action = add("note", self.add_note)
        self.tag_action = add("tag", self.tag_selected)
        self.tags_action = add("manage-tags", self.manage_tags)
        self.link_action = add("link", lambda: self.link_to())
        self.graph_action = add("link-graph", lambda: self.show_graph())

    def _update_actions(self) -> None:
        writable = self.controller.writable
        has_item = self.item is not None
        kind = self.item.kind if self.item is not None else ""
        for action in (self.highlight_action, self.highlight_note_action):
            action.setEnabled(
                writable and kind in ("document", "article", "post", "text", "image")
            )  # a picture's words as OCR read them
        self.region_action.setEnabled(writable and kind in ("image", "document"))
        self.note_action.setEnabled(writable and has_item)
        self.link_action.setEnabled(writable and has_item)
        self.tag_action.setEnabled(writable and (has_item or len(self.selected_ids()) > 0))
        self.tags_action.setEnabled(self.controller.notes is not None)
        self._update_history()

    def _update_history(self) -> None:
        undo, redo = self.controller.undo_text, self.controller.redo_text
        self.undo_action.setText(f"&Undo {_menu_text(undo)}" if undo else "&Undo")
        self.redo_action.setText(f"&Redo {_menu_text(redo)}" if redo else "&Redo")
        self.undo_action.setEnabled(bool(undo) and self.controller.writable)
        self.redo_action.setEnabled(bool(redo) and self.controller.writable)

    # -- the archive and the item shown -------------------------------------------------
    def set_session(self, session: ArchiveSession | None) -> None:
        self.controller.set_session(session)
        self._update_actions()

    def _archive_changed(self, changes: Changes) -> None:
        if not (changes.annotations or changes.index):
            return
        # Edits made while an import held the index were left for now: index them.
        self.controller.reindex_pending()
        self.annotations_dock.refresh()
        self.links_dock.refresh()
        self.refresh_viewer()

    def _item_shown(self, item: Item | None) -> None:
        self.item = item
        item_id = item.id if item is not None else None
        self.annotations_dock.show_item(item_id, item.title if item is not None else "")
        self.links_dock.show_item(item_id)
        if self.region_action.isChecked() and (
            item is None or item.kind not in ("image", "document")
        ):
            self.region_action.setChecked(False)
            self._toggle_regions()
        self.refresh_viewer()
        self._update_actions()
        if self.graph is not None and self.graph.isVisible() and item is not None:
            self.graph.set_focus(item.id)

    def _post_card_shown(self, card: PostCard) -> None:
        self.post_text = TextHighlights(
            card.text_view,
            card.text_view.set_highlights,
            [self.highlight_action, self.highlight_note_action, self.note_action,
             self.link_action],
        )  # fmt: skip

    def _changed(self, change: Change | None) -> None:
        self.refresh_viewer()
        self._update_actions()
        if change is not None:
            self.host.show_status(f"{change.text} — saved", 6000)
            if any(row.table in ("item_tags", "tags") for row in change.rows):
                self.host.after_write(Changes(tags=True))

    def refresh_viewer(self) -> None:
        """Draw the shown item's highlights and regions again."""
        item = self.item
        found = self.controller.of_item(item.id) if item is not None else None
        selected = self.annotations_dock.current_uid()
        current = self.viewer.stack.currentWidget()
        if current is self.viewer.text:
            self.text.draw(found.highlights if found else (), selected)
        elif current is self.viewer.captured:
            self.captured_text.draw(found.highlights if found else (), selected)
        elif current is self.viewer.post and self.post_text is not None:
            self.post_text.draw(found.highlights if found else (), selected)
        self.regions.enabled = item is not None and item.kind == "image"
        if self.regions.enabled and item is not None:
            self.regions.scale = _picture_scale(item, self.viewer.image.canvas.sceneRect())
            self.regions.set_regions(found.regions if found else (), selected)
            self._draw_picture_highlights(found.highlights if found else (), selected)
        if self.pdf is not None:
            self.pdf.set_annotations(
                found
                if found is not None and item is not None and item.kind == "document"
                else None,
                selected,
            )

    def _draw_picture_highlights(
        self, highlights: Sequence[Annotation], selected: str | None
    ) -> None:
        """A screenshot's highlights, on the words OCR read where they stand."""
        image = self.viewer.image
        text = page_text(image.ocr_words)
        drawn = []
        for highlight in highlights:
            span = highlight.span
            where = find_span(text, span) if span is not None and text else None
            if where is not None:
                colour = highlight_colour(highlight.colour, 255)
                if highlight.uid == selected:
                    colour = colour.darker(115)
                drawn.append((image.boxes(*where), colour))
        image.set_highlights(drawn)

    def open_item(self, item_id: int) -> None:
        """Show another item (a link's other end, a node of the graph), selecting its result."""
        session = self.host.session
        if session is None:
            return
        row = self.model.row_of_item(item_id)
        if row >= 0:
            self.results.setCurrentIndex(self.model.index(row, 0))
            if self.item is not None and self.item.id == item_id:
                return
        try:
            self.viewer.show_item(session, item_id)
        except ItemNotFound:
            self._failed("The item is not in the archive", f"#{item_id} has been deleted.")

    def show_annotation(self, annotation: Annotation) -> None:
        """Bring an annotation into view: scroll to the highlight, go to its page."""
        self.refresh_viewer()
        current = self.viewer.stack.currentWidget()
        if current in (self.viewer.text, self.viewer.captured) and annotation.kind == "highlight":
            shown = self.text if current is self.viewer.text else self.captured_text
            if not shown.scroll_to(annotation.uid):
                self.host.show_status("This highlight's words are not in the text shown.", 8000)
        elif current is self.viewer.post and annotation.kind == "highlight":
            if self.post_text is not None and self.post_text.scroll_to(annotation.uid):
                self.viewer.post.reveal_cursor()
            else:
                self.host.show_status("This highlight's words are not in the post shown.", 8000)
        elif current is self.viewer.image and annotation.kind == "region":
            self.regions.show_region(annotation.uid)
        elif current is self.viewer.pdf and self.pdf is not None:
            self.pdf.show_annotation(annotation)

    # -- highlights ---------------------------------------------------------------------
    def highlight(self, with_note: bool = False) -> Annotation | None:
        """Highlight the text selected in the viewer (with a note: open the note editor)."""
        item, session = self.item, self.host.session
        if item is None or session is None:
            return None
        current = self.viewer.stack.currentWidget()
        quote, near = None, 1
        text = self.text if current is self.viewer.text else None
        if current is self.viewer.captured:  # the web page as captured
            text = self.captured_text
        if current is self.viewer.post and self.post_text is not None:
            text = self.post_text
        if text is not None:
            quote = text.selection()
        elif current is self.viewer.pdf and self.pdf is not None:
            selected = self.pdf.selection()
            if selected is not None:
                near, quote = selected
        elif current is self.viewer.image:
            words = self.viewer.image.selected_span()  # words OCR read on the picture
            if words is not None:
                quote = quote_in(*words)
        if quote is None:
            self._failed(
                "Nothing is selected",
                "Select the words to highlight with the mouse, then press Ctrl+H."
                + (
                    " On a PDF page, drag across the words first."
                    if current is self.viewer.pdf
                    else ""
                ),
            )
            return None
        pages = [p.text for p in session.pages(item.id)]
        span = find_in_pages(pages, quote, near)
        if span is None:
            self._failed(
                "These words cannot be highlighted",
                "They are not in the text xarchive keeps for this item (a heading or a "
                "caption the import left out?). Select words from the text itself.",
            )
            return None
        made = self.controller.run(
            "Could not highlight the text",
            lambda n: n.add_highlight(item.id, span.page, span.start, span.end),
        )
        if made is None:
            return None
        if text is not None:
            cursor = text.browser.textCursor()
            cursor.clearSelection()
            text.browser.setTextCursor(cursor)
        elif current is self.viewer.image:
            self.viewer.image.clear_selection()
        elif self.pdf is not None:
            self.pdf.clear_selection()
        self.annotations_dock.select(made.uid)
        if with_note:
            self.annotations_dock.edit_note(made.uid)
        return made

    # -- notes and regions ----------------------------------------------------------------
    def add_note(self) -> None:
        if self.item is not None:
            self.annotations_dock.show()
            self.annotations_dock.start_new_note()

    def _toggle_regions(self) -> None:
        on = self.region_action.isChecked()
        self.regions.set_draw_mode(on)
        if self.pdf is not None:
            self.pdf.set_draw_mode(on)

    def _region_drawn(self, rect: QRectF, page: int | None = None) -> None:
        item = self.item
        if item is None:
            return
        made = self.controller.run(
            "Could not add the region",
            lambda n: n.add_region(item.id, rect.x(), rect.y(), rect.width(), rect.height(), page),
        )
        if made is not None:
            self.annotations_dock.edit_note(made.uid)
            if self.regions.enabled:
                self.regions.show_region(made.uid)

    def _region_moved(self, uid: str, rect: QRectF) -> None:
        done = self.controller.run(
            "Could not move the region",
            lambda n: n.move_region(uid, rect.x(), rect.y(), rect.width(), rect.height()),
        )
        if done is None:
            self.refresh_viewer()  # put it back where it is stored

    def _delete(self, uid: str) -> None:
        self.controller.run("Could not delete the region", lambda n: n.delete(uid))

    # -- tags -----------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.results.selectionModel().selectedRows()})
        ids = []
        for row in rows:
            hit = self.model.hit(row)
            if hit is not None:
                ids.append(hit.item.id)
        return ids

    def tag_selected(self) -> None:
        """Tag the results selected (several: a dialog), else the item shown (its tag field)."""
        ids = self.selected_ids()
        if len(ids) > 1:
            self.tag_dialog = TagItemsDialog(self.controller, ids, self.host.window())
            self.tag_dialog.open()
        elif self.item is not None:
            self.annotations_dock.show()
            self.annotations_dock.raise_()
            self.annotations_dock.tags.field.setFocus()

    def manage_tags(self) -> None:
        self.tags_manager = TagsManagerDialog(self.controller, self.host.window())
        self.tags_manager.show_tag.connect(
            lambda name: self.search_bar.add_filter(Filter("tag", name))
        )
        self.tags_manager.open()

    def _results_menu(self, point: QPoint) -> None:
        results = self.results
        ids = self.selected_ids()
        if not ids:
            return
        menu = QMenu(results)
        what = f"{len(ids)} Items" if len(ids) > 1 else "the Item"
        tag = menu.addAction(icon("tag"), f"Tag {what}…")
        tag.setEnabled(self.controller.writable)
        tag.triggered.connect(self.tag_selected)
        graph = menu.addAction(icon("graph"), "Show in the Link Graph")
        graph.triggered.connect(lambda: self.show_graph(ids))
        menu.exec(results.viewport().mapToGlobal(point))
        menu.deleteLater()

    # -- links ---------------------------------------------------------------------------
    def link_to(self, target_id: int | None = None) -> LinkPicker | None:
        """Open the link picker for the item shown (with `target_id` chosen: a drop)."""
        if self.item is None or not self.controller.writable:
            if self.item is None:
                self._failed("No item is shown", "Open the item to link from, then Link to….")
            else:
                self.controller.run("Could not link", lambda n: None)
            return None
        if target_id == self.item.id:
            self.host.show_status("An item cannot be linked to itself.", 6000)
            return None
        self.picker = LinkPicker(self.controller, self.item, self.host.window(), target_id)
        self.picker.open()
        return self.picker

    def show_graph(self, item_ids: list[int] | None = None) -> LinkGraphDialog | None:
        if self.controller.notes is None:
            return None
        if self.graph is None:
            from .graph import LinkGraphDialog

            self.graph = LinkGraphDialog(self.controller, self.host.window())
            self.graph.open_item.connect(self.open_item)
        if item_ids:
            self.graph.show_items(item_ids)
        elif self.item is not None:
            self.graph.set_focus(self.item.id)
        else:
            self.graph.show_all()
        self.graph.show()
        self.graph.raise_()
        return self.graph

    # -- undo -----------------------------------------------------------------------------
    def undo(self) -> None:
        change = self.controller.undo()
        if change is not None:
            self.host.show_status(f"Undone: {change.text}", 6000)

    def redo(self) -> None:
        change = self.controller.redo()
        if change is not None:
            self.host.show_status(f"Redone: {change.text}", 6000)

    def _failed(self, title: str, text: str) -> None:
        self.host.tell(Problem(title, text, severity="warning"))


def _menu_text(text: str) -> str:
    short = text if len(text) <= 48 else text[:47] + "…"
    return short.replace("&", "&&")


def _picture_scale(item: Item, scene: QRectF) -> float:
    """Picture pixels per scene unit: 1 unless the picture is shown scaled down."""
    extra = item.extra if isinstance(item.extra, dict) else {}
    width, height = extra.get("width"), extra.get("height")
    if not (isinstance(width, int) and isinstance(height, int)) or scene.width() <= 0:
        return 1.0
    for w, h in ((width, height), (height, width)):
        if abs(w / scene.width() - h / scene.height()) < 0.01 * w / scene.width():
            return w / scene.width()
    return 1.0
