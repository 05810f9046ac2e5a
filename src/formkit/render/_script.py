"""Conditions as the page script evaluates them, to show and hide conditional parts.

The server decides what applies (`prune`); the script only spares the citizen questions that
do not apply. It understands a small part of JSON Schema, over the controls of the page:
`properties`, `required`, `const`, `enum`, `not`, `allOf`, `anyOf`, `contains`, `minimum`,
`maximum`, `exclusiveMinimum` and `exclusiveMaximum`. Constants are written as their controls
post them (`true`, `12`, `fuif`), so the script compares texts. A condition with anything
else, or about an answer asked on another step, is not given to the script: the part stays
visible, which is always safe.

`data-fk-when` holds the guards of a part: a list (any may hold) of lists (all must hold) of
`{"scope": pointer, "expect": bool, "test": schema}`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from formkit.forms import _pointer
from formkit.forms._model import Condition, Field, Guard, Step
from formkit.render._guards import concrete_scope
from formkit.render._values import encode_choice

_IGNORED = {"title", "description", "$comment", "x-formkit"}
_NUMERIC = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
_Unsupported = object()


def when_attribute(field: Field, pointer: str, step: Step) -> str | None:
    """The `data-fk-when` value for the field at `pointer`; None: always shown."""
    if not field.conditional:
        return None
    return guards_attribute(field.active_when, pointer, step)


def guards_attribute(active_when: tuple[Guard, ...], pointer: str, step: Step) -> str | None:
    """The `data-fk-when` value of a part that shows when any of `active_when` holds at
    `pointer`; None: the script cannot judge it here (the part is left as it is)."""
    names = {f.name for f in step.fields}
    guards = []
    for guard in active_when:
        conditions = []
        for condition in guard:
            scope = concrete_scope(condition.scope, pointer)
            test = _script_test(condition)
            if test is _Unsupported or not _on_page(condition, scope, names):
                return None
            conditions.append({"scope": scope, "expect": condition.expect, "test": test})
        guards.append(conditions)
    return json.dumps(guards, ensure_ascii=False, separators=(",", ":"))


def _on_page(condition: Condition, scope: str, names: set[str]) -> bool:
    """Whether every answer the condition reads is asked on this step."""
    if scope:
        return _pointer.tokens(scope)[0] in names
    schema = condition.schema
    if not isinstance(schema, Mapping):
        return True
    mentioned = set(schema.get("properties", {})) | set(schema.get("required", ()))
    return mentioned <= names


def _script_test(condition: Condition) -> Any:
    return _translate(condition.schema)


def _translate(schema: Any) -> Any:
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, Mapping):
        return _Unsupported
    test: dict[str, Any] = {}
    for keyword, value in schema.items():
        if keyword in _IGNORED:
            continue
        translated = _keyword(keyword, value)
        if translated is _Unsupported:
            return _Unsupported
        test[keyword] = translated
    return test


def _keyword(keyword: str, value: Any) -> Any:
    if keyword == "properties" and isinstance(value, Mapping):
        return _all_or_nothing({k: _translate(v) for k, v in value.items()})
    if keyword == "required" and isinstance(value, list):
        return [str(v) for v in value]
    if keyword == "const":
        return encode_choice(value)
    if keyword == "enum" and isinstance(value, list):
        return [encode_choice(v) for v in value]
    if keyword in {"not", "contains"}:
        return _translate(value)
    if keyword in {"allOf", "anyOf"} and isinstance(value, list):
        parts = [_translate(v) for v in value]
        return _Unsupported if _Unsupported in parts else parts
    if keyword in _NUMERIC and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return _Unsupported


def _all_or_nothing(parts: dict[str, Any]) -> Any:
    return _Unsupported if any(v is _Unsupported for v in parts.values()) else parts
