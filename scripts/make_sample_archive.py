#!/usr/bin/env python3
"""Regenerate the binary files of xarchive's demo archive (``sample_archive/``).

The demo archive documents one real case, the 2024 blocking of X (Twitter) in
Pakistan, through *reconstructions*: every court document, post and article in it
was written for xarchive, and each one says so visibly.  The HTML articles, the
Markdown statement and the text notes are sources in their own right and are kept
as they are; this script rebuilds everything else from the texts held below:

* ``sample_archive/court/*.pdf``  born-digital PDFs drawn with Qt's PDF writer, and
  one scanned-looking, image-only PDF drawn with Pillow (no text layer at all);
* ``sample_archive/screenshots/*.png``  post "screenshots" drawn with QPainter
  (Qt shapes Urdu through HarfBuzz).

Output is deterministic: fixed random seeds, fixed PDF dates and document ids, and
fixed PNG metadata, so running the script twice gives byte-identical files on the
same Qt/Pillow/pypdf versions.

Usage::

    .venv/bin/python scripts/make_sample_archive.py          # regenerate
    .venv/bin/python scripts/make_sample_archive.py --check  # regenerate, then verify
                                                             # (pypdf, and tesseract if present)

Needs only the project venv (PySide6-Essentials, Pillow, pypdf) and the Debian
font packages fonts-noto-core and fonts-dejavu-core.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt names embedded font subsets from QHash values; a fixed seed keeps PDFs identical.
os.environ["QT_HASH_SEED"] = "0"

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402
from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt, QUuid  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextLayout,
    QTextOption,
)

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT / "sample_archive"

NOTICE = "Reconstruction for demonstration \u2014 not an authentic document"
NOTICE_POST = "Reconstruction for demonstration \u2014 not an authentic post"
PDF_AUTHOR = "Reconstruction \u2014 xarchive demo"
PDF_CREATOR = "xarchive scripts/make_sample_archive.py"

NOTO = Path("/usr/share/fonts/truetype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = [
    NOTO / "NotoSans-Regular.ttf",
    NOTO / "NotoSans-Bold.ttf",
    NOTO / "NotoSerif-Regular.ttf",
    NOTO / "NotoSerif-Bold.ttf",
    NOTO / "NotoSerif-Italic.ttf",
    NOTO / "NotoNaskhArabic-Regular.ttf",
    NOTO / "NotoNaskhArabic-Bold.ttf",
    DEJAVU / "DejaVuSans.ttf",
    DEJAVU / "DejaVuSans-Bold.ttf",
    DEJAVU / "DejaVuSerif.ttf",
    DEJAVU / "DejaVuSerif-Bold.ttf",
]
SANS = "Noto Sans"
SERIF = "Noto Serif"
NASKH = "Noto Naskh Arabic"


# ---------------------------------------------------------------------------
# Qt set-up
# ---------------------------------------------------------------------------

_APP: QGuiApplication | None = None


def qt_app() -> QGuiApplication:
    """Start a (headless) Qt application once and register the fonts we rely on."""
    global _APP
    if _APP is None:
        _APP = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
        missing = [str(p) for p in FONT_FILES if not p.exists()]
        if missing:
            sys.exit(
                "missing fonts (install fonts-noto-core and fonts-dejavu-core):\n  "
                + "\n  ".join(missing)
            )
        for path in FONT_FILES:
            if QFontDatabase.addApplicationFont(str(path)) < 0:
                sys.exit(f"Qt could not load font {path}")
    return _APP


def qfont(family: str, px: float, bold: bool = False) -> QFont:
    font = QFont(family)
    font.setFamilies([family, SANS, NASKH])
    font.setPixelSize(round(px))
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


# ===========================================================================
# Screenshots of posts
# ===========================================================================


@dataclass
class Post:
    filename: str
    display_name: str
    handle: str
    avatar_text: str
    avatar_color: str
    time_line: str  # as X shows it under a post
    capture_time: str | None  # PNG "Creation Time" text chunk, None for none
    text: str
    rtl: bool = False
    dark: bool = False
    counts: tuple[str, str, str, str] = ("0", "0", "0", "0")  # replies, reposts, likes, bookmarks
    attachment: str | None = None  # "documents" | "chart"
    name_rtl: bool = False
    # words that `tesseract FILE stdout -l eng+urd` reliably finds (checked by --check)
    ocr_words: list[str] = field(default_factory=list)


POSTS: list[Post] = [
    Post(
        filename="2024-02-17_demo_reporter_x_unreachable.png",
        display_name="Demo Reporter",
        handle="@demo_reporter",
        avatar_text="DR",
        avatar_color="#2f6f8f",
        time_line="9:12 PM \u00b7 Feb 17, 2024 \u00b7 412K Views",
        capture_time="2024-02-17T21:20:05+05:00",
        text=(
            "Since early this evening X has stopped loading for me and for almost everyone "
            "I have asked in Islamabad, Lahore and Karachi. NetBlocks is now showing a "
            "nationwide disruption. No word from PTA or the Interior Ministry so far. "
            "I am posting this through a VPN."
        ),
        counts=("842", "3.1K", "9.4K", "311"),
        ocr_words=[
            "NetBlocks",
            "nationwide disruption",
            "Interior Ministry",
            "VPN",
            "@demo_reporter",
        ],
    ),
    Post(
        filename="2024-02-20_lahore_data_desk_outage_day4.png",
        display_name="Lahore Data Desk",
        handle="@lahore_data_desk",
        avatar_text="LD",
        avatar_color="#7a4fb5",
        time_line="11:40 AM \u00b7 Feb 20, 2024 \u00b7 96.3K Views",
        capture_time="2024-02-20T12:05:10+05:00",
        text=(
            "Day 4 of the X outage in Pakistan. Our test connections on three mobile "
            "networks and two home broadband lines all fail to reach the platform "
            "without a VPN, and several VPN servers are slower than last week. "
            "Chart: share of our probes that loaded the site, by day."
        ),
        dark=True,
        counts=("57", "1.2K", "2.8K", "406"),
        ocr_words=["Day 4", "outage in Pakistan", "VPN", "@lahore_data_desk"],
        attachment="chart",
    ),
    Post(
        filename="2024-03-06_sample_rights_watch_joint_statement.png",
        display_name="Sample Rights Watch",
        handle="@sample_rights_watch",
        avatar_text="SR",
        avatar_color="#b5532f",
        time_line="2:05 PM \u00b7 Mar 6, 2024 \u00b7 58.9K Views",
        capture_time="2024-03-06T14:31:47+05:00",
        text=(
            "Amnesty International and 27 civil-society organisations have jointly asked "
            "the Pakistani authorities to restore access to X. Blocking a whole platform is "
            "digital censorship and goes against Pakistan's commitments under international "
            "law. #RestoreX"
        ),
        counts=("103", "2.4K", "4.1K", "520"),
        ocr_words=[
            "Amnesty International",
            "27 civil-society organisations",
            "digital censorship",
            "international",
        ],
    ),
    Post(
        filename="2024-04-17_demo_reporter_ministry_reply_photos.png",
        display_name="Demo Reporter",
        handle="@demo_reporter",
        avatar_text="DR",
        avatar_color="#2f6f8f",
        time_line="6:48 PM \u00b7 Apr 17, 2024 \u00b7 1.1M Views",
        capture_time="2024-04-17T19:02:33+05:00",
        text=(
            "For the first time the Interior Ministry admits that X was blocked on its "
            "orders. Its written reply to the Islamabad High Court cites national security, "
            "public order and the \u2018integrity of the nation\u2019. Photos of the reply below."
        ),
        counts=("2.6K", "11K", "24K", "3.9K"),
        ocr_words=[
            "Interior Ministry",
            "Islamabad High Court",
            "national security",
            "public order",
            "integrity of the nation",
        ],
        attachment="documents",
    ),
    Post(
        filename="2024-02-17_urdu_khabar_demo_x_band.png",
        display_name="اردو خبر ڈیمو",
        handle="@urdu_khabar_demo",
        avatar_text="\u062e",
        avatar_color="#1d7a52",
        time_line="10:03 PM \u00b7 Feb 17, 2024 \u00b7 230K Views",
        capture_time="2024-02-17T22:10:41+05:00",
        text=(
            "پاکستان بھر میں آج شام سے ایکس یعنی ٹوئٹر تک رسائی بند ہے۔ "
            "صارفین وی پی این کے بغیر کوئی پوسٹ نہیں کر پا رہے۔ "
            "حکومت کی طرف سے اب تک کوئی وضاحت سامنے نہیں آئی۔"
        ),
        rtl=True,
        name_rtl=True,
        counts=("615", "2.2K", "6.7K", "190"),
        ocr_words=["پاکستان", "ٹوئٹر", "ایکس", "رسائی", "وی پی این", "حکومت"],
    ),
    Post(
        filename="2024-04-18_karachi_demo_voice_wazarat_dakhla.png",
        display_name="کراچی ڈیمو آواز",
        handle="@karachi_demo_voice",
        avatar_text="\u06a9",
        avatar_color="#a3326b",
        time_line="9:27 AM \u00b7 Apr 18, 2024 \u00b7 175K Views",
        capture_time="2024-04-18T10:02:48+05:00",
        text=(
            "وزارت داخلہ نے اسلام آباد ہائی کورٹ میں اپنے تحریری جواب میں ٹوئٹر پر "
            "پابندی کی تصدیق کر دی ہے۔ جواب میں قومی سلامتی اور امن عامہ کو وجہ بتایا "
            "گیا ہے۔ دو ماہ بعد یہ پہلا سرکاری اعتراف ہے۔"
        ),
        rtl=True,
        name_rtl=True,
        counts=("1.4K", "5.3K", "13K", "870"),
        ocr_words=["وزارت داخلہ", "اسلام آباد", "ہائی کورٹ", "ٹوئٹر", "پابندی", "قومی سلامتی"],
    ),
]

SHOT_W = 1200
PAD = 40


@dataclass
class Theme:
    bg: QColor
    text: QColor
    muted: QColor
    line: QColor
    link: QColor
    notice_bg: QColor
    notice_text: QColor


LIGHT = Theme(
    QColor("#ffffff"),
    QColor("#0f1419"),
    QColor("#536471"),
    QColor("#eff3f4"),
    QColor("#1d9bf0"),
    QColor("#fff4d6"),
    QColor("#6b4e00"),
)
DARK = Theme(
    QColor("#000000"),
    QColor("#e7e9ea"),
    QColor("#8b98a5"),
    QColor("#2f3336"),
    QColor("#1d9bf0"),
    QColor("#3a2f12"),
    QColor("#f5d67b"),
)


def _layout_text(
    text: str,
    font: QFont,
    width: float,
    rtl: bool,
    line_spacing: float = 1.35,
    link_color: QColor | None = None,
) -> tuple[QTextLayout, float]:
    """Lay out wrapped (bidi-aware) text; return the layout and its height."""
    layout = QTextLayout(text, font)
    opt = QTextOption()
    opt.setWrapMode(QTextOption.WrapMode.WordWrap)
    opt.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
    opt.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
    layout.setTextOption(opt)
    if link_color is not None:
        ranges = []
        i = 0
        while i < len(text):
            if text[i] in "#@" and (i == 0 or text[i - 1].isspace()):
                j = i + 1
                while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                    j += 1
                fr = QTextLayout.FormatRange()
                fr.start, fr.length = i, j - i
                fr.format.setForeground(QBrush(link_color))
                ranges.append(fr)
                i = j
            else:
                i += 1
        layout.setFormats(ranges)
    leading = font.pixelSize() * line_spacing
    layout.beginLayout()
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y + (leading - line.height()) / 2))
        y += leading
    layout.endLayout()
    return layout, y


def _draw_icon(p: QPainter, kind: str, x: float, y: float, color: QColor) -> None:
    """Tiny line icons for reply / repost / like / bookmark (22 px box)."""
    pen = QPen(color, 2.4)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if kind == "reply":
        path = QPainterPath()
        path.addRoundedRect(QRectF(x, y, 26, 19), 8, 8)
        p.drawPath(path)
        p.drawLine(QPointF(x + 7, y + 19), QPointF(x + 4, y + 26))
    elif kind == "repost":
        p.drawLine(QPointF(x + 4, y + 4), QPointF(x + 4, y + 18))
        p.drawLine(QPointF(x, y + 8), QPointF(x + 4, y + 3))
        p.drawLine(QPointF(x + 8, y + 8), QPointF(x + 4, y + 3))
        p.drawLine(QPointF(x + 4, y + 18), QPointF(x + 14, y + 18))
        p.drawLine(QPointF(x + 24, y + 22), QPointF(x + 24, y + 8))
        p.drawLine(QPointF(x + 20, y + 18), QPointF(x + 24, y + 23))
        p.drawLine(QPointF(x + 28, y + 18), QPointF(x + 24, y + 23))
        p.drawLine(QPointF(x + 24, y + 8), QPointF(x + 14, y + 8))
    elif kind == "like":
        path = QPainterPath()
        path.moveTo(x + 14, y + 25)
        path.cubicTo(x - 6, y + 12, x + 4, y - 4, x + 14, y + 6)
        path.cubicTo(x + 24, y - 4, x + 34, y + 12, x + 14, y + 25)
        p.drawPath(path)
    elif kind == "bookmark":
        path = QPainterPath()
        path.moveTo(x + 5, y + 25)
        path.lineTo(x + 5, y + 3)
        path.lineTo(x + 23, y + 3)
        path.lineTo(x + 23, y + 25)
        path.lineTo(x + 14, y + 18)
        path.closeSubpath()
        p.drawPath(path)


def _draw_attachment(p: QPainter, kind: str, x: float, y: float, w: float, theme: Theme) -> float:
    """Draw a mock media attachment; return its height."""
    h = 380.0
    frame = QPainterPath()
    frame.addRoundedRect(QRectF(x, y, w, h), 24, 24)
    p.save()
    p.setClipPath(frame)
    if kind == "documents":
        p.fillRect(QRectF(x, y, w, h), QColor("#3b3f44"))
        rng = random.Random(417)
        for k in range(2):
            px = x + 40 + k * (w / 2)
            py = y + 28
            pw, ph = w / 2 - 80, h - 40
            p.save()
            p.translate(px + pw / 2, py + ph / 2)
            p.rotate(-2.5 if k == 0 else 1.8)
            p.translate(-(px + pw / 2), -(py + ph / 2))
            p.fillRect(QRectF(px, py, pw, ph + 40), QColor("#f4f1ea"))
            p.setPen(QPen(QColor("#9a968e"), 3))
            ly = py + 30
            if k == 0:
                p.drawLine(QPointF(px + pw * 0.2, ly), QPointF(px + pw * 0.8, ly))
                ly += 22
                p.drawLine(QPointF(px + pw * 0.3, ly), QPointF(px + pw * 0.7, ly))
                ly += 34
            while ly < py + ph:
                end = px + 24 + (pw - 48) * (0.55 + 0.45 * rng.random())
                p.drawLine(QPointF(px + 24, ly), QPointF(end, ly))
                ly += 17
            p.restore()
    else:  # chart
        p.fillRect(QRectF(x, y, w, h), QColor("#16181c"))
        values = [98, 97, 99, 96, 12, 6, 4]
        labels = ["14", "15", "16", "17", "18", "19", "20"]
        base = y + h - 60
        bw = (w - 120) / len(values)
        p.setFont(qfont(SANS, 22))
        for i, v in enumerate(values):
            bx = x + 70 + i * bw
            bh = (h - 110) * v / 100
            p.fillRect(
                QRectF(bx + 12, base - bh, bw - 24, bh), QColor("#1d9bf0" if v > 50 else "#f4212e")
            )
            p.setPen(QColor("#8b98a5"))
            p.drawText(
                QRectF(bx, base + 8, bw, 30), Qt.AlignmentFlag.AlignHCenter, f"Feb {labels[i]}"
            )
            p.setPen(QColor("#e7e9ea"))
            p.drawText(QRectF(bx, base - bh - 34, bw, 30), Qt.AlignmentFlag.AlignHCenter, f"{v}%")
        p.setPen(QPen(QColor("#2f3336"), 2))
        p.drawLine(QPointF(x + 60, base), QPointF(x + w - 40, base))
    p.restore()
    p.setPen(QPen(theme.line, 2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(frame)
    return h


def render_post(post: Post) -> QImage:
    theme = DARK if post.dark else LIGHT
    body_font = qfont(NASKH if post.rtl else SANS, 34 if post.rtl else 31)
    name_font = qfont(NASKH if post.name_rtl else SANS, 29, bold=True)
    handle_font = qfont(SANS, 26)
    small_font = qfont(SANS, 25)
    notice_font = qfont(SANS, 21)
    text_w = SHOT_W - 2 * PAD
    body, body_h = _layout_text(
        post.text,
        body_font,
        text_w,
        post.rtl,
        line_spacing=1.75 if post.rtl else 1.4,
        link_color=theme.link,
    )

    avatar = 96
    top = PAD
    body_top = top + avatar + 28
    y = body_top + body_h + 18
    att_top = y
    att_h = 380.0 + 24 if post.attachment else 0.0
    y += att_h
    time_top = y + 6
    y = time_top + 44
    sep1 = y + 10
    icons_top = sep1 + 26
    sep2 = icons_top + 62
    notice_top = sep2 + 22
    height = int(notice_top + 48 + PAD * 0.6)

    img = QImage(SHOT_W, height, QImage.Format.Format_RGB32)
    img.setDotsPerMeterX(3780)  # 96 dpi
    img.setDotsPerMeterY(3780)
    img.fill(theme.bg)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)

    # avatar with initials
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(post.avatar_color))
    p.drawEllipse(QRectF(PAD, top, avatar, avatar))
    p.setPen(QColor("#ffffff"))
    p.setFont(qfont(NASKH if post.name_rtl else SANS, 38, bold=True))
    p.drawText(QRectF(PAD, top, avatar, avatar), Qt.AlignmentFlag.AlignCenter, post.avatar_text)

    # name, handle, "more" dots
    nx = PAD + avatar + 22
    p.setPen(theme.text)
    p.setFont(name_font)
    p.drawText(
        QRectF(nx, top + 2, 700, 50),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        post.display_name,
    )
    p.setPen(theme.muted)
    p.setFont(handle_font)
    p.drawText(
        QRectF(nx, top + 50, 700, 40),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        post.handle,
    )
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(theme.muted)
    for k in range(3):
        p.drawEllipse(QPointF(SHOT_W - PAD - 40 + k * 14, top + 30), 3.2, 3.2)

    # body
    p.setPen(theme.text)
    body.draw(p, QPointF(PAD, body_top))

    if post.attachment:
        _draw_attachment(p, post.attachment, PAD, att_top, text_w, theme)

    p.setPen(theme.muted)
    p.setFont(small_font)
    p.drawText(
        QRectF(PAD, time_top, text_w, 44),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        post.time_line,
    )

    p.setPen(QPen(theme.line, 2))
    p.drawLine(QPointF(PAD, sep1), QPointF(SHOT_W - PAD, sep1))
    slot = text_w / 4
    for i, kind in enumerate(("reply", "repost", "like", "bookmark")):
        ix = PAD + 8 + i * slot
        _draw_icon(p, kind, ix, icons_top + 4, theme.muted)
        p.setPen(theme.muted)
        p.setFont(small_font)
        p.drawText(
            QRectF(ix + 42, icons_top, slot - 50, 36),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            post.counts[i],
        )
    p.setPen(QPen(theme.line, 2))
    p.drawLine(QPointF(PAD, sep2), QPointF(SHOT_W - PAD, sep2))

    # visible reconstruction notice
    p.setFont(notice_font)
    nw = p.fontMetrics().horizontalAdvance(NOTICE_POST) + 36
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(theme.notice_bg)
    p.drawRoundedRect(QRectF(PAD, notice_top, nw, 40), 8, 8)
    p.setPen(theme.notice_text)
    p.drawText(QRectF(PAD, notice_top, nw, 40), Qt.AlignmentFlag.AlignCenter, NOTICE_POST)
    p.end()
    return img


def write_screenshots(out_dir: Path) -> list[Path]:
    qt_app()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for post in POSTS:
        img = render_post(post)
        if post.capture_time:
            img.setText("Creation Time", post.capture_time)
            img.setText("Software", "xarchive demo screenshot generator")
        path = out_dir / post.filename
        if not img.save(str(path), "PNG"):
            sys.exit(f"could not write {path}")
        written.append(path)
    return written


# ===========================================================================
# Court documents
# ===========================================================================

# Every sentence below was written for xarchive.  The documents restate, in our
# own words, facts reported in the press (see /work/shared/reference/case-facts.md);
# case numbers, parties, counsel and the para-wise comments are invented.

RECON_NOTE = (
    "About this reconstruction: the wording of this document was written for the xarchive "
    "demo archive. It restates in our own words facts that were reported in the press; it is "
    "not the text of any real filing or order. Case numbers, parties and signatories are "
    "invented or withheld."
)

# Qt rich text takes margins in CSS px (1/96 in), scaled to the 300 dpi PDF writer.
_P = '<p align="justify" style="margin-top:0px; margin-bottom:9px; line-height:145%;">'
_H = '<p align="center" style="margin-top:8px; margin-bottom:8px; font-weight:bold;">'
_C = '<p align="center" style="margin-top:0px; margin-bottom:4px;">'


def _paras(*items: str) -> str:
    out = []
    for item in items:
        if item.startswith("## "):
            out.append(f"{_H}{item[3:]}</p>")
        elif item.startswith("|| "):
            out.append(f"{_C}{item[3:]}</p>")
        else:
            out.append(f"{_P}{item}</p>")
    return "\n".join(out)


def _note_box(text: str) -> str:
    return (
        '<table width="100%" cellpadding="8" cellspacing="0" border="1"'
        ' style="margin-top:14px; border-collapse:collapse; border-color:#8a6d00;">'
        '<tr><td style="background-color:#fff8e1;">'
        f'<span style="font-size:9.5pt; color:#5a4600;">{text}</span></td></tr></table>'
    )


MOI_CAPTION = (
    '<p style="margin:0; font-weight:bold; font-size:13pt; text-align:center;">'
    "IN THE ISLAMABAD HIGH COURT, ISLAMABAD</p>" + _C + "Writ Petition No. XXXX of 2024<br/>"
    '<span style="font-size:9.5pt;">(case number withheld in this reconstruction)</span></p>'
    '<table width="100%" cellpadding="3" style="margin-top:8px; margin-bottom:8px;">'
    "<tr><td>Demo Press Club Islamabad (a fictional association of journalists), "
    'through its General Secretary</td><td align="right" width="22%"><i>Petitioner</i></td></tr>'
    '<tr><td align="center" colspan="2"><b>VERSUS</b></td></tr>'
    "<tr><td>Federation of Pakistan, through the Secretary, Ministry of Interior, Islamabad, "
    'and others</td><td align="right"><i>Respondents</i></td></tr></table>'
)

MOI_PAGES = [
    MOI_CAPTION
    + _paras(
        "## REPORT AND PARA-WISE COMMENTS ON BEHALF OF RESPONDENT No. 1 (MINISTRY OF INTERIOR)",
        "Respectfully submitted:",
        "## PRELIMINARY SUBMISSIONS",
        "1.&nbsp;&nbsp;This written report is filed on behalf of the Ministry of Interior, "
        "Government of Pakistan, in compliance with the direction of this Honourable Court to "
        "state the position of the Federal Government on the suspension of access to the social "
        "media platform X, formerly known as Twitter, within Pakistan.",
        "2.&nbsp;&nbsp;The petitioner challenges the unavailability of X across the country since "
        "17 February 2024 and seeks a direction for its immediate restoration.",
        "3.&nbsp;&nbsp;The answering respondent confirms that, by a letter dated 17 February 2024, "
        "the Ministry of Interior asked the Pakistan Telecommunication Authority (PTA) to block "
        "access to X throughout Pakistan until further orders, and that the PTA gave effect to "
        "that letter on the same day.",
        "4.&nbsp;&nbsp;The letter was issued by the Federal Government in the exercise of its "
        "lawful authority, after it had considered the material placed before it by the "
        "departments and agencies concerned. The considerations that led to the decision are "
        "set out in the paragraphs that follow.",
    ),
    _paras(
        "5.&nbsp;&nbsp;X is used in Pakistan by a very large number of people, including political "
        "parties, public figures and state institutions. The respondent does not question the "
        "usefulness of the platform; its concern is the manner in which the platform has "
        "responded to the Government of Pakistan.",
        "## GROUNDS FOR THE DECISION",
        "6.&nbsp;&nbsp;The decision to block X was taken in the interest of national security and "
        "for the maintenance of public order, and to protect the "
        "\u201cintegrity of the nation\u201d.",
        "7.&nbsp;&nbsp;The Federal Government is bound to protect national security and public "
        "order online as much as offline, and every platform that offers its services to users "
        "in Pakistan is expected to respect the laws of the country.",
        "8.&nbsp;&nbsp;X has failed to comply with the \u201clawful directives\u201d issued to it "
        "by the Government of Pakistan. It has also not addressed the concerns conveyed to it "
        "about the misuse of its platform.",
        "9.&nbsp;&nbsp;The platform was approached on these concerns on more than one occasion. "
        "It was reluctant to resolve the issues raised with it, and its response did not allow "
        "them to be settled.",
        "10.&nbsp;&nbsp;In these circumstances the Federal Government concluded that blocking "
        "access to X was necessary in the interest of national security and public order, and "
        "the letter of 17 February 2024 was issued to the PTA accordingly.",
    ),
    _paras(
        "## REQUESTS OF THE FIA CYBERCRIME WING",
        "11.&nbsp;&nbsp;The Cybercrime Wing of the Federal Investigation Agency (FIA) sent X, "
        "through the PTA, a large number of requests to block accounts that were running a "
        "\u201cdefamatory campaign\u201d against the Chief Justice of Pakistan.",
        "12.&nbsp;&nbsp;X did not respond to these requests. The accounts in question were not "
        "blocked, and no reason was given for not acting on the requests.",
        "## REPORTS OF INTELLIGENCE AND SECURITY AGENCIES",
        "13.&nbsp;&nbsp;Confidential reports of the intelligence and security agencies spoke of "
        "\u201chostile elements\u201d operating on X, whose aim was to create chaos in the country "
        "and to destabilise it.",
        "14.&nbsp;&nbsp;The contents of those reports are confidential and are not reproduced "
        "in this report.",
    ),
    _paras(
        "## PARA-WISE COMMENTS",
        "Paras 1 and 2: matters of record, requiring no comment.",
        "Para 3: denied as framed. Access to X was blocked on the basis of the Ministry's "
        "letter of 17 February 2024, for the reasons stated in the preliminary submissions.",
        "Para 4 and the grounds of the petition: denied. The decision was lawful and was taken "
        "by the competent authority.",
        "## PRAYER",
        "In view of the above, it is respectfully prayed that the petition may be dismissed.",
        '<span style="margin-left:0;">Respondent No. 1, through its authorised officer, '
        "Ministry of Interior, Islamabad<br/>"
        "<i>[name, designation and signature omitted in this reconstruction]</i></span>",
        "Islamabad, 17 April 2024",
    )
    + _note_box(RECON_NOTE),
]

PETITION_PAGES = [
    '<p style="margin:0; font-weight:bold; font-size:13pt; text-align:center;">'
    "IN THE ISLAMABAD HIGH COURT, ISLAMABAD</p>" + _C + "Writ Petition No. ________ of 2024</p>"
    '<table width="100%" cellpadding="3" style="margin-top:8px; margin-bottom:8px;">'
    "<tr><td>Demo Press Club Islamabad (a fictional association of journalists), "
    'through its General Secretary</td><td align="right" width="22%"><i>Petitioner</i></td></tr>'
    '<tr><td align="center" colspan="2"><b>VERSUS</b></td></tr>'
    "<tr><td>1. Federation of Pakistan, through the Secretary, Ministry of Interior, "
    "Islamabad<br/>2. Pakistan Telecommunication Authority, through its Chairman, "
    'Islamabad</td><td align="right"><i>Respondents</i></td></tr></table>'
    + _paras(
        "## WRIT PETITION UNDER ARTICLE 199 OF THE CONSTITUTION OF THE ISLAMIC REPUBLIC OF "
        "PAKISTAN, 1973, AGAINST THE BLOCKING OF THE PLATFORM X (FORMERLY TWITTER)",
        "Respectfully Sheweth:",
        "## FACTS",
        "1.&nbsp;&nbsp;The petitioner is an association of working journalists whose members "
        "use the platform X, formerly Twitter, every day to report news, to reach sources and "
        "to share their work with the public.",
        "2.&nbsp;&nbsp;Since the evening of 17 February 2024 X has not been accessible anywhere "
        "in Pakistan. The internet observatory NetBlocks recorded the disruption across the "
        "country on the same day.",
        "3.&nbsp;&nbsp;The blocking came nine days after the general election of 8 February "
        "2024, at a time when the results were disputed and citizens were searching for "
        "information about them.",
        "4.&nbsp;&nbsp;No notification, order or public statement explaining the blocking has "
        "been issued. The respondents have neither acknowledged that they blocked the platform "
        "nor given any reason for doing so. Users can reach X only through virtual private "
        "networks (VPNs).",
    ),
    _paras(
        "## GROUNDS",
        "A.&nbsp;&nbsp;The blocking of an entire platform without any order or reasons offends "
        "the freedom of speech and of the press guaranteed by Article 19 of the Constitution, "
        "and the right of access to information under Article 19-A.",
        "B.&nbsp;&nbsp;Any restriction on these rights must be imposed by law and must be "
        "reasonable. A blanket and indefinite shutdown of a communication platform used by "
        "millions of citizens is neither.",
        "C.&nbsp;&nbsp;The power to remove or block unlawful online content relates to "
        "specific content. It cannot be stretched to shut down a whole platform, and in any "
        "case no order under any law has been made public.",
        "D.&nbsp;&nbsp;Blocking X in the days after a disputed general election deprives the "
        "public of information on a matter of the highest public importance.",
        "## PRAYER",
        "It is therefore respectfully prayed that this Honourable Court may be pleased to:",
        "(a)&nbsp;&nbsp;declare the blocking of X in Pakistan since 17 February 2024 to be "
        "without lawful authority and of no legal effect;",
        "(b)&nbsp;&nbsp;direct the respondents to restore access to X forthwith;",
        "(c)&nbsp;&nbsp;direct the respondents to place on record any order, letter or "
        "direction under which the platform was blocked.",
        "Petitioner, through counsel<br/><i>[name of counsel omitted in this reconstruction]</i>",
        "Islamabad, 22 February 2024",
    )
    + _note_box(RECON_NOTE),
]


@dataclass
class BornDigitalPdf:
    filename: str
    title: str
    subject: str
    keywords: str
    created: tuple[int, int, int, int, int]  # Y, M, D, h, m  (Pakistan time, +05:00)
    doc_id: str
    running_head: str
    pages: list[str]


BORN_DIGITAL = [
    BornDigitalPdf(
        filename="2024-04-17_moi_reply_islamabad_high_court.pdf",
        title="Ministry of Interior \u2014 report to the Islamabad High Court on the blocking of X "
        "(reconstruction)",
        subject="Reconstruction for demonstration \u2014 not an authentic document",
        keywords="X, Twitter, Pakistan, Islamabad High Court, Ministry of Interior, PTA, FIA",
        created=(2024, 4, 17, 11, 30),
        doc_id="{5a1e7c2d-4f0b-4b8e-9d61-20240417a001}",
        running_head=(
            "W.P. No. XXXX of 2024 \u2014 report of Respondent No. 1 (Ministry of Interior)"
        ),
        pages=MOI_PAGES,
    ),
    BornDigitalPdf(
        filename="2024-02-22_petition_islamabad_high_court.pdf",
        title="Writ petition to the Islamabad High Court against the blocking of X "
        "(reconstruction)",
        subject="Reconstruction for demonstration \u2014 not an authentic document",
        keywords="X, Twitter, Pakistan, Islamabad High Court, writ petition, Article 19",
        created=(2024, 2, 22, 16, 5),
        doc_id="{5a1e7c2d-4f0b-4b8e-9d61-20240222a002}",
        running_head="Writ petition against the blocking of X \u2014 Demo Press Club Islamabad",
        pages=PETITION_PAGES,
    ),
]


def _pdf_date(created: tuple[int, int, int, int, int]) -> str:
    y, mo, d, h, mi = created
    return f"D:{y:04d}{mo:02d}{d:02d}{h:02d}{mi:02d}00+05'00'"


def _iso_date(created: tuple[int, int, int, int, int]) -> str:
    y, mo, d, h, mi = created
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:00+05:00"


def _xmp(doc: BornDigitalPdf) -> bytes:
    from xml.sax.saxutils import escape

    iso = _iso_date(doc.created)
    uuid = doc.doc_id.strip("{}")
    return (
        "<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>\n"
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">\n'
        "   <dc:format>application/pdf</dc:format>\n"
        "   <dc:title><rdf:Alt>"
        f'<rdf:li xml:lang="x-default">{escape(doc.title)}</rdf:li></rdf:Alt></dc:title>\n'
        f"   <dc:creator><rdf:Seq><rdf:li>{escape(PDF_AUTHOR)}</rdf:li></rdf:Seq></dc:creator>\n"
        "   <dc:description><rdf:Alt>"
        f'<rdf:li xml:lang="x-default">{escape(doc.subject)}</rdf:li></rdf:Alt></dc:description>\n'
        f"   <xmp:CreateDate>{iso}</xmp:CreateDate>\n"
        f"   <xmp:ModifyDate>{iso}</xmp:ModifyDate>\n"
        f"   <xmp:MetadataDate>{iso}</xmp:MetadataDate>\n"
        f"   <xmp:CreatorTool>{escape(PDF_CREATOR)}</xmp:CreatorTool>\n"
        f"   <pdf:Keywords>{escape(doc.keywords)}</pdf:Keywords>\n"
        f"   <xmpMM:DocumentID>uuid:{uuid}</xmpMM:DocumentID>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        "<?xpacket end='w'?>"
    ).encode()


def render_born_digital(doc: BornDigitalPdf) -> bytes:
    """Draw the pages with QPdfWriter, then fix the metadata with pypdf."""
    from PySide6.QtCore import QBuffer, QIODevice, QMarginsF

    qt_app()
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    writer.setTitle(doc.title)
    writer.setAuthor(PDF_AUTHOR)
    writer.setCreator(PDF_CREATOR)
    writer.setDocumentId(QUuid(doc.doc_id))
    writer.setDocumentXmpMetadata(QByteArray(_xmp(doc)))

    dpmm = 300 / 25.4
    page_w, page_h = writer.width(), writer.height()
    left, right, top, bottom = 25 * dpmm, 22 * dpmm, 18 * dpmm, 18 * dpmm
    content_w = page_w - left - right
    body_top = top + 13 * dpmm
    body_h = page_h - body_top - bottom - 12 * dpmm

    painter = QPainter(writer)
    n = len(doc.pages)
    for i, html in enumerate(doc.pages):
        if i:
            writer.newPage()
        # header: the visible reconstruction notice
        painter.setFont(_pt_font(SANS, 8.5, italic=False))
        box = QRectF(left, top - 4 * dpmm, content_w, 9 * dpmm)
        painter.setPen(QPen(QColor("#8a6d00"), 3))
        painter.setBrush(QColor("#fff8e1"))
        painter.drawRect(box)
        painter.setPen(QColor("#5a4600"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, NOTICE)

        text = QTextDocument()
        text.documentLayout().setPaintDevice(writer)
        text.setDefaultFont(_pt_font(SERIF, 12))
        text.setDocumentMargin(0)
        text.setTextWidth(content_w)
        text.setHtml(html)
        height = text.size().height()
        if height > body_h:
            painter.end()
            raise SystemExit(
                f"{doc.filename}: page {i + 1} overflows ({height:.0f} > {body_h:.0f} px)"
            )
        painter.save()
        painter.translate(left, body_top)
        text.drawContents(painter, QRectF(0, 0, content_w, body_h))
        painter.restore()

        # footer
        painter.setPen(QPen(QColor("#777777"), 2))
        fy = page_h - bottom - 8 * dpmm
        painter.drawLine(QPointF(left, fy), QPointF(page_w - right, fy))
        painter.setPen(QColor("#444444"))
        painter.setFont(_pt_font(SERIF, 8.5))
        painter.drawText(
            QRectF(left, fy + 1 * dpmm, content_w * 0.8, 7 * dpmm),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            doc.running_head,
        )
        painter.drawText(
            QRectF(left, fy + 1 * dpmm, content_w, 7 * dpmm),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"Page {i + 1} of {n}",
        )
    painter.end()
    buf.close()

    reader = PdfReader(io.BytesIO(bytes(buf.data())))
    out = PdfWriter(clone_from=reader)
    _fix_to_unicode(out)
    date = _pdf_date(doc.created)
    out.add_metadata(
        {
            "/Title": doc.title,
            "/Author": PDF_AUTHOR,
            "/Subject": doc.subject,
            "/Keywords": doc.keywords,
            "/Creator": PDF_CREATOR,
            "/Producer": "Qt PDF writer, metadata by pypdf",
            "/CreationDate": date,
            "/ModDate": date,
        }
    )
    data = io.BytesIO()
    out.write(data)
    return data.getvalue()


def _pt_font(family: str, pt: float, italic: bool = False, bold: bool = False) -> QFont:
    font = QFont(family)
    font.setFamilies([family, SANS])
    font.setPointSizeF(pt)
    font.setItalic(italic)
    font.setBold(bold)
    # no "fi"/"ff" ligature glyphs: text extractors would return U+FB01 etc.
    for tag in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


def _fix_to_unicode(writer: PdfWriter) -> None:
    """Qt maps the space glyph of some fonts to U+0009 in /ToUnicode; make it U+0020.

    Without this, pypdf extracts words separated by tabs instead of spaces.
    """
    seen: set[int] = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            cmap_ref = font.get("/ToUnicode")
            if cmap_ref is None:
                continue
            cmap = cmap_ref.get_object()
            if id(cmap) in seen:
                continue
            seen.add(id(cmap))
            data = cmap.get_data()
            fixed = data.replace(b"<0009>", b"<0020>")
            if fixed != data:
                cmap.set_data(fixed)


# --- the scanned, image-only order ----------------------------------------

SCAN_DPI = 200
SCAN_SEED = 9052024

# Each page: list of (kind, text).  kind: "notice" (boxed), "title" (bold, centred),
# "centre", "para", "table-start" (opens the order-sheet table; text = the date column),
# "sign" (two judges' signatures), "small" (small print), "gap".
SHC_ORDER_PAGES: list[list[tuple[str, str]]] = [
    [
        ("notice", NOTICE),
        ("title", "ORDER SHEET"),
        ("title", "IN THE HIGH COURT OF SINDH, AT KARACHI"),
        ("centre", "Constitutional Petition No. D-____ of 2024"),
        ("centre", "(number withheld in this reconstruction)"),
        ("gap", ""),
        ("para", "Sample Citizens' Forum (a fictional petitioner) ...... Petitioner"),
        ("centre", "Versus"),
        ("para", "Federation of Pakistan and others ...... Respondents"),
        ("gap", ""),
        ("table-start", "17.04.2024"),
        ("para", "1. For hearing of the main case."),
        (
            "para",
            "Counsel for the petitioner is present. The Deputy Attorney General appears "
            "for the Federation, and counsel appears for the Pakistan Telecommunication "
            "Authority (PTA).",
        ),
        (
            "para",
            "The petitioner challenges the suspension of the social media platform X, "
            "formerly Twitter, throughout Pakistan since 17 February 2024. It is stated "
            "that the PTA blocked the platform on the basis of a letter of the Ministry of "
            "Interior dated 17 February 2024.",
        ),
        (
            "para",
            "Neither that letter nor any reasons for the shutdown have so far been placed "
            "before this Court.",
        ),
        (
            "para",
            "In these circumstances, the Ministry of Interior is directed to withdraw "
            "its letter dated 17 February 2024 within one week from today.",
        ),
    ],
    [
        ("notice", NOTICE),
        ("centre", "High Court of Sindh: C.P. No. D-____ of 2024"),
        ("centre", "order dated 17.04.2024 (continued)"),
        ("gap", ""),
        ("table-start", ""),
        (
            "para",
            "The PTA is directed to give valid reasons for the shutdown of X and to place "
            "them on record before the next date of hearing.",
        ),
        (
            "para",
            "Office to send a copy of this order to the Secretary, Ministry of Interior, "
            "and to the Chairman, PTA, for compliance.",
        ),
        ("para", "The hearing is adjourned to 9 May 2024 (09.05.2024)."),
        ("gap", ""),
        ("sign", "JUDGE"),
        ("gap", ""),
        ("gap", ""),
        (
            "small",
            "Wording written for the xarchive demo archive from press reports of the "
            "directions given; it is not the text of the Court's order. Names withheld.",
        ),
    ],
]


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float
) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _signature(draw: ImageDraw.ImageDraw, x: float, y: float, rng: random.Random) -> None:
    """A scribbled signature; each call draws a different one."""
    freq, amp, length = rng.uniform(8.0, 15.0), rng.uniform(18, 34), rng.uniform(220, 300)
    wobble, phase = rng.uniform(10, 24), rng.uniform(0, 3)
    pts = []
    for k in range(90):
        t = k / 89
        px = x + t * length + wobble * math.sin(t * 23 + phase)
        py = y + amp * math.sin(t * freq + phase) * (1 - t * 0.6) + rng.uniform(-1.5, 1.5)
        pts.append((px, py))
    draw.line(pts, fill=45, width=4, joint="curve")
    draw.line([(x + 10, y + 46), (x + length - 20, y + 38 + rng.uniform(-6, 6))], fill=60, width=3)


def render_scan_page(items: list[tuple[str, str]], page_no: int) -> Image.Image:
    w, h = round(8.27 * SCAN_DPI), round(11.69 * SCAN_DPI)
    rng = random.Random(SCAN_SEED + page_no)
    serif = str(NOTO / "NotoSerif-Regular.ttf")
    serif_bold = str(NOTO / "NotoSerif-Bold.ttf")
    f_body = ImageFont.truetype(serif, 34)
    f_bold = ImageFont.truetype(serif_bold, 38)
    f_small = ImageFont.truetype(str(NOTO / "NotoSans-Regular.ttf"), 26)

    page = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(page)
    margin_l, margin_r = 170, 150
    date_col = 250  # width of the "Date" column of the order sheet
    y = 150
    x0, x1 = margin_l, w - margin_r
    text_x = x0
    in_table = False
    for kind, text in items:
        if kind == "notice":
            tw = d.textlength(text, font=f_small)
            d.rectangle([x0, y - 10, x0 + tw + 40, y + 40], outline=70, width=3)
            d.text((x0 + 20, y - 3), text, font=f_small, fill=40)
            y += 80
        elif kind == "title":
            tw = d.textlength(text, font=f_bold)
            d.text(((w - tw) / 2, y), text, font=f_bold, fill=20)
            y += 62
        elif kind == "centre":
            tw = d.textlength(text, font=f_body)
            d.text(((w - tw) / 2, y), text, font=f_body, fill=25)
            y += 54
        elif kind == "gap":
            y += 30
        elif kind == "table-start":
            # order-sheet table: "Date | Order with signature of Judge"
            d.rectangle([x0, y, x1, y + 56], outline=40, width=3)
            d.line([(x0 + date_col, y), (x0 + date_col, h - 260)], fill=40, width=3)
            d.line([(x0, y), (x0, h - 260)], fill=40, width=3)
            d.line([(x1, y), (x1, h - 260)], fill=40, width=3)
            d.text((x0 + 20, y + 8), "Date", font=f_body, fill=25)
            d.text(
                (x0 + date_col + 20, y + 8), "Order with signature of Judge", font=f_body, fill=25
            )
            y += 80
            d.text((x0 + 14, y), text, font=f_body, fill=25)
            text_x = x0 + date_col + 24
            in_table = True
        elif kind == "para":
            for line in _wrap(d, text, f_body, x1 - text_x - 10):
                d.text((text_x, y), line, font=f_body, fill=25)
                y += 50
            y += 22
        elif kind == "sign":  # a division bench: two signatures
            for sx in (text_x + 10, x1 - 400):
                _signature(d, sx, y + 20, rng)
                d.text((sx + 80, y + 80), text, font=f_bold, fill=20)
            y += 150
        elif kind == "small":
            for line in _wrap(d, text, f_small, x1 - text_x - 30):
                d.text((text_x, y), line, font=f_small, fill=45)
                y += 38
    if in_table:
        d.line([(x0, h - 260), (x1, h - 260)], fill=40, width=3)
    d.text((w / 2 - 30, h - 190), f"- {page_no} -", font=f_body, fill=40)

    # --- make it look scanned --------------------------------------------
    page = page.filter(ImageFilter.GaussianBlur(0.7))
    # paper: light grey with soft blotches
    small = Image.frombytes("L", (12, 17), bytes(rng.randrange(222, 234) for _ in range(12 * 17)))
    paper = small.resize((w, h), Image.Resampling.BICUBIC)
    scanned = ImageChops.multiply(page, paper)
    scanned = scanned.rotate(0.5, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=226)
    # scanner-lid shadow along the left edge
    shade = Image.linear_gradient("L").rotate(90).resize((60, h))  # dark at left
    shade = shade.point(lambda v: 150 + v * 105 // 255)
    strip = scanned.crop((0, 0, 60, h))
    scanned.paste(ImageChops.multiply(strip, shade), (0, 0))
    # fine sensor noise
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).point(lambda v: v * 26 // 255)
    scanned = ImageChops.add(scanned, noise, scale=1.0, offset=-13)
    return scanned


def render_scanned_pdf() -> bytes:
    pages = [render_scan_page(items, i + 1) for i, items in enumerate(SHC_ORDER_PAGES)]
    import calendar
    import time

    # Pillow writes struct_time dates as UTC: 2024-04-18 10:12 in Pakistan (+05:00)
    when = time.gmtime(calendar.timegm((2024, 4, 18, 5, 12, 0, 0, 0, 0)))
    data = io.BytesIO()
    pages[0].save(
        data,
        "PDF",
        resolution=SCAN_DPI,
        save_all=True,
        append_images=pages[1:],
        quality=72,
        title="Scanned document",
        creator="Demo office scanner",
        producer="Demo office scanner",
        creationDate=when,
        modDate=when,
    )
    return data.getvalue()


SCAN_FILE = "2024-04-17_sindh_high_court_order_scanned.pdf"


def write_court(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in BORN_DIGITAL:
        path = out_dir / doc.filename
        path.write_bytes(render_born_digital(doc))
        written.append(path)
    path = out_dir / SCAN_FILE
    path.write_bytes(render_scanned_pdf())
    written.append(path)
    return written


# ===========================================================================
# --check: what the tests of other modules may rely on
# ===========================================================================

# Phrases per page.  For the born-digital PDFs the text comes from pypdf, and each
# phrase is on one line (runs of spaces within a line collapsed); for the scan and the
# screenshots it comes from `tesseract -l eng` / `-l eng+urd`, with all whitespace
# collapsed and bidi marks (U+200E/U+200F) removed.
PDF_EXPECT: dict[str, dict[int, list[str]]] = {
    "2024-04-17_moi_reply_islamabad_high_court.pdf": {
        1: [
            "ISLAMABAD HIGH COURT",
            "Ministry of Interior",
            "Pakistan Telecommunication Authority",
            "17 February 2024",
            "formerly known as Twitter",
        ],
        2: [
            "national security",
            "public order",
            "integrity of the nation",
            "lawful directives",
            "misuse of its platform",
            "reluctant to resolve the issues",
        ],
        3: [
            "Cybercrime Wing",
            "Federal Investigation Agency",
            "defamatory campaign",
            "Chief Justice of Pakistan",
            "did not respond",
            "hostile elements",
            "destabilise",
        ],
        4: ["PARA-WISE COMMENTS", "PRAYER", "Islamabad, 17 April 2024"],
    },
    "2024-02-22_petition_islamabad_high_court.pdf": {
        1: [
            "ARTICLE 199",
            "17 February 2024",
            "NetBlocks",
            "8 February 2024",
            "virtual private networks",
        ],
        2: [
            "Article 19 of the Constitution",
            "Article 19-A",
            "restore access to X",
            "Islamabad, 22 February 2024",
        ],
    },
}
# Phrases that must be on the listed pages only.
PDF_ONLY_ON: dict[str, dict[str, set[int]]] = {
    "2024-04-17_moi_reply_islamabad_high_court.pdf": {
        "national security": {2},
        "public order": {2},
        "hostile elements": {3},
    },
}
SCAN_EXPECT: dict[int, list[str]] = {
    1: [
        "ORDER SHEET",
        "HIGH COURT OF SINDH",
        "Sindh",
        "Ministry of Interior",
        "withdraw",
        "within one week",
        "17 February 2024",
        "17.04.2024",
    ],
    2: ["High Court of Sindh", "valid reasons", "adjourned", "9 May 2024", "JUDGE"],
}


def _norm(text: str) -> str:
    for mark in ("\u200e", "\u200f", "\u200c", "\u202a", "\u202b", "\u202c"):
        text = text.replace(mark, "")
    return " ".join(text.split())


def _tesseract(image: Image.Image | Path, lang: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        if isinstance(image, Path):
            src = image
        else:
            src = Path(tmp) / "page.png"
            image.save(src)
        out = subprocess.run(
            ["tesseract", str(src), "stdout", "-l", lang],
            capture_output=True,
            text=True,
            check=True,
        )
    return out.stdout


def check() -> list[str]:
    problems: list[str] = []
    court = ARCHIVE / "court"
    for name, pages in PDF_EXPECT.items():
        reader = PdfReader(court / name)
        # each line normalised on its own: the phrases must not be broken across lines
        texts = {
            i + 1: "\n".join(_norm(line) for line in (page.extract_text() or "").splitlines())
            for i, page in enumerate(reader.pages)
        }
        meta = reader.metadata or {}
        if not meta.get("/Author") or not str(meta.get("/CreationDate", "")).startswith("D:2024"):
            problems.append(f"{name}: Author/CreationDate metadata missing")
        for page_no, phrases in pages.items():
            for phrase in phrases:
                if phrase not in texts.get(page_no, ""):
                    problems.append(f"{name} p.{page_no}: pypdf text lacks {phrase!r}")
        for phrase, allowed in PDF_ONLY_ON.get(name, {}).items():
            found = {n for n, t in texts.items() if phrase in t}
            if found != allowed:
                problems.append(
                    f"{name}: {phrase!r} on pages {sorted(found)}, want {sorted(allowed)}"
                )
        if NOTICE not in texts.get(1, ""):
            problems.append(f"{name}: notice missing on page 1")

    reader = PdfReader(court / SCAN_FILE)
    for i, page in enumerate(reader.pages, 1):
        if (page.extract_text() or "").strip():
            problems.append(f"{SCAN_FILE} p.{i}: has a text layer, should be image-only")
    have_tesseract = shutil.which("tesseract") is not None
    if not have_tesseract:
        print("tesseract not found: OCR checks skipped")
    else:
        for i, page in enumerate(reader.pages, 1):
            text = _norm(_tesseract(page.images[0].image, "eng")).lower()
            for phrase in SCAN_EXPECT.get(i, []):
                if phrase.lower() not in text:
                    problems.append(f"{SCAN_FILE} p.{i}: OCR lacks {phrase!r}")
        for post in POSTS:
            path = ARCHIVE / "screenshots" / post.filename
            text = _norm(_tesseract(path, "eng+urd"))
            for phrase in post.ocr_words:
                if phrase not in text:
                    problems.append(f"{post.filename}: OCR lacks {phrase!r}")
            if "Reconstruction for demonstration" not in text:
                problems.append(f"{post.filename}: OCR lacks the reconstruction notice")
    return problems


# ===========================================================================
# main
# ===========================================================================


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="verify the outputs after writing them"
    )
    parser.add_argument("--only", choices=["court", "screenshots"], help="regenerate one kind only")
    args = parser.parse_args(argv)
    written: list[Path] = []
    if args.only in (None, "court"):
        written += write_court(ARCHIVE / "court")
    if args.only in (None, "screenshots"):
        written += write_screenshots(ARCHIVE / "screenshots")
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    if args.check:
        problems = check()
        for problem in problems:
            print(f"CHECK FAILED: {problem}")
        if problems:
            return 1
        print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
