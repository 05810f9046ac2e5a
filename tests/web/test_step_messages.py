"""What a step says about its answers: each field by its own name, one problem per field, the
real reason at the field, and a summary that says whose answer it is (issue 13)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.web.conftest import PDF, fill_evenement, fill_organisator, open_page, to_attachments
from tests.web.webforms import Page


def shown_label(page: Page, field_id: str) -> str:
    """The text of a field's label as a browser without the script shows it."""
    found = re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', page.html, re.S)
    assert found, field_id
    hidden = r'<span class="fk-wording"[^>]*\shidden>(<span[^>]*>[^<]*</span>)?[^<]*</span>'
    visible = re.sub(hidden, "", found[1])
    return re.sub(r'<span class="fk-wording__or">[^<]*</span>|<[^>]+>', "", visible).strip()


def test_each_kind_of_organiser_is_asked_for_in_its_own_words(client: TestClient[Any]) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement"))
    page.choose("/organisator/soort", "bedrijf")
    page = page.press("volgende")
    assert page.errors[:2] == [
        "Organisator: vul de naam van het bedrijf in.",
        "Organisator: vul het ondernemingsnummer in.",
    ]
    assert shown_label(page, "fk-organisator-naam") == "Naam van het bedrijf"
    assert shown_label(page, "fk-organisator-ondernemingsnummer") == (
        "Ondernemingsnummer van het bedrijf"
    )
    page.choose("/organisator/soort", "feitelijke-vereniging")
    page = page.press("volgende")
    assert page.errors[0] == "Organisator: vul de naam van de vereniging in."
    assert shown_label(page, "fk-organisator-naam") == "Naam van de vereniging"


def test_before_a_choice_every_title_is_shown_without_the_script(
    client: TestClient[Any],
) -> None:
    page = open_page(client, "/formulieren/evenement")
    assert shown_label(page, "fk-organisator-naam") == (
        "Naam van de vzwNaam van de verenigingNaam van het bedrijf"  # a slash between: CSS
    )


def field_errors(page: Page) -> list[str]:
    """The messages shown at the fields, in order."""
    return [
        re.sub(r"<[^>]+>", "", m).replace("Fout:", "").strip()
        for m in re.findall(r'<p class="fk-error-message"[^>]*>(.*?)</p>', page.html, re.S)
    ]


def test_a_refused_file_in_a_required_slot_says_why_once_and_at_its_field(
    client: TestClient[Any],
) -> None:
    page = to_attachments(client)
    page.attach("/bijlagen/grondplan", "grondplan.pdf", b"MZ\x90\x00 a program, not a plan")
    page.attach("/bijlagen/programma", "programma.pdf", PDF)
    page = page.press("volgende")
    assert page.status == 422
    reason = "grondplan.pdf is van een soort die we niet aanvaarden."
    assert len(page.errors) == 1
    assert page.errors[0].startswith(reason)
    assert len(field_errors(page)) == 1
    assert field_errors(page)[0].startswith(reason)
    assert "Voeg een grondplan toe." not in page.html


def test_a_date_that_does_not_exist_is_said_at_its_fields_and_kept_as_typed(
    client: TestClient[Any],
) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    page = (
        fill_evenement(page).fill("/evenement/begin#dag", "31").fill("/evenement/begin#maand", "2")
    )
    shown = page.press("volgende")
    assert shown.status == 422
    assert "Vul een bestaande datum in, bijvoorbeeld 27 3 2027." in shown.errors
    assert '<a href="#fk-evenement-begin">' in shown.html  # the summary leads to the day
    assert shown.value("/evenement/begin#dag") == "31"
    assert shown.value("/evenement/begin#maand") == "2"
    assert shown.value("/evenement/begin#tijd") == "20:00"


@pytest.mark.parametrize(
    ("dag", "maand", "jaar", "tijd", "said"),
    [
        ("16", "", "2027", "20:00", "De datum moet een maand bevatten."),
        ("", "", "2027", "20:00", "De datum moet een dag en een maand bevatten."),
        ("16", "okt", "2027", "20:00", "Vul de datum in cijfers in, bijvoorbeeld 27 3 2027."),
        ("16", "10", "27", "20:00", "Vul het jaar in met vier cijfers, bijvoorbeeld 2027."),
        ("16", "10", "2027", "25:00", "Vul een geldig uur in, bijvoorbeeld 14:30."),
    ],
)
def test_a_date_says_what_is_wrong_with_its_parts(
    client: TestClient[Any], dag: str, maand: str, jaar: str, tijd: str, said: str
) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    page = fill_evenement(page)
    typed = {"dag": dag, "maand": maand, "jaar": jaar, "tijd": tijd}
    for part, value in typed.items():
        page.fill(f"/evenement/begin#{part}", value)
    shown = page.press("volgende")
    assert said in shown.errors
    assert shown.value("/evenement/begin#jaar") == jaar
