"""The staff's worklist on SQLite and PostgreSQL: filters, search, stable keyset pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from tests.handling.test_handling_store import OFFICIAL, Stores

from formkit.handling.actions import Assign, FindAdmissible, RequestAdvice
from formkit.handling.deadlines import Status, local_day
from formkit.store.worklist import CursorError, Worklist, WorklistQuery

NOW = datetime.now(UTC)
TODAY = local_day(NOW)


@pytest.fixture
def stores(database_url: str) -> Iterator[Stores]:
    stores = Stores(database_url)
    yield stores
    stores.engine.dispose()


def _numbers(worklist: Worklist, query: WorklistQuery, **options: object) -> list[str]:
    return [item.number for item in worklist.page(query, today=TODAY, **options).items]  # type: ignore[arg-type]


def test_filters_by_phase_official_department_and_form(stores: Stores) -> None:
    a, b, c = stores.file(), stores.file(), stores.file()
    stores.handling.act(b, Assign("sub-an", "An Peeters"), OFFICIAL, NOW)
    stores.handling.act(c, FindAdmissible(), OFFICIAL, NOW)
    stores.handling.act(c, RequestAdvice(("brandweer",)), OFFICIAL, NOW)
    worklist = Worklist(stores.engine)
    assert _numbers(worklist, WorklistQuery()) == [a, b, c]
    assert _numbers(worklist, WorklistQuery(phase="advies")) == [c]
    assert _numbers(worklist, WorklistQuery(handler="sub-an")) == [b]
    assert _numbers(worklist, WorklistQuery(department="brandweer")) == [c]
    assert _numbers(worklist, WorklistQuery(department="politie")) == []
    assert _numbers(worklist, WorklistQuery(forms={"evenement"})) == []
    (item,) = worklist.page(WorklistQuery(handler="sub-an"), today=TODAY).items
    assert item.handler_name == "An Peeters"
    assert item.status is Status.ON_TIME  # 30 days to say whether it is complete


def test_the_earliest_deadline_comes_first_and_status_filters_by_it(stores: Stores) -> None:
    later, sooner = stores.file(), stores.file()
    stores.handling.act(later, FindAdmissible(), OFFICIAL, NOW)  # 105 days to decide
    worklist = Worklist(stores.engine)
    assert _numbers(worklist, WorklistQuery()) == [sooner, later]
    in_28_days = TODAY + timedelta(days=28)
    overdue = worklist.page(WorklistQuery(status=Status.DUE_SOON), today=in_28_days)
    assert [i.number for i in overdue.items] == [sooner]
    gone = worklist.page(WorklistQuery(status=Status.OVERDUE), today=in_28_days + timedelta(10))
    assert [i.number for i in gone.items] == [sooner]
    assert _numbers(worklist, WorklistQuery(status=Status.ON_TIME)) == [sooner, later]


def test_search_by_part_of_a_number_a_name_or_a_street(stores: Stores) -> None:
    first, second = stores.file(), stores.file()
    worklist = Worklist(stores.engine)
    assert _numbers(worklist, WorklistQuery(text=second[-6:])) == [second]
    assert _numbers(worklist, WorklistQuery(text=second.lower())) == [second]
    assert _numbers(worklist, WorklistQuery(text="Goossens")) == [first, second]
    assert _numbers(worklist, WorklistQuery(text="nekkerspoel")) == [first, second]
    assert _numbers(worklist, WorklistQuery(text="100%_")) == []  # wildcards are literal


def test_pages_follow_a_cursor_and_a_new_filing_shifts_nothing(stores: Stores) -> None:
    numbers = [stores.file() for _ in range(7)]
    worklist = Worklist(stores.engine)
    first = worklist.page(WorklistQuery(), today=TODAY, limit=3)
    assert [i.number for i in first.items] == numbers[:3]
    assert first.next is not None
    stores.file()  # filed between two pages: comes after, on the last one
    second = worklist.page(WorklistQuery(), today=TODAY, after=first.next, limit=3)
    assert [i.number for i in second.items] == numbers[3:6]
    assert second.next is not None
    last = worklist.page(WorklistQuery(), today=TODAY, after=second.next, limit=3)
    assert [i.number for i in last.items][:1] == numbers[6:]
    assert last.next is None


def test_a_cursor_not_handed_out_is_refused(stores: Stores) -> None:
    with pytest.raises(CursorError):
        Worklist(stores.engine).page(WorklistQuery(), today=TODAY, after="not-a-cursor")


def test_filed_or_changed_since_a_moment(stores: Stores) -> None:
    first, second = stores.file(), stores.file()
    filed = {n: stores.column(n, "filed_at") for n in (first, second)}
    worklist = Worklist(stores.engine)
    assert stores.column(first, "changed_at") == filed[first]  # the filing is its first change
    since_second = WorklistQuery(filed_since=_aware(filed[second]))
    assert _numbers(worklist, since_second) == [second]
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert _numbers(worklist, WorklistQuery(changed_since=later)) == []
    stores.handling.act(first, Assign("sub-an", "An Peeters"), OFFICIAL, later)
    assert _numbers(worklist, WorklistQuery(changed_since=later)) == [first]
    assert _numbers(worklist, WorklistQuery(filed_since=later)) == []


def _aware(moment: object) -> datetime:
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite keeps no offset
