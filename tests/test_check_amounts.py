"""`formkit check` refuses a computing rule that reads what the form does not ask as a number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write_json
from tests.test_cli import run

import formkit


def _form(**rule: Any) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Proef",
        "type": "object",
        "x-formkit": {
            "prefix": "PRF",
            "steps": [{"id": "een", "title": "Een", "properties": ["kosten", "gevraagd"]}],
            "rules": [
                {
                    "id": "regel",
                    "kind": "compare",
                    "field": "/gevraagd",
                    "left": {"field": "/gevraagd"},
                    "operator": "<=",
                    "right": {"sum": "/kosten/*/bedrag"},
                    "message": "U vraagt {left} euro; de kosten zijn {right} euro.",
                    **rule,
                }
            ],
        },
        "properties": {
            "kosten": {
                "title": "Kosten",
                "type": "array",
                "items": {
                    "title": "Kost",
                    "type": "object",
                    "properties": {
                        "omschrijving": {"title": "Omschrijving", "type": "string"},
                        "bedrag": {"title": "Bedrag", "type": "number"},
                    },
                },
            },
            "gevraagd": {"title": "Gevraagd bedrag", "type": "number"},
        },
    }


def _problems(tmp_path: Path, form: dict[str, Any]) -> list[str]:
    path = write_json(tmp_path / "proef.json", form)
    with pytest.raises(formkit.FormError) as caught:
        formkit.load_form(path)
    prefix = f"{path}:"
    return [str(p).removeprefix(prefix) for p in caught.value.problems]


def test_a_well_formed_rule_passes(tmp_path: Path) -> None:
    form = formkit.load_form(write_json(tmp_path / "proef.json", _form()))
    assert [r.rule.id for r in form.rules] == ["regel"]


R = "/x-formkit/rules/0"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            {"right": {"sum": "/kosten/*/prijs"}},
            f"{R}/right/sum: no field at /kosten/*/prijs",
        ),
        (
            {"right": {"sum": "/kosten/*/omschrijving"}},
            f"{R}/right/sum: /kosten/*/omschrijving is not a number field (type number or integer)",
        ),
        (
            {"right": {"sum": "/gevraagd"}},
            f"{R}/right/sum: a sum adds up the rows of a repeatable group: /gevraagd has no '*'",
        ),
        (
            {"left": {"field": "/kosten/*/bedrag"}},
            f"{R}/left/field: /kosten/*/bedrag is a field of every row: add the rows up with 'sum'",
        ),
        (
            {"left": {"field": "/onbekend"}},
            f"{R}/left/field: no field at /onbekend",
        ),
        (
            {"right": {"minus": [{"sum": "/kosten/*/bedrag"}, {"field": "/kosten"}]}},
            f"{R}/right/minus/1/field: /kosten is not a number field (type number or integer)",
        ),
        (
            {"message": "U vraagt {gevraagd} euro."},
            f"{R}/message: the message shows {{gevraagd}}: no amount of this rule is named "
            "'gevraagd'",
        ),
        (
            {"left": {"field": "/gevraagd", "name": "right"}},
            f"{R}/left/name: the name 'right' is already taken in this rule",
        ),
        (
            {"left": {"field": "/gevraagd", "title": "Gevraagd"}},
            f"{R}/left/title: only a sum has a total for the pages to show with a title",
        ),
        (
            {"field": "/nergens"},
            f"{R}/field: no field at /nergens",
        ),
    ],
)
def test_a_rule_that_reads_no_number_is_refused_where_it_says_so(
    tmp_path: Path, rule: dict[str, Any], expected: str
) -> None:
    assert _problems(tmp_path, _form(**rule)) == [expected]


@pytest.mark.parametrize(
    ("rule", "where"),
    [
        ({"left": {"field": "/gevraagd", "sum": "/kosten/*/bedrag"}}, f"{R}/left"),
        ({"left": {"name": "niets"}}, f"{R}/left"),
        ({"left": {"field": None}}, f"{R}/left"),
        ({"operator": "!="}, f"{R}/operator"),
        ({"right": {"plus": [1]}}, f"{R}/right"),
        ({"right": "450"}, f"{R}/right"),
    ],
)
def test_an_amount_is_exactly_one_thing_says_the_meta_schema(
    tmp_path: Path, rule: dict[str, Any], where: str
) -> None:
    problems = _problems(tmp_path, _form(**rule))
    assert problems
    assert all(p.startswith(where) for p in problems), problems


def test_check_on_the_command_line_names_file_pointer_and_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_json(tmp_path / "proef.json", _form(right={"sum": "/kosten/*/omschrijving"}))
    status, out, _ = run(capsys, "check", str(path))
    assert status == 1
    assert out == (
        f"{path}:{R}/right/sum: /kosten/*/omschrijving is not a number field "
        "(type number or integer)\n"
    )
