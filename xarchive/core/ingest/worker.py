"""What an import's worker processes do: stage a file (copy and hash it), read it with
the importer chosen by content, and store its original. Everything here runs in a
worker (or in the importing process with workers=0) and returns values the one
writer commits; none of it writes SQLite or the index.
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import blobs, collector, lifeline
from ..errors import UnreadableFile
from ..importers import HEAD_SIZE, folder_importer, is_container, name_disagrees, sniff
from ..importers.base import ContainerContext, ExtractContext
from ..model import Extracted, ExtractedContainer
from ..offline import forbid_network
from .hooks import AfterImport, read_all


def init(main_pid: int, ocr: bool = False) -> None:
    """Each worker's start; `ocr`: the import reads text in pictures."""
    lifeline.bind_worker(main_pid)  # a killed import must not leave its workers behind
    forbid_network()
    collector.collect_less()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl+C
    logging.getLogger().setLevel(logging.ERROR)
    if ocr:  # tesseract asked what it can do while the first file is staged and decoded
        from .. import ocr as tesseract

        tesseract.prepare()


def stage(path: str, staging: str) -> blobs.StagedFile:
    """Copy the file at `path` into `staging`, hashing and fsyncing it in one read."""
    return blobs.stage_copy(Path(path), Path(staging))


def extract(
    staged: blobs.StagedFile,
    original_name: str,
    ctx: ExtractContext,
    blobs_dir: str,
    origin: str = "",
    pictures_only: bool = False,
    contained: bool = False,
    subscribers: Sequence[AfterImport] = (),
    address: str = "",
) -> Extracted | ExtractedContainer | Read:
    """Extract with the importer chosen by content, then store the original.

    The importer reads the staged copy under the file's original name. Only if it
    succeeds is the copy moved to its content address, fsynced here in the worker so
    that the one writer never waits for the disk. A container importer also copies
    the container's pictures to the staging area (`origin` is the container's path).
    `pictures_only` is for those pictures: anything else in their place is refused.
    `contained` is for the other files of a container that are items of their own
    (a captured page, an attachment): each is read as one item, never as a container.
    A file that is one item comes back as a `Read`, with what the `subscribers`
    read of it (what finding links needs), computed here rather than in the one
    writer. `address` is the one its container gives it (a captured page's
    WARC-Target-URI), which becomes its source address whatever the page says: the
    subscribers read it with that address, as the item will have it.
    """
    view = _view(staged.tmp_path, original_name)
    try:
        if pictures_only:  # a post's picture, video or animated GIF
            # here, not above: the importing process imports this module to hand out its
            # tasks, and needs no importer (Pillow, charset_normalizer); the workers have
            # them from their fork server (lifeline.IMPORT_MODULES)
            from ..importers import image, video

            with view.open("rb") as handle:
                head = handle.read(64)
            if image.detect(head, view):
                result: Extracted | ExtractedContainer | Read = image.extract(view, ctx)
            elif video.detect(head, view):
                result = video.extract(view, ctx)
            else:
                raise UnreadableFile(f"‘{original_name}’ is neither a picture nor a video.")
        else:
            importer = sniff(view)
            if contained and is_container(importer):
                importer = _one_item_importer(view, original_name)
            if is_container(importer):
                container_ctx = ContainerContext(
                    ctx, staged.tmp_path.parent, Path(blobs_dir), origin or original_name
                )
                result = importer.extract_many(view, container_ctx)
            else:
                found = importer.extract(view, ctx)
                misnamed = name_disagrees(view, found.media_type)
                if misnamed:  # a text file named fake.pdf came in silently as text
                    found = dataclasses.replace(found, warnings=(*found.warnings, misnamed))
                as_stored = dataclasses.replace(found, source_url=address) if address else found
                result = Read(found, read_all(subscribers, as_stored, view))
    finally:
        view.unlink(missing_ok=True)
    blobs.commit_blob(Path(blobs_dir), staged)
    return result


#: This process's folder of views in each staging area, made at its first file there
#: and removed with the staging area: a folder made and removed for every file was 3 %
#: of a worker's time in the bench's import (py-spy; its mkdir and rmdir wait on the
#: file system's journal behind the other worker's fsyncs). One process reads one file
#: at a time, so one folder holds one view at a time.
_VIEW_FOLDERS: dict[Path, Path] = {}


def _view(staged: Path, original_name: str) -> Path:
    """The staged copy `staged` under its file's original name: a symbolic link to it,
    in this process's folder of views beside it (removed by the caller)."""
    staging = staged.parent
    folder = _VIEW_FOLDERS.get(staging)
    if folder is None:
        folder = _VIEW_FOLDERS[staging] = staging / f"{uuid.uuid4().hex}.views"
        folder.mkdir()
    view = folder / original_name
    try:
        view.symlink_to(staged)
    except FileExistsError:  # left by a file of this name whose view was not removed
        view.unlink()
        view.symlink_to(staged)
    except FileNotFoundError:  # the staging area was emptied meanwhile (a full disk)
        folder.mkdir(exist_ok=True)
        view.symlink_to(staged)
    return view


def _one_item_importer(view: Path, original_name: str) -> Any:
    """The importer of a file in a container that looks like a container itself (a JSON
    response captured in a WARC looks like twarc2 lines): text if it is text."""
    from ..importers import text as plain_text

    with view.open("rb") as handle:
        head = handle.read(HEAD_SIZE)
    if plain_text.detect(head, view):
        return plain_text
    raise UnreadableFile(
        f"‘{original_name}’ is itself an archive of many files; import it on its own."
    )


@dataclass(frozen=True, slots=True)
class Read:
    """What a worker read of a file that is one item."""

    extracted: Extracted
    #: what each subscriber read of it, by the subscriber's name (hooks.py)
    notes: dict[str, Any]


def read_folder(
    path: str, importer_name: str, ctx: ExtractContext, staging: str, blobs_dir: str
) -> ExtractedContainer:
    """Read a folder that is one container; its files read are stored by the importer."""
    importer = folder_importer(Path(path))
    if importer is None or importer_name != importer.NAME:
        raise UnreadableFile(f"‘{Path(path).name}’ is no longer an X archive folder.")
    container_ctx = ContainerContext(ctx, Path(staging), Path(blobs_dir), path)
    result: ExtractedContainer = importer.extract_many(Path(path), container_ctx)
    return result
