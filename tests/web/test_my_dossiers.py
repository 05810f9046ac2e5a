"""Mijn dossiers: a logged-in citizen sees exactly their own dossiers, and each in full.

Two citizens log in with the development login (loopback, no provider): Anna and Jan, each
the applicant of some dossiers and Anna the co-applicant of one of Jan's
(tests/web/my_dossiers_support.py). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.conftest import service_settings
from tests.web.conftest import Clock
from tests.web.loopback import APP_URL, development_login
from tests.web.my_dossiers_support import (
    ADVICE_FILE,
    ADVICE_MOTIVATION,
    ADVICE_PDF,
    ANNA,
    DECISION_MOTIVATION,
    JAN,
    Dossiers,
    dossiers,
)

from formkit.accounts import national_number_key
from formkit.filing._filing import Filed, Filing, Party, Role
from formkit.forms._dutch import day_text, moment_text
from formkit.forms._load import load_form
from formkit.forms._scaffold import scaffold
from formkit.handling.deadlines import local_day
from formkit.settings import Settings
from formkit.web.app import create_app
from formkit.web.services import Services

HOME = "/mijn-dossiers"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return service_settings(tmp_path, database_url)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services.settings, services), base_url=APP_URL) as test_client:
        yield test_client


@pytest.fixture
def filed(services: Services, clock: Clock) -> Dossiers:
    clock.now = datetime.now(UTC)  # filing stamps its own moment: the city acts the same day
    return dossiers(services)


@pytest.fixture
def today(clock: Clock) -> str:
    return day_text(local_day(clock.now))


def log_in(client: TestClient[Any], citizen: str) -> None:
    client.cookies.clear()
    assert development_login(client, citizen).status_code == 303


def listed(page: str) -> list[str]:
    """The dossier numbers the list links to, in its order."""
    return re.findall(r'<td class="fk-table__number"><a href="/mijn-dossiers/([^"]+)">', page)


def text(page: str) -> str:
    """The page's words, without tags: what a reader reads."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_a_citizen_sees_exactly_the_dossiers_in_which_they_are_a_party(
    client: TestClient[Any], filed: Dossiers
) -> None:
    log_in(client, "anna")
    anna = client.get(HOME)
    assert anna.status_code == 200
    assert sorted(listed(anna.text)) == sorted(
        [filed.anna_incomplete, filed.anna_in_progress, filed.shared_decided]
    )
    log_in(client, "jan")
    jan = client.get(HOME)
    assert sorted(listed(jan.text)) == sorted([filed.shared_decided, filed.jan_filed])


def test_the_list_says_each_dossiers_form_phase_role_and_what_the_city_asks(
    client: TestClient[Any], filed: Dossiers, today: str
) -> None:
    log_in(client, "anna")
    page = client.get(HOME).text
    words = text(page)
    assert "De stad wacht op u" in words
    assert (
        f"Dossier {filed.anna_incomplete} (Omgevingsvergunning voor bouwwerken aanvragen)" in words
    )
    assert f'<a href="{filed.completion}">vul uw aanvraag aan</a>' in page
    row = re.compile(
        r'<tr>\s*<td class="fk-table__number"><a href="/mijn-dossiers/([^"]+)">(.*?)</tr>', re.S
    )
    rows = {number: text(cells) for number, cells in row.findall(page)}
    assert rows[filed.anna_incomplete] == (
        f"{filed.anna_incomplete} Omgevingsvergunning voor bouwwerken aanvragen {today}"
        " Onvolledig De stad vraagt u iets aan te vullen. aanvrager"
    )
    assert rows[filed.anna_in_progress].endswith(f"{today} In behandeling aanvrager")
    assert rows[filed.shared_decided] == (
        f"{filed.shared_decided} Evenement melden of aanvragen {today} Beslist medeaanvrager"
    )


def test_anothers_dossier_answers_as_one_that_does_not_exist(
    client: TestClient[Any], filed: Dossiers
) -> None:
    log_in(client, "anna")
    theirs = client.get(f"{HOME}/{filed.jan_filed}")
    nobodys = client.get(f"{HOME}/BI-2026-999999")
    assert (theirs.status_code, nobodys.status_code) == (404, 404)
    assert theirs.text.replace(filed.jan_filed, "X") == nobodys.text.replace("BI-2026-999999", "X")
    assert "Dossier niet gevonden" in theirs.text
    assert "Bewonersinitiatief" not in theirs.text
    for document in ("ontvangstbewijs.pdf", "beslissing.pdf", "handtekeningbewijs.json"):
        assert client.get(f"{HOME}/{filed.jan_filed}/{document}").status_code == 404
    log_in(client, "jan")
    assert client.get(f"{HOME}/{filed.anna_incomplete}").status_code == 404
    assert client.get(f"{HOME}/{filed.anna_incomplete}/ontvangstbewijs.pdf").status_code == 404


def test_without_a_login_a_dossier_leads_to_the_login(
    client: TestClient[Any], filed: Dossiers
) -> None:
    for path in ("", "/ontvangstbewijs.pdf", "/beslissing.pdf", "/handtekeningbewijs.json"):
        answer = client.get(f"{HOME}/{filed.anna_incomplete}{path}", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == HOME


def test_the_dossier_asked_to_complete_shows_the_phase_official_and_the_link_to_answer(
    client: TestClient[Any], filed: Dossiers, clock: Clock, today: str
) -> None:
    log_in(client, "anna")
    answer = client.get(f"{HOME}/{filed.anna_incomplete}")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    page = answer.text
    words = text(page)
    assert f"<title>Dossier {filed.anna_incomplete} – e-loket Stad Mechelen</title>" in page
    assert "De stad vraagt u uw aanvraag aan te vullen" in words
    assert f"Gevraagd op {moment_text(clock.now)}: Plannen, E-mailadres" in words
    assert "Het inplantingsplan is onleesbaar." in words
    assert f'<a class="fk-button" href="{filed.completion}">Vul uw aanvraag aan</a>' in page
    assert "Fase Onvolledig Er ontbreken stukken of antwoorden." in words
    assert "Behandelaar An Peeters, Dienst Omgeving" in words
    assert 'href="mailto:omgeving@mechelen.be?subject=Dossier%20' in page
    assert "U bent aanvrager" in words
    assert "Beslissing uiterlijk" not in words  # the term runs from admissibility
    assert re.search(r'aria-current="step">\s*<p><strong>Onvolledig</strong>', page)
    assert "Ingediend (afgerond)" in words
    assert "Beslist (nog niet)" in words
    assert "Ontvankelijk (nog niet)" in words
    completion = client.get(filed.completion)
    assert completion.status_code == 200
    assert "Plannen" in completion.text


def test_a_dossier_in_progress_shows_its_decision_term_and_receipt(
    client: TestClient[Any], filed: Dossiers, clock: Clock
) -> None:
    log_in(client, "anna")
    page = client.get(f"{HOME}/{filed.anna_in_progress}").text
    words = text(page)
    due = day_text(local_day(clock.now) + timedelta(days=105))  # the regular procedure's term
    assert f"Beslissing uiterlijk {due}" in words
    assert f"De stad beslist uiterlijk op {due} (nog 105 dagen)." in words
    assert "Fase In behandeling De dienst Omgeving onderzoekt uw aanvraag." in words
    assert "Ingediend (afgerond) Ontvankelijk (afgerond) In behandeling (nu)" in words
    assert "Onvolledig" not in words  # a phase it skipped
    assert "Advies gevraagd (nog niet)" in words
    assert "De beslissing verschijnt hier zodra de stad beslist." in words
    receipt = f"/mijn-dossiers/{filed.anna_in_progress}/ontvangstbewijs.pdf"
    assert f'<a href="{receipt}" download>Ontvangstbewijs (PDF)</a>' in page
    pdf = client.get(receipt)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["cache-control"] == "no-store"
    # Not signed with the eID (filed here without): no signature evidence to offer.
    assert "handtekeningbewijs" not in page
    unsigned = client.get(f"{HOME}/{filed.anna_in_progress}/handtekeningbewijs.json")
    assert unsigned.status_code == 404
    assert "niet met de eID ondertekend" in unsigned.text


def test_a_decided_dossier_shows_the_decision_kept_in_time_and_its_letter_but_no_advice(
    client: TestClient[Any], filed: Dossiers, today: str
) -> None:
    log_in(client, "anna")
    page = client.get(f"{HOME}/{filed.shared_decided}").text
    words = text(page)
    assert "U bent medeaanvrager" in words
    assert "Behandelaar Lore Janssens, Evenementenloket" in words
    assert "mailto:evenementen@mechelen.be" in page
    assert f"De stad besliste op {today}, binnen de termijn." in words
    assert "De stad besliste: Toegestaan." in words
    assert "De stad vroeg advies aan: Politiezone Mechelen-Willebroek." in words
    assert ADVICE_MOTIVATION not in words
    assert ADVICE_FILE not in page  # nor the advice's files, by name or by link
    assert "/adviezen/" not in page
    assert hashlib.sha256(ADVICE_PDF).hexdigest() not in page
    staff_file = f"/behandeling/dossiers/{filed.shared_decided}/adviezen/5/0"
    refused = client.get(staff_file, follow_redirects=False)  # a citizen is no staff
    assert refused.status_code != 200
    assert ADVICE_PDF not in refused.content
    assert "ongunstig" not in words
    assert "Inspecteur Wouters" not in words
    assert DECISION_MOTIVATION not in words  # the letter says it, with everything around it
    letter = f"/mijn-dossiers/{filed.shared_decided}/beslissing.pdf"
    assert f'<a href="{letter}" download>Beslissing (PDF)</a>' in page
    pdf = client.get(letter)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert f"beslissing-{filed.shared_decided}.pdf" in pdf.headers["content-disposition"]


def test_no_national_number_is_in_a_page_url_header_or_log_record(
    client: TestClient[Any], filed: Dossiers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    log_in(client, "anna")
    home = client.get(HOME)
    answers = [home]
    for number in listed(home.text):
        answers.append(client.get(f"{HOME}/{number}"))
        answers.append(client.get(f"{HOME}/{number}/ontvangstbewijs.pdf"))
    answers.append(client.get(f"{HOME}/{filed.shared_decided}/beslissing.pdf"))
    answers.append(client.get(f"{HOME}/{filed.jan_filed}"))  # the 404
    numbers = (ANNA, JAN, "96022509818", "85.07.30-033.28")  # Emma: Anna's co-applicant
    for answer in answers:
        pages = [answer.text] if answer.headers["content-type"].startswith("text/html") else []
        headers = [value for _, value in answer.headers.multi_items()]
        for seen in [str(answer.url), *headers, *pages]:
            assert not any(number in seen for number in numbers), seen
    assert caplog.records
    for record in caplog.records:
        assert not any(number in record.getMessage() for number in numbers), record


def test_a_dossier_of_a_form_without_a_procedure_shows_what_is_known(
    client: TestClient[Any], services: Services, tmp_path: Path
) -> None:
    """A form nobody handles in formkit (no `procedure`), since taken out of the catalogue."""
    form = load_form(scaffold(tmp_path / "elders", "melding", "MEL"))
    filing = Filing(
        form_id=form.id,
        form_title=form.title,
        prefix=form.prefix,
        version=form.version,
        answers={},
        attachments=(),
        channel="web",
        idempotency_key=None,
        request_digest="d",
        parties=(Party(national_number_key(services.secret, ANNA), Role.APPLICANT),),
    )
    (outcome,) = services.dossiers.file([filing], {form.version: form.schema})
    assert isinstance(outcome, Filed)
    log_in(client, "anna")
    assert listed(client.get(HOME).text) == [outcome.number]
    page = client.get(f"{HOME}/{outcome.number}")
    assert page.status_code == 200
    words = text(page.text)
    assert f"melding Dossier {outcome.number}" in words
    assert "U bent aanvrager" in words
    assert "Ontvangstbewijs (PDF)" in words
    assert "Fasen" not in words
