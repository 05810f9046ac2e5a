"""The API's OpenAPI 3.1 document, with each form's own JSON Schema as its request body.

OpenAPI 3.1 speaks JSON Schema 2020-12, so a form's bundled schema goes in as it is: there is
no second definition of a form to keep in step. Each form gets its own concrete path. The one
change: shared definitions become components, and `$ref`s point at them, because OpenAPI
tools resolve references within the document rather than by embedded `$id`s.

Every operation of `web/api.py` is here, with the schema of each answer (`_openapi_schemas`)
and each refusal; what JSON Schema cannot say the service refuses (rules, check digits, files)
is said in words. tests/test_api_fuzz.py holds the served document to all of schemathesis's
checks, and tests/test_openapi.py checks real answers of every operation against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from formkit.forms._model import Form
from formkit.forms._procedure import PHASES
from formkit.forms.catalogue import Catalogue
from formkit.handling import advice_files
from formkit.handling.deadlines import Status
from formkit.store.worklist import MAX_PAGE
from formkit.web import _actions as actions
from formkit.web import _openapi_schemas as _schemas
from formkit.web.problems import MEDIA_TYPE as PROBLEM
from formkit.web.problems import TYPES

VERSION = "1.3.0"
URI_SCHEMA = {"type": "string", "format": "uri"}


def document(catalogue: Catalogue, base_url: str) -> dict[str, Any]:
    media_types = sorted(
        {
            t
            for form in catalogue.values()
            for slot in form.attachment_slots
            if slot.attachment is not None
            for t in slot.attachment.media_types
        }
    )
    paths: dict[str, Any] = {
        "/api/v1/forms": {"get": _list_forms()},
        "/api/v1/uploads": {"post": _upload(media_types)},  # and an advice's: `_upload`
        "/api/v1/dossiers": {"get": _list_dossiers(catalogue)},
        "/api/v1/dossiers/{number}": {"get": _dossier()},
        "/api/v1/dossiers/{number}/events": {"get": _events()},
        "/api/v1/dossiers/{number}/actions": {"post": _act()},
        "/api/v1/dossiers/{number}/attachments/{index}": {"get": _attachment(media_types)},
        "/api/v1/events": {"get": _changes()},
        "/api/v1/dossiers/{number}/receipt": {"get": _receipt()},
        "/api/v1/dossiers/{number}/receipt.pdf": {"get": _receipt_pdf()},
        "/api/v1/dossiers/{number}/signature": {"get": _signature_evidence()},
        "/api/v1/dossiers/{number}/decision": {"get": _decision()},
        "/api/v1/problems/{slug}": {"get": _problem_type()},
    }
    schemas = _schemas.components()
    schemas.update(actions.components(_schemas.ref("{name}")["$ref"]))
    for form in catalogue.values():
        schemas.update(_components(form.id, form.schema))
        base = f"/api/v1/forms/{form.id}"
        paths[base] = {"get": _show_form(form.id, form.title)}
        paths[f"{base}/submissions"] = {"post": _submit(form)}
        paths[f"{base}/data-to-sign"] = {"post": _data_to_sign(form)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "formkit",
            "version": VERSION,
            "description": "File the city's forms and read the dossiers they become.",
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        },
    }


def _components(form_id: str, bundled: Mapping[str, Any]) -> dict[str, Any]:
    """The form and each shared definition as components, references rewritten to match."""
    root = str(bundled["$id"])
    resources = {root: dict(bundled)}
    resources.update(bundled.get("$defs", {}))
    names = {uri: form_id if uri == root else _name(uri) for uri in resources}
    components = {}
    for uri, resource in resources.items():
        own = {k: v for k, v in resource.items() if k != "$id"}
        if uri == root:
            own.pop("$defs", None)
        components[names[uri]] = _rewrite(own, uri, names)
    return components


def _name(uri: str) -> str:
    """`https://formkit.invalid/schemas/defs/adres.json` becomes `defs.adres`."""
    path = urlsplit(uri).path.removeprefix("/schemas/").removesuffix(".json")
    return path.replace("/", ".")


def _rewrite(node: Any, base: str, names: Mapping[str, str]) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, base, names) for item in node]
    if not isinstance(node, Mapping):
        return node
    rewritten = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            uri, fragment = urldefrag(urljoin(base, value))
            value = f"#/components/schemas/{names[uri]}{fragment}" if uri in names else value
        else:
            value = _rewrite(value, base, names)
        rewritten[key] = value
    return rewritten


def _problems(*statuses: int) -> dict[str, Any]:
    """Refusals as problem details; every operation may also answer 429 (`Retry-After`)."""
    content = {PROBLEM: {"schema": _schemas.ref("Problem")}}
    responses: dict[str, Any] = {
        str(s): {"description": _REFUSALS[s], "content": content} for s in statuses
    }
    responses["429"] = {
        "description": "Over the rate limit of this API key or client address "
        "(`too-many-requests`): retry after `Retry-After` seconds.",
        "headers": {
            "Retry-After": {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}}
        },
        "content": content,
    }
    return responses


_REFUSALS = {
    400: "The request cannot be read (`malformed-json`, `malformed-request`).",
    401: "No API key, or an unknown or revoked one (`unauthenticated`).",
    403: "The key's scope does not cover this (`forbidden`).",
    404: "Not found; for a key, what is outside its scope does not exist (`not-found`).",
    409: "The Idempotency-Key filed a different request before (`idempotency-conflict`); for "
    "an action, also: the procedure does not allow it now (`not-allowed-now`).",
    412: "The dossier changed since the version in If-Match (`precondition-failed`); `ETag` "
    "is the current version.",
    413: "Over a limit: answers 2 MB, a file its field's, the request 600 MB (`too-large`).",
    415: "Not a content type, or a file type, this takes (`unsupported-media-type`).",
    422: "The answers break the form (`invalid-answers`, with `problems`), an eID "
    "signature is refused (`signature-*`), or an action does not fit its schema "
    "(`invalid-action`).",
    503: "Storage is unavailable for now (`unavailable`): retry with the same Idempotency-Key.",
}


def _json(schema: str, description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _schemas.ref(schema)}},
    }
    if headers:
        response["headers"] = headers
    return response


def _bytes(description: str, *media_types: str) -> dict[str, Any]:
    schema = {"type": "string", "format": "binary"}
    return {"description": description, "content": {t: {"schema": schema} for t in media_types}}


def _list_forms() -> dict[str, Any]:
    return {
        "summary": "The forms on offer",
        "operationId": "listForms",
        "responses": {
            "200": _json("FormList", "Every form with its current version."),
            **_problems(),
        },
    }


def _show_form(form_id: str, title: str) -> dict[str, Any]:
    return {
        "summary": f"{title}: schema and version",
        "operationId": f"showForm_{form_id}",
        "responses": {"200": _json("Form", "The form's JSON Schema and version."), **_problems()},
    }


_BEYOND_SCHEMA = (
    "The request body's schema is the form's own JSON Schema, but the service refuses more "
    "than JSON Schema can say, with `422 invalid-answers` and a problem per field: the form's "
    "rules (`x-formkit` rules: answers that must agree, dates in order, lead times counted "
    "from the moment of filing), check digits (national register, enterprise number, IBAN), "
    "attachments that the answers name but the request does not carry (a file part, or an "
    "upload of this key named `upload:<id>`), files over their field's size or of a type it "
    "refuses (sniffed from the bytes), and uploads unknown, expired or used before "
    "(`upload-unusable`). In a multipart body every part besides `answers` (and `signature`) "
    "is a file, sent with a file name and named by a reference in the answers; any other "
    "part, or a part sent twice, is refused `400 malformed-request`. Answers are at most "
    "2 MB of UTF-8 JSON, no key twice in one object, nested at most 64 deep (`400 "
    "malformed-json`, `413 too-large`)."
)


def _submission_body(form: Form) -> dict[str, Any]:
    answers = _schemas.ref(form.id)
    parts: dict[str, Any] = {"answers": answers}
    encoding: dict[str, Any] = {"answers": {"contentType": "application/json"}}
    if form.signature_required:
        parts["signature"] = {"type": "object", "description": "What `formkit sign` prints."}
        encoding["signature"] = {"contentType": "application/json"}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": answers},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": parts,
                    "required": ["answers"],
                    "additionalProperties": {"type": "string", "format": "binary"},
                },
                "encoding": encoding,
            },
        },
    }


def _submit(form: Form) -> dict[str, Any]:
    signed = (
        " This form needs the citizen's eID signature: a multipart `signature` part over the "
        "digest that `data-to-sign` gives (else `422 signature-missing`)."
        if form.signature_required
        else ""
    )
    location = {"Location": {"required": True, "schema": URI_SCHEMA}}
    return {
        "summary": f"File a {form.title}",
        "description": _BEYOND_SCHEMA + signed,
        "operationId": f"submit_{form.id}",
        "security": [{"apiKey": []}],
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Scoped to the API key. The same key and request file once "
                "(200 with the first dossier); another request is refused (409).",
            }
        ],
        "requestBody": _submission_body(form),
        "responses": {
            "201": _json("Filed", "Filed: a new dossier.", **location),
            "200": _json(
                "Filed", "Filed before with this Idempotency-Key: that dossier.", **location
            ),
            **_problems(400, 401, 403, 409, 413, 415, 422, 503),
        },
    }


def _data_to_sign(form: Form) -> dict[str, Any]:
    return {
        "summary": f"{form.title}: the digest an eID card signs for these answers",
        "description": "The same body as the filing; nothing is filed or kept. Answers the "
        "filing would refuse are refused here alike. " + _BEYOND_SCHEMA,
        "operationId": f"dataToSign_{form.id}",
        "security": [{"apiKey": []}],
        "requestBody": _submission_body(form),
        "responses": {
            "200": _json("DataToSign", "The digest to sign."),
            **_problems(400, 401, 403, 413, 415, 422),
        },
    }


def _upload(form_types: list[str]) -> dict[str, Any]:
    raw = {"type": "string", "format": "binary"}
    media_types = sorted({*form_types, *advice_files.LIMITS.media_types})
    return {
        "summary": "Hand in one file ahead of a JSON filing or an advice",
        "description": "One file: a multipart part `file`, or the raw bytes (file name in "
        "`Content-Disposition`). Its type is sniffed from the bytes and must be one that a "
        "form this key may file takes (" + ", ".join(form_types) + "), within the "
        "largest size such a form takes (else 415 or 413); the field it is bound to on "
        "filing checks its own. A key with the scope `handle` may also hand in a file for "
        "an advice (`give-advice` names its `upload`): "
        + advice_files.ACCEPTED
        + " ("
        + ", ".join(sorted(advice_files.LIMITS.media_types))
        + "), at most "
        f"{advice_files.MAX_BYTES // 1_000_000} MB. Usable once, by this key, until `expires`.",
        "operationId": "upload",
        "security": [{"apiKey": []}],
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": raw},
                        "required": ["file"],
                        "additionalProperties": False,
                    }
                },
                **{t: {"schema": raw} for t in media_types},
            },
        },
        "responses": {
            "201": _json("Upload", "Stored; name it as `reference` in the answers."),
            **_problems(400, 401, 403, 413, 415),
        },
    }


def _dossier() -> dict[str, Any]:
    return {
        "summary": "A dossier with its answers, attachments and history",
        "operationId": "showDossier",
        "security": [{"apiKey": []}],
        "parameters": [_path("number", {"type": "string"})],
        "responses": {"200": _json("Dossier", "The dossier.", **_ETAG), **_problems(401, 404)},
    }


_ETAG = {
    "ETag": {
        "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
        "description": "The handling's version; send it back in If-Match. Absent for a form "
        "without a procedure.",
    }
}


def _list_dossiers(catalogue: Catalogue) -> dict[str, Any]:
    text = {"type": "string", "maxLength": 100, "pattern": "^[^\\x00-\\x1f]*$"}
    return {
        "summary": "The key's dossiers, earliest deadline first, a page at a time",
        "description": "Narrowed to the forms the key may read. Pages follow a cursor: pass "
        "`next` as `after` (or follow `next_url`) until it is null; a dossier filed meanwhile "
        "never shifts a page. A cursor this service did not hand out, an unknown department, "
        "or a form not in the catalogue is refused (`400 malformed-request`).",
        "operationId": "listDossiers",
        "security": [{"apiKey": []}],
        "parameters": [
            _query(
                "form",
                {"enum": sorted(catalogue)},
                "One form's dossiers (`403` outside the key's).",
            ),
            _query("phase", {"enum": list(PHASES)}, "Dossiers in this phase."),
            _query(
                "department",
                {"type": "string"},
                "The department's open advice requests, by their own deadline.",
            ),
            _query(
                "status",
                {"enum": [s.value for s in Status]},
                "By the next deadline: `overdue`, `due-soon` (within 5 days) or `on-time`.",
            ),
            _query("q", text, "Part of a number, or a name or street the procedure names."),
            _query(
                "filed_since",
                {"type": "string", "format": "date-time"},
                "Dossiers filed at or after this moment (RFC 3339, with its offset).",
            ),
            _query(
                "changed_since",
                {"type": "string", "format": "date-time"},
                "Dossiers whose last event (a filing, an action, a deadline passing) is at or "
                "after this moment (RFC 3339, with its offset).",
            ),
            _query("after", {"type": "string"}, "The cursor `next` of the page before."),
            _query(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 50},
                "Dossiers per page.",
            ),
        ],
        "responses": {
            "200": _json("DossierList", "A page of dossiers."),
            **_problems(400, 401, 403),
        },
    }


def _events() -> dict[str, Any]:
    return {
        "summary": "A dossier's events, oldest first",
        "description": "Appended, never changed. A completion's answers are left out: read "
        "the dossier.",
        "operationId": "listDossierEvents",
        "security": [{"apiKey": []}],
        "parameters": [_path("number", {"type": "string"})],
        "responses": {"200": _json("EventList", "The events."), **_problems(401, 404)},
    }


def _changes() -> dict[str, Any]:
    return {
        "summary": "Every event of the key's dossiers in commit order, from a cursor on",
        "description": "To catch up after missed webhooks: start without `after`, then pass "
        "each answer's `next` as `after` (or follow `next_url`) while `more` is true; keep the "
        "last `next` and poll from it later. Each event comes exactly once, in the order the "
        "events were committed (a dossier's in the order of its versions): an event committed "
        "later never lands before a cursor already handed out. Events of a transaction still "
        "running wait until it ends. A cursor this "
        "feed did not hand out is refused (`400 malformed-request`).",
        "operationId": "listChanges",
        "security": [{"apiKey": []}],
        "parameters": [
            _query("after", {"type": "string"}, "The cursor `next` of the answer before."),
            _query(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 50},
                "Events per page.",
            ),
        ],
        "responses": {
            "200": _json("ChangeFeed", "A page of events."),
            **_problems(400, 401, 403),
        },
    }


def _act() -> dict[str, Any]:
    return {
        "summary": "Act on a dossier as its procedure allows (scope `handle`)",
        "description": "Recorded as an event by the key (`integration`). A refusal of the "
        "procedure answers `409 not-allowed-now` with the Dutch reason in `detail`; nothing "
        "changes. A dossier of a form the key may neither read nor handle does not exist (404). "
        "`give-advice` may name up to " + str(advice_files.MAX_FILES) + " of the key's "
        "uploads in `attachments` (`POST /api/v1/uploads`); one unknown, expired or used "
        "before, or outside the advice's types and size, answers `422 invalid-action` with a "
        "problem at `/attachments/<i>` (`upload-unusable`, `attachment-refused`), and "
        "nothing changes. The event names each file (`sha256`, `name`, `media_type`, `size`).",
        "operationId": "actOnDossier",
        "security": [{"apiKey": []}],
        "parameters": [
            _path("number", {"type": "string"}),
            {
                "name": "If-Match",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": 'The ETag read (`"3"`): behind it, nothing changes (412).',
            },
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Scoped to the API key. The same key and action act once (200 "
                "with the dossier as it is); another action under it is refused (409).",
            },
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _schemas.ref("Action")}},
        },
        "responses": {
            "200": _json("Dossier", "Done: the dossier, its new version as ETag.", **_ETAG),
            **_problems(400, 401, 403, 404, 409, 412, 413, 422),
        },
    }


def _attachment(media_types: list[str]) -> dict[str, Any]:
    return {
        "summary": "An attachment's bytes; its SHA-256 in `Repr-Digest` and `X-Content-SHA256`",
        "operationId": "downloadAttachment",
        "security": [{"apiKey": []}],
        "parameters": [
            _path("number", {"type": "string"}),
            _path("index", {"type": "integer", "minimum": 0}),
        ],
        "responses": {
            "200": _bytes("The bytes, of the type sniffed when filed.", *media_types),
            **_problems(400, 401, 404),
        },
    }


def _receipt() -> dict[str, Any]:
    return {
        "summary": "The receipt as a compact JWS sealed by the city",
        "operationId": "showReceipt",
        "security": [{"apiKey": []}],
        "parameters": [_path("number", {"type": "string"})],
        "responses": {
            "200": {
                "description": "ES384 with `x5c`; its payload is the receipt's JSON.",
                "content": {
                    "application/jose": {
                        "schema": {
                            "type": "string",
                            "pattern": "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+){2}$",
                        }
                    }
                },
            },
            **_problems(401, 404, 503),
        },
    }


def _receipt_pdf() -> dict[str, Any]:
    return {
        "summary": "The receipt as a PAdES-sealed PDF",
        "operationId": "showReceiptPdf",
        "security": [{"apiKey": []}],
        "parameters": [_path("number", {"type": "string"})],
        "responses": {
            "200": _bytes(
                "Sealed when first asked for, if the outbox had not yet.", "application/pdf"
            ),
            **_problems(401, 404, 503),
        },
    }


def _signature_evidence() -> dict[str, Any]:
    return {
        "summary": "The signature evidence of a dossier signed with the eID",
        "description": "The receipt names the citizen's signature only by its hashes, so that "
        "it carries no full national register number; this is the signature itself, with the "
        "certificate. 404 for a dossier not signed with the eID.",
        "operationId": "showSignatureEvidence",
        "security": [{"apiKey": []}],
        "parameters": [_path("number", {"type": "string"})],
        "responses": {
            "200": _json("SignatureEvidence", "The evidence, for `formkit verify --evidence`."),
            **_problems(401, 404),
        },
    }


def _decision() -> dict[str, Any]:
    retry_after = {"required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}}
    return {
        "summary": "The decision letter as a PAdES-sealed PDF",
        "description": "Made by the outbox once the dossier is decided, then always the same "
        "bytes; `formkit verify` checks it offline (seal, and its place in the public log).",
        "operationId": "showDecision",
        "security": [{"apiKey": []}],
        "parameters": [_path("number", {"type": "string"})],
        "responses": {
            "200": _bytes("The sealed letter.", "application/pdf"),
            "202": _json(
                "DecisionPending",
                "Decided, but the letter is still being made: ask again after `Retry-After` "
                "seconds.",
                **{"Retry-After": retry_after},
            ),
            **_problems(401, 404, 503),
        },
    }


def _problem_type() -> dict[str, Any]:
    return {
        "summary": "What a problem type means",
        "operationId": "describeProblem",
        "parameters": [_path("slug", {"type": "string", "enum": sorted(TYPES)})],
        "responses": {
            "200": _json("ProblemType", "The type, by the URI problems carry."),
            **_problems(404),
        },
    }


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}
