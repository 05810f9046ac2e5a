"""The process side of tests/handling/test_concurrent_actions.py: a fresh interpreter (spawn)
imports this, and only what it needs, so that two of them start quickly."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from formkit.forms._procedure import Procedure
from formkit.handling.actions import Command, RefusedError
from formkit.handling.events import Actor
from formkit.store.database import connect
from formkit.store.handling import ConflictError, HandlingStore

WAIT = 60  # seconds a process waits for the others before it goes anyway

Outcome = tuple[str, Any]  # ok: the version; conflict: the current one; refused; error


@dataclass(frozen=True, slots=True)
class Planned:
    index: int
    number: str
    command: Command
    actor: Actor
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class Setting:
    url: str
    form_id: str
    procedure: Procedure
    departments: frozenset[str]
    now: datetime


def work(setting: Setting, share: list[Planned], ready: Any, go: Any, results: Any) -> None:
    """One process: its own engine; each of its actions in a thread, all let go at once when
    `go` is set. Puts {index: outcome} on `results`."""
    engine = connect(setting.url)
    procedures = {setting.form_id: setting.procedure}
    store = HandlingStore(engine, procedures.get, setting.departments)
    start = threading.Barrier(len(share))
    outcomes: dict[int, Outcome] = {}

    def run(planned: Planned) -> None:
        start.wait()
        try:
            handled = store.act(
                planned.number,
                planned.command,
                planned.actor,
                setting.now,
                planned.expected_version,
            )
            outcomes[planned.index] = ("ok", None if handled is None else handled.state.version)
        except ConflictError as conflict:
            outcomes[planned.index] = ("conflict", conflict.current)
        except RefusedError as refusal:
            outcomes[planned.index] = ("refused", str(refusal))
        except Exception as error:  # a deadlock, a lost connection: the test reports it
            outcomes[planned.index] = ("error", repr(error))

    threads = [threading.Thread(target=run, args=(planned,)) for planned in share]
    ready.put(len(share))
    go.wait(WAIT)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    results.put(outcomes)
