"""Dossier handling in the database: events appended in one transaction per action.

Each action locks its dossier's row, folds the dossier's events into its state, lets
`formkit.handling.actions` decide, appends the event and rewrites the dossier's handling columns
and advice requests from the new state: those are a projection for lists and filters, the
events stay the truth. Two actions on one dossier queue for the lock, so parallel advisers never
overwrite each other; an official who names the version they saw (If-Match) and is behind gets
a `ConflictError` and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from formkit._errors import FormkitError
from formkit.filing._filing import Attachment, Filing
from formkit.forms._procedure import Procedure
from formkit.handling.actions import Command, Complete, act, due_events
from formkit.handling.deadlines import local_day
from formkit.handling.events import Actor, ActorKind, Event, Kind
from formkit.handling.notices import TOPIC as CITIZEN_MAIL
from formkit.handling.notices import job_payload, notice_kind
from formkit.handling.procedures import search_text
from formkit.handling.state import State, apply, fold, start
from formkit.store import _tables as t
from formkit.store.advice_uploads import Claim, claim
from formkit.store.database import utc
from formkit.webhooks import ADVICE_GIVEN, ADVICE_REQUESTED, DECIDED, PHASE_CHANGED

Opening = Callable[[Filing, str, datetime], dict[str, Any]]  # filing, number, moment
_UNHANDLED = ("handler", "handler_name", "track", "completeness_due", "decision_due")
_dossier = t.Dossier.__table__  # type: ignore[attr-defined]
_event = t.Event.__table__  # type: ignore[attr-defined]
_advice = t.AdviceRequest.__table__  # type: ignore[attr-defined]
# An advice request still waiting for its department (the partial index ix_advice_request_open).
OPEN_ADVICE = (_advice.c.opinion.is_(None), sa.not_(_advice.c.late))
_outbox = t.Outbox.__table__  # type: ignore[attr-defined]
_attachment = t.Attachment.__table__  # type: ignore[attr-defined]

TOPIC_DECISION_LETTER = "decision.letter"  # the letter of a decided dossier is to be made
DOSSIER_LOCKS = 0x646F7373  # the class of PostgreSQL advisory locks taken per dossier id
ONCE = "idempotency"  # the event data's key for `Once`; not part of what the event says
Procedures = Callable[[str], Procedure | None]  # a form id to its procedure


class ConflictError(FormkitError):
    """The dossier changed since the version the caller saw."""

    def __init__(self, number: str, expected: int, current: int) -> None:
        self.expected, self.current = expected, current
        super().__init__(f"{number} is at version {current}, not {expected}")


class RepeatConflictError(FormkitError):
    """The request's idempotency key was used before for a different request."""


@dataclass(frozen=True, slots=True)
class Once:
    """An integrator's Idempotency-Key (scoped to its API key) and the digest of its request:
    kept in the event's data, so a repeat finds the event it made instead of acting twice."""

    key: str
    digest: str


class NoProcedureError(FormkitError):
    """The dossier's form declares no procedure: nobody handles it in formkit."""


@dataclass(frozen=True, slots=True)
class Handled:
    number: str
    state: State
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class AnswersVersion:
    """One version of a dossier's answers: 1 as filed, then one per completion."""

    version: int
    at: datetime  # filed, or completed
    answers: Any  # each file as `sha256:<hex>`, as the dossier's attachments list them


class HandlingStore:
    def __init__(self, engine: Engine, procedures: Procedures, departments: Container[str]) -> None:
        self.engine = engine
        self.procedures = procedures
        self.departments = departments

    def get(self, number: str) -> Handled | None:
        with self.engine.connect() as connection:
            row = _row(connection, number, lock=False)
            return None if row is None else self._handled(connection, row)

    def at(self, number: str, version: int) -> Handled | None:
        """The dossier as it was just after its event number `version` (1: as filed), with
        the events up to there; None when there is no such dossier or no such version yet."""
        with self.engine.connect() as connection:
            row = _row(connection, number, lock=False)
            if row is None or version < 1:
                return None
            handled = self._handled(connection, row, upto=version)
            return handled if handled.state.version == version else None

    def events(self, number: str) -> tuple[Event, ...] | None:
        """The dossier's events, oldest first, whether or not its form has a procedure."""
        with self.engine.connect() as connection:
            row = _row(connection, number, lock=False)
            return None if row is None else _events(connection, row.id)

    def versions(self, number: str) -> tuple[AnswersVersion, ...] | None:
        """Every version of the dossier's answers, oldest first: the filed answers (kept in
        the dossier's row) and each completion's (kept in its event). None: no such dossier."""
        with self.engine.connect() as connection:
            row = _row(connection, number, lock=False)
            if row is None:
                return None
            events = _events(connection, row.id)
        return answers_versions(utc(row.filed_at), row.answers, events)

    def answers(self, number: str, version: int) -> Any | None:
        """The answers of `version` (1: as filed); None when the dossier has no such version."""
        for found in self.versions(number) or ():
            if found.version == version:
                return found.answers
        return None

    def act(
        self,
        number: str,
        command: Command,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
        once: Once | None = None,
        uploads: Claim | None = None,
    ) -> Handled | None:
        """Record `command` by `actor`; None when there is no such dossier. A repeat of `once`
        records nothing and answers the dossier as it is. `uploads`: the upload rows of the
        files an advice names, claimed for the dossier in the same transaction.

        Raises `RefusedError` (the procedure does not allow it now), `ConflictError`,
        `RepeatConflictError` or `UploadsGoneError` (nothing recorded).
        """
        with self.engine.begin() as connection:
            row = _row(connection, number, lock=True)
            if row is None:
                return None
            handled = self._handled(connection, row)
            if once is not None and _repeated(handled.events, once):
                return handled
            if expected_version is not None and expected_version != handled.state.version:
                raise ConflictError(number, expected_version, handled.state.version)
            event = act(handled.state, command, actor, now, self.departments)
            if once is not None:
                event = replace(
                    event, data={**event.data, ONCE: {"key": once.key, "digest": once.digest}}
                )
            if isinstance(command, Complete):
                _keep_attachments(connection, row.id, command.attachments)
            if uploads is not None:
                claim(connection, uploads, row.id, now)
            return _record(connection, row, handled, (event,))

    def tick(self, now: datetime) -> int:
        """Record what the passing of time did (late advice, admissibility by silence);
        the scheduled job calls this. Returns the number of events recorded."""
        recorded = 0
        for number in self._due_numbers(now):
            with self.engine.begin() as connection:
                row = _row(connection, number, lock=True)
                handled = self._handled(connection, row)
                events = due_events(handled.state, now)
                if events:
                    _record(connection, row, handled, events)
                recorded += len(events)
        return recorded

    def _due_numbers(self, now: datetime) -> list[str]:
        today = local_day(now)
        late_advice = (
            sa.select(_advice.c.dossier_id).where(_advice.c.due < today).where(*OPEN_ADVICE)
        )
        query = sa.select(_dossier.c.number).where(
            sa.or_(
                _dossier.c.id.in_(late_advice),
                sa.and_(_dossier.c.phase == "ingediend", _dossier.c.completeness_due < today),
            )
        )
        with self.engine.connect() as connection:
            return list(connection.execute(query.order_by(_dossier.c.id)).scalars())

    def _handled(self, connection: Connection, row: Any, upto: int | None = None) -> Handled:
        """The dossier after all its events, or after the first `upto` of them."""
        procedure = self.procedures(row.form_id)
        if procedure is None:
            raise NoProcedureError(f"the form {row.form_id!r} declares no procedure")
        events = _events(connection, row.id)[:upto]
        state = fold(procedure, row.answers, utc(row.filed_at), events)
        return Handled(row.number, state, events)


def answers_versions(
    filed_at: datetime, filed: Any, events: tuple[Event, ...]
) -> tuple[AnswersVersion, ...]:
    """The versions of a dossier's answers from what was read of it already: the filed answers
    and its events (a completion's event keeps its answers). `HandlingStore.versions` reads
    them for a number; a page that holds the dossier and its events asks this."""
    first = AnswersVersion(1, filed_at, filed)
    later = (
        AnswersVersion(e.data["answersVersion"], e.at, e.data["answers"])
        for e in events
        if e.kind is Kind.COMPLETED
    )
    return (first, *later)


def _events(connection: Connection, dossier_id: int) -> tuple[Event, ...]:
    query = sa.select(_event).where(_event.c.dossier_id == dossier_id).order_by(_event.c.id)
    return tuple(event_of(row) for row in connection.execute(query))


def _keep_attachments(
    connection: Connection, dossier_id: int, attachments: tuple[Attachment, ...]
) -> None:
    """A completion's new files join the dossier's attachments, as a filing's do: listed,
    downloadable, and their blobs referenced, so no purge takes them. A file the dossier
    already keeps at the same place is not listed twice."""
    query = sa.select(_attachment.c.pointer, _attachment.c.sha256).where(
        _attachment.c.dossier_id == dossier_id
    )
    kept = {(r.pointer, r.sha256) for r in connection.execute(query)}
    rows = [
        {
            "dossier_id": dossier_id,
            "pointer": a.pointer,
            "sha256": a.sha256,
            "size": a.size,
            "media_type": a.media_type,
            "label": a.label[:255],
        }
        for a in attachments
        if (a.pointer, a.sha256) not in kept
    ]
    if rows:
        connection.execute(sa.insert(_attachment), rows)


def _repeated(events: tuple[Event, ...], once: Once) -> bool:
    for event in events:
        earlier = event.data.get(ONCE)
        if isinstance(earlier, dict) and earlier.get("key") == once.key:
            if earlier.get("digest") != once.digest:
                raise RepeatConflictError(f"{once.key} was used for another request")
            return True
    return False


def _row(connection: Connection, number: str, *, lock: bool) -> Any:
    query = sa.select(_dossier).where(_dossier.c.number == number)
    if not lock:
        return connection.execute(query).one_or_none()
    if connection.dialect.name == "postgresql":
        # Queue for the dossier on an advisory lock first: it takes no transaction id, where
        # waiting for the row lock can take one before the turn comes. So the action that
        # gets the dossier next also gets the younger transaction id, and the change feed
        # (store/feed.py), in transaction id order, has each dossier's events in version order.
        turn = sa.func.pg_advisory_xact_lock(DOSSIER_LOCKS, _dossier.c.id)
        connection.execute(sa.select(turn).where(_dossier.c.number == number))
    # PostgreSQL locks the row; SQLite's BEGIN IMMEDIATE already holds the database.
    return connection.execute(query.with_for_update()).one_or_none()


def _record(
    connection: Connection, row: Any, handled: Handled, events: tuple[Event, ...]
) -> Handled:
    """Append `events`, project the new state, and queue their webhooks, the citizen's mails
    and the decision letter in the same transaction: work is done for what happened, and for
    nothing else."""
    state, announced = handled.state, []
    for event in events:
        before, state = state, apply(state, event)
        announced += _announcements(row, before, state, event)
        announced += _mails(row, before, state, event)
        if event.kind is Kind.DECIDED:
            announced.append(_letter_job(row, event))
    connection.execute(sa.insert(_event), [_event_row(row.id, e) for e in events])
    if announced:
        connection.execute(sa.insert(_outbox), announced)
    _project(connection, row.id, handled.number, state, events[-1].at)
    return Handled(handled.number, state, handled.events + events)


def _announcements(row: Any, before: State, after: State, event: Event) -> list[dict[str, Any]]:
    """The outbox rows of the webhooks an event makes (`formkit.webhooks`): never answers."""
    topics: list[tuple[str, dict[str, Any]]] = []
    if after.phase != before.phase:
        topics.append((PHASE_CHANGED, {"phase": after.phase, "from": before.phase}))
    data = event.data
    if event.kind is Kind.ADVICE_REQUESTED:
        topics.append((ADVICE_REQUESTED, {"departments": list(data["departments"])}))
    if event.kind in (Kind.ADVICE_GIVEN, Kind.ADVICE_LATE):
        late = event.kind is Kind.ADVICE_LATE
        given = {"department": data["department"], "opinion": data.get("opinion"), "late": late}
        topics.append((ADVICE_GIVEN, given))
    if event.kind is Kind.DECIDED:
        topics.append((DECIDED, {"outcome": data["outcome"]}))
    subject = f"{row.number}@{after.version}"  # one message id per event and topic
    return [
        {
            "topic": topic,
            "payload": {
                "number": row.number,
                "form": row.form_id,
                "subject": subject,
                "data": {**more, "version": after.version},
            },
            "created_at": event.at,
            "available_at": event.at,
            "attempts": 0,
        }
        for topic, more in topics
    ]


def _mails(row: Any, before: State, after: State, event: Event) -> list[dict[str, Any]]:
    """The citizen's mail about a phase change or a completion request: its job names the
    dossier and the version to read, never an answer (`formkit.handling.notices`)."""
    kind = notice_kind(before, after, event)
    if kind is None:
        return []
    payload = job_payload(row.number, row.form_id, kind, after)
    return [
        {
            "topic": CITIZEN_MAIL,
            "payload": payload,
            "created_at": event.at,
            "available_at": event.at,
            "attempts": 0,
        }
    ]


def _letter_job(row: Any, event: Event) -> dict[str, Any]:
    """The outbox row that has the decision letter made (`formkit.work.DecisionLetterPdf`)."""
    return {
        "topic": TOPIC_DECISION_LETTER,
        "payload": {"number": row.number},
        "created_at": event.at,
        "available_at": event.at,
        "attempts": 0,
    }


def opening_columns(
    procedure: Procedure | None, number: str, answers: Any, filed: datetime
) -> dict[str, Any]:
    """The handling columns of a dossier as it is filed (version 1: the filing's event)."""
    if procedure is None:  # every row of a batch has the same columns
        unhandled = {"phase": Kind.FILED.value, "version": 1, "next_due": t.NO_DUE}
        unhandled["search"] = number.casefold()
        return unhandled | dict.fromkeys(_UNHANDLED) | {"changed_at": filed}
    state = replace(start(procedure, answers, filed), version=1)
    return _columns(number, state) | {"changed_at": filed}


def _columns(number: str, state: State) -> dict[str, Any]:
    completeness, decision = state.completeness_due, state.decision_due
    dues = [d.due for d in (completeness, decision) if d is not None]
    return {
        "phase": state.phase,
        "version": state.version,
        "handler": state.official.id if state.official else None,
        "handler_name": state.official.name if state.official else None,
        "track": state.track,
        "completeness_due": completeness.due if completeness else None,
        "decision_due": decision.due if decision else None,
        "next_due": min(dues, default=t.NO_DUE),
        "search": f"{number.casefold()} {search_text(state.procedure, state.answers)}",
    }


def _project(
    connection: Connection, dossier_id: int, number: str, state: State, changed: datetime
) -> None:
    columns = _columns(number, state) | {"changed_at": changed}
    connection.execute(_dossier.update().where(_dossier.c.id == dossier_id).values(columns))
    connection.execute(_advice.delete().where(_advice.c.dossier_id == dossier_id))
    requests = advice_rows(dossier_id, state)
    if requests:
        connection.execute(sa.insert(_advice), requests)


def advice_rows(dossier_id: int, state: State) -> list[dict[str, Any]]:
    """The dossier's advice requests as the table keeps them for advisers' lists."""
    return [
        {
            "dossier_id": dossier_id,
            "department": r.department,
            "asked_at": r.asked,
            "due": r.due.due,
            "opinion": r.opinion,
            "late": r.late,
        }
        for r in state.advice.values()
    ]


def _event_row(dossier_id: int, event: Event) -> dict[str, Any]:
    actor = event.actor
    by = {"kind": actor.kind.value, "id": actor.id, "name": actor.name}
    return {
        "dossier_id": dossier_id,
        "at": event.at,
        "actor": actor.name[:200],
        "kind": event.kind.value,
        "data": dict(event.data),
        "by": by | ({"department": actor.department} if actor.department else {}),
    }


def event_of(row: Any) -> Event:
    """An event row as the handling reads it (and the change feed, `store/feed.py`)."""
    by = row.by
    if by is None:  # the filing: its actor is the channel it came through
        kind = ActorKind.INTEGRATION if row.actor.startswith("api") else ActorKind.CITIZEN
        actor = Actor(kind, row.actor, row.actor)
    else:
        actor = Actor(ActorKind(by["kind"]), by["id"], by["name"], by.get("department"))
    return Event(Kind(row.kind), utc(row.at), actor, row.data)
