"""The baseline for benchmarks/filing.py: a bare Litestar endpoint that decodes the same body.

`python benchmarks/_bare.py PORT` serves it with the same uvicorn options as `formkit serve`
(access log included), so the two rates differ only by what formkit does with a filing.
"""

from __future__ import annotations

import sys
from typing import Any

import msgspec
import uvicorn
from litestar import Litestar, Request, Response, post


@post("/bare", status_code=201)
async def bare(request: Request[Any, Any, Any]) -> Response[bytes]:
    answers = msgspec.json.decode(await request.body())
    return Response(msgspec.json.encode({"fields": len(answers)}), status_code=201)


app = Litestar(route_handlers=[bare], openapi_config=None)


if __name__ == "__main__":
    from formkit.cli._ops import SERVER_OPTIONS

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), **SERVER_OPTIONS)
