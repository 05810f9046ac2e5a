"""Property-based fuzzing of the API from its own OpenAPI document: no input yields a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from tests import live
from tests.conftest import FORM_IDS, answers

# formkit's own formats, so that generated answers get past the format checks now and then.
for name, strategy in {
    "be-national-number": st.sampled_from(["85073003328", "00000000000", "1"]),
    "be-enterprise-number": st.sampled_from(["0403170701", "0000000000"]),
    "iban": st.sampled_from(["BE68539007547034", "BE00"]),
    "be-postal-code": st.sampled_from(["2800", "0000"]),
    "phone": st.sampled_from(["+32485765432", "abc"]),
}.items():
    schemathesis.openapi.format(name, strategy)

OPERATIONS = [
    "GET /api/v1/forms",
    "GET /api/v1/dossiers/{number}",
    "GET /api/v1/dossiers/{number}/attachments/{index}",
    *(f"GET /api/v1/forms/{form_id}" for form_id in FORM_IDS),
    *(f"POST /api/v1/forms/{form_id}/submissions" for form_id in FORM_IDS),
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """A real server process, fuzzed over HTTP as an integrator's client would reach it."""
    folder: Path = tmp_path_factory.mktemp("fuzz")
    database = f"sqlite:///{folder / 'formkit.db'}"
    token = live.api_key(folder, database)
    # Thousands of requests from one address and one key: no rate limit may answer them.
    unlimited = {"FORMKIT_RATE_LIMIT_ANONYMOUS": "0", "FORMKIT_RATE_LIMIT_API_KEY": "0"}
    with live.running(folder, database, env=unlimited) as (server,):
        schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
        operations = {result.ok().label: result.ok() for result in schema.get_all_operations()}
        assert sorted(operations) == sorted(OPERATIONS)  # every operation is fuzzed
        yield operations, token


# schemathesis generates from the OpenAPI document itself. For the two large forms that takes
# minutes per handful of bodies (hypothesis-jsonschema; TOOLING.md), so their submissions are
# fuzzed below by mutating valid answers instead: cheap, and every mutation reaches validation.
SCHEMATHESIS = [label for label in OPERATIONS if "evenement/sub" not in label]
SCHEMATHESIS = [label for label in SCHEMATHESIS if "bouwaanvraag/sub" not in label]


@pytest.mark.parametrize("label", SCHEMATHESIS)
def test_no_generated_request_makes_the_api_fail(api: tuple[Any, str], label: str) -> None:
    operations, token = api

    @hypothesis.given(case=operations[label].as_strategy())
    @hypothesis.settings(max_examples=10, **SETTINGS)
    def check(case: Any) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        assert response.status_code < 500, response.text

    check()


SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": list(hypothesis.HealthCheck),
    "derandomize": True,
    "database": None,
}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_no_mutated_submission_makes_the_api_fail(api: tuple[Any, str], form_id: str) -> None:
    """Valid answers with a value replaced anywhere, sent as JSON or multipart."""
    operations, token = api
    url = operations[f"POST /api/v1/forms/{form_id}/submissions"].base_url
    original = answers(form_id, "valid-full")
    pointers = list(_pointers(original))

    @hypothesis.given(
        pointer=st.sampled_from(pointers),
        value=JSON_VALUES,
        as_multipart=st.booleans(),
    )
    @hypothesis.settings(max_examples=40, **SETTINGS)
    def check(pointer: list[Any], value: Any, as_multipart: bool) -> None:
        document = json.loads(json.dumps(original))
        _set(document, pointer, value)
        headers = {"Authorization": f"Bearer {token}"}
        submit = f"{url}/api/v1/forms/{form_id}/submissions"
        if as_multipart:
            response = httpx.post(submit, headers=headers, **live.multipart(document))
        else:
            response = httpx.post(submit, headers=headers, json=document)
        assert response.status_code < 500, response.text
        assert response.status_code in (200, 201, 422), response.text

    check()


def _pointers(node: Any, at: tuple[Any, ...] = ()) -> Iterator[list[Any]]:
    if at:
        yield list(at)
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, child in children:
        yield from _pointers(child, (*at, key))


def _set(document: Any, path: list[Any], value: Any) -> None:
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value
