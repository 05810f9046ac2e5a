"""The citizen's e-mails about their dossier: queued with the event, sent through the outbox to a
real SMTP server on loopback (aiosmtpd), or written as .eml files when none is configured; on
SQLite and PostgreSQL."""

from __future__ import annotations

import email
import json
import re
import shutil
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import (
    ROOT,
    SCHEMAS,
    answers,
    receipts_for_tests,
    service_settings,
    write_json,
)
from tests.mail_support import Inbox, smtp_server
from tests.outbox_support import FAST, run_worker_until
from tests.test_api_handling import acted, filed
from tests.test_cli import run

from formkit.filing._filing import Filing
from formkit.forms.catalogue import Catalogue
from formkit.handling.actions import Assign, Complete, Decide, FindAdmissible, FindIncomplete
from formkit.handling.completion import PATH, completion_valid
from formkit.handling.events import Actor, ActorKind
from formkit.handling.notices import Notice, Recipient, recipient
from formkit.handling.organisation import load_organisation
from formkit.settings import Settings, SettingsError, SmtpServer
from formkit.store import _tables as t
from formkit.store.database import open_database
from formkit.store.dossiers import DossierStore
from formkit.store.handling import HandlingStore
from formkit.store.outbox import Outbox
from formkit.web.services import Services
from formkit.work import CITIZEN_MAIL, CitizenMail, Handlers, RetryLaterError, mail_transport
from formkit.work._mail_message import MailTemplates, compose
from formkit.work._mail_transport import MailFolder, SmtpTransport, Transport

BASE_URL = "https://loket.example"
SECRET = b"s" * 32
SENDER = "Stad Mechelen <noreply@loket.example>"
OFFICIAL = Actor(ActorKind.STAFF, "sub-an", "An Peeters", "omgeving")
CITIZEN = Actor(ActorKind.CITIZEN, "citizen", "Aanvrager")
DEPARTMENTS = frozenset(d.id for d in load_organisation(SCHEMAS / "organisatie.json").departments)
_outbox = t.Outbox.__table__  # type: ignore[attr-defined]
ELEVEN_DIGITS = re.compile(r"\d{11}")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Office:
    """The city's side: dossiers filed, handled, and the outbox's mail jobs worked off."""

    def __init__(self, database_url: str, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.engine = open_database(database_url)
        self.dossiers = DossierStore(self.engine, receipts_for_tests())

        def procedure(form_id: str) -> Any:
            form = catalogue.get(form_id)
            return None if form is None else form.annotations.procedure

        self.handling = HandlingStore(self.engine, procedure, DEPARTMENTS)
        self.outbox = Outbox(self.engine, FAST)

    def file(self, form_id: str, document: Any) -> str:
        form = self.catalogue[form_id]
        filing = Filing(
            form_id=form.id,
            form_title=form.title,
            prefix=form.prefix,
            version=form.version,
            answers=document,
            attachments=(),
            channel="web",
            idempotency_key=None,
            request_digest="d",
        )
        (outcome,) = self.dossiers.file([filing], {form.version: form.schema})
        return outcome.number

    def act(self, number: str, command: Any, actor: Actor = OFFICIAL) -> None:
        assert self.handling.act(number, command, actor, datetime.now(UTC)) is not None

    def mail(self, transport: Transport) -> CitizenMail:
        templates = MailTemplates(ROOT / "renderers" / "mail", "Stad Mechelen")
        return CitizenMail(
            self.handling,
            self.catalogue.get,
            templates,
            transport,
            sender=SENDER,
            base_url=BASE_URL,
            secret=SECRET,
        )

    async def work(self, transport: Transport) -> None:
        """Work off the mail jobs (the webhooks and receipts have tests of their own)."""
        with self.engine.begin() as connection:
            connection.execute(_outbox.delete().where(_outbox.c.topic != CITIZEN_MAIL))
        handlers = Handlers({CITIZEN_MAIL: self.mail(transport)})
        await run_worker_until(self.outbox, lambda: not self.outbox.pending(), handlers)

    def mail_rows(self) -> list[Any]:
        query = sa.select(_outbox).where(_outbox.c.topic == CITIZEN_MAIL).order_by(_outbox.c.id)
        with self.engine.connect() as connection:
            return list(connection.execute(query))


@pytest.fixture
def office(database_url: str, catalogue: Catalogue) -> Iterator[Office]:
    office = Office(database_url, catalogue)
    yield office
    office.engine.dispose()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as inbox:
        yield inbox


def smtp(inbox: Inbox) -> SmtpTransport:
    return SmtpTransport(SmtpServer("127.0.0.1", inbox.port, security="none"), timeout=5)


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


def version(mail: EmailMessage) -> int:
    """The dossier's version the mail tells of, from its Message-ID."""
    return int(str(mail["Message-ID"]).split(".")[2])


def national_numbers(document: Any) -> set[str]:
    """Every national register number in the answers."""
    return set(ELEVEN_DIGITS.findall(json.dumps(document)))


@pytest.mark.anyio
async def test_the_citizen_is_mailed_at_each_phase_and_asked_to_complete_with_a_link(
    office: Office, inbox: Inbox
) -> None:
    filed = answers("bouwaanvraag", "valid-full")
    rrn = filed["aanvragers"]["personen"][0]["rijksregisternummer"]
    number = office.file("bouwaanvraag", filed)
    asked = ("/bijlagen/plannen", "/aanvragers/personen/1/adres", "/ligging/percelen")
    message = f"De plannen ontbreken.\nUw rijksregisternummer {rrn} hoeft er niet bij."
    office.act(number, FindIncomplete(message, asked))
    office.act(number, Complete(filed), CITIZEN)
    office.act(number, FindAdmissible())
    office.act(number, Assign("sub-an", "An Peeters"))
    office.act(number, Decide("vergund", "In orde."))
    await office.work(smtp(inbox))

    mails = sorted(inbox.messages(), key=version)  # sent in parallel: in any order
    subjects = [str(m["Subject"]) for m in mails]
    assert subjects == [
        f"Uw dossier {number}: vul uw aanvraag aan",
        f"Uw dossier {number}: Ingediend",  # completed: back to the completeness check
        f"Uw dossier {number}: Ontvankelijk",
        f"Uw dossier {number}: In behandeling",
        f"Uw dossier {number}: Beslist",
    ]
    for mail in mails:
        assert str(mail["To"]) == "Youssef El Amrani <youssef.elamrani@voorbeeld.be>"
        assert str(mail["From"]) == SENDER
    assert len({m["Message-ID"] for m in mails}) == len(mails)

    completion = body(mails[0])
    assert "De plannen ontbreken." in completion
    assert "[rijksregisternummer weggelaten]" in completion
    assert "- Bijlagen › Plannen\n" in completion
    assert "- Aanvragers › Aanvrager 2 › Adres\n" in completion
    assert "- Ligging › Kadastrale percelen\n" in completion
    link = re.search(rf"{BASE_URL}{PATH}/{number}/(\S+)", completion)
    assert link is not None
    at_request = office.handling.at(number, 2)
    assert at_request is not None
    assert completion_valid(SECRET, number, at_request.state.completion, link.group(1))

    admissible, assigned, decided = (body(m) for m in mails[2:])
    assert "Uw aanvraag is volledig en ontvankelijk." in admissible
    assert "Uw dossierbehandelaar is An Peeters." in assigned
    assert "Het college van burgemeester en schepenen heeft beslist." in decided

    # Never a national register number, nor any other answer than the name and the address.
    raw = b"".join(inbox.raw()).decode()
    texts = raw + "".join(body(m) for m in mails)
    assert national_numbers(filed) & set(ELEVEN_DIGITS.findall(texts)) == set()
    for answer in ("Brusselsesteenweg", "+32485765432", "Vermeulen"):
        assert answer not in texts


@pytest.mark.anyio
async def test_the_mail_job_carries_no_personal_data(office: Office, inbox: Inbox) -> None:
    number = office.file("bouwaanvraag", answers("bouwaanvraag", "valid-full"))
    office.act(number, FindAdmissible())
    (row,) = office.mail_rows()
    assert row.payload == {
        "number": number,
        "form": "bouwaanvraag",
        "kind": "phase",
        "phase": "ontvankelijk",
        "version": 2,
    }


@pytest.mark.anyio
async def test_a_server_that_asks_to_wait_gets_the_same_mail_again(
    office: Office, inbox: Inbox
) -> None:
    number = office.file("evenement", answers("evenement", "valid-minimal"))
    inbox.refuse_data.append("451 4.3.0 Even geduld")
    inbox.refuse_rcpt.append("452 4.2.2 Mailbox vol")
    office.act(number, FindAdmissible())
    await office.work(smtp(inbox))
    (mail,) = inbox.messages()
    assert str(mail["Subject"]) == f"Uw dossier {number}: Volledig"
    assert str(mail["To"]) == "Tom Peeters <tom.peeters@voorbeeld.be>"
    (row,) = office.mail_rows()
    assert row.done_at is not None
    assert row.attempts == 3
    assert row.last_error.startswith("SMTP 45")


@pytest.mark.anyio
async def test_a_refused_recipient_is_a_dead_letter_that_names_no_address(
    office: Office, inbox: Inbox
) -> None:
    number = office.file("evenement", answers("evenement", "valid-minimal"))
    inbox.always_refuse_rcpt = "550 5.1.1 <{address}>: Recipient address rejected"
    office.act(number, FindAdmissible())
    await office.work(smtp(inbox))
    assert inbox.messages() == []
    (dead,) = office.outbox.dead()
    assert dead.attempts == 1  # at once: asking again would not help
    assert dead.last_error == "SMTP 550: the server refused the mail"
    assert "voorbeeld.be" not in json.dumps(dead.payload)


@pytest.mark.anyio
async def test_no_server_listening_is_tried_again_later(office: Office, inbox: Inbox) -> None:
    number = office.file("evenement", answers("evenement", "valid-minimal"))
    office.act(number, FindAdmissible())
    with office.engine.begin() as connection:
        connection.execute(_outbox.delete().where(_outbox.c.topic != CITIZEN_MAIL))
    (row,) = office.mail_rows()
    closed = SmtpTransport(SmtpServer("127.0.0.1", _closed_port(), security="none"), timeout=2)
    (job,) = office.outbox.claim(1)
    with pytest.raises(RetryLaterError, match="ConnectionRefusedError"):
        await office.mail(closed).handle(job)
    assert job.id == row.id


@pytest.mark.anyio
async def test_answers_without_an_address_get_no_mail_and_the_job_is_done(
    office: Office, inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    filed = answers("bewonersinitiatief", "valid-minimal")
    assert "email" not in filed["initiatiefnemers"][0]
    number = office.file("bewonersinitiatief", filed)
    office.act(number, FindAdmissible())
    with caplog.at_level("INFO", logger="formkit.outbox"):
        await office.work(smtp(inbox))
    assert inbox.messages() == []
    (row,) = office.mail_rows()
    assert row.done_at is not None
    assert f"no mail about {number} (version 2): no e-mail address answered" in caplog.text
    assert "Lotte" not in caplog.text


@pytest.mark.parametrize("address", ["@voorbeeld.be", "tom@voorbeeld.be\r\nBcc: x@y.be", "t p@x"])
@pytest.mark.anyio
async def test_an_address_no_mail_can_carry_is_a_dead_letter_that_does_not_repeat_it(
    office: Office, inbox: Inbox, address: str
) -> None:
    filed = answers("evenement", "valid-minimal")
    filed["verantwoordelijke"]["email"] = address  # filed as it stands: the store checks nothing
    number = office.file("evenement", filed)
    office.act(number, FindAdmissible())
    await office.work(smtp(inbox))
    assert inbox.messages() == []
    (dead,) = office.outbox.dead()
    assert dead.last_error == f"the e-mail address answered in {number} cannot carry a mail"


@pytest.mark.anyio
async def test_without_a_server_the_mails_are_eml_files_written_once_whole(
    office: Office, tmp_path: Path
) -> None:
    number = office.file("bouwaanvraag", answers("bouwaanvraag", "valid-rechtspersoon"))
    office.act(number, FindIncomplete("Voeg de plannen toe.", ("/bijlagen/plannen",)))
    transport = mail_transport(Settings(data_dir=tmp_path))
    assert isinstance(transport, MailFolder)
    await office.work(transport)
    (path,) = (tmp_path / "mail").iterdir()
    assert path.name == f"citizen-mail.{number}.2.completion@loket.example.eml"
    first = path.read_bytes()
    mail = email.message_from_bytes(first, _class=EmailMessage, policy=policy.default)
    assert str(mail["To"]) == "Arne De Smet <arne.desmet@voorbeeld.be>"  # the company's
    assert f"{BASE_URL}{PATH}/{number}/" in body(mail)
    assert path.stat().st_mode & 0o077 == 0  # the citizen's address: the service's user only

    with office.engine.begin() as connection:  # as if the worker died before recording it
        connection.execute(_outbox.update().values(done_at=None, available_at=_past()))
    await office.work(transport)
    assert [p.read_bytes() for p in (tmp_path / "mail").iterdir()] == [first]


def test_names_and_subjects_with_dutch_letters_are_encoded_in_the_headers() -> None:
    notice = Notice(
        "phase",
        "EVT-2026-000001",
        form_title="Evenement",
        phase_title="Beëindigd",
        phase_description="Uw evenement is afgelopen; dank u wel.",
        official="Zoë Lefèvre",
    )
    to = Recipient("marie@voorbeeld.be", "Marie-Hélène Daenë")
    subject, text = MailTemplates(ROOT / "renderers" / "mail", "Stad Mechelen").render(notice, to)
    message = compose(SENDER, to, subject, text, "<id@loket.example>", datetime.now(UTC))
    raw = message.as_bytes()
    head, _, _ = raw.partition(b"\r\n\r\n")
    assert head.isascii()
    assert b"=?utf-8?" in head  # RFC 2047 encoded words
    parsed = email.message_from_bytes(raw, _class=EmailMessage, policy=policy.default)
    assert str(parsed["Subject"]) == "Uw dossier EVT-2026-000001: Beëindigd"
    assert parsed["To"].addresses[0].display_name == "Marie-Hélène Daenë"
    assert parsed.get_content_charset() == "utf-8"
    assert "Beste Marie-Hélène Daenë," in body(parsed)
    assert "Uw dossierbehandelaar is Zoë Lefèvre." in body(parsed)


def test_the_service_writes_the_mails_of_its_dossiers(
    client: TestClient[Any], services: Services, token: str
) -> None:
    """`Services.work` runs the mail handler: an integrator's action becomes an .eml file."""
    handler = services.api_keys.create("backoffice", ["evenement"], ["read", "handle"])[1]
    number = filed(client, token)
    acted(client, handler, number, action="admissible", track="melding")
    folder = services.settings.data_dir / "mail"
    _wait(lambda: folder.exists() and any(folder.iterdir()))
    (path,) = folder.iterdir()
    mail = email.message_from_bytes(path.read_bytes(), _class=EmailMessage, policy=policy.default)
    assert str(mail["Subject"]) == f"Uw dossier {number}: Volledig"
    assert str(mail["From"]) == "Stad Mechelen <noreply@localhost>"


@pytest.mark.parametrize(
    ("form_id", "data", "expected"),
    [
        ("evenement", "valid-full", Recipient("koen.wouters@voorbeeld.be", "Koen Wouters")),
        (
            "bouwaanvraag",
            "valid-minimal",
            Recipient("sofie.janssens@voorbeeld.be", "Sofie Janssens"),
        ),
        (
            "bouwaanvraag",
            "valid-rechtspersoon",
            Recipient("arne.desmet@voorbeeld.be", "Arne De Smet"),
        ),
        (
            "bewonersinitiatief",
            "valid-full",
            Recipient("marleen.claes@voorbeeld.be", "Marleen Claes"),
        ),
        ("bewonersinitiatief", "valid-minimal", None),
    ],
)
def test_each_form_names_where_its_citizen_is_written_to(
    catalogue: Catalogue, form_id: str, data: str, expected: Recipient | None
) -> None:
    procedure = catalogue[form_id].annotations.procedure
    assert procedure is not None
    assert recipient(procedure.contact, answers(form_id, data)) == expected


def test_check_refuses_a_contact_that_is_no_e_mail_answer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = shutil.copytree(SCHEMAS, tmp_path / "schemas")
    form = json.loads((folder / "evenement.json").read_text(encoding="utf-8"))
    form["x-formkit"]["procedure"]["contact"]["email"] = "/verantwoordelijke/telefoon"
    path = write_json(folder / "evenement.json", form)
    status, out, _ = run(capsys, "check", str(path))
    assert status == 1
    where = f"{path}:/x-formkit/procedure/contact/email: "
    assert f"{where}/verantwoordelijke/telefoon is not an e-mail field" in out


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, None),
        (
            {"FORMKIT_SMTP_URL": "smtp://loket%40mechelen.be:ge%3Aheim@smtp.mechelen.be"},
            SmtpServer("smtp.mechelen.be", 587, "loket@mechelen.be", "ge:heim", "starttls"),
        ),
        (
            {"FORMKIT_SMTP_URL": "smtps://smtp.mechelen.be"},
            SmtpServer("smtp.mechelen.be", 465, security="tls"),
        ),
        (
            {
                "FORMKIT_SMTP_HOST": "127.0.0.1",
                "FORMKIT_SMTP_PORT": "2525",
                "FORMKIT_SMTP_SECURITY": "none",
            },
            SmtpServer("127.0.0.1", 2525, security="none"),
        ),
    ],
)
def test_the_smtp_server_comes_from_a_url_or_its_parts(
    environment: dict[str, str], expected: SmtpServer | None
) -> None:
    settings = Settings.from_env(environment)
    assert settings.smtp == expected
    assert "heim" not in repr(settings)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"FORMKIT_SMTP_URL": "http://smtp.mechelen.be"}, "must be smtp://host:port"),
        ({"FORMKIT_SMTP_URL": "smtp://a", "FORMKIT_SMTP_HOST": "b"}, "not both"),
        ({"FORMKIT_SMTP_HOST": "a", "FORMKIT_SMTP_SECURITY": "ssl"}, "starttls, tls or none"),
        (
            {"FORMKIT_SMTP_URL": "smtp://u:p@smtp.mechelen.be", "FORMKIT_SMTP_SECURITY": "none"},
            "would send the password in clear",
        ),
        ({"FORMKIT_MAIL_FROM": "loket"}, "FORMKIT_MAIL_FROM: 'loket' is no e-mail address"),
    ],
)
def test_mail_settings_formkit_cannot_use_are_refused(
    environment: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(environment)


def test_the_sender_is_the_city_at_the_public_host_unless_set() -> None:
    public = Settings(public_url="https://loket.mechelen.be")
    assert public.mail_sender == "Stad Mechelen <noreply@loket.mechelen.be>"
    chosen = Settings(mail_from="Stad Mechelen <dossiers@mechelen.be>")
    assert chosen.mail_sender == "Stad Mechelen <dossiers@mechelen.be>"


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Services:
    return Services.build(service_settings(tmp_path, database_url), catalogue=catalogue)


def _closed_port() -> int:
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _past() -> datetime:
    return datetime.now(UTC) - timedelta(seconds=1)


def _wait(condition: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
