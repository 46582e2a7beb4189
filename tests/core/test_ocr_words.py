"""OCR keeps the words' boxes, so scanned pages and screenshots are searchable on the page."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from tests.conftest import run_import
from tests.makefiles import image_pdf
from xarchive.core import words as ocr_words
from xarchive.core.archive import Archive
from xarchive.core.importers import image, pdf
from xarchive.core.importers.base import ExtractContext
from xarchive.core.store import migrations
from xarchive.core.store import ocr_words as word_store

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="needs the tesseract program"
)
SHA = "ab" * 32


def _word(found: tuple[ocr_words.Word, ...], text: str) -> ocr_words.Word:
    return next(w for w in found if w.text.strip(".,").lower() == text.lower())


def _picture_of(text: str, at: tuple[int, int], size: tuple[int, int] = (1200, 800)) -> Image.Image:
    picture = Image.new("RGB", size, "white")
    ImageDraw.Draw(picture).text(at, text, fill="black", font_size=60)
    return picture


@needs_tesseract
def test_a_screenshot_keeps_where_each_word_is(tmp_path: Path) -> None:
    path = tmp_path / "shot.png"
    _picture_of("Blocked nationwide", (600, 500)).save(path)
    found = image.extract(path, ExtractContext(SHA, tmp_path / "derived", ocr_languages="eng"))
    words = found.ocr_words[1]
    blocked = _word(words, "Blocked")
    # drawn at 600, 500 px of a 1200 × 800 picture: half across, five eighths down
    assert blocked.x == pytest.approx(0.5, abs=0.02)
    assert blocked.y == pytest.approx(0.64, abs=0.03)
    assert "Blocked nationwide" in ocr_words.page_text(words)


def _placed_scan(path: Path, rotate: int) -> Path:
    """A 600 × 800 pt page with a scan drawn in its lower left quarter (not over the page,
    as Pillow draws it), the page turned by /Rotate `rotate`."""
    plain = image_pdf(path.with_suffix(".plain.pdf"), "Censorship order of the court")
    writer = PdfWriter()
    page = writer.add_page(PdfReader(plain).pages[0])
    name = next(iter(page.images.keys()))
    stream = DecodedStreamObject()
    stream.set_data(f"q 300 0 0 145 0 0 cm {name} Do Q".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    page.mediabox.upper_right = (600, 800)
    if rotate:
        page.rotate(rotate)
    with path.open("wb") as out:
        writer.write(out)
    return path


@needs_tesseract
@pytest.mark.parametrize("rotate", [0, 90])
def test_a_scanned_page_keeps_where_each_word_stands_on_the_page(
    tmp_path: Path, rotate: int
) -> None:
    path = _placed_scan(tmp_path / "order.pdf", rotate)
    found = pdf.extract(path, ExtractContext(SHA, tmp_path / "derived", ocr_languages="eng"))
    word = _word(found.ocr_words[1], "Censorship")
    # The picture (1240 × 600 px, the text at 60, 250) fills x 0–300, y 0–145 pt of the
    # 600 × 800 page, from its bottom: the word's left is at 60/1240 of 300 pt.
    left = 60 / 1240 * 300 / 600
    top = 1 - 145 / 800 + (250 / 600) * 145 / 800
    if rotate == 0:
        assert (word.x, word.y) == (pytest.approx(left, abs=0.02), pytest.approx(top, abs=0.02))
        assert word.w > word.h
    else:  # turned clockwise: the page's left edge is now its top
        assert word.x + word.w == pytest.approx(1 - top, abs=0.02)
        assert word.y == pytest.approx(left, abs=0.02)
        assert word.h > word.w


@needs_tesseract
def test_an_import_stores_the_boxes_of_the_demo_scan(archive: Archive, samples: Path) -> None:
    run_import(archive, samples / "court" / "2024-04-17_sindh_high_court_order_scanned.pdf")
    item_id = int(archive.db.execute("SELECT id FROM items").fetchone()[0])
    pages = word_store.page_words(archive.db, item_id)
    assert sorted(pages) == [1, 2]
    text = ocr_words.page_text(pages[1])
    stored = archive.db.execute(
        "SELECT text FROM pages WHERE item_id = ? AND page_no = 1", (item_id,)
    ).fetchone()[0]
    assert text.split() == stored.split()  # the boxes spell the page's OCR text
    for word in pages[1]:
        assert 0 <= word.x <= 1 and 0 <= word.y <= 1 and word.w > 0 and word.h > 0


def test_words_and_their_text_map_both_ways() -> None:
    words = (
        ocr_words.Word("Order", 0.1, 0.1, 0.1, 0.02, 0),
        ocr_words.Word("of", 0.21, 0.1, 0.03, 0.02, 0),
        ocr_words.Word("court", 0.1, 0.2, 0.1, 0.02, 1),
    )
    assert ocr_words.page_text(words) == "Order of\ncourt"
    assert ocr_words.words_between(words, 6, 14) == [1, 2]
    assert ocr_words.loads(ocr_words.dumps(words)) == words
    assert ocr_words.loads("not json") == ()
    assert ocr_words.loads('{"v": 99, "words": []}') == ()


def test_an_archive_from_before_boxes_opens_and_has_none(tmp_path: Path) -> None:
    root = tmp_path / "old.xarchive"
    Archive.create(root).close()
    db = sqlite3.connect(root / "archive.sqlite")
    db.execute("DROP TABLE ocr_words")
    db.execute("DELETE FROM schema_migrations WHERE version >= 5")
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    with Archive.open(root) as archive:
        assert migrations.schema_version(archive.db) == migrations.LATEST
        assert word_store.page_words(archive.db, 1) == {}


@needs_tesseract
def test_tesseract_is_handed_the_picture_uncompressed_and_reads_it_as_from_a_png(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The picture goes to tesseract as PGM, which costs no compression on either side;
    tesseract reads the same text and words from it as from the PNG it was given before."""
    import io

    from xarchive.core import ocr

    grey = _picture_of("Access to X is blocked", (60, 300), (900, 500)).convert("L")
    program = ocr.find_tesseract()
    assert program is not None
    handed: list[bytes] = []
    call = ocr._call
    monkeypatch.setattr(
        ocr, "_call", lambda command, data: (handed.append(data), call(command, data))[1]
    )
    read = ocr._run(program, grey, "eng", "3")
    assert (
        handed[0].startswith(b"P5")
        and Image.open(io.BytesIO(handed[0])).tobytes() == grey.tobytes()
    )

    class AsPng:  # the picture as _run wrote it before: a PNG
        def save(self, buffer: io.BytesIO, *_: object, **__: object) -> None:
            grey.save(buffer, "PNG", compress_level=1)

    from_png = ocr._run(program, AsPng(), "eng", "3")  # type: ignore[arg-type]
    assert "blocked" in read.text
    assert (read.text, read.words, read.confidence) == (
        from_png.text,
        from_png.words,
        from_png.confidence,
    )
