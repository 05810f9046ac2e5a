"""Rules that compute: sums over rows, differences, comparisons, exactly, in Dutch.

The property tests hold `compare` against a reference written the plain way: budgets drawn as
whole cents, added up as `Fraction`s, compared and written out in Dutch by hand. The answers
the rule sees are the JSON text decoded as the API decodes it (floats for fractions).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import NOW, answers, write_json

import formkit
from formkit.forms._amounts import amount_text, exact, total
from formkit.forms._example import example
from formkit.forms._rules import rule_problems
from formkit.forms._strict_json import decode

RULE = "gevraagd-hoogstens-tekort"
ASKED = "/financiering/gevraagdBedrag"
MAX_CENTS = 10**15 - 1  # 15 significant digits: every such amount reads back as typed


def _compare_problems(form: formkit.Form, document: Any) -> list[formkit.Problem]:
    rules = tuple(r for r in form.rules if r.rule.id == RULE)
    return list(rule_problems(rules, document, NOW))


# The reference: cents as integers, euros as Fractions, Dutch written out by hand.


def _json_amount(cents: int, style: int) -> str:
    """An amount as JSON text, in one of the ways a client may write it."""
    whole, rest = divmod(cents, 100)
    if style == 0 and rest == 0:
        return str(whole)  # 12
    if style == 1:
        return f"{whole}.{rest:02d}"  # 12.30
    return f"{whole}.{rest:02d}".rstrip("0").removesuffix(".") + ("" if rest else ".0")  # 12.3


def _dutch(value: Fraction) -> str:
    cents = value * 100
    assert cents.denominator == 1
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents.numerator), 100)
    return f"{sign}{whole:,}".replace(",", ".") + f",{rest:02d}"


_cents = st.one_of(
    st.just(0),
    st.integers(0, 10_000),  # up to 100 euro: where cents add up wrong in binary
    st.integers(0, MAX_CENTS),  # up to ten trillion euro
)
_budget = st.lists(st.tuples(_cents, st.integers(0, 2)), max_size=200)


@settings(max_examples=300, deadline=None, database=None)
@given(
    lines=_budget,
    income=st.tuples(_cents, st.integers(0, 2)),
    asked=_cents,
    near=st.one_of(st.none(), st.integers(-1, 1)),
)
def test_compare_agrees_with_a_plain_computation_over_any_budget(
    forms: dict[str, formkit.Form],
    lines: list[tuple[int, int]],
    income: tuple[int, int],
    asked: int,
    near: int | None,
) -> None:
    # At the edge: exactly the shortfall, or a cent either side, over many lines of cents
    # (random amounts asked almost never land there). Only where JSON writes it exactly.
    edge = sum(c for c, _ in lines) - income[0] + (near or 0)
    if near is not None and 0 <= edge <= MAX_CENTS:
        asked = edge
    rows = ",".join(f'{{"omschrijving": "Kost", "bedrag": {_json_amount(c, s)}}}' for c, s in lines)
    text = (
        f'{{"financiering": {{"begroting": [{rows}], '
        f'"verwachteInkomsten": {_json_amount(*income)}, '
        f'"gevraagdBedrag": {_json_amount(asked, 1)}}}}}'
    )
    document = decode(text)
    shortfall = Fraction(sum(c for c, _ in lines), 100) - Fraction(income[0], 100)
    expected = Fraction(asked, 100) > shortfall
    problems = _compare_problems(forms["bewonersinitiatief"], document)
    assert bool(problems) is expected
    if problems:
        (problem,) = problems
        assert (problem.pointer, problem.code) == (ASKED, "compare")
        assert problem.message.startswith(
            f"U vraagt {_dutch(Fraction(asked, 100))} euro; "
            f"de kosten min de inkomsten zijn {_dutch(shortfall)} euro."
        )


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_cents, max_size=200))
def test_the_pages_total_is_the_plain_sum(lines: list[int]) -> None:
    document = decode("[" + ",".join(f'{{"bedrag": {_json_amount(c, 2)}}}' for c in lines) + "]")
    expected = Fraction(sum(lines), 100)
    assert Fraction(total(document, "/*/bedrag")) == expected
    assert amount_text(total(document, "/*/bedrag")) == _dutch(expected)


def test_cents_add_up_exactly_where_binary_floating_point_does_not(
    forms: dict[str, formkit.Form],
) -> None:
    assert 0.1 + 0.2 > 0.3  # the trap: 0.30000000000000004
    document = _budget_document([0.1, 0.2], income=0, asked=0.3)
    assert _compare_problems(forms["bewonersinitiatief"], document) == []
    document = _budget_document([0.1] * 10, income=0, asked=1)  # binary: 0.9999999999999999
    assert _compare_problems(forms["bewonersinitiatief"], document) == []
    document = _budget_document([0.1, 0.2], income=0, asked=0.31)
    (problem,) = _compare_problems(forms["bewonersinitiatief"], document)
    assert "U vraagt 0,31 euro; de kosten min de inkomsten zijn 0,30 euro." in problem.message


def test_the_issues_example_is_refused_with_both_amounts_at_the_amount_asked(
    forms: dict[str, formkit.Form],
) -> None:
    document = _budget_document([300, 150.5, 149.5], income=150, asked=600)
    (problem,) = _compare_problems(forms["bewonersinitiatief"], document)
    assert (problem.pointer, problem.code) == (ASKED, "compare")
    assert problem.message == (
        "U vraagt 600,00 euro; de kosten min de inkomsten zijn 450,00 euro. "
        "Vraag hoogstens dat bedrag aan, of kijk de begroting en de inkomsten na."
    )


def test_within_the_size_limit_the_shortfall_is_what_the_citizen_reads(
    forms: dict[str, formkit.Form],
) -> None:
    document = _budget_document([300, 150.5, 149.5], income=150, asked=480)
    document["initiatief"]["grootte"] = "groot"
    document["initiatief"]["straten"] = ["Adegemstraat", "Kerkhofstraat"]
    problems = formkit.validate(forms["bewonersinitiatief"], document, now=NOW)
    assert [(p.pointer, p.code) for p in problems] == [(ASKED, "compare")]
    assert problems[0].message.startswith("U vraagt 480,00 euro; de kosten min de inkomsten")
    # Above the size's limit as well: one problem at the field, the schema's (fix that first).
    document["financiering"]["gevraagdBedrag"] = 600
    problems = formkit.validate(forms["bewonersinitiatief"], document, now=NOW)
    assert [(p.pointer, p.code) for p in problems] == [(ASKED, "maximum")]


def test_exactly_the_shortfall_may_be_asked(forms: dict[str, formkit.Form]) -> None:
    document = _budget_document([80, 45.55, 24.45], income=50, asked=100)
    assert formkit.validate(forms["bewonersinitiatief"], document, now=NOW) == []
    document["financiering"]["gevraagdBedrag"] = 100.01
    assert [p.code for p in formkit.validate(forms["bewonersinitiatief"], document, now=NOW)] == [
        "compare"
    ]


def test_income_above_the_costs_is_a_negative_shortfall(forms: dict[str, formkit.Form]) -> None:
    document = _budget_document([100], income=150, asked=10)
    (problem,) = _compare_problems(forms["bewonersinitiatief"], document)
    assert "de kosten min de inkomsten zijn -50,00 euro" in problem.message


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["financiering"]["begroting"][1].pop("bedrag"),
        lambda d: d["financiering"]["begroting"][1].update(bedrag="12,5 euro"),
        lambda d: d["financiering"]["begroting"][1].update(bedrag=True),
        lambda d: d["financiering"].pop("verwachteInkomsten"),
        lambda d: d["financiering"].pop("begroting"),
        lambda d: d["financiering"].update(gevraagdBedrag=None),
    ],
)
def test_an_amount_that_cannot_be_read_leaves_the_rule_silent(
    forms: dict[str, formkit.Form], change: Any
) -> None:
    document = _budget_document([10, 20], income=0, asked=500)  # would be refused
    change(document)
    problems = formkit.validate(forms["bewonersinitiatief"], document, now=NOW)
    assert problems  # the schema says what is wrong with the amount
    assert "compare" not in {p.code for p in problems}


def test_no_budget_lines_cost_nothing(forms: dict[str, formkit.Form]) -> None:
    document = _budget_document([], income=0, asked=10)
    (problem,) = _compare_problems(forms["bewonersinitiatief"], document)
    assert "de kosten min de inkomsten zijn 0,00 euro" in problem.message


def test_the_city_examples_pass_the_rule(forms: dict[str, formkit.Form]) -> None:
    for name in ("valid-minimal", "valid-full"):
        assert (
            _compare_problems(forms["bewonersinitiatief"], answers("bewonersinitiatief", name))
            == []
        )


def _budget_document(lines: list[float], *, income: float, asked: float) -> Any:
    document = copy.deepcopy(answers("bewonersinitiatief", "valid-minimal"))
    document["financiering"].update(
        begroting=[{"omschrijving": f"Kost {n}", "bedrag": b} for n, b in enumerate(lines)],
        verwachteInkomsten=income,
        gevraagdBedrag=asked,
    )
    return document


# Amounts in Dutch and as exact decimals.


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("600"), "600,00"),
        (Decimal("0.3"), "0,30"),
        (Decimal("1250.5"), "1.250,50"),
        (Decimal("-50"), "-50,00"),
        (Decimal("0.125"), "0,125"),  # a decimal more than cents is shown, not rounded away
        (Decimal("0.250"), "0,25"),
        (Decimal("1E+3"), "1.000,00"),
        (Decimal("-0.00"), "0,00"),
        (Decimal("9007199254740991"), "9.007.199.254.740.991,00"),
    ],
)
def test_amounts_read_as_dutch_euros(value: Decimal, text: str) -> None:
    assert amount_text(value) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, Decimal("0.1")),
        (12, Decimal(12)),
        (2**60, Decimal(2**60)),
        (1e-7, Decimal("1e-7")),
        (True, None),
        ("12", None),
        (None, None),
        (float("inf"), None),
        (float("nan"), None),
    ],
)
def test_only_numbers_are_amounts_and_exactly_as_filed(value: Any, expected: Any) -> None:
    assert exact(value) == expected


# The vocabulary on a form of its own: every operator, constants, plus, named amounts.


def _form(tmp_path: Path, rule: dict[str, Any]) -> formkit.Form:
    return formkit.load_form(write_json(tmp_path / "proef.json", _form_document(rule)))


def _form_document(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Proef",
        "type": "object",
        "x-formkit": {
            "prefix": "PRF",
            "steps": [
                {"id": "een", "title": "Een", "properties": ["kosten", "inkomsten", "gevraagd"]}
            ],
            "rules": [{"id": "regel", "kind": "compare", "field": "/gevraagd", **rule}],
        },
        "properties": {
            "kosten": {
                "title": "Kosten",
                "type": "array",
                "items": {
                    "title": "Kost",
                    "type": "object",
                    "properties": {
                        "bedrag": {"title": "Bedrag", "type": "number"},
                        "aantal": {"title": "Aantal", "type": "integer"},
                    },
                },
            },
            "inkomsten": {"title": "Inkomsten", "type": "number"},
            "gevraagd": {"title": "Gevraagd", "type": "number"},
        },
    }


_ANSWERS = {"kosten": [{"bedrag": 10.5, "aantal": 2}, {"bedrag": 4.5, "aantal": 3}], "gevraagd": 15}


@pytest.mark.parametrize(
    ("operator", "right", "holds"),
    [
        ("<=", 15, True),
        ("<=", 14.99, False),
        ("<", 15, False),
        ("<", 15.01, True),
        (">=", 15, True),
        (">", 15, False),
        ("==", 15, True),
        ("==", 15.000001, False),
    ],
)
def test_each_operator_against_a_constant(
    tmp_path: Path, operator: str, right: float, holds: bool
) -> None:
    form = _form(
        tmp_path,
        {
            "left": {"sum": "/kosten/*/bedrag"},
            "operator": operator,
            "right": right,
            "message": "{left} tegen {right}",
        },
    )
    problems = formkit.validate(form, _ANSWERS, now=NOW)
    assert (problems == []) is holds
    if not holds:
        assert problems[0].message == f"15,00 tegen {amount_text(exact(right))}"  # type: ignore[arg-type]


def test_plus_minus_integers_and_named_amounts_in_the_message(tmp_path: Path) -> None:
    form = _form(
        tmp_path,
        {
            "left": {"field": "/gevraagd", "name": "gevraagd"},
            "operator": "<=",
            "right": {
                "minus": [
                    {
                        "plus": [
                            {"sum": "/kosten/*/bedrag", "name": "kosten"},
                            {"sum": "/kosten/*/aantal"},
                        ]
                    },
                    {"field": "/inkomsten", "name": "inkomsten"},
                    1,
                ]
            },
            "message": "{gevraagd} > {kosten} + stuks - {inkomsten} - 1 = {right}",
        },
    )
    document = {**_ANSWERS, "inkomsten": 5.25, "gevraagd": 13.75}  # 15 + 5 - 5,25 - 1
    assert formkit.validate(form, document, now=NOW) == []
    document["gevraagd"] = 13.76
    (problem,) = formkit.validate(form, document, now=NOW)
    assert problem.message == "13,76 > 15,00 + stuks - 5,25 - 1 = 13,75"


def test_a_rule_applies_only_when_its_condition_holds(tmp_path: Path) -> None:
    form = _form(
        tmp_path,
        {
            "left": {"field": "/gevraagd"},
            "operator": "<=",
            "right": 10,
            "message": "Te veel.",
            "when": {"required": ["inkomsten"]},
        },
    )
    assert formkit.validate(form, {"gevraagd": 20}, now=NOW) == []
    assert [p.code for p in formkit.validate(form, {"gevraagd": 20, "inkomsten": 0}, now=NOW)] == [
        "compare"
    ]


def test_the_example_generator_balances_a_comparison_it_can(tmp_path: Path) -> None:
    document = _form_document(
        {
            "left": {"field": "/gevraagd"},
            "operator": ">=",
            "right": {"sum": "/kosten/*/bedrag"},
            "message": "U vraagt {left}; dat is minder dan {right}.",
        }
    )
    document["required"] = ["kosten", "gevraagd"]
    kosten = document["properties"]["kosten"]
    kosten["minItems"] = 1
    kosten["items"]["required"] = ["bedrag"]
    kosten["items"]["properties"]["bedrag"]["examples"] = [3.3]
    form = formkit.load_form(write_json(tmp_path / "proef.json", document))
    answers = example(form, now=NOW)  # gevraagd starts at 0: below the 3,30 of the row
    assert answers["gevraagd"] == 3.3
    assert formkit.validate(form, answers, now=NOW) == []
