"""Dossier handling in the database, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from tests.conftest import SCHEMAS, answers, receipts_for_tests

import formkit
from formkit.filing._filing import Filing
from formkit.handling.actions import (
    Assign,
    Decide,
    FindAdmissible,
    GiveAdvice,
    RefusedError,
    RequestAdvice,
)
from formkit.handling.events import Actor, ActorKind, Kind
from formkit.handling.organisation import load_organisation
from formkit.store import _tables as t
from formkit.store.database import open_database
from formkit.store.dossiers import DossierStore
from formkit.store.handling import ConflictError, HandlingStore

FORM = formkit.load_form(SCHEMAS / "bouwaanvraag.json")
DEPARTMENTS = frozenset(d.id for d in load_organisation(SCHEMAS / "organisatie.json").departments)
OFFICIAL = Actor(ActorKind.STAFF, "sub-an", "An Peeters", "omgeving")
SOON = datetime.now(UTC) + timedelta(days=1)


def _adviser(department: str) -> Actor:
    return Actor(ActorKind.STAFF, f"sub-{department}", f"Adviseur {department}", department)


def _filing() -> Filing:
    return Filing(
        form_id=FORM.id,
        form_title=FORM.title,
        prefix=FORM.prefix,
        version=FORM.version,
        answers=answers("bouwaanvraag", "valid-full"),
        attachments=(),
        channel="web",
        idempotency_key=None,
        request_digest="d",
    )


class Stores:
    def __init__(self, database_url: str) -> None:
        self.engine = open_database(database_url)
        self.dossiers = DossierStore(self.engine, receipts_for_tests())
        procedures = {FORM.id: FORM.annotations.procedure}
        self.handling = HandlingStore(self.engine, procedures.get, DEPARTMENTS)

    def file(self) -> str:
        (outcome,) = self.dossiers.file([_filing()], {FORM.version: FORM.schema})
        return outcome.number

    def column(self, number: str, name: str) -> object:
        table = t.Dossier.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as connection:
            query = sa.select(table.c[name]).where(table.c.number == number)
            return connection.execute(query).scalar_one()


@pytest.fixture
def stores(database_url: str) -> Iterator[Stores]:
    stores = Stores(database_url)
    yield stores
    stores.engine.dispose()


def test_a_filed_dossier_carries_its_first_deadline(stores: Stores) -> None:
    number = stores.file()
    handled = stores.handling.get(number)
    assert handled is not None
    assert handled.state.version == 1
    assert [e.kind for e in handled.events] == [Kind.FILED]
    assert stores.column(number, "completeness_due") == handled.state.completeness_due.due  # type: ignore[union-attr]
    assert stores.column(number, "track") == "regulier"


def test_actions_append_events_and_keep_the_dossier_columns_in_step(stores: Stores) -> None:
    number = stores.file()
    stores.handling.act(number, Assign("sub-an", "An Peeters"), OFFICIAL, SOON)
    stores.handling.act(number, FindAdmissible("vereenvoudigd"), OFFICIAL, SOON)
    handled = stores.handling.act(number, RequestAdvice(("brandweer",)), OFFICIAL, SOON)
    assert handled is not None
    assert handled.state.phase == "advies"
    assert stores.column(number, "phase") == "advies"
    assert stores.column(number, "version") == 4
    assert stores.column(number, "handler_name") == "An Peeters"
    assert stores.column(number, "track") == "vereenvoudigd"
    assert stores.column(number, "completeness_due") is None
    due = stores.column(number, "decision_due")
    assert isinstance(due, date)
    reread = stores.handling.get(number)
    assert reread is not None
    assert reread.state == handled.state
    assert reread.events[-1].actor == OFFICIAL


def test_a_refused_action_and_an_unknown_dossier_change_nothing(stores: Stores) -> None:
    number = stores.file()
    with pytest.raises(RefusedError):
        stores.handling.act(number, Decide("vergund", "Goed."), OFFICIAL, SOON)
    assert stores.column(number, "version") == 1
    assert stores.handling.act("BAV-1999-000001", Assign("a", "A"), OFFICIAL, SOON) is None


def test_an_official_behind_the_dossier_gets_a_conflict(stores: Stores) -> None:
    number = stores.file()
    stores.handling.act(number, Assign("sub-an", "An"), OFFICIAL, SOON, expected_version=1)
    with pytest.raises(ConflictError) as caught:
        stores.handling.act(number, FindAdmissible(), OFFICIAL, SOON, expected_version=1)
    assert (caught.value.expected, caught.value.current) == (1, 2)
    assert stores.column(number, "phase") == "ingediend"


def test_the_database_refuses_to_change_or_delete_an_event(stores: Stores) -> None:
    number = stores.file()
    table = t.Event.__table__  # type: ignore[attr-defined]
    for statement in (table.update().values(kind="gewist"), table.delete()):
        with pytest.raises(sa.exc.DatabaseError, match="never changed or deleted"):  # noqa: SIM117
            with stores.engine.begin() as connection:
                connection.execute(statement)
    handled = stores.handling.get(number)
    assert handled is not None
    assert [e.kind for e in handled.events] == [Kind.FILED]


def test_the_clock_marks_late_advice_and_admits_by_silence(stores: Stores) -> None:
    silent, advised = stores.file(), stores.file()
    now = datetime.now(UTC)
    stores.handling.act(advised, FindAdmissible(), OFFICIAL, now)
    stores.handling.act(advised, RequestAdvice(("brandweer", "erfgoed")), OFFICIAL, now)
    stores.handling.act(advised, GiveAdvice("erfgoed", "gunstig", "Ok."), _adviser("erfgoed"), now)
    assert stores.handling.tick(now + timedelta(days=10)) == 0
    assert stores.handling.tick(now + timedelta(days=32)) == 2
    assert stores.column(silent, "phase") == "ontvankelijk"
    assert stores.column(advised, "phase") == "in-behandeling"
    assert stores.handling.tick(now + timedelta(days=33)) == 0  # done once
    late = {"department": "brandweer", "opinion": None, "late": True, "version": 5}
    assert ("dossier.advice-given", late) in _announced(stores)  # the clock's events announce too


def test_parallel_advisers_never_overwrite_each_other(stores: Stores) -> None:
    number = stores.file()
    departments = ("brandweer", "mobiliteit", "erfgoed", "politie", "wegbeheerder", "omgeving")
    stores.handling.act(number, FindAdmissible(), OFFICIAL, SOON)
    stores.handling.act(number, RequestAdvice(departments), OFFICIAL, SOON)
    errors: list[BaseException] = []

    def advise(department: str) -> None:
        try:
            command = GiveAdvice(department, "gunstig", f"Advies van {department}.")
            stores.handling.act(number, command, _adviser(department), SOON)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=advise, args=(d,)) for d in departments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    handled = stores.handling.get(number)
    assert handled is not None
    assert {r.department: r.opinion for r in handled.state.advice.values()} == dict.fromkeys(
        departments, "gunstig"
    )
    assert handled.state.phase == "in-behandeling"
    assert handled.state.version == 3 + len(departments)
    advice = t.AdviceRequest.__table__  # type: ignore[attr-defined]
    with stores.engine.connect() as connection:
        rows = connection.execute(sa.select(advice.c.department, advice.c.opinion)).all()
    assert dict(rows) == dict.fromkeys(departments, "gunstig")  # what advisers' lists read
    assert stores.column(number, "phase") == "in-behandeling"


def _announced(stores: Stores) -> list[tuple[str, dict[str, object]]]:
    table = t.Outbox.__table__  # type: ignore[attr-defined]
    with stores.engine.connect() as connection:
        rows = connection.execute(sa.select(table).order_by(table.c.id)).all()
    return [
        (row.topic, row.payload["data"])
        for row in rows
        if row.topic.startswith("dossier.") and "data" in row.payload
    ]


def test_phase_changes_advice_and_decisions_queue_their_webhooks_with_the_event(
    stores: Stores,
) -> None:
    number = stores.file()
    stores.handling.act(number, FindAdmissible("vereenvoudigd"), OFFICIAL, SOON)
    stores.handling.act(number, Assign("sub-an", "An Peeters"), OFFICIAL, SOON)  # no webhook
    stores.handling.act(number, RequestAdvice(("brandweer",)), OFFICIAL, SOON)
    advice = GiveAdvice("brandweer", "gunstig", "In orde.")
    stores.handling.act(number, advice, _adviser("brandweer"), SOON)
    with pytest.raises(RefusedError):
        stores.handling.act(number, Decide("onbekend", "Nee."), OFFICIAL, SOON)
    stores.handling.act(number, Decide("vergund", "In orde."), OFFICIAL, SOON)
    assert _announced(stores) == [
        ("dossier.phase-changed", {"phase": "ontvankelijk", "from": "ingediend", "version": 2}),
        (
            "dossier.phase-changed",
            {"phase": "in-behandeling", "from": "ontvankelijk", "version": 3},
        ),
        ("dossier.phase-changed", {"phase": "advies", "from": "in-behandeling", "version": 4}),
        ("dossier.advice-requested", {"departments": ["brandweer"], "version": 4}),
        ("dossier.phase-changed", {"phase": "in-behandeling", "from": "advies", "version": 5}),
        (
            "dossier.advice-given",
            {"department": "brandweer", "opinion": "gunstig", "late": False, "version": 5},
        ),
        ("dossier.phase-changed", {"phase": "beslissing", "from": "in-behandeling", "version": 6}),
        ("dossier.decided", {"outcome": "vergund", "version": 6}),
    ]
