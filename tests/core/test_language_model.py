"""The copy of py3langid's model kept in the cache folder (core/language.py): written on
first use, read back as the same model, and never used half-written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from xarchive.core import language


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    ptc_a, pc_a, classes_a, nextmove_a, row_a, output_a = a
    ptc_b, pc_b, classes_b, nextmove_b, row_b, output_b = b
    return bool(
        np.array_equal(np.asarray(ptc_a), np.asarray(ptc_b))
        and np.array_equal(np.asarray(pc_a), np.asarray(pc_b))
        and classes_a == classes_b
        and _same_table(nextmove_a, nextmove_b)
        and _same_table(row_a, row_b)
        and list(output_a) == list(output_b)  # type: ignore[call-overload]
    )


def _same_table(a: object, b: object) -> bool:
    """Tables of the same numbers, an array or a mapped memoryview (compared as bytes:
    comparing a memoryview with an array goes a number at a time, minutes for 10 million)."""
    one, other = memoryview(a), memoryview(b)  # type: ignore[arg-type]
    return one.itemsize == other.itemsize and one.tobytes() == other.tobytes()


def test_the_kept_copy_is_the_shipped_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py3langid import langid

    monkeypatch.setattr(language, "_cache_dir", lambda: tmp_path)
    (tmp_path / "langid-1-2.npz").write_bytes(b"a copy of an earlier version")
    shipped = langid._load_model_file(Path(langid.MODEL_DIR) / langid.MODEL_FILE)
    first = language._model()  # reads the shipped model, keeps the copy
    (copy,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert (copy / "complete.json").exists()
    assert not (tmp_path / "langid-1-2.npz").exists()
    again = language._model()  # from the copy
    assert _same(first, shipped) and _same(again, shipped)
    # the tokenizer's tables come back mapped, as numbers of the shipped tables' type
    for table, stock in ((again[3], shipped[3]), (again[4], shipped[4])):
        assert isinstance(table, memoryview) and table.format == stock.typecode

    # a damaged copy (a file cut short, its last file lost) is not read: the model is
    # read again, and the copy written anew
    (copy / "complete.json").unlink()
    (copy / "nextmove").write_bytes(b"\0" * 64)
    assert _same(language._model(), shipped)
    assert (copy / "complete.json").exists()
    assert _same(language._model(), shipped)

    # a table cut short under a copy that says it is complete (a power cut): not read as
    # the model, and written again
    nextmove = (copy / "nextmove").read_bytes()
    (copy / "nextmove").write_bytes(nextmove[: len(nextmove) // 2])
    assert _same(language._model(), shipped)
    assert (copy / "nextmove").read_bytes() == nextmove


def test_the_numpy_walk_scores_every_text_as_the_library_does() -> None:
    """The identifier walks a text's bytes through py3langid's tokenizer with numpy
    (language._visits); its scores must be the library's own, to the last bit, or a
    text on the edge between two languages would change its language."""
    import random

    from py3langid.langid import LanguageIdentifier

    ours = language._identifier(None)
    assert type(ours) is not LanguageIdentifier  # the walking one, with this py3langid
    ptc, pc, classes, nextmove, row, output = language._model()
    stock = LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row)
    rng = random.Random(10)
    sentences = (
        "the court ordered the ministry to restore access to the platform within a week "
        "عدالت نے وزارت داخلہ کو ایکس پر پابندی ختم کرنے کا حکم دیا پاکستان میں "
        "la cour a ordonné au ministère de rétablir l'accès हिंदी में समाचार "
        "@handle #tag https://x.com/a/status/1 12:30 2024-02-17 ਪੰਜਾਬੀ Ωμέγα 漢字"
    )
    words = sentences.split()
    texts = ["", " ", "a", "ab", "...", "\u200c", "x" * 5000, "\u0679" * 1000]
    texts += [" ".join(rng.choices(words, k=rng.randint(1, 400))) for _ in range(300)]
    texts += [bytes(rng.randrange(256) for _ in range(rng.randint(1, 3000))) for _ in range(300)]
    for text in texts:
        assert ours.rank(text) == stock.rank(text), text
