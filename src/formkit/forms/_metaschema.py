"""The meta-schema of formkit forms, generated from the vocabulary's Structs.

`schemas/meta/formkit.json` is this function's output, committed so that editors can use it;
a test keeps the committed file equal to what the vocabulary says.
"""

from __future__ import annotations

from typing import Any

import msgspec

from formkit.forms._sources import BASE_URI
from formkit.forms._vocabulary import KEYWORD, FieldAnnotations, FormAnnotations

META_URI = BASE_URI + "meta/formkit.json"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def meta_schema() -> dict[str, Any]:
    (form, field), components = msgspec.json.schema_components(
        [FormAnnotations, FieldAnnotations], ref_template="#/$defs/{name}"
    )
    for conditional in ("LeadTimeRule", "AfterRule", "DistinctRule", "DefaultAdviser"):
        # A condition is a schema like any other: checked by the meta-schema itself.
        components[conditional]["properties"]["when"] = {"$dynamicRef": "#meta"}
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
