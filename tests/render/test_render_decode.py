"""Posted fields back to typed answers, field kind by field kind."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import NOW, answers
from tests.render.browser import post
from tests.render.conftest import CTX

import formkit
from formkit.render import Move, Renderer, decode_step


def _decode(
    form: formkit.Form,
    step_id: str,
    posted: list[tuple[str, str]],
    earlier: dict[str, Any] | None = None,
    files: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return decode_step(form, step_id, posted, earlier or {}, files).answers


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12", 12),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1.250,75", 1250.75),
        ("1.000", 1000),
        (" 2 500 ", 2500),
        ("45,50", 45.5),
        ("0,0", 0.0),
        ("1e3", 1000.0),
    ],
)
def test_numbers_are_read_the_dutch_way(
    forms: dict[str, formkit.Form], typed: str, number: float
) -> None:
    decoded = _decode(
        forms["bewonersinitiatief"], "financiering", [("/financiering/verwachteInkomsten", typed)]
    )
    value = decoded["financiering"]["verwachteInkomsten"]
    assert value == number
    assert type(value) is type(number)


def test_a_number_that_cannot_be_read_is_kept_as_typed_and_shown_again(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    decoded = _decode(form, "evenement", [("/evenement/verwachteBezoekers", "veel")])
    assert decoded["evenement"]["verwachteBezoekers"] == "veel"
    problems = formkit.validate(form, decoded, now=NOW)
    assert any(p.pointer == "/evenement/verwachteBezoekers" for p in problems)
    html = renderer.step(form, "evenement", decoded, problems, CTX)
    assert 'name="/evenement/verwachteBezoekers" type="text" value="veel"' in html


def test_texts_are_trimmed_and_blank_fields_are_no_answer(forms: dict[str, formkit.Form]) -> None:
    posted = [
        ("/evenement/naam", "  Zomerfeest  "),
        ("/evenement/plaats", "   "),
        ("/evenement/omschrijving", "Lijn een\r\nLijn twee\r\n"),
    ]
    event = _decode(forms["evenement"], "evenement", posted)["evenement"]
    assert event == {"naam": "Zomerfeest", "omschrijving": "Lijn een\nLijn twee"}


def test_numbers_people_type_with_separators_are_stored_compact(
    forms: dict[str, formkit.Form],
) -> None:
    posted = [
        ("/verantwoordelijke/rijksregisternummer", "85.03.14-123.02"),
        ("/verantwoordelijke/telefoon", "0470 12 34 56"),
        ("/verantwoordelijke/adres/postcode", " 2800 "),
    ]
    person = _decode(forms["evenement"], "organisator", posted)["verantwoordelijke"]
    assert person["rijksregisternummer"] == "85031412302"
    assert person["telefoon"] == "0470123456"
    assert person["adres"]["postcode"] == "2800"
    iban = [("/financiering/rekening/iban", "be21 0012 3456 7803")]
    decoded = _decode(forms["bewonersinitiatief"], "financiering", iban)
    assert decoded["financiering"]["rekening"]["iban"] == "BE21001234567803"


def test_yes_and_no_are_booleans_and_choices_keep_the_type_of_their_constant(
    forms: dict[str, formkit.Form],
) -> None:
    drinks = _decode(forms["evenement"], "drank-en-eten", [("/drankEnEten/drankSchenken", "false")])
    assert drinks["drankEnEten"] == {"drankSchenken": False}
    architect = _decode(forms["bouwaanvraag"], "architect", [("/architect/vrijgesteld", "true")])
    assert architect["architect"]["vrijgesteld"] is True


def test_an_unknown_choice_is_kept_so_validation_names_it(forms: dict[str, formkit.Form]) -> None:
    decoded = _decode(forms["evenement"], "evenement", [("/evenement/soort", "rave")])
    assert decoded["evenement"]["soort"] == "rave"


def test_checked_options_come_in_the_order_of_the_form(forms: dict[str, formkit.Form]) -> None:
    posted = [("/werken/soort", "sloop"), ("/werken/soort", "verbouwing")]
    decoded = _decode(forms["bouwaanvraag"], "werken", posted)
    assert decoded["werken"]["soort"] == ["verbouwing", "sloop"]
    assert "soort" not in _decode(forms["bouwaanvraag"], "werken", [])["werken"]


def test_the_answers_of_other_steps_are_kept(forms: dict[str, formkit.Form]) -> None:
    earlier = answers("evenement", "valid-full")
    decoded = _decode(forms["evenement"], "drank-en-eten", [], earlier)
    assert decoded["evenement"] == earlier["evenement"]
    assert decoded["drankEnEten"] == {}  # a required object left blank: a message per field


def test_an_optional_object_left_blank_is_no_answer(forms: dict[str, formkit.Form]) -> None:
    posted = [("/evenement/adres/straat", ""), ("/evenement/adres/gemeente", " ")]
    assert "adres" not in _decode(forms["evenement"], "evenement", posted)["evenement"]


@pytest.mark.parametrize(
    ("local", "moment"),
    [
        ("2027-08-28T14:00", "2027-08-28T14:00:00+02:00"),  # summer time
        ("2027-01-15T09:30", "2027-01-15T09:30:00+01:00"),  # winter time
        ("2027-03-28T02:30", "2027-03-28T03:30:00+02:00"),  # skipped hour: the real time
        ("2027-10-31T02:30", "2027-10-31T02:30:00+02:00"),  # repeated hour: the first one
    ],
)
def test_moments_are_brussels_wall_clock_time_with_the_offset_of_the_day(
    forms: dict[str, formkit.Form], renderer: Renderer, local: str, moment: str
) -> None:
    form = forms["evenement"]
    decoded = _decode(form, "evenement", [("/evenement/begin", local)])
    assert decoded["evenement"]["begin"] == moment
    html = renderer.step(form, "evenement", decoded, [], CTX)
    shown = [(n, v) for n, v in post(html) if n.startswith("/evenement/begin#")]
    assert len(shown) == 4  # dag, maand, jaar, tijd
    assert _decode(form, "evenement", shown) == decoded


def test_a_moment_in_another_offset_is_shown_in_brussels_time(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    document = {"evenement": {"begin": "2027-08-28T12:00:00Z"}}
    html = renderer.step(forms["evenement"], "evenement", document, [], CTX)
    shown = {n: v for n, v in post(html) if n.startswith("/evenement/begin#")}
    assert shown == {
        "/evenement/begin#dag": "28",
        "/evenement/begin#maand": "8",
        "/evenement/begin#jaar": "2027",
        "/evenement/begin#tijd": "14:00",
    }


DATUM = "/initiatief/datum"


@pytest.mark.parametrize(
    ("dag", "maand", "jaar", "answer"),
    [
        ("5", "9", "2027", "2027-09-05"),
        (" 05 ", "09", "2027", "2027-09-05"),
        ("", "", "", None),
        ("31", "2", "2027", "31-2-2027"),  # no such day: kept as typed, refused by validation
        ("", "3", "2027", "-3-2027"),  # a part missing: likewise
        ("1", "maart", "2027", "1-maart-2027"),
    ],
)
def test_a_date_is_read_from_its_three_fields(
    forms: dict[str, formkit.Form], dag: str, maand: str, jaar: str, answer: str | None
) -> None:
    parts = [(f"{DATUM}#dag", dag), (f"{DATUM}#maand", maand), (f"{DATUM}#jaar", jaar)]
    decoded = _decode(forms["bewonersinitiatief"], "initiatief", parts)
    assert decoded.get("initiatief", {}).get("datum") == answer


def test_a_date_kept_as_typed_is_shown_again_in_its_fields(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    document = {"initiatief": {"datum": "31-2-2027"}}
    html = renderer.step(forms["bewonersinitiatief"], "initiatief", document, [], CTX)
    shown = {n: v for n, v in post(html) if n.startswith(f"{DATUM}#")}
    assert shown == {f"{DATUM}#dag": "31", f"{DATUM}#maand": "2", f"{DATUM}#jaar": "2027"}


@pytest.mark.parametrize(
    ("typed", "clock"),
    [("14:30", "14:30"), ("14.30", "14:30"), ("14u30", "14:30"), ("9u", "09:00"), ("930", "09:30")],
)
def test_a_time_is_read_as_citizens_write_it(
    forms: dict[str, formkit.Form], typed: str, clock: str
) -> None:
    begin = "/evenement/begin"
    parts = [(f"{begin}#dag", "28"), (f"{begin}#maand", "8"), (f"{begin}#jaar", "2027")]
    decoded = _decode(forms["evenement"], "evenement", [*parts, (f"{begin}#tijd", typed)])
    assert decoded["evenement"]["begin"] == f"2027-08-28T{clock}:00+02:00"


def test_a_time_that_is_none_keeps_the_moment_as_typed(forms: dict[str, formkit.Form]) -> None:
    begin = "/evenement/begin"
    parts = [(f"{begin}#dag", "28"), (f"{begin}#maand", "8"), (f"{begin}#jaar", "2027")]
    decoded = _decode(forms["evenement"], "evenement", [*parts, (f"{begin}#tijd", "25:00")])
    assert decoded["evenement"]["begin"] == "28-8-2027 25:00"


def test_a_date_typed_without_a_date_picker_is_read_too(forms: dict[str, formkit.Form]) -> None:
    decoded = _decode(
        forms["bewonersinitiatief"], "initiatief", [("/initiatief/datum", "5/9/2027")]
    )
    assert decoded["initiatief"]["datum"] == "2027-09-05"


def test_an_uploaded_file_becomes_a_reference(forms: dict[str, formkit.Form]) -> None:
    files = {"/bijlagen/grondplan": {"bestand": "sha256-abc", "naam": "plan.pdf"}}
    decoded = _decode(forms["evenement"], "bijlagen", [], files=files)
    assert decoded["bijlagen"]["grondplan"] == {"bestand": "sha256-abc", "naam": "plan.pdf"}


def test_an_empty_file_input_keeps_the_file_uploaded_before(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    earlier = answers("evenement", "valid-full")
    html = renderer.step(form, "bijlagen", earlier, [], CTX)
    decoded = _decode(form, "bijlagen", post(html), earlier)
    assert decoded["bijlagen"] == earlier["bijlagen"]


def test_a_new_upload_replaces_one_and_adds_to_several(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bouwaanvraag"]
    earlier = answers("bouwaanvraag", "valid-full")
    html = renderer.step(form, "bijlagen", earlier, [], CTX)
    new = {"bestand": "nieuw-1", "naam": "nieuw.pdf"}
    files = {"/bijlagen/statistischFormulier": new, "/bijlagen/fotos": [new, new]}
    decoded = _decode(form, "bijlagen", post(html), earlier, files)
    assert decoded["bijlagen"]["statistischFormulier"] == new
    assert decoded["bijlagen"]["fotos"] == [*earlier["bijlagen"]["fotos"], new, new]


def test_removing_an_uploaded_file(forms: dict[str, formkit.Form], renderer: Renderer) -> None:
    form = forms["bouwaanvraag"]
    earlier = answers("bouwaanvraag", "valid-full")
    html = renderer.step(form, "bijlagen", earlier, [], CTX)
    decoded = decode_step(form, "bijlagen", post(html, "verwijderen:/bijlagen/fotos/0"), earlier)
    assert decoded.action.move is Move.REMOVE
    assert decoded.answers["bijlagen"]["fotos"] == earlier["bijlagen"]["fotos"][1:]
    single = post(html, "verwijderen:/bijlagen/statistischFormulier")
    assert "statistischFormulier" not in _decode(form, "bijlagen", single, earlier)["bijlagen"]


@pytest.mark.parametrize(
    ("value", "move", "target"),
    [
        ("volgende", Move.NEXT, ""),
        ("vorige", Move.PREVIOUS, ""),
        ("bewaren", Move.SAVE, ""),
        ("naar:evenement", Move.GOTO, "evenement"),
        ("toevoegen:/medeaanvragers", Move.ADD, "/medeaanvragers"),
        ("verwijderen:/medeaanvragers/0", Move.REMOVE, "/medeaanvragers/0"),
        ("naar:bestaat-niet", Move.NEXT, ""),
        ("toevoegen:/evenement", Move.NEXT, ""),  # not a repeatable group
        ("toevoegen:/materiaal", Move.NEXT, ""),  # not on this step
        ("verwijderen:/verantwoordelijke", Move.NEXT, ""),
        ("toevoegen:geen-pointer", Move.NEXT, ""),
        ("iets", Move.NEXT, ""),
    ],
)
def test_the_button_pressed_says_what_to_do(
    forms: dict[str, formkit.Form], value: str, move: Move, target: str
) -> None:
    action = decode_step(forms["evenement"], "organisator", [("_actie", value)], {}).action
    assert (action.move, action.target) == (move, target)


def test_no_button_at_all_means_next(forms: dict[str, formkit.Form]) -> None:
    assert decode_step(forms["evenement"], "organisator", [], {}).action.move is Move.NEXT


def test_an_unknown_step_is_refused(forms: dict[str, formkit.Form]) -> None:
    with pytest.raises(KeyError):
        decode_step(forms["evenement"], "bestaat-niet", [], {})
