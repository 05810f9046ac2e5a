"""What happened to a dossier: append-only events, each by someone at some moment.

A dossier's handling state is the fold of its events (`state.py`); nothing else is stored that
could disagree with them. Events are never changed or removed.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ActorKind(enum.StrEnum):
    STAFF = "staff"  # an official, an adviser, a decider, logged in
    CITIZEN = "citizen"  # the applicant, answering the city
    SYSTEM = "system"  # a scheduled job: deadlines that pass
    INTEGRATION = "integration"  # a back-office system with an API key


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    id: str  # staff: the identity provider's subject; integration: the key's id
    name: str  # as shown in the timeline
    department: str | None = None  # the department a staff member acts for


SYSTEM = Actor(ActorKind.SYSTEM, "system", "Stad (automatisch)")


class Kind(enum.StrEnum):
    FILED = "ingediend"  # what filing has always written: integrators already read it
    ASSIGNED = "assigned"
    FOUND_ADMISSIBLE = "found-admissible"
    FOUND_INCOMPLETE = "found-incomplete"
    COMPLETED = "completed"
    ADVICE_REQUESTED = "advice-requested"
    ADVICE_GIVEN = "advice-given"
    ADVICE_LATE = "advice-late"
    DEADLINE_EXTENDED = "deadline-extended"
    DECIDED = "decided"
    CLOSED = "closed"
    ARCHIVED = "archived"


@dataclass(frozen=True, slots=True)
class Event:
    """One change to a dossier. `data` holds what the kind needs, as plain JSON values."""

    kind: Kind
    at: datetime
    actor: Actor
    data: Mapping[str, Any] = field(default_factory=dict)
