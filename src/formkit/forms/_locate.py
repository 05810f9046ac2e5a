"""Finding where a form's author wrote something.

The model is built from the form with every `$ref` inlined; problems must still name the file
and the JSON Pointer the author can open. `Locator` walks a pointer into the inlined form back
through the original documents, following `$ref`s as it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from formkit.forms import _pointer
from formkit.forms._sources import follow_ref


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
                uri, pointer, node = follow_ref(uri, node["$ref"], self._documents.get)
            child = _pointer.child(node, token)
            if child is None:
                break
            node, pointer = child, _pointer.join(pointer, token)
        return self._label(uri), pointer
