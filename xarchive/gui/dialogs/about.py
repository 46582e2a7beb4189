"""Help ▸ About: version, licence, the formats it writes, and the libraries xarchive stands
on with their versions and licences (what a bug report should quote)."""

from __future__ import annotations

import html

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ... import __version__
from ...core.index.schema import engine_version
from ...core.index.state import INDEX_SCHEMA_VERSION
from ...core.store.migrations import LATEST as ARCHIVE_SCHEMA_VERSION
from ..resources import app_icon
from ..views.safe_browser import SafeTextBrowser
from ..workers import Job, JobRunner

LIBRARIES = (
    ("Qt and Qt for Python (PySide6), QtPdf with PDFium", "LGPL-3.0; PDFium: BSD-3-Clause"),
    ("Whoosh-Reloaded (search index)", "BSD-2-Clause"),
    ("pypdf (PDF text)", "BSD-3-Clause"),
    ("Pillow (images)", "MIT-CMU (HPND)"),
    ("Tesseract OCR, when installed", "Apache-2.0"),
    ("trafilatura (article text)", "Apache-2.0"),
    ("nh3 / ammonia (HTML sanitising)", "MIT / Apache-2.0"),
    ("charset-normalizer (text encodings)", "MIT"),
    ("py3langid (language detection)", "BSD-3-Clause"),
    ("platformdirs", "MIT"),
    ("NumPy (MinHash signatures of similar texts)", "BSD-3-Clause"),
    ("Noto fonts (Urdu and Latin text), when installed", "SIL Open Font License 1.1"),
)


#: What the tesseract line says until `tesseract --version` has answered.
CHECKING = "checking…"


def about_html(tesseract: str | None = CHECKING) -> str:
    """The dialog's text; `tesseract` is its version, None when it is not installed."""
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        f"<td style='padding-left:14px;'>{html.escape(lic)}</td></tr>"
        for name, lic in LIBRARIES
    )
    versions = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        f"<td style='padding-left:14px;'>{html.escape(version)}</td></tr>"
        for name, version in (
            ("Archive format", f"schema {ARCHIVE_SCHEMA_VERSION}"),
            ("Search index format", f"schema {INDEX_SCHEMA_VERSION}"),
            ("Qt", qVersion()),
            ("PySide6", PySide6.__version__),
            ("Whoosh", engine_version()),
            ("Tesseract OCR", "not installed" if tesseract is None else tesseract),
        )
    )
    return (
        f"<h2>xarchive {html.escape(__version__)}</h2>"
        "<p>An offline desktop archive for documenting censorship and human-rights cases: "
        "court documents, screenshots of posts, news articles.</p>"
        "<p>xarchive never connects to the network. Originals are stored unchanged and can "
        "be verified by their SHA-256.</p>"
        "<p>Licence: GNU General Public License, version 3 or later (GPL-3.0-or-later).</p>"
        f"<h3>Versions</h3><table>{versions}</table>"
        f"<h3>Built with</h3><table>{rows}</table>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About xarchive")
        self.resize(560, 520)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = SafeTextBrowser(self)
        self.text.setHtml(about_html())
        # `tesseract --version` starts a program (seconds on a busy machine): asked on a
        # thread of the dialog's own, so that neither the window nor its jobs wait.
        self.tesseract_job = Job("tesseract --version", lambda *_: _tesseract_version(), None)
        self.tesseract_job.finished.connect(self._show_tesseract)
        self._runner = JobRunner(self)
        self._runner.start(self.tesseract_job)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(logo)
        row.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)

    def _show_tesseract(self, version: str | None) -> None:
        self.text.setHtml(about_html(version))


def _tesseract_version() -> str | None:
    # core.ocr loads Pillow: not at the app's start, only when About asks
    from ...core import ocr

    return ocr.tesseract_version()
