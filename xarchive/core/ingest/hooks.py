"""What follows an import: the work other parts of the archive do on each batch of new
items, without the import knowing them.

A subscriber (`AfterImport`) may read something of each file in the worker that reads
it (`read`: what finding links needs of its text and original, say), act on the new
items once their batch is committed and before they are indexed (`before_index`: it
returns the items whose index entries it changed, which are indexed again), and once
they are on their way into the index (`after_index`, given what `read` returned for
each item). importing.py names the subscribers: annotations (kept ones attached again,
carried to new versions) and suggested links. A subscriber must not raise for one
batch: the import would stop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..archive import Archive
    from ..model import Extracted


@dataclass(frozen=True, slots=True)
class AfterImport:
    #: names what `read` returned, in a worker's answer
    name: str
    #: in the worker, for a file read as one item (its original at the path): picklable,
    #: a function of a module
    read: Callable[[Extracted, Path], Any] | None = None
    before_index: Callable[[Archive, Sequence[int]], Iterable[int]] | None = None
    after_index: Callable[[Archive, Sequence[int], Mapping[int, Any]], object] | None = None


def read_all(
    subscribers: Sequence[AfterImport], found: Extracted, original: Path
) -> dict[str, Any]:
    """What each subscriber reads of a file, by its name (in the worker)."""
    return {s.name: s.read(found, original) for s in subscribers if s.read is not None}
