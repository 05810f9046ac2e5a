"""Alternatives a citizen chooses: a `oneOf` (or `anyOf`) of objects that no `const` tells
apart. Each branch's `title` labels an option of a choice the page asks first; the branch's
fields follow it.

The choice is no answer of the form: the page posts it as `#keuze` inside the object, the
draft keeps it, and `strip_choices` takes it out before anything is validated, filed or
shown. Without it (answers an integrator posted, or a draft from before) the branch is the one
the answers belong to: the first they validate against; if none, the first whose properties
hold every answer given and one of its own (a property only it has counts first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from formkit.forms._model import Field

CHOICE = "#keuze"  # the choice's name inside the object: no property of a form starts with #
Schema = Mapping[str, Any]


def chosen_schema(index: int) -> dict[str, Any]:
    """The page chose branch `index` (as its radio posts it)."""
    return {"properties": {CHOICE: {"const": index}}, "required": [CHOICE]}


def belongs_schema(branches: Sequence[Schema], index: int, shared: Sequence[str]) -> Schema:
    """Holds when the object's answers are branch `index`'s: chosen on the page, or, without a
    choice, told by the answers. `shared`: the object's own properties, beside the branches."""
    names = [_names(b) for b in branches]
    valid = list(branches)
    fits = [_fits(names[i], shared) for i in range(len(branches))]
    owns = [_owns(names[i], names, i) for i in range(len(branches))]
    owned = _both(fits, owns)  # fits, with an answer only this branch asks
    first_valid = {"allOf": [valid[index], _none(valid[:index])]}
    by_own = {"allOf": [owned[index], _none(owned[:index])]}
    by_fit = {"allOf": [fits[index], _none(owned), _none(fits[:index])]}
    told = {"allOf": [_none(valid), {"anyOf": [by_own, by_fit]}]}
    unchosen = {"not": {"required": [CHOICE]}, "anyOf": [first_valid, told]}
    return {"anyOf": [chosen_schema(index), unchosen]}


def _names(branch: Schema) -> set[str]:
    properties = branch.get("properties")
    return set(properties) if isinstance(properties, Mapping) else set()


def _fits(names: set[str], shared: Sequence[str]) -> Schema:
    """Every answer given is one of the branch's or the object's own, and one is the branch's."""
    allowed = sorted(names | set(shared))
    return {
        "propertyNames": {"enum": allowed},
        "anyOf": [{"required": [n]} for n in sorted(names - set(shared))] or [False],
    }


def _owns(names: set[str], every: list[set[str]], index: int) -> Schema | bool:
    """An answer to a property no other branch has."""
    others = set().union(*(n for i, n in enumerate(every) if i != index))
    own = sorted(names - others)
    return {"anyOf": [{"required": [n]} for n in own]} if own else False


def _both(first: list[Schema], second: list[Schema | bool]) -> list[Schema]:
    return [{"allOf": [a, b]} for a, b in zip(first, second, strict=True)]


def _none(schemas: Sequence[Any]) -> Schema:
    return {"not": {"anyOf": list(schemas)}} if schemas else {}


def strip_choices(document: Any) -> Any:
    """`document` without the choices the page made: itself when it holds none (most forms
    have no alternatives, and validating, pruning and filing each ask), else a copy."""
    return _without_choices(document) if _holds_choice(document) else document


def _holds_choice(document: Any) -> bool:
    if isinstance(document, Mapping):
        return CHOICE in document or any(map(_holds_choice, document.values()))
    return isinstance(document, list) and any(map(_holds_choice, document))


def _without_choices(document: Any) -> Any:
    if isinstance(document, Mapping):
        return {k: _without_choices(v) for k, v in document.items() if k != CHOICE}
    if isinstance(document, list):
        return [_without_choices(v) for v in document]
    return document


def answered_branch(node: Mapping[str, Any], fields: Sequence[Field]) -> int | None:
    """The branch an object's answers belong to, without a choice made on a page: the one whose
    condition (held by its fields' guards) holds; none for an object not answered."""
    if not node:
        return None
    for field in fields:
        for guard in field.active_when:
            for condition in guard:
                branch = _branch(condition.page)
                if branch is not None and condition.holds(node):
                    return branch
    return None


def _branch(page: Mapping[str, Any] | None) -> int | None:
    test = (page or {}).get("properties", {}).get(CHOICE)
    return test.get("const") if isinstance(test, Mapping) else None
