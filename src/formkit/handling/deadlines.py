"""Deadlines in calendar days as the city counts them: in Brussels, whatever the server's zone.

A term of N days that starts at a moment ends at the end of the Nth calendar day after the day of
that moment in Europe/Brussels (the day itself does not count), so a dossier filed at 23:30 on
1 March with a 30-day term is due on 31 March, in winter and in summer time alike. A term
`before` a date ends at the end of the day N days before it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from formkit.forms._rules import CITY_TIME_ZONE


class Status(enum.StrEnum):
    ON_TIME = "on-time"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"


DUE_SOON_DAYS = 5  # a deadline this close is shown as due soon
LABELS = {Status.ON_TIME: "op tijd", Status.DUE_SOON: "bijna verlopen", Status.OVERDUE: "te laat"}


@dataclass(frozen=True, slots=True)
class Deadline:
    """The last day on which something is on time, in Brussels."""

    due: date

    @classmethod
    def after(cls, moment: datetime, days: int) -> Deadline:
        return cls(local_day(moment) + timedelta(days=days))

    @classmethod
    def before(cls, day: date, days: int) -> Deadline:
        return cls(day - timedelta(days=days))

    def extended(self, days: int) -> Deadline:
        return Deadline(self.due + timedelta(days=days))

    @property
    def ends(self) -> datetime:
        """The first moment that is too late: midnight after the due day, in Brussels."""
        return datetime.combine(self.due + timedelta(days=1), time(), tzinfo=CITY_TIME_ZONE)

    def days_left(self, now: datetime) -> int:
        """Whole calendar days from today (Brussels) to the due day; negative when overdue."""
        return (self.due - local_day(now)).days

    def status(self, now: datetime, *, due_soon: int = DUE_SOON_DAYS) -> Status:
        if now >= self.ends:
            return Status.OVERDUE
        return Status.DUE_SOON if self.days_left(now) <= due_soon else Status.ON_TIME


def local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone cannot be placed in Brussels")
    return moment.astimezone(CITY_TIME_ZONE).date()
