"""Advice with files through the API, on SQLite and PostgreSQL: a `handle` key uploads the files,
names them in `give-advice`, and the event names each (never its bytes); each upload goes with
one advice at most, and anything else named is refused with nothing recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests import live, office_files
from tests.conftest import NOW, service_settings
from tests.test_api import auth, problem
from tests.test_api_handling import act, acted, filed
from tests.test_api_uploads import UPLOADS

from formkit.filing._sniff import DOCX
from formkit.forms.catalogue import Catalogue
from formkit.store import _tables as t
from formkit.web.services import Services

ADVICE = {"department": "politie", "opinion": "voorwaardelijk-gunstig", "motivation": "Mits..."}


@pytest.fixture
def services(database_url: str, tmp_path: Path, catalogue: Catalogue) -> Services:
    settings = service_settings(tmp_path, database_url)
    return Services.build(settings, clock=lambda: NOW, catalogue=catalogue)


@pytest.fixture
def handler(services: Services) -> str:
    """A back-office system's key: it reads and handles, and files nothing."""
    return services.api_keys.create("backoffice", ["evenement"], ["read", "handle"])[1]


def advice_asked(client: TestClient[Any], token: str, handler: str) -> str:
    number = filed(client, token)
    acted(client, handler, number, action="admissible", track="melding")
    acted(client, handler, number, action="request-advice", departments=["politie", "mobiliteit"])
    return number


def uploaded(client: TestClient[Any], token: str, content: bytes, name: str) -> str:
    files = {"file": (name, content, "application/octet-stream")}
    response = client.post(UPLOADS, files=files, headers=auth(token))
    assert response.status_code == 201, response.text
    upload_id: str = response.json()["upload"]
    return upload_id


def events(client: TestClient[Any], token: str, number: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/dossiers/{number}/events", headers=auth(token))
    found: list[dict[str, Any]] = response.json()["events"]
    return found


def test_an_advice_names_its_uploaded_files_and_its_event_shows_them_without_bytes(
    services: Services, client: TestClient[Any], token: str, handler: str
) -> None:
    number = advice_asked(client, token, handler)
    report = office_files.docx("Verslag van de politie")
    ids = [
        uploaded(client, handler, report, "verslag.docx"),
        uploaded(client, handler, live.PDF, "plan.pdf"),
    ]
    acted(client, handler, number, action="give-advice", attachments=ids, **ADVICE)
    given = events(client, handler, number)[-1]
    assert given["kind"] == "advice-given"
    assert given["data"]["attachments"] == [
        {
            "sha256": hashlib.sha256(report).hexdigest(),
            "name": "verslag.docx",
            "media_type": DOCX,
            "size": len(report),
        },
        {
            "sha256": hashlib.sha256(live.PDF).hexdigest(),
            "name": "plan.pdf",
            "media_type": "application/pdf",
            "size": len(live.PDF),
        },
    ]
    assert report not in str(given).encode()
    upload = t.Upload.__table__  # type: ignore[attr-defined]
    with services.engine.connect() as connection:
        claimed = connection.execute(
            sa.select(upload.c.claimed_by).where(upload.c.id.in_(ids))
        ).scalars()
        assert all(dossier is not None for dossier in claimed)  # kept for the dossier
    # The same upload goes with no second advice.
    again = {**ADVICE, "department": "mobiliteit"}
    refused = act(client, handler, number, action="give-advice", attachments=ids[:1], **again)
    problem(refused, 422, "invalid-action")
    assert len(events(client, handler, number)) == 4


def test_a_repeat_under_the_same_idempotency_key_answers_as_the_first_did(
    client: TestClient[Any], token: str, handler: str
) -> None:
    number = advice_asked(client, token, handler)
    ids = [uploaded(client, handler, live.PDF, "plan.pdf")]
    body = {"action": "give-advice", "attachments": ids, "Idempotency-Key": "advies-1", **ADVICE}
    first = acted(client, handler, number, **body)
    again = acted(client, handler, number, **body)
    assert again["handling"]["version"] == first["handling"]["version"] == 4


def test_an_unknown_or_another_keys_upload_is_refused_at_its_place_and_nothing_is_recorded(
    services: Services, client: TestClient[Any], token: str, handler: str
) -> None:
    number = advice_asked(client, token, handler)
    own = uploaded(client, handler, live.PDF, "plan.pdf")
    others = uploaded(client, token, live.PDF, "plan.pdf")  # the filer's key's
    unknown = "upl_" + "0" * 32
    refused = act(
        client, handler, number, action="give-advice", attachments=[own, others, unknown], **ADVICE
    )
    document = problem(refused, 422, "invalid-action")
    pointers = [(p["pointer"], p["code"]) for p in document["problems"]]
    assert pointers == [
        ("/attachments/1", "upload-unusable"),
        ("/attachments/2", "upload-unusable"),
    ]
    assert len(events(client, handler, number)) == 3
    # The key's own upload was not used up by the refusal.
    acted(client, handler, number, action="give-advice", attachments=[own], **ADVICE)


def test_an_advice_takes_at_most_five_files_and_only_upload_ids(
    client: TestClient[Any], token: str, handler: str
) -> None:
    number = advice_asked(client, token, handler)
    six = ["upl_" + f"{n:032x}" for n in range(6)]
    problem(
        act(client, handler, number, action="give-advice", attachments=six, **ADVICE),
        422,
        "invalid-action",
    )
    named = ["upload:upl_" + "0" * 32]
    problem(
        act(client, handler, number, action="give-advice", attachments=named, **ADVICE),
        422,
        "invalid-action",
    )


def test_a_handle_key_uploads_only_what_an_advice_takes(
    client: TestClient[Any], handler: str
) -> None:
    files = {"file": ("archief.zip", office_files.plain_zip(), "application/zip")}
    problem(client.post(UPLOADS, files=files, headers=auth(handler)), 415, "unsupported-media-type")
    sheet = {"file": ("a.xlsx", office_files.xlsx())}
    assert client.post(UPLOADS, files=sheet, headers=auth(handler)).status_code == 201
