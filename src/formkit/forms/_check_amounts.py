"""`formkit check` for rules that compute: every amount reads numbers the form asks for.

Findings are `(origin, message)` as in `_check`: origin is a pointer into the form.
"""

from __future__ import annotations

from collections.abc import Iterator

from formkit.forms import _pointer
from formkit.forms._amounts import SIDES, operands, placeholders
from formkit.forms._model import Form, Kind
from formkit.forms._vocabulary import Amount, CompareRule

Finding = tuple[str, str]
_NUMBERS = {Kind.NUMBER, Kind.INTEGER}


def check_compare(form: Form, rule: CompareRule, where: str) -> Iterator[Finding]:
    names: list[str] = []
    for side in SIDES:
        for amount, place in operands(getattr(rule, side), f"{where}/{side}"):
            yield from _check_amount(form, amount, place)
            if amount.name is None:
                continue
            if amount.name in SIDES or amount.name in names:
                message = f"the name {amount.name!r} is already taken in this rule"
                yield place + "/name", message
            names.append(amount.name)
    known = {*SIDES, *names}
    for name in placeholders(rule.message):
        if name not in known:
            message = f"the message shows {{{name}}}: no amount of this rule is named {name!r}"
            yield where + "/message", message


def _check_amount(form: Form, amount: Amount, where: str) -> Iterator[Finding]:
    if amount.field is not None:
        if "*" in _pointer.tokens(amount.field):
            message = f"{amount.field} is a field of every row: add the rows up with 'sum'"
            yield where + "/field", message
        else:
            yield from _number_field(form, amount.field, where + "/field")
    if amount.sum is not None:
        if "*" not in _pointer.tokens(amount.sum):
            message = f"a sum adds up the rows of a repeatable group: {amount.sum} has no '*'"
            yield where + "/sum", message
        else:
            yield from _number_field(form, amount.sum, where + "/sum")
    if amount.title is not None and amount.sum is None:
        yield where + "/title", "only a sum has a total for the pages to show with a title"


def _number_field(form: Form, pointer: str, where: str) -> Iterator[Finding]:
    target = form.field(pointer)
    if target is None:
        yield where, f"no field at {pointer}"
    elif target.kind not in _NUMBERS:
        yield where, f"{pointer} is not a number field (type number or integer)"
