"""Which language a text is written in, as an ISO 639-1 code ("en", "ur", …).

The archive holds mostly English and Urdu, often mixed in one post, plus Arabic,
Persian, Pashto, Punjabi, Hindi and other languages of the region. py3langid does
the statistics; two rules around it make it dependable for that material:

* the text is judged by its dominant script: a Urdu post quoting "X" and a URL is
  Urdu, an English article quoting one Urdu slogan is English;
* Arabic-script text containing letters that only Urdu uses (ٹ ڈ ڑ ں ے ہ) is Urdu,
  whatever the statistics say: short Urdu texts are easily taken for Persian or
  Arabic, which share most of their letters.

py3langid's model has no Sindhi; Sindhi text is reported under the nearest
Arabic-script language it knows.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import re
import shutil
import tempfile
import unicodedata
from array import array
from collections import Counter
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use: py3langid loads numpy and its model
    from py3langid.langid import LanguageIdentifier

log = logging.getLogger(__name__)

#: Fewer letters than this and any answer would be a guess.
MIN_LETTERS = 10

#: A longer text is judged by this many characters of it, taken from its start,
#: middle and end: the language of a page is clear from a few paragraphs, and
#: the statistics cost time in proportion to the text (judging whole texts was a
#: fifth of an import's time).
SAMPLE_CHARS = 3000

#: Languages written in the Arabic script that the model knows; for Arabic-script
#: text the choice is restricted to these (the model's Arabic dialects fold into "ar").
ARABIC_SCRIPT_LANGUAGES = ("ur", "ar", "fa", "ps", "ku", "ug", "ary", "arz", "sdh", "uzs")

#: Letters used by Urdu (and Punjabi in Shahmukhi, which is read as Urdu here) but
#: not by Arabic or Persian: ٹ ڈ ڑ ں ہ ے ۓ.
URDU_LETTERS = frozenset("\u0679\u0688\u0691\u06ba\u06c1\u06d2\u06d3")

#: Codes of the model that are not ISO 639-1, mapped to the nearest that is.
_TO_ISO_639_1 = {"ary": "ar", "arz": "ar", "sdh": "ku", "uzs": "uz", "pcm": "en", "zxx": ""}

_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\S+@\S+\.\w+", re.UNICODE)


def load_model() -> None:
    """Load the model now, for a process about to fork workers that would each load it at
    their first text (the import workers' fork server, core/ingest/preload.py): read once
    there, it is shared by all of them. Never raises: without it each worker loads the
    model itself, as before."""
    try:
        _identifier(None)
    except Exception:
        log.warning("the language model could not be loaded ahead", exc_info=True)


@cache
def _identifier(languages: tuple[str, ...] | None) -> LanguageIdentifier:
    # Once per process and language set.
    ptc, pc, classes, nextmove, row, output = _model()
    identifier = _identifier_class()(
        ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row
    )
    if languages:
        identifier.set_languages(list(languages))
    return identifier


@cache
def _identifier_class() -> type[LanguageIdentifier]:
    """py3langid's identifier, walking a text's bytes through its tokenizer with numpy.

    The library walks the tokenizer's automaton a byte at a time in Python: half of
    the time of each text's statistics, a few percent of an import's workers. Here
    every byte's state is found at once, as the fixed point of the automaton's step
    (see `_visits`), and the features counted are the library's own, in the same
    order, scored by its own code: the same scores, to the last bit
    (tests/core/test_language_model.py). A py3langid whose identifier is not built
    as this expects is used as it is."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    if not all(hasattr(LanguageIdentifier, name) for name in ("_raw_score", "_sparse_score")):
        return LanguageIdentifier  # type: ignore[no-any-return]

    class WalkingIdentifier(LanguageIdentifier):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            nextmove, rowbase = self.tk_nextmove, getattr(self, "_rowbase", None)
            self.walk = None
            if isinstance(nextmove, array | memoryview) and isinstance(rowbase, list):
                self.walk = (
                    np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
                    np.asarray(rowbase, dtype=np.intp),
                    np.asarray(self.tk_output, dtype=np.intp),
                )

        def _raw_score(self, text: bytes) -> Any:
            visits = None
            if self.walk is not None and len(text) >= _WALK_MIN_BYTES:
                visits = _visits(*self.walk, text)
            if visits is None:  # short, no feature, or no fixed point: the library's way
                return super()._raw_score(text)
            return self._sparse_score(visits, self.nb_ptc)

    return WalkingIdentifier


#: Shorter texts are walked faster a byte at a time than by numpy's rounds (a post:
#: 0.2 ms by numpy, 0.14 ms in Python; a 3 000-character sample: 0.9 ms against 1.6 ms).
_WALK_MIN_BYTES = 1024


def _visits(nextmove: Any, rowbase: Any, output: Any, text: bytes) -> dict[int, int] | None:
    """What py3langid's `visit_counts` counts in `text` (UTF-8 bytes): the features its
    tokenizer's automaton emits, each with its count, in the order first met; None when
    there are none (or the walk does not settle, which a tokenizer of short n-grams
    never does).

    The state after byte i is step(state after byte i - 1, byte i), from the start
    state. Starting from any guess and applying that step to every byte at once until
    nothing changes reaches the one sequence that satisfies it, the true one (by
    induction from the first byte); after k rounds every state that depends on at most
    k bytes before it is right, and in an automaton of n-grams none depends on more
    than the longest n-gram (6 bytes for py3langid's model: 7 rounds).
    """
    import numpy as np

    data = np.frombuffer(text, dtype=np.uint8).astype(np.intp)
    if not len(data):
        return None
    states = nextmove[rowbase[0] + data]
    before = np.empty(len(data), dtype=np.intp)
    for _ in range(32):
        before[0] = 0
        before[1:] = states[:-1]
        stepped = nextmove[rowbase[before] + data]
        if np.array_equal(stepped, states):
            break
        states = stepped
    else:
        return None
    features = output[states]
    features = features[features >= 0]
    if not len(features):
        return None
    found, first, counts = np.unique(features, return_index=True, return_counts=True)
    order = np.argsort(first)
    return dict(zip(found[order].tolist(), counts[order].tolist(), strict=True))


def _model() -> tuple[Any, ...]:
    """py3langid's model, from an uncompressed copy kept in the user's cache folder.

    Decompressing the shipped model takes one to three seconds, in every import
    worker: most of the time of an import of a few files. The copy (about 70 MB) is
    a folder of plain files, each mapped into memory (a text touches a few hundred of
    the 100 000 rows of scores and a few pages of the tokenizer's tables), which
    every worker shares through the page cache — a few milliseconds, where the same
    copy as one .npz (a zip, every byte read through zipfile and its checksum) took a
    third of a second in each worker of an import with OCR. Without the copy, or if
    it cannot be written or read, the shipped model is used.
    """
    from py3langid import langid

    source = Path(langid.MODEL_DIR) / langid.MODEL_FILE
    try:
        stamp = source.stat()
        copy = _cache_dir() / f"langid-{stamp.st_size}-{stamp.st_mtime_ns}"
        if (copy / _COMPLETE).exists():
            try:
                return _read_copy(copy)
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("the cached language model is damaged: written again", exc_info=True)
                shutil.rmtree(copy, ignore_errors=True)
    except OSError:
        log.warning("could not read the cached language model", exc_info=True)
        copy = None
    ptc, pc, classes, nextmove, row, output = langid._load_model_file(source)
    if copy is not None:
        try:
            _write_copy(copy, ptc, pc, classes, nextmove, row, output)
        except (OSError, ValueError):
            log.warning("could not keep a copy of the language model", exc_info=True)
    return ptc, pc, classes, nextmove, row, output


#: Written last into a copy of the model: a copy without it is unfinished.
_COMPLETE = "complete.json"


def _read_copy(folder: Path) -> tuple[Any, ...]:
    import numpy as np

    meta = json.loads((folder / _COMPLETE).read_text(encoding="utf-8"))
    for name, size in meta["sizes"].items():  # a file cut short is not read as the model
        if (folder / name).stat().st_size != size:
            raise ValueError(f"{name} of the cached language model is not its {size} bytes")

    def table(name: str) -> memoryview:
        # Mapped, not read: the tokenizer's 39 MB table was copied into each worker
        # (0.03-0.6 s a worker, as the machine's memory was busy); mapped, its pages
        # are the page cache's, shared by every worker, and a text touches a few.
        code = meta[name]
        if code not in ("B", "H", "I", "L", "Q"):  # the tables py3langid writes are unsigned
            raise ValueError(f"{name} of the cached language model has the type {code!r}")
        with open(folder / name, "rb") as raw:
            mapped = mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ)
        return memoryview(mapped).cast(code)

    return (
        np.load(folder / "ptc.npy", mmap_mode="r", allow_pickle=False),
        np.load(folder / "pc.npy", allow_pickle=False),
        list(meta["classes"]),
        table("nextmove"),
        table("row"),
        np.load(folder / "output.npy", allow_pickle=False).tolist(),
    )


def _write_copy(folder: Path, ptc: Any, pc: Any, classes: list[str], nextmove: array[int],
                row: array[int], output: list[int]) -> None:  # fmt: skip
    """Write the copy into a folder of its own, then give it its name (another import
    may be writing the same copy: the first to finish keeps it)."""
    import numpy as np

    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        np.save(partial / "ptc.npy", ptc, allow_pickle=False)
        np.save(partial / "pc.npy", pc, allow_pickle=False)
        np.save(partial / "output.npy", np.array(output), allow_pickle=False)
        for name, values in (("nextmove", nextmove), ("row", row)):
            with open(partial / name, "wb") as raw:
                values.tofile(raw)
        names = ("ptc.npy", "pc.npy", "output.npy", "nextmove", "row")
        for name in names:  # on disk before the copy is named complete
            with open(partial / name, "rb") as written:
                os.fsync(written.fileno())
        meta = {
            "classes": list(classes), "nextmove": nextmove.typecode, "row": row.typecode,
            "sizes": {name: (partial / name).stat().st_size for name in names},
        }  # fmt: skip
        with open(partial / _COMPLETE, "w", encoding="utf-8") as out:
            out.write(json.dumps(meta))
            out.flush()
            os.fsync(out.fileno())
        if folder.exists() and not (folder / _COMPLETE).exists():
            shutil.rmtree(folder)  # damaged: a copy is only given its name complete
        try:
            os.rename(partial, folder)
        except OSError:  # written meanwhile by another process
            if not (folder / _COMPLETE).exists():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    for older in folder.parent.glob("langid-*.npz"):  # the copies of earlier versions
        older.unlink(missing_ok=True)


def _cache_dir() -> Path:
    # Not under XARCHIVE_DATA_DIR, which tests set anew for each test: one copy serves all.
    from platformdirs import user_cache_path

    return user_cache_path("xarchive", appauthor=False)


def _script(char: str) -> str:
    code = ord(char)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    if 0x0900 <= code <= 0x097F:
        return "devanagari"
    if 0x0A00 <= code <= 0x0A7F:
        return "gurmukhi"
    # Other scripts: the first word of the character's Unicode name ("CYRILLIC", "CJK" …).
    return unicodedata.name(char, "OTHER").split(" ", 1)[0].lower()


class _Scripts(dict[str, str]):
    """The script of each character met so far (`_script` is Python, called per letter)."""

    def __missing__(self, char: str) -> str:
        found = self[char] = _script(char)
        return found


class _OtherScripts(dict[int, int]):
    """A `str.translate` table that blanks the letters of every script but one."""

    def __init__(self, script: str) -> None:
        super().__init__()
        self.script = script

    def __missing__(self, code: int) -> int:
        char = chr(code)
        found = self[code] = code if not char.isalpha() or _SCRIPTS[char] == self.script else 32
        return found


_SCRIPTS = _Scripts()
_BLANK_OTHERS: dict[str, _OtherScripts] = {}


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is mostly written in, "" if unsure.

    Returns "" for text with too few letters to judge (a caption of two words, a
    page of numbers). Never raises.
    """
    cleaned = _NOISE.sub(" ", _sample(text))
    # Character by character, but in C (filter, map, translate, count): in Python this
    # was three fifths of a text file's import.
    letters = list(filter(str.isalpha, cleaned))
    if len(letters) < MIN_LETTERS:
        return ""
    scripts = Counter(map(_SCRIPTS.__getitem__, letters))
    script, count = scripts.most_common(1)[0]
    if count < MIN_LETTERS:
        return ""
    if script == "gurmukhi":
        return "pa"
    # Only the dominant script's words are judged, so a quoted word in another
    # script does not tip the balance.
    table = _BLANK_OTHERS.get(script)
    if table is None:
        table = _BLANK_OTHERS[script] = _OtherScripts(script)
    kept = cleaned.translate(table)
    if script == "arabic":
        # In Urdu these letters make up about a tenth of all letters; a few of them
        # in a long Arabic or Persian text are a quoted Urdu name, not Urdu.
        urdu_letters = sum(map(kept.count, URDU_LETTERS))
        if urdu_letters >= max(1, count // 30):
            return "ur"
        code, _ = _identifier(ARABIC_SCRIPT_LANGUAGES).classify(kept)
    else:
        code = _confident_choice(kept, short=count < 40)
    code = _TO_ISO_639_1.get(code, code)
    return code if len(code) == 2 else ""


def _sample(text: str) -> str:
    """`text`, or for a long one three pieces of it (start, middle, end) cut at spaces."""
    if len(text) <= SAMPLE_CHARS:
        return text
    size = SAMPLE_CHARS // 3
    pieces = []
    for start in (0, (len(text) - size) // 2, len(text) - size):
        piece = text[start : start + size]
        if start:  # begin at a word, not inside one
            piece = piece[piece.find(" ") + 1 :] if " " in piece else piece
        if start + size < len(text) and " " in piece:
            piece = piece[: piece.rfind(" ")]
        pieces.append(piece)
    return "\n".join(pieces)


def _confident_choice(text: str, short: bool) -> str:
    """The model's best language for `text`; "" for a short text it hesitates about."""
    ranking = _identifier(None).rank(text)
    best, score = ranking[0]
    if not short:
        return str(best)
    # Over 140 languages a short phrase rarely scores high, but a clear lead over the
    # next language (Nigerian Pidgin counts as English) is a good sign.
    runner_up = next(
        (
            s
            for code, s in ranking[1:]
            if _TO_ISO_639_1.get(code, code) != _TO_ISO_639_1.get(best, best)
        ),
        0.0,
    )
    return str(best) if score >= 0.15 and score >= 2 * runner_up else ""
