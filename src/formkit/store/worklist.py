"""The staff's worklist: dossiers by phase, form, department, deadline and official, a page at a
time in a stable order (the earliest deadline first), found by number, name or street.

Pages follow a keyset cursor over (deadline, id), so the hundredth page costs what the first
does and a dossier filed meanwhile never shifts one under the reader. An adviser's list is the
department's open advice requests, by their own deadline.

A member of staff's list is narrowed to their `Scope` (`formkit.handling.permissions`): the
union of their forms' dossiers, those that asked their departments for advice, and those past
the completeness check. Each part is a page of its own, in the order of its index, and the
union is one page again: an OR across the three would have the database read the whole
deadline index for a department asked only now and then.
"""

from __future__ import annotations

import base64
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.handling.deadlines import DUE_SOON_DAYS, Status
from formkit.handling.permissions import UNADMITTED, Scope
from formkit.store import _tables as t
from formkit.store.database import utc
from formkit.store.handling import OPEN_ADVICE

_dossier = t.Dossier.__table__  # type: ignore[attr-defined]
_advice = t.AdviceRequest.__table__  # type: ignore[attr-defined]
MAX_PAGE = 200


class CursorError(ValueError):
    """A cursor this service did not hand out."""


@dataclass(frozen=True, slots=True)
class WorklistQuery:
    forms: Collection[str] | None = None  # None: every form; the caller narrows to permissions
    department: str | None = None  # its open advice requests instead of the dossiers
    phase: str | None = None
    status: Status | None = None
    handler: str | None = None  # "assigned to me"
    text: str = ""  # part of a number, a name or a street
    filed_since: datetime | None = None
    changed_since: datetime | None = None  # its last event at or after
    scope: Scope | None = None  # a member of staff's dossiers; None: not narrowed (the API)


@dataclass(frozen=True, slots=True)
class WorkItem:
    number: str
    form_id: str
    phase: str
    handler_name: str | None
    filed_at: datetime
    due: date | None
    status: Status | None


@dataclass(frozen=True, slots=True)
class WorkPage:
    items: tuple[WorkItem, ...]
    next: str | None  # the cursor of the next page; None on the last


class Worklist:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def page(
        self, query: WorklistQuery, *, today: date, after: str | None = None, limit: int = 50
    ) -> WorkPage:
        limit = min(limit, MAX_PAGE)
        keyset = None if after is None else _decode(after)
        if query.scope is not None and query.scope.empty:
            return WorkPage((), None)
        due = _advice.c.due if query.department else _dossier.c.next_due
        parts = [
            _page_of(_select(query, due, today).where(*part), due, keyset, limit + 1)
            for part in _scope_parts(query.scope)
        ]
        statement = parts[0] if len(parts) == 1 else _union(parts, limit + 1)
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        items = tuple(_item(row, today) for row in rows[:limit])
        more = len(rows) > limit
        return WorkPage(items, _encode(rows[limit - 1].due, rows[limit - 1].id) if more else None)


def _select(query: WorklistQuery, due: Any, today: date) -> Any:
    columns = [_dossier.c[name] for name in ("id", "number", "form_id", "phase", "filed_at")]
    statement = sa.select(*columns, _dossier.c.handler_name, due.label("due"))
    if query.department:
        statement = statement.join(_advice, _advice.c.dossier_id == _dossier.c.id).where(
            _advice.c.department == query.department,
            *OPEN_ADVICE,
        )
    if query.forms is not None:
        statement = statement.where(_dossier.c.form_id.in_(sorted(query.forms)))
    if query.phase:
        statement = statement.where(_dossier.c.phase == query.phase)
    if query.handler:
        statement = statement.where(_dossier.c.handler == query.handler)
    if query.filed_since is not None:
        statement = statement.where(_dossier.c.filed_at >= query.filed_since)
    if query.changed_since is not None:
        statement = statement.where(_dossier.c.changed_at >= query.changed_since)
    if query.status is not None:
        statement = statement.where(*_status_bounds(due, query.status, today))
    text = " ".join(query.text.split())
    if text:  # the search line holds the number too
        statement = statement.where(_dossier.c.search.contains(text.casefold(), autoescape=True))
    return statement


def _page_of(statement: Any, due: Any, keyset: tuple[date, int] | None, size: int) -> Any:
    if keyset is not None:
        statement = statement.where(sa.tuple_(due, _dossier.c.id) > keyset)
    return statement.order_by(due, _dossier.c.id).limit(size)


def _scope_parts(scope: Scope | None) -> list[tuple[Any, ...]]:
    """The conditions of each part of the scope's union; one without conditions for none."""
    if scope is None:
        return [()]
    parts: list[tuple[Any, ...]] = []
    if scope.forms:
        parts.append((_dossier.c.form_id.in_(sorted(scope.forms)),))
    if scope.departments:
        asked = _advice.alias("asked")  # any state: asked once, the dossier stays theirs
        parts.append(
            (
                sa.exists().where(
                    asked.c.dossier_id == _dossier.c.id,
                    asked.c.department.in_(sorted(scope.departments)),
                ),
            )
        )
    if scope.admitted:
        parts.append((_dossier.c.phase.not_in(sorted(UNADMITTED)),))
    return parts


def _union(parts: list[Any], size: int) -> Any:
    """One page of the parts' pages; a dossier in two parts is one row (UNION, not ALL)."""
    union = sa.union(*(sa.select(part.subquery()) for part in parts)).subquery("scoped")
    return sa.select(union).order_by(union.c.due, union.c.id).limit(size)


def _status_bounds(due: Any, status: Status, today: date) -> tuple[Any, ...]:
    soon = today + timedelta(days=DUE_SOON_DAYS)
    if status is Status.OVERDUE:
        return (due < today,)
    if status is Status.DUE_SOON:
        return (due >= today, due <= soon)
    return (due > soon, due < t.NO_DUE)


def _item(row: Any, today: date) -> WorkItem:
    due = None if row.due == t.NO_DUE else row.due
    return WorkItem(
        number=row.number,
        form_id=row.form_id,
        phase=row.phase,
        handler_name=row.handler_name,
        filed_at=utc(row.filed_at),
        due=due,
        status=None if due is None else _status(due, today),
    )


def _status(due: date, today: date) -> Status:
    if due < today:
        return Status.OVERDUE
    return Status.DUE_SOON if (due - today).days <= DUE_SOON_DAYS else Status.ON_TIME


def _encode(due: date, dossier_id: int) -> str:
    return base64.urlsafe_b64encode(f"{due.isoformat()}|{dossier_id}".encode()).decode()


def _decode(cursor: str) -> tuple[date, int]:
    try:
        due, dossier_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        found = date.fromisoformat(due), int(dossier_id)
    except (ValueError, UnicodeError) as error:
        raise CursorError("not a cursor of this worklist") from error
    if not 0 <= found[1] < 2**63:  # beyond a BIGINT the database would fail, not refuse
        raise CursorError("not a cursor of this worklist")
    return found
