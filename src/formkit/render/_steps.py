"""Steps: which step holds an answer, which problems a citizen has reached, what comes next."""

from __future__ import annotations

from collections.abc import Iterable

from formkit.forms import _pointer
from formkit.forms._model import Form, Step
from formkit.forms._problems import Problem


def get_step(form: Form, step_id: str) -> Step:
    for step in form.steps:
        if step.id == step_id:
            return step
    raise KeyError(f"form {form.id!r} has no step {step_id!r}")


def step_index(form: Form, step_id: str) -> int:
    return form.steps.index(get_step(form, step_id))


def step_of(form: Form, pointer: str) -> Step:
    """The step that asks for the answer at `pointer`; the first step for the whole document."""
    tokens = _pointer.tokens(pointer)
    if tokens:
        for step in form.steps:
            if any(f.name == tokens[0] for f in step.fields):
                return step
    return form.steps[0]


def next_step(form: Form, step_id: str) -> Step | None:
    index = step_index(form, step_id)
    return form.steps[index + 1] if index + 1 < len(form.steps) else None


def previous_step(form: Form, step_id: str) -> Step | None:
    index = step_index(form, step_id)
    return form.steps[index - 1] if index > 0 else None


def problems_for_step(form: Form, step_id: str, problems: Iterable[Problem]) -> list[Problem]:
    """The problems with the answers this step asks for."""
    return [p for p in problems if step_of(form, p.pointer).id == step_id]


def problems_reached(form: Form, step_id: str, problems: Iterable[Problem]) -> list[Problem]:
    """The problems of this step and the steps before it: never of a step not yet shown."""
    last = step_index(form, step_id)
    return [p for p in problems if form.steps.index(step_of(form, p.pointer)) <= last]


def first_step_with_problems(form: Form, problems: Iterable[Problem]) -> Step | None:
    indexes = [form.steps.index(step_of(form, p.pointer)) for p in problems]
    return form.steps[min(indexes)] if indexes else None
