"""`formkit import`: JSON Forms and react-jsonschema-form documents become formkit forms that
pass check, carry what formkit has an equivalent for, and say what they could not carry.

The source documents are small ones written for these tests, one mapping or refusal each."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import NOW, SCHEMAS, write_json

import formkit
from formkit.cli import main
from formkit.imports import Imported, from_formio, from_jsonforms, from_rjsf

# A subsidy form as JSON Forms writes one: draft-07, names for labels, two categories.
JF_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Subsidie voor een straatfeest",
    "type": "object",
    "definitions": {"amount": {"type": "number", "minimum": 0, "title": "Bedrag"}},
    "properties": {
        "firstName": {"type": "string", "minLength": 1},
        "lastName": {"type": "string", "minLength": 1},
        "hasMusic": {"type": "boolean"},
        "musicHours": {"type": "integer", "minimum": 1},
        "budget": {"$ref": "#/definitions/amount"},
        "plan": {"type": "string", "maxLength": 2000},
    },
    "required": ["firstName", "lastName", "musicHours"],
}
JF_UI: dict[str, Any] = {
    "type": "Categorization",
    "elements": [
        {
            "type": "Category",
            "label": "Wie bent u?",
            "elements": [
                {"type": "Control", "scope": "#/properties/firstName", "label": "Voornaam"},
                {"type": "Control", "scope": "#/properties/lastName", "label": "Achternaam"},
            ],
        },
        {
            "type": "Category",
            "label": "Het feest",
            "elements": [
                {"type": "Label", "text": "Vertel ons over het feest."},
                {"type": "Control", "scope": "#/properties/hasMusic", "label": "Met muziek?"},
                {
                    "type": "Control",
                    "scope": "#/properties/musicHours",
                    "label": "Hoeveel uur muziek?",
                    "rule": {
                        "effect": "SHOW",
                        "condition": {"scope": "#/properties/hasMusic", "schema": {"const": True}},
                    },
                },
                {"type": "Control", "scope": "#/properties/plan", "options": {"multi": True}},
                {
                    "type": "Control",
                    "scope": "#/properties/budget",
                    "rule": {
                        "effect": "DISABLE",
                        "condition": {"scope": "#/properties/hasMusic", "schema": {"const": False}},
                    },
                },
            ],
        },
    ],
}

# The same kind of form as react-jsonschema-form writes one, with a uiSchema.
RJSF_SCHEMA: dict[str, Any] = {
    "title": "Melding van een evenement",
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "title": "Naam"},
        "kind": {"type": "string", "enum": ["markt", "optocht", "concert"]},
        "notes": {"type": "string"},
        "secret": {"type": "string"},
        "organiser": {
            "type": "object",
            "title": "Organisator",
            "properties": {"email": {"type": "string", "format": "email"}},
        },
    },
    "dependencies": {"notes": ["kind"]},
}
RJSF_UI: dict[str, Any] = {
    "ui:order": ["kind", "*", "organiser"],
    "kind": {"ui:widget": "radio", "ui:title": "Soort", "ui:help": "Kies wat het meest past."},
    "notes": {"ui:widget": "textarea", "ui:placeholder": "Typ hier"},
    "secret": {"ui:widget": "password"},
    "organiser": {"email": {"ui:title": "E-mailadres"}},
}


def passes_check(imported: Imported, tmp_path: Path) -> formkit.Form:
    return formkit.load_form(write_json(tmp_path / "nieuw.json", imported.schema))


def test_json_forms_categories_become_steps_and_labels_titles(tmp_path: Path) -> None:
    imported = from_jsonforms(JF_SCHEMA, JF_UI, form_id="straatfeest")
    form = passes_check(imported, tmp_path)
    assert [(s.title, s.id) for s in form.steps] == [
        ("Wie bent u?", "wie-bent-u"),
        ("Het feest", "het-feest"),
    ]
    schema = imported.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["x-formkit"]["prefix"] == "SVES"  # Subsidie Voor Een Straatfeest
    assert schema["properties"]["firstName"]["title"] == "Voornaam"
    assert schema["properties"]["plan"]["x-formkit"] == {"widget": "textarea"}
    assert schema["properties"]["budget"] == {"$ref": "#/$defs/amount"}  # draft-07 spelling


def test_a_show_rule_becomes_if_then_and_the_pages_ask_it_only_then(tmp_path: Path) -> None:
    imported = from_jsonforms(JF_SCHEMA, JF_UI, form_id="straatfeest")
    form = passes_check(imported, tmp_path)
    assert "musicHours" not in imported.schema["properties"]
    assert imported.schema["allOf"] == [
        {
            "if": {"properties": {"hasMusic": {"const": True}}, "required": ["hasMusic"]},
            "then": {
                "properties": {
                    "musicHours": {"type": "integer", "minimum": 1, "title": "Hoeveel uur muziek?"}
                },
                "required": ["musicHours"],
            },
        }
    ]
    base = {"firstName": "An", "lastName": "Peeters", "plan": "Een buurtfeest."}
    assert formkit.validate(form, {**base, "hasMusic": False}, now=NOW) == []
    missing = formkit.validate(form, {**base, "hasMusic": True}, now=NOW)
    assert [p.pointer for p in missing] == ["/musicHours"]


def test_json_forms_says_what_it_could_not_carry_over() -> None:
    notes = from_jsonforms(JF_SCHEMA, JF_UI, form_id="straatfeest").notes
    assert "/plan: no title; made 'Plan' from the name" in notes  # no label in the UI either
    assert "a Label ('Vertel ons over het feest.') is static text: not carried over" in notes
    assert "/budget: a rule DISABLE is not carried over; the field is always asked" in notes


def test_rjsf_order_titles_help_and_widgets_are_carried_over(tmp_path: Path) -> None:
    imported = from_rjsf(RJSF_SCHEMA, RJSF_UI, form_id="melding")
    form = passes_check(imported, tmp_path)
    schema = imported.schema
    assert list(schema["properties"]) == ["kind", "name", "notes", "secret", "organiser"]
    assert schema["properties"]["kind"]["title"] == "Soort"
    assert schema["properties"]["kind"]["x-formkit"] == {
        "help": "Kies wat het meest past.",
        "widget": "radio",
    }
    assert schema["properties"]["notes"]["x-formkit"] == {"widget": "textarea"}
    assert schema["properties"]["organiser"]["properties"]["email"]["title"] == "E-mailadres"
    assert schema["dependentRequired"] == {"notes": ["kind"]}
    # The loose fields first, the object a step of its own.
    assert [s.title for s in form.steps] == ["Melding van een evenement", "Organisator"]


def test_rjsf_says_what_it_could_not_carry_over() -> None:
    notes = from_rjsf(RJSF_SCHEMA, RJSF_UI, form_id="melding").notes
    assert "/notes: ui:placeholder is not carried over" in notes
    assert "/secret: widget 'password' has no formkit equivalent; the default is used" in notes
    assert "/kind: no title; made 'Kind' from the name" not in notes  # ui:title gave one


def test_the_command_prints_the_form_and_the_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = write_json(tmp_path / "schema.json", RJSF_SCHEMA)
    ui = write_json(tmp_path / "ui.json", RJSF_UI)
    with pytest.raises(SystemExit) as done:
        main(["import", "--from", "rjsf", str(schema), str(ui), "--id", "melding"])
    out, err = capsys.readouterr()
    assert done.value.code == 0
    assert json.loads(out)["title"] == "Melding van een evenement"
    assert "formkit import: /secret: widget 'password'" in err


def test_an_unreadable_source_is_said_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "schema.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["import", "--from", "jsonforms", str(broken), "--id", "x-form"])
    assert done.value.code == 2
    assert f"formkit import: {broken}:" in capsys.readouterr().err


def test_a_form_that_does_not_pass_check_yet_says_why_with_exit_code_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pattern = {
        "title": "Code",
        "type": "object",
        "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}},
    }
    schema = write_json(tmp_path / "schema.json", pattern)
    with pytest.raises(SystemExit) as done:
        main(["import", "--from", "rjsf", str(schema), "--id", "code"])
    assert done.value.code == 1
    err = capsys.readouterr().err
    assert "the form does not pass check yet" in err
    assert "has a pattern: give examples that match it" in err


# A wizard as Form.io and Open Forms export one: pages, layout, a grid, a file, a condition.
FORMIO: dict[str, Any] = {
    "display": "wizard",
    "title": "Aanvraag parkeerkaart",
    "components": [
        {
            "type": "panel",
            "title": "Uw gegevens",
            "key": "page1",
            "components": [
                {"type": "content", "key": "intro", "html": "<p>Welkom</p>"},
                {
                    "type": "columns",
                    "key": "names",
                    "columns": [
                        {
                            "components": [
                                {
                                    "type": "textfield",
                                    "key": "voornaam",
                                    "label": "Voornaam",
                                    "validate": {"required": True, "maxLength": 100},
                                }
                            ]
                        },
                        {
                            "components": [
                                {
                                    "type": "textfield",
                                    "key": "achternaam",
                                    "label": "Achternaam",
                                    "validate": {"required": True},
                                }
                            ]
                        },
                    ],
                },
                {
                    "type": "email",
                    "key": "email",
                    "label": "E-mailadres",
                    "tooltip": "We mailen de kaart.",
                },
                {"type": "phoneNumber", "key": "telefoon", "label": "Telefoon"},
            ],
        },
        {
            "type": "panel",
            "title": "Uw wagens",
            "key": "page2",
            "components": [
                {
                    "type": "radio",
                    "key": "soort",
                    "label": "Soort kaart",
                    "values": [
                        {"label": "Bewoner", "value": "bewoner"},
                        {"label": "Bezoeker", "value": "bezoeker"},
                    ],
                    "validate": {"required": True},
                },
                {
                    "type": "number",
                    "key": "aantalDagen",
                    "label": "Aantal dagen",
                    "validate": {"required": True, "min": 1, "max": 30, "integer": True},
                    "conditional": {"show": True, "when": "soort", "eq": "bezoeker"},
                },
                {
                    "type": "datagrid",
                    "key": "wagens",
                    "label": "Wagens",
                    "components": [
                        {
                            "type": "textfield",
                            "key": "nummerplaat",
                            "label": "Nummerplaat",
                            "validate": {"required": True},
                        }
                    ],
                },
                {"type": "file", "key": "inschrijving", "label": "Inschrijvingsbewijs"},
                {"type": "signature", "key": "handtekening", "label": "Handtekening"},
                {"type": "button", "key": "submit", "label": "Verzenden"},
            ],
        },
    ],
}


def test_a_form_io_wizard_becomes_steps_fields_a_group_and_a_condition(tmp_path: Path) -> None:
    shutil.copytree(SCHEMAS / "defs", tmp_path / "defs")  # the file slot's reference
    imported = from_formio(FORMIO, form_id="parkeerkaart")
    form = passes_check(imported, tmp_path)
    assert [(s.title, tuple(f.name for f in s.fields)) for s in form.steps] == [
        ("Uw gegevens", ("voornaam", "achternaam", "email", "telefoon")),
        ("Uw wagens", ("soort", "aantalDagen", "wagens", "inschrijving")),
    ]
    schema = imported.schema
    assert schema["required"] == ["voornaam", "achternaam", "soort"]
    assert schema["properties"]["voornaam"] == {
        "title": "Voornaam",
        "type": "string",
        "maxLength": 100,
    }
    assert schema["properties"]["email"]["x-formkit"] == {"help": "We mailen de kaart."}
    assert schema["properties"]["soort"]["oneOf"][1] == {"const": "bezoeker", "title": "Bezoeker"}
    assert (
        schema["properties"]["wagens"]["items"]["properties"]["nummerplaat"]["title"]
        == "Nummerplaat"
    )
    assert schema["properties"]["inschrijving"]["$ref"] == "defs/bijlage.json"
    base = {"voornaam": "An", "achternaam": "Peeters", "wagens": [{"nummerplaat": "1-ABC-123"}]}
    assert formkit.validate(form, {**base, "soort": "bewoner"}, now=NOW) == []
    visitor = formkit.validate(form, {**base, "soort": "bezoeker"}, now=NOW)
    assert [p.pointer for p in visitor] == ["/aantalDagen"]  # asked for a visitor only
    too_long = formkit.validate(form, {**base, "soort": "bezoeker", "aantalDagen": 31}, now=NOW)
    assert [p.code for p in too_long] == ["maximum"]


def test_form_io_says_what_it_could_not_carry_over() -> None:
    notes = from_formio(FORMIO, form_id="parkeerkaart").notes
    assert "/: static content (content) is not carried over" in notes
    assert "/handtekening: a 'signature' component is not carried over" in notes
    assert "/inschrijving: a file slot: PDF, JPEG or PNG up to 10 MB; adjust `attachment`" in notes
