"""`validate`: every problem with an answer document, in reading order, in Dutch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from formkit.forms import _pointer
from formkit.forms._alternatives import CHOICE, strip_choices
from formkit.forms._engine import Engine, Violation
from formkit.forms._model import Form
from formkit.forms._problems import Problem, describe
from formkit.forms._rules import rule_problems


def validate(form: Form, answers: Any, *, now: datetime) -> list[Problem]:
    """All problems with `answers` for `form`; an empty list means the answers can be filed.

    `now` is the moment of filing (timezone-aware): lead times count from it, never from the
    wall clock.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    chosen, answers = answers, strip_choices(answers)  # the page's choices: no answers
    violations = [w for v in form.engine.violations(answers) for w in _as_chosen(form, chosen, v)]
    problems = [describe(form, v) for v in violations]
    problems += rule_problems(form.rules, answers, now)
    problems += _numbers_beyond_json(answers)
    return in_reading_order(form, _one_per_mistake(problems))


def _as_chosen(form: Form, chosen: Any, violation: Violation) -> list[Violation]:
    """Alternatives none of which the answers meet: the problems of the one the citizen chose
    on the page, where they did (`#keuze`); else the violation as it is."""
    if violation.code not in {"oneOf", "anyOf"}:
        return [violation]
    node = _pointer.resolve(chosen, violation.pointer)
    choice = form.field(_pointer.join(violation.pointer, CHOICE))
    if choice is None or not isinstance(node, dict) or not isinstance(node.get(CHOICE), int):
        return [violation]
    branch = _branch(form, choice.origin, node[CHOICE])
    return [
        replace(v, pointer=violation.pointer + v.pointer)
        for v in branch.violations(strip_choices(node))
    ] or [violation]


_BRANCHES: dict[tuple[str, str, int], Engine] = {}


def _branch(form: Form, origin: str, index: int) -> Engine:
    """Alternative `index` of the alternatives at `origin`, compiled once per form version."""
    key = (form.version, origin, index)
    if key not in _BRANCHES:
        uri = str(form.schema.get("$id", ""))
        _BRANCHES[key] = Engine.compile(
            {"$ref": f"{uri}#{_pointer.join(origin, index)}"},
            retriever=lambda _: form.schema,
            base_uri="urn:formkit:branch",
        )
    return _BRANCHES[key]


# A receipt and an eID signature cover the answers as RFC 8785 JSON, whose numbers are IEEE
# doubles: a number they cannot hold exactly cannot be filed, whatever the form allows.
SAFE_INTEGER = 2**53 - 1
_TOO_LARGE = "Dit getal is te groot."
# Every number anywhere in the document, checked in one pass of the validator's own walk.
_EXACT_IN_JSON = Engine.compile(
    {
        "if": {"type": "number"},
        "then": {"minimum": -SAFE_INTEGER, "maximum": SAFE_INTEGER},
        "items": {"$ref": "#"},
        "additionalProperties": {"$ref": "#"},
    }
)


def _numbers_beyond_json(answers: Any) -> list[Problem]:
    return [
        Problem(v.pointer, "number-range", _TOO_LARGE) for v in _EXACT_IN_JSON.violations(answers)
    ]


def in_reading_order(form: Form, problems: Iterable[Problem]) -> list[Problem]:
    """Problems as a citizen reads the form: field by field, a repeatable group row by row."""
    return sorted(problems, key=lambda p: _place(form, p.pointer))


def _place(form: Form, pointer: str) -> tuple[int, ...]:
    """Where the answer at `pointer` is read: per level, the field's place or the row's index."""
    place = []
    prefix = ""
    for token in _pointer.tokens(pointer):
        prefix = _pointer.join(prefix, token)
        place.append(int(token) if token.isascii() and token.isdigit() else form.order(prefix))
    return tuple(place)


# When one value fails several keywords, the first of these says most to a citizen.
_TELLING = {"required": 0, "type": 1, "format": 2}


def _one_per_mistake(problems: list[Problem]) -> list[Problem]:
    """One problem per field: a citizen fixes a mistake once, so it is said once.

    A blank national number fails `minLength`, `pattern` and `format` alike; a wrong value in a
    field declared under a condition is also "unevaluated" by the object around it (Draft
    2020-12 counts only valid subschemas). The most telling problem speaks for the field.
    """
    first: dict[str, Problem] = {}
    for problem in sorted(problems, key=lambda p: _TELLING.get(p.code, len(_TELLING))):
        first.setdefault(problem.pointer, problem)
    return list(first.values())
