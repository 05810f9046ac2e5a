"""The pages say at the initiators' step that a person reached the bewonersinitiatief's limit of
three a year, before the citizen fills in the rest: filing would refuse it anyway."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import TestClient
from tests.conftest import answers
from tests.test_api import file
from tests.web.conftest import open_page

from formkit.web.services import Services

FIRST = "/initiatiefnemers/0"
LIMIT = "Een initiatiefnemer kan hoogstens drie bewonersinitiatieven per jaar indienen."


def fill_initiators(client: TestClient[Any]) -> Any:
    page = open_page(client, "/formulieren/bewonersinitiatief")
    people = answers("bewonersinitiatief", "valid-full")["initiatiefnemers"][:2]
    for index, person in enumerate(people):
        for name, value in _flat(person, f"/initiatiefnemers/{index}"):
            page.fill(name, value)
    return page


def _flat(node: Any, at: str) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in _flat(value, f"{at}/{key}")]
    return [(at, node if isinstance(node, str) else json.dumps(node))]


def test_the_initiators_step_says_who_reached_the_limit_and_keeps_what_was_typed(
    client: TestClient[Any], services: Services
) -> None:
    token = services.api_keys.create("test", ["*"], ["read", "write"])[1]
    document = answers("bewonersinitiatief", "valid-full")
    for _ in range(3):  # the three initiatives of Marleen and Mats this year
        assert file(client, token, "bewonersinitiatief", document).status_code == 201
    page = fill_initiators(client).press("volgende")
    assert page.status == 422
    errors = page.errors
    assert len(errors) == 2  # Marleen and Mats were both in the three
    assert all(LIMIT[1:] in error for error in errors), errors  # after "Initiatiefnemer 1: e"
    assert "Dat kan opnieuw vanaf" in errors[0]
    assert page.value(f"{FIRST}/rijksregisternummer") == "64081116235"  # kept
    assert "64081116235" not in page.url
    assert "64081116235" not in page.title
