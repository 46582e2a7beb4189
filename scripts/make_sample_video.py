#!/usr/bin/env python3
"""Draw the demo archive's one video: a short clip of a post in the demo X archive.

A *reconstruction for demonstration*, drawn here frame by frame with Pillow and
encoded with PyAV (H.264 in MP4, moov first as X serves it): a crowd of plain
figures holding a "Restore X" banner outside a press club, a police line coming
in from the right, the crowd breaking up. No footage, no real person, nothing
taken from elsewhere; a banner across the top says it is a reconstruction. The
post that shows it is marked possibly sensitive, as a platform would mark such
footage, so that the demo shows media blurred until clicked.

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
#: The figures of the crowd: (x, y, shirt colour), spread before the club's front.
CROWD = [
    (40 + (i * 37) % 170, 112 + (i * 23) % 40, ("#c0483d", "#3a8f5c", "#2f6fb3", "#b58a2f")[i % 4])
    for i in range(18)
]


def _frame(number: int, fonts: tuple[ImageFont.FreeTypeFont, ...]) -> Image.Image:
    small, bold = fonts
    t = number / (FPS * SECONDS)  # 0 → 1 across the clip
    image = Image.new("RGB", SIZE, "#9fb4c7")
    pen = ImageDraw.Draw(image)
    # The press club's front, the street.
    pen.rectangle((0, 40, 320, 118), fill="#d8cfc0")
    for x in range(12, 320, 44):
        pen.rectangle((x, 58, x + 22, 96), fill="#7d8a96")
    pen.rectangle((0, 118, 320, 180), fill="#6f6f6f")
    pen.text((96, 44), "PRESS CLUB", fill="#4a3f30", font=bold)
    # The crowd, scattering to the left once the line comes close.
    scatter = max(0.0, t - 0.45) * 2.2
    for index, (x, y, colour) in enumerate(CROWD):
        dx = -scatter * (40 + (index * 13) % 50)
        dy = math.sin(number * 0.9 + index) * 1.5
        cx, cy = x + dx, y + dy
        pen.ellipse((cx - 4, cy - 16, cx + 4, cy - 8), fill="#e0b48f")
        pen.rectangle((cx - 5, cy - 8, cx + 5, cy + 6), fill=colour)
    # The banner, held up until the crowd runs.
    bx = 60 - scatter * 45
    pen.rectangle((bx, 88, bx + 110, 104), fill="white", outline="#333")
    pen.text((bx + 8, 89), "RESTORE X", fill="#c0483d", font=bold)
    # The police line, coming in from the right.
    front = 330 - min(t, 0.6) / 0.6 * 110
    for row in range(2):
        for k in range(6):
            px = front + row * 14 + (k % 2) * 6
            py = 110 + k * 11 - row * 4
            pen.rectangle((px - 5, py - 14, px + 5, py + 6), fill="#1f3a68")
            pen.rectangle((px - 7, py - 12, px - 5, py + 4), fill="#c9d1db")  # a shield
    # What it is, on every frame.
    pen.rectangle((0, 0, 320, 18), fill="#fff4d6")
    pen.text((6, 3), "Reconstruction for demonstration", fill="#6b4e00", font=small)
    pen.text((6, 162), f"Lahore, 24 Feb 2024  00:0{number // FPS}", fill="white", font=small)
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
