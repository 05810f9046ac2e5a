"""Problems with an answer document, in words a citizen understands.

A `Problem` is what every surface shows: the API as RFC 9457 problem details, the web pages as
an error summary, the CLI as lines. Messages come from, in order: the author's `x-formkit`
messages at the schema node holding the failing keyword, the author's messages on the field,
the format's message, then formkit's defaults below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from formkit.forms import _pointer
from formkit.forms._engine import Violation
from formkit.forms._formats import FORMATS
from formkit.forms._model import Field, Form, Kind
from formkit.forms._vocabulary import KEYWORD


class Problem(msgspec.Struct, frozen=True):
    """One problem: the JSON Pointer of the field, a stable machine code, a Dutch message."""

    pointer: str
    code: str
    message: str


def describe(form: Form, violation: Violation) -> Problem:
    if key_problem(form, Problem(violation.pointer, violation.code, "")):
        return Problem(violation.pointer, violation.code, _key_message(form, violation))
    field = form.field(violation.pointer)
    node = _failing_node(form, violation)
    declared = _declared(node, violation)
    at = _message_in(node, violation.code)
    on = _message_in(declared, violation.code) or _authored_on(field, violation.code)
    # A missing field's own words beat those of the object that requires it.
    authored = (on or at) if violation.code == "required" else (at or on)
    title = declared.get("title") if isinstance(declared, Mapping) else None
    message = authored or _default(field, violation, title if isinstance(title, str) else None)
    return Problem(violation.pointer, violation.code, message)


def _failing_node(form: Form, violation: Violation) -> Any:
    """The schema node that holds the failing keyword."""
    uri, _, fragment = violation.location.partition("#")  # `<resource>#<pointer>`
    document = form.resources.get(uri)
    if document is None:
        return None
    return _pointer.resolve(document, fragment.rsplit("/", 1)[0] if fragment else "")


def _declared(node: Any, violation: Violation) -> Any:
    """A missing field as the object that requires it declares it: a field declared in each
    `oneOf` alternative has that alternative's title and messages ("Naam van het bedrijf")."""
    if violation.code != "required" or not isinstance(node, Mapping):
        return None
    properties = node.get("properties")
    if not isinstance(properties, Mapping):
        return None
    return properties.get(_pointer.tokens(violation.pointer)[-1])


def _authored_on(field: Field | None, code: str) -> str | None:
    return None if field is None else field.annotations.messages.get(code)


def _message_in(node: Any, code: str) -> str | None:
    if not isinstance(node, Mapping):
        return None
    annotations = node.get(KEYWORD)
    if not isinstance(annotations, Mapping):
        return None
    messages = annotations.get("messages")
    return messages.get(code) if isinstance(messages, Mapping) else None


def key_problem(form: Form, problem: Problem) -> bool:
    """A problem with a key a citizen named, not with its value: a map's key that its
    `propertyNames` refuses, or that no pattern of the map admits."""
    if problem.code not in {"propertyNames", *_KEY_CODES}:
        return False
    tokens = _pointer.tokens(problem.pointer)
    around = form.field(_pointer.from_path(tokens[:-1])) if tokens else None
    return around is not None and around.kind is Kind.MAP


def _key_message(form: Form, violation: Violation) -> str:
    """ "Soort ticket: gebruik hoogstens 30 tekens." for the key, with the map's own word."""
    tokens = _pointer.tokens(violation.pointer)
    around = form.field(_pointer.from_path(tokens[:-1]))
    keys = around.schema.get("propertyNames") if around is not None else None
    label = (keys.get("title") if isinstance(keys, Mapping) else None) or "Naam"
    keyword = violation.details.get("keyword")
    limit = _LIMITS.get(keyword) if isinstance(keyword, str) else None
    said = limit.format(limit=_number(violation.details.get("limit"))) if limit else _NOT_A_KEY
    return f"{label}: {said[:1].lower()}{said[1:]}"


def _default(field: Field | None, violation: Violation, declared_title: str | None) -> str:
    code, details = violation.code, violation.details
    name = declared_title or (field.title if field is not None else None)
    title = f"‘{name}’" if name else "dit veld"
    kind = field.kind if field is not None else None
    if code == "required":
        return _required(kind, title)
    if code in {"format", "pattern"}:
        name = field.format if field is not None and field.format else details.get("format")
        if isinstance(name, str) and name in FORMATS:
            return FORMATS[name].message
    if code == "format":
        return "Dit antwoord heeft niet de juiste vorm."
    if code == "type" and kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind]
    limits = _FILE_LIMITS if kind is Kind.ATTACHMENT else _LIMITS
    if code in limits:
        return limits[code].format(limit=_number(details.get("limit")))
    return _FIXED.get(code, "Dit antwoord is niet geldig.")


def _required(kind: Kind | None, title: str) -> str:
    if kind in {Kind.CHOICE, Kind.BOOLEAN}:
        return f"Kies een antwoord bij {title}."
    if kind is Kind.ATTACHMENT:
        return f"Voeg {title} toe."
    if kind in {Kind.GROUP, Kind.LIST, Kind.LISTS, Kind.MAP, Kind.CHOICES}:
        return f"Vul {title} aan."
    return f"Vul {title} in."


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value).replace(".", ",")


_LIMITS = {
    "minimum": "Vul een getal in van minstens {limit}.",
    "maximum": "Vul een getal in van hoogstens {limit}.",
    "exclusiveMinimum": "Vul een getal in groter dan {limit}.",
    "exclusiveMaximum": "Vul een getal in kleiner dan {limit}.",
    "minLength": "Vul minstens {limit} tekens in.",
    "maxLength": "Gebruik hoogstens {limit} tekens.",
    "minItems": "Geef minstens {limit} antwoorden.",
    "maxItems": "Geef hoogstens {limit} antwoorden.",
    "minProperties": "Vul minstens {limit} rijen in.",  # a map: a row per key
    "maxProperties": "Vul hoogstens {limit} rijen in.",
}
_KEY_CODES = {"additionalProperties", "unevaluatedProperties"}  # no pattern admits the key
_NOT_A_KEY = "Deze kan hier niet; kies een andere."
_FILE_LIMITS = {
    **_LIMITS,
    "minItems": "Voeg minstens {limit} bestanden toe.",
    "maxItems": "Voeg hoogstens {limit} bestanden toe.",
}

_TYPE_MESSAGES = {
    Kind.INTEGER: "Vul een geheel getal in.",
    Kind.NUMBER: "Vul een getal in.",
    Kind.BOOLEAN: "Kies ja of nee.",
}

_FIXED = {
    "type": "Dit antwoord heeft niet de juiste vorm.",
    "const": "Kies een van de mogelijkheden.",
    "enum": "Kies een van de mogelijkheden.",
    "oneOf": "Kies een van de mogelijkheden.",
    "anyOf": "Kies een van de mogelijkheden.",
    "uniqueItems": "Elk antwoord mag maar één keer voorkomen.",
    "additionalProperties": "Dit veld hoort niet bij het formulier.",
    "unevaluatedProperties": "Dit veld hoort niet bij het formulier.",
    "false": "Dit veld hoort niet bij het formulier.",
    "multipleOf": "Dit getal is niet toegestaan.",
}
