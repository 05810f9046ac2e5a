"""Dossiers of two test citizens (the development login's Anna and Jan), in different phases.

Filed straight into the store with the parties the filer records (tests/test_parties.py files
through the real API); the city's steps are the handling store's, as staff pages take them.

    anna_incomplete   bouwaanvraag: Anna applicant (Emma co-applicant); the city asks more
    anna_in_progress  bouwaanvraag: Anna applicant; admissible, the decision term running
    shared_decided    evenement: Jan applicant, Anna co-applicant; advised, decided, letter
    jan_filed         bewonersinitiatief: Jan first initiator; just filed
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tests.conftest import answers
from tests.web.bouwaanvraag import PDF, PNG
from tests.web.completion_support import OFFICIAL, ask_completion, run

from formkit.filing._filing import Blob, Filed, Filing, bind_attachments
from formkit.filing._parties import parties
from formkit.forms import _pointer
from formkit.handling.actions import Assign, Decide, FindAdmissible, GiveAdvice, RequestAdvice
from formkit.handling.events import Actor, ActorKind
from formkit.store.outbox import Job
from formkit.web._citizen_auth import DEVELOPMENT_CITIZENS
from formkit.web.services import Services
from formkit.work import DECISION_LETTER, DecisionLetterPdf

ANNA = DEVELOPMENT_CITIZENS["anna"].national_number
JAN = DEVELOPMENT_CITIZENS["jan"].national_number
DESK = Actor(ActorKind.STAFF, "sub-lore", "Lore Janssens", "evenementenloket")
POLICE = Actor(ActorKind.STAFF, "sub-politie", "Inspecteur Wouters", "politie")
ADVICE_MOTIVATION = "Interne nota: te weinig stewards aan de nooduitgang."
ADVICE_FILE = "politie-interne-nota.pdf"  # goes with the police's advice: never the citizen's
ADVICE_PDF = b"%PDF-1.4\n% interne nota van de politie\n%%EOF\n"
DECISION_MOTIVATION = "Het evenement past in de buurt."


def _stored(services: Services, content: bytes) -> str:
    """Into the blob store's own layout, as an advice's upload leaves it; its hash."""
    sha256 = hashlib.sha256(content).hexdigest()
    path = services.blobs.path_of(sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return sha256


@dataclass(frozen=True)
class Dossiers:
    anna_incomplete: str
    anna_in_progress: str
    shared_decided: str
    jan_filed: str
    completion: str  # the path of the completion link the city's mail carries


def file(services: Services, form_id: str, numbers: Mapping[str, str], example: str) -> str:
    """The example's answers with `numbers` at their pointers, filed with their parties."""
    form = services.catalogue[form_id]
    document: Any = answers(form_id, example)
    for pointer, number in numbers.items():
        parent, name = pointer.rsplit("/", 1)
        _pointer.resolve(document, parent)[name] = number
    key = services.filer.national_number_key
    assert key is not None
    # Every file the answers name, stored as the filing leaves it: a dossier has its files.
    files = {ref: _blob(services, ref, name) for ref, name in _references(document)}
    document, attachments, problems = bind_attachments(form, document, files)
    assert not problems, problems
    filing = Filing(
        form_id=form.id,
        form_title=form.title,
        prefix=form.prefix,
        version=form.version,
        answers=document,
        attachments=attachments,
        channel="web",
        idempotency_key=None,
        request_digest="d",
        parties=parties(form, document, None, key),
    )
    (outcome,) = services.dossiers.file([filing], {form.version: form.schema})
    assert isinstance(outcome, Filed)
    return outcome.number


def _references(node: Any) -> list[tuple[str, str]]:
    """The (reference, file name) of every file the answers name."""
    if isinstance(node, dict):
        if isinstance(node.get("bestand"), str):
            return [(node["bestand"], str(node.get("naam", node["bestand"])))]
        return [found for value in node.values() for found in _references(value)]
    if isinstance(node, list):
        return [found for item in node for found in _references(item)]
    return []


_IMAGES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


def _blob(services: Services, reference: str, name: str) -> Blob:
    """A file for `reference`: an image or a PDF by its name's extension."""
    media_type = _IMAGES.get(name.rsplit(".", 1)[-1].lower(), "application/pdf")
    content = (PDF if media_type == "application/pdf" else PNG) + reference.encode()
    return Blob(_stored(services, content), len(content), media_type, name)


def dossiers(services: Services) -> Dossiers:
    now = services.clock()
    handling = services.handling
    incomplete = file(
        services, "bouwaanvraag", {"/aanvragers/personen/0/rijksregisternummer": ANNA}, "valid-full"
    )
    handling.act(incomplete, Assign("sub-an", "An Peeters", "omgeving"), OFFICIAL, now)
    completion = ask_completion(handling, services.secret, incomplete, now)

    in_progress = file(
        services,
        "bouwaanvraag",
        {"/aanvragers/personen/0/rijksregisternummer": ANNA},
        "valid-minimal",
    )
    handling.act(in_progress, FindAdmissible("regulier"), OFFICIAL, now)
    handling.act(in_progress, Assign("sub-an", "An Peeters", "omgeving"), OFFICIAL, now)

    numbers = {
        "/verantwoordelijke/rijksregisternummer": JAN,
        "/medeaanvragers/0/rijksregisternummer": ANNA,
    }
    decided = file(services, "evenement", numbers, "valid-full")
    handling.act(decided, Assign("sub-lore", "Lore Janssens", "evenementenloket"), DESK, now)
    handling.act(decided, FindAdmissible("vergunning"), DESK, now)
    handling.act(decided, RequestAdvice(("politie",)), DESK, now)
    note = Blob(_stored(services, ADVICE_PDF), len(ADVICE_PDF), "application/pdf", ADVICE_FILE)
    advice = GiveAdvice("politie", "ongunstig", ADVICE_MOTIVATION, (note,))
    handling.act(decided, advice, POLICE, now)
    handling.act(decided, Decide("toegestaan", DECISION_MOTIVATION), DESK, now)
    job = Job(1, DECISION_LETTER, {"number": decided}, datetime.now(UTC), 1)
    run(DecisionLetterPdf(services.letter_work()).handle(job))  # also beside Playwright's loop

    jan = file(
        services,
        "bewonersinitiatief",
        {"/initiatiefnemers/0/rijksregisternummer": JAN},
        "valid-full",
    )
    return Dossiers(incomplete, in_progress, decided, jan, completion)
