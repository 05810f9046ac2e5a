"""`decode_step`: the fields a browser posts for one step, back to JSON answers.

Decoding is the inverse of rendering: for every answer document a browser can express, the
controls of a rendered step, posted as a browser posts them, decode to the same answers. A
browser can express: texts without blanks around them (line ends as `\\n`), numbers, dates,
moments in Brussels wall clock minutes, choices, checked options in the order of the form,
rows of repeatable groups and lists, and references to uploaded files.

Besides the kind of each field, decoding applies three rules: a blank field is no answer; an
object left wholly blank is no answer unless it is required where it stands (then `{}`, so the
citizen reads a message at each of its fields); and the answers of branches that no longer
apply are dropped (`prune`).
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from formkit.forms import _pointer
from formkit.forms._alternatives import CHOICE
from formkit.forms._model import Field, Form, Kind, Step
from formkit.forms._problems import Problem
from formkit.render._actions import NEXT, Action, Move, parse_action
from formkit.render._guards import is_required
from formkit.render._names import ACTION, KEY_SUFFIX, element_id, key_name, pointer_for
from formkit.render._options import by_control_value
from formkit.render._prune import prune
from formkit.render._select import LONG_LIST, by_name, fold
from formkit.render._steps import get_step
from formkit.render._values import (
    DAY,
    MONTH,
    TIME,
    YEAR,
    date_from_parts,
    item_kind,
    members,
    part_name,
    scalar_from_control,
    text,
)

NULL = object()  # the answer JSON null: None is no answer at all
_ROW = re.compile(r"(0|[1-9][0-9]{0,5})")  # an index of a row, as rendered; no other digits
Attachment = Mapping[str, str]  # {"bestand": reference, "naam": label}
# Uploaded files by the name of their file input (the pointer of the attachment slot). Several
# files posted under one name (`<input type=file multiple>`) come as a sequence.
Files = Mapping[str, Attachment | Sequence[Attachment]]


@dataclass(frozen=True, slots=True)
class Decoded:
    answers: dict[str, Any]
    action: Action
    anchor: str | None = None  # after adding or removing: the id of the element to show
    # What was posted but could not be kept as typed (a map's key another row holds), said
    # at its field; what the post held is kept otherwise.
    notes: tuple[Problem, ...] = ()


def decode_step(
    form: Form,
    step_id: str,
    posted: Sequence[tuple[str, str]],
    answers: Mapping[str, Any],
    files: Files | None = None,
) -> Decoded:
    """`answers` with the answers of step `step_id` replaced by what was posted.

    `posted` holds the (name, value) pairs of the form post, file parts left out; `files` the
    files the web layer stored from the same post. An empty file input keeps the file uploaded
    earlier (its reference comes back in hidden fields). The button's action is applied: a row
    added or removed.
    """
    step = get_step(form, step_id)
    places = [(field, _pointer.join("", field.name)) for field in step.fields]
    return _decode(form, step, places, posted, answers, files)


def decode_fields(
    form: Form,
    pointers: Sequence[str],
    posted: Sequence[tuple[str, str]],
    answers: Mapping[str, Any],
    files: Files | None = None,
) -> Decoded:
    """`answers` with the answers at `pointers` (concrete pointers of fields, none inside
    another) replaced by what was posted: a page that asks for some answers only, as a
    completion does. Rows are added and removed only within those answers."""
    places = [(field, p) for p in pointers if (field := form.field(p)) is not None]
    return _decode(form, pointers_step(form, pointers), places, posted, answers, files, pointers)


def pointers_step(form: Form, pointers: Sequence[str]) -> Step:
    """A step of the top-level sections that hold `pointers`: what row buttons, page scripts
    and blank objects are judged within on a page of those answers."""
    names = {_pointer.tokens(p)[0] for p in pointers if p}
    return Step("", "", tuple(f for f in form.fields if f.name in names))


def _decode(
    form: Form,
    step: Step,
    places: Sequence[tuple[Field, str]],
    posted: Sequence[tuple[str, str]],
    answers: Mapping[str, Any],
    files: Files | None,
    within: Sequence[str] | None = None,
) -> Decoded:
    fields = _Posted(posted, files or {})
    action = parse_action(form, step, fields.first(ACTION))
    if within is not None and action.target and not _inside(action.target, within):
        action = NEXT
    removed = action.target if action.move is Move.REMOVE else None
    reader = _Reader(fields, removed)
    document: dict[str, Any] = copy.deepcopy(dict(answers))
    for field, pointer in places:
        _put_at(document, pointer, reader.value(field, pointer))
    anchor = None
    if action.move is Move.ADD:
        anchor = _add_row(form, document, action.target)
    elif action.move is Move.REMOVE:
        anchor = element_id(_container(form, action.target))
    document = prune(form, document, choices=True)
    _tidy(step.fields, document)
    return Decoded(prune(form, document, choices=True), action, anchor, tuple(reader.notes))


class _Posted:
    """The posted fields by name, and which rows were posted under each pointer."""

    def __init__(self, posted: Sequence[tuple[str, str]], files: Files) -> None:
        self.values: dict[str, list[str]] = defaultdict(list)
        self.below: dict[str, set[str]] = defaultdict(set)
        self.files = files
        for name, value in posted:
            self.values[name].append(value)
            self._index(name)
        for name in files:
            self._index(name)

    def _index(self, name: str) -> None:
        pointer = pointer_for(name)
        if pointer is None:
            return
        tokens = pointer.split("/")  # still escaped: prefixes match the pointers of fields
        for depth in range(1, len(tokens)):
            self.below["/".join(tokens[:depth])].add(tokens[depth])

    def first(self, name: str) -> str | None:
        values = self.values.get(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def map_rows(self, pointer: str) -> list[str]:
        """The rows of the map at `pointer`, in the order posted: each has its key's input."""
        prefix = pointer + "/"
        return [
            name.removesuffix(KEY_SUFFIX)
            for name in self.values
            if name.startswith(prefix)
            and name.endswith(KEY_SUFFIX)
            and "/" not in name[len(prefix) : -len(KEY_SUFFIX)]
        ]

    def rows(self, pointer: str) -> list[int]:
        return sorted(int(t) for t in self.below.get(pointer, ()) if _ROW.fullmatch(t))


class _Reader:
    def __init__(self, posted: _Posted, removed: str | None) -> None:
        self.posted = posted
        self.removed = removed
        self.notes: list[Problem] = []

    def value(self, field: Field, pointer: str) -> Any:
        """The answer the controls at `pointer` hold, None when they hold none."""
        kind = field.kind
        if kind is Kind.OBJECT:
            return self._object(field.children, pointer)
        if kind is Kind.TUPLE:
            return self._tuple(field, pointer)
        if kind is Kind.MAP:
            return self._map(field, pointer)
        if kind is Kind.GROUP:
            rows = [self._object(field.children, p) for p in self._rows(pointer)]
            return rows or None
        if kind is Kind.LIST:
            return self._list(field, pointer)
        if kind is Kind.LISTS:  # a row posted blank is an empty list: it is shown
            (item,) = field.children
            lists = [self.value(item, p) for p in self._rows(pointer)]
            return [[] if row is None else row for row in lists] or None
        if kind is Kind.ATTACHMENT:
            return self._attachments(pointer) if field.multiple else self._attachment(pointer)
        if kind is Kind.NULL:  # its hidden field: the answer is null where it is posted
            return NULL if self.posted.first(pointer) is not None else None
        if kind in {Kind.CHOICE, Kind.BOOLEAN}:
            return self._choice(field, self.posted.first(pointer))
        if kind is Kind.CHOICES:
            return self._choices(field, pointer)
        if kind in {Kind.DATE, Kind.DATE_TIME}:
            parts = {n: self.posted.first(part_name(pointer, n)) for n in (DAY, MONTH, YEAR, TIME)}
            if any(value is not None for value in parts.values()):
                return date_from_parts(kind, {n: value or "" for n, value in parts.items()})
        # One text for the whole value: an ISO date or moment, or `28/08/2027`, as a program
        # (or a page from before the three fields) posts it.
        raw = self.posted.first(pointer)
        return None if raw is None else scalar_from_control(kind, raw, field.format)

    def _object(self, children: tuple[Field, ...], pointer: str) -> dict[str, Any]:
        values = ((c.name, self.value(c, _pointer.join(pointer, c.name))) for c in children)
        return {name: _json(value) for name, value in values if value is not None}

    def _tuple(self, field: Field, pointer: str) -> list[Any] | None:
        """The positions up to the last one answered; a blank one before it is null, so that
        nothing typed after it moves (validation says what is missing there)."""
        values = [self.value(c, _pointer.join(pointer, c.name)) for c in field.children]
        while values and values[-1] is None:
            values.pop()
        return [_json(v) for v in values] or None

    def _map(self, field: Field, pointer: str) -> dict[str, Any] | None:
        """A key per row as typed, with its value; a blank row is none. A row renamed to a
        key another row holds keeps the key it had, so that no value is lost."""
        (item,) = field.children
        rows = []
        for place in self.posted.map_rows(pointer):
            if place != self.removed:
                had = _pointer.tokens(place)[-1]
                typed = text(self.posted.first(key_name(place)) or "")
                rows.append((had, typed, self.value(item, place)))
        kept = {typed for had, typed, _ in rows if typed == had}
        found: dict[str, Any] = {}
        for had, typed, value in rows:
            if typed or value is not None:
                taken = typed in found or (typed != had and typed in kept)
                reserved = typed == CHOICE  # the name of a choice between alternatives
                kept_key = "" if had == CHOICE else had
                found[kept_key if taken or reserved else typed] = _json(value)
                if taken or reserved:
                    self._note_key(field, _pointer.join(pointer, had), typed, reserved)
        return found or None

    def _note_key(self, field: Field, row: str, typed: str, reserved: bool) -> None:
        keys = field.schema.get("propertyNames")
        label = (keys.get("title") if isinstance(keys, Mapping) else None) or "Naam"
        if reserved:
            message = f"{label} {typed} kan niet: formkit gebruikt die naam zelf. Kies een andere."
        else:
            message = f"{label} {typed} staat al in een andere rij. Kies een andere."
        self.notes.append(
            Problem(key_name(row), "reservedKey" if reserved else "duplicateKey", message)
        )

    def _rows(self, pointer: str) -> list[str]:
        """The rows posted under `pointer`, in order, gaps closed, the removed one left out."""
        places = (_pointer.join(pointer, i) for i in self.posted.rows(pointer))
        return [p for p in places if p != self.removed]

    def _list(self, field: Field, pointer: str) -> list[Any] | None:
        kind, item_format = item_kind(field)
        values = []
        for place in self._rows(pointer):
            raw = self.posted.first(place) or ""
            value = scalar_from_control(kind, raw, item_format)
            values.append("" if value is None else value)  # a blank row stays: it is shown
        return values or None

    def _choices(self, field: Field, pointer: str) -> list[Any] | None:
        """The checked options in the order of the form; values it does not know after them."""
        known = by_control_value(field)
        order = {text: index for index, text in enumerate(known)}
        posted = [value for raw in self.posted.all(pointer) if (value := text(raw))]
        posted.sort(key=lambda value: order.get(value, len(order)))
        return [known.get(value, value) for value in posted] or None

    def _choice(self, field: Field, raw: str | None) -> Any:
        if raw is None or not (value := text(raw)):
            return None
        known = by_control_value(field)
        if field.name == CHOICE:  # no answer, so none to keep as typed: an unknown one is none
            return known.get(value)
        if value in known or len(known) <= LONG_LIST:
            return known.get(value, value)
        # A long list is typed (`_select.py`): its names read too; what none is stays as typed.
        return by_name(field.choices).get(fold(value), value)

    def _attachment(self, pointer: str) -> dict[str, str] | None:
        if pointer == self.removed:
            return None
        uploaded = self.posted.files.get(pointer)
        if isinstance(uploaded, Mapping):
            return dict(uploaded)
        if uploaded:
            return dict(uploaded[-1])
        return self._kept(pointer)

    def _attachments(self, pointer: str) -> list[dict[str, str]] | None:
        kept = [self._kept(place) for place in self._rows(pointer)]
        files = [f for f in kept if f is not None]
        uploaded = self.posted.files.get(pointer)
        if isinstance(uploaded, Mapping):
            files.append(dict(uploaded))
        elif uploaded:
            files.extend(dict(u) for u in uploaded)
        return files or None

    def _kept(self, pointer: str) -> dict[str, str] | None:
        """An earlier upload, posted back in hidden fields."""
        reference = _line(self.posted.first(_pointer.join(pointer, "bestand")))
        if not reference:
            return None
        label = _line(self.posted.first(_pointer.join(pointer, "naam")))
        return {"bestand": reference, "naam": label} if label else {"bestand": reference}


def _json(value: Any) -> Any:
    return None if value is NULL else value


def _line(raw: str | None) -> str:
    return (raw or "").replace("\r\n", "\n")


def _put_at(document: dict[str, Any], pointer: str, value: Any) -> None:
    """Place `value` at `pointer` (None: remove what is there), making the objects on the way
    that are missing; a row on the way that is missing leaves the document as it is."""
    *parents, name = _pointer.tokens(pointer)
    node: Any = document
    for token in parents:
        below = _pointer.child(node, token)
        if below is None and isinstance(node, dict) and value is not None:
            below = node[token] = {}
        if not isinstance(below, dict | list):
            return
        node = below
    if not isinstance(node, dict):
        return
    if value is None:
        node.pop(name, None)
    else:
        node[name] = _json(value)


def _inside(pointer: str, places: Sequence[str]) -> bool:
    return any(pointer == p or pointer.startswith(p + "/") for p in places)


def _add_row(form: Form, document: dict[str, Any], pointer: str) -> str | None:
    field = form.field(pointer)
    if field is not None and field.kind is Kind.MAP:
        return _add_key(field, document, pointer)
    rows = _list_at(document, pointer)
    if field is None or rows is None:
        return None
    if field.max_items is None or len(rows) < field.max_items:
        rows.append({} if field.kind is Kind.GROUP else [] if field.kind is Kind.LISTS else "")
    return element_id(_pointer.join(pointer, len(rows) - 1)) if rows else None


def _list_at(document: dict[str, Any], pointer: str) -> list[Any] | None:
    """The list at `pointer`, made when missing; None when its place is not there."""
    rows = _made_at(document, pointer, [])
    return rows if isinstance(rows, list) else None


def _made_at(document: dict[str, Any], pointer: str, empty: list[Any] | dict[str, Any]) -> Any:
    """What is at `pointer` (`empty` made there when missing, in an object), or None when its
    place is not there: a row of a list of lists is never made."""
    *parents, name = _pointer.tokens(pointer)
    node: Any = _pointer.resolve(document, _pointer.from_path(parents))
    if isinstance(node, list):
        return node[int(name)] if name.isdigit() and int(name) < len(node) else None
    return node.setdefault(name, empty) if isinstance(node, dict) else None


def _add_key(field: Field, document: dict[str, Any], pointer: str) -> str | None:
    """A blank row of a map: the key "", one at a time."""
    keys = _made_at(document, pointer, {})
    if not isinstance(keys, dict):
        return None
    if "" not in keys and (field.max_items is None or len(keys) < field.max_items):
        keys[""] = None
    return element_id(_pointer.join(pointer, "")) if "" in keys else None


def _container(form: Form, pointer: str) -> str:
    """The group, list, map or attachment slot a removed row, key or file belonged to."""
    tokens = _pointer.tokens(pointer)
    parent = _pointer.from_path(tokens[:-1])
    if tokens[-1].isdigit():
        return parent
    around = form.field(parent)
    return parent if around is not None and around.kind is Kind.MAP else pointer


def _tidy(fields: tuple[Field, ...], document: dict[str, Any]) -> None:
    """Innermost first: drop each `{}` that is not required where it stands, and put null where
    a null-only field is required now (it has no control that could)."""
    inside = (
        _objects(field, document[field.name], _pointer.join("", field.name))
        for field in fields
        if field.name in document
    )
    for children, node, pointer in (*chain.from_iterable(inside), (fields, document, "")):
        for child in children:
            place = _pointer.join(pointer, child.name)
            if child.kind is Kind.NULL:
                if child.name not in node and is_required(child, document, place):
                    node[child.name] = None
            elif _blank_object(child, node) and not is_required(child, document, place):
                del node[child.name]


def _blank_object(field: Field, node: dict[str, Any]) -> bool:
    """An object with no answers (a choice between alternatives alone is none)."""
    value = node.get(field.name)
    return field.kind is Kind.OBJECT and isinstance(value, dict) and set(value) <= {CHOICE}


def _objects(
    field: Field, value: Any, pointer: str
) -> Iterator[tuple[tuple[Field, ...], dict[str, Any], str]]:
    """The objects in `field`'s answer with their fields and pointers, innermost first."""
    for place, each in members(field, value, pointer):  # a list of lists, a map
        yield from _objects(field.children[0], each, place)
    if field.kind is Kind.GROUP and isinstance(value, list):
        rows = [(row, _pointer.join(pointer, i)) for i, row in enumerate(value)]
    elif field.kind is Kind.OBJECT:
        rows = [(value, pointer)]
    else:
        return
    for row, place in rows:
        if isinstance(row, dict):
            for child in field.children:
                if child.name in row:
                    yield from _objects(child, row[child.name], _pointer.join(place, child.name))
            yield field.children, row, place
