"""`validate`: every problem with an answer document, in reading order, in Dutch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from formkit._model import Form
from formkit._problems import Problem, describe
from formkit._rules import rule_problems


def validate(form: Form, answers: Any, *, now: datetime) -> list[Problem]:
    """All problems with `answers` for `form`; an empty list means the answers can be filed.

    `now` is the moment of filing (timezone-aware): lead times count from it, never from the
    wall clock.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    problems = [describe(form, v) for v in form.engine.violations(answers)]
    problems += rule_problems(form.rules, answers, now)
    return sorted(_one_per_mistake(problems), key=lambda p: form.order(p.pointer))


def _one_per_mistake(problems: list[Problem]) -> list[Problem]:
    """A citizen fixes a mistake once: say it once.

    A field declared under a condition that has a wrong value is also "unevaluated" by the
    object around it (Draft 2020-12 counts only valid subschemas); its own problem says more.
    """
    explained = {p.pointer for p in problems if p.code != "unevaluatedProperties"}
    kept = [p for p in problems if p.code != "unevaluatedProperties" or p.pointer not in explained]
    return list(dict.fromkeys(kept))
