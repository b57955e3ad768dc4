"""A problem with a command's input, as a value: where (a path in the command's own field
names), what (a code), and a message said of that field.

    Problem(("items", 0, "quantity"), "TOO_PRECISE", "must have at most 4 decimal places")

`text` puts the dotted path in front: "items.0.quantity must have at most 4 decimal
places". A problem with an empty path has a whole sentence for its message. Surfaces
choose the path's names (the v0 parser uses the v0 field names) and render the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    code: str
    message: str
    # Said of every value in a list field (class-validator's `each`), not of the field.
    each: bool = False

    @property
    def text(self) -> str:
        if not self.path:
            return self.message
        subject = f"each value in {dotted(self.path)}" if self.each else dotted(self.path)
        return f"{subject} {self.message}"

    def under(self, *prefix: str | int) -> Problem:
        return Problem((*prefix, *self.path), self.code, self.message, self.each)


def dotted(path: Path) -> str:
    return ".".join(str(part) for part in path)


def under(prefix: Path, problems: Iterable[Problem]) -> list[Problem]:
    return [problem.under(*prefix) for problem in problems]


def empty() -> Problem:
    """A required value that is missing or "" (class-validator's IsNotEmpty)."""
    return Problem((), "EMPTY", "should not be empty")
