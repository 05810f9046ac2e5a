"""Inlining `$ref`s for the model, with the author's words at the place of use winning.

`{"$ref": "defs/persoon.json", "title": "Verantwoordelijke"}` is a person titled
"Verantwoordelijke": keywords beside a `$ref` override those of the definition for the model
(titles, descriptions, annotations). Validation never uses this: it runs on the original
documents with Draft 2020-12's own `$ref` semantics.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from formkit.forms._sources import follow_ref


class Inliner:
    def __init__(self, fetch: Callable[[str], Any]) -> None:
        self._fetch = fetch

    def inline(self, node: Any, uri: str, active: tuple[str, ...] = ()) -> Any:
        if isinstance(node, list):
            return [self.inline(item, uri, active) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        siblings = {k: self.inline(v, uri, active) for k, v in node.items() if k != "$ref"}
        if not isinstance(ref, str):
            return siblings
        target = urljoin(uri, ref)
        if target in active:  # a recursive definition stays a reference
            return {"$ref": ref, **siblings}
        document_uri, _, resolved = follow_ref(uri, ref, self._fetch)
        inlined = self.inline(resolved, document_uri, (*active, target))
        if not isinstance(inlined, dict):
            return siblings if siblings else inlined
        return _merge(inlined, siblings)


def _merge(definition: dict[str, Any], siblings: dict[str, Any]) -> dict[str, Any]:
    """Annotations at the place of use win; assertions on both sides both apply."""
    merged = {**definition, **siblings}
    for key in ("required", "allOf"):
        if key in definition and key in siblings:
            merged[key] = [
                *definition[key],
                *(v for v in siblings[key] if v not in definition[key]),
            ]
    if "properties" in definition and "properties" in siblings:
        merged["properties"] = {**definition["properties"], **siblings["properties"]}
    return merged
