"""Property-based fuzzing of the API from its own OpenAPI document, with every check of
schemathesis: no 5xx, and every answer (status, content type, headers, body) as documented."""

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
from schemathesis import GenerationMode
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
    "POST /api/v1/uploads",
    "GET /api/v1/dossiers",
    "GET /api/v1/dossiers/{number}",
    "GET /api/v1/dossiers/{number}/events",
    "POST /api/v1/dossiers/{number}/actions",
    "GET /api/v1/dossiers/{number}/attachments/{index}",
    "GET /api/v1/events",
    "GET /api/v1/dossiers/{number}/receipt",
    "GET /api/v1/dossiers/{number}/receipt.pdf",
    "GET /api/v1/dossiers/{number}/signature",
    "GET /api/v1/dossiers/{number}/decision",
    "GET /api/v1/problems/{slug}",
    *(f"GET /api/v1/forms/{form_id}" for form_id in FORM_IDS),
    *(f"POST /api/v1/forms/{form_id}/submissions" for form_id in FORM_IDS),
    *(f"POST /api/v1/forms/{form_id}/data-to-sign" for form_id in FORM_IDS),
]

# Schema-valid requests that the service refuses anyway, as the document says in words: the
# forms' rules, check digits and files (422), multipart parts the answers do not name (400),
# and bytes whose sniffed type or size no form takes (413, 415). Everywhere else valid data
# must be accepted.
ACCEPTANCE = [
    {
        "include-path-regex": "/(submissions|data-to-sign)$",
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "409", "413", "415", "422"]
            }
        },
    },
    {
        # A cursor or department made up is refused, as the document says.
        "include-path-regex": "/dossiers$",
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400"]}},
    },
    {
        # A cursor made up is refused, as the document says.
        "include-path-regex": "^/api/v1/events$",
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400"]}},
    },
    {
        # The procedure refuses what it does not allow now; If-Match made up is behind.
        "include-path-regex": "/actions$",
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "409", "412"]}},
    },
    {
        "include-path-regex": "/uploads$",
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "413", "415"]}},
    },
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """A real server process, fuzzed over HTTP as an integrator's client would reach it."""
    folder: Path = tmp_path_factory.mktemp("fuzz")
    database = f"sqlite:///{folder / 'formkit.db'}"
    token = live.api_key(folder, database, "read,write,handle")
    # Thousands of requests from one address and one key: no rate limit may answer them.
    unlimited = {"FORMKIT_RATE_LIMIT_ANONYMOUS": "0", "FORMKIT_RATE_LIMIT_API_KEY": "0"}
    with live.running(folder, database, env=unlimited) as (server,):
        config = schemathesis.config.SchemathesisConfig.from_dict({"operations": ACCEPTANCE})
        schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json", config=config)
        operations = {result.ok().label: result.ok() for result in schema.get_all_operations()}
        assert sorted(operations) == sorted(OPERATIONS)  # every operation is fuzzed
        yield operations, token


# schemathesis generates from the OpenAPI document itself. For the two large forms that takes
# minutes per handful of bodies (hypothesis-jsonschema; TOOLING.md), and it cannot generate an
# address (defs/adres.json: if/then/else closed by unevaluatedProperties, every attempt is
# filtered away), so the submissions of every form with one are fuzzed below by mutating valid
# answers instead: cheap, and every mutation reaches validation.
LARGE_FORMS = ("evenement", "bouwaanvraag", "bewonersinitiatief")
SCHEMATHESIS = [
    label
    for label in OPERATIONS
    if not any(label.startswith(f"POST /api/v1/forms/{form_id}/") for form_id in LARGE_FORMS)
]


# Operations with something to break: a body, or a parameter of a constrained type. The others
# take any string, so there is no invalid request to make (wrong keys are sent by the checks).
# An action's body is one of nine by its `action`, which schemathesis cannot make invalid
# (every attempt is filtered away); tests/test_api_handling.py sends broken ones instead.
NEGATIVE = [
    "POST /api/v1/uploads",
    "GET /api/v1/dossiers",
    "GET /api/v1/dossiers/{number}/attachments/{index}",
    "GET /api/v1/events",
    "GET /api/v1/problems/{slug}",
    *(label for label in SCHEMATHESIS if label.startswith("POST /api/v1/forms/")),
]
CASES = [(label, GenerationMode.POSITIVE) for label in SCHEMATHESIS] + [
    (label, GenerationMode.NEGATIVE) for label in NEGATIVE
]


@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{lb} {md.value}" for lb, md in CASES])
def test_every_generated_request_is_answered_as_documented(
    api: tuple[Any, str], label: str, mode: GenerationMode
) -> None:
    """Valid requests (positive) and invalid ones (negative), with all of schemathesis's checks:
    no 5xx; status, content type, headers and body as documented; invalid data refused; valid
    data accepted, or refused only as the document says in words (`ACCEPTANCE`)."""
    operations, token = api

    @hypothesis.given(case=operations[label].as_strategy(generation_mode=mode))
    @hypothesis.settings(max_examples=8, **SETTINGS)
    def check(case: Any) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})

    check()


SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": list(hypothesis.HealthCheck),
    "derandomize": True,
    "database": None,
}
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_no_mutated_submission_makes_the_api_fail(api: tuple[Any, str], form_id: str) -> None:
    """Valid answers with a value replaced anywhere, sent as JSON or multipart, to be filed or
    signed: the large forms, which schemathesis generates too slowly (above)."""
    operations, token = api
    url = operations[f"POST /api/v1/forms/{form_id}/submissions"].base_url
    original = answers(form_id, "valid-full")
    pointers = list(_pointers(original))

    @hypothesis.given(
        pointer=st.sampled_from(pointers),
        value=JSON_VALUES,
        as_multipart=st.booleans(),
        operation=st.sampled_from(["submissions", "data-to-sign"]),
    )
    @hypothesis.settings(max_examples=40, **SETTINGS)
    def check(pointer: list[Any], value: Any, as_multipart: bool, operation: str) -> None:
        document = json.loads(json.dumps(original))
        _set(document, pointer, value)
        headers = {"Authorization": f"Bearer {token}"}
        submit = f"{url}/api/v1/forms/{form_id}/{operation}"
        if as_multipart:
            response = httpx.post(submit, headers=headers, **live.multipart(document))
        else:
            response = httpx.post(submit, headers=headers, json=document)
        assert response.status_code < 500, response.text
        assert response.status_code in (200, 201, 422), response.text
        response.request.read()  # a multipart body streams; schemathesis wants its bytes
        operations[f"POST /api/v1/forms/{form_id}/{operation}"].validate_response(response)

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
