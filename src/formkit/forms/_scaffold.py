"""`formkit new`: a starting point that passes `formkit check`, for the author to adapt."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_FORM_ID = re.compile(r"^[a-z][a-z0-9-]{1,59}$")


def scaffold(folder: Path, form_id: str, prefix: str | None = None) -> Path:
    if not _FORM_ID.match(form_id):
        raise ValueError(f"form id {form_id!r}: use lowercase letters, digits and '-'")
    prefix = prefix or re.sub(r"[^A-Z]", "", form_id.upper())[:3].ljust(2, "X")
    if not re.fullmatch(r"[A-Z]{2,5}", prefix):
        raise ValueError(f"prefix {prefix!r}: use 2 to 5 capital letters")
    path = folder / f"{form_id}.json"
    if path.exists():
        raise FileExistsError(f"{path} already exists")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_template(form_id, prefix), ensure_ascii=False, indent=2) + "\n")
    return path


def _template(form_id: str, prefix: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": form_id.replace("-", " ").capitalize(),
        "description": "Beschrijf hier in één of twee zinnen waarvoor dit formulier dient.",
        "type": "object",
        "x-formkit": {
            "prefix": prefix,
            "retention": {"nomination": "bewaren", "years": 10, "start": "afsluiting"},
            "steps": [
                {"id": "aanvrager", "title": "Uw gegevens", "properties": ["aanvrager"]},
                {"id": "aanvraag", "title": "Uw aanvraag", "properties": ["omschrijving"]},
            ],
        },
        "required": ["aanvrager", "omschrijving"],
        "additionalProperties": False,
        "properties": {
            "aanvrager": {
                "title": "Aanvrager",
                "type": "object",
                "required": ["naam", "email"],
                "additionalProperties": False,
                "properties": {
                    "naam": {"title": "Naam", "type": "string", "minLength": 1, "maxLength": 200},
                    "email": {"title": "E-mailadres", "type": "string", "format": "email"},
                },
            },
            "omschrijving": {
                "title": "Omschrijving",
                "description": "Wat vraagt u aan?",
                "type": "string",
                "minLength": 1,
                "maxLength": 5000,
                "x-formkit": {"widget": "textarea"},
            },
        },
    }
