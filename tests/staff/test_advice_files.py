"""Files with an advice on the staff's dossier page, on SQLite and PostgreSQL: handed in with the
advice form, carried by id through the confirmation and the conflict page without being sent
again, recorded with the advice, downloaded under the page's permission with the read recorded;
a refused file is an error at its field and nothing is recorded."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import sqlalchemy as sa
from litestar.testing import TestClient
from tests import office_files
from tests.conftest import NOW
from tests.staff import desk

from formkit.filing._sniff import DOCX
from formkit.handling import actions
from formkit.handling.events import Kind
from formkit.store import _tables as t
from formkit.web.services import Services

ADVISER = "adviseur:brandweer"
ADVICE = {"dienst": "brandweer", "advies": "voorwaardelijk-gunstig", "motivering": "Mits..."}
REPORT = office_files.docx("Brandverslag")


def url(number: str, rest: str = "") -> str:
    return f"/behandeling/dossiers/{number}{rest}"


def post_with_files(
    client: TestClient[Any],
    services: Services,
    session: str,
    number: str,
    files: list[tuple[str, bytes]],
    fields: dict[str, Any] | None = None,
    version: int | None = None,
) -> Any:
    """The advice form as the dossier page posts it: multipart, its files in `bijlagen`."""
    seen = version if version is not None else desk.events(services, number)
    data = {"_csrf": desk.token(services, session, number), "dossierversie": str(seen)}
    data |= fields if fields is not None else ADVICE
    parts = [("bijlagen", (name, content, "application/octet-stream")) for name, content in files]
    return client.post(
        url(number, "/acties/advies-geven"), data=data, files=parts, follow_redirects=False
    )


def checked_files(page: str) -> list[str]:
    """The files a form lists as handed in already: the ids it posts again."""
    return re.findall(r'name="bijlage" type="checkbox" value="(upload-[0-9a-f]+)" checked', page)


def test_files_go_with_the_advice_through_its_confirmation_and_download_with_a_read_recorded(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVICE_ASKED)
    session = desk.log_in(client, services, ADVISER, name="Kapitein Claes")
    form = client.get(url(number)).text
    assert 'enctype="multipart/form-data"' in form
    assert 'name="bijlagen" type="file" multiple' in form
    files = [("brandverslag.docx", REPORT), ("plan.pdf", desk.PDF)]
    confirm = post_with_files(client, services, session, number, files)
    assert confirm.status_code == 200, confirm.text
    assert "Bevestig: advies geven" in confirm.text
    assert "brandverslag.docx (Word, " in confirm.text
    assert "plan.pdf (PDF, " in confirm.text
    hidden = desk.hidden_fields(confirm.text)
    assert len(hidden["bijlage"]) == 2
    assert desk.events(services, number) == 3  # nothing recorded yet
    done = client.post(url(number, "/acties/advies-geven"), data=hidden, follow_redirects=False)
    assert done.status_code == 303
    events = services.handling.events(number)
    assert events is not None
    given = events[-1]
    assert given.kind is Kind.ADVICE_GIVEN
    assert given.data["attachments"] == [
        {
            "sha256": hashlib.sha256(REPORT).hexdigest(),
            "name": "brandverslag.docx",
            "media_type": DOCX,
            "size": len(REPORT),
        },
        {
            "sha256": hashlib.sha256(desk.PDF).hexdigest(),
            "name": "plan.pdf",
            "media_type": "application/pdf",
            "size": len(desk.PDF),
        },
    ]
    # The handling official downloads them from the timeline, each read recorded.
    desk.log_in(client, services, "behandelaar:bouwaanvraag", name="An Peeters")
    page = client.get(url(number)).text
    assert f'href="{url(number, "/adviezen/4/0")}" download>brandverslag.docx</a>' in page
    assert f'href="{url(number, "/adviezen/4/1")}">plan.pdf</a>' in page  # a PDF opens inline
    report = client.get(url(number, "/adviezen/4/0"))
    assert report.content == REPORT
    assert report.headers["content-type"] == DOCX
    assert report.headers["content-disposition"].startswith('attachment; filename="brandverslag')
    assert report.headers["x-content-type-options"] == "nosniff"
    assert client.get(url(number, "/adviezen/4/1")).content == desk.PDF
    for missing in ("/adviezen/4/2", "/adviezen/3/0", "/adviezen/9/0", "/adviezen/0/0"):
        assert client.get(url(number, missing)).status_code == 404
    rows = [(r["name"], r["what"], r["pointer"]) for r in desk.reads(services)]
    assert ("An Peeters", "adviesbijlage", "adviezen/4/0") in rows
    assert ("An Peeters", "adviesbijlage", "adviezen/4/1") in rows
    audit = t.StaffRead.__table__  # type: ignore[attr-defined]
    with services.engine.connect() as connection:
        count = sa.select(sa.func.count()).where(audit.c.what == "adviesbijlage")
        assert connection.execute(count).scalar_one() == 2  # the 404s showed nothing


def test_an_advice_file_needs_the_same_permission_as_the_page(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVICE_ASKED)
    session = desk.log_in(client, services, ADVISER)
    confirm = post_with_files(client, services, session, number, [("plan.pdf", desk.PDF)])
    hidden = desk.hidden_fields(confirm.text)
    client.post(url(number, "/acties/advies-geven"), data=hidden, follow_redirects=False)
    before = len(desk.reads(services))
    desk.log_in(client, services, "adviseur:erfgoed")  # not asked for advice here
    assert client.get(url(number, "/adviezen/4/0")).status_code == 404
    assert len(desk.reads(services)) == before


def test_a_refused_file_is_an_error_at_its_field_and_nothing_is_recorded(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVICE_ASKED)
    session = desk.log_in(client, services, ADVISER)
    files = [("plan.pdf", desk.PDF), ("pagina.html", b"<!DOCTYPE html><html></html>")]
    refused = post_with_files(client, services, session, number, files)
    assert refused.status_code == 422
    page = refused.text
    assert 'class="fk-error-summary" role="alert"' in page
    assert (
        '<a href="#actie-advies-geven-bijlagen">pagina.html is van een soort die we niet '
        "aanvaarden." in page
    )
    assert 'id="actie-advies-geven-bijlagen-fout-1"' in page
    assert 'aria-invalid="true"' in page
    assert "Mits...</textarea>" in page  # what was typed is kept
    assert len(checked_files(page)) == 1  # and the accepted file, so it is not sent again
    assert "plan.pdf (PDF, " in page
    assert desk.events(services, number) == 3


def test_more_than_five_files_are_refused_and_kept_to_choose_from(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVICE_ASKED)
    session = desk.log_in(client, services, ADVISER)
    files = [(f"plan-{n}.pdf", desk.PDF + str(n).encode()) for n in range(6)]
    refused = post_with_files(client, services, session, number, files)
    assert refused.status_code == 422
    assert "Voeg hoogstens 5 bestanden toe" in refused.text
    assert len(checked_files(refused.text)) == 6
    assert desk.events(services, number) == 3


def test_the_conflict_page_keeps_the_files_and_they_go_with_the_advice_sent_again(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVICE_ASKED)
    seen = desk.events(services, number)
    services.handling.act(number, actions.ExtendDeadline(), desk.SYSTEM, NOW)
    session = desk.log_in(client, services, ADVISER)
    files = [("brandverslag.docx", REPORT)]
    stale = post_with_files(client, services, session, number, files, version=seen)
    assert stale.status_code == 409
    assert "Het dossier is intussen gewijzigd" in stale.text
    kept = checked_files(stale.text)
    assert len(kept) == 1
    assert "brandverslag.docx (Word, " in stale.text
    # Sent again from the conflict page, without the bytes: its ids alone.
    again = post_with_files(
        client, services, session, number, [], fields={**ADVICE, "bijlage": kept}
    )
    assert again.status_code == 200
    hidden = desk.hidden_fields(again.text)
    assert hidden["bijlage"] == kept
    done = client.post(url(number, "/acties/advies-geven"), data=hidden, follow_redirects=False)
    assert done.status_code == 303
    events = services.handling.events(number)
    assert events is not None
    assert [f["name"] for f in events[-1].data["attachments"]] == ["brandverslag.docx"]


def test_files_are_the_sessions_own_on_this_dossier_and_the_dossier_keeps_them(
    client: TestClient[Any], services: Services
) -> None:
    number = desk.prepared(services, desk.ADVICE_ASKED)
    first = desk.log_in(client, services, ADVISER)
    confirm = post_with_files(client, services, first, number, [("plan.pdf", desk.PDF)])
    hidden = desk.hidden_fields(confirm.text)
    # Another session of the same department cannot name them.
    other = desk.log_in(client, services, ADVISER)
    theirs = {**hidden, "_csrf": desk.token(services, other, number)}
    refused = client.post(url(number, "/acties/advies-geven"), data=theirs)
    assert refused.status_code == 422
    assert "niet meer beschikbaar" in refused.text
    assert desk.events(services, number) == 3
    # Their own session records them, and the dossier keeps them.
    client.cookies.set(services.staff.session_cookie, first)
    done = client.post(url(number, "/acties/advies-geven"), data=hidden, follow_redirects=False)
    assert done.status_code == 303
    upload = t.Upload.__table__  # type: ignore[attr-defined]
    with services.engine.connect() as connection:
        claimed = connection.execute(
            sa.select(upload.c.claimed_by).where(upload.c.id.in_(hidden["bijlage"]))
        ).scalar_one()
    assert claimed is not None  # the dossier keeps the file: no purge takes its blob
