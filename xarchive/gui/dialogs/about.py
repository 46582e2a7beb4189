"""Help ▸ About: version, licence, and the libraries xarchive stands on with theirs."""

from __future__ import annotations

import html

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ... import __version__
from ..resources import app_icon
from ..views.safe_browser import SafeTextBrowser

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


def about_html() -> str:
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        f"<td style='padding-left:14px;'>{html.escape(lic)}</td></tr>"
        for name, lic in LIBRARIES
    )
    return (
        f"<h2>xarchive {html.escape(__version__)}</h2>"
        "<p>An offline desktop archive for documenting censorship and human-rights cases: "
        "court documents, screenshots of posts, news articles.</p>"
        "<p>xarchive never connects to the network. Originals are stored unchanged and can "
        "be verified by their SHA-256.</p>"
        "<p>Licence: GNU General Public License, version 3 or later (GPL-3.0-or-later).</p>"
        f"<p>Qt {html.escape(qVersion())}, PySide6 {html.escape(PySide6.__version__)}.</p>"
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(logo)
        row.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
