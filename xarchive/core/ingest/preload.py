"""Imported by the import workers' fork server after the importers (lifeline.IMPORT_MODULES),
and by nothing else: what every worker would otherwise load at its first item, loaded
once in the server before the workers are forked from it, so that they share it.

The language model (core/language.py): each worker read its 40 MB of tables at its
first text, 0.1-0.25 s of CPU in each, in the middle of its first item (for a picture,
between its OCR and the next one's).
"""

from __future__ import annotations

import sys

from .. import language

language.load_model()

# tesseract's answers, asked on a thread since the server's start (ocr_probe.py): the
# thread has to be over before the server forks.
_probe = sys.modules.get("xarchive.core.ingest.ocr_probe")
if _probe is not None:
    _probe.ASKING.join()
