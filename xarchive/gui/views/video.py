"""Videos and animated GIFs: the poster frame at once, played with Qt Multimedia on request.

Nothing is decoded until Play: the poster frame the import wrote is shown with the
duration and size. The player reads the original through an open QFile
(`setSourceDevice`), so FFmpeg is given bytes, never a name or an address: nothing
can be fetched from the network, whatever the file says. Where the machine cannot
play (no multimedia backend, a codec missing), the poster stays and a line says why.

Keys: Space or K plays and pauses, Left and Right go 5 seconds back and on, Home to
the start; the position slider takes the arrow keys too.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from PySide6.QtCore import QFile, QIODevice, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.wording import clock

log = logging.getLogger(__name__)

STEP_MS = 5000


@cache
def playback_problem() -> str:
    """Why videos cannot be played on this machine, "" when they can (asked once)."""
    try:
        from PySide6.QtMultimedia import QMediaPlayer
    except ImportError as exc:  # a PySide6 without QtMultimedia
        return f"Qt Multimedia is not installed ({exc})"
    player = QMediaPlayer()
    if not player.isAvailable():
        return "Qt Multimedia has no media backend on this computer"
    return ""


class _Poster(QLabel):
    """The poster frame, scaled to the space it has, keeping its shape."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(QSize(1, 1))
        self.source = QPixmap()
        self.moving = False

    def set_source(self, pixmap: QPixmap, moving: bool = False) -> None:
        """Show `pixmap`; `moving`: a frame of the video playing, scaled quickly (a
        smooth scaling of every frame of a large video costs more than its decoding)."""
        self.source = pixmap
        self.moving = moving
        self._fit()

    def _fit(self) -> None:
        if self.source.isNull():
            self.setPixmap(QPixmap())
            return
        mode = Qt.TransformationMode
        self.setPixmap(
            self.source.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                mode.FastTransformation if self.moving else mode.SmoothTransformation,
            )
        )

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def mouseReleaseEvent(self, event: object) -> None:  # type: ignore[override]
        self.clicked.emit()


class VideoViewer(QWidget):
    """One video: poster, then the picture playing; play/pause, position, time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Video")
        self.poster = _Poster(self)
        self.poster.setAccessibleName("Poster frame")
        self.poster.clicked.connect(self.toggle)
        # The frames are drawn where the poster was (a QVideoSink's images, not a
        # QVideoWidget's native surface): the same on every platform, offscreen included,
        # and what a screenshot or a test sees is what the person sees.
        self.screen = QStackedWidget(self)
        self.screen.addWidget(self.poster)
        #: Frames drawn since the last video was shown.
        self.frames_shown = 0

        self.play_button = QToolButton(self)
        self.play_button.setAccessibleName("Play")
        self.play_button.setToolTip("Play (Space)")
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setAccessibleName("Position")
        self.slider.setRange(0, 0)
        self.slider.setSingleStep(1000)
        self.slider.setPageStep(STEP_MS)
        self.slider.sliderMoved.connect(self._seek)
        self.slider.actionTriggered.connect(lambda _: self._seek(self.slider.sliderPosition()))
        self.time_label = QLabel("0:00 / 0:00", self)
        self.time_label.setObjectName("muted")
        self.facts_label = QLabel(self)
        self.facts_label.setObjectName("muted")
        self.message = QLabel(self)
        self.message.setObjectName("muted")
        self.message.setWordWrap(True)
        self.message.hide()

        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.screen, 1)
        layout.addLayout(controls)
        layout.addWidget(self.facts_label)
        layout.addWidget(self.message)

        self.path: Path | None = None
        self.duration_ms = 0
        self._player: object | None = None
        self._audio: object | None = None
        self._sink: object | None = None
        self._file: QFile | None = None
        self._loaded = False

    # -- what is shown -------------------------------------------------------------------
    def show_video(self, path: Path, poster: Path | None, duration: float, facts: str = "") -> None:
        """Show the video at `path` (not yet decoded): its poster, its duration and facts."""
        self.stop()
        self.path = path
        self.frames_shown = 0
        self.duration_ms = int(round(duration * 1000))
        pixmap = QPixmap(str(poster)) if poster is not None and poster.is_file() else QPixmap()
        self.poster.set_source(pixmap)
        if pixmap.isNull():
            self.poster.setText("(no poster frame)")
        self.screen.setCurrentWidget(self.poster)
        self.slider.setRange(0, max(0, self.duration_ms))
        self.slider.setValue(0)
        self._show_time(0)
        self.facts_label.setText(facts)
        problem = playback_problem()
        self.message.setVisible(bool(problem))
        self.play_button.setEnabled(not problem)
        self.slider.setEnabled(not problem)
        if problem:
            self.message.setText(
                f"This video cannot be played here: {problem}. Its poster frame is shown; "
                "the original file is kept unchanged in the archive."
            )

    @property
    def playing(self) -> bool:
        player = self._player
        if player is None:
            return False
        from PySide6.QtMultimedia import QMediaPlayer

        assert isinstance(player, QMediaPlayer)
        return player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    @property
    def position_ms(self) -> int:
        return self.slider.value()

    # -- playing -------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self.path is None or playback_problem():
            return
        player = self._ensure_player()
        if not self._loaded:
            self._file = QFile(str(self.path))
            if not self._file.open(QIODevice.OpenModeFlag.ReadOnly):
                self._fail(f"the original cannot be read ({self._file.errorString()})")
                return
            player.setSourceDevice(self._file, QUrl())
            self._loaded = True
        player.play()

    def pause(self) -> None:
        player = self._player
        if player is not None:
            player.pause()  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Stop and let go of the file (another item is shown, or the window closes)."""
        player = self._player
        if player is not None:
            player.stop()  # type: ignore[attr-defined]
            player.setSource(QUrl())  # type: ignore[attr-defined]
        if self._file is not None:
            self._file.close()
            self._file = None
        self._loaded = False
        self._set_play_icon(False)

    def _seek(self, position: int) -> None:
        player = self._player
        if player is not None and self._loaded:
            player.setPosition(position)  # type: ignore[attr-defined]
        self._show_time(position)

    def step(self, delta_ms: int) -> None:
        position = max(0, min(self.slider.maximum(), self.slider.value() + delta_ms))
        self.slider.setValue(position)
        self._seek(position)

    def _ensure_player(self) -> object:
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoSink

        if self._player is None:
            player = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            player.setAudioOutput(self._audio)  # type: ignore[arg-type]
            self._sink = QVideoSink(self)
            self._sink.videoFrameChanged.connect(self._show_frame)
            player.setVideoSink(self._sink)
            player.positionChanged.connect(self._position_changed)
            player.durationChanged.connect(self._duration_changed)
            player.playbackStateChanged.connect(
                lambda state: self._set_play_icon(state == QMediaPlayer.PlaybackState.PlayingState)
            )
            player.errorOccurred.connect(lambda _error, text: self._fail(text))
            self._player = player
        return self._player

    def _show_frame(self, frame: object) -> None:
        image = frame.toImage()  # type: ignore[attr-defined]
        if image.isNull():
            return
        self.frames_shown += 1
        self.poster.set_source(QPixmap.fromImage(image), moving=self.playing)

    def _position_changed(self, position: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(position)
        self._show_time(position)

    def _duration_changed(self, duration: int) -> None:
        if duration > 0:
            self.duration_ms = duration
            self.slider.setRange(0, duration)
            self._show_time(self.slider.value())

    def _show_time(self, position: int) -> None:
        total = clock(self.duration_ms / 1000, total=True)
        self.time_label.setText(f"{clock(position / 1000)} / {total}")

    def _set_play_icon(self, playing: bool) -> None:
        if not playing and self.poster.moving:
            self.poster.set_source(self.poster.source)  # the frame stopped on, smoothly
        pixmap = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(pixmap))
        self.play_button.setAccessibleName("Pause" if playing else "Play")
        self.play_button.setToolTip("Pause (Space)" if playing else "Play (Space)")

    def _fail(self, reason: str) -> None:
        log.warning("cannot play %s: %s", self.path, reason)
        # Later, so that the player is not torn down inside its own signal.
        QTimer.singleShot(0, self.stop)
        self.message.setText(
            f"This video cannot be played here: {reason or 'the player gave no reason'}. "
            "Its poster frame is shown; the original file is kept unchanged in the archive."
        )
        self.message.show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Space, Qt.Key.Key_K):
            self.toggle()
        elif key == Qt.Key.Key_Left:
            self.step(-STEP_MS)
        elif key == Qt.Key.Key_Right:
            self.step(STEP_MS)
        elif key == Qt.Key.Key_Home:
            self.slider.setValue(0)
            self._seek(0)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def shutdown(self) -> None:
        self.stop()


def video_facts(extra: dict[str, object]) -> str:
    """'0:12 · 640 × 360 · h264 · 30 fps · sound': what the import read of a video."""
    bits = []
    duration = extra.get("duration")
    if isinstance(duration, int | float):
        bits.append(clock(float(duration), total=True))
    width, height = extra.get("width"), extra.get("height")
    if isinstance(width, int) and isinstance(height, int):
        bits.append(f"{width} × {height}")
    if extra.get("codec"):
        bits.append(str(extra["codec"]))
    rate = extra.get("frame_rate")
    if isinstance(rate, int | float) and rate > 0:
        bits.append(f"{rate:g} fps")
    if "has_audio" in extra:
        bits.append("sound" if extra.get("has_audio") else "no sound")
    return " · ".join(bits)
