"""What is wrong with a date as the citizen typed it in its three fields, said precisely.

A date that is no date is kept as typed (`31-2-2027`, `-3-2027 14:30`: `_values`), and
validation refuses its format. The form's message says that much ("Vul een geldige datum
in."); GOV.UK's date input says what is wrong: a part missing, letters, a day that does not
exist. `typed_date_message` reads the kept text and says that instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from formkit.forms import _pointer
from formkit.forms._model import Form, Kind
from formkit.forms._problems import Problem
from formkit.render._values import time_from_control

_PARTS = ("een dag", "een maand", "een jaar")


def typed_date_message(kind: Kind, value: Any) -> str | None:
    """The precise message for a date (or moment) kept as typed; None: nothing to add."""
    if not isinstance(value, str) or "-" not in value or value[:4].isdigit():
        return None  # an ISO value, or none typed in the fields
    typed, _, clock = value.partition(" ")
    parts = [*typed.split("-", 2), "", ""][:3]
    missing = [name for name, part in zip(_PARTS, parts, strict=True) if not part]
    if missing:
        return f"De datum moet {' en '.join(missing)} bevatten."
    if not all(part.isdigit() for part in parts):
        return "Vul de datum in cijfers in, bijvoorbeeld 27 3 2027."
    day, month, year = (int(part) for part in parts)
    if len(parts[2]) != 4:
        return "Vul het jaar in met vier cijfers, bijvoorbeeld 2027."
    try:
        date(year, month, day)
    except ValueError:
        return "Vul een bestaande datum in, bijvoorbeeld 27 3 2027."
    if kind is Kind.DATE_TIME and time_from_control(clock) is None:
        return "Vul een geldig uur in, bijvoorbeeld 14:30."
    return None


def precise_date_problems(
    form: Form, answers: Mapping[str, Any], problems: Sequence[Problem]
) -> list[Problem]:
    """`problems`, a refused date's format said as precisely as its typed parts allow."""
    refined = []
    for problem in problems:
        field = form.field(problem.pointer) if problem.code == "format" else None
        message = None
        if field is not None and field.kind in {Kind.DATE, Kind.DATE_TIME}:
            message = typed_date_message(field.kind, _pointer.resolve(answers, problem.pointer))
        refined.append(Problem(problem.pointer, problem.code, message) if message else problem)
    return refined
