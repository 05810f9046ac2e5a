"""Amounts computed from the answers, exactly, and written as a Dutch-speaking citizen reads them.

Euros are never added in binary floating point: 0.1 + 0.2 is 0.30000000000000004 there, and a
citizen asking 0,30 euro for two lines of 0,10 and 0,20 would be told they ask too much.
Every number becomes a `Decimal` before any arithmetic, and the arithmetic runs in a context
wide enough that adding and subtracting never round (`Inexact` traps, so it could not go
unnoticed).

Which decimal? The answers arrive decoded: a JSON number with a fraction is a Python float, the
IEEE double nearest to the text. `Decimal(float)` would give that double's full binary
expansion (0.1000000000000000055511151231257827...); `Decimal(repr(x))` gives the shortest
decimal that reads back as the same double: `0.1`. That is exactly the number the filing keeps,
since receipts and signatures cover the answers as RFC 8785 JSON, which writes every number as
that same shortest decimal. So the computation is exact over the numbers as filed, and for
everything a citizen types (amounts of up to 15 significant digits) it is the number they
typed. Integers are exact as they are.
"""

from __future__ import annotations

import decimal
import operator
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from formkit.forms import _pointer
from formkit.forms._vocabulary import Amount, CompareRule, Operand, Rule

# Additions and subtractions of decoded JSON numbers need a few hundred digits at most (a double
# spans about 10**-324 to 10**308); this context gives them all, and refuses to round.
_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow],
)
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9-]*)\}")
SIDES = ("left", "right")


def exact(value: Any) -> Decimal | None:
    """The answer as an exact decimal, or None when it is no (finite) number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        return number if number.is_finite() else None
    return None


def evaluate(operand: Operand, answers: Any, named: dict[str, Decimal]) -> Decimal | None:
    """The amount `operand` stands for, or None when an answer it needs is missing or no
    number (the schema reports that). Named amounts are kept in `named` on the way."""
    if not isinstance(operand, Amount):
        return exact(operand)
    value = _value(operand, answers, named)
    if value is not None and operand.name is not None:
        named[operand.name] = value
    return value


def _value(amount: Amount, answers: Any, named: dict[str, Decimal]) -> Decimal | None:
    if amount.field is not None:
        return exact(_pointer.resolve(answers, amount.field))
    if amount.sum is not None:
        return _total(_pointer.tokens(amount.sum), answers, partial=False)
    operands = amount.plus or amount.minus or ()
    values = [evaluate(o, answers, named) for o in operands]
    if any(v is None for v in values):
        return None
    first, *rest = (v for v in values if v is not None)
    if amount.plus is not None:
        return _EXACT.add(first, sum_of(rest))
    return _EXACT.subtract(first, sum_of(rest))


def sum_of(values: list[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = _EXACT.add(total, value)
    return total


def total(answers: Any, pointer: str) -> Decimal:
    """What the numbers at `pointer` (`*` for every row) add up to so far, for the pages: a
    row without a number yet counts for nothing."""
    found = _total(_pointer.tokens(pointer), answers, partial=True)
    return found if found is not None else Decimal(0)


def _total(tokens: list[str], node: Any, *, partial: bool) -> Decimal | None:
    if not tokens:
        value = exact(node)
        return Decimal(0) if value is None and partial else value
    step, rest = tokens[0], tokens[1:]
    if step == "*":
        if not isinstance(node, list):
            return Decimal(0) if partial else None
        values = [_total(rest, item, partial=partial) for item in node]
        if any(v is None for v in values):
            return None
        return sum_of([v for v in values if v is not None])
    missing = object()
    found = _pointer.child(node, step, missing)
    if found is missing:
        return Decimal(0) if partial else None
    return _total(rest, found, partial=partial)


def holds(left: Decimal, relation: str, right: Decimal) -> bool:
    return bool(_OPERATORS[relation](left, right))


_OPERATORS = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}


def amount_text(value: Decimal) -> str:
    """`1.250,00`, `0,30`, `-50,00`: Dutch separators, at least two decimals, and every
    decimal the amount has beyond those (`0,125`), so that two amounts a rule tells apart
    never read the same."""
    whole, _, fraction = f"{value.copy_abs():f}".partition(".")
    fraction = fraction.rstrip("0").ljust(2, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{int(whole):,}".replace(",", ".") + f",{fraction}"


def message(template: str, amounts: Mapping[str, Decimal]) -> str:
    """The rule's message with `{name}` replaced by that amount in Dutch."""
    return _PLACEHOLDER.sub(
        lambda m: amount_text(amounts[m[1]]) if m[1] in amounts else m[0], template
    )


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def operands(operand: Operand, where: str) -> Iterator[tuple[Amount, str]]:
    """Every amount in `operand`, with its place (`where`, a pointer into the form)."""
    if not isinstance(operand, Amount):
        return
    yield operand, where
    for key in ("plus", "minus"):
        for n, inner in enumerate(getattr(operand, key) or ()):
            yield from operands(inner, f"{where}/{key}/{n}")


@dataclass(frozen=True, slots=True)
class Total:
    """A total the pages show below a repeatable group's rows."""

    group: str  # the group's pointer: everything before the sum's first `*`
    sum: str  # the pointer of the numbers it adds up
    title: str

    @property
    def rows(self) -> str:
        """The numbers it adds up, from the group: `/*/bedrag`."""
        return self.sum[len(self.group) :]


def totals(rules: tuple[Rule, ...]) -> tuple[Total, ...]:
    """The totals of every sum in the form's rules, once each."""
    found: dict[str, Total] = {}
    for rule in rules:
        if not isinstance(rule, CompareRule):
            continue
        for side in SIDES:
            for amount, _ in operands(getattr(rule, side), ""):
                tokens = _pointer.tokens(amount.sum or "")
                if "*" in tokens:
                    group = _pointer.from_path(tokens[: tokens.index("*")])
                    title = amount.title or "Totaal"
                    found.setdefault(amount.sum or "", Total(group, amount.sum or "", title))
    return tuple(found.values())
