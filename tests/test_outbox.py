"""The outbox and webhooks: the store's contract on SQLite and PostgreSQL, the worker, and
deliveries to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import service_settings
from tests.outbox_support import FAST, Receiver, file_dossier, receiver, run_worker_until

from formkit.forms.catalogue import Catalogue
from formkit.store import _tables as t
from formkit.store.database import open_database
from formkit.store.outbox import Backoff, Done, Failed, Job, Outbox
from formkit.store.webhooks import Webhooks
from formkit.web.app import create_app
from formkit.web.services import Services
from formkit.webhooks import HANDLING_EVENTS, SignatureError, verify
from formkit.work import (
    DELIVERY,
    Delivery,
    FanOut,
    Handler,
    Handlers,
    RetryLaterError,
    default_handlers,
)
from formkit.work._webhooks import _retry_after

START = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(engine: sa.Engine, clock: Clock) -> Outbox:
    return Outbox(engine, Backoff(jitter=0), lease=timedelta(minutes=2), clock=clock)


@pytest.fixture
def webhooks(engine: sa.Engine) -> Webhooks:
    return Webhooks(engine)


# The store ------------------------------------------------------------------------------


def test_claim_leases_due_rows_oldest_first_and_counts_the_attempt(
    outbox: Outbox, clock: Clock
) -> None:
    outbox.enqueue([("a", {"n": 1})])
    clock.advance(timedelta(seconds=1))
    outbox.enqueue([("b", {"n": 2}), ("c", {"n": 3})])
    jobs = outbox.claim(2)
    assert [(j.topic, j.payload, j.attempt) for j in jobs] == [
        ("a", {"n": 1}, 1),
        ("b", {"n": 2}, 1),
    ]
    assert [j.topic for j in outbox.claim(10)] == ["c"]
    assert outbox.claim(10) == []  # all leased
    clock.advance(outbox.lease + timedelta(seconds=1))  # the worker died: the lease runs out
    again = outbox.claim(10)
    assert [(j.topic, j.attempt) for j in again] == [("a", 2), ("b", 2), ("c", 2)]


def test_done_rows_are_neither_claimed_nor_pending(outbox: Outbox, clock: Clock) -> None:
    outbox.enqueue([("a", {})])
    (job,) = outbox.claim(1)
    outbox.done(job)
    clock.advance(timedelta(hours=1))
    assert outbox.claim(1) == []
    assert outbox.pending() == []
    entry = outbox.get(job.id)
    assert entry is not None
    assert entry.done_at == START


def test_failures_back_off_on_the_schedule_then_die(outbox: Outbox, clock: Clock) -> None:
    schedule = outbox.backoff.schedule()
    assert [round(d.total_seconds()) for d in schedule] == [
        10, 30, 90, 270, 810, 2430, 7290, 21870, 43200, 43200, 43200,
    ]  # fmt: skip
    outbox.enqueue([("a", {})])
    for attempt, wait in enumerate(schedule, start=1):
        (job,) = outbox.claim(1)
        assert job.attempt == attempt
        assert outbox.fail(job, f"HTTP 500 ({attempt})") is False
        (entry,) = outbox.pending()
        assert entry.available_at == clock.now + wait
        assert outbox.claim(1) == []  # not due before its time
        clock.advance(wait)
    (job,) = outbox.claim(1)
    assert outbox.fail(job, "HTTP 500 (12)") is True
    assert outbox.pending() == []
    (dead,) = outbox.dead()
    assert (dead.attempts, dead.last_error, dead.dead_at) == (12, "HTTP 500 (12)", clock.now)
    clock.advance(timedelta(days=30))
    assert outbox.claim(1) == []


def test_the_default_schedule_spans_about_two_days() -> None:
    total = sum(Backoff().schedule(), timedelta())
    assert timedelta(hours=40) < total < timedelta(hours=50)


def test_jitter_varies_each_wait_by_at_most_a_fifth() -> None:
    backoff = Backoff()
    assert backoff.delay(1, 0.0) == timedelta(seconds=8)
    assert backoff.delay(1, 0.5) == timedelta(seconds=10)
    assert backoff.delay(1, 0.999999) < timedelta(seconds=12)
    assert backoff.delay(1000, 0.5) == timedelta(hours=12)


def test_a_permanent_failure_dies_at_once(outbox: Outbox) -> None:
    outbox.enqueue([("a", {})])
    (job,) = outbox.claim(1)
    assert outbox.fail(job, "never", dead=True) is True
    assert [e.id for e in outbox.dead()] == [job.id]


def test_the_receivers_retry_after_is_honoured_up_to_the_cap(outbox: Outbox, clock: Clock) -> None:
    outbox.enqueue([("a", {}), ("b", {})])
    first, second = outbox.claim(2)
    outbox.fail(first, "HTTP 429", not_before=timedelta(minutes=7))
    outbox.fail(second, "HTTP 503", not_before=timedelta(days=3))
    waits = {e.id: e.available_at - clock.now for e in outbox.pending()}
    assert waits == {first.id: timedelta(minutes=7), second.id: outbox.backoff.cap}


def test_a_worker_whose_lease_ran_out_cannot_settle_the_row(outbox: Outbox, clock: Clock) -> None:
    outbox.enqueue([("a", {})])
    (stale,) = outbox.claim(1)
    clock.advance(outbox.lease + timedelta(seconds=1))
    (current,) = outbox.claim(1)
    outbox.fail(stale, "late news", dead=True)
    assert outbox.dead() == []
    (entry,) = outbox.pending()
    assert (entry.attempts, entry.last_error) == (2, None)
    outbox.done(current)
    assert outbox.pending() == []


def test_replay_makes_dead_letters_due_with_a_fresh_count(outbox: Outbox, clock: Clock) -> None:
    outbox.enqueue([("a", {}), ("b", {}), ("c", {})])
    jobs = outbox.claim(3)
    for job in jobs[:2]:
        outbox.fail(job, "gone", dead=True)
    clock.advance(timedelta(minutes=1))  # c is still leased
    assert outbox.replay([jobs[0].id, jobs[2].id]) == [jobs[0].id]  # c is not dead
    (replayed,) = outbox.claim(3)
    assert (replayed.id, replayed.attempt) == (jobs[0].id, 1)
    assert outbox.replay() == [jobs[1].id]
    assert outbox.dead() == []
    assert outbox.get(jobs[1].id).last_error == "gone"  # type: ignore[union-attr]


def test_a_job_done_twice_adds_its_follow_ups_once(outbox: Outbox, clock: Clock) -> None:
    outbox.enqueue([("dossier.created", {"number": "EVT-2026-000001"})])
    (job,) = outbox.claim(1)
    clock.advance(outbox.lease + timedelta(seconds=1))
    (again,) = outbox.claim(1)  # the first worker was slow: a second one does it too
    follow_ups = [(DELIVERY, {"webhook": "w1"}), (DELIVERY, {"webhook": "w2"})]
    assert outbox.done(again, follow_ups) is True
    assert outbox.done(job, follow_ups) is False
    assert [(e.topic, e.payload) for e in outbox.pending()] == follow_ups
    assert outbox.get(job.id).done_at == clock.now  # type: ignore[union-attr]


def test_outcomes_are_settled_together(outbox: Outbox) -> None:
    outbox.enqueue([("a", {}), ("b", {}), ("c", {})])
    a, b, c = outbox.claim(3)
    taken = outbox.settle(
        [Done(a, (("a.next", {}),)), Failed(b, "HTTP 500"), Failed(c, "never", dead=True), Done(a)]
    )
    assert [o.job.id for o in taken] == [a.id, b.id, c.id]
    assert [outbox.is_dead(o) for o in taken] == [False, False, True]
    assert [(e.topic, e.attempts) for e in outbox.pending()] == [("a.next", 0), ("b", 1)]
    assert [e.id for e in outbox.dead()] == [c.id]


def test_purge_forgets_done_rows_but_keeps_dead_letters(outbox: Outbox, clock: Clock) -> None:
    outbox.enqueue([("a", {}), ("b", {}), ("c", {})])
    done, dead, _ = outbox.claim(3)
    outbox.done(done)
    outbox.fail(dead, "x", dead=True)
    clock.advance(timedelta(days=8))
    assert outbox.purge(clock.now - timedelta(days=7)) == 1
    assert outbox.get(done.id) is None
    assert len(outbox.dead()) == 1
    assert len(outbox.pending()) == 1


def test_two_processes_claiming_at_once_never_get_the_same_row(database_url: str) -> None:
    engines = [open_database(database_url) for _ in range(2)]
    Outbox(engines[0]).enqueue([("a", {"n": n}) for n in range(300)])
    claimed: list[list[int]] = [[], []]
    together = threading.Barrier(2)  # both claim in every round, at the same moment

    def claim_all(index: int) -> None:
        outbox = Outbox(engines[index])
        for _ in range(30):  # 420 places for 300 rows
            together.wait()
            claimed[index].extend(job.id for job in outbox.claim(7))

    threads = [threading.Thread(target=claim_all, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert not set(claimed[0]) & set(claimed[1])
    assert len(claimed[0]) + len(claimed[1]) == 300
    assert len(claimed[0]) > 100
    assert len(claimed[1]) > 100


def test_subscriptions_match_on_event_and_form(webhooks: Webhooks) -> None:
    everything = webhooks.subscribe("https://a.example/hook")
    permits = webhooks.subscribe("https://b.example/hook", forms=["bouwaanvraag"])
    assert everything.secret.startswith("whsec_")
    assert everything.secret != permits.secret
    assert [s.id for s in webhooks.matching("dossier.created", "evenement")] == [everything.id]
    both = sorted([everything.id, permits.id])
    assert [s.id for s in webhooks.matching("dossier.created", "bouwaanvraag")] == both
    assert webhooks.matching("dossier.deleted", "evenement") == []
    assert webhooks.deactivate(everything.id) is True
    assert webhooks.deactivate(everything.id) is False
    assert webhooks.matching("dossier.created", "evenement") == []
    assert [(s.id, s.active) for s in webhooks.list()] == [
        (everything.id, False),
        (permits.id, True),
    ]
    assert everything.secret not in repr(everything)


@pytest.mark.parametrize(
    ("url", "events", "forms", "message"),
    [
        ("ftp://a.example/hook", ["dossier.created"], ["*"], "http"),
        ("https://a.example/hook", ["dossier.deleted"], ["*"], "events"),
        ("https://a.example/hook", [], ["*"], "events"),
        ("https://a.example/hook", ["dossier.created"], [], "form"),
    ],
)
def test_a_subscription_needs_an_http_url_known_events_and_forms(
    webhooks: Webhooks, url: str, events: list[str], forms: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        webhooks.subscribe(url, events, forms)
    assert webhooks.list() == []


# The worker and deliveries --------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as hook:
        yield hook


@pytest.fixture
def fast(engine: sa.Engine) -> Outbox:
    return Outbox(engine, FAST)


def settled(outbox: Outbox) -> bool:
    return not outbox.pending()


@pytest.mark.anyio
async def test_a_filing_reaches_the_receiver_signed_and_without_personal_data(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks, hook: Receiver
) -> None:
    subscription = webhooks.subscribe(hook.url)
    number = file_dossier(engine)
    await run_worker_until(fast, lambda: settled(fast) and len(hook.received()) == 1)
    (request,) = hook.received()
    verify(subscription.secret, request.headers, request.body, now=datetime.now(UTC))
    event = json.loads(request.body)
    assert event["type"] == "dossier.created"
    assert event["data"] == {
        "number": number,
        "form": "evenement",
        "url": f"https://loket.example/api/v1/dossiers/{number}",
    }
    assert b"Buurtfeest" not in request.body
    assert b"85073003328" not in request.body
    assert request.headers["content-type"] == "application/json"
    assert request.path == "/hooks/formkit"
    with pytest.raises(SignatureError):
        verify(
            webhooks.subscribe(hook.url).secret, request.headers, request.body, datetime.now(UTC)
        )


@pytest.mark.anyio
async def test_a_failing_receiver_gets_the_same_message_again_until_it_accepts(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks, hook: Receiver
) -> None:
    subscription = webhooks.subscribe(hook.url)
    hook.fail(2, status=503)
    file_dossier(engine)
    await run_worker_until(fast, lambda: settled(fast) and len(hook.received()) == 3)
    requests = hook.received()
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1
    for request in requests:
        verify(subscription.secret, request.headers, request.body, now=datetime.now(UTC))
    assert fast.dead() == []


@pytest.mark.anyio
async def test_a_receiver_that_keeps_failing_ends_on_the_dead_letter_list(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks, hook: Receiver
) -> None:
    subscription = webhooks.subscribe(hook.url)
    hook.fail(100)
    file_dossier(engine)
    await run_worker_until(fast, lambda: bool(fast.dead()))
    (dead,) = fast.dead()
    assert dead.topic == DELIVERY
    assert dead.attempts == FAST.max_attempts
    assert dead.last_error == f"HTTP 500 from subscription {subscription.id}"
    assert len(hook.received()) == FAST.max_attempts
    hook.fail(0)
    assert fast.replay() == [dead.id]
    await run_worker_until(fast, lambda: settled(fast))
    assert len(hook.received()) == FAST.max_attempts + 1


@pytest.mark.anyio
async def test_only_matching_subscriptions_receive_a_filing(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks
) -> None:
    with receiver() as wanted, receiver() as other:
        webhooks.subscribe(wanted.url, forms=["evenement"])
        webhooks.subscribe(other.url, forms=["bouwaanvraag"])
        removed = webhooks.subscribe(other.url)
        webhooks.deactivate(removed.id)
        file_dossier(engine)
        await run_worker_until(fast, lambda: settled(fast) and len(wanted.received()) == 1)
        assert other.received() == []


@pytest.mark.anyio
async def test_410_gone_ends_the_subscription(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks, hook: Receiver
) -> None:
    subscription = webhooks.subscribe(hook.url)
    hook.fail(1, status=410)
    file_dossier(engine)
    await run_worker_until(fast, lambda: bool(fast.dead()))
    (dead,) = fast.dead()
    assert dead.attempts == 1
    assert "410" in (dead.last_error or "")
    assert webhooks.matching("dossier.created", "evenement") == []
    assert not webhooks.get(subscription.id).active  # type: ignore[union-attr]


@pytest.mark.anyio
async def test_a_non_http_address_is_never_called(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks
) -> None:
    subscription = webhooks.subscribe("https://a.example/hook")
    with engine.begin() as connection:  # as if the row were changed behind formkit's back
        table = t.Webhook.__table__  # type: ignore[attr-defined]
        connection.execute(table.update().values(url="file:///etc/passwd"))
    file_dossier(engine)
    await run_worker_until(fast, lambda: bool(fast.dead()))
    (dead,) = fast.dead()
    assert (dead.attempts, dead.payload["webhook"]) == (1, subscription.id)
    assert "http(s)" in (dead.last_error or "")


@pytest.mark.anyio
async def test_an_unknown_topic_is_retried_then_dead_and_the_rest_goes_on(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks, hook: Receiver
) -> None:
    webhooks.subscribe(hook.url)
    fast.enqueue([("virus.scan", {"number": "EVT-2026-000001"})])
    file_dossier(engine)
    await run_worker_until(fast, lambda: bool(fast.dead()) and settled(fast))
    (dead,) = fast.dead()
    assert (dead.topic, dead.attempts) == ("virus.scan", FAST.max_attempts)
    assert dead.last_error == "no handler for topic 'virus.scan'"
    assert len(hook.received()) == 1


class Slow:
    """A handler that counts how many run at once."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.handled: list[int] = []

    async def handle(self, job: Job) -> None:
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0.02)
        self.running -= 1
        self.handled.append(job.id)


@pytest.mark.anyio
async def test_the_worker_handles_rows_concurrently_within_its_bound(fast: Outbox) -> None:
    slow = Slow()
    fast.enqueue([("slow", {}) for _ in range(24)])
    handlers = Handlers({"slow": slow})
    await run_worker_until(fast, lambda: settled(fast), handlers=handlers, concurrency=4)
    assert slow.most == 4
    assert len(slow.handled) == len(set(slow.handled)) == 24


class Broken:
    async def handle(self, job: Job) -> None:
        raise RuntimeError(f"kapot {job.payload['n']}")


@pytest.mark.anyio
async def test_a_handler_that_raises_is_retried_with_its_error_kept(fast: Outbox) -> None:
    fast.enqueue([("broken", {"n": 7})])
    handlers = Handlers({"broken": Broken()})
    await run_worker_until(fast, lambda: bool(fast.dead()), handlers=handlers)
    (dead,) = fast.dead()
    assert dead.last_error == "RuntimeError: kapot 7"


# The handler contract: every registered handler is safe to run twice -------------------


@pytest.mark.anyio
async def test_every_default_handler_keeps_the_contract(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks, hook: Receiver
) -> None:
    subscription = webhooks.subscribe(hook.url)
    file_dossier(engine)
    async with httpx.AsyncClient() as client:
        handlers = default_handlers(webhooks, "https://loket.example", client=client)
        assert sorted(handlers.topics) == sorted(["dossier.created", *HANDLING_EVENTS, DELIVERY])
        assert all(isinstance(handlers.get(topic), Handler) for topic in handlers.topics)

        (created,) = fast.claim(10)
        fan_out = handlers.get(created.topic)
        assert isinstance(fan_out, FanOut)
        follow_ups = await fan_out.handle(created)
        assert await fan_out.handle(created) == follow_ups  # the same messages again
        assert fast.done(created, follow_ups) is True
        assert fast.done(created, follow_ups) is False  # and they are added once
        (delivery,) = fast.pending()
        assert delivery.payload["webhook"] == subscription.id

        (job,) = fast.claim(10)
        deliver = handlers.get(job.topic)
        assert isinstance(deliver, Delivery)
        assert await deliver.handle(job) is None
        assert await deliver.handle(job) is None  # the receiver sees the same message twice
    first, second = hook.received()
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body


@pytest.mark.anyio
async def test_a_delivery_passes_on_the_receivers_retry_after(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks, hook: Receiver
) -> None:
    webhooks.subscribe(hook.url)
    file_dossier(engine)
    hook.fail(1, status=429)
    hook.retry_after = "120"
    async with httpx.AsyncClient() as client:
        handlers = default_handlers(webhooks, "https://loket.example", client=client)
        await _handle_next(fast, handlers)
        with pytest.raises(RetryLaterError, match="HTTP 429") as raised:
            await _handle_next(fast, handlers)
    assert raised.value.after == timedelta(seconds=120)


@pytest.mark.anyio
async def test_a_receiver_that_does_not_answer_in_time_is_retried(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks, hook: Receiver
) -> None:
    webhooks.subscribe(hook.url)
    file_dossier(engine)
    hook.delay = 1.0
    async with httpx.AsyncClient() as client:
        delivery = Delivery(webhooks, client, timeout=timedelta(milliseconds=200))
        handlers = default_handlers(webhooks, "https://x", client=client).register(
            DELIVERY, delivery
        )
        await _handle_next(fast, handlers)
        with pytest.raises(RetryLaterError, match=r"no answer within 0\.2 s"):
            await _handle_next(fast, handlers)


@pytest.mark.anyio
async def test_a_removed_subscription_receives_nothing_more(
    engine: sa.Engine, fast: Outbox, webhooks: Webhooks, hook: Receiver
) -> None:
    subscription = webhooks.subscribe(hook.url)
    file_dossier(engine)
    async with httpx.AsyncClient() as client:
        handlers = default_handlers(webhooks, "https://loket.example", client=client)
        await _handle_next(fast, handlers)
        webhooks.deactivate(subscription.id)
        await _handle_next(fast, handlers)
    assert hook.received() == []


async def _handle_next(outbox: Outbox, handlers: Handlers) -> None:
    """Claim one row, handle it, and record it done as the worker would."""
    (job,) = outbox.claim(1)
    handler = handlers.get(job.topic)
    assert handler is not None
    outbox.done(job, await handler.handle(job) or ())


# The service: the worker runs while the app does ----------------------------------------


def test_the_running_service_delivers_a_filing(
    database_url: str, tmp_path: Path, catalogue: Catalogue, hook: Receiver
) -> None:
    settings = service_settings(
        tmp_path,
        database_url,
        public_url="https://loket.example",
        outbox_poll=timedelta(milliseconds=20),
    )
    services = Services.build(settings, catalogue=catalogue)
    subscription = services.webhooks.subscribe(hook.url)
    with TestClient(create_app(settings, services)):
        number = file_dossier(services.engine)
        deadline = time.monotonic() + 10
        while not hook.received() and time.monotonic() < deadline:
            time.sleep(0.01)
    (request,) = hook.received()
    verify(subscription.secret, request.headers, request.body, now=datetime.now(UTC))
    assert (
        json.loads(request.body)["data"]["url"] == f"https://loket.example/api/v1/dossiers/{number}"
    )


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("120", timedelta(seconds=120)),
        ("Sat, 28 Nov 2026 10:05:00 GMT", timedelta(minutes=5)),
        ("Sat, 28 Nov 2026 09:00:00 GMT", timedelta(0)),
        ("99999999999999999999", timedelta(days=7)),
        ("morgen", None),
        ("", None),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date(header: str, wait: timedelta | None) -> None:
    assert _retry_after(header, START) == wait


@pytest.mark.anyio
async def test_a_handling_event_fans_out_with_its_data_under_a_message_id_of_its_own(
    webhooks: Webhooks,
) -> None:
    wanting = webhooks.subscribe("https://hooks.example/in", events=["dossier.decided"])
    webhooks.subscribe("https://hooks.example/other")  # dossier.created only
    at = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    payload = {"number": "EVT-2026-000001", "form": "evenement", "subject": "EVT-2026-000001@6"}
    data = {"outcome": "toegestaan", "version": 6}
    fan_out = FanOut(webhooks, "https://loket.example", "dossier.decided")
    job = Job(1, "dossier.decided", {**payload, "data": data}, at, 1)
    ((topic, delivery),) = await fan_out.handle(job)
    assert (topic, delivery["webhook"], delivery["event"]) == (DELIVERY, wanting.id, job.topic)
    assert json.loads(delivery["body"])["data"] == {
        "number": "EVT-2026-000001",
        "form": "evenement",
        "url": "https://loket.example/api/v1/dossiers/EVT-2026-000001",
        **data,
    }
    later = Job(2, job.topic, {**payload, "subject": "EVT-2026-000001@8", "data": data}, at, 1)
    ((_, again),) = await fan_out.handle(later)
    assert again["id"] != delivery["id"]
