"""`formkit webhook ...`, `formkit outbox ...` and `formkit apikey ...`: what operators run, on
both databases."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.conftest import SCHEMAS
from tests.outbox_support import FAST, Receiver, file_dossier, receiver, run_worker_until

from formkit.cli import main
from formkit.cli._outbox import add_outbox_commands
from formkit.store.apikeys import ApiKeys
from formkit.store.database import open_database
from formkit.store.outbox import Outbox
from formkit.store.webhooks import Webhooks
from formkit.webhooks import verify


@pytest.fixture
def engine(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[sa.Engine]:
    monkeypatch.setenv("FORMKIT_DATABASE_URL", database_url)
    monkeypatch.setenv("FORMKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FORMKIT_SCHEMAS_DIR", str(SCHEMAS))
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as hook:
        yield hook


def formkit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="formkit", exit_on_error=False)
    add_outbox_commands(parser.add_subparsers(required=True))
    arguments = parser.parse_args(args)
    status = arguments.command(arguments)
    out, err = capsys.readouterr()
    return status, out, err


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_webhook_add_prints_the_secret_once_and_list_never(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = formkit(
        capsys, "webhook", "add", "https://crm.example/hook", "--forms", "evenement,bouwaanvraag"
    )
    assert status == 0
    secret = out.strip()
    assert secret.startswith("whsec_")
    assert "shown only this once" in err
    (subscription,) = Webhooks(engine).list()
    assert subscription.secret == secret
    status, out, _ = formkit(capsys, "webhook", "list")
    assert status == 0
    assert secret not in out
    assert lines(out) == [
        {
            "id": subscription.id,
            "url": "https://crm.example/hook",
            "events": ["dossier.created"],
            "forms": ["bouwaanvraag", "evenement"],
            "state": "active",
            "created": subscription.created_at.isoformat(),
        }
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://crm.example/hook"], "http(s)"),
        (["https://crm.example/hook", "--events", "dossier.deleted"], "events must be among"),
        (["https://crm.example/hook", "--forms", ","], "at least one form"),
        (["https://crm.example/hook", "--forms", "evenement,nosuchform"], "no form 'nosuchform'"),
    ],
)
def test_webhook_add_refuses_bad_input_with_status_2(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = formkit(capsys, "webhook", "add", *args)
    assert (status, out) == (2, "")
    assert message in err
    assert Webhooks(engine).list() == []


def test_webhook_remove_stops_a_subscription_once(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    subscription = Webhooks(engine).subscribe("https://crm.example/hook")
    assert formkit(capsys, "webhook", "remove", subscription.id)[0] == 0
    status, _, err = formkit(capsys, "webhook", "remove", subscription.id)
    assert status == 1
    assert f"no active webhook {subscription.id}" in err
    _, out, _ = formkit(capsys, "webhook", "list")
    assert lines(out)[0]["state"] == "removed"


def test_outbox_list_shows_pending_rows_and_dead_letters(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    file_dossier(engine)
    outbox = Outbox(engine)
    outbox.enqueue([("receipt.pdf", {})])
    _, out, _ = formkit(capsys, "outbox", "list")
    pending = lines(out)
    assert [(row["topic"], row["attempts"], row["dead_since"]) for row in pending] == [
        ("dossier.created", 0, None),
        ("receipt.pdf", 0, None),
    ]
    assert all(row["next_attempt"] for row in pending)
    (_, job) = outbox.claim(2)
    outbox.fail(job, "no handler for topic 'receipt.pdf'", dead=True)
    _, out, _ = formkit(capsys, "outbox", "list", "--dead")
    (dead,) = lines(out)
    assert dead["id"] == job.id
    assert dead["last_error"] == "no handler for topic 'receipt.pdf'"
    assert dead["next_attempt"] is None
    assert dead["dead_since"]


def test_outbox_replay_needs_ids_or_all_dead_and_says_which_were_not_dead(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = Outbox(engine)
    outbox.enqueue([("a", {}), ("b", {})])
    dead, alive = outbox.claim(2)
    outbox.fail(dead, "x", dead=True)
    assert formkit(capsys, "outbox", "replay")[0] == 2
    assert formkit(capsys, "outbox", "replay", str(dead.id), "--all-dead")[0] == 2
    status, _, err = formkit(capsys, "outbox", "replay", str(dead.id), str(alive.id), "999")
    assert status == 1
    assert "1 dead letter(s) replayed" in err
    assert f"not a dead letter (no such row, or not dead): {alive.id}, 999" in err
    assert outbox.dead() == []


@pytest.mark.anyio
async def test_a_dead_delivery_replayed_from_the_cli_arrives(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str], hook: Receiver
) -> None:
    status, out, _ = formkit(capsys, "webhook", "add", hook.url)
    secret = out.strip()
    hook.fail(100)
    file_dossier(engine)
    outbox = Outbox(engine, FAST)
    await run_worker_until(outbox, lambda: bool(outbox.dead()))
    assert len(hook.received()) == FAST.max_attempts
    _, out, _ = formkit(capsys, "outbox", "list", "--dead")
    (dead,) = lines(out)
    assert dead["topic"] == "webhook.delivery"
    assert str(dead["last_error"]).startswith("HTTP 500")

    hook.fail(0)
    status, _, err = formkit(capsys, "outbox", "replay", "--all-dead")
    assert status == 0
    assert "1 dead letter(s) replayed" in err
    await run_worker_until(outbox, lambda: not outbox.pending())
    last = hook.received()[-1]
    verify(secret, last.headers, last.body, now=outbox.now())
    assert formkit(capsys, "outbox", "list", "--dead")[1] == ""


# API keys, through the `formkit` command itself.


def formkit_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The `formkit` command itself, run in this process."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_a_key_is_for_every_form_and_for_writing_by_default(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = formkit_main(capsys, "apikey", "create", "crm")
    assert status == 0
    key = ApiKeys(engine).authenticate(out.strip())
    assert key is not None
    assert (key.forms, key.scopes) == (("*",), ("write",))
    status, out, _ = formkit_main(capsys, "apikey", "list")
    assert json.loads(out)["forms"] == ["*"]


def test_a_key_for_a_form_that_does_not_exist_is_refused_with_status_2(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = formkit_main(
        capsys, "apikey", "create", "crm", "--forms", "evenement,nosuch"
    )
    assert (status, out) == (2, "")
    assert "no form 'nosuch'" in err
    assert "bouwaanvraag" in err  # the forms there are
    assert ApiKeys(engine).list() == []


def test_a_key_for_named_forms_is_made(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = formkit_main(capsys, "apikey", "create", "crm", "--forms", "evenement")
    key = ApiKeys(engine).authenticate(out.strip())
    assert status == 0
    assert key is not None
    assert key.forms == ("evenement",)
