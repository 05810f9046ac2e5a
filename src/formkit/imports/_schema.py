"""What both libraries hand over: a JSON Schema, made the way formkit reads one.

- Draft-07 spellings become 2020-12: `definitions` -> `$defs` (and the `$ref`s into them),
  `items: [...]` -> `prefixItems` (with `additionalItems` -> `items`), `dependencies` ->
  `dependentRequired` or `dependentSchemas`.
- Every field gets a title: those libraries label a field by its name, formkit asks for a
  title; one made from the name is said in a note, for the author to put in Dutch.
"""

from __future__ import annotations

import copy
from typing import Any

from formkit.imports._form import title_from_name

# Where fields are declared (conditions such as `if` and `not` only test answers).
_SUBSCHEMAS = ("then", "else", "additionalProperties")
_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")


def modernised(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` in 2020-12's spellings."""
    document = copy.deepcopy(schema)
    _modernise(document)
    return document


def give_titles(document: dict[str, Any], notes: list[str]) -> None:
    """A title for every field that has none yet (after the UI schema gave its labels)."""
    _titled(document, "", notes)


def _modernise(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _modernise(item)
        return
    if not isinstance(node, dict):
        return
    if "definitions" in node:
        node.setdefault("$defs", {}).update(node.pop("definitions"))
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        node["$ref"] = "#/$defs/" + ref.removeprefix("#/definitions/")
    if isinstance(node.get("items"), list):
        node["prefixItems"] = node.pop("items")
        if "additionalItems" in node:
            node["items"] = node.pop("additionalItems")
    dependencies = node.pop("dependencies", None)
    if isinstance(dependencies, dict):
        for name, needs in dependencies.items():
            kind = "dependentRequired" if isinstance(needs, list) else "dependentSchemas"
            node.setdefault(kind, {})[name] = needs
    for value in node.values():
        _modernise(value)


def _titled(node: Any, at: str, notes: list[str]) -> None:
    if not isinstance(node, dict):
        return
    for name, child in (node.get("properties") or {}).items():
        if isinstance(child, dict) and "$ref" not in child and not child.get("title"):
            child["title"] = title_from_name(name)
            notes.append(f"{at}/{name}: no title; made {child['title']!r} from the name")
    for key in _MAPS:
        for name, child in (node.get(key) or {}).items():
            _titled(child, f"{at}/{key}/{name}" if key != "properties" else f"{at}/{name}", notes)
    for key in _LISTS:
        for n, child in enumerate(node.get(key) or []):
            _titled(child, f"{at}/{key}/{n}", notes)
    for key in (*_SUBSCHEMAS, "items"):
        if isinstance(node.get(key), dict):
            _titled(node[key], f"{at}/{key}", notes)
