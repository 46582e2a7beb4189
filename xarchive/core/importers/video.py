"""Videos: MP4 and QuickTime, WebM and Matroska — the videos and animated GIFs of posts.

X serves an animated GIF as a silent MP4 and keeps it so in account archives
(``data/tweets_media/<post id>-<name>.mp4``); both are items of kind ``video``.
PyAV (FFmpeg's libraries) reads the file: its size, duration, codec and frame
rate, and a poster frame for the viewer and a thumbnail for cards, written to
``derived/`` like a picture's thumbnail.

Every packet of the video is read (not decoded) before the file is accepted, so
a video cut short by a failed transfer is reported — “ends after 0:04 of 0:12”
— instead of imported as if whole; a file with no picture at all (only sound)
is refused too.

FFmpeg never opens anything by name here: the file is handed to it as an open
Python file, and the demuxer is chosen from the file's magic bytes (mov/mp4 or
matroska/webm), so no playlist, concat or network protocol can be reached.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UnreadableFile
from ..model import Extracted
from ..wording import clock
from . import iso_datetime, pretty_stem, quoted, write_atomically
from .base import ExtractContext

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.stream import VideoStream
    from PIL.Image import Image

NAME = "video"
THUMBNAIL_PX = 320
POSTER_PX = 960
#: Where in the video the poster frame is taken: a second in, or a quarter of a
#: shorter one (the very first frame of a video is often black).
POSTER_AT = 1.0

#: `ftyp` brands of ISO media files that hold no video (pictures, sound).
_NOT_VIDEO_BRANDS = {
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif",
    b"avis", b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B ",
}  # fmt: skip
_EBML = b"\x1a\x45\xdf\xa3"


@dataclass(frozen=True, slots=True)
class _Kind:
    demuxer: str  # FFmpeg's name of the demuxer to use
    media_type: str


def kind_of(head: bytes) -> _Kind | None:
    """What kind of video file `head` starts, None if it is none."""
    if head[4:8] == b"ftyp" and len(head) >= 12:
        brand = head[8:12]
        if brand in _NOT_VIDEO_BRANDS:
            return None
        return _Kind("mov", "video/quicktime" if brand == b"qt  " else "video/mp4")
    if head.startswith(_EBML):
        return _Kind("matroska", "video/webm" if b"webm" in head[:64] else "video/x-matroska")
    return None


def detect(head: bytes, path: Path) -> bool:
    """MP4, QuickTime, WebM and Matroska by their magic bytes (not M4A sound, nor HEIC)."""
    return kind_of(head) is not None


def extract(path: Path, ctx: ExtractContext) -> Extracted:
    """Check the video is whole, read its size and duration, write its poster frame.

    Raises UnreadableFile naming the file when it is no video FFmpeg can read, holds
    no picture, or is cut short. A poster frame that cannot be saved only adds a
    warning.
    """
    import av  # the FFmpeg libraries: loaded by the first video, not with the importers

    with path.open("rb") as handle:
        found = kind_of(handle.read(64))
        if found is None:
            raise UnreadableFile(f"{quoted(path)} is not a video.")
        handle.seek(0)
        try:
            with av.open(handle, "r", format=found.demuxer) as container:
                return _extract(container, found, path, ctx)
        except av.FFmpegError as exc:
            raise UnreadableFile(_reason(path, exc)) from exc


def _reason(path: Path, exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    if "moov atom not found" in str(exc) or "Invalid data" in text:
        return (
            f"{quoted(path)} cannot be read as a video: it is damaged or cut short "
            "(its index of frames is missing). Import a complete copy."
        )
    return f"{quoted(path)} cannot be read as a video: {text}."


def _extract(container: InputContainer, found: _Kind, path: Path, ctx: ExtractContext) -> Extracted:
    if not container.streams.video:
        what = "only sound" if container.streams.audio else "no picture"
        raise UnreadableFile(f"{quoted(path)} is not a video: it holds {what}.")
    stream = container.streams.video[0]
    duration = _duration(container, stream)
    _check_whole(container, stream, duration, path)
    container.seek(0, stream=stream)
    poster, poster_at = _poster_frame(container, stream, duration, path)
    width, height = _display_size(stream, poster)
    if (poster.width > poster.height) != (width > height) and poster.width != poster.height:
        width, height = height, width  # turned upright with the poster
    extra: dict[str, Any] = {
        "width": width,
        "height": height,
        "duration": round(duration, 3),
        "codec": stream.codec_context.name,
        "has_audio": bool(container.streams.audio),
        "container": found.demuxer,
    }
    if stream.average_rate:
        extra["frame_rate"] = round(float(stream.average_rate), 3)
    if stream.frames:
        extra["frames"] = stream.frames
    notes: list[str] = []
    sha = ctx.sha256 or _sha256_of(path)
    try:
        extra["poster"] = _write_jpeg(poster, POSTER_PX, ctx.derived_dir, f"posters/{sha}.jpg")
        extra["poster_at"] = round(poster_at, 3)
        extra["thumbnail"] = _write_png(poster, THUMBNAIL_PX, ctx.derived_dir, f"thumbs/{sha}.png")
    except OSError as exc:
        notes.append(f"The poster frame could not be saved ({exc.strerror or exc}).")
    created = str(container.metadata.get("creation_time", ""))
    return Extracted(
        kind="video",
        media_type=found.media_type,
        title=pretty_stem(path),
        pages=("",),
        # Cameras and phones write when they recorded; X's copies carry no such time.
        captured_at=iso_datetime(created.replace("Z", "+00:00")) if created else "",
        warnings=tuple(notes),
        extra=extra,
    )


def _duration(container: InputContainer, stream: VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return 0.0


def _poster_frame(
    container: InputContainer, stream: VideoStream, duration: float, path: Path
) -> tuple[Image, float]:
    """The frame shown before the video plays, and its time in seconds."""
    import av

    wanted = min(POSTER_AT, duration / 4) if duration > 0 else 0.0
    chosen = None
    at = 0.0
    try:
        for frame in container.decode(stream):
            seconds = float(frame.time) if frame.time is not None else 0.0
            chosen, at = frame, seconds
            if seconds >= wanted:
                break
    except av.FFmpegError as exc:
        if chosen is None:
            raise UnreadableFile(
                f"{quoted(path)} cannot be read as a video: its first frame does not "
                f"decode ({exc}). The file is damaged."
            ) from exc
    if chosen is None:
        raise UnreadableFile(
            f"{quoted(path)} cannot be read as a video: it holds no frame that decodes "
            "(it is empty or cut short)."
        )
    picture = chosen.to_image()  # type: ignore[no-untyped-call]
    # A phone's video is stored sideways with a rotation to apply when shown (as the
    # player does): the poster is turned the same way, counter-clockwise.
    turn = int(getattr(chosen, "rotation", 0) or 0) % 360
    if turn in (90, 180, 270):
        picture = picture.rotate(turn, expand=True)
    return picture, at


def _check_whole(
    container: InputContainer, stream: VideoStream, duration: float, path: Path
) -> None:
    """UnreadableFile if the frames the file announces are not all there."""
    import av

    count, end = 0, 0.0
    base = stream.time_base or Fraction(0)
    try:
        for packet in _packets(container, stream):
            count += 1
            if packet.pts is not None:
                end = max(end, float((packet.pts + (packet.duration or 0)) * base))
    except av.FFmpegError as exc:
        raise UnreadableFile(
            f"{quoted(path)} is damaged: reading it failed after {count} frames ({exc})."
        ) from exc
    short_by_count = bool(stream.frames) and count < stream.frames
    short_by_time = duration > 1 and end < duration * 0.9
    if short_by_count or short_by_time:
        raise UnreadableFile(
            f"{quoted(path)} is cut short: it ends after {clock(end)} of {clock(duration, True)}"
            + (f" ({count} of {stream.frames} frames)" if stream.frames else "")
            + ". Import a complete copy."
        )


def _packets(container: InputContainer, stream: VideoStream) -> Iterator[Any]:
    for packet in container.demux(stream):
        if packet.size:  # the empty packet that flushes the decoder
            yield packet


def _display_size(stream: VideoStream, poster: Image) -> tuple[int, int]:
    """Width × height as the video is shown (non-square pixels stretched)."""
    width, height = stream.codec_context.width or poster.width, stream.codec_context.height
    height = height or poster.height
    ratio = stream.sample_aspect_ratio
    if ratio and ratio != 1:
        width = round(width * float(ratio))
    return width, height


def _sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _write_jpeg(picture: Image, side: int, derived: Path, relative: str) -> str:
    copy = picture.convert("RGB")
    copy.thumbnail((side, side))
    buffer = io.BytesIO()
    copy.save(buffer, "JPEG", quality=85)
    write_atomically(derived / relative, buffer.getvalue())
    return relative


def _write_png(picture: Image, side: int, derived: Path, relative: str) -> str:
    copy = picture.convert("RGB")
    copy.thumbnail((side, side))
    buffer = io.BytesIO()
    copy.save(buffer, "PNG")
    write_atomically(derived / relative, buffer.getvalue())
    return relative
