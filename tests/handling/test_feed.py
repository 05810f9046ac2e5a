"""The change feed on SQLite and PostgreSQL: every event once, in commit order, from a cursor;
and on PostgreSQL, an event whose transaction commits after a later one is not passed by."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Collection, Iterator

import pytest
import sqlalchemy as sa
from tests.conftest import SCHEMAS, answers
from tests.handling.test_handling_store import OFFICIAL, SOON, Stores, _adviser

import formkit
from formkit.filing._filing import Filing
from formkit.handling.actions import Assign, FindAdmissible, GiveAdvice, RequestAdvice
from formkit.store import _tables as t
from formkit.store.feed import CursorError, Feed, FeedItem

EVENEMENT = formkit.load_form(SCHEMAS / "evenement.json")
BOUWAANVRAAG = "bouwaanvraag"
WAIT = 20.0  # seconds a test waits for the feed to pass a transaction of another test run


@pytest.fixture
def stores(database_url: str) -> Iterator[Stores]:
    stores = Stores(database_url)
    yield stores
    stores.engine.dispose()


def _file_evenement(stores: Stores) -> str:
    filing = Filing(
        form_id=EVENEMENT.id,
        form_title=EVENEMENT.title,
        prefix=EVENEMENT.prefix,
        version=EVENEMENT.version,
        answers=answers("evenement", "valid-minimal"),
        attachments=(),
        channel="api:backoffice",
        idempotency_key=None,
        request_digest="d",
    )
    (outcome,) = stores.dossiers.file([filing], {EVENEMENT.version: EVENEMENT.schema})
    return outcome.number


def _read(
    feed: Feed, expected: int, after: str | None = None, forms: Collection[str] | None = None
) -> tuple[list[FeedItem], str]:
    """Page through (two events a page) until `expected` events came, and a little past.

    PostgreSQL holds back events while any older write transaction on the server runs (other
    test runs share it): the reader polls from its cursor, as an integrator would."""
    items: list[FeedItem] = []
    deadline = time.monotonic() + WAIT
    while True:
        page = feed.page(forms, after=after, limit=2)
        items += page.items
        assert page.next is not None
        after = page.next
        if page.more:
            continue
        if len(items) >= expected or time.monotonic() > deadline:
            return items, after
        time.sleep(0.05)


def _seen(items: list[FeedItem]) -> list[tuple[str, int, str]]:
    return [(item.number, item.version, item.event.kind.value) for item in items]


def test_paging_returns_every_event_once_in_commit_order(stores: Stores) -> None:
    feed = Feed(stores.engine)
    first, second = stores.file(), stores.file()
    stores.handling.act(second, FindAdmissible(), OFFICIAL, SOON)
    stores.handling.act(first, Assign("sub-an", "An Peeters"), OFFICIAL, SOON)
    stores.handling.act(second, RequestAdvice(("brandweer",)), OFFICIAL, SOON)
    third = stores.file()
    advice = GiveAdvice("brandweer", "gunstig", "In orde.")
    stores.handling.act(second, advice, _adviser("brandweer"), SOON)
    expected = [
        (first, 1, "ingediend"),
        (second, 1, "ingediend"),
        (second, 2, "found-admissible"),
        (first, 2, "assigned"),
        (second, 3, "advice-requested"),
        (third, 1, "ingediend"),
        (second, 4, "advice-given"),
    ]
    items, cursor = _read(feed, len(expected))
    assert _seen(items) == expected
    assert items[-1].event.actor == _adviser("brandweer")
    assert items[0].form_id == BOUWAANVRAAG
    again = feed.page(None, after=cursor)
    assert (again.items, again.next, again.more) == ((), cursor, False)
    stores.handling.act(first, FindAdmissible(), OFFICIAL, SOON)  # after the cursor was kept
    later, _ = _read(feed, 1, after=cursor)
    assert _seen(later) == [(first, 3, "found-admissible")]


def test_a_key_reads_only_its_forms(stores: Stores) -> None:
    feed = Feed(stores.engine)
    building, event = stores.file(), _file_evenement(stores)
    stores.handling.act(building, FindAdmissible(), OFFICIAL, SOON)
    items, _ = _read(feed, 1, forms={EVENEMENT.id})
    assert _seen(items) == [(event, 1, "ingediend")]
    assert items[0].event.actor.name == "api:backoffice"
    items, _ = _read(feed, 2, forms={BOUWAANVRAAG})
    assert [item.number for item in items] == [building, building]
    _, everything = _read(feed, 3)
    nothing = feed.page({"onbekend"})
    assert nothing.items == ()
    assert nothing.next == everything  # read on from past the others' events, not over them


@pytest.mark.parametrize(
    "cursor",
    [
        "x",
        "",
        "MS4yLjM",  # "1.2.3"
        base64.urlsafe_b64encode(b"-1.5").decode(),
        base64.urlsafe_b64encode(f"{2**63}.1".encode()).decode(),
        base64.urlsafe_b64encode(b"01.5").decode().rstrip("="),  # not as the feed writes it
        "MS41=",  # "1.5" with padding the feed leaves off
        "A" * 100,
    ],
)
def test_a_cursor_the_feed_did_not_hand_out_is_refused(stores: Stores, cursor: str) -> None:
    with pytest.raises(CursorError):
        Feed(stores.engine).page(None, after=cursor)


@pytest.fixture
def postgres_stores(postgres_url: str) -> Iterator[Stores]:
    stores = Stores(postgres_url)
    yield stores
    stores.engine.dispose()


def test_an_event_committed_after_a_later_one_is_not_passed_by(postgres_stores: Stores) -> None:
    """An adviser's action takes the lower event id, a filing the higher; the filing commits
    first, the feed is read, then the advice commits. Read in id order, the reader's cursor
    would be past the advice's event for good."""
    stores = postgres_stores
    feed = Feed(stores.engine)
    slow = stores.file()
    stores.handling.act(slow, FindAdmissible(), OFFICIAL, SOON)
    stores.handling.act(slow, RequestAdvice(("brandweer",)), OFFICIAL, SOON)
    _, cursor = _read(feed, 3)
    errors: list[BaseException] = []

    def advise() -> None:
        try:
            command = GiveAdvice("brandweer", "gunstig", "In orde.")
            stores.handling.act(slow, command, _adviser("brandweer"), SOON)
        except BaseException as error:
            errors.append(error)

    adviser = threading.Thread(target=advise)
    with stores.engine.connect() as blocker:  # the advice will wait here, its event written
        blocker.execute(sa.text("LOCK TABLE advice_request IN SHARE MODE"))
        transaction = "SELECT pg_current_xact_id_if_assigned()"
        assert blocker.execute(sa.text(transaction)).scalar_one() is None  # holds nothing back
        adviser.start()
        try:
            _wait_until_blocked(stores, "DELETE FROM advice_request")
            quick = stores.file()  # commits while the advice's transaction runs
            assert _committed_ids(stores, after_id=3) == [5]  # 4: the advice's, uncommitted
            held = feed.page(None, after=cursor)
            assert held.items == ()  # the filing's event waits for the older transaction
        finally:
            blocker.rollback()
            adviser.join()
    assert errors == []
    items, _ = _read(feed, 2, after=held.next)
    assert _seen(items) == [(slow, 4, "advice-given"), (quick, 1, "ingediend")]
    assert _committed_ids(stores, after_id=3) == [4, 5]


def _wait_until_blocked(stores: Stores, statement: str) -> None:
    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query LIKE :statement"
    )
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with stores.engine.connect() as connection:
            if connection.execute(waiting, {"statement": f"{statement}%"}).scalar_one():
                return
        time.sleep(0.02)
    pytest.fail(f"no transaction waited at {statement}")


def _committed_ids(stores: Stores, after_id: int) -> list[int]:
    event = t.Event.__table__  # type: ignore[attr-defined]
    with stores.engine.connect() as connection:
        query = sa.select(event.c.id).where(event.c.id > after_id).order_by(event.c.id)
        return list(connection.execute(query).scalars())
