"""Everything a request handler needs, built once from the settings and handed to the app."""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from litestar import Request
from sqlalchemy.engine import Engine

from formkit.accounts import national_number_key
from formkit.eid._devpki import development_trust_dir
from formkit.eid.signing import EidTrust
from formkit.filing.blobs import FileBlobStore
from formkit.filing.filer import Filer
from formkit.forms._procedure import Procedure
from formkit.forms.catalogue import Catalogue
from formkit.handling.organisation import Organisation, load_organisation, organisation_file
from formkit.receipts import Issuer, LetterTemplate, ReceiptLayout, Seal, load_seal, read_layout
from formkit.render import Renderer
from formkit.secret import instance_secret
from formkit.settings import Settings
from formkit.store.apikeys import ApiKeys
from formkit.store.batching import FilingQueue
from formkit.store.challenges import EidChallenges
from formkit.store.database import open_database
from formkit.store.dossiers import DossierStore
from formkit.store.drafts import DraftStore
from formkit.store.feed import Feed
from formkit.store.handling import HandlingStore
from formkit.store.letters import LetterStore
from formkit.store.outbox import Backoff, Outbox
from formkit.store.receipts import ReceiptStore, StoredReceipt
from formkit.store.uploads import ApiUploads
from formkit.store.webhooks import Webhooks
from formkit.store.worklist import Worklist
from formkit.store.writer import ProcessWriter, dossier_store
from formkit.web._citizen_auth import CitizenAccess, build_citizen_access
from formkit.web._limiter import RateLimits
from formkit.web._staff_auth import StaffAccess, build_staff_access
from formkit.work import (
    CITIZEN_MAIL,
    DECISION_LETTER,
    DRAFT_MAIL,
    RECEIPT_PDF,
    DecisionLetterPdf,
    Handler,
    LetterWork,
    ReceiptPdf,
    citizen_mail,
    filed_answers,
    issue_stored_pdf,
    resume_mail,
    serve,
    stored_jws,
)


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    catalogue: Catalogue
    engine: Engine
    dossiers: DossierStore
    seal: Seal  # the city's: seals receipts and the log's tree heads
    receipts: ReceiptStore
    receipt_layout: ReceiptLayout
    queue: FilingQueue
    filer: Filer
    blobs: FileBlobStore
    api_keys: ApiKeys
    secret: bytes  # signs CSRF tokens and resume links; kept in the data folder
    drafts: DraftStore  # the citizen pages' drafts and their uploads
    renderer: Renderer  # the citizen pages' HTML, from renderers/templates
    outbox: Outbox  # work after a filing (webhooks), done by formkit.work
    webhooks: Webhooks  # integrators' subscriptions
    rate_limits: RateLimits  # requests per client on /verificatie and the API, in this process
    uploads: ApiUploads  # integrators' files handed in ahead of a JSON filing
    staff: StaffAccess  # staff sessions and the provider they log in at
    citizens: CitizenAccess  # citizens' sessions and the provider they log in at (FAS)
    eid_challenges: EidChallenges  # Web eID nonces handed out for citizens' eID logins
    handling: HandlingStore  # dossiers' events: what staff and integrators do to them
    worklist: Worklist  # dossiers by phase, form, department and deadline, a page at a time
    letters: LetterStore  # decided dossiers' letters: `letters.get(number)` finds one
    letter_template: LetterTemplate  # the city's decision letter, from renderers/letter
    feed: Feed  # every event in commit order, for integrators catching up
    clock: Callable[[], datetime]  # the moment of an action, and the day deadlines count from

    @classmethod
    def build(
        cls,
        settings: Settings,
        clock: Callable[[], datetime] | None = None,
        catalogue: Catalogue | None = None,
        staff_http: httpx.AsyncClient | None = None,
        citizen_http: httpx.AsyncClient | None = None,
    ) -> Services:
        """Open everything; tests hand in a clock (filing, rate limits, sessions), loaded
        forms, and the HTTP clients that reach the staff's and the citizens' providers."""
        catalogue = Catalogue.load(settings.schemas_dir) if catalogue is None else catalogue
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = open_database(settings.database)
        seal = load_seal(os.environ, settings.data_dir)
        dossiers = dossier_store(settings, engine, seal)
        writer = ProcessWriter(settings) if settings.filing_writer == "process" else None
        queue = FilingQueue(dossiers, settings.batch_size, writer)
        secret = instance_secret(settings.data_dir)
        key = functools.partial(national_number_key, secret)  # each filing's parties by it
        filer = Filer(queue, _eid_trust(settings), national_number_key=key)
        filer = filer if clock is None else replace(filer, clock=clock)
        return cls(
            settings=settings,
            catalogue=catalogue,
            engine=engine,
            dossiers=dossiers,
            seal=seal,
            receipts=ReceiptStore(engine),
            receipt_layout=read_layout(settings.renderers_dir / "receipt" / "layout.json"),
            queue=queue,
            filer=filer,
            blobs=FileBlobStore(settings.data_dir / "blobs"),
            api_keys=ApiKeys(engine),
            secret=secret,
            drafts=DraftStore(engine, settings.draft_ttl, settings.upload_ttl),
            renderer=Renderer(settings.renderers_dir / "templates"),
            outbox=_outbox(engine, settings),
            webhooks=Webhooks(engine),
            rate_limits=RateLimits.of(settings, *(() if clock is None else (_seconds(clock),))),
            uploads=ApiUploads(engine, settings.upload_ttl),
            staff=build_staff_access(settings, engine, clock, staff_http),
            citizens=build_citizen_access(settings, engine, secret, clock, citizen_http),
            eid_challenges=EidChallenges(engine),
            handling=_handling(engine, catalogue, settings.schemas_dir),
            worklist=Worklist(engine),
            letters=LetterStore(engine, dossiers.receipts.log),
            letter_template=LetterTemplate.read(settings.renderers_dir / "letter"),
            feed=Feed(engine),
            clock=clock or _now,
        )

    async def receipt_jws(self, stored: StoredReceipt) -> str:
        """The receipt's JWS, issued now if it never was."""
        return await stored_jws(stored, self.receipts, self.seal)

    async def receipt_pdf(self, stored: StoredReceipt) -> str:
        """The SHA-256 of the receipt's sealed PDF in the blob store, sealed now if needed."""
        return await issue_stored_pdf(
            stored,
            self.receipts,
            self.seal,
            self.blobs,
            self.receipt_layout,
            filed_answers(self.dossiers, self.catalogue),
        )

    def organisation(self) -> Organisation | None:
        """The departments and bodies of the organisation file beside the forms, if any."""
        return _organisation(self.settings.schemas_dir)

    def letter_work(self) -> LetterWork:
        """What issuing decision letters needs, from these services."""
        return LetterWork(
            letters=self.letters,
            handling=self.handling,
            receipts=self.receipts,
            organisation=lambda: _organisation(self.settings.schemas_dir),
            issuer=Issuer(self.settings.city_name, self.settings.base_url),
            seal=self.seal,
            blobs=self.blobs,
            template=self.letter_template,
        )

    async def work(self, stop: asyncio.Event) -> None:
        """Do the outbox's work (webhooks, PDF receipts, decision letters, the citizen's mails)
        until `stop`."""
        more: dict[str, Handler] = {
            RECEIPT_PDF: ReceiptPdf(
                self.receipts,
                self.seal,
                self.blobs,
                self.receipt_layout,
                filed_answers(self.dossiers, self.catalogue),
            ),
            DECISION_LETTER: DecisionLetterPdf(self.letter_work()),
            CITIZEN_MAIL: citizen_mail(
                self.settings, self.handling, self.catalogue.get, self.secret
            ),
            DRAFT_MAIL: resume_mail(self.settings, self.secret),
        }
        await serve(self.outbox, self.webhooks, self.settings, stop, more)

    def _citizen_mail(self) -> Handler:
        return citizen_mail(self.settings, self.handling, self.catalogue.get, self.secret)

    def close(self) -> None:
        self.queue.close()
        self.engine.dispose()


def services(request: Request[Any, Any, Any]) -> Services:
    """The services of the app serving `request`."""
    found: Services = request.app.state.services
    return found


def _now() -> datetime:
    return datetime.now(UTC)


def _organisation(schemas: Path) -> Organisation | None:
    """The organisation file beside the forms (read again only when it changed), if any."""
    path = organisation_file(schemas)
    return load_organisation(path) if path.exists() else None


def _handling(engine: Engine, catalogue: Catalogue, schemas: Path) -> HandlingStore:
    """The forms' procedures and the departments of the organisation file beside them; an
    instance without that file has no departments to ask for advice."""
    organisation = _organisation(schemas)
    departments = frozenset(d.id for d in organisation.departments) if organisation else frozenset()

    def procedure(form_id: str) -> Procedure | None:
        form = catalogue.get(form_id)
        return None if form is None else form.annotations.procedure

    return HandlingStore(engine, procedure, departments)


def _seconds(clock: Callable[[], datetime]) -> Callable[[], float]:
    return lambda: clock().timestamp()


def _eid_trust(settings: Settings) -> EidTrust:
    folder = settings.eid_trust_dir or development_trust_dir(settings.data_dir)
    required = bool(settings.eid_revocation_required)
    return EidTrust.from_folder(folder, revocation_required=required)


def _outbox(engine: Engine, settings: Settings) -> Outbox:
    # A claimed row must not come due again while its delivery may still be running.
    lease = max(timedelta(minutes=2), 2 * settings.webhook_timeout)
    return Outbox(engine, Backoff(max_attempts=settings.outbox_max_attempts), lease)
