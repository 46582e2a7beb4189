"""Videos in the app: the poster and duration, playing where the machine can; sensitive
media blurred in result cards, post cards and the viewer until clicked, and the View
menu's switch that turns blurring off (remembered)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import run_import
from tests.core.test_videos import archive_with_videos
from xarchive.core.archive import Archive
from xarchive.gui import settings as cfg
from xarchive.gui.filters import Filter
from xarchive.gui.main_window import MainWindow
from xarchive.gui.views import video as video_view
from xarchive.gui.widgets.sensitive import sensitive_media


@pytest.fixture
def with_videos(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> MainWindow:
    """The window on an archive of an X archive with a sensitive video and an animated GIF."""
    root = tmp_path / "videos.xarchive"
    with Archive.create(root) as archive:
        assert run_import(archive, archive_with_videos(tmp_path)).failed == []
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        assert window.open_archive(root)
    return window


@pytest.fixture(autouse=True)
def _blurring_on() -> None:
    sensitive_media().set_blur(True)  # one switch per app: each test starts blurred
    sensitive_media().forget_revealed()


def open_result(qtbot: QtBot, window: MainWindow, kind: str, title_start: str) -> int:
    with qtbot.waitSignal(window.search_finished):
        window.search_bar.set_query("", [Filter("kind", kind)])
    row = next(
        r for r in range(window.model.rowCount())
        if (hit := window.model.hit(r)) is not None and hit.item.title.startswith(title_start)
    )  # fmt: skip
    hit = window.model.hit(row)
    assert hit is not None
    rect = window.results.visualRect(window.model.index(row, 0))
    qtbot.mouseClick(window.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.viewer.item is not None and window.viewer.item.id == hit.item.id)
    return hit.item.id


def test_a_video_shows_its_poster_and_duration_and_plays(
    qtbot: QtBot, with_videos: MainWindow
) -> None:
    open_result(qtbot, with_videos, "video", "Animated GIF from @test_reporter")
    viewer = with_videos.viewer
    assert viewer.stack.currentWidget() is viewer.video
    player = viewer.video
    assert not player.poster.source.isNull()  # the poster frame, before anything is decoded
    assert "48 × 32" in player.facts_label.text() and "no sound" in player.facts_label.text()
    assert player.play_button.accessibleName() == "Play"
    details = viewer.details.text()
    assert "Read as" in details and "0:01 · 48 × 32 · h264 · 12 fps · no sound" in details
    if video_view.playback_problem():
        assert player.message.isVisible()
        assert "cannot be played here" in player.message.text()
        return
    player.setFocus()
    qtbot.keyClick(player, Qt.Key.Key_Space)  # the key a person presses
    qtbot.waitUntil(lambda: player.frames_shown > 0, timeout=5000)
    assert not player.message.isVisible(), player.message.text()
    qtbot.waitUntil(lambda: not player.playing, timeout=5000)  # one second, to its end
    assert player.position_ms > 0
    assert player.time_label.text().endswith("/ 0:01")


def test_without_a_player_the_poster_stays_and_says_why(
    qtbot: QtBot, with_videos: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(video_view, "playback_problem", lambda: "no media backend (test)")
    open_result(qtbot, with_videos, "video", "Animated GIF from @test_reporter")
    player = with_videos.viewer.video
    assert player.message.isVisible()
    assert "cannot be played here: no media backend (test)" in player.message.text()
    assert not player.play_button.isEnabled()
    assert not player.poster.source.isNull()


def test_a_sensitive_video_is_blurred_until_clicked(qtbot: QtBot, with_videos: MainWindow) -> None:
    open_result(qtbot, with_videos, "video", "Video from @test_reporter")
    viewer = with_videos.viewer
    assert viewer.covered
    assert "possibly sensitive by the platform" in viewer.cover.reason.text()
    assert not viewer.cover.picture.pixmap().isNull()  # blurred, but something is there
    qtbot.mouseClick(viewer.cover.picture, Qt.MouseButton.LeftButton)
    assert not viewer.covered and viewer.stack.currentWidget() is viewer.video


def test_a_post_card_blurs_its_sensitive_video_and_a_click_reveals_it(
    qtbot: QtBot, with_videos: MainWindow
) -> None:
    open_result(qtbot, with_videos, "post", "@test_reporter: Police charge")
    card = with_videos.viewer.post.card
    assert card is not None
    (button,) = card.media_buttons
    assert button.hidden and "Sensitive media" in button.toolTip()
    assert button.duration == "0:01"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not button.hidden
    assert with_videos.viewer.item is not None and with_videos.viewer.item.kind == "post"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # now it opens
    qtbot.waitUntil(lambda: with_videos.viewer.item is not None
                    and with_videos.viewer.item.kind == "video")  # fmt: skip
    assert not with_videos.viewer.covered  # revealed once, revealed everywhere


def test_result_cards_blur_sensitive_thumbnails(qtbot: QtBot, with_videos: MainWindow) -> None:
    with qtbot.waitSignal(with_videos.search_finished):
        with_videos.search_bar.set_query("", [Filter("kind", "video")])
    delegate = with_videos.results.delegate
    shown = {}
    for row in range(with_videos.model.rowCount()):
        hit = with_videos.model.hit(row)
        assert hit is not None
        shown[hit.item.title.split(" from")[0]] = delegate.thumbnail_state(hit.item)
    assert shown == {"Video": "blurred", "Animated GIF": "shown"}


def test_the_view_menu_turns_blurring_off_and_remembers(
    qtbot: QtBot, with_videos: MainWindow, user_settings: cfg.UserSettings
) -> None:
    open_result(qtbot, with_videos, "video", "Video from @test_reporter")
    viewer = with_videos.viewer
    assert viewer.covered
    action = with_videos.actions["blur-sensitive"]
    assert action.isChecked()
    action.trigger()
    assert not viewer.covered
    assert user_settings.get(cfg.BLUR_SENSITIVE) is False
    action.trigger()
    assert viewer.covered  # on again: what was shown is hidden again


def test_marking_media_sensitive_blurs_it_and_undo_takes_the_mark_off(
    qtbot: QtBot, with_videos: MainWindow
) -> None:
    open_result(qtbot, with_videos, "video", "Animated GIF from @test_reporter")
    viewer = with_videos.viewer
    assert not viewer.covered
    mark = with_videos.actions["mark-sensitive"]
    assert mark.isEnabled() and not mark.isChecked()
    mark.trigger()
    assert viewer.covered and "marked sensitive in this archive" in viewer.cover.reason.text()
    assert mark.isChecked()
    with_videos.actions["undo"].trigger()
    assert not viewer.covered


def test_a_post_cards_media_are_marked_sensitive_from_their_menu(
    qtbot: QtBot, with_videos: MainWindow
) -> None:
    open_result(qtbot, with_videos, "post", "@test_reporter: Still no X here")
    card = with_videos.viewer.post.card
    assert card is not None
    (button,) = card.media_buttons
    assert not button.hidden and not button.marked  # the platform flagged nothing
    menu = button.context_menu()
    assert menu is not None
    mark, _open = menu.actions()
    assert mark.text() == "Mark as &Sensitive" and not mark.isChecked()
    mark.trigger()  # marked, without opening it: blurred in the card at once
    assert button.marked and button.hidden
    assert "marked sensitive in this archive" in button.toolTip()
    assert with_videos.viewer.item is not None and with_videos.viewer.item.kind == "post"
    with qtbot.waitSignal(with_videos.search_finished):
        with_videos.search_bar.set_query("", [Filter("kind", "video")])
    delegate = with_videos.results.delegate
    states = {
        hit.item.title.split(" from")[0]: delegate.thumbnail_state(hit.item)
        for hit in (with_videos.model.hit(r) for r in range(with_videos.model.rowCount()))
        if hit is not None
    }
    assert states == {"Video": "blurred", "Animated GIF": "blurred"}
    with_videos.actions["undo"].trigger()  # an annotation like the others
    assert not button.marked and not button.hidden
    unmarked = button.context_menu()
    assert unmarked is not None and not unmarked.actions()[0].isChecked()
