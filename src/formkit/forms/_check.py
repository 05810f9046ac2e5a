"""What a form must satisfy beyond its meta-schema, checked on the model.

Each check yields `(origin, message)`: origin is a pointer into the form with its `$ref`s
inlined (the loader turns it into a file and a pointer the author can open).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from formkit.forms import _pointer
from formkit.forms._alternatives import CHOICE
from formkit.forms._build import choices_of
from formkit.forms._check_amounts import check_compare
from formkit.forms._check_controls import control_problems
from formkit.forms._check_procedure import Names, check_procedure
from formkit.forms._engine import Engine
from formkit.forms._model import Condition, Field, Form, Kind
from formkit.forms._vocabulary import (
    AfterRule,
    AttachmentRule,
    CompareRule,
    DistinctRule,
    HistoryRule,
    LeadTimeRule,
    parse_duration,
)

Finding = tuple[str, str]
_DATES = {Kind.DATE, Kind.DATE_TIME}
_MAX_ATTACHMENT_BYTES = 2 * 1024**3


def check(
    form: Form, conditions: Iterable[Condition], organisation: Names | None
) -> Iterator[Finding]:
    yield from _check_steps(form)
    for each in form.walk():
        yield from _check_field(each)
    for condition in conditions:
        yield from _check_condition(form, condition)
    yield from _check_rules(form)
    yield from _check_signature(form)
    yield from check_procedure(form, organisation)
    yield from _check_adviser_conditions(form)


def _check_steps(form: Form) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    top = {f.name for f in form.fields}
    for n, step in enumerate(form.annotations.steps):
        where = f"/x-formkit/steps/{n}"
        if step.id in {s.id for s in form.annotations.steps[:n]}:
            yield where + "/id", f"step id {step.id!r} is used twice"
        for k, name in enumerate(step.properties):
            if name not in top:
                yield f"{where}/properties/{k}", f"no top-level field {name!r}"
            elif name in seen:
                yield f"{where}/properties/{k}", f"{name!r} is already in step {seen[name]!r}"
            seen[name] = step.id
    for field in form.fields:
        if field.name == CHOICE and field.name not in seen:
            yield (
                field.origin,
                (
                    f"alternatives of the whole form: list {CHOICE!r} in the step that asks which "
                    "applies (before their fields)"
                ),
            )
        elif field.name not in seen:
            yield field.origin, f"field {field.name!r} is in no step (x-formkit.steps)"


def _check_field(field: Field) -> Iterator[Finding]:
    if not field.title.strip():
        yield field.origin, f"field {field.name!r} has no title"
    for n, choice in enumerate(field.choices):
        if not choice.title.strip():
            yield field.origin, f"choice {n} ({choice.value!r}) of {field.name!r} has no title"
    if field.attachment is not None:
        yield from _check_attachment(field, field.attachment)
    if "pattern" in field.schema and not field.format and not field.schema.get("examples"):
        yield field.origin, f"{field.name!r} has a pattern: give examples that match it"
    yield from _check_examples(field)
    yield from control_problems(field)
    display = field.annotations.display
    if display == "amount" and field.kind not in {Kind.NUMBER, Kind.INTEGER}:
        yield field.origin, f"{field.name!r} shows as an amount but is not a number"
    if display == "address" and field.kind is not Kind.OBJECT:
        yield field.origin, f"{field.name!r} shows as an address but is not an object"


def _check_examples(field: Field) -> Iterator[Finding]:
    examples = field.schema.get("examples", [])
    if not examples or field.kind in {Kind.OBJECT, Kind.GROUP}:
        return
    engine = Engine.compile(dict(field.schema))
    for n, value in enumerate(examples):
        if not engine.is_valid(value):
            yield _pointer.join(field.origin, "examples", n), f"example {value!r} is not valid"


def _check_attachment(field: Field, rule: AttachmentRule) -> Iterator[Finding]:
    where = _pointer.join(field.origin, "x-formkit", "attachment")
    for media_type in rule.media_types:
        kind, _, sub = media_type.partition("/")
        if not kind or not sub or " " in media_type:
            yield where + "/mediaTypes", f"{media_type!r} is not a media type like application/pdf"
    if rule.max_bytes > _MAX_ATTACHMENT_BYTES:
        yield where + "/maxBytes", "an attachment of more than 2 GiB cannot be uploaded"
    value = field.schema.get("items", {}) if field.multiple else field.schema
    if "bestand" not in value.get("properties", {}):
        yield field.origin, "an attachment is a defs/bijlage.json reference or an array of them"
    maximum = field.max_items
    if maximum is not None and maximum < field.min_items:
        yield field.origin, "maxItems is smaller than minItems: no number of files is accepted"


def _check_condition(form: Form, condition: Condition) -> Iterator[Finding]:
    if isinstance(condition.schema, bool):
        if condition.schema is not condition.expect:
            yield condition.origin, "this branch can never apply"
        return
    yield from _check_condition_schema(form, condition.scope, condition.schema, condition.origin)


def _check_condition_schema(
    form: Form, scope: str, schema: Mapping[str, Any], origin: str
) -> Iterator[Finding]:
    """Conditions may only speak of fields that exist, and of values those fields can take."""
    for name in schema.get("required", ()):
        if form.field(_pointer.join(scope, name)) is None:
            yield origin, f"the condition names {name!r}, which is not a field here"
    for name, sub in schema.get("properties", {}).items():
        pointer = _pointer.join(scope, name)
        target = form.field(pointer)
        if target is None:
            yield origin, f"the condition names {name!r}, which is not a field here"
            continue
        yield from _check_values(target, sub, origin)
        if isinstance(sub, Mapping) and target.kind is Kind.OBJECT:
            yield from _check_condition_schema(form, pointer, sub, origin)
    for part in [*schema.get("allOf", []), *schema.get("anyOf", [])]:
        if isinstance(part, Mapping):
            yield from _check_condition_schema(form, scope, part, origin)


def _check_values(target: Field, schema: Any, origin: str) -> Iterator[Finding]:
    if not isinstance(schema, Mapping):
        return
    values = _named_values(schema)
    if target.kind is Kind.CHOICES and isinstance(schema.get("contains"), Mapping):
        values = _named_values(schema["contains"])
    allowed = _possible_values(target)
    if allowed is None:
        return
    for value in values:
        if value not in allowed:
            yield origin, f"{target.title or target.name!r} can never be {value!r}: unreachable"


def _named_values(schema: Mapping[str, Any]) -> list[Any]:
    if "const" in schema:
        return [schema["const"]]
    return list(schema.get("enum", ()))


def _possible_values(target: Field) -> list[Any] | None:
    if target.kind is Kind.BOOLEAN:
        return [True, False]
    if target.kind is Kind.CHOICE:
        return [c.value for c in target.choices]
    if target.kind is Kind.CHOICES:
        return [c.value for c in choices_of(target.schema["items"])]
    return None


def _check_rules(form: Form) -> Iterator[Finding]:
    rules = form.annotations.rules
    for n, rule in enumerate(rules):
        where = f"/x-formkit/rules/{n}"
        if rule.id in {r.id for r in rules[:n]}:
            yield where + "/id", f"rule id {rule.id!r} is used twice"
        target = form.field(rule.field)
        if target is None:
            yield where + "/field", f"no field at {rule.field}"
            continue
        if isinstance(rule, LeadTimeRule | AfterRule) and target.kind not in _DATES:
            yield where + "/field", f"{rule.field} is not a date or date-time field"
        if isinstance(rule, LeadTimeRule):
            parse_duration(rule.minimum)
        if isinstance(rule, AfterRule):
            reference = form.field(rule.reference)
            if reference is None or reference.kind not in _DATES:
                yield where + "/reference", f"{rule.reference} is not a date or date-time field"
        if isinstance(rule, DistinctRule):
            if target.kind is not Kind.GROUP:
                yield where + "/field", f"{rule.field} is not a repeatable group"
            elif form.field(_pointer.join(rule.field, "*") + rule.key) is None:
                yield where + "/key", f"the items of {rule.field} have no field at {rule.key}"
        if isinstance(rule, CompareRule):
            yield from check_compare(form, rule, where)
        if isinstance(rule, HistoryRule) and target.format != "be-national-number":
            yield where + "/field", f"{rule.field} is not a national register number field"
        if isinstance(rule.when, Mapping):
            yield from _check_condition_schema(form, "", rule.when, where + "/when")


def _check_signature(form: Form) -> Iterator[Finding]:
    signer = form.annotations.signer
    if signer is None:
        return
    if not form.signature_required:
        yield (
            "/x-formkit/signer",
            "a signer only makes sense with signature 'eid' or 'eid-or-login'",
        )
    target = form.field(signer)
    if target is None or target.format != "be-national-number":
        yield "/x-formkit/signer", f"{signer} is not a national register number field"


def _check_adviser_conditions(form: Form) -> Iterator[Finding]:
    procedure = form.annotations.procedure
    advisers = procedure.advice.departments if procedure and procedure.advice else ()
    for n, adviser in enumerate(advisers):
        if isinstance(adviser.when, Mapping):
            where = f"/x-formkit/procedure/advice/departments/{n}/when"
            yield from _check_condition_schema(form, "", adviser.when, where)
