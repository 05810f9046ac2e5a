"""The formats formkit adds: accepted and refused values at the edges.

Check digits are computed here from the published rules (not by the library under test), so a
valid number in these tests is valid for a reason the test states. Values are stored compact
(docs/form-authors.md): the web forms strip dots, dashes and spaces before validating, so a
formatted value reaching the validator is refused.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from formkit.forms._engine import Engine
from formkit.forms._formats import CHECKERS, FORMATS


def national_number(birth: str, serial: str, *, born_after_1999: bool = False) -> str:
    """YYMMDD (month +20 or +40 for a BIS number), a 3-digit serial, 2 check digits.

    The check digits are 97 minus the first nine digits modulo 97; for births from 2000 on, a
    `2` is put in front of those nine digits first.
    """
    base = birth + serial
    number = int(("2" if born_after_1999 else "") + base)
    return f"{base}{97 - number % 97:02d}"


def enterprise_number(first8: str) -> str:
    """Eight digits (starting with 0 or 1) and 97 minus them modulo 97."""
    return f"{first8}{97 - int(first8) % 97:02d}"


def belgian_iban(bank: str, account: str, *, national_check: int | None = None) -> str:
    """BE, the IBAN check digits (ISO 13616), then bank code, account and national check."""
    if national_check is None:
        national_check = int(bank + account) % 97 or 97
    bban = f"{bank}{account}{national_check:02d}"
    check = 98 - int(bban + "1114" + "00") % 97  # B=11, E=14
    return f"BE{check:02d}{bban}"


# An account whose bank code and number are a multiple of 97: its national check is 97, not 00.
ACCOUNT_WITH_CHECK_97 = next(f"{n:07d}" for n in range(97) if int(f"734{n:07d}") % 97 == 0)


def full_width(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in value)


def test_the_helpers_agree_with_published_examples() -> None:
    assert national_number("850730", "033") == "85073003328"
    assert enterprise_number("04031707") == "0403170701"
    assert belgian_iban("001", "2345678") == "BE21001234567803"  # schemas/defs/iban.json
    assert belgian_iban("096", "1234567") == "BE71096123456769"
    assert belgian_iban("734", ACCOUNT_WITH_CHECK_97).endswith("97")


def test_formkit_adds_exactly_these_formats() -> None:
    assert set(CHECKERS) == {
        "be-national-number",
        "be-enterprise-number",
        "iban",
        "be-postal-code",
        "phone",
    }
    for name in CHECKERS:
        assert FORMATS[name].message


def _cases(name: str, values: dict[str, str], *, marks: Any = ()) -> list[Any]:
    return [
        pytest.param(name, value, id=f"{name}:{label}", marks=marks)
        for label, value in values.items()
    ]


ACCEPTED = [
    *_cases(
        "be-national-number",
        {
            "born-1985": national_number("850730", "033"),
            "born-2005": national_number("050312", "123", born_after_1999=True),
            "born-2000-02-29": national_number("000229", "123", born_after_1999=True),
            "born-1999-12-31": national_number("991231", "001"),
            "serial-999": national_number("850730", "999"),
            "bis-month+20": national_number("852730", "033"),
            "bis-month+40": national_number("854730", "034"),
            "bis-december+20": national_number("853230", "033"),
            "bis-december+40": national_number("855230", "033"),
            "bis-born-2005": national_number("054312", "123", born_after_1999=True),
        },
    ),
    *_cases(
        "be-enterprise-number",
        {
            "kbo-0403170701": enterprise_number("04031707"),
            "kbo-0207803296": enterprise_number("02078032"),
            "starting-with-1": enterprise_number("10000000"),
            "highest-0-series": enterprise_number("09999999"),
        },
    ),
    *_cases(
        "iban",
        {
            "be-kbc": belgian_iban("734", "0123456"),
            "be-bnp-paribas-fortis": belgian_iban("001", "2345678"),
            "be-belfius": belgian_iban("063", "1234567"),
            "be-national-check-97": belgian_iban("734", ACCOUNT_WITH_CHECK_97),
            "be-bank-code-in-no-registry": "BE68539007547034",
            "nl": "NL91ABNA0417164300",
            "de": "DE89370400440532013000",
        },
    ),
    *_cases(
        "be-postal-code",
        {"lowest-1000": "1000", "mechelen-2800": "2800", "9992": "9992", "highest-9999": "9999"},
    ),
    *_cases(
        "phone",
        {
            "landline-mechelen": "015123456",
            "landline-brussels": "022345678",
            "mobile": "0470123456",
            "mobile-0499": "0499123456",
            "freephone": "080012345",
            "landline-international": "+3215123456",
            "mobile-international": "+32470123456",
            "mobile-00-prefix": "0032470123456",
            "netherlands": "+31201234567",
            "france": "+33142685300",
            "united-kingdom": "+442079460000",
            "united-states": "+12025550123",
        },
    ),
]

REFUSED = [
    *_cases(
        "be-national-number",
        {
            "wrong-check-digit": national_number("850730", "033")[:-1] + "9",
            "check-digits-off-by-one": national_number("850730", "033")[:-2] + "29",
            "month-13": national_number("851330", "033"),
            "month-33-between-bis-ranges": national_number("853330", "033"),
            "month-53": national_number("855330", "033"),
            "10-digits": national_number("850730", "033")[:-1],
            "12-digits": national_number("850730", "033") + "0",
            "letter": national_number("850730", "033")[:-1] + "A",
            "empty": "",
        },
    ),
    *_cases(
        "be-enterprise-number",
        {
            "wrong-check-digits": "0403170702",
            "starting-with-2": enterprise_number("20000000"),
            "9-digits-without-leading-0": "403170701",
            "11-digits": "04031707010",
            "vat-prefix": "BE0403170701",
            "empty": "",
        },
    ),
    *_cases(
        "iban",
        {
            "wrong-iban-check": "BE37734012345681",
            "wrong-national-check": belgian_iban("734", "0123456", national_check=1),
            "lower-case": belgian_iban("734", "0123456").lower(),
            "too-short": belgian_iban("734", "0123456")[:-1],
            "too-long": belgian_iban("734", "0123456") + "0",
            "country-only": "BE",
            "empty": "",
        },
    ),
    *_cases(
        "be-postal-code",
        {
            "0999": "0999",
            "0000": "0000",
            "10000": "10000",
            "3-digits": "100",
            "space-inside": "1 00",
            "letters": "abcd",
            "country-prefix": "B-1000",
            "empty": "",
        },
    ),
    *_cases(
        "phone",
        {
            "mobile-one-digit-short": "047012345",
            "mobile-one-digit-long": "04701234567",
            "short-number": "1234",
            "nine-digits-without-0": "123456789",
            "country-code-only": "+32",
            "unknown-country-code": "+999123456",
            "letters": "abc",
            "empty": "",
        },
    ),
]

FORMATTED = [
    *_cases(
        "be-national-number",
        {
            "official-notation": "85.07.30-033.28",
            "dashes": "850730-033-28",
            "spaces": "85 07 30 033 28",
            "leading-space": " 85073003328",
            "trailing-space": "85073003328 ",
            "trailing-newline": "85073003328\n",
        },
    ),
    *_cases(
        "be-enterprise-number",
        {
            "official-notation": "0403.170.701",
            "spaces": "0403 170 701",
            "dashes": "0403-170-701",
            "trailing-space": "0403170701 ",
        },
    ),
    *_cases(
        "iban",
        {
            "groups-of-four": "BE36 7340 1234 5681",
            "dashes": "BE36-7340-1234-5681",
            "trailing-space": "BE36734012345681 ",
        },
    ),
    *_cases(
        "be-postal-code",
        {"dot": "1.000", "leading-space": " 1000", "trailing-newline": "1000\n"},
    ),
]

FORMATTED_BUT_ACCEPTED = [
    *_cases(
        "be-national-number",
        {"full-width-digits": full_width("85073003328")},
    ),
    *_cases(
        "be-enterprise-number",
        {"full-width-digits": full_width("0403170701")},
    ),
    *_cases(
        "iban",
        {"full-width-digits": "BE" + full_width("36734012345681")},
    ),
    *_cases(
        "be-postal-code",
        {"full-width-digits": full_width("1000"), "superscript-digits": "²²²²"},
    ),
    *_cases(
        "phone",
        {
            "spaces": "015 12 34 56",
            "dots": "015.12.34.56",
            "dashes": "015-12-34-56",
            "international-spaces": "+32 470 12 34 56",
            "parentheses": "(015) 12 34 56",
            "leading-space": " 0470123456",
            "trailing-newline": "0470123456\n",
            "vanity-letters": "+32 470 ABCDEF",
            "tel-uri": "tel:+32-470-12-34-56",
            "extension": "0470123456 ext. 7",
            "full-width-digits": full_width("0470123456"),
        },
    ),
]


@pytest.mark.parametrize(("name", "value"), ACCEPTED)
def test_accepts(name: str, value: str) -> None:
    assert CHECKERS[name](value) is True


@pytest.mark.parametrize(("name", "value"), REFUSED)
def test_refuses(name: str, value: str) -> None:
    assert CHECKERS[name](value) is False


@pytest.mark.parametrize(("name", "value"), FORMATTED + FORMATTED_BUT_ACCEPTED)
def test_refuses_formatted_values_because_values_are_stored_compact(name: str, value: str) -> None:
    assert CHECKERS[name](value) is False


def _message_examples() -> list[Any]:
    cases = []
    for name in sorted(CHECKERS):
        found = re.search(r"zoals (.+)\.$", FORMATS[name].message)
        for shown in found.group(1).split(" of ") if found else ():
            compact = shown.replace(" ", "")
            cases.append(pytest.param(name, compact, id=f"{name}:{compact}"))
    return cases


@pytest.mark.parametrize(("name", "example"), _message_examples())
def test_the_message_shows_a_valid_example(name: str, example: str) -> None:
    assert CHECKERS[name](example) is True


# Through the engine: one accepted and one refused value per format.
SAMPLES = {
    "be-national-number": (national_number("850730", "033"), "85.07.30-033.28"),
    "be-enterprise-number": (enterprise_number("04031707"), "0403.170.701"),
    "iban": (belgian_iban("734", "0123456"), "BE37734012345681"),
    "be-postal-code": ("2800", "0999"),
    "phone": ("0470123456", "047012345"),
}


def test_every_format_has_engine_samples() -> None:
    assert set(SAMPLES) == set(CHECKERS)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_engine_reports_code_format(name: str) -> None:
    good, bad = SAMPLES[name]
    engine = Engine.compile({"format": name})
    assert engine.is_valid(good)
    assert engine.violations(good) == []
    assert not engine.is_valid(bad)
    [violation] = engine.violations(bad)
    assert (violation.pointer, violation.code) == ("", "format")
    assert violation.details["format"] == name


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_engine_places_format_violations_at_the_field(name: str) -> None:
    good, bad = SAMPLES[name]
    engine = Engine.compile(
        {
            "type": "object",
            "properties": {
                "one": {"type": "string", "format": name},
                "many": {"type": "array", "items": {"type": "string", "format": name}},
            },
        }
    )
    violations = engine.violations({"one": bad, "many": [good, bad, good]})
    assert sorted((v.pointer, v.code) for v in violations) == [
        ("/many/1", "format"),
        ("/one", "format"),
    ]


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("value", [12345, None, True, ["x"], {"a": 1}], ids=repr)
def test_format_only_applies_to_strings(name: str, value: Any) -> None:
    assert Engine.compile({"format": name}).violations(value) == []


def reference_phone(value: str) -> bool:
    """The phone check as phonenumbers alone makes it: parse, then validate."""
    digits = value.removeprefix("+")
    if not (digits.isascii() and digits.isdigit()):
        return False
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(value, "BE")))
    except phonenumbers.NumberParseException:
        return False


BELGIAN_EXAMPLES = [
    str(number.national_number)
    for kind in range(11)
    if (number := phonenumbers.example_number_for_type("BE", kind)) is not None
]


@st.composite
def phone_values(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["+32", "0", "00", "0032", "+", "", "+31", "320"]))
    if draw(st.booleans()) and BELGIAN_EXAMPLES:
        rest = draw(st.sampled_from(BELGIAN_EXAMPLES))
        keep = draw(st.integers(len(rest) - 2, len(rest)))
        rest = rest[:keep] + draw(st.text(alphabet="0123456789", max_size=1))
    else:
        rest = draw(st.text(alphabet="0123456789", max_size=12))
    return prefix + rest


@given(phone_values())
@example("+32470123456")
@example("0470123456")
@example("+320470123456")  # the national prefix after the country code
@example("03")
def test_the_belgian_shortcut_answers_as_phonenumbers_does(value: str) -> None:
    assert CHECKERS["phone"](value) == reference_phone(value)
