import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import FORM_IDS, SCHEMAS, write_json

import formkit
from formkit.forms._scaffold import scaffold


def _problems(path: Path) -> list[str]:
    with pytest.raises(formkit.FormError) as caught:
        formkit.load_form(path)
    return [str(p) for p in caught.value.problems]


def _minimal_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Proef",
        "type": "object",
        "x-formkit": {
            "prefix": "PRF",
            "steps": [{"id": "een", "title": "Een", "properties": ["naam", "datum"]}],
        },
        "required": ["naam"],
        "properties": {
            "naam": {"title": "Naam", "type": "string"},
            "datum": {"title": "Datum", "type": "string", "format": "date"},
        },
    }
    form.update(changes)
    return form


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_city_forms_load_with_steps_fields_and_a_version(
    forms: dict[str, formkit.Form], form_id: str
) -> None:
    form = forms[form_id]
    assert form.id == form_id
    assert form.version.startswith("sha256:")
    assert len(form.version) == 71
    assert form.steps
    assert all(step.fields for step in form.steps)
    assert {f.name for s in form.steps for f in s.fields} == {f.name for f in form.fields}
    assert form.attachment_slots


def test_form_prefixes_and_signature(forms: dict[str, formkit.Form]) -> None:
    assert [forms[f].prefix for f in FORM_IDS] == ["EVT", "BWI", "BAV"]
    assert [forms[f].signature_required for f in FORM_IDS] == [False, False, True]


def test_version_is_stable_and_follows_shared_definitions(tmp_path: Path) -> None:
    copy = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, copy)
    before = formkit.load_form(copy / "evenement.json").version
    assert formkit.load_form(SCHEMAS / "evenement.json").version == before  # not the path
    address = copy / "defs" / "belgische-adresvelden.json"
    address.write_text(address.read_text().replace('"Straat"', '"Straatnaam"', 1))
    assert formkit.load_form(copy / "evenement.json").version != before


def test_version_ignores_formatting(tmp_path: Path) -> None:
    compact = write_json(tmp_path / "a" / "proef.json", _minimal_form())
    spaced = tmp_path / "b" / "proef.json"
    spaced.parent.mkdir()
    spaced.write_text("\n\n" + compact.read_text().replace(",", " ,\n  "))
    assert formkit.load_form(compact).version == formkit.load_form(spaced).version


def test_broken_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "proef.json"
    path.write_text('{\n  "title": "Proef",\n  "type" "object"\n}\n')
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:/: invalid JSON (line 3, column 10)")


@pytest.mark.parametrize("document", ["true", "[]", '"evenement"', "12"])
def test_a_form_that_is_not_an_object_is_one_clear_problem(tmp_path: Path, document: str) -> None:
    path = tmp_path / "proef.json"
    path.write_text(document)
    assert _problems(path) == [
        f"{path}:/: a form is a JSON object with title, type, properties and x-formkit"
    ]


def test_missing_file_is_one_clear_problem(tmp_path: Path) -> None:
    assert _problems(tmp_path / "nergens.json") == [
        f"{tmp_path / 'nergens.json'}:/: file not found"
    ]


def test_meta_schema_problems_are_all_listed_with_pointers(tmp_path: Path) -> None:
    form = _minimal_form()
    form["x-formkit"]["prefix"] = "evt"
    form["properties"]["naam"]["type"] = "strnig"
    form["properties"]["naam"]["x-formkit"] = {"widgit": "textarea"}
    problems = _problems(write_json(tmp_path / "proef.json", form))
    pointers = sorted(p.split(":")[1] for p in problems)
    assert pointers == ["/properties/naam/type", "/properties/naam/x-formkit", "/x-formkit/prefix"]


def test_model_problems_are_all_listed_in_the_file_that_holds_them(tmp_path: Path) -> None:
    write_json(
        tmp_path / "defs" / "tekst.json", {"type": "string", "pattern": "^[a-z]+$"}
    )  # no title, a pattern without examples
    form = _minimal_form()
    form["properties"]["code"] = {"$ref": "defs/tekst.json"}
    form["properties"]["soort"] = {"title": "Soort", "oneOf": [{"const": "a"}, {"const": "b"}]}
    form["x-formkit"]["steps"][0]["properties"] += ["code", "zonder-stap"]
    form["x-formkit"]["rules"] = [
        {"id": "r", "kind": "leadTime", "field": "/datum2", "minimum": "P1D", "message": "Te laat."}
    ]
    form["allOf"] = [
        {"if": {"properties": {"soort": {"const": "c"}}}, "then": {"required": ["onbekend"]}}
    ]
    path = write_json(tmp_path / "proef.json", form)
    problems = _problems(path)
    assert sorted(problems) == sorted(
        [
            f"{path}:/x-formkit/steps/0/properties/3: no top-level field 'zonder-stap'",
            f"{path}:/properties/soort: field 'soort' is in no step (x-formkit.steps)",
            f"{path}:/properties/soort: choice 0 ('a') of 'soort' has no title",
            f"{path}:/properties/soort: choice 1 ('b') of 'soort' has no title",
            f"{path}:/properties/code: field 'code' has no title",
            f"{path}:/properties/code: 'code' has a pattern: give examples that match it",
            f"{path}:/allOf/0/if: 'Soort' can never be 'c': unreachable",
            f"{path}:/x-formkit/rules/0/field: no field at /datum2",
            f"{path}:/allOf/0/then/required: required field 'onbekend' is not declared",
        ]
    )


def test_a_pattern_that_is_no_regular_expression_is_a_problem_not_a_crash(
    tmp_path: Path,
) -> None:
    form = _minimal_form()
    form["properties"]["naam"].update(pattern="(", examples=["x"])
    path = write_json(tmp_path / "proef.json", form)
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:/properties/naam/pattern: ")


def test_unresolvable_ref_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    form = _minimal_form()
    form["properties"]["adres"] = {"$ref": "defs/adres.json", "title": "Adres"}
    (problem,) = _problems(write_json(tmp_path / "proef.json", form))
    assert "defs/adres.json" in problem
    assert "not found" in problem


def test_ref_outside_the_schemas_folder_is_refused(tmp_path: Path) -> None:
    write_json(tmp_path / "geheim.json", {"type": "string"})
    form = _minimal_form()
    form["properties"]["naam"] = {"$ref": "../geheim.json", "title": "Naam"}
    (problem,) = _problems(write_json(tmp_path / "forms" / "proef.json", form))
    assert "outside the schemas folder" in problem


def test_scaffold_passes_the_checks(tmp_path: Path) -> None:
    form = formkit.load_form(scaffold(tmp_path, "terrasvergunning"))
    assert form.prefix == "TER"
    assert [s.id for s in form.steps] == ["aanvrager", "aanvraag"]


@pytest.mark.parametrize(
    ("form_id", "pointer", "question", "options"),
    [
        (
            "evenement",
            "/organisator/soort",
            "Soort organisator",
            [
                "Privépersoon",
                "Vzw (vereniging zonder winstoogmerk)",
                "Feitelijke vereniging",
                "Bedrijf",
            ],
        ),
        (
            "bouwaanvraag",
            "/aanvragers/soort",
            "Soort aanvrager",
            ["Een of meer personen", "Een rechtspersoon (bedrijf, vzw, ...)"],
        ),
    ],
)
def test_each_alternative_is_an_option_labelled_by_its_own_title(
    forms: dict[str, formkit.Form], form_id: str, pointer: str, question: str, options: list[str]
) -> None:
    field = forms[form_id].field(pointer)
    assert field is not None
    assert field.title == question  # the title beside the const names the question
    assert [c.title for c in field.choices] == options


def test_an_alternative_without_a_title_is_named_by_the_checks(tmp_path: Path) -> None:
    form = _minimal_form()
    form["properties"]["wie"] = {
        "title": "Wie",
        "type": "object",
        "oneOf": [
            {"title": "Persoon", "properties": {"soort": {"const": "persoon"}}},
            {"properties": {"soort": {"title": "Soort", "const": "bedrijf"}}},
        ],
    }
    form["x-formkit"]["steps"][0]["properties"].append("wie")
    path = write_json(tmp_path / "proef.json", form)
    assert _problems(path) == [
        f"{path}:/properties/wie/oneOf: choice 1 ('bedrijf') of 'soort' has no title"
    ]


def test_an_alternative_keeps_its_description_as_the_options_hint(
    forms: dict[str, formkit.Form],
) -> None:
    field = forms["evenement"].field("/organisator/soort")
    assert field is not None
    described = {c.value: c.description for c in field.choices if c.description}
    assert list(described) == ["feitelijke-vereniging"]
    assert described["feitelijke-vereniging"].startswith("Een vereniging zonder eigen")
