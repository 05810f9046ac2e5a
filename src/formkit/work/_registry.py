"""Outbox handlers: one per topic, found in a registry, all with the same small protocol.

A handler does the work of one outbox row. Returning means done: the messages it returns (if
any) are added to the outbox in the transaction that records the job done, and only the first
time, so fanning out is safe to repeat. Raising means "try again later", after the backoff or
after `RetryLaterError.after`; `UndeliverableError` means never: the row becomes a dead letter
at once. A row is handled at least once, and twice when a worker dies between doing the work
and recording it, so a handler's effects outside the outbox must bear repeating.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from formkit._errors import FormkitError
from formkit.store.outbox import Job, Message


@runtime_checkable
class Handler(Protocol):
    async def handle(self, job: Job) -> Sequence[Message] | None: ...


class RetryLaterError(FormkitError):
    """The work failed this time; `after` is the earliest the other side wants it again."""

    def __init__(self, reason: str, after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.after = after


class UndeliverableError(FormkitError):
    """The work can never succeed as it stands: a dead letter for an operator to look at."""


@dataclass(frozen=True, slots=True)
class Handlers:
    """The registry: which handler does the work of which topic."""

    by_topic: Mapping[str, Handler] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_topic", MappingProxyType(dict(self.by_topic)))

    def register(self, topic: str, handler: Handler) -> Handlers:
        """A registry with `handler` for `topic` too (replacing an earlier one)."""
        return Handlers({**self.by_topic, topic: handler})

    def get(self, topic: str) -> Handler | None:
        return self.by_topic.get(topic)

    @property
    def topics(self) -> list[str]:
        return sorted(self.by_topic)
