"""The persons of each dossier, recorded by filing and by the backfill, on both databases.

Filings go through the real API (answers with their files, the bouwaanvraag signed on a
SoftHSM2 card), so the parties are what the filing path records, in its own transaction.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.conftest import NOW, SCHEMAS, answers, service_settings, trust_folder
from tests.test_api import file, signed_by

from formkit.accounts import national_number_key
from formkit.cli._parties import add_party_commands
from formkit.eid._testcard import TestCard
from formkit.forms.catalogue import Catalogue
from formkit.store import _tables as t
from formkit.store.parties import DossierParties
from formkit.web.services import Services

_party = t.DossierParty.__table__  # type: ignore[attr-defined]
CO_APPLICANT = "96022509818"  # the second person of the full bouwaanvraag


@pytest.fixture
def services(
    database_url: str,
    tmp_path: Path,
    catalogue: Catalogue,
    ec_card: TestCard,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Services]:
    trust = trust_folder(ec_card.pki, tmp_path / "eid-trust")
    settings = service_settings(tmp_path, database_url, eid_trust_dir=trust)
    for name, value in (
        ("DATABASE_URL", database_url),
        ("DATA_DIR", settings.data_dir),
        ("SCHEMAS_DIR", SCHEMAS),
    ):  # what `formkit parties backfill` reads: the same instance
        monkeypatch.setenv(f"FORMKIT_{name}", str(value))
    built = Services.build(settings, clock=lambda: NOW, catalogue=catalogue)
    yield built
    built.engine.dispose()  # a test without the app's lifespan leaves no connection open


def filed(client: TestClient[Any], token: str, form_id: str, card: TestCard) -> str:
    document = signed_by(answers(form_id, "valid-full"), card)
    response = file(client, token, form_id, document, card)
    assert response.status_code == 201, response.text
    number: str = response.json()["number"]
    return number


def rows(services: Services) -> set[tuple[str, str, str]]:
    query = sa.select(t.Dossier.number, _party.c.national_number_key, _party.c.role).join(  # type: ignore[attr-defined]
        t.Dossier, t.Dossier.id == _party.c.dossier_id
    )
    with services.engine.connect() as connection:
        return {(r[0], r[1], r[2]) for r in connection.execute(query)}


def key(services: Services, number: str) -> str:
    return national_number_key(services.secret, number)


def test_a_signed_filing_records_its_applicant_co_applicant_and_signer(
    client: TestClient[Any], services: Services, token: str, ec_card: TestCard
) -> None:
    number = filed(client, token, "bouwaanvraag", ec_card)
    holder = key(services, ec_card.citizen.national_number)
    assert rows(services) == {
        (number, holder, "applicant"),
        (number, key(services, CO_APPLICANT), "co-applicant"),
        (number, holder, "signer"),
    }


def test_the_first_national_number_in_the_form_is_the_applicant_and_the_others_co_applicants(
    client: TestClient[Any], services: Services, token: str, ec_card: TestCard
) -> None:
    number = filed(client, token, "evenement", ec_card)  # a form that is not signed
    assert rows(services) == {
        (number, key(services, "78043031167"), "applicant"),  # the verantwoordelijke
        (number, key(services, "81092924072"), "co-applicant"),  # the medeaanvragers
        (number, key(services, "99071920394"), "co-applicant"),
    }


def test_the_parties_table_holds_no_national_number(
    client: TestClient[Any], services: Services, token: str, ec_card: TestCard
) -> None:
    filed(client, token, "bouwaanvraag", ec_card)
    filed(client, token, "evenement", ec_card)
    with services.engine.connect() as connection:
        everything = " ".join(
            str(value) for row in connection.execute(sa.select(_party)) for value in row
        )
    assert everything
    assert re.search(r"(?<![0-9a-f])\d{11}(?![0-9a-f])", everything) is None
    assert CO_APPLICANT not in everything
    assert ec_card.citizen.national_number not in everything


def backfill(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="formkit", exit_on_error=False)
    add_party_commands(parser.add_subparsers(required=True))
    arguments = parser.parse_args(["parties", "backfill"])
    status = arguments.command(arguments)
    return status, capsys.readouterr().err


def test_the_backfill_records_the_parties_of_dossiers_filed_before_and_is_idempotent(
    client: TestClient[Any],
    services: Services,
    token: str,
    ec_card: TestCard,
    capsys: pytest.CaptureFixture[str],
) -> None:
    numbers = [filed(client, token, form, ec_card) for form in ("bouwaanvraag", "evenement")]
    recorded = rows(services)
    with services.engine.begin() as connection:  # as dossiers filed before this version are
        connection.execute(_party.delete())
    assert rows(services) == set()
    assert backfill(capsys) == (
        0,
        "formkit: looked at 2 dossiers; recorded 6 parties that were missing\n",
    )
    assert rows(services) == recorded
    assert {number for number, _, _ in recorded} == set(numbers)
    assert backfill(capsys) == (
        0,
        "formkit: looked at 2 dossiers; recorded 0 parties that were missing\n",
    )
    assert rows(services) == recorded


def test_the_backfill_adds_only_what_is_missing(
    client: TestClient[Any], services: Services, token: str, ec_card: TestCard
) -> None:
    number = filed(client, token, "bouwaanvraag", ec_card)
    with services.engine.begin() as connection:
        connection.execute(_party.delete().where(_party.c.role == "signer"))
    done = DossierParties(services.engine).backfill(
        services.catalogue.get, lambda n: key(services, n)
    )
    assert (done.dossiers, done.added) == (1, 1)
    assert (number, key(services, ec_card.citizen.national_number), "signer") in rows(services)


def test_the_backfill_refuses_to_run_without_the_instances_secret(
    services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMKIT_DATA_DIR", str(services.settings.data_dir.parent / "elders"))
    status, err = backfill(capsys)
    assert status == 2
    assert "no secret.key in" in err
    assert "run this where the service's data folder is" in err
