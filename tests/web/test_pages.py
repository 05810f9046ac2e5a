"""The citizen's pages through the app, without a browser (tests/browser has the browser)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import FORM_IDS
from tests.web.conftest import (
    PDF,
    Clock,
    draft_id,
    fill_organisator,
    open_page,
    to_attachments,
    to_review,
)

from formkit.render import DECLARATION
from formkit.settings import Settings
from formkit.store import _tables as t
from formkit.web.app import create_app
from formkit.web.pages import purge
from formkit.web.services import Services

LOOPBACK = "http://127.0.0.1:8000"  # where the development login is offered


def dossier_count(services: Services) -> int:
    with services.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(t.Dossier)).scalar_one()


def test_the_list_links_every_form(client: TestClient[Any]) -> None:
    page = open_page(client, "/formulieren/")
    assert page.status == 200
    for form_id in FORM_IDS:
        assert f'href="/formulieren/{form_id}"' in page.html


def test_a_form_opens_on_its_first_step_without_making_a_draft(
    client: TestClient[Any], services: Services
) -> None:
    page = open_page(client, "/formulieren/evenement")
    assert page.title == "Organisator"
    assert page.errors == []
    with services.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(t.Draft)).scalar() == 0


def test_an_empty_first_step_shows_only_its_own_problems(client: TestClient[Any]) -> None:
    page = open_page(client, "/formulieren/evenement").press("volgende")
    assert page.status == 422
    assert page.title == "Organisator"
    assert "Verantwoordelijke: vul de voornaam in." in page.errors
    assert not any("evenement" in e.lower() for e in page.errors)  # a later step's
    assert 'aria-describedby="' in page.html


def test_a_refused_step_keeps_everything_typed(client: TestClient[Any]) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement"))
    page.fill("/verantwoordelijke/email", "geen e-mailadres")
    page = page.press("volgende")
    assert page.status == 422
    assert page.value("/verantwoordelijke/email") == "geen e-mailadres"
    assert page.value("/verantwoordelijke/adres/straat") == "Leopoldstraat"
    assert [c.value for c in page.named("/organisatorInMechelen") if c.checked] == ["true"]


def test_a_step_passed_leads_to_the_next_and_back_keeps_the_answers(
    client: TestClient[Any],
) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    assert page.title == "Het evenement"
    page.fill("/evenement/naam", "Buurtfeest")
    back = page.press("vorige")
    assert back.title == "Organisator"
    assert back.errors == []
    assert back.value("/organisator/voornaam") == "Tom"
    forward = back.press("volgende")
    assert forward.value("/evenement/naam") == "Buurtfeest"


def test_a_later_step_cannot_be_skipped_to(client: TestClient[Any]) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    skipped = client.get(page.url.replace("/stap/evenement", "/stap/bijlagen"))
    assert skipped.url.path.endswith("/stap/evenement")
    review = client.get(page.url.replace("/stap/evenement", "/overzicht"))
    assert review.url.path.endswith("/stap/evenement")


def test_rows_of_a_repeatable_group_are_added_and_removed(client: TestClient[Any]) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement"))
    page = page.press("toevoegen:/medeaanvragers")
    assert page.url.endswith("#fk-medeaanvragers-0")
    page.fill("/medeaanvragers/0/voornaam", "An")
    page = page.press("toevoegen:/medeaanvragers")
    assert page.value("/medeaanvragers/0/voornaam") == "An"
    assert page.named("/medeaanvragers/1/voornaam")
    page = page.press("verwijderen:/medeaanvragers/0")
    assert page.value("/medeaanvragers/0/voornaam") == ""
    assert not [c for c in page.controls if c.name.startswith("/medeaanvragers/1/")]


def test_the_whole_form_is_filed_once_with_its_files(
    client: TestClient[Any], services: Services
) -> None:
    review = to_review(client)
    assert "grondplan.pdf" in review.html
    confirmation = review.choose(DECLARATION, "ja").press("indienen")
    assert confirmation.url.endswith("/bevestiging")
    assert "EVT-2026-000001" in confirmation.html
    again = review.choose(DECLARATION, "ja").press(
        "indienen"
    )  # a double click, or the back button and once more
    assert "EVT-2026-000001" in again.html
    assert dossier_count(services) == 1
    dossier = services.dossiers.get("EVT-2026-000001")
    assert dossier is not None
    assert dossier.channel == "web"
    assert {a.label for a in dossier.attachments} == {"grondplan.pdf", "programma.pdf"}


def test_the_confirmation_says_what_happens_next_and_offers_the_pdf_first(
    client: TestClient[Any],
) -> None:
    html = to_review(client).choose(DECLARATION, "ja").press("indienen").html
    assert '<h2 class="fk-heading-m">Wat gebeurt er nu?</h2>' in html
    assert "Het evenementenloket kijkt binnen 10 dagen na of uw aanvraag volledig is." in html
    assert "Mijn dossiers" not in html  # no way for citizens to log in on this instance
    pdf, jws = html.index("ontvangstbewijs.pdf"), html.index("ontvangstbewijs.jws")
    assert pdf < jws
    assert "voor computers (JWS)" in html


def test_where_citizens_can_log_in_the_confirmation_leads_to_mijn_dossiers(
    services: Services,
) -> None:
    # On loopback `make run` offers the development login: the citizen can follow the dossier.
    with TestClient(create_app(services.settings, services), base_url=LOOPBACK) as local:
        html = to_review(local).choose(DECLARATION, "ja").press("indienen").html
    assert '<a href="/mijn-dossiers">Mijn dossiers</a>' in html


def test_a_filed_draft_cannot_be_edited(client: TestClient[Any]) -> None:
    review = to_review(client)
    review.choose(DECLARATION, "ja").press("indienen")
    step_url = review.url.replace("/overzicht", "/stap/organisator")
    assert client.get(step_url).url.path.endswith("/bevestiging")
    assert client.get(review.url).url.path.endswith("/bevestiging")


def test_changing_an_answer_from_the_review_returns_there(client: TestClient[Any]) -> None:
    review = to_review(client)
    link = re.search(r'href="([^"]*/stap/evenement\?van=overzicht)[^"]*"', review.html)
    assert link
    page = open_page(client, link.group(1).replace("&amp;", "&"))
    assert ">Opslaan en terug naar het overzicht</button>" in page.html
    page.fill("/evenement/naam", "Groot huiskamerconcert")
    back = page.press("volgende")
    assert back.title == "Overzicht"
    assert "Groot huiskamerconcert" in back.html


def test_indienen_without_the_declaration_files_nothing_and_says_so(
    client: TestClient[Any], services: Services
) -> None:
    review = to_review(client)
    refused = review.press("indienen")
    assert refused.status == 422
    assert refused.title == "Overzicht"
    assert refused.errors == ["Bevestig dat uw antwoorden volledig en naar waarheid zijn ingevuld."]
    assert 'href="#fk-verklaring"' in refused.html
    assert 'aria-describedby="fk-verklaring--hint fk-verklaring--fout"' in refused.html
    assert dossier_count(services) == 0
    filed = refused.choose(DECLARATION, "ja").press("indienen")
    assert filed.url.endswith("/bevestiging")
    assert dossier_count(services) == 1


def test_answers_that_turn_invalid_send_the_review_back_to_their_step(
    client: TestClient[Any], services: Services, clock: Clock
) -> None:
    review = to_review(client)
    draft = services.drafts.load(draft_id(review), clock.now)
    assert draft is not None
    answers = {**draft.answers, "evenement": {**draft.answers["evenement"], "naam": ""}}
    services.drafts.save(draft.id, answers, draft.reached, clock.now)
    page = review.choose(DECLARATION, "ja").press("indienen")
    assert page.status == 422
    assert page.title == "Het evenement"
    assert page.errors == ["Vul de naam van het evenement in."]
    assert page.action.endswith("/stap/evenement?van=overzicht")
    assert dossier_count(services) == 0


def test_files_of_a_refused_type_are_named_at_their_field_and_nothing_is_lost(
    client: TestClient[Any],
) -> None:
    page = to_attachments(client)
    page.attach("/bijlagen/grondplan", "grondplan.pdf", PDF)
    page.attach("/bijlagen/programma", "programma.exe", b"MZ\x90\x00 not a pdf")
    page = page.press("volgende")
    assert page.status == 422
    assert "programma.exe is van een soort die we niet aanvaarden" in page.html
    assert page.value("/bijlagen/grondplan/naam") == "grondplan.pdf"  # kept
    assert page.errors[-1].startswith("programma.exe")


def test_a_file_too_large_is_refused_at_its_field(
    client: TestClient[Any], services: Services
) -> None:
    slot = services.catalogue["evenement"].field("/bijlagen/grondplan")
    assert slot is not None
    assert slot.attachment is not None
    page = to_attachments(client)
    page.attach("/bijlagen/grondplan", "plan.pdf", PDF + b"\0" * slot.attachment.max_bytes)
    page.attach("/bijlagen/programma", "programma.pdf", PDF)
    page = page.press("volgende")
    assert page.status == 422
    assert "plan.pdf is te groot" in page.html
    assert page.value("/bijlagen/programma/naam") == "programma.pdf"


def test_save_for_later_gives_a_resume_link_that_leads_back(client: TestClient[Any]) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("bewaren")
    assert page.status == 200
    link = re.search(
        r'href="(http://testserver\.local/formulieren/evenement/hervatten/[^"]+)"', page.html
    )
    assert link
    client.cookies.clear()  # another device
    resumed = open_page(client, link.group(1))
    assert resumed.url.startswith(page.url.split("/stap/")[0])
    assert resumed.title == "Organisator"  # where it was saved
    assert resumed.value("/tweedeContactpersoon/voornaam") == "Sofie"
    assert open_page(client, "/formulieren/evenement/hervatten/verzonnen").status == 404


def test_saving_shows_a_banner_with_the_date_and_the_link_to_copy(
    client: TestClient[Any], clock: Clock
) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    clock.now += timedelta(days=2, hours=3, minutes=30)  # 30 November, 14:30 in Brussels
    page = page.fill("/evenement/naam", "Buurtfeest").press("bewaren")
    banner = re.search(
        r'<div class="fk-notification-banner" role="alert".*?</div>\n</div>', page.html, re.S
    )
    assert banner
    assert "Uw antwoorden zijn bewaard tot 30 december 2026 om 14:30." in banner[0]
    link = re.search(r'<input [^>]*id="fk-resume-link"[^>]*value="([^"]+)"[^>]*readonly', banner[0])
    assert link
    assert link[1].endswith("?stap=evenement")
    assert '<label class="fk-label" for="fk-resume-link">' in banner[0]
    client.cookies.clear()  # another device
    resumed = open_page(client, link[1].replace("&amp;", "&"))
    assert resumed.title == "Het evenement"
    assert resumed.value("/evenement/naam") == "Buurtfeest"


def test_a_resume_link_to_a_step_not_reached_leads_to_the_furthest(
    client: TestClient[Any],
) -> None:
    saved = fill_organisator(open_page(client, "/formulieren/evenement")).press("bewaren")
    token = re.findall(r"/hervatten/([^?\"]+)", saved.html)[0]
    resumed = open_page(client, f"/formulieren/evenement/hervatten/{token}?stap=bijlagen")
    assert resumed.title == "Het evenement"
    unknown = open_page(client, f"/formulieren/evenement/hervatten/{token}?stap=verzonnen")
    assert unknown.title == "Het evenement"


def test_a_new_resume_link_replaces_the_old_one(client: TestClient[Any]) -> None:
    saved = fill_organisator(open_page(client, "/formulieren/evenement")).press("bewaren")
    first = re.findall(r"/hervatten/([^\"]+)", saved.html)[0]
    second = re.findall(r"/hervatten/([^\"]+)", saved.press("bewaren").html)[0]
    assert first != second
    assert open_page(client, f"/formulieren/evenement/hervatten/{first}").status == 404
    assert open_page(client, f"/formulieren/evenement/hervatten/{second}").status == 200


def test_drafts_expire(client: TestClient[Any], clock: Clock, services: Services) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    clock.now += services.settings.draft_ttl + timedelta(seconds=1)
    gone = open_page(client, page.url)
    assert gone.status == 404
    assert "bestaat niet (meer)" in gone.html


def test_coming_back_to_the_form_continues_the_draft(client: TestClient[Any]) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    again = open_page(client, "/formulieren/evenement")
    assert again.url == page.url
    assert again.title == "Het evenement"


def test_after_filing_the_form_starts_afresh(client: TestClient[Any]) -> None:
    to_review(client).choose(DECLARATION, "ja").press("indienen")
    assert open_page(client, "/formulieren/evenement").url.endswith("/formulieren/evenement")


def test_unknown_forms_steps_and_drafts_are_404_pages(client: TestClient[Any]) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    for url in (
        "/formulieren/bestaat-niet",
        page.url.replace("/stap/evenement", "/stap/bestaat-niet"),
        "/formulieren/evenement/" + "x" * 43 + "/stap/organisator",
        "/formulieren/bewonersinitiatief/" + draft_id(page) + "/stap/organisator",
        "/nergens",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"].startswith("text/html")
        assert "e-loket" in response.text
        assert "Traceback" not in response.text


def test_the_api_keeps_its_problem_details(client: TestClient[Any]) -> None:
    response = client.get("/api/v1/forms/bestaat-niet")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_broken_post_is_an_error_page(client: TestClient[Any]) -> None:
    response = client.post(
        "/formulieren/evenement",
        content=b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nkapot',
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text


def test_a_file_for_a_field_that_takes_none_is_refused(client: TestClient[Any]) -> None:
    page = open_page(client, "/formulieren/evenement")
    response = client.post(
        page.action, files=[("/organisator/voornaam", ("x.pdf", PDF, "application/pdf"))]
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")


def test_an_oversized_post_is_an_error_page(client: TestClient[Any], services: Services) -> None:
    limit = services.settings.max_request_bytes
    response = client.post(
        "/formulieren/evenement",
        content=b"x",
        headers={
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(limit + 1),
        },
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")


def test_every_page_names_its_icon_and_the_icon_is_served(client: TestClient[Any]) -> None:
    page = client.get("/formulieren/evenement")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg ")


def test_style_sheets_and_scripts_are_served_minified_with_an_etag(
    client: TestClient[Any], settings: Settings
) -> None:
    folder = settings.renderers_dir / "static"
    for name, kind in [
        ("formkit.css", "text/css"),
        ("dossier.css", "text/css"),
        ("formkit.js", "text/javascript"),
    ]:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(kind)
        written = (folder / name).read_bytes()
        assert b"/*" in written  # the file keeps its comments
        assert b"/*" not in response.content
        assert len(response.content) < 0.9 * len(written)  # comments and spaces gone
        etag = response.headers["etag"]
        again = client.get(f"/static/{name}", headers={"If-None-Match": etag})
        assert (again.status_code, again.content) == (304, b"")
    missing = client.get("/static/niet-er.js")
    assert missing.status_code == 404
    assert client.get("/static/..%2Fpyproject.toml").status_code == 404


def test_the_embed_script_is_served(client: TestClient[Any]) -> None:
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "postMessage" in response.text


def test_a_framed_page_leaves_out_the_site_and_loads_only_its_own_script(
    client: TestClient[Any],
) -> None:
    """formkit.js reports the height to the host page: embed.js runs on the host page only."""
    framed = open_page(client, "/formulieren/evenement", **{"Sec-Fetch-Dest": "iframe"})
    assert "fk-body--embedded" in framed.html
    top = open_page(client, "/formulieren/evenement")
    for page in (framed, top):
        scripts = re.findall(r"<script\b[^>]*>", page.html)
        run = [script for script in scripts if 'type="application/json"' not in script]
        assert run == ['<script src="/static/formkit.js" defer>']  # data blocks never run


def test_expired_drafts_are_purged_with_their_files(
    client: TestClient[Any], services: Services, clock: Clock
) -> None:
    to_review(client)
    files = [p for p in (services.blobs.root / "sha256").rglob("*") if p.is_file()]
    assert len(files) == 1  # the same bytes twice, stored once
    settings = services.settings
    clock.now += settings.draft_ttl + settings.upload_ttl
    purged = asyncio.run(purge(services))
    assert (purged.drafts, purged.uploads, len(purged.blobs)) == (1, 2, 1)
    assert not files[0].exists()


def test_the_files_of_a_filed_draft_survive_the_purge(
    client: TestClient[Any], services: Services, clock: Clock
) -> None:
    to_review(client).choose(DECLARATION, "ja").press("indienen")
    clock.now += services.settings.draft_ttl + services.settings.upload_ttl
    purged = asyncio.run(purge(services))
    assert (purged.drafts, purged.uploads, purged.blobs) == (1, 0, ())
    dossier = services.dossiers.get("EVT-2026-000001")
    assert dossier is not None
    assert all(asyncio.run(services.blobs.exists(a.sha256)) for a in dossier.attachments)
