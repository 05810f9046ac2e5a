"""An address abroad on the pages: the fields of the chosen country, back as the same answers,
and on the review page as a postal address of that country."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import NOW, answers
from tests.render.browser import conditions_table, post
from tests.render.conftest import CTX

import formkit
from formkit.render import Renderer, decode_step, problems_for_step, prune

ADDRESS = "/verantwoordelijke/adres"


def _through_the_pages(renderer: Renderer, form: formkit.Form, document: Any) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for step in form.steps:
        page = renderer.step(form, step.id, document, [], CTX)
        decoded = decode_step(form, step.id, post(page), decoded).answers
    return decoded


def _when(page: str, name: str) -> list[list[dict[str, Any]]]:
    """The conditions the page script shows the field named `name` under."""
    found = re.search(
        rf'data-fk-when="(\d+)">\n<label[^>]*>[^<]*(?:<span[^>]*>[^<]*</span>)?</label>\n'
        rf'(?:<div class="fk-hint"[^>]*>.*?</div>)?<input[^>]*name="{re.escape(name)}"',
        page,
    )
    assert found, f"{name} has no conditions"
    conditions: list[list[dict[str, Any]]] = conditions_table(page)[int(found.group(1))]
    return conditions


def test_an_address_abroad_comes_back_unchanged_through_the_pages(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    document = answers("evenement", "valid-buitenland")
    assert document["verantwoordelijke"]["adres"]["land"] == "NL"
    assert _through_the_pages(renderer, forms["evenement"], document) == document


def test_the_page_offers_the_country_and_the_fields_of_each_with_their_condition(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    page = renderer.step(forms["evenement"], "organisator", {}, [], CTX)
    country = re.search(rf'<input [^>]*name="{ADDRESS}/land"[^>]*>', page)
    assert country, "the country is a text input"
    assert 'list="fk-keuzes-' in country.group(0)
    assert 'autocomplete="country-name"' in country.group(0)
    assert "<option>Nederland<option>" in page
    assert 'data-fk-values=\'["BE","AF",' in page  # the value of each name, in order
    belgian = [
        {"scope": ADDRESS, "expect": True, "test": {"properties": {"land": {"const": "BE"}}}}
    ]
    abroad = [{**belgian[0], "expect": False}]
    for name in ("straat", "huisnummer", "bus", "postcode", "gemeente"):
        assert _when(page, f"{ADDRESS}/{name}") == [belgian]
    for name in ("adresregel1", "adresregel2", "buitenlandsePostcode", "plaats"):
        assert _when(page, f"{ADDRESS}/{name}") == [abroad]
    # Without the script both groups show: the address says which applies when.
    assert "Voor een adres in België vult u de straat" in page
    assert "Voor een adres buiten België: de straat en het huisnummer" in page


def test_a_belgian_address_typed_before_choosing_another_country_is_not_kept(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    page = renderer.step(form, "organisator", answers("evenement", "valid-full"), [], CTX)
    typed = {
        f"{ADDRESS}/land": "NL",
        f"{ADDRESS}/adresregel1": "Keizersgracht 112",
        f"{ADDRESS}/plaats": "Amsterdam",
    }
    posted = [(name, typed.get(name, value)) for name, value in post(page)]
    decoded = decode_step(form, "organisator", posted, {}).answers
    assert prune(form, decoded)["verantwoordelijke"]["adres"] == {
        "land": "NL",
        "adresregel1": "Keizersgracht 112",
        "plaats": "Amsterdam",
    }


def test_choosing_another_country_asks_for_the_lines_and_the_place(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    document = answers("evenement", "valid-buitenland")
    document["verantwoordelijke"]["adres"] = {"land": "FR"}
    problems = problems_for_step(
        form, "organisator", formkit.validate(form, prune(form, document), now=NOW)
    )
    page = renderer.step(form, "organisator", document, problems, CTX)
    assert [p.pointer for p in problems] == [f"{ADDRESS}/adresregel1", f"{ADDRESS}/plaats"]
    assert "Vul de eerste adresregel in: de straat en het huisnummer." in page
    assert re.search(rf'name="{ADDRESS}/land" type="text" value="Frankrijk"', page)


def test_the_review_prints_each_address_as_a_postal_address_of_its_country(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    belgian = renderer.review(form, answers("evenement", "valid-full"), CTX)
    assert ">\nPutsesteenweg 118 bus 2, 2820 Bonheiden</dd>" in belgian
    assert ">\nVeemarkt 1, 2800 Mechelen</dd>" in belgian  # the place of the event
    abroad = renderer.review(form, answers("evenement", "valid-buitenland"), CTX)
    assert (
        '<dd class="fk-summary__value fk-summary__value--long">\n'
        "Keizersgracht 112\n3e verdieping\n1015 CJ AMSTERDAM\nNEDERLAND</dd>"
    ) in abroad
    assert "Adresregel" not in abroad  # the address as a whole, not field by field


def test_a_country_is_typed_by_its_name_in_any_case_or_by_its_code(
    forms: dict[str, formkit.Form],
) -> None:
    form = forms["evenement"]
    for typed, meant in [
        ("Nederland", "NL"),
        ("  nederland ", "NL"),
        ("Belgie", "BE"),
        ("BELGIË", "BE"),
        ("fr", "FR"),
        ("Åland", "AX"),
        ("aland", "AX"),
    ]:
        decoded = decode_step(form, "organisator", [(f"{ADDRESS}/land", typed)], {}).answers
        assert decoded["verantwoordelijke"]["adres"]["land"] == meant, typed


def test_a_name_that_is_no_country_is_refused_at_the_field_and_shown_back(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    document = answers("evenement", "valid-buitenland")
    page = renderer.step(form, "organisator", document, [], CTX)
    posted = [(n, "Narnia" if n == f"{ADDRESS}/land" else v) for n, v in post(page)]
    decoded = decode_step(form, "organisator", posted, {}).answers
    assert decoded["verantwoordelijke"]["adres"]["land"] == "Narnia"  # kept as typed
    problems = problems_for_step(
        form, "organisator", formkit.validate(form, prune(form, decoded), now=NOW)
    )
    assert [p.pointer for p in problems] == [f"{ADDRESS}/land"]
    again = renderer.step(form, "organisator", decoded, problems, CTX)
    assert re.search(rf'name="{ADDRESS}/land" type="text" value="Narnia"', again)
    assert 'aria-invalid="true"' in again


def test_every_address_of_a_page_shares_one_list_of_countries(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bewonersinitiatief"]
    page = renderer.step(
        form, "initiatiefnemers", answers("bewonersinitiatief", "valid-full"), [], CTX
    )
    inputs = re.findall(r'<input [^>]*name="/initiatiefnemers/\d+/adres/land"[^>]*>', page)
    assert len(inputs) >= 2
    assert page.count("<datalist") == 1
    assert "<select" not in page
