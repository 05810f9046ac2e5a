import json
import types

import jsonschema
import referencing
import referencing.jsonschema
from tests.conftest import FORM_IDS, SCHEMAS

import formkit
from formkit.forms._metaschema import META_URI, meta_schema


def test_committed_meta_schema_is_what_the_vocabulary_says() -> None:
    committed = json.loads((SCHEMAS / "meta" / "formkit.json").read_text(encoding="utf-8"))
    assert committed == meta_schema(), "regenerate: formkit meta-schema > schemas/meta/formkit.json"


def test_every_form_validates_against_the_meta_schema_as_an_editor_would() -> None:
    meta = meta_schema()
    resource = referencing.jsonschema.DRAFT202012.create_resource(meta)
    registry: referencing.Registry = referencing.Registry().with_resource(META_URI, resource)
    validator = jsonschema.Draft202012Validator(
        {"$ref": META_URI + "#/$defs/form"}, registry=registry
    )
    for form_id in FORM_IDS:
        document = json.loads((SCHEMAS / f"{form_id}.json").read_text(encoding="utf-8"))
        assert list(validator.iter_errors(document)) == [], form_id


def test_meta_schema_refuses_an_unknown_annotation() -> None:
    meta = meta_schema()
    resource = referencing.jsonschema.DRAFT202012.create_resource(meta)
    registry: referencing.Registry = referencing.Registry().with_resource(META_URI, resource)
    validator = jsonschema.Draft202012Validator(meta, registry=registry)
    schema = {"properties": {"naam": {"title": "Naam", "x-formkit": {"widgit": "textarea"}}}}
    errors = list(validator.iter_errors(schema))
    assert [list(e.absolute_path) for e in errors] == [["properties", "naam", "x-formkit"]]


def test_public_surface_is_exactly_all() -> None:
    public = {
        name
        for name, value in vars(formkit).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(formkit.__all__)
