"""Tiny real videos made at test time with PyAV: a second of frames of a few dozen pixels."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np


def mp4(
    path: Path,
    seconds: float = 1.0,
    size: tuple[int, int] = (48, 32),
    fps: int = 12,
    colour: tuple[int, int, int] = (200, 40, 40),
    faststart: bool = False,
    rotation: int = 0,
) -> Path:
    """An H.264 MP4 of a bar of `colour` growing across a dark frame; no sound (as X's
    animated GIFs are). `faststart` puts the index before the frames, as X serves them;
    `rotation` is the turn a player applies (a phone held upright stores it so)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=options) as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.options = {"preset": "ultrafast"}
        if rotation:
            stream.set_display_rotation(rotation)
        frames = max(1, round(seconds * fps))
        for number in range(frames):
            picture = np.full((height, width, 3), 24, np.uint8)
            picture[:, : max(1, (number + 1) * width // frames)] = colour
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def mp4_bytes(tmp: Path, **kwargs: object) -> bytes:
    return mp4(tmp, **kwargs).read_bytes()  # type: ignore[arg-type]


def truncated(data: bytes) -> bytes:
    """The first two thirds of a video, as a failed download leaves it."""
    return data[: len(data) * 2 // 3]
