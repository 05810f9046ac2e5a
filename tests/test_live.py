"""tests/live.py leaves no `formkit serve` running when a start fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests import live


def _database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'formkit.db'}"


def test_servers_started_are_stopped_when_a_later_one_fails(tmp_path: Path) -> None:
    before = set(live.children_of(os.getpid()))
    started: list[live.Server] = []

    def healthy() -> live.Server:
        started.append(live.start(tmp_path / "a", _database(tmp_path)))
        return started[-1]

    def without_forms() -> live.Server:
        env = {"FORMKIT_SCHEMAS_DIR": str(tmp_path / "no-forms")}
        return live.start(tmp_path / "b", _database(tmp_path), env=env)

    with pytest.raises(RuntimeError, match="no forms"), live.all_running([healthy, without_forms]):
        pytest.fail("the second server should not have started")
    (first,) = started
    assert first.process.poll() is not None
    assert set(live.children_of(os.getpid())) <= before


def test_a_server_that_does_not_come_up_in_time_is_stopped(tmp_path: Path) -> None:
    before = set(live.children_of(os.getpid()))
    with pytest.raises(RuntimeError, match=r"did not come up in 0\.01 s"):
        live.start(tmp_path, _database(tmp_path), timeout=0.01)
    assert set(live.children_of(os.getpid())) <= before
