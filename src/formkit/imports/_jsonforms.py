"""JSON Forms: its JSON Schema and UI schema as a formkit form.

Carried over: a `Categorization` as the steps (each category's label the step's title, the
top-level properties its controls name its fields), a control's `label` as the field's
title, `options.multi` (a textarea) and `options.format: "radio"`, and a rule that shows or
hides a control by a sibling's value (`SHOW`/`HIDE` with a `condition` of `scope` and
`schema`) as `if`/`then` in the object that holds both. Named in a note: `ENABLE`/`DISABLE`
rules (formkit asks every field it shows), rules on another object's field, `Label` elements
(static text), and properties no category names (they go to the last step).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from formkit.imports._form import Imported, Step, default_steps, form_document, top_names
from formkit.imports._schema import give_titles, modernised

Path = tuple[str, ...]


def from_jsonforms(
    schema: dict[str, Any],
    uischema: dict[str, Any] | None = None,
    *,
    form_id: str,
    prefix: str | None = None,
) -> Imported:
    notes: list[str] = []
    source = modernised(schema)
    title = str(source.get("title") or form_id)
    names = list(source.get("properties", {}))
    if uischema is None:
        give_titles(source, notes)
        return Imported(
            form_document(source, form_id, default_steps(source, names, title), prefix), notes
        )
    controls = list(_controls(uischema, notes))
    for control, _ in controls:
        _control(source, control, notes)
    give_titles(source, notes)
    steps = _steps(uischema, source, title, notes)
    return Imported(form_document(source, form_id, steps, prefix), notes)


def _steps(
    uischema: dict[str, Any], source: dict[str, Any], title: str, notes: list[str]
) -> list[Step]:
    names = top_names(source)
    categories = [e for e in uischema.get("elements", []) if e.get("type") == "Category"]
    if uischema.get("type") != "Categorization" or not categories:
        shown = _unique(path[0] for _, path in _controls(uischema, []) if path)
        order = [n for n in shown if n in names] + [n for n in names if n not in shown]
        return default_steps(source, order, title)
    steps: list[Step] = []
    placed: set[str] = set()
    for category in categories:
        own = [n for n in _unique(p[0] for _, p in _controls(category, []) if p) if n not in placed]
        placed.update(own)
        if own:
            steps.append(Step(str(category.get("label") or f"Stap {len(steps) + 1}"), tuple(own)))
    left = [n for n in names if n not in placed]
    for name in left:
        notes.append(f"/{name}: in no category; added to the last step")
    if steps and left:
        steps[-1] = Step(steps[-1].title, (*steps[-1].properties, *left))
    return steps or default_steps(source, names, title)


def _controls(element: dict[str, Any], notes: list[str]) -> Iterator[tuple[dict[str, Any], Path]]:
    """Every Control below `element`, in order, with the property path its scope names."""
    kind = element.get("type")
    if kind == "Control":
        yield element, _path(str(element.get("scope", "")))
    elif kind == "Label":
        notes.append(f"a Label ({element.get('text', '')!r}) is static text: not carried over")
    for child in element.get("elements", []) or []:
        if isinstance(child, dict):
            yield from _controls(child, notes)


def _control(source: dict[str, Any], control: dict[str, Any], notes: list[str]) -> None:
    path = _path(str(control.get("scope", "")))
    node = _at(source, path)
    where = "/" + "/".join(path)
    if node is None:
        notes.append(f"{where}: the control's scope names no property")
        return
    label = control.get("label")
    if isinstance(label, str) and label:
        node["title"] = label
    options = control.get("options") or {}
    if options.get("multi"):
        node.setdefault("x-formkit", {})["widget"] = "textarea"
    if options.get("format") == "radio":
        node.setdefault("x-formkit", {})["widget"] = "radio"
    rule = control.get("rule")
    if isinstance(rule, dict):
        _rule(source, path, rule, notes)


def _rule(source: dict[str, Any], path: Path, rule: dict[str, Any], notes: list[str]) -> None:
    """SHOW or HIDE by a sibling's value: the field moves into an `if`/`then` of its object."""
    where = "/" + "/".join(path)
    effect = rule.get("effect")
    condition = rule.get("condition") or {}
    trigger = _path(str(condition.get("scope", "")))
    test = condition.get("schema")
    if effect not in {"SHOW", "HIDE"}:
        notes.append(f"{where}: a rule {effect} is not carried over; the field is always asked")
        return
    if not isinstance(test, dict) or len(trigger) != len(path) or trigger[:-1] != path[:-1]:
        notes.append(f"{where}: a rule on a field outside its own object is not carried over")
        return
    parent = _at(source, path[:-1]) if path[:-1] else source
    if parent is None or path[-1] not in parent.get("properties", {}):
        return
    field = parent["properties"].pop(path[-1])
    holds = {"properties": {trigger[-1]: test}, "required": [trigger[-1]]}
    branch: dict[str, Any] = {"properties": {path[-1]: field}}
    if path[-1] in parent.get("required", []):
        parent["required"].remove(path[-1])
        branch["required"] = [path[-1]]
    conditional = (
        {"if": holds, "then": branch}
        if effect == "SHOW"
        else {"if": {"not": holds}, "then": branch}
    )
    parent.setdefault("allOf", []).append(conditional)
    if parent is not source:
        parent.pop("additionalProperties", None)
        parent["unevaluatedProperties"] = False


def _path(scope: str) -> Path:
    """`#/properties/a/properties/b` -> ("a", "b")."""
    parts = scope.removeprefix("#/").split("/")
    return tuple(parts[n + 1] for n in range(0, len(parts) - 1, 2) if parts[n] == "properties")


def _at(source: dict[str, Any], path: Path) -> dict[str, Any] | None:
    node: Any = source
    for name in path:
        node = node.get("properties", {}).get(name) if isinstance(node, dict) else None
        if node is None:
            return None
    return node if isinstance(node, dict) else None


def _unique(names: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(names))
