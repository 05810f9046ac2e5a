"""Reading form files: JSON with line and column on errors, `$ref`s resolved from disk only.

Every schema file gets a virtual base URI under `BASE_URI`, derived from its path inside the
schemas folder. Relative `$ref`s then work exactly like file paths, the bundled form never
contains a machine's own paths (so its version hash is the same on every machine), and nothing
is ever fetched from the network.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

from formkit._errors import FormError, SchemaProblem
from formkit.forms import _pointer

BASE_URI = "https://formkit.invalid/schemas/"
METASCHEMA_PREFIX = "https://json-schema.org/"

Retriever = Callable[[str], Any]


def read_json(path: Path, label: str | None = None) -> Any:
    """The parsed file, or a FormError naming the file, line and column of the mistake."""
    label = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FormError([SchemaProblem(label, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise FormError([SchemaProblem(label, "", f"cannot be read: {error}")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        problem = SchemaProblem(label, "", f"invalid JSON ({where}): {error.msg}")
        raise FormError([problem]) from None


def uri_for(path: Path, root: Path) -> str:
    return BASE_URI + path.resolve().relative_to(root.resolve()).as_posix()


def follow_ref(uri: str, ref: str, fetch: Callable[[str], Any]) -> tuple[str, str, Any]:
    """Where `ref`, written in the document at `uri`, leads: (document URI, fragment, node)."""
    target, fragment = urldefrag(urljoin(uri, ref))
    document = fetch(target)
    return target, fragment, None if document is None else _pointer.resolve(document, fragment)


class DiskRetriever:
    """Resolves `$ref`s below `root` from disk; refuses everything else."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def __call__(self, uri: str) -> Any:
        if not uri.startswith(BASE_URI):
            raise ValueError(f"$ref outside the schemas folder: {uri}")
        relative = uri.removeprefix(BASE_URI).split("#", 1)[0]
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"$ref outside the schemas folder: {relative}")
        return read_json(path, label=relative)
