"""Validation: every problem at the field it is about, in Dutch, with the rules at their edges."""

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.conftest import FORM_IDS, NOW, answers

import formkit
from formkit.forms._rules import rule_problems

Forms = dict[str, formkit.Form]


def _problems(form: formkit.Form, document: Any, now: datetime = NOW) -> list[tuple[str, str]]:
    return [(p.pointer, p.code) for p in formkit.validate(form, document, now=now)]


@pytest.mark.parametrize("form_id", FORM_IDS)
@pytest.mark.parametrize("name", ["valid-minimal", "valid-full"])
def test_example_answers_are_valid(forms: Forms, form_id: str, name: str) -> None:
    assert formkit.validate(forms[form_id], answers(form_id, name), now=NOW) == []


def test_required_is_reported_at_the_missing_field_itself(forms: Forms) -> None:
    document = answers("evenement", "valid-minimal")
    del document["verantwoordelijke"]["rijksregisternummer"]
    (problem,) = formkit.validate(forms["evenement"], document, now=NOW)
    assert problem.pointer == "/verantwoordelijke/rijksregisternummer"
    assert problem.code == "required"
    assert "rijksregisternummer" in problem.message.lower()


def test_a_wrong_national_number_gets_a_message_a_citizen_understands(forms: Forms) -> None:
    document = answers("evenement", "valid-minimal")
    document["verantwoordelijke"]["rijksregisternummer"] = "85031412303"  # checksum off by one
    (problem,) = formkit.validate(forms["evenement"], document, now=NOW)
    assert problem.pointer == "/verantwoordelijke/rijksregisternummer"
    assert problem.code == "format"
    assert "rijksregisternummer" in problem.message  # the author's words from defs/
    assert "^" not in problem.message
    assert "[0-9]" not in problem.message


def test_every_problem_is_listed_in_reading_order(forms: Forms) -> None:
    document = answers("evenement", "valid-minimal")
    document["bijlagen"] = {}
    document["evenement"]["verwachteBezoekers"] = -5
    document["verantwoordelijke"]["email"] = "geen-adres"
    assert _problems(forms["evenement"], document) == [
        ("/verantwoordelijke/email", "format"),
        ("/evenement/verwachteBezoekers", "minimum"),
        ("/bijlagen/grondplan", "required"),
        ("/bijlagen/programma", "required"),
    ]


def test_the_rows_of_a_group_are_listed_one_after_the_other(forms: Forms) -> None:
    document = answers("bewonersinitiatief", "valid-minimal")
    for initiator in document["initiatiefnemers"]:
        del initiator["voornaam"]
        initiator["adres"]["postcode"] = "28"
    document["initiatief"]["naam"] = ""
    pointers = [p for p, _ in _problems(forms["bewonersinitiatief"], document)]
    assert pointers == [
        "/initiatiefnemers/0/voornaam",
        "/initiatiefnemers/0/adres/postcode",
        "/initiatiefnemers/1/voornaam",
        "/initiatiefnemers/1/adres/postcode",
        "/initiatief/naam",
    ]


def test_the_chosen_alternative_speaks_for_itself(forms: Forms) -> None:
    document = answers("evenement", "valid-minimal")
    document["organisator"] = {"soort": "vzw", "naam": "Buurtwerking De Ster"}
    problems = formkit.validate(forms["evenement"], document, now=NOW)
    assert [(p.pointer, p.code) for p in problems] == [
        ("/organisator/ondernemingsnummer", "required")
    ]


def test_a_wrong_value_in_a_conditional_field_is_said_once(forms: Forms) -> None:
    document = answers("evenement", "valid-minimal")
    document["veiligheid"].update(versterkteMuziek=True, geluidsniveau=150)
    assert _problems(forms["evenement"], document) == [("/veiligheid/geluidsniveau", "maximum")]


def test_an_answer_outside_the_form_is_refused_where_it_is(forms: Forms) -> None:
    document = answers("evenement", "valid-minimal")
    document["veiligheid"]["geluidsniveau"] = 80  # only asked with amplified music
    assert _problems(forms["evenement"], document) == [
        ("/veiligheid/geluidsniveau", "unevaluatedProperties")
    ]


def test_now_must_be_timezone_aware(forms: Forms) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        formkit.validate(forms["evenement"], {}, now=datetime(2026, 11, 28))


def test_answers_that_are_not_an_object_are_one_problem(forms: Forms) -> None:
    assert _problems(forms["evenement"], []) == [("", "type")]


# Lead times: the moment of filing is injected, never read from the clock.


def _event(forms: Forms, soort: str, locatietype: str, begin: datetime) -> list[tuple[str, str]]:
    document = answers("evenement", "valid-minimal")
    document["evenement"].update(
        soort=soort,
        locatietype=locatietype,
        begin=begin.isoformat(),
        einde=(begin + timedelta(hours=3)).isoformat(),
    )
    return _problems(forms["evenement"], document)


LATE = [("/evenement/begin", "leadTime")]


@pytest.mark.parametrize(
    ("soort", "locatietype", "lead"),
    [
        ("concert", "binnen", timedelta(hours=48)),
        ("fuif", "binnen", timedelta(weeks=5)),
        ("markt", "priveterrein", timedelta(days=10)),
        ("concert", "openbaar-domein", timedelta(weeks=6)),
        ("fuif", "openbaar-domein", timedelta(weeks=6)),
    ],
)
def test_lead_time_per_location_at_its_edge(
    forms: Forms, soort: str, locatietype: str, lead: timedelta
) -> None:
    assert _event(forms, soort, locatietype, NOW + lead) == []
    assert _event(forms, soort, locatietype, NOW + lead - timedelta(minutes=1)) == LATE


def test_47_hours_59_minutes_is_too_late_for_an_indoor_event(forms: Forms) -> None:
    begin = NOW + timedelta(hours=47, minutes=59)
    assert _event(forms, "concert", "binnen", begin) == LATE


def test_lead_time_follows_the_injected_now(forms: Forms) -> None:
    begin = datetime(2027, 1, 10, 20, tzinfo=UTC)
    document = answers("evenement", "valid-minimal")
    document["evenement"].update(begin=begin.isoformat(), einde=begin.isoformat())
    form = forms["evenement"]
    assert _problems(form, document, now=begin - timedelta(days=3)) == []
    assert _problems(form, document, now=begin - timedelta(days=1)) == LATE


def test_end_before_start_is_refused(forms: Forms) -> None:
    document = answers("evenement", "valid-minimal")
    document["evenement"]["einde"] = "2027-10-16T19:59:00+02:00"
    assert _problems(forms["evenement"], document) == [("/evenement/einde", "after")]


@pytest.mark.parametrize(("visitors", "needs_plan"), [(1000, False), (1001, True)])
def test_safety_plan_above_1000_visitors(forms: Forms, visitors: int, needs_plan: bool) -> None:
    document = answers("evenement", "valid-minimal")
    document["evenement"]["verwachteBezoekers"] = visitors
    expected = [("/bijlagen/veiligheidsplan", "required")] if needs_plan else []
    assert _problems(forms["evenement"], document) == expected


@pytest.mark.parametrize(
    ("in_mechelen", "strong_spirits", "needs_certificate"),
    [(True, True, False), (False, False, False), (False, True, True)],
)
def test_certificate_of_good_conduct_only_for_strong_spirits_from_outside(
    forms: Forms, in_mechelen: bool, strong_spirits: bool, needs_certificate: bool
) -> None:
    document = answers("evenement", "valid-minimal")
    document["organisatorInMechelen"] = in_mechelen
    document["drankEnEten"].update(drankSchenken=True, sterkeDrank=strong_spirits)
    expected = [("/bijlagen/moraliteitsattest", "required")] if needs_certificate else []
    assert _problems(forms["evenement"], document) == expected


# bewonersinitiatief: streets and the amount that goes with the size.


def _initiative(forms: Forms, size: str, streets: list[str], amount: int) -> list[Any]:
    document = answers("bewonersinitiatief", "valid-minimal")
    document["initiatief"].update(grootte=size, straten=streets)
    document["financiering"]["gevraagdBedrag"] = amount
    # Costs well above the amount: only the size's limit speaks here.
    document["financiering"]["begroting"] = [{"omschrijving": "Tent en drank", "bedrag": 900}]
    return formkit.validate(forms["bewonersinitiatief"], document, now=NOW)


def test_small_initiative_is_one_street_and_at_most_150_euro(forms: Forms) -> None:
    assert _initiative(forms, "klein", ["Adegemstraat"], 150) == []
    (problem,) = _initiative(forms, "klein", ["Adegemstraat"], 151)
    assert (problem.pointer, problem.code) == ("/financiering/gevraagdBedrag", "maximum")
    assert "150 euro" in problem.message
    two_streets = _initiative(forms, "klein", ["Adegemstraat", "Kerkhofstraat"], 100)
    assert [(p.pointer, p.code) for p in two_streets] == [("/initiatief/straten", "maxItems")]


def test_large_initiative_is_two_streets_and_at_most_500_euro(forms: Forms) -> None:
    assert _initiative(forms, "groot", ["Adegemstraat", "Kerkhofstraat"], 500) == []
    (problem,) = _initiative(forms, "groot", ["Adegemstraat", "Kerkhofstraat"], 501)
    assert "500 euro" in problem.message
    one_street = _initiative(forms, "groot", ["Adegemstraat"], 200)
    assert [(p.pointer, p.code) for p in one_street] == [("/initiatief/straten", "minItems")]


def test_initiators_must_live_at_different_addresses(forms: Forms) -> None:
    document = answers("bewonersinitiatief", "valid-minimal")
    second = document["initiatiefnemers"][1]
    second["adres"] = copy.deepcopy(document["initiatiefnemers"][0]["adres"])
    second["adres"]["straat"] = " adegemstraat "  # the same address, typed differently
    assert _problems(forms["bewonersinitiatief"], document) == [
        ("/initiatiefnemers/1/adres", "distinct")
    ]


def test_blank_rows_are_not_on_the_same_address(forms: Forms) -> None:
    document = answers("bewonersinitiatief", "valid-minimal")
    document["initiatiefnemers"] = [{"adres": {}}, {"adres": {}}]  # as the pages post them
    problems = _problems(forms["bewonersinitiatief"], document)
    assert problems  # the schema says what is missing in each row
    assert all(code != "distinct" for _, code in problems)


@pytest.mark.parametrize("blank", [{}, "", " ", [], None, {"straat": " ", "huisnummer": ""}])
def test_a_blank_key_is_never_the_same_as_another(forms: Forms, blank: Any) -> None:
    form = forms["bewonersinitiatief"]
    document = answers("bewonersinitiatief", "valid-minimal")
    for initiator in document["initiatiefnemers"]:
        initiator["adres"] = copy.deepcopy(blank)
    assert [p.code for p in rule_problems(form.rules, document, NOW)] == []


def test_one_initiator_is_not_enough(forms: Forms) -> None:
    document = answers("bewonersinitiatief", "valid-minimal")
    del document["initiatiefnemers"][1]
    assert _problems(forms["bewonersinitiatief"], document) == [("/initiatiefnemers", "minItems")]


def test_initiative_six_weeks_ahead_counted_in_city_days(forms: Forms) -> None:
    document = answers("bewonersinitiatief", "valid-minimal")
    document["initiatief"]["datum"] = "2027-01-09"  # midnight in Brussels, 23:00 UTC on the 8th
    edge = datetime(2027, 1, 8, 23, tzinfo=UTC) - timedelta(weeks=6)
    form = forms["bewonersinitiatief"]
    assert _problems(form, document, now=edge) == []
    assert _problems(form, document, now=edge + timedelta(seconds=1)) == [
        ("/initiatief/datum", "leadTime")
    ]


# bouwaanvraag: photos, plans and the architect.


def test_building_permit_needs_two_photos(forms: Forms) -> None:
    document = answers("bouwaanvraag", "valid-minimal")
    document["bijlagen"]["fotos"] = document["bijlagen"]["fotos"][:1]
    (problem,) = formkit.validate(forms["bouwaanvraag"], document, now=NOW)
    assert (problem.pointer, problem.code) == ("/bijlagen/fotos", "minItems")
    assert "twee foto's" in problem.message


@pytest.mark.parametrize("number", [2**53, 1e300, 18014398509481985, 2**200])
def test_a_number_json_cannot_hold_exactly_is_refused(
    forms: dict[str, formkit.Form], number: float
) -> None:
    document = answers("evenement", "valid-minimal")
    document["veiligheid"]["aantalStewards"] = number
    problems = formkit.validate(forms["evenement"], document, now=NOW)
    found = [p.pointer for p in problems if p.code == "number-range"]
    assert found == ["/veiligheid/aantalStewards"]


def test_the_largest_exact_number_is_no_range_problem(forms: dict[str, formkit.Form]) -> None:
    document = answers("evenement", "valid-minimal")
    document["veiligheid"]["aantalStewards"] = 2**53 - 1
    problems = formkit.validate(forms["evenement"], document, now=NOW)
    assert not [p for p in problems if p.code == "number-range"]


def test_a_lead_time_names_the_earliest_moment_allowed(forms: Forms) -> None:
    document = answers("evenement", "valid-minimal")
    begin = datetime(2026, 12, 1, 20, tzinfo=UTC)
    document["evenement"].update(
        soort="fuif", locatietype="binnen", begin=begin.isoformat(), einde=begin.isoformat()
    )
    now = datetime(2026, 11, 28, 9, 30, 15, tzinfo=UTC)  # 10:30:15 in Brussels
    problems = formkit.validate(forms["evenement"], document, now=now)
    late = [p for p in problems if p.code == "leadTime"]
    assert [p.message for p in late] == [
        "Een fuif meldt u minstens 5 weken voor het begin. "
        "De vroegste datum die u kunt kiezen, is 2 januari 2027 om 10:31."
    ]


def test_a_lead_time_in_days_names_the_earliest_day_allowed(forms: Forms) -> None:
    document = answers("bewonersinitiatief", "valid-minimal")
    document["initiatief"]["datum"] = "2027-01-09"
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    late = formkit.validate(forms["bewonersinitiatief"], document, now=now)
    assert late[-1].code == "leadTime"
    assert late[-1].message.endswith(" De vroegste datum die u kunt kiezen, is 13 januari 2027.")
