"""The validation engine: Draft 2020-12 exactly, as jsonschema-rs implements it.

Every path that validates answers goes through `Engine`: forms, conditions, rules and the
official JSON Schema Test Suite in our tests. An error becomes a `Violation`: the JSON Pointer
of the field it belongs to (for `required`, the missing field itself), the keyword that failed
and the schema node that holds it, so messages can be looked up where the author wrote them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from formkit.forms import _pointer
from formkit.forms._formats import CHECKERS

# jsonschema-rs names error kinds after the keyword in CamelCase (`MaxItems`); formkit's codes
# are the keywords themselves. These are the kinds whose name is not simply the keyword.
_IRREGULAR_CODES = {
    "Constant": "const",
    "FalseSchema": "false",
    "OneOfMultipleValid": "oneOf",
    "OneOfNotValid": "oneOf",
}
_UNEXPECTED = {"additionalProperties", "unevaluatedProperties"}
_CHOICE_CODES = {"const", "enum"}


@dataclass(frozen=True, slots=True)
class Violation:
    """One failed keyword, placed at the field it is about."""

    pointer: str
    code: str
    location: str  # absolute URI of the failing keyword: `<resource>#<pointer>`
    details: Mapping[str, Any]


def compile_validator(
    schema: Any,
    *,
    retriever: Callable[[str], Any] | None = None,
    base_uri: str | None = None,
    assert_formats: bool = True,
) -> Any:
    """A compiled validator: Draft 2020-12 unless the schema's `$schema` says otherwise.

    Forms assert formats (the format-assertion vocabulary): a rijksregisternummer that fails
    its checksum is a problem, not an annotation. Plain Draft 2020-12 treats `format` as an
    annotation; `assert_formats=False` gives exactly that.
    """
    return jsonschema_rs.validator_for(
        schema,
        formats=dict(CHECKERS),
        # None: as the schema's own dialect says (its $vocabulary may require assertion)
        validate_formats=True if assert_formats else None,
        ignore_unknown_formats=True,
        retriever=retriever,
        base_uri=base_uri,
    )


class Engine:
    def __init__(self, validator: Any) -> None:
        self._validator = validator

    @classmethod
    def compile(
        cls,
        schema: Any,
        *,
        retriever: Callable[[str], Any] | None = None,
        base_uri: str | None = None,
        assert_formats: bool = True,
    ) -> Engine:
        validator = compile_validator(
            schema, retriever=retriever, base_uri=base_uri, assert_formats=assert_formats
        )
        return cls(validator)

    def is_valid(self, instance: Any) -> bool:
        return bool(self._validator.is_valid(instance))

    def violations(self, instance: Any) -> list[Violation]:
        # Most documents are valid, and is_valid is the cheaper way to say so (it also stops at
        # the first error, so an invalid document pays little for asking first).
        if self._validator.is_valid(instance):
            return []
        return [v for error in self._validator.iter_errors(instance) for v in _translate(error)]


def _translate(error: Any) -> Iterator[Violation]:
    kind = type(error.kind).__name__
    code = _IRREGULAR_CODES.get(kind, kind[:1].lower() + kind[1:])
    pointer = _pointer.from_path(error.instance_path)
    location = str(error.absolute_keyword_location or "")
    details = error.kind.as_dict()
    if code == "required":
        yield Violation(_pointer.join(pointer, details["property"]), code, location, details)
    elif code in _UNEXPECTED:
        for name in details.get("unexpected", ()):
            yield Violation(_pointer.join(pointer, name), code, location, details)
    elif code == "propertyNames" and details.get("error") is not None:
        # about one key: placed at its member, with what the key itself failed (minLength...)
        inner = details["error"]
        for failed in _translate(inner):
            at = _pointer.join(pointer, str(inner.instance))
            yield Violation(at, code, location, {**failed.details, "keyword": failed.code})
    elif code in {"oneOf", "anyOf"} and details.get("context"):
        yield from _best_branch(pointer, code, location, details)
    else:
        yield Violation(pointer, code, location, details)


def _best_branch(
    pointer: str, code: str, location: str, details: Mapping[str, Any]
) -> Iterator[Violation]:
    """The problems of the alternative the citizen meant, or one problem for the whole choice.

    An alternative whose discriminator (a `const` right below the choice) does not match was
    clearly not meant; when exactly one alternative remains, its own problems are the useful
    ones. Problems every alternative shares (a missing discriminator) are reported as such.
    """
    branches = [[v for e in errors for v in _translate(e)] for errors in details["context"]]
    depth = len(_pointer.tokens(pointer)) + 1
    meant = [
        branch
        for branch in branches
        if not any(
            v.code in _CHOICE_CODES and len(_pointer.tokens(v.pointer)) <= depth for v in branch
        )
    ]
    if len(meant) == 1 and meant[0]:
        yield from meant[0]
        return
    shared = _shared(branches)
    if shared:
        yield from shared
        return
    yield Violation(pointer, code, location, {})


def _shared(branches: list[list[Violation]]) -> list[Violation]:
    if not branches:
        return []
    keys = set.intersection(*({(v.pointer, v.code) for v in b} for b in branches))
    return [v for v in branches[0] if (v.pointer, v.code) in keys]
