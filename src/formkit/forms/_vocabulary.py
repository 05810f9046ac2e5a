"""The `x-formkit` vocabulary: what a form says that JSON Schema cannot.

These Structs are the vocabulary's single definition: the loader decodes annotations with them,
and the meta-schema in `schemas/meta/formkit.json` is generated from them
(`formkit meta-schema`), so the two can never drift apart.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Annotated, Any, Literal

import msgspec
from pydantic import TypeAdapter

from formkit.forms._procedure import Procedure
from formkit.forms._vocabulary_types import (
    Duration,
    Identifier,
    Period,
    Pointer,
    Struct,
    Text,
)

KEYWORD = "x-formkit"

_DURATION = TypeAdapter(timedelta)


@cache  # a form has a handful of durations; parsing them is costly next to validating
def parse_duration(text: str) -> timedelta:
    return _DURATION.validate_python(text)


class Step(Struct, frozen=True):
    id: Identifier
    title: Text
    properties: Annotated[tuple[str, ...], msgspec.Meta(min_length=1)]
    description: str | None = None


class Retention(Struct, frozen=True):
    nomination: Literal["bewaren", "vernietigen"]
    years: Annotated[int, msgspec.Meta(ge=1, le=100)]
    start: Literal["indiening", "afsluiting"] = "afsluiting"


class LeadTimeRule(Struct, tag="leadTime", tag_field="kind", frozen=True):
    """The date at `field` lies at least `minimum` after the moment of filing."""

    id: Identifier
    field: Pointer
    minimum: Duration
    message: Text
    when: dict[str, Any] | bool | None = None


class AfterRule(Struct, tag="after", tag_field="kind", frozen=True):
    """The date at `field` is not before the date at `reference`."""

    id: Identifier
    field: Pointer
    reference: Pointer
    message: Text
    when: dict[str, Any] | bool | None = None


class DistinctRule(Struct, tag="distinct", tag_field="kind", frozen=True):
    """The items of the array at `field` differ in their value at `key`."""

    id: Identifier
    field: Pointer
    key: Pointer
    message: Text
    when: dict[str, Any] | bool | None = None


class Amount(Struct, frozen=True):
    """An amount computed from the answers: exactly one of `field` (the number at a pointer),
    `sum` (the numbers at a pointer through repeatable groups, `*` for every row), `plus` (the
    operands added) or `minus` (the first operand less the others). An operand is an `Amount`
    or a constant number. `name` lets a rule's message show it (`{name}`); `title` labels a
    sum's total where the pages show it, next to the rows it adds up.
    """

    field: Pointer | None = None
    sum: Pointer | None = None
    plus: Annotated[tuple[Operand, ...], msgspec.Meta(min_length=2)] | None = None
    minus: Annotated[tuple[Operand, ...], msgspec.Meta(min_length=2)] | None = None
    name: Identifier | None = None
    title: Text | None = None


Operand = int | float | Amount
AMOUNT_KINDS = ("field", "sum", "plus", "minus")  # an Amount is exactly one of these
Operator = Literal["<=", "<", ">=", ">", "=="]


class CompareRule(Struct, tag="compare", tag_field="kind", frozen=True):
    """The amount `left` stands to `right` as `operator` says; the problem is at `field`.

    The message may show the amounts: `{left}`, `{right}` and `{name}` for a named amount.
    """

    id: Identifier
    field: Pointer
    left: Operand
    operator: Operator
    right: Operand
    message: Text
    when: dict[str, Any] | bool | None = None


class HistoryRule(Struct, tag="history", tag_field="kind", frozen=True):
    """The person whose national register number is at `field` (`*` for every row of a
    repeatable group) may be named in at most `maximum` dossiers of this form filed within
    `period`, counted back from the moment of filing, this one included.

    Checked when the dossier is filed, where the earlier dossiers are counted; the message is
    followed by how many there were and from when the next one can be filed.
    """

    id: Identifier
    field: Pointer
    maximum: Annotated[int, msgspec.Meta(ge=1)]
    period: Period
    message: Text
    when: dict[str, Any] | bool | None = None


Rule = LeadTimeRule | AfterRule | DistinctRule | CompareRule | HistoryRule


class FormAnnotations(Struct, frozen=True):
    """`x-formkit` on the root of a form."""

    prefix: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2,5}$")]
    steps: Annotated[tuple[Step, ...], msgspec.Meta(min_length=1)]
    # "eid-or-login": the eID signature, or a login at a high level of assurance (FAS with
    # the card or itsme, or the card through Web eID), which the receipt then records.
    signature: Literal["none", "eid", "eid-or-login"] = "none"
    # A long form: its parts on a task list (GOV.UK's pattern) that each step leads back to.
    task_list: bool = False
    signer: Pointer | None = None
    retention: Retention | None = None
    rules: tuple[Rule, ...] = ()
    procedure: Procedure | None = None


class AttachmentRule(Struct, frozen=True):
    media_types: Annotated[tuple[str, ...], msgspec.Meta(min_length=1)]
    max_bytes: Annotated[int, msgspec.Meta(ge=1)]


Widget = Literal["text", "textarea", "radio", "select", "checkboxes", "file"]
# How an answer reads on the review page and in letters: "address", a postal address
# (`defs/adres.json`, `defs/belgisch-adres.json`) as the post of its country writes it;
# "amount", a number of euros with two decimals (`1.250,50 EUR`).
Display = Literal["address", "amount"]


class FieldAnnotations(Struct, frozen=True):
    """`x-formkit` on a field."""

    widget: Widget | None = None
    help: str | None = None
    messages: dict[str, str] = msgspec.field(default_factory=dict)
    attachment: AttachmentRule | None = None
    display: Display | None = None
