"""JSON Pointers (RFC 6901): every place formkit names in an answer document."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formkit.forms import _pointer

TOKENS = st.one_of(
    st.text(alphabet="ab~/01²", max_size=4), st.integers(0, 120).map(str), st.integers(0, 9)
)


@given(st.lists(TOKENS, max_size=5))
def test_tokens_read_back_what_from_path_wrote(path: list[str | int]) -> None:
    assert _pointer.tokens(_pointer.from_path(path)) == [str(token) for token in path]


@given(st.lists(TOKENS, max_size=5))
def test_generic_replaces_every_index_and_nothing_else(path: list[str | int]) -> None:
    expected = _pointer.from_path("*" if str(t).isdigit() else t for t in path)
    assert _pointer.generic(_pointer.from_path(path)) == expected


@pytest.mark.parametrize(
    ("pointer", "generic"),
    [
        ("", ""),
        ("/initiatiefnemers/1/adres", "/initiatiefnemers/*/adres"),
        ("/a~1b/10", "/a~1b/*"),  # an escaped slash is part of its token
        ("/bijlagen/fotos/0/bestand", "/bijlagen/fotos/*/bestand"),
    ],
)
def test_generic_examples(pointer: str, generic: str) -> None:
    assert _pointer.generic(pointer) == generic


@pytest.mark.parametrize("function", [_pointer.tokens, _pointer.generic])
def test_a_pointer_must_start_with_a_slash(function: Callable[[str], object]) -> None:
    with pytest.raises(ValueError, match="starts with '/'"):
        function("naam")


def test_resolve_walks_dicts_and_lists_and_stops_at_what_is_missing() -> None:
    document = {"a/b": [{"c": 1}], "d": {"e": None}}
    assert _pointer.resolve(document, "/a~1b/0/c") == 1
    assert _pointer.resolve(document, "/d/e", "default") is None
    assert _pointer.resolve(document, "/a~1b/1/c", "missing") == "missing"
    assert _pointer.resolve(document, "/d/e/f", "missing") == "missing"
