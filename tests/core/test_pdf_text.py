"""A born-digital PDF's text as the importer reads it: in reading order, Urdu included.

The PDFs are written by Qt's PDF writer, through the demo's own script, with the
demo's fonts, as word processors write them: shaped glyphs and a ToUnicode map.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.conftest import run_import
from xarchive.core.archive import Archive
from xarchive.core.search import Searcher
from xarchive.core.store import items as item_store

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
URDU = "حکومت کی پابندی پر عدالت میں درخواست دائر کی گئی"
ENGLISH = "The Ministry told the court that the platform was blocked on security grounds"


_DRAW = """
import os, sys, json
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, sys.argv[1])
import make_sample_archive as m
out = sys.argv[2]
with open(sys.argv[3], encoding="utf-8") as f:
    pages = json.load(f)
doc = m.BornDigitalPdf(filename="x.pdf", title="A reply to the court", subject="Made for a test",
    keywords="test", created=(2024, 3, 4, 10, 0),
    doc_id="{5a1e7c2d-4f0b-4b8e-9d61-000000000042}", running_head="A test document", pages=pages)
open(out, "wb").write(bytes(m.render_born_digital(doc)))
"""


def _pdf(path: Path, pages: list[str]) -> Path:
    # Qt's PDF writer needs a QGuiApplication, which would stand in the way of the GUI
    # tests' QApplication in this process: the demo's script draws it in another.
    # The pages go in a file: a 300-page document is longer than a command line may be.
    with tempfile.TemporaryDirectory() as scratch:
        listed = Path(scratch) / "pages.json"
        listed.write_text(json.dumps(pages), encoding="utf-8")
        subprocess.run(
            [sys.executable, "-c", _DRAW, str(SCRIPTS), str(path), str(listed)], check=True
        )
    return path


def test_urdu_in_a_pdf_is_read_in_reading_order_and_found(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "filings"
    folder.mkdir()
    _pdf(folder / "reply.pdf", [f'<p dir="rtl">{URDU}</p>', f"<p>{ENGLISH}</p>"])
    report = run_import(archive, folder)
    assert [o.status for o in report.outcomes] == ["imported"]
    (item,) = item_store.items(archive.db)
    first, second = (" ".join(p.text.split()) for p in item_store.pages(archive.db, item.id))
    # pypdf gave each glyph on its own line, shaped and back to front: "ﮟﯿﻣ" for "میں"
    assert URDU in first
    assert ENGLISH in second
    searcher = Searcher(archive)
    for words in ("پابندی", '"عدالت میں درخواست"', "حکومت", '"blocked on security grounds"'):
        assert searcher.search(words).total == 1, words


def test_a_pdf_pdfium_cannot_open_is_read_by_pypdf(archive: Archive, tmp_path: Path) -> None:
    """A file damaged where pypdf forgives it: its text still comes in."""
    good = _pdf(tmp_path / "good.pdf", [f"<p>{ENGLISH}</p>"])
    data = good.read_bytes()
    # The first object's keyword misspelt: PDFium refuses the whole file, pypdf reads on.
    first = re.search(rb"\n(\d+ 0 )obj", data)
    assert first is not None
    damaged = data[: first.start(1)] + first.group(1) + b"xbj" + data[first.end() :]
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(damaged)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "damaged.pdf").write_bytes(damaged)
    report = run_import(archive, folder)
    statuses = [(o.status, o.reason) for o in report.outcomes]
    assert statuses[0][0] == "imported", statuses
    (item,) = item_store.items(archive.db)
    assert ENGLISH in " ".join(item_store.pages(archive.db, item.id)[0].text.split())


def test_a_hit_deep_in_a_long_pdf_names_its_page(archive: Archive, tmp_path: Path) -> None:
    """Issue 12.3: a phrase on page 291 of a 311-page manual came back with no snippet,
    and the card showed the document's first lines instead."""
    folder = tmp_path / "manual"
    folder.mkdir()
    filler = "<p>The hearing was adjourned again without a ruling on the petition.</p>" * 6
    pages = [filler] * 311
    pages[290] = filler + "<p>The regulator cited the zanzibarite rules of procedure.</p>"
    _pdf(folder / "manual.pdf", pages)
    report = run_import(archive, folder)
    assert [o.status for o in report.outcomes] == ["imported"]
    searcher = Searcher(archive)
    for query in ("zanzibarite", '"zanzibarite rules"'):
        (hit,) = searcher.search(query).hits
        assert hit.item.page_count == 311
        assert hit.snippet is not None and hit.snippet.page == 291, query
        assert "[zanzibarite]" in hit.snippet.marked()
