"""What formkit takes from a citizen's ID token: the number, the name, the level of the login."""

from __future__ import annotations

from typing import Any

import pytest

from formkit.accounts import Assurance, ClaimNames, LoginRefused, assurance_of, citizen_from_claims

FAS = ClaimNames()


@pytest.mark.parametrize(
    ("level", "assurance"),
    [
        ("urn:be:fedict:iam:fas:Level500", Assurance.HIGH),  # eID card
        ("urn:be:fedict:iam:fas:Level450", Assurance.HIGH),  # itsme
        ("urn:be:fedict:iam:fas:citizen:Level400", Assurance.SUBSTANTIAL),
        ("urn:be:fedict:iam:fas:Level100", Assurance.LOW),
        ("http://eidas.europa.eu/LoA/high", Assurance.HIGH),
        ("http://eidas.europa.eu/LoA/low", Assurance.LOW),
        ("urn:be:fedict:iam:fas:Level500:extra", Assurance.UNKNOWN),
        ("hoog", Assurance.UNKNOWN),
        ("", Assurance.UNKNOWN),
    ],
)
def test_the_level_of_a_login_in_words(level: str, assurance: Assurance) -> None:
    assert assurance_of(level) is assurance


def test_the_claims_the_settings_name_are_read() -> None:
    names = ClaimNames(national_number="rrn", given_name="given_name", family_name="family_name")
    claims = {"sub": "x", "rrn": "85.07.30-033.28", "given_name": "Anna", "family_name": "Peeters"}
    citizen = citizen_from_claims(claims | {"acr": "http://eidas.europa.eu/LoA/high"}, names)
    assert citizen.national_number == "85073003328"
    assert citizen.name == "Anna Peeters"
    assert citizen.assurance is Assurance.HIGH
    assert "85073003328" not in repr(citizen)
    assert citizen.masked_national_number == "85.07.30-***.**"


def test_without_given_and_family_name_the_name_claim_counts() -> None:
    claims = {"sub": "x", "egovNRN": "85073003328", "name": "Anna Peeters"}
    citizen = citizen_from_claims(claims, FAS)
    assert citizen.name == "Anna Peeters"
    assert citizen.assurance is Assurance.UNKNOWN  # no level: never taken for a high one


@pytest.mark.parametrize(
    "claims",
    [
        {"givenName": "Anna"},
        {"givenName": "Anna", "egovNRN": "85073003329"},  # wrong check digits
        {"givenName": "Anna", "egovNRN": 85073003328},  # not a string
        {"egovNRN": "85073003328"},  # no name
        {"egovNRN": "85073003328", "givenName": " ", "surname": ""},
    ],
)
def test_claims_without_a_valid_number_or_a_name_are_refused_without_the_number(
    claims: dict[str, Any],
) -> None:
    with pytest.raises(LoginRefused) as refused:
        citizen_from_claims({"sub": "x"} | claims, FAS)
    assert refused.value.reason == "claims"
    assert "8507300332" not in str(refused.value)
