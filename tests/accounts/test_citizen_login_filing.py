"""Filing without a card reader through a real provider: log in from the signing page at FAS
(the test provider), come back to it, and file as the citizen the ID token names.
"""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa
from litestar.testing import TestClient
from tests.accounts.conftest import CITIZEN_CALLBACK, come_back
from tests.oidc.provider import EID_LEVEL, log_in
from tests.web.bouwaanvraag import bouwaanvraag, fill_to_review
from tests.web.conftest import draft_id, open_page
from tests.web.webforms import Page

from formkit.render import DECLARATION
from formkit.store import _tables as t
from formkit.web.services import Services

ANNA = "85073003328"  # the provider's test citizen "anna", at the eID card's level


def test_a_login_begun_on_the_signing_page_comes_back_and_files(
    client: TestClient[Any], services: Services, browser: httpx.Client
) -> None:
    review = fill_to_review(open_page(client, "/formulieren/bouwaanvraag"), bouwaanvraag(ANNA))
    signing = review.choose(DECLARATION, "ja").press("indienen")
    page = f"/formulieren/bouwaanvraag/{draft_id(signing)}/ondertekenen"
    assert f'href="/mijn-dossiers/aanmelden?terug={page}"' in signing.html
    started = client.get(f"/mijn-dossiers/aanmelden?terug={page}", follow_redirects=False)
    assert started.status_code == 303
    callback = log_in(browser, started.headers["location"], "anna", CITIZEN_CALLBACK)
    back = come_back(client, callback)
    assert back.status_code == 303
    assert back.headers["location"] == page
    ready = Page(client, client.get(page))
    assert "Dien in als Anna Peeters" in ready.html
    filed = client.post(f"{page}/aanmelding", files=[("_csrf", (None, ready.value("_csrf")))])
    assert filed.url.path.endswith("/bevestiging")
    with services.engine.connect() as connection:
        (row,) = connection.execute(sa.select(t.Dossier.__table__)).mappings()  # type: ignore[attr-defined]
    assert row["signer"] is None
    assert row["authentication"]["provider"] == "fas"
    assert row["authentication"]["level"] == EID_LEVEL
    assert row["authentication"]["name"] == "Anna Peeters"
