"""Each command imports what it needs, and no more: start-up is most of a quick command.

A timed test would fail on a loaded machine; what a command leaves in `sys.modules`
does not, and that is where its start-up time goes (`python -X importtime`). The
importers (trafilatura, pypdf, Pillow, lxml), language detection (py3langid) and Qt
cost over a second together; a search, a verify or an export needs none of them.
numpy is not on the list: the search engine computes with it (core/index/arrays.py);
commands that never search load no engine at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xarchive.cli import build_parser, main
from xarchive.core.archive import Archive
from xarchive.core.importing import import_paths

NOT_NEEDED = (
    "trafilatura",
    "py3langid",
    "pypdf",
    "PIL",
    "lxml",
    "charset_normalizer",
    "nh3",
    "PySide6",
    "xarchive.core.importing",
    "xarchive.core.importers.html",
    "xarchive.core.language",
    "xarchive.gui",
)

# Runs the command in a fresh interpreter, then prints which of the modules it loaded.
PROBE = """
import contextlib, io, json, sys
from xarchive.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[2:])
loaded = [m for m in json.loads(sys.argv[1]) if m in sys.modules]
print(json.dumps({"code": code, "loaded": loaded}))
"""


#: What commands that never search (verify, show) need not load either.
ENGINE = ("whoosh", "numpy", "xarchive.core.index.engine")


def loaded_by(*args: str, unwanted: tuple[str, ...] = NOT_NEEDED) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(unwanted), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.splitlines()[-1])
    assert answer["code"] == 0, result.stderr
    return list(answer["loaded"])


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("startup") / "case.xarchive"
    folder = root.parent / "collected"
    folder.mkdir()
    (folder / "note.txt").write_text("The court heard the petition on the blocking of X.\n")
    with Archive.create(root) as archive:
        assert import_paths(archive, [folder]).failed == []
    return root


@pytest.mark.parametrize(
    "command",
    [
        ["search", "court", "--json"],
        ["status"],
        ["show", "1"],
        ["verify"],
        ["tags"],
    ],
)
def test_reading_commands_load_no_importer_language_model_or_qt(
    small_archive: Path, command: list[str]
) -> None:
    assert loaded_by(*command, "--archive", str(small_archive)) == []


@pytest.mark.parametrize(
    "command", [["search", "court", "--json"], ["status"], ["show", "1"], ["verify"], ["tags"]]
)
def test_reading_commands_load_no_socket_module(small_archive: Path, command: list[str]) -> None:
    # The offline guard (core/offline.py) compares the numbers of the C module _socket:
    # socket.py, with selectors and an enum of every constant, is for what opens one
    unwanted = ("socket", "selectors")
    assert loaded_by(*command, "--archive", str(small_archive), unwanted=unwanted) == []


def test_a_search_loads_no_worker_pool_nor_what_only_indexing_reads(small_archive: Path) -> None:
    # a rebuild's worker processes, the stores documents() reads to index an item, the
    # command modules of the other commands (the parser builds only `search`), and the
    # records a search never makes (compiling their dataclasses' methods was a sixth of
    # its start): it reads items, and of posts the versions of edited ones
    unwanted = ("concurrent.futures", "multiprocessing", "xarchive.core.store.annotations",
                "xarchive.cli.annotate", "xarchive.cli.bundles", "xarchive.cli.suggest",
                "xarchive.cli.archive", "xarchive.cli.importing",
                "xarchive.core.model.annotations", "xarchive.core.model.runs",
                "xarchive.core.model.containers", "xarchive.core.model.posts",
                # the parser of English dates ("last tuesday"; 72 regular expressions to
                # compile): the query rewrites each date as 20240217 itself (query.py)
                "whoosh.qparser.dateparse",
                # numpy's masked arrays (10-20 ms), which np.unique and np.isin import
                "numpy.ma",
                # what an import makes of a file, OCR's words, and the evidence of posts
                # beyond which are versions of an edited one (store/versions.py): their
                # dataclasses' methods were a tenth of a whole search
                "xarchive.core.model.extracted", "xarchive.core.words",
                "xarchive.core.store.ocr_words", "xarchive.core.model.evidence",
                "xarchive.core.store.evidence",
                # and the document the index holds of an item, which only a writer makes
                "xarchive.core.index.document")  # fmt: skip
    for query in ("court", '"court ruling"', "cour*"):
        assert loaded_by("search", query, "--archive", str(small_archive), unwanted=unwanted) == []


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")
def test_a_search_leaves_no_thread_of_numpys_linear_algebra(small_archive: Path) -> None:
    # OpenBLAS starts a thread per core as numpy loads, which spins waiting for work
    # (core/blas.py): a search runs in its one thread
    code = f"""
import contextlib, io, re
from xarchive.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["search", "court", "--archive", {str(small_archive)!r}])
import numpy
print(re.search(r"Threads:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
"""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1"]


@pytest.mark.parametrize("command", [["verify"], ["show", "1", "--text"]])
def test_commands_that_never_search_load_no_search_engine(
    small_archive: Path, command: list[str]
) -> None:
    unwanted = NOT_NEEDED + ENGINE
    assert loaded_by(*command, "--archive", str(small_archive), unwanted=unwanted) == []


def test_verify_loads_no_records_of_items_or_posts(small_archive: Path) -> None:
    # It reads the originals' hashes and the sealed rows as rows: the records (the
    # dataclasses of core/model/ and of the posts' stores) were a third of its start.
    # Nor the OCR words' (core/words.py) nor getpass: it shows no OCR box, audits no change;
    # nor, when all is well, what names and counts the problems (unicodedata with names.py).
    unwanted = ("xarchive.core.model", "xarchive.core.store.items",
                "xarchive.core.store.posts", "xarchive.core.store.evidence",
                "xarchive.core.store.ocr_words", "xarchive.core.words", "getpass",
                "xarchive.core.names", "xarchive.core.wording", "unicodedata")  # fmt: skip
    assert loaded_by("verify", "--archive", str(small_archive), unwanted=unwanted) == []


def test_verify_loads_no_dataclasses(small_archive: Path) -> None:
    # dataclasses imports inspect (ast, dis, tokenize) and compiles each class's methods:
    # a tenth of a verify's start, which is most of a small archive's verify
    unwanted = ("dataclasses", "inspect", "ast", "dis")
    assert loaded_by("verify", "--archive", str(small_archive), unwanted=unwanted) == []


def test_verify_loads_no_logging_nor_thread_pool(small_archive: Path) -> None:
    # Its threads are threading's (core/verify.py): concurrent.futures imports logging,
    # with traceback, string and textwrap, for nothing a verify does
    unwanted = ("concurrent.futures", "logging", "traceback")
    assert loaded_by("verify", "--archive", str(small_archive), unwanted=unwanted) == []


def test_verify_loads_no_shutil(small_archive: Path) -> None:
    # argparse's help formatter imports shutil (with zlib, bz2 and lzma) to measure the
    # terminal, for each argument added: the parser's formatter measures it itself
    unwanted = ("shutil", "zlib", "bz2", "lzma")
    assert loaded_by("verify", "--archive", str(small_archive), unwanted=unwanted) == []


def test_an_export_of_everything_loads_no_search_engine(
    small_archive: Path, tmp_path: Path
) -> None:
    # `*` is every item, listed from the database (bundles/selection.py `every_item`)
    bundle = tmp_path / "everything.zip"
    command = ("export", "*", "--out", str(bundle), "--archive", str(small_archive))
    assert loaded_by(*command, unwanted=NOT_NEEDED + ENGINE) == []


def test_an_export_loads_no_importers_records_logging_nor_subprocess(
    small_archive: Path, tmp_path: Path
) -> None:
    # Start-up was most of an export's time (issue 10): not the records only importers
    # make (core/model/containers.py, whose dataclasses' methods took 20 ms to compile),
    # nor logging (paths.py logs only a failed log), nor ctypes.util with subprocess and
    # tempfile (libc.py, for blobs.py's syncfs, which an export never calls)
    bundle = tmp_path / "everything.zip"
    command = ("export", "*", "--out", str(bundle), "--archive", str(small_archive))
    unwanted = ("xarchive.core.model.containers", "logging", "ctypes", "subprocess")
    assert loaded_by(*command, unwanted=unwanted) == []


def test_export_and_bundle_check_load_no_importer(small_archive: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "case.zip"
    assert loaded_by("export", "*", "--out", str(bundle), "--archive", str(small_archive)) == []
    assert loaded_by("verify-bundle", str(bundle)) == []


def test_an_export_of_chosen_items_and_its_check_load_no_search_engine(
    small_archive: Path, tmp_path: Path
) -> None:
    # only an export of a search's hits needs the engine (numpy, Whoosh)
    bundle = tmp_path / "chosen.zip"
    unwanted = NOT_NEEDED + ENGINE
    command = ("export", "--ids", "1", "--out", str(bundle), "--archive", str(small_archive))
    assert loaded_by(*command, unwanted=unwanted) == []
    assert loaded_by("verify-bundle", str(bundle), unwanted=unwanted) == []


def test_the_parser_loads_no_search_engine() -> None:
    # Commands that never search (verify, show) must not pay for the engine to parse.
    code = (
        "import sys; from xarchive.cli import build_parser; "
        "build_parser().parse_args(['verify']); "
        f"print([m for m in {ENGINE + ('xarchive.core.search',)!r} if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    commands = build_parser().commands
    assert {"search", "verify", "export", "suggestions"} <= set(commands)
    for command in [None, *commands]:
        with pytest.raises(SystemExit) as stopped:
            main([command, "--help"] if command else ["--help"])
        assert stopped.value.code == 0
        assert "usage: xarchive" in capsys.readouterr().out


def test_an_unchanged_folder_imported_again_loads_no_importer_nor_index_writer(
    small_archive: Path,
) -> None:
    """Nothing is read when nothing changed: no importer (trafilatura alone is a fifth
    of a second), no worker, no index writer (numpy, Whoosh), none of what follows a
    batch of new items — they were most of such a re-import's time (ingest/reading.py)."""
    folder = small_archive.parent / "collected"
    # (core/language.py itself is light; py3langid, its model, is what costs)
    needed = ("xarchive.core.importing", "xarchive.core.language")
    importing = tuple(m for m in NOT_NEEDED if m not in needed)
    unwanted = importing + ENGINE + (
        "xarchive.core.importers.html", "xarchive.core.importers.eml",
        "xarchive.core.importers.image", "xarchive.core.ingest.worker",
        "xarchive.core.ingest.extraction", "xarchive.core.ingest.index_feed",
        "xarchive.core.posts.containers", "xarchive.core.suggest", "xarchive.core.annotate.service",
    )  # fmt: skip
    for workers in ("0", "2"):
        command = ("import", str(folder), "--no-ocr", "--workers", workers)
        assert loaded_by(*command, "--archive", str(small_archive), unwanted=unwanted) == []


def test_a_search_compiles_no_english_word_variations_nor_porter_stemmer(
    small_archive: Path,
) -> None:
    """whoosh.lang.morph_en (fifty large regexes, for a query xarchive never builds) and
    whoosh.lang.porter (the stemmer xarchive's Porter2 replaces) are loaded only when
    their function is called, and then answer as they always did, pickled too."""
    code = f"""
import contextlib, io, json, pickle, sys
from xarchive.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["search", "court", "--archive", {str(small_archive)!r}])
before = [getattr(sys.modules[m], "__file__", None)
          for m in ("whoosh.lang.morph_en", "whoosh.lang.porter")]
from whoosh.analysis import StemFilter
from whoosh.query.terms import variations
stems = pickle.loads(pickle.dumps(StemFilter())).stemfn
print(json.dumps([before, sorted(variations("hearings")), stems("hearings")]))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    before, deferred, stemmed = json.loads(result.stdout.splitlines()[-1])
    assert before == [None, None]
    plain = (
        "import json; from whoosh.lang.morph_en import variations; "
        "from whoosh.lang.porter import stem; "
        "print(json.dumps([sorted(variations('hearings')), stem('hearings')]))"
    )
    real = subprocess.run([sys.executable, "-c", plain], capture_output=True, text=True)
    assert [deferred, stemmed] == json.loads(real.stdout) and "hearing" in deferred


def test_an_import_with_workers_reads_nothing_itself_so_loads_no_importer(
    small_archive: Path,
) -> None:
    """With workers, the importing process hands out the files and writes what they
    read: the importers (Pillow, charset_normalizer, OCR, py3langid's model) are the
    workers', imported by their fork server, and a container's code is for posts. They
    were a tenth of a second of every import's start, before its first file."""
    folder = small_archive.parent / "new"
    folder.mkdir()
    (folder / "order.txt").write_text("The order was served on 17 February.\n")
    unwanted = (
        "PIL", "charset_normalizer", "py3langid", "xarchive.core.importers.image",
        "xarchive.core.importers.text", "xarchive.core.ocr", "xarchive.core.posts.containers",
    )  # fmt: skip
    command = ("import", str(folder), "--workers", "2", "--archive", str(small_archive))
    assert loaded_by(*command, unwanted=unwanted) == []
