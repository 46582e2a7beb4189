"""Runs before xarchive in the frozen program: fonts and OCR that travel with the build.

- fonts/: the Urdu and Latin faces the app sets text in (Noto Naskh and Nastaliq,
  DejaVu Sans), added to whatever the system has through a fontconfig file of
  the build's own, so Urdu reads right on a machine without fonts-noto-core.
- tesseract/: where a build carries tesseract (the tarball), its wrapper goes
  first on PATH; a system tesseract is used otherwise (the .deb depends on
  Debian's tesseract-ocr-urd).
"""

import os
import sys
from pathlib import Path


def _setup() -> None:
    root = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    fonts = root / "fonts" / "fonts.conf"
    if fonts.is_file() and "FONTCONFIG_FILE" not in os.environ:
        os.environ["FONTCONFIG_FILE"] = str(fonts)
    tesseract = root / "tesseract" / "bin"
    if (tesseract / "tesseract").is_file():
        os.environ["PATH"] = os.pathsep.join([str(tesseract), os.environ.get("PATH", "")])


_setup()
