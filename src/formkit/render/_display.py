"""Answers in words, as the review page (Overzicht) shows them: `28 augustus 2027 om 14:00`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import phonenumbers

from formkit.forms._amounts import amount_text
from formkit.forms._dutch import day_text, moment_text
from formkit.forms._model import Field, Kind
from formkit.render._options import title_of


def display(field: Field, value: Any) -> str:
    """One answer as a citizen reads it; what cannot be read is shown as it is."""
    if field.kind in {Kind.CHOICE, Kind.BOOLEAN, Kind.CHOICES}:
        title = title_of(field, value)
        if title is not None:
            return title
    if isinstance(value, bool):
        return "Ja" if value else "Nee"
    if isinstance(value, int | float):
        if is_amount(field):
            return f"{amount_text(Decimal(repr(value)))} EUR"
        return number_text(value)
    if not isinstance(value, str):
        return str(value)
    if field.kind is Kind.DATE:
        return date_text(value)
    if field.kind is Kind.DATE_TIME:
        return answer_moment_text(value)
    return _FORMATTERS.get(field.format or "", str)(value)


def is_amount(field: Field) -> bool:
    """A number of euros (`display: "amount"`): shown as money, `1.250,50 EUR`."""
    return field.annotations.display == "amount"


def phone_text(value: str) -> str:
    """`+32 15 12 34 56`: grouped as the number's country writes it, when it is one."""
    try:
        parsed = phonenumbers.parse(value, "BE")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(parsed):
        return value
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def number_text(value: int | float) -> str:
    """`2.500`, `45,5`: Dutch separators."""
    if isinstance(value, float) and not value.is_integer():
        text = repr(value)
        if "e" in text:
            return text.replace(".", ",")
        whole, _, fraction = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        return f"{sign}{_thousands(abs(int(whole)))},{fraction}"
    return _thousands(int(value))


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def date_text(value: str) -> str:
    try:
        return day_text(date.fromisoformat(value))
    except ValueError:
        return value


def answer_moment_text(value: str) -> str:
    try:
        return moment_text(datetime.fromisoformat(value))
    except ValueError:
        return value


def _grouped(value: str, size: int) -> str:
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def _national_number(value: str) -> str:
    if len(value) != 11 or not value.isdigit():
        return value
    return f"{value[:2]}.{value[2:4]}.{value[4:6]}-{value[6:9]}.{value[9:]}"


def _enterprise_number(value: str) -> str:
    if len(value) != 10 or not value.isdigit():
        return value
    return f"{value[:4]}.{value[4:7]}.{value[7:]}"


_FORMATTERS = {
    "iban": lambda v: _grouped(v, 4),
    "phone": phone_text,
    "be-national-number": _national_number,
    "be-enterprise-number": _enterprise_number,
}
