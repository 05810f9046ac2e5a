"""Hostile bodies on the API: each refused with its problem type, none a 500, nothing kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from tests import live
from tests.conftest import NOW, answers, service_settings
from tests.test_api import assert_nothing_left, auth, problem, stored_files

from formkit.forms.catalogue import Catalogue
from formkit.web.app import create_app
from formkit.web.services import Services
from formkit.web.uploads import MAX_JSON_BYTES

SUBMISSIONS = "/api/v1/forms/evenement/submissions"


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Services:
    settings = service_settings(tmp_path, database_url)
    return Services.build(settings, clock=lambda: NOW, catalogue=catalogue)


NOT_ONE_DOCUMENT = {
    "nested arrays": b"[" * 100_000 + b"]" * 100_000,
    "nested objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "unbalanced": b"[" * 100_000,
    "65 levels": b"[" * 65 + b"]" * 65,
    "a key twice": b'{"organisator": {}, "organisator": {}}',
    "a key twice, deeper": b'{"a": [{"b": 1, "b": 2}]}',
}


@pytest.mark.parametrize("path", [SUBMISSIONS, "/api/v1/forms/evenement/data-to-sign"])
@pytest.mark.parametrize("body", NOT_ONE_DOCUMENT.values(), ids=NOT_ONE_DOCUMENT.keys())
def test_json_that_is_not_one_document_is_malformed(
    client: TestClient[Any], token: str, body: bytes, path: str
) -> None:
    headers = auth(token, **{"Content-Type": "application/json"})
    problem(client.post(path, content=body, headers=headers), 400, "malformed-json")


@pytest.mark.parametrize("body", NOT_ONE_DOCUMENT.values(), ids=NOT_ONE_DOCUMENT.keys())
def test_an_answers_part_that_is_not_one_document_is_malformed(
    client: TestClient[Any], services: Services, token: str, body: bytes
) -> None:
    files = {"answers": (None, body, "application/json")}
    problem(client.post(SUBMISSIONS, files=files, headers=auth(token)), 400, "malformed-json")
    assert_nothing_left(services)


def test_a_key_named_twice_is_named_in_the_refusal(client: TestClient[Any], token: str) -> None:
    body = b'{"organisator": {}, "organisator": {}}'
    headers = auth(token, **{"Content-Type": "application/json"})
    response = client.post(SUBMISSIONS, content=body, headers=headers)
    assert "'organisator' twee keer" in problem(response, 400, "malformed-json")["detail"]


def test_json_that_is_not_utf8_is_malformed(client: TestClient[Any], token: str) -> None:
    headers = auth(token, **{"Content-Type": "application/json"})
    response = client.post(SUBMISSIONS, content=b'{"a":"\xff\xfe"}', headers=headers)
    assert "UTF-8" in problem(response, 400, "malformed-json")["detail"]


def test_an_answers_part_that_is_not_utf8_is_malformed(client: TestClient[Any], token: str) -> None:
    files = {"answers": (None, b'{"a":"\xff\xfe"}', "application/json")}
    problem(client.post(SUBMISSIONS, files=files, headers=auth(token)), 400, "malformed-request")


def test_a_signature_part_that_is_not_one_document_is_unreadable(
    client: TestClient[Any], token: str
) -> None:
    body = live.multipart(answers("evenement", "valid-minimal"))
    body["files"]["signature"] = (None, b'{"hash": "SHA-384", "hash": "SHA-256"}', "text/plain")
    problem(client.post(SUBMISSIONS, headers=auth(token), **body), 422, "signature-malformed")


# Parts named twice: neither counts, and neither is kept.


def test_two_files_for_one_reference_are_refused_and_neither_kept(
    client: TestClient[Any], services: Services, token: str
) -> None:
    answers_part = (None, json.dumps(answers("evenement", "valid-minimal")).encode(), "text/plain")
    files = [
        ("answers", answers_part),
        ("grondplan-1", ("een.pdf", live.PDF, "application/pdf")),
        ("grondplan-1", ("twee.pdf", live.PDF + b"%twee", "application/pdf")),
        ("programma-1", ("programma.pdf", live.PDF, "application/pdf")),
    ]
    response = client.post(SUBMISSIONS, files=files, headers=auth(token))
    assert "grondplan-1" in problem(response, 400, "malformed-request")["detail"]
    assert_nothing_left(services)


@pytest.mark.parametrize("part", ["answers", "signature"])
def test_a_text_part_sent_twice_is_refused_and_no_file_kept(
    client: TestClient[Any], services: Services, token: str, part: str
) -> None:
    document = answers("evenement", "valid-minimal")
    files = [(name, p) for name, p in live.multipart(document)["files"].items() if name != part]
    files += [(part, (None, json.dumps(document).encode(), "application/json"))] * 2
    response = client.post(SUBMISSIONS, files=files, headers=auth(token))
    assert part in problem(response, 400, "malformed-request")["detail"]
    assert_nothing_left(services)


def test_two_attachments_of_the_same_bytes_are_kept_once_and_no_copy_stays_staged(
    client: TestClient[Any], services: Services, token: str
) -> None:
    body = live.multipart(answers("evenement", "valid-minimal"))  # two references, one PDF
    assert body["files"]["grondplan-1"][1] == body["files"]["programma-1"][1]
    assert client.post(SUBMISSIONS, headers=auth(token), **body).status_code == 201
    blobs = services.settings.data_dir / "blobs"
    assert [p.relative_to(blobs).parts[0] for p in stored_files(services)] == ["sha256"]


# Size: the limits hold while the body streams in, whatever it claims to be.


def test_json_over_the_limit_is_too_large_with_or_without_its_length(
    client: TestClient[Any], token: str
) -> None:
    body = b'{"a": "' + b"x" * MAX_JSON_BYTES + b'"}'
    headers = auth(token, **{"Content-Type": "application/json"})
    problem(client.post(SUBMISSIONS, content=body, headers=headers), 413, "too-large")

    def chunked() -> Any:
        yield body

    problem(client.post(SUBMISSIONS, content=chunked(), headers=headers), 413, "too-large")


def test_text_parts_beyond_the_answers_limit_together_are_too_large(
    client: TestClient[Any], services: Services, token: str
) -> None:
    body = live.multipart(answers("evenement", "valid-minimal"))
    files = list(body["files"].items())
    files += [(f"extra-{n}", (None, b"x" * 1_000_000, "text/plain")) for n in range(3)]
    problem(client.post(SUBMISSIONS, files=files, headers=auth(token)), 413, "too-large")
    assert_nothing_left(services)


CHUNK = b" " * 65_536


async def post_streamed(
    app: Any, path: str, headers: dict[str, str], chunks: int, first: bytes
) -> tuple[int, int]:
    """POST `first` and then `chunks` chunks of 64 KiB straight to the ASGI app, as a server
    hands them over; the status, and how many chunks the app asked for."""
    asked = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked == 1:
            return {"type": "http.request", "body": first, "more_body": True}
        return {"type": "http.request", "body": CHUNK, "more_body": asked <= chunks}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    await app(scope, receive, send)
    return status, asked


@pytest.fixture
def app(services: Services) -> Iterator[Litestar]:
    """The app without a test client: `post_streamed` drives it as a server would."""
    yield create_app(services.settings, services)
    services.close()


def test_a_json_body_is_refused_once_it_passes_the_limit_not_read_to_its_end(
    app: Litestar, token: str
) -> None:
    headers = auth(token, **{"Content-Type": "application/json"})
    chunks = 4 * MAX_JSON_BYTES // len(CHUNK)  # four times the limit, never sent in full
    status, asked = anyio.run(post_streamed, app, SUBMISSIONS, headers, chunks, b'["')
    assert status == 413
    assert asked <= MAX_JSON_BYTES // len(CHUNK) + 2


def test_a_multipart_answers_part_is_refused_once_it_passes_the_limit(
    app: Litestar, token: str
) -> None:
    headers = auth(token, **{"Content-Type": "multipart/form-data; boundary=grens"})
    head = b'--grens\r\nContent-Disposition: form-data; name="answers"\r\n\r\n["'
    chunks = 4 * MAX_JSON_BYTES // len(CHUNK)
    status, asked = anyio.run(post_streamed, app, SUBMISSIONS, headers, chunks, head)
    assert status == 413
    assert asked <= MAX_JSON_BYTES // len(CHUNK) + 2
