"""An answer typed too long is a message at its field, with everything else kept; only a
hostile body, far beyond what anyone types, is refused as a whole (issue 13)."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient
from tests.web.conftest import fill_evenement, fill_organisator, open_page
from tests.web.test_step_messages import field_errors
from tests.web.webforms import Page

from formkit.web._posts import MAX_CUT_BYTES, MAX_FIELD_BYTES

TOO_LONG = "Deze tekst is te lang: we bewaarden alleen het begin. Kort hem in tot hoogstens"


def to_evenement(client: TestClient[Any]) -> Page:
    page = fill_organisator(open_page(client, "/formulieren/evenement")).press("volgende")
    assert page.title == "Het evenement"
    return fill_evenement(page)


def test_a_text_too_long_is_a_message_at_its_field_on_the_same_step(
    client: TestClient[Any],
) -> None:
    page = to_evenement(client)
    page.fill("/evenement/omschrijving", "Een concert. " + "x" * MAX_FIELD_BYTES)
    page = page.press("volgende")
    assert page.status == 422
    assert page.title == "Het evenement"
    assert page.errors == [f"{TOO_LONG} 4.000 tekens."]
    assert field_errors(page) == [f"{TOO_LONG} 4.000 tekens."]
    assert page.value("/evenement/naam") == "Huiskamerconcert"  # everything else kept
    assert page.value("/evenement/omschrijving").startswith("Een concert. xxx")
    assert len(page.value("/evenement/omschrijving")) == MAX_FIELD_BYTES


def test_a_text_too_long_stops_every_button_on_its_step(client: TestClient[Any]) -> None:
    page = to_evenement(client)
    page.fill("/evenement/plaats", "x" * (MAX_FIELD_BYTES + 1))
    page = page.press("vorige")
    assert page.title == "Het evenement"
    assert page.errors == [f"{TOO_LONG} 300 tekens."]


def test_a_hostile_body_of_text_is_still_refused_whole(client: TestClient[Any]) -> None:
    page = open_page(client, "/formulieren/evenement")
    files = [("/evenement/omschrijving", (None, "x" * (MAX_FIELD_BYTES + MAX_CUT_BYTES + 1)))]
    refused = Page(client, client.post(page.action, files=files))
    assert refused.status == 413
