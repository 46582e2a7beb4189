"""The one error bundles raise: a bundle that cannot be read, verified or imported safely."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import XArchiveError


class BundleRejected(XArchiveError):
    """A bundle was refused; `problems` lists every reason, one sentence each.

    Raised before anything is written to an archive: the message names the
    bundle and its first problems, `problems` has them all.
    """

    def __init__(self, bundle: str, problems: Sequence[str]) -> None:
        self.bundle = bundle
        self.problems = list(problems)
        shown = "; ".join(self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"the bundle ‘{bundle}’ was refused: {shown}{more}")
