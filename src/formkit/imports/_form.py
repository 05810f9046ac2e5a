"""A formkit form around imported properties: its root, prefix and steps."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema"


@dataclass
class Imported:
    """The form, and what could not be carried over (one line per item)."""

    schema: dict[str, Any]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Step:
    title: str
    properties: tuple[str, ...]


def form_document(
    source: dict[str, Any], form_id: str, steps: list[Step], prefix: str | None = None
) -> dict[str, Any]:
    """The imported root schema (`source`, already 2020-12) as a formkit form: `x-formkit`
    with the prefix and the steps, closed to undeclared answers."""
    title = str(source.get("title") or form_id.replace("-", " ").capitalize())
    document: dict[str, Any] = {"$schema": SCHEMA_2020_12, "title": title}
    if source.get("description"):
        document["description"] = source["description"]
    document["type"] = "object"
    document["x-formkit"] = {
        "prefix": prefix or prefix_of(title),
        "steps": [
            {"id": step_id(step.title, n), "title": step.title, "properties": list(step.properties)}
            for n, step in enumerate(steps)
        ],
    }
    for key, value in source.items():
        if key not in {"$schema", "$id", "title", "description", "type", "additionalProperties"}:
            document[key] = value
    # Properties of `then` branches count too: closed by what was evaluated, not by name.
    document["unevaluatedProperties"] = False
    return document


def prefix_of(title: str) -> str:
    """Dossier numbers' prefix: the capitals of the title's first words, 2 to 5 letters."""
    letters = "".join(word[0] for word in _ascii(title).upper().split() if word[0].isalpha())
    letters = letters if len(letters) >= 2 else re.sub(r"[^A-Z]", "", _ascii(title).upper())
    return (letters[:5] or "FRM").ljust(2, "X")


def step_id(title: str, index: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", _ascii(title).lower()).strip("-")[:50]
    return slug if slug and slug[0].isalpha() else f"stap-{index + 1}"


def title_from_name(name: str) -> str:
    """A label from a property name, as those libraries make one: `firstName` -> `First name`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").replace("-", " ")
    words = spaced.split()
    return " ".join(words).capitalize() if words else name


def default_steps(source: dict[str, Any], order: list[str], form_title: str) -> list[Step]:
    """A step per object property (a section of its own), the others together before them."""
    properties = dict(source.get("properties", {}))
    for part in source.get("allOf", []):  # the fields a rule shows
        properties.update((part.get("then") or {}).get("properties") or {})
    loose = [n for n in order if properties.get(n, {}).get("type") != "object"]
    sections = [n for n in order if properties.get(n, {}).get("type") == "object"]
    steps = [Step(form_title, tuple(loose))] if loose else []
    steps += [Step(str(properties[n].get("title") or title_from_name(n)), (n,)) for n in sections]
    return steps or [Step(form_title, tuple(order))]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def top_names(source: dict[str, Any]) -> list[str]:
    """The root's properties, those a rule moved into an `if`/`then` included."""
    names = list(source.get("properties", {}))
    for part in source.get("allOf", []):
        names += list((part.get("then") or {}).get("properties") or {})
    return list(dict.fromkeys(names))
