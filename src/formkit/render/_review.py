"""The review page's content: every answer, grouped by step, with a link to change it.

The PDF receipt prints the same summary with `masked=True`: national register numbers as
`mask_national_number` shows them, since a citizen may show the receipt to others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from formkit.eid import mask_national_number
from formkit.forms import _pointer
from formkit.forms._address import is_abroad, postal_lines
from formkit.forms._amounts import Total, amount_text, total, totals
from formkit.forms._dutch import size_text
from formkit.forms._model import Field, Form, Kind, Step
from formkit.render._display import display
from formkit.render._guards import title_at
from formkit.render._names import element_id
from formkit.render._values import members, positions


@dataclass(frozen=True, slots=True)
class Answer:
    label: str
    text: str = ""  # one value
    lines: tuple[str, ...] = ()  # several values: options, rows of a list, files
    entries: tuple[Answer, ...] = ()  # the answers inside an object or a row
    change: str = ""  # the link to the field on its step
    long: bool = False  # a long text: its line breaks count
    card: str = ""  # a row of a repeatable group: the id of its card's heading

    @property
    def rows(self) -> tuple[Answer, ...]:
        """The rows of a repeatable group (each a card on the review page); else none."""
        return tuple(entry for entry in self.entries if entry.card)


@dataclass(frozen=True, slots=True)
class StepAnswers:
    step: Step
    url: str
    answers: tuple[Answer, ...]

    @property
    def singles(self) -> tuple[Answer, ...]:
        """The answers that are not repeatable groups: the step's own card lists them."""
        return tuple(answer for answer in self.answers if not answer.rows)

    @property
    def groups(self) -> tuple[Answer, ...]:
        """The repeatable groups: a card for each of their rows."""
        return tuple(answer for answer in self.answers if answer.rows)


def summarise(
    form: Form,
    answers: Mapping[str, Any],
    step_url: Callable[[str], str],
    sizes: Mapping[str, int],
    *,
    masked: bool = False,
) -> tuple[StepAnswers, ...]:
    sums = totals(form.annotations.rules)
    return tuple(
        _step(step, answers, _Summary(step_url(step.id), sizes, masked, answers, sums))
        for step in form.steps
    )


def _step(step: Step, answers: Mapping[str, Any], summary: _Summary) -> StepAnswers:
    fields = step.fields
    if len(fields) == 1 and fields[0].kind is Kind.OBJECT:  # as on the step page: no own heading
        pointer = _pointer.join("", fields[0].name)
        entries = summary.entries(fields[0].children, pointer, answers.get(fields[0].name))
    else:
        entries = summary.entries(fields, "", answers)
    return StepAnswers(step, summary.url, entries)


@dataclass(frozen=True, slots=True)
class _Summary:
    url: str
    sizes: Mapping[str, int]
    masked: bool  # national register numbers masked
    answers: Mapping[str, Any]  # all of them: a title may depend on another answer
    totals: tuple[Total, ...] = ()

    def entries(self, fields: tuple[Field, ...], pointer: str, node: Any) -> tuple[Answer, ...]:
        if not isinstance(node, Mapping):
            return ()
        found = (
            self.answer(f, _pointer.join(pointer, f.name), node[f.name])
            for f in fields
            if f.name in node and f.kind is not Kind.NULL  # nothing asked, nothing to show
        )
        return tuple(a for a in found if a is not None)

    def answer(self, field: Field, pointer: str, value: Any) -> Answer | None:
        change = f"{self.url}#{element_id(pointer)}"
        kind = field.kind
        title = title_at(field, self.answers, pointer)
        if kind is Kind.OBJECT and field.annotations.display == "address":
            return _address(title, value, change)
        if kind in {Kind.OBJECT, Kind.TUPLE}:
            node = positions(value) if kind is Kind.TUPLE else value
            entries = self.entries(field.children, pointer, node)
            return Answer(title, entries=entries) if entries else None
        if kind is Kind.GROUP:
            return self._group(field, pointer, value)
        if kind in {Kind.LISTS, Kind.MAP}:
            return self._members(field, pointer, value)
        if kind is Kind.ATTACHMENT:
            files = value if isinstance(value, list) else [value]
            return Answer(title, lines=tuple(self._file(f) for f in files), change=change)
        if kind in {Kind.LIST, Kind.CHOICES} and isinstance(value, list):
            lines = tuple(self._display(field, v) for v in value)
            return Answer(title, lines=lines, change=change)
        long = kind is Kind.TEXT and "\n" in str(value)
        return Answer(title, text=self._display(field, value), change=change, long=long)

    def _display(self, field: Field, value: Any) -> str:
        if self.masked and field.format == "be-national-number" and isinstance(value, str):
            return mask_national_number(value)
        return display(field, value)

    def _group(self, field: Field, pointer: str, value: Any) -> Answer | None:
        if not isinstance(value, list) or not value:
            return None
        items = field.schema.get("items")
        item = str(items.get("title") if isinstance(items, Mapping) else "") or field.title
        rows = tuple(
            Answer(
                f"{item} {index + 1}",
                entries=self.entries(field.children, place, row),
                change=f"{self.url}#{element_id(place)}",
                card=f"{element_id(place)}--kaart",
            )
            for index, row in enumerate(value)
            for place in (_pointer.join(pointer, index),)
        )
        generic = _pointer.generic(pointer)
        sums = tuple(
            Answer(each.title, text=amount_text(total(value, each.rows)))
            for each in self.totals
            if each.group in {generic, pointer}
        )
        return Answer(field.title, entries=rows + sums)

    def _members(self, field: Field, pointer: str, value: Any) -> Answer | None:
        """Each row of a list of lists as its list or group would be shown, named as the row
        ("Reeks 2"); each value of a map labelled with its key."""
        entries = []
        for index, (place, each) in enumerate(members(field, value, pointer)):
            shown = self.answer(field.children[0], place, each)
            if shown is not None:
                key = _pointer.tokens(place)[-1]
                named = key if field.kind is Kind.MAP else f"{field.item_title} {index + 1}"
                entries.append(replace(shown, label=named))
        return Answer(field.title, entries=tuple(entries)) if entries else None

    def _file(self, attachment: Any) -> str:
        if not isinstance(attachment, Mapping):
            return str(attachment)
        reference = str(attachment.get("bestand", ""))
        label = str(attachment.get("naam") or reference)
        size = self.sizes.get(reference)
        return f"{label} ({size_text(size)})" if size is not None else label


def _address(title: str, value: Any, change: str) -> Answer | None:
    """A postal address: a Belgian one on one line, one abroad as the lines of an envelope."""
    lines = postal_lines(value) if isinstance(value, Mapping) else ()
    if not lines:
        return None
    if is_abroad(value):
        return Answer(title, text="\n".join(lines), change=change, long=True)
    return Answer(title, text=", ".join(lines), change=change)
