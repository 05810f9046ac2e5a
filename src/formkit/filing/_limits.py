"""The history rules of a filing, per person: what the store checks against earlier dossiers.

A rule (`HistoryRule` in the vocabulary) names a national register number field; every valid
number answered there, in a rule that applies to the answers, is one `Limit`. The number
itself leaves this module only as its keyed hash, as for the parties (`_parties`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from formkit.filing._filing import Limit, concrete_pointers
from formkit.forms import _pointer
from formkit.forms._check_digits import is_national_number
from formkit.forms._model import Form
from formkit.forms._vocabulary import HistoryRule


def limits(form: Form, answers: Any, key: Callable[[str], str]) -> tuple[Limit, ...]:
    found = []
    for compiled in form.rules:
        rule = compiled.rule
        if not isinstance(rule, HistoryRule) or not compiled.applies(answers):
            continue
        for pointer in concrete_pointers(answers, rule.field):
            number = _pointer.resolve(answers, pointer)
            if isinstance(number, str) and is_national_number(number):
                found.append(Limit(pointer, key(number), rule.maximum, rule.period, rule.message))
    return tuple(found)
