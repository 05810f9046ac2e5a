"""The citizen's completion through the link in the city's mail: /aanvullen/<number>/<token>.

A bouwaanvraag is filed with its plan and photos; the city finds it incomplete and asks for
the plans and the applicant's e-mail address. The page asks for those only, a valid post
records one completion as a new version of the answers (the first stays readable), and the
link opens nothing after that, nor does any link the city did not make.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from tests.conftest import NOW
from tests.web.bouwaanvraag import PDF
from tests.web.completion_support import MESSAGE, ask_completion, file_bouwaanvraag
from tests.web.conftest import open_page
from tests.web.webforms import Page

from formkit.filing._filing import CONTENT_PREFIX
from formkit.handling.events import ActorKind, Kind
from formkit.web.services import Services

NEW_PLAN = PDF.replace(b"%%EOF", b"% het nieuwe plan\n%%EOF")
EMAIL = "/aanvragers/personen/0/email"
PLANS = "/bijlagen/plannen"


@pytest.fixture
def number(services: Services) -> str:
    return file_bouwaanvraag(services.dossiers, services.blobs, services.catalogue["bouwaanvraag"])


@pytest.fixture
def link(services: Services, number: str) -> str:
    return ask_completion(services.handling, services.secret, number, NOW)


def _bytes(services: Services, sha256: str) -> bytes:
    async def read() -> bytes:
        return b"".join([chunk async for chunk in services.blobs.open(sha256)])

    return asyncio.run(read())


def test_the_link_shows_the_message_and_only_the_asked_answers_filled_in(
    client: TestClient[Any], link: str
) -> None:
    page = open_page(client, link)
    assert page.status == 200
    assert page.title == "Uw aanvraag aanvullen"
    for line in MESSAGE.splitlines():
        assert line in page.html
    names = {c.name for c in page.controls if c.name.startswith("/")}
    assert names == {EMAIL, PLANS, f"{PLANS}/0/bestand", f"{PLANS}/0/naam"}
    assert page.value(EMAIL) == "sofie.janssens@voorbeeld.be"
    assert page.value(f"{PLANS}/0/naam") == "inplantingsplan-en-doorsnede.pdf"
    assert page.value(f"{PLANS}/0/bestand").startswith(CONTENT_PREFIX)
    assert 'for="fk-aanvragers-personen-0-email"' in page.html  # the citizen form's widgets
    assert "87062228452" not in page.html  # the national register number was not asked
    headers = page.response.headers
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"


def test_a_valid_completion_records_a_new_version_and_keeps_the_first(
    services: Services, client: TestClient[Any], link: str, number: str
) -> None:
    page = open_page(client, link)
    page.fill(EMAIL, "sofie@nieuw.be").attach(PLANS, "nieuw-plan.pdf", NEW_PLAN)
    done = page.press("volgende")
    assert done.status == 200, done.errors
    assert done.url.endswith(f"{link}/ontvangen")
    assert "Bedankt, uw aanvulling is ontvangen" in done.html

    handled = services.handling.get(number)
    assert handled is not None
    completed = [e for e in handled.events if e.kind is Kind.COMPLETED]
    assert len(completed) == 1
    assert completed[0].actor.kind is ActorKind.CITIZEN
    assert handled.state.phase == "ingediend"
    assert handled.state.answers_version == 2
    assert handled.state.completion is None

    first = services.handling.answers(number, 1)
    second = services.handling.answers(number, 2)
    assert first["aanvragers"]["personen"][0]["email"] == "sofie.janssens@voorbeeld.be"
    assert second["aanvragers"]["personen"][0]["email"] == "sofie@nieuw.be"
    assert len(first["bijlagen"]["plannen"]) == 1
    old, new = second["bijlagen"]["plannen"]
    assert old == first["bijlagen"]["plannen"][0]  # kept as it was filed
    sha256 = hashlib.sha256(NEW_PLAN).hexdigest()
    assert new == {"bestand": CONTENT_PREFIX + sha256, "naam": "nieuw-plan.pdf"}
    assert second["ligging"] == first["ligging"]  # what was not asked stays as it was
    assert services.handling.answers(number, 3) is None

    dossier = services.dossiers.get(number)
    assert dossier is not None
    assert dossier.answers == first  # the dossier's row keeps the filed answers
    kept = [a for a in dossier.attachments if a.sha256 == sha256]
    assert [(a.pointer, a.label, a.media_type) for a in kept] == [
        (f"{PLANS}/1", "nieuw-plan.pdf", "application/pdf")
    ]
    assert _bytes(services, sha256) == NEW_PLAN
    assert len(dossier.attachments) == 4  # the three filed, and the new plan


def _completions(services: Services, number: str) -> int:
    handled = services.handling.get(number)
    assert handled is not None
    return sum(e.kind is Kind.COMPLETED for e in handled.events)


def test_invalid_answers_come_back_with_a_summary_and_everything_typed_kept(
    services: Services, client: TestClient[Any], link: str, number: str
) -> None:
    page = open_page(client, link)
    page.fill(EMAIL, "sofie-zonder-apenstaartje").attach(PLANS, "nieuw-plan.pdf", NEW_PLAN)
    refused = page.press("volgende")
    assert refused.status == 422
    assert refused.title == "Uw aanvraag aanvullen"
    assert len(refused.errors) == 1
    assert 'href="#fk-aanvragers-personen-0-email"' in refused.html
    assert 'aria-invalid="true"' in refused.html
    assert refused.value(EMAIL) == "sofie-zonder-apenstaartje"
    assert refused.value(f"{PLANS}/1/naam") == "nieuw-plan.pdf"  # the file is kept
    assert refused.value(f"{PLANS}/1/bestand").startswith("upload-")
    assert _completions(services, number) == 0
    handled = services.handling.get(number)
    assert handled is not None
    assert handled.state.phase == "onvolledig"

    done = refused.fill(EMAIL, "sofie@nieuw.be").press("volgende")
    assert done.status == 200, done.errors
    second = services.handling.answers(number, 2)
    sha256 = hashlib.sha256(NEW_PLAN).hexdigest()
    assert second["bijlagen"]["plannen"][1]["bestand"] == CONTENT_PREFIX + sha256


def test_a_file_of_a_kind_the_slot_refuses_is_named_at_its_field(
    services: Services, client: TestClient[Any], link: str, number: str
) -> None:
    page = open_page(client, link).attach(PLANS, "plan.txt", b"gewoon tekst", "text/plain")
    refused = page.press("volgende")
    assert refused.status == 422
    assert refused.errors == [
        "plan.txt is van een soort die we niet aanvaarden. Kies een PDF-bestand."
    ]
    assert _completions(services, number) == 0


def test_the_city_cannot_be_given_bytes_the_dossier_does_not_hold(
    services: Services, client: TestClient[Any], link: str, number: str
) -> None:
    """A file's reference posted back must be the dossier's own, or uploaded on the page."""
    page = open_page(client, link)
    for control in page.named(f"{PLANS}/0/bestand"):
        control.value = CONTENT_PREFIX + hashlib.sha256(b"iets van iemand anders").hexdigest()
    refused = page.press("volgende")
    assert refused.status == 422
    assert refused.errors == ["Dit bestand ontbreekt. Laad het opnieuw op."]
    assert _completions(services, number) == 0


def test_removing_a_file_shows_the_page_again_and_records_nothing(
    services: Services, client: TestClient[Any], link: str, number: str
) -> None:
    again = open_page(client, link).press(f"verwijderen:{PLANS}/0")
    assert again.status == 200
    assert not again.errors
    assert f"{PLANS}/0/bestand" not in {c.name for c in again.controls}
    assert _completions(services, number) == 0
    refused = again.press("volgende")  # the plans are required
    assert refused.status == 422
    assert _completions(services, number) == 0


@pytest.mark.parametrize("which", ["token", "dossier", "unknown"])
def test_a_link_the_city_did_not_make_opens_a_page_that_says_nothing_of_the_dossier(
    services: Services, client: TestClient[Any], link: str, number: str, which: str
) -> None:
    other = file_bouwaanvraag(services.dossiers, services.blobs, services.catalogue["bouwaanvraag"])
    token = link.rsplit("/", 1)[1]
    wrong = {
        "token": f"/aanvullen/{number}/{token[:-2]}xx",
        "dossier": f"/aanvullen/{other}/{token}",  # filed, but the city asked nothing
        "unknown": f"/aanvullen/BAV-1999-000001/{token}",
    }[which]
    for response in (client.get(wrong), client.post(wrong, files={"_csrf": (None, "x")})):
        assert response.status_code == 404
        page = Page(client, response)
        assert page.title == "Deze link werkt niet"
        assert "onleesbaar" not in page.html
        assert "Omgevingsvergunning" not in page.html
        assert not page.controls
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
    assert _completions(services, number) == 0


def test_after_the_completion_the_link_says_so_and_a_second_post_records_nothing(
    services: Services, client: TestClient[Any], link: str, number: str
) -> None:
    page = open_page(client, link)
    page.fill(EMAIL, "sofie@nieuw.be")
    assert page.press("volgende").status == 200
    replay = page.press("volgende")  # the same post again: the back button, a double click
    assert replay.status == 410
    assert replay.title == "Uw aanvulling is al ontvangen"
    assert not replay.controls
    assert open_page(client, link).status == 410
    assert _completions(services, number) == 1

    later = NOW + timedelta(days=3)
    again = ask_completion(services.handling, services.secret, number, later, pointers=())
    assert again != link  # the city asks again: a new link; the old one stays spent
    assert open_page(client, link).status == 410
    assert open_page(client, again).status == 200
    assert open_page(client, f"{link}/ontvangen").status == 200  # its thanks stay readable


def test_a_post_without_the_page_s_token_or_from_another_site_is_refused(
    services: Services, client: TestClient[Any], link: str, number: str
) -> None:
    page = open_page(client, link)
    page.named("_csrf")[0].value = "vervalst"
    assert page.press("volgende").status == 403
    page = open_page(client, link)
    assert page.press("volgende", **{"Sec-Fetch-Site": "cross-site"}).status == 403
    assert _completions(services, number) == 0


def test_without_named_answers_the_page_offers_the_form_s_attachments(
    client: TestClient[Any], services: Services, number: str
) -> None:
    link = ask_completion(services.handling, services.secret, number, NOW, pointers=())
    page = open_page(client, link)
    files = {c.name for c in page.controls if c.type == "file"}
    assert files == {
        "/bijlagen/plannen",
        "/bijlagen/fotos",
        "/bijlagen/statistischFormulier",
        "/bijlagen/epbAangifte",
        "/bijlagen/architectverklaring",
        "/bijlagen/hemelwaterformulier",
    }
    assert all(c.name.startswith(("/bijlagen/", "_")) for c in page.controls)


def test_the_api_answers_the_latest_version_of_the_answers(
    services: Services, client: TestClient[Any], link: str, number: str, token: str
) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    before = client.get(f"/api/v1/dossiers/{number}", headers=auth).json()
    assert before["answers_version"] == 1
    open_page(client, link).fill(EMAIL, "sofie@nieuw.be").press("volgende")
    after = client.get(f"/api/v1/dossiers/{number}", headers=auth).json()
    assert after["answers_version"] == 2
    assert after["answers"]["aanvragers"]["personen"][0]["email"] == "sofie@nieuw.be"
    assert after["answers"] == services.handling.answers(number, 2)
    completed = after["events"][-1]
    assert completed["kind"] == "completed"
    assert completed["data"] == {"answersVersion": 2}  # the answers are above, once
