"""Dates, moments and sizes as a Dutch-speaking citizen reads them, on pages and receipts."""

from __future__ import annotations

from datetime import date, datetime

from formkit.forms._rules import CITY_TIME_ZONE

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def day_text(day: date) -> str:
    """`28 augustus 2027`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def moment_text(moment: datetime) -> str:
    """`28 november 2026 om 11:00`, in the city's time (a naive moment is taken as is)."""
    local = moment.astimezone(CITY_TIME_ZONE) if moment.tzinfo is not None else moment
    return f"{day_text(local.date())} om {local:%H:%M}"


def size_text(size: int) -> str:
    """A file size in decimal units, as operating systems show them: `20 MB`, `12,3 kB`."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            shown = f"{round(size / factor, 1):.1f}".replace(".", ",").removesuffix(",0")
            return f"{shown} {unit}"
    return "1 byte" if size == 1 else f"{size} bytes"
