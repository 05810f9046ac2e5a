"""Finding where a form's author wrote something.

The model is built from the form with every `$ref` inlined; problems must still name the file
and the JSON Pointer the author can open. `Locator` walks a pointer into the inlined form back
through the original documents, following `$ref`s as it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin

from formkit import _pointer


class Locator:
    def __init__(
        self, root_uri: str, documents: Mapping[str, Any], label: Callable[[str], str]
    ) -> None:
        self._root_uri = root_uri
        self._documents = documents
        self._label = label

    def locate(self, inlined_pointer: str) -> tuple[str, str]:
        """(file, pointer) of the node at `inlined_pointer` in the form with refs inlined."""
        uri, pointer = self._root_uri, ""
        node = self._documents[uri]
        for token in _pointer.tokens(inlined_pointer):
            while isinstance(node, Mapping) and token not in node and "$ref" in node:
                uri, pointer, node = self._follow(uri, node["$ref"])
            child = _child(node, token)
            if child is None:
                break
            node, pointer = child, _pointer.join(pointer, token)
        return self._label(uri), pointer

    def _follow(self, uri: str, ref: str) -> tuple[str, str, Any]:
        target, fragment = urldefrag(urljoin(uri, ref))
        document = self._documents.get(target)
        if document is None:
            return uri, "", None
        return target, fragment, _pointer.resolve(document, fragment)


def _child(node: Any, token: str) -> Any:
    if isinstance(node, Mapping):
        return node.get(token)
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    return None
