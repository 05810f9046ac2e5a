"""Security headers, forged and cross-site posts, cookies: the pages' defences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.web.conftest import (
    PDF,
    draft_id,
    fill_organisator,
    open_page,
    to_attachments,
    to_review,
)

from formkit.settings import Settings
from formkit.store import _tables as t
from formkit.web.app import create_app
from formkit.web.security import csrf_token, csrf_valid
from formkit.web.services import Services

SECRET = bytes(range(32))


def draft_count(services: Services) -> int:
    with services.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(t.Draft)).scalar_one()


def blob_files(services: Services) -> list[Path]:
    return [p for p in services.blobs.root.rglob("*") if p.is_file()]


def test_a_csrf_token_binds_its_subject_and_the_secret() -> None:
    token = csrf_token(SECRET, "draft:abc")
    assert csrf_valid(SECRET, "draft:abc", token)
    assert not csrf_valid(SECRET, "draft:abd", token)
    assert not csrf_valid(bytes(32), "draft:abc", token)
    assert not csrf_valid(SECRET, "draft:abc", None)
    assert not csrf_valid(SECRET, "draft:abc", "")


@pytest.mark.parametrize("token", [None, "", "verzonnen"])
def test_a_first_post_without_a_valid_token_is_refused(
    client: TestClient[Any], services: Services, token: str | None
) -> None:
    fields = [("_actie", (None, "volgende")), ("/organisator/voornaam", (None, "Tom"))]
    if token is not None:
        fields.append(("_csrf", (None, token)))
    response = client.post("/formulieren/evenement", files=fields)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert draft_count(services) == 0


def test_the_token_of_one_draft_does_not_open_another(client: TestClient[Any]) -> None:
    mine = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    client.cookies.clear()
    theirs = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    token = mine.value("_csrf")
    assert token != theirs.value("_csrf")
    theirs.fill("_csrf", token)
    assert theirs.press("vorige").status == 403


def test_a_forged_post_leaves_no_file_behind(client: TestClient[Any], services: Services) -> None:
    page = to_attachments(client)
    page.attach("/bijlagen/grondplan", "grondplan.pdf", PDF)
    page.fill("_csrf", "verzonnen")
    assert page.press("volgende").status == 403
    assert blob_files(services) == []
    assert services.drafts.uploads(draft_id(page)) == {}


def test_a_file_for_another_step_is_refused(client: TestClient[Any], services: Services) -> None:
    page = open_page(client, "/formulieren/evenement")
    file = ("/bijlagen/grondplan", ("x.pdf", PDF, "application/pdf"))
    response = client.post(page.action, files=[*page.parts(None), file])
    assert response.status_code == 400
    assert blob_files(services) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://kwaad.example"},
    ],
)
def test_a_cross_site_post_is_refused_even_with_a_token(
    client: TestClient[Any], headers: dict[str, str]
) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement"))
    assert page.press("volgende", **headers).status == 403


def test_a_same_origin_post_from_a_browser_passes(client: TestClient[Any]) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement"))
    headers = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver.local"}
    assert page.press("volgende", **headers).title == "Het evenement"


def test_every_page_sends_the_security_headers(client: TestClient[Any]) -> None:
    for url in ("/formulieren/", "/formulieren/evenement", "/nergens", "/api/v1/forms"):
        headers = client.get(url).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert "form-action 'self'" in policy
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_citizen_pages_are_never_cached(client: TestClient[Any]) -> None:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    assert page.response.headers["cache-control"] == "no-store"


def test_pages_hold_no_inline_script_or_style(client: TestClient[Any]) -> None:
    review = to_review(client)
    pages = [open_page(client, "/formulieren/"), review]
    pages.append(open_page(client, "/formulieren/evenement", **{"Sec-Fetch-Dest": "iframe"}))
    for page in pages:
        scripts = re.findall(r"<script\b[^>]*>", page.html)
        assert scripts
        assert all(" src=" in s for s in scripts), scripts
        assert " style=" not in page.html
        assert not re.search(r"\son[a-z]+=", page.html)  # no event handler attributes


def test_the_draft_cookie_is_http_only_and_same_site(client: TestClient[Any]) -> None:
    page = open_page(client, "/formulieren/evenement")
    response = client.post(page.action, files=page.parts(None), follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/formulieren/evenement" in cookie
    assert "Secure" not in cookie  # served over plain HTTP


@pytest.fixture
def https_client(settings: Settings, services: Services) -> Iterator[TestClient[Any]]:
    public = replace(
        settings, public_url="https://e-loket.example", frame_ancestors=("https://www.mechelen.be",)
    )
    found = replace(services, settings=public)
    with TestClient(create_app(public, found), base_url="https://e-loket.example") as client:
        yield client


def test_over_https_the_cookie_is_secure_and_hsts_is_sent(https_client: TestClient[Any]) -> None:
    page = open_page(https_client, "/formulieren/evenement")
    response = https_client.post(page.action, files=page.parts(None), follow_redirects=False)
    assert "Secure" in response.headers["set-cookie"]
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_only_the_configured_origins_may_frame_the_pages(https_client: TestClient[Any]) -> None:
    headers = https_client.get("/formulieren/evenement").headers
    assert "frame-ancestors https://www.mechelen.be" in headers["content-security-policy"]
    assert "x-frame-options" not in headers


def test_the_api_takes_no_csrf_token_and_sets_no_cookie(client: TestClient[Any]) -> None:
    response = client.post("/api/v1/forms/evenement/submissions", json={})
    assert response.status_code == 401  # a bearer key is what it asks for
    assert "set-cookie" not in response.headers
