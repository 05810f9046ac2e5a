"""How attachments are described to citizens: accepted kinds of file and sizes, in Dutch."""

from __future__ import annotations

from formkit.forms._dutch import size_text
from formkit.forms._model import Field

MEDIA_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "image/heic": "HEIC",
    "text/plain": "tekst",
    "text/csv": "CSV",
}


def file_hint(field: Field) -> str:
    rule = field.attachment
    if rule is None:
        return ""
    names = list(
        dict.fromkeys(MEDIA_NAMES.get(t, t.rsplit("/", 1)[-1].upper()) for t in rule.media_types)
    )
    kinds = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} of {names[-1]}"
    hint = f"{kinds}, hoogstens {size_text(rule.max_bytes)}"
    if field.multiple and field.max_items is not None:
        hint += f" per bestand; hoogstens {field.max_items} bestanden"
    return hint + "."
