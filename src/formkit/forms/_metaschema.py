"""The meta-schema of formkit forms, generated from the vocabulary's Structs.

`schemas/meta/formkit.json` is this function's output, committed so that editors can use it;
a test keeps the committed file equal to what the vocabulary says.
"""

from __future__ import annotations

from typing import Any

import msgspec

from formkit.forms._sources import BASE_URI
from formkit.forms._vocabulary import AMOUNT_KINDS, KEYWORD, FieldAnnotations, FormAnnotations

META_URI = BASE_URI + "meta/formkit.json"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def meta_schema() -> dict[str, Any]:
    (form, field), components = msgspec.json.schema_components(
        [FormAnnotations, FieldAnnotations], ref_template="#/$defs/{name}"
    )
    for conditional in (
        "LeadTimeRule",
        "AfterRule",
        "DistinctRule",
        "CompareRule",
        "DefaultAdviser",
    ):
        # A condition is a schema like any other: checked by the meta-schema itself.
        components[conditional]["properties"]["when"] = {"$dynamicRef": "#meta"}
    components["Amount"]["oneOf"] = _exactly_one(components["Amount"], AMOUNT_KINDS)
    rules = components["FormAnnotations"]["properties"]["rules"]
    rules["items"] = _by_tag(rules["items"])
    document = {
        "$schema": DRAFT_2020_12,
        "$id": META_URI,
        "$dynamicAnchor": "meta",
        "title": "formkit form schema",
        "description": (
            "JSON Schema Draft 2020-12 with formkit's x-formkit vocabulary. Validate a form "
            "against #/$defs/form, a shared definition against this schema."
        ),
        "allOf": [{"$ref": DRAFT_2020_12}],
        "properties": {KEYWORD: {"anyOf": [field, form]}},
        "$defs": {
            **components,
            "form": {
                "$comment": "The root of a form: a titled object with the form annotations.",
                "allOf": [{"$ref": "#"}],
                "required": ["title", "type", "properties", KEYWORD],
                "properties": {
                    "type": {"const": "object"},
                    "title": {"type": "string", "minLength": 1},
                    KEYWORD: form,
                },
            },
        },
    }
    return dict(msgspec.json.decode(msgspec.json.encode(document)))  # plain JSON values only


def _exactly_one(struct: dict[str, Any], names: tuple[str, ...]) -> list[dict[str, Any]]:
    """One of `names` is given (and not null), the others are not: msgspec cannot say so."""
    properties = struct["properties"]
    return [
        {
            "type": "object",
            "required": [name],
            "properties": {
                name: properties[name]["anyOf"][0],
                **{other: False for other in names if other != name},
            },
        }
        for name in names
    ]


def _by_tag(union: dict[str, Any]) -> dict[str, Any]:
    """A tagged union as an `if`/`then` per tag: a mistake inside a rule is then reported
    where it is, against the kind the rule names, instead of as a rule that is "not valid
    under any of the given schemas"."""
    tag = union["discriminator"]["propertyName"]
    mapping = union["discriminator"]["mapping"]
    return {
        "type": "object",
        "required": [tag],
        "properties": {tag: {"enum": list(mapping)}},
        "allOf": [
            {"if": {"properties": {tag: {"const": value}}}, "then": {"$ref": ref}}
            for value, ref in mapping.items()
        ],
    }
