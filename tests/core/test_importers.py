"""The importers on real files made here: the files researchers collect, good and bad."""

from __future__ import annotations

import codecs
import errno
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont, features
from pypdf import PdfReader, PdfWriter

from tests.makefiles import binary_junk, corrupt_pdf, html_article, image_pdf, truncated_png
from xarchive.core import ocr
from xarchive.core.errors import UnreadableFile, UnsupportedFile
from xarchive.core.importers import (
    IMPORTERS,
    find_importer,
    html,
    image,
    pdf,
    pretty_stem,
    sniff,
    text,
)
from xarchive.core.importers.base import ExtractContext
from xarchive.core.language import detect_language
from xarchive.core.model import Extracted

HAS_TESSERACT = shutil.which("tesseract") is not None
needs_tesseract = pytest.mark.skipif(not HAS_TESSERACT, reason="needs the tesseract program")
SHA = "5e" * 32
NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")
URDU = "پاکستان میں ایکس پر پابندی"


@pytest.fixture
def ctx(tmp_path: Path) -> ExtractContext:
    """No OCR unless a test asks for it: most tests are about everything else."""
    return ExtractContext(sha256=SHA, derived_dir=tmp_path / "derived", ocr=False)


def extract(path: Path, ctx: ExtractContext) -> Extracted:
    """What the import does: choose the importer by content, then extract."""
    result: Extracted = sniff(path).extract(path, ctx)
    return result


# -- files made here ------------------------------------------------------------------


def born_digital_pdf(path: Path, pages: list[str], info: str = "") -> Path:
    """A PDF with a real text layer (Helvetica), written by hand, one line per "\\n"."""
    objects: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    contents = []
    for page in pages:
        lines = b"".join(b"(%s) Tj T* " % line.encode("latin-1") for line in page.split("\n"))
        stream = b"BT /F1 12 Tf 14 TL 72 720 Td " + lines + b"ET"
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        contents.append(len(objects))
    pages_id = len(objects) + len(pages) + 1
    kids = []
    for content in contents:
        objects.append(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 1 0 R >> >> >>" % (pages_id, content)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids)))
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    root = len(objects)
    trailer_info = b""
    if info:
        objects.append(info.encode("latin-1"))
        trailer_info = b" /Info %d 0 R" % len(objects)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, trailer_info, xref)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path


REPLY_INFO = (
    "<< /Title (Reply of the Ministry of Interior) /Author (Ministry of Interior) "
    "/CreationDate (D:20240417093000+05'00') /Producer (Demo Writer 1.0) /Creator (Demo) >>"
)
REPLY_PAGES = [
    "IN THE ISLAMABAD HIGH COURT\nReply on behalf of the Ministry of Interior",
    "The platform was blocked in the interest of national security\nand public order.",
]


def reply_pdf(path: Path) -> Path:
    return born_digital_pdf(path, REPLY_PAGES, REPLY_INFO)


def encrypted_pdf(path: Path, user_password: str) -> Path:
    source = reply_pdf(path.with_suffix(".plain.pdf"))
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    with path.open("wb") as out:
        writer.write(out)
    source.unlink()
    return path


def picture_of_text(words: str, size: tuple[int, int] = (900, 160)) -> Image.Image:
    picture = Image.new("RGB", size, "white")
    font = ImageFont.load_default(size=48)
    ImageDraw.Draw(picture).text((30, 50), words, fill="black", font=font)
    return picture


def png_with_exif(path: Path, original: str = "2024:02:17 18:05:11") -> Path:
    exif = Image.Exif()
    exif[0x0132] = "2024:02:18 10:00:00"  # DateTime: when it was last edited
    exif.get_ifd(0x8769)[0x9003] = original  # DateTimeOriginal: when it was taken
    Image.new("RGB", (1200, 600), "lightblue").save(path, "PNG", exif=exif)
    return path


# -- choosing the importer by content --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("reply.pdf", lambda p: reply_pdf(p), "pdf"),
        ("reply.txt", lambda p: reply_pdf(p), "pdf"),  # a PDF under a wrong name
        ("shot.png", lambda p: png_with_exif(p), "image"),
        ("shot.html", lambda p: png_with_exif(p), "image"),
        ("photo.jpg", lambda p: Image.new("RGB", (40, 30)).save(p, "JPEG"), "image"),
        ("anim.gif", lambda p: Image.new("P", (40, 30)).save(p, "GIF"), "image"),
        ("pic.webp", lambda p: Image.new("RGB", (40, 30)).save(p, "WEBP"), "image"),
        ("scan.tiff", lambda p: Image.new("L", (40, 30)).save(p, "TIFF"), "image"),
        ("ban.html", lambda p: html_article(p, "Ban", "Text."), "html"),
        ("ban.txt", lambda p: html_article(p, "Ban", "Text."), "html"),
        (
            "saved.dat",
            lambda p: p.write_text("\ufeff <!-- saved --> <HTML><body>x</body></HTML>"),
            "html",
        ),
        (
            "xhtml.xml",
            lambda p: p.write_text('<?xml version="1.0"?>\n<!DOCTYPE html><html/>'),
            "html",
        ),
        ("fragment.htm", lambda p: p.write_text('<meta charset="utf-8"><p>Hello</p>'), "html"),
        ("readme.md", lambda p: p.write_text('<p align="center">logo</p>\n# Read me'), "text"),
        ("notes.md", lambda p: p.write_text("# Notes\n\nThe ban began on 17 February."), "text"),
        ("notes", lambda p: p.write_text("no suffix at all"), "text"),
        (
            "utf16.txt",
            lambda p: p.write_bytes(codecs.BOM_UTF16_LE + URDU.encode("utf-16-le")),
            "text",
        ),
    ],
)
def test_the_importer_is_chosen_by_content(
    tmp_path: Path, name: str, make: object, expected: str
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    chosen = sniff(path).NAME
    assert chosen == expected


def test_every_importer_has_the_interface() -> None:
    names = [module.NAME for module in IMPORTERS]
    assert names == ["image", "video", "pdf", "mhtml", "html", "text"]
    for module in IMPORTERS:
        assert callable(module.detect) and callable(module.extract)


def test_an_empty_file_is_refused_by_name_and_size(tmp_path: Path) -> None:
    empty = tmp_path / "x.pdf"
    empty.write_bytes(b"")
    with pytest.raises(UnsupportedFile, match=r"^‘x\.pdf’ is empty \(0 bytes\)\.$"):
        sniff(empty)


def test_binary_junk_named_html_is_refused(tmp_path: Path) -> None:
    junk = binary_junk(tmp_path / "page.html")
    with pytest.raises(UnsupportedFile) as caught:
        sniff(junk)
    assert str(caught.value) == (
        "‘page.html’ is not HTML or text: its content looks like binary data (no known format)."
    )


def test_text_is_told_from_binary_by_its_control_characters() -> None:
    """The characters that count against text are Unicode's controls (category Cc) but
    tab, the line breaks and escape; more than one in a hundred, and it is not text."""
    import unicodedata

    from xarchive.core.importers.text import _ALLOWED_CONTROLS, _CONTROL, looks_like_text

    counted = {c for c in map(chr, range(0x110000)) if _CONTROL.match(c)}
    controls = {c for c in map(chr, range(0x110000)) if unicodedata.category(c) == "Cc"}
    assert counted == controls - _ALLOWED_CONTROLS
    line = "A note, with a tab\tand a colour \x1b[1mcode\x1b[0m.\r\n"
    assert looks_like_text((line * 40).encode())
    assert looks_like_text(("x" * 99 + "\x07").encode())
    assert not looks_like_text(("x" * 98 + "\x07\x00").encode().replace(b"\x00", b"\x01"))
    assert looks_like_text("ایکس پر پابندی".encode() * 50)


def test_known_but_unsupported_formats_are_named(tmp_path: Path) -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200)
    with pytest.raises(UnsupportedFile, match="HEIC picture.*convert it to JPEG"):
        find_importer(heic, tmp_path / "IMG_0001.HEIC")
    with pytest.raises(UnsupportedFile, match="is a ZIP archive"):
        find_importer(b"PK\x03\x04" + bytes(100), tmp_path / "export.zip")


def test_files_that_cannot_be_opened_say_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(UnreadableFile, match="‘folder’ is a folder, not a file"):
        (tmp_path / "folder").mkdir()
        sniff(tmp_path / "folder")
    loop = tmp_path / "loop.pdf"
    loop.symlink_to(tmp_path / "loop2.pdf")
    (tmp_path / "loop2.pdf").symlink_to(loop)
    with pytest.raises(UnreadableFile, match="loops back on itself"):
        sniff(loop)
    dangling = tmp_path / "gone.pdf"
    dangling.symlink_to(tmp_path / "nowhere.pdf")
    with pytest.raises(
        UnreadableFile, match="symbolic link to .*nowhere.pdf, which does not exist"
    ):
        sniff(dangling)

    note = tmp_path / "secret.txt"
    note.write_text("private")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    with monkeypatch.context() as patch:  # root reads anything, so the OS is asked to refuse
        patch.setattr(Path, "open", refuse)
        with pytest.raises(UnreadableFile, match="‘secret.txt’ cannot be read: permission denied"):
            sniff(note)

    def vanish(self: Path, *args: object, **kwargs: object) -> object:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(self))

    with monkeypatch.context() as patch:  # deleted between the scan and the read
        patch.setattr(Path, "open", vanish)
        with pytest.raises(UnreadableFile, match="‘secret.txt’ has vanished"):
            sniff(note)


# -- PDF --------------------------------------------------------------------------------


def test_a_born_digital_pdf_gives_text_per_page_and_its_metadata(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    result = extract(reply_pdf(tmp_path / "reply.pdf"), ctx)
    assert (result.kind, result.media_type) == ("document", "application/pdf")
    assert len(result.pages) == 2
    assert "Ministry of Interior" in result.pages[0]
    assert "national security" in result.pages[1] and "national security" not in result.pages[0]
    assert result.title == "Reply of the Ministry of Interior"
    assert result.author == "Ministry of Interior"
    assert result.published_at == "2024-04-17T04:30:00+00:00"  # 09:30 in Pakistan
    assert result.language == "en"
    assert (result.ocr_status, result.ocr_pages, result.warnings) == ("none", (), ())
    assert result.extra["producer"] == "Demo Writer 1.0"
    assert result.extra["creator"] == "Demo"
    assert result.extra["page_count"] == 2


def test_a_pdf_without_a_title_is_named_after_its_file(tmp_path: Path, ctx: ExtractContext) -> None:
    path = born_digital_pdf(tmp_path / "moi_reply_to-IHC.pdf", ["Some words on a page"])
    assert extract(path, ctx).title == "moi reply to IHC"
    scanner = born_digital_pdf(
        tmp_path / "order_17_april.pdf", ["Some words here"], "<< /Title (Scanned document) >>"
    )
    result = extract(scanner, ctx)
    assert result.title == "order 17 april"
    assert result.extra["pdf_title"] == "Scanned document"
    word = born_digital_pdf(
        tmp_path / "w.pdf", ["Some words here"], "<< /Title (Microsoft Word - reply to IHC.docx) >>"
    )
    assert extract(word, ctx).title == "reply to IHC"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20240417093000+05'00'", "2024-04-17T04:30:00+00:00"),
        ("D:20240417093000+05'00", "2024-04-17T04:30:00+00:00"),
        ("D:20240418051200Z", "2024-04-18T05:12:00+00:00"),
        ("D:20240418051200Z00'00'", "2024-04-18T05:12:00+00:00"),
        ("D:20240101000000-08'00'", "2024-01-01T08:00:00+00:00"),
        ("D:20240417093000", "2024-04-17T09:30:00"),  # no zone: local time as written
        ("20240417", "2024-04-17T00:00:00"),
        ("D:2024", "2024-01-01T00:00:00"),
        ("D:20241341250000", ""),  # month 13
        ("yesterday", ""),
        ("", ""),
    ],
)
def test_pdf_dates_are_read_and_malformed_ones_tolerated(raw: str, iso: str) -> None:
    assert pdf.pdf_date(raw) == iso


def test_a_password_protected_pdf_is_refused_with_what_to_do(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    path = encrypted_pdf(tmp_path / "reply.pdf", user_password="secret")
    with pytest.raises(UnreadableFile) as caught:
        extract(path, ctx)
    message = str(caught.value)
    assert message.startswith("‘reply.pdf’ is encrypted with a password; remove the password")
    assert message.endswith("import it again.")


def test_a_pdf_encrypted_without_an_opening_password_is_imported_with_a_warning(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    result = extract(encrypted_pdf(tmp_path / "restricted.pdf", user_password=""), ctx)
    assert "national security" in result.pages[1]
    assert result.extra["encrypted"] is True
    assert any("encrypted without an opening password" in w for w in result.warnings)


def test_a_truncated_pdf_is_damaged_and_ends_early(tmp_path: Path, ctx: ExtractContext) -> None:
    whole = reply_pdf(tmp_path / "whole.pdf").read_bytes()
    cut = tmp_path / "x.pdf"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(UnreadableFile, match=r"^‘x\.pdf’ is damaged: the file ends early"):
        extract(cut, ctx)


def test_a_corrupt_pdf_is_damaged(tmp_path: Path, ctx: ExtractContext) -> None:
    with pytest.raises(UnreadableFile, match=r"^‘submission\.pdf’ is damaged: "):
        extract(corrupt_pdf(tmp_path / "submission.pdf"), ctx)
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    with pytest.raises(UnreadableFile, match=r"^‘garbage\.pdf’ is damaged: its structure"):
        extract(garbage, ctx)


def test_library_complaints_stay_off_stderr(tmp_path: Path) -> None:
    whole = reply_pdf(tmp_path / "whole.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(whole[: len(whole) // 2])
    corrupt_pdf(tmp_path / "corrupt.pdf")
    (tmp_path / "menu.html").write_text("<html><body><nav>Menu</nav><div>Hi</div></body></html>")
    script = (
        "import sys; from pathlib import Path\n"
        "from xarchive.core.importers import sniff\n"
        "from xarchive.core.importers.base import ExtractContext\n"
        "from xarchive.core.errors import UnreadableFile\n"
        f"ctx = ExtractContext('', Path({str(tmp_path)!r}) / 'derived', ocr=False)\n"
        "for name in sys.argv[1:]:\n"
        "    try: sniff(Path(name)).extract(Path(name), ctx)\n"
        "    except UnreadableFile as exc: print(exc)\n"
    )
    files = [str(tmp_path / name) for name in ("cut.pdf", "corrupt.pdf", "menu.html")]
    done = subprocess.run(
        [sys.executable, "-c", script, *files],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.count("is damaged") == 2
    assert done.stderr == ""


@needs_tesseract
@pytest.mark.ocr
def test_a_scanned_pdf_is_read_by_ocr(tmp_path: Path) -> None:
    path = image_pdf(tmp_path / "order.pdf", "Censorship order of the court")
    context = ExtractContext(sha256=SHA, derived_dir=tmp_path / "derived", ocr_languages="eng")
    result = extract(path, context)
    assert "Censorship order" in result.pages[0]
    assert (result.ocr_status, result.ocr_pages) == ("done", (1,))


def test_without_tesseract_a_scanned_pdf_imports_and_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "find_tesseract", lambda: None)
    path = image_pdf(tmp_path / "order.pdf", "Censorship order")
    result = extract(path, ExtractContext(sha256=SHA, derived_dir=tmp_path / "derived"))
    assert result.pages == ("",)
    assert (result.ocr_status, result.ocr_pages) == ("missing-tesseract", ())
    assert result.extra["pages_without_text"] == [1]
    (warning,) = result.warnings
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-urd" in warning


# -- pictures ---------------------------------------------------------------------------


def test_a_picture_gives_size_capture_time_and_a_thumbnail(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    result = extract(png_with_exif(tmp_path / "screenshot_moi_reply.png"), ctx)
    assert (result.kind, result.media_type) == ("image", "image/png")
    assert result.title == "screenshot moi reply"
    assert result.captured_at == "2024-02-17T18:05:11"  # EXIF has no zone: kept local
    assert result.extra["captured_at_zone"] == "unknown"
    assert result.extra["captured_at_source"] == "EXIF DateTimeOriginal"
    extra = {key: result.extra[key] for key in ("width", "height", "format", "mode")}
    assert extra == {"width": 1200, "height": 600, "format": "PNG", "mode": "RGB"}
    assert result.extra["thumbnail"] == f"thumbs/{SHA}.png"
    with Image.open(ctx.derived_dir / result.extra["thumbnail"]) as thumb:
        assert thumb.format == "PNG" and thumb.size == (320, 160)
    assert not [p for p in (ctx.derived_dir / "thumbs").iterdir() if p.suffix == ".tmp"]
    assert result.ocr_status == "none"  # OCR switched off


def test_a_thumbnail_looks_as_one_made_by_lanczos_alone(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    """Thumbnails are averaged down first (image.py), as sharp to the eye: a screenshot's
    differs from the slow, exact one by about a level in 255 on average."""
    from PIL import ImageChops, ImageDraw, ImageStat

    path = tmp_path / "post.png"
    picture = Image.new("RGB", (1000, 562), "white")
    draw = ImageDraw.Draw(picture)
    for row in range(12):
        draw.text((30, 20 + 44 * row), "Access to X is blocked in Pakistan " * 3, fill="black")
    draw.rectangle((600, 300, 900, 500), fill=(29, 155, 240))
    picture.save(path)
    result = extract(path, ctx)
    exact = picture.copy()
    exact.thumbnail((320, 320), Image.Resampling.LANCZOS, reducing_gap=None)
    with Image.open(ctx.derived_dir / result.extra["thumbnail"]) as thumb:
        assert thumb.size == exact.size == (320, 180)
        difference = ImageStat.Stat(ImageChops.difference(thumb.convert("RGB"), exact)).mean
    assert max(difference) < 2.0


def test_a_png_creation_time_with_a_zone_is_stored_in_utc(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Creation Time", "2024-02-17T21:20:05+05:00")
    path = tmp_path / "capture.png"
    Image.new("RGB", (50, 50)).save(path, "PNG", pnginfo=info)
    result = extract(path, ctx)
    assert result.captured_at == "2024-02-17T16:20:05+00:00"
    assert result.extra["captured_at_zone"] == "+05:00"


def test_a_jpeg_with_a_placeholder_date_has_no_capture_time(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "0000:00:00 00:00:00"
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (640, 480), "gray").save(path, "JPEG", exif=exif)
    result = extract(path, ctx)
    assert result.media_type == "image/jpeg" and result.captured_at == ""
    assert (ctx.derived_dir / f"thumbs/{SHA}.png").exists()


def test_a_truncated_picture_is_refused(tmp_path: Path, ctx: ExtractContext) -> None:
    with pytest.raises(UnreadableFile, match=r"^‘x\.png’ is truncated or damaged: "):
        extract(truncated_png(tmp_path / "x.png"), ctx)
    whole = io.BytesIO()
    Image.effect_noise((300, 300), 60).convert("RGB").save(whole, "JPEG")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    with pytest.raises(UnreadableFile, match="truncated or damaged: the picture data ends early"):
        extract(cut, ctx)


def test_a_decompression_bomb_is_refused(
    tmp_path: Path, ctx: ExtractContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    Image.new("L", (300, 300)).save(tmp_path / "huge.png")  # 90 000 pixels
    Image.new("L", (150, 100)).save(tmp_path / "large.png")  # 15 000 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    for name in ("huge.png", "large.png"):  # Pillow's error and Pillow's warning
        with pytest.raises(UnreadableFile, match=f"‘{name}’ is too large to open safely"):
            extract(tmp_path / name, ctx)


@needs_tesseract
@pytest.mark.ocr
def test_the_text_in_a_screenshot_is_found_by_ocr(tmp_path: Path) -> None:
    path = tmp_path / "post.png"
    picture_of_text("Internet shutdown in Pakistan").save(path)
    context = ExtractContext(sha256=SHA, derived_dir=tmp_path / "derived")
    result = extract(path, context)
    assert "Internet shutdown in Pakistan" in result.pages[0]
    assert (result.ocr_status, result.ocr_pages, result.language) == ("done", (1,), "en")
    assert result.warnings == ()


def test_without_tesseract_a_picture_imports_without_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "find_tesseract", lambda: None)
    path = tmp_path / "post.png"
    picture_of_text("Internet shutdown").save(path)
    result = extract(path, ExtractContext(sha256=SHA, derived_dir=tmp_path / "derived"))
    assert (result.pages, result.ocr_status, result.ocr_pages) == (("",), "missing-tesseract", ())
    assert "tesseract" in result.warnings[0] and "apt-get install" in result.warnings[0]
    assert ocr.available_languages() == frozenset()
    assert not ocr.tesseract_available()


@needs_tesseract
@pytest.mark.ocr
def test_missing_urdu_data_still_reads_english_and_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ocr, "_list_languages", lambda program: frozenset({"eng", "osd"}))
    result = ocr.ocr_image(picture_of_text("Freedom of expression"), "eng+urd")
    assert "Freedom of expression" in result.text
    assert result.status == "missing-language"
    assert result.warning == (
        "Urdu OCR data is not installed: sudo apt-get install tesseract-ocr-urd"
    )


@needs_tesseract
@pytest.mark.ocr
@pytest.mark.skipif(
    not (NASKH.exists() and features.check("raqm")), reason="needs Noto Naskh Arabic and raqm"
)
def test_urdu_in_a_picture_is_found_by_ocr() -> None:
    font = ImageFont.truetype(str(NASKH), 40)
    picture = Image.new("RGB", (700, 120), "white")
    ImageDraw.Draw(picture).text(
        (670, 30), URDU, font=font, fill="black", direction="rtl", language="ur", anchor="ra"
    )
    result = ocr.ocr_image(picture, "eng+urd")
    assert result.status == "done"
    assert "پابندی" in result.text and "پاکستان" in result.text
    assert "\u200f" not in result.text  # tesseract's direction marks are removed
    assert detect_language(result.text) == "ur"


def test_ocr_output_loses_direction_marks_and_page_breaks() -> None:
    raw = "\u200e@karachi_demo_voice\u200f\n\n\n\nوزارت داخلہ  \n\f"
    assert ocr.clean_ocr_text(raw) == "@karachi_demo_voice\n\nوزارت داخلہ"


# -- web pages --------------------------------------------------------------------------


def test_an_article_keeps_the_story_and_drops_the_site(tmp_path: Path, ctx: ExtractContext) -> None:
    path = html_article(
        tmp_path / "ban.html",
        "Ministry confirms the ban on X",
        "The Interior Ministry told the Islamabad High Court that X was blocked.\n\n"
        "It cited national security and public order as its reasons.",
    )
    result = extract(path, ctx)
    assert (result.kind, result.media_type) == ("article", "text/html")
    assert result.title == "Ministry confirms the ban on X"
    page = result.pages[0]
    assert "X was blocked.\n\nIt cited national security" in page
    for furniture in ("Home", "World", "window.track", "Copyright"):
        assert furniture not in page
    assert result.author == "Test Desk"
    assert result.published_at == "2024-04-18T05:00:00+00:00"
    assert result.source_url == "https://test-outlet.example/ban"
    assert result.language == "en"
    assert result.extra["dropped"] == {"scripts": 2, "styles": 0, "remote_resources": 2}
    rendition = (ctx.derived_dir / result.extra["sanitized_html"]).read_text("utf-8")
    assert result.extra["sanitized_html"] == f"html/{SHA}.html"
    assert "<p>It cited national security" in rendition
    for unsafe in ("<script", "<img", "tracker.example", "cdn.example", "<nav"):
        assert unsafe not in rendition


def test_a_documentation_page_loses_its_headings_permalinks(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    """Issue 12.11: a Sphinx page came in titled "Installation¶" (its heading's link)."""
    path = tmp_path / "install.html"
    path.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Installation'
        ' &#8212; Project 1.0 documentation</title></head><body><div class="body" '
        'role="main"><section id="installation"><h1>Installation<a class="headerlink" '
        'href="#installation" title="Permalink to this heading">¶</a></h1><p>Install the '
        "package with pip. The court ordered the ministry to restore access to the "
        'platform across the country.</p><h2 id="use">Use<a class="headerlink" '
        'href="#use">¶</a></h2><p>More about how the petition was heard in the high '
        "court of the capital, and what the ministry said.</p></section></div></body></html>",
        encoding="utf-8",
    )
    result = extract(path, ctx)
    assert result.title == "Installation"
    assert "¶" not in "".join(result.pages)
    assert "Use" in result.pages[0]


def test_an_urdu_article_is_urdu_and_right_to_left(tmp_path: Path, ctx: ExtractContext) -> None:
    body = (
        "وزارت داخلہ نے اسلام آباد ہائی کورٹ میں اپنے تحریری جواب میں ٹوئٹر پر پابندی کی تصدیق "
        "کر دی ہے۔\n\nجواب میں قومی سلامتی اور امن عامہ کو وجہ بتایا گیا ہے۔"
    )
    path = html_article(tmp_path / "khabar.html", "ٹوئٹر پر پابندی کی تصدیق", body, lang="ur")
    result = extract(path, ctx)
    assert result.language == "ur"
    assert result.title == "ٹوئٹر پر پابندی کی تصدیق"
    assert "تصدیق کر دی ہے۔\n\nجواب میں" in result.pages[0]
    rendition = (ctx.derived_dir / result.extra["sanitized_html"]).read_text("utf-8")
    assert '<html lang="ur" dir="rtl">' in rendition


def test_a_windows_1252_page_is_decoded_with_its_declared_charset(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    page = (
        "<html><head><meta charset=windows-1252><title>Café “Liberté”</title></head>"
        "<body><article><p>Le café a fermé — “censure” selon les habitués.</p>"
        "<p>Les journalistes ont été empêchés d’écrire sur le blocage.</p></article></body></html>"
    )
    path = tmp_path / "cafe.html"
    path.write_bytes(page.encode("cp1252"))
    result = extract(path, ctx)
    assert result.extra["encoding"] == "cp1252"
    assert "Le café a fermé — “censure” selon les habitués." in result.pages[0]
    assert result.title == "Café “Liberté”"
    assert result.warnings == ()


def test_a_page_without_an_article_falls_back_to_its_body(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    path = tmp_path / "saved.html"
    path.write_text(
        "<!-- saved from url=(0031)https://example.org/notice-17 -->\n"
        "<html><head><style>p{}</style></head><body><nav>Menu</nav>"
        "<div>Service suspended</div><script>track()</script>"
        "<footer>© Example</footer></body></html>"
    )
    result = extract(path, ctx)
    assert result.pages == ("Service suspended",)
    assert result.source_url == "https://example.org/notice-17"
    assert result.extra["dropped"]["scripts"] == 1
    assert result.title == "saved"


def test_html_is_read_without_any_network(tmp_path: Path, ctx: ExtractContext) -> None:
    # The test session runs under forbid_network(): a download attempt would raise.
    path = tmp_path / "url.html"
    path.write_text("<html><body><p>https://example.org/only-a-link</p></body></html>")
    assert "https://example.org/only-a-link" in extract(path, ctx).pages[0]


# -- text -------------------------------------------------------------------------------


def test_a_latin_1_note_is_decoded(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(
        "Réunion à Genève : la liberté de la presse, les journalistes détenus et le rôle "
        "des autorités après la fermeture du réseau.".encode("latin-1")
    )
    result = extract(path, ctx)
    assert result.pages[0].startswith("Réunion à Genève : la liberté de la presse")
    assert result.warnings == ()
    assert (result.kind, result.media_type, result.language) == ("text", "text/plain", "fr")


def test_invalid_utf8_bytes_are_replaced_and_reported(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "copied.txt"
    path.write_bytes(f"{URDU}\nایکس بند ہے\n".encode() + b"broken \xff\xfe\xc3 bytes\n")
    result = extract(path, ctx)
    assert URDU in result.pages[0] and "broken \ufffd" in result.pages[0]
    assert result.warnings == (text.REPLACED_WARNING,)
    assert "could not be decoded and were replaced" in result.warnings[0]
    assert result.title == URDU


def test_a_utf16_note_from_notepad_is_read(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "urdu.txt"
    note = f"{URDU}\r\nحکومت کی طرف سے اب تک کوئی وضاحت سامنے نہیں آئی۔\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + note.encode("utf-16-le"))
    result = extract(path, ctx)
    assert result.pages[0].startswith(f"{URDU}\nحکومت")
    assert result.language == "ur" and result.extra["encoding"] == "utf-16-le"


def test_markdown_takes_its_title_and_date_from_the_file(
    tmp_path: Path, ctx: ExtractContext
) -> None:
    path = tmp_path / "statement.md"
    path.write_text(
        "---\ndate: 2024-03-06\nauthor: Sample Rights Watch\n---\n\n"
        "Intro line\n\n# Restore access to X\n\nThe blocking is censorship.\n"
    )
    result = extract(path, ctx)
    assert (result.media_type, result.title) == ("text/markdown", "Restore access to X")
    assert (result.published_at, result.author) == ("2024-03-06", "Sample Rights Watch")


def test_a_plain_note_is_titled_by_its_first_line(tmp_path: Path, ctx: ExtractContext) -> None:
    path = tmp_path / "timeline_notes.txt"
    path.write_text("\n\n   " + "Timeline of the blocking " * 10 + "\nsecond line")
    title = extract(path, ctx).title
    assert title.startswith("Timeline of the blocking") and title.endswith("…")
    assert len(title) <= text.TITLE_MAX_CHARS
    blank = tmp_path / "blank_note.txt"
    blank.write_text("\n \n")
    assert extract(blank, ctx).title == "blank note"


# -- names and languages ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("screenshot_moi_reply.png", "screenshot moi reply"),
        ("2024-02-17_urdu_khabar_demo_x_band.png", "2024-02-17 urdu khabar demo x band"),
        ("indus-ledger_x-goes-dark.html", "indus ledger x goes dark"),
        ("IMG_1234.JPG", "IMG 1234"),
        ("court%20order.pdf", "court order"),
        ("___.txt", "___.txt"),
    ],
)
def test_titles_from_file_names(name: str, title: str) -> None:
    assert pretty_stem(Path(name)) == title


@pytest.mark.parametrize(
    ("sample", "language"),
    [
        ("پاکستان بھر میں آج شام سے ایکس یعنی ٹوئٹر تک رسائی بند ہے۔", "ur"),
        ("ایکس پر پابندی", "ur"),
        ("ٹوئٹر تک رسائی بند ہے", "ur"),  # short, but ٹ ہ ے are letters only Urdu uses
        ("The Interior Ministry admits that X was blocked on its orders.", "en"),
        ("وزارت داخلہ نے تصدیق کر دی ہے https://x.com/demo @karachi_demo #RestoreX", "ur"),
        ("For the first time the ministry (وزارت داخلہ) admits that X was blocked.", "en"),
        ("لقد أعلنت الحكومة حجب منصة إكس في باكستان يوم السبت", "ar"),
        ("دولت ایران دسترسی به ایکس را مسدود کرد", "fa"),
        ("د پاکستان حکومت په ټوله هېواد کې ایکس بند کړ", "ps"),
        ("पाकिस्तान में एक्स पर प्रतिबंध लगाया गया", "hi"),
        ("ਪਾਕਿਸਤਾਨ ਵਿੱਚ ਪਾਬੰਦੀ ਲਗਾਈ", "pa"),
        ("hello", ""),
        ("12 345 @user https://x.com/a", ""),
        ("", ""),
    ],
)
def test_languages_are_detected(sample: str, language: str) -> None:
    assert detect_language(sample) == language


def test_html_detection_needs_markup_at_the_start(tmp_path: Path) -> None:
    assert html.detect(b"<!-- note -->\n<!DOCTYPE HTML>", tmp_path / "a")
    assert not html.detect(b"Some text that mentions <html> later", tmp_path / "a.html")
    assert not html.detect(b"<html" + bytes(50), tmp_path / "a.html")  # NUL bytes: binary
    assert image.detect(b"RIFF\x00\x00\x00\x00WEBPVP8 ", tmp_path / "a")
    assert not image.detect(b"RIFF\x00\x00\x00\x00WAVEfmt ", tmp_path / "a.webp")
    assert pdf.detect(b"\r\n\r\n%PDF-1.7", tmp_path / "a")  # junk before the header is allowed
    assert not pdf.detect(b"<html><title>What is new in %PDF-2.0</title>", tmp_path / "a")
    assert text.detect("Zürich\n".encode("latin-1"), tmp_path / "a")
    assert not text.detect(os.urandom(64) + b"\x00", tmp_path / "a")


def test_a_plain_text_note_dated_in_its_header(tmp_path: Path) -> None:
    from xarchive.core.importers import text as text_importer

    note = tmp_path / "note.txt"
    note.write_text("RESEARCH NOTE\nKept by: a desk\nLast updated: 2024-04-20\n\nBody.\n")
    ctx = ExtractContext(sha256="0" * 64, derived_dir=tmp_path)
    assert text_importer.extract(note, ctx).published_at.startswith("2024-04-20")
    note.write_text("Nothing dated here.\nDate: soon\n")
    assert text_importer.extract(note, ctx).published_at == ""


def test_only_the_importers_of_folders_are_asked_about_folders() -> None:
    """folder_importer loads the container importers that read folders and no other:
    a scan of an unchanged folder then needs no trafilatura."""
    import importlib

    from xarchive.core import importers

    readers = {
        name
        for name in importers._CONTAINER_FORMATS
        if hasattr(importlib.import_module(f"xarchive.core.importers.{name}"), "detect_folder")
    }
    assert set(importers._FOLDER_FORMATS) == readers
