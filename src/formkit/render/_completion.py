"""Which answers a completion page asks for: the places the city pointed at, or its files.

The city names what is missing by JSON Pointers into the answers (`FindIncomplete.pointers`):
an answer, a whole section, an attachment slot, a row of a repeatable group (the page asks for
the group), or a field in every row (`/aanvragers/personen/*/adres`). The page asks for those
answers only, each at a concrete place in the dossier's current answers. A pointer the form
does not know, or to a row the answers do not have, is left out; one inside another is
covered by it.

When the city named nothing, the message says what is missing and a citizen expects to hand
in documents: the page then offers the form's attachment slots.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from formkit.forms import _pointer
from formkit.forms._model import Form


def asked_places(
    form: Form, pointers: Sequence[str], answers: Mapping[str, Any]
) -> tuple[str, ...]:
    """The concrete pointers of the answers the page asks for, in the form's order."""
    wanted = pointers or tuple(slot.pointer for slot in form.attachment_slots)
    places: list[str] = []
    for pointer in wanted:
        field = _field_place(form, pointer)
        if field is not None:
            places.extend(_concrete(answers, _pointer.tokens(field), ""))
    unique = list(dict.fromkeys(places))
    kept = [p for p in unique if not any(_inside(p, other) for other in unique if other != p)]
    return tuple(sorted(kept, key=lambda p: (form.order(p), _rows(p))))


def _field_place(form: Form, pointer: str) -> str | None:
    """The pointer of the field it names: a row or one file among several names its list."""
    try:
        tokens = _pointer.tokens(pointer)
    except ValueError:  # not a pointer at all
        return None
    while tokens and (tokens[-1] == "*" or tokens[-1].isdigit()):
        tokens = tokens[:-1]
    place = _pointer.from_path(tokens)
    return place if tokens and form.field(place) is not None else None


def _concrete(node: Any, tokens: list[str], at: str) -> Iterator[str]:
    """The places the pointer names: each row for `*`, rows that exist for an index; objects
    on the way may be missing (the page makes them)."""
    if not tokens:
        yield at
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*" or head.isdigit():
        rows = node if isinstance(node, list) else []
        indexes = range(len(rows)) if head == "*" else [int(head)]
        for index in indexes:
            if index < len(rows):
                yield from _concrete(rows[index], rest, _pointer.join(at, index))
    else:
        yield from _concrete(_pointer.child(node, head), rest, _pointer.join(at, head))


def _inside(pointer: str, other: str) -> bool:
    return pointer.startswith(other + "/")


def _rows(pointer: str) -> tuple[int, ...]:
    return tuple(int(t) for t in _pointer.tokens(pointer) if t.isdigit())
