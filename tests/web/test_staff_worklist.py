"""The staff's worklist page: each role sees exactly its dossiers, and filters, search and pages
work without JavaScript. Sessions are started as a login starts them (`Sessions.start`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.conftest import answers
from tests.web.conftest import Clock

from formkit.accounts import Staff
from formkit.filing._filing import Filing
from formkit.forms._dutch import day_text
from formkit.handling.actions import Assign, FindAdmissible, RequestAdvice
from formkit.handling.deadlines import local_day
from formkit.handling.events import Actor, ActorKind
from formkit.web.app import create_app
from formkit.web.services import Services

WORKLIST = "/behandeling/dossiers"
OFFICIAL = Actor(ActorKind.STAFF, "sub-an", "An Peeters", "omgeving")
LINKED = re.compile(r'href="/behandeling/dossiers/([A-Z]+-\d{4}-\d{6})"')


@dataclass(frozen=True)
class Dossiers:
    new_building: str  # filed, taken by An Peeters
    advised_building: str  # admitted, asked the dienst Omgeving for advice
    new_event: str  # filed
    admitted_event: str  # admitted

    @property
    def all(self) -> set[str]:
        return {self.new_building, self.advised_building, self.new_event, self.admitted_event}


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(UTC))  # dossiers are filed at the real time


@pytest.fixture
def client(services: Services) -> Iterator[TestClient[Any]]:
    app = create_app(services.settings, services)
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def file(services: Services, form_id: str, count: int = 1) -> list[str]:
    form = services.catalogue[form_id]
    filing = Filing(
        form_id=form.id,
        form_title=form.title,
        prefix=form.prefix,
        version=form.version,
        answers=answers(form_id, "valid-full"),
        attachments=(),
        channel="web",
        idempotency_key=None,
        request_digest="d",
    )
    outcomes = services.dossiers.file([filing] * count, {form.version: form.schema})
    return [outcome.number for outcome in outcomes]


@pytest.fixture
def dossiers(services: Services, clock: Clock) -> Dossiers:
    (new_building,) = file(services, "bouwaanvraag")
    services.handling.act(new_building, Assign("sub-an", "An Peeters"), OFFICIAL, clock())
    (advised_building,) = file(services, "bouwaanvraag")
    services.handling.act(advised_building, FindAdmissible(), OFFICIAL, clock())
    services.handling.act(advised_building, RequestAdvice(("omgeving",)), OFFICIAL, clock())
    (new_event,) = file(services, "evenement")
    (admitted_event,) = file(services, "evenement")
    services.handling.act(admitted_event, FindAdmissible(), OFFICIAL, clock())
    return Dossiers(new_building, advised_building, new_event, admitted_event)


def log_in(client: TestClient[Any], services: Services, *roles: str, subject: str = "s") -> None:
    session_id = services.staff.sessions.start(Staff(subject, "Medewerker", roles))
    client.cookies.set(services.staff.session_cookie, session_id)


def listed(client: TestClient[Any], query: str = "", status: int = 200) -> list[str]:
    response = client.get(f"{WORKLIST}{query}")
    assert response.status_code == status, response.text
    return LINKED.findall(response.text)


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (("behandelaar:bouwaanvraag",), {"new_building", "advised_building"}),
        (("behandelaar:evenement",), {"new_event", "admitted_event"}),
        (("adviseur:omgeving",), {"advised_building"}),
        (("adviseur:brandweer",), set()),
        (("beslisser",), {"advised_building", "admitted_event"}),
        (
            ("behandelaar:evenement", "adviseur:omgeving"),
            {"new_event", "admitted_event", "advised_building"},
        ),
    ],
    ids=["handler-building", "handler-event", "adviser", "adviser-not-asked", "decider", "both"],
)
def test_each_role_sees_exactly_its_dossiers(
    client: TestClient[Any],
    services: Services,
    dossiers: Dossiers,
    roles: tuple[str, ...],
    expected: set[str],
) -> None:
    log_in(client, services, *roles)
    page = client.get(WORKLIST)
    assert page.status_code == 200
    seen = LINKED.findall(page.text)
    assert sorted(seen) == sorted(getattr(dossiers, name) for name in expected)
    for hidden in dossiers.all - set(seen):
        assert hidden not in page.text


@pytest.mark.parametrize("roles", [("beheerder",), ()], ids=["beheerder", "no-role"])
def test_an_administrator_sees_no_dossier_and_is_told_why(
    client: TestClient[Any], services: Services, dossiers: Dossiers, roles: tuple[str, ...]
) -> None:
    log_in(client, services, *roles)
    page = client.get(f"{WORKLIST}?fase=advies")
    assert page.status_code == 200
    assert "Uw rollen tonen geen dossiers" in page.text
    assert not any(number in page.text for number in dossiers.all)
    assert "<table" not in page.text


def test_without_a_login_the_page_asks_to_log_in(client: TestClient[Any]) -> None:
    page = client.get(WORKLIST)
    assert page.status_code == 401
    assert "Meld u eerst aan" in page.text
    assert "/behandeling/aanmelden" in page.text


def test_the_development_login_leads_from_home_to_the_worklist(
    client: TestClient[Any], dossiers: Dossiers
) -> None:
    login = client.get("/behandeling/aanmelden")
    token = re.search(r'name="_csrf" value="([^"]+)"', login.text)
    assert token
    home = client.post("/behandeling/aanmelden", data={"_csrf": token[1], "rol": "beslisser"})
    assert f'href="{WORKLIST}"' in home.text
    assert sorted(listed(client)) == sorted([dossiers.advised_building, dossiers.admitted_event])


def test_the_table_shows_form_phase_official_deadline_and_filing_day(
    client: TestClient[Any], services: Services, dossiers: Dossiers, clock: Clock
) -> None:
    log_in(client, services, "behandelaar:bouwaanvraag")
    page = client.get(WORKLIST).text
    row = page[page.index(dossiers.new_building) :].split("</tr>")[0]
    assert "Omgevingsvergunning voor bouwwerken aanvragen" in row
    assert "<td>Ingediend</td>" in row
    assert "An Peeters" in row
    due = local_day(clock()) + timedelta(days=30)
    assert f'<time datetime="{due.isoformat()}">{day_text(due)}</time>' in row
    assert "op tijd" in row
    assert day_text(local_day(clock())) in row
    advised = page[page.index(dossiers.advised_building) :].split("</tr>")[0]
    assert "Advies gevraagd" in advised
    assert "Nog niemand" in advised


def test_filters_narrow_within_the_roles(
    client: TestClient[Any], services: Services, dossiers: Dossiers
) -> None:
    log_in(client, services, "behandelaar:bouwaanvraag", "beslisser", subject="sub-an")
    assert listed(client, "?fase=ingediend") == [dossiers.new_building]
    assert listed(client, "?formulier=evenement") == [dossiers.admitted_event]
    assert listed(client, "?dienst=omgeving") == [dossiers.advised_building]
    assert "Termijn van het advies" in client.get(f"{WORKLIST}?dienst=omgeving").text
    assert listed(client, "?dienst=brandweer") == []
    assert listed(client, "?mij=ja") == [dossiers.new_building]
    everything = "?q=&fase=&formulier=&dienst=&termijn="  # the form sends every field
    assert sorted(listed(client, everything)) == sorted(
        [dossiers.new_building, dossiers.advised_building, dossiers.admitted_event]
    )
    page = client.get(f"{WORKLIST}?fase=advies&mij=ja")
    assert '<option value="advies" selected>' in page.text
    assert 'id="mij" name="mij" type="checkbox" value="ja" checked' in page.text
    assert "Er zijn geen dossiers die aan deze filters voldoen." in page.text


def test_the_deadline_filter_follows_the_day(
    client: TestClient[Any], services: Services, dossiers: Dossiers, clock: Clock
) -> None:
    roles = ("behandelaar:bouwaanvraag", "behandelaar:evenement")
    clock.now += timedelta(days=8)  # the events' 10 days to check completeness near their end
    log_in(client, services, *roles)  # the session would have ended meanwhile
    # the admitted event's deadline is its start, months away
    assert listed(client, "?termijn=bijna-verlopen") == [dossiers.new_event]
    clock.now += timedelta(days=3)
    log_in(client, services, *roles)
    assert listed(client, "?termijn=te-laat") == [dossiers.new_event]
    assert "te laat" in client.get(WORKLIST).text
    assert dossiers.new_event not in listed(client, "?termijn=op-tijd")


def test_search_by_number_name_or_street(
    client: TestClient[Any], services: Services, dossiers: Dossiers
) -> None:
    log_in(client, services, "behandelaar:bouwaanvraag", "behandelaar:evenement")
    assert listed(client, f"?q={dossiers.new_event.lower()}") == [dossiers.new_event]
    assert listed(client, f"?q={dossiers.new_event[1:]}") == [dossiers.new_event]  # a part
    assert sorted(listed(client, "?q=Vermeulen")) == sorted(
        [dossiers.new_building, dossiers.advised_building]
    )
    assert sorted(listed(client, "?q=nekkerspoel")) == sorted(
        [dossiers.new_building, dossiers.advised_building]
    )
    assert sorted(listed(client, "?q=zomerfeest")) == sorted(
        [dossiers.new_event, dossiers.admitted_event]
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?fase=koning", "Kies een fase uit de lijst."),
        ("?formulier=onbekend", "Kies een formulier uit de lijst."),
        ("?dienst=nasa", "Kies een dienst uit de lijst."),
        ("?termijn=gisteren", "Kies een termijn uit de lijst."),
        ("?mij=misschien", "Vink &#39;Aan mij toegewezen&#39; aan of uit."),
        (f"?q={'x' * 101}", "Zoek met hoogstens 100 tekens, zonder stuurtekens."),
        ("?q=a%01b", "Zoek met hoogstens 100 tekens, zonder stuurtekens."),
        ("?na=geen-cursor&fase=advies", "Deze link naar een volgende pagina is niet geldig."),
        ("?na=OTk5OS0xMi0zMXw5OTk5OTk5OTk5OTk5OTk5OTk5OQ==", "niet geldig"),  # beyond a BIGINT
    ],
    ids=["phase", "form", "department", "deadline", "mine", "long", "control", "cursor", "big"],
)
def test_a_wrong_filter_or_cursor_gets_an_error_summary(
    client: TestClient[Any], services: Services, dossiers: Dossiers, query: str, message: str
) -> None:
    log_in(client, services, "beslisser")
    page = client.get(f"{WORKLIST}{query}")
    assert page.status_code == 400
    assert 'class="fk-error-summary" role="alert"' in page.text
    assert message in page.text
    assert "<title>Fout: Uw dossiers" in page.text
    assert LINKED.findall(page.text) == []


def test_the_bad_cursor_message_links_to_the_first_page_with_the_filters(
    client: TestClient[Any], services: Services, dossiers: Dossiers
) -> None:
    log_in(client, services, "beslisser")
    page = client.get(f"{WORKLIST}?na=geen-cursor&fase=advies")
    assert f'<a href="{WORKLIST}?fase=advies">Deze link' in page.text


def test_pages_follow_the_next_link_with_the_filters_kept(
    client: TestClient[Any], services: Services, dossiers: Dossiers
) -> None:
    more = file(services, "bouwaanvraag", 55)
    log_in(client, services, "behandelaar:bouwaanvraag")
    first = client.get(f"{WORKLIST}?q=vermeulen")
    numbers = LINKED.findall(first.text)
    assert len(numbers) == 50
    found = re.search(r'<a href="([^"]+)">Volgende pagina</a>', first.text)
    assert found
    following = found[1].replace("&amp;", "&")
    assert following.startswith(f"{WORKLIST}?q=vermeulen&na=")
    file(services, "bouwaanvraag")  # filed meanwhile: comes after, shifts nothing
    second = client.get(following)
    rest = LINKED.findall(second.text)
    assert "Eerste pagina" in second.text
    assert "Volgende pagina" not in second.text
    assert len(rest) == 57 + 1 - 50
    assert not set(numbers) & set(rest)
    assert set(numbers) | set(rest) >= {*more, dossiers.new_building, dossiers.advised_building}
