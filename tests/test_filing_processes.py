"""Filing under real load and real crashes: several server processes, one database."""

from __future__ import annotations

import copy
import hashlib
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from tests import live
from tests.conftest import SCHEMAS

import formkit
from formkit.forms._example import example

FORM = "bewonersinitiatief"


def fresh_answers() -> Any:
    """Valid answers for today: the servers check lead times against the real clock."""
    return example(formkit.load_form(SCHEMAS / f"{FORM}.json"), now=datetime.now(UTC))


def with_other_initiators(document: Any, n: int) -> Any:
    """`document` with initiators of their own: a person may file three a year (the history
    rule), and this test files 500 dossiers."""
    people = copy.deepcopy(document)
    for index, person in enumerate(people["initiatiefnemers"]):
        person["rijksregisternummer"] = national_number(n * 10 + index)
    return people


def national_number(n: int) -> str:
    """A valid national register number, different for each `n` below 30,000."""
    base = f"6001{1 + n // 997:02d}{1 + n % 997:03d}"
    return f"{base}{97 - int(base) % 97:02d}"


def file(client: httpx.Client, url: str, token: str, key: str | None, document: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        f"{url}/api/v1/forms/{FORM}/submissions",
        headers=headers,
        timeout=60,
        **live.multipart(document),
    )


def test_32_clients_two_processes_one_dossier_per_key_gapless(
    postgres_url: str, tmp_path: Path
) -> None:
    """2,000 submissions, each of 500 keys sent 4 times, spread over two processes."""
    document = fresh_answers()
    token = live.api_key(tmp_path, postgres_url)
    keys = [f"key-{n}" for n in range(500)] * 4
    random.Random(7).shuffle(keys)
    documents = {f"key-{n}": with_other_initiators(document, n) for n in range(500)}
    results: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    with live.running(tmp_path, postgres_url, count=2) as servers:

        def client_work(share: list[str]) -> None:
            with httpx.Client() as client:
                for n, key in enumerate(share):
                    url = servers[n % 2].url
                    response = file(client, url, token, key, documents[key])
                    with lock:
                        results.append((key, response.status_code, response.json()["number"]))

        shares = [keys[i::32] for i in range(32)]
        with ThreadPoolExecutor(32) as pool:
            list(pool.map(client_work, shares))

    assert len(results) == 2000
    assert {status for _, status, _ in results} <= {200, 201}
    by_key: dict[str, set[str]] = {}
    for key, _, number in results:
        by_key.setdefault(key, set()).add(number)
    assert all(len(numbers) == 1 for numbers in by_key.values())
    assert sum(status == 201 for _, status, _ in results) == 500
    numbers = sorted(number for (number,) in by_key.values())
    year = numbers[0].split("-")[1]
    assert numbers == [f"BWI-{year}-{n:06d}" for n in range(1, 501)]
    engine = sa.create_engine(postgres_url)  # already names the psycopg driver
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM dossier")).scalar()
    engine.dispose()
    assert stored == 500


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_killed_server_keeps_every_acknowledged_filing_whole(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    database = (
        f"sqlite:///{tmp_path / 'formkit.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    token = live.api_key(tmp_path, database)
    document = fresh_answers()
    acknowledged: list[str] = []
    stop = threading.Event()
    server = live.start(tmp_path, database)

    def keep_filing(worker: int) -> None:
        with httpx.Client() as client:
            n = 0
            while not stop.is_set():
                n += 1
                # Distinct bytes per filing: a lost blob cannot hide behind an identical one.
                content = {ref: live.PDF + f"{worker}-{n}-{ref}".encode() for ref in refs}
                try:
                    response = client.post(
                        f"{server.url}/api/v1/forms/{FORM}/submissions",
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=10,
                        **live.multipart(document, content),
                    )
                except httpx.TransportError:
                    return  # the server is gone
                if response.status_code in (200, 201):
                    acknowledged.append(response.json()["number"])

    refs = [r for r in live.references(document) if not r.startswith("foto")]
    threads = [threading.Thread(target=keep_filing, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert acknowledged, "no filing was acknowledged before the kill"
    time.sleep(0.3)  # filings in every stage: streaming, validating, committing
    writer = server.children()
    assert writer, "the server runs its filing writer in a process of its own"
    server.kill()
    stop.set()
    for thread in threads:
        thread.join()
    live.wait_gone(writer)  # an orphaned writer would hold the database for nobody

    with live.running(tmp_path, database) as (restarted,), httpx.Client() as client:
        headers = {"Authorization": f"Bearer {token}"}
        for number in acknowledged:
            dossier = client.get(f"{restarted.url}/api/v1/dossiers/{number}", headers=headers)
            assert dossier.status_code == 200, number
            for attachment in dossier.json()["attachments"]:
                download = client.get(attachment["url"], headers=headers)
                assert download.status_code == 200
                assert hashlib.sha256(download.content).hexdigest() == attachment["sha256"]
        assert_nothing_half_written(database, tmp_path / "blobs")


def assert_nothing_half_written(database: str, blobs: Path) -> None:
    """Every stored dossier has all its attachments and their bytes; numbers have no gap."""
    engine = sa.create_engine(database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        numbers = [row[0] for row in connection.execute(sa.text("SELECT number FROM dossier"))]
        hashes = [row[0] for row in connection.execute(sa.text("SELECT sha256 FROM attachment"))]
        counts = connection.execute(
            sa.text(
                "SELECT d.number, count(a.id) FROM dossier d"
                " LEFT JOIN attachment a ON a.dossier_id = d.id GROUP BY d.number"
            )
        ).all()
    engine.dispose()
    sequence = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert sequence == list(range(1, len(sequence) + 1))
    assert len({count for _, count in counts}) == 1  # the same answers every time
    for sha256 in hashes:
        assert (blobs / "sha256" / sha256[:2] / sha256).is_file()
