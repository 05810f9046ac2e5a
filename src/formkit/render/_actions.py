"""What a citizen asks for with the button that posted a step.

Every button of a step page posts the whole step (nothing typed is lost) plus its own value
under `_actie`: `volgende`, `vorige`, `bewaren` (keep the draft, continue later),
`naar:<step id>`, `toevoegen:<pointer of a repeatable group>` or `verwijderen:<pointer of a
row or an uploaded file>`. Pressing Enter in a field posts the first button, `volgende`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from formkit.forms import _pointer
from formkit.forms._model import Form, Kind, Step


class Move(enum.StrEnum):
    NEXT = "volgende"
    PREVIOUS = "vorige"
    SAVE = "bewaren"
    GOTO = "naar"
    ADD = "toevoegen"
    REMOVE = "verwijderen"


@dataclass(frozen=True, slots=True)
class Action:
    move: Move
    target: str = ""  # ADD, REMOVE: a pointer into the answers; GOTO: a step id

    @property
    def value(self) -> str:
        """The button's value that asks for this action."""
        return f"{self.move}:{self.target}" if self.target else str(self.move)

    @property
    def stays(self) -> bool:
        """Adding or removing shows the same step again, without messages."""
        return self.move in {Move.ADD, Move.REMOVE}


NEXT = Action(Move.NEXT)


def parse_action(form: Form, step: Step, value: str | None) -> Action:
    """The action a posted button value asks for; anything unknown is `volgende`."""
    move_text, _, target = (value or "").partition(":")
    try:
        move = Move(move_text)
    except ValueError:
        return NEXT
    action = Action(move, target)
    return action if _makes_sense(form, step, action) else NEXT


def _makes_sense(form: Form, step: Step, action: Action) -> bool:
    if action.move is Move.GOTO:
        return any(s.id == action.target for s in form.steps)
    if action.move is Move.ADD:
        return _in_step(step, action.target) and _kind(form, action.target) in _GROWS
    if action.move is Move.REMOVE:
        return _in_step(step, action.target) and _removable(form, action.target)
    return not action.target


_GROWS = {Kind.GROUP, Kind.LIST, Kind.LISTS, Kind.MAP}


def _kind(form: Form, pointer: str) -> Kind | None:
    field = form.field(pointer)
    return None if field is None else field.kind


def _removable(form: Form, pointer: str) -> bool:
    """A row of a repeatable group or list, a key of a map, an uploaded file among several,
    or the only one."""
    tokens = _pointer.tokens(pointer)
    around = form.field(_pointer.from_path(tokens[:-1])) if tokens else None
    if around is not None and around.kind is Kind.MAP:
        return True
    if tokens and tokens[-1].isdigit():
        return around is not None and (around.kind in _GROWS or around.kind is Kind.ATTACHMENT)
    return _kind(form, pointer) is Kind.ATTACHMENT


def _in_step(step: Step, pointer: str) -> bool:
    tokens = _pointer.tokens(pointer) if pointer.startswith("/") else []
    return bool(tokens) and any(f.name == tokens[0] for f in step.fields)
