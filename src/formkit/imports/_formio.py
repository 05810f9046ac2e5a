"""Form.io (the JSON that Form.io and Open Forms export): its components as a formkit form.

Components become fields by their `key` and `label`: `textfield`, `textarea`, `number`,
`email`, `phoneNumber`, `checkbox`, `select`, `radio` and `selectboxes` (their `values` or
`data.values` as labelled choices), `datetime` and `day` (dates), `file` (an attachment slot
for PDF and images up to 10 MB), `container` (an object), `datagrid` and `editgrid`
(repeatable groups). Layout components (`panel`, `fieldset`, `well`, `columns`, `table`) add
no level to the answers: their fields are their parent's. A wizard's pages are the steps.
Carried over from `validate`: `required`, `min`/`max`, `minLength`/`maxLength`, `pattern`;
`description` and `tooltip` as description and help; a simple `conditional` (`show`, `when`,
`eq`) on a field of the same object as `if`/`then`. Named in a note: static content
(`content`, `htmlelement`), other component types, `time` (no time format), custom or
JSON-logic conditions and validations, conditions on another object's field.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from formkit.imports._form import Imported, Step, default_steps, form_document, top_names
from formkit.imports._schema import give_titles

_LAYOUT = {"panel", "fieldset", "well", "columns", "table", "tabs"}
_SILENT = {"button"}  # the submit button: the pages have their own
_STATIC = {"content", "htmlelement"}
_ATTACHMENT = {
    "attachment": {
        "mediaTypes": ["application/pdf", "image/jpeg", "image/png"],
        "maxBytes": 10_000_000,
    }
}


def from_formio(
    form: dict[str, Any],
    _ui: dict[str, Any] | None = None,
    *,
    form_id: str,
    prefix: str | None = None,
) -> Imported:
    notes: list[str] = []
    components = [c for c in form.get("components", []) if isinstance(c, dict)]
    source: dict[str, Any] = {"title": form.get("title") or form_id}
    _object(source, components, "", notes)
    give_titles(source, notes)
    title = str(source["title"])
    pages = [c for c in components if c.get("type") == "panel"]
    if form.get("display") == "wizard" and pages:
        names = set(top_names(source))  # the components that became fields
        steps = [
            Step(_page_title(page, n), tuple(k for k in _keys(page) if k in names))
            for n, page in enumerate(pages)
        ]
        steps = [step for step in steps if step.properties]
    else:
        steps = default_steps(source, top_names(source), title)
    return Imported(form_document(source, form_id, steps, prefix), notes)


def _object(
    node: dict[str, Any], components: list[dict[str, Any]], at: str, notes: list[str]
) -> None:
    """The fields of `components` (through layout) as `node`'s properties, then their rules."""
    node["type"] = "object"
    properties: dict[str, Any] = node.setdefault("properties", {})
    required: list[str] = []
    fields = list(_fields(components, at, notes))
    for component in fields:
        key = str(component["key"])
        schema = _field(component, f"{at}/{key}", notes)
        if schema is None:
            continue
        properties[key] = schema
        if (component.get("validate") or {}).get("required"):
            required.append(key)
    if required:
        node["required"] = required
    for component in fields:
        _conditional(node, component, f"{at}/{component['key']}", notes)


def _fields(
    components: list[dict[str, Any]], at: str, notes: list[str]
) -> Iterator[dict[str, Any]]:
    """The components that hold answers, layout unwrapped, in order."""
    for component in components:
        kind = component.get("type")
        if kind in _LAYOUT:
            children = list(component.get("components") or [])
            for column in (component.get("columns") or []) + (component.get("rows") or []):
                cells = column if isinstance(column, list) else [column]
                for cell in cells:
                    children += (cell or {}).get("components") or []
            yield from _fields([c for c in children if isinstance(c, dict)], at, notes)
        elif kind in _STATIC:
            notes.append(f"{at or '/'}: static content ({kind}) is not carried over")
        elif kind in _SILENT:
            continue
        elif component.get("key"):
            yield component


def _field(component: dict[str, Any], at: str, notes: list[str]) -> dict[str, Any] | None:
    kind = component.get("type")
    schema: dict[str, Any] = {}
    label = component.get("label")
    if isinstance(label, str) and label:
        schema["title"] = label
    if isinstance(component.get("description"), str) and component["description"]:
        schema["description"] = component["description"]
    annotations: dict[str, Any] = {}
    if isinstance(component.get("tooltip"), str) and component["tooltip"]:
        annotations["help"] = component["tooltip"]
    made = _typed(kind, component, schema, annotations, at, notes)
    if made is None:
        notes.append(f"{at}: a {kind!r} component is not carried over")
        return None
    _validations(component, schema, at, notes)
    if annotations:
        schema["x-formkit"] = annotations
    return schema


def _typed(
    kind: Any,
    component: dict[str, Any],
    schema: dict[str, Any],
    annotations: dict[str, Any],
    at: str,
    notes: list[str],
) -> dict[str, Any] | None:
    if kind in {"textfield", "textarea", "email", "phoneNumber"}:
        schema["type"] = "string"
        if kind == "textarea":
            annotations["widget"] = "textarea"
        if kind == "email":
            schema["format"] = "email"
        if kind == "phoneNumber":
            schema["format"] = "phone"
    elif kind == "number":
        integer = (component.get("validate") or {}).get("integer")
        schema["type"] = "integer" if integer else "number"
    elif kind == "checkbox":
        schema["type"] = "boolean"
    elif kind in {"select", "radio"}:
        schema["type"] = "string"
        schema["oneOf"] = _choices(component)
        if kind == "radio":
            annotations["widget"] = "radio"
    elif kind == "selectboxes":
        schema.update(
            type="array", uniqueItems=True, items={"type": "string", "oneOf": _choices(component)}
        )
        annotations["widget"] = "checkboxes"
    elif kind in {"datetime", "day"}:
        with_time = kind == "datetime" and component.get("enableTime", True)
        schema.update(type="string", format="date-time" if with_time else "date")
    elif kind == "file":
        schema.clear()
        schema.update(
            {"$ref": "defs/bijlage.json", "title": component.get("label") or component["key"]}
        )
        annotations.update(_ATTACHMENT)
        if component.get("multiple"):
            schema.clear()
            schema.update(
                type="array",
                title=component.get("label") or component["key"],
                items={"$ref": "defs/bijlage.json"},
            )
        notes.append(f"{at}: a file slot: PDF, JPEG or PNG up to 10 MB; adjust `attachment`")
    elif kind == "container":
        _object(schema, list(component.get("components") or []), at, notes)
    elif kind in {"datagrid", "editgrid"}:
        row: dict[str, Any] = {"title": component.get("label") or component["key"]}
        _object(row, list(component.get("components") or []), f"{at}/*", notes)
        schema.update(type="array", items=row)
    else:
        return None
    return schema


def _choices(component: dict[str, Any]) -> list[dict[str, Any]]:
    values = component.get("values") or (component.get("data") or {}).get("values") or []
    return [
        {"const": str(v.get("value")), "title": str(v.get("label") or v.get("value"))}
        for v in values
        if isinstance(v, dict)
    ]


def _validations(
    component: dict[str, Any], schema: dict[str, Any], at: str, notes: list[str]
) -> None:
    rules = component.get("validate") or {}
    numeric = schema.get("type") in {"number", "integer"}
    for theirs, ours in (("min", "minimum"), ("max", "maximum")):
        if numeric and isinstance(rules.get(theirs), int | float):
            schema[ours] = rules[theirs]
    for theirs, ours in (("minLength", "minLength"), ("maxLength", "maxLength")):
        if (
            schema.get("type") == "string"
            and isinstance(rules.get(theirs), int)
            and rules[theirs] > 0
        ):
            schema[ours] = rules[theirs]
    if (
        schema.get("type") == "string"
        and isinstance(rules.get("pattern"), str)
        and rules["pattern"]
    ):
        schema["pattern"] = rules["pattern"]
    for custom in ("custom", "json"):
        if rules.get(custom):
            notes.append(f"{at}: a {custom} validation is not carried over")


def _conditional(
    node: dict[str, Any], component: dict[str, Any], at: str, notes: list[str]
) -> None:
    """`conditional: {show, when, eq}` on a sibling: the field moves into an `if`/`then`."""
    condition = component.get("conditional") or {}
    if component.get("customConditional") or condition.get("json"):
        notes.append(f"{at}: a custom condition is not carried over; the field is always asked")
    when, show = condition.get("when"), condition.get("show")
    if not when or show in {None, ""}:
        return
    key = str(component["key"])
    properties = node["properties"]
    trigger = properties.get(str(when))
    if trigger is None or key not in properties:
        notes.append(f"{at}: a condition on {when!r}, not a field beside it, is not carried over")
        return
    holds = {
        "properties": {str(when): {"const": _typed_value(trigger, condition.get("eq"))}},
        "required": [str(when)],
    }
    branch: dict[str, Any] = {"properties": {key: properties.pop(key)}}
    if key in node.get("required", []):
        node["required"].remove(key)
        branch["required"] = [key]
        if not node["required"]:
            del node["required"]
    shown = show in {True, "true"}
    node.setdefault("allOf", []).append({"if": holds if shown else {"not": holds}, "then": branch})


def _typed_value(trigger: dict[str, Any], value: Any) -> Any:
    """Form.io compares as text: `eq: "true"` on a checkbox is the boolean true."""
    kind = trigger.get("type")
    if kind == "boolean":
        return value in {True, "true"}
    if kind in {"number", "integer"}:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return value
        return int(number) if kind == "integer" or number.is_integer() else number
    return value if isinstance(value, str) else str(value)


def _page_title(page: dict[str, Any], index: int) -> str:
    return str(page.get("title") or page.get("label") or f"Stap {index + 1}")


def _keys(page: dict[str, Any]) -> Iterator[str]:
    for component in _fields([page], "", []):
        yield str(component["key"])
