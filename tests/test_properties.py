"""Property tests: what the schema admits, formkit accepts; one broken field, one problem there."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from tests.conftest import FORM_IDS, NOW, answers

import formkit
from formkit.forms import _pointer

# What formkit refuses beyond the schema: its rules, and numbers RFC 8785 JSON cannot hold.
RULE_CODES = {"leadTime", "after", "distinct", "compare", "number-range"}


def _national_number(birth: date, sequence: int) -> str:
    base = f"{birth:%y%m%d}{sequence:03d}"
    check = 97 - int(("2" if birth.year >= 2000 else "") + base) % 97
    return f"{base}{check:02d}"


FORMATS = {
    "be-national-number": st.builds(
        _national_number,
        st.dates(date(1920, 1, 1), date(2020, 12, 31)),
        st.integers(1, 997),
    ),
    "be-enterprise-number": st.sampled_from(["0403170701", "0207437468", "0416183731"]),
    "iban": st.sampled_from(["BE71096123456769", "BE62510007547061", "BE21001234567803"]),
    "be-postal-code": st.integers(1000, 9999).map(str),
    "phone": st.sampled_from(["+3215123456", "+32470123456", "015123456"]),
}


def _leaf_strategy(field: formkit.Field) -> st.SearchStrategy[Any]:
    return from_schema(dict(field.schema), custom_formats=FORMATS)


@st.composite
def _admitted(draw: st.DrawFn, form: formkit.Form, form_id: str) -> Any:
    """An answer document of the form with any of its leaves redrawn from the field's schema.

    The whole-form schema is too rich for hypothesis-jsonschema (if/then, unevaluated
    properties), so values are drawn per field and the document is kept when the form's
    schema admits it: the input space is every value each field admits, in every combination.
    """
    document = copy.deepcopy(
        answers(form_id, draw(st.sampled_from(["valid-minimal", "valid-full"])))
    )
    leaves = [
        (pointer, field)
        for field in form.walk()
        if not field.children and field.kind is not formkit.Kind.ATTACHMENT
        for pointer in _concrete(document, field.pointer)
    ]
    for pointer, field in draw(
        st.lists(st.sampled_from(leaves), max_size=8, unique_by=lambda leaf: leaf[0])
    ):
        _set(document, pointer, draw(_leaf_strategy(field)))
    return document


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_what_the_schema_admits_has_no_problem_but_the_rules(
    forms: dict[str, formkit.Form], form_id: str
) -> None:
    form = forms[form_id]

    @SETTINGS
    @given(_admitted(form, form_id).filter(form.engine.is_valid))
    def check(document: Any) -> None:
        problems = formkit.validate(form, document, now=NOW)
        assert {p.code for p in problems} <= RULE_CODES

    check()


def _formatted_leaves(form: formkit.Form, document: Any) -> list[str]:
    leaves = []
    for field in form.walk():
        if field.format in FORMATS or field.format in {"email", "date", "date-time"}:
            leaves += _concrete(document, field.pointer)
    return sorted(leaves)


def _concrete(document: Any, generic: str) -> list[str]:
    pointers = [""]
    for token in _pointer.tokens(generic):
        next_pointers = []
        for pointer in pointers:
            node = _pointer.resolve(document, pointer)
            if token == "*" and isinstance(node, list):
                next_pointers += [_pointer.join(pointer, i) for i in range(len(node))]
            elif isinstance(node, dict) and token in node:
                next_pointers.append(_pointer.join(pointer, token))
        pointers = next_pointers
    return pointers


def _set(document: Any, pointer: str, value: Any) -> None:
    *parents, last = _pointer.tokens(pointer)
    parent = _pointer.resolve(document, _pointer.from_path(parents))
    parent[int(last) if isinstance(parent, list) else last] = value


@pytest.mark.parametrize("form_id", FORM_IDS)
@settings(max_examples=40, deadline=None, database=None)
@given(data=st.data(), garbage=st.sampled_from(["0", "x", "12-34", " ", "2027-13-45"]))
def test_a_broken_field_is_reported_at_exactly_that_field(
    forms: dict[str, formkit.Form], form_id: str, data: st.DataObject, garbage: str
) -> None:
    form = forms[form_id]
    document = copy.deepcopy(answers(form_id, "valid-full"))
    pointer = data.draw(st.sampled_from(_formatted_leaves(form, document)))
    _set(document, pointer, garbage)
    problems = formkit.validate(form, document, now=NOW)
    assert problems
    assert {p.pointer for p in problems} == {pointer}
    assert all(p.message and not p.message.startswith('"') for p in problems)
