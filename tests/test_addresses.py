"""Addresses in Belgium and abroad (`defs/adres.json`): what the forms accept, and how an
address reads as a postal address on the review page and in letters."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pycountry
import pytest
from tests.conftest import SCHEMAS, answers

import formkit
from formkit.forms._address import postal_lines
from formkit.forms._countries import land_schema
from formkit.handling.letters import addressee
from formkit.receipts import Addressee

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
EVENEMENT = formkit.load_form(SCHEMAS / "evenement.json")
AMSTERDAM = {
    "land": "NL",
    "adresregel1": "Keizersgracht 112",
    "buitenlandsePostcode": "1015 CJ",
    "plaats": "Amsterdam",
}
LONDON = {
    "land": "GB",
    "adresregel1": "10 Downing Street",
    "buitenlandsePostcode": "sw1a 2aa",
    "plaats": "London",
}


def _problems(address: dict[str, Any]) -> list[tuple[str, str, str]]:
    document = answers("evenement", "valid-full")
    document["verantwoordelijke"]["adres"] = address
    found = formkit.validate(EVENEMENT, document, now=NOW)
    return [(p.pointer.removeprefix("/verantwoordelijke/adres"), p.code, p.message) for p in found]


def test_the_committed_countries_are_what_the_libraries_say() -> None:
    committed = json.loads((SCHEMAS / "defs" / "land.json").read_text(encoding="utf-8"))
    assert committed == land_schema(), "regenerate: formkit countries > schemas/defs/land.json"
    codes = [option["const"] for option in committed["oneOf"]]
    assert sorted(codes) == sorted(c.alpha_2 for c in pycountry.countries)
    assert committed["oneOf"][0] == {"const": "BE", "title": "België"}  # the usual one first
    titles = {option["const"]: option["title"] for option in committed["oneOf"]}
    assert (titles["NL"], titles["GB"], titles["KR"]) == (
        "Nederland",
        "Verenigd Koninkrijk",
        "Zuid-Korea",
    )


def test_an_address_without_a_country_is_belgian_and_checked_as_before() -> None:
    belgian = answers("evenement", "valid-full")["verantwoordelijke"]["adres"]
    assert "land" not in belgian
    assert _problems(belgian) == []
    assert _problems({**belgian, "postcode": "280"}) == [
        ("/postcode", "format", "Vul een Belgische postcode in: 4 cijfers, zoals 2800.")
    ]
    foreign_without_country = _problems({"adresregel1": "Keizersgracht 112", "plaats": "X"})
    assert {p[:2] for p in foreign_without_country} >= {
        ("/straat", "required"),
        ("/adresregel1", "unevaluatedProperties"),
    }


def test_belgium_chosen_is_the_same_belgian_address() -> None:
    belgian = answers("evenement", "valid-full")["verantwoordelijke"]["adres"]
    assert _problems({**belgian, "land": "BE"}) == []
    assert _problems({**belgian, "land": "BE", "huisnummer": "twaalf"})[0][:2] == (
        "/huisnummer",
        "pattern",
    )


@pytest.mark.parametrize("address", [AMSTERDAM, LONDON])
def test_an_address_abroad_is_accepted_without_belgian_checks(address: dict[str, str]) -> None:
    assert _problems(address) == []
    without_postal_code = {k: v for k, v in address.items() if k != "buitenlandsePostcode"}
    assert _problems(without_postal_code) == []  # not every country has postal codes


def test_an_address_abroad_asks_for_its_own_fields_and_refuses_belgian_ones() -> None:
    assert _problems({"land": "NL", "straat": "Keizersgracht", "postcode": "1015"}) == [
        ("/straat", "unevaluatedProperties", "Dit veld hoort niet bij het formulier."),
        ("/postcode", "unevaluatedProperties", "Dit veld hoort niet bij het formulier."),
        (
            "/adresregel1",
            "required",
            "Vul de eerste adresregel in: de straat en het huisnummer.",
        ),
        ("/plaats", "required", "Vul de plaats in."),
    ]


def test_a_country_outside_the_list_is_refused() -> None:
    assert _problems({**AMSTERDAM, "land": "XX"}) == [
        ("/land", "const", "Kies een land uit de lijst.")
    ]


def test_a_private_organiser_whose_address_lies_abroad_does_not_live_in_mechelen() -> None:
    document = answers("evenement", "valid-minimal")
    assert document["organisatorInMechelen"] is True
    document["verantwoordelijke"]["adres"] = copy.deepcopy(AMSTERDAM)
    (problem,) = formkit.validate(EVENEMENT, document, now=NOW)
    assert (problem.pointer, problem.code) == ("/organisatorInMechelen", "const")
    assert problem.message.startswith("Het adres van de verantwoordelijke ligt in het buitenland")
    document["organisatorInMechelen"] = False
    assert formkit.validate(EVENEMENT, document, now=NOW) == []


def test_an_organisation_may_be_based_in_mechelen_whoever_is_responsible() -> None:
    document = answers("evenement", "valid-full")
    document["organisatorInMechelen"] = True  # a vzw based in Mechelen
    document["verantwoordelijke"]["adres"] = copy.deepcopy(AMSTERDAM)
    assert formkit.validate(EVENEMENT, document, now=NOW) == []


def test_the_example_of_an_organiser_abroad_is_valid() -> None:
    assert formkit.validate(EVENEMENT, answers("evenement", "valid-buitenland"), now=NOW) == []


@pytest.mark.parametrize(
    ("address", "lines"),
    [
        (
            {
                "straat": "Straat",
                "huisnummer": "1",
                "bus": "2",
                "postcode": "2800",
                "gemeente": "Mechelen",
            },
            ("Straat 1 bus 2", "2800 Mechelen"),
        ),
        (
            {
                "land": "BE",
                "straat": "Straat",
                "huisnummer": "1",
                "postcode": "2800",
                "gemeente": "Mechelen",
            },
            ("Straat 1", "2800 Mechelen"),
        ),
        (
            {**AMSTERDAM, "adresregel2": "3e verdieping"},
            ("Keizersgracht 112", "3e verdieping", "1015 CJ AMSTERDAM", "NEDERLAND"),
        ),
        # the town above the postcode, both in capitals
        (LONDON, ("10 Downing Street", "LONDON", "SW1A 2AA", "VERENIGD KONINKRIJK")),
        # the post's prefix before the postal code, once
        (
            {
                "land": "LU",
                "adresregel1": "2, rue du Fort",
                "buitenlandsePostcode": "1234",
                "plaats": "Luxembourg",
            },
            ("2, rue du Fort", "L-1234 LUXEMBOURG", "LUXEMBURG"),
        ),
        (
            {
                "land": "LU",
                "adresregel1": "2, rue du Fort",
                "buitenlandsePostcode": "L-1234",
                "plaats": "Luxembourg",
            },
            ("2, rue du Fort", "L-1234 LUXEMBOURG", "LUXEMBURG"),
        ),
        (
            {"land": "DE", "adresregel1": "Unter den Linden 1", "plaats": "Berlin"},
            ("Unter den Linden 1", "BERLIN", "DUITSLAND"),
        ),
    ],
)
def test_an_address_reads_as_the_post_of_its_country_writes_it(
    address: dict[str, str], lines: tuple[str, ...]
) -> None:
    assert postal_lines(address) == lines


def test_the_letter_is_addressed_abroad_as_the_post_wants() -> None:
    document = answers("evenement", "valid-buitenland")
    assert addressee(["/verantwoordelijke"], document) == Addressee(
        "Sanne de Vries",
        ("Keizersgracht 112", "3e verdieping", "1015 CJ AMSTERDAM", "NEDERLAND"),
    )


def test_a_place_in_mechelen_has_a_belgian_address_without_a_country() -> None:
    document = answers("evenement", "valid-full")
    place = document["evenement"]["adres"]
    assert formkit.validate(EVENEMENT, document, now=NOW) == []
    document["evenement"]["adres"] = {**place, "land": "BE"}
    problems = formkit.validate(EVENEMENT, document, now=NOW)
    assert [(p.pointer, p.code) for p in problems] == [
        ("/evenement/adres/land", "unevaluatedProperties")
    ]
    assert [f.name for f in EVENEMENT.field("/evenement/adres").children] == [  # type: ignore[union-attr]
        "straat",
        "huisnummer",
        "bus",
        "postcode",
        "gemeente",
    ]
