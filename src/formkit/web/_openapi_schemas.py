"""The JSON Schemas of what the API answers, as OpenAPI components (`web/openapi.py`).

They describe what `web/api.py` and `web/_api_uploads.py` send, no more: a test fuzzes the
served document with schemathesis and checks every answer against these.
"""

from __future__ import annotations

from typing import Any

from formkit.forms._procedure import PHASES
from formkit.handling.deadlines import Status
from formkit.handling.events import Kind
from formkit.web.problems import TYPES

TEXT: dict[str, Any] = {"type": "string"}
URI: dict[str, Any] = {"type": "string", "format": "uri"}
MOMENT: dict[str, Any] = {"type": "string", "format": "date-time"}
SHA256: dict[str, Any] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
VERSION: dict[str, Any] = {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}
DAY: dict[str, Any] = {"type": "string", "format": "date"}
STATUS: dict[str, Any] = {"enum": [status.value for status in Status]}
NUMBER: dict[str, Any] = {"type": "string", "pattern": "^[A-Z]{2,10}-[0-9]{4}-[0-9]{6,}$"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    return {"description": description, **schema} if description else schema


def components() -> dict[str, Any]:
    return {
        "Problem": _problem(),
        "ProblemType": _problem_type(),
        "FormSummary": _form_summary(),
        "FormList": _object({"forms": {"type": "array", "items": ref("FormSummary")}}),
        "Form": _form(),
        "Filed": _filed(),
        "DataToSign": _data_to_sign(),
        "Upload": _upload(),
        "Dossier": _dossier(),
        "Handling": _handling(),
        "DossierList": _dossier_list(),
        "EventList": _event_list(),
        "DecisionPending": _object(
            {
                "number": TEXT,
                "status": {"type": "string", "const": "in-aanmaak"},
                "detail": TEXT,
                "retry_after": {"type": "integer", "minimum": 1},
            },
            "The dossier is decided; its letter is being made and sealed.",
        ),
        "ChangeFeed": _change_feed(),
        "SignatureEvidence": _signature_evidence(),
    }


def _problem() -> dict[str, Any]:
    found = {
        "type": "object",
        "properties": {
            "pointer": TEXT,
            "code": TEXT,
            "message": TEXT,
        },
        "required": ["pointer", "code", "message"],
    }
    return {
        "type": "object",
        "description": "RFC 9457 problem details; `type` is `<base>/api/v1/problems/<slug>`.",
        "properties": {
            "type": URI,
            "title": TEXT,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": TEXT,
            "instance": TEXT,
            "problems": {
                "type": "array",
                "items": found,
                "description": "For `invalid-answers`: each problem at its JSON Pointer.",
            },
            "number": {**NUMBER, "description": "For `idempotency-conflict`: the first dossier."},
        },
        "required": ["type", "title", "status", "detail"],
    }


def _problem_type() -> dict[str, Any]:
    return _object(
        {
            "type": URI,
            "status": {"type": "integer", "enum": sorted({t.status for t in TYPES.values()})},
            "title": TEXT,
            "meaning": TEXT,
        },
        "A problem type: the URI problems of this type carry, and what it means.",
    )


def _form_summary() -> dict[str, Any]:
    return _object(
        {
            "id": TEXT,
            "title": TEXT,
            "version": VERSION,
            "prefix": {"type": "string", "pattern": "^[A-Z]{2,10}$"},
            "signature": {
                "enum": ["none", "eid", "eid-or-login"],
                "description": "`eid`: filing needs the citizen's eID signature; "
                "`eid-or-login`: or, on the pages, a login at a high level of assurance.",
            },
            "url": URI,
            "submissions_url": URI,
        }
    )


def _form() -> dict[str, Any]:
    return {
        "allOf": [
            ref("FormSummary"),
            {
                "type": "object",
                "properties": {"schema": {"type": "object", "description": "Draft 2020-12."}},
                "required": ["schema"],
            },
        ]
    }


def _filed() -> dict[str, Any]:
    return _object(
        {
            "number": NUMBER,
            "form": TEXT,
            "version": VERSION,
            "filed_at": MOMENT,
            "url": URI,
            "receipt_url": URI,
        }
    )


def _data_to_sign() -> dict[str, Any]:
    return _object(
        {
            "form": TEXT,
            "version": VERSION,
            "hash": {"const": "SHA-384"},
            "digest": {"type": "string", "contentEncoding": "base64", "minLength": 64},
        },
        "What the card's Signature key signs: the digest of the canonical filing.",
    )


def _signature_evidence() -> dict[str, Any]:
    base64 = {"type": "string", "contentEncoding": "base64"}
    signer = _object(
        {
            "name": TEXT,
            "national_number_masked": TEXT,
            "certificate": base64,
            "chain": {"type": "array", "items": base64},
            "certificate_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "hash": {"enum": ["SHA-256", "SHA-384", "SHA-512"]},
            "signed_digest": base64,
            "signature": base64,
        }
    )
    return _object(
        {
            "type": {"const": "formkit.signature-evidence.v1"},
            "number": TEXT,
            "signer": signer,
        },
        "The eID signature the receipt names by its hashes, with the signing certificate "
        "(which names the full national register number). `formkit verify --evidence` checks "
        "it with the receipt.",
    )


def _upload() -> dict[str, Any]:
    return _object(
        {
            "upload": {"type": "string", "pattern": "^upl_[0-9a-f]{32}$"},
            "reference": {
                "type": "string",
                "pattern": "^upload:upl_[0-9a-f]{32}$",
                "description": 'How answers name it: `{"bestand": "<reference>"}`.',
            },
            "name": TEXT,
            "sha256": SHA256,
            "size": {"type": "integer", "minimum": 0},
            "media_type": TEXT,
            "expires": {**MOMENT, "description": "Unused by then, it is gone."},
        },
        "A file handed in ahead of a filing, for this API key, usable once.",
    )


def _dossier() -> dict[str, Any]:
    attachment = _object(
        {
            "pointer": {
                **TEXT,
                "description": "The attachment object in the answers that handed it in.",
            },
            "name": {**TEXT, "description": "The file name as sent."},
            "size": {"type": "integer", "minimum": 0},
            "media_type": {**TEXT, "description": "As sniffed from the bytes."},
            "sha256": SHA256,
            "url": URI,
        }
    )
    event = _object(
        {
            "at": MOMENT,
            "actor": {**TEXT, "description": "A channel: `web` or `api:<key name>`."},
            "kind": {**TEXT, "description": "`ingediend`: filed."},
            "data": {"type": "object"},
        }
    )
    signer = _object({"name": TEXT, "national_number_masked": TEXT, "certificate_sha256": SHA256})
    authentication = _object(
        {
            "name": TEXT,
            "national_number_masked": TEXT,
            "provider": {"enum": ["fas", "eid"]},
            "level": TEXT,
            "assurance": TEXT,
            "at": MOMENT,
        }
    )
    return _object(
        {
            "number": NUMBER,
            "form": TEXT,
            "version": VERSION,
            "phase": TEXT,
            "filed_at": MOMENT,
            "channel": {**TEXT, "description": "Who filed: `web` or `api:<key name>`."},
            "answers": {
                "type": "object",
                "description": "The latest answers: as filed, or as the citizen's last "
                "completion left them. Each file as `sha256:<hex>` of its bytes.",
            },
            "answers_version": {
                "type": "integer",
                "minimum": 1,
                "description": "Which version `answers` is: 1 as filed, one more per completion.",
            },
            "attachments": {
                "type": "array",
                "items": attachment,
                "description": "Every file the dossier holds: those filed, then those each "
                "completion added.",
            },
            "events": {
                "type": "array",
                "items": event,
                "description": "The history; a completion's answers are left out.",
            },
            "signer": {"anyOf": [{"type": "null"}, signer]},
            "authentication": {
                **_nullable(authentication),
                "description": "Filed on the pages after a login at a high level instead of "
                "a signature (forms with `eid-or-login`): who, and how. Null otherwise.",
            },
            "url": URI,
            "receipt_url": URI,
            "handling": {
                "anyOf": [{"type": "null"}, ref("Handling")],
                "description": "Null for a form without a procedure.",
            },
        }
    )


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [{"type": "null"}, schema]}


def _handling() -> dict[str, Any]:
    deadline = _object({"due": DAY, "status": STATUS})
    official = _object(
        {
            "id": {**TEXT, "description": "The official's id at the identity provider."},
            "name": TEXT,
            "department": _nullable(TEXT),
        }
    )
    advice = _object(
        {
            "department": TEXT,
            "asked_at": MOMENT,
            "due": DAY,
            "status": {**_nullable(STATUS), "description": "Null once given or late."},
            "opinion": {
                **_nullable(TEXT),
                "description": "`gunstig`, `voorwaardelijk-gunstig`, `ongunstig`; null while "
                "open, or late without one.",
            },
            "late": {"type": "boolean"},
        }
    )
    return _object(
        {
            "phase": {"enum": list(PHASES)},
            "version": {"type": "integer", "minimum": 1, "description": "The ETag: events."},
            "handler": _nullable(official),
            "track": TEXT,
            "outcome": _nullable(TEXT),
            "deadlines": _object(
                {"completeness": _nullable(deadline), "decision": _nullable(deadline)}
            ),
            "advice": {"type": "array", "items": advice},
            "events_url": URI,
            "actions_url": URI,
        },
        "Where the dossier stands in its form's procedure; days are in Brussels.",
    )


def _dossier_list() -> dict[str, Any]:
    item = _object(
        {
            "number": NUMBER,
            "form": TEXT,
            "phase": TEXT,
            "handler": {**_nullable(TEXT), "description": "The official's name."},
            "filed_at": MOMENT,
            "due": {
                **_nullable(DAY),
                "description": "The next deadline (with `department`: the advice's).",
            },
            "status": _nullable(STATUS),
            "url": URI,
        }
    )
    return _object(
        {
            "dossiers": {"type": "array", "items": item},
            "next": {**_nullable(TEXT), "description": "The cursor of the next page (`after`)."},
            "next_url": {**_nullable(URI), "description": "The next page; null on the last."},
        }
    )


def _event_properties() -> dict[str, Any]:
    actor = _object(
        {
            "kind": {"enum": ["staff", "citizen", "system", "integration"]},
            "name": TEXT,
            "department": _nullable(TEXT),
        }
    )
    return {
        "kind": {
            "enum": [kind.value for kind in Kind],
            "description": "`ingediend`: filed; the others as in docs/integrators.md.",
        },
        "at": MOMENT,
        "actor": actor,
        "data": {
            "type": "object",
            "description": "What the event says, by kind (docs/integrators.md). "
            "`advice-given`: `department`, `opinion`, `motivation`, and `attachments` when "
            "files came with it, each `{sha256, name, media_type, size}`: never the bytes. "
            "A completion's answers are left out.",
        },
    }


def _event_list() -> dict[str, Any]:
    return _object({"events": {"type": "array", "items": _object(_event_properties())}})


def _change_feed() -> dict[str, Any]:
    change = _object(
        {
            "number": NUMBER,
            "form": TEXT,
            "version": {
                "type": "integer",
                "minimum": 1,
                "description": "The dossier's version after this event (its ETag then).",
            },
            **_event_properties(),
            "url": URI,
        },
        "One event of one dossier.",
    )
    cursor = {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}
    return _object(
        {
            "events": {"type": "array", "items": change, "description": "In commit order."},
            "next": {**cursor, "description": "Keep it: pass it as `after` to read on."},
            "next_url": {**URI, "description": "The feed from `next` on."},
            "more": {
                "type": "boolean",
                "description": "True: the next page is ready now. False: poll `next` later.",
            },
        }
    )
