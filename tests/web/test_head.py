"""HEAD is answered wherever GET is: the same status and headers, no body (RFC 9110 §9.3.2)."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import TestClient

# A value for each path parameter the app's GET routes take.
SAMPLES = {"form_id": "evenement", "number": "EVT-2026-000001", "index": "0", "slug": "not-found"}


def _get_paths(client: TestClient[Any]) -> list[str]:
    paths = []
    for route in client.app.routes:
        if "GET" not in getattr(route, "methods", ()):
            continue
        path = re.sub(r"\{(\w+):\w+\}", lambda m: SAMPLES.get(m.group(1), "x"), route.path)
        paths.append(path)
    return sorted(set(paths))


def test_every_get_route_answers_head_with_its_headers_and_no_body(
    client: TestClient[Any],
) -> None:
    paths = _get_paths(client)
    assert {"/health", "/formulieren", "/api/v1/forms", "/verificatie"} <= set(paths)
    for path in paths:
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
        assert head.status_code != 405, path


def test_head_is_refused_where_get_is(client: TestClient[Any]) -> None:
    got, head = client.get("/api/v1/uploads"), client.head("/api/v1/uploads")  # POST only
    assert got.status_code == head.status_code == 405
    assert head.content == b""
