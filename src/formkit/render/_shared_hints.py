"""Rows after the first of a repeatable group show no hints of their own: they point at the
first row's.

Ten applicants with the same eleven hints each is a page of repeated text (a third of its
bytes), and no help to whoever reads it: the first row says it, right above. A later row's
control stays described by that hint (`aria-describedby` names the first row's), so a screen
reader still reads it at every field.

Only where the first row surely shows the hint: a control that shows whatever is answered in
its row. A conditional part (`data-fk-when`: an address in Belgium or abroad) keeps its hints,
because the first row may hide its own, and follow-up questions keep theirs likewise.
"""

from __future__ import annotations

from collections.abc import Iterator

from formkit.render._controls import Control, Row


def sharing_hints(rows: list[Row]) -> list[Row]:
    """`rows`, the later ones without the hints that the first row shows.

    Changes their controls in place: a page makes its controls afresh, and a copy of each
    cost more than the hint it saves."""
    if len(rows) < 2:
        return rows
    first = rows[0]
    hints = {
        control.pointer[len(first.pointer) :]: control
        for control in _unconditional(first.controls)
        if control.hint
    }
    if hints:
        for row in rows[1:]:
            for control in _unconditional(row.controls):
                shown = hints.get(control.pointer[len(row.pointer) :])
                if shown is not None and shown.hint == control.hint:
                    control.hint, control.hint_of = (), shown.hint_id
    return rows


def _unconditional(controls: tuple[Control, ...]) -> Iterator[Control]:
    """The controls shown whenever their row is, and those inside them (not another group's
    rows: that group shares its own first row's hints)."""
    for control in controls:
        if control.when is None:
            yield control
            yield from _unconditional(control.controls)
