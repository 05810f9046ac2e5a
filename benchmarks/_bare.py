"""The baseline for benchmarks/filing.py: a bare Litestar endpoint that decodes the same body."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Request, Response, post


@post("/bare", status_code=201)
async def bare(request: Request[Any, Any, Any]) -> Response[bytes]:
    answers = msgspec.json.decode(await request.body())
    return Response(msgspec.json.encode({"fields": len(answers)}), status_code=201)


app = Litestar(route_handlers=[bare], openapi_config=None)
