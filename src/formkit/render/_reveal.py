"""Follow-up questions right under the question that triggers them (GOV.UK "conditionally
revealing a related question").

A field that applies only for some answers of a sibling choice ("Welk soort evenement?" when
"Soort evenement" is "Ander soort evenement") is shown in a block right after that choice, not
where the schema happens to declare it. The options that reveal it name the block
(`aria-controls`); the page script hides it while nothing in it applies. `aria-expanded`, which
GOV.UK Frontend sets on such options, ARIA 1.2 does not allow on a radio or a select (axe's
aria-allowed-attr refuses it), so it is left out. Without the script every follow-up stays
visible, so each says when it applies.

Only what a reader can follow is moved: a field whose every guard is one condition on one
sibling, that it has one of a few values (`const`, `enum`). Anything else stays in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from formkit.forms._model import Field, Kind
from formkit.render._options import title_of

_TRIGGERS = {Kind.CHOICE, Kind.BOOLEAN}
_IGNORED = {"title", "description", "$comment"}


@dataclass(frozen=True, slots=True)
class Trigger:
    field: Field  # the sibling question
    values: tuple[Any, ...]  # its answers for which the follow-up applies

    def when_text(self) -> str:
        """When the follow-up applies, for a reader without the script."""
        names = [f"‘{title_of(self.field, v) or v}’" for v in self.values]
        chosen = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} of {names[-1]}"
        return f"Alleen als u {chosen} kiest bij ‘{self.field.title}’."


def trigger_of(field: Field, siblings: Sequence[Field]) -> Trigger | None:
    """The sibling choice that decides whether `field` applies, and for which answers."""
    if not field.conditional:
        return None
    scope = field.pointer.rpartition("/")[0]
    name: str | None = None
    values: list[Any] = []
    for guard in field.active_when:
        if len(guard) != 1 or not guard[0].expect or guard[0].scope != scope:
            return None
        asked = _asked(guard[0].on_page)
        if asked is None or name not in {None, asked[0]}:
            return None
        name = asked[0]
        values += [v for v in asked[1] if v not in values]
    trigger = next((s for s in siblings if s.name == name), None)
    if trigger is None or trigger.kind not in _TRIGGERS:
        return None
    return Trigger(trigger, tuple(values))


def _asked(schema: Any) -> tuple[str, list[Any]] | None:
    """`{"properties": {name: {"const": v}}, "required": [name]}` (or an `enum`): name, values."""
    if not isinstance(schema, Mapping) or set(schema) - _IGNORED - {"properties", "required"}:
        return None
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or len(properties) != 1:
        return None
    [(name, test)] = properties.items()
    if schema.get("required") != [name] or not isinstance(test, Mapping):
        return None
    if set(test) - _IGNORED == {"const"}:
        return name, [test["const"]]
    if set(test) - _IGNORED == {"enum"} and isinstance(test["enum"], list):
        return name, list(test["enum"])
    return None
