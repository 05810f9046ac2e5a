"""Saved for later, the link by e-mail: the banner's form queues a sealed outbox row, and the
outbox sends it through a real SMTP server on loopback; the link in the mail goes on."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.mail_support import smtp_server
from tests.web.completion_support import run
from tests.web.conftest import open_page
from tests.web.webforms import Page

from formkit.settings import SmtpServer
from formkit.store import _tables as t
from formkit.store.outbox import Job
from formkit.web.ratelimit import _unlimited
from formkit.web.services import Services
from formkit.work import DRAFT_MAIL, ResumeMail, UndeliverableError
from formkit.work._mail_message import MailTemplates
from formkit.work._mail_transport import SmtpTransport

ADDRESS = "sofie@voorbeeld.be"


def saved(client: TestClient[Any]) -> Page:
    page = open_page(client, "/formulieren/evenement")
    page.fill("/verantwoordelijke/voornaam", "Sofie")
    return page.press("bewaren")


def mail_form(page: Page, address: str, **changes: str) -> dict[str, str]:
    fields = {
        "_csrf": page.value("_csrf"),
        "token": _hidden(page, "token"),
        "stap": _hidden(page, "stap"),
        "email": address,
    }
    return {**fields, **changes}


def _hidden(page: Page, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', page.html)
    assert found is not None, name
    return found.group(1)


def action(page: Page) -> str:
    found = re.search(r'<form class="fk-resume-mail" method="post" action="([^"]+)"', page.html)
    assert found is not None
    return found.group(1)


def outbox_rows(services: Services) -> list[Any]:
    """The rows that mail a resume link."""
    table = t.Outbox.__table__  # type: ignore[attr-defined]
    with services.engine.connect() as connection:
        rows = connection.execute(sa.select(table).where(table.c.topic == DRAFT_MAIL))
        return list(rows.mappings())


def shown_link(page: Page) -> str:
    found = re.search(r'id="fk-resume-link" type="text" value="([^"]+)"', page.html)
    assert found is not None
    return found.group(1)


def test_the_banner_offers_to_mail_the_link_and_queues_it_sealed(
    client: TestClient[Any], services: Services
) -> None:
    page = saved(client)
    assert "Stuur mij de link per e-mail" in page.html
    link = shown_link(page)
    answer = Page(client, client.post(action(page), data=mail_form(page, ADDRESS)))
    assert answer.status == 200
    assert f"We stuurden de link naar <strong>{ADDRESS}</strong>" in answer.html
    assert shown_link(answer) == link  # the same link, still shown
    (row,) = outbox_rows(services)
    written = json.dumps(row["payload"])
    assert ADDRESS not in written
    token = link.rsplit("/", 1)[1].split("?")[0]
    assert token not in written  # nor the link's token


@pytest.mark.parametrize(
    "address",
    ["", "sofie", "sofie@", "sofie@voorbeeld", "so fie@x.be", "a" * 250 + "@voorbeeld.be"],
)
def test_a_refused_address_is_said_at_the_field_and_nothing_is_queued(
    client: TestClient[Any], services: Services, address: str
) -> None:
    page = saved(client)
    answer = Page(client, client.post(action(page), data=mail_form(page, address)))
    assert answer.status == 422
    assert "Vul een geldig e-mailadres in, zoals naam@voorbeeld.be." in answer.html
    assert 'id="fk-resume-link"' in answer.html  # the link stays
    assert outbox_rows(services) == []


def test_only_the_drafts_own_link_can_be_mailed_and_only_with_its_csrf_token(
    client: TestClient[Any], services: Services
) -> None:
    page = saved(client)
    forged = client.post(action(page), data=mail_form(page, ADDRESS, token="x" * 43))
    assert forged.status_code == 404
    unsafe = client.post(action(page), data=mail_form(page, ADDRESS, _csrf="vervalst"))
    assert unsafe.status_code == 403
    assert outbox_rows(services) == []


def test_the_outbox_mails_the_link_and_it_goes_on_where_the_citizen_saved(
    client: TestClient[Any], services: Services
) -> None:
    page = saved(client)
    client.post(action(page), data=mail_form(page, ADDRESS))
    (row,) = outbox_rows(services)
    job = Job(row["id"], DRAFT_MAIL, row["payload"], datetime.now(services.clock().tzinfo), 1)
    templates = MailTemplates(services.settings.renderers_dir / "mail", "Stad Mechelen")
    with smtp_server() as inbox:
        run(handler(services, templates, inbox.port).handle(job))
        (mail,) = inbox.messages()
    assert str(mail["To"]) == ADDRESS
    assert str(mail["Subject"]) == "Uw bewaarde aanvraag: Evenement melden of aanvragen"
    text = str(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    link = re.search(r"(http\S+/hervatten/\S+)", text)
    assert link is not None
    assert "We bewaren uw antwoorden tot " in text
    assert link.group(1) == shown_link(page)
    resumed = client.get(link.group(1).split("testserver.local", 1)[-1])
    assert resumed.status_code == 200
    assert 'value="Sofie"' in resumed.text
    stranger = ResumeMail(templates, _transport(1), sender="loket@mechelen.be", secret=b"x" * 32)
    with pytest.raises(UndeliverableError):  # another instance's secret cannot open it
        run(stranger.handle(job))


def handler(services: Services, templates: MailTemplates, port: int) -> ResumeMail:
    transport = _transport(port)
    return ResumeMail(templates, transport, sender="loket@mechelen.be", secret=services.secret)


def _transport(port: int) -> SmtpTransport:
    return SmtpTransport(SmtpServer("127.0.0.1", port, security="none"), timeout=5)


def test_the_mail_post_counts_against_the_clients_rate_limit() -> None:
    limited = {"type": "http", "path": "/formulieren/evenement/abc/link-mailen"}
    assert not _unlimited(limited)  # type: ignore[arg-type]
    assert _unlimited({"type": "http", "path": "/formulieren/evenement/abc/stap/x"})  # type: ignore[arg-type]
