"""The operators' commands for webhooks and the outbox: subscribe, look, replay.

    formkit webhook add URL [--events dossier.created] [--forms *]   prints the secret once
    formkit webhook list | remove ID
    formkit outbox list [--dead]                                    JSON lines
    formkit outbox replay ID... | --all-dead
    formkit work                                                    run the outbox worker

Replaying makes a dead letter due again with a fresh count of attempts; the running service
picks it up within a poll.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from datetime import datetime
from typing import Any

from formkit.cli._ops import OK, PROBLEMS, USAGE, check_forms, database, settings_from
from formkit.webhooks import EVENTS


def add_outbox_commands(commands: Any) -> None:
    work = commands.add_parser(
        "work",
        help="do the outbox's work (webhooks, receipts, decision letters, e-mails) until stopped",
    )
    work.set_defaults(command=_work)

    webhook = commands.add_parser("webhook", help="subscribe integrators to events")
    actions = webhook.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="subscribe an address and print its secret once")
    add.add_argument("url", metavar="URL", help="the receiver's http(s) address")
    add.add_argument(
        "--events", default="dossier.created", help="comma-separated: " + ", ".join(EVENTS)
    )
    add.add_argument("--forms", default="*", help="comma-separated form ids, or * (default)")
    add.set_defaults(command=_webhook_add)
    listing = actions.add_parser("list", help="list subscriptions (never their secrets)")
    listing.set_defaults(command=_webhook_list)
    remove = actions.add_parser("remove", help="stop deliveries to a subscription")
    remove.add_argument("webhook_id", metavar="ID")
    remove.set_defaults(command=_webhook_remove)

    outbox = commands.add_parser("outbox", help="inspect work after filings; replay failures")
    actions = outbox.add_subparsers(required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="pending rows, or dead letters with --dead")
    listing.add_argument("--dead", action="store_true", help="list the dead letters")
    listing.add_argument("--limit", type=int, default=1000, help="at most this many (1000)")
    listing.set_defaults(command=_outbox_list)
    replay = actions.add_parser("replay", help="make dead letters due again")
    replay.add_argument("ids", nargs="*", type=int, metavar="ID")
    replay.add_argument("--all-dead", action="store_true", help="replay every dead letter")
    replay.set_defaults(command=_outbox_replay)


def _work(arguments: argparse.Namespace) -> int:
    """A worker process beside `formkit serve` processes run with FORMKIT_OUTBOX_WORKER=0."""
    from formkit.web.services import Services

    services = Services.build(settings_from(arguments))
    stop = asyncio.Event()

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        await services.work(stop)

    print("formkit: working through the outbox; stop with Ctrl-C", file=sys.stderr)
    try:
        asyncio.run(run())
    finally:
        services.close()
    return OK


def _webhook_add(arguments: argparse.Namespace) -> int:
    from formkit.store.webhooks import Webhooks

    try:
        check_forms(arguments, _items(arguments.forms))
        with database(arguments) as engine:
            subscription = Webhooks(engine).subscribe(
                arguments.url, _items(arguments.events), _items(arguments.forms)
            )
    except ValueError as error:
        print(f"formkit: {error}", file=sys.stderr)
        return USAGE
    print(subscription.secret)
    print(
        f"formkit: webhook {subscription.id} for {subscription.url}; the secret above is shown"
        " only this once",
        file=sys.stderr,
    )
    return OK


def _webhook_list(arguments: argparse.Namespace) -> int:
    from formkit.store.webhooks import Webhooks

    with database(arguments) as engine:
        subscriptions = Webhooks(engine).list()
    for s in subscriptions:
        listed = {"id": s.id, "url": s.url, "events": s.events, "forms": s.forms}
        state = "active" if s.active else "removed"
        print(json.dumps({**listed, "state": state, "created": s.created_at.isoformat()}))
    return OK


def _webhook_remove(arguments: argparse.Namespace) -> int:
    from formkit.store.webhooks import Webhooks

    with database(arguments) as engine:
        removed = Webhooks(engine).deactivate(arguments.webhook_id)
    if not removed:
        print(f"formkit: no active webhook {arguments.webhook_id}", file=sys.stderr)
        return PROBLEMS
    print(f"formkit: webhook {arguments.webhook_id} removed", file=sys.stderr)
    return OK


def _outbox_list(arguments: argparse.Namespace) -> int:
    from formkit.store.outbox import Outbox

    with database(arguments) as engine:
        outbox = Outbox(engine)
        entries = (
            outbox.dead(arguments.limit) if arguments.dead else outbox.pending(arguments.limit)
        )
    for entry in entries:
        dead = entry.dead_at is not None
        listed = {
            "id": entry.id,
            "topic": entry.topic,
            "attempts": entry.attempts,
            "last_error": entry.last_error,
            "created": _iso(entry.created_at),
            "next_attempt": None if dead else _iso(entry.available_at),
            "dead_since": _iso(entry.dead_at),
        }
        print(json.dumps(listed, ensure_ascii=False))
    return OK


def _outbox_replay(arguments: argparse.Namespace) -> int:
    from formkit.store.outbox import Outbox

    if bool(arguments.ids) == arguments.all_dead:
        print("formkit: name the rows to replay, or --all-dead", file=sys.stderr)
        return USAGE
    with database(arguments) as engine:
        replayed = Outbox(engine).replay(None if arguments.all_dead else arguments.ids)
    missing = sorted(set(arguments.ids) - set(replayed))
    print(f"formkit: {len(replayed)} dead letter(s) replayed", file=sys.stderr)
    if missing:
        listed = ", ".join(map(str, missing))
        print(f"formkit: not a dead letter (no such row, or not dead): {listed}", file=sys.stderr)
        return PROBLEMS
    return OK


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
