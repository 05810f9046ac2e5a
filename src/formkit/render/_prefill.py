"""The applicant's answers a login gives: filled in, and not to be changed on the pages.

A citizen logged in at "Mijn dossiers" who starts a form is its applicant: the form's
applicant is the first national register number field in reading order (the rule of
`formkit.filing._parties`), in a list its first item. Beside that number, in the same object,
the fields whose names ask for a given or family name (`voornaam`, `achternaam`) take the
login's names. No form author marks anything: the three forms of the city, and any form that
asks for a person as they do, get it.

`applicant_prefill` says which answers those are, by concrete pointer; `with_prefill` puts
them into a document of answers. The pages show them as text with where they came from
(`StepControls(locked=...)`), and the web edge puts them back into every post and into the
filing, so that a forged post cannot change them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from formkit.forms import _pointer
from formkit.forms._model import Field, Form
from formkit.render._prune import prune

NATIONAL_NUMBER_FORMAT = "be-national-number"
_GONE = object()
GIVEN_NAME_FIELDS = frozenset({"voornaam"})
FAMILY_NAME_FIELDS = frozenset({"achternaam"})


def applicant_prefill(
    form: Form, national_number: str, given_name: str = "", family_name: str = ""
) -> dict[str, str]:
    """The applicant's answers from a login, by concrete pointer; empty: the form names no
    person by a national register number."""
    number = next((f for f in form.walk() if f.format == NATIONAL_NUMBER_FORMAT), None)
    if number is None:
        return {}
    place = _first_item(number.pointer)
    prefill = {place: national_number}
    parent = _pointer.tokens(number.pointer)[:-1]
    for sibling in _children(form, parent):
        value = _name_for(sibling, given_name, family_name)
        if value:
            prefill[_first_item(_pointer.from_path([*parent, sibling.name]))] = value
    return prefill


def with_prefill(
    answers: Mapping[str, Any], prefill: Mapping[str, Any], form: Form | None = None
) -> dict[str, Any]:
    """`answers` with each prefilled answer in place, objects and list items made as needed.

    With `form`, only the prefilled answers that apply to these answers: a person in a branch
    not chosen (a legal entity files for itself) is no answer of this filing, as anything
    else in that branch."""
    document = _put_all(answers, prefill)
    if form is None:
        return document
    kept = prune(form, document)
    applies = {p: v for p, v in prefill.items() if _pointer.resolve(kept, p, _GONE) is not _GONE}
    return document if len(applies) == len(prefill) else _put_all(answers, applies)


def _put_all(answers: Mapping[str, Any], prefill: Mapping[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(dict(answers))
    for pointer, value in prefill.items():
        _put(document, _pointer.tokens(pointer), value)
    return document


def locked_rows(prefill: Mapping[str, Any]) -> frozenset[str]:
    """The list items a prefilled answer lies in: they may not be removed, or the next item
    would move up into the applicant's place and take their name."""
    rows = set()
    for pointer in prefill:
        tokens = _pointer.tokens(pointer)
        for depth, token in enumerate(tokens):
            if token.isdigit():
                rows.add(_pointer.from_path(tokens[: depth + 1]))
    return frozenset(rows)


def _name_for(field: Field, given_name: str, family_name: str) -> str:
    if field.name in GIVEN_NAME_FIELDS:
        return given_name
    if field.name in FAMILY_NAME_FIELDS:
        return family_name
    return ""


def _children(form: Form, path: list[str]) -> tuple[Field, ...]:
    """The fields of the object at `path` (generic; an item of a list: `.../*`)."""
    if path and path[-1] == "*":
        path = path[:-1]  # a list's field holds its item's fields
    if not path:
        return form.fields
    parent = form.field(_pointer.from_path(path))
    return parent.children if parent is not None else ()


def _first_item(pointer: str) -> str:
    """A generic pointer's place in the first item of each list (`/a/*/b` -> `/a/0/b`)."""
    return _pointer.from_path(["0" if t == "*" else t for t in _pointer.tokens(pointer)])


def _put(node: Any, tokens: list[str], value: Any) -> None:
    for index, token in enumerate(tokens[:-1]):
        following = tokens[index + 1]
        empty: Any = [] if following.isdigit() else {}
        if isinstance(node, list):
            position = int(token)
            while len(node) <= position:
                node.append({} if not following.isdigit() else [])
            if not isinstance(node[position], dict | list):
                node[position] = empty
            node = node[position]
        else:
            if not isinstance(node.get(token), dict | list):
                node[token] = empty
            node = node[token]
    last = tokens[-1]
    if isinstance(node, list):
        position = int(last)
        while len(node) <= position:
            node.append(None)
        node[position] = value
    else:
        node[last] = value
