"""The city's organisation: the departments that handle and advise, and the deciding bodies.

One file beside the forms (`schemas/organisatie.json`), checked like a form: its meta-schema in
`schemas/meta/organisatie.json` is generated from these Structs, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import jsonschema
import msgspec

from formkit._errors import FormError, SchemaProblem
from formkit.forms import _pointer
from formkit.forms._sources import BASE_URI, read_json
from formkit.forms._vocabulary_types import Identifier, Struct, Text

ORGANISATION_FILE = "organisatie.json"
META_URI = BASE_URI + "meta/organisatie.json"

Mailbox = Annotated[
    str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="An e-mail address.")
]


class Department(Struct, frozen=True):
    """A department or service that handles dossiers or advises on them."""

    id: Identifier
    title: Text
    mailbox: Mailbox


class Body(Struct, frozen=True):
    """A body that decides: the college of mayor and aldermen, the mayor."""

    id: Identifier
    title: Text


class Organisation(Struct, frozen=True):
    name: Text
    departments: Annotated[tuple[Department, ...], msgspec.Meta(min_length=1)]
    bodies: Annotated[tuple[Body, ...], msgspec.Meta(min_length=1)]
    schema: str | None = msgspec.field(default=None, name="$schema")  # for editors

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == department_id), None)

    def body(self, body_id: str) -> Body | None:
        return next((b for b in self.bodies if b.id == body_id), None)


def organisation_file(schemas: Path) -> Path:
    return schemas / ORGANISATION_FILE


def load_organisation(path: Path) -> Organisation:
    """The organisation in `path`, or a FormError listing every problem with its pointer.

    Read once while the file is unchanged: every form with a procedure checks against it, and
    the service asks for it again at start.
    """
    return _organisation_at(path.resolve(), path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _organisation_at(path: Path, modified: int) -> Organisation:
    document = read_json(path)
    problems = [SchemaProblem(str(path), *finding) for finding in _meta_findings(document)]
    if problems:
        raise FormError(problems)
    organisation = msgspec.convert(document, Organisation)
    problems = [SchemaProblem(str(path), *finding) for finding in _duplicates(organisation)]
    if problems:
        raise FormError(problems)
    return organisation


def organisation_meta_schema() -> dict[str, Any]:
    (root,), components = msgspec.json.schema_components(
        [Organisation], ref_template="#/$defs/{name}"
    )
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": META_URI,
        "title": "formkit organisation",
        "description": "The departments and deciding bodies that the forms' procedures name.",
        "$ref": root["$ref"],
        "$defs": components,
    }
    return dict(msgspec.json.decode(msgspec.json.encode(document)))  # plain JSON values only


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(organisation_meta_schema())


def _meta_findings(document: Any) -> Iterator[tuple[str, str]]:
    for error in _validator().iter_errors(document):
        best = jsonschema.exceptions.best_match([error])
        yield _pointer.from_path(best.absolute_path), best.message


def _duplicates(organisation: Organisation) -> Iterator[tuple[str, str]]:
    ids = [(f"/departments/{n}/id", d.id) for n, d in enumerate(organisation.departments)]
    ids += [(f"/bodies/{n}/id", b.id) for n, b in enumerate(organisation.bodies)]
    for n, (pointer, name) in enumerate(ids):
        if name in {other for _, other in ids[:n]}:
            yield pointer, f"{name!r} is used twice"
