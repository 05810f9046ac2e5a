"""One answer value <-> the text of one control, for every kind of field.

`to_control` writes what a control shows, `from_control` reads what a browser posts back, and
for every value a browser can post the two are each other's inverse. What cannot be read (a
number with letters in it) is kept as the text itself: validation reports it and the citizen
sees again exactly what they typed.

Moments: the city lives in Europe/Brussels. A `date-time` answer carries its offset
(`2027-08-28T14:00:00+02:00`); a `datetime-local` control shows and posts the Brussels wall
clock time (`2027-08-28T14:00`). A wall clock time that happens twice (the night summer time
ends) reads as the first one, the only one a `datetime-local` control can tell apart.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from formkit.forms import _pointer
from formkit.forms._build import field_annotations, kind_of
from formkit.forms._model import Field, Kind
from formkit.forms._rules import CITY_TIME_ZONE

CITY_ZONE = CITY_TIME_ZONE
_MAX_NUMBER_TEXT = 100  # longer is no number a citizen means (and int() has a digit limit)

_LOCAL_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")

# What citizens type around the digits of a number with a format; stored compact.
_SEPARATORS = {
    "be-national-number": re.compile(r"[\s.\-/]+"),
    "be-enterprise-number": re.compile(r"[\s.\-/]+"),
    "be-postal-code": re.compile(r"\s+"),
    "phone": re.compile(r"[\s.\-/()]+"),
    "iban": re.compile(r"\s+"),
}


def encode_choice(value: Any) -> str:
    """The `value` attribute of an option: strings as they are, other constants as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def text(raw: str) -> str:
    """A posted text: line ends as `\\n` (browsers post CRLF), without surrounding blanks."""
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def compact(raw: str, format_name: str | None) -> str:
    separators = _SEPARATORS.get(format_name or "")
    if separators is None:
        return raw
    value = separators.sub("", raw)
    return value.upper() if format_name == "iban" else value


# numbers


def number_to_control(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return str(value) if isinstance(value, int) else repr(value).replace(".", ",")


def number_from_control(raw: str) -> int | float | str:
    """A Dutch number (`1.250,5`, `12,5`, `12.5`, `1e3`): an int unless a fraction is written."""
    value = _SPACES.sub("", raw)
    if len(value) > _MAX_NUMBER_TEXT:
        return raw
    if _THOUSANDS.fullmatch(value):
        value = value.replace(".", "")
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    if _INTEGER.fullmatch(value):
        return int(value)
    if _DECIMAL.fullmatch(value):
        number = float(value)
        if math.isfinite(number):
            return number
    return raw


# dates and moments


def date_from_control(raw: str) -> str:
    """An ISO date as a date control posts it; a typed `28/08/2027` (no date picker) too."""
    match = _DUTCH_DATE.fullmatch(raw)
    if match is None:
        return raw
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return raw


def moment_to_control(value: Any) -> str:
    """The Brussels wall clock time of an RFC 3339 moment, as `datetime-local` wants it."""
    if not isinstance(value, str) or not _MOMENT.match(value):
        return "" if value is None else str(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(CITY_ZONE)
    shown = moment.strftime("%Y-%m-%dT%H:%M")
    if moment.second or moment.microsecond:
        shown += moment.strftime(":%S")
    if moment.microsecond:
        shown += f".{moment.microsecond // 1000:03d}"
    return shown


def moment_from_control(raw: str) -> str:
    """A Brussels wall clock time as an RFC 3339 moment with the offset of that day."""
    if not _LOCAL_MOMENT.fullmatch(raw):
        return raw
    try:
        local = datetime.fromisoformat(raw).replace(tzinfo=CITY_ZONE)
    except ValueError:
        return raw
    # Through UTC and back: a time skipped when summer time starts becomes the real time.
    return local.astimezone(UTC).astimezone(CITY_ZONE).isoformat()


# Dates as three fields (GOV.UK's date input) and times as text: never a browser's picker.

DAY, MONTH, YEAR, TIME = "dag", "maand", "jaar", "tijd"  # after `#` in the parts' names
_TIME = re.compile(r"(\d{1,2})(?:[:.uh](\d{2})?)?(?::(\d{2})(\.\d{1,6})?)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def part_name(pointer: str, part: str) -> str:
    """The posted name of one part of a date: `/evenement/begin#dag`."""
    return f"{pointer}#{part}"


def date_parts(kind: Kind, value: Any) -> tuple[tuple[str, str], ...]:
    """What the parts of a date (and, for a moment, its time) show for `value`: a stored ISO
    date or moment in the city's calendar, or the parts as they were typed."""
    shown = scalar_to_control(kind, value)
    date_text, _, time_text = shown.partition("T") if kind is Kind.DATE_TIME else (shown, "", "")
    if kind is Kind.DATE_TIME and not time_text:
        date_text, _, time_text = shown.partition(" ")
    if _ISO_DATE.fullmatch(date_text):
        year, month, day = (str(int(p)) for p in date_text.split("-"))
    else:
        day, month, year = ([*date_text.split("-", 2), "", ""])[:3]
    parts = ((DAY, day), (MONTH, month), (YEAR, year))
    return (*parts, (TIME, time_text)) if kind is Kind.DATE_TIME else parts


def date_from_parts(kind: Kind, parts: Mapping[str, str]) -> Any:
    """The answer the posted parts of a date make; None: all empty. What is no date stays as
    typed (`31-2-2027`, `-3-2027 14:30`), for validation to refuse and the citizen to see."""
    typed = {name: text(parts.get(name, "")).replace("-", "") for name in (DAY, MONTH, YEAR, TIME)}
    if not any(typed.values()):
        return None
    day_text = f"{typed[DAY]}-{typed[MONTH]}-{typed[YEAR]}"
    day = date_from_control(day_text)
    if kind is Kind.DATE:
        return day
    clock = time_from_control(typed[TIME])
    if day == day_text or clock is None:
        return f"{day_text} {typed[TIME]}"
    return moment_from_control(f"{day}T{clock}")


def time_from_control(raw: str) -> str | None:
    """A time of day as typed (`14:30`, `14.30`, `14u30`, `9u`, `1430`) as `HH:MM[:SS]`."""
    value = raw.strip().lower()
    if value.isdigit() and len(value) in {3, 4}:
        value = f"{value[:-2]}:{value[-2:]}"
    match = _TIME.fullmatch(value)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    seconds, fraction = match.group(3), match.group(4) or ""
    if hours > 23 or minutes > 59 or (seconds is not None and int(seconds) > 59):
        return None
    clock = f"{hours:02d}:{minutes:02d}"
    return clock if seconds is None else f"{clock}:{seconds}{fraction}"


def scalar_from_control(kind: Kind, raw: str, format_name: str | None) -> Any:
    """The answer for the posted text of a one-value control; None: no answer."""
    value = text(raw)
    if not value:
        return None
    if kind in {Kind.NUMBER, Kind.INTEGER}:
        return number_from_control(value)
    if kind is Kind.DATE:
        return date_from_control(value)
    if kind is Kind.DATE_TIME:
        return moment_from_control(value)
    return compact(value, format_name)


def scalar_to_control(kind: Kind, value: Any) -> str:
    if value is None:
        return ""
    if kind in {Kind.NUMBER, Kind.INTEGER}:
        return number_to_control(value)
    if kind is Kind.DATE_TIME:
        return moment_to_control(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def item_kind(field: Field) -> tuple[Kind, str | None]:
    """The kind and format of each value of a list of plain values."""
    items = field.schema.get("items")
    if not isinstance(items, Mapping):
        return Kind.TEXT, None
    fmt = items.get("format")
    return kind_of(items, field_annotations(items)), fmt if isinstance(fmt, str) else None


def members(field: Field, value: Any, pointer: str) -> list[tuple[str, Any]]:
    """The answers inside the answer of a list of lists (its rows) or of a map (its keys'
    values), each with its pointer: what its one child field is asked for. None elsewhere."""
    if field.kind is Kind.LISTS and isinstance(value, list):
        return [(_pointer.join(pointer, i), row) for i, row in enumerate(value)]
    if field.kind is Kind.MAP and isinstance(value, Mapping):
        return [(_pointer.join(pointer, key), each) for key, each in value.items()]
    return []


def positions(value: Any) -> dict[str, Any]:
    """A tuple's values by position, as an object holds its fields' by name."""
    return {str(i): v for i, v in enumerate(value)} if isinstance(value, list) else {}
