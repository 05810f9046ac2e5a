"""History rules at filing: the earlier dossiers of each person counted, in the filing's
transaction, so that two filings at once cannot both pass a limit.

The rule itself (what counts, what a refusal says) is `formkit.forms._history`; which persons
a filing names is `formkit.filing._limits`. This module only counts and locks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from formkit.filing._filing import Filing, Limit, OverLimit
from formkit.forms._history import over_limit, period_start
from formkit.forms._problems import Problem
from formkit.store import _tables as t
from formkit.store.database import utc

_dossier = t.Dossier.__table__  # type: ignore[attr-defined]
_party = t.DossierParty.__table__  # type: ignore[attr-defined]


def over_limits(
    connection: Connection, filings: Sequence[Filing], now: datetime
) -> dict[int, OverLimit]:
    """The filings (by index) whose persons reached a history rule's limit, counting the
    dossiers filed before and the filings of this batch accepted before them.

    PostgreSQL: a transaction-scoped advisory lock per form and person, taken in one order,
    makes a second transaction for the same person wait until this one commits and then
    count its dossier. SQLite: the transaction already holds the database's write lock.
    """
    wanted = [(n, filing) for n, filing in enumerate(filings) if filing.limits]
    if not wanted:
        return {}
    persons = sorted({(f.form_id, m.national_number_key) for _, f in wanted for m in f.limits})
    if connection.dialect.name == "postgresql":
        for person in persons:
            lock = "SELECT pg_advisory_xact_lock(:lock)"
            connection.execute(sa.text(lock), {"lock": _lock_id(*person)})
    since = min(period_start(now, m.period) for _, f in wanted for m in f.limits)
    filed = _filed_since(connection, persons, since)
    over: dict[int, OverLimit] = {}
    for n, filing in wanted:
        problems, persons_named = _problems(filing.form_id, filing.limits, filed, now)
        if problems:
            over[n] = OverLimit(problems)
            continue
        for key in persons_named:
            filed.setdefault((filing.form_id, key), []).append(now)
    return over


def history_problems(
    engine: Engine, form_id: str, limits: Sequence[Limit], now: datetime
) -> tuple[Problem, ...]:
    """What filing at `now` would refuse, for the pages to say at the step that names the
    persons, before the citizen files. Only reads: filing counts again, under its lock."""
    if not limits:
        return ()
    persons = sorted({(form_id, m.national_number_key) for m in limits})
    with engine.connect() as connection:
        filed = _filed_since(connection, persons, min(period_start(now, m.period) for m in limits))
    return _problems(form_id, limits, filed, now)[0]


def _problems(
    form_id: str,
    limits: Sequence[Limit],
    filed: dict[tuple[str, str], list[datetime]],
    now: datetime,
) -> tuple[tuple[Problem, ...], list[str]]:
    """The problems of one filing's limits, and the persons it names (each once: where the
    form names a person twice, the first place is where a refusal shows)."""
    first: dict[str, Limit] = {}
    for limit in limits:
        first.setdefault(limit.national_number_key, limit)
    problems = tuple(
        problem
        for key, limit in first.items()
        if (problem := _over(limit, filed.get((form_id, key), []), now)) is not None
    )
    return problems, list(first)


def _over(limit: Limit, filed: list[datetime], now: datetime) -> Problem | None:
    return over_limit(limit.pointer, limit.maximum, limit.period, limit.message, filed, now)


def _filed_since(
    connection: Connection, persons: list[tuple[str, str]], since: datetime
) -> dict[tuple[str, str], list[datetime]]:
    """When each person's dossiers of each form were filed since `since`, a dossier once."""
    query = (
        sa.select(_dossier.c.form_id, _party.c.national_number_key, _dossier.c.filed_at)
        .distinct()
        .join(_party, _party.c.dossier_id == _dossier.c.id)
        .where(
            _party.c.national_number_key.in_({key for _, key in persons}),
            _dossier.c.form_id.in_({form_id for form_id, _ in persons}),
            _dossier.c.filed_at > since,
        )
        .add_columns(_dossier.c.id)
    )
    found: dict[tuple[str, str], list[datetime]] = {}
    for row in connection.execute(query):
        person = (row.form_id, row.national_number_key)
        if person in persons:
            found.setdefault(person, []).append(utc(row.filed_at))
    return found


def _lock_id(form_id: str, key: str) -> int:
    """A bigint for `pg_advisory_xact_lock`, the same for the same form and person."""
    digest = hashlib.sha256(f"formkit-history\x00{form_id}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
