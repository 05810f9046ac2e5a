"""Integrators' webhook subscriptions: an address, the events and forms it wants, its secret.

The secret signs every message, so it is kept as it is (unlike an API key, whose hash is
enough); operators see it once, when the subscription is made. Removing a subscription only
deactivates it: deliveries still queued for it are then dropped, and its history stays legible.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from formkit.store import _tables as t
from formkit.webhooks import DOSSIER_CREATED, EVENTS, check_url, new_secret

ALL_FORMS = "*"

_hooks = t.Webhook.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    url: str
    events: tuple[str, ...]
    forms: tuple[str, ...]  # form ids, or ("*",) for every form
    created_at: datetime
    active: bool
    secret: str = field(repr=False)

    def wants(self, event: str, form_id: str) -> bool:
        forms = self.forms
        return self.active and event in self.events and (ALL_FORMS in forms or form_id in forms)


class Webhooks:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def subscribe(
        self,
        url: str,
        events: Sequence[str] = (DOSSIER_CREATED,),
        forms: Sequence[str] = (ALL_FORMS,),
    ) -> Subscription:
        """A new, active subscription with a fresh secret (`whsec_...`)."""
        check_url(url)
        unknown = sorted(set(events) - set(EVENTS))
        if unknown or not events:
            raise ValueError(f"events must be among {', '.join(EVENTS)}; not {unknown or 'none'}")
        if not forms:
            raise ValueError("name at least one form, or * for all")
        row = {
            "id": secrets.token_hex(8),
            "url": url,
            "secret": new_secret(),
            "events": sorted(set(events)),
            "forms": sorted(set(forms)),
            "created_at": datetime.now(UTC),
            "active": True,
        }
        with self.engine.begin() as connection:
            connection.execute(sa.insert(_hooks), row)
        return _subscription(row)

    def get(self, subscription_id: str) -> Subscription | None:
        with self.engine.begin() as connection:
            query = sa.select(_hooks).where(_hooks.c.id == subscription_id)
            row = connection.execute(query).mappings().first()
        return None if row is None else _subscription(row)

    def matching(self, event: str, form_id: str) -> list[Subscription]:
        """The active subscriptions that want this event of this form."""
        with self.engine.begin() as connection:
            rows = connection.execute(
                sa.select(_hooks).where(_hooks.c.active.is_(True)).order_by(_hooks.c.id)
            ).mappings()
            subscriptions = [_subscription(row) for row in rows]
        return [s for s in subscriptions if s.wants(event, form_id)]

    def deactivate(self, subscription_id: str) -> bool:
        """Stop deliveries to a subscription; False when there is no active one by that id."""
        with self.engine.begin() as connection:
            result = connection.execute(
                _hooks.update()
                .where(_hooks.c.id == subscription_id, _hooks.c.active.is_(True))
                .values(active=False)
            )
        return bool(result.rowcount)

    def list(self) -> list[Subscription]:
        with self.engine.begin() as connection:
            rows = connection.execute(sa.select(_hooks).order_by(_hooks.c.created_at)).mappings()
            return [_subscription(row) for row in rows]


def _subscription(row: Mapping[Any, Any]) -> Subscription:
    created = row["created_at"]
    return Subscription(
        id=row["id"],
        url=row["url"],
        events=tuple(row["events"]),
        forms=tuple(row["forms"]),
        created_at=created if created.tzinfo else created.replace(tzinfo=UTC),
        active=bool(row["active"]),
        secret=row["secret"],
    )
