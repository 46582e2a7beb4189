"""Posts as evidence in the app (issue 13): what a researcher sees of a post withheld,
edited, deleted, not found or whose account was suspended — the badges on its result
card and post card, its details, its versions with their differences, its captures and
what changed between them, its account and the account's posts, and the timeline's
marks — on the demo and on archives of files shaped like the real API responses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from tests import evidence_files as files
from tests.conftest import DEMO_ITEMS, run_import
from xarchive.core.archive import Archive
from xarchive.core.importing import ImportOptions
from xarchive.core.search import Searcher
from xarchive.core.store import posts as post_store
from xarchive.gui import settings as cfg
from xarchive.gui.badges import _TONES, Badge, tone
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow
from xarchive.gui.models.results import ResultsModel, versions_found
from xarchive.gui.theme import DARK, LIGHT
from xarchive.gui.views.post_evidence import PostEvidenceDialog
from xarchive.gui.widgets.results_view import versions_badge

from .conftest import Dialogs


def show_posts(qtbot: QtBot, window: MainWindow, query: str = "") -> None:
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        window.search_bar.set_query(query, [Filter("kind", "post")])


def row_of(window: MainWindow, text: str) -> int:
    """The row of the post whose text starts with `text` (its title is '@account: text')."""
    for row in range(window.model.rowCount()):
        hit = window.model.hit(row)
        if hit is not None and hit.item.title.split(": ", 1)[-1].startswith(text):
            return row
    raise AssertionError(f"no result starts with {text!r}")


def open_row(qtbot: QtBot, window: MainWindow, row: int) -> int:
    hit = window.model.hit(row)
    assert hit is not None
    window.results.scrollTo(window.model.index(row, 0))
    rect = window.results.visualRect(window.model.index(row, 0))
    qtbot.mouseClick(window.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.viewer.item is not None and window.viewer.item.id == hit.item.id)
    return hit.item.id


def card_badges(window: MainWindow, row: int) -> list[str]:
    hit = window.model.hit(row)
    assert hit is not None and window.results.delegate.evidence is not None
    return [b.short for b in window.results.delegate.evidence.badges(hit.item)]


def painted(window: MainWindow, row: int, colour: str) -> bool:
    """Whether the card of `row`, as drawn on screen, has a pixel of `colour`."""
    window.results.scrollTo(window.model.index(row, 0))
    rect = window.results.visualRect(window.model.index(row, 0))
    image = window.results.viewport().grab(rect).toImage()
    wanted = QColor(colour).rgb()
    return any(
        image.pixel(x, y) == wanted
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    )


def evidence_dialog(qtbot: QtBot, window: MainWindow, button: str) -> PostEvidenceDialog:
    card = window.viewer.post.card
    assert card is not None
    qtbot.mouseClick(card.evidence.buttons[button], Qt.MouseButton.LeftButton)
    dialog = window.viewer.post.evidence_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.tab == button
    qtbot.waitUntil(lambda: dialog.ready)  # read off the GUI thread, then shown
    assert dialog.tab == button
    return dialog


# -- the demo ------------------------------------------------------------------------------


def test_the_demo_cards_say_withheld_edited_and_deleted(qtbot: QtBot, opened: MainWindow) -> None:
    show_posts(qtbot, opened)
    withheld = row_of(opened, "The ministry's reply confirms")
    edited = row_of(opened, "The Sindh High Court has adjourned")
    deleted = row_of(opened, "کراچی میں وی پی این")
    assert card_badges(opened, withheld) == ["Withheld in PK"]
    assert card_badges(opened, edited) == ["Edited — 2 versions"]
    assert card_badges(opened, deleted) == ["Deleted 28 Apr 2024", "Not found on 2 May 2024"]
    # The card is drawn with the badge on its colour (not only told to a screen reader) …
    opened.results.resize(700, opened.results.height())
    assert painted(opened, withheld, tone("withheld")[0])
    assert painted(opened, deleted, tone("deleted")[0])
    # … and a screen reader and the tooltip say it in full.
    index = opened.model.index(withheld, 0)
    said = index.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert said == "Withheld in PK (seen 26 Apr 2024)."
    assert said in index.data(Qt.ItemDataRole.ToolTipRole)
    # A post the platform did nothing to has no badge.
    plain = next(r for r in range(opened.model.rowCount()) if not card_badges(opened, r))
    assert opened.model.index(plain, 0).data(Qt.ItemDataRole.AccessibleDescriptionRole) is None


def test_a_withheld_post_says_where_since_when_and_why_in_its_card_and_details(
    qtbot: QtBot, opened: MainWindow
) -> None:
    show_posts(qtbot, opened, "withheld:PK")
    assert opened.model.rowCount() == 1
    open_row(qtbot, opened, 0)
    card = opened.viewer.post.card
    assert card is not None
    badge, captured = card.evidence.labels
    assert captured.text() == "⧉ \u2068Captured 2 times\u2069"
    assert badge.text() == "⊘ \u2068Withheld in PK · seen 26 Apr 2024\u2069"
    assert badge.accessibleName() == "Withheld in PK · seen 26 Apr 2024"
    assert badge.toolTip() == "Withheld in PK (seen 26 Apr 2024)."
    assert badge.isVisible() and badge.focusPolicy() == Qt.FocusPolicy.TabFocus
    details = opened.viewer.details.text()
    for said in (
        "As evidence",
        "Withheld in\nPK",
        "Scope\nthe post",
        "Copyright\nno",
        "Seen withheld\n26 Apr 2024, 11:00 UTC",
        "Still withheld\nyes, in the latest capture",
        "Captures\n2",
        "Changed between captures\ncounts, withheld",
        "Event\nWithheld in PK 26 Apr 2024 — twarc2-compliance-2024-05-03-tweets.jsonl, line",
    ):
        assert said in details


def test_the_facet_withheld_in_names_the_country_and_narrows_to_it(
    qtbot: QtBot, opened: MainWindow
) -> None:
    show_posts(qtbot, opened)
    (pakistan,) = opened.facets.value_items("withheld")
    assert (pakistan.text(0), pakistan.text(1)) == ("Pakistan (PK)", "1")
    with qtbot.waitSignal(opened.search_finished):
        opened.facets.tree.itemClicked.emit(pakistan, 0)
    assert opened.model.total == 1
    assert card_badges(opened, 0) == ["Withheld in PK"]
    assert "Withheld in: Pakistan (PK)" in [f.label for f in opened.search_bar.filters]


def test_an_edited_post_shows_its_versions_with_the_differences_marked(
    qtbot: QtBot, opened: MainWindow
) -> None:
    show_posts(qtbot, opened, "is:edited")
    # A search finds every version, and they are one card, which says so.
    assert opened.model.total == 2 and opened.model.rowCount() == 1
    said = opened.model.index(0, 0).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert said.startswith("Versions 1 and 2 of 2 match.")
    assert "version 2 of 2" in said  # the card opens the latest
    shown = open_row(qtbot, opened, 0)
    dialog = evidence_dialog(qtbot, opened, "versions")
    versions = dialog.versions
    assert versions is not None
    assert versions.heading.text() == "Edited — 2 versions"
    assert len(versions.frames) == 2
    first, second = versions.texts
    assert "8 May" in first.toPlainText()
    html = second.toHtml()
    # The removed '8' struck through, the added '9' underlined: not by colour alone.
    assert "line-through" in html and "underline" in html
    assert second.accessibleName().startswith("Version 2: removed “8”; added “9”")
    # Each version opens: the first is the other post.
    qtbot.mouseClick(versions.open_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened.viewer.item is not None and opened.viewer.item.id != shown)
    card = opened.viewer.post.card
    assert card is not None and card.post.text.startswith("The Sindh High Court")
    assert [b.short for b in card.evidence.badges] == ["Edited — 2 versions"]
    assert "this is version 1 of 2" in card.evidence.labels[0].toolTip()
    dialog.close()


def test_the_captures_view_says_what_changed_and_that_the_post_disappeared(
    qtbot: QtBot, opened: MainWindow
) -> None:
    show_posts(qtbot, opened, "withheld:PK")
    open_row(qtbot, opened, 0)
    dialog = evidence_dialog(qtbot, opened, "captures")
    captures = dialog.captures
    assert captures is not None
    text = captures.text()
    assert "Capture 1" in text and "Capture 2" in text
    assert "21 Apr 2024, 06:15 UTC" in text and "2 May 2024, 07:30 UTC" in text
    assert "twarc2-search-pakistan-x-block.jsonl" in text
    assert "twarc2-lookup-2024-05-02-followup.jsonl" in text
    assert "What changed from capture 1 to 2" in text
    assert "likes 7600 → 8950" in text and "withheld in PK" in text
    assert "Record SHA-256" in text
    # What the post said at each capture, for the court: both said the same words.
    assert text.count("What it said") == 2
    assert text.count("The ministry's reply confirms what users in Pakistan") == 2
    dialog.close()

    show_posts(qtbot, opened, "is:deleted")
    open_row(qtbot, opened, row_of(opened, "کراچی میں وی پی این"))
    dialog = evidence_dialog(qtbot, opened, "captures")
    assert dialog.captures is not None
    text = dialog.captures.text()
    assert "After capture 1: it disappeared" in text
    assert "not found by the API on 2 May 2024" in text
    assert "Deleted 28 Apr 2024 — twarc2-compliance-2024-05-03-tweets.jsonl" in text
    dialog.close()


def test_the_account_view_lists_the_account_and_opens_its_posts(
    qtbot: QtBot, opened: MainWindow
) -> None:
    show_posts(qtbot, opened, "withheld:PK")
    shown = open_row(qtbot, opened, 0)
    # From the keyboard: View ▸ Post Author's Account (Ctrl+Shift+O), from the results.
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    opened.results.setFocus()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(opened.results, Qt.Key.Key_O, ctrl_shift)
    dialog = opened.viewer.post.evidence_dialog
    assert dialog is not None and dialog.tab == "account"
    qtbot.waitUntil(lambda: dialog.ready)
    account = dialog.account
    assert account is not None and account.facts is not None
    assert account.heading.text() == "\u200e\u2068Sample Rights Watch\u2069 (@sample_rights_watch)"
    facts = account.facts.toPlainText()
    assert "@sample_rights_watch" in facts and "Captures of the account" in facts
    assert account.posts.count() == 7
    marked = [account.posts.item(r) for r in range(7)]
    (this,) = [r for r in marked if r.data(Qt.ItemDataRole.UserRole) == shown]
    assert "⊘ Withheld in PK" in this.text() and this.font().bold()
    # Enter on another post opens it in the window.
    other = next(r for r in range(7) if marked[r].data(Qt.ItemDataRole.UserRole) != shown)
    account.posts.setCurrentRow(other)
    account.posts.setFocus()
    qtbot.keyClick(account.posts, Qt.Key.Key_Return)
    wanted = marked[other].data(Qt.ItemDataRole.UserRole)
    qtbot.waitUntil(lambda: opened.viewer.item is not None and opened.viewer.item.id == wanted)
    dialog.close()


def test_the_timeline_marks_the_days_of_compliance_events(qtbot: QtBot, opened: MainWindow) -> None:
    opened.timeline.show()
    show_posts(qtbot, opened)
    dock = opened.timeline
    qtbot.waitUntil(lambda: bool(dock.chart.slots))
    assert "▲ 2 deletions, 1 withholding, 1 post not found by a lookup" in dock.summary.text()
    chart = dock.chart
    marked = {chart.slots[i].start.isoformat(): chart.slot_events(i)
              for i in range(len(chart.slots)) if chart.slot_events(i)}  # fmt: skip
    # by week: the deletion of 17 Feb, the withholding of 26 Apr, the deletion of 28 Apr
    # and the lookup of 2 May that no longer found a post
    assert marked == {
        "2024-02-12": {"deletion": 1},
        "2024-04-22": {"withholding": 1, "deletion": 1},
        "2024-04-29": {"not-found": 1},
    }


def test_badges_read_in_both_themes() -> None:
    def luminance(colour: str) -> float:
        c = QColor(colour)
        channels = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    for light, dark in _TONES.values():
        for background, text in (light, dark):
            a, b = sorted((luminance(background), luminance(text)), reverse=True)
            assert (a + 0.05) / (b + 0.05) >= 4.5, (background, text)
    assert LIGHT is not DARK
    assert Badge("withheld", "x", "x", "x").sign == "⊘"


# -- archives of files shaped like the real ones ---------------------------------------------


@pytest.fixture
def evidence_window(
    qtbot: QtBot, dialogs: Dialogs, user_settings: cfg.UserSettings, tmp_path: Path
) -> Iterator[MainWindow]:
    """The window on an archive of withheld tweets and users, an edit chain of three,
    compliance files of tweets and users, and an X archive with an edit and a deletion."""
    root = tmp_path / "evidence.xarchive"
    folder = tmp_path / "in"
    with Archive.create(root) as archive:
        report = run_import(
            archive,
            files.withheld_search(folder / "search.jsonl"),
            files.edit_chain(folder / "edits.jsonl"),
            files.tweet_compliance(folder / "compliance-tweets.json"),
            files.user_compliance(folder / "compliance-users.json"),
            files.x_archive_with_edit_and_deletion(folder / "twitter-archive.zip"),
        )
        assert not report.failed
    window = MainWindow(user_settings, ImportOptions(workers=0))
    qtbot.addWidget(window)
    window.resize(1400, 850)
    window.show()
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(root)
    yield window
    window.shutdown()


def test_cards_of_real_shaped_files_say_what_was_done(
    qtbot: QtBot, evidence_window: MainWindow
) -> None:
    window = evidence_window
    show_posts(qtbot, window)
    assert card_badges(window, row_of(window, "Our report on the blocking")) == [
        "Withheld in PK, IN"
    ]
    assert card_badges(window, row_of(window, "Posting from behind a VPN")) == [
        "Account withheld in PK",
        "Suspended account",
    ]
    # Every post of the account withheld in PK by a compliance event is withheld there too.
    assert card_badges(window, row_of(window, "Correction: the interior")) == [
        "Account withheld in PK",
        "Edited — 3 versions",
    ]
    held = "Account withheld in PK"
    assert card_badges(window, row_of(window, "A post its author deleted")) == [
        held,
        "Deleted 3 Mar 2024",
    ]
    assert card_badges(window, row_of(window, "The hearing is on 9 May")) == [
        held,
        "Edited — 2 versions",
    ]
    suspended = window.model.index(row_of(window, "Posting from behind a VPN"), 0)
    said = suspended.data(ResultsModel.HitRole)
    assert said is not None
    assert "The account of this post was suspended: Account suspended 10 Mar 2024." in (
        suspended.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    )


def test_an_edit_chain_of_three_shows_each_step(qtbot: QtBot, evidence_window: MainWindow) -> None:
    window = evidence_window
    show_posts(qtbot, window)
    # The three versions are one card, which opens the latest.
    open_row(qtbot, window, row_of(window, "Correction: the interior"))
    dialog = evidence_dialog(qtbot, window, "versions")
    versions = dialog.versions
    assert versions is not None and versions.heading.text() == "Edited — 3 versions"
    names = [t.accessibleName() for t in versions.texts]
    assert names[0] == "Version 1: the first version"
    assert names[1] == "Version 2: added “telecom”; removed “February.”; added “February 2024.”"
    assert names[2] == "Version 3: removed “The”; added “Correction: the interior”"
    frames = [f.findChildren(type(versions.heading)) for f in versions.frames]
    assert "Version 3 of 3 — the post shown" in [w.text() for w in frames[2]]
    assert all(b.isEnabled() for b in versions.open_buttons)
    # The account's record from the users in the page, and the account's compliance event.
    dialog.tabs.setCurrentIndex(2)
    account = dialog.account
    assert account is not None and account.facts is not None
    facts = account.facts.toPlainText()
    assert "Islamabad" in facts and "Account withheld in PK 13 Mar 2024" in facts
    assert "Withheld\n\u200ein PK" in facts
    dialog.close()


def test_the_evidence_is_read_off_the_gui_thread_and_follows_the_theme(
    qtbot: QtBot, opened: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from xarchive.gui.views import post_evidence

    threads: list[int] = []
    real = post_evidence.read_evidence

    def reading(archive: Archive, item_id: int) -> post_evidence.EvidenceRead:
        threads.append(threading.get_ident())
        return real(archive, item_id)

    monkeypatch.setattr(post_evidence, "read_evidence", reading)
    opened.set_theme("light")
    show_posts(qtbot, opened, "withheld:PK")
    open_row(qtbot, opened, 0)
    dialog = opened.viewer.post.show_evidence("captures")
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ready and dialog.loading.isVisible()  # the window is up, reading
    qtbot.waitUntil(lambda: dialog.ready)
    assert threads and threading.get_ident() not in threads
    assert not dialog.loading.isVisible()
    captures = dialog.captures
    assert captures is not None and LIGHT.muted in captures.blocks[0].toHtml()
    # A change of theme draws the open window again in its colours, without reading again.
    read = len(threads)
    opened.set_theme("dark")
    qtbot.waitUntil(lambda: dialog.captures is not captures)
    assert dialog.tab == "captures" and dialog.captures is not None
    html = dialog.captures.blocks[0].toHtml()
    assert DARK.muted in html and LIGHT.muted not in html
    assert len(threads) == read
    opened.set_theme("light")
    dialog.close()


def test_a_screenshot_of_a_post_is_one_of_its_captures(qtbot: QtBot, opened: MainWindow) -> None:
    # The researcher accepts the suggestion that a screenshot shows a post …
    with qtbot.waitSignal(opened.search_finished):
        opened.search_bar.set_query("NetBlocks", [Filter("kind", "image")])
    shot = open_row(qtbot, opened, 0)
    dock = opened.suggestions
    qtbot.waitUntil(lambda: len(dock.rows) == 1)
    post = dock.rows[0].suggestion.target_id
    qtbot.mouseClick(dock.rows[0].accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.rows == [])
    # … and the post's captures name the screenshot, which opens from there.
    show_posts(qtbot, opened)
    open_row(qtbot, opened, opened.model.row_of_item(post))
    dialog = evidence_dialog(qtbot, opened, "captures")
    assert dialog.captures is not None
    (button,) = dialog.captures.picture_buttons
    assert button.text().startswith("Open ") and "(taken 17 Feb 2024" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened.viewer.item is not None and opened.viewer.item.id == shot)
    dialog.close()


def test_a_hit_on_one_version_shows_its_group(qtbot: QtBot, opened: MainWindow) -> None:
    # Only the first version said the hearing was on 8 May; the hit is that version …
    show_posts(qtbot, opened, '"shutdown to 8 May"')
    assert opened.model.rowCount() == 1
    assert card_badges(opened, 0) == ["Edited — 2 versions"]
    assert "this is version 1 of 2" in opened.model.index(0, 0).data(
        Qt.ItemDataRole.AccessibleDescriptionRole
    )
    shown = open_row(qtbot, opened, 0)
    # … and its versions, from the keyboard (View ▸ Post Versions), are both.
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    opened.results.setFocus()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(opened.results, Qt.Key.Key_V, ctrl_shift)
    dialog = opened.viewer.post.evidence_dialog
    assert dialog is not None and dialog.isVisible() and dialog.tab == "versions"
    qtbot.waitUntil(lambda: dialog.ready)
    versions = dialog.versions
    assert versions is not None and len(versions.frames) == 2
    assert [t.text() for t in versions.frames[0].findChildren(type(versions.heading))][0] == (
        "Version 1 of 2 — the post shown"
    )
    # The card's own buttons are reached with Tab too.
    card = opened.viewer.post.card
    assert card is not None and card.post.item_id == shown
    assert all(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in card.evidence.buttons.values())
    assert list(card.evidence.buttons) == ["versions", "captures", "account"]
    dialog.close()


def test_the_versions_a_query_finds_are_one_card_across_pages(qtbot: QtBot, tmp_path: Path) -> None:
    with Archive.create(tmp_path / "a.xarchive") as archive:
        run_import(
            archive, files.edit_chain(tmp_path / "edits.jsonl"),
            files.withheld_search(tmp_path / "search.jsonl"),
        )  # fmt: skip
        ids = [post_store.post_item_id(archive.db, f"x:{i}") for i in files.EDIT_IDS]
        searcher = Searcher(archive)
        # Pages of two hits: the three versions cannot all come on the first page.
        model = ResultsModel(searcher.search, page_size=2)
        model.run("*", sort="date-asc")
        while model.canFetchMore():
            model.fetchMore()
        assert model.total == 6  # every version is a hit …
        rows = {model.row_of_item(i) for i in ids if i is not None}
        assert len(rows) == 1  # … and they are one card
        (row,) = rows
        every = model.versions(row)
        assert model.rowCount() == 4
        assert [h.item.id for h in model.versions(row)] == ids
        assert versions_found(model.versions(row)) == "Versions 1, 2 and 3 of 3 match."
        said = model.index(row, 0).data(Qt.ItemDataRole.AccessibleDescriptionRole)
        assert said.startswith("Versions 1, 2 and 3 of 3 match.")
        # A query one version matches shows that version's card, saying which it is.
        model.run('"to the regulator"')
        assert model.rowCount() == 1 and model.hit(0).item.id == ids[0]
        assert versions_found(model.versions(0)) == "Version 1 of 3 matches."
        edited = Badge("edited", "Edited — 3 versions", "Edited — 3 versions", "")
        (badge,) = versions_badge((edited,), model.versions(0))
        assert badge.short == "Version 1 of 3"
        assert versions_badge((edited,), every) == (edited,)  # all found: as it was
        # A post never edited is a card of its own, with nothing said of versions.
        model.run("nobody withheld")
        assert model.rowCount() == 1 and model.versions(0) == ()
        assert versions_found(model.versions(0)) == ""


def test_the_import_report_says_what_each_file_of_posts_held(qtbot: QtBot, tmp_path: Path) -> None:
    from xarchive.gui.dialogs.import_report import ImportReportDialog

    with Archive.create(tmp_path / "a.xarchive") as archive:
        report = run_import(archive, files.counts(tmp_path / "counts.jsonl"))
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Files of posts (1)" in tabs
    row = dialog.lists["containers"].topLevelItem(0)
    assert row is not None and row.text(0) == "counts.jsonl"
    assert row.text(1).startswith("holds tweet counts, not posts (3 periods, 9,700 tweets)")


def test_the_count_says_how_many_results_the_list_shows(qtbot: QtBot, opened: MainWindow) -> None:
    # The demo's edited post is two items on one card: the list shows one result fewer.
    label = opened.search_bar.count_label
    assert label.text() == f"{DEMO_ITEMS - 1} results"
    assert label.toolTip() == f"{DEMO_ITEMS} items: the versions of an edited post are one result"
    show_posts(qtbot, opened, "is:edited")
    assert (opened.model.total, opened.model.rowCount()) == (2, 1)
    assert label.text() == "1 result"
    show_posts(qtbot, opened, "is:deleted")  # nothing grouped: items, as ever
    assert label.text() == f"{opened.model.rowCount()} items" and label.toolTip() == ""


def test_the_timeline_marks_only_the_events_of_the_results(
    qtbot: QtBot, opened: MainWindow
) -> None:
    opened.timeline.show()
    dock = opened.timeline

    def marks(query: str) -> str:
        show_posts(qtbot, opened, query)
        qtbot.waitUntil(lambda: opened.searching.timeline_query == opened.model.query)
        return dock.summary.text().partition("▲ ")[2]

    assert marks("withheld:PK") == "1 withholding"
    assert marks("is:deleted") == "2 deletions, 1 post not found by a lookup"
    assert marks("hashtag:IslamabadHighCourt") == ""  # posts nothing was done to: no marks
    chart = dock.chart
    assert not any(chart.slot_events(i) for i in range(len(chart.slots)))
