"""The pages' static files (`renderers/static/`), read once and served from memory.

    GET /static/{name}    a style sheet, script or icon of the pages

Style sheets and scripts are served minified (rcssmin, rjsmin): the files stay readable, with
their comments, and a citizen's phone loads a third less. Each answer carries a strong ETag
(the SHA-256 of what is served) and may be kept five minutes, as embed.js: after that a
browser asks again cheaply (304), and gets a new file once the service runs a new one.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rcssmin
import rjsmin
from litestar import Request, Response, Router, get
from litestar.params import FromPath

from formkit.web.problems import ProblemError

_MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}
_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


@dataclass(frozen=True, slots=True)
class StaticFile:
    content: bytes
    media_type: str
    etag: str


def served(path: Path) -> bytes:
    """What is served for `path`: minified for a style sheet or script, else as it is."""
    minify = _MINIFIERS.get(path.suffix)
    if minify is None:
        return path.read_bytes()
    minified: str = minify(path.read_text(encoding="utf-8"))
    return minified.encode()


def load_static(folder: Path) -> Mapping[str, StaticFile]:
    """Every file directly in `folder`, by name, as it will be served."""
    files = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        content = served(path)
        guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        media_type = _TYPES.get(path.suffix, guessed)
        etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
        files[path.name] = StaticFile(content, media_type, etag)
    return files


def static_router(path: str, folder: Path) -> Router:
    """The router of `/static/`: the files of `folder`, loaded now."""
    files = load_static(folder)

    @get("/{name:str}", include_in_schema=False, sync_to_thread=False)
    def static_file(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[bytes]:
        found = files.get(name)
        if found is None:
            raise ProblemError("not-found", "Dit bestand bestaat niet.")
        headers = {"ETag": found.etag, "Cache-Control": "public, max-age=300"}
        if found.etag in request.headers.get("if-none-match", ""):
            return Response(b"", status_code=304, headers=headers)
        return Response(found.content, media_type=found.media_type, headers=headers)

    return Router(path=path, route_handlers=[static_file])
