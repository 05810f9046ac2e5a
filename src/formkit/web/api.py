"""The integrators' API: translate HTTP to a filing or a read, and back. No rules live here."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import anyio.to_thread
import msgspec
from litestar import Request, Response, Router, get, post
from litestar.connection import ASGIConnection
from litestar.params import FromPath
from litestar.response import Stream

from formkit.eid.signing import HASH
from formkit.filing._filing import Filed, IdempotencyConflict
from formkit.filing.filer import Refused
from formkit.forms._model import Form
from formkit.store.apikeys import ApiKey
from formkit.store.dossiers import StoredDossier
from formkit.store.handling import ONCE, Handled, NoProcedureError
from formkit.store.receipts import StoredReceipt
from formkit.web import openapi
from formkit.web._api_uploads import claim_uploads, document, receive
from formkit.web._disposition import content_disposition
from formkit.web._evidence_download import NOT_SIGNED, evidence_response
from formkit.web._handling_documents import PRIVATE, etag, handling_document
from formkit.web.problems import TYPES, ProblemError, type_uri
from formkit.web.services import services
from formkit.web.uploads import read_submission

JSON = "application/json"


@get("/forms", sync_to_thread=False)
def list_forms(request: Request[Any, Any, Any]) -> Response[bytes]:
    catalogue = services(request).catalogue
    base = services(request).settings.base_url
    listed = [_summary(form, base) for form in catalogue.values()]
    return json_response({"forms": listed})


@get("/forms/{form_id:str}", sync_to_thread=False)
def show_form(request: Request[Any, Any, Any], form_id: FromPath[str]) -> Response[bytes]:
    form = _form(request, form_id)
    summary = _summary(form, services(request).settings.base_url)
    return json_response({**summary, "schema": form.schema})


@post("/forms/{form_id:str}/submissions", status_code=201)
async def submit(request: Request[Any, Any, Any], form_id: FromPath[str]) -> Response[bytes]:
    """File answers (JSON, or multipart with an `answers` part and a part per attachment)."""
    found = services(request)
    form = _form(request, form_id)
    key = authorise(request, "write", form.id)
    idempotency_key = request.headers.get("idempotency-key")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 255:
        raise ProblemError("malformed-request", "De Idempotency-Key moet 1 tot 255 tekens tellen.")
    async with (
        read_submission(request, form, found.blobs) as submission,
        claim_uploads(found, key, form, submission.answers, submission.staged) as claim,
    ):

        async def before_commit() -> None:
            await claim.take()
            await submission.promote()
            claim.committing = True

        result = await found.filer.file(
            form,
            submission.answers,
            {**submission.blobs, **claim.blobs},
            channel=key.channel,
            idempotency_key=None if idempotency_key is None else f"{key.id}:{idempotency_key}",
            before_commit=before_commit,
            signature=submission.signature,
        )
        await claim.finish(result)
    return _filed(request, form, result)


@post("/forms/{form_id:str}/data-to-sign", status_code=200)
async def data_to_sign(request: Request[Any, Any, Any], form_id: FromPath[str]) -> Response[bytes]:
    """The digest an eID card signs for these answers and files; nothing is filed or kept."""
    found = services(request)
    form = _form(request, form_id)
    key = authorise(request, "write", form.id)
    async with (
        read_submission(request, form, found.blobs) as submission,
        claim_uploads(found, key, form, submission.answers, submission.staged) as claim,
    ):
        blobs = {**submission.blobs, **claim.blobs}
        result = found.filer.data_to_sign(form, submission.answers, blobs)
    if isinstance(result, Refused):
        raise _refusal(result)
    return json_response(
        {
            "form": form.id,
            "version": form.version,
            "hash": HASH,
            "digest": base64.b64encode(result).decode(),
        }
    )


@post("/uploads", status_code=201)
async def upload(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Hand in one file ahead of a JSON filing (its answers name it `upload:<id>`) or of an
    advice (`give-advice` names its id)."""
    key = authorise(request, "write", None)
    if "write" not in key.scopes and "handle" not in key.scopes:
        raise ProblemError("forbidden", "Deze API-sleutel mag niets indienen.")
    received = await receive(request, services(request), key)
    return json_response(document(received), 201)


@get("/dossiers/{number:str}", sync_to_thread=True)
def show_dossier(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[bytes]:
    dossier = readable_dossier(request, number)
    try:
        handled = services(request).handling.get(number)
    except NoProcedureError:
        handled = None
    return dossier_answer(request, dossier, handled)


def dossier_answer(
    request: Request[Any, Any, Any], dossier: StoredDossier, handled: Handled | None
) -> Response[bytes]:
    """The dossier with its handling, and its version as the ETag to send back in If-Match.

    Its answers are the latest version: as filed, or as the citizen's last completion left
    them (`HandlingStore.versions` keeps every one)."""
    found = services(request)
    document = _dossier_document(dossier, found.settings.base_url)
    if handled is None:
        return json_response({**document, "handling": None})
    latest = {"answers": handled.state.answers, "answers_version": handled.state.answers_version}
    document = {**document, **latest}
    handling = handling_document(handled, found.clock(), document["url"])
    return json_response({**document, "handling": handling}, headers={"ETag": etag(handled)})


@get("/dossiers/{number:str}/attachments/{index:int}", sync_to_thread=True)
def download_attachment(
    request: Request[Any, Any, Any], number: FromPath[str], index: FromPath[int]
) -> Stream:
    dossier = readable_dossier(request, number)
    if not 0 <= index < len(dossier.attachments):
        raise ProblemError("not-found", "Deze bijlage bestaat niet.")
    attachment = dossier.attachments[index]
    digest = base64.b64encode(bytes.fromhex(attachment.sha256)).decode()
    return Stream(
        services(request).blobs.open(attachment.sha256),
        media_type=attachment.media_type,
        headers={
            "Content-Length": str(attachment.size),
            "Repr-Digest": f"sha-256=:{digest}:",  # RFC 9530
            "X-Content-SHA256": attachment.sha256,
            "Content-Disposition": content_disposition(attachment.label),
        },
    )


@get("/dossiers/{number:str}/receipt")
async def show_receipt(request: Request[Any, Any, Any], number: FromPath[str]) -> Response[bytes]:
    """The receipt as a JWS sealed by the city (`application/jose`)."""
    found = services(request)
    stored = await _receipt(request, number)
    token = await found.receipt_jws(stored)
    return Response(token.encode(), media_type="application/jose")


@get("/dossiers/{number:str}/receipt.pdf")
async def show_receipt_pdf(request: Request[Any, Any, Any], number: FromPath[str]) -> Stream:
    """The receipt as a PAdES-sealed PDF; sealed now if the outbox has not done it yet."""
    found = services(request)
    stored = await _receipt(request, number)
    sha256 = await found.receipt_pdf(stored)
    return Stream(
        found.blobs.open(sha256),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="ontvangstbewijs-{number}.pdf"',
            "X-Content-SHA256": sha256,
        },
    )


@get("/dossiers/{number:str}/signature", sync_to_thread=True)
def show_signature_evidence(
    request: Request[Any, Any, Any], number: FromPath[str]
) -> Response[bytes]:
    """The signature evidence of a dossier signed with the eID (JSON): it names the full
    national register number, which the receipt does not; `formkit verify --evidence`."""
    response = evidence_response(readable_dossier(request, number))
    if response is None:
        raise ProblemError("not-found", NOT_SIGNED)
    return response


async def _receipt(request: Request[Any, Any, Any], number: str) -> StoredReceipt:
    key = authorise(request, "read", None)
    stored = await anyio.to_thread.run_sync(services(request).receipts.get, number)
    # Outside the key's scope a receipt does not exist, as its dossier does not.
    if stored is None or not key.allows("read", stored.form_id):
        raise ProblemError("not-found", f"Er bestaat geen ontvangstbewijs voor {number}.")
    return stored


@get("/problems/{slug:str}", sync_to_thread=False)
def describe_problem(request: Request[Any, Any, Any], slug: FromPath[str]) -> Response[bytes]:
    """A problem type described; `type` is the URI a problem carries, to compare as it is."""
    found = TYPES.get(slug)
    if found is None:
        raise ProblemError("not-found", "Dit soort probleem bestaat niet.")
    uri = type_uri(services(request).settings.base_url, slug)
    return json_response(
        {"type": uri, "status": found.status, "title": found.title, "meaning": found.meaning}
    )


@get("/openapi.json", sync_to_thread=False)
def openapi_document(request: Request[Any, Any, Any]) -> Response[bytes]:
    found = services(request)
    return json_response(openapi.document(found.catalogue, found.settings.base_url))


router = Router(
    path="/api/v1",
    route_handlers=[
        list_forms,
        show_form,
        submit,
        data_to_sign,
        upload,
        show_dossier,
        download_attachment,
        show_receipt,
        show_receipt_pdf,
        show_signature_evidence,
        describe_problem,
        openapi_document,
    ],
)


def json_response(
    document: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response[bytes]:
    return Response(
        msgspec.json.encode(document), status_code=status, media_type=JSON, headers=headers
    )


def _summary(form: Form, base: str) -> dict[str, Any]:
    return {
        "id": form.id,
        "title": form.title,
        "version": form.version,
        "prefix": form.prefix,
        "signature": form.annotations.signature,
        "url": f"{base}/api/v1/forms/{form.id}",
        "submissions_url": f"{base}/api/v1/forms/{form.id}/submissions",
    }


def _form(request: Request[Any, Any, Any], form_id: str) -> Form:
    form = services(request).catalogue.get(form_id)
    if form is None:
        raise ProblemError("not-found", f"Er bestaat geen formulier '{form_id}'.")
    return form


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The token of an `Authorization: Bearer <token>` header; empty without one."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authorise(request: Request[Any, Any, Any], scope: str, form_id: str | None) -> ApiKey:
    token = bearer_token(request)
    challenge = {"WWW-Authenticate": 'Bearer realm="formkit"'}
    if not token:
        raise ProblemError("unauthenticated", "Stuur een API-sleutel mee.", headers=challenge)
    key = services(request).api_keys.authenticate(token)
    if key is None:
        raise ProblemError(
            "unauthenticated", "Deze API-sleutel is onbekend of ingetrokken.", headers=challenge
        )
    if form_id is not None and not key.allows(scope, form_id):
        raise ProblemError("forbidden", "Deze API-sleutel geeft geen toegang tot dit formulier.")
    return key


def readable_dossier(request: Request[Any, Any, Any], number: str) -> StoredDossier:
    key = authorise(request, "read", None)
    dossier = services(request).dossiers.get(number)
    # Outside the key's scope a dossier does not exist: its number says nothing to that caller.
    if dossier is None or not key.allows("read", dossier.form_id):
        raise ProblemError("not-found", f"Er bestaat geen dossier {number} voor deze sleutel.")
    return dossier


def _refusal(refused: Refused) -> ProblemError:
    first = refused.problems[0]
    if first.code.startswith("signature-"):  # each signature failure has its own type
        return ProblemError(first.code, first.message)
    return ProblemError(
        "invalid-answers",
        "Niet alle antwoorden zijn in orde; zie de lijst van problemen.",
        problems=refused.problems,
    )


def _filed(request: Request[Any, Any, Any], form: Form, result: Any) -> Response[bytes]:
    if isinstance(result, Refused):
        raise _refusal(result)
    if isinstance(result, IdempotencyConflict):
        raise ProblemError(
            "idempotency-conflict",
            "Deze Idempotency-Key werd al gebruikt voor een andere aanvraag.",
            extra={"number": result.number},
        )
    assert isinstance(result, Filed)
    base = services(request).settings.base_url
    url = f"{base}/api/v1/dossiers/{result.number}"
    document = {
        "number": result.number,
        "form": form.id,
        "version": form.version,
        "filed_at": result.filed_at.isoformat(),
        "url": url,
        "receipt_url": f"{url}/receipt",
    }
    return json_response(document, 201 if result.created else 200, {"Location": url})


def _dossier_document(dossier: StoredDossier, base: str) -> dict[str, Any]:
    url = f"{base}/api/v1/dossiers/{dossier.number}"
    return {
        "number": dossier.number,
        "form": dossier.form_id,
        "version": dossier.form_version,
        "phase": dossier.phase,
        "filed_at": dossier.filed_at.isoformat(),
        "channel": dossier.channel,
        "answers": dossier.answers,
        "answers_version": 1,
        "attachments": [
            {
                "pointer": a.pointer,
                "name": a.label,
                "size": a.size,
                "media_type": a.media_type,
                "sha256": a.sha256,
                "url": f"{url}/attachments/{index}",
            }
            for index, a in enumerate(dossier.attachments)
        ],
        "events": [_event(event) for event in dossier.events],
        "signer": _signer(dossier.signer),
        "authentication": _authentication(dossier.authentication),
        "url": url,
        "receipt_url": f"{url}/receipt",
    }


def _event(event: Mapping[str, Any]) -> dict[str, Any]:
    """An event as the dossier lists it, without what the events' own list leaves out too (a
    completion's answers: the dossier's answers are the latest; other keys' idempotency)."""
    hidden = {ONCE, *PRIVATE.get(event["kind"], ())}  # a Kind is the str it stands for
    data = {name: value for name, value in event["data"].items() if name not in hidden}
    return {**event, "data": data}


def _authentication(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The login that filed instead of a signature: never the whole national number."""
    if record is None:
        return None
    hidden = {"national_number"}
    return {name: value for name, value in record.items() if name not in hidden}


def _signer(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Who signed, as far as an integrator needs it: never the whole national number."""
    if record is None:
        return None
    return {
        "name": f"{record['given_name']} {record['surname']}",
        "national_number_masked": record["national_number_masked"],
        "certificate_sha256": record["certificate_sha256"],
    }
