"""Whether a field applies, or must be answered, at one place in an answer document.

A `Condition` is stated on the object at its `scope`: a generic pointer (array items as `*`)
that is the field's own parent or an ancestor of it. At a concrete place such as
`/aanvragers/personen/2/voornaam` the scope is read with the same row indexes.
"""

from __future__ import annotations

from typing import Any

from formkit.forms import _pointer
from formkit.forms._model import Condition, Field, Guard

_MISSING = object()


def concrete_scope(scope: str, pointer: str) -> str:
    """`scope` (generic) at the rows of `pointer` (concrete), which lies inside it."""
    depth = len(_pointer.tokens(scope))
    return _pointer.from_path(_pointer.tokens(pointer)[:depth])


def condition_holds(condition: Condition, document: Any, pointer: str) -> bool:
    value = _pointer.resolve(document, concrete_scope(condition.scope, pointer), _MISSING)
    return value is not _MISSING and condition.holds(value)


def guard_holds(guard: Guard, document: Any, pointer: str) -> bool:
    return all(condition_holds(c, document, pointer) for c in guard)


def is_active(field: Field, document: Any, pointer: str) -> bool:
    return not field.conditional or any(
        guard_holds(g, document, pointer) for g in field.active_when
    )


def is_required(field: Field, document: Any, pointer: str) -> bool:
    return field.required or any(guard_holds(g, document, pointer) for g in field.required_when)


def title_at(field: Field, document: Any, pointer: str) -> str:
    """The field's title where it stands: that of the alternative that applies (`wordings`)."""
    for wording in field.wordings:
        if any(guard_holds(g, document, pointer) for g in wording.active_when):
            return wording.title
    return field.title
