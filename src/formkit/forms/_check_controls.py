"""What the pages cannot ask: a field whose control could not be filled in, or whose answers a
post would change. `formkit check` refuses each with its place and what to write instead, so
that a form that passes can always be filled in, and every answer comes back from its page as
it went in.

The pages ask one value per control and one object per group of fields (an `allOf` of
objects is one group of all their properties; a field that can only be `null` has no control
and keeps its null). Refused:

- a field of several types (`"type": ["string", "number"]`): the control would not know how
  to read what is typed;
- alternatives (`oneOf`, `anyOf`) of a value that are no choice (a `const` and a title each):
  one text box cannot say which alternative it holds; alternatives of an object that no
  `const` tells apart and that are not titled objects (the citizen chooses one by its title);
- an object with both named properties and keys not declared, or with several
  `patternProperties`: a map (keys the citizen names) is an object of one kind of value;
- a map whose values are lists or only null: its rows are a key and one value (or object);
- a tuple (`prefixItems`, or `items` as a list under draft-07) whose further items are open,
  or whose positions are groups, lists or only null: the pages ask a tuple as a fieldset of
  its positions, one value each;
- a list of lists of files: a list of lists is a repeatable group of lists (or of groups).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from formkit.forms._build import chosen_apart, discriminator, tuple_positions
from formkit.forms._model import Field, Kind

Finding = tuple[str, str]
_ROWS_OF_LISTS = {Kind.LIST, Kind.GROUP, Kind.LISTS, Kind.CHOICES}
_NOT_A_MAP_VALUE = {Kind.GROUP, Kind.LIST, Kind.LISTS, Kind.TUPLE, Kind.MAP, Kind.NULL}
_NOT_A_POSITION = {
    Kind.OBJECT,
    Kind.GROUP,
    Kind.LIST,
    Kind.LISTS,
    Kind.TUPLE,
    Kind.CHOICES,
    Kind.ATTACHMENT,
    Kind.NULL,
}


def control_problems(field: Field) -> Iterator[Finding]:
    """Why the pages cannot ask `field` as it is written; nothing when they can."""
    schema, name, where = field.schema, field.name, field.origin
    declared = schema.get("type")
    if isinstance(declared, list):
        yield where, f"{name!r} has several types {declared}: give it one type, or one field each"
    if field.kind not in {Kind.CHOICE, Kind.OBJECT} and _alternatives(schema):
        yield (
            where,
            f"{name!r} has alternatives (oneOf/anyOf) that are no choice: give each a const "
            "and a title, or make it an object whose alternatives are told apart by a choice",
        )
    if field.kind is Kind.OBJECT and _untitled_alternatives(schema):
        yield (
            where,
            f"{name!r} has alternatives (oneOf/anyOf) that no const tells apart and that are "
            "not all titled objects: the citizen chooses one by its title; give each a title",
        )
    if field.kind is not Kind.OBJECT and _objects(schema.get("allOf")):
        yield (
            where,
            f"{name!r} is an allOf of objects: write it as one object with all their properties",
        )
    if field.kind is Kind.OBJECT and _open_keys(schema):
        yield (
            where,
            f"{name!r} allows keys it does not declare (additionalProperties with a schema, "
            "patternProperties) beside its named properties: declare each, or make the open "
            "keys a map of their own (an object with only additionalProperties)",
        )
    if field.kind is Kind.MAP and field.children[0].kind in _NOT_A_MAP_VALUE:
        yield (
            where,
            f"{name!r} is a map of lists or of nulls: make its values objects with a list field",
        )
    if declared == "array" or "items" in schema or "prefixItems" in schema:
        yield from _list_problems(schema, name, where)
    if field.kind is Kind.TUPLE:
        yield from _position_problems(field)
    if field.kind is Kind.LISTS and field.children[0].kind not in _ROWS_OF_LISTS:
        yield where, f"{name!r} is a list of lists of files: make its items objects with a file"


def _list_problems(schema: Mapping[str, Any], name: str, where: str) -> Iterator[Finding]:
    positions = tuple_positions(schema)
    if not positions and ("prefixItems" in schema or isinstance(schema.get("items"), list)):
        yield where, f"{name!r} is a tuple without positions: give it at least one"
    elif positions and not _closed(schema, len(positions)):
        closing = '"items": false' if "prefixItems" in schema else '"additionalItems": false'
        yield (
            where,
            f"{name!r} is a tuple whose further items are open: the pages ask its positions "
            f"only; add {closing} or a maxItems of {len(positions)}",
        )


def _closed(schema: Mapping[str, Any], count: int) -> bool:
    further = schema.get("items" if "prefixItems" in schema else "additionalItems", True)
    most = schema.get("maxItems")
    return further is False or (isinstance(most, int) and most <= count)


def _position_problems(field: Field) -> Iterator[Finding]:
    for position in field.children:
        if position.kind in _NOT_A_POSITION:
            yield (
                position.origin,
                f"position {position.name} of {field.name!r} is a group, a list or only null: "
                "a tuple's positions are values; make the tuple an object with named fields",
            )


def _untitled_alternatives(schema: Mapping[str, Any]) -> bool:
    return any(
        isinstance(branches, list)
        and branches
        and discriminator(branches) is None
        and not chosen_apart(branches)
        for branches in (schema.get("oneOf"), schema.get("anyOf"))
    )


def _alternatives(schema: Mapping[str, Any]) -> bool:
    return any(isinstance(schema.get(k), list) and schema.get(k) for k in ("oneOf", "anyOf"))


def _objects(parts: Any) -> bool:
    return isinstance(parts, list) and any(
        isinstance(p, Mapping) and (p.get("type") == "object" or "properties" in p) for p in parts
    )


def _open_keys(schema: Mapping[str, Any]) -> bool:
    extra = schema.get("additionalProperties")
    return bool(schema.get("patternProperties")) or (isinstance(extra, Mapping) and bool(extra))
