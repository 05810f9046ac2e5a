"""Example answer documents, generated from the form alone.

`example` builds the smallest document the form accepts: required fields only, each from its
`default`, its `examples`, its format or its type, then repaired with the form's own problems
until `validate` has nothing left to say (a conditional requirement, a lead time). `invalid`
breaks exactly one field of it. Integrators use these to start; tests use them as seeds.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from formkit._errors import FormkitError
from formkit.forms import _amounts, _pointer
from formkit.forms._build import choices_of
from formkit.forms._model import Field, Form, Guard, Kind
from formkit.forms._problems import Problem
from formkit.forms._validate import validate
from formkit.forms._vocabulary import AfterRule, Amount, CompareRule

_SAMPLES = {
    "be-national-number": "85073003328",
    "be-enterprise-number": "0403170701",
    "iban": "BE71096123456769",
    "be-postal-code": "2800",
    "phone": "+3215123456",
    "email": "voorbeeld@example.be",
}
_AHEAD = timedelta(days=70)  # beyond every lead time a city form asks for
_MAX_REPAIRS = 25


class ExampleError(FormkitError):
    """No valid example could be generated; `problems` says what stayed wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.pointer}: {p.message}" for p in problems))


def example(form: Form, *, now: datetime) -> dict[str, Any]:
    answers = {f.name: _value(f, now, 0) for f in form.fields if f.required}
    for _ in range(_MAX_REPAIRS):
        problems = validate(form, answers, now=now)
        if not problems:
            return answers
        if not any(_repair(form, answers, p, now) for p in problems):
            break
    raise ExampleError(validate(form, answers, now=now))


def invalid(form: Form, *, now: datetime) -> tuple[dict[str, Any], Problem]:
    """A valid example with exactly one field broken, and the problem that breaks it."""
    valid = example(form, now=now)
    for pointer, broken in _breakages(form, valid):
        answers = copy.deepcopy(valid)
        _set(answers, pointer, broken)
        problems = validate(form, answers, now=now)
        if len(problems) == 1 and problems[0].pointer == pointer:
            return answers, problems[0]
    raise FormkitError(f"no single field of {form.id!r} can be broken on its own")


def _breakages(form: Form, answers: dict[str, Any]) -> list[tuple[str, Any]]:
    candidates: list[tuple[str, Any]] = []
    for pointer, value in _leaves(answers):
        field = form.field(pointer)
        if field is None:
            continue
        if field.format in _SAMPLES:
            candidates.insert(0, (pointer, "0"))
        elif isinstance(value, str) and field.kind in {Kind.DATE, Kind.DATE_TIME}:
            candidates.append((pointer, "geen datum"))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            candidates.append((pointer, "geen getal"))
    return candidates


def _leaves(node: Any, pointer: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, _pointer.join(pointer, k))]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in _leaves(v, _pointer.join(pointer, i))]
    return [(pointer, node)]


def _repair(form: Form, answers: dict[str, Any], problem: Problem, now: datetime) -> bool:
    field = form.field(problem.pointer)
    if problem.code in {"additionalProperties", "unevaluatedProperties", "false"}:
        return _remove(answers, problem.pointer)
    if field is None:
        return False
    if problem.code == "after":
        return _set(answers, problem.pointer, _later(answers, form, problem.pointer, now))
    if problem.code == "distinct":
        return _set(answers, problem.pointer, _value(field, now, _ordinal(problem.pointer) + 1))
    if problem.code == "compare":
        return _balance(answers, form, problem.pointer)
    return _set(answers, problem.pointer, _value(field, now, 0))


def _later(answers: dict[str, Any], form: Form, pointer: str, now: datetime) -> str:
    field = _pointer.generic(pointer)
    rule = next(
        r.rule for r in form.rules if isinstance(r.rule, AfterRule) and r.rule.field == field
    )
    reference = _pointer.resolve(answers, rule.reference)
    moment = datetime.fromisoformat(reference) if isinstance(reference, str) else now + _AHEAD
    return (moment + timedelta(hours=4)).isoformat()


def _balance(answers: dict[str, Any], form: Form, pointer: str) -> bool:
    """The field a comparison is about, set to what the other side computes, when the field
    is the left side and equal amounts satisfy the rule (the amount asked: at most the
    shortfall)."""
    for compiled in form.rules:
        rule = compiled.rule
        if not isinstance(rule, CompareRule) or rule.field != pointer or "=" not in rule.operator:
            continue
        if isinstance(rule.left, Amount) and rule.left.field == pointer:
            right = _amounts.evaluate(rule.right, answers, {})
            if right is not None:
                return _set(answers, pointer, int(right) if right == int(right) else float(right))
    return False


def _ordinal(pointer: str) -> int:
    numbers = [int(t) for t in _pointer.tokens(pointer) if t.isdigit()]
    return numbers[-1] if numbers else 0


def _value(field: Field, now: datetime, n: int) -> Any:
    """A plausible value for `field`; `n` makes values of repeated items differ."""
    schema = field.schema
    if "default" in schema and n == 0:
        return copy.deepcopy(schema["default"])
    if schema.get("examples"):
        return copy.deepcopy(schema["examples"][n % len(schema["examples"])])
    if "const" in schema:
        return schema["const"]
    return _BY_KIND[field.kind](field, now, n)


def _text(field: Field, now: datetime, n: int) -> str:
    if field.format in _SAMPLES:
        return _SAMPLES[field.format]
    text = f"{field.title or field.name} {n + 1}"
    minimum, maximum = field.schema.get("minLength", 0), field.schema.get("maxLength", 10**6)
    return text.ljust(minimum, ".")[:maximum]


def _number(field: Field, now: datetime, n: int) -> int | float:
    schema = field.schema
    low = schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1)
    return max(low, 0) + n if field.kind is Kind.INTEGER else float(max(low, 0) + n)


def _date(field: Field, now: datetime, n: int) -> str:
    moment = now + _AHEAD + timedelta(days=n)
    return moment.date().isoformat() if field.kind is Kind.DATE else moment.isoformat()


def _choice(field: Field, now: datetime, n: int) -> Any:
    return field.choices[n % len(field.choices)].value


def _choices(field: Field, now: datetime, n: int) -> list[Any]:
    options = choices_of(field.schema.get("items", {}))
    return [options[i].value for i in range(max(field.min_items, 1))]


def _object(field: Field, now: datetime, n: int) -> dict[str, Any]:
    built = {c.name: _value(c, now, n) for c in field.children if c.required}
    for child in field.children:  # required by a condition on the object itself: an if/then
        if child.name not in built and any(
            _holds_within(guard, field, built) for guard in child.required_when
        ):
            built[child.name] = _value(child, now, n)
    return built


def _holds_within(guard: Guard, field: Field, value: dict[str, Any]) -> bool:
    return all(c.scope == field.pointer and c.holds(value) for c in guard)


def _group(field: Field, now: datetime, n: int) -> list[dict[str, Any]]:
    children = [c for c in field.children if c.required]
    return [{c.name: _value(c, now, i) for c in children} for i in range(field.min_items)]


def _list(field: Field, now: datetime, n: int) -> list[Any]:
    items = field.schema.get("items", {})
    value = items.get("examples", ["voorbeeld"])[0] if isinstance(items, dict) else "voorbeeld"
    return [f"{value} {i + 1}" for i in range(max(field.min_items, 1))]


def _lists(field: Field, now: datetime, n: int) -> list[Any]:
    (item,) = field.children
    return [_value(item, now, i) for i in range(max(field.min_items, 1))]


def _map(field: Field, now: datetime, n: int) -> dict[str, Any]:
    (value,) = field.children
    keys = field.schema.get("propertyNames")
    examples = keys.get("examples") if isinstance(keys, dict) else None
    key = str(examples[0]) if examples else "voorbeeld"
    return {f"{key} {i + 1}": _value(value, now, i) for i in range(field.min_items)}


def _tuple(field: Field, now: datetime, n: int) -> list[Any]:
    return [_value(position, now, n) for position in field.children if position.required]


def _attachment(field: Field, now: datetime, n: int) -> Any:
    rule = field.attachment
    extension = (rule.media_types[0].rsplit("/", 1)[-1] if rule else "pdf").replace("jpeg", "jpg")

    def one(i: int) -> dict[str, str]:
        return {"bestand": f"{field.name}-{i + 1}", "naam": f"{field.name}-{i + 1}.{extension}"}

    return [one(i) for i in range(max(field.min_items, 1))] if field.multiple else one(n)


def _boolean(field: Field, now: datetime, n: int) -> bool:
    return False


def _null(field: Field, now: datetime, n: int) -> None:
    return None


_BY_KIND = {
    Kind.TEXT: _text,
    Kind.NUMBER: _number,
    Kind.INTEGER: _number,
    Kind.BOOLEAN: _boolean,
    Kind.DATE: _date,
    Kind.DATE_TIME: _date,
    Kind.CHOICE: _choice,
    Kind.CHOICES: _choices,
    Kind.OBJECT: _object,
    Kind.GROUP: _group,
    Kind.LIST: _list,
    Kind.LISTS: _lists,
    Kind.TUPLE: _tuple,
    Kind.MAP: _map,
    Kind.ATTACHMENT: _attachment,
    Kind.NULL: _null,
}


def _set(document: dict[str, Any], pointer: str, value: Any) -> bool:
    *parents, last = _pointer.tokens(pointer)
    node: Any = document
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node.setdefault(token, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return True


def _remove(document: dict[str, Any], pointer: str) -> bool:
    *parents, last = _pointer.tokens(pointer)
    parent = _pointer.resolve(document, _pointer.from_path(parents))
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    return False
