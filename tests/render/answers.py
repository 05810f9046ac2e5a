"""Answer documents a citizen can give with a browser, drawn from a form's own model.

Every field that applies is answered when required and maybe when not; values are drawn per
kind within the field's schema; the document is kept when the form's schema admits it. What a
browser can express is what the page round trip promises: texts without blanks around them
(single-line texts without line breaks), moments in whole minutes of Brussels wall clock time
that occur once, checked options in the form's order, and no empty lists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import strategies as st
from tests.test_properties import FORMATS

import formkit
from formkit.forms import _pointer
from formkit.forms._alternatives import CHOICE, strip_choices
from formkit.forms._model import Field, Kind
from formkit.render._guards import is_active, is_required
from formkit.render._options import options
from formkit.render._values import CITY_ZONE

_LINE = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))
_LINES = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs"), include_characters="\n"
)
_EMAIL = st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,8})?@[a-z]{2,10}\.(be|com|org)", fullmatch=True)
_MAX_ROWS = 3
_LARGEST = 200  # numbers stay small: conditional maximums (150 euro) are then often met


def documents(form: formkit.Form) -> st.SearchStrategy[dict[str, Any]]:
    """With the choices between alternatives the page makes (`#keuze`), as a draft holds them."""
    return _document(form).filter(lambda document: form.engine.is_valid(strip_choices(document)))


@st.composite
def _document(draw: st.DrawFn, form: formkit.Form) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for field in form.fields:
        _fill(draw, field, document, document, "")
    return document


def _fill(draw: st.DrawFn, field: Field, node: dict[str, Any], document: Any, parent: str) -> None:
    pointer = _pointer.join(parent, field.name)
    if not is_active(field, document, pointer):
        return
    if not is_required(field, document, pointer) and not draw(st.booleans()):
        return
    if field.kind is Kind.OBJECT:
        node[field.name] = child = {}  # in place first: conditions below read it
        for sub in field.children:
            _fill(draw, sub, child, document, pointer)
        if set(child) <= {CHOICE} and not is_required(field, document, pointer):  # no answers
            del node[field.name]
    elif field.kind is Kind.GROUP:
        node[field.name] = rows = []
        for index in range(draw(_row_count(field))):
            rows.append(row := {})
            for sub in field.children:
                _fill(draw, sub, row, document, _pointer.join(pointer, index))
    elif field.kind is Kind.LISTS:
        node[field.name] = rows = []
        for index in range(draw(_row_count(field))):
            _fill_row(draw, field.children[0], rows, document, _pointer.join(pointer, index))
    elif field.kind is Kind.MAP:  # keys as a citizen types them, once each
        (value,) = field.children
        node[field.name] = keys = {}
        for key in draw(
            st.lists(_text({"maxLength": 20}, multiline=False), max_size=3, unique=True)
        ):
            place = _pointer.join(pointer, key)
            if value.kind is Kind.OBJECT:
                keys[key] = row = {}
                for sub in value.children:
                    _fill(draw, sub, row, document, place)
            else:
                keys[key] = draw(_value(value))
        if not keys:
            del node[field.name]
    elif field.kind is Kind.TUPLE:  # the positions up to one of them, each a value
        least = max(field.min_items, 1)
        count = draw(st.integers(min(least, len(field.children)), len(field.children)))
        node[field.name] = [draw(_value(p)) for p in field.children[:count]]
    elif field.kind is Kind.NULL:
        node[field.name] = None
    else:
        node[field.name] = draw(_value(field))


def _fill_row(draw: st.DrawFn, item: Field, rows: list[Any], document: Any, place: str) -> None:
    """One row of a list of lists, in place before its insides are drawn (conditions read it)."""
    if item.kind not in {Kind.GROUP, Kind.LISTS}:
        rows.append(draw(_value(item)))
        return
    rows.append(inner := [])
    for index in range(draw(_row_count(item))):
        below = _pointer.join(place, index)
        if item.kind is Kind.LISTS:
            _fill_row(draw, item.children[0], inner, document, below)
            continue
        inner.append(row := {})
        for sub in item.children:
            _fill(draw, sub, row, document, below)


def _row_count(field: Field) -> st.SearchStrategy[int]:
    least = max(field.min_items, 1)
    return st.integers(least, max(least, min(field.max_items or _MAX_ROWS, _MAX_ROWS)))


def _value(field: Field) -> st.SearchStrategy[Any]:
    schema = field.schema
    kind = field.kind
    if kind is Kind.ATTACHMENT:
        one = _attachment()
        return (
            st.lists(one, min_size=max(field.min_items, 1), max_size=_MAX_ROWS)
            if field.multiple
            else one
        )
    if kind in {Kind.CHOICE, Kind.BOOLEAN}:
        return st.sampled_from([c.value for c in options(field)])
    if kind is Kind.CHOICES:
        values = [c.value for c in options(field)]
        least = max(field.min_items, 1)
        picked = st.sets(st.integers(0, len(values) - 1), min_size=least)
        return picked.map(lambda indexes: [values[i] for i in sorted(indexes)])
    if kind is Kind.LIST:
        items = schema["items"]
        return st.lists(
            _text(items, multiline=False),
            min_size=max(field.min_items, 1),
            max_size=min(field.max_items or _MAX_ROWS, _MAX_ROWS),
            unique=True,
        )
    return _scalar(field, kind, schema)


def _scalar(field: Field, kind: Kind, schema: Any) -> st.SearchStrategy[Any]:
    if kind is Kind.INTEGER:
        return st.integers(_lowest(schema), _highest(schema))
    if kind is Kind.NUMBER:
        low, high = _lowest(schema), _highest(schema)
        floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
        return st.one_of(st.integers(low, high), floats).filter(
            lambda n: n > schema.get("exclusiveMinimum", float("-inf"))
        )
    if kind is Kind.BOOLEAN:
        return st.booleans()
    if kind is Kind.DATE:
        return st.dates(date(1900, 1, 1), date(2199, 12, 31)).map(date.isoformat)
    if kind is Kind.DATE_TIME:
        return _moments()
    if field.format in FORMATS:
        return FORMATS[field.format]
    if field.format == "email":
        return _EMAIL
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    return _text(schema, multiline=field.widget == "textarea")


def _lowest(schema: Any) -> int:
    return int(schema.get("minimum", schema.get("exclusiveMinimum", 0)))


def _highest(schema: Any) -> int:
    return int(schema.get("maximum", _LARGEST))


def _text(schema: Any, *, multiline: bool) -> st.SearchStrategy[str]:
    least = int(schema.get("minLength", 0))
    most = min(int(schema.get("maxLength", 40)), 40)
    drawn = st.text(_LINES if multiline else _LINE, min_size=least, max_size=most)
    return drawn.map(str.strip).filter(lambda t: len(t) >= max(least, 1))


def _attachment() -> st.SearchStrategy[dict[str, str]]:
    reference = st.from_regex(r"[A-Za-z0-9._:-]{1,30}", fullmatch=True)
    name = _text({"minLength": 1, "maxLength": 40}, multiline=False)
    return st.one_of(
        st.builds(lambda r: {"bestand": r}, reference),
        st.builds(lambda r, n: {"bestand": r, "naam": n}, reference, name),
    )


def _moments() -> st.SearchStrategy[str]:
    instants = st.datetimes(datetime(1971, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC))
    return (
        instants.map(lambda m: m.replace(second=0, microsecond=0).astimezone(CITY_ZONE))
        .filter(_occurs_once)
        .map(datetime.isoformat)
    )


def _occurs_once(moment: datetime) -> bool:
    """A wall clock time a datetime-local control can tell apart: not in the hour that repeats."""
    local = moment.replace(tzinfo=None)
    first = local.replace(tzinfo=CITY_ZONE, fold=0).utcoffset()
    second = local.replace(tzinfo=CITY_ZONE, fold=1).utcoffset()
    return first == second
