"""The filing writer in a process of its own: what `formkit serve` runs by default.

Filings go through the app as an integrator sends them; the writer process is real (spawned,
with its own database connection and seal), and so is killing it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests import live
from tests.conftest import answers, service_settings

from formkit.forms.catalogue import Catalogue
from formkit.settings import Settings, SettingsError
from formkit.store.database import connect
from formkit.store.writer import ProcessWriter
from formkit.web.app import create_app
from formkit.web.services import Services

FORM = "bewonersinitiatief"
DEFAULT_WRITER = Settings().filing_writer


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Services:
    settings = service_settings(tmp_path, database_url, filing_writer=DEFAULT_WRITER)
    return Services.build(settings, catalogue=catalogue)


def test_the_default_writer_is_a_process() -> None:
    assert DEFAULT_WRITER == "process"


def writer(services: Services) -> ProcessWriter:
    found = services.queue.writer
    assert isinstance(found, ProcessWriter)
    return found


def file(client: TestClient[Any], token: str, key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    body = live.multipart(answers(FORM, "valid-minimal"))
    return client.post(f"/api/v1/forms/{FORM}/submissions", headers=headers, **body)


def test_filings_commit_in_a_process_of_their_own(
    client: TestClient[Any], services: Services, token: str
) -> None:
    numbers = []
    for _ in range(3):
        response = file(client, token)
        assert response.status_code == 201, response.text
        numbers.append(response.json()["number"])
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]
    assert writer(services).pid != os.getpid()
    # Its receipts joined the log, under the seal the web process publishes.
    assert client.get("/log/").json()["tree_size"] == 3
    receipt = client.get(f"/api/v1/dossiers/{numbers[2]}/receipt", headers=auth(token))
    assert receipt.status_code == 200


def test_a_writer_killed_between_batches_is_replaced(
    client: TestClient[Any], services: Services, token: str
) -> None:
    assert file(client, token).status_code == 201
    first = writer(services).pid
    os.kill(first, signal.SIGKILL)
    live.wait_gone([first])
    response = file(client, token)
    assert response.status_code == 201, response.text
    assert response.json()["number"].endswith("-000002")
    assert writer(services).pid != first


def test_a_writer_killed_while_committing_answers_503_and_a_retry_files_once(
    postgres_url: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    """The batch dies with its process: the client hears "try again", nothing is half-filed.

    PostgreSQL shows when the writer waits for a lock the test holds, so the kill lands inside
    the batch's transaction every time.
    """
    settings = service_settings(tmp_path, postgres_url, filing_writer=DEFAULT_WRITER)
    services = Services.build(settings, catalogue=catalogue)
    token = services.api_keys.create("test", ["*"], ["read", "write"])[1]
    with TestClient(create_app(settings, services)) as client:
        assert file(client, token).status_code == 201  # the log's state row now exists
        pid = writer(services).pid
        blocker = connect(postgres_url)
        answered: list[Any] = []
        with blocker.begin() as held:
            held.execute(sa.text("LOCK TABLE log_state IN ACCESS EXCLUSIVE MODE"))
            posting = threading.Thread(target=lambda: answered.append(file(client, token, "k1")))
            posting.start()
            _wait_for_lock_waiter(held)
            os.kill(pid, signal.SIGKILL)
            posting.join(timeout=30)
        blocker.dispose()
        [response] = answered
        problem = response.json()
        assert response.status_code == 503, response.text
        assert problem["type"].endswith("/problems/unavailable")
        assert response.headers["retry-after"]
        retried = file(client, token, "k1")
        assert retried.status_code == 201, retried.text
        assert retried.json()["number"].endswith("-000002")  # the killed batch left no gap
        again = file(client, token, "k1")
        assert (again.status_code, again.json()["number"]) == (200, retried.json()["number"])


def test_closing_the_app_stops_the_writer(services: Services, token: str) -> None:
    with TestClient(create_app(services.settings, services)) as client:
        assert file(client, token).status_code == 201
        pid = writer(services).pid
    live.wait_gone([pid])


def test_an_unknown_writer_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="FORMKIT_FILING_WRITER must be process or thread"):
        Settings.from_env({"FORMKIT_FILING_WRITER": "cluster"})


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _wait_for_lock_waiter(connection: sa.Connection, timeout: float = 30) -> None:
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + timeout
    while connection.execute(query).scalar_one() == 0:
        assert time.monotonic() < deadline, "the writer never reached the locked table"
        time.sleep(0.02)
