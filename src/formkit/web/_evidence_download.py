"""The signature evidence of a dossier signed with the eID, as a download beside its receipt.

    GET /api/v1/dossiers/{number}/signature                     (`api`: a key that may read)
    GET /mijn-dossiers/{number}/handtekeningbewijs.json         (`my_dossiers`: the citizen)
    GET /formulieren/{form}/{draft}/handtekeningbewijs.json     (the confirmation's link)

The receipt names the signature only by its hashes, so that it can be shown to anyone; the
evidence holds the certificate, which names the full national register number, and so is
given only to whom holds the dossier. `formkit verify --evidence` checks the two together.
"""

from __future__ import annotations

from litestar import Response

from formkit.store.dossiers import StoredDossier, signature_evidence
from formkit.web._disposition import content_disposition

EVIDENCE_NAME = "handtekeningbewijs"
NOT_SIGNED = "Dit dossier werd niet met de eID ondertekend: er is geen handtekeningbewijs."


def evidence_response(dossier: StoredDossier) -> Response[bytes] | None:
    """The evidence as a JSON download; None when the dossier was not signed."""
    evidence = signature_evidence(dossier)
    if evidence is None:
        return None
    return Response(
        evidence.to_json(),
        media_type="application/json",
        headers={
            "Content-Disposition": content_disposition(f"{EVIDENCE_NAME}-{dossier.number}.json"),
            "Cache-Control": "no-store",  # it names the full national register number
        },
    )
