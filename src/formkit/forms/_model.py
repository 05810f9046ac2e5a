"""The immutable model of a form that renderers and the filing code work from.

A `Form` is derived entirely from its JSON Schema: the steps, every field with its JSON Pointer
(array items as `*`), the conditions under which a field applies, the attachment slots and the
cross-field rules. Nothing here is written by hand per form.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from formkit.forms import _pointer
from formkit.forms._engine import Engine
from formkit.forms._vocabulary import AttachmentRule, FieldAnnotations, FormAnnotations, Rule


class Kind(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    DATE_TIME = "date-time"
    CHOICE = "choice"  # one of labelled values
    CHOICES = "choices"  # several of labelled values
    OBJECT = "object"  # a group of fields: a fieldset
    GROUP = "group"  # a repeatable group: an array of objects
    LIST = "list"  # an array of plain values
    LISTS = "lists"  # an array of arrays: its one child is the item, a list or group per row
    TUPLE = "tuple"  # an array of fixed positions (`prefixItems`): a child per position
    MAP = "map"  # an object of keys the citizen names: its one child is the value, at `/*`
    ATTACHMENT = "attachment"  # one or several files
    NULL = "null"  # can only be null: nothing to ask, the answer is null where it is given


@dataclass(frozen=True, slots=True)
class Choice:
    value: Any
    title: str
    description: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Condition:
    """Holds when the object at `scope` (a field pointer, `""` for the root) matches `schema`.

    `expect=False` turns it around: the `else` of an `if`.
    """

    scope: str
    schema: Mapping[str, Any] | bool
    expect: bool
    engine: Engine = field(compare=False, repr=False)
    origin: str = field(default="", compare=False)  # where the schema says so
    # What the page asks instead, where the answers alone cannot say it: the choice between
    # alternatives (`_alternatives.py`). The page script and the follow-up layout read this.
    page: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def on_page(self) -> Mapping[str, Any] | bool:
        return self.schema if self.page is None else self.page

    def holds(self, scope_value: Any) -> bool:
        return self.engine.is_valid(scope_value) is self.expect


Guard = tuple[Condition, ...]  # all must hold; empty: always


@dataclass(frozen=True, slots=True)
class Wording:
    """The title one declaration gives a field that is declared in several alternatives
    (`oneOf` branches, `if`/`then`): "Naam van de vzw", "Naam van het bedrijf". It holds
    where any of `active_when` does."""

    title: str
    active_when: tuple[Guard, ...]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    pointer: str  # generic: array items as `*`
    title: str
    kind: Kind
    schema: Mapping[str, Any] = field(repr=False)
    description: str | None = None
    annotations: FieldAnnotations = field(default_factory=FieldAnnotations, repr=False)
    format: str | None = None
    choices: tuple[Choice, ...] = ()
    children: tuple[Field, ...] = ()
    origin: str = field(default="", compare=False)  # where the schema declares it
    active_when: tuple[Guard, ...] = ((),)  # applies when any guard holds
    required_when: tuple[Guard, ...] = ()
    # Titles per alternative, when its declarations title the field differently; else ().
    wordings: tuple[Wording, ...] = ()

    @property
    def conditional(self) -> bool:
        return () not in self.active_when

    @property
    def required(self) -> bool:
        """Required whatever else is answered (conditional requirements: `required_when`)."""
        return () in self.required_when

    @property
    def help(self) -> str | None:
        return self.annotations.help

    @property
    def widget(self) -> str | None:
        return self.annotations.widget

    @property
    def attachment(self) -> AttachmentRule | None:
        return self.annotations.attachment

    @property
    def multiple(self) -> bool:
        return self.schema.get("type") == "array"

    @property
    def item_title(self) -> str:
        """What one item of a list is called (`Initiatiefnemer`), or the field's own title."""
        items = self.schema.get("items")
        title = items.get("title") if isinstance(items, Mapping) else None
        return str(title or self.title)

    @property
    def min_items(self) -> int:
        """The fewest rows (`minItems`; a map's keys: `minProperties`)."""
        return int(self.schema.get("minItems", self.schema.get("minProperties", 0)))

    @property
    def max_items(self) -> int | None:
        value = self.schema.get("maxItems", self.schema.get("maxProperties"))
        return None if value is None else int(value)

    def walk(self) -> Iterator[Field]:
        yield self
        for child in self.children:
            yield from child.walk()


# What a token below names a row, an item or a position of, rather than a property.
_CONTAINERS = {
    Kind.GROUP,
    Kind.LIST,
    Kind.LISTS,
    Kind.TUPLE,
    Kind.MAP,
    Kind.CHOICES,
    Kind.ATTACHMENT,
}


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    fields: tuple[Field, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    when: Engine | None = field(compare=False, repr=False)

    def applies(self, answers: Any) -> bool:
        return self.when is None or self.when.is_valid(answers)


@dataclass(frozen=True, slots=True)
class Form:
    """A loaded form. Build one with `formkit.load_form`."""

    id: str
    title: str
    description: str | None
    version: str  # "sha256:<hex>" of the canonical bundled schema
    schema: Mapping[str, Any] = field(repr=False)  # self-contained: shared definitions bundled
    annotations: FormAnnotations = field(repr=False)
    steps: tuple[Step, ...] = field(repr=False)
    fields: tuple[Field, ...] = field(repr=False)  # top level, in the order of the schema
    rules: tuple[CompiledRule, ...] = field(repr=False)
    engine: Engine = field(compare=False, repr=False)
    source: str = field(default="", compare=False)
    resources: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # The procedure's departments asked for advice by default, each with its condition.
    default_advisers: tuple[tuple[str, Engine | None], ...] = field(
        default=(), compare=False, repr=False
    )
    _index: Mapping[str, Field] = field(default_factory=dict, compare=False, repr=False)
    _order: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    _attachment_slots: tuple[Field, ...] = field(default=(), compare=False, repr=False)

    @property
    def prefix(self) -> str:
        return self.annotations.prefix

    @property
    def signature_required(self) -> bool:
        """Filing needs the citizen's eID signature (or, `login_accepted`, a sure login)."""
        return self.annotations.signature != "none"

    @property
    def login_accepted(self) -> bool:
        """A citizen logged in at a high level of assurance may file without the card."""
        return self.annotations.signature == "eid-or-login"

    def walk(self) -> Iterator[Field]:
        for top in self.fields:
            yield from top.walk()

    def field(self, pointer: str) -> Field | None:
        """The field at a pointer into the answers (`/initiatiefnemers/1/adres` or with `*`)."""
        found = self._index.get(_pointer.generic(pointer))
        if found is not None:
            return found
        model = self._model_pointer(pointer)  # through a tuple's positions or a map's keys
        return None if model is None else self._index.get(model)

    def order(self, pointer: str) -> int:
        """Position of the field in the form, for listing problems in reading order."""
        generic = self._model_pointer(pointer) or _pointer.generic(pointer)
        while generic:
            if generic in self._order:
                return self._order[generic]
            generic = generic.rsplit("/", 1)[0]
        return len(self._order)

    def _model_pointer(self, pointer: str) -> str | None:
        """The pointer of the field in the model: a row of a list and a key of a map as `*`, a
        tuple's position as itself (where `_pointer.generic` makes every number `*`); None: no
        such field."""
        model = ""
        container: Field | None = None
        for token in _pointer.tokens(pointer):
            rows = container is not None and container.kind is not Kind.TUPLE
            model = f"{model}/*" if rows else _pointer.join(model, token)
            field = self._index.get(model)
            if field is None and not rows:
                return None
            container = field if field is not None and field.kind in _CONTAINERS else None
        return model

    @property
    def attachment_slots(self) -> tuple[Field, ...]:
        return self._attachment_slots
