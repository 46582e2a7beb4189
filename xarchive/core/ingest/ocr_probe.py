"""Imported by the import workers' fork server, second, when the import reads text in
pictures (lifeline.start_import_workers): tesseract is asked what it can do (its
languages, whether it can be confined: three programs run one after the other) on a
thread while the server imports the rest, and every worker forked from it has the
answers. A worker used to ask as it started: its first OCR waited 90-110 ms for them
(strace, the bench's screenshots), and each worker asked again.

preload.py, imported by the server after the importers, waits for the thread to end: no
thread may be running when the server forks a worker.
"""

from __future__ import annotations

from .. import ocr

ASKING = ocr.prepare()
