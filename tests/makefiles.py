"""Small real files made at test time: good ones and the bad input users meet."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, ImageDraw


def text_file(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def html_article(path: Path, title: str, body: str, lang: str = "en") -> Path:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return text_file(
        path,
        f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{title}</title><meta name="author" content="Test Desk">
<meta property="article:published_time" content="2024-04-18T10:00:00+05:00">
<link rel="canonical" href="https://test-outlet.example/{path.stem}">
<script>window.track = 1;</script><script src="https://tracker.example/t.js"></script>
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<img src="https://cdn.example/photo.jpg"><footer>Copyright Test Outlet</footer></body></html>""",
    )


def png(path: Path, text: str = "", size: tuple[int, int] = (640, 200)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, "white")
    if text:
        ImageDraw.Draw(image).text((20, 80), text, fill="black", font_size=40)
    image.save(path, "PNG")
    return path


def image_pdf(path: Path, text: str) -> Path:
    """A PDF made of one picture of text: no text layer, like a scan."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (1240, 600), "white")
    ImageDraw.Draw(image).text((60, 250), text, fill="black", font_size=56)
    image.save(path, "PDF", resolution=150)
    return path


def truncated_png(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "red").save(buffer, "PNG")
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) // 2])
    return path


def corrupt_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    return path


def binary_junk(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 20 + os.urandom(2000))
    return path


def symlink_loop(directory: Path) -> Path:
    a, b = directory / "loop-a.pdf", directory / "loop-b.pdf"
    a.symlink_to(b)
    b.symlink_to(a)
    return a
