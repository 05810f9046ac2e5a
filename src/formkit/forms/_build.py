"""From a dereferenced form schema to the `Field`s of the model.

Fields come from `properties`; conditional parts (`if`/`then`/`else`, `dependentSchemas`,
`dependentRequired`, `oneOf`/`anyOf` alternatives with a `const` discriminator) add fields
guarded by the condition under which they apply. `allOf` parts belong to the object itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from formkit.forms import _pointer
from formkit.forms._alternatives import CHOICE, belongs_schema, chosen_schema
from formkit.forms._engine import Engine
from formkit.forms._model import Choice, Condition, Field, Guard, Kind, Wording
from formkit.forms._vocabulary import KEYWORD, FieldAnnotations

Schema = Mapping[str, Any]
_SCALAR_KINDS = {"boolean": Kind.BOOLEAN, "integer": Kind.INTEGER, "number": Kind.NUMBER}
_DATE_KINDS = {"date": Kind.DATE, "date-time": Kind.DATE_TIME}


@dataclass
class _Draft:
    """A field being assembled from every place of the schema that declares it."""

    name: str
    pointer: str
    schema: Schema  # the first declaration: title, kind, annotations
    origin: str
    active_when: list[Guard] = field(default_factory=list)
    required_when: list[Guard] = field(default_factory=list)
    # every place that says something about the field, for the fields inside it
    parts: list[tuple[Schema, str, Guard]] = field(default_factory=list)


@dataclass
class _Object:
    """What the parts of one object schema say about its fields."""

    pointer: str
    drafts: dict[str, _Draft] = field(default_factory=dict)
    requirements: list[tuple[str, Guard, str]] = field(default_factory=list)


class FieldBuilder:
    def __init__(self, compile_condition: Callable[[Schema | bool], Engine]) -> None:
        self._compile = compile_condition
        self.undeclared: list[tuple[str, str]] = []  # (origin, message): required but absent
        self.conditions: list[Condition] = []  # every condition the schema states

    def object_fields(self, schema: Schema, pointer: str, origin: str) -> tuple[Field, ...]:
        return self._object_fields([(schema, origin, ())], pointer)

    def _object_fields(
        self, parts: list[tuple[Schema, str, Guard]], pointer: str
    ) -> tuple[Field, ...]:
        target = _Object(pointer)
        for schema, origin, guard in parts:
            self._collect(target, schema, origin, guard)
        for name, guard, where in target.requirements:
            if name in target.drafts:
                target.drafts[name].required_when.append(guard)
            else:
                self.undeclared.append((where, f"required field {name!r} is not declared"))
        return tuple(self._freeze(d) for d in target.drafts.values())

    def _collect(
        self, target: _Object, schema: Any, origin: str, guard: Guard, skip: str | None = None
    ) -> None:
        if not isinstance(schema, Mapping):
            return
        for name, sub in schema.get("properties", {}).items():
            if name != skip and isinstance(sub, Mapping):
                where = _pointer.join(origin, "properties", name)
                draft = target.drafts.setdefault(
                    name, _Draft(name, _pointer.join(target.pointer, name), sub, where)
                )
                draft.active_when.append(guard)
                draft.parts.append((sub, where, guard))
        where = _pointer.join(origin, "required")
        target.requirements.extend((name, guard, where) for name in schema.get("required", ()))
        for index, part in enumerate(schema.get("allOf", ())):
            self._collect(target, part, _pointer.join(origin, "allOf", index), guard)
        self._collect_conditionals(target, schema, origin, guard)
        for keyword in ("oneOf", "anyOf"):
            self._collect_alternatives(target, schema, keyword, origin, guard)

    def _collect_conditionals(
        self, target: _Object, schema: Schema, origin: str, guard: Guard
    ) -> None:
        if "if" in schema:
            for key, expect in (("then", True), ("else", False)):
                if key in schema:
                    condition = self._condition(
                        target, schema["if"], expect, _pointer.join(origin, "if")
                    )
                    branch_origin = _pointer.join(origin, key)
                    self._collect(target, schema[key], branch_origin, (*guard, condition))
        for name, dependent in schema.get("dependentSchemas", {}).items():
            where = _pointer.join(origin, "dependentSchemas", name)
            condition = self._condition(target, {"required": [name]}, True, where)
            self._collect(target, dependent, where, (*guard, condition))
        for name, names in schema.get("dependentRequired", {}).items():
            where = _pointer.join(origin, "dependentRequired", name)
            condition = self._condition(target, {"required": [name]}, True, where)
            target.requirements.extend((n, (*guard, condition), where) for n in names)

    def _collect_alternatives(
        self, target: _Object, schema: Schema, keyword: str, origin: str, guard: Guard
    ) -> None:
        branches = schema.get(keyword, ())
        told_by = discriminator(branches)
        if told_by is None and chosen_apart(branches):
            self._collect_choice(target, schema, keyword, origin, guard)
        if told_by is None:
            return
        choices = tuple(_branch_choice(b, told_by) for b in branches)
        choice_schema = {
            "title": _question_title(branches, told_by) or schema.get("title", told_by),
            "oneOf": [_option_schema(c) for c in choices],
            **_discriminator_annotations(branches, told_by),
        }
        where = _pointer.join(origin, keyword)
        draft = target.drafts.setdefault(
            told_by,
            _Draft(told_by, _pointer.join(target.pointer, told_by), choice_schema, where),
        )
        draft.active_when.append(guard)
        target.requirements.append((told_by, guard, where))
        for index, (branch, choice) in enumerate(zip(branches, choices, strict=True)):
            selector = {
                "properties": {told_by: {"const": choice.value}},
                "required": [told_by],
            }
            branch_origin = _pointer.join(where, index)
            condition = self._condition(target, selector, True, branch_origin)
            self._collect(target, branch, branch_origin, (*guard, condition), skip=told_by)

    def _collect_choice(
        self, target: _Object, schema: Schema, keyword: str, origin: str, guard: Guard
    ) -> None:
        """Alternatives no `const` tells apart: a choice the page asks (`#keuze`, the branch's
        index, labelled by its title), and each branch's fields under it."""
        branches = schema[keyword]
        where = _pointer.join(origin, keyword)
        shared = [name for name in target.drafts if name != CHOICE]
        choice_schema = {
            "title": "Kies wat op u van toepassing is",
            "oneOf": [
                {"const": i, "title": str(b.get("title", ""))} for i, b in enumerate(branches)
            ],
        }
        draft = target.drafts.setdefault(
            CHOICE, _Draft(CHOICE, _pointer.join(target.pointer, CHOICE), choice_schema, where)
        )
        draft.active_when.append(guard)
        target.requirements.append((CHOICE, guard, where))
        for index, branch in enumerate(branches):
            branch_origin = _pointer.join(where, index)
            belongs = belongs_schema(branches, index, shared)
            condition = self._condition(
                target, belongs, True, branch_origin, page=chosen_schema(index)
            )
            self._collect(target, branch, branch_origin, (*guard, condition))

    def _condition(
        self,
        target: _Object,
        schema: Schema | bool,
        expect: bool,
        origin: str,
        page: Schema | None = None,
    ) -> Condition:
        condition = Condition(
            target.pointer, schema, expect, self._compile(schema), origin, page=page
        )
        self.conditions.append(condition)
        return condition

    def _freeze(self, draft: _Draft) -> Field:
        schema = draft.schema
        annotations = field_annotations(schema)
        kind = kind_of(schema, annotations)
        children: tuple[Field, ...] = ()
        if kind is Kind.OBJECT:
            children = self._object_fields(draft.parts, draft.pointer)
        elif kind is Kind.GROUP:
            children = self._object_fields(_item_parts(draft), _pointer.join(draft.pointer, "*"))
        elif kind is Kind.LISTS:
            children = (self._item(draft),)
        elif kind is Kind.TUPLE:
            children = self._positions(draft)
        elif kind is Kind.MAP:
            children = (self._value(draft),)
        return Field(
            name=draft.name,
            pointer=draft.pointer,
            title=str(schema.get("title", "")),
            kind=kind,
            schema=schema,
            description=schema.get("description"),
            annotations=annotations,
            format=_format_of(schema),
            choices=choices_of(schema),
            children=children,
            origin=draft.origin,
            active_when=_any_of(draft.active_when),
            required_when=tuple(dict.fromkeys(draft.required_when)),
            wordings=_wordings(draft.parts),
        )

    def _positions(self, draft: _Draft) -> tuple[Field, ...]:
        """A tuple's positions, fields at `<tuple>/0`, `/1`...: the first `minItems` required."""
        schema = draft.schema
        keyword = "prefixItems" if "prefixItems" in schema else "items"
        least = int(schema.get("minItems", 0))
        return tuple(
            self._freeze(
                _Draft(
                    str(index),
                    _pointer.join(draft.pointer, index),
                    position,
                    where,
                    [()],
                    [()] if index < least else [],
                    [(position, where, ())],
                )
            )
            for index, position in enumerate(tuple_positions(schema))
            for where in (_pointer.join(draft.origin, keyword, index),)
        )

    def _value(self, draft: _Draft) -> Field:
        """The value of a map, a field at `<map>/*`: each key the citizen names has one."""
        schema = map_values(draft.schema) or {}
        where = _pointer.join(draft.origin, *_map_keyword(draft.schema))
        parts: list[tuple[Schema, str, Guard]] = [(schema, where, ())]
        value = _Draft("*", _pointer.join(draft.pointer, "*"), schema, where, [()], [()], parts)
        return self._freeze(value)

    def _item(self, draft: _Draft) -> Field:
        """The item of a list of lists, a field at `<list>/*`: each row is one, asked whole."""
        parts = _item_parts(draft)
        schema, origin, _ = parts[0]
        item = _Draft("*", _pointer.join(draft.pointer, "*"), schema, origin, [()], [()], parts)
        return self._freeze(item)


def map_values(schema: Schema) -> Schema | None:
    """A map's value schema: `additionalProperties` as a schema, or the one pattern of
    `patternProperties`, of an object that declares no properties; None: no map."""
    if "properties" in schema:
        return None
    patterns = schema.get("patternProperties")
    extra = schema.get("additionalProperties")
    if isinstance(patterns, Mapping) and patterns:
        (value,) = patterns.values() if len(patterns) == 1 and not extra else (None,)
        return value if isinstance(value, Mapping) else None
    return extra if isinstance(extra, Mapping) and extra else None


def _map_keyword(schema: Schema) -> tuple[str, ...]:
    """Where a map's value schema is declared, as tokens of a pointer."""
    patterns = schema.get("patternProperties")
    if isinstance(patterns, Mapping) and patterns:
        return ("patternProperties", next(iter(patterns)))
    return ("additionalProperties",)


def tuple_positions(schema: Schema) -> list[Schema]:
    """A tuple's position schemas: `prefixItems`, or `items` as a list (draft-07, 2019-09)."""
    positions = schema.get("prefixItems", schema.get("items"))
    if not isinstance(positions, list):
        return []
    return [p if isinstance(p, Mapping) else {} for p in positions]


def _item_parts(draft: _Draft) -> list[tuple[Schema, str, Guard]]:
    """What the declarations of an array say about its items."""
    return [
        (part["items"], _pointer.join(origin, "items"), guard)
        for part, origin, guard in draft.parts
        if isinstance(part.get("items"), Mapping)
    ]


def _wordings(parts: list[tuple[Schema, str, Guard]]) -> tuple[Wording, ...]:
    """Each title the declarations give, with where it holds; () when they agree."""
    by_title: dict[str, list[Guard]] = {}
    for schema, _, guard in parts:
        title = schema.get("title")
        if isinstance(title, str) and title:
            by_title.setdefault(title, []).append(guard)
    if len(by_title) < 2:
        return ()
    return tuple(Wording(title, _any_of(guards)) for title, guards in by_title.items())


def _any_of(guards: list[Guard]) -> tuple[Guard, ...]:
    return ((),) if () in guards else tuple(dict.fromkeys(guards))


def field_annotations(schema: Schema) -> FieldAnnotations:
    raw = schema.get(KEYWORD)
    if not isinstance(raw, Mapping):
        return FieldAnnotations()
    try:
        return msgspec.convert(raw, FieldAnnotations)
    except msgspec.ValidationError:
        return FieldAnnotations()  # reported with its place by the meta-schema check


def kind_of(schema: Schema, annotations: FieldAnnotations) -> Kind:
    if annotations.attachment is not None:
        return Kind.ATTACHMENT
    if choices_of(schema):
        return Kind.CHOICE
    declared = schema.get("type")
    if declared == "null":
        return Kind.NULL
    if declared == "array" and tuple_positions(schema):
        return Kind.TUPLE
    if declared == "array":
        items = schema.get("items", {})
        if isinstance(items, Mapping) and items.get("type") == "array":
            return Kind.LISTS
        if isinstance(items, Mapping) and choices_of(items):
            return Kind.CHOICES
        if isinstance(items, Mapping) and _is_object(items):
            return Kind.GROUP
        return Kind.LIST
    if _is_object(schema) and map_values(schema) is not None:
        return Kind.MAP
    if _is_object(schema):
        return Kind.OBJECT
    if isinstance(declared, str) and declared in _SCALAR_KINDS:
        return _SCALAR_KINDS[declared]
    return _DATE_KINDS.get(str(schema.get("format")), Kind.TEXT)


def choices_of(schema: Schema) -> tuple[Choice, ...]:
    if "enum" in schema:
        return tuple(Choice(v, str(v)) for v in schema["enum"])
    for keyword in ("oneOf", "anyOf"):
        options = schema.get(keyword)
        if options and all(isinstance(o, Mapping) and "const" in o for o in options):
            return tuple(
                Choice(o["const"], str(o.get("title", "")), o.get("description")) for o in options
            )
    return ()


def _is_object(schema: Schema) -> bool:
    """An object, or an `allOf` of objects: one group of all their properties."""
    if schema.get("type") == "object" or "properties" in schema:
        return True
    parts = schema.get("allOf")
    return isinstance(parts, list) and any(isinstance(p, Mapping) and _is_object(p) for p in parts)


def _format_of(schema: Schema) -> str | None:
    value = schema.get("format")
    return value if isinstance(value, str) else None


def chosen_apart(branches: Any) -> bool:
    """Alternatives that are objects, each titled: the citizen chooses one by its title."""
    return (
        isinstance(branches, list)
        and len(branches) > 1
        and all(isinstance(b, Mapping) and _is_object(b) and b.get("title") for b in branches)
    )


def discriminator(branches: Any) -> str | None:
    """The property every alternative fixes with a `const`, if the alternatives are objects."""
    if not branches or not all(isinstance(b, Mapping) for b in branches):
        return None
    common: set[str] | None = None
    for branch in branches:
        names = {
            n
            for n, s in branch.get("properties", {}).items()
            if isinstance(s, Mapping) and "const" in s
        }
        common = names if common is None else common & names
    return min(common) if common else None


def _branch_choice(branch: Schema, discriminator: str) -> Choice:
    """The option that picks this branch, labelled with what the branch is ("Privépersoon").

    The title beside the `const` ("Soort organisator") names the question, the same in every
    branch: as the option's label it would make all options alike.
    """
    value = branch["properties"][discriminator]["const"]
    # no title: "" so that the checks name the branch, as they do an untitled plain choice
    return Choice(value, str(branch.get("title", "")), branch.get("description"))


def _option_schema(choice: Choice) -> dict[str, Any]:
    option = {"const": choice.value, "title": choice.title}
    return option if choice.description is None else {**option, "description": choice.description}


def _question_title(branches: Any, discriminator: str) -> str | None:
    """The question the options answer: the title an author gave the discriminator."""
    for branch in branches:
        title = branch["properties"][discriminator].get("title")
        if title:
            return str(title)
    return None


def _discriminator_annotations(branches: Any, discriminator: str) -> dict[str, Any]:
    for branch in branches:
        annotations = branch["properties"][discriminator].get(KEYWORD)
        if annotations:
            return {KEYWORD: annotations}
    return {}
