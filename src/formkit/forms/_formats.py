"""The formats formkit adds to JSON Schema, each checked by a well-kept library or against one.

A format is a name, a check and the Dutch message a citizen sees when the check fails. Standard
formats (`email`, `date`, `date-time`, ...) are checked by the validator itself; their Dutch
messages live here too so every format speaks the same language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import phonenumbers

from formkit.forms._check_digits import is_enterprise_number, is_iban, is_national_number


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    message: str
    check: Callable[[str], bool] | None = None  # None: the validator's own check


def _is_phone(value: str) -> bool:
    digits = value.removeprefix("+")
    if not (digits.isascii() and digits.isdigit()):
        return False  # stored compact: the web forms strip spaces, dots and dashes
    return _is_valid_belgian(value) or _is_valid_anywhere(value)


def _is_valid_belgian(value: str) -> bool:
    """A Belgian number without `phonenumbers.parse`, which costs three times the check itself.

    `+32…` and `0…` (the national prefix) both leave the national number after the prefix;
    `parse` makes exactly this number of them when it is valid. Only a yes is final: anything
    else goes through `parse` (tests/test_formats.py holds the two to the same answers).
    """
    if value.startswith("+32"):
        national = value[3:]
    elif value.startswith("0") and not value.startswith("00"):
        national = value[1:]
    else:
        return False
    if not national or national.startswith("0"):
        return False
    number = phonenumbers.PhoneNumber(country_code=32, national_number=int(national))
    return bool(phonenumbers.is_valid_number(number))


def _is_valid_anywhere(value: str) -> bool:
    try:
        number = phonenumbers.parse(value, "BE")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


def _is_postal_code(value: str) -> bool:
    return len(value) == 4 and value.isascii() and value.isdigit() and value[0] != "0"


_ALL = (
    Format(
        "be-national-number",
        "Vul een geldig rijksregisternummer in (11 cijfers).",
        is_national_number,
    ),
    Format(
        "be-enterprise-number",
        "Vul een geldig ondernemingsnummer in (10 cijfers).",
        is_enterprise_number,
    ),
    Format("iban", "Vul een geldig IBAN-rekeningnummer in, zoals BE71096123456769.", is_iban),
    Format("be-postal-code", "Vul een geldige Belgische postcode in (4 cijfers).", _is_postal_code),
    Format(
        "phone",
        "Vul een geldig telefoonnummer in, zoals 015 12 34 56 of +32 470 12 34 56.",
        _is_phone,
    ),
    Format("email", "Vul een geldig e-mailadres in, zoals naam@voorbeeld.be."),
    Format("date", "Vul een geldige datum in."),
    Format("date-time", "Vul een geldige datum en tijd in."),
    Format("time", "Vul een geldig tijdstip in."),
    Format("uri", "Vul een geldig webadres in."),
)

FORMATS: Mapping[str, Format] = MappingProxyType({f.name: f for f in _ALL})

CHECKERS: Mapping[str, Callable[[str], bool]] = MappingProxyType(
    {f.name: f.check for f in _ALL if f.check is not None}
)
