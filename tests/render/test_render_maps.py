"""A map (an object of keys the citizen names: `additionalProperties` or one pattern of
`patternProperties` as the value schema) is a row per key: the key in a text input, then its
value's control. Rows are added, renamed and removed without a script; nothing typed is lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.conftest import NOW, write_json
from tests.render.browser import post, through_the_pages
from tests.render.conftest import CTX

import formkit
from formkit import Kind
from formkit.render import Renderer, decode_step, element_id, problems_for_step
from formkit.render._names import key_name

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Proef",
    "type": "object",
    "x-formkit": {
        "prefix": "PRF",
        "steps": [{"id": "een", "title": "Een", "properties": ["tarieven", "contacten"]}],
    },
    "properties": {
        "tarieven": {
            "title": "Tarieven",
            "type": "object",
            "maxProperties": 3,
            "propertyNames": {"title": "Soort ticket", "minLength": 1, "maxLength": 30},
            "additionalProperties": {"title": "Prijs", "type": "number", "minimum": 0},
        },
        "contacten": {
            "title": "Contacten",
            "type": "object",
            "patternProperties": {
                "^[A-Z][a-z]+$": {
                    "title": "Contact",
                    "type": "object",
                    "required": ["telefoon"],
                    "properties": {"telefoon": {"title": "Telefoon", "type": "string"}},
                }
            },
            "additionalProperties": False,
        },
    },
}
FILLED = {
    "tarieven": {"Volwassene": 12.5, "Kind": 5},
    "contacten": {"Anna": {"telefoon": "015 12 34 56"}},
}


@pytest.fixture
def form(tmp_path: Path) -> formkit.Form:
    return formkit.load_form(write_json(tmp_path / "proef.json", SCHEMA))


def _renamed(html: str, renames: dict[str, str]) -> list[tuple[str, str]]:
    return [(name, renames.get(name, value)) for name, value in post(html)]


def test_a_row_per_key_with_the_key_and_its_value(form: formkit.Form, renderer: Renderer) -> None:
    tarieven = form.field("/tarieven")
    assert tarieven is not None
    assert tarieven.kind is Kind.MAP
    assert form.field("/tarieven/Kind") is tarieven.children[0]
    assert form.field("/contacten/Anna/telefoon") is not None
    html = renderer.step(form, "een", FILLED, [], CTX)
    assert [pair for pair in post(html) if pair[0].startswith("/tarieven")] == [
        ("/tarieven/Volwassene#sleutel", "Volwassene"),
        ("/tarieven/Volwassene", "12,5"),
        ("/tarieven/Kind#sleutel", "Kind"),
        ("/tarieven/Kind", "5"),
    ]
    assert "Soort ticket" in html
    assert "Prijs 2</h" in html or "Prijs 2</legend>" in html
    assert through_the_pages(renderer, form, FILLED, CTX) == FILLED


@pytest.mark.parametrize(
    ("renames", "expected"),
    [
        ({"/tarieven/Volwassene#sleutel": "Senior"}, {"Senior": 12.5, "Kind": 5}),
        # a key another row keeps: the renamed row keeps its own, nothing is lost
        ({"/tarieven/Volwassene#sleutel": "Kind"}, {"Volwassene": 12.5, "Kind": 5}),
        (
            {"/tarieven/Volwassene#sleutel": "Kind", "/tarieven/Kind#sleutel": "Volwassene"},
            {"Kind": 12.5, "Volwassene": 5},
        ),
    ],
)
def test_a_key_is_renamed_as_typed_and_never_overwrites_another(
    form: formkit.Form, renderer: Renderer, renames: dict[str, str], expected: dict[str, Any]
) -> None:
    html = renderer.step(form, "een", FILLED, [], CTX)
    decoded = decode_step(form, "een", _renamed(html, renames), {})
    assert decoded.answers["tarieven"] == expected
    refused = list(renames.values()) == ["Kind"]
    assert [(n.pointer, n.message) for n in decoded.notes] == (
        [
            (
                "/tarieven/Volwassene#sleutel",
                "Soort ticket Kind staat al in een andere rij. Kies een andere.",
            )
        ]
        if refused
        else []
    )
    if refused:  # said at the key's input, which the summary links to
        page = renderer.step(form, "een", decoded.answers, list(decoded.notes), CTX)
        key = element_id(key_name("/tarieven/Volwassene"))
        assert f'href="#{key}"' in page
        assert 'class="fk-error-message" id="' + key + '--fout"' in page


def test_rows_are_added_one_blank_at_a_time_and_removed(
    form: formkit.Form, renderer: Renderer
) -> None:
    html = renderer.step(form, "een", FILLED, [], CTX)
    added = decode_step(form, "een", post(html, "toevoegen:/tarieven"), {})
    assert added.answers["tarieven"] == {"Volwassene": 12.5, "Kind": 5, "": None}
    assert added.anchor == "fk-tarieven-_"
    again = renderer.step(form, "een", added.answers, [], CTX)
    assert 'value="toevoegen:/tarieven"' not in again  # at its maximum of three
    typed = _renamed(again, {"/tarieven/#sleutel": "Senior", "/tarieven/": "7"})
    assert decode_step(form, "een", typed, {}).answers["tarieven"] == {
        "Volwassene": 12.5,
        "Kind": 5,
        "Senior": 7,
    }
    blank = decode_step(form, "een", post(again), {})  # left blank: no row
    assert blank.answers["tarieven"] == {"Volwassene": 12.5, "Kind": 5}
    removed = decode_step(form, "een", post(html, "verwijderen:/tarieven/Kind"), {})
    assert removed.answers["tarieven"] == {"Volwassene": 12.5}
    assert removed.anchor == "fk-tarieven"


def test_a_message_about_a_value_shows_at_its_row(form: formkit.Form, renderer: Renderer) -> None:
    document = {"contacten": {"Anna": {}}}
    problems = problems_for_step(form, "een", formkit.validate(form, document, now=NOW))
    assert [p.pointer for p in problems] == ["/contacten/Anna/telefoon"]
    html = renderer.step(form, "een", document, problems, CTX)
    assert 'id="fk-contacten-Anna-telefoon--fout"' in html
    assert 'href="#fk-contacten-Anna-telefoon"' in html


def test_the_overzicht_labels_each_value_with_its_key(
    form: formkit.Form, renderer: Renderer
) -> None:
    html = renderer.review(form, FILLED, CTX)
    for shown in ("Tarieven", "Volwassene", "12,5", "Kind", "Anna", "015 12 34 56"):
        assert shown in html


def test_the_name_formkit_keeps_for_a_choice_is_no_key(
    form: formkit.Form, renderer: Renderer
) -> None:
    html = renderer.step(form, "een", FILLED, [], CTX)
    decoded = decode_step(form, "een", _renamed(html, {"/tarieven/Kind#sleutel": "#keuze"}), {})
    assert decoded.answers["tarieven"] == {"Volwassene": 12.5, "Kind": 5}
    (note,) = decoded.notes
    assert note.pointer == "/tarieven/Kind#sleutel"
    assert (
        note.message
        == "Soort ticket #keuze kan niet: formkit gebruikt die naam zelf. Kies een andere."
    )


def test_hostile_names_and_keys_are_read_as_keys_or_said_and_lose_nothing(
    form: formkit.Form,
) -> None:
    long_key = "k" * 10_000
    posted = [
        ("/tarieven/a~1b#sleutel", "a/b"),  # an escaped slash: one key, one row
        ("/tarieven/a~1b", "1"),
        ("/tarieven/x/y#sleutel", "nested"),  # not a row of this map: ignored
        ("/tarieven/Kind#sleutel", "Kind"),
        ("/tarieven/Kind#sleutel", "Tweede"),  # posted twice: the first counts
        ("/tarieven/Kind", "5"),
        ("/tarieven/#keuze#sleutel", "#keuze"),  # the choice's name as a row: no key
        ("/tarieven/#keuze", "2"),
        (f"/tarieven/{long_key}#sleutel", "\u202eevil"),  # bidi kept exactly, as every answer
        (f"/tarieven/{long_key}", "3"),
    ]
    decoded = decode_step(form, "een", posted, {})
    assert decoded.answers["tarieven"] == {"a/b": 1, "Kind": 5, "": 2, "\u202eevil": 3}
    assert [n.code for n in decoded.notes] == ["reservedKey"]
    problems = formkit.validate(form, decoded.answers, now=NOW)
    assert problems  # a blank key and four keys where three may be: said, not lost


def test_a_key_refused_by_its_rules_is_said_at_its_input(
    form: formkit.Form, renderer: Renderer
) -> None:
    document = {
        "tarieven": {"": 3, "x" * 31: 4},
        "contacten": {"anna": {"telefoon": "015 12 34 56"}},  # the pattern asks a capital
    }
    problems = problems_for_step(form, "een", formkit.validate(form, document, now=NOW))
    assert [(p.pointer, p.message) for p in problems] == [
        ("/tarieven/", "Soort ticket: vul minstens 1 tekens in."),
        ("/tarieven/" + "x" * 31, "Soort ticket: gebruik hoogstens 30 tekens."),
        ("/contacten/anna", "Naam: deze kan hier niet; kies een andere."),
    ]
    html = renderer.step(form, "een", document, problems, CTX)
    for row in ("/tarieven/", "/contacten/anna"):
        key = element_id(key_name(row))
        assert f'href="#{key}"' in html
        assert f'id="{key}--fout"' in html
