"""`load_form`: a form file in, an immutable `Form` out, or one error listing every problem."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import msgspec
import referencing
import referencing.jsonschema
import rfc8785

from formkit._errors import FormError, SchemaProblem
from formkit.forms import _check, _pointer
from formkit.forms._build import FieldBuilder
from formkit.forms._engine import Engine
from formkit.forms._inline import Inliner
from formkit.forms._locate import Locator
from formkit.forms._metaschema import META_URI, meta_schema
from formkit.forms._model import CompiledRule, Form, Kind, Step
from formkit.forms._sources import BASE_URI, DiskRetriever, read_json, uri_for
from formkit.forms._vocabulary import KEYWORD, FormAnnotations
from formkit.handling.organisation import Organisation, load_organisation, organisation_file


def load_form(path: str | os.PathLike[str]) -> Form:
    """Load, check and model the form in `path` (`schemas/<form-id>.json`).

    Shared definitions are read from the same folder tree. Raises `FormError` listing every
    problem (file, JSON Pointer, message) when the form cannot be used.
    """
    path = Path(path)
    source = _Source(path)
    problems = source.meta_problems()
    if problems:
        raise FormError(problems)
    try:
        form, builder = source.model()
    except jsonschema_rs.ValidationError as error:  # what the meta-schema cannot see: a regex
        where = _pointer.from_path(error.instance_path)
        raise FormError([SchemaProblem(str(path), where, error.message)]) from None
    organisation = _organisation(form, path)
    findings = [*_check.check(form, builder.conditions, organisation), *builder.undeclared]
    problems = [SchemaProblem(*source.locator.locate(origin), msg) for origin, msg in findings]
    if problems:
        raise FormError(dict.fromkeys(problems))  # a shared definition used twice, said once
    return form


class _Source:
    """One form file and the shared definitions it reaches."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root = path.parent.resolve()
        self.form_id = path.stem
        self.uri = uri_for(path, self.root)
        self.raw = read_json(path)
        self.retriever = DiskRetriever(self.root)
        self.documents: dict[str, Any] = {self.uri: self.raw}
        self.locator = Locator(self.uri, self.documents, self.label)
        self.bundled: dict[str, Any] = {}

    def label(self, uri: str) -> str:
        relative = uri.removeprefix(BASE_URI)
        return str(self.path.parent / relative) if uri.startswith(BASE_URI) else uri

    def meta_problems(self) -> list[SchemaProblem]:
        if not isinstance(self.raw, dict):
            message = "a form is a JSON object with title, type, properties and x-formkit"
            return [SchemaProblem(str(self.path), "", message)]
        problems = _meta_problems(self.raw, str(self.path), form=True)
        try:
            # Bundling reaches every $ref: an unresolvable one is found here, once.
            self.bundled = {
                "$id": self.uri,  # the bundle resolves its own relative $refs, anywhere
                **jsonschema_rs.bundle(self.raw, retriever=self._document, base_uri=self.uri),
            }
        except FormError as error:
            problems += error.problems
        except (jsonschema_rs.ReferencingError, ValueError) as error:
            problems.append(SchemaProblem(str(self.path), "", f"unresolvable $ref: {error}"))
        for uri, document in self.documents.items():
            if uri != self.uri:
                problems += _meta_problems(document, self.label(uri), form=False)
        return problems

    def _document(self, uri: str) -> Any:
        """Each file is read once, however often the form refers to it."""
        return self.documents[uri] if uri in self.documents else self._retrieve(uri)

    def _retrieve(self, uri: str) -> Any:
        document = self.retriever(uri)
        self.documents[uri.split("#", 1)[0]] = document
        return document

    def model(self) -> tuple[Form, FieldBuilder]:
        inlined = Inliner(self._document).inline(self.raw, self.uri)
        engine = Engine.compile(self.raw, retriever=self._document, base_uri=self.uri)
        annotations = msgspec.convert(self.raw[KEYWORD], FormAnnotations)
        builder = FieldBuilder(Engine.compile)
        fields = builder.object_fields(inlined, "", "")
        by_name = {f.name: f for f in fields}
        steps = tuple(
            Step(
                s.id,
                s.title,
                tuple(by_name[n] for n in s.properties if n in by_name),
                s.description,
            )
            for s in annotations.steps
        )
        index: dict[str, Any] = {}
        for top in fields:
            for each in top.walk():
                index.setdefault(each.pointer, each)
        form = Form(
            id=self.form_id,
            title=str(self.raw.get("title", "")),
            description=self.raw.get("description"),
            version=version_of(self.bundled),
            schema=self.bundled,
            annotations=annotations,
            steps=steps,
            rules=tuple(CompiledRule(r, _compile_when(r.when)) for r in annotations.rules),
            default_advisers=_default_advisers(annotations),
            engine=engine,
            source=str(self.path),
            resources=dict(self.documents),
            fields=fields,
            _index=index,
            _order={pointer: n for n, pointer in enumerate(index)},
            _attachment_slots=tuple(
                f for top in fields for f in top.walk() if f.kind is Kind.ATTACHMENT
            ),
        )
        return form, builder


def _organisation(form: Form, path: Path) -> Organisation | None:
    """The organisation file beside the form, read when the form's procedure names departments.

    Its own problems are the form's problems: a FormError names the file and the pointer.
    """
    file = organisation_file(path.parent)
    if form.annotations.procedure is None or not file.is_file():
        return None
    return load_organisation(file)


def version_of(bundled: Mapping[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(rfc8785.dumps(bundled)).hexdigest()


def _default_advisers(
    annotations: FormAnnotations,
) -> tuple[tuple[str, Engine | None], ...]:
    advice = annotations.procedure.advice if annotations.procedure else None
    advisers = advice.departments if advice else ()
    return tuple((a.department, _compile_when(a.when)) for a in advisers)


def _compile_when(schema: Mapping[str, Any] | bool | None) -> Engine | None:
    return None if schema is None else Engine.compile(schema)


@cache
def _meta_validator() -> Any:
    meta = meta_schema()
    registry: referencing.Registry[Any] = (
        referencing.Registry()
        .with_resource(META_URI, referencing.jsonschema.DRAFT202012.create_resource(meta))
        .crawl()
    )
    return jsonschema.Draft202012Validator(
        {"$ref": META_URI + "#/$defs/form"}, registry=registry
    ), jsonschema.Draft202012Validator(meta, registry=registry)


def _meta_problems(document: Any, label: str, *, form: bool) -> list[SchemaProblem]:
    """What the meta-schemas find: formkit's (2020-12 with the vocabulary) and, for a file
    that declares draft-07 or 2019-09, that draft's own. A tuple in the older spelling
    (`items` as a list) is that draft's, not a mistake: check judges it as a tuple."""
    form_validator, dialect_validator = _meta_validator()
    validator = form_validator if form else dialect_validator
    older = _older_draft(document)
    errors = list(validator.iter_errors(document))
    if older is not None:
        errors = [e for e in errors if not _older_tuple(e)]
        errors += older(older.META_SCHEMA).iter_errors(document)
    problems = []
    for error in errors:
        best = jsonschema.exceptions.best_match([error])
        pointer = _pointer.from_path(best.absolute_path)
        problems.append(SchemaProblem(label, pointer, str(best.message)))
    return sorted(set(problems), key=lambda p: p.pointer)


_OLDER_DRAFTS = {
    "http://json-schema.org/draft-07/schema": jsonschema.Draft7Validator,
    "https://json-schema.org/draft/2019-09/schema": jsonschema.Draft201909Validator,
}


def _older_draft(document: Any) -> Any:
    """The validator class of the draft-07 or 2019-09 a file declares; None for 2020-12."""
    declared = document.get("$schema") if isinstance(document, dict) else None
    return _OLDER_DRAFTS.get(declared.rstrip("#")) if isinstance(declared, str) else None


def _older_tuple(error: Any) -> bool:
    path = list(error.absolute_path)
    return bool(path) and path[-1] == "items" and isinstance(error.instance, list)
