"""Reading the files an import found changed: each staged and read by the workers, and
each result handed to the batch.

Each file is a task: *stage* (copy and hash it), then *extract* (read it), or for a
container's picture, *picture*. A task's result is checked against what the archive
and this import hold (bytes already there add only a provenance record; a container
sends its pictures on to extraction) and put in the batch (batch.py). When a worker
dies, the tasks it took with it are tried again one at a time (pool.Retries).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import blobs
from ..errors import UnreadableFile
from ..importers.base import ExtractContext
from ..jobs import Progress
from ..model import Extracted, ExtractedContainer
from ..names import file_name, safe_file_name
from ..store import items as item_store
from ..store import posts as post_store
from ..store import runs
from . import pool, worker
from .batch import DiskFull, Pending, full_disk
from .report import Outcome
from .scan import Candidate, os_reason
from .worker import Read

if TYPE_CHECKING:
    from ..posts.containers import Container
    from .reading import Import

log = logging.getLogger(__name__)

#: A task's steps: a file is staged (copied and hashed), then extracted (read); a
#: container's picture is read as a "picture".
Step = Literal["stage", "extract", "picture"]


def read_files(
    job: Import, to_process: list[tuple[Candidate, int | None]], total: int, done: int
) -> None:
    """Read `to_process` (each file with the item its path held, if it changed) in the
    workers and commit them batch by batch; `total` files in the import, `done` of them
    finished (skipped, failed). The last batch is committed, and the index's last
    segments written, before it returns."""
    archive, cancel, progress = job.archive, job.cancel, job.progress
    ctx = ExtractContext(
        sha256="",
        derived_dir=archive.derived_dir,
        ocr=job.options.ocr,
        ocr_languages=job.options.ocr_languages,
    )
    job.batch.staging.mkdir(parents=True, exist_ok=True)
    executor = job.batch.executor = pool.start(
        job.options.workers, len(to_process), job.options.ocr
    )
    workers = getattr(executor, "_max_workers", 1)
    queue = list(reversed(to_process))
    # The last files handed out, largest first (the queue is popped from its end): a
    # worker left idle while another reads the last file is idle for less. With OCR,
    # the last of 20 screenshots took a worker alone up to a whole reading. One worker
    # (or none) is never idle: the scan's order is kept.
    tail = min(len(queue), 4 * workers) if workers > 1 else 0
    queue[:tail] = sorted(queue[:tail], key=lambda entry: entry[0].size)
    job.batch.ranks = {candidate.path: rank for rank, (candidate, _) in enumerate(to_process)}
    # Files that were being read when a worker process died (a crash in a
    # decoder, the kernel's out-of-memory killer): each is tried again alone, so
    # that only a file that kills its reader by itself is reported as failed.
    suspects: pool.Retries[tuple[Candidate, int | None]] = pool.Retries()
    flight = _Flight(job, executor, {}, ctx)
    futures = flight.futures
    # Files in flight: each needs this process between its two steps (staged, then read),
    # and while it commits a batch (its suggestions, the index's documents: up to a
    # second) the workers live on what they were given. Two each left them idle.
    # At the start, only one file per worker: the pool hands out tasks in the order they
    # came, and a file's reading (its second step) queued behind the staging of the 16
    # after it started 0.1-0.2 s late (strace), its OCR with it.
    limit = 8 * workers
    answered = 0  # tasks whose results are in
    left = job.todo_bytes  # of the files not yet handed to a worker

    def unfinished() -> Iterator[Path]:
        # Of the files not yet handed out, only the next: the queue is the scan reversed,
        # so none after it comes earlier in the scan (the batch wants the earliest). All
        # of them, at every turn of the loop below, was a third of this process's time
        # at 100 000 items (py-spy: 64 000 paths looked up in the scan's ranks each time).
        if len(queue) <= tail:  # the tail, by size: any of it may come first in the scan
            yield from (candidate.path for candidate, _ in queue)
        else:
            yield queue[-1][0].path
        yield from (candidate.path for candidate, _ in suspects)
        for task in futures.values():
            yield task.container.path if task.container is not None else task.candidate.path
        yield from (box.path for box in job.batch.containers if box.waiting)

    job.batch.unfinished = unfinished
    try:
        while queue or suspects or futures:
            solo = bool(suspects)
            room = 1 if solo else limit if answered >= workers else workers
            while (suspects or queue) and len(futures) < room:
                if solo:
                    candidate, previous = suspects.pop()
                else:
                    candidate, previous = queue.pop()
                    left -= candidate.size
                future: cf.Future[Any]
                if candidate.folder_of:  # a folder read as one container: nothing to stage
                    future = pool.submit(
                        executor, worker.read_folder, str(candidate.path), candidate.folder_of, ctx,
                        str(job.batch.staging), str(archive.blobs_dir),
                    )  # fmt: skip
                    futures[future] = _Task("extract", candidate, previous, None, solo)
                    continue
                future = pool.submit(
                    executor, worker.stage, str(candidate.path), str(job.batch.staging)
                )
                futures[future] = _Task("stage", candidate, previous, None, solo)
            finished, _ = cf.wait(futures, timeout=0.1, return_when=cf.FIRST_COMPLETED)
            cancel.raise_if_cancelled()
            broken = False
            for future in finished:
                task = futures.pop(future)
                answered += 1
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True
                    futures[future] = task  # handled with the others below
                    continue
                done += _AFTER[task.step](flight, future, task)
                progress(
                    Progress("importing", done, total + job.extra_total, task.candidate.path.name)
                )
            if broken:
                done += _recover(job, futures, suspects)
                pool.stop(executor)
                executor = flight.executor = job.batch.executor = pool.start(
                    job.options.workers, len(queue) + len(suspects) + 1, job.options.ocr
                )
            job.batch.flush()
            if job.batch.feed is not None:
                job.batch.feed.reading_left(job.todo_bytes - left, left)
                job.batch.feed.pump(executor)
        # The last batch, and the index's last segments, while the workers are there.
        job.batch.flush(force=True, final=True)
        if job.batch.feed is not None:
            job.batch.feed.finish(executor)
    finally:
        job.batch.executor = None
        # On a full disk the workers are let finish (they fail at once): a worker
        # stopped while it sends a result leaves the pool's thread waiting forever.
        pool.stop(executor, gently=isinstance(sys.exc_info()[1], DiskFull))


@dataclass(frozen=True, slots=True)
class _Task:
    step: Step
    candidate: Candidate
    previous: int | None  # the item this path held before, if it changed
    staged: blobs.StagedFile | None
    solo: bool  # run alone, after a worker died
    container: Container | None = None  # a picture's container
    member: str = ""  # a picture's name in its container


def _recover(
    job: Import,
    futures: dict[cf.Future[Any], _Task],
    suspects: pool.Retries[tuple[Candidate, int | None]],
) -> int:
    """A worker died: every task in flight is lost. Retry each alone, unless it was alone."""
    failed = 0
    for task in futures.values():
        if task.staged is not None:
            job.batch.reading.pop(task.staged.sha256, None)
            task.staged.tmp_path.unlink(missing_ok=True)
        if task.container is not None:  # a picture of a container: not retried
            reason = "the program reading it crashed (the picture may be malformed or too large)"
            task.container.waiting -= 1
            task.container.failed_media[task.member] = reason
            job.batch.record(Outcome(str(task.candidate.path), "failed", reason))
            failed += 1
        elif not suspects.lost((task.candidate, task.previous), alone=task.solo):
            reason = "the program reading it crashed (the file may be malformed or too large)"
            job.batch.record(Outcome(str(task.candidate.path), "failed", reason))
            failed += 1
    futures.clear()
    return failed


@dataclass(slots=True)
class _Flight:
    """The tasks in flight, and what a task's next step is sent with."""

    job: Import
    executor: cf.Executor  # replaced when a worker dies
    futures: dict[cf.Future[Any], _Task]
    ctx: ExtractContext


def _after_stage(flight: _Flight, future: cf.Future[Any], task: _Task) -> int:
    """Dedup a staged file or send it on to extraction; return 1 if it is finished."""
    job, candidate, previous = flight.job, task.candidate, task.previous
    try:
        staged: blobs.StagedFile = future.result()
    except OSError as exc:
        full = full_disk(exc, candidate.path)
        if full is not None:  # no file after this one could be stored either
            raise full from exc
        job.batch.record(Outcome(str(candidate.path), "failed", os_reason(exc, candidate.path)))
        return 1
    existing = item_store.item_by_sha(job.archive.db, staged.sha256)
    twin = job.batch.reading.get(staged.sha256) or job.batch.reading_containers.get(staged.sha256)
    box = post_store.container_by_sha(job.archive.db, staged.sha256)
    if box is not None and existing is None:
        staged.tmp_path.unlink(missing_ok=True)
        reason = f"same content as ‘{box.name}’, read before"
        state = runs.file_state(job.archive.db, str(candidate.path))
        if state is not None and state.sha256 == staged.sha256:
            reason = "unchanged content (only the file's date changed)"
        job.batch.duplicates.append((candidate, staged.sha256, None))
        job.batch.report.outcomes.append(Outcome(str(candidate.path), "skipped", reason))
        return 1
    if existing is not None or twin is not None:
        staged.tmp_path.unlink(missing_ok=True)
        if existing is not None:
            title = item_store.get_item(job.archive.db, existing).title
            reason = f"same content as item #{existing} (‘{title}’)"
            if previous == existing:
                reason = "unchanged content (only the file's date changed)"
        else:
            assert twin is not None
            reason = f"same content as {twin.path.name} in this import"
        job.batch.duplicates.append((candidate, staged.sha256, existing))
        job.batch.report.outcomes.append(Outcome(str(candidate.path), "skipped", reason, existing))
        return 1
    job.batch.reading[staged.sha256] = candidate
    task_ctx = replace(flight.ctx, sha256=staged.sha256)
    next_future = pool.submit(
        flight.executor, worker.extract, staged, file_name(candidate.path.name), task_ctx,
        str(job.archive.blobs_dir), str(candidate.path), False, False, job.batch.subscribers,
    )  # fmt: skip
    flight.futures[next_future] = _Task("extract", candidate, previous, staged, task.solo)
    return 0


def _read_result(future: cf.Future[Any], path: Path) -> tuple[Any, str]:
    """What a worker read of the file at `path`, or None and why not: the importer's
    sentence for a file it cannot read, or an importer's bug (logged), which must not
    stop the import. A full disk does (DiskFull)."""
    try:
        return future.result(), ""
    except UnreadableFile as exc:
        return None, str(exc)
    except Exception as exc:
        full = full_disk(exc, path) if isinstance(exc, OSError) else None
        if full is not None:
            raise full from exc
        log.error("importer failed on %s:\n%s", path, "".join(
            traceback.format_exception(exc)))  # fmt: skip
        return None, f"unexpected error while reading it ({type(exc).__name__}: {exc})"


def _after_extract(flight: _Flight, future: cf.Future[Any], task: _Task) -> int:
    """Put what was read of a file in the batch, or open the container it is; 1 (finished)."""
    job, candidate, staged = flight.job, task.candidate, task.staged
    extracted: Extracted | ExtractedContainer | Read | None
    extracted, reason = _read_result(future, candidate.path)
    if extracted is not None:
        if isinstance(extracted, ExtractedContainer):
            _open_container(flight, task, extracted)
        else:
            assert staged is not None and isinstance(extracted, Read)
            job.batch.items.append(
                Pending(
                    candidate, staged, extracted.extracted, task.previous, notes=extracted.notes
                )
            )
        return 1
    if staged is not None:
        job.batch.reading.pop(staged.sha256, None)
        staged.tmp_path.unlink(missing_ok=True)
    job.batch.record(Outcome(str(candidate.path), "failed", reason))
    return 1


def _open_container(flight: _Flight, task: _Task, found: ExtractedContainer) -> None:
    """A container was read: report its problems and send each new picture to extraction."""
    from ..posts.containers import Container, as_contained  # posts' code only for posts

    job, candidate = flight.job, task.candidate
    conn = job.archive.db
    if task.staged is not None:
        sha, size = task.staged.sha256, task.staged.size
        job.batch.reading.pop(sha, None)  # a container, not an item: twins wait for it
        job.batch.reading_containers[sha] = candidate
    else:
        assert found.listing is not None, "a folder container has a listing"
        sha, size = found.listing.sha256, found.listing.size
    box = Container(candidate.path, candidate.root, candidate.size, candidate.mtime_ns, sha, size,
                    found)  # fmt: skip
    for post in sorted(found.posts, key=lambda p: (p.published_at, p.post_id), reverse=True):
        for position, ref in enumerate(post.media, 1):
            if ref.member:
                box.shown_by[ref.member] = (post, position, len(post.media))
    for problem in found.problems:
        job.batch.record(Outcome(str(candidate.path), "failed", problem.describe()))
    for picture in found.media:
        picture_sha = picture.staged.sha256
        if picture.about is not None:  # its links are made even if it is there already
            box.about[picture.member] = picture.about
        existing = item_store.item_by_sha(conn, picture_sha)
        if existing is not None or picture_sha in job.batch.reading:
            picture.staged.tmp_path.unlink(missing_ok=True)
            if existing is not None:
                box.media_ids[picture.member] = existing
                box.existing_media.add(picture.member)
            else:
                box.elsewhere[picture.member] = picture_sha
            continue
        member_candidate = Candidate(
            Path(picture.location), candidate.root, picture.staged.size, candidate.mtime_ns,
            virtual=True,
        )  # fmt: skip
        job.batch.reading[picture_sha] = member_candidate
        about = picture.about
        if about is not None and about.extracted is not None:  # read by the container's importer
            blobs.commit_blob(job.archive.blobs_dir, picture.staged)
            item = as_contained(about.extracted, about, box)
            job.batch.items.append(
                Pending(member_candidate, picture.staged, item, None, box, picture.member)
            )
            job.extra_total += 1
            continue
        name = safe_file_name(about.name if about else Path(picture.member).name, "picture")
        future = pool.submit(
            flight.executor, worker.extract, picture.staged, name,
            replace(flight.ctx, sha256=picture_sha),
            str(job.archive.blobs_dir), "", about is None, about is not None,
            job.batch.subscribers, about.source_url if about is not None else "",
        )  # fmt: skip
        flight.futures[future] = _Task(
            "picture", member_candidate, None, picture.staged, task.solo, box, picture.member
        )
        box.waiting += 1
        job.extra_total += 1
    job.batch.containers.append(box)


def _after_picture(flight: _Flight, future: cf.Future[Any], task: _Task) -> int:
    """Put a container's picture in the batch, with what its container says of it; 1."""
    from ..posts.containers import as_contained, as_post_picture

    job, box, staged = flight.job, task.container, task.staged
    assert box is not None and staged is not None
    box.waiting -= 1
    extracted, reason = _read_result(future, task.candidate.path)
    if extracted is not None:
        notes: dict[str, Any] = {}
        if isinstance(extracted, Read):  # a file of its own kind (a captured page)
            notes = extracted.notes
            extracted = extracted.extracted
        assert isinstance(extracted, Extracted)
        about = box.about.get(task.member)
        if about is not None:
            picture = as_contained(extracted, about, box)
        else:
            picture = as_post_picture(extracted, box, task.member)
        job.batch.items.append(
            Pending(task.candidate, staged, picture, None, box, task.member, notes=notes)
        )
        return 1
    job.batch.reading.pop(staged.sha256, None)
    staged.tmp_path.unlink(missing_ok=True)
    box.failed_media[task.member] = reason
    job.batch.record(Outcome(str(task.candidate.path), "failed", reason))
    return 1


#: What follows each step of a task, when its result is in: the number of files it finished.
_AFTER: dict[Step, Callable[[_Flight, cf.Future[Any], _Task], int]] = {
    "stage": _after_stage,
    "extract": _after_extract,
    "picture": _after_picture,
}
