from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formkit.handling.deadlines import Deadline, Status, local_day

BRUSSELS_WINTER = timezone(timedelta(hours=1))


def test_a_term_counts_calendar_days_from_the_day_after_the_moment_in_brussels() -> None:
    # 23:30 UTC on 28 February is already 1 March in Brussels: the 30 days count from there.
    filed = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
    assert Deadline.after(filed, 30).due == date(2026, 3, 31)


def test_a_term_that_spans_the_change_to_summer_time_keeps_its_days() -> None:
    filed = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # summer time starts on 29 March
    deadline = Deadline.after(filed, 2)
    assert deadline.due == date(2026, 3, 30)
    assert deadline.ends == datetime(2026, 3, 30, 22, 0, tzinfo=UTC)  # midnight CEST


def test_a_term_before_a_date_ends_that_many_days_earlier() -> None:
    assert Deadline.before(date(2026, 7, 10), 7).due == date(2026, 7, 3)


def test_an_extension_adds_days_to_the_due_day() -> None:
    assert Deadline(date(2026, 5, 1)).extended(60).due == date(2026, 6, 30)


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (datetime(2026, 4, 20, 12, tzinfo=UTC), Status.ON_TIME),  # 10 days left
        (datetime(2026, 4, 25, 12, tzinfo=UTC), Status.DUE_SOON),  # 5 days left
        (datetime(2026, 4, 30, 21, 59, tzinfo=UTC), Status.DUE_SOON),  # the last minute
        (datetime(2026, 4, 30, 22, 0, tzinfo=UTC), Status.OVERDUE),  # midnight in Brussels
    ],
)
def test_status_on_time_due_soon_overdue(now: datetime, status: Status) -> None:
    assert Deadline(date(2026, 4, 30)).status(now, due_soon=5) is status


def test_a_moment_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        local_day(datetime(2026, 1, 1, 12))


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2099, 12, 31),
        timezones=st.sampled_from([UTC, BRUSSELS_WINTER, timezone(timedelta(hours=-9))]),
    ),
    st.integers(min_value=1, max_value=400),
)
def test_the_due_day_depends_on_the_moment_not_on_the_zone_it_is_written_in(
    moment: datetime, days: int
) -> None:
    in_utc = Deadline.after(moment.astimezone(UTC), days)
    assert Deadline.after(moment, days) == in_utc
    assert (in_utc.due - local_day(moment)).days == days
    assert in_utc.status(in_utc.ends - timedelta(microseconds=1), due_soon=0) is Status.DUE_SOON
    assert in_utc.status(in_utc.ends, due_soon=0) is Status.OVERDUE
