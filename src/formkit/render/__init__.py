"""The citizen's web forms: pages from a `Form`, and posted fields back to JSON answers.

A step page posts its fields named by JSON Pointer; `decode_step` turns them back into the
answers, exactly the inverse of `Renderer.step`. The server decides what applies: `prune`
drops the answers of branches that no longer apply before anything is validated or filed.

A web handler for a posted step, in order:

    decoded = decode_step(form, step_id, posted_fields, draft_answers, stored_files)
    keep decoded.answers in the draft: nothing typed is lost, whatever comes next
    if decoded.action.stays:                # a row added or removed: the same step again
        redirect to the step's URL + "#" + decoded.anchor
    elif decoded.action.move is Move.NEXT:
        problems = problems_for_step(form, step_id, validate(form, decoded.answers, now=now))
        if problems:                        # messages only for this step, never later ones
            return renderer.step(form, step_id, decoded.answers, problems, ctx)
        redirect to next_step(form, step_id), or the review page after the last step
    else:                                   # PREVIOUS, GOTO (action.target), SAVE
        redirect without messages

Filing from the review page: `validate(form, prune(form, answers), now=...)`; with problems,
show `first_step_with_problems` with `problems_for_step` of that step.

File inputs are named by the pointer of their attachment slot: `form.field(name).attachment`
gives the media types and size allowed.
"""

from formkit.render._actions import Action, Move
from formkit.render._completion import asked_places
from formkit.render._decode import Decoded, Files, decode_fields, decode_step
from formkit.render._names import ACTION, DECLARATION, element_id
from formkit.render._pages import PageContext, Renderer, ResumeMailBox
from formkit.render._prefill import applicant_prefill, with_prefill
from formkit.render._preview import PreviewPanel
from formkit.render._prune import prune
from formkit.render._review import Answer, StepAnswers, summarise
from formkit.render._steps import (
    first_step_with_problems,
    next_step,
    previous_step,
    problems_for_step,
    problems_reached,
    step_of,
)
from formkit.render._tasks import Task, tasks

__all__ = [
    "ACTION",
    "DECLARATION",
    "Action",
    "Answer",
    "Decoded",
    "Files",
    "Move",
    "PageContext",
    "PreviewPanel",
    "Renderer",
    "ResumeMailBox",
    "StepAnswers",
    "Task",
    "applicant_prefill",
    "asked_places",
    "decode_fields",
    "decode_step",
    "element_id",
    "first_step_with_problems",
    "next_step",
    "previous_step",
    "problems_for_step",
    "problems_reached",
    "prune",
    "step_of",
    "summarise",
    "tasks",
    "with_prefill",
]
