"""Every refusal on the API as RFC 9457 problem details, from one table of problem types.

A type is a stable URI an integrator can branch on (`{base}/api/v1/problems/<slug>`; the URI
also serves a short description); `detail` is Dutch, for whoever reads it; validation
problems carry their JSON Pointers in `problems`, in the same shape as `formkit validate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from formkit.forms._problems import Problem

MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True, slots=True)
class ProblemType:
    slug: str
    status: int
    title: str  # Dutch, the same for every occurrence (RFC 9457 §3.1.3)
    meaning: str  # English, for the integrator reading the type's page


TYPES = {
    t.slug: t
    for t in (
        ProblemType(
            "malformed-json",
            400,
            "Ongeldige JSON",
            "The answers are not one JSON document: not JSON, not UTF-8, a key twice in one "
            "object, or nested deeper than 64.",
        ),
        ProblemType(
            "malformed-request",
            400,
            "Ongeldige aanvraag",
            "The request cannot be read: a broken multipart body, a missing part, bad headers.",
        ),
        ProblemType("unauthenticated", 401, "Niet aangemeld", "No API key, or an unknown one."),
        ProblemType(
            "forbidden", 403, "Geen toegang", "The API key's scope does not cover this request."
        ),
        ProblemType("not-found", 404, "Niet gevonden", "No such form, dossier or resource."),
        ProblemType("method-not-allowed", 405, "Methode niet toegestaan", "Wrong HTTP method."),
        ProblemType(
            "idempotency-conflict",
            409,
            "Sleutel al gebruikt",
            "The Idempotency-Key was used before for a different request.",
        ),
        ProblemType(
            "not-allowed-now",
            409,
            "Nu niet toegestaan",
            "The dossier's procedure does not allow this action in its current state; `detail` "
            "says why, in Dutch. Nothing was changed.",
        ),
        ProblemType(
            "precondition-failed",
            412,
            "Dossier intussen gewijzigd",
            "The dossier changed since the version named in If-Match; its ETag is the current "
            "version. Read it again before acting. Nothing was changed.",
        ),
        ProblemType("too-large", 413, "Te groot", "A file or the request is over its limit."),
        ProblemType(
            "unsupported-media-type",
            415,
            "Soort niet aanvaard",
            "The request's content type, or an attached file's type, is not accepted.",
        ),
        ProblemType(
            "invalid-answers",
            422,
            "De antwoorden zijn niet in orde",
            "Validation against the form failed; `problems` lists each with its JSON Pointer.",
        ),
        ProblemType(
            "invalid-action",
            422,
            "Ongeldige actie",
            "The action's JSON does not fit its schema: an unknown `action`, a field missing, "
            "unknown, too long or of the wrong type.",
        ),
        ProblemType(
            "too-many-requests",
            429,
            "Te veel aanvragen",
            "Over the limit of requests per API key or client address; retry after the number "
            "of seconds in the Retry-After header.",
        ),
        ProblemType(
            "unavailable",
            503,
            "Tijdelijk niet beschikbaar",
            "The service cannot store filings right now; retry later with the same key.",
        ),
        ProblemType("internal", 500, "Interne fout", "A fault of formkit's; it is logged."),
        *(
            ProblemType(slug, 422, title, meaning)
            for slug, title, meaning in (
                ("signature-missing", "Handtekening ontbreekt", "The form needs an eID signature."),
                ("signature-malformed", "Handtekening onleesbaar", "Not a signature document."),
                ("signature-bad-signature", "Handtekening klopt niet", "Not over this filing."),
                ("signature-wrong-key", "Verkeerde sleutel", "The authentication key signed."),
                ("signature-expired", "Certificaat niet geldig", "Not valid when signing."),
                ("signature-revoked", "Certificaat ingetrokken", "The certificate is revoked."),
                ("signature-untrusted", "Onbekende uitgever", "Not issued under a trusted root."),
                (
                    "signature-revocation-unknown",
                    "Intrekking onbekend",
                    "Revocation data is required and missing.",
                ),
                (
                    "signature-applicant-mismatch",
                    "Andere ondertekenaar",
                    "The signer is not the applicant the answers name.",
                ),
            )
        ),
    )
}


class ProblemError(Exception):
    """Raised by a handler to refuse a request; turned into problem details at the edge."""

    def __init__(
        self,
        slug: str,
        detail: str,
        *,
        problems: Iterable[Problem] = (),
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.type = TYPES[slug]
        self.detail = detail
        self.problems = tuple(problems)
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    @property
    def status(self) -> int:
        return self.type.status


def body(error: ProblemError, base_url: str, instance: str) -> bytes:
    document: dict[str, Any] = {
        "type": type_uri(base_url, error.type.slug),
        "title": error.type.title,
        "status": error.status,
        "detail": error.detail,
        "instance": instance,
        **error.extra,
    }
    if error.problems:
        document["problems"] = [msgspec.structs.asdict(p) for p in error.problems]
    return msgspec.json.encode(document)


def type_uri(base_url: str, slug: str) -> str:
    return f"{base_url}/api/v1/problems/{slug}"
