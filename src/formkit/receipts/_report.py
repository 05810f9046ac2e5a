"""What verification found: a `Check` per finding, a `Report` for the whole receipt or letter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from formkit.receipts._document import Receipt
    from formkit.receipts._letter import DecisionLetter

Kind = Literal["jws", "pdf"]


@dataclass(frozen=True, slots=True)
class Check:
    """One finding: `id` is stable (see `formkit.receipts._verify`), `message` plain Dutch."""

    id: str
    ok: bool
    message: str
    subject: str = ""  # what the check is about, when there are several (an attachment)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything `verify_receipt` found; `ok` when there are checks and all of them hold.

    `receipt` is the receipt read, `letter` the decision letter read (one of them, or neither
    when the file could not be read)."""

    kind: Kind
    checks: tuple[Check, ...]
    receipt: Receipt | None = None
    letter: DecisionLetter | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.ok)


def holds(check_id: str, message: str, subject: str = "") -> Check:
    return Check(check_id, True, message, subject)


def fails(check_id: str, message: str, subject: str = "") -> Check:
    return Check(check_id, False, message, subject)
