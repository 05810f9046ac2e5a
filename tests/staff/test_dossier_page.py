"""The staff's dossier page, on SQLite and PostgreSQL: what it shows, its confirmation step, the
conflict and refusal pages, attachments, and the read audit with the beheerder's page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import NOW
from tests.staff import desk
from tests.web.conftest import Clock

from formkit.handling import actions
from formkit.handling.events import Actor, ActorKind, Kind
from formkit.web.services import Services

BEHANDELAAR = "behandelaar:bouwaanvraag"
FILES = [
    ("/bijlagen/plannen/0", "plan gelijkvloers.pdf", desk.PDF, "application/pdf"),
    ("/bijlagen/fotos/0", "voorgevel.png", desk.PNG, "image/png"),
]


def url(number: str, rest: str = "") -> str:
    return f"/behandeling/dossiers/{number}{rest}"


def test_the_page_shows_answers_phase_deadlines_advice_and_timeline(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVICE_ASKED)
    desk.log_in(client, services, BEHANDELAAR)
    page = client.get(url(number))
    assert page.status_code == 200
    text = page.text
    assert "Advies gevraagd" in text  # the phase's title in the procedure
    assert "Youssef" in text
    assert "Nekkerspoelstraat" in text
    assert "Wijzig" not in text  # nothing to change here
    assert "Brandweer Zone Rivierenland" in text  # the department's title
    assert "uiterlijk 28 december 2026" in text
    assert "op tijd (nog 30 dagen)" in text
    assert "uiterlijk 13 maart 2027" in text  # the decision: 105 days after admissibility
    assert "Volledig en ontvankelijk verklaard" in text
    assert "28 november 2026 om 11:00" in text  # in Brussels, not UTC
    assert "Advies gevraagd aan Brandweer Zone Rivierenland" in text
    assert 'href="/behandeling/dossiers"' in text  # back to the worklist


def test_a_deadline_due_soon_or_passed_says_so(
    client: TestClient[Any], services: Services, clock: Clock
) -> None:
    """The decision's: the sweeper records late advice as soon as the app starts."""
    number = desk.prepared(services, desk.ADMITTED)  # to be decided by 13 March 2027
    clock.now = NOW + timedelta(days=102)
    desk.log_in(client, services, BEHANDELAAR)  # a session lasts hours, not days
    assert "bijna verlopen (nog 3 dagen)" in client.get(url(number)).text
    clock.now = NOW + timedelta(days=107)
    desk.log_in(client, services, BEHANDELAAR)
    assert "te laat (2 dagen over tijd)" in client.get(url(number)).text


def test_an_action_waits_for_its_confirmation_then_redirects_with_a_message(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVICE_ASKED)
    session = desk.log_in(client, services, BEHANDELAAR, name="An Peeters")
    fields = {"dienst": ["mobiliteit", "erfgoed"]}
    confirm = desk.post_action(
        client, services, session, number, "advies-vragen", fields, confirmed=False
    )
    assert confirm.status_code == 200
    assert '<h1 class="fk-heading-l">Bevestig: advies vragen</h1>' in confirm.text
    assert "Dienst Mobiliteit, Dienst Erfgoed" in confirm.text
    assert desk.events(services, number) == 3  # nothing yet
    hidden = desk.hidden_fields(confirm.text)
    assert hidden["dienst"] == ["mobiliteit", "erfgoed"]
    assert hidden["dossierversie"] == ["3"]
    done = client.post(url(number, "/acties/advies-vragen"), data=hidden, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "Het advies is gevraagd." in page.text
    found = services.handling.events(number)
    assert found is not None
    assert found[-1].kind is Kind.ADVICE_REQUESTED
    assert found[-1].data["departments"] == ["mobiliteit", "erfgoed"]
    assert found[-1].actor == Actor(ActorKind.STAFF, "sub-behandelaarbouwaanvraag", "An Peeters")


def test_the_procedures_default_advisers_are_checked(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADMITTED)
    desk.log_in(client, services, BEHANDELAAR)
    checked = re.findall(
        r'name="dienst" type="checkbox" value="([a-z-]+)" checked', client.get(url(number)).text
    )
    assert checked == ["brandweer", "mobiliteit", "erfgoed"]  # the form's; erfgoed: protected


def test_a_stale_version_shows_what_changed_and_keeps_what_was_typed(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services)
    session = desk.log_in(client, services, BEHANDELAAR)
    services.handling.act(number, actions.Assign("sub-bert", "Bert Claes"), desk.SYSTEM, NOW)
    typed = {"bericht": 'Het <plan> van de "zolder" ontbreekt.', "gevraagd": ["/bijlagen/plannen"]}
    stale = desk.post_action(client, services, session, number, "onvolledig", typed, version=1)
    assert stale.status_code == 409
    assert "Het dossier is intussen gewijzigd" in stale.text
    assert "Toegewezen aan Bert Claes" in stale.text
    assert "Het &lt;plan&gt; van de &#34;zolder&#34; ontbreekt.</textarea>" in stale.text
    assert 'value="/bijlagen/plannen" checked' in stale.text
    assert 'name="dossierversie" value="2"' in stale.text  # to send again, knowingly
    assert desk.events(services, number) == 2
    # The same, once confirmed: the store itself refuses a stale version.
    confirmed = desk.post_action(client, services, session, number, "onvolledig", typed, version=1)
    assert confirmed.status_code == 409
    again = desk.post_action(client, services, session, number, "onvolledig", typed, version=2)
    assert again.status_code == 303
    found = services.handling.events(number)
    assert found is not None
    assert found[-1].data["message"] == typed["bericht"]


def test_a_refusal_shows_its_reason_in_an_error_summary_and_changes_nothing(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services)
    session = desk.log_in(client, services, BEHANDELAAR)
    for confirmed in (False, True):
        refused = desk.post_action(
            client, services, session, number, "afsluiten", confirmed=confirmed
        )
        assert refused.status_code == 409
        assert 'class="fk-error-summary" role="alert"' in refused.text
        assert "Een dossier wordt afgesloten na de beslissing." in refused.text
        assert "Er werd niets aan het dossier veranderd." in refused.text
    typed = {"bericht": "   ", "gevraagd": []}
    empty = desk.post_action(
        client, services, session, number, "onvolledig", typed, confirmed=False
    )
    assert empty.status_code == 409
    assert "Zeg de aanvrager wat er ontbreekt." in empty.text
    wrong = {"bericht": "Iets", "gevraagd": ["/niet/bestaand"]}
    invalid = desk.post_action(client, services, session, number, "onvolledig", wrong)
    assert invalid.status_code == 422
    assert "Kies wat ontbreekt uit de lijst van antwoorden." in invalid.text
    assert desk.events(services, number) == 1


def test_a_post_without_its_token_is_refused(client: TestClient[Any], services: Services) -> None:
    number = desk.prepared(services)
    session = desk.log_in(client, services, BEHANDELAAR)
    other = desk.prepared(services)
    data = {
        "_csrf": desk.token(services, session, other),
        "dossierversie": "1",
        "stap": "bevestigd",
    }
    forged = client.post(url(number, "/acties/nemen"), data=data, follow_redirects=False)
    assert forged.status_code == 403
    assert desk.events(services, number) == 1


def test_without_a_login_the_page_asks_to_log_in(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services)
    assert client.get(url(number)).status_code == 401
    assert desk.reads(services) == []


def test_an_unknown_dossier_and_one_not_ones_own_answer_alike(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services)
    desk.log_in(client, services, "behandelaar:evenement")
    hidden = client.get(url(number))
    missing = client.get(url("BAV-2026-999999"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(number, "X") == missing.text.replace("BAV-2026-999999", "X")
    assert desk.reads(services) == []


def test_attachments_download_with_their_type_a_pdf_inline(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.file(services, FILES)
    desk.log_in(client, services, BEHANDELAAR)
    page = client.get(url(number)).text
    assert 'href="/behandeling/dossiers/' + number + '/bijlagen/1" download' in page
    pdf = client.get(url(number, "/bijlagen/0"))
    assert pdf.content == desk.PDF
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith('inline; filename="plan gelijkvloers.pdf"')
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert pdf.headers["cache-control"] == "no-store"
    png = client.get(url(number, "/bijlagen/1"))
    assert png.content == desk.PNG
    assert png.headers["content-type"] == "image/png"
    assert png.headers["content-disposition"].startswith('attachment; filename="voorgevel.png"')
    assert client.get(url(number, "/bijlagen/2")).status_code == 404


def test_an_attachment_needs_the_same_permission_as_the_page(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.file(services, FILES)
    desk.log_in(client, services, "adviseur:brandweer")  # not asked
    assert client.get(url(number, "/bijlagen/0")).status_code == 404
    assert desk.reads(services) == []


def test_every_view_and_download_is_recorded(client: TestClient[Any], services: Services) -> None:
    number = desk.file(services, FILES)
    desk.log_in(client, services, BEHANDELAAR, name="An Peeters")
    client.get(url(number))
    client.get(url(number, "/bijlagen/1"))
    rows = [(r["subject"], r["name"], r["what"], r["pointer"]) for r in desk.reads(services)]
    assert rows == [
        ("sub-behandelaarbouwaanvraag", "An Peeters", "dossier", None),
        ("sub-behandelaarbouwaanvraag", "An Peeters", "bijlage", "/bijlagen/fotos/0"),
    ]
    assert {r["at"].replace(tzinfo=None) for r in desk.reads(services)} == {
        NOW.replace(tzinfo=None)
    }


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_read_that_cannot_be_recorded_is_not_shown(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.file(services, FILES)
    desk.log_in(client, services, BEHANDELAAR)
    with services.engine.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TRIGGER no_reads BEFORE INSERT ON staff_read "
                "BEGIN SELECT RAISE(ABORT, 'audit down'); END"
            )
        )
    page = client.get(url(number))
    assert page.status_code == 500
    assert "Youssef" not in page.text
    download = client.get(url(number, "/bijlagen/0"))
    assert download.status_code == 500
    assert desk.PDF not in download.content


def test_the_beheerder_sees_who_read_a_dossier_but_not_its_answers(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.file(services, FILES)
    desk.log_in(client, services, BEHANDELAAR, name="An Peeters")
    client.get(url(number))
    client.get(url(number, "/bijlagen/0"))
    desk.log_in(client, services, "beheerder", name="Bea Beheer")
    assert client.get(url(number)).status_code == 404  # the beheerder reads no answers
    audit = client.get("/behandeling/inzage", params={"dossier": number})
    assert audit.status_code == 200
    assert audit.text.count("An Peeters") == 2
    assert "sub-behandelaarbouwaanvraag" in audit.text
    assert "bijlage /bijlagen/plannen/0" in audit.text
    assert "28 november 2026 om 11:00" in audit.text
    assert "Youssef" not in audit.text
    assert "plan gelijkvloers" not in audit.text
    unknown = client.get("/behandeling/inzage", params={"dossier": "BAV-2026-999999"})
    assert unknown.status_code == 404
    assert "Er bestaat geen dossier met het nummer BAV-2026-999999." in unknown.text
    assert client.get("/behandeling/inzage").status_code == 200


def test_only_the_beheerder_reads_the_audit(client: TestClient[Any], services: Services) -> None:
    number = desk.prepared(services)
    desk.log_in(client, services, BEHANDELAAR)
    assert client.get("/behandeling/inzage", params={"dossier": number}).status_code == 403


def test_earlier_versions_of_the_answers_stay_readable(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services)
    services.handling.act(number, actions.FindIncomplete("Het adres klopt niet."), desk.SYSTEM, NOW)
    handled = services.handling.get(number)
    assert handled is not None
    changed = {**handled.state.answers, "ligging": {**handled.state.answers["ligging"]}}
    changed["ligging"]["adres"] = {**changed["ligging"]["adres"], "straat": "Zandpoortvest"}
    citizen = Actor(ActorKind.CITIZEN, "web", "De aanvrager")
    services.handling.act(number, actions.Complete(changed), citizen, NOW + timedelta(hours=2))
    desk.log_in(client, services, BEHANDELAAR)
    current = client.get(url(number)).text
    assert "Antwoorden (versie 2 van 2)" in current
    assert "Zandpoortvest" in current
    assert "Nekkerspoelstraat" not in current
    assert "Aangevuld door de aanvrager (versie 2)" in current
    first = client.get(url(number), params={"versie": "1"}).text
    assert "Antwoorden (versie 1 van 2)" in first
    assert "Nekkerspoelstraat" in first
    assert "Zandpoortvest" not in first
    assert client.get(url(number), params={"versie": "3"}).status_code == 404


def test_advisers_of_two_departments_confirm_on_the_same_version_each_on_their_own(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, (*desk.ADMITTED, actions.RequestAdvice(("brandweer",))))
    services.handling.act(number, actions.RequestAdvice(("mobiliteit",)), desk.SYSTEM, NOW)
    seen = desk.events(services, number)  # both advisers open the page now
    fire = {"dienst": "brandweer", "advies": "gunstig", "motivering": "Geen bezwaar."}
    traffic = {"dienst": "mobiliteit", "advies": "ongunstig", "motivering": "Te smalle oprit."}
    first = desk.log_in(client, services, "adviseur:brandweer")
    assert (
        desk.post_action(client, services, first, number, "advies-geven", fire).status_code == 303
    )
    second = desk.log_in(client, services, "adviseur:mobiliteit")
    done = desk.post_action(client, services, second, number, "advies-geven", traffic, version=seen)
    assert done.status_code == 303  # the other department's advice changes nothing of theirs
    handled = services.handling.get(number)
    assert handled is not None
    assert {d: r.opinion for d, r in handled.state.advice.items()} == {
        "brandweer": "gunstig",
        "mobiliteit": "ongunstig",
    }


def test_an_adviser_behind_on_anything_else_sees_what_changed_first(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVICE_ASKED)
    seen = desk.events(services, number)
    services.handling.act(number, actions.ExtendDeadline(), desk.SYSTEM, NOW)
    session = desk.log_in(client, services, "adviseur:brandweer")
    fields = {"dienst": "brandweer", "advies": "gunstig", "motivering": "Geen bezwaar."}
    stale = desk.post_action(
        client, services, session, number, "advies-geven", fields, version=seen
    )
    assert stale.status_code == 409
    assert "Het dossier is intussen gewijzigd" in stale.text
    assert "Beslissingstermijn verlengd" in stale.text
    assert desk.events(services, number) == seen + 1
