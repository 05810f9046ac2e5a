"""The files a department hands in with its advice: which, how many, and how an event names them.

An advice may carry a few documents (a report, a plan with remarks, a photo), handed in on the
staff page or through the API as uploads. Each is checked while it streams in, against
`LIMITS`, by its bytes (`formkit.filing._sniff`), as a citizen's attachment is; `actions`
checks them again when the advice is given. The ADVICE_GIVEN event names each file by its
content address, name, media type and size, never its bytes: the blob store keeps those, and
the upload rows the advice claimed keep them from being purged (`store.advice_uploads`).

Advice stays inside the city: its files, like its motivation, are for staff who may see the
dossier, never for the citizen's "Mijn dossiers".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from formkit.filing._filing import Blob
from formkit.filing._sniff import DOCX, JPEG, ODS, ODT, PDF, PNG, XLSX
from formkit.filing.blobs import UploadLimits

MAX_FILES = 5
MAX_BYTES = 20_000_000
LIMITS = UploadLimits(MAX_BYTES, frozenset({PDF, JPEG, PNG, ODT, ODS, DOCX, XLSX}))
TYPE_NAMES = {  # in Dutch, for messages and lists
    PDF: "PDF",
    JPEG: "JPEG",
    PNG: "PNG",
    ODT: "OpenDocument-tekst",
    ODS: "OpenDocument-rekenblad",
    DOCX: "Word",
    XLSX: "Excel",
}
ACCEPTED = "PDF, JPEG, PNG, Word, Excel of OpenDocument"  # what `LIMITS` lets in, in words


def refusal(blob: Blob) -> str | None:
    """Why this file may not go with an advice, in Dutch; None when it may."""
    if blob.media_type not in LIMITS.media_types:
        return f"{blob.label or 'Een bestand'} is geen {ACCEPTED}-bestand."
    if blob.size > LIMITS.max_bytes:
        return f"{blob.label or 'Een bestand'} is groter dan {MAX_BYTES // 1_000_000} MB."
    return None


def file_data(blob: Blob) -> dict[str, Any]:
    """How the event names one file: never its bytes."""
    return {
        "sha256": blob.sha256,
        "name": blob.label,
        "media_type": blob.media_type,
        "size": blob.size,
    }


def files_of(data: Mapping[str, Any]) -> tuple[Blob, ...]:
    """The files an ADVICE_GIVEN event's data names, in the order handed in."""
    return tuple(
        Blob(str(f["sha256"]), int(f["size"]), str(f["media_type"]), str(f["name"]))
        for f in data.get("attachments", ())
    )
