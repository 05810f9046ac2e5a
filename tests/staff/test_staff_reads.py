"""The staff's read audit in the database, on SQLite and PostgreSQL: appended, never changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from tests.conftest import NOW
from tests.staff import desk

from formkit.accounts import Staff
from formkit.store import _tables as t
from formkit.store.staff_reads import Read, StaffReads, UnknownDossierError
from formkit.web.services import Services

AN = Staff("sub-an", "An Peeters", ("behandelaar:bouwaanvraag",))
BERT = Staff("sub-bert", "Bert Claes", ("beslisser",))
TABLE = t.StaffRead.__table__  # type: ignore[attr-defined]


def test_reads_are_listed_newest_first_per_dossier(services: Services) -> None:
    number, other = desk.prepared(services), desk.prepared(services)
    reads = StaffReads(services.engine)
    reads.record(number, AN, Read.DOSSIER, NOW)
    reads.record(number, BERT, Read.ATTACHMENT, NOW + timedelta(minutes=5), "/bijlagen/plannen/0")
    reads.record(other, AN, Read.DOSSIER, NOW)
    found = reads.of(number)
    assert [(r.name, r.what, r.pointer, r.at) for r in found] == [
        ("Bert Claes", Read.ATTACHMENT, "/bijlagen/plannen/0", NOW + timedelta(minutes=5)),
        ("An Peeters", Read.DOSSIER, None, NOW),
    ]
    assert reads.of(desk.prepared(services)) == []
    with pytest.raises(UnknownDossierError):
        reads.of("BAV-2026-999999")


def test_a_read_of_no_dossier_is_not_recorded_silently(services: Services) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        StaffReads(services.engine).record("BAV-2026-999999", AN, Read.DOSSIER, NOW)


@pytest.mark.parametrize(
    "change", [TABLE.update().values(name="Niemand"), TABLE.delete()], ids=["update", "delete"]
)
def test_the_database_refuses_to_change_or_remove_a_read(
    services: Services, change: sa.Executable
) -> None:
    number = desk.prepared(services)
    StaffReads(services.engine).record(number, AN, Read.DOSSIER, NOW)
    refused = pytest.raises(sa.exc.DatabaseError, match="reads are appended")
    with refused, services.engine.begin() as connection:
        connection.execute(change)
    assert [r.name for r in StaffReads(services.engine).of(number)] == ["An Peeters"]
