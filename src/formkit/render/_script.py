"""Conditions as the page script evaluates them, to show and hide conditional parts.

The server decides what applies (`prune`); the script only spares the citizen questions that
do not apply. It understands a small part of JSON Schema, over the controls of the page:
`properties`, `required`, `const`, `enum`, `not`, `allOf`, `anyOf`, `contains`, `minimum`,
`maximum`, `exclusiveMinimum` and `exclusiveMaximum`. Constants are written as their controls
post them (`true`, `12`, `fuif`), so the script compares texts. A condition with anything
else, or about an answer asked on another step, is not given to the script: the part stays
visible, which is always safe.

The guards of a part are a list (any may hold) of lists (all must hold) of
`{"scope": pointer, "expect": bool, "test": schema}`. The controls write them into
`data-fk-when`; `tabulate_conditions` then writes each distinct one once, in a JSON table at
the end of the page (`<script type="application/json" id="fk-when">`), and leaves in the
attribute its index: a row of ten persons repeats the same long guards on every field. The
table holds each distinct condition once too (`conditions`), and the guards as lists of lists
of their indices (`guards`): a person's guards differ in one condition, not in all.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from formkit.forms import _pointer
from formkit.forms._model import Condition, Field, Guard, Step
from formkit.render._guards import concrete_scope
from formkit.render._values import encode_choice

_IGNORED = {"title", "description", "$comment", "x-formkit"}
WHEN_TABLE = "fk-when"
# The attribute as the templates write it; escaped text never holds a bare quote, so only
# formkit's own attributes match.
_WHEN_ATTRIBUTE = re.compile(r"""data-fk-when=(?:'([^'<>]*)'|"([^"<>]*)")""")
_JSON_IN_SCRIPT = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
_NUMERIC = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
_Unsupported = object()
_CACHED_ATTRIBUTES = 20_000
_ATTRIBUTES: dict[tuple[int, str, int], tuple[tuple[Guard, ...], Step, str | None]] = {}


def _table(distinct: dict[str, int]) -> str:
    """`{"conditions": [...], "guards": [[[0, 1]], ...]}`: the guards by index, in order."""
    conditions: dict[str, int] = {}
    guards = [
        [[conditions.setdefault(c, len(conditions)) for c in guard] for guard in any_of]
        for any_of in map(_conditions_of, distinct)
    ]
    listed = ",".join(conditions)
    return f'{{"conditions":[{listed}],"guards":{_compact(guards)}}}'


@lru_cache(maxsize=4096)
def _conditions_of(guards: str) -> tuple[tuple[str, ...], ...]:
    """A `data-fk-when`'s guards, each condition as compact JSON: the same on every render."""
    return tuple(tuple(map(_compact, guard)) for guard in json.loads(guards))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def when_attribute(field: Field, pointer: str, step: Step) -> str | None:
    """The `data-fk-when` value for the field at `pointer`; None: always shown."""
    if not field.conditional:
        return None
    return guards_attribute(field.active_when, pointer, step)


def guards_attribute(active_when: tuple[Guard, ...], pointer: str, step: Step) -> str | None:
    """The `data-fk-when` value of a part that shows when any of `active_when` holds at
    `pointer`; None: the script cannot judge it here (the part is left as it is).

    Made once per field, place and step: the same on every render of the page, and
    translating the schemas again cost a millisecond a page of four addresses. An entry holds
    the guards and the step, so that their ids are not reused while cached."""
    key = (id(active_when), pointer, id(step))
    hit = _ATTRIBUTES.get(key)
    if hit is not None and hit[0] is active_when and hit[1] is step:
        return hit[2]
    if len(_ATTRIBUTES) >= _CACHED_ATTRIBUTES:
        _ATTRIBUTES.clear()
    made = _guards_attribute(active_when, pointer, step)
    _ATTRIBUTES[key] = (active_when, step, made)
    return made


def _guards_attribute(active_when: tuple[Guard, ...], pointer: str, step: Step) -> str | None:
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
    return _compact(guards)


def _on_page(condition: Condition, scope: str, names: set[str]) -> bool:
    """Whether every answer the condition reads is asked on this step."""
    if scope:
        return _pointer.tokens(scope)[0] in names
    schema = condition.on_page
    if not isinstance(schema, Mapping):
        return True
    mentioned = set(schema.get("properties", {})) | set(schema.get("required", ()))
    return mentioned <= names


def _script_test(condition: Condition) -> Any:
    return _translate(condition.on_page)


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


def tabulate_conditions(page: str) -> str:
    """`page` with each distinct `data-fk-when` once, in the table before `</body>`."""
    table: dict[str, int] = {}

    def index(found: re.Match[str]) -> str:
        guards = html.unescape(found.group(1) or found.group(2) or "")
        return f'data-fk-when="{table.setdefault(guards, len(table))}"'

    written = _WHEN_ATTRIBUTE.sub(index, page)
    if not table:
        return page
    data = _table(table).translate(_JSON_IN_SCRIPT)
    block = f'<script type="application/json" id="{WHEN_TABLE}">{data}</script>\n'
    head, body_end, tail = written.rpartition("</body>")
    return f"{head}{block}{body_end}{tail}" if body_end else written + block
