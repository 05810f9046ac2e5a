"""History rules: how many dossiers of a form may name one person within a period.

Only the counting needs the dossier store; what the rule allows, in calendar terms, and what
a refusal says are decided here. A period is counted in the city's calendar: a filing on
14 March 2027 with a period of P1Y counts the dossiers filed since 14 March 2026 at the same
time of day (29 February counts from 28 February in a year without it).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from formkit.forms._dutch import day_text
from formkit.forms._problems import Problem
from formkit.forms._rules import CITY_TIME_ZONE

_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def period_start(now: datetime, period: str) -> datetime:
    """The earliest moment a dossier counts for a filing at `now`."""
    return _shift(now, period, -1)


def period_end(filed_at: datetime, period: str) -> datetime:
    """When a dossier filed at `filed_at` stops counting."""
    return _shift(filed_at, period, +1)


def over_limit(
    pointer: str,
    maximum: int,
    period: str,
    message: str,
    filed: Sequence[datetime],
    now: datetime,
) -> Problem | None:
    """The problem when `filed` (the moments of the dossiers that count, any order) leave no
    room for one more at `now`; None when they do."""
    since = period_start(now, period)
    counted = sorted(moment for moment in filed if moment > since)
    if len(counted) < maximum:
        return None
    # The next filing is possible once all but maximum - 1 of them stopped counting.
    freed_by = counted[len(counted) - maximum]
    detail = (
        f"Sinds {_day(since)} werden er al {len(counted)} ingediend met deze persoon. "
        f"Dat kan opnieuw vanaf {_day(period_end(freed_by, period))}."
    )
    return Problem(pointer, "history", f"{message} {detail}")


def _shift(moment: datetime, period: str, sign: int) -> datetime:
    found = _PERIOD.match(period)
    if found is None:
        raise ValueError(f"not a calendar period: {period!r}")
    years, months, weeks, days = (int(part or 0) for part in found.groups())
    local = moment.astimezone(CITY_TIME_ZONE)
    month_index = local.year * 12 + local.month - 1 + sign * (years * 12 + months)
    year, month = divmod(month_index, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    shifted = local.replace(year=year, month=month + 1, day=day)
    # Aware arithmetic is on the wall clock: across a clock change the time of day stays.
    return shifted + sign * timedelta(weeks=weeks, days=days)


def _day(moment: datetime) -> str:
    return day_text(moment.astimezone(CITY_TIME_ZONE).date())
