#!/usr/bin/env python3
"""Draw the demo archive's one video: a short clip of a post in the demo X archive.

A *reconstruction for demonstration*, drawn here frame by frame with Pillow and
encoded with PyAV (H.264 in MP4, moov first, as X serves videos): a screen
recording of a browser asking for x.com on the evening of 17 February 2024, when X
became unreachable in Pakistan (the demo's case) — the page keeps loading, then
gives up with a time-out. No footage, nothing taken from elsewhere; a banner
across the top says it is a reconstruction.

Four seconds at 10 frames a second, 320 × 180, under 20 kB; the same PyAV (and so
the same x264) gives the same bytes: the encoder runs on one thread with fixed
settings and the file carries no creation time.

Usage::

    .venv/bin/python scripts/make_sample_video.py --out clip.mp4

scripts/make_sample_posts.py calls `demo_video()` to put it in the X archive.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SIZE = (320, 180)
FPS = 10
SECONDS = 4
#: The frame at which the browser gives up.
GIVES_UP = 27


def _frame(number: int, fonts: tuple[ImageFont.FreeTypeFont, ...]) -> Image.Image:
    small, bold = fonts
    image = Image.new("RGB", SIZE, "#f4f5f7")
    pen = ImageDraw.Draw(image)
    # The browser: its tab, its address bar.
    pen.rectangle((0, 18, 320, 52), fill="#dfe3e8")
    pen.rounded_rectangle((6, 21, 130, 35), 4, fill="#f4f5f7")
    pen.text((12, 22), "x.com" if number < GIVES_UP else "x.com — error", fill="#333", font=small)
    pen.rounded_rectangle((6, 38, 314, 50), 5, fill="white", outline="#c5cbd3")
    pen.text((14, 38), "https://x.com/home", fill="#222", font=small)
    seconds = 10 + number // FPS  # 23:10:10 onwards
    pen.text((6, 163), f"17 Feb 2024, 23:10:{seconds:02d} PKT", fill="#555", font=small)
    if number < GIVES_UP:
        # Loading: a spinner turning, the progress bar creeping and stalling.
        centre = (160, 105)
        for k in range(8):
            angle = (k + number) * math.pi / 4
            x = centre[0] + 16 * math.cos(angle)
            y = centre[1] + 16 * math.sin(angle)
            shade = 90 + 20 * k
            pen.ellipse((x - 3, y - 3, x + 3, y + 3), fill=(shade, shade, shade))
        width = int(300 * (1 - 0.6 ** (number / 6 + 1)))
        pen.rectangle((6, 53, 6 + width, 55), fill="#2f6fb3")
        pen.text((118, 132), "Waiting for x.com…", fill="#666", font=small)
    else:
        pen.text((40, 78), "This site can’t be reached", fill="#202124", font=bold)
        pen.text((40, 98), "x.com took too long to respond.", fill="#444", font=small)
        pen.text((40, 120), "ERR_CONNECTION_TIMED_OUT", fill="#777", font=small)
    # What it is, on every frame.
    pen.rectangle((0, 0, 320, 18), fill="#fff4d6")
    pen.text((6, 3), "Reconstruction for demonstration", fill="#6b4e00", font=small)
    return image


def demo_video() -> bytes:
    """The clip's MP4 bytes."""
    fonts = (ImageFont.truetype(FONT, 11), ImageFont.truetype(FONT_BOLD, 12))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        # moov first (faststart), as X serves videos; no creation time, one thread.
        options = {"movflags": "faststart", "fflags": "+bitexact"}
        with av.open(str(path), "w", format="mp4", options=options) as out:
            stream = out.add_stream("libx264", rate=FPS)
            stream.width, stream.height = SIZE
            stream.pix_fmt = "yuv420p"
            stream.codec_context.options = {
                "crf": "30", "preset": "medium", "threads": "1", "flags": "+bitexact",
            }  # fmt: skip
            for number in range(FPS * SECONDS):
                picture = np.asarray(_frame(number, fonts))
                for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        return path.read_bytes()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the MP4 file to write")
    args = parser.parse_args(argv)
    data = demo_video()
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data) // 1024} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
