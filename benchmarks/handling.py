"""The staff's worklist and dossier page at city scale, on PostgreSQL.

Fills a fresh database with 100,000 bouwaanvraag dossiers and about 1,000,000 events, 7 to 13
per dossier (filed, taken, incomplete, completed, admissible, three departments asked, their
answers, the deadline extended, handed on, decided, closed: cut off at random, so that the
dossiers stand in every phase from advice to closed), each made by the handling core itself so
that every dossier folds as it would in service. Then times worklist pages (no filter, a phase, a
department's open advice, overdue, mine, a name searched, the tenth page by cursor; then as a
handler, advisers of a department asked for every dossier and of one asked for none, a decider
and one holding three roles see theirs), the dossier page's handling state, folded from its
events, and the change feed (a page from the middle; the first page of a key whose form has
no dossiers). Goals (issue 11): p95 under 50 ms for a worklist page, 20 ms for a dossier page.

    python benchmarks/handling.py [--url postgresql://postgres@127.0.0.1:5432/postgres]
        [--dossiers 100000] [--samples 200] [--database formkit_bench_handling] [--reuse]

`--reuse` times the database a run before filled, as it is: the same rows before and after a
change to the queries.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from litestar.testing import TestClient

import formkit
from formkit.accounts import Staff
from formkit.handling.actions import (
    Assign,
    Close,
    Command,
    Complete,
    Decide,
    ExtendDeadline,
    FindAdmissible,
    FindIncomplete,
    GiveAdvice,
    RequestAdvice,
    act,
)
from formkit.handling.deadlines import Status, local_day
from formkit.handling.events import Actor, ActorKind, Event
from formkit.handling.organisation import load_organisation
from formkit.handling.permissions import scope
from formkit.handling.state import State, apply, start
from formkit.settings import Settings
from formkit.store import _tables as t
from formkit.store.database import open_database
from formkit.store.feed import Feed
from formkit.store.handling import HandlingStore, _columns, _event_row, advice_rows
from formkit.store.worklist import Worklist, WorklistQuery
from formkit.web.app import create_app
from formkit.web.services import Services

ROOT = Path(__file__).resolve().parents[1]
FORM = formkit.load_form(ROOT / "schemas" / "bouwaanvraag.json")
PROCEDURE = FORM.annotations.procedure
DEPARTMENTS = frozenset(
    d.id for d in load_organisation(ROOT / "schemas/organisatie.json").departments
)
OFFICIALS = [Actor(ActorKind.STAFF, f"sub-{n}", f"Behandelaar {n}", "omgeving") for n in range(40)]
SURNAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens"]
STREETS = ["Bruul", "Nekkerspoelstraat", "Grote Markt", "Adegemstraat", "Leuvensesteenweg"]
ASKED = ("brandweer", "mobiliteit", "erfgoed")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database", default="formkit_bench_handling")
    parser.add_argument("--reuse", action="store_true", help="time the rows a run before left")
    arguments = parser.parse_args()
    url = _database(arguments.url, arguments.database, fresh=not arguments.reuse)
    engine = open_database(url)
    if arguments.reuse:
        now = _filled_at(engine)
    else:
        started = time.perf_counter()
        now = _fill(engine, arguments.dossiers)
        with engine.begin() as connection:  # committed: a rolled back ANALYZE keeps no statistics
            events = connection.execute(sa.text("SELECT count(*) FROM event")).scalar_one()
            connection.execute(sa.text("ANALYZE"))
        took = time.perf_counter() - started
        print(f"{arguments.dossiers:,} dossiers, {events:,} events in {took:.0f} s")
    _report(engine, now, arguments.dossiers, arguments.samples)
    engine.dispose()


def _database(url: str, name: str, *, fresh: bool) -> str:
    if fresh:
        admin = sa.create_engine(
            url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    return sa.engine.make_url(url).set(database=name).render_as_string(False)


def _filled_at(engine: sa.Engine) -> datetime:
    """When the reused database was filled: its form version's first filing."""
    with engine.connect() as connection:
        query = sa.text("SELECT first_filed_at FROM form_version")
        filled: datetime | None = connection.execute(query).scalar()
    if filled is None:
        raise SystemExit("--reuse: this database holds no dossiers; run once without it")
    return filled


def _history(
    filed: datetime, official: Actor, answers: Any, length: int
) -> tuple[State, list[Event]]:
    """The first `length` events of one dossier's handling, each decided by the handling core
    as in service."""
    state = start(PROCEDURE, answers, filed)
    day = timedelta(days=1)
    steps: list[tuple[Command, Actor, datetime]] = [
        (Assign(official.id, official.name), official, filed + day),
        (
            FindIncomplete("Het grondplan ontbreekt.", ("/bijlagen/plannen",)),
            official,
            filed + 2 * day,
        ),
        (Complete(answers), Actor(ActorKind.CITIZEN, "web", "web"), filed + 5 * day),
        (FindAdmissible(), official, filed + 6 * day),
        (RequestAdvice(ASKED), official, filed + 7 * day),
        *[
            (
                GiveAdvice(d, "gunstig", "Geen bezwaar."),
                Actor(ActorKind.STAFF, d, d, d),
                filed + 9 * day,
            )
            for d in ASKED[:2]
        ],
        (ExtendDeadline(), official, filed + 9 * day),
        (Assign("sub-chef", "Diensthoofd"), official, filed + 9 * day),
        (
            GiveAdvice(ASKED[2], "gunstig", "Ok."),
            Actor(ActorKind.STAFF, "e", "e", ASKED[2]),
            filed + 9 * day,
        ),
        (Decide("vergund", "Verenigbaar met de omgeving."), official, filed + 10 * day),
        (Close(), official, filed + 11 * day),
    ][:length]
    events = []
    for command, actor, at in steps:
        event = act(state, command, actor, at, DEPARTMENTS)
        state = apply(state, event)
        events.append(event)
    return state, events


def _fill(engine: sa.Engine, count: int) -> datetime:
    now = datetime.now(UTC)
    rng = random.Random(7)
    version = {
        "version": FORM.version,
        "form_id": FORM.id,
        "schema": dict(FORM.schema),
        "first_filed_at": now,
    }
    with engine.begin() as connection:
        connection.execute(sa.insert(t.FormVersion.__table__), version)  # type: ignore[attr-defined]
    answers = _answers()
    batch = 5_000
    for first in range(0, count, batch):
        dossiers, events, advice = [], [], []
        for n in range(first, min(first + batch, count)):
            filed = now - timedelta(days=rng.randint(10, 400), minutes=rng.randint(0, 1440))
            search = f"{rng.choice(SURNAMES).lower()} {rng.choice(STREETS).lower()}"
            state, history = _history(filed, rng.choice(OFFICIALS), answers, rng.randint(6, 12))
            number = _number(n + 1, filed)
            changed = history[-1].at if history else filed
            columns = _columns(number, state) | {"search": f"{number.lower()} {search}"}
            columns["changed_at"] = changed
            dossiers.append(_dossier_row(n + 1, number, filed, answers, columns))
            events.append(
                {
                    "dossier_id": n + 1,
                    "at": filed,
                    "actor": "web",
                    "kind": "ingediend",
                    "data": {},
                    "by": None,
                }
            )
            events += [_event_row(n + 1, e) for e in history]
            advice += advice_rows(n + 1, state)
        with engine.begin() as connection:
            connection.execute(sa.insert(t.Dossier.__table__), dossiers)  # type: ignore[attr-defined]
            connection.execute(sa.insert(t.Event.__table__), events)  # type: ignore[attr-defined]
            connection.execute(sa.insert(t.AdviceRequest.__table__), advice)  # type: ignore[attr-defined]
    return now


def _answers() -> Any:
    import json

    return json.loads((ROOT / "tests" / "data" / "bouwaanvraag" / "valid-full.json").read_text())


def _number(n: int, filed: datetime) -> str:
    return f"BAV-{filed.year}-{n:06d}"


def _dossier_row(
    n: int, number: str, filed: datetime, answers: Any, columns: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": n,
        "number": number,
        "form_id": FORM.id,
        "form_version": FORM.version,
        "answers": answers,
        "channel": "web",
        "filed_at": filed,
        "request_digest": "bench",
        **columns,
    }


def _report(engine: sa.Engine, now: datetime, count: int, samples: int) -> None:
    today = local_day(now)
    worklist = Worklist(engine)
    tenth = WorklistQuery()
    cursor = None
    for _ in range(9):
        cursor = worklist.page(tenth, today=today, after=cursor).next
    queries: dict[str, Callable[[], Any]] = {
        "worklist, no filter": lambda: worklist.page(WorklistQuery(), today=today),
        "worklist, phase advies": lambda: worklist.page(WorklistQuery(phase="advies"), today=today),
        "worklist, erfgoed's advice": lambda: worklist.page(
            WorklistQuery(department="erfgoed"), today=today
        ),
        "worklist, overdue": lambda: worklist.page(
            WorklistQuery(status=Status.OVERDUE), today=today
        ),
        "worklist, mine": lambda: worklist.page(WorklistQuery(handler="sub-7"), today=today),
        "worklist, name searched": lambda: worklist.page(
            WorklistQuery(text="goossens"), today=today
        ),
        "worklist, 10th page": lambda: worklist.page(tenth, today=today, after=cursor),
        **_scoped(worklist, today),
    }
    handling = HandlingStore(engine, {FORM.id: PROCEDURE}.get, DEPARTMENTS)
    rng = random.Random(11)
    with engine.connect() as connection:
        numbers = list(connection.execute(sa.text("SELECT number FROM dossier")).scalars())
    queries["dossier page: state from events"] = lambda: handling.get(rng.choice(numbers))
    feed = Feed(engine)
    halfway = feed.page(None, limit=200)
    for _ in range(count // 40):  # about half the events: 10 a dossier, 200 a page
        halfway = feed.page(None, after=halfway.next, limit=200)
    queries["change feed: 200 events halfway"] = lambda: feed.page(
        None, after=halfway.next, limit=200
    )
    queries["change feed: a form with none"] = lambda: feed.page({"evenement"}, limit=200)
    with _staff_pages(engine.url.render_as_string(hide_password=False)) as get:
        queries["worklist page (HTTP, handler)"] = lambda: get("/behandeling/dossiers")
        queries["dossier page (HTTP, handler)"] = lambda: get(
            f"/behandeling/dossiers/{rng.choice(numbers)}"
        )
        _print(queries, samples)


def _print(queries: dict[str, Callable[[], Any]], samples: int) -> None:
    print(f"{'query':36} {'median ms':>10} {'p95 ms':>8}")
    for name, query in queries.items():
        times = _times(query, samples)
        print(f"{name:36} {statistics.median(times):10.2f} {_p95(times):8.2f}")


@contextlib.contextmanager
def _staff_pages(url: str) -> Iterator[Callable[[str], None]]:
    """The staff's pages as a browser gets them, through the whole app (session, permission,
    the read audit's insert, the answers rendered), by a handler of the bouwaanvraag."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder),
            database_url=url,
            schemas_dir=ROOT / "schemas",
            renderers_dir=ROOT / "renderers",
            filing_writer="thread",
            outbox_worker="0",
        )
        services = Services.build(settings)
        with TestClient(create_app(settings, services)) as client:
            staff = Staff("bench", "Bench", ("behandelaar:bouwaanvraag",))
            client.cookies.set(services.staff.session_cookie, services.staff.sessions.start(staff))

            def get(path: str) -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            yield get


def _scoped(worklist: Worklist, today: Any) -> dict[str, Callable[[], Any]]:
    """Staff members' pages: each narrowed to the dossiers their roles let them see."""
    roles = {
        "handler's": ("behandelaar:bouwaanvraag",),
        "erfgoed adviser's": ("adviseur:erfgoed",),
        "politie adviser's (none)": ("adviseur:politie",),
        "decider's": ("beslisser",),
        "three roles'": ("behandelaar:evenement", "adviseur:politie", "beslisser"),
    }
    return {
        f"worklist, {name} scope": functools.partial(
            worklist.page,
            WorklistQuery(scope=scope(Staff("bench", "Bench", held))),
            today=today,
        )
        for name, held in roles.items()
    }


def _times(call: Callable[[], Any], samples: int) -> list[float]:
    for _ in range(5):
        call()
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _p95(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.95) - 1]


if __name__ == "__main__":
    main()
