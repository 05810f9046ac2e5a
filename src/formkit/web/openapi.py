"""The API's OpenAPI 3.1 document, with each form's own JSON Schema as its request body.

OpenAPI 3.1 speaks JSON Schema 2020-12, so a form's bundled schema goes in as it is: there is
no second definition of a form to keep in step. Each form gets its own concrete path. The one
change: shared definitions become components, and `$ref`s point at them, because OpenAPI
tools resolve references within the document rather than by embedded `$id`s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from formkit.catalogue import Catalogue
from formkit.web.problems import MEDIA_TYPE as PROBLEM

VERSION = "1.0.0"


def document(catalogue: Catalogue, base_url: str) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/v1/forms": {"get": _list_forms()},
        "/api/v1/dossiers/{number}": {"get": _dossier()},
        "/api/v1/dossiers/{number}/attachments/{index}": {"get": _attachment()},
    }
    schemas: dict[str, Any] = {"Problem": _problem_schema(), "Filed": _filed_schema()}
    for form in catalogue.values():
        schemas.update(_components(form.id, form.schema))
        paths[f"/api/v1/forms/{form.id}"] = {"get": _show_form(form.id, form.title)}
        paths[f"/api/v1/forms/{form.id}/submissions"] = {"post": _submit(form.id, form.title)}
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
    content = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {str(s): {"description": "Refused; see `type`.", "content": content} for s in statuses}


def _list_forms() -> dict[str, Any]:
    return {
        "summary": "The forms on offer",
        "operationId": "listForms",
        "responses": {"200": {"description": "Every form with its current version."}},
    }


def _show_form(form_id: str, title: str) -> dict[str, Any]:
    return {
        "summary": f"{title}: schema and version",
        "operationId": f"showForm_{form_id}",
        "responses": {"200": {"description": "The form's JSON Schema and version."}},
    }


def _submit(form_id: str, title: str) -> dict[str, Any]:
    answers = {"$ref": f"#/components/schemas/{form_id}"}
    return {
        "summary": f"File a {title}",
        "operationId": f"submit_{form_id}",
        "security": [{"apiKey": []}],
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "The same key and body file once; another body is refused (409).",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": answers},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"answers": answers},
                        "required": ["answers"],
                        "additionalProperties": {"type": "string", "format": "binary"},
                    },
                    "encoding": {"answers": {"contentType": "application/json"}},
                },
            },
        },
        "responses": {
            "201": _filed_response("Filed: a new dossier."),
            "200": _filed_response("Filed before with this Idempotency-Key: that dossier."),
            **_problems(400, 401, 403, 404, 409, 413, 415, 422, 503),
        },
    }


def _filed_response(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Filed"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _dossier() -> dict[str, Any]:
    return {
        "summary": "A dossier with its answers, attachments and history",
        "operationId": "showDossier",
        "security": [{"apiKey": []}],
        "parameters": [_path("number", {"type": "string"})],
        "responses": {"200": {"description": "The dossier."}, **_problems(401, 403, 404)},
    }


def _attachment() -> dict[str, Any]:
    return {
        "summary": "An attachment's bytes; its SHA-256 in `Repr-Digest` and `X-Content-SHA256`",
        "operationId": "downloadAttachment",
        "security": [{"apiKey": []}],
        "parameters": [
            _path("number", {"type": "string"}),
            _path("index", {"type": "integer", "minimum": 0}),
        ],
        "responses": {"200": {"description": "The bytes."}, **_problems(401, 403, 404)},
    }


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _problem_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "problems": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "pointer": {"type": "string"},
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                    },
                    "required": ["pointer", "code", "message"],
                },
            },
        },
        "required": ["type", "title", "status", "detail"],
    }


def _filed_schema() -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "number": {"type": "string", "pattern": "^[A-Z]{2,10}-[0-9]{4}-[0-9]{6,}$"},
            "form": text,
            "version": text,
            "filed_at": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri"},
            "receipt_url": {"type": "string", "format": "uri"},
        },
        "required": ["number", "form", "version", "filed_at", "url", "receipt_url"],
    }
