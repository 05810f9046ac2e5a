"""`prune`: drop the answers of every branch that no longer applies.

A citizen who first organises as a vzw and then as a private person leaves a vzw name behind;
an answer about loud music stays after "no music". Such answers are neither required nor kept:
they are dropped before validating and before filing. Dropping one answer can switch off a
branch that depended on it, so pruning repeats until nothing changes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from formkit.forms import _pointer
from formkit.forms._alternatives import strip_choices
from formkit.forms._model import Field, Form, Kind
from formkit.render._guards import is_active
from formkit.render._values import members


def prune(form: Form, answers: Mapping[str, Any], *, choices: bool = False) -> dict[str, Any]:
    """A copy of `answers` without the answers of fields whose conditions do not hold, and
    without the choices between alternatives the page made (`choices`: keep them, as the
    draft does)."""
    document: dict[str, Any] = copy.deepcopy(dict(answers))
    while _prune_fields(form.fields, document, "", document):
        pass
    return document if choices else strip_choices(document)


def _prune_fields(fields: tuple[Field, ...], node: Any, pointer: str, document: Any) -> bool:
    if not isinstance(node, dict):
        return False
    changed = False
    for field in fields:
        if field.name not in node:
            continue
        place = _pointer.join(pointer, field.name)
        if not is_active(field, document, place):
            del node[field.name]
            changed = True
        else:
            changed |= _prune_value(field, node[field.name], place, document)
    return changed


def _prune_value(field: Field, value: Any, pointer: str, document: Any) -> bool:
    if field.kind is Kind.OBJECT:
        return _prune_fields(field.children, value, pointer, document)
    if field.kind is Kind.GROUP and isinstance(value, list):
        changed = False
        for index, row in enumerate(value):
            place = _pointer.join(pointer, index)
            changed |= _prune_fields(field.children, row, place, document)
        return changed
    changed = False
    for place, each in members(field, value, pointer):  # a list of lists, a map
        changed |= _prune_value(field.children[0], each, place, document)
    return changed
