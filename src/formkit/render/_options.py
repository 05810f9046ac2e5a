"""The options of a field a citizen picks from: labelled choices, or yes and no."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from formkit.forms._build import choices_of
from formkit.forms._model import Choice, Field, Kind
from formkit.render._values import encode_choice

YES_NO = (Choice(True, "Ja"), Choice(False, "Nee"))


def options(field: Field) -> tuple[Choice, ...]:
    if field.kind is Kind.BOOLEAN:
        return YES_NO
    if field.kind is Kind.CHOICES:
        items = field.schema.get("items")
        return choices_of(items) if isinstance(items, Mapping) else ()
    return field.choices


def by_control_value(field: Field) -> dict[str, Any]:
    """Each option's value by the text its control posts."""
    return {encode_choice(c.value): c.value for c in options(field)}


def title_of(field: Field, value: Any) -> str | None:
    for choice in options(field):
        if choice.value == value and type(choice.value) is type(value):
            return choice.title
    return None
