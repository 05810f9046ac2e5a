"""The countries an address can lie in: ISO 3166-1 alpha-2 codes with their Dutch names.

The codes are ISO's own list (`pycountry`), the names CLDR's Dutch ones (`babel`): the names
people write on an envelope ("Verenigd Koninkrijk", "Zuid-Korea"), not ISO's formal ones.
`schemas/defs/land.json` is `land_schema()`, committed so that a form stays one JSON file; a
test keeps it equal to what the libraries say (`formkit countries > schemas/defs/land.json`).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

import pycountry
from babel import Locale

BELGIUM = "BE"


@cache
def countries() -> tuple[tuple[str, str], ...]:
    """(code, Dutch name) of every country: Belgium first, then by name."""
    names = Locale.parse("nl").territories
    found = [(c.alpha_2, names.get(c.alpha_2, c.name)) for c in pycountry.countries]
    others = sorted((c for c in found if c[0] != BELGIUM), key=lambda c: _sort_key(c[1]))
    return ((BELGIUM, names[BELGIUM]), *others)


def country_name(code: str) -> str:
    """The Dutch name of the country with this code; an unknown code as it is."""
    return dict(countries()).get(code, code)


def land_schema() -> dict[str, Any]:
    return {
        "title": "Land",
        "description": "Het land volgens ISO 3166-1, met zijn code van twee letters.",
        "type": "string",
        "oneOf": [{"const": code, "title": name} for code, name in countries()],
        "x-formkit": {
            "widget": "select",
            "messages": {
                "required": "Kies het land.",
                "type": "Kies een land uit de lijst.",
                "oneOf": "Kies een land uit de lijst.",
                "const": "Kies een land uit de lijst.",
            },
        },
    }


def _sort_key(name: str) -> str:
    """`Åland` beside `Albanië`: letters without their accents, case ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
