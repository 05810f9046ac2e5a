"""`formkit apikey ...`: keys made, listed and revoked as operators do it."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.conftest import SCHEMAS

from formkit._cli_ops import add_operator_commands
from formkit.store.apikeys import ApiKeys
from formkit.store.database import open_database


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


def formkit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="formkit", exit_on_error=False)
    add_operator_commands(parser.add_subparsers(required=True))
    arguments = parser.parse_args(args)
    status = arguments.command(arguments)
    out, err = capsys.readouterr()
    return status, out, err


def test_a_key_is_for_every_form_and_for_writing_by_default(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = formkit(capsys, "apikey", "create", "crm")
    assert status == 0
    key = ApiKeys(engine).authenticate(out.strip())
    assert key is not None
    assert (key.forms, key.scopes) == (("*",), ("write",))
    status, out, _ = formkit(capsys, "apikey", "list")
    assert json.loads(out)["forms"] == ["*"]


def test_a_key_for_a_form_that_does_not_exist_is_refused_with_status_2(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = formkit(capsys, "apikey", "create", "crm", "--forms", "evenement,nosuch")
    assert (status, out) == (2, "")
    assert "no form 'nosuch'" in err
    assert "bouwaanvraag" in err  # the forms there are
    assert ApiKeys(engine).list() == []


def test_a_key_for_named_forms_is_made(
    engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = formkit(capsys, "apikey", "create", "crm", "--forms", "evenement")
    key = ApiKeys(engine).authenticate(out.strip())
    assert status == 0
    assert key is not None
    assert key.forms == ("evenement",)
