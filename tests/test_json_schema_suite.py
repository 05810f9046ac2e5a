"""The official JSON Schema Test Suite (draft 2020-12) through formkit's validation path.

Every case compiles its group's schema with `Engine.compile` (once per group and mode) and
checks both ways formkit answers: `is_valid` and `violations` (empty exactly when valid). Remote
`$ref`s to `http://localhost:1234/...` are read from the suite's `remotes/` folder; anything else
raises, so nothing is ever fetched from the network.

Two runs:
- `test_suite`: Draft 2020-12 as the suite defines it: the required and optional tests with
  `format` as an annotation (`assert_formats=False`), the `optional/format/` tests with formats
  asserted.
- `test_suite_as_forms_compile`: the required and optional tests through `Engine.compile`'s
  default, as forms are compiled: formats asserted, formkit's own formats installed.

The suite's draft 2020-12 part is vendored in `tests/json-schema-test-suite/` (its SOURCE.md
names the upstream commit). Without it these tests fail: they never skip.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import ROOT

from formkit.forms._engine import Engine

SUITE = Path(__file__).resolve().parent / "json-schema-test-suite"
DRAFT = SUITE / "draft2020-12"
REMOTES = SUITE / "remotes"
REMOTE_PREFIX = "http://localhost:1234/"

REQUIRED_AND_OPTIONAL = ("*.json", "optional/*.json")
FORMAT = ("optional/format/*.json",)

MISSING = f"The JSON Schema Test Suite is missing: expected it at {SUITE} (see its SOURCE.md)."

Key = tuple[str, str, str]  # file (relative to draft2020-12/), group, test description

FORMAT_ASSERTION_VOCABULARY: dict[Key, str] = {}

# In `test_suite_as_forms_compile`: forms assert formats (Engine.compile's default), while
# draft 2020-12 makes `format` an annotation unless asked otherwise. These required tests check
# that default and so fail by design.
_FORMAT_NAMES = (
    "email",
    "idn-email",
    "regex",
    "ipv4",
    "ipv6",
    "idn-hostname",
    "hostname",
    "date",
    "date-time",
    "time",
    "json-pointer",
    "relative-json-pointer",
    "iri",
    "iri-reference",
    "uri",
    "uri-reference",
    "uri-template",
    "uuid",
    "duration",
)
FORMATS_ASSERTED: dict[Key, str] = {
    (
        "format.json",
        f"{name} format",
        f"invalid {name} string is only an annotation by default",
    ): "by design: Engine.compile asserts formats by default (forms need it)"
    for name in _FORMAT_NAMES
}


def _retrieve(uri: str) -> Any:
    """Remote documents of the suite, from disk; any other URI is refused."""
    if not uri.startswith(REMOTE_PREFIX):
        raise ValueError(f"only {REMOTE_PREFIX} is served in these tests, not {uri}")
    return _remote(uri.removeprefix(REMOTE_PREFIX).partition("#")[0])


@cache
def _remote(relative: str) -> Any:
    root = REMOTES.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ValueError(f"no such remote document in the suite: {relative}")
    return json.loads(path.read_text(encoding="utf-8"))


def _files(patterns: tuple[str, ...]) -> list[str]:
    return [
        path.relative_to(DRAFT).as_posix()
        for pattern in patterns
        for path in sorted(DRAFT.glob(pattern))
    ]


@cache
def _groups(relative: str) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = json.loads((DRAFT / relative).read_text(encoding="utf-8"))
    return groups


@cache
def _engine(relative: str, group: int, assert_formats: bool | None) -> Engine:
    schema = _groups(relative)[group]["schema"]
    if assert_formats is None:  # Engine.compile's default, as forms are compiled
        return Engine.compile(schema, retriever=_retrieve)
    return Engine.compile(schema, retriever=_retrieve, assert_formats=assert_formats)


def _keys(patterns: tuple[str, ...]) -> list[tuple[Key, int, int]]:
    return [
        ((relative, group["description"], test["description"]), g, t)
        for relative in _files(patterns)
        for g, group in enumerate(_groups(relative))
        for t, test in enumerate(group["tests"])
    ]


def _cases(
    runs: tuple[tuple[tuple[str, ...], bool | None], ...], deviations: dict[Key, str]
) -> list[Any]:
    if not DRAFT.is_dir():
        # One failing case instead of an empty (skipped) parametrization.
        return [pytest.param(None, 0, 0, None, id="json-schema-test-suite-missing")]
    cases = []
    for patterns, assert_formats in runs:
        for key, g, t in _keys(patterns):
            marks = []
            if key in deviations:
                marks.append(pytest.mark.xfail(reason=deviations[key], strict=True))
            cases.append(pytest.param(key[0], g, t, assert_formats, id="::".join(key), marks=marks))
    return cases


def _check(relative: str | None, group: int, test: int, assert_formats: bool | None) -> None:
    if relative is None:
        pytest.fail(MISSING, pytrace=False)
    case = _groups(relative)[group]["tests"][test]
    engine = _engine(relative, group, assert_formats)
    data, valid = case["data"], case["valid"]
    assert engine.is_valid(data) is valid
    violations = engine.violations(data)
    assert (violations == []) is valid, violations


ARGS = ("relative", "group", "test", "assert_formats")


@pytest.mark.parametrize(
    ARGS, _cases(((REQUIRED_AND_OPTIONAL, False), (FORMAT, True)), FORMAT_ASSERTION_VOCABULARY)
)
def test_suite(relative: str | None, group: int, test: int, assert_formats: bool | None) -> None:
    _check(relative, group, test, assert_formats)


@pytest.mark.parametrize(ARGS, _cases(((REQUIRED_AND_OPTIONAL, None),), FORMATS_ASSERTED))
def test_suite_as_forms_compile(
    relative: str | None, group: int, test: int, assert_formats: bool | None
) -> None:
    _check(relative, group, test, assert_formats)


def test_suite_is_vendored_with_its_license_and_commit() -> None:
    # A fresh clone with nothing beside it runs the whole suite.
    assert SUITE.is_relative_to(ROOT)
    assert "Permission is hereby granted" in (SUITE / "LICENSE").read_text(encoding="utf-8")
    assert re.search(r"\bcommit\s+[0-9a-f]{40}\b", (SUITE / "SOURCE.md").read_text("utf-8"))


def test_suite_is_present() -> None:
    assert DRAFT.is_dir(), MISSING
    assert REMOTES.is_dir(), MISSING
    for pattern in (*REQUIRED_AND_OPTIONAL, *FORMAT):
        assert list(DRAFT.glob(pattern)), f"no draft2020-12/{pattern} in {SUITE}"


def test_known_deviations_name_real_tests() -> None:
    assert DRAFT.is_dir(), MISSING
    known = {key for key, _, _ in _keys((*REQUIRED_AND_OPTIONAL, *FORMAT))}
    deviations = {**FORMAT_ASSERTION_VOCABULARY, **FORMATS_ASSERTED}
    assert set(deviations) <= known, set(deviations) - known


def test_retriever_refuses_the_network() -> None:
    with pytest.raises(ValueError, match="only http://localhost:1234/"):
        _retrieve("https://json-schema.org/draft/2020-12/schema")
    with pytest.raises(ValueError, match="no such remote"):
        _retrieve(REMOTE_PREFIX + "../SOURCE.md")
