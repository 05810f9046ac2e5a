"""The task list of a long form (GOV.UK's "task list" pattern): each part and its state.

A form whose `x-formkit` says `"task_list": true` (the bouwaanvraag: six steps and six
attachments) shows its parts on one page, each with its state, instead of only "stap 2 van 6":

    Voltooid                     the step was posted and its answers hold: its link opens it
    Bezig                        the step was posted, but something on it is still wrong
    Nog niet begonnen            the next step to do: its link opens it
    Kan nog niet beginnen        a step after that: the steps come one after another

and, once every step was posted, "Controleer en dien in" (the Overzicht).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from formkit.forms._model import Form

DONE, BUSY, TO_DO, CANNOT_START = "Voltooid", "Bezig", "Nog niet begonnen", "Kan nog niet beginnen"


@dataclass(frozen=True, slots=True)
class Task:
    title: str
    url: str | None  # None: it cannot be started yet
    state: str

    @property
    def done(self) -> bool:
        return self.state == DONE


def tasks(
    form: Form,
    reached: int | None,
    step_url: Mapping[str, str],
    unfinished: Collection[str] = (),
) -> tuple[Task, ...]:
    """The form's steps as tasks; `reached`: the furthest step posted (None: none yet);
    `unfinished`: the steps whose answers still have a problem."""
    furthest = -1 if reached is None else reached
    listed = []
    for index, step in enumerate(form.steps):
        if index <= furthest:
            state = BUSY if step.id in unfinished else DONE
            listed.append(Task(step.title, step_url[step.id], state))
        elif index == furthest + 1:
            listed.append(Task(step.title, step_url[step.id], TO_DO))
        else:
            listed.append(Task(step.title, None, CANNOT_START))
    return tuple(listed)
