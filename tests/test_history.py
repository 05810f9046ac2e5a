"""History rules: at most so many dossiers of a form per person within a period.

The calendar and the message on their own; `formkit check`; the count in the filing's
transaction on SQLite and PostgreSQL, a batch included; the race of 16 filings at once for one
person with two left; and a refusal through the API, at the person's number, nothing filed.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import NOW, SCHEMAS, answers, receipts_for_tests, service_settings, write_json
from tests.test_api import file

import formkit
from formkit.filing._filing import Filed, Filing, Limit, OverLimit, Party, Role
from formkit.forms._history import over_limit, period_end, period_start
from formkit.forms._rules import CITY_TIME_ZONE
from formkit.forms.catalogue import Catalogue
from formkit.store import _tables as t
from formkit.store.database import open_database
from formkit.store.dossiers import DossierStore
from formkit.web.services import Services

SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}
MESSAGE = "Een initiatiefnemer kan hoogstens drie bewonersinitiatieven per jaar indienen."
POINTER = "/initiatiefnemers/0/rijksregisternummer"


def brussels(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CITY_TIME_ZONE)


# The calendar and the message.


def test_a_period_counts_back_in_the_citys_calendar() -> None:
    assert period_start(brussels(2027, 3, 14, 10), "P1Y") == brussels(2026, 3, 14, 10)
    assert period_start(brussels(2028, 2, 29, 9), "P1Y") == brussels(2027, 2, 28, 9)
    assert period_start(brussels(2027, 5, 31, 12), "P3M") == brussels(2027, 2, 28, 12)
    assert period_start(brussels(2027, 3, 14, 10), "P2W") == brussels(2027, 2, 28, 10)
    assert period_start(brussels(2027, 1, 1, 0), "P1Y2M3D") == brussels(2025, 10, 29, 0)
    # Across the change to summer time the time of day stays.
    assert period_end(brussels(2027, 3, 27, 12), "P1D") == brussels(2027, 3, 28, 12)


def test_under_the_maximum_nothing_is_said() -> None:
    filed = [brussels(2026, 6, 1), brussels(2026, 9, 1)]
    assert over_limit(POINTER, 3, "P1Y", MESSAGE, filed, brussels(2027, 3, 14)) is None


def test_at_the_maximum_the_message_says_how_many_and_from_when_again() -> None:
    filed = [brussels(2026, 9, 1, 15), brussels(2026, 4, 2, 11), brussels(2026, 12, 24, 8)]
    old = brussels(2025, 1, 5)  # outside the period: it does not count
    problem = over_limit(POINTER, 3, "P1Y", MESSAGE, [*filed, old], brussels(2027, 3, 14, 10))
    assert problem is not None
    assert problem.pointer == POINTER
    assert problem.code == "history"
    assert problem.message == (
        f"{MESSAGE} Sinds 14 maart 2026 werden er al 3 ingediend met deze persoon. "
        "Dat kan opnieuw vanaf 2 april 2027."  # when the oldest of the three stops counting
    )


def test_above_the_maximum_the_next_is_possible_once_enough_stopped_counting() -> None:
    filed = [brussels(2026, m, 1) for m in (4, 5, 6, 7)]  # 4, with a maximum of 3
    problem = over_limit(POINTER, 3, "P1Y", MESSAGE, filed, brussels(2027, 3, 1))
    assert problem is not None
    assert "al 4 ingediend" in problem.message
    assert problem.message.endswith("Dat kan opnieuw vanaf 1 mei 2027.")


# formkit check.


def _form_with(tmp_path: Path, rule: dict[str, Any]) -> Path:
    """The bewonersinitiatief with only `rule`, beside a copy of the shared definitions."""
    document = json.loads((SCHEMAS / "bewonersinitiatief.json").read_text(encoding="utf-8"))
    document["x-formkit"]["rules"] = [rule]
    shutil.copytree(SCHEMAS / "defs", tmp_path / "defs")
    shutil.copy(SCHEMAS / "organisatie.json", tmp_path / "organisatie.json")
    return write_json(tmp_path / "bewonersinitiatief.json", document)


def test_check_refuses_a_history_rule_on_a_field_without_national_numbers(
    tmp_path: Path,
) -> None:
    rule = {
        "id": "te-veel",
        "kind": "history",
        "field": "/initiatiefnemers/*/voornaam",
        "maximum": 3,
        "period": "P1Y",
        "message": MESSAGE,
    }
    with pytest.raises(formkit.FormError) as refused:
        formkit.load_form(_form_with(tmp_path, rule))
    assert str(refused.value).endswith(
        "bewonersinitiatief.json:/x-formkit/rules/0/field: "
        "/initiatiefnemers/*/voornaam is not a national register number field"
    )


def test_a_period_with_hours_is_no_calendar_period(tmp_path: Path) -> None:
    rule = {
        "id": "te-veel",
        "kind": "history",
        "field": "/initiatiefnemers/*/rijksregisternummer",
        "maximum": 3,
        "period": "PT48H",
        "message": MESSAGE,
    }
    with pytest.raises(formkit.FormError, match="period"):
        formkit.load_form(_form_with(tmp_path, rule))


# The store, on both databases.


def filing(*persons: str, key: str | None = None, form_id: str = "bewonersinitiatief") -> Filing:
    limits = tuple(
        Limit(f"/initiatiefnemers/{n}/rijksregisternummer", person, 3, "P1Y", MESSAGE)
        for n, person in enumerate(persons)
    )
    return Filing(
        form_id=form_id,
        form_title="Bewonersinitiatief",
        prefix="BWI",
        version="sha256:v1",
        answers={"naam": "Straatfeest"},
        attachments=(),
        channel="api:test",
        idempotency_key=key,
        request_digest="d",
        limits=limits,
        parties=(),
    )


@pytest.fixture
def store(database_url: str) -> Iterator[DossierStore]:
    engine = open_database(database_url)
    yield DossierStore(engine, receipts_for_tests())
    engine.dispose()


def _with_parties(*persons: str, **extra: Any) -> Filing:
    made = filing(*persons, **extra)
    return replace(made, parties=tuple(Party(p, Role.CO_APPLICANT) for p in persons))


def file_one(store: DossierStore, made: Filing) -> Any:
    (outcome,) = store.file([made], {"sha256:v1": SCHEMA})
    return outcome


def test_the_fourth_filing_in_a_year_is_refused_and_nothing_is_filed(store: DossierStore) -> None:
    for _ in range(3):
        assert isinstance(file_one(store, _with_parties("anna")), Filed)
    outcome = file_one(store, _with_parties("anna"))
    assert isinstance(outcome, OverLimit)
    assert [p.pointer for p in outcome.problems] == [POINTER]
    assert "al 3 ingediend" in outcome.problems[0].message
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(t.Dossier)).scalar() == 3
    # Another person, and the same person on another form, are not limited by anna's count.
    assert isinstance(file_one(store, _with_parties("bert")), Filed)
    assert isinstance(file_one(store, _with_parties("anna", form_id="evenement")), Filed)


def test_a_filing_with_one_person_over_the_limit_is_refused_at_that_person(
    store: DossierStore,
) -> None:
    for _ in range(3):
        file_one(store, _with_parties("anna"))
    outcome = file_one(store, _with_parties("bert", "anna"))
    assert isinstance(outcome, OverLimit)
    assert [p.pointer for p in outcome.problems] == ["/initiatiefnemers/1/rijksregisternummer"]


def test_dossiers_older_than_the_period_no_longer_count(store: DossierStore) -> None:
    for _ in range(3):
        file_one(store, _with_parties("anna"))
    long_ago = datetime.now(UTC) - timedelta(days=400)
    with store.engine.begin() as connection:
        connection.execute(sa.update(t.Dossier.__table__).values(filed_at=long_ago))  # type: ignore[attr-defined]
    assert isinstance(file_one(store, _with_parties("anna")), Filed)


def test_filings_of_one_batch_count_each_other(store: DossierStore) -> None:
    outcomes = store.file([_with_parties("anna") for _ in range(4)], {"sha256:v1": SCHEMA})
    assert [type(o).__name__ for o in outcomes] == ["Filed", "Filed", "Filed", "OverLimit"]


def test_a_refused_filing_retried_with_its_key_is_refused_again(store: DossierStore) -> None:
    for _ in range(3):
        file_one(store, _with_parties("anna"))
    outcomes = store.file(
        [_with_parties("anna", key="k1"), _with_parties("anna", key="k1")], {"sha256:v1": SCHEMA}
    )
    assert all(isinstance(o, OverLimit) for o in outcomes)


def test_of_16_filings_at_once_for_one_person_with_two_left_exactly_two_are_filed(
    database_url: str,
) -> None:
    engine = open_database(database_url)
    try:
        first = DossierStore(engine, receipts_for_tests())
        file_one(first, _with_parties("anna"))  # one of three used: two left
        start = threading.Barrier(16)
        outcomes: list[Any] = []
        lock = threading.Lock()

        def one() -> None:
            store = DossierStore(engine, receipts_for_tests())  # each its own connection
            start.wait()
            outcome = file_one(store, _with_parties("anna"))
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=one) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(isinstance(o, Filed) for o in outcomes) == 2
        assert sum(isinstance(o, OverLimit) for o in outcomes) == 14
    finally:
        engine.dispose()


# Through the API: the keyed hash of the real number, the refusal as a problem.


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Iterator[Services]:
    settings = service_settings(tmp_path, database_url)
    built = Services.build(settings, clock=lambda: NOW, catalogue=catalogue)
    yield built
    built.engine.dispose()


def test_an_integrator_filing_a_fourth_initiative_hears_why_at_the_initiators_number(
    client: TestClient[Any], token: str
) -> None:
    document = answers("bewonersinitiatief", "valid-full")
    for _ in range(3):
        assert file(client, token, "bewonersinitiatief", document).status_code == 201
    refused = file(client, token, "bewonersinitiatief", document)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["type"].endswith("invalid-answers")
    errors = {e["pointer"]: e["message"] for e in problem["problems"]}
    assert errors.keys() == {f"/initiatiefnemers/{n}/rijksregisternummer" for n in range(3)}
    assert errors[POINTER].startswith(MESSAGE)
    assert "64081116235" not in refused.text  # the number itself is not repeated
