"""What a field template is given: a `Control` with everything already decided.

Templates (`renderers/templates/fields/*.html`) only place these values in markup; they hold
no rules, so a city can restyle them freely. `Control.template` names the template.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from formkit.render._names import ERROR_SUFFIX, HINT_SUFFIX
from formkit.render._select import Suggestions

NO_OPTIONS = Markup("")


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    value: str
    label: str
    hint: str | None
    checked: bool
    reveals: bool = False  # choosing it shows the control's follow-up questions

    @property
    def hint_id(self) -> str:
        return f"{self.id}--uitleg"


@dataclass(frozen=True, slots=True)
class Button:
    value: str  # posted under `_actie`
    label: str
    hidden_label: str = ""  # read by screen readers after the label: which row


@dataclass(frozen=True, slots=True)
class UploadedFile:
    pointer: str  # of the attachment: its hidden fields are `<pointer>/bestand` and `/naam`
    reference: str
    name: str | None  # the citizen's file name, when known
    remove: Button

    @property
    def label(self) -> str:
        return self.name or self.reference


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    pointer: str
    legend: str
    controls: tuple[Control, ...]
    remove: Button | None
    heading: int
    # A hidden field says the row exists even when nothing in it is filled in; a map's row
    # needs none (its key says so), and its value may stand at the row's own pointer.
    marked: bool = True


@dataclass(frozen=True, slots=True)
class RowsTotal:
    """What the rows of a repeatable group add up to, shown below them."""

    id: str
    label: str
    text: str  # the total of the rows as the page is rendered
    rows: str  # `data-fk-sum`: the names of the inputs it adds up, `*` for every row


@dataclass(frozen=True, slots=True)
class DatePart:
    """One field of a date input: dag, maand, jaar (and uur for a moment)."""

    name: str  # as posted: `<pointer>#dag`
    id: str  # the day's is the control's own id: where a message about the date leads
    label: str
    value: str
    width: int  # in characters (`fk-input--width-N`)


# Not frozen: a page makes hundreds, and a frozen dataclass sets each of its thirty fields
# through `object.__setattr__` (3 µs a control, 1 µs unfrozen). Only the rows of a group
# change theirs, while the page is made (`_shared_hints.py`).
@dataclass(slots=True, eq=False)
class Control:
    template: str
    pointer: str  # also the control's name
    id: str
    label: str
    optional: bool = False
    hint: tuple[str, ...] = ()
    hint_of: str = ""  # no hint of its own: the id of the hint that describes it (a row's)
    help: str | None = None
    error: str | None = None
    value: str = ""
    input_type: str = "text"
    attributes: tuple[tuple[str, str], ...] = ()
    width: int = 0  # an input sized to its data, in characters (`fk-input--width-N`); 0: full
    options: tuple[Option, ...] = ()
    option_markup: Markup = NO_OPTIONS  # a select's options (`_select.py`)
    suggestions: Suggestions | None = None  # a long list's `<datalist>` (`_select.py`)
    controls: tuple[Control, ...] = ()
    rows: tuple[Row, ...] = ()
    files: tuple[UploadedFile, ...] = ()
    add: Button | None = None
    when: str | None = None  # `data-fk-when`: JSON the page script evaluates
    heading: int = 0  # the heading level of the legend, 0: none
    multiple: bool = False
    inline: bool = False  # options side by side (yes/no)
    revealed: tuple[Control, ...] = ()  # follow-up questions, right under this one
    applies: str | None = None  # a follow-up: when it applies, for a reader without script
    total: RowsTotal | None = None  # below a repeatable group's rows
    parts: tuple[DatePart, ...] = ()  # a date's fields (`fields/date.html`)

    # The ids below derive from `id`, which is always `element_id(pointer)`: cheap, and asked
    # several times per control on every render.
    @property
    def hint_id(self) -> str:
        return f"{self.id}{HINT_SUFFIX}"

    @property
    def reveal_id(self) -> str:
        return f"{self.id}--vervolg"

    @property
    def error_id(self) -> str:
        return f"{self.id}{ERROR_SUFFIX}"

    @property
    def described_by(self) -> str:
        hint = self.hint_id if self.hint else self.hint_of
        if not self.error:
            return hint
        return f"{hint} {self.error_id}" if hint else self.error_id


def suggestion_lists(controls: tuple[Control, ...]) -> tuple[Suggestions, ...]:
    """The `<datalist>`s the controls ask from, each once, in the order they are first used."""
    found: dict[str, Suggestions] = {}
    for control in _every(controls):
        if control.suggestions is not None:
            found.setdefault(control.suggestions.id, control.suggestions)
    return tuple(found.values())


def has_total(controls: tuple[Control, ...]) -> bool:
    """Whether a repeatable group among the controls shows a total (the page loads totals.js)."""
    return any(control.total is not None for control in _every(controls))


def _every(controls: tuple[Control, ...]) -> Iterator[Control]:
    """The controls and every control inside them, in page order."""
    for control in controls:
        yield control
        yield from _every(control.controls)
        yield from _every(control.revealed)
        for row in control.rows:
            yield from _every(row.controls)


_ATTRIBUTE = Markup(' {}="{}"')


@lru_cache(maxsize=1024)
def attribute_markup(attributes: tuple[tuple[str, str], ...]) -> Markup:
    """A control's further attributes (`|attributes` in the templates), each ` name="value"`,
    escaped: made once per set of attributes, where a loop in the template cost 1 µs an
    attribute. Found by value: a few short pairs hash at once, and some are made per render
    (a long text's limit, a list's suggestions)."""
    return Markup("").join(_ATTRIBUTE.format(name, value) for name, value in attributes)
