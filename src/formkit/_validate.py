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
    unique = dict.fromkeys(problems)  # one message per mistake, even if two keywords agree
    return sorted(unique, key=lambda p: form.order(p.pointer))
