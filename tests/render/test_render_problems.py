"""Problems: a summary on top that links to each field, a message at each field, in Dutch."""

from __future__ import annotations

import re

from tests.conftest import NOW, answers
from tests.render.browser import post
from tests.render.conftest import CTX

import formkit
from formkit import Problem
from formkit.render import (
    Renderer,
    decode_step,
    first_step_with_problems,
    problems_for_step,
    problems_reached,
)


def _rejected(
    renderer: Renderer, form: formkit.Form, step_id: str, posted: list[tuple[str, str]]
) -> tuple[str, list[Problem]]:
    decoded = decode_step(form, step_id, posted, {})
    problems = problems_for_step(form, step_id, formkit.validate(form, decoded.answers, now=NOW))
    return renderer.step(form, step_id, decoded.answers, problems, CTX), problems


def test_a_blank_step_gets_a_summary_and_a_message_at_every_field(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    blank = post(renderer.step(form, "drank-en-eten", {}, [], CTX))
    html, problems = _rejected(renderer, form, "drank-en-eten", blank)
    assert [p.pointer for p in problems] == [
        "/drankEnEten/drankSchenken",
        "/drankEnEten/etenMetGasOfBarbecue",
    ]
    summary = html.split('class="fk-error-summary"')[1].split("</div>")[0]
    assert 'role="alert"' in html
    assert 'tabindex="-1"' in html.split('class="fk-error-summary"')[1][:120]
    assert "Er is een probleem" in summary
    assert '<a href="#fk-drankEnEten-drankSchenken">Duid aan of u dranken schenkt.</a>' in summary
    assert html.index("fk-error-summary") > html.index("<h1")  # first after the heading
    assert html.index("fk-error-summary") < html.index("<form")
    assert "<title>Fout: Drank en eten" in html


def test_a_message_is_tied_to_its_control(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    posted = [("/evenement/verwachteBezoekers", "veel"), ("/evenement/naam", "Feest")]
    html, _ = _rejected(renderer, form, "evenement", posted)
    tag = re.search(r'<input [^>]*id="fk-evenement-verwachteBezoekers"[^>]*>', html)
    assert tag is not None
    assert 'aria-invalid="true"' in tag.group(0)
    described = re.search(r'aria-describedby="([^"]+)"', tag.group(0))
    assert described is not None
    message_id = "fk-evenement-verwachteBezoekers--fout"
    assert message_id in described.group(1).split()
    message = re.search(rf'<p class="fk-error-message" id="{message_id}">(.*?)</p>', html)
    assert message is not None
    assert "Vul een getal in, zonder punten of spaties." in message.group(1)
    assert 'value="veel"' in tag.group(0), "what was typed is shown again"
    assert 'value="Feest"' in html


def test_a_message_of_a_radio_group_is_tied_to_its_fieldset(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    html, _ = _rejected(renderer, form, "drank-en-eten", [])
    fieldset = re.search(
        r'<fieldset class="fk-fieldset" aria-describedby="fk-drankEnEten-drankSchenken--fout"'
        r' aria-invalid="true">',
        html,
    )
    assert fieldset is not None


def test_a_rejected_step_keeps_the_files_uploaded(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    files = {"/bijlagen/grondplan": {"bestand": "blob-1", "naam": "plan.pdf"}}
    decoded = decode_step(form, "bijlagen", [], {}, files)
    problems = problems_for_step(form, "bijlagen", formkit.validate(form, decoded.answers, now=NOW))
    assert [p.pointer for p in problems] == ["/bijlagen/programma"]
    html = renderer.step(form, "bijlagen", decoded.answers, problems, CTX)
    assert '<input type="hidden" name="/bijlagen/grondplan/bestand" value="blob-1">' in html
    again = decode_step(form, "bijlagen", post(html), decoded.answers)
    assert again.answers["bijlagen"]["grondplan"] == files["/bijlagen/grondplan"]


def test_only_problems_the_citizen_has_reached_are_shown(forms: dict[str, formkit.Form]) -> None:
    form = forms["evenement"]
    problems = formkit.validate(form, {}, now=NOW)
    assert {p.pointer for p in problems_for_step(form, "organisator", problems)} == {
        "/organisator",
        "/organisatorInMechelen",
        "/verantwoordelijke",
        "/tweedeContactpersoon",
    }
    reached = problems_reached(form, "evenement", problems)
    assert {p.pointer.split("/")[1] for p in reached} == {
        "organisator",
        "organisatorInMechelen",
        "verantwoordelijke",
        "tweedeContactpersoon",
        "evenement",
    }
    first = first_step_with_problems(form, problems)
    assert first is not None
    assert first.id == "organisator"
    assert first_step_with_problems(form, []) is None


def test_a_problem_of_an_earlier_step_links_to_that_step(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    problem = Problem("/evenement/begin", "leadTime", "Te laat.")
    html = renderer.step(form, "veiligheid", {}, [problem], CTX)
    assert '<a href="/formulieren/evenement/evenement#fk-evenement-begin">Te laat.</a>' in html
    assert 'class="fk-error-message"' not in html


def test_a_problem_inside_a_row_or_a_file_reference_shows_at_the_nearest_control(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bouwaanvraag"]
    document = answers("bouwaanvraag", "valid-full")
    problems = [
        Problem("/bijlagen/fotos/1/bestand", "pattern", "Laad het bestand opnieuw op."),
        Problem("/bijlagen/plannen", "minItems", "Voeg minstens één plan toe."),
    ]
    html = renderer.step(form, "bijlagen", document, problems, CTX)
    assert '<a href="#fk-bijlagen-fotos">Laad het bestand opnieuw op.</a>' in html
    assert 'id="fk-bijlagen-fotos--fout"' in html
    assert 'id="fk-bijlagen-plannen--fout"' in html


def test_the_summary_lists_problems_row_by_row(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["bewonersinitiatief"]
    problems = [
        Problem("/initiatiefnemers/1/voornaam", "required", "Tweede voornaam."),
        Problem("/initiatiefnemers/0/voornaam", "required", "Eerste voornaam."),
        Problem("/initiatiefnemers/0/telefoon", "required", "Eerste telefoon."),
    ]
    html = renderer.step(form, "initiatiefnemers", {}, problems, CTX)
    order = [
        html.index(f">{m}</a>")
        for m in (
            "Initiatiefnemer 1: eerste voornaam.",
            "Initiatiefnemer 1: eerste telefoon.",
            "Initiatiefnemer 2: tweede voornaam.",
        )
    ]
    assert order == sorted(order)


def test_a_field_shows_the_first_problem_given_for_it_and_the_summary_lists_it_once(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    refused = Problem("/bijlagen/grondplan/bestand", "attachment-media-type", "Geen PDF.")
    missing = Problem("/bijlagen/grondplan", "required", "Voeg een grondplan toe.")
    html = renderer.step(forms["evenement"], "bijlagen", {}, [refused, missing], CTX)
    assert html.count("Geen PDF.") == 2  # in the summary and at the field
    assert "Voeg een grondplan toe." not in html


def test_the_summary_says_whose_answer_a_message_is_about(
    forms: dict[str, formkit.Form], renderer: Renderer
) -> None:
    form = forms["evenement"]
    message = "Vul de achternaam in."
    places = ("/verantwoordelijke", "/tweedeContactpersoon", "/medeaanvragers/1")
    problems = [Problem(f"{place}/achternaam", "required", message) for place in places]
    problems.append(Problem("/verantwoordelijke/adres/straat", "required", "Vul de straat in."))
    problems.append(Problem("/organisatorInMechelen", "required", "Duid aan of ..."))
    html = renderer.step(form, "organisator", {}, problems, CTX)
    summary = html.split('class="fk-error-summary__list"')[1].split("</ul>")[0]
    assert re.findall(r">([^<>]+)</a>", summary) == [
        "Duid aan of ...",
        "Verantwoordelijke: vul de achternaam in.",
        "Verantwoordelijke, adres: vul de straat in.",
        "Tweede contactpersoon ter plaatse: vul de achternaam in.",
        "Medeaanvrager 2: vul de achternaam in.",
    ]
    assert html.count(f"</span> {message}</p>") == 2  # at the fields (no rows yet: none)
