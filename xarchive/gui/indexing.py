"""The search index in the window: the bar under the search field that says when the
index cannot be used or lags behind the archive, with the fix as a button; File ▸ Rebuild
Search Index; and indexing what the index lacks. Both run as operations (operations.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from ..core.archive import Archive
from ..core.errors import StorageError
from ..core.indexing import catch_up, reindex
from ..core.jobs import CancelToken, ProgressCallback
from .host import Host
from .messages import REBUILD_INDEX, index_problem
from .operations import Changes, Operation
from .widgets.info_bar import InfoBar
from .workers import Job

#: The title of the job that rebuilds the index.
REBUILDING_INDEX = "Rebuilding the search index"
#: What the bar says while an index of an older version is rebuilt.
OUTDATED_INDEX = "This version of xarchive indexes differently: rebuilding the search index."


class IndexUi(QObject):
    def __init__(
        self,
        host: Host,
        bar: InfoBar,
        stop_reading: Callable[[], None],
        other_offers: Callable[[InfoBar], bool] = lambda _bar: False,
    ) -> None:
        """`stop_reading`: close what reads the index (the rebuild swaps its folder);
        `other_offers`: show in `bar` what else there is to do, if anything (True)."""
        super().__init__(host.window())
        self.host = host
        self.bar = bar
        self._stop_reading = stop_reading
        self._other_offers = other_offers
        self._rebuild: Job | None = None
        host.add_action("reindex", self.start_reindex)

    @property
    def rebuilding(self) -> bool:
        return self._rebuild is not None and not self._rebuild.done

    def check(self, ask: bool) -> None:
        """Say so when the index cannot be used or lags behind the database; offer the fix
        (`ask`: also in a dialog, as when the archive opens)."""
        session = self.host.session
        if session is None:
            return
        if session.index_outdated and session.writable and (ask or self.rebuilding):
            # an update of xarchive changed what the index holds: nothing is wrong and
            # nothing to decide. Rebuilding shows its progress and can be cancelled
            # (then the bar below offers it again)
            self.bar.show_message(OUTDATED_INDEX, "", None, "info")
            if not self.rebuilding:
                self.start_reindex()
            return
        if session.index_problem:
            problem = index_problem(session.index_problem)
            self.bar.show_message(
                f"{problem.text} Searching is off until it is rebuilt.",
                "Rebuild Index" if session.writable else "",
                self.start_reindex,
                "warning",
            )
            if ask and session.writable and self.host.tell(problem) == REBUILD_INDEX:
                self.start_reindex()
            return
        try:
            state = session.index_state()
        except StorageError:
            return
        if state.pending and session.writable:
            self.bar.show_message(
                f"{state.pending} of {state.items} items are not in the search index yet.",
                "Index Them",
                self.start_catch_up,
            )
        elif self._other_offers(self.bar):
            pass
        elif self.bar.button.isVisible():
            self.bar.hide()

    def start_reindex(self) -> Job | None:
        """Rebuild the index from the database, as a job (cancel keeps the old index)."""
        if not self.host.can_write("rebuilding the index"):
            return None
        self._stop_reading()

        def work(archive: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> int:
            assert archive is not None
            return reindex(archive, progress, cancel)

        def rebuilt(count: int) -> None:
            if self.bar.text_label.text() == OUTDATED_INDEX:
                self.bar.hide()  # done: what the bar says would be stale
            self.host.show_status(f"The search index was rebuilt: {count:,} items.")

        self._rebuild = self.host.run(
            Operation(
                REBUILDING_INDEX,
                work,
                rebuilt,
                writes="rebuilding the index",
                changes=Changes(index=True),
            )
        )
        return self._rebuild

    def start_catch_up(self) -> Job | None:
        """Index the items the database has and the index lacks."""

        def work(archive: Archive | None, progress: ProgressCallback, cancel: CancelToken) -> int:
            assert archive is not None
            return catch_up(archive, archive.search_index(), progress, cancel)

        return self.host.run(
            Operation("Indexing", work, writes="indexing", changes=Changes(index=True))
        )
