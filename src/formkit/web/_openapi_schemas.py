"""The JSON Schemas of what the API answers, as OpenAPI components (`web/openapi.py`).

They describe what `web/api.py` and `web/_api_uploads.py` send, no more: a test fuzzes the
served document with schemathesis and checks every answer against these.
"""

from __future__ import annotations

from typing import Any

from formkit.web.problems import TYPES

TEXT: dict[str, Any] = {"type": "string"}
URI: dict[str, Any] = {"type": "string", "format": "uri"}
MOMENT: dict[str, Any] = {"type": "string", "format": "date-time"}
SHA256: dict[str, Any] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
VERSION: dict[str, Any] = {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}
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
                "enum": ["none", "eid"],
                "description": "`eid`: filing needs the citizen's eID signature.",
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
            "pointer": {**TEXT, "description": "The attachment object in `answers`."},
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
                "description": "The answers as stored: each file as `sha256:<hex>` of its bytes.",
            },
            "attachments": {"type": "array", "items": attachment},
            "events": {"type": "array", "items": event, "description": "The history."},
            "signer": {"anyOf": [{"type": "null"}, signer]},
            "url": URI,
            "receipt_url": URI,
        }
    )
