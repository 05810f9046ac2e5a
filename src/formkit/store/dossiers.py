"""Filing into the database: many filings per transaction, each exactly once, numbered gaplessly.

A batch is one transaction: number reservation, dossier rows, attachments, the first event,
the parties (whose "Mijn dossiers" lists the dossier) and the outbox rows commit together or
not at all. Numbers come from a counter row per prefix and year that is updated inside that
transaction, so a rolled-back filing returns its number and two processes never hand out the
same one (the row lock in PostgreSQL, the database write lock in SQLite).

An idempotency key that is already filed returns the earlier dossier. Two processes racing on
one key: the unique index refuses the second, and the batch is retried one filing at a time.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from formkit.filing._filing import (
    Attachment,
    Filed,
    Filing,
    IdempotencyConflict,
    Outcome,
    OverLimit,
    city_year,
    dossier_number,
)
from formkit.forms._procedure import Procedure
from formkit.handling.procedures import procedure_in
from formkit.receipts import (
    Authentication,
    CitizenSignature,
    Issuer,
    ReceiptBody,
    SignatureEvidence,
    receipt_body,
)
from formkit.store import _tables as t
from formkit.store.database import advance, insert_ignore, utc
from formkit.store.handling import Opening, opening_columns
from formkit.store.limits import over_limits
from formkit.store.log import FilingLog

PHASE_FILED = "ingediend"
TOPIC_CREATED = "dossier.created"
TOPIC_RECEIPT_PDF = "receipt.pdf"


@dataclass(frozen=True, slots=True)
class Receipts:
    """How a batch's receipts are made: the log they join, and who issues them."""

    log: FilingLog
    issuer: Issuer

    def body(self, filing: Filing, number: str, filed_at: datetime) -> ReceiptBody:
        return receipt_body(
            number=number,
            form_id=filing.form_id,
            form_title=filing.form_title,
            version=filing.version,
            filed_at=filed_at,
            answers=filing.answers,
            attachments=filing.attachments,
            issuer=self.issuer,
            signer=None if filing.signer is None else _citizen(filing.signer),
            authentication=None
            if filing.authentication is None
            else _authentication(filing.authentication),
        )


def signature_evidence(dossier: StoredDossier) -> SignatureEvidence | None:
    """The signature evidence of a dossier signed with the eID; None for one not signed."""
    if dossier.signer is None:
        return None
    return SignatureEvidence(dossier.number, _citizen(dossier.signer))


def _authentication(record: Mapping[str, Any]) -> Authentication:
    return Authentication(
        name=record["name"],
        national_number_masked=record["national_number_masked"],
        provider=record["provider"],
        level=record["level"],
        assurance=record["assurance"],
        at=datetime.fromisoformat(record["at"]),
    )


def _citizen(record: Mapping[str, Any]) -> CitizenSignature:
    return CitizenSignature(
        name=f"{record['given_name']} {record['surname']}",
        national_number_masked=record["national_number_masked"],
        certificate=base64.b64decode(record["certificate"]),
        chain=tuple(base64.b64decode(c) for c in record.get("chain", ())),
        hash=record["hash"],
        signed_digest=base64.b64decode(record["signed_digest"]),
        signature=base64.b64decode(record["signature"]),
    )


@dataclass(frozen=True, slots=True)
class StoredDossier:
    id: int
    number: str
    form_id: str
    form_version: str
    answers: Mapping[str, Any]
    channel: str
    phase: str
    filed_at: datetime
    attachments: tuple[Attachment, ...]
    events: tuple[Mapping[str, Any], ...]
    signer: Mapping[str, Any] | None
    authentication: Mapping[str, Any] | None = None  # the login that filed, unsigned


class DossierStore:
    def __init__(self, engine: Engine, receipts: Receipts) -> None:
        self.engine = engine
        self.receipts = receipts
        self._versions: set[str] = set()  # known to be stored: skip re-sending their schema
        self._procedures: dict[str, Procedure | None] = {}  # by form version

    def file(
        self, filings: Sequence[Filing], schemas: Mapping[str, Mapping[str, Any]]
    ) -> list[Outcome]:
        """File a batch in one transaction; `schemas` maps each version to its bundled schema."""
        unseen = {f.version: schemas[f.version] for f in filings if f.version not in self._versions}
        opening = self._opening(schemas)
        try:
            with self.engine.begin() as connection:
                outcomes = _file_batch(connection, filings, unseen, _now(), self.receipts, opening)
        except sa.exc.IntegrityError:
            if len(filings) == 1:
                # Another process filed the same key between our look-up and insert.
                with self.engine.begin() as connection:
                    now = _now()
                    return _file_batch(connection, filings, schemas, now, self.receipts, opening)
            return [outcome for f in filings for outcome in self.file([f], schemas)]
        self._versions.update(unseen)
        return outcomes

    def _opening(self, schemas: Mapping[str, Mapping[str, Any]]) -> Opening:
        """The handling columns of a dossier as filed: its procedure's first deadlines."""

        def opening(filing: Filing, number: str, now: datetime) -> dict[str, Any]:
            if filing.version not in self._procedures:
                self._procedures[filing.version] = procedure_in(schemas[filing.version])
            procedure = self._procedures[filing.version]
            return opening_columns(procedure, number, filing.answers, now)

        return opening

    def earlier(self, key: str, request_digest: str) -> Filed | IdempotencyConflict | None:
        with self.engine.connect() as connection:
            found = _earlier(connection, [key]).get(key)
        if found is None:
            return None
        number, filed_at, digest = found
        return _repeat(key, number, filed_at, digest, request_digest)

    def get(self, number: str) -> StoredDossier | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(_dossier).where(_dossier.c.number == number)
            ).one_or_none()
            if row is None:
                return None
            return _stored(connection, row)

    def numbers(self, prefix: str, year: int) -> list[str]:
        """Every number of a prefix and year, in order: what auditors count gaps in."""
        pattern = f"{prefix}-{year}-%"
        query = sa.select(_dossier.c.number).where(_dossier.c.number.like(pattern))
        with self.engine.connect() as connection:
            return sorted(connection.execute(query).scalars())


_dossier = t.Dossier.__table__  # type: ignore[attr-defined]
_sequence = t.DossierSequence.__table__  # type: ignore[attr-defined]
_attachment = t.Attachment.__table__  # type: ignore[attr-defined]
_event = t.Event.__table__  # type: ignore[attr-defined]
_outbox = t.Outbox.__table__  # type: ignore[attr-defined]
_version = t.FormVersion.__table__  # type: ignore[attr-defined]
_party = t.DossierParty.__table__  # type: ignore[attr-defined]


def _now() -> datetime:
    return datetime.now(UTC)


def _file_batch(
    connection: Connection,
    filings: Sequence[Filing],
    schemas: Mapping[str, Mapping[str, Any]],
    now: datetime,
    receipts: Receipts,
    opening: Opening,
) -> list[Outcome]:
    earlier = _earlier(connection, [f.idempotency_key for f in filings if f.idempotency_key])
    outcomes: list[Outcome | None] = [None] * len(filings)
    fresh: list[int] = []
    for index, filing in enumerate(filings):
        key = filing.idempotency_key
        if key is not None and key in earlier:
            number, filed_at, digest = earlier[key]
            outcomes[index] = _repeat(key, number, filed_at, digest, filing.request_digest)
        elif _first_with_key(filings, index):
            fresh.append(index)
    over = over_limits(connection, [filings[i] for i in fresh], now)
    for n, outcome in over.items():
        outcomes[fresh[n]] = outcome
    fresh = [i for n, i in enumerate(fresh) if n not in over]
    numbers = _reserve(connection, [filings[i] for i in fresh], now)
    _remember_versions(connection, [filings[i] for i in fresh], schemas, now)
    fresh_filings = [(filings[i], numbers[n]) for n, i in enumerate(fresh)]
    ids = _insert_dossiers(connection, fresh_filings, now, opening)
    _insert_children(connection, [filings[i] for i in fresh], ids, numbers, now)
    receipts.log.append(
        connection,
        [
            (dossier_id, receipts.body(filings[i], number, now))
            for dossier_id, i, number in zip(ids, fresh, numbers, strict=True)
        ],
        now,
    )
    for n, index in enumerate(fresh):
        outcomes[index] = Filed(numbers[n], now, created=True)
    return [
        _resolve(outcome, filing, outcomes, filings)
        for outcome, filing in zip(outcomes, filings, strict=True)
    ]


def _first_with_key(filings: Sequence[Filing], index: int) -> bool:
    key = filings[index].idempotency_key
    return key is None or all(f.idempotency_key != key for f in filings[:index])


def _resolve(
    outcome: Outcome | None,
    filing: Filing,
    outcomes: list[Outcome | None],
    filings: Sequence[Filing],
) -> Outcome:
    """A repeat of a key first seen in this same batch answers like that first filing."""
    if outcome is not None:
        return outcome
    first = next(i for i, f in enumerate(filings) if f.idempotency_key == filing.idempotency_key)
    original, earlier = outcomes[first], filings[first]
    if isinstance(original, OverLimit):
        return original
    assert isinstance(original, Filed)
    assert filing.idempotency_key is not None
    return _repeat(
        filing.idempotency_key,
        original.number,
        original.filed_at,
        earlier.request_digest,
        filing.request_digest,
    )


def _repeat(
    key: str, number: str, filed_at: datetime, digest: str, request: str
) -> Filed | IdempotencyConflict:
    if digest != request:
        return IdempotencyConflict(key, number)
    return Filed(number, filed_at, created=False)


def _earlier(connection: Connection, keys: list[str]) -> dict[str, tuple[str, datetime, str]]:
    if not keys:
        return {}
    query = sa.select(
        _dossier.c.idempotency_key,
        _dossier.c.number,
        _dossier.c.filed_at,
        _dossier.c.request_digest,
    ).where(_dossier.c.idempotency_key.in_(keys))
    return {row[0]: (row[1], utc(row[2]), row[3]) for row in connection.execute(query)}


def _reserve(connection: Connection, filings: Sequence[Filing], now: datetime) -> list[str]:
    """Numbers for the filings, in order, from the counter rows locked by this transaction."""
    year = city_year(now)
    wanted: dict[str, int] = {}
    for filing in filings:
        wanted[filing.prefix] = wanted.get(filing.prefix, 0) + 1
    handed: dict[str, int] = {}
    for prefix in sorted(wanted):  # one lock order for every process: no deadlock
        count = wanted[prefix]
        last = advance(connection, _sequence, {"prefix": prefix, "year": year}, "last", count)
        handed[prefix] = last - count
    numbers = []
    for filing in filings:
        handed[filing.prefix] += 1
        numbers.append(dossier_number(filing.prefix, year, handed[filing.prefix]))
    return numbers


def _remember_versions(
    connection: Connection,
    filings: Iterable[Filing],
    schemas: Mapping[str, Mapping[str, Any]],
    now: datetime,
) -> None:
    versions = {f.version: f.form_id for f in filings if f.version in schemas}
    rows = [
        {
            "version": version,
            "form_id": form_id,
            "schema": dict(schemas[version]),
            "first_filed_at": now,
        }
        for version, form_id in sorted(versions.items())
    ]
    if rows:
        insert_ignore(connection, _version, rows)


def _insert_dossiers(
    connection: Connection, filings: Sequence[tuple[Filing, str]], now: datetime, opening: Opening
) -> list[int]:
    if not filings:
        return []
    rows = [
        {
            "number": number,
            "form_id": filing.form_id,
            "form_version": filing.version,
            "answers": filing.answers,
            "channel": filing.channel,
            "phase": PHASE_FILED,
            "filed_at": now,
            "idempotency_key": filing.idempotency_key,
            "request_digest": filing.request_digest,
            "signer": filing.signer,
            "authentication": filing.authentication,
            **opening(filing, number, now),
        }
        for filing, number in filings
    ]
    statement = sa.insert(_dossier).returning(_dossier.c.id, sort_by_parameter_order=True)
    return [int(row[0]) for row in connection.execute(statement, rows)]


def _insert_children(
    connection: Connection,
    filings: Sequence[Filing],
    ids: Sequence[int],
    numbers: Sequence[str],
    now: datetime,
) -> None:
    attachments = [
        {
            "dossier_id": dossier_id,
            "pointer": a.pointer,
            "sha256": a.sha256,
            "size": a.size,
            "media_type": a.media_type,
            "label": a.label,
        }
        for filing, dossier_id in zip(filings, ids, strict=True)
        for a in filing.attachments
    ]
    events = [
        {
            "dossier_id": dossier_id,
            "at": now,
            "actor": filing.channel,
            "kind": PHASE_FILED,
            "data": {"version": filing.version},
        }
        for filing, dossier_id in zip(filings, ids, strict=True)
    ]
    outbox = [
        {
            "topic": topic,
            "payload": {"number": number, "form": filing.form_id},
            "created_at": now,
            "available_at": now,
            "attempts": 0,
        }
        for filing, number in zip(filings, numbers, strict=True)
        for topic in (TOPIC_CREATED, TOPIC_RECEIPT_PDF)
    ]
    parties = [
        {"dossier_id": dossier_id, "national_number_key": p.national_number_key, "role": p.role}
        for filing, dossier_id in zip(filings, ids, strict=True)
        for p in filing.parties
    ]
    children = ((_attachment, attachments), (_event, events), (_outbox, outbox), (_party, parties))
    for table, rows in children:
        if rows:
            connection.execute(sa.insert(table), rows)


def _stored(connection: Connection, row: Any) -> StoredDossier:
    attachments = connection.execute(
        sa.select(_attachment).where(_attachment.c.dossier_id == row.id).order_by(_attachment.c.id)
    ).all()
    events = connection.execute(
        sa.select(_event).where(_event.c.dossier_id == row.id).order_by(_event.c.id)
    ).all()
    return StoredDossier(
        id=row.id,
        number=row.number,
        form_id=row.form_id,
        form_version=row.form_version,
        answers=row.answers,
        channel=row.channel,
        phase=row.phase,
        filed_at=utc(row.filed_at),
        attachments=tuple(
            Attachment(a.pointer, a.sha256, a.size, a.media_type, a.label) for a in attachments
        ),
        events=tuple(
            {"at": utc(e.at).isoformat(), "actor": e.actor, "kind": e.kind, "data": e.data}
            for e in events
        ),
        signer=row.signer,
        authentication=row.authentication,
    )
