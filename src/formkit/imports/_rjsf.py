"""react-jsonschema-form: its schema and uiSchema as a formkit form.

Carried over: `ui:order` (the order of the fields), `ui:title`, `ui:description`, `ui:help`
(formkit's help), and the widgets formkit has (`textarea`, `radio`, `select`, `checkboxes`).
Each other `ui:` key is named in a note: a placeholder (GOV.UK advises against them), a
hidden, disabled or read-only field (a formkit form asks what it declares), a password or
range widget, autofocus, class names.
"""

from __future__ import annotations

from typing import Any

from formkit.imports._form import Imported, default_steps, form_document
from formkit.imports._schema import give_titles, modernised

_WIDGETS = {
    "textarea": "textarea",
    "radio": "radio",
    "select": "select",
    "checkboxes": "checkboxes",
}
_CARRIED = {"ui:order", "ui:title", "ui:description", "ui:help", "ui:widget"}


def from_rjsf(
    schema: dict[str, Any],
    ui_schema: dict[str, Any] | None = None,
    *,
    form_id: str,
    prefix: str | None = None,
) -> Imported:
    notes: list[str] = []
    source = modernised(schema)
    _apply(source, ui_schema or {}, "", notes)
    give_titles(source, notes)
    order = list(source.get("properties", {}))
    title = str(source.get("title") or form_id)
    return Imported(
        form_document(source, form_id, default_steps(source, order, title), prefix), notes
    )


def _apply(node: dict[str, Any], ui: dict[str, Any], at: str, notes: list[str]) -> None:
    """`ui` (the uiSchema at this object) on `node` and, below it, on its properties."""
    properties: dict[str, Any] = node.get("properties") or {}
    if isinstance(ui.get("ui:order"), list):
        node["properties"] = properties = _ordered(properties, ui["ui:order"])
    for name, child in properties.items():
        own = ui.get(name)
        if isinstance(child, dict) and isinstance(own, dict):
            _field(child, own, f"{at}/{name}", notes)
    items = node.get("items")
    if isinstance(items, dict) and isinstance(ui.get("items"), dict):
        _field(items, ui["items"], f"{at}/items", notes)


def _field(node: dict[str, Any], ui: dict[str, Any], at: str, notes: list[str]) -> None:
    if isinstance(ui.get("ui:title"), str):
        node["title"] = ui["ui:title"]
    if isinstance(ui.get("ui:description"), str):
        node["description"] = ui["ui:description"]
    annotations: dict[str, Any] = {}
    if isinstance(ui.get("ui:help"), str):
        annotations["help"] = ui["ui:help"]
    widget = ui.get("ui:widget")
    if isinstance(widget, str) and widget in _WIDGETS:
        annotations["widget"] = _WIDGETS[widget]
    elif widget is not None:
        notes.append(f"{at}: widget {widget!r} has no formkit equivalent; the default is used")
    if annotations:
        node.setdefault("x-formkit", {}).update(annotations)
    for key in ui:
        if key.startswith("ui:") and key not in _CARRIED:
            notes.append(f"{at}: {key} is not carried over")
    _apply(node, ui, at, notes)


def _ordered(properties: dict[str, Any], order: list[Any]) -> dict[str, Any]:
    """`properties` in `ui:order`'s order; `*` stands for the ones it does not name."""
    named = [n for n in order if isinstance(n, str) and n in properties]
    rest = [n for n in properties if n not in named]
    at = order.index("*") if "*" in order else len(named)
    names = [*named[:at], *rest, *named[at:]]
    return {name: properties[name] for name in names}
