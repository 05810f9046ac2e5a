"""The change feed: every dossier's events in the order they were committed, from a cursor on.

A system that missed webhooks reads on from the last cursor it kept and gets what happened
since, each event exactly once. Reading in id order would not do on PostgreSQL: ids come from a
sequence when the row is written, so a transaction that took id 10 can commit after one that
took id 11, and a reader that saw 11 would pass 10 by for good.

So each event carries its writing transaction's id (`xact`, `pg_current_xact_id()`), pages go
in (xact, id) order, and a page holds only events of transactions older than the oldest one
still running when it is read (the snapshot's xmin): every one of those has committed or rolled
back, so nothing can appear before the cursor later. A long-running write transaction delays
the feed until it ends; it never makes it skip. Filing pays nothing but a column default, an
action one round trip more (below).
SQLite has one writer at a time: there `xact` is 0 and the id order is the commit order.

The order is that of the transactions' ids: an event committed before another transaction
began to write comes before that one's events; events of transactions that ran side by side
may come in either order. Within a dossier it is the order of its versions: an action waits
for its turn at the dossier (store/handling.py, an advisory lock that takes no transaction
id) before it takes its transaction id, so the next action on that dossier takes a younger one.
"""

from __future__ import annotations

import base64
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from formkit.handling.events import Event
from formkit.store import _tables as t
from formkit.store.database import is_sqlite
from formkit.store.handling import event_of

_event = t.Event.__table__  # type: ignore[attr-defined]
_dossier = t.Dossier.__table__  # type: ignore[attr-defined]
_BIGINT = 2**63
# Transactions older than this have ended: their events are all there is of them.
_SETTLED = sa.cast(
    sa.cast(sa.func.pg_snapshot_xmin(sa.func.pg_current_snapshot()), sa.Text), sa.BigInteger
)


class CursorError(ValueError):
    """A cursor this feed did not hand out."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    number: str
    form_id: str
    version: int  # the dossier's version after this event: its place among the dossier's
    event: Event


@dataclass(frozen=True, slots=True)
class FeedPage:
    items: tuple[FeedItem, ...]
    next: str  # where to read on from: after this page's events (the last page: after all)
    more: bool  # another page is ready now; else poll `next` again later


class Feed:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def page(
        self, forms: Collection[str] | None, after: str | None = None, limit: int = 50
    ) -> FeedPage:
        """Events of dossiers of `forms` (None: every form) after the cursor `after` (None:
        from the first)."""
        position = (0, 0) if after is None else _decode(after)
        statement = self._settled(_select(forms).where(_after(position)))
        statement = statement.order_by(_event.c.xact, _event.c.id).limit(limit + 1)
        with self._snapshot() as connection:
            rows = connection.execute(statement).all()
            page = rows[:limit]
            last = (page[-1].xact, page[-1].id) if page else position
            if forms is not None and len(rows) <= limit:  # these forms' are all in: so past
                last = self._last_settled(connection, last)  # the others' events too
        items = tuple(FeedItem(r.number, r.form_id, r.version, event_of(r)) for r in page)
        return FeedPage(items, _encode(*last), more=len(rows) > limit)

    def _settled(self, statement: Any) -> Any:
        """Only events of transactions that ended, as the statement's snapshot sees them."""
        if is_sqlite(self.engine):  # one writer: what is there has committed
            return statement
        return statement.where(_event.c.xact < _SETTLED)

    def _snapshot(self) -> Connection:
        """One snapshot for the page and `_last_settled`: what one settled, the other did."""
        connection = self.engine.connect()
        if is_sqlite(self.engine):  # a transaction that holds the database
            return connection
        connection.execution_options(isolation_level="REPEATABLE READ")
        # The version's subquery per event looks costly to the planner, and compiling the page
        # (JIT) took 170 of its 171 ms on a million events; it reads a few hundred rows.
        connection.exec_driver_sql("SET LOCAL jit = off")
        return connection

    def _last_settled(self, connection: Connection, position: tuple[int, int]) -> tuple[int, int]:
        """The last event anyone may read now, after `position`: a key of a few forms then
        reads on from there instead of passing over the others' events on every poll."""
        statement = self._settled(sa.select(_event.c.xact, _event.c.id).where(_after(position)))
        statement = statement.order_by(_event.c.xact.desc(), _event.c.id.desc()).limit(1)
        found = connection.execute(statement).one_or_none()
        return position if found is None else (found.xact, found.id)


def _after(position: tuple[int, int]) -> Any:
    return sa.tuple_(_event.c.xact, _event.c.id) > position


def _select(forms: Collection[str] | None) -> sa.Select[tuple[object, ...]]:
    # The dossier's events up to this one. Counted over the dossier's few events by its index:
    # given `id <=` as a condition, PostgreSQL went through half the table's ids to match.
    earlier = sa.alias(_event, "earlier")
    version = (
        sa.select(sa.func.count().filter(earlier.c.id <= _event.c.id))
        .where(earlier.c.dossier_id == _event.c.dossier_id)
        .scalar_subquery()
    )
    statement = sa.select(
        _event, _dossier.c.number, _dossier.c.form_id, version.label("version")
    ).join(_dossier, _dossier.c.id == _event.c.dossier_id)
    if forms is not None:
        statement = statement.where(_dossier.c.form_id.in_(sorted(forms)))
    return statement


def _encode(xact: int, event_id: int) -> str:
    return base64.urlsafe_b64encode(f"{xact}.{event_id}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[int, int]:
    if len(cursor) > 64:
        raise CursorError("not a cursor of this feed")
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        xact, event_id = (int(part) for part in text.split("."))
    except (ValueError, UnicodeError) as error:
        raise CursorError("not a cursor of this feed") from error
    if not (0 <= xact < _BIGINT and 0 <= event_id < _BIGINT) or _encode(xact, event_id) != cursor:
        raise CursorError("not a cursor of this feed")
    return xact, event_id
