"""From the fields of a step, the answers and the problems to what the templates show.

Each `Control` names its template (`fields/<widget>.html`) and carries everything that
template needs, already decided: ids, the value as the control shows it, the message, which
hint the control is described by.

Widgets by kind: texts are text inputs (`textarea` by widget, or for a `maxLength` above 500),
with `email` and `tel` inputs by format; numbers are text inputs with a numeric keyboard
(`inputmode`), because number inputs drop what they cannot read (a Dutch `12,5` in some
browsers) and change values on scrolling; dates are date inputs; moments `datetime-local`
inputs in Brussels time; choices are radios up to 6 options, a select above (or as the
widget says) and a text input with suggestions above 50 (the countries of an address);
yes/no questions are radios; several choices are checkboxes; objects are
fieldsets; repeatable groups are a fieldset per row with buttons to add and remove rows;
lists are a text input per row; attachments are file inputs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from formkit.forms import _pointer
from formkit.forms._alternatives import CHOICE, answered_branch
from formkit.forms._amounts import Total, amount_text, total
from formkit.forms._model import Choice, Field, Kind, Step
from formkit.render._actions import Action, Move
from formkit.render._controls import (
    Button,
    Control,
    DatePart,
    Option,
    Row,
    RowsTotal,
    UploadedFile,
)
from formkit.render._display import display, number_text
from formkit.render._files import file_hint
from formkit.render._guards import is_required
from formkit.render._identity import by_identity
from formkit.render._names import element_id, key_name, option_id
from formkit.render._options import options
from formkit.render._prefill import locked_rows
from formkit.render._reveal import trigger_of
from formkit.render._script import when_attribute
from formkit.render._select import LONG_LIST, select_options, suggestions
from formkit.render._shared_hints import sharing_hints
from formkit.render._values import (
    DAY,
    MONTH,
    TIME,
    YEAR,
    date_parts,
    encode_choice,
    item_kind,
    part_name,
    positions,
    scalar_to_control,
)
from formkit.render._wordings import label

MAX_RADIOS = 6
_SUGGESTED_HINT = "Typ de naam en kies uit de lijst die verschijnt."
LONG_TEXT = 500  # a text that may be longer than this gets a textarea

_AUTOCOMPLETE_BY_NAME = {
    "voornaam": "given-name",
    "achternaam": "family-name",
    "straat": "address-line1",
    "postcode": "postal-code",
    "gemeente": "address-level2",
    "adresregel1": "address-line1",  # an address abroad (defs/adres.json)
    "adresregel2": "address-line2",
    "buitenlandsePostcode": "postal-code",
    "land": "country-name",
}
_AUTOCOMPLETE_BY_FORMAT = {"email": "email", "phone": "tel", "be-postal-code": "postal-code"}
# Widths in characters; formkit.css has a class for each (`fk-input--width-N`).
_WIDTH_BY_FORMAT = {
    "be-postal-code": 5,
    "be-national-number": 15,  # 85.03.14-123.02
    "be-enterprise-number": 15,  # 0123.456.789
    "iban": 25,  # BE68 5390 0754 7034, and longer ones abroad
    "phone": 20,
    "email": 30,
}
_WIDTH_BY_NAME = {"huisnummer": 5, "bus": 5, "buitenlandsePostcode": 10}
_INPUT_TYPE_BY_FORMAT = {"email": "email", "phone": "tel"}
_INPUT_TYPE_BY_KIND = {Kind.DATE: "date", Kind.DATE_TIME: "datetime-local"}
_NUMERIC_FORMATS = {"be-national-number", "be-enterprise-number", "be-postal-code"}
_CODE_FORMATS = {*_NUMERIC_FORMATS, "iban", "phone", "email"}


@dataclass(frozen=True, slots=True)
class StepControls:
    """Builds the controls of one step; `errors` are messages by the pointer they show at,
    `totals` what repeatable groups add up to (`formkit.forms._amounts.totals`)."""

    step: Step
    answers: Mapping[str, Any]
    errors: Mapping[str, str]
    totals: tuple[Total, ...] = ()
    prefilled: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # shown, not input
    # Fields whose longer help the page already shows: a row after the first leaves it out.
    _helped: set[int] = dataclasses.field(default_factory=set, init=False, repr=False)

    def build(self) -> tuple[Control, ...]:
        fields = self.step.fields
        if len(fields) == 1 and fields[0].kind is Kind.OBJECT:
            field = fields[0]  # the step is this object: the page heading names it
            pointer = _pointer.join("", field.name)
            section = self._object(field, pointer, self.answers.get(field.name), depth=0)
            return (replace(section, template="fields/section.html"),)
        return self._controls(fields, "", self.answers, depth=1, parent=None)

    def at(self, places: Sequence[tuple[Field, str]]) -> tuple[Control, ...]:
        """The controls of the fields at these places (concrete pointers) only, as this step
        would show them: for a page that asks for some answers, as a completion does. `step`
        holds the sections they lie in (`pointers_step`)."""
        controls = []
        for field, pointer in places:
            value = _pointer.resolve(self.answers, pointer)
            when = when_attribute(field, pointer, self.step)
            controls.append(self._by_kind(field, pointer, value, depth=1, when=when))
        return tuple(controls)

    def _controls(
        self, fields: tuple[Field, ...], pointer: str, node: Any, depth: int, parent: Field | None
    ) -> tuple[Control, ...]:
        values = node if isinstance(node, Mapping) else {}
        controls = []
        for field in fields:
            place = _pointer.join(pointer, field.name)
            when = None
            if parent is None or field.active_when != parent.active_when:
                when = when_attribute(field, place, self.step)
            value = values.get(field.name)
            if field.name == CHOICE and value is None:  # not chosen on a page: as answered
                value = answered_branch(values, fields)
            controls.append(self._by_kind(field, place, value, depth, when))
        return _with_follow_ups(fields, controls)

    def _by_kind(
        self, field: Field, pointer: str, value: Any, depth: int, when: str | None = None
    ) -> Control:
        """The field's control; `when`: the conditions the page script shows it under."""
        kind = field.kind
        if pointer in self.prefilled:
            return self._prefilled(field, pointer, when)
        if kind is Kind.OBJECT:
            return self._object(field, pointer, value, depth, when)
        if kind is Kind.TUPLE:  # a fieldset of its positions, as an object of its fields
            return self._object(field, pointer, positions(value), depth, when)
        if kind is Kind.GROUP:
            return self._group(field, pointer, value, depth, when)
        if kind is Kind.LIST:
            return self._list(field, pointer, value, depth, when)
        if kind is Kind.LISTS:
            return self._lists(field, pointer, value, depth, when)
        if kind is Kind.MAP:
            return self._map(field, pointer, value, depth, when)
        if kind is Kind.ATTACHMENT:
            return self._attachment(field, pointer, value, when)
        if kind is Kind.NULL:
            return self._null(field, pointer)
        if kind in _PICKED:
            return self._choice(field, pointer, value, when)
        return self._input(field, pointer, value, when)

    def _null(self, field: Field, pointer: str) -> Control:
        """A value that can only be null: nothing to ask. A hidden field posts it back where
        the answers hold it or it is required; elsewhere it stays out, as it came."""
        present = _pointer.resolve(self.answers, pointer, _ABSENT) is None
        keeps = present or is_required(field, self.answers, pointer)
        return Control("fields/null.html", pointer, element_id(pointer), "", value="null" * keeps)

    def _prefilled(self, field: Field, pointer: str, when: str | None) -> Control:
        """An answer the login gave: shown as text, with where it came from; no input."""
        value = display(field, self.prefilled[pointer])  # as the Overzicht shows it
        return self._base(field, pointer, "fields/prefilled.html", value=value, hint=(), when=when)

    def _base(self, field: Field, pointer: str, template: str, **extra: Any) -> Control:
        # `when` comes along in `extra`: made with the control, never copied in after.
        return Control(
            template=template,
            pointer=pointer,
            id=element_id(pointer),
            label=label(field, self.answers, pointer, self.step),
            optional=not field.required_when,
            hint=extra.pop("hint", _hint(field)),
            help=self._help(field),
            error=self.errors.get(pointer),
            **extra,
        )

    def _help(self, field: Field) -> str | None:
        """The field's help, the first time the page shows the field: rows after the first
        leave it out (the first row has it, word for word)."""
        if field.help is None or id(field) in self._helped:
            return None
        self._helped.add(id(field))
        return field.help

    def _input(self, field: Field, pointer: str, value: Any, when: str | None) -> Control:
        if field.kind in {Kind.DATE, Kind.DATE_TIME}:
            return self._date(field, pointer, value, when)
        shown = scalar_to_control(field.kind, value)
        if field.kind is Kind.TEXT and _is_long(field):
            return self._long_text(field, pointer, shown, when)
        input_type, attributes, width = _input_spec(field)
        return self._base(
            field,
            pointer,
            "fields/input.html",
            value=shown,
            input_type=input_type,
            attributes=attributes,
            width=width,
            when=when,
        )

    def _date(self, field: Field, pointer: str, value: Any, when: str | None) -> Control:
        """A date as three fields, a moment with a time as text: GOV.UK's date input, never a
        browser's picker (which writes dates in the browser's locale, not in Dutch)."""
        example = _DATE_EXAMPLE if field.kind is Kind.DATE else _MOMENT_EXAMPLE
        hint = (*((field.description,) if field.description else ()), example)
        return self._base(
            field,
            pointer,
            "fields/date.html",
            hint=hint,
            parts=tuple(
                DatePart(
                    part_name(pointer, part),
                    element_id(pointer) if part == DAY else f"{element_id(pointer)}--{part}",
                    _PART_LABELS[part],
                    shown,
                    _PART_WIDTHS[part],
                )
                for part, shown in date_parts(field.kind, value)
            ),
            when=when,
        )

    def _long_text(self, field: Field, pointer: str, shown: str, when: str | None) -> Control:
        """A textarea; with a maximum length, the limit said (a character count with the
        script, GOV.UK's pattern: it counts as the server does, in characters)."""
        limit = field.schema.get("maxLength")
        if not isinstance(limit, int) or isinstance(limit, bool):
            return self._base(field, pointer, "fields/textarea.html", value=shown, when=when)
        hint = (*((field.description,) if field.description else ()), limit_text(limit))
        return self._base(
            field,
            pointer,
            "fields/textarea.html",
            value=shown,
            hint=hint,
            attributes=(("data-fk-limit", str(limit)),),
            when=when,
        )

    def _choice(self, field: Field, pointer: str, value: Any, when: str | None) -> Control:
        chosen = value if isinstance(value, list) else [value]
        picked = {encode_choice(v) for v in chosen if v is not None}
        choices = options(field)
        template = _choice_template(field, len(choices))
        if template == "fields/select.html" and len(choices) > LONG_LIST:
            return self._suggested(field, pointer, value, choices, when)
        if template == "fields/select.html":
            markup = select_options(choices, picked)
            return self._base(field, pointer, template, option_markup=markup, when=when)
        opts = tuple(
            Option(option_id(pointer, i), encoded, c.title, c.description, encoded in picked)
            for i, c in enumerate(choices)
            for encoded in (encode_choice(c.value),)
        )
        inline = field.kind is Kind.BOOLEAN
        return self._base(field, pointer, template, options=opts, inline=inline, when=when)

    def _suggested(
        self,
        field: Field,
        pointer: str,
        value: Any,
        choices: tuple[Choice, ...],
        when: str | None,
    ) -> Control:
        """A long list: the chosen one's title in a text input, the titles as suggestions."""
        titles = [c.title for c in choices if c.value == value and type(c.value) is type(value)]
        shown = titles[0] if titles else scalar_to_control(Kind.TEXT, value)
        hint = (field.description,) if field.description else ()
        return self._base(
            field,
            pointer,
            "fields/input.html",
            value=shown,
            hint=(*hint, _SUGGESTED_HINT),
            attributes=(
                ("list", suggestions(choices).id),
                ("autocomplete", _AUTOCOMPLETE_BY_NAME.get(field.name, "off")),
                ("spellcheck", "false"),
            ),
            suggestions=suggestions(choices),
            width=20,
            when=when,
        )

    def _object(
        self, field: Field, pointer: str, value: Any, depth: int, when: str | None = None
    ) -> Control:
        controls = self._controls(field.children, pointer, value, depth + 1, field)
        return self._base(
            field,
            pointer,
            "fields/fieldset.html",
            controls=controls,
            heading=_heading(depth),
            when=when,
        )

    def _group(
        self, field: Field, pointer: str, value: Any, depth: int, when: str | None
    ) -> Control:
        item = field.item_title
        values = value if isinstance(value, list) else []
        count = self._row_count(field, pointer, value)
        removable = count > field.min_items
        kept = locked_rows(self.prefilled)
        rows = []
        for index in range(count):
            place = _pointer.join(pointer, index)
            row = values[index] if index < len(values) else None
            controls = self._controls(field.children, place, row, depth + 2, field)
            rows.append(
                Row(
                    id=element_id(place),
                    pointer=place,
                    legend=f"{item} {index + 1}",
                    controls=controls,
                    remove=_remove_button(place, f"{_lower(item)} {index + 1}")
                    if removable and place not in kept
                    else None,
                    heading=_heading(depth + 1),
                )
            )
        return self._base(
            field,
            pointer,
            "fields/group.html",
            rows=tuple(sharing_hints(rows)),
            add=_add_button(field, pointer, item, count),
            heading=_heading(depth),
            total=self._total(pointer, values),
            when=when,
        )

    def _total(self, pointer: str, rows: list[Any]) -> RowsTotal | None:
        generic = _pointer.generic(pointer)
        for each in self.totals:
            if each.group in {generic, pointer}:
                return RowsTotal(
                    id=f"{element_id(pointer)}--totaal",
                    label=each.title,
                    text=amount_text(total(rows, each.rows)),
                    rows=pointer + each.rows,
                )
        return None

    def _list(
        self, field: Field, pointer: str, value: Any, depth: int, when: str | None
    ) -> Control:
        item = field.item_title
        values = value if isinstance(value, list) else []
        kind = item_kind(field)[0]
        count = self._row_count(field, pointer, value)
        removable = count > field.min_items
        rows = []
        for index in range(count):
            place = _pointer.join(pointer, index)
            entry = Control(
                template="fields/input.html",
                pointer=place,
                id=element_id(place),
                label=f"{item} {index + 1}",
                value=scalar_to_control(kind, values[index] if index < len(values) else None),
                error=self.errors.get(place),
            )
            remove = _remove_button(place, f"{_lower(item)} {index + 1}") if removable else None
            rows.append(Row(entry.id, place, entry.label, (entry,), remove, 0))
        return self._base(
            field,
            pointer,
            "fields/list.html",
            rows=tuple(rows),
            add=_add_button(field, pointer, item, count),
            heading=_heading(depth),
            when=when,
        )

    def _lists(
        self, field: Field, pointer: str, value: Any, depth: int, when: str | None
    ) -> Control:
        """A list of lists: each row is the item's own list or group, named as a row."""
        (item,) = field.children
        name = field.item_title
        values = value if isinstance(value, list) else []
        count = self._row_count(field, pointer, value)
        removable = count > field.min_items
        rows = []
        for index in range(count):
            place = _pointer.join(pointer, index)
            row = values[index] if index < len(values) else None
            inner = self._by_kind(item, place, row, depth + 1)
            inner = replace(inner, label=f"{name} {index + 1}", optional=False)
            remove = _remove_button(place, f"{_lower(name)} {index + 1}") if removable else None
            rows.append(Row(inner.id, place, inner.label, (inner,), remove, 0))
        return self._base(
            field,
            pointer,
            "fields/lists.html",
            rows=tuple(rows),
            add=_add_button(field, pointer, name, count),
            heading=_heading(depth),
            when=when,
        )

    def _map(self, field: Field, pointer: str, value: Any, depth: int, when: str | None) -> Control:
        """A map: a row per key, the key in a text input (`<row>#sleutel`), then its value's
        control. A row stands at its key's pointer, so that a message about it lands there."""
        (item,) = field.children
        name = item.title or "Rij"
        keys = field.schema.get("propertyNames")
        keys = keys if isinstance(keys, Mapping) else {}
        entries = list(value.items()) if isinstance(value, Mapping) else []
        if not entries and is_required(field, self.answers, pointer):
            entries = [("", None)]  # a blank row to start with
        rows = []
        for index, (key, row_value) in enumerate(entries):
            place = _pointer.join(pointer, key)
            named = Control(
                "fields/input.html",
                key_name(place),
                element_id(key_name(place)),
                str(keys.get("title") or "Naam"),
                hint=(str(keys["description"]),) if keys.get("description") else (),
                value=key,
                error=self.errors.get(key_name(place)),
                attributes=_KEY_ATTRIBUTES,
            )
            inner = self._by_kind(item, place, row_value, depth + 2)
            remove = _remove_button(place, f"{_lower(name)} {index + 1}")
            legend = f"{name} {index + 1}"
            rows.append(
                Row(element_id(place), place, legend, (named, inner), remove, 0, marked=False)
            )
        return self._base(
            field,
            pointer,
            "fields/group.html",
            rows=tuple(rows),
            # one blank row at a time: a map has one key ""
            add=None if "" in dict(entries) else _add_button(field, pointer, name, len(rows)),
            heading=_heading(depth),
            when=when,
        )

    def _row_count(self, field: Field, pointer: str, value: Any) -> int:
        """The rows answered, at least the minimum; none answered: as many as needed to
        start (a row of a list of lists, added empty, asks its first items)."""
        if isinstance(value, list):
            return max(len(value), field.min_items)
        required = is_required(field, self.answers, pointer)
        return max(field.min_items, 1 if required else 0)

    def _attachment(self, field: Field, pointer: str, value: Any, when: str | None) -> Control:
        if field.multiple:
            items = value if isinstance(value, list) else []
            places = [_pointer.join(pointer, i) for i in range(len(items))]
            names = [f"{_lower(field.item_title)} {i + 1}" for i in range(len(items))]
        else:
            items, places, names = [value], [pointer], [_lower(field.title)]
        files = tuple(
            _uploaded(place, item, name)
            for place, item, name in zip(places, items, names, strict=True)
            if isinstance(item, Mapping) and isinstance(item.get("bestand"), str)
        )
        hint = (*((field.description,) if field.description else ()), file_hint(field))
        if files and not field.multiple:
            hint = (*hint, "Kies een ander bestand als u het opgeladen bestand wilt vervangen.")
        rule = field.attachment
        accept = ",".join(rule.media_types) if rule else ""
        return self._base(
            field,
            pointer,
            "fields/file.html",
            hint=hint,
            files=files,
            attributes=(("accept", accept),) if accept else (),
            multiple=field.multiple,
            when=when,
        )


_PICKED = {Kind.CHOICE, Kind.BOOLEAN, Kind.CHOICES}
_ABSENT = object()
_KEY_ATTRIBUTES = (("spellcheck", "false"),)  # a map's key: a name, not a word to correct
_DATE_EXAMPLE = "Bijvoorbeeld 27 3 2027."
_MOMENT_EXAMPLE = "Bijvoorbeeld 27 3 2027 en 14:30."
_PART_LABELS = {DAY: "Dag", MONTH: "Maand", YEAR: "Jaar", TIME: "Uur"}
_PART_WIDTHS = {DAY: 2, MONTH: 2, YEAR: 4, TIME: 5}


def _with_follow_ups(fields: tuple[Field, ...], controls: list[Control]) -> tuple[Control, ...]:
    """The controls, each follow-up question moved right under the choice that triggers it."""
    triggers = [trigger_of(field, fields) for field in fields]
    if not any(triggers):
        return tuple(controls)
    following = {f.name for f, t in zip(fields, triggers, strict=True) if t is not None}
    # One level: a follow-up of a follow-up stays where it is.
    triggers = [t if t is None or t.field.name not in following else None for t in triggers]
    by_name = {field.name: control for field, control in zip(fields, controls, strict=True)}
    follow_ups: dict[str, list[Control]] = {}
    values: dict[str, set[str]] = {}
    for control, trigger in zip(controls, triggers, strict=True):
        if trigger is not None:
            name = trigger.field.name
            follow_ups.setdefault(name, []).append(replace(control, applies=trigger.when_text()))
            values.setdefault(name, set()).update(encode_choice(v) for v in trigger.values)
    shown = []
    for field, trigger in zip(fields, triggers, strict=True):
        if trigger is not None:
            continue  # shown under its trigger
        control = by_name[field.name]
        if field.name in follow_ups:
            options = tuple(
                replace(o, reveals=o.value in values[field.name]) for o in control.options
            )
            control = replace(control, revealed=tuple(follow_ups[field.name]), options=options)
        shown.append(control)
    return tuple(shown)


def _uploaded(pointer: str, item: Mapping[str, Any], what: str) -> UploadedFile:
    name = item.get("naam")
    return UploadedFile(
        pointer=pointer,
        reference=str(item["bestand"]),
        name=name if isinstance(name, str) else None,
        remove=_remove_button(pointer, what),
    )


def _remove_button(pointer: str, what: str) -> Button:
    return Button(Action(Move.REMOVE, pointer).value, "Verwijder", what)


def _add_button(field: Field, pointer: str, item: str, count: int) -> Button | None:
    if field.max_items is not None and count >= field.max_items:
        return None
    more = "nog een" if count else "een"
    return Button(Action(Move.ADD, pointer).value, f"Voeg {more} {_lower(item)} toe")


def _lower(title: str) -> str:
    """`Initiatiefnemer` -> `initiatiefnemer`, but `IBAN` stays `IBAN`."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def _heading(depth: int) -> int:
    """Headings for the first two levels of fieldsets (h2, h3); plain legends below."""
    return depth + 1 if 1 <= depth <= 2 else 0


def limit_text(limit: int) -> str:
    """What a long text's hint says of its limit, also without the script."""
    return f"U kunt tot {number_text(limit)} tekens invullen."


@by_identity
def _hint(field: Field) -> tuple[str, ...]:
    return (field.description,) if field.description else ()


@by_identity
def _input_spec(field: Field) -> tuple[str, tuple[tuple[str, str], ...], int]:
    """An input's type, attributes and width: the field's alone, the same on every render."""
    input_type = _INPUT_TYPE_BY_KIND.get(field.kind) or _INPUT_TYPE_BY_FORMAT.get(
        field.format or "", "text"
    )
    return input_type, _input_attributes(field), _width(field)


def _is_long(field: Field) -> bool:
    if field.widget in {"textarea", "text"}:
        return field.widget == "textarea"
    limit = field.schema.get("maxLength")
    return isinstance(limit, int) and limit > LONG_TEXT


def _choice_template(field: Field, count: int) -> str:
    if field.kind is Kind.CHOICES:
        return "fields/checkboxes.html"
    if field.widget == "select" or (field.widget != "radio" and count > MAX_RADIOS):
        return "fields/select.html"
    return "fields/radios.html"


def _width(field: Field) -> int:
    """The characters an answer takes, so that the input's size says what is asked (GOV.UK
    sizes inputs to their data): one of the widths formkit.css knows; 0 for a full line."""
    if field.format in _WIDTH_BY_FORMAT:
        return _WIDTH_BY_FORMAT[field.format or ""]
    if field.name in _WIDTH_BY_NAME:
        return _WIDTH_BY_NAME[field.name]
    return 10 if field.kind in {Kind.INTEGER, Kind.NUMBER} else 0


def _input_attributes(field: Field) -> tuple[tuple[str, str], ...]:
    attributes = []
    autocomplete = _AUTOCOMPLETE_BY_FORMAT.get(field.format or "") or _AUTOCOMPLETE_BY_NAME.get(
        field.name
    )
    if autocomplete and field.kind is Kind.TEXT:
        attributes.append(("autocomplete", autocomplete))
    if field.kind is Kind.INTEGER or field.format in _NUMERIC_FORMATS:
        attributes.append(("inputmode", "numeric"))
    elif field.kind is Kind.NUMBER:
        attributes.append(("inputmode", "decimal"))
    if field.kind in {Kind.INTEGER, Kind.NUMBER} or field.format in _CODE_FORMATS:
        attributes.append(("spellcheck", "false"))
    return tuple(attributes)
