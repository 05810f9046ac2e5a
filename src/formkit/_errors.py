"""formkit's exceptions.

FormkitError
└── FormError        a form definition is broken; lists every problem found
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec


class SchemaProblem(msgspec.Struct, frozen=True):
    """One problem in a form definition: the file, the JSON Pointer inside it, what is wrong."""

    file: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.pointer or '/'}: {self.message}"


class FormkitError(Exception):
    """Base of every error formkit raises on purpose."""


class FormError(FormkitError):
    """A form definition cannot be used. `problems` lists everything that is wrong with it."""

    def __init__(self, problems: Iterable[SchemaProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
