"""The label of a field titled differently in each alternative: "Naam van de vzw", "Naam van
het bedrijf".

Every title is in the label, each in its own span with the conditions of its alternative
(`data-fk-when`), so the page script shows the one that applies as the citizen changes their
choice. The server hides those that do not apply to the answers it has; when none applies yet
(nothing chosen, and no script to choose for the citizen), all stay, separated by a slash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from formkit.forms._labels import display_text
from formkit.forms._model import Field, Step
from formkit.render._guards import guard_holds
from formkit.render._script import guards_attribute

_WORDING = Markup(
    '<span class="fk-wording"{when}{hidden}><span class="fk-wording__or"> / </span>{title}</span>'
)


def label(field: Field, answers: Mapping[str, Any], pointer: str, step: Step) -> str:
    """The field's label: its title, or each of its `wordings` for the script to choose from."""
    if not field.wordings:
        return field.title
    holds = [
        any(guard_holds(g, answers, pointer) for g in wording.active_when)
        for wording in field.wordings
    ]
    parts = []
    for wording, applies in zip(field.wordings, holds, strict=True):
        when = guards_attribute(wording.active_when, pointer, step)
        parts.append(
            _WORDING.format(
                when=Markup(' data-fk-when="{}"').format(when) if when else "",
                hidden=Markup(" hidden") if any(holds) and not applies else "",
                title=display_text(wording.title),
            )
        )
    return Markup("").join(parts)
