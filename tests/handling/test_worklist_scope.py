"""A member of staff's worklist, narrowed to their scope, on SQLite and PostgreSQL.

Four dossiers of two forms: one of each just filed, one of each admitted and asked for advice
(the building permit's advice already given, the event's still open).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from tests.conftest import SCHEMAS, answers
from tests.handling.test_handling_store import DEPARTMENTS, OFFICIAL, Stores, _adviser

import formkit
from formkit.accounts import Staff
from formkit.filing._filing import Filing
from formkit.handling.actions import FindAdmissible, GiveAdvice, RequestAdvice
from formkit.handling.deadlines import local_day
from formkit.handling.permissions import scope
from formkit.store.handling import HandlingStore
from formkit.store.worklist import Worklist, WorklistQuery

NOW = datetime.now(UTC)
TODAY = local_day(NOW)
EVENT = formkit.load_form(SCHEMAS / "evenement.json")
BUILDING = formkit.load_form(SCHEMAS / "bouwaanvraag.json")


@dataclass(frozen=True)
class Dossiers:
    new_building: str
    advised_building: str  # brandweer gave its advice
    new_event: str
    advised_event: str  # politie's advice still open


class TwoForms(Stores):
    def __init__(self, database_url: str) -> None:
        super().__init__(database_url)
        procedures = {f.id: f.annotations.procedure for f in (EVENT, BUILDING)}
        self.handling = HandlingStore(self.engine, procedures.get, DEPARTMENTS)

    def file_form(self, form: formkit.Form) -> str:
        filing = Filing(
            form_id=form.id,
            form_title=form.title,
            prefix=form.prefix,
            version=form.version,
            answers=answers(form.id, "valid-full"),
            attachments=(),
            channel="web",
            idempotency_key=None,
            request_digest="d",
        )
        (outcome,) = self.dossiers.file([filing], {form.version: form.schema})
        return outcome.number

    def advised(self, form: formkit.Form, department: str, *, given: bool) -> str:
        number = self.file_form(form)
        self.handling.act(number, FindAdmissible(), OFFICIAL, NOW)
        self.handling.act(number, RequestAdvice((department,)), OFFICIAL, NOW)
        if given:
            advice = GiveAdvice(department, "gunstig", "Geen bezwaar.")
            self.handling.act(number, advice, _adviser(department), NOW)
        return number


@pytest.fixture
def stores(database_url: str) -> Iterator[TwoForms]:
    stores = TwoForms(database_url)
    yield stores
    stores.engine.dispose()


@pytest.fixture
def dossiers(stores: TwoForms) -> Dossiers:
    return Dossiers(
        new_building=stores.file_form(BUILDING),
        advised_building=stores.advised(BUILDING, "brandweer", given=True),
        new_event=stores.file_form(EVENT),
        advised_event=stores.advised(EVENT, "politie", given=False),
    )


def _seen(stores: Stores, *roles: str, **filters: object) -> set[str]:
    query = WorklistQuery(scope=scope(Staff("s", "S", roles)), **filters)  # type: ignore[arg-type]
    page = Worklist(stores.engine).page(query, today=TODAY)
    numbers = [item.number for item in page.items]
    assert len(numbers) == len(set(numbers)), "a dossier in two parts of the scope shows once"
    return set(numbers)


def test_a_handler_sees_every_dossier_of_their_form_and_no_other(
    stores: TwoForms, dossiers: Dossiers
) -> None:
    assert _seen(stores, "behandelaar:bouwaanvraag") == {
        dossiers.new_building,
        dossiers.advised_building,
    }
    assert _seen(stores, "behandelaar:bewonersinitiatief") == set()


def test_an_adviser_sees_the_dossiers_that_asked_their_department_open_or_answered(
    stores: TwoForms, dossiers: Dossiers
) -> None:
    assert _seen(stores, "adviseur:brandweer") == {dossiers.advised_building}
    assert _seen(stores, "adviseur:politie") == {dossiers.advised_event}
    assert _seen(stores, "adviseur:erfgoed") == set()


def test_a_decider_sees_every_dossier_past_the_completeness_check(
    stores: TwoForms, dossiers: Dossiers
) -> None:
    assert _seen(stores, "beslisser") == {dossiers.advised_building, dossiers.advised_event}


@pytest.mark.parametrize("roles", [("beheerder",), ()], ids=["beheerder", "no-role"])
def test_an_administrator_or_a_member_without_a_role_sees_nothing(
    stores: TwoForms, dossiers: Dossiers, roles: tuple[str, ...]
) -> None:
    assert _seen(stores, *roles) == set()
    assert Worklist(stores.engine).page(WorklistQuery(), today=TODAY).items  # yet there are


def test_roles_add_up_and_filters_narrow_the_union(stores: TwoForms, dossiers: Dossiers) -> None:
    roles = ("behandelaar:evenement", "adviseur:brandweer", "beslisser")
    everything = {
        dossiers.new_event,
        dossiers.advised_event,
        dossiers.advised_building,
    }
    assert _seen(stores, *roles) == everything
    assert _seen(stores, *roles, phase="ingediend") == {dossiers.new_event}
    assert _seen(stores, *roles, forms={"bouwaanvraag"}) == {dossiers.advised_building}
    assert _seen(stores, *roles, department="politie") == {dossiers.advised_event}
    assert _seen(stores, *roles, department="brandweer") == set()  # its advice is given


def test_pages_through_a_scope_are_stable_and_whole(stores: TwoForms, dossiers: Dossiers) -> None:
    for _ in range(3):
        stores.file_form(EVENT)
        stores.advised(BUILDING, "brandweer", given=False)
    worklist = Worklist(stores.engine)
    query = WorklistQuery(scope=scope(Staff("s", "S", ("behandelaar:evenement", "beslisser"))))
    whole = [item.number for item in worklist.page(query, today=TODAY).items]
    assert len(whole) == 9  # five events, four admitted building permits
    paged: list[str] = []
    cursor = None
    while True:
        page = worklist.page(query, today=TODAY, after=cursor, limit=3)
        paged += [item.number for item in page.items]
        if page.next is None:
            break
        cursor = page.next
        stores.file_form(BUILDING)  # filed meanwhile, outside the scope: shifts nothing
    assert paged == whole
    dues = [item.due for item in worklist.page(query, today=TODAY).items]
    assert dues == sorted(dues, key=lambda due: due or TODAY.max)  # earliest deadline first
