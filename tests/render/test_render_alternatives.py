"""Alternatives no `const` tells apart: the citizen chooses one by its title (`#keuze`), then
fills its fields. The choice is no answer: the draft keeps it, validation, filing and the
Overzicht never see it; without it the branch is the one the answers belong to."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from tests.conftest import NOW, write_json
from tests.render.browser import post, through_the_pages
from tests.render.conftest import CTX

import formkit
from formkit import Kind
from formkit.filing.filer import Filer
from formkit.render import Renderer, decode_step, prune

CHOICE = "/antwoord/#keuze"
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Proef",
    "type": "object",
    "required": ["antwoord"],
    "x-formkit": {
        "prefix": "PRF",
        "steps": [{"id": "een", "title": "Een", "properties": ["antwoord"]}],
    },
    "properties": {
        "antwoord": {
            "title": "Hoe wilt u ons antwoord ontvangen?",
            "type": "object",
            "oneOf": [
                {
                    "title": "Per e-mail",
                    "properties": {"email": {"title": "E-mailadres", "type": "string"}},
                    "required": ["email"],
                },
                {
                    "title": "Per post",
                    "properties": {
                        "straat": {"title": "Straat en huisnummer", "type": "string"},
                        "gemeente": {"title": "Postcode en gemeente", "type": "string"},
                    },
                    "required": ["straat", "gemeente"],
                },
            ],
        }
    },
}


@pytest.fixture
def form(tmp_path: Path) -> formkit.Form:
    return formkit.load_form(write_json(tmp_path / "proef.json", SCHEMA))


def _posted(html: str, **values: str) -> list[tuple[str, str]]:
    typed = {f"/antwoord/{name}": value for name, value in values.items()}
    chosen = [(CHOICE, typed.pop(CHOICE))] if CHOICE in typed else []
    return [(name, typed.get(name, value)) for name, value in post(html)] + chosen


def test_the_choice_comes_first_labelled_by_the_branches_and_reveals_their_fields(
    form: formkit.Form, renderer: Renderer
) -> None:
    choice = form.field(CHOICE)
    assert choice is not None
    assert choice.kind is Kind.CHOICE
    assert [c.title for c in choice.choices] == ["Per e-mail", "Per post"]
    html = renderer.step(form, "een", {}, [], CTX)
    assert html.index('name="/antwoord/#keuze"') < html.index('name="/antwoord/email"')
    assert 'aria-controls="fk-antwoord-_23_keuze--vervolg"' in html
    assert "Alleen als u ‘Per post’ kiest" in html  # said without the script


def test_the_chosen_branch_is_kept_and_the_others_answers_dropped(
    form: formkit.Form, renderer: Renderer
) -> None:
    html = renderer.step(form, "een", {}, [], CTX)
    posted = _posted(html, **{"#keuze": "1", "straat": "Bruul 1", "email": "a@b.be"})
    decoded = decode_step(form, "een", posted, {}).answers
    assert decoded == {"antwoord": {"#keuze": 1, "straat": "Bruul 1"}}
    # the draft keeps the choice; what is validated and filed does not hold it
    assert prune(form, decoded) == {"antwoord": {"straat": "Bruul 1"}}
    (problem,) = formkit.validate(form, decoded, now=NOW)
    assert problem.pointer == "/antwoord/gemeente"
    again = renderer.step(form, "een", decoded, [], CTX)
    assert 'value="1" checked' in again


def test_answers_without_a_choice_show_the_branch_they_belong_to(
    form: formkit.Form, renderer: Renderer
) -> None:
    given = {"antwoord": {"straat": "Bruul 1", "gemeente": "2800 Mechelen"}}
    html = renderer.step(form, "een", given, [], CTX)
    assert 'value="1" checked' in html
    back = through_the_pages(renderer, form, given, CTX)
    assert back == {"antwoord": {"#keuze": 1, **given["antwoord"]}}
    assert prune(form, back) == given
    assert formkit.validate(form, back, now=NOW) == []


def test_the_overzicht_shows_the_branchs_answers_not_the_choice(
    form: formkit.Form, renderer: Renderer
) -> None:
    html = renderer.review(form, {"antwoord": {"#keuze": 0, "email": "an@example.be"}}, CTX)
    assert "an@example.be" in html
    assert "keuze" not in html.split("<main")[1].lower()


def test_alternatives_without_titles_are_refused(tmp_path: Path) -> None:
    schema = {**SCHEMA, "properties": {"antwoord": {**SCHEMA["properties"]["antwoord"]}}}
    schema["properties"]["antwoord"]["oneOf"] = [
        {"properties": {"email": {"title": "E-mail", "type": "string"}}},
        {"properties": {"straat": {"title": "Straat", "type": "string"}}},
    ]
    with pytest.raises(formkit.FormError) as refused:
        formkit.load_form(write_json(tmp_path / "proef.json", schema))
    assert "give each a title" in str(refused.value)


def test_a_choice_is_never_filed_nor_signed(form: formkit.Form) -> None:
    filer = Filer(queue=cast(Any, None), trust=cast(Any, None), clock=lambda: NOW)
    answers = {"antwoord": {"email": "an@example.be"}}
    chosen = {"antwoord": {"#keuze": 0, "email": "an@example.be"}}
    assert filer.data_to_sign(form, chosen, {}) == filer.data_to_sign(form, answers, {})


def test_alternatives_of_the_whole_form_are_asked_where_the_author_lists_the_choice(
    tmp_path: Path, renderer: Renderer
) -> None:
    branches = SCHEMA["properties"]["antwoord"]["oneOf"]
    steps = [{"id": "een", "title": "Een", "properties": ["email", "straat", "gemeente"]}]
    schema = {**SCHEMA, "required": [], "properties": {}, "oneOf": branches}
    schema["x-formkit"] = {"prefix": "PRF", "steps": steps}
    with pytest.raises(formkit.FormError) as refused:
        formkit.load_form(write_json(tmp_path / "proef.json", schema))
    assert "list '#keuze' in the step that asks which applies" in str(refused.value)
    steps[0]["properties"].insert(0, "#keuze")
    form = formkit.load_form(write_json(tmp_path / "proef.json", schema))
    given = {"straat": "Bruul 1", "gemeente": "2800 Mechelen"}
    assert prune(form, through_the_pages(renderer, form, given, CTX)) == given


@pytest.mark.parametrize("forged", ["7", "-1", "Per post", "1.0", "\u202e1"])
def test_a_forged_choice_is_none_and_loses_no_answer(
    form: formkit.Form, renderer: Renderer, forged: str
) -> None:
    html = renderer.step(form, "een", {}, [], CTX)
    posted = _posted(html, **{"#keuze": forged, "straat": "Bruul 1", "gemeente": "2800 Mechelen"})
    decoded = decode_step(form, "een", posted, {}).answers
    # no choice: the answers tell the branch, and nothing typed is dropped
    assert prune(form, decoded) == {"antwoord": {"straat": "Bruul 1", "gemeente": "2800 Mechelen"}}
    assert formkit.validate(form, decoded, now=NOW) == []
