"""A page of some answers only, as a completion asks: which places, their controls, decoding."""

from __future__ import annotations

import pytest
from tests.conftest import answers
from tests.render.browser import post
from tests.render.conftest import CTX

import formkit
from formkit.forms._problems import Problem
from formkit.render import Renderer, asked_places, decode_fields

FULL = answers("bouwaanvraag", "valid-full")
VALUES = {"number": "BAV-2026-000001", "message": ["Wat ontbreekt."], "asked": "vandaag"}


@pytest.fixture(scope="module")
def form(forms: dict[str, formkit.Form]) -> formkit.Form:
    return forms["bouwaanvraag"]


@pytest.mark.parametrize(
    ("pointers", "places"),
    [
        (("/werken/omschrijving",), ("/werken/omschrijving",)),
        (  # every row's field, in the rows the answers have
            ("/aanvragers/personen/*/email",),
            ("/aanvragers/personen/0/email", "/aanvragers/personen/1/email"),
        ),
        (
            ("/aanvragers/personen/1/email", "/aanvragers/personen/7/email"),
            ("/aanvragers/personen/1/email",),
        ),
        (("/ligging/percelen/1",), ("/ligging/percelen",)),  # a row: its group
        (("/bijlagen/plannen/0",), ("/bijlagen/plannen",)),  # one file: its slot
        (("/bijlagen", "/bijlagen/fotos", "/werken/hoogte"), ("/werken/hoogte", "/bijlagen")),
        (("/bestaat-niet", "geen pointer", "", "/werken/omschrijving/x"), ()),
    ],
)
def test_the_page_asks_for_the_places_the_city_named(
    form: formkit.Form, pointers: tuple[str, ...], places: tuple[str, ...]
) -> None:
    assert asked_places(form, pointers, FULL) == places


def test_without_named_places_the_page_asks_for_the_files(form: formkit.Form) -> None:
    assert asked_places(form, (), FULL) == tuple(s.pointer for s in form.attachment_slots)


def test_a_page_of_some_answers_posts_back_exactly_those_answers(
    form: formkit.Form, renderer: Renderer
) -> None:
    places = ("/aanvragers/personen/1/adres", "/werken/omschrijving")
    html = renderer.completion(form, places, FULL, [], CTX, **VALUES)
    posted = post(html)
    names = {name for name, _ in posted if name.startswith("/")}
    assert names == {
        "/aanvragers/personen/1/adres/land",
        "/aanvragers/personen/1/adres/straat",
        "/aanvragers/personen/1/adres/huisnummer",
        "/aanvragers/personen/1/adres/bus",
        "/aanvragers/personen/1/adres/postcode",
        "/aanvragers/personen/1/adres/gemeente",
        "/aanvragers/personen/1/adres/adresregel1",  # an address abroad: without a script
        "/aanvragers/personen/1/adres/adresregel2",  # the fields of both countries show
        "/aanvragers/personen/1/adres/buitenlandsePostcode",
        "/aanvragers/personen/1/adres/plaats",
        "/werken/omschrijving",
    }
    assert decode_fields(form, places, posted, FULL).answers == FULL  # the inverse

    changed = [(n, "Hoogstraat" if n.endswith("/straat") else v) for n, v in posted]
    decoded = decode_fields(form, places, changed, FULL).answers
    assert decoded["aanvragers"]["personen"][1]["adres"]["straat"] == "Hoogstraat"
    assert decoded["aanvragers"]["personen"][0] == FULL["aanvragers"]["personen"][0]


def test_rows_are_added_only_within_the_asked_places(
    form: formkit.Form, renderer: Renderer
) -> None:
    places = ("/ligging/percelen",)
    html = renderer.completion(form, places, FULL, [], CTX, **VALUES)
    added = decode_fields(form, places, post(html, "toevoegen:/ligging/percelen"), FULL)
    assert added.action.stays
    assert len(added.answers["ligging"]["percelen"]) == 3
    elsewhere = [("_actie", "toevoegen:/ligging/percelen")]
    outside = decode_fields(form, ("/werken/omschrijving",), elsewhere, FULL)
    assert not outside.action.stays
    assert outside.answers["ligging"] == FULL["ligging"]


def test_a_problem_elsewhere_is_listed_without_a_link(
    form: formkit.Form, renderer: Renderer
) -> None:
    problems = [
        Problem("/werken/omschrijving", "required", "Beschrijf de werken."),
        Problem("/ligging/adres/postcode", "format", "Vul een Belgische postcode in."),
    ]
    html = renderer.completion(form, ("/werken/omschrijving",), {}, problems, CTX, **VALUES)
    assert '<a href="#fk-werken-omschrijving">Beschrijf de werken.</a>' in html
    assert "<li>Adres van de werken: vul een Belgische postcode in.</li>" in html
    assert "kunt u op deze pagina niet aanpassen" in html
