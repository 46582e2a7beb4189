"""Text in pictures, read by the `tesseract` program (English and Urdu by default).

Screenshots of posts and scanned court orders are only searchable through OCR.
OCR is a best effort: `ocr_image` never raises; when tesseract or a language's
data is missing, or tesseract fails, the result says so in `status` and in a
`warning` a person can act on, and the import goes on without the text.

Choices measured on the six demo screenshots (at full, half and a third of their
size) and on Urdu and mixed lines rendered in Naskh, Nastaliq and Noto Sans Arabic:

* page segmentation `--psm 3` (automatic) reads posts best; when it finds
  nothing, `--psm 11` (sparse text) and, for upscaled pictures, the original size
  are tried once each, because tesseract sometimes returns an empty page for a
  single line of text at one particular scale;
* greyscale, transparency flattened onto white, and pictures whose longer side
  is under 1000 px enlarged ×2: on a 400 px-wide screenshot that lifts word
  recall from 85–97 % to 93–100 %; at full size it does not help (Urdu gets
  slightly worse);
* `preserve_interword_spaces=1` is *not* used: it splits Urdu words
  (word recall 0.98 → 0.89);
* "eng+urd" and "urd+eng" read the same (total character error 15.35 vs 15.31
  over 84 samples), so the caller's order is kept; but with English loaded,
  tesseract reads some Urdu words as Latin junk. When a picture's text is mostly
  Arabic script, it is read a second time with the Arabic-script languages alone
  and the reading tesseract is more confident of is kept: total error 15.35 →
  12.28, no screenshot worse (their English interface text keeps the first
  reading);
* OMP_THREAD_LIMIT=1: tesseract's own threads fight the import's worker
  processes; on a 2-CPU machine one thread was 5× faster (0.75 s vs 4.2 s per
  screenshot).

A known limit: Urdu set in Nastaliq (newspaper graphics, many Urdu
screenshots' images) is read poorly by tesseract's "urd" model, with 15–70 % of
characters wrong, where Naskh and plain Arabic fonts are read almost perfectly.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageOps

from .words import Word

log = logging.getLogger(__name__)

#: Seconds one tesseract run may take before it is stopped.
TIMEOUT_SECONDS = 120.0
#: Pictures whose longer side is shorter than this are enlarged ×2 first.
UPSCALE_BELOW_PX = 1000
#: Larger pictures are shrunk to about this many pixels (tesseract slows down a lot).
MAX_OCR_PIXELS = 25_000_000

INSTALL_HINT = "sudo apt-get install tesseract-ocr tesseract-ocr-urd"
MISSING_TESSERACT = (
    "Text in pictures was not recognised because the OCR program tesseract is not "
    f"installed: {INSTALL_HINT}"
)

#: Names of tesseract language codes, for messages.
LANGUAGE_NAMES = {
    "eng": "English",
    "urd": "Urdu",
    "ara": "Arabic",
    "fas": "Persian",
    "pus": "Pashto",
    "hin": "Hindi",
    "pan": "Punjabi",
    "snd": "Sindhi",
}

#: Tesseract languages written in the Arabic script (see the second reading above).
ARABIC_SCRIPT_LANGUAGES = frozenset({"urd", "ara", "fas", "pus", "snd", "uig", "kur_ara"})

# Tesseract marks the direction of mixed lines with invisible LRM/RLM characters;
# they are not in the picture and would split words for search.
_DIRECTION_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
_WORD_CHAR = re.compile(r"\w")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class OcrResult:
    """What OCR made of one picture."""

    text: str
    #: "done", "missing-tesseract", "missing-language" (done with the languages
    #: that are installed, or not at all if none is) or "failed".
    status: str
    #: One sentence for a person when something was missing or went wrong.
    warning: str = ""
    #: The words read, each with its box in fractions of the picture (see core/words.py).
    words: tuple[Word, ...] = ()


def find_tesseract() -> str | None:
    """The path of the tesseract program, None if it is not installed."""
    return shutil.which("tesseract")


def tesseract_available() -> bool:
    """Whether the tesseract program can be found on PATH."""
    return find_tesseract() is not None


@cache
def tesseract_version() -> str | None:
    """The version of the tesseract program ("5.3.0"), None if it is not installed or
    does not answer. It runs `tesseract --version` once per process (up to 30 s when
    the machine is busy): call it off the GUI thread."""
    program = find_tesseract()
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, "--version"],
            capture_output=True,
            timeout=30,
            check=False,
            env=_environment(),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("tesseract --version failed: %s", exc)
        return None
    # "tesseract 5.3.0" first, then its libraries; 3.x printed it all on stderr.
    for line in (done.stdout + done.stderr).decode("utf-8", "replace").splitlines():
        words = line.split()
        if len(words) >= 2 and words[0].lower() == "tesseract":
            return words[1].removeprefix("v")
    return None


def available_languages() -> frozenset[str]:
    """The language codes tesseract has data for ("eng", "urd", …); empty without tesseract."""
    program = find_tesseract()
    return _list_languages(program) if program else frozenset()


@cache
def _list_languages(program: str) -> frozenset[str]:
    try:
        done = subprocess.run(
            [program, "--list-langs"],
            capture_output=True,
            timeout=30,
            check=False,
            env=_environment(),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("tesseract --list-langs failed: %s", exc)
        return frozenset()
    # The first line is a header ("List of available languages in …"); older
    # versions print the list on stderr.
    lines = (done.stdout or done.stderr).decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip() and " " not in line)


#: Held while tesseract is asked in the background what ocr_image will ask at its first
#: picture (`prepare`): a picture read meanwhile waits for the answers, not asks again.
_PROBING = threading.Lock()


def prepare() -> threading.Thread:
    """Ask tesseract now, in a thread, what the first picture would wait for: its
    languages (`tesseract --list-langs`) and whether it can be confined (two runs of
    `unshare`). For an import worker as it starts (core/ingest/worker.py), while its first
    file is staged and decoded: that was 30-80 ms before each worker's first OCR."""
    thread = threading.Thread(target=_probe, name="xarchive-ocr-probe", daemon=True)
    thread.start()
    return thread


def _probe() -> None:
    with _PROBING:
        program = find_tesseract()
        if program is not None:
            _list_languages(program)
            confinement()


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def missing_language_warning(codes: list[str]) -> str:
    """A sentence saying which OCR language data is missing and how to install it."""
    names = " and ".join(LANGUAGE_NAMES.get(code, code) for code in codes)
    packages = " ".join(f"tesseract-ocr-{code.lower().replace('_', '-')}" for code in codes)
    return f"{names} OCR data is not installed: sudo apt-get install {packages}"


def ocr_image(image: Image.Image | Path, languages: str = "eng+urd") -> OcrResult:
    """Read the text in `image` (a Pillow image or a picture file) with tesseract.

    `languages` is tesseract's form, e.g. "eng+urd"; languages whose data is not
    installed are left out and reported. Never raises: a missing program, missing
    data, an unreadable picture, a crash or a timeout (TIMEOUT_SECONDS) of
    tesseract give an empty text and a status other than "done".
    """
    program = find_tesseract()
    if program is None:
        return OcrResult("", "missing-tesseract", MISSING_TESSERACT)
    requested = [code for code in languages.split("+") if code] or ["eng"]
    with _PROBING:
        installed = _list_languages(program)
    usable = [code for code in requested if code in installed]
    missing = [code for code in requested if code not in installed]
    warning = missing_language_warning(missing) if missing else ""
    status = "missing-language" if missing else "done"
    if not usable:
        return OcrResult("", "missing-language", warning)
    try:
        grey = _greyscale(image)
    except (
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        MemoryError,
        Image.DecompressionBombError,
    ) as exc:
        log.info("cannot prepare %s for OCR: %s", image, exc)
        return OcrResult("", "failed", f"The picture could not be prepared for OCR ({exc}).")
    enlarged = max(grey.size) < UPSCALE_BELOW_PX
    prepared = _enlarge(grey) if enlarged else grey
    attempts = [(prepared, "3"), (prepared, "11")]
    if enlarged:
        attempts.append((grey, "3"))
    arabic_only = [code for code in usable if code in ARABIC_SCRIPT_LANGUAGES]
    reading = _Reading("", 0.0)
    try:
        for picture, psm in attempts:
            reading = _run(program, picture, "+".join(usable), psm)
            if len(_WORD_CHAR.findall(reading.text)) >= 3:
                if arabic_only != usable and arabic_only and mostly_arabic(reading.text):
                    second = _run(program, picture, "+".join(arabic_only), psm)
                    if second.confidence > reading.confidence:
                        reading = second
                break
    except _OcrFailed as exc:
        return OcrResult("", "failed", str(exc))
    return OcrResult(reading.text, status, warning, reading.words)


def mostly_arabic(text: str) -> bool:
    """Whether most letters of `text` are Arabic script (a reading to read again with the
    Arabic-script languages alone; bench/run.py's OCR peer asks the same)."""
    letters = [char for char in text if char.isalpha()]
    arabic = sum(1 for char in letters if "\u0600" <= char <= "\u06ff")
    return arabic * 2 > len(letters)


@dataclass(frozen=True, slots=True)
class _Reading:
    text: str
    #: tesseract's mean word confidence (0–100), weighted by word length.
    confidence: float
    words: tuple[Word, ...] = ()


class _OcrFailed(Exception):
    """tesseract ran but did not finish well; the message is for a person."""


def _greyscale(image: Image.Image | Path) -> Image.Image:
    if isinstance(image, Path):
        with Image.open(image) as opened:
            opened.seek(0)
            picture = opened.copy()
    else:
        picture = image
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        # Text drawn on a transparent background turns black-on-black otherwise.
        rgba = picture.convert("RGBA")
        background = Image.new("RGBA", rgba.size, "white")
        picture = Image.alpha_composite(background, rgba)
    if picture.mode not in ("L", "RGB"):
        picture = picture.convert("RGB")
    grey = ImageOps.grayscale(picture) if picture.mode != "L" else picture
    pixels = grey.width * grey.height
    if pixels > MAX_OCR_PIXELS:
        scale = (MAX_OCR_PIXELS / pixels) ** 0.5
        size = (max(1, int(grey.width * scale)), max(1, int(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    return grey


def _enlarge(grey: Image.Image) -> Image.Image:
    return grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.LANCZOS)


def _run(program: str, picture: Image.Image, languages: str, psm: str) -> _Reading:
    # Handed over uncompressed (PGM, "P5"): tesseract reads the same pixels as from a PNG
    # (the same text and words, compared on the bench's screenshots), and neither side
    # compresses nor decompresses them: a PNG took 5 ms a screenshot to write here.
    buffer = io.BytesIO()
    picture.save(buffer, "PPM")  # a greyscale picture is written as PGM
    with tempfile.TemporaryDirectory(prefix="xarchive-ocr-") as folder:
        # One run writes the text (out.txt) and the words with their confidence (out.tsv).
        base = os.path.join(folder, "out")
        command = [program, "stdin", base, "-l", languages, "--psm", psm, "txt", "tsv"]
        _call(command, buffer.getvalue())
        try:
            with open(base + ".txt", encoding="utf-8", errors="replace") as txt:
                text = txt.read()
            with open(base + ".tsv", encoding="utf-8", errors="replace", newline="") as tsv:
                table = tsv.read()
        except OSError as exc:
            raise _OcrFailed(f"OCR failed: tesseract wrote no result ({exc.strerror}).") from exc
    return _Reading(clean_ocr_text(text), _mean_confidence(table), words_of(table))


def words_of(tsv: str) -> tuple[Word, ...]:
    """The words of tesseract's TSV output, boxes in fractions of the picture it read.

    Lines are numbered in tesseract's reading order; rows that are not words, or
    whose numbers do not parse, are left out.
    """
    width = height = 0.0
    found: list[Word] = []
    lines: dict[tuple[str, str, str, str], int] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            level = int(row.get("level") or 0)
            left, top = float(row["left"]), float(row["top"])
            w, h = float(row["width"]), float(row["height"])
        except (KeyError, TypeError, ValueError):
            continue
        if level == 1:
            width, height = w, h
            continue
        text = (row.get("text") or "").translate(_DIRECTION_MARKS).strip()
        if level != 5 or not text or width <= 0 or height <= 0:
            continue
        key = (row.get("page_num", ""), row.get("block_num", ""), row.get("par_num", ""),
               row.get("line_num", ""))  # fmt: skip
        line = lines.setdefault(key, len(lines))
        found.append(Word(text, left / width, top / height, w / width, h / height, line))
    return tuple(found)


def _mean_confidence(tsv: str) -> float:
    total = weight = 0.0
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in rows:
        word = (row.get("text") or "").strip()
        try:
            confidence = float(row.get("conf") or -1)
        except ValueError:
            continue
        if word and confidence >= 0:
            total += confidence * len(word)
            weight += len(word)
    return total / weight if weight else 0.0


@cache
def confinement() -> tuple[str, ...]:
    """What tesseract is run under: `unshare` giving it a network of its own with no
    interface up (it cannot reach any other machine, whatever it or its libraries
    try) in a user namespace (no rights beyond the user's); () where the system
    refuses unprivileged namespaces (some distributions do), said once in the log."""
    unshare = shutil.which("unshare")
    command: tuple[str, ...] = (
        (unshare, "--user", "--map-root-user", "--net", "--") if unshare else ()
    )
    if not _runs(command):
        log.info("tesseract runs without a network namespace of its own: unshare is "
                 "missing or refused here")  # fmt: skip
        command = ()
    # killed with the worker that runs it (a worker killed or stopped mid-OCR left its
    # tesseract running to the end); set last, as a change of user clears it
    setpriv = shutil.which("setpriv")
    if setpriv and _runs((*command, setpriv, "--pdeathsig", "KILL", "--")):
        command = (*command, setpriv, "--pdeathsig", "KILL", "--")
    return command


def _runs(prefix: tuple[str, ...]) -> bool:
    """Whether `true` runs under `prefix`."""
    if not prefix:
        return False
    try:
        done = subprocess.run([*prefix, "true"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _call(command: list[str], picture: bytes) -> None:
    with _PROBING:
        confined = confinement()
    try:
        done = subprocess.run(
            [*confined, *command],
            input=picture,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
            env=_environment(),
        )
    except subprocess.TimeoutExpired as exc:
        raise _OcrFailed(
            f"OCR was stopped after {TIMEOUT_SECONDS:.0f} seconds; the picture is too "
            "large or too complex."
        ) from exc
    except OSError as exc:
        raise _OcrFailed(f"The OCR program tesseract could not be started ({exc}).") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit status {done.returncode}"
        log.info("tesseract %s failed: %s", " ".join(command), "\n".join(detail))
        raise _OcrFailed(f"OCR failed: tesseract said “{reason}”.")


def clean_ocr_text(text: str) -> str:
    """Tesseract's output without direction marks, page breaks and trailing blanks."""
    text = text.translate(_DIRECTION_MARKS).replace("\f", "\n")
    lines = (line.rstrip() for line in text.splitlines())
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
