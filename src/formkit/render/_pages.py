"""`Renderer`: the citizen's pages as HTML, from Jinja templates a city may restyle.

Pure: a form, answers and problems in, a string out. The web layer passes what only it knows
(URLs, the CSRF token, whether the page sits in an iframe) in a `PageContext`; it never needs
to know the fields of a form.

Every text a template prints is shown without bidi controls (`display_text`): a name or an
answer cannot reorder itself or the page around it. A value a control sends back with the next
post is the exception, marked `|exact` in the templates: the citizen's answer stays exactly
what they typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from formkit.accounts import describe_role
from formkit.forms import _pointer
from formkit.forms._amounts import totals
from formkit.forms._labels import display_text
from formkit.forms._model import Field, Form, Kind
from formkit.forms._problems import Problem, key_problem
from formkit.forms._validate import in_reading_order
from formkit.render._controls import Control, attribute_markup, has_total, suggestion_lists
from formkit.render._decode import pointers_step
from formkit.render._inline import Inline
from formkit.render._names import ACTION, DECLARATION, element_id, key_name
from formkit.render._preview import PreviewPanel
from formkit.render._prune import prune
from formkit.render._review import summarise
from formkit.render._script import tabulate_conditions
from formkit.render._select import single_quoted
from formkit.render._steps import get_step, step_index, step_of
from formkit.render._tasks import Task
from formkit.render._typed_dates import precise_date_problems
from formkit.render._widgets import StepControls, _lower


@dataclass(frozen=True, slots=True)
class ResumeMailBox:
    """The small form in the "Bewaard" banner that e-mails the resume link."""

    action: str  # where it posts
    token: str  # the link's token, posted back: the server mails only a link it knows
    step: str  # the step the link leads to
    address: str = ""  # as typed
    error: str = ""  # why the address was refused
    sent_to: str = ""  # the address the link went to


@dataclass(frozen=True, slots=True)
class PageContext:
    """What the web layer knows about the page being rendered.

    URLs not given follow `<base_path>/<form id>/<step id>`, `.../overzicht` for the review.
    """

    base_path: str = ""
    static_url: str = "/static"
    action: str = ""  # where the page's form posts; empty: the page's own URL
    csrf_field_name: str | None = None
    csrf_token: str | None = None
    step_urls: Mapping[str, str] = field(default_factory=dict)  # by step id
    review_url: str | None = None
    form_urls: Mapping[str, str] = field(default_factory=dict)  # by form id, for the list
    resume_url: str | None = None  # a link to continue this draft later
    resume_until: str = ""  # until when it works, in words
    resume_mail: ResumeMailBox | None = None  # with the link: the form that mails it
    tasks_url: str | None = None  # a long form's task list (`_tasks`), linked from its steps
    can_save: bool = False  # offer "Bewaar en ga later verder"
    from_review: bool = False  # a step opened with "Wijzig": its button returns to the review
    embedded: bool = False  # inside an iframe: no site header and footer
    preview: PreviewPanel | None = None  # shown by `formkit preview` only
    # The applicant's answers a login gave (`applicant_prefill`): shown, not to be changed.
    prefilled: Mapping[str, Any] = field(default_factory=dict)

    @property
    def home(self) -> str:
        return self.base_path or "/"

    def form_url(self, form_id: str) -> str:
        return self.form_urls.get(form_id) or f"{self.base_path}/{form_id}"

    def step_url(self, form_id: str, step_id: str) -> str:
        return self.step_urls.get(step_id) or f"{self.base_path}/{form_id}/{step_id}"

    def overview_url(self, form_id: str) -> str:
        return self.review_url or f"{self.base_path}/{form_id}/overzicht"


@dataclass(frozen=True, slots=True)
class SummaryItem:
    message: str
    href: str  # empty: nothing on the page to go to
    target: str | None = None  # the pointer of the control it is about


class Renderer:
    def __init__(self, templates_dir: Path, *, auto_reload: bool = False) -> None:
        """`auto_reload`: pick up changed templates (while restyling); off, templates load once."""
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=auto_reload,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            finalize=_shown,
            extensions=[Inline],
        )
        self.environment.globals["ACTION"] = ACTION
        self.environment.globals["DECLARATION"] = DECLARATION
        self.environment.globals["describe_role"] = describe_role
        self.environment.filters["exact"] = _Exact
        self.environment.filters["attributes"] = attribute_markup
        self.environment.filters["single_quoted"] = single_quoted

    def _render(self, template: str, ctx: PageContext, **values: Any) -> str:
        page = self.environment.get_template(template).render(ctx=ctx, **values)
        return tabulate_conditions(page) if "data-fk-when" in page else page

    def form_list(self, forms: Sequence[Form], ctx: PageContext) -> str:
        return self._render("form_list.html", ctx, forms=forms)

    def step(
        self,
        form: Form,
        step_id: str,
        answers: Mapping[str, Any],
        problems: Sequence[Problem],
        ctx: PageContext,
    ) -> str:
        """One step, filled in with `answers`, with `problems` summarised and at their fields.

        Pass the problems the citizen has reached (`problems_for_step`); a problem with an
        answer of another step links to that step. Each field shows the first problem given
        for it: give a refused file's reason before what validation says of its empty slot.
        """
        step = get_step(form, step_id)
        index = step_index(form, step_id)
        problems = precise_date_problems(form, answers, problems)
        errors, summary = _summarise(
            form, ctx, problems, lambda pointer: step_of(form, pointer).id == step_id
        )
        rules = totals(form.annotations.rules)
        controls = StepControls(step, answers, errors, rules, ctx.prefilled).build()
        return self._render(
            "step.html",
            ctx,
            form=form,
            step=step,
            number=index + 1,
            total=len(form.steps),
            controls=controls,
            suggestion_lists=suggestion_lists(controls),
            has_total=has_total(controls),
            summary=_in_page_order(summary, controls),
            has_previous=index > 0,
            is_last=index == len(form.steps) - 1,
        )

    def review(
        self,
        form: Form,
        answers: Mapping[str, Any],
        ctx: PageContext,
        *,
        sizes: Mapping[str, int] | None = None,
        declaration_error: str | None = None,
    ) -> str:
        """Overzicht: every answer that applies, a card per step and per row of a group;
        `sizes` of uploaded files by reference; `declaration_error` when Indienen was pressed
        without the declaration confirmed."""
        steps = summarise(
            form, prune(form, answers), lambda s: ctx.step_url(form.id, s), sizes or {}
        )
        # Back to the last step as itself, not as a change from here (`?van=overzicht`).
        back = ctx.step_url(form.id, form.steps[-1].id).split("?", 1)[0]
        return self._render(
            "review.html",
            ctx,
            form=form,
            steps=steps,
            back_url=back,
            declaration_error=declaration_error,
        )

    def completion(
        self,
        form: Form,
        places: Sequence[str],
        answers: Mapping[str, Any],
        problems: Sequence[Problem],
        ctx: PageContext,
        **values: Any,
    ) -> str:
        """Aanvullen: the answers at `places` only (`asked_places`), filled in with `answers`,
        with `problems` summarised; a problem elsewhere in the answers is listed without a
        link, since this page cannot change it. `values` go to the template as they are."""
        inside = [p for p in places if form.field(p) is not None]
        errors, summary = _summarise(
            form,
            ctx,
            problems,
            lambda pointer: any(_within(pointer, p) for p in inside),
            steps=False,
        )
        # The page script may judge conditions only in sections wholly on the page.
        step = pointers_step(form, [p for p in inside if len(_pointer.tokens(p)) == 1])
        fields = [(field, p) for p in inside if (field := form.field(p)) is not None]
        sums = totals(form.annotations.rules)
        controls = StepControls(step, answers, errors, sums).at(fields)
        summary = _in_page_order(summary, controls)
        return self._render(
            "completion.html",
            ctx,
            form=form,
            controls=controls,
            suggestion_lists=suggestion_lists(controls),
            has_total=has_total(controls),
            summary=summary,
            **values,
        )

    def task_list(
        self, form: Form, tasks: Sequence[Task], ctx: PageContext, review_url: str | None
    ) -> str:
        """A long form's parts with their states (`_tasks`); `review_url` once all are done."""
        return self._render("tasks.html", ctx, form=form, tasks=tasks, review_url=review_url)

    def completion_page(self, template: str, ctx: PageContext, **values: Any) -> str:
        """A page around the completion (`completion_<template>`): received, closed."""
        return self._render(f"completion_{template}", ctx, **values)

    def confirmation(
        self,
        form: Form,
        ctx: PageContext,
        number: str | None,
        follow_url: str | None = None,
        *,
        signed: bool = False,
    ) -> str:
        """Bevestiging: the dossier number once filed, what happens next (the procedure's
        `next`) and where to follow the dossier (`follow_url`, Mijn dossiers, when citizens
        can log in); without a number, a not-yet-filed page. `signed`: filed with an eID
        signature, whose evidence is offered beside the receipt."""
        procedure = form.annotations.procedure
        return self._render(
            "confirmation.html",
            ctx,
            form=form,
            number=number,
            next_steps=procedure.next if procedure else None,
            follow_url=follow_url,
            signed=signed,
        )

    def error_page(self, status: int, title: str, detail: str, ctx: PageContext) -> str:
        return self._render("error.html", ctx, status=status, title=title, detail=detail)

    def staff_page(self, template: str, ctx: PageContext, **values: Any) -> str:
        """A page of the staff's part, `staff/<template>`: the web layer hands in its values."""
        return self._render(f"staff/{template}", ctx, **values)

    def citizen_page(self, template: str, ctx: PageContext, **values: Any) -> str:
        """A page of the citizen's own part (`/mijn-dossiers`), `citizen/<template>`."""
        return self._render(f"citizen/{template}", ctx, **values)

    def preview_page(self, template: str, ctx: PageContext, **values: Any) -> str:
        """A page only `formkit preview` shows, `preview/<template>`."""
        return self._render(f"preview/{template}", ctx, **values)


def _summarise(
    form: Form,
    ctx: PageContext,
    problems: Sequence[Problem],
    on_page: Callable[[str], bool],
    steps: bool = True,
) -> tuple[dict[str, str], list[SummaryItem]]:
    """The messages by the control they show at, and the summary above the page: a problem
    `on_page` links to its control, one elsewhere to the step that asks for it (with
    `steps`; else to nothing). A control shows one problem, the first given for it, and the
    summary lists that one only: a citizen fixes a field once."""
    targets = {p: _problem_target(form, p) for p in problems}
    first: dict[str, Problem] = {}  # one problem per control: the first given for it
    for problem in problems:
        target = targets[problem]
        if target is not None:
            first.setdefault(target, problem)
    errors: dict[str, str] = {}
    summary = []
    for problem in in_reading_order(form, problems):
        target = targets[problem]
        if target is not None and first[target] is not problem:
            continue
        shown = on_page(problem.pointer)
        if target is not None and shown:
            errors[target] = problem.message
        href = _href(form, ctx, target, shown) if shown or steps else ""
        summary.append(SummaryItem(_whose(form, target, problem.message), href, target))
    return errors, summary


def _in_page_order(summary: list[SummaryItem], controls: Sequence[Control]) -> list[SummaryItem]:
    """The summary in the order of the controls on the page, which shows a follow-up question
    right under its trigger; what is not on the page goes first, as an earlier step's would."""
    order: dict[str, int] = {}
    _number(controls, order)

    def place(item: SummaryItem) -> int:
        pointer = item.target or ""
        while pointer and pointer not in order:  # a row not shown: where its group is
            pointer = pointer.rpartition("/")[0]
        return order.get(pointer, -1)

    return sorted(summary, key=place)


def _number(controls: Sequence[Control], order: dict[str, int]) -> None:
    for control in controls:
        order.setdefault(control.pointer, len(order))
        _number(control.revealed, order)
        _number(control.controls, order)
        for row in control.rows:
            order.setdefault(row.pointer, len(order))
            _number(row.controls, order)


def _whose(form: Form, target: str | None, message: str) -> str:
    """A message in the summary, after the groups around its field: far from the field, "Vul
    de achternaam in." says not whose ("Tweede contactpersoon: vul de achternaam in.")."""
    names: list[str] = []
    tokens = _pointer.tokens(target or "")
    group: Field | None = None
    for depth in range(1, len(tokens)):
        if group is not None:  # this token is its row: named as the row's legend
            names.append(f"{group.item_title} {int(tokens[depth - 1]) + 1}")
            group = None
            continue
        around = form.field(_pointer.from_path(tokens[:depth]))
        if around is None or around.kind not in {Kind.OBJECT, Kind.GROUP}:
            return message
        if around.kind is Kind.GROUP:
            group = around
        elif not _is_section(form, around):
            names.append(around.title)
    if not names:
        return message
    return f"{', '.join([names[0], *map(_lower, names[1:])])}: {_lower(message)}"


def _is_section(form: Form, field: Field) -> bool:
    """A step that is one object: its page heading names it, as it names the step."""
    return any(step.fields == (field,) for step in form.steps)


def _within(pointer: str, place: str) -> bool:
    return pointer == place or pointer.startswith(place + "/")


def _problem_target(form: Form, problem: Problem) -> str | None:
    """Where a problem shows: at its field, or at the key input of a map's row (`key_name`)
    when it is about the key the citizen named."""
    if key_problem(form, problem):
        return key_name(problem.pointer)
    return _target(form, problem.pointer)


def _target(form: Form, pointer: str) -> str | None:
    """The pointer of the element that shows a problem: the field itself or the nearest one
    around it with a control (a file's reference shows at its file input)."""
    tokens = _pointer.tokens(pointer)
    for depth in range(len(tokens), 0, -1):
        candidate = _pointer.from_path(tokens[:depth])
        if form.field(candidate) is not None:
            return candidate
        parent = _pointer.from_path(tokens[: depth - 1])
        container = form.field(parent) if tokens[depth - 1].isdigit() else None
        if container is not None and container.kind in {Kind.GROUP, Kind.LIST, Kind.LISTS}:
            return candidate  # a row has its own fieldset or input
        if container is not None and container.kind is Kind.ATTACHMENT:
            return parent
    return None


def _href(form: Form, ctx: PageContext, target: str | None, on_page: bool) -> str:
    if target is None:
        return ""
    fragment = f"#{element_id(target)}"
    if on_page:
        return fragment
    return ctx.step_url(form.id, step_of(form, target).id) + fragment


class _Exact(str):
    """A value a control posts back: printed exactly as it is, bidi controls and all."""

    __slots__ = ()


def _shown(value: Any) -> Any:
    """What a template prints: text without bidi controls. Not a subclass of str: what is
    marked `|exact`, and Markup (a macro's output, whose texts were shown through here)."""
    # display_text, inlined: called for every value of every page, a call more cost 0.2 ms
    if type(value) is str and not value.isascii():
        return display_text(value)
    return value
