"""32 staff actions at once from two processes on PostgreSQL, each with its own engine, at the
same few dossiers: every successful action keeps exactly one event, versions have no gaps, a
conflict or refusal records nothing, and each dossier's columns and advice requests are what
its events say.

Each action is by an actor of its own, so its event, if any, is found by the actor's id.
Actions that race for one dossier sit next to each other in the plan, and the plan is dealt to
the processes in turn: the two of a pair run in different processes.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from tests.handling.concurrent_support import WAIT, Outcome, Planned, Setting, work
from tests.handling.test_feed import _read
from tests.handling.test_handling_store import DEPARTMENTS, FORM, OFFICIAL, Stores

from formkit.handling.actions import (
    Assign,
    Command,
    ExtendDeadline,
    FindAdmissible,
    FindIncomplete,
    GiveAdvice,
    RequestAdvice,
)
from formkit.handling.events import Actor, ActorKind
from formkit.store import _tables as t
from formkit.store.feed import Feed

PROCESSES = 2
ADVISERS = ("brandweer", "mobiliteit", "erfgoed", "politie", "wegbeheerder", "omgeving")
NOW = datetime.now(UTC) + timedelta(days=1)


def _staff(index: int, department: str = "omgeving") -> Actor:
    return Actor(ActorKind.STAFF, f"sub-{index}", f"Medewerker {index}", department)


@pytest.fixture
def stores(postgres_url: str) -> Iterator[Stores]:
    stores = Stores(postgres_url)
    yield stores
    stores.engine.dispose()


def _prepare(stores: Stores) -> dict[str, str]:
    """The dossiers, each where its race starts."""
    act = stores.handling.act
    dossiers = {name: stores.file() for name in ("advice", "busy", "verdict", *_RACES)}
    act(dossiers["advice"], FindAdmissible(), OFFICIAL, NOW)
    act(dossiers["advice"], RequestAdvice(ADVISERS), OFFICIAL, NOW)
    act(dossiers["busy"], FindAdmissible(), OFFICIAL, NOW)
    return dossiers


_RACES = {"race1": 2, "race2": 2, "race3": 2, "race4": 4}  # officials assigning at version 1
BEFORE = {"advice": 3, "busy": 2}  # versions after `_prepare`; the others 1


def _plan(dossiers: dict[str, str]) -> list[Planned]:
    commands: list[tuple[str, Command, str, int | None]] = []  # dossier, command, dept, If-Match
    for department in ADVISERS:  # two advisers of each department: one gives the advice
        advice = GiveAdvice(department, "gunstig", f"Advies van {department}.")
        commands += [("advice", advice, department, None)] * 2
    for race, officials in _RACES.items():
        assign = [Assign(f"{race}-{n}", f"Ambtenaar {n}") for n in range(officials)]
        commands += [(race, command, "omgeving", 1) for command in assign]
    commands += [("busy", Assign(f"busy-{n}", f"Busy {n}"), "omgeving", None) for n in range(4)]
    commands += [("busy", ExtendDeadline(), "omgeving", None)] * 2  # once only
    commands += [("busy", RequestAdvice(("brandweer",)), "omgeving", None)] * 2  # once only
    verdict = FindIncomplete("Het plan ontbreekt.")
    commands += [
        ("verdict", verdict, "omgeving", None),
        ("verdict", FindAdmissible(), "omgeving", None),
    ]
    return [
        Planned(index, dossiers[name], command, _staff(index, department), expected)
        for index, (name, command, department, expected) in enumerate(commands)
    ]


def _run(url: str, plan: list[Planned]) -> dict[int, Outcome]:
    context = multiprocessing.get_context("spawn")  # fresh interpreters, no forked engine
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    setting = Setting(url, FORM.id, FORM.annotations.procedure, DEPARTMENTS, NOW)
    processes = [
        context.Process(target=work, args=(setting, plan[p::PROCESSES], ready, go, results))
        for p in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            ready.get(timeout=WAIT)
        go.set()
        outcomes: dict[int, Outcome] = {}
        for _ in processes:
            outcomes |= results.get(timeout=WAIT)
    except queue.Empty:
        pytest.fail("a process did not start or did not finish in time")
    finally:
        for process in processes:
            process.join(timeout=WAIT)
            if process.is_alive():
                process.kill()
    return outcomes


def test_32_actions_from_two_processes_keep_every_event_and_a_consistent_dossier(
    stores: Stores, postgres_url: str
) -> None:
    dossiers = _prepare(stores)
    plan = _plan(dossiers)
    assert len(plan) == 32
    outcomes = _run(postgres_url, plan)
    assert sorted(outcomes) == [p.index for p in plan]
    assert [o for o in outcomes.values() if o[0] == "error"] == []
    by_dossier = {
        name: [p for p in plan if p.number == number] for name, number in dossiers.items()
    }

    def results(name: str) -> Counter[str]:
        return Counter(outcomes[p.index][0] for p in by_dossier[name])

    assert results("advice") == Counter(ok=6, refused=6)
    given = Counter(p.actor.department for p in by_dossier["advice"] if _ok(outcomes, p))
    assert given == Counter(ADVISERS)  # each department's advice, once
    for race, officials in _RACES.items():
        assert results(race) == Counter(ok=1, conflict=officials - 1)
    assert results("busy") == Counter(ok=6, refused=2)
    assert results("verdict") == Counter(ok=1, refused=1)

    for name, number in dossiers.items():
        _check_events(stores, number, BEFORE.get(name, 1), by_dossier[name], outcomes)
        _check_projection(stores, number)
    _check_feed(stores, dossiers)


def _ok(outcomes: dict[int, Outcome], planned: Planned) -> bool:
    return bool(outcomes[planned.index][0] == "ok")


def _check_events(
    stores: Stores,
    number: str,
    before: int,
    planned: list[Planned],
    outcomes: dict[int, Outcome],
) -> None:
    """One event per successful action, at the version its answer named; none for the rest."""
    handled = stores.handling.get(number)
    assert handled is not None
    succeeded = [p for p in planned if _ok(outcomes, p)]
    assert len(handled.events) == handled.state.version == before + len(succeeded)
    versions = sorted(outcomes[p.index][1] for p in succeeded)
    assert versions == list(range(before + 1, handled.state.version + 1))  # no gaps, no twins
    actors = [event.actor.id for event in handled.events[before:]]
    assert sorted(actors) == sorted(p.actor.id for p in succeeded)  # each once, nobody else
    for p in succeeded:
        version = outcomes[p.index][1]
        assert actors.index(p.actor.id) == version - before - 1
        assert handled.events[version - 1].kind == _kind(p.command)


def _kind(command: Command) -> str:
    names = {
        Assign: "assigned",
        ExtendDeadline: "deadline-extended",
        FindAdmissible: "found-admissible",
        FindIncomplete: "found-incomplete",
        GiveAdvice: "advice-given",
        RequestAdvice: "advice-requested",
    }
    return names[type(command)]


def _check_projection(stores: Stores, number: str) -> None:
    """The dossier's row and advice requests are the fold of its events."""
    handled = stores.handling.get(number)
    assert handled is not None
    state = handled.state
    dossier = t.Dossier.__table__  # type: ignore[attr-defined]
    advice = t.AdviceRequest.__table__  # type: ignore[attr-defined]
    with stores.engine.connect() as connection:
        row = connection.execute(sa.select(dossier).where(dossier.c.number == number)).one()
        requests = connection.execute(
            sa.select(advice.c.department, advice.c.opinion, advice.c.late).where(
                advice.c.dossier_id == row.id
            )
        ).all()
    official = state.official
    assert (row.phase, row.version, row.track) == (state.phase, state.version, state.track)
    assert (row.handler, row.handler_name) == (
        (official.id, official.name) if official else (None, None)
    )
    decision = state.decision_due
    assert row.decision_due == (decision.due if decision else None)
    expected = {(r.department, r.opinion, r.late) for r in state.advice.values()}
    assert set(map(tuple, requests)) == expected


def _check_feed(stores: Stores, dossiers: dict[str, str]) -> None:
    """The change feed hands out each dossier's versions once, in order."""
    versions = {}
    for number in dossiers.values():
        handled = stores.handling.get(number)
        assert handled is not None
        versions[number] = handled.state.version
    items, _ = _read(Feed(stores.engine), sum(versions.values()))
    seen: dict[str, list[int]] = {}
    for item in items:
        seen.setdefault(item.number, []).append(item.version)
    assert seen == {number: list(range(1, n + 1)) for number, n in versions.items()}
